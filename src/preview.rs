//! A site kept in memory and kept current: what `gongshi serve` serves.
//!
//! [`Preview::open`] loads and renders the whole site into memory.
//! [`Preview::update`] takes the paths an edit changed, re-reads only those
//! files (`load::Loader::update`), assembles again, and renders
//! again only the targets the edit touches ([`crate::render::touched`]):
//! first the township's own pages, so the page being edited is ready at
//! once, then — in [`Preview::finish`] — the summaries, downloads and feed
//! it feeds. After `finish` the files equal those of a fresh full build,
//! byte for byte (the property test in `tests/serve.rs` checks it after
//! random sequences of edits).
//!
//! While the content has errors, the last good files stay and
//! [`Preview::problems`] says what is wrong; the edits made meanwhile are
//! remembered, and the next good state renders everything they touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::assemble::{self, Assembled};
use crate::diagnostic::{Diagnostic, Problem};
use crate::load::{Loader, Reloaded};
use crate::render::{self, RenderError, Renderer, Target, Theme, Touched};
use crate::site::{LoadOptions, NotASite, Site};
use crate::write::{Output, OutputError};

/// One file of the site in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// Rendered bytes.
    Bytes(Arc<[u8]>),
    /// A file the build copies (an attachment): read when asked for.
    File(PathBuf),
}

/// The site's files by output path.
pub type Files = BTreeMap<String, Content>;

/// A site in memory.
pub struct Preview {
    loader: Loader,
    renderer: Option<Renderer>,
    /// The last good state: the site, its summaries, its files.
    good: Option<Good>,
    /// The current problems (errors mean the files are the last good ones).
    problems: Vec<Diagnostic>,
    /// Files read again since the last good state (relative paths).
    pending_reads: BTreeSet<PathBuf>,
    /// Theme files changed since the last good state (paths in the theme).
    pending_theme: BTreeSet<String>,
    /// Whether something since the last good state touches everything.
    pending_everything: bool,
    /// Targets left for [`Preview::finish`].
    pending_targets: Vec<Target>,
    /// How long each step of the last update took.
    timings: Vec<(&'static str, std::time::Duration)>,
}

struct Good {
    site: Site,
    asm: Assembled,
    files: Arc<Files>,
}

/// What an update did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Updated {
    /// The site has errors: the last good files stay.
    Problems,
    /// These targets were rendered (all of them for a full render); more
    /// may be left for [`Preview::finish`].
    Rendered {
        /// Whether the whole site was rendered.
        everything: bool,
        /// How many targets.
        targets: usize,
        /// Output paths whose bytes changed, appeared or went.
        changed: Vec<String>,
    },
}

impl Preview {
    /// Load and render the site.
    pub fn open(options: &LoadOptions) -> Result<Preview, NotASite> {
        let loader = Loader::new(options)?;
        let mut preview = Preview {
            loader,
            renderer: None,
            good: None,
            problems: Vec::new(),
            pending_reads: BTreeSet::new(),
            pending_theme: BTreeSet::new(),
            pending_everything: true,
            pending_targets: Vec::new(),
            timings: Vec::new(),
        };
        preview.reload_theme();
        preview.advance();
        Ok(preview)
    }

    /// The files being served (the last good ones).
    pub fn files(&self) -> Arc<Files> {
        self.good
            .as_ref()
            .map_or_else(|| Arc::new(Files::new()), |g| g.files.clone())
    }

    /// The problems of the current content: errors (then the files are the
    /// last good ones) and warnings.
    pub fn problems(&self) -> &[Diagnostic] {
        &self.problems
    }

