//! Every format says the same thing. For each year of each fixture site the
//! year page (HTML), the CSV, the XLSX (values read with calamine, number
//! formats read from the file and applied as Excel would) and the JSON are
//! read independently, and any figure, status, coverage ("n of m"), rank,
//! disclosure status or change that one of them states differently from
//! the others fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use common::{build, coverage_of, excel_display, fixture, html, hundredths, repo, sel, text};
use serde_json::Value;

/// One figure as a source states it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Obs {
    /// exact, lower_bound, approximate, not_applicable, not_reported, not_summed.
    status: String,
    /// The value in hundredths, when there is a number.
    value: Option<i128>,
    /// As shown to people (in the language the source uses).
    display: String,
    /// For totals: (reported, of).
    coverage: Option<(usize, usize)>,
}

/// A row of a year: a township's slug, `total`, or `subtotal:<district>`.
type Key = (String, String);

/// Everything one source says about a year.
#[derive(Debug, Default)]
struct Year {
    figures: BTreeMap<Key, Obs>,
    /// Disclosure status by township slug (covered and not covered).
    statuses: BTreeMap<String, String>,
    /// (reported, of) of the year.
    coverage: Option<(usize, usize)>,
    /// Rank text by slug, as the source writes it.
    ranks: BTreeMap<String, String>,
}

/// The text of an element without its nested marks (计, coverage notes).
fn own_text(el: scraper::ElementRef<'_>) -> String {
    el.children()
        .filter_map(|c| c.value().as_text().map(|t| t.trim().to_string()))
        .collect::<Vec<_>>()
        .join("")
}

fn status_of_class(class: &str) -> String {
    class
        .split(' ')
        .find_map(|c| c.strip_prefix("fig-"))
        .unwrap_or_default()
        .to_string()
}

/// The year page: every summary table, the statuses, the coverage, the ranks.
fn from_html(out: &Path, year: i32) -> (Year, BTreeMap<String, String>) {
    let path = format!("years/{year}/index.html");
    let page = html(&out.join(&path));
    let mut y = Year::default();
    let mut names = BTreeMap::new();
    if page.select(&sel("table.places")).next().is_some() {
        // Laid out by district: the year page has a row per district and
        // the total; each district's summary of the year (every page of
        // it) has its townships, and its total is the district's subtotal.
        for places in page.select(&sel("table.places")) {
            let metrics: Vec<String> = places
                .select(&sel("thead th[data-metric]"))
                .map(|th| th.value().attr("data-metric").unwrap().to_string())
                .collect();
            let total = places.select(&sel("tfoot tr.total")).next().unwrap();
            for (metric, td) in metrics.iter().zip(total.select(&sel("td.num"))) {
                let value = td.value().attr("data-value").unwrap();
                let cov = td.select(&sel(".coverage-cell")).next().map(text).unwrap();
                let obs = Obs {
                    status: status_of_class(td.value().attr("class").unwrap()),
                    value: (!value.is_empty()).then(|| hundredths(value)),
                    display: own_text(td),
                    coverage: Some(coverage_of(cov.trim_matches(['(', ')', '（', '）']))),
                };
                insert(
                    &mut y.figures,
                    ("total".into(), metric.clone()),
                    obs,
                    "HTML",
                );
            }
        }
        let places = page.select(&sel("table.places")).next().unwrap();
        let districts: Vec<(String, String)> = places
            .select(&sel("tbody tr.place-district th a"))
            .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
            .collect();
        for (district, href) in districts {
            let first = out.join("years").join(year.to_string()).join(decode(&href));
            let mut pages = vec![first.clone()];
            let doc = html(&first);
            for a in doc.select(&sel("nav.pages a:not([aria-current])")) {
                let h = a.value().attr("href").unwrap();
                pages.push(first.parent().unwrap().join(decode(h)));
            }
            for p in pages {
                read_page(
                    &html(&p),
                    &format!("subtotal:{district}"),
                    &mut y,
                    &mut names,
                );
            }
        }
        let meta = text(page.select(&sel("p.meta")).next().unwrap());
        y.coverage = Some(coverage_of(meta.split(" · ").next().unwrap()));
        return (y, names);
    }
    read_page(&page, "total", &mut y, &mut names);
    // The year's coverage.
    let meta = text(page.select(&sel("p.meta")).next().unwrap());
    let coverage = meta.split(" · ").next().unwrap();
    y.coverage = Some(coverage_of(coverage));
    (y, names)
}

