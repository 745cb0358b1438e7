//! The pages of a site laid out by district ([`Assembled::by_district`]):
//! a page per district (its townships' table and status matrix, with the
//! district's exact totals, cut into pages of [`PER_PAGE`] townships), a
//! district's summary of each year (the year page for its townships, paged
//! the same way), a page per city, and the tables of districts that the
//! home page, the year pages and the city pages show instead of a row per
//! township. No page lists more than [`PER_PAGE`] townships, so no page
//! grows with the size of the site; every township is three links from
//! home (home → district → its page of townships → township).

use serde::Serialize;
use tera::Context;

use crate::assemble::{self, District, PER_PAGE, Status, Total, YearSummary};
use crate::format::coverage;
use crate::model::Year;
use crate::render::paths;
use crate::render::views::{StatusView, TotalView};
use crate::schema::MetricId;

use super::*;

/// A district's name for people (townships without one: 未标明所属区).
pub(super) fn district_name(c: &Common<'_>, d: &District) -> String {
    if d.name.is_empty() {
        c.w.get("district_unnamed").to_string()
    } else {
        d.name.clone()
    }
}

/// A link to a place's page.
#[derive(Serialize, Clone)]
pub(super) struct PlaceLink {
    pub name: String,
    /// Site-relative, percent-encoded.
    pub path: String,
}

pub(super) fn district_link(c: &Common<'_>, d: &District) -> PlaceLink {
    PlaceLink {
        name: district_name(c, d),
        path: paths::link(&paths::district(&d.slug, 1)),
    }
}

fn city_link(city: &assemble::City) -> PlaceLink {
    PlaceLink {
        name: city.name.clone(),
        path: paths::link(&paths::city(&city.slug)),
    }
}

/// A city with its districts (for the home page and the townships index):
/// `city` is `None` for the districts the config puts in no city.
#[derive(Serialize)]
pub(super) struct PlaceGroup {
    pub city: Option<PlaceLink>,
    pub districts: Vec<DistrictEntry>,
}

#[derive(Serialize)]
pub(super) struct DistrictEntry {
    #[serde(flatten)]
    pub link: PlaceLink,
    /// 共 n 个乡镇（街道）.
    pub count: String,
}

/// The districts grouped by city, in display order.
pub(super) fn place_groups(c: &Common<'_>) -> Vec<PlaceGroup> {
    let mut groups: Vec<PlaceGroup> = Vec::new();
    for d in &c.asm.districts {
        let entry = DistrictEntry {
            link: district_link(c, d),
            count: c.w.fill(
                "township_count_fmt",
                &[("n", &d.townships.len().to_string())],
            ),
        };
        let city = d.city.and_then(|i| c.asm.cities.get(i)).map(city_link);
        match groups.last_mut() {
            Some(g) if g.city.as_ref().map(|l| &l.path) == city.as_ref().map(|l| &l.path) => {
                g.districts.push(entry);
            }
            _ => groups.push(PlaceGroup {
                city,
                districts: vec![entry],
            }),
        }
    }
    groups
}

/// How many townships have each status.
#[derive(Serialize)]
struct StatusCount {
    status: StatusView,
    n: usize,
}

/// A row of a table of places: a district (or a city's subtotal, or the
/// total), its coverage, its statuses and its totals.
#[derive(Serialize)]
struct PlaceRow {
    name: String,
    /// Where the row's name links (a district's summary of the year, a
    /// city's page); none for the total.
    path: Option<String>,
    /// `district`, `city` or `total`.
    kind: &'static str,
    coverage: String,
    statuses: Vec<StatusCount>,
    cells: Vec<TotalView>,
}

/// A table with a row per district.
#[derive(Serialize)]
pub(super) struct PlaceTable {
    key: String,
    caption: String,
    columns: Vec<Column>,
    rows: Vec<PlaceRow>,
    total: PlaceRow,
    /// Whether its rows are cities (the first column's header says so).
    by_city: bool,
    #[serde(skip)]
    pub words: FigureWords,
}

