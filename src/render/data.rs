//! Open-data downloads: CSV, XLSX and JSON for each year and each township,
//! and one all-data JSON for the site.
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

use serde::Serialize;
use serde_json::value::RawValue;

use crate::assemble::{self, Assembled, Total, YearSummary};
use crate::figure::{Figure, Kind};
use crate::format;
use crate::i18n::Lang;
use crate::model::{OtherFigure, Report, Township, Year};
use crate::schema::{Metric, MetricId, Schema};
use crate::site::Site;

use super::views::paths;

/// One figure as a row of the long (tidy) table shared by CSV, XLSX and JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// Year reported on.
    pub year: Year,
    /// District.
    pub district: String,
    /// Township's Chinese name (or the total's label).
    pub township: String,
    /// Township slug (empty for totals).
    pub township_slug: String,
    /// `township`, `subtotal` (a district), `total`, or `other` (a figure outside the schema).
    pub row: &'static str,
    /// Group key.
    pub group: String,
    /// Metric key (empty for other figures).
    pub metric: String,
    /// Label (Chinese).
    pub label: String,
    /// Unit (Chinese).
    pub unit: String,
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

fn value_text(figure: &Figure, kind: Kind) -> String {
    figure
        .stated()
        .map(|s| format::plain_stated(s, kind))
        .unwrap_or_default()
}

fn group_key(schema: &Schema, m: &Metric) -> String {
    schema
        .group(m.group)
        .map(|g| g.key.clone())
        .unwrap_or_default()
}

