//! Rendering: every page and file of the site, from the assembled site and
//! the theme, into the staging folder.
//!
//! Templates are compiled once per build ([`Renderer::new`]); pages are
//! rendered and written in parallel. tera renders HTML and XML only, with
//! autoescaping on; JSON and CSV are written by serde_json and csv.

pub mod charts;
pub mod data;
mod pages;
pub mod search;
pub mod theme;
pub mod views;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::assemble::Assembled;
use crate::diagnostic::{Diagnostic, Problem};
use crate::i18n::Lang;
use crate::site::Site;
use crate::write::{Output, OutputError};
pub use pages::{canonical, percent_encode};
pub use theme::Theme;

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

/// Compiled templates and the interface words of one language.
pub struct Renderer {
    tera: Tera,
    css: String,
    words: views::Words,
    words_value: tera::Value,
    statics: Vec<(String, Vec<u8>)>,
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
        Ok(Renderer {
            tera,
            css,
            words_value: tera::Value::from_serializable(&words),
            words: views::Words::new(lang, words),
            statics,
        })
    }

    /// Render one template.
    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, Box<Diagnostic>> {
        self.tera
            .render(template, ctx)
            .map_err(|e| Box::new(template_error(template, &e)))
    }
}

/// The theme's words for `lang`, falling back to Chinese for missing ones.
fn load_words(theme: &Theme, lang: Lang) -> Result<BTreeMap<String, String>, Diagnostic> {
    let text = theme.text("i18n.yaml").unwrap_or_default();
    let table: BTreeMap<String, BTreeMap<String, String>> =
        serde_saphyr::from_str(&text).map_err(|e| {
            Diagnostic::site(Problem::Template {
                template: "i18n.yaml".into(),
                detail: e.to_string(),
            })
        })?;
    let mut words = table.get(Lang::Zh.tag()).cloned().unwrap_or_default();
    if let Some(own) = table.get(lang.tag()) {
        words.extend(own.clone());
    }
    Ok(words)
}

/// What a build produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTML pages.
    pub pages: usize,
    /// All files written (pages included).
    pub files: usize,
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