    /// Whether the current content has errors.
    pub fn failed(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// The site's language (for messages about it).
    pub fn language(&self) -> crate::i18n::Lang {
        self.loader.config().language
    }

    /// The last good site, if any.
    pub fn site(&self) -> Option<&Site> {
        self.good.as_ref().map(|g| &g.site)
    }

    /// Take an edit into account: `changed` are the paths it changed
    /// (absolute or relative to the site root): content files, the config,
    /// the site's templates (`templates/…`) or its theme (`themes/<name>/…`).
    /// Renders what the edit touches first (see [`Preview::finish`] for the
    /// rest).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Updated, NotASite> {
        self.timings.clear();
        let start = std::time::Instant::now();
        let reloaded = self.loader.update(changed)?;
        self.timings.push(("read", start.elapsed()));
        match reloaded {
            Reloaded::Everything => self.pending_everything = true,
            Reloaded::Files { changed, layout: _ } => self.pending_reads.extend(changed),
        }
        let theme = self.theme_files(changed);
        if !theme.is_empty() {
            self.pending_theme.extend(theme);
            self.reload_theme();
        }
        Ok(self.advance())
    }

    /// How long each step of the last update and finish took.
    pub fn timings(&self) -> &[(&'static str, std::time::Duration)] {
        &self.timings
    }

    /// Render what the last update left for later; returns the output
    /// paths that changed.
    pub fn finish(&mut self) -> Vec<String> {
        let start = std::time::Instant::now();
        let changed = self.finish_targets();
        self.timings.push(("render the rest", start.elapsed()));
        changed
    }

    fn finish_targets(&mut self) -> Vec<String> {
        let targets = std::mem::take(&mut self.pending_targets);
        if targets.is_empty() {
            return Vec::new();
        }
        let Some(good) = self.good.as_mut() else {
            return Vec::new();
        };
        let Some(renderer) = self.renderer.as_ref() else {
            return Vec::new();
        };
        match render_into(&good.site, &good.asm, renderer, &targets, &good.files, &[]) {
            Ok((files, changed)) => {
                good.files = Arc::new(files);
                changed
            }
            Err(d) => {
                // Left for the next update (a file changed under the
                // render: its save comes next), which renders them with
                // its own: among them the report pages whose records the
                // search index is patched with.
                self.pending_targets = targets;
                self.problems = vec![*d];
                Vec::new()
            }
        }
    }

    /// The changed paths that are files of the site's theme, as paths in
    /// the theme (`templates/report.html`).
    fn theme_files(&self, changed: &[PathBuf]) -> Vec<String> {
        let root = self.loader.root();
        let canon = root.canonicalize().ok();
        let theme_dir = Path::new("themes").join(&self.loader.config().theme);
        changed
            .iter()
            .filter_map(|p| {
                let rel = if p.is_relative() {
                    p.clone()
                } else {
                    p.strip_prefix(root)
                        .ok()
                        .or_else(|| p.strip_prefix(canon.as_ref()?).ok())?
                        .to_path_buf()
                };
                let inner = if rel.starts_with("templates") {
                    rel
                } else {
                    rel.strip_prefix(&theme_dir).ok()?.to_path_buf()
                };
                let parts: Vec<&str> = inner
                    .components()
                    .filter_map(|c| c.as_os_str().to_str())
                    .collect();
                Some(parts.join("/"))
            })
            .collect()
    }

    fn reload_theme(&mut self) {
        let root = self.loader.root().to_path_buf();
        let theme_name = self.loader.config().theme.clone();
        self.renderer = match Theme::load(&root, &theme_name) {
            Ok(theme) => Renderer::new(&theme, self.loader.config().language).ok(),
            Err(_) => None,
        };
    }

    /// Derive the site from the loader; if it is good, render what changed
    /// since the last good state.
    fn advance(&mut self) -> Updated {
        let mut clock = std::time::Instant::now();
        let mut lap = |timings: &mut Vec<(&'static str, std::time::Duration)>, name| {
            timings.push((name, clock.elapsed()));
            clock = std::time::Instant::now();
        };
        let site = self.loader.site();
        lap(&mut self.timings, "derive the site");
        self.problems = site.diagnostics.clone();
        if site.has_errors() {
            return Updated::Problems;
        }
        let renderer = match &self.renderer {
            Some(r) => r,
            None => {
                let root = self.loader.root().to_path_buf();
                let theme_name = self.loader.config().theme.clone();
                let problem = match Theme::load(&root, &theme_name)
                    .map_err(|e| Box::new(io_problem(&format!("themes/{theme_name}: {e}"))))
                    .and_then(|t| Renderer::new(&t, site.config.language))
                {
                    Ok(r) => {
                        self.renderer = Some(r);
                        return self.advance();
                    }
                    Err(d) => *d,
                };
                self.problems.push(problem);
                return Updated::Problems;
            }
        };
        let asm = match &self.good {
            Some(good) if !self.pending_everything => {
                match reports_changed_in_place(&good.site, &site) {
                    Some(years) => assemble::reassemble(&site, &good.asm, &years),
                    None => assemble::assemble(&site),
                }
            }
            _ => assemble::assemble(&site),
        };
        lap(&mut self.timings, "assemble");
        let touched = match (&self.good, self.pending_everything) {
            (Some(good), false) => {
                let reads: Vec<PathBuf> = self.pending_reads.iter().cloned().collect();
                let content = render::touched((&good.site, &good.asm), (&site, &asm), &reads);
                let theme: Vec<String> = self.pending_theme.iter().cloned().collect();
                match (content, theme.is_empty()) {
                    (content, true) => content,
                    (Touched::Everything, false) => Touched::Everything,
                    (
                        Touched::Some {
                            first,
                            mut then,
                            owned_by,
                        },
                        false,
                    ) => match Theme::load(self.loader.root(), &site.config.theme) {
                        Ok(t) => match render::touched_by_theme(&t, &theme, &site, &asm) {
                            Touched::Everything => Touched::Everything,
                            Touched::Some { then: more, .. } => {
                                then.extend(more);
                                Touched::Some {
                                    first,
                                    then,
                                    owned_by,
                                }
                            }
                        },
                        Err(_) => Touched::Everything,
                    },
                }
            }
            _ => Touched::Everything,
        };
        let empty = Arc::new(Files::new());
        let (everything, first, then, owned_by, base) = match touched {
            Touched::Everything => (
                true,
                render::targets(&site, &asm),
                Vec::new(),
                Vec::new(),
                empty,
            ),
            Touched::Some {
                first,
                then,
                owned_by,
            } => {
                let base = self.good.as_ref().map_or(empty, |g| g.files.clone());
                (false, first, then, owned_by, base)
            }
        };
        let rendered = render_into(&site, &asm, renderer, &first, &base, &owned_by);
        lap(&mut self.timings, "render first");
        match rendered {
            Ok((files, mut changed)) => {
                if everything {
                    // Whatever the previous state served and this one lacks.
                    if let Some(good) = &self.good {
                        changed.extend(
                            good.files
                                .keys()
                                .filter(|k| !files.contains_key(*k))
                                .cloned(),
                        );
                        changed.retain(|p| good.files.get(p) != files.get(p));
                    }
                }
                let targets = first.len();
                self.good = Some(Good {
                    site,
                    asm,
                    files: Arc::new(files),
                });
                self.pending_reads.clear();
                self.pending_theme.clear();
                self.pending_everything = false;
                // What was left from an earlier update is folded into this
                // one (a full render has covered it already).
                let mut then = then;
                // The search index is patched with the records of the
                // reports rendered with it (render's rule): the report
                // pages rendered first are rendered again with it.
                if then.contains(&Target::Search) {
                    then.extend(
                        first
                            .iter()
                            .filter(|t| matches!(t, Target::Report(..)))
                            .cloned(),
                    );
                }
                if everything {
                    self.pending_targets.clear();
                }
                then.append(&mut self.pending_targets);
                then.sort();
                then.dedup();
                self.pending_targets = then;
                changed.sort();
                changed.dedup();
                Updated::Rendered {
                    everything,
                    targets,
                    changed,
                }
            }
            Err(d) => {
                self.problems.push(*d);
                Updated::Problems
            }
        }
    }
}

/// When `after` has the same townships (the very same, unchanged) and
/// reports for the same townships and years as `before`, the years whose
/// summaries may differ: those of the reports read again, and the next
/// year each of those townships reported (whose changes compare to them).
/// `None` when anything else changed.
fn reports_changed_in_place(before: &Site, after: &Site) -> Option<Vec<crate::model::Year>> {
    let same_townships = before.townships.len() == after.townships.len()
        && before
            .townships
            .iter()
            .zip(&after.townships)
            .all(|(a, b)| Arc::ptr_eq(a, b));
    if !same_townships || before.reports.len() != after.reports.len() {
        return None;
    }
    let mut years = BTreeSet::new();
    for (i, (a, b)) in before.reports.iter().zip(&after.reports).enumerate() {
        if (&a.township, a.year) != (&b.township, b.year) {
            return None;
        }
        if !Arc::ptr_eq(a, b) {
            years.insert(b.year);
            if let Some(next) = after
                .reports
                .get(i + 1)
                .filter(|n| n.township == b.township)
            {
                years.insert(next.year);
            }
        }
    }
    Some(years.into_iter().collect())
}

fn io_problem(error: &str) -> Diagnostic {
    Diagnostic::site(Problem::Io {
        error: error.to_string(),
    })
}

/// Render `targets` over `base` (minus the paths starting with one of
/// `owned_by`): the new files, and the paths whose content changed.
fn render_into(
    site: &Site,
    asm: &Assembled,
    renderer: &Renderer,
    targets: &[Target],
    base: &Files,
    owned_by: &[String],
) -> Result<(Files, Vec<String>), Box<Diagnostic>> {
    let out = InMemory::default();
    // The files of owned folders go (a deleted report's text with them).
    let owned = |p: &str| owned_by.iter().any(|o| p.starts_with(o.as_str()));
    let prior = PriorFiles {
        files: base,
        owned: &owned,
    };
    render::render(site, asm, renderer, targets, &out, &prior, &|| {}).map_err(|e| match e {
        RenderError::Template(d) => d,
        RenderError::Output(e) => Box::new(io_problem(&e.to_string())),
    })?;
    let fresh = out.into_files();
    // Gone too: what a target writes whole and did not write again.
    let whole: Vec<&str> = targets.iter().filter_map(Target::writes_whole).collect();
    let gone = |p: &str| owned(p) || whole.iter().any(|w| p.starts_with(w));
    let mut files: Files = base.clone();
    files.retain(|p, _| !gone(p));
    let mut changed: Vec<String> = base
        .keys()
        .filter(|p| gone(p) && !fresh.contains_key(*p))
        .cloned()
        .collect();
    for (path, content) in fresh {
        if base.get(&path) != Some(&content) {
            changed.push(path.clone());
        }
        files.insert(path, content);
    }
    Ok((files, changed))
}

/// The files served before an update, as rendering asks for them.
struct PriorFiles<'a> {
    files: &'a Files,
    owned: &'a (dyn Fn(&str) -> bool + Sync),
}