fn township_record(
    year: Year,
    t: &Township,
    schema: &Schema,
    m: &Metric,
    (r, previous): (Option<&Report>, Option<&Report>),
    id: MetricId,
) -> Record {
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
        district: t.district.clone().unwrap_or_default(),
        township: t.name.clone(),
        township_slug: t.slug.clone(),
        row: "township",
        group: group_key(schema, m),
        metric: m.key.clone(),
        label: m.label.clone(),
        unit: m.unit.clone(),
        value: value_text(&entry.figure, m.kind),
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

fn other_record(year: Year, t: &Township, schema: &Schema, o: &OtherFigure) -> Record {
    Record {
        year,
        district: t.district.clone().unwrap_or_default(),
        township: t.name.clone(),
        township_slug: t.slug.clone(),
        row: "other",
        group: o
            .group
            .and_then(|g| schema.group(g))
            .map(|g| g.key.clone())
            .unwrap_or_default(),
        metric: String::new(),
        label: o.label.clone(),
        unit: o.unit.clone(),
        value: value_text(&o.figure, o.kind),
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

fn total_record(
    year: Year,
    district: &str,
    label: &str,
    row: &'static str,
    schema: &Schema,
    m: &Metric,
    total: &Total,
) -> Record {
    Record {
        year,
        district: district.to_string(),
        township: label.to_string(),
        township_slug: String::new(),
        row,
        group: group_key(schema, m),
        metric: m.key.clone(),
        label: m.label.clone(),
        unit: m.unit.clone(),
        value: if total.summed {
            value_text(&total.figure, m.kind)
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
        .filter_map(|r| r.report.and_then(|i| site.reports.get(i)))
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
pub fn year_records(site: &Site, asm: &Assembled, summary: &YearSummary) -> Vec<Record> {
    let schema = &site.config.schema;
    let metrics = year_metrics(site, summary);
    let mut out = Vec::new();
    for row in &summary.rows {
        let Some(t) = site.townships.get(row.township) else {
            continue;
        };
        let r = row.report.and_then(|i| site.reports.get(i));
        let previous = row
            .report
            .and_then(|i| asm.previous.get(i).copied().flatten())
            .and_then(|i| site.reports.get(i));
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
                    &label,
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
                "合计",
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
pub fn township_records(site: &Site, t: &Township, reports: &[&Report]) -> Vec<Record> {
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

/// Records as CSV: UTF-8 with a byte-order mark.
pub fn csv(records: &[Record]) -> Result<Vec<u8>, String> {
    let mut buf = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for r in records {
            let year = r.year.to_string();
            let reported = r.reported.map(|n| n.to_string()).unwrap_or_default();
            let of = r.of.map(|n| n.to_string()).unwrap_or_default();
            let computed = if r.computed { "true" } else { "false" };
            let change_from = r.change_from.map(|y| y.to_string()).unwrap_or_default();
            // `value`, `year`, `reported`, `of`, `change` are written from
            // numbers and never altered (a negative change keeps its sign).
            let fields: [std::borrow::Cow<'_, str>; 18] = [
                year.as_str().into(),
                neutralize(&r.district),
                neutralize(&r.township),
                neutralize(&r.township_slug),
                r.row.into(),
                neutralize(&r.group),
                neutralize(&r.metric),
                neutralize(&r.label),
                neutralize(&r.unit),
                r.value.as_str().into(),
                r.status.into(),
                neutralize(&r.display),
                computed.into(),
                reported.as_str().into(),
                of.as_str().into(),
                r.change.as_str().into(),
                change_from.as_str().into(),
                r.rank.as_str().into(),
            ];
            w.write_record(fields.iter().map(|f| f.as_ref()))
                .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

/// A JSON number with the exact decimal text of an amount.
fn number(text: &str) -> Option<Box<RawValue>> {
    if text.is_empty() {
        return None;
    }
    RawValue::from_string(text.to_string()).ok()
}

#[derive(Serialize)]
struct JsonFigure {
    value: Option<Box<RawValue>>,
    status: &'static str,
    display: String,
    computed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change_from: Option<Year>,
}

#[derive(Serialize)]
struct JsonOther {
    label: String,
    unit: String,
    group: Option<String>,
    value: Option<Box<RawValue>>,
    status: &'static str,
    display: String,
}

#[derive(Serialize)]
struct JsonTotal {
    value: Option<Box<RawValue>>,
    status: &'static str,
    display: String,
    reported: usize,
    of: usize,
}

#[derive(Serialize)]
struct JsonMetric<'a> {
    key: &'a str,
    label: &'a str,
    label_en: &'a str,
    unit: &'a str,
    unit_en: &'a str,
    group: String,
    kind: Kind,
    sums: bool,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    key: &'a str,
    label: &'a str,
    label_en: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    year: Year,
    title: &'a str,
    url: String,
    published: Option<String>,
    period_end: Option<String>,
    updated: Option<String>,
    source: Option<&'a str>,
    status: &'static str,
    revisions: Vec<JsonRevision<'a>>,
    figures: FiguresJson<'a>,
    other_figures: Vec<JsonOther>,
}

#[derive(Serialize)]
struct JsonRevision<'a> {
    date: String,
    reason: &'a str,
}

/// A report's figures as a JSON object, serialized straight from the
/// report (no intermediate values: the all-data file stays streamable).
struct FiguresJson<'a> {
    schema: &'a Schema,
    report: &'a Report,
    previous: Option<&'a Report>,
}

impl Serialize for FiguresJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (id, m) in self.schema.ids().zip(self.schema.metrics()) {
            let Some(e) = self.report.figures.get(id.index()) else {
                continue;
            };
            if e.figure == Figure::NotReported {
                continue;
            }
            let change = self
                .previous
                .and_then(|p| assemble::change(self.report, p, id));
            map.serialize_entry(
                &m.key,
                &JsonFigure {
                    value: number(&value_text(&e.figure, m.kind)),
                    status: e.figure.status(),
                    display: format::cell(&e.figure, m.kind, Lang::Zh),
                    computed: e.computed,
                    change: change.and_then(|c| number(&format::plain(c.delta, m.kind))),
                    change_from: change.map(|c| c.base_year),
                },
            )?;
        }
        map.end()
    }
}

/// Totals as a JSON object by metric key.
struct TotalsJson<'a> {
    schema: &'a Schema,
    totals: &'a [Total],
    /// The metrics of the year's tables (see [`year_metrics`]).
    ids: &'a [MetricId],
}

impl Serialize for TotalsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for &id in self.ids {
            let (Some(m), Some(t)) = (self.schema.metric(id), self.totals.get(id.index())) else {
                continue;
            };
            let record = total_record(0, "", "", "total", self.schema, m, t);
            map.serialize_entry(
                &m.key,
                &JsonTotal {
                    value: number(&record.value),
                    status: record.status,
                    display: record.display,
                    reported: t.reported,
                    of: t.of,
                },
            )?;
        }
        map.end()
    }
}

fn json_others(schema: &Schema, r: &Report) -> Vec<JsonOther> {
    r.other_figures
        .iter()
        .map(|o| JsonOther {
            label: o.label.clone(),
            unit: o.unit.clone(),
            group: o.group.and_then(|g| schema.group(g)).map(|g| g.key.clone()),
            value: number(&value_text(&o.figure, o.kind)),
            status: o.figure.status(),
            display: format::cell(&o.figure, o.kind, Lang::Zh),
        })
        .collect()
}

fn json_report<'a>(site: &'a Site, r: &'a Report, previous: Option<&'a Report>) -> JsonReport<'a> {
    JsonReport {
        year: r.year,
        title: &r.title,
        url: super::canonical(&site.config.base_url, &paths::report(&r.township, r.year)),
        published: r.published.map(|d| d.to_string()),
        period_end: r.period_end.map(|d| d.to_string()),
        updated: r.updated.map(|d| d.to_string()),
        source: r.source.as_deref(),
        status: assemble::report_status(r).key(),
        revisions: r
            .revisions
            .iter()
            .map(|v| JsonRevision {
                date: v.date.to_string(),
                reason: &v.reason,
            })
            .collect(),
        figures: FiguresJson {
            schema: &site.config.schema,
            report: r,
            previous,
        },
        other_figures: json_others(&site.config.schema, r),
    }
}

fn json_schema(schema: &Schema) -> (Vec<JsonGroup<'_>>, Vec<JsonMetric<'_>>) {
    let groups = schema
        .groups()
        .iter()
        .map(|g| JsonGroup {
            key: &g.key,
            label: &g.label,
            label_en: &g.label_en,
        })
        .collect();
    let metrics = schema
        .metrics()
        .iter()
        .map(|m| JsonMetric {
            key: &m.key,
            label: &m.label,
            label_en: &m.label_en,
            unit: &m.unit,
            unit_en: &m.unit_en,
            group: group_key(schema, m),
            kind: m.kind,
            sums: !matches!(m.aggregate, crate::schema::Aggregate::None),
        })
        .collect();
    (groups, metrics)
}

/// The version of the JSON downloads' layout (see the README).
pub const JSON_VERSION: u32 = 2;

#[derive(Serialize)]
struct JsonTownship<'a> {
    slug: &'a str,
    name: &'a str,
    name_en: Option<&'a str>,
    district: Option<&'a str>,
    url: String,
    area_km2: Option<Box<RawValue>>,
    communities: Option<u64>,
    villages: Option<u64>,
    population: Option<Box<RawValue>>,
    population_status: Option<&'static str>,
    enforcement_body: Option<&'a str>,
    reports: Vec<JsonReport<'a>>,
}

