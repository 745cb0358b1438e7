//! The site: one façade over the whole pipeline.
//!
//! [`Site::load`] reads and checks everything (config → discover → parse →
//! validate), in parallel, and keeps every diagnostic. [`Site::build`] then
//! assembles the summaries, renders every page and writes the output
//! atomically. `gongshi check` is `load` alone.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::diagnostic::{self, Diagnostic, Problem};
use crate::discover::{self, TownshipDir};
use crate::model::{Attachment, Report, Township, Year};
use crate::parse;
use crate::validate;

/// What to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The site root (holding `gongshi.yaml` and `content/`).
    pub root: PathBuf,
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
    /// The value of `SOURCE_DATE_EPOCH`, if set (read once by the caller).
    pub source_date_epoch: Option<String>,
    /// The status date given on the command line (`--as-of`), which
    /// overrides every other source.
    pub as_of: Option<Date>,
    /// Include drafts (`draft: true` in a report or a township profile),
    /// marked as drafts on their pages: a preview (`build --drafts`, and
    /// `serve`). Without it drafts are checked but left out of the site.
    pub drafts: bool,
}

/// A draft found while loading: a report, or a township profile (whose
/// reports are drafts with it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The file, relative to the site root.
    pub file: String,
    /// The township's slug.
    pub township: String,
    /// The report's year; `None` for a township profile.
    pub year: Option<Year>,
}

/// Where the status date came from, in the order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOfSource {
    /// `--as-of` on the command line.
    Flag,
    /// `as_of` in `gongshi.yaml`.
    Config,
    /// The `SOURCE_DATE_EPOCH` environment variable (read in China Standard Time).
    SourceDateEpoch,
    /// The day of the build in China Standard Time (UTC+8).
    Today,
}

impl AsOfSource {
    /// Where the date came from, for people: `构建当日`, `--as-of` ...
    pub fn describe(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::{En, Zh};
        match (self, lang) {
            (AsOfSource::Flag, Zh) => "命令行 --as-of",
            (AsOfSource::Flag, En) => "--as-of",
            (AsOfSource::Config, Zh) => "gongshi.yaml 中的 as_of",
            (AsOfSource::Config, En) => "as_of in gongshi.yaml",
            (AsOfSource::SourceDateEpoch, Zh) => "环境变量 SOURCE_DATE_EPOCH",
            (AsOfSource::SourceDateEpoch, En) => "SOURCE_DATE_EPOCH",
            (AsOfSource::Today, Zh) => "构建当日",
            (AsOfSource::Today, En) => "the day of the build",
        }
    }
}

/// A loaded site.
#[derive(Debug)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// The configuration.
    pub config: Config,
    /// Townships with a valid profile, sorted by slug.
    pub townships: Vec<Township>,
    /// Valid reports, sorted by township slug then year.
    pub reports: Vec<Report>,
    /// The status date: disclosure status is judged on it, and no date in
    /// the content may be later. Never derived from the content.
    pub as_of: Date,
    /// Where [`Site::as_of`] came from.
    pub as_of_source: AsOfSource,
    /// Every problem found, in stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// Every draft, sorted by file: left out of [`Site::townships`] and
    /// [`Site::reports`], unless loaded with [`LoadOptions::drafts`].
    pub drafts: Vec<Draft>,
    /// Whether the drafts are in the site (a preview).
    pub with_drafts: bool,
}

/// Why a site could not be loaded at all (usage or I/O: exit code 2).
#[derive(Debug)]
pub struct NotASite(pub Diagnostic);

/// One file to parse.
enum Job<'a> {
    Profile(&'a TownshipDir, &'a Path),
    Report(&'a TownshipDir, Year, &'a Path),
}

/// The result of parsing one file.
#[allow(clippy::large_enum_variant)] // short-lived, one per file
enum Parsed {
    Township(Option<Township>, Vec<Diagnostic>),
    Report(Option<Report>, Vec<Diagnostic>),
}

