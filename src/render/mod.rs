//! Rendering: every page and file of the site, from the assembled site and
//! the theme, into the staging folder.
//!
//! Templates are compiled once per build ([`Renderer::new`]); pages are
//! rendered and written in parallel. tera renders HTML and XML only, with
//! autoescaping on; JSON and CSV are written by serde_json and csv.

pub mod charts;
pub mod download;
mod page;
pub mod paths;
pub mod search;
pub mod theme;
mod touched;
pub mod views;

use std::collections::BTreeMap;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::assemble::Assembled;
use crate::diagnostic::{Diagnostic, Problem};
use crate::i18n::Lang;
use crate::model::Year;
use crate::site::Site;
use crate::write::{Output, OutputError};
pub use page::{canonical, percent_encode};
pub use theme::Theme;
pub use touched::{State, Touched, touched, touched_by_theme};

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// A template failed (a content-independent theme problem).
    Template(Box<Diagnostic>),
    /// Writing failed.
    Output(OutputError),
}

impl From<OutputError> for RenderError {
    fn from(e: OutputError) -> Self {
        RenderError::Output(e)
    }
}

/// Text escaped for HTML, in content and in quoted attributes (`&`, `<`,
/// `>`, `"`, `'`): for the markup written without a template (the charts'
/// SVG, the preview server's error page).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Compiled templates and the interface words of one language.
pub struct Renderer {
    tera: Tera,
    css: String,
    words: crate::i18n::Words,
    words_value: tera::Value,
    statics: Vec<(String, Vec<u8>)>,
    glossary: Vec<GlossarySection>,
}

/// A section of the glossary page, as the theme's `glossary.yaml` lists
/// it: a title and terms, each a key of the translation table (whose
/// `<key>_desc` is the one-line explanation). Extending the glossary is
/// adding keys there and words to `i18n.yaml`.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossarySection {
    /// The key of the section's title.
    pub title: String,
    /// The keys of its terms, in order.
    pub terms: Vec<String>,
}

/// The theme's glossary.
fn load_glossary(theme: &Theme) -> Result<Vec<GlossarySection>, Diagnostic> {
    let text = theme.text("glossary.yaml").unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_saphyr::from_str(&text).map_err(|e| {
        Diagnostic::site(Problem::Template {
            template: theme.origin("glossary.yaml"),
            detail: e.to_string(),
        })
    })
}

fn template_error(template: &str, error: &tera::Error) -> Diagnostic {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    Diagnostic::site(Problem::Template {
        template: template.to_string(),
        detail,
    })
}

impl Renderer {
    /// Compile the theme's templates and read its words for `lang`.
    pub fn new(theme: &Theme, lang: Lang) -> Result<Renderer, Box<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let templates: Vec<(String, String)> =
            theme.templates().map(|(n, t)| (n.to_string(), t)).collect();
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| Box::new(template_error("templates/", &e)))?;
        let words = load_words(theme, lang).map_err(Box::new)?;
        let statics = theme
            .statics()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        let css = theme.text("static/style.css").unwrap_or_default();
        let glossary = load_glossary(theme).map_err(Box::new)?;
        Ok(Renderer {
            tera,
            css,
            glossary,
            words_value: tera::Value::from_serializable(&words),
            words: crate::i18n::Words::new(lang, words),
            statics,
        })
    }

    /// Render one template.
    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, Box<Diagnostic>> {
        self.tera
            .render(template, ctx)
            .map_err(|e| Box::new(template_error(template, &e)))
    }

    /// Render one template into bytes, for writing: tera's `render` checks
    /// that its output is UTF-8 to return a `String`, which a page written
    /// as bytes does not need (the output of templates and `String`
    /// values is UTF-8 already).
    pub fn render_bytes(&self, template: &str, ctx: &Context) -> Result<Vec<u8>, Box<Diagnostic>> {
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, ctx, &mut out)
            .map_err(|e| Box::new(template_error(template, &e)))?;
        Ok(out)
    }
}