fn json_township<'a>(site: &'a Site, t: &'a Township, reports: &[&'a Report]) -> JsonTownship<'a> {
    JsonTownship {
        slug: &t.slug,
        name: &t.name,
        name_en: t.name_en.as_deref(),
        district: t.district.as_deref(),
        url: super::canonical(&site.config.base_url, &paths::township(&t.slug)),
        area_km2: t
            .area_km2
            .as_ref()
            .and_then(|s| number(&format::plain(s.amount, Kind::Area))),
        communities: t.communities,
        villages: t.villages,
        population: t
            .population
            .as_ref()
            .and_then(|s| number(&format::plain(s.amount, Kind::Count))),
        population_status: t
            .population
            .as_ref()
            .map(|s| Figure::Stated(s.clone()).status()),
        enforcement_body: t.enforcement_body.as_deref(),
        reports: reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let previous = i.checked_sub(1).and_then(|p| reports.get(p)).copied();
                json_report(site, r, previous)
            })
            .collect(),
    }
}

/// Serialize as JSON with `<`, `>` and `&` escaped (`\u003c` ...), so no
/// download can be mistaken for markup if someone embeds it in a page.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write_json(value, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Serialize as JSON (see [`to_json`]) into a writer, without building the
/// document in memory.
pub fn write_json<T: Serialize, W: std::io::Write>(value: &T, writer: W) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, HtmlSafe);
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    let mut writer = ser.into_inner();
    writer.write_all(b"\n")
}

/// A compact JSON formatter that escapes the characters of markup in strings
/// (the other methods are serde_json's compact defaults).
struct HtmlSafe;

impl serde_json::ser::Formatter for HtmlSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let esc = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(fragment.get(start..i).unwrap_or("").as_bytes())?;
            writer.write_all(esc.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(fragment.get(start..).unwrap_or("").as_bytes())
    }
}

#[derive(Serialize)]
struct YearJson<'a> {
    version: u32,
    site: &'a str,
    year: Year,
    as_of: String,
    groups: Vec<JsonGroup<'a>>,
    metrics: Vec<JsonMetric<'a>>,
    coverage: JsonCoverage,
    townships: Vec<YearTownship<'a>>,
    district_totals: Vec<JsonDistrict<'a>>,
    totals: TotalsJson<'a>,
}

/// How many of the townships the site covers in a year published.
#[derive(Serialize)]
struct JsonCoverage {
    reported: usize,
    of: usize,
}

