//! The search index and the search page, as built (issue 11). The browser
//! side (typing queries, results, filters, accessibility) is in
//! `tests/browser.rs`.
//!
//! The index is read here as the browser reads it (README, Search; the
//! format is described in `src/search/shard.rs`), by a reader written for
//! the test, so the format is checked against its description.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{build_with, fixture, html, repo, sel, text, tree};
use serde_json::Value;

/// A fixed status date, so the builds do not depend on the day.
const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1769877000");

/// A built index, read back.
struct Index {
    manifest: Value,
    /// Every report by number: (slug, year).
    reports: Vec<(String, u32)>,
    out: std::path::PathBuf,
}

fn varint(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            return v;
        }
    }
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

impl Index {
    fn read(out: &Path) -> Index {
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(out.join("search/index.json")).unwrap()).unwrap();
        let mut reports = Vec::new();
        for t in manifest["townships"].as_array().unwrap() {
            let slug = t[0].as_str().unwrap();
            for run in t[2].as_str().unwrap().split(',') {
                let (from, n) = match run.split_once('+') {
                    Some((f, n)) => (f.parse::<u32>().unwrap(), n.parse::<u32>().unwrap()),
                    None => (run.parse().unwrap(), 1),
                };
                for y in from..from + n {
                    reports.push((slug.to_owned(), y));
                }
            }
        }
        assert_eq!(reports.len() as u64, manifest["reports"].as_u64().unwrap());
        Index {
            manifest,
            reports,
            out: out.to_owned(),
        }
    }

    /// Every token of one shard with the report pages that hold it.
    fn shard(&self, n: u32) -> BTreeMap<String, Vec<String>> {
        let bytes = std::fs::read(self.out.join(format!("search/shards/{n}.bin"))).unwrap();
        assert_eq!(bytes[0], 1, "format version");
        let total = self.reports.len() as u64;
        let mut out = BTreeMap::new();
        let mut at = 1;
        let mut last = String::new();
        while at < bytes.len() {
            let len = bytes[at] as usize;
            let token = String::from_utf8(bytes[at + 1..at + 1 + len].to_vec()).unwrap();
            assert!(
                token > last,
                "tokens sorted in a shard: {last} then {token}"
            );
            last.clone_from(&token);
            at += 1 + len;
            let form = bytes[at];
            at += 1;
            let count = varint(&bytes, &mut at);
            let size = varint(&bytes, &mut at) as usize;
            let list = &bytes[at..at + size];
            at += size;
            let docs: Vec<u64> = match form {
                0 => {
                    let (mut i, mut next, mut docs) = (0, 0u64, Vec::new());
                    while i < list.len() {
                        let v = varint(list, &mut i);
                        let doc = next + (v >> 2);
                        docs.push(doc);
                        next = doc + 1;
                    }
                    docs
                }
                1 => (0..total)
                    .filter(|d| list[(d / 8) as usize] & (1 << (d % 8)) != 0)
                    .collect(),
                2 => {
                    let (mut i, mut next, mut missing) = (0, 0u64, BTreeSet::new());
                    while i < list.len() {
                        let doc = next + varint(list, &mut i);
                        missing.insert(doc);
                        next = doc + 1;
                    }
                    (0..total).filter(|d| !missing.contains(d)).collect()
                }
                other => panic!("form {other}"),
            };
            assert_eq!(docs.len() as u64, count, "{token}");
            assert_eq!(
                fnv1a32(token.as_bytes()) & (self.shards() - 1),
                n,
                "{token} in the wrong shard"
            );
            let pages = docs
                .iter()
                .map(|&d| {
                    let (slug, year) = &self.reports[d as usize];
                    format!("{slug}/{year}/index.html")
                })
                .collect();
            out.insert(token, pages);
        }
        out
    }

    fn shards(&self) -> u32 {
        self.manifest["shards"].as_u64().unwrap() as u32
    }

    /// The report pages holding `token` (empty when it is not indexed).
    fn pages(&self, token: &str) -> Vec<String> {
        let n = fnv1a32(token.as_bytes()) & (self.shards() - 1);
        self.shard(n).remove(token).unwrap_or_default()
    }

    /// The report pages holding every token of `query`, as the browser
    /// looks them up.
    fn find(&self, query: &str) -> Vec<String> {
        let mut found: Option<BTreeSet<String>> = None;
        for phrase in gongshi::search::token::query(query) {
            for t in phrase {
                let pages: BTreeSet<String> = self.pages(&t).into_iter().collect();
                found = Some(match found {
                    None => pages,
                    Some(f) => f.intersection(&pages).cloned().collect(),
                });
            }
        }
        found.unwrap_or_default().into_iter().collect()
    }

    /// A report's text file.
    fn text(&self, slug: &str, year: u32) -> Value {
        serde_json::from_slice(
            &std::fs::read(self.out.join(format!("search/text/{slug}/{year}.json"))).unwrap(),
        )
        .unwrap()
    }
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
    let index = Index::read(&built.out);
    let numbered: Vec<String> = index
        .reports
        .iter()
        .map(|(s, y)| format!("{s}/{y}/index.html"))
        .collect();
    assert_eq!(numbered, reports);
    assert_eq!(index.manifest["districts"], serde_json::json!(["西青区"]));
    for (slug, year) in &index.reports {
        let url = format!("{slug}/{year}/index.html");
        let doc = html(&built.out.join(&url));
        let h1 = text(doc.select(&sel("h1")).next().unwrap());
        let t = index.text(slug, *year);
        let name = if slug == "xinkou" {
            "辛口镇"
        } else {
            "张家窝镇"
        };
        assert_eq!(t["title"], h1.as_str(), "{url}");
        assert_eq!(t["township"], name, "{url}");
        assert_eq!(t["district"], "西青区", "{url}");
        assert_eq!(t["year"], *year, "{url}");
        // The title is indexed: each of its pairs finds the report.
        assert!(index.find(&h1).contains(&url), "{url}: {h1}");
        // Each section's anchor is a heading id on the report page, and
        // each section's text is found in the report.
        let sections = t["sections"].as_array().unwrap();
        assert!(sections.len() >= 2, "{url}: {sections:?}");
        for s in sections {
            let id = s[0].as_str().unwrap();
            if !id.is_empty() {
                let heading = doc
                    .select(&sel("h2[id], h3[id], h4[id], h5[id], h6[id]"))
                    .find(|e| e.value().attr("id") == Some(id));
                assert!(heading.is_some(), "{url}: anchor #{id} is not on the page");
            }
            for line in s[2]
                .as_str()
                .unwrap()
                .lines()
                .filter(|l| l.chars().count() >= 2)
            {
                assert!(index.find(line).contains(&url), "{url}: {line:?} not found");
            }
        }
    }
    // Every token of the index is in the shard its hash names.
    for n in 0..index.shards() {
        index.shard(n);
    }
}

