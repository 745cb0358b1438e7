//! XLSX downloads, for people: numbers as numbers (an inexact figure is its
//! number with a display format adding its word), totals as values, never
//! formulas; one sheet per group, a status sheet, the figures outside the
//! schema and notes; the creation time is the status date.

use crate::assemble::{self, Total, YearSummary};
use crate::format;
use crate::model::Report;
use crate::schema::{Metric, MetricId};
use crate::site::Site;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::*;
use super::{Record, neutralize};
use crate::figure::{Figure, Kind, Precision, Stated};
use crate::i18n::Lang;
use crate::i18n::Words;

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
    if s.precision == Precision::Exact {
        return base;
    }
    let display = crate::format::stated(s, kind, lang);
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

/// The number formats of a workbook, each made once: a year's sheets use
/// a handful of formats over some hundred thousand cells.
#[derive(Default)]
struct Formats(std::collections::HashMap<String, Format>);

impl Formats {
    fn get(&mut self, number_format: String) -> &Format {
        self.0
            .entry(number_format)
            .or_insert_with_key(|f| Format::new().set_num_format(f))
    }
}

fn write_figure(
    ws: &mut Worksheet,
    formats: &mut Formats,
    (row, col): (u32, u16),
    f: &Figure,
    kind: Kind,
    lang: Lang,
) -> Result<(), XlsxError> {
    match f {
        Figure::Stated(s) => {
            // Excel holds numbers as doubles; the exact decimal text is in the CSV and JSON.
            let text = crate::format::plain_stated(s, kind);
            let value: f64 = text.parse().unwrap_or(0.0);
            let fmt = formats.get(number_format(s, kind, lang));
            ws.write_number_with_format(row, col, value, fmt)?;
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
    workbook_in(sheets, records, date, w, None)
}

/// How a workbook's sheets are held while it is made.
#[derive(Clone, Copy)]
enum Rows<'a> {
    /// Row by row, each row in a temporary file (in this folder, else the
    /// system's) once the next begins.
    Flushed(Option<&'a std::path::Path>),
    /// Every cell in memory.
    Held,
}

/// [`workbook`], its temporary files in `tempdir` (else the system's). A
/// temporary folder that fails (no file can be made in it, or it fills
/// up) does not fail the build: the workbook is made again with its cells
/// in memory. The sheets are then the same but for each row's optional
/// `spans` hint.
fn workbook_in(
    sheets: &[Sheet<'_>],
    records: &[Record],
    date: jiff::civil::Date,
    w: &Words,
    tempdir: Option<&std::path::Path>,
) -> Result<Vec<u8>, String> {
    // rust_xlsxwriter 0.102 panics, rather than returning an error, when a
    // row cannot be written to its temporary file (a full disk).
    let flushed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build(sheets, records, date, w, Rows::Flushed(tempdir))
    }));
    match flushed {
        Ok(Err(XlsxError::TempFileError(..) | XlsxError::IoError(_))) | Err(_) => {
            build(sheets, records, date, w, Rows::Held)
        }
        Ok(made) => made,
    }
    .map_err(|e| e.to_string())
}

fn add_sheet<'w>(wb: &'w mut Workbook, rows: Rows<'_>) -> Result<&'w mut Worksheet, XlsxError> {
    match rows {
        Rows::Flushed(_) => wb.add_worksheet_with_low_memory(),
        Rows::Held => Ok(wb.add_worksheet()),
    }
}