/// The theme's words for `lang`. A word the theme's `i18n.yaml` lacks (a
/// site's own file written for an older gongshi, or in Chinese only) comes
/// from the default theme, so that a page never shows a key in its place.
/// From first to last, a later one winning: the default's Chinese, the
/// theme's Chinese, the default's words for `lang`, the theme's.
fn load_words(theme: &Theme, lang: Lang) -> Result<BTreeMap<String, String>, Diagnostic> {
    let own_text = theme.text("i18n.yaml").unwrap_or_default();
    let builtin_text = Theme::builtin_text("i18n.yaml").unwrap_or_default();
    let own = read_words(&own_text, &theme.origin("i18n.yaml"))?;
    let builtin = if own_text == builtin_text {
        Vec::new()
    } else {
        read_words(&builtin_text, "themes/default/i18n.yaml")?
    };
    let mut words = BTreeMap::new();
    let order = if lang == Lang::Zh {
        vec![Lang::Zh]
    } else {
        vec![Lang::Zh, lang]
    };
    for want in order {
        for (of, some) in builtin.iter().chain(&own) {
            if *of == want {
                words.extend(some.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
    }
    Ok(words)
}

/// A language's words, by key.
type WordTable = BTreeMap<String, String>;

/// The sections of an `i18n.yaml` (`file`, for messages), in order: each
/// language's words. A section or a word left empty (`en:`, `home: ~`)
/// leaves the default's words; a section named for a language gongshi
/// does not speak is not read (`zh`, `zh-Hans` and `en-US` are read as
/// `zh-CN` and `en`, as in `gongshi.yaml`).
fn read_words(text: &str, file: &str) -> Result<Vec<(Lang, WordTable)>, Diagnostic> {
    use crate::diagnostic::Expected;
    use crate::yaml::{Node, Value};
    let source: std::sync::Arc<str> = std::sync::Arc::from(text);
    let root = crate::yaml::parse(text, crate::yaml::Offset { lines: 0 }, file, &source).map_err(
        |all| {
            all.into_iter().next().unwrap_or_else(|| {
                Diagnostic::file(
                    Problem::Template {
                        template: file.into(),
                        detail: String::new(),
                    },
                    file,
                )
            })
        },
    )?;
    let wrong = |node: &Node, key: &str, expected: Expected| {
        Diagnostic::at(
            Problem::WrongType {
                key: key.into(),
                expected,
            },
            file,
            node.pos,
            source.clone(),
        )
    };
    let sections = match &root.value {
        Value::Null => return Ok(Vec::new()),
        Value::Map(sections) => sections,
        _ => return Err(wrong(&root, "i18n.yaml", Expected::Mapping)),
    };
    let mut out = Vec::new();
    for section in sections {
        let Some(lang) = Lang::parse(&section.key) else {
            continue;
        };
        let entries = match &section.value.value {
            Value::Null => &[][..],
            Value::Map(entries) => entries.as_slice(),
            _ => return Err(wrong(&section.value, &section.key, Expected::Mapping)),
        };
        let mut words = BTreeMap::new();
        for e in entries {
            if matches!(e.value.value, Value::Seq(_) | Value::Map(_)) {
                return Err(wrong(&e.value, &e.key, Expected::Text));
            }
            // Null has no text: the default's word stays.
            if let Some(word) = e.value.scalar_text() {
                words.insert(e.key.clone(), word.to_string());
            }
        }
        out.push((lang, words));
    }
    Ok(out)
}

/// What a build produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTML pages.
    pub pages: usize,
    /// All files written (pages included).
    pub files: usize,
    /// Of `files`, those kept unchanged from the previous output (hard
    /// links, not written again; see [`crate::write`]).
    pub reused: usize,
    /// Time spent on each phase, for `build --timings`.
    pub phases: Vec<(&'static str, std::time::Duration)>,
}

/// Counts what is written.
#[derive(Default)]
struct Counter {
    pages: AtomicUsize,
    files: AtomicUsize,
}

impl Counter {
    fn page(&self) {
        self.pages.fetch_add(1, Ordering::Relaxed);
        self.file();
    }

    fn file(&self) {
        self.files.fetch_add(1, Ordering::Relaxed);
    }
}

fn data_error(path: &str, e: String) -> RenderError {
    RenderError::Output(OutputError::Io {
        action: format!("writing {path}"),
        error: std::io::Error::other(e),
    })
}

/// One thing a build writes: a page, the downloads of a year or a
/// township, a file of web plumbing. A full build renders every target of
/// the site ([`targets`]); `serve` renders again only the targets an edit
/// touches ([`touched`]). Each target is rendered from the loaded site and
/// the assembled summaries alone, so rendering a target twice from the
/// same data gives the same bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// `data/<year>.csv`, `.xlsx`, `.json`.
    YearData(Year),
    /// `data/townships/<slug>.csv`.
    TownshipData(String),
    /// `data/all.json`.
    AllData,
    /// `index.html`.
    Home,
    /// `404.html`.
    NotFound,
    /// `years/index.html`.
    Years,
    /// `glossary/index.html`.
    Glossary,
    /// `townships/index.html`: every township, behind the menu's 乡镇.
    Townships,
    /// `<slug>/index.html`.
    Township(String),
    /// `districts/<district>/index.html` and its further pages
    /// (`page/<n>/`), on a site laid out by district (by the district's
    /// slug).
    District(String),
    /// `districts/<district>/<year>/index.html` and its further pages.
    DistrictYear(String, Year),
    /// `cities/<city>/index.html`, when the config groups districts by city.
    City(String),
    /// `years/<year>/index.html`.
    Year(Year),
    /// `<slug>/<year>/index.html` and the report's attachments.
    Report(String, Year),
    /// `data/index.html`: every download with its size (rendered after them).
    Data,
    /// `feed.xml`.
    Feed,
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// The theme's static files, under `assets/`.
    Assets,
    /// `search/index.html` and the search index of every report (rendered
    /// after the report pages: a report target hands its record over). Each
    /// report's text for search is written by its report target.
    Search,
}

impl Target {
    /// The template a target renders with (`None`: downloads and plain
    /// files, which use none).
    pub fn template(&self) -> Option<&'static str> {
        Some(match self {
            Target::Home => "home.html",
            Target::NotFound => "404.html",
            Target::Years => "years.html",
            Target::District(_) => "district.html",
            Target::DistrictYear(..) => "year.html",
            Target::City(_) => "city.html",
            Target::Glossary => "glossary.html",
            Target::Townships => "townships.html",
            Target::Township(_) => "township.html",
            Target::Year(_) => "year.html",
            Target::Report(..) => "report.html",
            Target::Data => "data.html",
            Target::Feed => "feed.xml",
            Target::Sitemap => "sitemap.xml",
            Target::Search => "search.html",
            Target::YearData(_)
            | Target::TownshipData(_)
            | Target::AllData
            | Target::Robots
            | Target::Assets => return None,
        })
    }

    /// The output folder this target writes whole, if any: a file of a
    /// previous output there that it does not write again is not part of
    /// the new one (the search index's shards, fewer when the index
    /// shrinks).
    pub fn writes_whole(&self) -> Option<&'static str> {
        match self {
            Target::Search => Some(paths::SEARCH_SHARDS),
            _ => None,
        }
    }

    /// Whether this target is downloads (rendered first: the data page
    /// lists their sizes).
    pub fn is_download(&self) -> bool {
        matches!(
            self,
            Target::YearData(_) | Target::TownshipData(_) | Target::AllData
        )
    }

    /// Whether this target needs the downloads' sizes or is web plumbing
    /// (rendered last).
    fn is_last(&self) -> bool {
        matches!(
            self,
            Target::Data
                | Target::Feed
                | Target::Sitemap
                | Target::Robots
                | Target::Assets
                | Target::Search
        )
    }
}

