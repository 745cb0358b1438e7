//! The pages of the site, one function each, producing the template context.

use serde::Serialize;
use tera::Context;

use super::views::{
    self, FigureView, RankView, ReportLink, StatusView, TotalView, TownshipLink, coverage, date,
    labels, paths, size,
};
use crate::assemble::{self, Assembled, Status, Total};
use crate::figure::Figure;
use crate::format;
use crate::i18n::Lang;
use crate::markdown;
use crate::model::{Report, Township, Year};
use crate::schema::{GroupId, MetricId};
use crate::site::Site;

/// What every page needs.
pub struct Common<'a> {
    /// The site.
    pub site: &'a Site,
    /// The assembled summaries.
    pub asm: &'a Assembled,
    /// The interface words.
    pub w: &'a views::Words,
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

/// A summary table for one group.
#[derive(Serialize)]
struct GroupTable {
    key: String,
    label: String,
    columns: Vec<Column>,
    rows: Vec<TableRow>,
    subtotals: Vec<SubtotalRow>,
    total: Vec<TotalView>,
}

#[derive(Serialize)]
struct TableRow {
    township: TownshipLink,
    report_path: Option<String>,
    status: StatusView,
    rank: Option<RankView>,
    cells: Vec<FigureView>,
}

#[derive(Serialize)]
struct SubtotalRow {
    district: String,
    cells: Vec<TotalView>,
}

