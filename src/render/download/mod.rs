//! Open-data downloads: CSV, XLSX and JSON for each year, a CSV for each
//! township, and one all-data JSON for the site. A township's workbook and
//! JSON would only repeat rows the year workbooks and `all.json` carry (a
//! township's reports in `all.json` are its JSON), at 2 files and ~37 KB a
//! township; its CSV is the one file a reader of its page wants whole.
//!
//! Every figure carries its numeric value and its status (exact,
//! lower_bound, approximate, not_applicable, not_reported), so nothing is
//! lost between formats. CSV is UTF-8 with a byte-order mark, so Excel on
//! Chinese Windows shows the characters. XLSX keeps numbers as numbers (an
//! inexact figure is the number with a display format that adds 余 or 约)
//! and totals as values, never formulas; its creation time is the site's
//! status date. JSON values are exact decimals. Text that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@`) is neutralised in CSV and
//! XLSX text cells; numbers are written from typed values and never altered.

use std::borrow::Cow;

use serde::Serialize;

use crate::assemble::{self, Assembled, Total, YearSummary};
use crate::format;
use crate::i18n::Lang;
use crate::model::{OtherFigure, Report, Township, Year};
use crate::schema::{Metric, MetricId, Schema};
use crate::site::Site;

mod csv;
mod json;
pub mod xlsx;

pub use csv::{csv, write_csv};
pub use json::{
    JSON_VERSION, all_json, to_json, write_all_json, write_json, write_year_json, year_json,
};
pub use xlsx::year_sheets;

/// One figure as a row of the long (tidy) table shared by CSV, XLSX and JSON.
/// Its names borrow from the site: a year's table has a row for every
/// township and metric, and copying seven names into every row was most
/// of what making the rows cost.
#[derive(Clone, Debug, Serialize)]
pub struct Record<'a> {
    /// Year reported on.
    pub year: Year,
    /// District.
    pub district: &'a str,
    /// Township's Chinese name (or the total's label).
    pub township: Cow<'a, str>,
    /// Township slug (empty for totals).
    pub township_slug: &'a str,
    /// `township`, `subtotal` (a district), `total`, or `other` (a figure outside the schema).
    pub row: &'static str,
    /// Group key.
    pub group: &'a str,
    /// Metric key (empty for other figures).
    pub metric: &'a str,
    /// Label (Chinese).
    pub label: &'a str,
    /// Unit (Chinese).
    pub unit: &'a str,
    /// The number as exact decimal text, empty when there is none.
    pub value: String,
    /// exact, lower_bound, approximate, not_applicable, not_reported.
    pub status: &'static str,
    /// As shown on the site.
    pub display: String,
    /// Whether gongshi computed it from other figures.
    pub computed: bool,
    /// For totals: how many townships reported.
    pub reported: Option<usize>,
    /// For totals: how many townships there are.
    pub of: Option<usize>,
    /// For township figures: the change against the township's previous
    /// report, as signed exact decimal text (`-16`, `1984`), when both are exact.
    pub change: String,
    /// The year `change` compares to (the previous report's year, which is
    /// not always the previous calendar year).
    pub change_from: Option<Year>,
    /// For the rank metric's township rows: the township's place (`1`, `2=`
    /// for a shared place, `1-2` when a lower bound leaves it open).
    pub rank: String,
}

/// CSV column names, in order.
pub const COLUMNS: [&str; 18] = [
    "year",
    "district",
    "township",
    "township_slug",
    "row",
    "group",
    "metric",
    "label",
    "unit",
    "value",
    "status",
    "display",
    "computed",
    "reported",
    "of",
    "change",
    "change_from",
    "rank",
];

fn group_key<'a>(schema: &'a Schema, m: &Metric) -> &'a str {
    schema.group(m.group).map_or("", |g| g.key.as_str())
}

fn township_record<'a>(
    year: Year,
    t: &'a Township,
    schema: &'a Schema,
    m: &'a Metric,
    (r, previous): (Option<&Report>, Option<&Report>),
    id: MetricId,
) -> Record<'a> {
    let change = match (r, previous) {
        (Some(r), Some(p)) => assemble::change(r, p, id),
        _ => None,
    };
    let entry = r
        .and_then(|r| r.figures.get(id.index()))
        .cloned()
        .unwrap_or_default();
    Record {
        year,
        district: t.district.as_deref().unwrap_or_default(),
        township: Cow::Borrowed(&t.name),
        township_slug: &t.slug,
        row: "township",
        group: group_key(schema, m),
        metric: &m.key,
        label: &m.label,
        unit: &m.unit,
        value: crate::format::plain_figure(&entry.figure, m.kind),
        status: entry.figure.status(),
        display: format::cell(&entry.figure, m.kind, Lang::Zh),
        computed: entry.computed,
        reported: None,
        of: None,
        change: change
            .map(|c| format::plain(c.delta, m.kind))
            .unwrap_or_default(),
        change_from: change.map(|c| c.base_year),
        rank: String::new(),
    }
}

