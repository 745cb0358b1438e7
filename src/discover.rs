//! Finding the site's content files.
//!
//! `content/` has one folder per township, named by its slug:
//!
//! ```text
//! content/<township>/_index.md       the township profile
//! content/<township>/<year>.md       an annual report
//! content/<township>/<year>/<file>   the report's attachments (PDF, scans)
//! ```
//!
//! Everything else is reported with the fix. Hidden files and editor
//! leftovers ([`is_ignored`]) are skipped. Symbolic links
//! are followed only to files inside the site; links out of the site, to
//! folders, or in loops are refused. Walking never panics on odd names: a
//! name that is not UTF-8 is reported, not unwrapped.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Problem, SymlinkReason, display_path};
use crate::slug;

/// The content folder's name.
pub const CONTENT_DIR: &str = "content";

/// Slugs that would collide with the site's own folders and files.
pub const RESERVED_SLUGS: &[&str] = &[
    "assets",
    "data",
    "years",
    "townships",
    "districts",
    "search",
    "glossary",
    "404",
];

/// What discovery found.
#[derive(Debug, Default)]
pub struct Found {
    /// Township folders, sorted by slug.
    pub townships: Vec<TownshipDir>,
    /// Problems with the layout.
    pub diagnostics: Vec<Diagnostic>,
}

/// One township folder and its files.
#[derive(Debug, Default, Clone)]
pub struct TownshipDir {
    /// The folder name (a valid slug).
    pub slug: String,
    /// The folder.
    pub dir: PathBuf,
    /// `_index.md`, if present.
    pub profile: Option<PathBuf>,
    /// Reports by the year in their file name, sorted.
    pub reports: Vec<(i32, PathBuf)>,
    /// Attachments by the year of their folder, sorted by name.
    pub attachments: Vec<(i32, String, PathBuf)>,
}

/// Walk `root/content`.
pub fn discover(root: &Path) -> Result<Found, Diagnostic> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Diagnostic::site(Problem::ContentMissing));
    }
    let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut found = Found::default();
    let rel = |p: &Path| display_path(root, p);

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .min_depth(1)
        .max_depth(3)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_ignored(e.file_name().to_string_lossy().as_ref()));

    let mut current: Option<TownshipDir> = None;
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(&rel)
                    .unwrap_or_else(|| CONTENT_DIR.to_string());
                let problem = if err.loop_ancestor().is_some() {
                    Problem::Symlink {
                        reason: SymlinkReason::Loop,
                    }
                } else {
                    Problem::Io {
                        error: err.to_string(),
                    }
                };
                found.diagnostics.push(Diagnostic::file(problem, path));
                continue;
            }
        };
        let path = entry.path();
        let depth = entry.depth();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            found.diagnostics.push(Diagnostic::file(
                Problem::NonUtf8Name {
                    lossy: entry.file_name().to_string_lossy().into_owned(),
                },
                rel(path),
            ));
            continue;
        };
        let mut file_type = entry.file_type();
        if file_type.is_symlink() {
            match check_symlink(path, &root_canon) {
                Ok(ft) => file_type = ft,
                Err(problem) => {
                    found.diagnostics.push(Diagnostic::file(problem, rel(path)));
                    continue;
                }
            }
        }
        // A named pipe, device or socket: refused before anything opens it
        // (reading a pipe waits for a writer that never comes).
        if let Some(kind) = crate::source::special_kind(&file_type) {
            found
                .diagnostics
                .push(Diagnostic::file(Problem::SpecialFile { kind }, rel(path)));
            continue;
        }

        if depth == 1 {
            if let Some(done) = current.take() {
                found.townships.push(done);
            }
            if file_type.is_dir() {
                if let Some(problem) = slug_problem(&name) {
                    found.diagnostics.push(Diagnostic::file(problem, rel(path)));
                    current = None;
                } else {
                    current = Some(TownshipDir {
                        slug: name,
                        dir: path.to_path_buf(),
                        ..TownshipDir::default()
                    });
                }
            } else {
                found.diagnostics.push(Diagnostic::file(
                    Problem::StrayFile { suggestion: None },
                    rel(path),
                ));
            }
            continue;
        }

        // Below a township folder that was refused: already reported.
        let Some(town) = current.as_mut() else {
            continue;
        };

        if depth == 2 {
            if file_type.is_dir() {
                match parse_year(&name) {
                    Some(_) => {}
                    None => {
                        found.diagnostics.push(Diagnostic::file(
                            Problem::StrayFile { suggestion: None },
                            rel(path),
                        ));
                    }
                }
            } else if name == "_index.md" {
                town.profile = Some(path.to_path_buf());
            } else if let Some(year) = name.strip_suffix(".md").and_then(parse_year) {
                town.reports.push((year, path.to_path_buf()));
            } else {
                let suggestion = stray_suggestion(&name);
                found.diagnostics.push(Diagnostic::file(
                    Problem::StrayFile { suggestion },
                    rel(path),
                ));
            }
            continue;
        }

        // depth 3: inside <year>/ (other folders were reported above).
        let Some(year) = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .and_then(parse_year)
        else {
            continue;
        };
        if file_type.is_dir() {
            found.diagnostics.push(Diagnostic::file(
                Problem::StrayFile { suggestion: None },
                rel(path),
            ));
        } else if name == "index.html" {
            found.diagnostics.push(Diagnostic::file(
                Problem::UrlCollision {
                    url: format!("{}/{year}/index.html", town.slug),
                    other: format!("{CONTENT_DIR}/{}/{year}.md", town.slug),
                },
                rel(path),
            ));
        } else {
            town.attachments.push((year, name, path.to_path_buf()));
        }
    }
    if let Some(done) = current.take() {
        found.townships.push(done);
    }
    found.townships.sort_by(|a, b| a.slug.cmp(&b.slug));
    for t in &mut found.townships {
        t.reports.sort();
        t.attachments.sort();
    }
    Ok(found)
}