fn build(
    sheets: &[Sheet<'_>],
    records: &[Record],
    date: jiff::civil::Date,
    w: &Words,
    rows: Rows<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let lang = w.lang();
    let mut wb = Workbook::new();
    if let Rows::Flushed(Some(dir)) = rows {
        wb.set_tempdir(dir)?;
    }
    // Fast compression: the files stay small, and the build stays fast
    // (default deflate made workbooks the largest cost of a big build).
    wb.set_zip_compression_level(1);
    // Every sheet is written row by row, in order, so each is added in the
    // crate's "low memory" mode (`Rows::Flushed`): a row goes to an unnamed
    // temporary file as soon as the next begins, and the strings stay
    // shared as in any workbook. Holding every cell of a
    // year's sheets instead made the workbooks the peak of a build's memory
    // (some 130 MB at 2,000 townships). The sheets are the same but for
    // the optional `spans` hint on each row.
    let created = ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(2000),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let header = Format::new().set_bold();
    let mut formats = Formats::default();
    let mut used = Vec::new();
    for sheet in sheets {
        let ws = add_sheet(&mut wb, rows)?;
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
                    Cell::Figure(f, kind) => {
                        write_figure(ws, &mut formats, (row, col), f, *kind, lang)?
                    }
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
        let ws = add_sheet(&mut wb, rows)?;
        ws.set_name(sheet_name(w.get("xlsx_sheet_other"), &mut used))?;
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
            ws.write_string(row, 2, neutralize(r.group).as_ref())?;
            ws.write_string(row, 3, neutralize(r.label).as_ref())?;
            ws.write_string(row, 4, neutralize(r.unit).as_ref())?;
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
        let ws = add_sheet(&mut wb, rows)?;
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
            ws.write_string(row, 2, neutralize(r.label).as_ref())?;
            ws.write_string(row, 3, neutralize(r.unit).as_ref())?;
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
    let ws = add_sheet(&mut wb, rows)?;
    ws.set_name(sheet_name(w.get("xlsx_sheet_notes"), &mut used))?;
    ws.set_column_width(0, 100)?;
    for (i, key) in NOTES.iter().enumerate() {
        ws.write_string(u32::try_from(i).unwrap_or(0), 0, w.get(key))?;
    }
    wb.save_to_buffer()
}

/// The wide sheets of a year: first the townships with their disclosure
/// status and rank (those the site does not cover that year too), then one
/// sheet per group like the year page, each total and district subtotal
/// followed by a row saying how many townships it counts ("n of m").
pub fn year_sheets<'a>(
    site: &'a Site,
    summary: &'a YearSummary,
    w: &crate::i18n::Words,
) -> Vec<xlsx::Sheet<'a>> {
    let schema = &site.config.schema;
    let lang = site.config.language;
    let reports: Vec<&Report> = summary
        .rows
        .iter()
        .filter_map(|r| r.report.and_then(|i| site.report_at(i)))
        .collect();
    let used = assemble::stated_metrics(schema, &reports);
    let mut sheets = Vec::new();

    let rank_label = site
        .config
        .rank_metric
        .and_then(|id| schema.metric(id))
        .map(|m| crate::format::labels(m, lang).0);
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
                xlsx::Cell::Text(crate::render::views::township_name(t, lang)),
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
        if let Some(t) = site.township_at(row.township) {
            rows.push(status_row(t, row.status, row.rank.as_ref()));
        }
    }
    for &ti in &summary.not_covered {
        if let Some(t) = site.township_at(ti) {
            rows.push(status_row(t, assemble::Status::NotCovered, None));
        }
    }
    rows.push(vec![
        xlsx::Cell::Text(w.get("reported_of").to_string()),
        xlsx::Cell::Text(String::new()),
        xlsx::Cell::Text(crate::format::coverage(
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
            let (l, u) = crate::format::labels(m, lang);
            format!("{l}{}{u}{}", w.get("paren_open"), w.get("paren_close"))
        }));
        let mut rows = Vec::new();
        for row in &summary.rows {
            let Some(t) = site.township_at(row.township) else {
                continue;
            };
            let r = row.report.and_then(|i| site.report_at(i));
            let mut cells = vec![
                xlsx::Cell::Text(crate::render::views::township_name(t, lang)),
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
                    t.map(|t| crate::format::total_coverage(t.reported, t.of, m, w))
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

fn total_cell<'a>(total: Option<&'a Total>, m: &Metric, w: &crate::i18n::Words) -> xlsx::Cell<'a> {
    match total {
        Some(t) if t.summed && t.reported > 0 => xlsx::Cell::Figure(&t.figure, m.kind),
        Some(t) if !t.summed => xlsx::Cell::Text(w.get("not_summed").to_string()),
        _ => xlsx::Cell::Text("—".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    /// Every cell of every sheet, as calamine reads them.
    fn cells(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<Data>>)> {
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let rows = range.rows().map(<[Data]>::to_vec).collect();
                (name, rows)
            })
            .collect()
    }

    #[test]
    fn a_temporary_folder_that_cannot_be_written_does_not_fail_the_workbook() {
        let w = Words::new(Lang::Zh, std::collections::BTreeMap::new());
        let fine = crate::figure::parse_figure("1,100余", Kind::Count).unwrap();
        let money = crate::figure::parse_figure("483340.60", Kind::Money).unwrap();
        let sheets = [Sheet {
            name: "行政检查".into(),
            headers: vec!["乡镇".into(), "检查".into(), "罚款".into()],
            rows: (0..50)
                .map(|i| {
                    vec![
                        Cell::Text(format!("镇{i}")),
                        Cell::Figure(&fine, Kind::Count),
                        if i % 2 == 0 {
                            Cell::Figure(&money, Kind::Money)
                        } else {
                            Cell::Figure(&NOT_REPORTED, Kind::Money)
                        },
                    ]
                })
                .collect(),
        }];
        let date = jiff::civil::date(2026, 1, 31);
        let usual = workbook(&sheets, &[], date, &w).unwrap();
        let missing = std::path::Path::new("/nonexistent/gongshi-tmp");
        assert!(matches!(
            build(&sheets, &[], date, &w, Rows::Flushed(Some(missing))),
            Err(XlsxError::TempFileError(..))
        ));
        let fallback = workbook_in(&sheets, &[], date, &w, Some(missing)).unwrap();
        let read = cells(usual);
        assert_eq!(read, cells(fallback));
        let (name, rows) = &read[0];
        assert_eq!(name, "行政检查");
        assert_eq!(rows.len(), 51);
        assert_eq!(rows[1][1], Data::Float(1100.0));
        assert_eq!(rows[1][2], Data::Float(483_340.6));
    }
}