/// The HTML of the pages with a year's township rows: the year page, or
/// on a site laid out by district every page of each district's summary
/// of the year (one after the other).
fn township_pages(out: &Path, year: i32) -> String {
    let path = out.join(format!("years/{year}/index.html"));
    let page = html(&path);
    let Some(places) = page.select(&sel("table.places")).next() else {
        return std::fs::read_to_string(&path).unwrap();
    };
    let mut all = String::new();
    for a in places.select(&sel("tbody tr.place-district th a")) {
        let first = out
            .join("years")
            .join(year.to_string())
            .join(decode(a.value().attr("href").unwrap()));
        all.push_str(&std::fs::read_to_string(&first).unwrap());
        let doc = html(&first);
        for p in doc.select(&sel("nav.pages a:not([aria-current])")) {
            let h = p.value().attr("href").unwrap();
            all.push_str(
                &std::fs::read_to_string(first.parent().unwrap().join(decode(h))).unwrap(),
            );
        }
    }
    all
}

/// The HTML of the pages with the status matrix.
fn matrix_pages(out: &Path) -> String {
    let home = out.join("index.html");
    let doc = html(&home);
    if doc.select(&sel("table.matrix")).next().is_some() {
        return std::fs::read_to_string(&home).unwrap();
    }
    let mut all = String::new();
    for a in doc.select(&sel("#h-districts ~ ul a")) {
        let first = out.join(decode(a.value().attr("href").unwrap()));
        all.push_str(&std::fs::read_to_string(&first).unwrap());
        let page = html(&first);
        for p in page.select(&sel("nav.pages a:not([aria-current])")) {
            let h = p.value().attr("href").unwrap();
            let path = first.parent().unwrap().join(decode(h));
            all.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    all
}

/// A percent-encoded link, decoded (district folders keep their names).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The summary tables of a year page (or a district's summary of the
/// year, whose total row is `total_key`), and the townships it does not
/// cover.
fn read_page(
    page: &scraper::Html,
    total_key: &str,
    y: &mut Year,
    names: &mut BTreeMap<String, String>,
) {
    for table in page.select(&sel("table.summary")) {
        let metrics: Vec<String> = table
            .select(&sel("thead th[data-metric]"))
            .map(|th| th.value().attr("data-metric").unwrap().to_string())
            .collect();
        let with_status = table.select(&sel("thead th")).count() > metrics.len() + 1;
        for tr in table.select(&sel("tbody tr")) {
            let th = tr.select(&sel("th")).next().unwrap();
            let slug = th.value().attr("data-value").unwrap().to_string();
            names.insert(text(th), slug.clone());
            if with_status {
                let badge = tr.select(&sel("a.status")).next().unwrap();
                let class = badge.value().attr("class").unwrap();
                let key = class
                    .split(' ')
                    .find_map(|c| c.strip_prefix("status-"))
                    .unwrap();
                y.statuses.insert(slug.clone(), key.to_string());
                let rank = tr.select(&sel("td.num")).last().map(text).unwrap();
                if rank != "—" {
                    y.ranks.insert(slug.clone(), rank);
                }
            }
            for (metric, td) in metrics.iter().zip(tr.select(&sel("td.num"))) {
                let class = td.value().attr("class").unwrap();
                let value = td.value().attr("data-value").unwrap();
                let obs = Obs {
                    status: status_of_class(class),
                    value: (!value.is_empty()).then(|| hundredths(value)),
                    display: own_text(td),
                    coverage: None,
                };
                insert(&mut y.figures, (slug.clone(), metric.clone()), obs, "HTML");
            }
        }
        // Each total and subtotal row is followed by its coverage row
        // ("n/m" per column).
        let mut totals: BTreeMap<Key, Obs> = BTreeMap::new();
        for tr in table.select(&sel("tfoot tr")) {
            let row = match tr.value().attr("data-district") {
                Some(d) => format!("subtotal:{d}"),
                None => total_key.to_string(),
            };
            let is_coverage = tr.value().classes().any(|c| c == "coverage-row");
            for (metric, td) in metrics.iter().zip(tr.select(&sel("td.num"))) {
                let key = (row.clone(), metric.clone());
                if is_coverage {
                    let obs = totals.get_mut(&key).unwrap_or_else(|| {
                        panic!("HTML {key:?}: a coverage row without its total")
                    });
                    assert!(obs.coverage.is_none(), "HTML {key:?}: two coverage rows");
                    obs.coverage = Some(coverage_of(&text(td)));
                    continue;
                }
                let class = td.value().attr("class").unwrap();
                let value = td.value().attr("data-value").unwrap();
                let obs = Obs {
                    status: status_of_class(class),
                    value: (!value.is_empty()).then(|| hundredths(value)),
                    display: own_text(td),
                    coverage: None,
                };
                assert!(
                    totals.insert(key, obs).is_none(),
                    "HTML: a total twice in a table"
                );
            }
        }
        for (key, obs) in totals {
            assert!(obs.coverage.is_some(), "HTML {key:?}: no coverage row");
            insert(&mut y.figures, key, obs, "HTML");
        }
    }
    // The townships it does not cover.
    for a in page.select(&sel("p.not-covered a[href$='/index.html']")) {
        let href = a.value().attr("href").unwrap();
        let slug = href.trim_start_matches("../").split('/').next().unwrap();
        if !href.contains("glossary") {
            y.statuses.insert(slug.to_string(), "not_covered".into());
            names.insert(text(a), slug.to_string());
        }
    }
}

fn insert(map: &mut BTreeMap<Key, Obs>, key: Key, obs: Obs, source: &str) {
    if let Some(old) = map.get(&key) {
        assert_eq!(old, &obs, "{source} states {key:?} twice, differently");
    }
    map.insert(key, obs);
}

/// The year's CSV: every record.
fn from_csv(out: &Path, year: i32) -> Year {
    let bytes = std::fs::read(out.join(format!("data/{year}.csv"))).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap();
    let mut reader = csv::Reader::from_reader(body);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut y = Year::default();
    for record in reader.records() {
        let r: BTreeMap<&str, String> = headers
            .iter()
            .map(String::as_str)
            .zip(record.unwrap().iter().map(String::from))
            .collect();
        let row = match r["row"].as_str() {
            "township" => r["township_slug"].clone(),
            "total" => "total".into(),
            "subtotal" => format!("subtotal:{}", r["district"]),
            _ => continue,
        };
        let coverage = (!r["reported"].is_empty())
            .then(|| (r["reported"].parse().unwrap(), r["of"].parse().unwrap()));
        let obs = Obs {
            status: r["status"].clone(),
            value: (!r["value"].is_empty()).then(|| hundredths(&r["value"])),
            display: r["display"].clone(),
            coverage,
        };
        if !r["rank"].is_empty() {
            y.ranks.insert(row.clone(), r["rank"].clone());
        }
        insert(&mut y.figures, (row, r["metric"].clone()), obs, "CSV");
    }
    y
}

fn json_obs(v: &Value) -> Obs {
    let value = match &v["value"] {
        Value::Null => None,
        n => Some(hundredths(&n.to_string())),
    };
    let coverage = v["reported"]
        .as_u64()
        .map(|n| (n as usize, v["of"].as_u64().unwrap() as usize));
    Obs {
        status: v["status"].as_str().unwrap().to_string(),
        value,
        display: v["display"].as_str().unwrap().to_string(),
        coverage,
    }
}

/// The year's JSON: figures (absent ones are not reported), totals,
/// statuses, coverage, ranks.
fn from_json(out: &Path, year: i32, metrics: &BTreeSet<String>) -> Year {
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join(format!("data/{year}.json"))).unwrap())
            .unwrap();
    let mut y = Year::default();
    for t in json["townships"].as_array().unwrap() {
        let slug = t["slug"].as_str().unwrap().to_string();
        let status = t["status"].as_str().unwrap().to_string();
        y.statuses.insert(slug.clone(), status.clone());
        if let Some(rank) = t["rank"]["display"].as_str() {
            y.ranks.insert(slug.clone(), rank.to_string());
        }
        if status == "not_covered" {
            assert!(t["report"].is_null());
            continue;
        }
        for m in metrics {
            let obs = match t["report"]["figures"].get(m) {
                Some(f) => json_obs(f),
                None => Obs {
                    status: "not_reported".into(),
                    value: None,
                    display: "未报告".into(),
                    coverage: None,
                },
            };
            insert(&mut y.figures, (slug.clone(), m.clone()), obs, "JSON");
        }
    }
    for (m, v) in json["totals"].as_object().unwrap() {
        insert(
            &mut y.figures,
            ("total".into(), m.clone()),
            json_obs(v),
            "JSON",
        );
    }
    for d in json["district_totals"].as_array().unwrap() {
        let row = format!("subtotal:{}", d["district"].as_str().unwrap());
        for (m, v) in d["totals"].as_object().unwrap() {
            insert(
                &mut y.figures,
                (row.clone(), m.clone()),
                json_obs(v),
                "JSON",
            );
        }
    }
    y.coverage = Some((
        json["coverage"]["reported"].as_u64().unwrap() as usize,
        json["coverage"]["of"].as_u64().unwrap() as usize,
    ));
    y
}

