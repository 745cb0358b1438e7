//! Loading: config → discover → parse → validate, into a [`Site`].
//!
//! A [`Loader`] keeps what it read file by file (each profile's and
//! report's parsed value and diagnostics), so that after an edit it can
//! re-read only the files that changed ([`Loader::update`]) and derive the
//! site again ([`Loader::site`]) by the very same steps a full load takes:
//! an updated loader and a fresh one give the same [`Site`]. `gongshi
//! build` and `check` load once; `gongshi serve` keeps its loader.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::diagnostic::{self, ConfigReason, Diagnostic, Problem};
use crate::discover::{self, Found, TownshipDir};
use crate::model::{Attachment, Report, Township, Year};
use crate::parse;
use crate::site::{AsOfSource, Draft, LoadOptions, NotASite, Site};
use crate::validate;

/// Read and check the whole site (see [`Loader`]).
pub fn load(options: &LoadOptions) -> Result<Site, NotASite> {
    Ok(Loader::new(options)?.site())
}

/// A loaded site, file by file.
#[derive(Debug)]
pub struct Loader {
    options: LoadOptions,
    config: Config,
    /// Problems of the config itself.
    config_diagnostics: Vec<Diagnostic>,
    as_of: Date,
    as_of_source: AsOfSource,
    /// The layout of `content/`.
    found: Found,
    /// Every profile and report read, by path.
    files: BTreeMap<PathBuf, Parsed>,
}

/// One file read.
#[derive(Clone, Debug)]
enum Parsed {
    Township(Option<Arc<Township>>, Vec<Diagnostic>),
    /// A report, its problems, and its figures' [`validate::magnitude`].
    Report(Option<Arc<Report>>, Vec<Diagnostic>, i128),
}

/// What a loader keeps between builds (in the build cache, see
/// [`crate::cache`]): every profile's and report's parsed value. A file's
/// problems are not kept, only whether it had any: those files are parsed
/// again by the next build, so that it reports them with their source.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Saved {
    files: Vec<(PathBuf, SavedFile)>,
}

#[derive(serde::Serialize, serde::Deserialize)]
enum SavedFile {
    /// A profile, and whether it had problems.
    Township(Option<Arc<Township>>, bool),
    /// A report, whether it had problems, and its figures' magnitude.
    Report(Option<Arc<Report>>, bool, i128),
}

/// What an update did, so that the caller can choose what to render again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// Everything was read again (the config or the status date changed).
    Everything,
    /// Only these files were read again or went (paths relative to the
    /// site root); `layout` says whether files or folders appeared or went.
    Files {
        /// The profiles and reports read again, or no longer there.
        changed: Vec<PathBuf>,
        /// Whether `content/` was walked again.
        layout: bool,
    },
}

/// One file to parse.
enum Job<'a> {
    Profile(&'a TownshipDir, &'a Path),
    Report(&'a TownshipDir, Year, &'a Path),
}

impl Job<'_> {
    fn path(&self) -> &Path {
        match self {
            Job::Profile(_, p) | Job::Report(_, _, p) => p,
        }
    }
}

impl Loader {
    /// Read the config and every file of the site.
    pub fn new(options: &LoadOptions) -> Result<Loader, NotASite> {
        let mut loader = Loader::walked(options, BTreeMap::new())?;
        let all: Vec<PathBuf> = loader
            .jobs()
            .iter()
            .map(|j| j.path().to_path_buf())
            .collect();
        loader.parse(&all);
        Ok(loader)
    }

    /// A loader with the config read and `content/` walked now, holding `files`.
    fn walked(options: &LoadOptions, files: BTreeMap<PathBuf, Parsed>) -> Result<Loader, NotASite> {
        let (config, config_diagnostics, as_of, as_of_source) = read_config(options)?;
        let found = discover::discover(&options.root).map_err(NotASite)?;
        Ok(Loader {
            options: options.clone(),
            config,
            config_diagnostics,
            as_of,
            as_of_source,
            found,
            files,
        })
    }