/// Every target of the site, in rendering order.
pub fn targets(site: &Site, asm: &Assembled) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    out.extend(asm.summaries.iter().map(|s| Target::YearData(s.year)));
    out.extend(
        asm.order
            .iter()
            .filter_map(|&ti| site.township_at(ti))
            .map(|t| Target::TownshipData(t.slug.clone())),
    );
    out.push(Target::AllData);
    out.extend([
        Target::Home,
        Target::NotFound,
        Target::Years,
        Target::Glossary,
        Target::Townships,
    ]);
    out.extend(
        site.townships
            .iter()
            .map(|t| Target::Township(t.slug.clone())),
    );
    out.extend(asm.summaries.iter().map(|s| Target::Year(s.year)));
    if asm.by_district {
        out.extend(asm.cities.iter().map(|c| Target::City(c.slug.clone())));
        for d in &asm.districts {
            out.push(Target::District(d.slug.clone()));
            out.extend(
                asm.summaries
                    .iter()
                    .map(|s| Target::DistrictYear(d.slug.clone(), s.year)),
            );
        }
    }
    out.extend(
        site.reports
            .iter()
            .map(|r| Target::Report(r.township.clone(), r.year)),
    );
    out.extend([
        Target::Data,
        Target::Feed,
        Target::Sitemap,
        Target::Robots,
        Target::Assets,
        Target::Search,
    ]);
    out
}

/// Render the whole site into `out`. `tick` is called once per page.
pub fn render_site(
    site: &Site,
    asm: &Assembled,
    renderer: &Renderer,
    out: &dyn Output,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, RenderError> {
    render(
        site,
        asm,
        renderer,
        &targets(site, asm),
        out,
        &NoPrior,
        tick,
    )
}

/// What rendering some of a site's targets may ask of the files rendered
/// before (the previous output): the data page lists the size of every
/// download, and the search index needs the record of every report, also
/// of those not rendered again (read back from their text files).
pub trait Prior: Sync {
    /// The size of the previous file at `path` (relative, `/` separators).
    fn size(&self, path: &str) -> Option<u64>;
    /// The bytes of the previous file at `path`.
    fn bytes(&self, path: &str) -> Option<Vec<u8>>;
}

/// No previous files (a full build renders every target).
pub struct NoPrior;

impl Prior for NoPrior {
    fn size(&self, _: &str) -> Option<u64> {
        None
    }
    fn bytes(&self, _: &str) -> Option<Vec<u8>> {
        None
    }
}

/// The files of a folder (a build's previous output).
pub struct PriorFolder<'a>(pub &'a std::path::Path);

impl Prior for PriorFolder<'_> {
    fn size(&self, path: &str) -> Option<u64> {
        std::fs::symlink_metadata(crate::write::relative_in(self.0, path))
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
    }
    fn bytes(&self, path: &str) -> Option<Vec<u8>> {
        // Only a regular file (never through a link).
        self.size(path)?;
        std::fs::read(crate::write::relative_in(self.0, path)).ok()
    }
}

