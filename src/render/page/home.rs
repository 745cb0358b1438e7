//! The home page: the latest year at a glance, trends over the years, the status matrix, the latest reports.

use serde::Serialize;
use tera::Context;

use crate::assemble::{self};
use crate::format::labels;
use crate::model::{Report, Year};
use crate::render::paths;
use crate::render::views::{self, ReportLink, StatusView, TotalView, TownshipLink};

use super::*;

/// A key figure card.
#[derive(Serialize)]
pub(super) struct Card {
    label: String,
    unit: String,
    pub total: TotalView,
}

pub(super) fn cards(c: &Common<'_>, summary: &assemble::YearSummary) -> Vec<Card> {
    c.key_metrics()
        .filter_map(|(id, m)| {
            let t = summary.totals.get(id.index())?;
            let (label, unit) = labels(m, c.lang);
            Some(Card {
                label,
                // As a figure's: words (—, 不合计) and a rate (whose total
                // ends in `%`) are not followed by a unit.
                unit: if crate::format::shows_unit(&t.figure, m.kind, false) {
                    unit
                } else {
                    String::new()
                },
                total: TotalView::new(t, m, c.w),
            })
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct MatrixRow {
    township: TownshipLink,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixCell {
    year: Year,
    status: StatusView,
    path: Option<String>,
}

/// The status matrix of `townships` (indices, in display order).
pub(super) fn matrix_of(c: &Common<'_>, townships: &[usize]) -> Vec<MatrixRow> {
    townships
        .iter()
        .filter_map(|&ti| {
            let t = c.site.township_at(ti)?;
            // The latest year first: on a phone it is the one in view.
            let cells = c
                .asm
                .years
                .iter()
                .rev()
                .map(|&year| {
                    let ri = c.asm.report_for(c.site, ti, year);
                    let r = ri.and_then(|i| c.site.report_at(i));
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

/// The home page.
pub fn home(c: &Common<'_>) -> Context {
    let mut ctx = c.context(&paths::home(), &c.site.config.title, "home");
    let latest = c.asm.summaries.last();
    if c.asm.by_district {
        ctx.insert("by_district", &true);
        ctx.insert("place_groups", &district::place_groups(c));
    }
    if let Some(summary) = latest {
        ctx.insert("latest_year", &summary.year);
        ctx.insert("latest_path", &paths::year(summary.year));
        let cards = cards(c, summary);
        let mut words = if c.asm.by_district {
            // A row per district (and per city), not per township.
            let table = district::place_table(
                c,
                summary,
                &district::all_districts(c),
                district::site_total(c, summary),
                district::PlaceTableSpec::key_figures(c, summary.year, true, false),
                &c.site.config.key_metrics,
            );
            ctx.insert("places", &table);
            table.words
        } else {
            let table = key_table(c, summary);
            ctx.insert("latest_tables", &table);
            table.words
        };
        cards
            .iter()
            .for_each(|card| words.total(&card.total, card.total.coverage.is_some()));
        ctx.insert("terms", &words.legend(c.w));
        ctx.insert("cards", &cards);
        ctx.insert("downloads", &Downloads::year(summary.year));
    }
    ctx.insert(
        "matrix_years",
        &c.asm.years.iter().rev().copied().collect::<Vec<_>>(),
    );
    // The matrix and the list of townships: on a site laid out by district,
    // on the district pages.
    let shown: &[usize] = if c.asm.by_district { &[] } else { &c.asm.order };
    let rows = matrix_of(c, shown);
    let used = shown.iter().flat_map(|&ti| {
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
        .map(|r| &**r)
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
    let townships: Vec<TownshipLink> = shown
        .iter()
        .filter_map(|&i| c.site.township_at(i))
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

/// Charts of the key figures' totals over the years, like for like: each
/// counts only the townships that gave the figure in every year it shows,
/// and says which.
fn district_charts(c: &Common<'_>) -> Vec<crate::render::charts::Chart> {
    let schema = &c.site.config.schema;
    c.asm
        .trends
        .iter()
        .filter_map(|trend| {
            let m = schema.metric(trend.metric)?;
            let points: Vec<crate::render::charts::Point> = trend
                .points
                .iter()
                .map(|(year, total)| {
                    crate::render::charts::Point::new(year.to_string(), &total.figure, m.kind, c.w)
                })
                .collect();
            let names: Vec<String> = trend
                .townships
                .iter()
                .filter_map(|&t| c.site.township_at(t))
                .map(|t| views::township_name(t, c.lang))
                .collect();
            let (first, last) = (trend.points.first()?.0, trend.points.last()?.0);
            let (label, unit) = labels(m, c.lang);
            let mut chart = crate::render::charts::bar_chart(
                &format!("chart-{}", m.key),
                &label,
                &unit,
                points,
                c.w,
            );
            // A big site counts the townships rather than naming thousands.
            let key = if c.asm.lists_every_township() {
                "like_for_like_fmt"
            } else {
                "like_for_like_count_fmt"
            };
            chart.note = Some(c.w.fill(
                key,
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
