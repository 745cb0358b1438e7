//! The site as a government disclosure portal (issue 12), read from the
//! built HTML: report pages put the report first, a zero is worded by what
//! the metric counts, the portal's footer shows what the config sets and
//! nothing else, the 乡镇 menu leads to every township and report, the
//! glossary explains every status and figure word, and every legend links
//! to it. The browser-side behaviour (layout at phone widths, 字号, 打印,
//! without JavaScript) is in `tests/browser.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{build, fixture, html, repo, sel, text};

fn texts(page: &scraper::Html, selector: &str) -> Vec<String> {
    page.select(&sel(selector)).map(text).collect()
}

fn attrs(page: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    page.select(&sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// The schema's metric keys (from the site's own all.json).
fn metric_keys(out: &Path) -> Vec<String> {
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data/all.json")).unwrap()).unwrap();
    all["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_report_page_puts_the_report_first() {
    let built = build(&repo());
    let page = html(&built.out.join("zhangjiawo/2023/index.html"));
    // The key facts, issuer first.
    let facts = texts(&page, "dl.meta-list > div");
    assert_eq!(facts[0], "发布机构 张家窝镇综合执法局", "{facts:?}");
    assert_eq!(facts[1], "发布日期 未载明", "{facts:?}");
    assert!(facts.iter().any(|f| f.starts_with("公开状态 未载明日期")));
    // 未载明 is explained where it appears.
    assert_eq!(
        attrs(&page, "dl.meta-list a.term", "href"),
        ["../../glossary/index.html#term_not_stated"]
    );
    // Then the tools, then the figures, the unstated line, the legend, and
    // the text with its contents: in this order in the document.
    let order: Vec<&str> = [
        "dl.meta-list",
        ".page-tools",
        "#h-figures",
        "table.figures",
        "details.unstated",
        ".legend.terms",
        "#h-body",
        "nav.toc",
        ".prose",
    ]
    .to_vec();
    let html_text = std::fs::read_to_string(built.out.join("zhangjiawo/2023/index.html")).unwrap();
    let position = |s: &str| {
        let el = page.select(&sel(s)).next().unwrap_or_else(|| panic!("{s}"));
        let id = el.value().attr("id");
        let class = el.value().attr("class");
        let needle = match (id, class) {
            (Some(id), _) => format!("id=\"{id}\""),
            (None, Some(c)) => format!("class=\"{c}\""),
            _ => panic!("{s}"),
        };
        html_text.find(&needle).unwrap()
    };
    let positions: Vec<usize> = order.iter().map(|s| position(s)).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted, "{order:?}");
    // Only stated figures have a row; what is not stated is named once.
    let rows: BTreeSet<String> = attrs(&page, "table.figures tr[data-metric]", "data-metric")
        .into_iter()
        .collect();
    assert!(
        page.select(&sel("table.figures tr.fig-not_reported"))
            .next()
            .is_none()
    );
    assert!(rows.contains("inspections") && rows.contains("drones"));
    let unstated = text(page.select(&sel("details.unstated")).next().unwrap());
    let schema = metric_keys(&built.out);
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(built.out.join("data/all.json")).unwrap())
            .unwrap();
    let mut named = 0;
    for m in labels["metrics"].as_array().unwrap() {
        let (key, label) = (m["key"].as_str().unwrap(), m["label"].as_str().unwrap());
        if rows.contains(key) {
            continue;
        }
        named += 1;
        assert!(unstated.contains(label), "{label} not in {unstated}");
    }
    assert_eq!(named + rows.len(), schema.len());
    assert!(
        unstated.starts_with(&format!("本报告未载明 {named} 项指标")),
        "{unstated}"
    );
    // Collapsed: a <details> without `open`.
    assert!(
        page.select(&sel("details.unstated[open]")).next().is_none(),
        "the unstated line is collapsed"
    );
    // The tools: 字号 as three radios (中 checked), 打印 hidden until a
    // script shows it.
    assert_eq!(
        attrs(&page, ".page-tools input[name=font-size]", "value"),
        ["large", "medium", "small"]
    );
    assert_eq!(
        attrs(&page, ".page-tools input[checked]", "value"),
        ["medium"]
    );
    assert_eq!(
        texts(&page, ".page-tools legend, .page-tools label"),
        ["字号", "大", "中", "小"]
    );
    assert!(
        page.select(&sel(".page-tools button[data-print][hidden]"))
            .next()
            .is_some()
    );
    // The source of a report that quotes another is shown as 来源.
    let y2022 = html(&built.out.join("zhangjiawo/2022/index.html"));
    assert!(
        texts(&y2022, "dl.meta-list > div")
            .iter()
            .any(|f| f == "来源 数据引自《张家窝镇2023年度行政执法情况报告》。"),
        "{:?}",
        texts(&y2022, "dl.meta-list > div")
    );
}

/// A site with one report holding zeros of every kind and a not-applicable figure.
fn zeros_site() -> tempfile::TempDir {
    let site = common::sample_copy();
    let dir = site.path().join("content/lingxian");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("_index.md"),
        "---\nname: 零县镇\ndistrict: 西青区\nenforcement_body: 零县镇综合执法队\n---\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("2025.md"),
        "---\ntitle: 零县镇2025年度行政执法工作报告\nyear: 2025\npublished: 2026-01-10\nmetrics:\n  penalty_cases_simple: 0\n  penalty_cases_general: 0\n  fines_simple: 0\n  fines_general: 0\n  drones: 0\n  training_sessions: 0\n  training_hours_officers: 0\n  certified_officers: 0\n  permits: 无相关职责\n  inspections: 12\n---\n\n## 一、基本情况\n\n本年度未办理行政处罚案件。\n",
    )
    .unwrap();
    site
}

