//! The pages of the site: one file per page kind, each producing its
//! template context from the loaded site and the assembled summaries. This
//! file holds what several pages share: the base context every page gets,
//! the summary tables and the download links.

mod data;
mod district;
mod feed;
mod glossary;
mod home;
mod not_found;
mod report;
mod search;
mod sitemap;
mod township;
mod townships;
mod year;
mod years;

pub use data::data;
pub use district::{city, district, district_year};
pub use feed::feed;
pub use glossary::glossary;
pub use home::home;
pub use not_found::not_found;
pub use report::{report, report_body};
pub use search::search;
pub use sitemap::sitemap;
pub use township::township;
pub use townships::townships;
pub use year::year;
pub use years::years;

use serde::Serialize;
use tera::Context;

use super::views::{CellView, FigureView, RankView, StatusView, TotalView, TownshipLink};
use crate::assemble::{self, Assembled, Status, Total};
use crate::format::{date, labels};
use crate::i18n::Lang;
use crate::model::{Report, Year};
use crate::render::paths;
use crate::schema::MetricId;
use crate::site::Site;

/// What every page needs.
pub struct Common<'a> {
    /// The site.
    pub site: &'a Site,
    /// The assembled summaries.
    pub asm: &'a Assembled,
    /// The interface words.
    pub w: &'a crate::i18n::Words,
    /// The interface words as a template value.
    pub words: &'a tera::Value,
    /// The site language.
    pub lang: Lang,
    /// The theme's stylesheet, for the self-contained 404 page.
    pub css: &'a str,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    lang: &'static str,
    base_url: &'a str,
    as_of: String,
    as_of_iso: String,
    latest_year: Option<Year>,
}

/// The record search an ICP 备案号 links to, as every Chinese portal's
/// footer does.
const ICP_SEARCH: &str = "https://beian.miit.gov.cn/";
/// The public-security record search, by record number.
const POLICE_SEARCH: &str = "https://beian.mps.gov.cn/#/query/webSearch?code=";

/// The footer's portal furniture: only what the config sets.
#[derive(Serialize)]
struct PortalView<'a> {
    sponsor: Option<&'a str>,
    operator: Option<&'a str>,
    contact: Option<&'a crate::config::PortalContact>,
    email_link: Option<String>,
    site_code: Option<&'a str>,
    icp_record: Option<&'a str>,
    icp_url: &'static str,
    police_record: Option<&'a str>,
    police_url: Option<String>,
}

impl<'a> PortalView<'a> {
    fn new(p: &'a crate::config::Portal) -> Option<PortalView<'a>> {
        (!p.is_empty()).then(|| PortalView {
            sponsor: p.sponsor.as_deref(),
            operator: p.operator.as_deref(),
            contact: (!p.contact.is_empty()).then_some(&p.contact),
            email_link: p.contact.email.as_ref().map(|e| format!("mailto:{e}")),
            site_code: p.site_code.as_deref(),
            icp_record: p.icp_record.as_deref(),
            icp_url: ICP_SEARCH,
            police_record: p.police_record.as_deref(),
            police_url: p.police_code().map(|code| format!("{POLICE_SEARCH}{code}")),
        })
    }
}

#[derive(Serialize)]
struct PageView {
    title: String,
    path: String,
    canonical: String,
    kind: &'static str,
}

impl Common<'_> {
    /// The base context of a page at `path`.
    pub fn context(&self, path: &str, title: &str, kind: &'static str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("inline_css", &false);
        let c = &self.site.config;
        ctx.insert(
            "site",
            &SiteView {
                title: &c.title,
                description: &c.description,
                lang: c.language.tag(),
                base_url: &c.base_url,
                as_of: date(self.site.as_of, self.w),
                as_of_iso: self.site.as_of.to_string(),
                latest_year: self.asm.years.last().copied(),
            },
        );
        ctx.insert(
            "page",
            &PageView {
                title: title.to_string(),
                path: path.to_string(),
                canonical: canonical(&c.base_url, path),
                kind,
            },
        );
        ctx.insert("root", &paths::root_of(path));
        ctx.insert("portal", &PortalView::new(&c.portal));
        ctx.insert_value("t", self.words.clone());
        // A draft's page (a preview with --drafts) says so and is not indexed.
        ctx.insert("draft", &false);
        ctx
    }

    /// The site's key metrics with their definitions.
    fn key_metrics(&self) -> impl Iterator<Item = (MetricId, &crate::schema::Metric)> {
        let schema = &self.site.config.schema;
        self.site
            .config
            .key_metrics
            .iter()
            .filter_map(|id| Some((*id, schema.metric(*id)?)))
    }