/// Words of the XLSX in the site's language.
struct Words {
    total: &'static str,
    subtotal: &'static str,
    reported_of: &'static str,
    not_reported: &'static str,
    not_applicable: &'static str,
    not_summed: &'static str,
}

const ZH: Words = Words {
    total: "合计",
    subtotal: "小计",
    reported_of: "报告情况",
    not_reported: "未报告",
    not_applicable: "无相关职责",
    not_summed: "不合计",
};
const EN: Words = Words {
    total: "Total",
    subtotal: "Subtotal",
    reported_of: "Reported",
    not_reported: "not reported",
    not_applicable: "n/a",
    not_summed: "not summed",
};

/// The year's workbook against the year page: every township, total and
/// subtotal cell of every group sheet (its number, and what its format
/// shows), each coverage row, and the status sheet.
fn check_xlsx(out: &Path, year: i32, page: &Year, names: &BTreeMap<String, String>, w: &Words) {
    let path = out.join(format!("data/{year}.xlsx"));
    let formats = common::xlsx_formats(&path);
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let html_page = scraper::Html::parse_document(&township_pages(out, year));
    let where_ = format!("{year}.xlsx");

    // The status sheet: every township with the page's status, and the coverage.
    let first = book.sheet_names()[0].clone();
    let statuses = book.worksheet_range(&first).unwrap();
    let mut seen = BTreeSet::new();
    for r in statuses.rows().skip(1) {
        let name = r[0].to_string();
        if name == w.reported_of {
            assert_eq!(
                Some(coverage_of(&r[2].to_string())),
                page.coverage,
                "{where_}"
            );
            continue;
        }
        let slug = &names[&name];
        let label = html_page
            .select(&sel(&format!("a.status.status-{}", page.statuses[slug])))
            .next()
            .map(text)
            .unwrap_or_else(|| panic!("{where_}: no badge for {slug}"));
        assert_eq!(r[2].to_string(), label, "{where_}: status of {slug}");
        let rank = page.ranks.get(slug).cloned().unwrap_or_default();
        if r.len() > 3 {
            assert_eq!(r[3].to_string(), rank, "{where_}: rank of {slug}");
        }
        seen.insert(slug.clone());
    }
    assert_eq!(
        seen,
        page.statuses.keys().cloned().collect(),
        "{where_}: the status sheet lists every township"
    );

    // Group sheets: one per table of the page, named as its heading.
    let mut checked = 0;
    let mut done: BTreeSet<String> = BTreeSet::new();
    for section in html_page.select(&sel("main section[aria-labelledby^='h-']")) {
        let Some(table) = section.select(&sel("table.summary")).next() else {
            continue;
        };
        let sheet_name = text(section.select(&sel("h2")).next().unwrap());
        // By district, a group has a section on each district's page: one check.
        if !done.insert(sheet_name.clone()) {
            continue;
        }
        let range = book
            .worksheet_range(&sheet_name)
            .unwrap_or_else(|e| panic!("{where_}: no sheet {sheet_name}: {e}"));
        let fmts = &formats[&sheet_name];
        let metrics: Vec<String> = table
            .select(&sel("thead th[data-metric]"))
            .map(|th| th.value().attr("data-metric").unwrap().to_string())
            .collect();
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        for (i, th) in table.select(&sel("thead th[data-metric]")).enumerate() {
            assert!(
                header[2 + i].starts_with(&own_text(th)),
                "{where_} {sheet_name}: column {} is {:?}",
                own_text(th),
                header[2 + i]
            );
        }
        let mut covered_rows = 0;
        for (ri, r) in rows.iter().enumerate().skip(1) {
            let label = r[0].to_string();
            let (key, coverage_row) = if let Some(slug) = names.get(&label) {
                covered_rows += 1;
                (slug.clone(), false)
            } else if label == w.total {
                ("total".to_string(), false)
            } else if label == format!("{} {}", w.total, w.reported_of) {
                ("total".to_string(), true)
            } else if let Some(d) = label.strip_suffix(&format!(" {}", w.subtotal)) {
                (format!("subtotal:{d}"), false)
            } else if let Some(d) =
                label.strip_suffix(&format!(" {} {}", w.subtotal, w.reported_of))
            {
                (format!("subtotal:{d}"), true)
            } else {
                panic!("{where_} {sheet_name}: unexpected row {label:?}");
            };
            for (ci, metric) in metrics.iter().enumerate() {
                let cell = &r[2 + ci];
                let obs = &page.figures[&(key.clone(), metric.clone())];
                let at = format!("{where_} {sheet_name} {key} {metric}");
                if coverage_row {
                    let stated = coverage_of(&cell.to_string());
                    let want = obs.coverage.unwrap_or((stated.1, stated.1));
                    assert_eq!(stated, want, "{at}: coverage");
                    continue;
                }
                match cell {
                    Data::Float(v) => {
                        assert!(
                            ["exact", "lower_bound", "approximate"].contains(&obs.status.as_str()),
                            "{at}: a number where the page says {}",
                            obs.status
                        );
                        assert_eq!(Some((v * 100.0).round() as i128), obs.value, "{at}");
                        let code = &fmts[&(ri as u32, (2 + ci) as u32)];
                        assert_eq!(excel_display(code, *v), obs.display, "{at}: format {code}");
                    }
                    Data::String(s) => {
                        let want = match obs.status.as_str() {
                            "not_reported" if key.contains(':') || key == "total" => "—",
                            "not_reported" => w.not_reported,
                            "not_applicable" => w.not_applicable,
                            "not_summed" => w.not_summed,
                            other => panic!("{at}: text {s:?} for a figure that is {other}"),
                        };
                        assert_eq!(s, want, "{at}");
                    }
                    other => panic!("{at}: unexpected cell {other:?}"),
                }
                checked += 1;
            }
        }
        let on_pages: usize = html_page
            .select(&sel("main section[aria-labelledby^='h-']"))
            .filter(|s| {
                s.select(&sel("h2")).next().map(text).as_deref() == Some(sheet_name.as_str())
            })
            .filter_map(|s| s.select(&sel("table.summary")).next())
            .map(|t| t.select(&sel("tbody tr")).count())
            .sum();
        assert_eq!(
            covered_rows, on_pages,
            "{where_} {sheet_name}: the same townships"
        );
    }
    // A year whose townships gave no figure has no group tables, and its
    // workbook no group sheets (only the statuses, with "0 of m").
    let groups = html_page.select(&sel("main section table.summary")).count();
    assert_eq!(
        checked > 0,
        groups > 0,
        "{where_}: {checked} cells for {groups} tables"
    );
}