#[test]
fn the_index_holds_the_body_and_the_stated_figures_only() {
    let built = build_with(&repo(), &[EPOCH]);
    let index = Index::read(&built.out);
    let all = |slug: &str, year: u32| -> String {
        index.text(slug, year)["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{}\n{}", s[1].as_str().unwrap(), s[2].as_str().unwrap()))
            .collect()
    };
    let zjw = all("zhangjiawo", 2023);
    // Body text, a stated figure with its label, an other figure.
    assert!(zjw.contains("清理占道经营的专项行动"), "{zjw}");
    assert!(zjw.contains("行政检查 2,537 次"), "{zjw}");
    assert!(zjw.contains("罚款金额 483,340.60 元"), "{zjw}");
    assert!(zjw.contains("处罚公共走道违规停放电动车 12 起"), "{zjw}");
    // The body's headings are sections with their ids.
    let ids: Vec<String> = index.text("zhangjiawo", 2023)["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&"二重点执法".to_owned()), "{ids:?}");
    assert!(ids.contains(&"h-figures".to_owned()), "{ids:?}");
    // 2022 states no fines: 罚款金额 does not find it; a not-reported
    // figure is not indexed.
    let y2022 = all("zhangjiawo", 2022);
    assert!(y2022.contains("行政检查 553 次"), "{y2022}");
    assert!(!y2022.contains("罚款"), "{y2022}");
    assert!(!y2022.contains("未报告"), "{y2022}");
    assert_eq!(
        index.find("罚款金额"),
        ["xinkou/2025/index.html", "zhangjiawo/2023/index.html"]
    );
    // Numbers, written with digit grouping or not.
    assert_eq!(index.find("2537"), ["zhangjiawo/2023/index.html"]);
    assert_eq!(index.find("2,537"), ["zhangjiawo/2023/index.html"]);
    // 占道经营's pairs are not all in 辛口镇's report (占路经营).
    assert_eq!(index.find("占道经营"), ["zhangjiawo/2023/index.html"]);
    assert!(
        index
            .find("占路经营")
            .contains(&"xinkou/2025/index.html".to_owned())
    );
}