    /// What the next build needs to resume from this loader ([`Saved`]).
    pub fn save(&self) -> Saved {
        let files = self
            .files
            .iter()
            .map(|(path, parsed)| {
                let file = match parsed {
                    Parsed::Township(t, d) => SavedFile::Township(t.clone(), !d.is_empty()),
                    Parsed::Report(r, d, m) => SavedFile::Report(r.clone(), !d.is_empty(), *m),
                };
                (path.clone(), file)
            })
            .collect();
        Saved { files }
    }

    /// A loader holding the files as `saved` (as the last build read them),
    /// with the config read now and `content/` walked now; and the reports
    /// (relative to the site root) whose attachments appeared or went since,
    /// which the caller updates with the files whose stamps changed.
    ///
    /// The files that had problems are parsed again (they are the same
    /// files), so that the site carries their problems. `stale` are the
    /// files known to have changed since (under the root, as the loader
    /// keeps them): they keep their saved value until updated,
    /// so that [`Loader::site`] is the site as it was, to compare with.
    pub fn restore(
        options: &LoadOptions,
        saved: Saved,
        stale: &BTreeSet<PathBuf>,
    ) -> Result<(Loader, Vec<PathBuf>), NotASite> {
        let mut noisy: Vec<PathBuf> = Vec::new();
        let files = saved
            .files
            .into_iter()
            .map(|(path, file)| {
                let (parsed, problems) = match file {
                    SavedFile::Township(t, p) => (Parsed::Township(t, Vec::new()), p),
                    SavedFile::Report(r, p, m) => (Parsed::Report(r, Vec::new(), m), p),
                };
                if problems {
                    noisy.push(path.clone());
                }
                (path, parsed)
            })
            .collect();
        let mut loader = Loader::walked(options, files)?;
        // Reports whose attachments (by name and place) are not those the
        // saved report lists.
        let listed = loader.attachment_lists();
        let moved: Vec<PathBuf> = loader
            .files
            .iter()
            .filter_map(|(path, parsed)| match parsed {
                Parsed::Report(Some(r), _, _) => {
                    let now = listed.get(path)?;
                    let same = now.len() == r.attachments.len()
                        && now
                            .iter()
                            .zip(&r.attachments)
                            .all(|(a, b)| a.name == b.name && a.path == b.path);
                    (!same).then(|| path.clone())
                }
                _ => None,
            })
            .collect();
        // Only those unchanged and still there (the others are the caller's update).
        noisy.retain(|p| !stale.contains(p) && !moved.contains(p) && is_file(p));
        loader.parse(&noisy);
        let root = options.root.clone();
        let moved = moved
            .iter()
            .filter_map(|p| p.strip_prefix(&root).ok().map(Path::to_path_buf))
            .collect();
        Ok((loader, moved))
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// The configuration as last read.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Read again what `changed` touches (paths absolute or relative to
    /// the site root): the config and the status date are checked every
    /// time (a preview left running past midnight moves to the next day);
    /// a changed profile or report is parsed again; a file or folder that
    /// appeared or went makes `content/` be walked again, and whatever it
    /// finds that is new, or whose attachments changed, is parsed.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Reloaded, NotASite> {
        let root = self.options.root.clone();
        let (_, config_diagnostics, as_of, as_of_source) = read_config(&self.options)?;
        let config_changed = changed
            .iter()
            .any(|p| relative(&root, p).is_some_and(|r| r == Path::new(config::CONFIG_FILE)));
        if config_changed || as_of != self.as_of {
            *self = Loader::new(&self.options)?;
            return Ok(Reloaded::Everything);
        }
        self.config_diagnostics = config_diagnostics;
        self.as_of_source = as_of_source;

        let mut read: BTreeSet<PathBuf> = BTreeSet::new();
        let mut gone: Vec<PathBuf> = Vec::new();
        let mut layout = false;
        for path in changed {
            let Some(rel) = relative(&root, path) else {
                continue;
            };
            let abs = root.join(&rel);
            if !rel.starts_with(discover::CONTENT_DIR) {
                continue;
            }
            if self.files.contains_key(&abs) && is_file(&abs) {
                read.insert(abs);
            } else if let Some(report) = self.attachment_owner(&abs).filter(|_| is_file(&abs)) {
                // An attachment replaced in place: its report lists its size.
                read.insert(report);
            } else {
                layout = true;
            }
        }
        if layout {
            let before: BTreeMap<PathBuf, Vec<Attachment>> = self.attachment_lists();
            self.found = discover::discover(&root).map_err(NotASite)?;
            let jobs: BTreeSet<PathBuf> =
                self.jobs().iter().map(|j| j.path().to_path_buf()).collect();
            gone.extend(self.files.keys().filter(|p| !jobs.contains(*p)).cloned());
            self.files.retain(|p, _| jobs.contains(p));
            let after = self.attachment_lists();
            for path in jobs {
                let fresh = !self.files.contains_key(&path);
                let attachments_moved = after.get(&path) != before.get(&path);
                if fresh || attachments_moved {
                    read.insert(path);
                }
            }
        }
        let read: Vec<PathBuf> = read.into_iter().collect();
        self.parse(&read);
        Ok(Reloaded::Files {
            // Keys are `root.join(…)`: strip the root (absolute or not).
            changed: read
                .iter()
                .chain(&gone)
                .filter_map(|p| {
                    p.strip_prefix(&root)
                        .ok()
                        .map(Path::to_path_buf)
                        .or_else(|| relative(&root, p))
                })
                .collect(),
            layout,
        })
    }