impl JsonCoverage {
    fn of(summary: &YearSummary) -> JsonCoverage {
        JsonCoverage {
            reported: summary.reported(),
            of: summary.rows.len(),
        }
    }
}

#[derive(Serialize)]
struct YearTownship<'a> {
    slug: &'a str,
    name: &'a str,
    district: Option<&'a str>,
    status: &'static str,
    rank: Option<JsonRank>,
    report: Option<JsonReport<'a>>,
}

/// A township's place by the rank metric (see [`assemble::Rank`]).
#[derive(Serialize)]
struct JsonRank {
    metric: String,
    best: u32,
    worst: u32,
    tied: bool,
    of: u32,
    display: String,
}

#[derive(Serialize)]
struct JsonDistrict<'a> {
    district: &'a str,
    totals: TotalsJson<'a>,
}

/// A year's JSON: every township with its status (those the site does not
/// cover that year too, as `not_covered`), the covered ones' reports and
/// ranks, and the totals over the covered ones.
pub fn year_json(site: &Site, asm: &Assembled, summary: &YearSummary) -> Result<Vec<u8>, String> {
    let schema = &site.config.schema;
    let (groups, metrics) = json_schema(schema);
    let rank_key = site
        .config
        .rank_metric
        .and_then(|id| schema.metric(id))
        .map(|m| m.key.clone())
        .unwrap_or_default();
    let mut townships: Vec<YearTownship<'_>> = summary
        .rows
        .iter()
        .filter_map(|row| {
            let t = site.townships.get(row.township)?;
            let previous = row
                .report
                .and_then(|i| asm.previous.get(i).copied().flatten())
                .and_then(|i| site.reports.get(i));
            Some(YearTownship {
                slug: &t.slug,
                name: &t.name,
                district: t.district.as_deref(),
                status: row.status.key(),
                rank: row.rank.map(|r| JsonRank {
                    metric: rank_key.clone(),
                    best: r.best,
                    worst: r.worst,
                    tied: r.tied,
                    of: r.of,
                    display: format::rank(r.best, r.worst, r.tied, Lang::Zh),
                }),
                report: row
                    .report
                    .and_then(|i| site.reports.get(i))
                    .map(|r| json_report(site, r, previous)),
            })
        })
        .collect();
    townships.extend(summary.not_covered.iter().filter_map(|&ti| {
        let t = site.townships.get(ti)?;
        Some(YearTownship {
            slug: &t.slug,
            name: &t.name,
            district: t.district.as_deref(),
            status: assemble::Status::NotCovered.key(),
            rank: None,
            report: None,
        })
    }));
    let ids: Vec<MetricId> = year_metrics(site, summary)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let doc = YearJson {
        version: JSON_VERSION,
        site: &site.config.title,
        year: summary.year,
        as_of: site.as_of.to_string(),
        groups,
        metrics,
        coverage: JsonCoverage::of(summary),
        townships,
        district_totals: summary
            .districts
            .iter()
            .map(|d| JsonDistrict {
                district: &d.district,
                totals: TotalsJson {
                    schema,
                    totals: &d.totals,
                    ids: &ids,
                },
            })
            .collect(),
        totals: TotalsJson {
            schema,
            totals: &summary.totals,
            ids: &ids,
        },
    };
    to_json(&doc)
}

#[derive(Serialize)]
struct TownshipJson<'a> {
    version: u32,
    site: &'a str,
    as_of: String,
    groups: Vec<JsonGroup<'a>>,
    metrics: Vec<JsonMetric<'a>>,
    township: JsonTownship<'a>,
}

/// A township's JSON.
pub fn township_json(site: &Site, t: &Township, reports: &[&Report]) -> Result<Vec<u8>, String> {
    let (groups, metrics) = json_schema(&site.config.schema);
    to_json(&TownshipJson {
        version: JSON_VERSION,
        site: &site.config.title,
        as_of: site.as_of.to_string(),
        groups,
        metrics,
        township: json_township(site, t, reports),
    })
}

#[derive(Serialize)]
struct AllJson<'a> {
    version: u32,
    site: &'a str,
    base_url: &'a str,
    language: &'static str,
    as_of: String,
    groups: Vec<JsonGroup<'a>>,
    metrics: Vec<JsonMetric<'a>>,
    townships: AllTownships<'a>,
    years: AllYears<'a>,
}

/// Every township, each built only when it is written.
struct AllTownships<'a> {
    site: &'a Site,
    asm: &'a Assembled,
}

