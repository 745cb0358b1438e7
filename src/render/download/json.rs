//! JSON downloads: a year's figures and `data/all.json` (streamed), with exact decimal numbers and HTML-safe text.

use super::*;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::assemble::{self, Assembled, Total, YearSummary};
use crate::figure::{Figure, Kind};
use crate::format;
use crate::i18n::Lang;
use crate::model::{Report, Township, Year};
use crate::schema::{MetricId, Schema};
use crate::site::Site;

use crate::render::paths;

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
    group: &'a str,
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
                    value: number(&crate::format::plain_figure(&e.figure, m.kind)),
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
            let record = total_record(
                0,
                "",
                std::borrow::Cow::Borrowed(""),
                "total",
                self.schema,
                m,
                t,
            );
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
            value: number(&crate::format::plain_figure(&o.figure, o.kind)),
            status: o.figure.status(),
            display: format::cell(&o.figure, o.kind, Lang::Zh),
        })
        .collect()
}

fn json_report<'a>(site: &'a Site, r: &'a Report, previous: Option<&'a Report>) -> JsonReport<'a> {
    JsonReport {
        year: r.year,
        title: &r.title,
        url: crate::render::canonical(&site.config.base_url, &paths::report(&r.township, r.year)),
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
        url: crate::render::canonical(&site.config.base_url, &paths::township(&t.slug)),
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
        // Byte by byte (the text is large: every figure of the site): the
        // three ASCII characters are single bytes, and U+2028 / U+2029 are
        // `E2 80 A8` / `E2 80 A9`, cut at character boundaries.
        let bytes = fragment.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let (esc, len) = match b {
                b'<' => ("\\u003c", 1),
                b'>' => ("\\u003e", 1),
                b'&' => ("\\u0026", 1),
                0xe2 => match bytes.get(i + 1..i + 3) {
                    Some([0x80, 0xa8]) => ("\\u2028", 3),
                    Some([0x80, 0xa9]) => ("\\u2029", 3),
                    _ => {
                        i += 1;
                        continue;
                    }
                },
                _ => {
                    i += 1;
                    continue;
                }
            };
            writer.write_all(bytes.get(start..i).unwrap_or_default())?;
            writer.write_all(esc.as_bytes())?;
            i += len;
            start = i;
        }
        writer.write_all(bytes.get(start..).unwrap_or_default())
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
    let mut out = Vec::new();
    write_year_json(site, asm, summary, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// [`year_json`], written to `writer`.
pub fn write_year_json<W: std::io::Write>(
    site: &Site,
    asm: &Assembled,
    summary: &YearSummary,
    writer: W,
) -> std::io::Result<()> {
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
            let t = site.township_at(row.township)?;
            let previous = row
                .report
                .and_then(|i| asm.previous.get(i).copied().flatten())
                .and_then(|i| site.report_at(i));
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
                    .and_then(|i| site.report_at(i))
                    .map(|r| json_report(site, r, previous)),
            })
        })
        .collect();
    townships.extend(summary.not_covered.iter().filter_map(|&ti| {
        let t = site.township_at(ti)?;
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
    write_json(&doc, writer)
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

/// How many townships of `all.json` are written in parallel at a time:
/// enough to keep every thread busy, few enough that their text stays
/// small in memory.
const ALL_JSON_BATCH: usize = 64;

impl Serialize for AllTownships<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use rayon::prelude::*;
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.asm.order.len()))?;
        // Each township's text made in parallel, a batch at a time, then
        // written in order as it is (the same bytes as one serializer
        // writing them all).
        for batch in self.asm.order.chunks(ALL_JSON_BATCH) {
            let texts: Vec<std::io::Result<Vec<u8>>> = batch
                .par_iter()
                .filter_map(|&ti| {
                    let t = self.site.township_at(ti)?;
                    let reports: Vec<&Report> = self
                        .asm
                        .by_township
                        .get(ti)
                        .map(|l| l.iter().filter_map(|&i| self.site.report_at(i)).collect())
                        .unwrap_or_default();
                    let mut text = Vec::with_capacity(16 * 1024);
                    let mut ser = serde_json::Serializer::with_formatter(&mut text, HtmlSafe);
                    let written = json_township(self.site, t, &reports)
                        .serialize(&mut ser)
                        .map_err(std::io::Error::other);
                    Some(written.map(|()| text))
                })
                .collect();
            for text in texts {
                let text = text
                    .and_then(|t| String::from_utf8(t).map_err(std::io::Error::other))
                    .map_err(S::Error::custom)?;
                let raw =
                    serde_json::value::RawValue::from_string(text).map_err(S::Error::custom)?;
                seq.serialize_element(&raw)?;
            }
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
            if let Some(t) = self.site.township_at(ti) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Markup characters and the two JavaScript line terminators are
    /// escaped wherever they stand, every other character is kept, and the
    /// JSON reads back to the same text.
    #[test]
    fn strings_are_escaped_for_pages_byte_by_byte() {
        let text = "<b>罚款&没收</b>\u{2028}行\u{2029}段\u{2027}‧—…&";
        let out = to_json(&text).unwrap_or_default();
        let json = String::from_utf8(out).unwrap_or_default();
        assert_eq!(
            json,
            "\"\\u003cb\\u003e罚款\\u0026没收\\u003c/b\\u003e\\u2028行\\u2029段\u{2027}‧—…\\u0026\"\n"
        );
        assert_eq!(
            serde_json::from_str::<String>(&json).ok().as_deref(),
            Some(text)
        );
        for c in (0..=0x10_ffffu32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let json = String::from_utf8(to_json(&s).unwrap_or_default()).unwrap_or_default();
            assert_eq!(serde_json::from_str::<String>(&json).ok(), Some(s), "{c:?}");
            if matches!(c, '"' | '\\') {
                continue; // JSON's own escapes, which appear in any case
            }
            // Ours, and JSON's escapes of control characters.
            let escaped = matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || c < ' ';
            let inner = json.strip_suffix('\n').unwrap_or(&json);
            assert_eq!(!inner.contains(c), escaped, "{c:?}");
        }
    }
}
