//! The open-data downloads, read back with independent readers: CSV with
//! BOM, XLSX with numbers as numbers and totals as values (read with
//! calamine), JSON with exact numbers; all agreeing on every figure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use common::{build, repo};

#[test]
fn xlsx_has_numbers_totals_as_values_and_a_fixed_creation_time() {
    let built = build(&repo());
    let path = built.out.join("data/2023.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("公开情况"));
    assert_eq!(names.get(1).map(String::as_str), Some("执法主体与人员"));
    assert_eq!(names.last().map(String::as_str), Some("说明"), "{names:?}");
    assert!(
        names.contains(&"其他数据".to_string()),
        "figures outside the schema: {names:?}"
    );
    let others = book.worksheet_range("其他数据").unwrap();
    let other_rows: Vec<String> = others
        .rows()
        .skip(1)
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        other_rows.contains(
            &"2023|张家窝镇|penalty|公共走道违规停放电动车罚款|元|1400|exact|1,400.00".to_string()
        ),
        "{other_rows:?}"
    );
    let penalty = book.worksheet_range("行政处罚").unwrap();
    let header: Vec<String> = penalty
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "乡镇（街道）");
    let fines_col = header.iter().position(|h| h == "罚款金额（元）").unwrap();
    let rows: Vec<Vec<Data>> = penalty.rows().map(<[Data]>::to_vec).collect();
    let zjw = rows
        .iter()
        .find(|r| r[0] == Data::String("张家窝镇".into()))
        .unwrap();
    assert_eq!(zjw[fines_col], Data::Float(483340.6), "money is a number");
    // 辛口镇 is not covered in 2023: not a row of the table (its status is
    // on the first sheet), and not counted in the total.
    assert!(rows.iter().all(|r| r[0] != Data::String("辛口镇".into())));
    let total = &rows[rows.len() - 2];
    assert_eq!(total[0], Data::String("合计".into()));
    assert_eq!(
        total[fines_col],
        Data::Float(483340.6),
        "the total is a value"
    );
    // Under the total, how many townships it counts.
    let coverage = rows.last().unwrap();
    assert_eq!(coverage[0], Data::String("合计 报告情况".into()));
    assert_eq!(
        coverage[fines_col],
        Data::String("1 个乡镇中 1 个报告".into())
    );
    let formulas = book.worksheet_formula("行政处罚").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas anywhere"
    );

    // The workbook is dated by the status date (the tests fix it at 2026-03-01).
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut core = String::new();
    zip.by_name("docProps/core.xml")
        .unwrap()
        .read_to_string(&mut core)
        .unwrap();
    assert!(
        core.contains(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-03-01T00:00:00Z</dcterms:created>"
        ),
        "{core}"
    );
}

#[test]
fn lower_bounds_keep_their_marker_in_every_format() {
    let built = build(&repo());
    // XLSX: the number, shown with 余 by its format.
    let mut book: Xlsx<_> = calamine::open_workbook(built.out.join("data/2025.xlsx")).unwrap();
    let inspection = book.worksheet_range("行政检查").unwrap();
    let xk: Vec<Data> = inspection
        .rows()
        .find(|r| r[0] == Data::String("辛口镇".into()))
        .unwrap()
        .to_vec();
    assert_eq!(xk[2], Data::Float(1100.0));
    // The township not covered in 2025 is in the status sheet, not in the tables.
    assert!(
        inspection
            .rows()
            .all(|r| r[0] != Data::String("张家窝镇".into()))
    );
    let statuses = book.worksheet_range("公开情况").unwrap();
    let statuses: Vec<String> = statuses
        .rows()
        .skip(1)
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            "辛口镇|西青区|按时公开|",
            "张家窝镇|西青区|未收录|",
            "报告情况||1 个乡镇中 1 个报告|",
        ]
    );
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(built.out.join("data/2025.xlsx")).unwrap())
            .unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(
        styles.contains("#,##0&quot;余&quot;"),
        "the lower-bound number format"
    );
    // CSV: value 1100, status lower_bound, display as written.
    let csv = std::fs::read_to_string(built.out.join("data/2025.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("2025,西青区,辛口镇,xinkou,township,inspection,inspections,行政检查,次,1100,lower_bound,\"1,100余\",false,,,,,\r\n"), "{csv}");
    // JSON: an exact number and its status.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(built.out.join("data/2025.json")).unwrap()).unwrap();
    let xinkou = json["townships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "xinkou")
        .unwrap();
    let insp = &xinkou["report"]["figures"]["inspections"];
    assert_eq!(insp["status"], "lower_bound");
    assert_eq!(insp["value"], serde_json::json!(1100));
    assert_eq!(insp["display"], "1,100余");
    // The total carries the marker and says how many reported.
    let total = &json["totals"]["inspections"];
    assert_eq!(
        (
            total["status"].as_str(),
            total["reported"].as_u64(),
            total["of"].as_u64()
        ),
        (Some("lower_bound"), Some(1), Some(1)),
        "the total counts the one township covered in 2025"
    );
}

#[test]
fn json_money_is_exact_and_all_json_holds_every_report() {
    let built = build(&repo());
    let raw = std::fs::read_to_string(built.out.join("data/all.json")).unwrap();
    assert!(raw.contains(r#""fines_general":{"value":473240.60,"status":"exact","display":"473,240.60","computed":false}"#), "exact decimals in the text");
    let all: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(all["version"], 2);
    let reports: usize = all["townships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["reports"].as_array().unwrap().len())
        .sum();
    assert_eq!(reports, 3);
    let years: Vec<i64> = all["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    // 2024 is there although nobody published: it is a year the site speaks about.
    assert_eq!(years, vec![2022, 2023, 2024, 2025]);
    assert_eq!(all["years"][1]["statuses"]["zhangjiawo"], "date_not_stated");
    assert_eq!(all["years"][1]["statuses"]["xinkou"], "not_covered");
    assert_eq!(
        all["years"][2]["coverage"],
        serde_json::json!({"reported": 0, "of": 0})
    );
    assert_eq!(
        all["years"][1]["totals"]["fines_total"]["value"],
        serde_json::json!(483340.6)
    );
}