impl Serialize for AllTownships<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.asm.order.len()))?;
        for &ti in &self.asm.order {
            let Some(t) = self.site.townships.get(ti) else {
                continue;
            };
            let reports: Vec<&Report> = self
                .asm
                .by_township
                .get(ti)
                .map(|l| l.iter().filter_map(|&i| self.site.reports.get(i)).collect())
                .unwrap_or_default();
            seq.serialize_element(&json_township(self.site, t, &reports))?;
        }
        seq.end()
    }
}

/// Every year: statuses by township and totals.
struct AllYears<'a> {
    site: &'a Site,
    asm: &'a Assembled,
}

#[derive(Serialize)]
struct AllYear<'a> {
    year: Year,
    coverage: JsonCoverage,
    statuses: Statuses<'a>,
    totals: TotalsJson<'a>,
}

/// Every township's status for a year, by slug, in display order.
struct Statuses<'a> {
    site: &'a Site,
    asm: &'a Assembled,
    year: Year,
}

impl Serialize for Statuses<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.asm.order.len()))?;
        for &ti in &self.asm.order {
            if let Some(t) = self.site.townships.get(ti) {
                map.serialize_entry(&t.slug, self.asm.status(self.site, ti, self.year).key())?;
            }
        }
        map.end()
    }
}

impl Serialize for AllYears<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let schema = &self.site.config.schema;
        let mut seq = s.serialize_seq(Some(self.asm.summaries.len()))?;
        for summary in &self.asm.summaries {
            let ids: Vec<MetricId> = year_metrics(self.site, summary)
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            seq.serialize_element(&AllYear {
                year: summary.year,
                coverage: JsonCoverage::of(summary),
                statuses: Statuses {
                    site: self.site,
                    asm: self.asm,
                    year: summary.year,
                },
                totals: TotalsJson {
                    schema,
                    totals: &summary.totals,
                    ids: &ids,
                },
            })?;
        }
        seq.end()
    }
}

/// Write the whole site's data as one JSON document, streamed: townships
/// are built one at a time, so memory does not grow with the site.
pub fn write_all_json<W: std::io::Write>(
    site: &Site,
    asm: &Assembled,
    writer: W,
) -> std::io::Result<()> {
    let (groups, metrics) = json_schema(&site.config.schema);
    write_json(
        &AllJson {
            version: JSON_VERSION,
            site: &site.config.title,
            base_url: &site.config.base_url,
            language: site.config.language.tag(),
            as_of: site.as_of.to_string(),
            groups,
            metrics,
            townships: AllTownships { site, asm },
            years: AllYears { site, asm },
        },
        writer,
    )
}

