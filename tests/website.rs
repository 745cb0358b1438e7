//! The website's pages and plumbing, checked in the built HTML and XML:
//! people and powers, the report page's parts, charts with their data,
//! downloads linked from every table, the feed, the sitemap.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{build, fixture, html, repo, sel, text};

#[test]
fn township_page_shows_profile_people_and_powers() {
    let built = build(&fixture("two-districts"));
    let page = html(&built.out.join("aa/index.html"));
    let profile = text(page.select(&sel("dl.profile")).next().unwrap());
    assert!(profile.contains("Area 12.5 km²"), "{profile}");
    assert!(profile.contains("Resident population ~21,000"), "{profile}");
    assert!(
        profile.contains("Enforcement body 甲镇综合执法大队"),
        "{profile}"
    );
    let officers: Vec<String> = page
        .select(&sel("#h-powers ~ .table-wrap table"))
        .next()
        .map(|t| t.select(&sel("tbody tr")).map(text).collect())
        .unwrap();
    assert_eq!(
        officers,
        vec![
            "测试员甲 12010000001 综合行政执法 甲镇",
            "测试员乙 12010000002 综合行政执法"
        ]
    );
    let captions: Vec<String> = page
        .select(&sel("section[aria-labelledby=h-powers] caption"))
        .map(text)
        .collect();
    assert_eq!(
        captions,
        vec!["Enforcement officers", "Enforcement items", "Remedies"]
    );
    let powers = text(
        page.select(&sel("section[aria-labelledby=h-powers]"))
            .next()
            .unwrap(),
    );
    assert!(
        powers.contains("Supervision hotline: 022-12345678"),
        "{powers}"
    );
    assert!(
        powers.contains("行政复议 区人民政府 自知道之日起六十日内"),
        "{powers}"
    );
    // Every table has a caption and column headers.
    for table in page.select(&sel("table")) {
        assert!(table.select(&sel("caption")).next().is_some());
        assert!(table.select(&sel("thead th[scope=col]")).next().is_some());
    }
    // A township without a profile figure says so.
    let bb = html(&built.out.join("bb/index.html"));
    assert!(text(bb.select(&sel("dl.profile")).next().unwrap()).contains("Area Not stated"));
    assert!(
        bb.select(&sel("section[aria-labelledby=h-powers]"))
            .next()
            .is_none()
    );
}

