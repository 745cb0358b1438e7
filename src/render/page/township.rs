//! A township's page: profile, reports by year, figures by year with changes, trends, people and powers.

use serde::Serialize;
use tera::Context;

use crate::assemble::{self};
use crate::figure::Figure;
use crate::format;
use crate::format::labels;
use crate::markdown;
use crate::model::{Report, Township, Year};
use crate::render::paths;
use crate::render::views::{self, CellView, FigureView, ReportLink, StatusView};

use super::*;

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
    cells: Vec<CellView>,
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
        .filter_map(|&i| c.site.report_at(i))
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
    // The latest year first, in the table as in the list of reports.
    ctx.insert(
        "years",
        &span.iter().rev().map(|(y, _)| *y).collect::<Vec<_>>(),
    );
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
                        CellView::new(m, &e.figure, e.computed, c.w)
                            .with_change(delta, m.kind, r.year, c.w)
                    }
                    None => CellView::absent(&gap(y)),
                })
                .rev()
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
    let mut words = FigureWords::default();
    rows.iter()
        .flat_map(|r| &r.cells)
        .for_each(|f| words.cell(f));
    ctx.insert("terms", &words.legend(c.w));
    ctx.insert("figures", &rows);
    ctx.insert("downloads", &Downloads::township(&t.slug));
    // A key figure over the years is a chart when at least two years give
    // a number to draw; a figure only one year gives (a township with one
    // report, or a figure reported once) is shown as itself, in a card,
    // rather than as a chart of one bar.
    #[derive(Serialize)]
    struct Card {
        year: Year,
        figure: FigureView,
    }
    let mut cards: Vec<Card> = Vec::new();
    let mut charts: Vec<crate::render::charts::Chart> = Vec::new();
    for (id, m) in c.key_metrics() {
        let drawn = reports
            .iter()
            .filter(|r| matches!(r.figure(id), Figure::Stated(_)))
            .count();
        if drawn < 2 {
            // The latest report that says anything about it.
            if let Some(r) = reports
                .iter()
                .rev()
                .find(|r| *r.figure(id) != Figure::NotReported)
            {
                let e = r.figures.get(id.index()).cloned().unwrap_or_default();
                cards.push(Card {
                    year: r.year,
                    figure: FigureView::new(m, &e.figure, e.computed, c.w),
                });
            }
            continue;
        }
        let points = span
            .iter()
            .map(|&(y, r)| match r {
                Some(r) => {
                    crate::render::charts::Point::new(y.to_string(), r.figure(id), m.kind, c.w)
                }
                None => crate::render::charts::Point::absent(y.to_string(), gap(y).label),
            })
            .collect();
        let (label, unit) = labels(m, c.lang);
        charts.push(crate::render::charts::bar_chart(
            &format!("chart-{}", m.key),
            &label,
            &unit,
            points,
            c.w,
        ));
    }
    ctx.insert("cards", &cards);
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
        .rev()
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