impl Site {
    /// Read and check the whole site. Content problems are collected in
    /// [`Site::diagnostics`]; only a missing config or content folder fails.
    pub fn load(options: &LoadOptions) -> Result<Site, NotASite> {
        let root = options.root.clone();
        let (mut config, mut diagnostics) = config::load(&root).map_err(NotASite)?;
        if let Some(url) = &options.base_url {
            match config::normalize_base_url(url) {
                Some(u) => config.base_url = u,
                None => {
                    return Err(NotASite(Diagnostic::site(Problem::InvalidConfig {
                        key: "--base-url".into(),
                        reason: crate::diagnostic::ConfigReason::BaseUrl { value: url.clone() },
                    })));
                }
            }
        }
        if config.theme != "default" && !root.join("themes").join(&config.theme).is_dir() {
            diagnostics.push(Diagnostic::file(
                Problem::InvalidConfig {
                    key: "theme".into(),
                    reason: crate::diagnostic::ConfigReason::Theme {
                        value: config.theme.clone(),
                    },
                },
                config::CONFIG_FILE,
            ));
        }
        let (as_of, as_of_source) = resolve_as_of(options, &config)?;
        config.status_date = Some(as_of);
        let found = discover::discover(&root).map_err(NotASite)?;
        diagnostics.extend(found.diagnostics);
        // Townships with report files (read or not): the others may not say
        // from when the site covers them.
        let with_reports: Vec<String> = found
            .townships
            .iter()
            .filter(|t| !t.reports.is_empty())
            .map(|t| t.slug.clone())
            .collect();

        let jobs: Vec<Job<'_>> = found
            .townships
            .iter()
            .flat_map(|t| {
                let profile = t.profile.as_deref().map(|p| Job::Profile(t, p));
                let reports = t.reports.iter().map(move |(y, p)| Job::Report(t, *y, p));
                profile.into_iter().chain(reports)
            })
            .collect();

        let parsed: Vec<Parsed> = jobs
            .par_iter()
            .map(|job| match job {
                Job::Profile(t, path) => {
                    let (town, d) = parse::township(t, path, &root, &config);
                    Parsed::Township(town, d)
                }
                Job::Report(t, year, path) => {
                    let attachments = attachments_of(t, *year);
                    let (report, mut d) =
                        parse::report(&t.slug, *year, path, attachments, &root, &config);
                    if t.profile.is_none() {
                        d.push(Diagnostic::file(
                            Problem::MissingTownshipIndex {
                                township: format!("content/{}", t.slug),
                            },
                            diagnostic::display_path(&root, path),
                        ));
                    }
                    Parsed::Report(report, d)
                }
            })
            .collect();

        let mut townships = Vec::new();
        let mut reports = Vec::new();
        for p in parsed {
            match p {
                Parsed::Township(t, d) => {
                    townships.extend(t);
                    diagnostics.extend(d.into_iter().map(Diagnostic::compact));
                }
                Parsed::Report(r, d) => {
                    reports.extend(r);
                    diagnostics.extend(d.into_iter().map(Diagnostic::compact));
                }
            }
        }
        diagnostics.extend(validate::townships(&townships));
        // Drafts: listed, and left out unless previewing. A township's
        // draft profile makes its reports drafts too.
        townships.sort_by(|a, b| a.slug.cmp(&b.slug));
        let draft_township = |slug: &str| {
            townships
                .binary_search_by(|t| t.slug.as_str().cmp(slug))
                .ok()
                .and_then(|i| townships.get(i))
                .is_some_and(|t| t.draft)
        };
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
                    .filter(|r| r.draft || draft_township(&r.township))
                    .map(|r| Draft {
                        file: r.file.clone(),
                        township: r.township.clone(),
                        year: Some(r.year),
                    }),
            )
            .collect();
        drafts.sort_by(|a, b| a.file.cmp(&b.file));
        if !options.drafts {
            reports.retain(|r| {
                drafts
                    .binary_search_by(|d| d.file.as_str().cmp(&r.file))
                    .is_err()
            });
            townships.retain(|t| !t.draft);
        }
        // A report is only published with its township's profile.
        reports.retain(|r| {
            townships
                .binary_search_by(|t| t.slug.as_str().cmp(&r.township))
                .is_ok()
        });