/// The figures of `a` and `b` agree: the same keys, statuses, values,
/// coverage and (when both are in the same language) display.
fn agree(a: &Year, b: &Year, what: &str, same_words: bool) {
    let keys_a: BTreeSet<&Key> = a.figures.keys().collect();
    let keys_b: BTreeSet<&Key> = b.figures.keys().collect();
    assert_eq!(keys_a, keys_b, "{what}: the same figures");
    for (key, x) in &a.figures {
        let y = &b.figures[key];
        assert_eq!(x.status, y.status, "{what} {key:?}: status");
        assert_eq!(x.value, y.value, "{what} {key:?}: value");
        if same_words {
            assert_eq!(x.display, y.display, "{what} {key:?}: display");
        }
        // The page shows "n of m" only when some did not report.
        match (x.coverage, y.coverage) {
            (Some(p), Some(q)) => assert_eq!(p, q, "{what} {key:?}: coverage"),
            (None, Some((n, m))) | (Some((n, m)), None)
                if !key.0.contains(':') && key.0 != "total" =>
            {
                panic!("{what} {key:?}: coverage {n} of {m} on a township row")
            }
            (None, Some((n, m))) | (Some((n, m)), None) => {
                assert_eq!(
                    n, m,
                    "{what} {key:?}: {n} of {m} reported, but one says nothing"
                )
            }
            (None, None) => {}
        }
    }
}