    /// The site as the files read so far make it.
    pub fn site(&self) -> Site {
        let root = self.options.root.clone();
        let mut diagnostics = self.config_diagnostics.clone();
        // Checked each time: the theme's folder may appear while serving.
        let theme = &self.config.theme;
        if theme != "default" && !root.join("themes").join(theme).is_dir() {
            diagnostics.push(Diagnostic::file(
                Problem::InvalidConfig {
                    key: "theme".into(),
                    reason: ConfigReason::Theme {
                        value: theme.clone(),
                    },
                },
                config::CONFIG_FILE,
            ));
        }
        diagnostics.extend(self.found.diagnostics.iter().cloned());
        let mut townships: Vec<Arc<Township>> = Vec::new();
        // Each report with its figures' magnitude (kept from parsing).
        let mut reports: Vec<(Arc<Report>, i128)> = Vec::new();
        for parsed in self.files.values() {
            match parsed {
                Parsed::Township(t, d) => {
                    townships.extend(t.iter().cloned());
                    diagnostics.extend(d.iter().cloned());
                }
                Parsed::Report(r, d, m) => {
                    reports.extend(r.iter().map(|r| (r.clone(), *m)));
                    diagnostics.extend(d.iter().cloned());
                }
            }
        }
        // A report needs its township's profile.
        for t in self.found.townships.iter().filter(|t| t.profile.is_none()) {
            for (_, path) in &t.reports {
                diagnostics.push(Diagnostic::file(
                    Problem::MissingTownshipIndex {
                        township: format!("{}/{}", discover::CONTENT_DIR, t.slug),
                    },
                    diagnostic::display_path(&root, path),
                ));
            }
        }
        // Townships with report files (read or not): the others may not say
        // from when the site covers them.
        let with_reports: Vec<String> = self
            .found
            .townships
            .iter()
            .filter(|t| !t.reports.is_empty())
            .map(|t| t.slug.clone())
            .collect();
        diagnostics.extend(validate::townships(&townships));
        townships.sort_by(|a, b| a.slug.cmp(&b.slug));
        // Sorted, so that lookups by slug are binary searches and output
        // order is stable (files are read in path order: usually sorted already).
        reports.sort_by(|(a, _), (b, _)| (&a.township, a.year).cmp(&(&b.township, b.year)));
        // Drafts: listed, and left out unless previewing. A township's
        // draft profile makes its reports drafts too.
        let draft_townships: Vec<&str> = townships
            .iter()
            .filter(|t| t.draft)
            .map(|t| t.slug.as_str())
            .collect();
        let mut drafts: Vec<Draft> = townships
            .iter()
            .filter(|t| t.draft)
            .map(|t| Draft {
                file: t.file.clone(),
                township: t.slug.clone(),
                year: None,
            })
            .chain(
                reports
                    .iter()
                    .map(|(r, _)| r)
                    .filter(|r| {
                        r.draft || draft_townships.binary_search(&r.township.as_str()).is_ok()
                    })
                    .map(|r| Draft {
                        file: r.file.clone(),
                        township: r.township.clone(),
                        year: Some(r.year),
                    }),
            )
            .collect();
        drafts.sort_by(|a, b| a.file.cmp(&b.file));
        if !self.options.drafts && !drafts.is_empty() {
            reports.retain(|(r, _)| {
                drafts
                    .binary_search_by(|d| d.file.as_str().cmp(&r.file))
                    .is_err()
            });
            townships.retain(|t| !t.draft);
        }
        // A report is only published with its township's profile: one walk
        // over both sorted lists.
        let mut next_township = townships.iter().peekable();
        reports.retain(|(r, _)| {
            while next_township
                .peek()
                .is_some_and(|t| t.slug.as_str() < r.township.as_str())
            {
                next_township.next();
            }
            next_township.peek().is_some_and(|t| t.slug == r.township)
        });
        let (reports, magnitudes): (Vec<Arc<Report>>, Vec<i128>) = reports.into_iter().unzip();
        diagnostics.extend(validate::year_sums(&reports, &magnitudes, &self.config));
        diagnostics.extend(validate::coverage_known(
            &townships,
            &with_reports,
            &self.config,
        ));
        diagnostic::sort(&mut diagnostics);
        Site {
            root,
            config: self.config.clone(),
            townships,
            reports,
            as_of: self.as_of,
            as_of_source: self.as_of_source,
            diagnostics,
            drafts,
            with_drafts: self.options.drafts,
        }
    }

