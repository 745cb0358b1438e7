//! Sites laid out by district: a page per district and per city, district
//! rows on the home and year pages with exact totals, every township three
//! links from home, and no page heavier than 400 KB however many townships.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use common::*;

/// The output path a link on the page at `from` (output-relative) names,
/// percent-decoded, without its fragment; `None` for external links.
fn resolve(from: &str, href: &str) -> Option<String> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with('#') {
        return None;
    }
    let href = href.split('#').next()?;
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    Some(decode(&parts.join("/")))
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Every `href` of an HTML text (a plain scan: fast on big sites).
fn hrefs(text: &str) -> Vec<String> {
    text.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

/// The fewest clicks from the home page to each page reachable in at most
/// `max` clicks.
fn clicks(out: &Path, max: usize) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([("index.html".to_string(), 0usize)]);
    seen.insert("index.html".into(), 0);
    while let Some((page, depth)) = queue.pop_front() {
        if depth == max || !page.ends_with(".html") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(out.join(&page)) else {
            continue;
        };
        for href in hrefs(&text) {
            let Some(target) = resolve(&page, &href) else {
                continue;
            };
            let target = if target.ends_with('/') || target.is_empty() {
                format!("{target}index.html")
            } else {
                target
            };
            if !seen.contains_key(&target) {
                seen.insert(target.clone(), depth + 1);
                queue.push_back((target, depth + 1));
            }
        }
    }
    seen
}

/// The township pages of a built site: `<slug>/index.html` for each folder
/// of the content.
fn township_pages(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| format!("{}/index.html", e.file_name().to_string_lossy()))
        .collect();
    out.sort();
    out
}

/// A table's body rows and its total row as `data-value`s per metric
/// column (`data-metric` in the header), in hundredths.
struct Table {
    /// Row name → metric → value (`None`: no number).
    rows: Vec<(String, BTreeMap<String, Option<i128>>)>,
    total: BTreeMap<String, Option<i128>>,
    /// The total's display text per metric.
    total_text: BTreeMap<String, String>,
}

fn table(doc: &scraper::Html, css: &str) -> Table {
    let t = doc
        .select(&sel(css))
        .next()
        .unwrap_or_else(|| panic!("no {css}"));
    let heads: Vec<Option<String>> = t
        .select(&sel("thead th"))
        .map(|th| th.value().attr("data-metric").map(str::to_string))
        .collect();
    let cells = |tr: scraper::ElementRef<'_>| {
        let mut values = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for (i, cell) in tr.select(&sel("th, td")).enumerate() {
            if let Some(Some(metric)) = heads.get(i) {
                let v = cell.value().attr("data-value").unwrap_or("");
                values.insert(
                    metric.clone(),
                    (!v.is_empty()).then(|| hundredths(v.trim_end_matches('余'))),
                );
                texts.insert(metric.clone(), text(cell));
            }
        }
        (values, texts)
    };
    let rows = t
        .select(&sel("tbody tr"))
        .map(|tr| (text(tr.select(&sel("th")).next().unwrap()), cells(tr).0))
        .collect();
    let total_tr = t.select(&sel("tfoot tr.total")).next().unwrap();
    let (total, total_text) = cells(total_tr);
    Table {
        rows,
        total,
        total_text,
    }
}

/// The metrics whose total is exact (neither 约 nor 余 in it) and whose
/// rows are all numbers or absent: their total must be the rows' sum.
fn assert_sums(what: &str, rows: &[&BTreeMap<String, Option<i128>>], t: &Table) {
    let mut checked = 0;
    for (metric, total) in &t.total {
        let shown = &t.total_text[metric];
        if shown.contains('约') || shown.contains('余') {
            continue;
        }
        let Some(total) = total else { continue };
        let sum: i128 = rows
            .iter()
            .filter_map(|r| r.get(metric).copied().flatten())
            .sum();
        assert_eq!(sum, *total, "{what}: {metric} total {shown}");
        checked += 1;
    }
    assert!(checked >= 2, "{what}: only {checked} exact totals checked");
}