/// The totals of district `di` in a year: its subtotal, or the year's
/// totals when the site has one district.
fn district_totals<'a>(
    c: &Common<'_>,
    summary: &'a YearSummary,
    di: usize,
) -> Option<(&'a [Total], Vec<usize>)> {
    if summary.districts.is_empty() {
        return (c.asm.districts.len() == 1)
            .then(|| (summary.totals.as_slice(), (0..summary.rows.len()).collect()));
    }
    let d = c.asm.districts.get(di)?;
    summary
        .districts
        .iter()
        .find(|t| t.district == d.name)
        .map(|t| (t.totals.as_slice(), t.rows.clone()))
}

/// A row named `name`, linking `path`, of `kind` (`district`, `city`,
/// `total`), over `rows` (indices into the summary's rows).
fn place_row(
    c: &Common<'_>,
    summary: &YearSummary,
    (name, path, kind): (String, Option<String>, &'static str),
    rows: &[usize],
    totals: &[Total],
    metrics: &[(MetricId, &crate::schema::Metric)],
) -> PlaceRow {
    let mut counts: std::collections::BTreeMap<Status, usize> = Default::default();
    let mut reported = 0usize;
    for row in rows.iter().filter_map(|&i| summary.rows.get(i)) {
        *counts.entry(row.status).or_default() += 1;
        reported += usize::from(row.report.is_some());
    }
    let statuses = Status::ALL
        .iter()
        .filter_map(|s| {
            Some(StatusCount {
                status: StatusView::new(*s, c.w),
                n: *counts.get(s)?,
            })
        })
        .collect();
    PlaceRow {
        name,
        path,
        kind,
        coverage: coverage(reported, rows.len(), c.w),
        statuses,
        cells: metrics
            .iter()
            .filter_map(|(id, m)| totals.get(id.index()).map(|t| TotalView::new(t, m, c.w)))
            .collect(),
    }
}

/// What a table of places shows beside its rows.
pub(super) struct PlaceTableSpec {
    /// The table's key (its ids).
    pub key: String,
    /// Its caption.
    pub caption: String,
    /// A subtotal row per city.
    pub with_cities: bool,
    /// Districts link to their summary of the year (else to their page).
    pub year_links: bool,
}

impl PlaceTableSpec {
    /// The key figures of `year` (the home, year and city pages).
    pub(super) fn key_figures(
        c: &Common<'_>,
        year: crate::model::Year,
        with_cities: bool,
        year_links: bool,
    ) -> PlaceTableSpec {
        PlaceTableSpec {
            key: "key".into(),
            caption: format!(
                "{year}{} {}",
                c.w.get("year_suffix"),
                c.w.get("key_figures")
            ),
            with_cities,
            year_links,
        }
    }
}

/// The last row of a table of the whole site's places: every township's
/// total of the year.
pub(super) fn site_total<'a>(
    c: &Common<'_>,
    summary: &'a YearSummary,
) -> (&'a [Total], Vec<usize>, String) {
    (
        summary.totals.as_slice(),
        (0..summary.rows.len()).collect(),
        c.w.get("total").to_string(),
    )
}