    /// Every file to parse, as discovered.
    fn jobs(&self) -> Vec<Job<'_>> {
        self.found
            .townships
            .iter()
            .flat_map(|t| {
                let profile = t.profile.as_deref().map(|p| Job::Profile(t, p));
                let reports = t.reports.iter().map(move |(y, p)| Job::Report(t, *y, p));
                profile.into_iter().chain(reports)
            })
            .collect()
    }

    /// Parse these files (in parallel) and keep what they give.
    fn parse(&mut self, paths: &[PathBuf]) {
        let wanted: BTreeSet<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let root = &self.options.root;
        let config = &self.config;
        let parsed: Vec<(PathBuf, Parsed)> = self
            .jobs()
            .into_par_iter()
            .filter(|job| wanted.contains(job.path()))
            .map(|job| match job {
                Job::Profile(t, path) => {
                    let (town, d) = parse::township(t, path, root, config);
                    (
                        path.to_path_buf(),
                        Parsed::Township(town.map(Arc::new), compact(d)),
                    )
                }
                Job::Report(t, year, path) => {
                    let attachments = attachments_of(t, year);
                    let (report, d) = parse::report(&t.slug, year, path, attachments, root, config);
                    let magnitude = report.as_ref().map_or(0, validate::magnitude);
                    (
                        path.to_path_buf(),
                        Parsed::Report(report.map(Arc::new), compact(d), magnitude),
                    )
                }
            })
            .collect();
        if self.files.is_empty() {
            // Built from the whole list at once, which comes in path order
            // (the jobs follow discovery's sorted walk): the map is built
            // in one pass, where inserting each path compared paths some
            // 17 times apiece (0.2 s at 100,000 reports, on one thread).
            self.files = parsed.into_iter().collect();
        } else {
            self.files.extend(parsed);
        }
    }

    /// The report whose attachment folder holds `path`.
    fn attachment_owner(&self, path: &Path) -> Option<PathBuf> {
        self.found.townships.iter().find_map(|t| {
            let (year, _, _) = t.attachments.iter().find(|(_, _, p)| p == path)?;
            t.reports
                .iter()
                .find(|(y, _)| y == year)
                .map(|(_, p)| p.clone())
        })
    }

    /// Each report file's attachments as discovered (names and paths).
    fn attachment_lists(&self) -> BTreeMap<PathBuf, Vec<Attachment>> {
        let mut out = BTreeMap::new();
        for t in &self.found.townships {
            for (year, path) in &t.reports {
                let list: Vec<Attachment> = t
                    .attachments
                    .iter()
                    .filter(|(y, _, _)| y == year)
                    .map(|(_, name, p)| Attachment {
                        name: name.clone(),
                        path: p.clone(),
                        bytes: 0,
                    })
                    .collect();
                out.insert(path.clone(), list);
            }
        }
        out
    }
}

