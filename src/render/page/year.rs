//! A year's summary page: a table per group, exact totals, district subtotals, ranks, statuses.

use tera::Context;

use crate::assemble::{self, Status};
use crate::format::{coverage, date, labels};
use crate::render::paths;
use crate::render::views::{StatusView, TownshipLink};

use super::*;

/// A year's summary page.
pub fn year(c: &Common<'_>, summary: &assemble::YearSummary) -> Context {
    let title =
        c.w.fill("year_summary_fmt", &[("year", &summary.year.to_string())]);
    let path = paths::year(summary.year);
    if c.asm.by_district {
        return year_by_district(c, summary, &path, &title);
    }
    year_at(c, summary, summary, &path, &title)
}

/// A year's page on a site laid out by district: a row per district (each
/// linking to the district's summary of the year) and the total.
fn year_by_district(
    c: &Common<'_>,
    summary: &assemble::YearSummary,
    path: &str,
    title: &str,
) -> Context {
    // A small site keeps its township tables under the districts' rows.
    let mut ctx = if c.asm.lists_every_township() {
        year_at(c, summary, summary, path, title)
    } else {
        c.context(path, title, "year")
    };
    let (key, groups) = district::year_place_tables(c, summary);
    let mut words = key.words;
    groups.iter().for_each(|t| words.merge(t.words));
    ctx.insert("place_terms", &words.legend(c.w));
    ctx.insert("places", &key);
    ctx.insert("by_city", &district::by_city(c));
    ctx.insert("place_tables", &groups);
    year_frame(c, summary, &mut ctx);
    ctx
}

/// The year page of `summary`'s rows, written at `path`.
pub(super) fn year_at(
    c: &Common<'_>,
    summary: &assemble::YearSummary,
    columns: &assemble::YearSummary,
    path: &str,
    title: &str,
) -> Context {
    let mut ctx = c.context(path, title, "year");
    let overview = key_table(c, summary);
    let tables = group_tables(c, summary, columns);
    let mut words = overview.words;
    tables.iter().for_each(|t| words.merge(t.words));
    ctx.insert("terms", &words.legend(c.w));
    ctx.insert("overview", &overview);
    ctx.insert("tables", &tables);
    let rank_label = c
        .site
        .config
        .rank_metric
        .and_then(|id| c.site.config.schema.metric(id))
        .map(|m| labels(m, c.lang).0);
    ctx.insert("rank_label", &rank_label);
    let not_covered: Vec<TownshipLink> = summary
        .not_covered
        .iter()
        .filter_map(|&t| c.site.township_at(t))
        .map(|t| TownshipLink::new(t, c.w))
        .collect();
    ctx.insert("not_covered", &not_covered);
    ctx.insert(
        "not_covered_status",
        &StatusView::new(Status::NotCovered, c.w),
    );
    let ranked = summary.rows.iter().any(|r| r.rank.is_some());
    ctx.insert("ranked", &ranked);
    year_frame(c, summary, &mut ctx);
    ctx
}

/// What every page of a year's summary shows around its tables: the year,
/// its downloads, the deadline, how many townships reported, the statuses'
/// legend, and the years before and after.
fn year_frame(c: &Common<'_>, summary: &assemble::YearSummary, ctx: &mut Context) {
    ctx.insert("year", &summary.year);
    ctx.insert("downloads", &Downloads::year(summary.year));
    ctx.insert(
        "deadline",
        &crate::validate::deadline(summary.year).map(|d| date(d, c.w)),
    );
    ctx.insert(
        "coverage",
        &coverage(summary.reported(), summary.rows.len(), c.w),
    );
    ctx.insert("legend", &legend(c, summary.rows.iter().map(|r| r.status)));
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
}