#[test]
fn traditional_characters_and_full_width_digits_are_folded_in_the_index() {
    let built = build_with(&fixture("search"), &[]);
    let index = Index::read(&built.out);
    // Written 開展電動車違規停放專項整治，全年檢查２０８６次.
    let page = "dongjie/2023/index.html".to_owned();
    for query in [
        "电动车",
        "電動車",
        "专项整治",
        "2086",
        "２０８６",
        "检查2086次",
    ] {
        assert!(index.find(query).contains(&page), "{query}");
    }
    // A case number, however its brackets are typed.
    for query in ["〔2023〕15号", "[2023]15号", "【2023】15号"] {
        assert_eq!(index.find(query), std::slice::from_ref(&page), "{query}");
    }
    // The text file keeps the text as written and says it needs the table.
    let t = index.text("dongjie", 2023);
    let sections = t["sections"].to_string();
    assert!(
        sections.contains("開展電動車違規停放專項整治"),
        "{sections}"
    );
    assert_eq!(t["t2s"], true);
    assert!(index.text("nanzhuang", 2024).get("t2s").is_none());
    // The report page itself shows the text as written.
    let shown = std::fs::read_to_string(built.out.join(&page)).unwrap();
    assert!(shown.contains("開展電動車違規停放專項整治"));
    // The township filter's values are slugs, so a township named in
    // traditional characters filters as any other.
    let doc = html(&built.out.join("search/index.html"));
    let option = doc
        .select(&sel("#search-township option"))
        .find(|o| text(*o) == "東街街道")
        .unwrap();
    assert_eq!(option.value().attr("value"), Some("dongjie"));
    // The browser folds with the same table.
    let table = std::fs::read_to_string(built.out.join("search/t2s.txt")).unwrap();
    assert_eq!(table, gongshi::search::fold::T2S);
    assert!(table.lines().any(|l| l == "電电"));
}

#[test]
fn the_index_is_identical_across_thread_counts() {
    // A site large enough for several shards and runs of reports.
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
    let shards = a.keys().filter(|p| p.ends_with(".bin")).count();
    assert!(shards > 1, "one shard only: {:?}", a.keys());
    assert_eq!(
        a.keys().filter(|p| p.starts_with("search/text/")).count(),
        300
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between 1 and 3 threads");
    }
    // Each report is found by a phrase of its own, and a common word
    // (in every report) by all.
    let index = Index::read(&one.out);
    assert_eq!(index.find("年度行政执法工作报告").len(), 300);
    assert_eq!(index.find("第17镇2023年度"), ["t017/2023/index.html"]);
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
    // The index is where the page looks for it, of the version it names.
    let manifest = form.value().attr("data-index").unwrap();
    let index = Index::read(&built.out);
    assert!(built.out.join("search").join(manifest).is_file());
    assert_eq!(
        form.value().attr("data-version"),
        index.manifest["version"].as_str()
    );
    // The script is the site's own: no third-party code is loaded.
    for s in doc.select(&sel("script")) {
        let src = s.value().attr("src").unwrap_or_default();
        assert!(src.starts_with("../assets/"), "{src}");
    }
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
    // An English site indexes the Chinese labels of its figures too.
    let index = Index::read(&built.out);
    assert!(!index.find("行政检查").is_empty());
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
    assert!(before.keys().any(|p| p.ends_with(".bin")));
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