fn check_site(root: &Path, w: &Words) -> usize {
    let built = build(root);
    let out = &built.out;
    let all: Value =
        serde_json::from_slice(&std::fs::read(out.join("data/all.json")).unwrap()).unwrap();
    // The status matrix: on the home page, or on a site laid out by
    // district on each district's pages (one after the other).
    let home = scraper::Html::parse_document(&matrix_pages(out));
    let matrix_years: Vec<String> = home
        .select(&sel("table.matrix"))
        .next()
        .unwrap()
        .select(&sel("thead th"))
        .skip(1)
        .map(text)
        .collect();
    let mut years_checked = 0;
    for y in all["years"].as_array().unwrap() {
        let year = y["year"].as_i64().unwrap() as i32;
        let (page, names) = from_html(out, year);
        let csv = from_csv(out, year);
        // The JSON lists only the figures given; compare on the page's metrics.
        let metrics: BTreeSet<String> = page.figures.keys().map(|k| k.1.clone()).collect();
        let mut json = from_json(out, year, &metrics);
        // The CSV has the same rows as the page's tables…
        agree(
            &page,
            &csv,
            &format!("{year} page vs CSV"),
            w.total == "合计",
        );
        // …and the JSON too (its totals include only metrics some township gave).
        json.figures.retain(|k, _| metrics.contains(&k.1));
        agree(&csv, &json, &format!("{year} CSV vs JSON"), true);
        check_xlsx(out, year, &page, &names, w);
        // Statuses: page, year JSON, all.json and the home page's matrix.
        assert_eq!(
            page.statuses, json.statuses,
            "{year}: statuses, page vs JSON"
        );
        let all_statuses: BTreeMap<String, String> = y["statuses"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(
            page.statuses, all_statuses,
            "{year}: statuses, page vs all.json"
        );
        let col = matrix_years
            .iter()
            .position(|c| *c == year.to_string())
            .unwrap();
        for tr in home.select(&sel("table.matrix tbody tr")) {
            let name = text(tr.select(&sel("th")).next().unwrap());
            let slug = &names[&name];
            let cell = tr.select(&sel("td")).nth(col).unwrap();
            let class = cell
                .select(&sel(".status"))
                .next()
                .unwrap()
                .value()
                .attr("class")
                .unwrap();
            assert!(
                class.contains(&format!("status-{}", page.statuses[slug])),
                "{year} {slug}: matrix says {class}"
            );
        }
        // Coverage of the year.
        assert_eq!(page.coverage, json.coverage, "{year}: coverage");
        assert_eq!(
            json.coverage,
            Some((
                y["coverage"]["reported"].as_u64().unwrap() as usize,
                y["coverage"]["of"].as_u64().unwrap() as usize
            )),
            "{year}: coverage, all.json"
        );
        // Totals in all.json are the year file's.
        for (m, v) in y["totals"].as_object().unwrap() {
            if let Some(obs) = json.figures.get(&("total".to_string(), m.clone())) {
                assert_eq!(&json_obs(v), obs, "{year} {m}: all.json total");
            }
        }
        // Ranks: page, CSV (plain form) and JSON agree.
        assert_eq!(
            page.ranks.keys().collect::<Vec<_>>(),
            csv.ranks.keys().collect::<Vec<_>>(),
            "{year}: who is ranked"
        );
        for (slug, shown) in &page.ranks {
            assert_eq!(
                &json.ranks[slug], shown,
                "{year} {slug}: rank, page vs JSON"
            );
            let plain = &csv.ranks[slug];
            let (best, rest) = plain.split_once(['-', '=']).unwrap_or((plain, ""));
            assert!(
                shown.starts_with(best),
                "{year} {slug}: {shown} vs CSV {plain}"
            );
            assert_eq!(shown.contains('–'), plain.contains('-') && !rest.is_empty());
        }
        years_checked += 1;
    }
    check_changes(out, &all);
    years_checked
}

/// Changes against each township's previous report: the township's CSV,
/// its reports in all.json, the year workbooks' "changes" sheets and the
/// page cells state the same change against the same year.
fn check_changes(out: &Path, all: &Value) {
    // The year workbooks' changes, by township name.
    type Changes = BTreeMap<(String, String), (i128, String)>;
    let mut xlsx_by_township: BTreeMap<String, Changes> = BTreeMap::new();
    for y in all["years"].as_array().unwrap() {
        let year = y["year"].to_string();
        let mut book: Xlsx<_> =
            calamine::open_workbook(out.join(format!("data/{year}.xlsx"))).unwrap();
        let Some(sheet) = book
            .sheet_names()
            .into_iter()
            .find(|n| n == "变化" || n == "changes")
        else {
            continue;
        };
        for r in book.worksheet_range(&sheet).unwrap().rows().skip(1) {
            let year = r[0].to_string();
            let base = common::numbers_in(&r[5].to_string())
                .first()
                .map(|y| y.to_string())
                .unwrap_or_else(|| (year.parse::<i32>().unwrap() - 1).to_string());
            let Data::Float(v) = r[6] else {
                panic!("{year}: change {:?}", r[6])
            };
            xlsx_by_township
                .entry(r[1].to_string())
                .or_default()
                .insert(
                    (year, r[2].to_string()),
                    ((v * 100.0).round() as i128, base),
                );
        }
    }
    for t in all["townships"].as_array().unwrap() {
        let slug = t["slug"].as_str().unwrap();
        // CSV: (year, metric) → (change, change_from).
        let bytes = std::fs::read(out.join(format!("data/townships/{slug}.csv"))).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut csv_changes = BTreeMap::new();
        for record in reader.records() {
            let r: BTreeMap<&str, String> = headers
                .iter()
                .map(String::as_str)
                .zip(record.unwrap().iter().map(String::from))
                .collect();
            if !r["change"].is_empty() {
                csv_changes.insert(
                    (r["year"].clone(), r["label"].clone()),
                    (hundredths(&r["change"]), r["change_from"].clone()),
                );
            }
        }
        let labels: BTreeMap<String, String> = all["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["key"].as_str().unwrap().into(),
                    m["label"].as_str().unwrap().into(),
                )
            })
            .collect();
        let mut json_changes = BTreeMap::new();
        for r in t["reports"].as_array().unwrap() {
            for (m, f) in r["figures"].as_object().unwrap() {
                if let Some(c) = f.get("change") {
                    json_changes.insert(
                        (r["year"].to_string(), labels[m].clone()),
                        (hundredths(&c.to_string()), f["change_from"].to_string()),
                    );
                }
            }
        }
        assert_eq!(csv_changes, json_changes, "{slug}: changes, CSV vs JSON");
        // XLSX: the year workbooks' changes sheets have the same rows.
        let xlsx_changes = xlsx_by_township
            .remove(t["name"].as_str().unwrap())
            .unwrap_or_default();
        assert_eq!(csv_changes, xlsx_changes, "{slug}: changes, CSV vs XLSX");
        // The township page: each change with its label.
        let page = html(&out.join(format!("{slug}/index.html")));
        let years: Vec<String> = page
            .select(&sel(
                "#cap-figures ~ thead th, table:has(#cap-figures) thead th",
            ))
            .skip(1)
            .map(text)
            .collect();
        let mut page_changes = BTreeMap::new();
        for tr in page.select(&sel("table:has(#cap-figures) tbody tr")) {
            let label = text(tr.select(&sel("th")).next().unwrap());
            for (year, td) in years.iter().zip(tr.select(&sel("td.num"))) {
                if let Some(change) = td.select(&sel(".change")).next() {
                    let base_text = text(td.select(&sel(".change-base")).next().unwrap());
                    let base = common::numbers_in(&base_text)
                        .first()
                        .map(|y| y.to_string())
                        .unwrap_or_else(|| (year.parse::<i32>().unwrap() - 1).to_string());
                    let delta = text(change).replace([',', '+'], "");
                    page_changes.insert((year.clone(), label.clone()), (hundredths(&delta), base));
                }
            }
        }
        // The page shows labels in the site language; compare by year and value.
        let strip =
            |m: &BTreeMap<(String, String), (i128, String)>| -> Vec<(String, i128, String)> {
                m.iter()
                    .map(|((y, _), (d, b))| (y.clone(), *d, b.clone()))
                    .collect::<Vec<_>>()
            };
        let mut a = strip(&csv_changes);
        let mut b = strip(&page_changes);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{slug}: changes, CSV vs page");
    }
}