/// A table of `summary` with a row per district among `districts` (and a
/// subtotal per city when asked), over the metrics `ids`, with `total`
/// (totals, rows, name) as its last row.
pub(super) fn place_table(
    c: &Common<'_>,
    summary: &YearSummary,
    districts: &[usize],
    total: (&[Total], Vec<usize>, String),
    spec: PlaceTableSpec,
    ids: &[MetricId],
) -> PlaceTable {
    let PlaceTableSpec {
        key,
        caption,
        with_cities,
        year_links,
    } = spec;
    let schema = &c.site.config.schema;
    let metrics: Vec<(MetricId, &crate::schema::Metric)> = ids
        .iter()
        .filter_map(|id| Some((*id, schema.metric(*id)?)))
        .collect();
    let mut rows = Vec::new();
    let mut city_done: Vec<usize> = Vec::new();
    // More districts than a page lists, grouped into cities: a row per city
    // (linking to its page, which has a row per district), then the
    // districts in no city.
    let cities_only = with_cities && by_city(c);
    if cities_only {
        for (ci, city) in c.asm.cities.iter().enumerate() {
            if let Some(t) = summary.cities.get(ci) {
                rows.push(place_row(
                    c,
                    summary,
                    (
                        city.name.clone(),
                        Some(paths::link(&paths::city(&city.slug))),
                        "city",
                    ),
                    &t.rows,
                    &t.totals,
                    &metrics,
                ));
            }
        }
    }
    for (pos, &di) in districts.iter().enumerate() {
        let Some(d) = c.asm.districts.get(di) else {
            continue;
        };
        if cities_only && d.city.is_some() {
            continue;
        }
        if let Some((totals, idx)) = district_totals(c, summary, di) {
            let path = if year_links {
                paths::district_year(&d.slug, summary.year, 1)
            } else {
                paths::district(&d.slug, 1)
            };
            rows.push(place_row(
                c,
                summary,
                (district_name(c, d), Some(paths::link(&path)), "district"),
                &idx,
                totals,
                &metrics,
            ));
        }
        // A city's subtotal after its last district.
        let next_city = districts
            .get(pos + 1)
            .and_then(|&n| c.asm.districts.get(n))
            .and_then(|n| n.city);
        if with_cities
            && let Some(ci) = d.city
            && next_city != Some(ci)
            && !city_done.contains(&ci)
            && let (Some(city), Some(t)) = (c.asm.cities.get(ci), summary.cities.get(ci))
        {
            city_done.push(ci);
            rows.push(place_row(
                c,
                summary,
                (
                    format!("{} {}", city.name, c.w.get("subtotal")),
                    Some(paths::link(&paths::city(&city.slug))),
                    "city",
                ),
                &t.rows,
                &t.totals,
                &metrics,
            ));
        }
    }
    let (totals, idx, name) = total;
    let total = place_row(c, summary, (name, None, "total"), &idx, totals, &metrics);
    let mut words = FigureWords::default();
    for t in rows.iter().chain([&total]).flat_map(|r| &r.cells) {
        words.total(t, true);
    }
    PlaceTable {
        key,
        caption,
        columns: metrics.iter().map(|(_, m)| column(m, c.w)).collect(),
        rows,
        total,
        by_city: cities_only,
        words,
    }
}

/// Whether the summaries of the whole site (home and year pages) have a
/// row per city rather than per district: when there are more districts
/// than a page lists ([`PER_PAGE`](crate::assemble::PER_PAGE)) and the
/// config groups them into cities. Each city's page has its districts'
/// rows.
pub(super) fn by_city(c: &Common<'_>) -> bool {
    c.asm.districts.len() > crate::assemble::PER_PAGE && !c.asm.cities.is_empty()
}

/// How many rows a whole-site table of places has (districts, or cities
/// and the districts in none).
fn place_rows(c: &Common<'_>) -> usize {
    if by_city(c) {
        c.asm.cities.len() + c.asm.districts.iter().filter(|d| d.city.is_none()).count()
    } else {
        c.asm.districts.len()
    }
}

/// A year page has a table by place for every group of figures only up
/// to this many places; beyond, the key figures only (a place's summary
/// of the year has every group), so the page stays light.
const GROUP_TABLES_MAX_PLACES: usize = 30;

/// Every district of the site, in display order.
pub(super) fn all_districts(c: &Common<'_>) -> Vec<usize> {
    (0..c.asm.districts.len()).collect()
}

/// The site's tables of a year by district: the key figures, then one
/// per group of figures (for the year page).
pub(super) fn year_place_tables(
    c: &Common<'_>,
    summary: &YearSummary,
) -> (PlaceTable, Vec<PlaceTable>) {
    let all = all_districts(c);
    let key = place_table(
        c,
        summary,
        &all,
        site_total(c, summary),
        PlaceTableSpec::key_figures(c, summary.year, true, true),
        &c.site.config.key_metrics,
    );
    if place_rows(c) > GROUP_TABLES_MAX_PLACES {
        return (key, Vec::new());
    }
    let groups = stated_groups(c, summary)
        .into_iter()
        .map(|(g, ids)| {
            let label = group_label(g, c.lang);
            place_table(
                c,
                summary,
                &all,
                site_total(c, summary),
                PlaceTableSpec {
                    key: g.key.clone(),
                    caption: format!("{}{} {label}", summary.year, c.w.get("year_suffix")),
                    with_cities: true,
                    year_links: true,
                },
                &ids,
            )
        })
        .collect();
    (key, groups)
}