#[test]
fn cities_fixture_has_city_district_and_year_pages_with_exact_totals() {
    let root = fixture("cities");
    let built = build(&root);
    let out = &built.out;
    // Districts and their townships, as the fixture's profiles say.
    let expected: BTreeMap<&str, Vec<&str>> = BTreeMap::from([
        ("西青区", vec!["xqa", "xqb"]),
        ("北辰区", vec!["bca"]),
        ("安次区", vec!["aca", "acb"]),
        ("滨海新区", vec!["bha"]),
    ]);
    let home = html(&out.join("index.html"));
    let home_table = table(&home, "table.places");
    for (district, slugs) in &expected {
        let page = out.join(format!("districts/{district}/index.html"));
        let doc = html(&page);
        assert_eq!(
            text(doc.select(&sel("h1")).next().unwrap()),
            *district,
            "{district}"
        );
        // The matrix lists exactly its townships, each linked.
        let listed: BTreeSet<String> = doc
            .select(&sel("table.matrix tbody th a"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .map(|h| resolve(&format!("districts/{district}/index.html"), &h).unwrap())
            .collect();
        let want: BTreeSet<String> = slugs.iter().map(|s| format!("{s}/index.html")).collect();
        assert_eq!(listed, want, "{district}");
        // Its total is the sum of its townships' rows, to the fen.
        let t = table(&doc, "table.summary");
        let rows: Vec<&BTreeMap<String, Option<i128>>> = t.rows.iter().map(|r| &r.1).collect();
        assert_eq!(rows.len(), slugs.len());
        assert_sums(district, &rows, &t);
        // The home page has its row, linking its page, with the same totals.
        let (_, home_row) = home_table
            .rows
            .iter()
            .find(|(name, _)| name == district)
            .unwrap_or_else(|| panic!("{district} not on the home page"));
        assert_eq!(home_row, &t.total, "{district}: home row = district total");
        let links: Vec<String> = home
            .select(&sel("table.places tbody th a"))
            .filter(|a| text(*a) == *district)
            .map(|a| resolve("index.html", a.value().attr("href").unwrap()).unwrap())
            .collect();
        assert_eq!(links, [format!("districts/{district}/index.html")]);
    }
    // The home page: districts and city subtotals sum to the total.
    let districts: Vec<&BTreeMap<String, Option<i128>>> = home_table
        .rows
        .iter()
        .filter(|(n, _)| expected.contains_key(n.as_str()))
        .map(|r| &r.1)
        .collect();
    assert_eq!(districts.len(), 4);
    assert_sums("home", &districts, &home_table);
    // Exact money: 12,345.67 + 800.33 + 0.01 + 5,000 + 250.25 + 30,000.10.
    assert_eq!(
        home_table.total["fines_total"],
        Some(hundredths("48396.36")),
        "home total of fines"
    );
    // Each city's page sums its districts; the home page lists the cities.
    for (city, own) in [
        ("天津市", vec!["西青区", "北辰区"]),
        ("廊坊市", vec!["安次区"]),
    ] {
        let doc = html(&out.join(format!("cities/{city}/index.html")));
        let t = table(&doc, "table.places");
        let names: Vec<&str> = t.rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, own, "{city}");
        let rows: Vec<&BTreeMap<String, Option<i128>>> = t.rows.iter().map(|r| &r.1).collect();
        assert_sums(city, &rows, &t);
        let sub = home_table
            .rows
            .iter()
            .find(|(n, _)| n.starts_with(city))
            .unwrap_or_else(|| panic!("{city} subtotal on the home page"));
        assert_eq!(sub.1, t.total, "{city}: home subtotal = city total");
        assert!(
            home.select(&sel("h3 a")).any(|a| text(a) == city
                && resolve("index.html", a.value().attr("href").unwrap()).unwrap()
                    == format!("cities/{city}/index.html")),
            "the home page links {city}"
        );
    }
    // Year pages list districts, each linking its summary of the year,
    // whose total is the district's row.
    for year in [2023, 2024] {
        let path = format!("years/{year}/index.html");
        let doc = html(&out.join(&path));
        let t = table(&doc, "table.places");
        let rows: Vec<&BTreeMap<String, Option<i128>>> = t
            .rows
            .iter()
            .filter(|(n, _)| expected.contains_key(n.as_str()))
            .map(|r| &r.1)
            .collect();
        assert_eq!(rows.len(), 4, "{year}");
        assert_sums(&path, &rows, &t);
        for (district, values) in t
            .rows
            .iter()
            .filter(|(n, _)| expected.contains_key(n.as_str()))
        {
            let href = doc
                .select(&sel("table.places tbody th a"))
                .find(|a| text(*a) == *district)
                .unwrap()
                .value()
                .attr("href")
                .unwrap()
                .to_string();
            let target = resolve(&path, &href).unwrap();
            assert_eq!(target, format!("districts/{district}/{year}/index.html"));
            let dy = html(&out.join(&target));
            if dy.select(&sel("table.summary")).next().is_none() {
                // No township of the district covered that year.
                assert!(values.values().all(Option::is_none), "{target}");
                continue;
            }
            let dt = table(&dy, "table.summary");
            assert_eq!(&dt.total, values, "{target}");
        }
    }
    // Every township is at most three clicks from home.
    let reach = clicks(out, 3);
    for page in township_pages(&root) {
        assert!(reach.get(&page).is_some_and(|d| *d <= 3), "{page}");
    }
    // The sitemap knows the district and city pages.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    for part in [
        "cities/%E5%A4%A9%E6%B4%A5%E5%B8%82/",
        "districts/%E8%A5%BF%E9%9D%92%E5%8C%BA/",
        "districts/%E8%A5%BF%E9%9D%92%E5%8C%BA/2024/",
    ] {
        assert!(sitemap.contains(part), "sitemap: {part}");
    }
}