/// The problem with a township folder name, if any.
pub fn slug_problem(name: &str) -> Option<Problem> {
    if slug::is_valid(name) {
        if RESERVED_SLUGS.contains(&name) {
            return Some(Problem::ReservedSlug {
                name: name.to_string(),
            });
        }
        return None;
    }
    let suggestion =
        slug::propose(name).filter(|s| slug::is_valid(s) && !RESERVED_SLUGS.contains(&s.as_str()));
    Some(Problem::BadSlug {
        name: name.to_string(),
        suggestion,
    })
}

/// A four-digit year from 1949 to 2199 (plausible report years).
pub fn parse_year(s: &str) -> Option<i32> {
    if s.len() != 4 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|y| (1949..=2199).contains(y))
}

/// A likely report name for a stray file such as `2025年报告.md` → `2025.md`.
fn stray_suggestion(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let is_text = [".md", ".markdown", ".txt", ".mdown"]
        .iter()
        .any(|e| lower.ends_with(e));
    if !is_text {
        return None;
    }
    let digits: Vec<char> = name.chars().collect();
    digits
        .windows(4)
        .map(|w| w.iter().collect::<String>())
        .find_map(|w| parse_year(&w))
        .map(|y| format!("{y}.md"))
        .or_else(|| {
            (lower == "index.md" || lower == "_index.markdown").then(|| "_index.md".to_string())
        })
}

/// Whether a file is never part of a site: hidden files and the leftovers
/// of editors and office suites — vim (`x.swp`, `x~`, `4913`), Emacs
/// (`.#x`, `#x#`), JetBrains IDEs (`x___jb_tmp___`), Word and WPS lock and
/// temporary files (`~$x.docx`, `~x.tmp`), Windows and macOS metadata.
/// `serve` ignores changes to them for the same reason.
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with("~$")
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
        || [".swp", ".swo", ".swx", ".tmp", ".crswap"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

/// Accept a symbolic link only if it leads to a file inside the site.
fn check_symlink(path: &Path, root: &Path) -> Result<std::fs::FileType, Problem> {
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(e) => {
            // ELOOP: a loop; anything else: a dangling link.
            let loops = e.raw_os_error() == Some(40) || e.to_string().contains("symbolic links");
            return Err(if loops {
                Problem::Symlink {
                    reason: SymlinkReason::Loop,
                }
            } else {
                Problem::Io {
                    error: e.to_string(),
                }
            });
        }
    };
    if !target.starts_with(root) {
        return Err(Problem::Symlink {
            reason: SymlinkReason::Outside,
        });
    }
    let meta = std::fs::metadata(&target).map_err(|e| Problem::Io {
        error: e.to_string(),
    })?;
    if meta.is_dir() {
        // A linked folder could lead back into itself; gongshi does not walk them.
        return Err(Problem::Symlink {
            reason: SymlinkReason::Folder,
        });
    }
    Ok(meta.file_type())
}
