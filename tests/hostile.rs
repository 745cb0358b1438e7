//! Hostile input: XSS payloads in every front-matter field and in the body
//! must not survive into any output file (HTML, feed, sitemap, JSON, CSV,
//! XLSX); spreadsheet formulas are neutralised in text cells while typed
//! numbers (a negative change) are never altered.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

const SCRIPT: &str = "<script>alert('x')</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"点我\")";

/// A site whose every text field carries a payload.
fn hostile_site(root: &Path) {
    let p = format!("{SCRIPT}{IMG}");
    let yaml = |s: &str| serde_json::to_string(s).unwrap(); // JSON strings are YAML strings
    std::fs::write(
        root.join("gongshi.yaml"),
        format!(
            "title: {}\ndescription: {}\nbase_url: https://x.example.cn/\ndistricts: [{}]\nas_of: 2026-06-30\n\
             schema:\n  metrics:\n    inspections: {{label: {}, label_en: {}}}\n",
            yaml(&format!("标题{p}")),
            yaml(&format!("说明{p}")),
            yaml(&format!("区{p}")),
            yaml(&format!("检查{p}")),
            yaml(&format!("insp{p}")),
        ),
    )
    .unwrap();
    let t = root.join("content/evil");
    std::fs::create_dir_all(t.join("2025")).unwrap();
    std::fs::write(
        t.join("_index.md"),
        format!(
            concat!(
                "---\nname: {}\nname_en: {}\ndistrict: {}\nenforcement_body: {}\ncontact:\n  address: {}\n  phone: {}\n",
                "powers:\n  hotline: {}\n  officers:\n    - {{name: {}, certificate: {}, category: {}, area: {}}}\n",
                "  items:\n    - {{name: {}, category: {}, basis: {}}}\n  remedies:\n    - {{kind: {}, body: {}, time_limit: {}}}\n---\n",
                "简介 {} <iframe src=\"https://evil.example\"></iframe>\n"
            ),
            yaml(&format!("{FORMULA}镇")),
            yaml(&format!("Evil{p}")),
            yaml(&format!("区{p}")),
            yaml(&format!("执法队{p}")),
            yaml(&format!("地址{p}")),
            yaml(&format!("@SUM(1+1){p}")),
            yaml(&format!("+1{p}")),
            yaml(&format!("姓名{p}")),
            yaml(&format!("-证号{p}")),
            yaml(&format!("类别{p}")),
            yaml(&format!("区域{p}")),
            yaml(&format!("事项{p}")),
            yaml(&format!("处罚{p}")),
            yaml(&format!("依据{p}")),
            yaml(&format!("复议{p}")),
            yaml(&format!("机关{p}")),
            yaml(&format!("期限{p}")),
            SCRIPT,
        ),
    )
    .unwrap();
    let report = |year: i32, inspections: &str, extra: &str| {
        format!(
            "---\ntitle: {}\nyear: {year}\npublished: {year}-12-10\nsource: {}\n{extra}metrics:\n  inspections: {inspections}\n\
             other_figures:\n  - {{label: {}, value: 5, unit: {}}}\n---\n\
             ## 标题 {SCRIPT}\n\n正文{IMG}\n\n<div onclick=\"alert(1)\"><object data=\"x\"></object><embed src=\"x\"></div>\n\n\
             [链接](javascript:alert(1)) [数据](data:text/html,<script>alert(1)</script>) ![图](javascript:alert(2))\n\n\
             | 表头 | <span onmouseover=\"alert(1)\">x</span> |\n|---|---|\n| {SCRIPT} | <a href=\"javascript:alert(3)\">y</a> |\n",
            yaml(&format!("{FORMULA}{p}")),
            yaml(&format!("来源{p}")),
            yaml(&format!("-其他{p}")),
            yaml(&format!("处{p}")),
        )
    };
    std::fs::write(t.join("2024.md"), report(2024, "30", "")).unwrap();
    std::fs::write(
        t.join("2025.md"),
        report(
            2025,
            "14",
            &format!(
                "updated: 2026-01-05\nrevisions:\n  - {{date: 2026-01-05, reason: {}}}\n",
                yaml(&format!("更正{p}"))
            ),
        ),
    )
    .unwrap();
    std::fs::write(
        t.join("2025")
            .join(format!("附件{IMG}.pdf").replace('/', "／")),
        "%PDF-1.4",
    )
    .unwrap();
}