/// Render `targets` into `out`: the downloads and the pages together (in
/// parallel), then the data page and the web plumbing. The data page
/// lists the size of every download: those rendered here are measured,
/// the others are asked of `prior` (the previous output). The search
/// index is the previous one patched with the records of the reports
/// rendered here ([`crate::search::patch_index`]), or else made from every
/// report's record, those not rendered here read back from their text
/// files: either way, a report whose page is not among `targets` must be
/// as it was when `prior`'s index was built.
pub fn render(
    site: &Site,
    asm: &Assembled,
    renderer: &Renderer,
    targets: &[Target],
    out: &dyn Output,
    prior: &dyn Prior,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, RenderError> {
    let job = Job {
        common: page::Common {
            site,
            asm,
            w: &renderer.words,
            words: &renderer.words_value,
            lang: site.config.language,
            css: &renderer.css,
        },
        renderer,
        out,
        counter: Counter::default(),
        written: std::sync::Mutex::new(BTreeMap::new()),
        records: targets
            .contains(&Target::Search)
            .then(|| Records::for_targets(site, targets)),
        prior,
        tick,
    };
    let mut phases = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        phases.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let (years, mut rest): (Vec<&Target>, Vec<&Target>) = targets
        .iter()
        .filter(|t| t.is_download())
        .partition(|t| matches!(t, Target::YearData(_)));
    // all.json (long) before the townships' CSVs (short).
    rest.sort_by_key(|t| !matches!(t, Target::AllData));
    // What a year's files hold while they are made grows with its rows
    // (townships × metrics): at most DOWNLOAD_ROWS of them at once, or
    // one year whatever its size.
    let years: Vec<(&Target, usize)> = years
        .into_iter()
        .map(|t| {
            let rows = match t {
                Target::YearData(y) => asm.summary(*y).map_or(0, |s| s.rows.len()),
                _ => 0,
            };
            (t, rows.saturating_mul(site.config.schema.metrics().len()))
        })
        .collect();
    let pages: Vec<&Target> = targets
        .iter()
        .filter(|t| !t.is_download() && !t.is_last())
        .collect();
    // Together: the year downloads are made one or a few at a time (their
    // rows' memory, see `downloads_in_turn`), and a thread with no
    // download to take renders pages meanwhile. One after the other, a
    // core sat idle for a third of the downloads of 20,000 townships.
    // After an error on either side, no job of either starts: the build
    // has failed (its first error is the one reported).
    let failed = Failed::default();
    let (downloads, pages) = rayon::join(
        || downloads_in_turn(&years, &rest, &failed, |t| job.target(t)),
        || {
            pages
                .par_iter()
                .try_for_each(|t| failed.unless(|| job.target(t)))
        },
    );
    downloads.and(pages)?;
    lap("downloads and pages");
    let sizes = |path: &str| -> Option<u64> {
        job.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(path)
            .copied()
            .or_else(|| prior.size(path))
    };
    for t in targets
        .iter()
        .filter(|t| t.is_last() && **t != Target::Search)
    {
        match t {
            Target::Data => {
                job.page(&paths::data(), "data.html", page::data(&job.common, &sizes))?
            }
            other => job.target(other)?,
        }
    }
    lap("feed, sitemap, assets");
    if targets.contains(&Target::Search) {
        job.target(&Target::Search)?;
        lap("search");
    }
    Ok(Stats {
        pages: job.counter.pages.load(Ordering::Relaxed),
        files: job.counter.files.load(Ordering::Relaxed),
        reused: 0,
        phases,
    })
}

/// Whether a job of a group failed: once one has, the others that have
/// not started are skipped.
#[derive(Default)]
struct Failed(AtomicBool);

impl Failed {
    /// Whether a job has failed.
    fn now(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Run `job` unless a job has failed; note its failure.
    fn unless<E>(&self, job: impl FnOnce() -> Result<(), E>) -> Result<(), E> {
        if self.now() {
            return Ok(());
        }
        let done = job();
        if done.is_err() {
            self.0.store(true, Ordering::Relaxed);
        }
        done
    }
}

/// How many rows of figures (townships × metrics) the year downloads being
/// made at once may hold (a row weighs some 400 bytes while its year's
/// files are made): two years of 2,000 townships, but one year at a time
/// of 20,000.
const DOWNLOAD_ROWS: usize = 400_000;

/// Run `f` on each download, `years` (each year's files, the longest jobs,
/// with their rows) and `rest`, each thread of the pool taking the next
/// job as soon as it is free: a year's files when they fit beside the
/// years being made (see [`DOWNLOAD_ROWS`]), else the next of `rest`.
/// Split as a list, one thread made every year's files while the other sat
/// idle at the end. A thread that finds `rest` done while years are being
/// made leaves, and helps with their parts (a workbook beside its CSV and
/// JSON) or with whatever else the pool holds (the pages, in [`render`]).
/// The first error; after it (or after any job of `failed`'s group
/// failed) no job is started.
fn downloads_in_turn<T: Sync, E: Send>(
    years: &[(T, usize)],
    rest: &[T],
    failed: &Failed,
    f: impl Fn(&T) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let next_year = std::sync::Mutex::new(0usize);
    let rows_held = std::sync::Mutex::new(0usize);
    let next = AtomicUsize::new(0);
    // The next year, if it fits beside those being made; its rows taken.
    let take_year = || -> Option<&(T, usize)> {
        let mut i = next_year.lock().unwrap_or_else(PoisonError::into_inner);
        let mut held = rows_held.lock().unwrap_or_else(PoisonError::into_inner);
        let year = years.get(*i)?;
        if *held > 0 && *held + year.1 > DOWNLOAD_ROWS {
            return None;
        }
        *held += year.1;
        *i += 1;
        Some(year)
    };
    let run = |job: &T| failed.unless(|| f(job));
    (0..rayon::current_num_threads())
        .into_par_iter()
        .with_max_len(1)
        .try_for_each(|_| {
            loop {
                if failed.now() {
                    return Ok(());
                }
                if let Some((year, rows)) = take_year() {
                    let done = run(year);
                    *rows_held.lock().unwrap_or_else(PoisonError::into_inner) -= rows;
                    done?;
                    continue;
                }
                let Some(job) = rest.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    return Ok(());
                };
                run(job)?;
            }
        })
}

/// How many pages a district's page (and each of its year summaries) fills.
fn assemble_pages(d: &crate::assemble::District) -> usize {
    d.pages()
}

/// The search records of the reports one call of [`render`] renders.
enum Records {
    /// Every report's page is rendered: each record is inverted as it
    /// comes (the report's number is its place in `site.reports`, which
    /// is in index order), so that the text of every report is never in
    /// memory at once. With the reports as the index numbers them.
    Inverted(crate::search::Inverter, Vec<crate::search::Numbered>),
    /// Some reports' pages (or reports not numbered by their place):
    /// their records kept, by report, to patch the previous index or to
    /// build it with the others' read back.
    Kept(std::sync::Mutex<Vec<(usize, crate::search::Record)>>),
}

impl Records {
    fn for_targets(site: &Site, targets: &[Target]) -> Records {
        let mut rendered = vec![false; site.reports.len()];
        for t in targets {
            if let Target::Report(slug, year) = t
                && let Some(i) = site.report_index(slug, *year)
                && let Some(r) = rendered.get_mut(i)
            {
                *r = true;
            }
        }
        let reports = rendered.iter().filter(|r| **r).count();
        if reports == site.reports.len() {
            // A report's number is its place in `site.reports` only if
            // that is the index's order (townships by slug, then years),
            // each report once.
            let numbered = search::numbered(site);
            let in_index_order = numbered.len() == site.reports.len()
                && numbered
                    .iter()
                    .zip(&site.reports)
                    .all(|(n, r)| n.0 == r.township && n.1 == r.year);
            if in_index_order {
                return Records::Inverted(
                    crate::search::Inverter::new(site.reports.len()),
                    numbered,
                );
            }
        }
        Records::Kept(std::sync::Mutex::new(Vec::with_capacity(reports)))
    }

    fn add(&self, report: usize, record: crate::search::Record) {
        match self {
            Records::Inverted(inverter, _) => inverter.add(report, record),
            Records::Kept(kept) => kept
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((report, record)),
        }
    }
}

/// What one call of [`render`] shares between its threads.
struct Job<'a> {
    common: page::Common<'a>,
    renderer: &'a Renderer,
    out: &'a dyn Output,
    counter: Counter,
    /// The sizes of the downloads written, for the data page.
    written: std::sync::Mutex<BTreeMap<String, u64>>,
    /// The search records of the reports rendered, when the search index
    /// is one of the targets.
    records: Option<Records>,
    /// The files rendered before (the previous output).
    prior: &'a dyn Prior,
    tick: &'a (dyn Fn() + Sync),
}