    fn township_index(&self, slug: &str) -> Option<usize> {
        self.site.township_index(slug)
    }

    fn status_of(&self, r: &Report) -> Status {
        assemble::report_status(r)
    }
}

/// The canonical URL of a page: the base URL and the path without `index.html`.
pub fn canonical(base: &str, path: &str) -> String {
    let p = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base}{p}")
}

/// A column of a summary table.
#[derive(Serialize)]
struct Column {
    key: String,
    label: String,
    unit: String,
    unit_label: String,
    computed: bool,
}

/// A summary table for one group. Under each total and district subtotal,
/// a coverage row says how many of the covered townships it counts, once
/// per column.
#[derive(Serialize)]
struct GroupTable {
    key: String,
    label: String,
    columns: Vec<Column>,
    rows: Vec<TableRow>,
    subtotals: Vec<SubtotalRow>,
    total: Vec<TotalView>,
    /// The figure words the table uses, for the legend.
    #[serde(skip)]
    words: FigureWords,
}

#[derive(Serialize)]
struct TableRow {
    township: TownshipLink,
    report_path: Option<String>,
    status: StatusView,
    rank: Option<RankView>,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct SubtotalRow {
    district: String,
    cells: Vec<TotalView>,
}

fn column(m: &crate::schema::Metric, w: &crate::i18n::Words) -> Column {
    let (label, unit) = labels(m, w.lang());
    let unit_label = format!("{}{unit}{}", w.get("paren_open"), w.get("paren_close"));
    Column {
        key: m.key.clone(),
        label,
        unit,
        unit_label,
        computed: !matches!(m.derive, crate::schema::Derive::Stated),
    }
}

/// A summary table of `summary` with the columns `ids`: a row per township,
/// district subtotals and the total.
fn summary_table(
    c: &Common<'_>,
    summary: &assemble::YearSummary,
    key: String,
    label: String,
    ids: &[MetricId],
) -> GroupTable {
    let schema = &c.site.config.schema;
    let metrics: Vec<(MetricId, &crate::schema::Metric)> = ids
        .iter()
        .filter_map(|id| Some((*id, schema.metric(*id)?)))
        .collect();
    let rows: Vec<TableRow> = summary
        .rows
        .iter()
        .filter_map(|row| {
            let t = c.site.township_at(row.township)?;
            let report = row.report.and_then(|i| c.site.report_at(i));
            let cells = metrics
                .iter()
                .map(|(id, m)| {
                    let e = report
                        .and_then(|r| r.figures.get(id.index()).cloned())
                        .unwrap_or_default();
                    CellView::new(m, &e.figure, e.computed, c.w)
                })
                .collect();
            Some(TableRow {
                township: TownshipLink::new(t, c.w),
                report_path: report.map(|r| paths::report(&r.township, r.year)),
                status: StatusView::new(row.status, c.w),
                rank: row.rank.as_ref().map(|r| RankView::new(r, c.w)),
                cells,
            })
        })
        .collect();
    let pick = |totals: &[Total]| -> Vec<TotalView> {
        metrics
            .iter()
            .filter_map(|(id, m)| totals.get(id.index()).map(|t| TotalView::new(t, m, c.w)))
            .collect()
    };
    let mut words = FigureWords::default();
    rows.iter()
        .flat_map(|r| &r.cells)
        .for_each(|f| words.cell(f));
    let total = pick(&summary.totals);
    let subtotals: Vec<SubtotalRow> = summary
        .districts
        .iter()
        .map(|d| SubtotalRow {
            district: d.district.clone(),
            cells: pick(&d.totals),
        })
        .collect();
    for t in subtotals.iter().flat_map(|s| &s.cells).chain(&total) {
        words.total(t, true);
    }
    GroupTable {
        words,
        key,
        label,
        columns: metrics.iter().map(|(_, m)| column(m, c.w)).collect(),
        rows,
        subtotals,
        total,
    }
}

/// Tables of a year summary, one per group that has figures: the
/// metrics that any row of `columns` states (the whole year's, for a
/// district's part of it, so that every district shows the same columns).
fn group_tables(
    c: &Common<'_>,
    summary: &assemble::YearSummary,
    columns: &assemble::YearSummary,
) -> Vec<GroupTable> {
    stated_groups(c, columns)
        .into_iter()
        .map(|(g, ids)| summary_table(c, summary, g.key.clone(), group_label(g, c.lang), &ids))
        .collect()
}

/// The groups of figures, in the schema's order, that some row of
/// `summary` states, each with the metrics stated.
fn stated_groups<'a>(
    c: &Common<'a>,
    summary: &assemble::YearSummary,
) -> Vec<(&'a crate::schema::Group, Vec<MetricId>)> {
    let schema = &c.site.config.schema;
    let reports: Vec<&Report> = summary
        .rows
        .iter()
        .filter_map(|r| r.report.and_then(|i| c.site.report_at(i)))
        .collect();
    let stated = assemble::stated_metrics(schema, &reports);
    schema
        .groups()
        .iter()
        .enumerate()
        .filter_map(|(gi, g)| {
            let ids: Vec<MetricId> = stated
                .iter()
                .filter(|(_, m)| m.group.index() == gi)
                .map(|(id, _)| *id)
                .collect();
            (!ids.is_empty()).then_some((g, ids))
        })
        .collect()
}

