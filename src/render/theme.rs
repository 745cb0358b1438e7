//! The theme: templates, static files and the interface words.
//!
//! The default theme is embedded in the binary (see `build.rs`). A site
//! overrides it file by file: first from its own `themes/<name>/` (the
//! config's `theme`), then templates from a `templates/` folder at its root.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The theme's files by path (`templates/base.html`, `static/style.css`, `i18n.yaml`).
#[derive(Clone, Debug, Default)]
pub struct Theme {
    files: BTreeMap<String, Vec<u8>>,
    /// Where the site's own files came from (`themes/plain/i18n.yaml`,
    /// `templates/404.html`), by theme path; the others are built in.
    origins: BTreeMap<String, String>,
}

impl Theme {
    /// The embedded default theme with the site's overrides applied.
    pub fn load(root: &Path, name: &str) -> std::io::Result<Theme> {
        let mut files: BTreeMap<String, Vec<u8>> = DEFAULT_THEME
            .iter()
            .map(|(p, b)| ((*p).to_string(), b.to_vec()))
            .collect();
        let mut origins = BTreeMap::new();
        let own = format!("themes/{name}/");
        overlay(&mut files, &mut origins, root, &own, "")?;
        overlay(&mut files, &mut origins, root, "templates/", "templates/")?;
        Ok(Theme { files, origins })
    }

    /// A digest of every file of the theme (what the build cache compares).
    pub fn digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        // Fixed keys: the same files give the same digest in one program.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.files.hash(&mut h);
        h.finish()
    }

    /// The embedded default theme alone.
    pub fn builtin() -> Theme {
        Theme {
            files: DEFAULT_THEME
                .iter()
                .map(|(p, b)| ((*p).to_string(), b.to_vec()))
                .collect(),
            origins: BTreeMap::new(),
        }
    }

    /// Where a file of the theme comes from, for messages: the site's own
    /// file (`themes/plain/i18n.yaml`), else the built-in one
    /// (`themes/default/i18n.yaml`).
    pub fn origin(&self, path: &str) -> String {
        self.origins
            .get(path)
            .cloned()
            .unwrap_or_else(|| format!("themes/default/{path}"))
    }

    /// A file of the embedded default theme, as text.
    pub fn builtin_text(path: &str) -> Option<String> {
        DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
    }

    /// Templates: (name without the `templates/` prefix, text).
    pub fn templates(&self) -> impl Iterator<Item = (&str, String)> {
        self.files.iter().filter_map(|(path, bytes)| {
            let name = path.strip_prefix("templates/")?;
            Some((name, String::from_utf8_lossy(bytes).into_owned()))
        })
    }

    /// Static files: (path without the `static/` prefix, bytes).
    pub fn statics(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| Some((path.strip_prefix("static/")?, bytes.as_slice())))
    }

    /// A file's text.
    pub fn text(&self, path: &str) -> Option<String> {
        self.files
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

/// Put the files under `root/from` over `files` (at `prefix` + their
/// path), noting where each came from.
fn overlay(
    files: &mut BTreeMap<String, Vec<u8>>,
    origins: &mut BTreeMap<String, String>,
    root: &Path,
    from: &str,
    prefix: &str,
) -> std::io::Result<()> {
    let dir = root.join(from);
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(parts) = parts else { continue };
        if parts.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        let rel = parts.join("/");
        let path = format!("{prefix}{rel}");
        files.insert(path.clone(), std::fs::read(entry.path())?);
        origins.insert(path, format!("{from}{rel}"));
    }
    Ok(())
}