#[test]
fn every_format_states_the_same_figures_statuses_and_coverage() {
    let years = check_site(&fixture("verdicts"), &ZH) + check_site(&repo(), &ZH);
    let en = check_site(&fixture("two-districts"), &EN);
    assert!(years >= 7 && en >= 2, "{years} + {en} years checked");
}

#[test]
fn the_consistency_check_catches_a_difference() {
    // The checker itself: two sources that differ in one figure's status,
    // value or coverage must not agree.
    let obs = Obs {
        status: "exact".into(),
        value: Some(100),
        display: "1".into(),
        coverage: Some((1, 2)),
    };
    let mut a = Year::default();
    a.figures.insert(("total".into(), "m".into()), obs.clone());
    for change in [
        Obs {
            status: "lower_bound".into(),
            ..obs.clone()
        },
        Obs {
            value: Some(101),
            ..obs.clone()
        },
        Obs {
            coverage: Some((2, 2)),
            ..obs.clone()
        },
        Obs {
            display: "1余".into(),
            ..obs.clone()
        },
    ] {
        let mut b = Year::default();
        b.figures.insert(("total".into(), "m".into()), change);
        assert!(
            std::panic::catch_unwind(|| agree(&a, &b, "test", true)).is_err(),
            "a difference passed"
        );
    }
    assert_eq!(excel_display("\"约\"#,##0", 3200.0), "约3,200");
    assert_eq!(excel_display("#,##0.00", 483340.6), "483,340.60");
    assert_eq!(excel_display("#,##0\"%以上\"", 88.0), "88%以上");
    assert!(std::panic::catch_unwind(|| excel_display("#,##0.##", 1.0)).is_err());
}