/// Render the whole site into `out`. `tick` is called once per page.
pub fn render_site(
    site: &Site,
    asm: &Assembled,
    renderer: &Renderer,
    out: &dyn Output,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, RenderError> {
    let common = pages::Common {
        site,
        asm,
        w: &renderer.words,
        words: &renderer.words_value,
        lang: site.config.language,
        css: &renderer.css,
    };
    let counter = Counter::default();
    let page = |path: &str, template: &str, ctx: Context| -> Result<(), RenderError> {
        let html = renderer
            .render(template, &ctx)
            .map_err(RenderError::Template)?;
        out.write(path, html.as_bytes())?;
        counter.page();
        tick();
        Ok(())
    };
    // A download: written, counted, and its size kept for the data page.
    let file =
        |path: String, bytes: Result<Vec<u8>, String>| -> Result<pages::DataFile, RenderError> {
            let bytes = bytes.map_err(|e| data_error(&path, e))?;
            out.write(&path, &bytes)?;
            counter.file();
            let format = match path.rsplit('.').next() {
                Some("csv") => "CSV",
                Some("xlsx") => "XLSX",
                _ => "JSON",
            };
            Ok(pages::DataFile {
                size: views::size(bytes.len() as u64),
                path,
                format,
            })
        };
    let lang = site.config.language;
    let mut phases = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        phases.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };

    // Open data first: the data page lists the files with their sizes.
    let year_files: Vec<pages::DataRow> = asm
        .summaries
        .par_iter()
        .map(|s| -> Result<pages::DataRow, RenderError> {
            let records = data::year_records(site, asm, s);
            let sheets = data::year_sheets(site, s);
            Ok(pages::DataRow {
                label: renderer
                    .words
                    .fill("year_label_fmt", &[("year", &s.year.to_string())]),
                files: vec![
                    file(views::paths::year_data(s.year, "csv"), data::csv(&records))?,
                    file(
                        views::paths::year_data(s.year, "xlsx"),
                        data::xlsx::workbook(&sheets, &records, site.as_of, lang),
                    )?,
                    file(
                        views::paths::year_data(s.year, "json"),
                        data::year_json(site, s),
                    )?,
                ],
            })
        })
        .collect::<Result<_, _>>()?;
    let township_files: Vec<pages::DataRow> = asm
        .order
        .par_iter()
        .filter_map(|&ti| Some((ti, site.townships.get(ti)?)))
        .map(|(ti, t)| -> Result<pages::DataRow, RenderError> {
            let reports: Vec<&crate::model::Report> = asm
                .by_township
                .get(ti)
                .map(|l| l.iter().filter_map(|&i| site.reports.get(i)).collect())
                .unwrap_or_default();
            let records = data::township_records(site, t, &reports);
            let sheets = data::township_sheets(site, &reports);
            Ok(pages::DataRow {
                label: views::township_name(t, lang),
                files: vec![
                    file(
                        views::paths::township_data(&t.slug, "csv"),
                        data::csv(&records),
                    )?,
                    file(
                        views::paths::township_data(&t.slug, "xlsx"),
                        data::xlsx::workbook(&sheets, &records, site.as_of, lang),
                    )?,
                    file(
                        views::paths::township_data(&t.slug, "json"),
                        data::township_json(site, t, &reports),
                    )?,
                ],
            })
        })
        .collect::<Result<_, _>>()?;
    // The all-data file is streamed: it never sits in memory whole.
    let all = {
        let path = "data/all.json";
        let bytes = out.write_with(path, &mut |w| data::write_all_json(site, asm, w))?;
        counter.file();
        pages::DataFile {
            path: path.to_string(),
            format: "JSON",
            size: views::size(bytes),
        }
    };
    lap("downloads");

    page(&views::paths::home(), "home.html", pages::home(&common))?;
    page("404.html", "404.html", pages::not_found(&common))?;
    page(&views::paths::years(), "years.html", pages::years(&common))?;
    page(
        &views::paths::data(),
        "data.html",
        pages::data(&common, year_files, township_files, all),
    )?;

    site.townships.par_iter().try_for_each(|t| {
        page(
            &views::paths::township(&t.slug),
            "township.html",
            pages::township(&common, t),
        )
    })?;
    asm.summaries.par_iter().try_for_each(|s| {
        page(
            &views::paths::year(s.year),
            "year.html",
            pages::year(&common, s),
        )
    })?;
    // search (issue 11): each report page also gives its search record.
    let records = std::sync::Mutex::new(Vec::with_capacity(site.reports.len()));
    (0..site.reports.len())
        .into_par_iter()
        .try_for_each(|i| -> Result<(), RenderError> {
            let Some(r) = site.reports.get(i) else {
                return Ok(());
            };
            // `None`: the file changed since it was loaded (or vanished).
            let ctx = pages::report(&common, i).ok_or_else(|| {
                RenderError::Template(Box::new(Diagnostic::file(
                    Problem::SourceChanged,
                    r.file.clone(),
                )))
            })?;
            let path = views::paths::report(&r.township, r.year);
            // search (issue 11): the record, from the page's own context.
            let record =
                search::record(renderer, &ctx, &path, r.year).map_err(RenderError::Template)?;
            records
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(record);
            page(&path, "report.html", ctx)?;
            for a in &r.attachments {
                out.copy(
                    &views::paths::attachment(&r.township, r.year, &a.name),
                    &a.path,
                )?;
                counter.file();
            }
            Ok(())
        })?;

    lap("pages");

    // search (issue 11): the search page, and the index of every report.
    let records = records
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let years: Vec<crate::model::Year> = records.iter().map(|r| r.year).collect();
    page(
        &search::page_path(),
        "search.html",
        search::page(&common, &years),
    )?;
    for _ in 0..search::write_index(&records, out)? {
        counter.file();
    }
    drop(records);
    lap("search index");

    // Web plumbing.
    let xml = |path: &str, template: &str, ctx: Context| -> Result<(), RenderError> {
        let text = renderer
            .render(template, &ctx)
            .map_err(RenderError::Template)?;
        out.write(path, text.as_bytes())?;
        counter.file();
        Ok(())
    };
    xml("feed.xml", "feed.xml", pages::feed(&common))?;
    xml("sitemap.xml", "sitemap.xml", pages::sitemap(&common))?;
    let robots = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    );
    out.write("robots.txt", robots.as_bytes())?;
    counter.file();

    for (path, bytes) in &renderer.statics {
        out.write(&format!("assets/{path}"), bytes)?;
        counter.file();
    }
    lap("feed, sitemap, assets");
    Ok(Stats {
        pages: counter.pages.load(Ordering::Relaxed),
        files: counter.files.load(Ordering::Relaxed),
        phases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words the Rust side asks for (views.rs, pages.rs, mod.rs).
    const RUST_WORDS: &[&str] = &[
        "status_on_time",
        "status_late",
        "status_missing",
        "status_not_yet_due",
        "status_date_not_stated",
        "status_figures_only",
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
        for key in RUST_WORDS {
            assert!(zh.contains_key(*key), "{key} missing from i18n.yaml");
        }
    }

    #[test]
    fn default_theme_compiles() {
        for lang in Lang::ALL {
            assert!(Renderer::new(&Theme::builtin(), lang).is_ok());
        }
    }
}