fn other_record<'a>(
    year: Year,
    t: &'a Township,
    schema: &'a Schema,
    o: &'a OtherFigure,
) -> Record<'a> {
    Record {
        year,
        district: t.district.as_deref().unwrap_or_default(),
        township: Cow::Borrowed(&t.name),
        township_slug: &t.slug,
        row: "other",
        group: o
            .group
            .and_then(|g| schema.group(g))
            .map_or("", |g| g.key.as_str()),
        metric: "",
        label: &o.label,
        unit: &o.unit,
        value: crate::format::plain_figure(&o.figure, o.kind),
        status: o.figure.status(),
        display: format::cell(&o.figure, o.kind, Lang::Zh),
        computed: false,
        reported: None,
        of: None,
        change: String::new(),
        change_from: None,
        rank: String::new(),
    }
}

fn total_record<'a>(
    year: Year,
    district: &'a str,
    label: Cow<'a, str>,
    row: &'static str,
    schema: &'a Schema,
    m: &'a Metric,
    total: &Total,
) -> Record<'a> {
    Record {
        year,
        district,
        township: label,
        township_slug: "",
        row,
        group: group_key(schema, m),
        metric: &m.key,
        label: &m.label,
        unit: &m.unit,
        value: if total.summed {
            crate::format::plain_figure(&total.figure, m.kind)
        } else {
            String::new()
        },
        status: if total.summed {
            total.figure.status()
        } else {
            "not_summed"
        },
        // As the page and the workbook show it: a dash when nobody gave it.
        display: match (total.summed, total.reported) {
            (false, _) => "不合计".to_string(),
            (true, 0) => "—".to_string(),
            (true, _) => format::cell(&total.figure, m.kind, Lang::Zh),
        },
        computed: true,
        reported: Some(total.reported),
        of: Some(total.of),
        change: String::new(),
        change_from: None,
        rank: String::new(),
    }
}

/// The metrics of a year's tables and downloads: the key metrics (shown on
/// the year page even when nobody gave them) and every metric some covered
/// township gave, in schema order.
pub fn year_metrics<'a>(site: &'a Site, summary: &YearSummary) -> Vec<(MetricId, &'a Metric)> {
    let schema = &site.config.schema;
    // A year the site covers no township in has no tables and no totals.
    if summary.rows.is_empty() {
        return Vec::new();
    }
    let reports: Vec<&Report> = summary
        .rows
        .iter()
        .filter_map(|r| r.report.and_then(|i| site.report_at(i)))
        .collect();
    let stated = assemble::stated_metrics(schema, &reports);
    schema
        .ids()
        .zip(schema.metrics())
        .filter(|(id, _)| {
            site.config.key_metrics.contains(id) || stated.iter().any(|(s, _)| s == id)
        })
        .collect()
}

/// The records of one year: every covered township × every metric of the
/// year (see [`year_metrics`]), then the figures outside the schema,
/// district subtotals and totals.
pub fn year_records<'a>(
    site: &'a Site,
    asm: &Assembled,
    summary: &'a YearSummary,
) -> Vec<Record<'a>> {
    let schema = &site.config.schema;
    let metrics = year_metrics(site, summary);
    let mut out = Vec::new();
    for row in &summary.rows {
        let Some(t) = site.township_at(row.township) else {
            continue;
        };
        let r = row.report.and_then(|i| site.report_at(i));
        let previous = row
            .report
            .and_then(|i| asm.previous.get(i).copied().flatten())
            .and_then(|i| site.report_at(i));
        for (id, m) in &metrics {
            let mut record = township_record(summary.year, t, schema, m, (r, previous), *id);
            if Some(*id) == site.config.rank_metric
                && let Some(rank) = &row.rank
            {
                record.rank = format::rank_plain(rank.best, rank.worst, rank.tied);
            }
            out.push(record);
        }
        for o in r.map(|r| r.other_figures.as_slice()).unwrap_or_default() {
            out.push(other_record(summary.year, t, schema, o));
        }
    }
    for d in &summary.districts {
        let label = format!("{} 小计", d.district);
        for (id, m) in &metrics {
            if let Some(total) = d.totals.get(id.index()) {
                out.push(total_record(
                    summary.year,
                    &d.district,
                    Cow::Owned(label.clone()),
                    "subtotal",
                    schema,
                    m,
                    total,
                ));
            }
        }
    }
    for (id, m) in &metrics {
        if let Some(total) = summary.totals.get(id.index()) {
            out.push(total_record(
                summary.year,
                "",
                Cow::Borrowed("合计"),
                "total",
                schema,
                m,
                total,
            ));
        }
    }
    out
}

/// The records of one township: every year × every metric it states, and its other figures.
pub fn township_records<'a>(
    site: &'a Site,
    t: &'a Township,
    reports: &[&'a Report],
) -> Vec<Record<'a>> {
    let schema = &site.config.schema;
    let metrics = assemble::stated_metrics(schema, reports);
    let mut out = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| reports.get(p)).copied();
        for (id, m) in &metrics {
            out.push(township_record(
                r.year,
                t,
                schema,
                m,
                (Some(r), previous),
                *id,
            ));
        }
        for o in &r.other_figures {
            out.push(other_record(r.year, t, schema, o));
        }
    }
    out
}

/// Make text safe in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or
/// carriage return would start a formula, so it gets a leading apostrophe.
pub fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