fn group_label(g: &crate::schema::Group, lang: Lang) -> String {
    lang.pick(&g.label, &g.label_en).to_string()
}

/// The statuses a set of cells uses, in glossary order, with their
/// explanations: the legend beside a status table.
fn legend(c: &Common<'_>, used: impl IntoIterator<Item = Status>) -> Vec<StatusView> {
    let used: std::collections::BTreeSet<Status> = used.into_iter().collect();
    Status::ALL
        .iter()
        .filter(|s| used.contains(s))
        .map(|s| StatusView::new(*s, c.w))
        .collect()
}

#[derive(Serialize)]
struct YearLink {
    year: Year,
    path: String,
}

impl YearLink {
    /// A link to a year's summary.
    fn summary(year: Year) -> YearLink {
        YearLink {
            year,
            path: paths::year(year),
        }
    }

    /// A link to a report, by its year.
    fn report(r: &Report) -> YearLink {
        YearLink {
            year: r.year,
            path: paths::report(&r.township, r.year),
        }
    }
}

/// The key-metric table of a year (for the home page): one row per township.
fn key_table(c: &Common<'_>, summary: &assemble::YearSummary) -> GroupTable {
    summary_table(
        c,
        summary,
        "key".into(),
        c.w.get("key_figures").to_string(),
        &c.site.config.key_metrics,
    )
}

/// Percent-encode a file name for use in a link (keeping it readable where safe).
pub fn percent_encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Downloads of one table: CSV, XLSX and JSON paths (a township's table
/// has a CSV only: its workbook and JSON would repeat the year files and
/// `all.json`).
#[derive(Serialize, Clone)]
pub struct Downloads {
    /// CSV.
    pub csv: String,
    /// XLSX.
    pub xlsx: Option<String>,
    /// JSON.
    pub json: Option<String>,
}

impl Downloads {
    /// A year's downloads.
    pub fn year(year: Year) -> Downloads {
        Downloads {
            csv: paths::year_data(year, "csv"),
            xlsx: Some(paths::year_data(year, "xlsx")),
            json: Some(paths::year_data(year, "json")),
        }
    }

    /// A township's download.
    pub fn township(slug: &str) -> Downloads {
        Downloads {
            csv: paths::township_data(slug, "csv"),
            xlsx: None,
            json: None,
        }
    }
}

/// A word of the figure tables (余, 约, 计, 未报告, n of m …) with its
/// explanation and its entry on the glossary page: a line of a table's
/// legend.
#[derive(Serialize, Clone, Debug)]
pub struct TermView {
    /// The glossary key (`term_lower_bound`), also the entry's anchor.
    pub key: &'static str,
    /// The word as the reader sees it.
    pub term: String,
    /// Its one-line explanation.
    pub desc: String,
    /// The glossary entry, site-relative.
    pub glossary: String,
}

impl TermView {
    fn new(key: &'static str, w: &crate::i18n::Words) -> TermView {
        TermView {
            key,
            term: w.get(key).to_string(),
            desc: w.get(&format!("{key}_desc")).to_string(),
            glossary: paths::glossary_entry(key),
        }
    }
}

/// The figure words a page's tables use, collected while the tables are
/// built, for the legend under them: only the words the reader meets.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct FigureWords {
    lower_bound: bool,
    approximate: bool,
    computed: bool,
    zero: bool,
    not_applicable: bool,
    not_reported: bool,
    coverage: bool,
    not_summed: bool,
    set_changed: bool,
}