/// The whole site's data in memory (small sites, tests).
pub fn all_json(site: &Site, asm: &Assembled) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write_all_json(site, asm, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// XLSX building.
pub mod xlsx {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

    use super::{Record, neutralize};
    use crate::figure::{Figure, Kind, Precision, Stated};
    use crate::i18n::Lang;
    use crate::render::views::Words;

    /// The lines of the notes sheet (keys of the translation table).
    pub const NOTES: [&str; 7] = [
        "xlsx_note_numbers",
        "xlsx_note_inexact",
        "xlsx_note_rounding",
        "xlsx_note_words",
        "xlsx_note_coverage",
        "xlsx_note_changes",
        "xlsx_note_machine",
    ];

    /// A cell of a wide sheet.
    pub enum Cell<'a> {
        /// Text.
        Text(String),
        /// A figure of a kind.
        Figure(&'a Figure, Kind),
    }

    /// A wide sheet: a title, headers and rows.
    pub struct Sheet<'a> {
        /// Sheet name (at most 31 characters).
        pub name: String,
        /// Column headers.
        pub headers: Vec<String>,
        /// Rows of cells.
        pub rows: Vec<Vec<Cell<'a>>>,
    }

    fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
        let mut clean: String = name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(28)
            .collect();
        if clean.is_empty() {
            clean = "Sheet".into();
        }
        let mut candidate = clean.clone();
        let mut n = 1;
        while used.contains(&candidate) {
            n += 1;
            candidate = format!("{clean}{n}");
        }
        used.push(candidate.clone());
        candidate
    }

    /// The number format of one figure's cell, chosen for that figure so
    /// Excel shows it as the site does: as many decimals as it has (money:
    /// two when exact), no trailing dot, and the report's word around an
    /// inexact number (`#,##0"余"`, `"超过"#,##0`). A number written with 万
    /// cannot be scaled by a format, so its cell shows its text as written
    /// (the cell still holds the number).
    pub fn number_format(s: &Stated, kind: Kind, lang: Lang) -> String {
        let decimals = match (kind, s.precision) {
            (Kind::Money, Precision::Exact) => 2,
            (Kind::Count, _) => 0,
            _ => s.amount.natural_decimals(),
        };
        let mut base = "#,##0".to_string();
        if decimals > 0 {
            base.push('.');
            base.push_str(&"0".repeat(usize::from(decimals)));
        }
        if kind == Kind::Rate {
            base.push_str("\"%\"");
        }
        let display = crate::format::stated(s, kind, lang);
        if s.precision == Precision::Exact {
            return base;
        }
        if s.written
            .as_ref()
            .is_some_and(|w| w.number.contains(['万', '亿']))
        {
            return format!("\"{}\"", display.replace('"', ""));
        }
        // The words around the number, as `format::stated` puts them.
        let number = s.amount.to_grouped(s.amount.natural_decimals());
        let pct = if kind == Kind::Rate { "%" } else { "" };
        let shown = format!("{number}{pct}");
        match display.split_once(&shown) {
            Some((before, after)) => {
                let quote = |t: &str| {
                    if t.is_empty() {
                        String::new()
                    } else {
                        format!("\"{}\"", t.replace('"', ""))
                    }
                };
                let base = base.trim_end_matches("\"%\"");
                format!("{}{base}{}", quote(before), quote(&format!("{pct}{after}")))
            }
            None => format!("\"{}\"", display.replace('"', "")),
        }
    }

    fn write_figure(
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        f: &Figure,
        kind: Kind,
        lang: Lang,
    ) -> Result<(), XlsxError> {
        match f {
            Figure::Stated(s) => {
                // Excel holds numbers as doubles; the exact decimal text is in the CSV and JSON.
                let text = crate::format::plain_stated(s, kind);
                let value: f64 = text.parse().unwrap_or(0.0);
                let fmt = Format::new().set_num_format(number_format(s, kind, lang));
                ws.write_number_with_format(row, col, value, &fmt)?;
            }
            other => {
                ws.write_string(row, col, crate::format::cell(other, kind, lang))?;
            }
        }
        Ok(())
    }

    /// A workbook of wide sheets plus the long data sheet; created at `date`.
    pub fn workbook(
        sheets: &[Sheet<'_>],
        records: &[Record],
        date: jiff::civil::Date,
        w: &Words,
    ) -> Result<Vec<u8>, String> {
        build(sheets, records, date, w).map_err(|e| e.to_string())
    }

    fn build(
        sheets: &[Sheet<'_>],
        records: &[Record],
        date: jiff::civil::Date,
        w: &Words,
    ) -> Result<Vec<u8>, XlsxError> {
        let lang = w.lang();
        let mut wb = Workbook::new();
        // Fast compression: the files stay small, and the build stays fast
        // (default deflate made workbooks the largest cost of a big build).
        wb.set_zip_compression_level(1);
        let created = ExcelDateTime::from_ymd(
            u16::try_from(date.year()).unwrap_or(2000),
            u8::try_from(date.month()).unwrap_or(1),
            u8::try_from(date.day()).unwrap_or(1),
        )?;
        wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let header = Format::new().set_bold();
        let mut used = Vec::new();
        for sheet in sheets {
            let ws = wb.add_worksheet();
            ws.set_name(sheet_name(&sheet.name, &mut used))?;
            for (c, h) in sheet.headers.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                ws.write_string_with_format(0, col, neutralize(h).as_ref(), &header)?;
                ws.set_column_width(col, if c == 0 { 16 } else { 14 })?;
            }
            for (r, cells) in sheet.rows.iter().enumerate() {
                let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
                for (c, cell) in cells.iter().enumerate() {
                    let col = u16::try_from(c).unwrap_or(u16::MAX);
                    match cell {
                        Cell::Text(t) => {
                            ws.write_string(row, col, neutralize(t).as_ref())?;
                        }
                        Cell::Figure(f, kind) => write_figure(ws, row, col, f, *kind, lang)?,
                    }
                }
            }
            ws.set_freeze_panes(1, 1)?;
        }
        // Figures outside the schema, with their status spelled out. (The
        // long table of every figure is the CSV and JSON; repeating it here
        // made workbooks the largest cost of a big build.)
        let others: Vec<&Record> = records.iter().filter(|r| r.row == "other").collect();
        if !others.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name(sheet_name(
                lang.pick("其他数据", "other figures"),
                &mut used,
            ))?;
            let headers = [
                "year", "township", "group", "label", "unit", "value", "status", "display",
            ];
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &header)?;
            }
            for (i, r) in others.iter().enumerate() {
                let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
                ws.write_number(row, 0, f64::from(r.year))?;
                ws.write_string(row, 1, neutralize(&r.township).as_ref())?;
                ws.write_string(row, 2, neutralize(&r.group).as_ref())?;
                ws.write_string(row, 3, neutralize(&r.label).as_ref())?;
                ws.write_string(row, 4, neutralize(&r.unit).as_ref())?;
                if let Ok(v) = r.value.parse::<f64>() {
                    ws.write_number(row, 5, v)?;
                }
                ws.write_string(row, 6, r.status)?;
                ws.write_string(row, 7, neutralize(&r.display).as_ref())?;
            }
            ws.set_freeze_panes(1, 0)?;
        }
        // Changes against each township's previous report, with the year
        // compared to (not always the previous calendar year).
        let changes: Vec<&Record> = records
            .iter()
            .filter(|r| r.row == "township" && !r.change.is_empty())
            .collect();
        if !changes.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name(sheet_name(w.get("xlsx_changes"), &mut used))?;
            let headers = [
                w.get("years"),
                w.get("township"),
                w.get("figure"),
                w.get("unit"),
                w.get("value"),
                w.get("change_compared_to"),
                w.get("change"),
            ];
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &header)?;
            }
            for (i, r) in changes.iter().enumerate() {
                let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
                ws.write_number(row, 0, f64::from(r.year))?;
                ws.write_string(row, 1, neutralize(&r.township).as_ref())?;
                ws.write_string(row, 2, neutralize(&r.label).as_ref())?;
                ws.write_string(row, 3, neutralize(&r.unit).as_ref())?;
                ws.write_string(row, 4, neutralize(&r.display).as_ref())?;
                let base = r.change_from.unwrap_or(r.year);
                let label = if r.year.checked_sub(1) == Some(base) {
                    w.get("change_prev_year").to_string()
                } else {
                    w.fill("change_since_fmt", &[("year", &base.to_string())])
                };
                ws.write_string(row, 5, &label)?;
                if let Ok(v) = r.change.parse::<f64>() {
                    ws.write_number(row, 6, v)?;
                }
            }
            ws.set_column_width(2, 24)?;
            ws.set_freeze_panes(1, 0)?;
        }
        // How to read the sheets.
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(lang.pick("说明", "notes"), &mut used))?;
        ws.set_column_width(0, 100)?;
        for (i, key) in NOTES.iter().enumerate() {
            ws.write_string(u32::try_from(i).unwrap_or(0), 0, w.get(key))?;
        }
        wb.save_to_buffer()
    }
}