fn column(m: &crate::schema::Metric, w: &views::Words) -> Column {
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
    let rows = summary
        .rows
        .iter()
        .filter_map(|row| {
            let t = c.site.townships.get(row.township)?;
            let report = row.report.and_then(|i| c.site.reports.get(i));
            let cells = metrics
                .iter()
                .map(|(id, m)| {
                    let e = report
                        .and_then(|r| r.figures.get(id.index()).cloned())
                        .unwrap_or_default();
                    FigureView::new(m, &e.figure, e.computed, c.w)
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
    GroupTable {
        key,
        label,
        columns: metrics.iter().map(|(_, m)| column(m, c.w)).collect(),
        rows,
        subtotals: summary
            .districts
            .iter()
            .map(|d| SubtotalRow {
                district: d.district.clone(),
                cells: pick(&d.totals),
            })
            .collect(),
        total: pick(&summary.totals),
    }
}

/// Tables of a year summary, one per group that has figures.
fn group_tables(c: &Common<'_>, summary: &assemble::YearSummary) -> Vec<GroupTable> {
    let schema = &c.site.config.schema;
    let reports: Vec<&Report> = summary
        .rows
        .iter()
        .filter_map(|r| r.report.and_then(|i| c.site.reports.get(i)))
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
            (!ids.is_empty())
                .then(|| summary_table(c, summary, g.key.clone(), group_label(g, c.lang), &ids))
        })
        .collect()
}

fn group_label(g: &crate::schema::Group, lang: Lang) -> String {
    lang.pick(&g.label, &g.label_en).to_string()
}

/// A key figure card.
#[derive(Serialize)]
struct Card {
    label: String,
    unit: String,
    total: TotalView,
}

fn cards(c: &Common<'_>, summary: &assemble::YearSummary) -> Vec<Card> {
    c.key_metrics()
        .filter_map(|(id, m)| {
            let t = summary.totals.get(id.index())?;
            let (label, unit) = labels(m, c.lang);
            Some(Card {
                label,
                unit,
                total: TotalView::new(t, m, c.w),
            })
        })
        .collect()
}

#[derive(Serialize)]
struct MatrixRow {
    township: TownshipLink,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixCell {
    year: Year,
    status: StatusView,
    path: Option<String>,
}

fn matrix(c: &Common<'_>) -> Vec<MatrixRow> {
    c.asm
        .order
        .iter()
        .filter_map(|&ti| {
            let t = c.site.townships.get(ti)?;
            let cells = c
                .asm
                .years
                .iter()
                .map(|&year| {
                    let ri = c.asm.report_for(c.site, ti, year);
                    let r = ri.and_then(|i| c.site.reports.get(i));
                    MatrixCell {
                        year,
                        status: StatusView::new(c.asm.status(c.site, ti, year), c.w),
                        path: r.map(|r| paths::report(&r.township, r.year)),
                    }
                })
                .collect();
            Some(MatrixRow {
                township: TownshipLink::new(t, c.w),
                cells,
            })
        })
        .collect()
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

/// The home page.
pub fn home(c: &Common<'_>) -> Context {
    let mut ctx = c.context(&paths::home(), &c.site.config.title, "home");
    let latest = c.asm.summaries.last();
    if let Some(summary) = latest {
        ctx.insert("latest_year", &summary.year);
        ctx.insert("latest_path", &paths::year(summary.year));
        ctx.insert("cards", &cards(c, summary));
        ctx.insert("latest_tables", &key_table(c, summary));
        ctx.insert("downloads", &Downloads::year(summary.year));
    }
    ctx.insert("matrix_years", &c.asm.years);
    let rows = matrix(c);
    let used = c.asm.order.iter().flat_map(|&ti| {
        c.asm
            .years
            .iter()
            .map(move |&y| c.asm.status(c.site, ti, y))
    });
    ctx.insert("legend", &legend(c, used));
    ctx.insert("matrix", &rows);
    ctx.insert("glossary_path", &paths::glossary());
    ctx.insert("charts", &district_charts(c));
    let mut latest_reports: Vec<&Report> = c
        .site
        .reports
        .iter()
        .filter(|r| !r.is_figures_only())
        .collect();
    latest_reports.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then(b.year.cmp(&a.year))
            .then(a.township.cmp(&b.township))
    });
    let links: Vec<ReportLink> = latest_reports
        .iter()
        .take(10)
        .filter_map(|r| {
            let t = c.site.township(&r.township)?;
            Some(ReportLink::new(r, t, c.status_of(r), c.w))
        })
        .collect();
    ctx.insert("latest_reports", &links);
    let townships: Vec<TownshipLink> = c
        .asm
        .order
        .iter()
        .filter_map(|&i| c.site.townships.get(i))
        .map(|t| TownshipLink::new(t, c.w))
        .collect();
    ctx.insert("townships", &townships);
    let years: Vec<YearLink> = c
        .asm
        .years
        .iter()
        .rev()
        .map(|&y| YearLink::summary(y))
        .collect();
    ctx.insert("years", &years);
    ctx
}

/// The glossary page: every term of the theme's glossary with its
/// one-line explanation, in sections; each entry's anchor is its key.
pub fn glossary(c: &Common<'_>, sections: &[super::GlossarySection]) -> Context {
    #[derive(Serialize)]
    struct Term {
        id: String,
        term: String,
        desc: String,
        status: Option<&'static str>,
    }
    #[derive(Serialize)]
    struct Section {
        id: String,
        title: String,
        terms: Vec<Term>,
    }
    let mut ctx = c.context(&paths::glossary(), c.w.get("glossary"), "glossary");
    let sections: Vec<Section> = sections
        .iter()
        .map(|s| Section {
            id: s.title.clone(),
            title: c.w.get(&s.title).to_string(),
            terms: s
                .terms
                .iter()
                .map(|t| Term {
                    id: t.clone(),
                    term: c.w.get(t).to_string(),
                    desc: c.w.get(&format!("{t}_desc")).to_string(),
                    status: Status::ALL
                        .iter()
                        .find(|st| t.strip_prefix("status_") == Some(st.key()))
                        .map(|st| st.key()),
                })
                .collect(),
        })
        .collect();
    ctx.insert("sections", &sections);
    ctx
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

/// Charts of the key figures' totals over the years, like for like: each
/// counts only the townships that gave the figure in every year it shows,
/// and says which.
fn district_charts(c: &Common<'_>) -> Vec<super::charts::Chart> {
    let schema = &c.site.config.schema;
    c.asm
        .trends
        .iter()
        .filter_map(|trend| {
            let m = schema.metric(trend.metric)?;
            let points: Vec<super::charts::Point> = trend
                .points
                .iter()
                .map(|(year, total)| {
                    super::charts::Point::new(year.to_string(), &total.figure, m.kind, c.w)
                })
                .collect();
            let names: Vec<String> = trend
                .townships
                .iter()
                .filter_map(|&t| c.site.townships.get(t))
                .map(|t| views::township_name(t, c.lang))
                .collect();
            let (first, last) = (trend.points.first()?.0, trend.points.last()?.0);
            let (label, unit) = labels(m, c.lang);
            let mut chart = super::charts::bar_chart(
                &format!("chart-{}", m.key),
                &label,
                &unit,
                points,
                c.lang,
            );
            chart.note = Some(c.w.fill(
                "like_for_like_fmt",
                &[
                    ("townships", &names.join(c.w.get("list_sep"))),
                    ("n", &names.len().to_string()),
                    ("from", &first.to_string()),
                    ("to", &last.to_string()),
                ],
            ));
            Some(chart)
        })
        .collect()
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

/// A year's summary page.
pub fn year(c: &Common<'_>, summary: &assemble::YearSummary) -> Context {
    let title =
        c.w.fill("year_summary_fmt", &[("year", &summary.year.to_string())]);
    let path = paths::year(summary.year);
    let mut ctx = c.context(&path, &title, "year");
    ctx.insert("year", &summary.year);
    ctx.insert("overview", &key_table(c, summary));
    ctx.insert("downloads", &Downloads::year(summary.year));
    ctx.insert("tables", &group_tables(c, summary));
    let rank_label = c
        .site
        .config
        .rank_metric
        .and_then(|id| c.site.config.schema.metric(id))
        .map(|m| labels(m, c.lang).0);
    ctx.insert("rank_label", &rank_label);
    ctx.insert(
        "deadline",
        &crate::validate::deadline(summary.year).map(|d| date(d, c.w)),
    );
    ctx.insert(
        "coverage",
        &coverage(summary.reported(), summary.rows.len(), c.w),
    );
    let not_covered: Vec<TownshipLink> = summary
        .not_covered
        .iter()
        .filter_map(|&t| c.site.townships.get(t))
        .map(|t| TownshipLink::new(t, c.w))
        .collect();
    ctx.insert("not_covered", &not_covered);
    ctx.insert(
        "not_covered_status",
        &StatusView::new(Status::NotCovered, c.w),
    );
    ctx.insert("legend", &legend(c, summary.rows.iter().map(|r| r.status)));
    let ranked = summary.rows.iter().any(|r| r.rank.is_some());
    ctx.insert("ranked", &ranked);
    let pos = c.asm.years.iter().position(|&y| y == summary.year);
    let prev = pos
        .and_then(|p| p.checked_sub(1))
        .and_then(|p| c.asm.years.get(p))
        .map(|&y| YearLink::summary(y));
    let next = pos
        .and_then(|p| c.asm.years.get(p + 1))
        .map(|&y| YearLink::summary(y));
    ctx.insert("prev", &prev);
    ctx.insert("next", &next);
    ctx
}

#[derive(Serialize)]
struct Profile {
    name: String,
    name_zh: String,
    district: Option<String>,
    area: Option<String>,
    communities: Option<String>,
    villages: Option<String>,
    population: Option<String>,
    enforcement_body: Option<String>,
    address: Option<String>,
    phone: Option<String>,
}

#[derive(Serialize)]
struct TrendRow {
    label: String,
    unit: String,
    group: String,
    cells: Vec<FigureView>,
}

#[derive(Serialize)]
struct PowersView<'a> {
    officers: &'a [crate::model::Officer],
    items: &'a [crate::model::Item],
    remedies: &'a [crate::model::Remedy],
    hotline: &'a Option<String>,
}

/// A township's page.
pub fn township(c: &Common<'_>, t: &Township) -> Context {
    let name = views::township_name(t, c.lang);
    let path = paths::township(&t.slug);
    let mut ctx = c.context(&path, &name, "township");
    ctx.insert("draft", &t.draft);
    let ti = c.township_index(&t.slug).unwrap_or(usize::MAX);
    ctx.insert(
        "profile",
        &Profile {
            name: name.clone(),
            name_zh: t.name.clone(),
            district: t.district.clone(),
            area: t
                .area_km2
                .as_ref()
                .map(|s| format::stated(s, crate::figure::Kind::Area, c.lang)),
            communities: t.communities.map(|n| n.to_string()),
            villages: t.villages.map(|n| n.to_string()),
            population: t
                .population
                .as_ref()
                .map(|s| format::stated(s, crate::figure::Kind::Count, c.lang)),
            enforcement_body: t.enforcement_body.clone(),
            address: t.contact.address.clone(),
            phone: t.contact.phone.clone(),
        },
    );
    ctx.insert("intro_html", &markdown::render(&t.intro, None).html);
    let report_ids: Vec<usize> = c.asm.by_township.get(ti).cloned().unwrap_or_default();
    let reports: Vec<&Report> = report_ids
        .iter()
        .filter_map(|&i| c.site.reports.get(i))
        .collect();
    let links: Vec<ReportLink> = reports
        .iter()
        .rev()
        .map(|r| ReportLink::new(r, t, c.status_of(r), c.w))
        .collect();
    ctx.insert("reports", &links);
    // Every year from the first report to the last, gaps included: a year
    // without a report shows its status, so nothing is silently skipped.
    let span: Vec<(Year, Option<&Report>)> = match (reports.first(), reports.last()) {
        (Some(first), Some(last)) => (first.year..=last.year)
            .map(|y| (y, reports.iter().copied().find(|r| r.year == y)))
            .collect(),
        _ => Vec::new(),
    };
    ctx.insert("years", &span.iter().map(|(y, _)| *y).collect::<Vec<_>>());
    let gap = |y: Year| StatusView::new(c.asm.status(c.site, ti, y), c.w);
    // Figures by year, with the change against the previous report.
    let schema = &c.site.config.schema;
    let rows: Vec<TrendRow> = assemble::stated_metrics(schema, &reports)
        .into_iter()
        .map(|(id, m)| {
            let (label, unit) = labels(m, c.lang);
            let cells = span
                .iter()
                .map(|&(y, r)| match r {
                    Some(r) => {
                        let e = r.figures.get(id.index()).cloned().unwrap_or_default();
                        let prev = reports.iter().copied().rev().find(|p| p.year < y);
                        let delta = prev.and_then(|p| assemble::change(r, p, id));
                        FigureView::new(m, &e.figure, e.computed, c.w)
                            .with_change(delta, m.kind, r.year, c.w)
                    }
                    None => FigureView::absent(m, &gap(y), c.w),
                })
                .collect();
            let group = schema
                .group(m.group)
                .map(|g| group_label(g, c.lang))
                .unwrap_or_default();
            TrendRow {
                label,
                unit,
                group,
                cells,
            }
        })
        .collect();
    ctx.insert("figures", &rows);
    ctx.insert("downloads", &Downloads::township(&t.slug));
    let charts: Vec<super::charts::Chart> = c
        .key_metrics()
        .filter_map(|(id, m)| {
            if reports.iter().all(|r| *r.figure(id) == Figure::NotReported) {
                return None;
            }
            let points = span
                .iter()
                .map(|&(y, r)| match r {
                    Some(r) => super::charts::Point::new(y.to_string(), r.figure(id), m.kind, c.w),
                    None => super::charts::Point::absent(y.to_string(), gap(y).label),
                })
                .collect();
            let (label, unit) = labels(m, c.lang);
            Some(super::charts::bar_chart(
                &format!("chart-{}", m.key),
                &label,
                &unit,
                points,
                c.lang,
            ))
        })
        .collect();
    ctx.insert("charts", &charts);
    if !t.powers.is_empty() {
        ctx.insert(
            "powers",
            &PowersView {
                officers: &t.powers.officers,
                items: &t.powers.items,
                remedies: &t.powers.remedies,
                hotline: &t.powers.hotline,
            },
        );
    }
    #[derive(Serialize)]
    struct YearStatus {
        year: Year,
        status: StatusView,
    }
    let statuses: Vec<YearStatus> = c
        .asm
        .years
        .iter()
        .map(|&y| YearStatus {
            year: y,
            status: StatusView::new(c.asm.status(c.site, ti, y), c.w),
        })
        .collect();
    ctx.insert(
        "legend",
        &legend(c, c.asm.years.iter().map(|&y| c.asm.status(c.site, ti, y))),
    );
    ctx.insert("statuses", &statuses);
    let cov = c.asm.coverage.get(ti).copied().unwrap_or_default();
    ctx.insert(
        "coverage_note",
        &cov.from.map(|from| match cov.until {
            Some(until) if until == from => {
                c.w.fill("covered_single_fmt", &[("from", &from.to_string())])
            }
            Some(until) => c.w.fill(
                "covered_range_fmt",
                &[("from", &from.to_string()), ("to", &until.to_string())],
            ),
            None => c.w.fill("covered_from_fmt", &[("from", &from.to_string())]),
        }),
    );
    ctx
}

#[derive(Serialize)]
struct FigureGroup {
    key: String,
    label: String,
    figures: Vec<FigureView>,
    other: Vec<OtherView>,
}

#[derive(Serialize)]
struct OtherView {
    label: String,
    display: String,
    unit: String,
    status: &'static str,
}

#[derive(Serialize)]
struct AttachmentView {
    name: String,
    path: String,
    size: String,
}

#[derive(Serialize)]
struct RevisionView {
    date: String,
    date_iso: String,
    reason: String,
}

#[derive(Serialize)]
struct ReportView {
    title: String,
    year: Year,
    township: TownshipLink,
    published: Option<String>,
    published_iso: Option<String>,
    period_end: Option<String>,
    updated: Option<String>,
    updated_iso: Option<String>,
    deadline: Option<String>,
    source: Option<String>,
    status: StatusView,
    figures_only: bool,
}

/// A report's page.
pub fn report(c: &Common<'_>, index: usize) -> Option<Context> {
    let r = c.site.reports.get(index)?;
    let t = c.site.township(&r.township)?;
    let path = paths::report(&r.township, r.year);
    let mut ctx = c.context(&path, &r.title, "report");
    ctx.insert("draft", &c.site.is_draft(r));
    let status = c.status_of(r);
    ctx.insert(
        "report",
        &ReportView {
            title: r.title.clone(),
            year: r.year,
            township: TownshipLink::new(t, c.w),
            published: r.published.map(|d| date(d, c.w)),
            published_iso: r.published.map(|d| d.to_string()),
            period_end: r.period_end.map(|d| date(d, c.w)),
            updated: r.updated.map(|d| date(d, c.w)),
            updated_iso: r.updated.map(|d| d.to_string()),
            deadline: crate::validate::deadline(r.year).map(|d| date(d, c.w)),
            source: r.source.clone(),
            status: StatusView::new(status, c.w),
            figures_only: r.is_figures_only(),
        },
    );
    let previous = c
        .asm
        .previous
        .get(index)
        .copied()
        .flatten()
        .and_then(|i| c.site.reports.get(i));
    let next = c
        .asm
        .next
        .get(index)
        .copied()
        .flatten()
        .and_then(|i| c.site.reports.get(i));
    let schema = &c.site.config.schema;
    let mut groups = Vec::new();
    let mut unreported_groups = Vec::new();
    for (gi, g) in schema.groups().iter().enumerate() {
        let Ok(gid) = u16::try_from(gi).map(GroupId) else {
            continue;
        };
        let figures: Vec<FigureView> = schema
            .metrics_of(gid)
            .map(|(id, m)| {
                let e = r.figures.get(id.index()).cloned().unwrap_or_default();
                let delta = previous.and_then(|p| assemble::change(r, p, id));
                FigureView::new(m, &e.figure, e.computed, c.w)
                    .with_change(delta, m.kind, r.year, c.w)
            })
            .collect();
        let other: Vec<OtherView> = r
            .other_figures
            .iter()
            .filter(|o| o.group == Some(gid))
            .map(|o| other_view(o, c.w))
            .collect();
        if figures.iter().all(|f| f.status == "not_reported") && other.is_empty() {
            unreported_groups.push(group_label(g, c.lang));
        } else {
            groups.push(FigureGroup {
                key: g.key.clone(),
                label: group_label(g, c.lang),
                figures,
                other,
            });
        }
    }
    ctx.insert("groups", &groups);
    ctx.insert(
        "change_header",
        &previous.map_or_else(
            || c.w.get("change").to_string(),
            |p| {
                if r.year.checked_sub(1) == Some(p.year) {
                    c.w.get("change_prev_year").to_string()
                } else {
                    c.w.fill("change_since_fmt", &[("year", &p.year.to_string())])
                }
            },
        ),
    );
    ctx.insert("unreported_groups", &unreported_groups);
    let ungrouped: Vec<OtherView> = r
        .other_figures
        .iter()
        .filter(|o| o.group.is_none())
        .map(|o| other_view(o, c.w))
        .collect();
    ctx.insert("other_figures", &ungrouped);
    // A body that changed since loading renders as an error page would be
    // wrong; the caller turns `None` into a build error.
    let markdown = r.body.markdown().ok()?;
    let body = markdown::render(&markdown, Some(&format!("{}/", r.year)));
    ctx.insert("body_html", &body.html);
    ctx.insert("toc", &body.toc);
    let attachments: Vec<AttachmentView> = r
        .attachments
        .iter()
        .map(|a| AttachmentView {
            name: a.name.clone(),
            path: paths::attachment(&r.township, r.year, &percent_encode(&a.name)),
            size: size(a.bytes),
        })
        .collect();
    ctx.insert("attachments", &attachments);
    let revisions: Vec<RevisionView> = r
        .revisions
        .iter()
        .map(|v| RevisionView {
            date: date(v.date, c.w),
            date_iso: v.date.to_string(),
            reason: v.reason.clone(),
        })
        .collect();
    ctx.insert("revisions", &revisions);
    ctx.insert("previous", &previous.map(YearLink::report));
    ctx.insert("next", &next.map(YearLink::report));
    ctx.insert("year_path", &paths::year(r.year));
    ctx.insert("downloads", &Downloads::township(&r.township));
    Some(ctx)
}

fn other_view(o: &crate::model::OtherFigure, w: &views::Words) -> OtherView {
    OtherView {
        label: o.label.clone(),
        display: views::cell(&o.figure, o.kind, w),
        unit: o.unit.clone(),
        status: o.figure.status(),
    }
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

/// The 404 page.
pub fn not_found(c: &Common<'_>) -> Context {
    // Served for any missing path at any depth, so its links are absolute,
    // from the base URL (the one page whose links cannot be relative).
    let mut ctx = c.context("404.html", c.w.get("page_not_found"), "404");
    // Root-relative links from the base URL's path (`/xiqing/`), and the
    // stylesheet inline: the page loads nothing, wherever it is served.
    let base = c.site.config.base_url.as_str();
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    let root = after_scheme
        .find('/')
        .and_then(|i| after_scheme.get(i..))
        .unwrap_or("/");
    ctx.insert("root", root);
    ctx.insert("inline_css", c.css);
    ctx
}

/// The district-over-years page: every year's totals, each cell with how
/// many townships it counts, the townships each year counts, and a mark
/// where the townships counted differ from the year before — so no reader
/// takes a change in who reported for a change in what was done.
pub fn years(c: &Common<'_>) -> Context {
    let mut ctx = c.context(&paths::years(), c.w.get("all_years"), "years");
    let schema = &c.site.config.schema;
    #[derive(Serialize)]
    struct YearCell {
        #[serde(flatten)]
        total: TotalView,
        coverage_always: String,
        set_changed: bool,
    }
    #[derive(Serialize)]
    struct YearRow {
        label: String,
        unit: String,
        group: String,
        cells: Vec<YearCell>,
    }
    #[derive(Serialize)]
    struct YearCol {
        year: Year,
        path: String,
        townships: Vec<TownshipLink>,
        coverage: String,
    }
    let mut any_changed = false;
    let rows: Vec<YearRow> = schema
        .ids()
        .zip(schema.metrics())
        .filter(|(id, _)| {
            c.asm.summaries.iter().any(|s| {
                s.totals
                    .get(id.index())
                    .is_some_and(|t| t.summed && t.reported > 0)
            })
        })
        .map(|(id, m)| {
            let (label, unit) = labels(m, c.lang);
            let sets: Vec<Vec<usize>> = c
                .asm
                .summaries
                .iter()
                .map(|s| assemble::reporting(c.site, s, id))
                .collect();
            let cells = c
                .asm
                .summaries
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let t = s.totals.get(id.index())?;
                    // Against the last earlier year anyone gave the figure.
                    let before = sets
                        .get(..i)
                        .and_then(|e| e.iter().rev().find(|s| !s.is_empty()));
                    let set_changed = before
                        .zip(sets.get(i))
                        .is_some_and(|(a, b)| a != b && !b.is_empty());
                    any_changed |= set_changed;
                    Some(YearCell {
                        total: TotalView::new(t, m, c.w),
                        coverage_always: coverage(t.reported, t.of, c.w),
                        set_changed,
                    })
                })
                .collect();
            YearRow {
                label,
                unit,
                group: schema
                    .group(m.group)
                    .map(|g| group_label(g, c.lang))
                    .unwrap_or_default(),
                cells,
            }
        })
        .collect();
    let years: Vec<YearCol> = c
        .asm
        .summaries
        .iter()
        .map(|s| YearCol {
            year: s.year,
            path: paths::year(s.year),
            townships: s
                .rows
                .iter()
                .filter(|r| r.report.is_some())
                .filter_map(|r| c.site.townships.get(r.township))
                .map(|t| TownshipLink::new(t, c.w))
                .collect(),
            coverage: coverage(s.reported(), s.rows.len(), c.w),
        })
        .collect();
    ctx.insert("years", &years);
    ctx.insert("rows", &rows);
    ctx.insert("any_changed", &any_changed);
    ctx.insert("all_data", &"data/all.json");
    ctx
}

/// Downloads of one table: CSV, XLSX and JSON paths.
#[derive(Serialize, Clone)]
pub struct Downloads {
    /// CSV.
    pub csv: String,
    /// XLSX.
    pub xlsx: String,
    /// JSON.
    pub json: String,
}

impl Downloads {
    /// A year's downloads.
    pub fn year(year: Year) -> Downloads {
        Downloads {
            csv: paths::year_data(year, "csv"),
            xlsx: paths::year_data(year, "xlsx"),
            json: paths::year_data(year, "json"),
        }
    }

    /// A township's downloads.
    pub fn township(slug: &str) -> Downloads {
        Downloads {
            csv: paths::township_data(slug, "csv"),
            xlsx: paths::township_data(slug, "xlsx"),
            json: paths::township_data(slug, "json"),
        }
    }
}

/// A file on the open-data page.
#[derive(Serialize)]
pub struct DataFile {
    /// Path.
    pub path: String,
    /// Format (CSV, XLSX, JSON).
    pub format: &'static str,
    /// Size for people.
    pub size: String,
}

/// A row of the open-data page.
#[derive(Serialize)]
pub struct DataRow {
    /// What it covers (a year, a township).
    pub label: String,
    /// Its files.
    pub files: Vec<DataFile>,
}

/// The open-data page.
pub fn data(
    c: &Common<'_>,
    years: Vec<DataRow>,
    townships: Vec<DataRow>,
    all: DataFile,
) -> Context {
    let mut ctx = c.context(&paths::data(), c.w.get("open_data"), "data");
    ctx.insert("year_files", &years);
    ctx.insert("township_files", &townships);
    ctx.insert("all_file", &all);
    ctx.insert("columns", &super::data::COLUMNS);
    ctx
}

#[derive(Serialize)]
struct FeedEntry {
    id: String,
    title: String,
    url: String,
    updated: String,
    published: Option<String>,
    summary: String,
}

fn rfc3339(d: jiff::civil::Date) -> String {
    format!("{d}T00:00:00+08:00")
}

/// The date a report's feed entry carries: its latest revision, else its
/// publication date. A report that states no date is dated 31 December of
/// the year it reports on — a fixed rule (never the build day), so the
/// entry does not change from build to build; its text says it states no date.
pub fn feed_date(r: &Report) -> jiff::civil::Date {
    r.updated.or(r.published).unwrap_or_else(|| {
        i16::try_from(r.year)
            .ok()
            .and_then(|y| jiff::civil::Date::new(y, 12, 31).ok())
            .unwrap_or(jiff::civil::Date::constant(2000, 12, 31))
    })
}

/// The Atom feed: new and revised reports, newest first (see [`feed_date`]).
pub fn feed(c: &Common<'_>) -> Context {
    let mut ctx = c.context("feed.xml", &c.site.config.title, "feed");
    let mut entries: Vec<(jiff::civil::Date, &Report)> = c
        .site
        .reports
        .iter()
        .filter(|r| !c.site.is_draft(r))
        .map(|r| (feed_date(r), r))
        .collect();
    entries.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.township.cmp(&b.1.township))
            .then(b.1.year.cmp(&a.1.year))
    });
    let base = &c.site.config.base_url;
    let items: Vec<FeedEntry> = entries
        .iter()
        .take(100)
        .filter_map(|(date, r)| {
            let t = c.site.township(&r.township)?;
            let url = canonical(base, &paths::report(&r.township, r.year));
            let status = StatusView::new(c.status_of(r), c.w).label;
            let name = views::township_name(t, c.lang);
            let mut summary = c.w.fill(
                "feed_summary_fmt",
                &[
                    ("township", &name),
                    ("year", &r.year.to_string()),
                    ("status", &status),
                ],
            );
            if r.published.is_none() {
                summary.push_str(c.w.get("feed_undated"));
            }
            if let Some(last) = r.revisions.iter().max_by_key(|v| v.date) {
                let date = last.date.to_string();
                summary.push_str(&c.w.fill(
                    "feed_revised_fmt",
                    &[("date", &date), ("reason", &last.reason)],
                ));
            }
            Some(FeedEntry {
                id: url.clone(),
                title: r.title.clone(),
                url,
                updated: rfc3339(*date),
                published: r.published.map(rfc3339),
                summary,
            })
        })
        .collect();
    // An empty feed is as of the status date; otherwise its newest entry.
    let updated = entries.first().map_or(c.site.as_of, |e| e.0);
    ctx.insert("feed_updated", &rfc3339(updated));
    ctx.insert("entries", &items);
    ctx
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// The sitemap: every page, with the report dates where known.
pub fn sitemap(c: &Common<'_>) -> Context {
    let mut ctx = c.context("sitemap.xml", "sitemap", "sitemap");
    let base = &c.site.config.base_url;
    let mut urls = vec![
        SitemapUrl {
            loc: canonical(base, &paths::home()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::years()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::data()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::glossary()),
            lastmod: None,
        },
    ];
    for &y in &c.asm.years {
        urls.push(SitemapUrl {
            loc: canonical(base, &paths::year(y)),
            lastmod: None,
        });
    }
    for &ti in &c.asm.order {
        let Some(t) = c.site.townships.get(ti).filter(|t| !t.draft) else {
            continue;
        };
        urls.push(SitemapUrl {
            loc: canonical(base, &paths::township(&t.slug)),
            lastmod: None,
        });
        for &ri in c
            .asm
            .by_township
            .get(ti)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let Some(r) = c.site.reports.get(ri).filter(|r| !r.draft) else {
                continue;
            };
            urls.push(SitemapUrl {
                loc: canonical(base, &paths::report(&r.township, r.year)),
                lastmod: r.updated.or(r.published).map(|d| d.to_string()),
            });
        }
    }
    ctx.insert("urls", &urls);
    ctx
}