        // Sorted, so that lookups by slug are binary searches and output order is stable.
        reports.sort_by(|a, b| (&a.township, a.year).cmp(&(&b.township, b.year)));
        let mut site = Site {
            root,
            config,
            townships,
            reports,
            as_of,
            as_of_source,
            diagnostics,
            drafts,
            with_drafts: options.drafts,
        };
        let across = validate::year_sums(&site.reports, &site.config);
        site.diagnostics.extend(across);
        site.diagnostics.extend(validate::coverage_known(
            &site.townships,
            &with_reports,
            &site.config,
        ));
        diagnostic::sort(&mut site.diagnostics);
        Ok(site)
    }

    /// A site from parts already parsed (tests and fuzzing); the status date
    /// is the config's `as_of`, else the day of the build.
    pub fn from_parts(
        config: Config,
        mut townships: Vec<Township>,
        mut reports: Vec<Report>,
    ) -> Site {
        let (as_of, as_of_source) = match config.as_of {
            Some(d) => (d, AsOfSource::Config),
            None => (today_in_china(), AsOfSource::Today),
        };
        townships.sort_by(|a, b| a.slug.cmp(&b.slug));
        reports.sort_by(|a, b| (&a.township, a.year).cmp(&(&b.township, b.year)));
        Site {
            root: PathBuf::new(),
            config,
            townships,
            reports,
            as_of,
            as_of_source,
            diagnostics: Vec::new(),
            drafts: Vec::new(),
            with_drafts: false,
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether a report is a draft (itself, or its township): marked as
    /// such on its page, and kept out of the feed and the sitemap.
    pub fn is_draft(&self, report: &Report) -> bool {
        report.draft || self.township(&report.township).is_some_and(|t| t.draft)
    }

    /// The township with this slug.
    pub fn township(&self, slug: &str) -> Option<&Township> {
        self.township_index(slug)
            .and_then(|i| self.townships.get(i))
    }

    /// The index of the township with this slug (townships are sorted by slug).
    pub fn township_index(&self, slug: &str) -> Option<usize> {
        self.townships
            .binary_search_by(|t| t.slug.as_str().cmp(slug))
            .ok()
    }
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

/// The date of a `SOURCE_DATE_EPOCH` value, in China Standard Time (UTC+8).
pub fn date_from_epoch(value: &str) -> Option<Date> {
    let seconds: i64 = value.trim().parse().ok()?;
    let ts = jiff::Timestamp::from_second(seconds).ok()?;
    let offset = jiff::tz::Offset::from_hours(8).ok()?;
    Some(offset.to_datetime(ts).date())
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
        return match date_from_epoch(value) {
            Some(d) => Ok((d, AsOfSource::SourceDateEpoch)),
            None => Err(NotASite(Diagnostic::site(Problem::InvalidConfig {
                key: "SOURCE_DATE_EPOCH".into(),
                reason: crate::diagnostic::ConfigReason::Epoch {
                    value: value.clone(),
                },
            }))),
        };
    }
    Ok((today_in_china(), AsOfSource::Today))
}

/// Today's date in China Standard Time (UTC+8), the one read of the clock.
pub fn today_in_china() -> Date {
    let offset = jiff::tz::Offset::constant(8);
    offset.to_datetime(jiff::Timestamp::now()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_read_in_china_time() {
        // 2026-01-31T16:30:00Z is 2026-02-01 00:30 in Beijing.
        assert_eq!(
            date_from_epoch("1769877000").map(|d| d.to_string()),
            Some("2026-02-01".into())
        );
        assert_eq!(date_from_epoch("nope"), None);
    }
}