/// The wide sheets of a year: first the townships with their disclosure
/// status and rank (those the site does not cover that year too), then one
/// sheet per group like the year page, each total and district subtotal
/// followed by a row saying how many townships it counts ("n of m").
pub fn year_sheets<'a>(
    site: &'a Site,
    summary: &'a YearSummary,
    w: &super::views::Words,
) -> Vec<xlsx::Sheet<'a>> {
    let schema = &site.config.schema;
    let lang = site.config.language;
    let reports: Vec<&Report> = summary
        .rows
        .iter()
        .filter_map(|r| r.report.and_then(|i| site.reports.get(i)))
        .collect();
    let used = assemble::stated_metrics(schema, &reports);
    let mut sheets = Vec::new();

    let rank_label = site
        .config
        .rank_metric
        .and_then(|id| schema.metric(id))
        .map(|m| super::views::labels(m, lang).0);
    let mut headers = vec![
        w.get("township").to_string(),
        w.get("district").to_string(),
        w.get("status").to_string(),
    ];
    if let Some(l) = &rank_label {
        headers.push(format!(
            "{}{}{l}{}",
            w.get("rank"),
            w.get("paren_open"),
            w.get("paren_close")
        ));
    }
    let mut rows: Vec<Vec<xlsx::Cell<'a>>> = Vec::new();
    let status_row =
        |t: &crate::model::Township, status: assemble::Status, rank: Option<&assemble::Rank>| {
            let mut cells = vec![
                xlsx::Cell::Text(super::views::township_name(t, lang)),
                xlsx::Cell::Text(t.district.clone().unwrap_or_default()),
                xlsx::Cell::Text(w.get(&format!("status_{}", status.key())).to_string()),
            ];
            if rank_label.is_some() {
                cells.push(xlsx::Cell::Text(
                    rank.map(|r| format::rank(r.best, r.worst, r.tied, lang))
                        .unwrap_or_default(),
                ));
            }
            cells
        };
    for row in &summary.rows {
        if let Some(t) = site.townships.get(row.township) {
            rows.push(status_row(t, row.status, row.rank.as_ref()));
        }
    }
    for &ti in &summary.not_covered {
        if let Some(t) = site.townships.get(ti) {
            rows.push(status_row(t, assemble::Status::NotCovered, None));
        }
    }
    rows.push(vec![
        xlsx::Cell::Text(w.get("reported_of").to_string()),
        xlsx::Cell::Text(String::new()),
        xlsx::Cell::Text(super::views::coverage(
            summary.reported(),
            summary.rows.len(),
            w,
        )),
    ]);
    sheets.push(xlsx::Sheet {
        name: w.get("disclosure_status").to_string(),
        headers,
        rows,
    });

    for (gi, g) in schema.groups().iter().enumerate() {
        let metrics: Vec<&(MetricId, &Metric)> =
            used.iter().filter(|(_, m)| m.group.index() == gi).collect();
        if metrics.is_empty() {
            continue;
        }
        let mut headers = vec![w.get("township").to_string(), w.get("district").to_string()];
        headers.extend(metrics.iter().map(|(_, m)| {
            let (l, u) = super::views::labels(m, lang);
            format!("{l}{}{u}{}", w.get("paren_open"), w.get("paren_close"))
        }));
        let mut rows = Vec::new();
        for row in &summary.rows {
            let Some(t) = site.townships.get(row.township) else {
                continue;
            };
            let r = row.report.and_then(|i| site.reports.get(i));
            let mut cells = vec![
                xlsx::Cell::Text(super::views::township_name(t, lang)),
                xlsx::Cell::Text(t.district.clone().unwrap_or_default()),
            ];
            for (id, m) in &metrics {
                let f = r.map_or(&NOT_REPORTED, |r| r.figure(*id));
                cells.push(xlsx::Cell::Figure(f, m.kind));
            }
            rows.push(cells);
        }
        let mut total_rows = |label: String, district: String, totals: &'a [Total]| {
            let mut cells = vec![
                xlsx::Cell::Text(label.clone()),
                xlsx::Cell::Text(district.clone()),
            ];
            let mut coverage = vec![
                xlsx::Cell::Text(format!("{label} {}", w.get("reported_of"))),
                xlsx::Cell::Text(district),
            ];
            for (id, m) in &metrics {
                let t = totals.get(id.index());
                cells.push(total_cell(t, m, w));
                coverage.push(xlsx::Cell::Text(
                    t.map(|t| super::views::coverage(t.reported, t.of, w))
                        .unwrap_or_default(),
                ));
            }
            rows.push(cells);
            rows.push(coverage);
        };
        for d in &summary.districts {
            total_rows(
                format!("{} {}", d.district, w.get("subtotal")),
                d.district.clone(),
                &d.totals,
            );
        }
        total_rows(w.get("total").to_string(), String::new(), &summary.totals);
        sheets.push(xlsx::Sheet {
            name: lang.pick(&g.label, &g.label_en).to_string(),
            headers,
            rows,
        });
    }
    sheets
}