fn check_html(path: &Path, text: &str) {
    let doc = scraper::Html::parse_document(text);
    let all = scraper::Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let name = el.value().name();
        assert!(
            !["iframe", "object", "embed"].contains(&name),
            "{}: <{name}> survived",
            path.display()
        );
        if name == "script" {
            let src = el.value().attr("src").unwrap_or("");
            assert!(
                (src.ends_with("assets/site.js") || src.ends_with("assets/search.js"))
                    && el.inner_html().trim().is_empty(),
                "{}: a script survived",
                path.display()
            );
        }
        for (attr, value) in el.value().attrs() {
            assert!(
                !attr.starts_with("on"),
                "{}: <{name} {attr}> survived",
                path.display()
            );
            if ["href", "src", "action", "data", "formaction", "xlink:href"].contains(&attr) {
                let v = value.trim().to_ascii_lowercase();
                // The 404 page's own empty icon (`data:,`) cannot carry anything.
                if v == "data:," && name == "link" {
                    continue;
                }
                assert!(
                    !v.starts_with("javascript:")
                        && !v.starts_with("data:")
                        && !v.starts_with("vbscript:"),
                    "{}: {attr}={value}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn no_payload_survives_in_any_output() {
    let site = tempfile::tempdir().unwrap();
    hostile_site(site.path());
    let built = common::build(site.path());
    let files = common::tree(&built.out);
    assert!(files.len() > 20);
    let mut checked = [0usize; 5];
    for (path, bytes) in &files {
        let full = built.out.join(path);
        if path.ends_with(".html") {
            check_html(&full, &String::from_utf8(bytes.clone()).unwrap());
            checked[0] += 1;
        } else if path.ends_with(".xml") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                !text.contains("<script") && !text.contains("<img"),
                "{path}: markup survived"
            );
            if path == "feed.xml" {
                assert!(
                    text.contains("&lt;script&gt;"),
                    "{path}: the payload is kept as escaped text"
                );
            }
            checked[1] += 1;
        } else if path.ends_with(".json") && !path.starts_with("search/") {
            // (The search index's files are data for assets/search.js, which
            // shows their text as text: tests/browser.rs searches a report
            // with markup in it.)
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                !text.contains('<') && !text.contains('>'),
                "{path}: raw markup characters in JSON"
            );
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(
                v.to_string().contains(SCRIPT),
                "{path}: the data itself is kept, only escaped"
            );
            checked[2] += 1;
        } else if path.ends_with(".csv") {
            let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let headers = reader.headers().unwrap().clone();
            let change_col = headers.iter().position(|h| h == "change").unwrap();
            let mut saw_negative_change = false;
            let mut saw_neutralised = false;
            for record in reader.records() {
                let record = record.unwrap();
                for (i, cell) in record.iter().enumerate() {
                    if i == change_col || headers.get(i) == Some("value") {
                        assert!(
                            cell.is_empty() || cell.parse::<f64>().is_ok(),
                            "{path}: number {cell}"
                        );
                        saw_negative_change |= i == change_col && cell == "-16";
                    } else {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@']),
                            "{path}: formula cell {cell}"
                        );
                        saw_neutralised |= cell == format!("'{FORMULA}镇");
                    }
                }
            }
            if path == "data/2025.csv" || path == "data/townships/evil.csv" {
                assert!(
                    saw_negative_change,
                    "{path}: the change 30 → 14 is written as -16"
                );
                assert!(
                    saw_neutralised,
                    "{path}: the formula is neutralised, not dropped"
                );
            }
            checked[3] += 1;
        } else if path.ends_with(".xlsx") {
            use calamine::{Data, Reader};
            let mut book: calamine::Xlsx<_> = calamine::open_workbook(&full).unwrap();
            let mut saw_neutralised = false;
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                for cell in range.used_cells().map(|(_, _, c)| c) {
                    if let Data::String(s) = cell {
                        assert!(
                            !s.starts_with(['=', '+', '-', '@']),
                            "{path}/{name}: formula text {s}"
                        );
                        saw_neutralised |= s.starts_with("'=HYPERLINK");
                    }
                }
                let formulas = book.worksheet_formula(&name).unwrap();
                assert!(
                    formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                    "{path}: a formula cell"
                );
            }
            assert!(saw_neutralised, "{path}: the neutralised title is kept");
            checked[4] += 1;
        }
    }
    assert!(checked.iter().all(|n| *n > 0), "{checked:?}");
    // The attachment is copied under its own name and linked percent-encoded.
    assert!(
        files.keys().any(|k| k.starts_with("evil/2025/附件")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
}