impl FigureWords {
    /// The words of figures of the glossary, in its order (a unit test
    /// checks that each is in `glossary.yaml`).
    pub(crate) const ALL: [&'static str; 9] = [
        "term_lower_bound",
        "term_approximate",
        "term_computed",
        "term_zero",
        "term_not_applicable",
        "term_not_reported",
        "term_coverage",
        "term_not_summed",
        "term_set_changed",
    ];

    pub(crate) fn status(&mut self, status: &str) {
        match status {
            "lower_bound" => self.lower_bound = true,
            "approximate" => self.approximate = true,
            "not_applicable" => self.not_applicable = true,
            "not_reported" => self.not_reported = true,
            "not_summed" => self.not_summed = true,
            _ => {}
        }
    }

    /// A figure shown in a table.
    pub(crate) fn figure(&mut self, f: &FigureView) {
        self.shown(
            f.status,
            f.computed,
            f.status == "exact" && f.note.is_some(),
        );
    }

    /// A figure shown in a summary table's cell.
    pub(crate) fn cell(&mut self, f: &CellView) {
        self.shown(f.status, f.computed, f.zero_words);
    }

    fn shown(&mut self, status: &str, computed: bool, zero_words: bool) {
        self.status(status);
        self.computed |= computed;
        self.zero |= zero_words;
    }

    /// A total shown in a table; `coverage`: its "n of m" is shown.
    pub(crate) fn total(&mut self, t: &TotalView, coverage: bool) {
        self.status(t.status);
        self.coverage |= coverage;
    }

    /// "n of m" is shown.
    pub(crate) fn coverage(&mut self) {
        self.coverage = true;
    }

    /// 口径不同 is shown.
    pub(crate) fn set_changed(&mut self) {
        self.set_changed = true;
    }

    /// Another page's words too.
    pub(crate) fn merge(&mut self, o: FigureWords) {
        self.lower_bound |= o.lower_bound;
        self.approximate |= o.approximate;
        self.computed |= o.computed;
        self.zero |= o.zero;
        self.not_applicable |= o.not_applicable;
        self.not_reported |= o.not_reported;
        self.coverage |= o.coverage;
        self.not_summed |= o.not_summed;
        self.set_changed |= o.set_changed;
    }

    /// The legend: the words used, each with its explanation and its
    /// glossary entry.
    pub(crate) fn legend(&self, w: &crate::i18n::Words) -> Vec<TermView> {
        let used = [
            self.lower_bound,
            self.approximate,
            self.computed,
            self.zero,
            self.not_applicable,
            self.not_reported,
            self.coverage,
            self.not_summed,
            self.set_changed,
        ];
        Self::ALL
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|(k, _)| TermView::new(k, w))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Theme;

    /// Words the page code fills or picks itself (beside the templates'
    /// `t.` keys, which the render module's test checks).
    const PAGE_WORDS: &[&str] = &[
        "unstated_fmt",
        "township_count_fmt",
        "coverage_short_fmt",
        "like_for_like_count_fmt",
        "district_unnamed",
        "page_townships_fmt",
        "district_year_fmt",
        "townships",
    ];

    #[test]
    fn figure_words_and_page_words_are_in_the_glossary_and_the_table() {
        let theme = Theme::builtin();
        let text = theme.text("i18n.yaml").unwrap_or_default();
        let table: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
            serde_saphyr::from_str(&text).unwrap();
        let glossary = crate::render::load_glossary(&theme).unwrap();
        for term in FigureWords::ALL {
            assert!(
                glossary.iter().any(|s| s.terms.iter().any(|t| t == term)),
                "{term} is not in glossary.yaml"
            );
        }
        for lang in ["zh-CN", "en"] {
            for key in PAGE_WORDS {
                assert!(table[lang].contains_key(*key), "{lang}: {key}");
            }
        }
        // The legend lists only what is used, in the glossary's order.
        let words = crate::i18n::Words::new(Lang::Zh, table["zh-CN"].clone());
        let mut used = FigureWords::default();
        assert!(used.legend(&words).is_empty());
        used.status("approximate");
        used.status("lower_bound");
        used.coverage();
        let legend = used.legend(&words);
        let keys: Vec<&str> = legend.iter().map(|t| t.key).collect();
        assert_eq!(
            keys,
            ["term_lower_bound", "term_approximate", "term_coverage"]
        );
        assert_eq!(legend[0].glossary, "glossary/index.html#term_lower_bound");
        assert!(legend[0].term.contains('余'));
    }
}
