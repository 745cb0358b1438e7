//! The loaded site: the data every later stage reads.
//!
//! A [`Site`] is what loading (`load`: config → discover → parse →
//! validate) produces: the configuration, the townships and reports that
//! passed the checks, the status date, the drafts and every diagnostic.
//! It depends on no later stage: the assembled summaries
//! ([`crate::assemble`]), the renderers ([`crate::render`]) and the build
//! ([`crate::build`]) read it. `gongshi check` is [`Site::load`] alone.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Report, Township, Year};

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
    /// Townships with a valid profile, sorted by slug (shared with the
    /// loader, which keeps them between updates).
    pub townships: Vec<Arc<Township>>,
    /// Valid reports, sorted by township slug then year.
    pub reports: Vec<Arc<Report>>,
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

impl Site {
    /// Read and check the whole site. Content problems are collected in
    /// [`Site::diagnostics`]; only a missing config or content folder fails.
    pub fn load(options: &LoadOptions) -> Result<Site, NotASite> {
        crate::load::load(options)
    }

    /// A site from parts already parsed (tests and fuzzing); the status date
    /// is the config's `as_of`, else the day of the build.
    pub fn from_parts(config: Config, townships: Vec<Township>, reports: Vec<Report>) -> Site {
        let mut townships: Vec<Arc<Township>> = townships.into_iter().map(Arc::new).collect();
        let mut reports: Vec<Arc<Report>> = reports.into_iter().map(Arc::new).collect();
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

    /// The report at index `i` of [`Site::reports`].
    pub fn report_at(&self, i: usize) -> Option<&Report> {
        self.reports.get(i).map(|r| &**r)
    }

    /// The township at index `i` of [`Site::townships`].
    pub fn township_at(&self, i: usize) -> Option<&Township> {
        self.townships.get(i).map(|t| &**t)
    }

    /// The index in [`Site::reports`] of a township's report for a year.
    pub fn report_index(&self, slug: &str, year: Year) -> Option<usize> {
        self.reports
            .binary_search_by(|r| (r.township.as_str(), r.year).cmp(&(slug, year)))
            .ok()
    }

    /// The township with this slug.
    pub fn township(&self, slug: &str) -> Option<&Township> {
        self.township_index(slug).and_then(|i| self.township_at(i))
    }

    /// The index of the township with this slug (townships are sorted by slug).
    pub fn township_index(&self, slug: &str) -> Option<usize> {
        self.townships
            .binary_search_by(|t| t.slug.as_str().cmp(slug))
            .ok()
    }
}

/// The date of a `SOURCE_DATE_EPOCH` value, in China Standard Time (UTC+8).
pub fn date_from_epoch(value: &str) -> Option<Date> {
    let seconds: i64 = value.trim().parse().ok()?;
    let ts = jiff::Timestamp::from_second(seconds).ok()?;
    let offset = jiff::tz::Offset::from_hours(8).ok()?;
    Some(offset.to_datetime(ts).date())
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
