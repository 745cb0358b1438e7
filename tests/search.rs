//! The search index and the search page, as built (issue 11). The browser
//! side (typing queries, results, filters, accessibility) is in
//! `tests/browser.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use common::{build_with, fixture, html, repo, sel, text, tree};
use serde_json::Value;

/// A fixed status date, so the builds do not depend on the day.
const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1769877000");

/// A Pagefind file's contents: gunzipped, without its `pagefind_dcd` marker.
fn pagefind_file(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out.strip_prefix(b"pagefind_dcd").unwrap().to_vec()
}

/// Every indexed page (its fragment), by URL.
fn fragments(out: &Path) -> BTreeMap<String, Value> {
    tree(out)
        .into_iter()
        .filter(|(p, _)| p.starts_with("search/pagefind/fragment/"))
        .map(|(p, bytes)| {
            let v: Value = serde_json::from_slice(&pagefind_file(&bytes))
                .unwrap_or_else(|e| panic!("{p}: {e}"));
            (v["url"].as_str().unwrap().to_owned(), v)
        })
        .collect()
}

/// The report pages of a built site.
fn report_pages(out: &Path) -> Vec<String> {
    tree(out)
        .into_keys()
        .filter(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            parts.len() == 3
                && parts[2] == "index.html"
                && parts[1].len() == 4
                && parts[1].bytes().all(|b| b.is_ascii_digit())
                && parts[0] != "years"
        })
        .collect()
}