/// Those of the rows `idx` of `summary` that are of `townships` (the
/// townships on one page of a district).
fn rows_of(summary: &YearSummary, idx: &[usize], townships: &[usize]) -> Vec<usize> {
    idx.iter()
        .copied()
        .filter(|&i| {
            summary
                .rows
                .get(i)
                .is_some_and(|r| townships.contains(&r.township))
        })
        .collect()
}

/// The part of a year summary that concerns some rows (`idx`, indices
/// into its rows), with `totals` as its totals: what the year page shows
/// for a district, or one page of it.
fn restricted(summary: &YearSummary, idx: &[usize], totals: &[Total]) -> YearSummary {
    YearSummary {
        year: summary.year,
        rows: idx
            .iter()
            .filter_map(|&i| summary.rows.get(i).cloned())
            .collect(),
        not_covered: Vec::new(),
        totals: totals.to_vec(),
        districts: Vec::new(),
        cities: Vec::new(),
    }
}

/// A page link of a paged list.
#[derive(Serialize)]
struct PageLink {
    n: usize,
    path: String,
    current: bool,
}

fn pager(pages: usize, current: usize, path: &dyn Fn(usize) -> String) -> Vec<PageLink> {
    if pages <= 1 {
        return Vec::new();
    }
    (1..=pages)
        .map(|n| PageLink {
            n,
            path: paths::link(&path(n)),
            current: n == current,
        })
        .collect()
}

/// The townships of page `page` of a district (from 1).
fn page_of(d: &District, page: usize) -> &[usize] {
    let start = page.saturating_sub(1).saturating_mul(PER_PAGE);
    let end = start.saturating_add(PER_PAGE).min(d.townships.len());
    d.townships.get(start..end).unwrap_or(&[])
}

/// The breadcrumb above a district's pages: home, its city.
fn crumbs(c: &Common<'_>, d: &District) -> Vec<PlaceLink> {
    d.city
        .and_then(|i| c.asm.cities.get(i))
        .map(city_link)
        .into_iter()
        .collect()
}

/// Where a page sits among the district's pages, for people.
fn page_note(c: &Common<'_>, d: &District, page: usize) -> Option<String> {
    let pages = d.pages();
    (pages > 1).then(|| {
        let from = page.saturating_sub(1) * PER_PAGE + 1;
        let to = (page * PER_PAGE).min(d.townships.len());
        c.w.fill(
            "page_townships_fmt",
            &[
                ("n", &page.to_string()),
                ("pages", &pages.to_string()),
                ("from", &from.to_string()),
                ("to", &to.to_string()),
                ("m", &d.townships.len().to_string()),
            ],
        )
    })
}

/// Page `page` of district `di`'s page.
pub fn district(c: &Common<'_>, di: usize, page: usize) -> Option<Context> {
    let d = c.asm.districts.get(di)?;
    let name = district_name(c, d);
    let path = paths::district(&d.slug, page);
    let mut ctx = c.context(&paths::link(&path), &name, "district");
    ctx.insert("district", &district_link(c, d));
    ctx.insert("crumbs", &crumbs(c, d));
    ctx.insert("page_note", &page_note(c, d, page));
    ctx.insert(
        "pages",
        &pager(d.pages(), page, &|n| paths::district(&d.slug, n)),
    );
    ctx.insert(
        "count",
        &c.w.fill(
            "township_count_fmt",
            &[("n", &d.townships.len().to_string())],
        ),
    );
    let townships = page_of(d, page);
    let mut words = FigureWords::default();
    if let Some(summary) = c.asm.summaries.last()
        && let Some((totals, idx)) = district_totals(c, summary, di)
    {
        // The rows of this page's townships; the totals are the district's.
        let on_page = rows_of(summary, &idx, townships);
        let part = restricted(summary, &on_page, totals);
        let cards = home::cards(c, &part);
        let table = key_table(c, &part);
        words = table.words;
        cards
            .iter()
            .for_each(|card| words.total(&card.total, card.total.coverage.is_some()));
        ctx.insert("latest_year", &summary.year);
        ctx.insert(
            "latest_path",
            &paths::link(&paths::district_year(&d.slug, summary.year, 1)),
        );
        ctx.insert("cards", &cards);
        ctx.insert("latest_tables", &table);
        ctx.insert(
            "district_coverage",
            &coverage(
                idx.iter()
                    .filter(|&&i| summary.rows.get(i).is_some_and(|r| r.report.is_some()))
                    .count(),
                idx.len(),
                c.w,
            ),
        );
    }
    ctx.insert("terms", &words.legend(c.w));
    ctx.insert(
        "matrix_years",
        &c.asm.years.iter().rev().copied().collect::<Vec<_>>(),
    );
    ctx.insert("matrix", &home::matrix_of(c, townships));
    let used = townships.iter().flat_map(|&ti| {
        c.asm
            .years
            .iter()
            .map(move |&y| c.asm.status(c.site, ti, y))
    });
    ctx.insert("legend", &legend(c, used));
    let years: Vec<PlaceLink> = c
        .asm
        .years
        .iter()
        .rev()
        .map(|&y| PlaceLink {
            name: y.to_string(),
            path: paths::link(&paths::district_year(&d.slug, y, 1)),
        })
        .collect();
    ctx.insert("years", &years);
    Some(ctx)
}