#[test]
fn a_zero_is_worded_by_what_the_metric_counts() {
    let site = zeros_site();
    let built = build(site.path());
    let page = html(&built.out.join("lingxian/2025/index.html"));
    let td = |metric: &str| {
        page.select(&sel(&format!(r#"tr[data-metric="{metric}"] td.num"#)))
            .next()
            .unwrap_or_else(|| panic!("no row for {metric}"))
    };
    let cell = |metric: &str| -> (String, String) {
        let td = td(metric);
        (text(td), td.value().attr("data-value").unwrap().to_string())
    };
    // Cases: none this year, without a unit (and 0 underneath, for sorting).
    for (metric, shown_as) in [
        ("penalty_cases", "本年度无此类案件 计"),
        ("penalty_cases_simple", "本年度无此类案件"),
        ("penalty_cases_general", "本年度无此类案件"),
    ] {
        assert_eq!(cell(metric), (shown_as.to_string(), "0".to_string()));
        assert!(
            td(metric).select(&sel(".unit")).next().is_none(),
            "{metric}"
        );
    }
    // People, equipment, sessions, hours, money: 0 with the unit.
    assert_eq!(cell("drones").0, "0 架");
    assert_eq!(cell("training_sessions").0, "0 次");
    assert_eq!(cell("training_hours_officers").0, "0 学时");
    assert_eq!(cell("certified_officers").0, "0 人");
    assert_eq!(cell("fines_simple").0, "0.00 元");
    assert_eq!(cell("fines_total").0, "0.00 元 计");
    // Not applicable: the words, never a unit.
    assert_eq!(cell("permits").0, "无相关职责");
    assert!(td("permits").select(&sel(".unit")).next().is_none());
    // The legend explains the words the tables use, each linked.
    let legend = attrs(&page, ".legend.terms dt a", "href");
    for term in ["term_computed", "term_zero", "term_not_applicable"] {
        assert!(
            legend.contains(&format!("../../glossary/index.html#{term}")),
            "{term}: {legend:?}"
        );
    }
    assert!(
        !legend.iter().any(|l| l.ends_with("#term_lower_bound")),
        "no lower bound on this page: {legend:?}"
    );
}

#[test]
fn the_footer_shows_the_portal_items_set_and_nothing_else() {
    // The sample sets none: no 主办单位, no record numbers, no invented value.
    let sample = build(&repo());
    let home = html(&sample.out.join("index.html"));
    assert!(home.select(&sel(".portal-info")).next().is_none());
    let footer = text(home.select(&sel("footer")).next().unwrap());
    for word in [
        "主办单位",
        "承办单位",
        "联系我们",
        "网站标识码",
        "ICP",
        "公网安备",
    ] {
        assert!(!footer.contains(word), "{word} in {footer}");
    }
    assert_eq!(
        texts(&home, "footer nav a"),
        ["术语说明", "开放数据", "订阅更新（Atom）"]
    );
    // The verdicts fixture sets every item: each is shown, on every page.
    let built = build(&fixture("verdicts"));
    for page in ["index.html", "jia/2025/index.html", "glossary/index.html"] {
        let page = html(&built.out.join(page));
        let info = texts(&page, ".portal-info .portal-item");
        assert_eq!(
            info,
            [
                "主办单位：公示判断测试区人民政府",
                "承办单位：公示判断测试区司法局",
                "联系地址：测试区示例路1号",
                "联系电话：022-00000000",
                "电子邮箱： zhifa@verdicts.example.cn",
                "网站标识码：1200000000",
                "津ICP备00000000号-1",
                "津公网安备 12000000000000号",
            ]
        );
        assert_eq!(
            attrs(&page, ".portal-info a", "href"),
            [
                "mailto:zhifa@verdicts.example.cn",
                "https://beian.miit.gov.cn/",
                "https://beian.mps.gov.cn/#/query/webSearch?code=12000000000000",
            ]
        );
        assert_eq!(texts(&page, ".portal-info .contact strong"), ["联系我们"]);
    }
    // The English fixture sets two: only those two, in English.
    let en = build(&fixture("two-districts"));
    let page = html(&en.out.join("index.html"));
    assert_eq!(
        texts(&page, ".portal-info .portal-item"),
        [
            "Sponsor: Fixture District Government",
            "津ICP备00000000号-2"
        ]
    );
    assert!(page.select(&sel(".portal-info .contact")).next().is_none());
    // The 404 page, served at any depth, links the footer from the base path.
    let not_found = html(&built.out.join("404.html"));
    assert_eq!(
        attrs(&not_found, "footer nav a", "href")[0],
        "/glossary/index.html"
    );
}

#[test]
fn the_townships_menu_leads_to_every_township_and_report_in_two_clicks() {
    for (root, by_district) in [(fixture("two-districts"), true), (repo(), false)] {
        let built = build(&root);
        let all: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(built.out.join("data/all.json")).unwrap(),
        )
        .unwrap();
        // Every page's header links the townships index.
        for entry in walkdir::WalkDir::new(&built.out) {
            let entry = entry.unwrap();
            if entry.path().extension().and_then(|e| e.to_str()) != Some("html")
                || entry.file_name() == "404.html"
            {
                continue;
            }
            let page = html(entry.path());
            let hrefs = attrs(&page, "header nav a", "href");
            assert!(
                hrefs.iter().any(|h| h.ends_with("townships/index.html")),
                "{}: {hrefs:?}",
                entry.path().display()
            );
        }
        let index = html(&built.out.join("townships/index.html"));
        let links: BTreeSet<String> = attrs(&index, "main table a[href]", "href")
            .into_iter()
            .collect();
        for t in all["townships"].as_array().unwrap() {
            let slug = t["slug"].as_str().unwrap();
            assert!(links.contains(&format!("../{slug}/index.html")), "{slug}");
            for r in t["reports"].as_array().unwrap() {
                let year = r["year"].as_i64().unwrap();
                assert!(
                    links.contains(&format!("../{slug}/{year}/index.html")),
                    "{slug} {year}: home → 乡镇 → report"
                );
            }
        }
        // By district when there are several: a section per district.
        let districts = texts(&index, "main section h2");
        if by_district {
            assert_eq!(districts, ["西青区", "北辰区"]);
        } else {
            assert!(districts.is_empty(), "{districts:?}");
        }
        // Status badges link to the glossary.
        for href in attrs(&index, "table a.status", "href") {
            assert!(href.starts_with("../glossary/index.html#status_"), "{href}");
        }
    }
}

#[test]
fn the_glossary_explains_every_status_and_figure_word_in_both_languages() {
    // The words the issue names, by their glossary entry.
    let entries = [
        ("status_missing", "未公开"),
        ("status_not_covered", "未收录"),
        ("status_late", "逾期公开"),
        ("status_date_not_stated", "未载明日期"),
        ("status_figures_only", "仅有数据"),
        ("status_not_yet_due", "未到期"),
        ("term_not_reported", "未报告"),
        ("term_not_applicable", "无相关职责"),
        ("term_lower_bound", "余"),
        ("term_approximate", "约"),
        ("term_computed", "计"),
        ("term_coverage", "2/3"),
        ("term_zero", "本年度无此类案件"),
        ("term_not_stated", "未载明"),
    ];
    let zh = build(&repo());
    let en = build(&fixture("two-districts"));
    let zh_page = html(&zh.out.join("glossary/index.html"));
    let en_page = html(&en.out.join("glossary/index.html"));
    for (id, word) in entries {
        let entry = zh_page
            .select(&sel(&format!("#{id}")))
            .next()
            .unwrap_or_else(|| panic!("no entry {id}"));
        let dt = text(entry.select(&sel("dt")).next().unwrap());
        let dd = text(entry.select(&sel("dd")).next().unwrap());
        assert!(dt.contains(word), "{id}: {dt}");
        assert!(dd.chars().count() > 15, "{id}: {dd}");
        let en_entry = en_page
            .select(&sel(&format!("#{id}")))
            .next()
            .unwrap_or_else(|| panic!("no English entry {id}"));
        let en_dd = text(en_entry.select(&sel("dd")).next().unwrap());
        // In English (a Chinese example may be quoted).
        let latin = en_dd.chars().filter(char::is_ascii_alphabetic).count();
        assert!(latin > 30, "{id}: {en_dd}");
    }
    assert_eq!(
        texts(&en_page, "main h2"),
        ["Disclosure status", "Figure words", "Comparisons and ranks"]
    );
}

#[test]
fn every_legend_links_each_word_to_its_glossary_entry() {
    for root in [repo(), fixture("verdicts"), fixture("two-districts")] {
        let built = build(&root);
        let glossary = html(&built.out.join("glossary/index.html"));
        let ids: BTreeSet<String> = attrs(&glossary, ".glossary-entry", "id")
            .into_iter()
            .collect();
        let mut links = 0;
        for entry in walkdir::WalkDir::new(&built.out) {
            let entry = entry.unwrap();
            if entry.path().extension().and_then(|e| e.to_str()) != Some("html")
                || entry.file_name() == "404.html"
            {
                continue;
            }
            let page = html(entry.path());
            for legend in page.select(&sel(".legend")) {
                for dt in legend.select(&sel("dt")) {
                    let a = dt.select(&sel("a[href]")).next().unwrap_or_else(|| {
                        panic!("{}: {} unlinked", entry.path().display(), text(dt))
                    });
                    let href = a.value().attr("href").unwrap();
                    let (_, id) = href.split_once("glossary/index.html#").unwrap();
                    assert!(ids.contains(id), "{}: {href}", entry.path().display());
                    links += 1;
                }
            }
            // A table of figures is followed by the legend of its words.
            let has_figures = page
                .select(&sel("table.summary, table.figures"))
                .next()
                .is_some();
            let words_used = page
                .select(&sel("td.fig-lower_bound, tr.fig-lower_bound, td.fig-approximate, tr.fig-approximate, abbr.calc, tr.coverage-row"))
                .next()
                .is_some();
            if has_figures && words_used {
                assert!(
                    page.select(&sel(".legend.terms")).next().is_some(),
                    "{}: figure words without a legend",
                    entry.path().display()
                );
            }
        }
        assert!(links > 20, "{}: only {links} legend links", root.display());
    }
}

#[test]
fn a_figure_of_one_year_is_shown_as_itself_not_as_a_one_bar_chart() {
    let built = build(&repo());
    // 辛口镇: one report.
    let one = html(&built.out.join("xinkou/index.html"));
    assert!(one.select(&sel("figure.chart")).next().is_none());
    assert_eq!(
        texts(&one, "#h-figures ~ .cards .card"),
        [
            "2025年 行政检查 1,100余 次",
            "2025年 行政处罚案件 9 件",
            "2025年 罚款金额 7,300.00 元",
            "2025年 持证执法人员 16 人",
        ]
    );
    // 张家窝镇: two years. A chart where both give the figure; the figures
    // only 2023 gives are shown as themselves.
    let two = html(&built.out.join("zhangjiawo/index.html"));
    assert_eq!(
        attrs(&two, "figure.chart", "id"),
        ["chart-inspections", "chart-penalty_cases"]
    );
    assert_eq!(
        texts(&two, "#h-figures ~ .cards .card"),
        ["2023年 罚款金额 483,340.60 元", "2023年 持证执法人员 26 人"]
    );
    // Its table shows the latest year first, each unit once, beside the label.
    assert_eq!(
        texts(&two, "table:has(#cap-figures) thead th"),
        ["指标", "2023", "2022"]
    );
    assert_eq!(
        texts(&two, "table:has(#cap-figures) tbody th")
            .first()
            .map(String::as_str),
        Some("执法机构工作人员 （人）")
    );
}

#[test]
fn townships_is_a_reserved_slug() {
    let site = common::sample_copy();
    let dir = site.path().join("content/townships");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("_index.md"),
        "---\nname: 某镇\ndistrict: 西青区\n---\n",
    )
    .unwrap();
    let out = common::run(&["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("reserved-slug"), "{stderr}");
}

/// The report page, as a reader meets it: its headings, key facts, every
/// figure row, the unstated line and the contents, one line each. Pinned
/// whole, so nothing on the page changes unnoticed.
#[test]
fn the_report_page_reads_as_pinned() {
    let built = build(&repo());
    let page = html(&built.out.join("zhangjiawo/2023/index.html"));
    let main = page.select(&sel("main")).next().unwrap();
    let mut lines = Vec::new();
    let outline = sel(
        "h1, h2, dl.meta-list > div, .page-tools legend, .page-tools label, .on-page a, caption, \
         table.figures tr, details.unstated summary, details.unstated p, .legend.terms dt, \
         .toc a, .downloads",
    );
    for el in main.select(&outline) {
        let tag = el.value().name();
        let line = text(el);
        lines.push(format!("{tag}: {line}"));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