/// A generated site: `districts` of `n` townships each, one minimal report
/// per township, and the config listing the districts flat.
fn generated(districts: &[(&str, usize)]) -> tempfile::TempDir {
    let names: Vec<&str> = districts.iter().map(|d| d.0).collect();
    generated_with(&format!("[{}]", names.join(", ")), districts)
}

/// A generated site whose config's `districts:` is `config` (YAML).
fn generated_with(config: &str, districts: &[(&str, usize)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("gongshi.yaml"),
        format!(
            "title: 大站\nbase_url: https://big.example.cn/\nas_of: 2025-06-30\ndistricts: {config}\n"
        ),
    )
    .unwrap();
    let mut k = 0usize;
    for (d, n) in districts {
        for _ in 0..*n {
            k += 1;
            let dir = tmp.path().join("content").join(format!("t{k:05}"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("_index.md"),
                format!("---\nname: 第{k}镇\ndistrict: {d}\n---\n"),
            )
            .unwrap();
            std::fs::write(
                dir.join("2024.md"),
                format!(
                    "---\ntitle: 第{k}镇2024年度行政执法工作报告\nyear: 2024\npublished: 2025-01-20\nmetrics:\n  inspections: {}\n  penalty_cases: {}\n  fines_total: {}.{:02}\n  certified_officers: {}\n---\n正文。\n",
                    100 + k % 900,
                    k % 17,
                    k * 37 % 100_000,
                    k % 100,
                    5 + k % 30
                ),
            )
            .unwrap();
        }
    }
    tmp
}

#[test]
fn no_page_grows_with_the_number_of_townships() {
    // 2,300 townships: one district of 2,000 (forty pages), two smaller.
    let site = generated(&[("甲区", 2000), ("乙区", 250), ("丙区", 50)]);
    let built = build(site.path());
    let out = &built.out;
    let mut heaviest = (0u64, String::new());
    for (path, bytes) in tree(out) {
        if path.ends_with(".html") && bytes.len() as u64 > heaviest.0 {
            heaviest = (bytes.len() as u64, path);
        }
    }
    assert!(
        heaviest.0 <= 400 * 1024,
        "{} is {} bytes",
        heaviest.1,
        heaviest.0
    );
    // The search page browses by district, with no list of every township.
    let search = html(&out.join("search/index.html"));
    let browse: Vec<String> = search
        .select(&sel("ul[aria-labelledby=h-browse-townships] a"))
        .map(text)
        .collect();
    assert_eq!(browse, ["甲区", "乙区", "丙区"]);
    assert_eq!(search.select(&sel("select#search-township")).count(), 0);
    // The big district is paged, and every township is three clicks away.
    assert!(out.join("districts/甲区/page/40/index.html").exists());
    assert!(!out.join("districts/甲区/page/41/index.html").exists());
    assert!(out.join("districts/甲区/2024/page/40/index.html").exists());
    let reach = clicks(out, 3);
    let pages = township_pages(site.path());
    assert_eq!(pages.len(), 2300);
    for page in pages {
        assert!(reach.get(&page).is_some_and(|d| *d <= 3), "{page}");
    }
    // The district total on each of its pages is the whole district's.
    let first = html(&out.join("districts/甲区/index.html"));
    let last = html(&out.join("districts/甲区/page/40/index.html"));
    let (a, b) = (
        table(&first, "table.summary"),
        table(&last, "table.summary"),
    );
    assert_eq!(a.total, b.total);
    assert_eq!(a.rows.len(), 50);
    let expected: i128 = (1..=2000)
        .map(|k| (k * 37 % 100_000) as i128 * 100 + (k % 100) as i128)
        .sum();
    assert_eq!(a.total["fines_total"], Some(expected));
}

/// More districts than a page lists, grouped into cities: the home page
/// and the year page have a row per city (each linking to its page, where
/// its districts are), the year page the key figures only, and the totals
/// stay exact at every level.
#[test]
fn many_districts_are_summed_by_city() {
    // 6 cities of 10 districts of 2 townships: 60 districts, 120 townships.
    let names: Vec<String> = (1..=60).map(|d| format!("第{d}区")).collect();
    let config: String = (0..6)
        .map(|c| {
            let ds = &names[c * 10..c * 10 + 10];
            format!("\n  - 第{}市: [{}]", c + 1, ds.join(", "))
        })
        .collect();
    let districts: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), 2)).collect();
    let site = generated_with(&config, &districts);
    let built = build(site.path());
    let out = &built.out;
    let home = html(&out.join("index.html"));
    let home_table = table(&home, "table.places");
    let cities: Vec<&str> = home_table.rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(cities.len(), 6, "{cities:?}");
    let first_head = home.select(&sel("table.places thead th")).next().map(text);
    assert_eq!(first_head.as_deref(), Some("所属市"));
    assert!(cities.iter().all(|c| c.ends_with('市')), "{cities:?}");
    let rows: Vec<_> = home_table.rows.iter().map(|r| &r.1).collect();
    assert_sums("home by city", &rows, &home_table);
    let expected: i128 = (1..=120)
        .map(|k| (k * 37 % 100_000) as i128 * 100 + (k % 100) as i128)
        .sum();
    assert_eq!(home_table.total["fines_total"], Some(expected));
    // The year page: a row per city in every table.
    let year = html(&out.join("years/2024/index.html"));
    let tables: Vec<_> = year.select(&sel("table.places")).collect();
    assert!(tables.len() > 1);
    for t in tables {
        assert_eq!(t.select(&sel("tbody tr")).count(), 6);
    }
    // A city's page: its ten districts, whose rows add up to the city's
    // row on the home page.
    let city_link = home
        .select(&sel("table.places tbody th a"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_string)
        .unwrap();
    let city_page = resolve("index.html", &city_link).unwrap();
    let city = html(&out.join(decode(&city_page)));
    let ct = table(&city, "table.places");
    assert_eq!(
        ct.rows.len(),
        10,
        "{:?}",
        ct.rows.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    let crow: Vec<_> = ct.rows.iter().map(|r| &r.1).collect();
    assert_sums("city by district", &crow, &ct);
    assert_eq!(ct.total["fines_total"], home_table.rows[0].1["fines_total"]);
    // Every township within three clicks of home.
    let reach = clicks(out, 3);
    for page in township_pages(site.path()) {
        assert!(reach.get(&page).is_some_and(|d| *d <= 3), "{page}");
    }
}

/// A year page of more places than its group tables can hold (here 40
/// districts in no city) has the key figures by place only, and says where
/// every group's figures are.
#[test]
fn a_year_of_many_places_has_the_key_figures_only() {
    let names: Vec<String> = (1..=40).map(|d| format!("第{d}区")).collect();
    let districts: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), 1)).collect();
    let site = generated(&districts);
    let built = build(site.path());
    let year = std::fs::read_to_string(built.out.join("years/2024/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&year);
    assert_eq!(doc.select(&sel("table.places")).count(), 1);
    assert_eq!(table(&doc, "table.places").rows.len(), 40);
    assert!(
        year.contains("各分组指标的全部数字见每个区本年度的页面"),
        "no pointer"
    );
    // Each district's year page has every group.
    let dy = html(&built.out.join("districts/第1区/2024/index.html"));
    assert!(dy.select(&sel("table")).count() > 1);
}