impl Job<'_> {
    fn page(&self, path: &str, template: &str, ctx: Context) -> Result<(), RenderError> {
        let html = self
            .renderer
            .render_bytes(template, &ctx)
            .map_err(RenderError::Template)?;
        self.out.write(path, &html)?;
        self.counter.page();
        (self.tick)();
        Ok(())
    }

    /// A file that is not a page (XML, text).
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
        self.out.write(path, bytes)?;
        self.counter.file();
        Ok(())
    }

    /// A download, its size kept for the data page.
    fn download(&self, path: String, bytes: Result<Vec<u8>, String>) -> Result<(), RenderError> {
        let bytes = bytes.map_err(|e| data_error(&path, e))?;
        self.out.write(&path, &bytes)?;
        self.counter.file();
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path, bytes.len() as u64);
        Ok(())
    }

    /// A download written as it is made, its size kept for the data page.
    fn download_with(
        &self,
        path: &str,
        produce: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), RenderError> {
        let bytes = self.out.write_with(path, produce)?;
        self.counter.file();
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path.to_string(), bytes);
        Ok(())
    }

    fn target(&self, target: &Target) -> Result<(), RenderError> {
        let c = &self.common;
        let (site, asm, w) = (c.site, c.asm, c.w);
        match target {
            Target::YearData(year) => {
                let Some(s) = asm.summary(*year) else {
                    return Ok(());
                };
                let records = download::year_records(site, asm, s);
                let sheets = download::year_sheets(site, s, w);
                // The workbook takes longest: beside the other two.
                let (xlsx, rest) = rayon::join(
                    || {
                        self.download(
                            paths::year_data(s.year, "xlsx"),
                            download::xlsx::workbook(&sheets, &records, site.as_of, w),
                        )
                    },
                    || {
                        // Streamed: never whole in memory, beside another year's.
                        self.download_with(&paths::year_data(s.year, "csv"), &mut |out| {
                            download::write_csv(&records, out)
                        })?;
                        self.download_with(&paths::year_data(s.year, "json"), &mut |out| {
                            download::write_year_json(site, asm, s, out)
                        })
                    },
                );
                xlsx.and(rest)
            }
            Target::TownshipData(slug) => {
                let Some((ti, t)) = site
                    .township_index(slug)
                    .and_then(|ti| Some((ti, site.township_at(ti)?)))
                else {
                    return Ok(());
                };
                let reports: Vec<&crate::model::Report> = asm
                    .by_township
                    .get(ti)
                    .map(|l| l.iter().filter_map(|&i| site.report_at(i)).collect())
                    .unwrap_or_default();
                // The CSV only: the year workbooks and all.json carry the same rows.
                let records = download::township_records(site, t, &reports);
                self.download(paths::township_data(slug, "csv"), download::csv(&records))
            }
            Target::AllData => {
                // Streamed: it never sits in memory whole.
                self.download_with(&paths::all_data(), &mut |out| {
                    download::write_all_json(site, asm, out)
                })
            }
            Target::Home => self.page(&paths::home(), "home.html", page::home(c)),
            Target::NotFound => self.page("404.html", "404.html", page::not_found(c)),
            Target::Years => self.page(&paths::years(), "years.html", page::years(c)),
            Target::Glossary => self.page(
                &paths::glossary(),
                "glossary.html",
                page::glossary(c, &self.renderer.glossary),
            ),
            Target::Townships => {
                self.page(&paths::townships(), "townships.html", page::townships(c))
            }
            Target::Township(slug) => match site.township(slug) {
                Some(t) => self.page(
                    &paths::township(slug),
                    "township.html",
                    page::township(c, t),
                ),
                None => Ok(()),
            },
            Target::District(slug) => {
                let Some(di) = asm.districts.iter().position(|d| &d.slug == slug) else {
                    return Ok(());
                };
                let pages = asm.districts.get(di).map_or(0, assemble_pages);
                for n in 1..=pages {
                    if let Some(ctx) = page::district(c, di, n) {
                        self.page(&paths::district(slug, n), "district.html", ctx)?;
                    }
                }
                Ok(())
            }
            Target::DistrictYear(slug, year) => {
                let Some(di) = asm.districts.iter().position(|d| &d.slug == slug) else {
                    return Ok(());
                };
                let pages = asm.districts.get(di).map_or(0, assemble_pages);
                for n in 1..=pages {
                    if let Some(ctx) = page::district_year(c, di, *year, n) {
                        self.page(&paths::district_year(slug, *year, n), "year.html", ctx)?;
                    }
                }
                Ok(())
            }
            Target::City(slug) => {
                let Some(ci) = asm.cities.iter().position(|x| &x.slug == slug) else {
                    return Ok(());
                };
                match page::city(c, ci) {
                    Some(ctx) => self.page(&paths::city(slug), "city.html", ctx),
                    None => Ok(()),
                }
            }
            Target::Year(year) => match asm.summary(*year) {
                Some(s) => self.page(&paths::year(*year), "year.html", page::year(c, s)),
                None => Ok(()),
            },
            Target::Report(slug, year) => {
                let Some(i) = site.report_index(slug, *year) else {
                    return Ok(());
                };
                let Some(r) = site.report_at(i) else {
                    return Ok(());
                };
                // `None`: the file changed since it was loaded (or vanished).
                let changed = || {
                    RenderError::Template(Box::new(Diagnostic::file(
                        Problem::SourceChanged,
                        r.file.clone(),
                    )))
                };
                // The body is rendered once, for the page and for search.
                let body = page::report_body(c, i).ok_or_else(changed)?;
                let ctx = page::report(c, i, &body).ok_or_else(changed)?;
                let record = search::record(c, i, &body.sections).ok_or_else(changed)?;
                drop(body);
                self.file(
                    &paths::search_text(slug, *year),
                    &crate::search::text_file(&record).bytes,
                )?;
                if let Some(records) = &self.records {
                    records.add(i, record);
                }
                self.page(&paths::report(slug, *year), "report.html", ctx)?;
                for a in &r.attachments {
                    self.out
                        .copy(&paths::attachment(slug, *year, &a.name), &a.path)?;
                    self.counter.file();
                }
                Ok(())
            }
            Target::Data => Ok(()),
            Target::Feed => {
                let text = self
                    .renderer
                    .render("feed.xml", &page::feed(c))
                    .map_err(RenderError::Template)?;
                self.file("feed.xml", text.as_bytes())
            }
            Target::Sitemap => {
                let text = self
                    .renderer
                    .render("sitemap.xml", &page::sitemap(c))
                    .map_err(RenderError::Template)?;
                self.file("sitemap.xml", text.as_bytes())
            }
            Target::Robots => {
                let robots = format!(
                    "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
                    site.config.base_url
                );
                self.file("robots.txt", robots.as_bytes())
            }
            Target::Assets => {
                for (path, bytes) in &self.renderer.statics {
                    self.file(&format!("assets/{path}"), bytes)?;
                }
                Ok(())
            }
            Target::Search => {
                let index_error = |e: crate::search::SearchError| {
                    RenderError::Output(OutputError::Io {
                        action: "building the search index".into(),
                        error: std::io::Error::other(e.0),
                    })
                };
                let mut records: Vec<(usize, crate::search::Record)> = match &self.records {
                    Some(Records::Inverted(inverter, numbered)) => {
                        let index =
                            crate::search::index_of(inverter, numbered).map_err(index_error)?;
                        return self.search_index(&index);
                    }
                    Some(Records::Kept(kept)) => {
                        std::mem::take(&mut *kept.lock().unwrap_or_else(PoisonError::into_inner))
                    }
                    None => Vec::new(),
                };
                // The reports not rendered in this call (after an edit
                // elsewhere): their records read back from their text
                // files in the previous output (unchanged, since their
                // report was not touched), else made from the site data.
                let mut have = vec![false; site.reports.len()];
                for (i, _) in &records {
                    if let Some(h) = have.get_mut(*i) {
                        *h = true;
                    }
                }
                // First, patch the previous index with the records of the
                // reports rendered (it holds the others' already).
                let patched = if have.iter().all(|h| *h) {
                    None
                } else {
                    let previous = |path: &str| self.prior.bytes(path);
                    let changed = records.iter().map(|(_, r)| r.clone()).collect();
                    crate::search::patch_index(&previous, &search::numbered(site), changed)
                };
                if let Some(index) = patched {
                    return self.search_index(&index);
                }
                let missing: Vec<(usize, crate::search::Record)> = (0..site.reports.len())
                    .into_par_iter()
                    .filter(|i| !have.get(*i).copied().unwrap_or(true))
                    .map(|i| {
                        let prior = site.report_at(i).and_then(|r| {
                            let bytes =
                                self.prior.bytes(&paths::search_text(&r.township, r.year))?;
                            crate::search::Record::from_text_file(&r.township, r.year, &bytes)
                        });
                        if let Some(record) = prior {
                            return Ok((i, record));
                        }
                        search::record_of(c, i).map(|r| (i, r)).ok_or_else(|| {
                            RenderError::Template(Box::new(Diagnostic::file(
                                Problem::SourceChanged,
                                site.report_at(i)
                                    .map(|r| r.file.clone())
                                    .unwrap_or_default(),
                            )))
                        })
                    })
                    .collect::<Result<_, _>>()?;
                records.extend(missing);
                let records: Vec<crate::search::Record> =
                    records.into_iter().map(|(_, r)| r).collect();
                let index = crate::search::build_index(records).map_err(index_error)?;
                self.search_index(&index)
            }
        }
    }

    /// The search page and the files of the index.
    fn search_index(&self, index: &crate::search::Index) -> Result<(), RenderError> {
        self.page(
            &paths::search(),
            "search.html",
            page::search(&self.common, &index.version),
        )?;
        index
            .files
            .par_iter()
            .try_for_each(|f| self.file(&f.path, &f.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After one job fails, the jobs not yet started are skipped, on every
    /// thread: pages stop when a download fails, and downloads when a page does.
    #[test]
    fn a_failed_job_stops_the_others() {
        let failed = Failed::default();
        let ran = AtomicUsize::new(0);
        let job = |i: usize| {
            ran.fetch_add(1, Ordering::Relaxed);
            if i == 3 { Err(i) } else { Ok(()) }
        };
        let results: Vec<Result<(), usize>> = (0..10).map(|i| failed.unless(|| job(i))).collect();
        assert_eq!(ran.load(Ordering::Relaxed), 4);
        assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
        assert_eq!(results.get(3), Some(&Err(3)));
        // In parallel, with the pages and the downloads as the two sides.
        let failed = Failed::default();
        let ran = AtomicUsize::new(0);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (a, b): (Result<(), usize>, Result<(), usize>) = pool.install(|| {
            rayon::join(
                || {
                    (0..1000).try_for_each(|i| {
                        failed.unless(|| {
                            ran.fetch_add(1, Ordering::Relaxed);
                            if i == 10 { Err(i) } else { Ok(()) }
                        })
                    })
                },
                || {
                    (0..1000usize).into_par_iter().try_for_each(|_| {
                        failed.unless(|| {
                            ran.fetch_add(1, Ordering::Relaxed);
                            std::thread::sleep(std::time::Duration::from_micros(200));
                            Ok(())
                        })
                    })
                },
            )
        });
        assert_eq!(a, Err(10));
        assert_eq!(b, Ok(()));
        assert!(
            ran.load(Ordering::Relaxed) < 1000,
            "{}",
            ran.load(Ordering::Relaxed)
        );
    }

    /// Every download is made once; the years made at once never hold more
    /// than the budget's rows (unless one year alone does); after an error
    /// no job starts.
    #[test]
    fn downloads_run_in_turn_within_the_budget() {
        // A job is (number, rows); the years' jobs beside their rows.
        let years: Vec<((usize, usize), usize)> = [300_000, 150_000, 500_000, 100_000, 250_000]
            .into_iter()
            .enumerate()
            .map(|job| (job, job.1))
            .collect();
        let rest: Vec<(usize, usize)> = (5..40).map(|i| (i, 0)).collect();
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let held = std::sync::Mutex::new((0usize, 0usize)); // (rows now, years now)
            let done = std::sync::Mutex::new(Vec::new());
            let ok: Result<(), ()> = pool.install(|| {
                downloads_in_turn(&years, &rest, &Failed::default(), |&(i, rows)| {
                    {
                        let mut h = held.lock().unwrap();
                        h.0 += rows;
                        h.1 += usize::from(rows > 0);
                        assert!(h.0 <= DOWNLOAD_ROWS || h.1 == 1, "{h:?}");
                    }
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    let mut h = held.lock().unwrap();
                    h.0 -= rows;
                    h.1 -= usize::from(rows > 0);
                    done.lock().unwrap().push(i);
                    Ok(())
                })
            });
            assert_eq!(ok, Ok(()));
            let mut done = done.into_inner().unwrap();
            done.sort_unstable();
            assert_eq!(done, (0..40).collect::<Vec<_>>(), "{threads} threads");
        }
        // Two threads: one is in the first year until the other's job (the
        // first of `rest`, which does not fit beside it) has failed; then it
        // starts nothing more.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let started = AtomicUsize::new(0);
        let failed_now = std::sync::atomic::AtomicBool::new(false);
        let failed = pool.install(|| {
            downloads_in_turn(&years, &rest, &Failed::default(), |&(i, _)| {
                started.fetch_add(1, Ordering::Relaxed);
                if i == 0 {
                    let clock = std::time::Instant::now();
                    while !failed_now.load(Ordering::Relaxed)
                        && clock.elapsed() < std::time::Duration::from_secs(5)
                    {
                        std::thread::yield_now();
                    }
                    // Time for the failed job's thread to return its error
                    // (the flag is set just before).
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    Ok(())
                } else if i == 5 {
                    failed_now.store(true, Ordering::Relaxed);
                    Err(i)
                } else {
                    Ok(())
                }
            })
        });
        assert!(failed.is_err());
        // Without the stop, the waiting thread would run all 40.
        assert_eq!(started.load(Ordering::Relaxed), 2);
    }

    /// Words the Rust side asks for (views.rs, pages.rs, mod.rs).
    const RUST_WORDS: &[&str] = &[
        "coverage_rate_fmt",
        "status_on_time",
        "status_late",
        "status_missing",
        "status_not_yet_due",
        "status_date_not_stated",
        "status_figures_only",
        "status_not_covered",
        "status_on_time_desc",
        "status_late_desc",
        "status_missing_desc",
        "status_not_yet_due_desc",
        "status_date_not_stated_desc",
        "status_figures_only_desc",
        "status_not_covered_desc",
        "glossary",
        "change",
        "change_prev_year",
        "change_since_fmt",
        "change_compared_to",
        "like_for_like_fmt",
        "list_sep",
        "covered_from_fmt",
        "covered_range_fmt",
        "covered_single_fmt",
        "feed_undated",
        "xlsx_changes",
        "township",
        "district",
        "status",
        "rank",
        "total",
        "subtotal",
        "reported_of",
        "disclosure_status",
        "years",
        "figure",
        "unit",
        "value",
        "cell_not_applicable",
        "cell_not_reported",
        "note_zero",
        "note_not_applicable",
        "note_not_reported",
        "not_summed",
        "coverage_fmt",
        "date_fmt",
        "year_summary_fmt",
        "year_label_fmt",
        "feed_summary_fmt",
        "feed_revised_fmt",
        "paren_open",
        "paren_close",
        "key_figures",
        "page_not_found",
        "all_years",
        "open_data",
        "not_stated",
        // search (issue 11)
        "search_title",
    ];

    #[test]
    fn translation_table_is_complete_in_both_languages() {
        let theme = Theme::builtin();
        let text = theme.text("i18n.yaml").unwrap_or_default();
        let table: BTreeMap<String, BTreeMap<String, String>> =
            serde_saphyr::from_str(&text).unwrap();
        let zh = &table["zh-CN"];
        let en = &table["en"];
        let zh_keys: Vec<&String> = zh.keys().collect();
        let en_keys: Vec<&String> = en.keys().collect();
        assert_eq!(zh_keys, en_keys, "zh-CN and en must have the same words");
        for (name, template) in theme.templates() {
            let mut rest = template.as_str();
            while let Some(i) = rest.find("t.") {
                let before = rest[..i].chars().last();
                rest = &rest[i + 2..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let key: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !key.is_empty() {
                    assert!(
                        zh.contains_key(&key),
                        "{name} uses t.{key}, missing from i18n.yaml"
                    );
                }
            }
        }
        for key in RUST_WORDS.iter().copied().chain(download::xlsx::NOTES) {
            assert!(zh.contains_key(key), "{key} missing from i18n.yaml");
        }
        // Every glossary term has its word and its explanation in both languages.
        let glossary = load_glossary(&theme).unwrap();
        assert!(!glossary.is_empty());
        for section in &glossary {
            assert!(zh.contains_key(&section.title), "{}", section.title);
            for term in &section.terms {
                for key in [term.clone(), format!("{term}_desc")] {
                    assert!(
                        zh.contains_key(&key) && en.contains_key(&key),
                        "glossary: {key}"
                    );
                }
            }
        }
        // Every status is in the glossary (badges link to it).
        for status in crate::assemble::Status::ALL {
            let term = format!("status_{}", status.key());
            assert!(
                glossary.iter().any(|s| s.terms.contains(&term)),
                "{term} not in glossary.yaml"
            );
        }
    }

    #[test]
    fn default_theme_compiles() {
        for lang in Lang::ALL {
            assert!(Renderer::new(&Theme::builtin(), lang).is_ok());
        }
    }
}