fn compact(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.into_iter().map(Diagnostic::compact).collect()
}

fn is_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// `path` relative to `root` (it may be given either way).
fn relative(root: &Path, path: &Path) -> Option<PathBuf> {
    if path.is_relative() {
        return Some(path.to_path_buf());
    }
    path.strip_prefix(root)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let canon = root.canonicalize().ok()?;
            path.strip_prefix(canon).ok().map(Path::to_path_buf)
        })
}

type ConfigRead = (Config, Vec<Diagnostic>, Date, AsOfSource);

/// The config as a build reads it (with the command line's overrides) and
/// the status date.
pub fn config(options: &LoadOptions) -> Result<(Config, Date), NotASite> {
    read_config(options).map(|(config, _, as_of, _)| (config, as_of))
}

/// The config, with the command line's overrides and the status date.
fn read_config(options: &LoadOptions) -> Result<ConfigRead, NotASite> {
    let root = &options.root;
    let (mut config, diagnostics) = config::load(root).map_err(NotASite)?;
    if let Some(url) = &options.base_url {
        match config::normalize_base_url(url) {
            Some(u) => config.base_url = u,
            None => {
                return Err(NotASite(Diagnostic::site(Problem::InvalidConfig {
                    key: "--base-url".into(),
                    reason: ConfigReason::BaseUrl { value: url.clone() },
                })));
            }
        }
    }
    let (as_of, as_of_source) = resolve_as_of(options, &config)?;
    config.status_date = Some(as_of);
    Ok((config, diagnostics, as_of, as_of_source))
}

fn attachments_of(t: &TownshipDir, year: Year) -> Vec<Attachment> {
    t.attachments
        .iter()
        .filter(|(y, _, _)| *y == year)
        .map(|(_, name, path)| Attachment {
            name: name.clone(),
            path: path.clone(),
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        })
        .collect()
}

/// The status date and where it came from: `--as-of`, else the config's
/// `as_of`, else `SOURCE_DATE_EPOCH`, else today in China Standard Time.
/// An unreadable `SOURCE_DATE_EPOCH` is refused rather than ignored: a
/// silently different status date would change what the site says.
fn resolve_as_of(options: &LoadOptions, config: &Config) -> Result<(Date, AsOfSource), NotASite> {
    if let Some(d) = options.as_of {
        return Ok((d, AsOfSource::Flag));
    }
    if let Some(d) = config.as_of {
        return Ok((d, AsOfSource::Config));
    }
    if let Some(value) = &options.source_date_epoch {
        return match crate::site::date_from_epoch(value) {
            Some(d) => Ok((d, AsOfSource::SourceDateEpoch)),
            None => Err(NotASite(Diagnostic::site(Problem::InvalidConfig {
                key: "SOURCE_DATE_EPOCH".into(),
                reason: ConfigReason::Epoch {
                    value: value.clone(),
                },
            }))),
        };
    }
    Ok((crate::site::today_in_china(), AsOfSource::Today))
}