static NOT_REPORTED: Figure = Figure::NotReported;

fn total_cell<'a>(total: Option<&'a Total>, m: &Metric, w: &super::views::Words) -> xlsx::Cell<'a> {
    match total {
        Some(t) if t.summed && t.reported > 0 => xlsx::Cell::Figure(&t.figure, m.kind),
        Some(t) if !t.summed => xlsx::Cell::Text(w.get("not_summed").to_string()),
        _ => xlsx::Cell::Text("—".to_string()),
    }
}

/// The wide sheet of a township: metrics by year.
pub fn township_sheets<'a>(site: &'a Site, reports: &[&'a Report]) -> Vec<xlsx::Sheet<'a>> {
    let schema = &site.config.schema;
    let lang = site.config.language;
    let used = assemble::stated_metrics(schema, reports);
    let mut headers = vec![
        lang.pick("指标", "Figure").to_string(),
        lang.pick("单位", "Unit").to_string(),
    ];
    headers.extend(reports.iter().map(|r| r.year.to_string()));
    let rows = used
        .iter()
        .map(|(id, m)| {
            let (l, u) = super::views::labels(m, lang);
            let mut cells = vec![xlsx::Cell::Text(l), xlsx::Cell::Text(u)];
            cells.extend(
                reports
                    .iter()
                    .map(|r| xlsx::Cell::Figure(r.figure(*id), m.kind)),
            );
            cells
        })
        .collect();
    vec![xlsx::Sheet {
        name: lang.pick("历年数据", "by year").to_string(),
        headers,
        rows,
    }]
}