impl PriorFiles<'_> {
    fn get(&self, path: &str) -> Option<&Content> {
        self.files.get(path).filter(|_| !(self.owned)(path))
    }
}

impl render::Prior for PriorFiles<'_> {
    fn size(&self, path: &str) -> Option<u64> {
        match self.get(path)? {
            Content::Bytes(b) => Some(b.len() as u64),
            Content::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        }
    }
    fn bytes(&self, path: &str) -> Option<Vec<u8>> {
        match self.get(path)? {
            Content::Bytes(b) => Some(b.to_vec()),
            Content::File(p) => std::fs::read(p).ok(),
        }
    }
}

/// An [`Output`] into memory; copied files are kept as where to read them.
#[derive(Default)]
struct InMemory {
    files: Mutex<Files>,
}

impl InMemory {
    fn put(&self, rel: &str, content: Content) {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_string(), content);
    }

    fn into_files(self) -> Files {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Output for InMemory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.put(rel, Content::Bytes(Arc::from(bytes)));
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        self.put(rel, Content::File(from.to_path_buf()));
        Ok(())
    }

    fn write_with(
        &self,
        rel: &str,
        produce: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<u64, OutputError> {
        let mut bytes = Vec::new();
        produce(&mut bytes).map_err(|error| OutputError::Io {
            action: format!("writing {rel}"),
            error,
        })?;
        let len = bytes.len() as u64;
        self.put(rel, Content::Bytes(Arc::from(bytes)));
        Ok(len)
    }
}