/// Page `page` of district `di`'s summary of `year`: the year page of its
/// townships, with the district's totals.
pub fn district_year(c: &Common<'_>, di: usize, year: Year, page: usize) -> Option<Context> {
    let d = c.asm.districts.get(di)?;
    let summary = c.asm.summary(year)?;
    let (totals, idx) = district_totals(c, summary, di)?;
    let townships = page_of(d, page);
    let on_page = rows_of(summary, &idx, townships);
    let mut part = restricted(summary, &on_page, totals);
    part.not_covered = summary
        .not_covered
        .iter()
        .copied()
        .filter(|t| townships.contains(t))
        .collect();
    let name = district_name(c, d);
    let title = c.w.fill(
        "district_year_fmt",
        &[("district", &name), ("year", &year.to_string())],
    );
    let path = paths::district_year(&d.slug, year, page);
    let mut ctx = year::year_at(c, &part, summary, &paths::link(&path), &title);
    // The coverage is the district's, not the page's.
    let reported = idx
        .iter()
        .filter(|&&i| summary.rows.get(i).is_some_and(|r| r.report.is_some()))
        .count();
    ctx.insert("coverage", &coverage(reported, idx.len(), c.w));
    ctx.insert("district", &district_link(c, d));
    ctx.insert("crumbs", &crumbs(c, d));
    ctx.insert("page_note", &page_note(c, d, page));
    ctx.insert(
        "pages",
        &pager(d.pages(), page, &|n| paths::district_year(&d.slug, year, n)),
    );
    let link = |y: &Year| PlaceLink {
        name: y.to_string(),
        path: paths::link(&paths::district_year(&d.slug, *y, 1)),
    };
    let pos = c.asm.years.iter().position(|&y| y == year);
    let prev = pos
        .and_then(|p| p.checked_sub(1))
        .and_then(|p| c.asm.years.get(p))
        .map(link);
    let next = pos.and_then(|p| c.asm.years.get(p + 1)).map(link);
    ctx.insert("district_prev", &prev);
    ctx.insert("district_next", &next);
    ctx.insert("site_year_path", &paths::link(&paths::year(summary.year)));
    Some(ctx)
}

/// A city's page: its districts' rows for the latest year, with the
/// city's exact totals.
pub fn city(c: &Common<'_>, ci: usize) -> Option<Context> {
    let city = c.asm.cities.get(ci)?;
    let mut ctx = c.context(&paths::link(&paths::city(&city.slug)), &city.name, "city");
    let districts: Vec<PlaceLink> = city
        .districts
        .iter()
        .filter_map(|&di| c.asm.districts.get(di))
        .map(|d| district_link(c, d))
        .collect();
    ctx.insert("districts", &districts);
    if let Some(summary) = c.asm.summaries.last()
        && let Some(t) = summary.cities.get(ci)
    {
        let table = place_table(
            c,
            summary,
            &city.districts,
            (
                t.totals.as_slice(),
                t.rows.clone(),
                format!("{} {}", city.name, c.w.get("total")),
            ),
            PlaceTableSpec::key_figures(c, summary.year, false, false),
            &c.site.config.key_metrics,
        );
        ctx.insert("terms", &table.words.legend(c.w));
        ctx.insert("places", &table);
        ctx.insert("latest_year", &summary.year);
    }
    Some(ctx)
}