#[test]
fn report_page_has_dates_contents_attachments_revisions_and_neighbours() {
    let built = build(&fixture("two-districts"));
    let page = html(&built.out.join("aa/2024/index.html"));
    let meta = text(page.select(&sel("dl.meta-list")).next().unwrap());
    for want in [
        "Period end 2024-12-25",
        "Published 2024-12-30",
        "Updated 2025-01-15",
        "Deadline 2025-01-31",
        "Status On time",
    ] {
        assert!(meta.contains(want), "{want} in {meta}");
    }
    // The table of contents points at the body's headings.
    let ids: Vec<String> = page
        .select(&sel(".prose h2[id], .prose h3[id]"))
        .map(|h| h.value().attr("id").unwrap().to_string())
        .collect();
    let toc: Vec<String> = page
        .select(&sel(".toc a"))
        .map(|a| {
            a.value()
                .attr("href")
                .unwrap()
                .trim_start_matches('#')
                .to_string()
        })
        .collect();
    assert_eq!(toc, ids);
    assert_eq!(toc.len(), 5);
    // The attachment is copied, listed with its size, and the body's link to it works.
    assert!(built.out.join("aa/2024/original.pdf").is_file());
    let attachments: Vec<String> = page
        .select(&sel("section[aria-labelledby=h-attachments] li"))
        .map(text)
        .collect();
    assert_eq!(attachments, vec!["original.pdf 31 B"]);
    assert!(
        page.select(&sel(r#".prose a[href="original.pdf"]"#))
            .next()
            .is_some()
    );
    let revisions: Vec<String> = page
        .select(&sel("section[aria-labelledby=h-revisions] tbody tr"))
        .map(text)
        .collect();
    assert_eq!(revisions, vec!["2025-01-15 更正罚款金额"]);
    // Neighbours and the year summary.
    let pager: Vec<String> = page
        .select(&sel("nav.pager a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        pager,
        vec!["../../aa/2023/index.html", "../../years/2024/index.html"]
    );
    // A zero of cases is "none this year", not a bare 0 and not "not
    // reported", and has no unit.
    let permits = text(
        page.select(&sel(r#"tr[data-metric="permits"] td.num"#))
            .next()
            .unwrap(),
    );
    assert_eq!(permits, "none this year");
    assert_eq!(
        page.select(&sel(r#"tr[data-metric="permits"] td.num"#))
            .next()
            .unwrap()
            .value()
            .attr("data-value"),
        Some("0")
    );
    // The change against 2023: 100 → 120 inspections.
    let change = page
        .select(&sel(r#"tr[data-metric="inspections"] .change"#))
        .next()
        .map(text);
    assert_eq!(change.as_deref(), Some("+20"));
}

#[test]
fn charts_carry_a_text_alternative_and_their_data() {
    let sample = build(&repo());
    let fixture = build(&fixture("two-districts"));
    // A township's charts (Chinese) and the like-for-like totals (English).
    for (built, path, sep) in [
        (&sample, "zhangjiawo/index.html", "："),
        (&fixture, "index.html", ": "),
    ] {
        let page = html(&built.out.join(path));
        let charts: Vec<_> = page.select(&sel("figure.chart")).collect();
        assert!(!charts.is_empty(), "{path} has charts");
        for chart in charts {
            let svg = chart.select(&sel("svg")).next().unwrap();
            assert_eq!(svg.value().attr("role"), Some("img"));
            let labelled = svg.value().attr("aria-labelledby").unwrap();
            for id in labelled.split(' ') {
                assert!(
                    chart.select(&sel(&format!("#{id}"))).next().is_some(),
                    "{path}: {id}"
                );
            }
            let desc = text(chart.select(&sel("desc")).next().unwrap());
            let rows: Vec<String> = chart.select(&sel("details tbody tr")).map(text).collect();
            assert!(!rows.is_empty());
            for row in &rows {
                let (year, value) = row.split_once(' ').unwrap();
                assert!(
                    desc.contains(&format!("{year}{sep}{value}")),
                    "{path}: {desc} lacks {row}"
                );
            }
            assert!(
                svg.value().attr("viewBox").is_some(),
                "charts scale with the page"
            );
        }
    }
}

#[test]
fn every_summary_table_links_its_downloads() {
    let built = build(&repo());
    for path in [
        "index.html",
        "years/2023/index.html",
        "years/2025/index.html",
    ] {
        let page = html(&built.out.join(path));
        let tables = page.select(&sel("table.summary")).count();
        let links = page.select(&sel("p.downloads")).count();
        assert!(
            tables > 0 && links == tables,
            "{path}: {tables} tables, {links} download links"
        );
        for a in page.select(&sel("p.downloads a")) {
            let href = a.value().attr("href").unwrap();
            assert!(
                built.out.join(path).parent().unwrap().join(href).is_file(),
                "{path}: {href}"
            );
        }
    }
}

#[test]
fn feed_sitemap_and_robots() {
    let built = build(&repo());
    let feed = std::fs::read_to_string(built.out.join("feed.xml")).unwrap();
    let doc = scraper::Html::parse_document(&feed);
    let entries: Vec<String> = doc.select(&sel("entry id")).map(text).collect();
    // Newest first; on the same date by township, then the later year first.
    assert_eq!(
        entries,
        vec![
            "https://zhifa.example.cn/xiqing/xinkou/2025/",
            "https://zhifa.example.cn/xiqing/zhangjiawo/2023/",
            "https://zhifa.example.cn/xiqing/zhangjiawo/2022/",
        ]
    );
    // An undated report is dated 31 December of its year, never the build
    // day, and its text says it states no date.
    let updated: Vec<String> = doc.select(&sel("entry updated")).map(text).collect();
    assert_eq!(
        updated,
        vec![
            "2025-12-08T00:00:00+08:00",
            "2023-12-31T00:00:00+08:00",
            "2022-12-31T00:00:00+08:00"
        ]
    );
    let summaries: Vec<String> = doc.select(&sel("entry summary")).map(text).collect();
    assert!(!summaries[0].contains("未载明发布日期"), "{summaries:?}");
    assert!(
        summaries[1..]
            .iter()
            .all(|s| s.contains("报告未载明发布日期")),
        "{summaries:?}"
    );
    assert_eq!(doc.select(&sel("entry published")).count(), 1);
    // The feed does not change with the status date.
    let later = common::build_with(&repo(), &[("SOURCE_DATE_EPOCH", "1800000000")]);
    assert_eq!(
        std::fs::read(later.out.join("feed.xml")).unwrap(),
        feed.as_bytes(),
        "the same feed whatever the day of the build"
    );
    assert!(feed.starts_with("<?xml"));
    let sitemap = std::fs::read_to_string(built.out.join("sitemap.xml")).unwrap();
    let locs: Vec<String> = scraper::Html::parse_document(&sitemap)
        .select(&sel("loc"))
        .map(text)
        .collect();
    // The search page has no content of its own: it is not in the sitemap.
    let pages = common::tree(&built.out)
        .keys()
        .filter(|k| k.ends_with("index.html") && *k != "search/index.html")
        .count();
    assert_eq!(locs.len(), pages, "every page is in the sitemap");
    assert!(!locs.iter().any(|l| l.contains("/search/")));
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://zhifa.example.cn/xiqing/"))
    );
    let robots = std::fs::read_to_string(built.out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://zhifa.example.cn/xiqing/sitemap.xml"));
    // The 404 page loads nothing from elsewhere and links from the base path.
    let not_found = html(&built.out.join("404.html"));
    assert!(
        not_found
            .select(&sel("script, link[rel=stylesheet]"))
            .next()
            .is_none()
    );
    assert!(
        not_found
            .select(&sel(r#"a[href="/xiqing/index.html"]"#))
            .next()
            .is_some()
    );
}

#[test]
fn the_interface_switches_language_with_the_config() {
    let en = build(&fixture("two-districts"));
    let page = html(&en.out.join("index.html"));
    let nav: Vec<String> = page.select(&sel("header nav a")).map(text).collect();
    assert_eq!(nav, vec!["Home", "Townships", "All years", "Open data"]);
    let zh = build(&repo());
    let page = html(&zh.out.join("index.html"));
    let nav: Vec<String> = page.select(&sel("header nav a")).map(text).collect();
    assert_eq!(nav, vec!["首页", "乡镇", "历年汇总", "开放数据"]);
}

#[test]
fn a_site_overrides_the_built_in_theme_file_by_file() {
    let site = common::sample_copy();
    let root = site.path();
    // A theme of its own, chosen in the config, replacing one static file...
    std::fs::create_dir_all(root.join("themes/plain/static")).unwrap();
    std::fs::write(
        root.join("themes/plain/static/style.css"),
        "body { color: black; }\n",
    )
    .unwrap();
    let config = std::fs::read_to_string(root.join("gongshi.yaml"))
        .unwrap()
        .replace("theme: default", "theme: plain");
    std::fs::write(root.join("gongshi.yaml"), config).unwrap();
    // ...and one template from templates/ at the site root.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>自定义的404页面</h1>{% endblock main %}",
    )
    .unwrap();
    let built = build(root);
    assert_eq!(
        std::fs::read_to_string(built.out.join("assets/style.css")).unwrap(),
        "body { color: black; }\n"
    );
    assert!(
        std::fs::read_to_string(built.out.join("404.html"))
            .unwrap()
            .contains("自定义的404页面")
    );
    // Everything else still comes from the built-in theme.
    assert!(built.out.join("assets/site.js").is_file());
    assert!(
        html(&built.out.join("index.html"))
            .select(&sel("table.matrix"))
            .next()
            .is_some()
    );

    // A theme that does not exist is a config error, not a silent fallback.
    let config = std::fs::read_to_string(root.join("gongshi.yaml"))
        .unwrap()
        .replace("theme: plain", "theme: fancy");
    std::fs::write(root.join("gongshi.yaml"), config).unwrap();
    let o = common::gongshi()
        .args(["check", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("找不到主题“fancy”"));
}

#[test]
fn a_theme_s_own_words_need_only_what_they_change() {
    // A site's i18n.yaml written for an older gongshi, or with only the
    // words it wants to change: every other word comes from the built-in
    // theme (never the key itself), in the site's language.
    let nav_of = |page: &scraper::Html| -> Vec<String> {
        page.select(&sel("header.site-header nav a"))
            .map(text)
            .collect()
    };
    let heading = |page: &scraper::Html, id: &str| {
        page.select(&sel(&format!("h2#{id}")))
            .next()
            .map(text)
            .unwrap_or_default()
    };
    let words = "zh-CN:\n  figures: 数据一览\n  home: 首页（本站）\n";
    let with_words = |root: &std::path::Path| {
        std::fs::create_dir_all(root.join("themes/plain")).unwrap();
        std::fs::write(root.join("themes/plain/i18n.yaml"), words).unwrap();
        let config = root.join("gongshi.yaml");
        let yaml = std::fs::read_to_string(&config).unwrap();
        let yaml = if yaml.contains("theme: default") {
            yaml.replace("theme: default", "theme: plain")
        } else {
            format!("{yaml}theme: plain\n")
        };
        std::fs::write(&config, yaml).unwrap();
    };

    let zh = common::sample_copy();
    with_words(zh.path());
    let built = build(zh.path());
    let page = html(&built.out.join("zhangjiawo/2023/index.html"));
    assert_eq!(heading(&page, "h-figures"), "数据一览");
    assert_eq!(heading(&page, "h-body"), "报告正文");
    let nav = nav_of(&page);
    assert_eq!(nav, vec!["首页（本站）", "乡镇", "历年汇总", "开放数据"]);

    // A section or a word left empty keeps the default's; `zh` is read as
    // zh-CN, as in gongshi.yaml.
    let file = zh.path().join("themes/plain/i18n.yaml");
    std::fs::write(&file, "zh:\n  home: 本站首页\n  figures: ~\nen:\n").unwrap();
    let built = build(zh.path());
    let page = html(&built.out.join("zhangjiawo/2023/index.html"));
    let nav = nav_of(&page);
    assert_eq!(nav[0], "本站首页");
    assert_eq!(heading(&page, "h-figures"), "主要数据");
    // A mistake in the file is shown where it is, as in content files.
    std::fs::write(&file, "zh-CN:\n\thome: x\n").unwrap();
    let o = common::run(&["build", "--root", zh.path().to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("themes/plain/i18n.yaml:2:1"), "{err}");
    assert!(err.contains("yaml-syntax"), "{err}");

    // An English site whose theme changes Chinese words only keeps the
    // built-in English ones.
    let en = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture("two-districts"), en.path());
    with_words(en.path());
    let built = build(en.path());
    let page = html(&built.out.join("index.html"));
    let nav = nav_of(&page);
    assert_eq!(nav, vec!["Home", "Townships", "All years", "Open data"]);
}

#[test]
fn a_rate_says_its_percent_sign_once() {
    // A rate's number carries its `%` (85%, 88%以上); the unit `%` beside it
    // would read "85% %". Checked for a metric of the schema and for an
    // other figure in `%` on the report page, and on the cards of the
    // township and home pages when the rate is a key metric.
    let site = common::sample_copy();
    let config = site.path().join("gongshi.yaml");
    let yaml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        yaml.replace(
            "key_metrics: [inspections,",
            "key_metrics: [duty_rate, inspections,",
        ),
    )
    .unwrap();
    let report = site.path().join("content/xinkou/2025.md");
    let text_of = std::fs::read_to_string(&report).unwrap();
    let edited = text_of
        .replacen("metrics:\n", "metrics:\n  duty_rate: 85%\n", 1)
        .replacen(
            "other_figures:\n",
            "other_figures:\n  - label: 群众满意率\n    value: 96%以上\n    unit: \"%\"\n    group: special\n",
            1,
        );
    assert_ne!(edited, text_of);
    std::fs::write(&report, edited).unwrap();
    let built = build(site.path());
    let page = html(&built.out.join("xinkou/2025/index.html"));
    let cell = |selector: &str| {
        let row = page.select(&sel(selector)).next().unwrap();
        text(row.select(&sel("td.num")).next().unwrap())
    };
    assert_eq!(cell(r#"tr[data-metric="duty_rate"]"#), "85%");
    let other = page
        .select(&sel("tr.other"))
        .find(|r| text(*r).contains("群众满意率"))
        .unwrap();
    assert_eq!(
        text(other.select(&sel("td.num")).next().unwrap()),
        "96%以上"
    );
    // A count keeps its unit.
    assert_eq!(cell(r#"tr[data-metric="inspections"]"#), "1,100余 次");
    // So does the report's search text, which search results quote.
    let search = std::fs::read_to_string(built.out.join("search/text/xinkou/2025.json")).unwrap();
    for want in [
        "履职率 85%\\n",
        "群众满意率 96%以上\\n",
        "行政检查 1,100余 次",
    ] {
        assert!(search.contains(want), "{want} in {search}");
    }
    let township = html(&built.out.join("xinkou/index.html"));
    let cards: Vec<String> = township.select(&sel(".card")).map(text).collect();
    let rate = cards.iter().find(|c| c.contains("履职率"));
    assert!(rate.is_some_and(|c| c.ends_with("85%")), "{cards:?}");
    let home = html(&built.out.join("index.html"));
    let cards: Vec<String> = home.select(&sel(".card")).map(text).collect();
    assert!(cards.iter().any(|c| c.contains("履职率")), "{cards:?}");
    assert!(cards.iter().all(|c| !c.contains("% %")), "{cards:?}");
    // The rate's total is computed from its two counts, which the report
    // does not give: the card says so, rather than that nobody reported.
    let rate = cards.iter().find(|c| c.contains("履职率")).unwrap();
    assert!(
        rate.contains("1 个乡镇中 0 个报告了算出比率的两项确切数字"),
        "{rate}"
    );
}