#[test]
fn every_sample_report_is_indexed_with_its_township_district_and_year() {
    let built = build_with(&repo(), &[EPOCH]);
    let reports = report_pages(&built.out);
    assert_eq!(reports.len(), 3, "{reports:?}");
    let indexed = fragments(&built.out);
    assert_eq!(
        indexed.keys().collect::<Vec<_>>(),
        reports.iter().collect::<Vec<_>>()
    );
    let entry: Value = serde_json::from_slice(
        &std::fs::read(built.out.join("search/pagefind/pagefind-entry.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(entry["languages"]["zh"]["page_count"], 3);
    for (url, page) in &indexed {
        let doc = html(&built.out.join(url));
        let h1 = text(doc.select(&sel("h1")).next().unwrap());
        assert_eq!(page["meta"]["title"], h1.as_str(), "{url}");
        let (township, year) = url.split_once('/').unwrap();
        let year = year.trim_end_matches("/index.html");
        let name = if township == "xinkou" {
            "辛口镇"
        } else {
            "张家窝镇"
        };
        assert_eq!(page["meta"]["township"], name, "{url}");
        assert_eq!(page["meta"]["year"], year, "{url}");
        assert_eq!(page["filters"]["township"][0], name, "{url}");
        assert_eq!(page["filters"]["district"][0], "西青区", "{url}");
        assert_eq!(page["filters"]["year"][0], year, "{url}");
        // The title is indexed text, not only meta.
        let content = page["content"].as_str().unwrap().replace('\u{200B}', "");
        assert!(content.contains(&h1), "{url}: {content}");
        // Each anchor of a sub-result is a heading id on the report page.
        for anchor in page["anchors"].as_array().unwrap() {
            let id = anchor["id"].as_str().unwrap();
            let found = doc
                .select(&sel("[id]"))
                .any(|e| e.value().attr("id") == Some(id));
            assert!(found, "{url}: anchor #{id} is not on the page");
        }
    }
}

#[test]
fn the_index_holds_the_body_and_the_stated_figures_only() {
    let built = build_with(&repo(), &[EPOCH]);
    let indexed = fragments(&built.out);
    let content = |url: &str| {
        indexed[url]["content"]
            .as_str()
            .unwrap()
            .replace('\u{200B}', "")
    };
    let zjw = content("zhangjiawo/2023/index.html");
    // Body text, a stated figure with its label, an other figure.
    assert!(zjw.contains("清理占道经营的专项行动"), "{zjw}");
    assert!(zjw.contains("行政检查 2,537 次"), "{zjw}");
    assert!(zjw.contains("罚款金额 483,340.60 元"), "{zjw}");
    assert!(zjw.contains("处罚公共走道违规停放电动车 12 起"), "{zjw}");
    // Headings of the body become sub-results.
    let anchors: Vec<&str> = indexed["zhangjiawo/2023/index.html"]["anchors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(anchors.contains(&"二重点执法"), "{anchors:?}");
    assert!(anchors.contains(&"h-figures"), "{anchors:?}");
    // 2022 states no fines: 罚款金额 must not find it; a not-reported figure
    // is not indexed.
    let y2022 = content("zhangjiawo/2022/index.html");
    assert!(y2022.contains("行政检查 553 次"), "{y2022}");
    assert!(!y2022.contains("罚款"), "{y2022}");
    assert!(!y2022.contains("未报告"), "{y2022}");
}

#[test]
fn traditional_characters_and_full_width_digits_are_folded_in_the_index() {
    let built = build_with(&fixture("search"), &[]);
    let indexed = fragments(&built.out);
    let content = indexed["dongjie/2023/index.html"]["content"]
        .as_str()
        .unwrap()
        .replace('\u{200B}', "");
    // Written 開展電動車違規停放專項整治，全年檢查２０８６次.
    assert!(content.contains("开展电动车违规停放专项整治"), "{content}");
    assert!(content.contains("全年检查2086次"), "{content}");
    // The report page itself shows the text as written.
    let page = std::fs::read_to_string(built.out.join("dongjie/2023/index.html")).unwrap();
    assert!(page.contains("開展電動車違規停放專項整治"));
    // A township named in traditional characters is filtered by its name
    // as indexed.
    let doc = html(&built.out.join("search/index.html"));
    let option = doc
        .select(&sel("#search-township option"))
        .find(|o| text(*o) == "東街街道")
        .unwrap();
    assert_eq!(option.value().attr("value"), Some("东街街道"));
    assert_eq!(
        indexed["dongjie/2023/index.html"]["filters"]["township"][0],
        "东街街道"
    );
    // The browser folds queries with the same table.
    let table = std::fs::read_to_string(built.out.join("search/t2s.txt")).unwrap();
    assert_eq!(table, gongshi::search::fold::T2S);
    assert!(table.lines().any(|l| l == "電电"));
}

#[test]
fn the_index_is_identical_across_thread_counts() {
    // A site large enough for Pagefind to split its index into chunks and
    // work on several threads.
    let site = tempfile::tempdir().unwrap();
    generate(site.path(), 60, 5);
    let one = build_with(site.path(), &[("RAYON_NUM_THREADS", "1")]);
    let three = build_with(site.path(), &[("RAYON_NUM_THREADS", "3")]);
    let search = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        tree(out)
            .into_iter()
            .filter(|(p, _)| p.starts_with("search/"))
            .collect()
    };
    let (a, b) = (search(&one.out), search(&three.out));
    let chunks = a.keys().filter(|p| p.ends_with(".pf_index")).count();
    assert!(chunks > 1, "one index chunk only: {:?}", a.keys());
    assert_eq!(fragments(&one.out).len(), 300);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between 1 and 3 threads");
    }
}

/// A site of `townships` × `years` reports with varied text.
fn generate(root: &Path, townships: usize, years: usize) {
    let words = [
        "电动车",
        "占道经营",
        "违法建设",
        "法制审核",
        "行政处罚",
        "燃气安全",
        "户外广告",
        "建筑垃圾",
        "油烟扰民",
        "渣土运输",
        "共享单车",
        "噪声污染",
    ];
    std::fs::write(
        root.join("gongshi.yaml"),
        "title: 测试\nbase_url: https://t.example.cn/\ndistricts: [甲区, 乙区]\nas_of: 2026-03-01\n",
    )
    .unwrap();
    for t in 0..townships {
        let dir = root.join("content").join(format!("t{t:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        let district = if t % 2 == 0 { "甲区" } else { "乙区" };
        std::fs::write(
            dir.join("_index.md"),
            format!("---\nname: 第{t}镇\ndistrict: {district}\n---\n"),
        )
        .unwrap();
        for y in 0..years {
            let year = 2020 + y;
            let mut body = String::new();
            for i in 0..6 {
                let w = words[(t * 7 + y * 3 + i) % words.len()];
                body.push_str(&format!(
                    "\n## 第{i}部分\n\n本年度开展{w}专项整治 {} 次，办理案件 {} 件。\n",
                    (t + 1) * (y + 2) * (i + 3),
                    t * 31 % 97 + i
                ));
            }
            std::fs::write(
                dir.join(format!("{year}.md")),
                format!(
                    "---\ntitle: 第{t}镇{year}年度行政执法工作报告\nyear: {year}\npublished: {}-01-10\nmetrics:\n  inspections: {}\n---\n{body}",
                    year + 1,
                    t * 13 + y
                ),
            )
            .unwrap();
        }
    }
}

#[test]
fn the_search_page_works_without_javascript_and_says_what_search_needs() {
    let built = build_with(&repo(), &[EPOCH]);
    let raw = std::fs::read_to_string(built.out.join("search/index.html")).unwrap();
    let doc = html(&built.out.join("search/index.html"));
    // A plain GET form to itself, with the filters as its fields.
    let form = doc.select(&sel("form#search")).next().unwrap();
    assert_eq!(form.value().attr("method"), Some("get"));
    assert_eq!(form.value().attr("action"), Some("index.html"));
    let fields: Vec<&str> = form
        .select(&sel("input[name], select[name]"))
        .filter_map(|e| e.value().attr("name"))
        .collect();
    assert_eq!(fields, ["q", "township", "year"]);
    let townships: Vec<String> = doc
        .select(&sel("#search-township option"))
        .map(text)
        .collect();
    assert_eq!(townships, ["全部", "辛口镇", "张家窝镇"]);
    // Without JavaScript: said plainly, with the township and year lists.
    assert!(
        raw.contains("<noscript><p class=\"search-notice\">搜索需要浏览器启用 JavaScript"),
        "{raw}"
    );
    let links: Vec<&str> = doc
        .select(&sel(".search-browse a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for want in [
        "../xinkou/index.html",
        "../zhangjiawo/index.html",
        "../years/2025/index.html",
        "../years/2022/index.html",
    ] {
        assert!(links.contains(&want), "{want} not in {links:?}");
        assert!(built.out.join("search").join(want).is_file(), "{want}");
    }
    // Opened from disk: the message is there for the script to show.
    let file = doc.select(&sel("#search-file")).next().unwrap();
    assert!(file.value().attr("hidden").is_some());
    assert!(text(file).contains("file://"), "{}", text(file));
    assert!(raw.contains("assets/search.js"));
    let script = std::fs::read_to_string(built.out.join("assets/search.js")).unwrap();
    assert!(script.contains("location.protocol === \"file:\""));
    // The index and the script it loads are where the page looks for them.
    let bundle = form.value().attr("data-bundle").unwrap();
    assert!(
        built
            .out
            .join("search")
            .join(bundle)
            .join("pagefind.js")
            .is_file()
    );
}

#[test]
fn every_page_has_a_search_box_in_its_header() {
    let built = build_with(&fixture("two-districts"), &[]);
    let pages: Vec<String> = tree(&built.out)
        .into_keys()
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .collect();
    assert!(pages.len() > 10);
    for page in &pages {
        let doc = html(&built.out.join(page));
        let forms: Vec<_> = doc.select(&sel("header form[role=search]")).collect();
        if page == "search/index.html" {
            // The page's own form is the search box.
            assert!(forms.is_empty(), "{page}");
            continue;
        }
        let [form] = forms.as_slice() else {
            panic!("{page}: {} search forms in the header", forms.len());
        };
        assert_eq!(form.value().attr("method"), Some("get"), "{page}");
        let action = form.value().attr("action").unwrap();
        let target = built
            .out
            .join(Path::new(page).parent().unwrap())
            .join(action);
        assert_eq!(
            std::fs::canonicalize(&target).ok(),
            std::fs::canonicalize(built.out.join("search/index.html")).ok(),
            "{page}: the form goes to {action}"
        );
        let input = form.select(&sel("input[name=q]")).next().unwrap();
        let id = input.value().attr("id").unwrap();
        let label = doc
            .select(&sel(&format!("label[for={id}]")))
            .next()
            .map(text);
        assert_eq!(label.as_deref(), Some("Search the reports"), "{page}");
    }
    // The 404 page, served at any depth, points at the search page from
    // the base URL's path.
    let doc = html(&built.out.join("404.html"));
    let form = doc.select(&sel("header form[role=search]")).next().unwrap();
    assert_eq!(form.value().attr("action"), Some("/sub/search/index.html"));
}

#[test]
fn a_failed_build_leaves_the_published_index_as_it_was() {
    let site = common::sample_copy();
    let out = site.path().join("public");
    let build = || {
        common::gongshi()
            .args(["build", "-q", "--root"])
            .arg(site.path())
            .arg("--output")
            .arg(&out)
            .env(EPOCH.0, EPOCH.1)
            .output()
            .unwrap()
    };
    assert!(build().status.success());
    let before = tree(&out.join("search"));
    assert!(before.keys().any(|p| p.ends_with(".pf_meta")));
    // A new report with an error: nothing is published, the index included.
    std::fs::write(
        site.path().join("content/xinkou/2024.md"),
        "---\ntitle: 辛口镇2024年度报告\nyear: 2024\nmetrics:\n  inspections: 9件\n---\n电动车\n",
    )
    .unwrap();
    let failed = build();
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(tree(&out.join("search")), before);
}
