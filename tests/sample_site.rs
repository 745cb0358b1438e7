//! The bundled sample site builds, and its pages show the figures of the
//! real reports exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{build, html, repo, sel, text};

/// The value cell of a metric's row on a report page.
fn figure_cell(page: &scraper::Html, metric: &str) -> String {
    let s = sel(&format!(r#"tr[data-metric="{metric}"] td.num"#));
    let cell = page
        .select(&s)
        .next()
        .unwrap_or_else(|| panic!("no row for {metric}"));
    text(cell)
}

#[test]
fn sample_site_shows_the_reported_figures() {
    let built = build(&repo());
    let zjw = html(&built.out.join("zhangjiawo/2023/index.html"));
    assert_eq!(figure_cell(&zjw, "fines_total"), "483,340.60 元 计");
    assert_eq!(figure_cell(&zjw, "penalty_cases"), "74 件 计");
    assert_eq!(figure_cell(&zjw, "inspections"), "2,537 次");
    // “累计超过 60 学时”: shown with the report's word.
    assert_eq!(figure_cell(&zjw, "training_hours_officers"), "超过60 学时");
    let xk = html(&built.out.join("xinkou/2025/index.html"));
    assert_eq!(figure_cell(&xk, "inspections"), "1,100余 次");
    assert_eq!(figure_cell(&xk, "fines_total"), "7,300.00 元");
    assert_eq!(figure_cell(&xk, "penalty_cases"), "9 件");
    // What the report does not state is named once, not a row each.
    assert!(
        xk.select(&sel(r#"tr[data-metric="confiscations"]"#))
            .next()
            .is_none()
    );
    let unstated = text(xk.select(&sel("details.unstated")).next().unwrap());
    assert!(unstated.starts_with("本报告未载明 "), "{unstated}");
    assert!(unstated.contains("没收违法所得"), "{unstated}");
    // Figures outside the schema are shown as stated.
    let other: Vec<String> = xk.select(&sel("tr.other")).map(text).collect();
    assert!(
        other.iter().any(|r| r == "治理占路经营行为 1,900余 处"),
        "{other:?}"
    );
    assert!(
        other.iter().any(|r| r == "电动车违规进楼道罚款 300.00 元"),
        "{other:?}"
    );
}

#[test]
fn undated_and_figures_only_reports_say_so() {
    let built = build(&repo());
    let zjw = html(&built.out.join("zhangjiawo/2023/index.html"));
    let meta = text(zjw.select(&sel("dl.meta-list")).next().unwrap());
    assert!(meta.contains("发布日期 未载明"), "{meta}");
    let y2022 = html(&built.out.join("zhangjiawo/2022/index.html"));
    let page = text(y2022.select(&sel("main")).next().unwrap());
    assert!(
        page.contains("数据引自《张家窝镇2023年度行政执法情况报告》"),
        "{page}"
    );
    assert!(page.contains("仅有数据"), "{page}");
    assert_eq!(figure_cell(&y2022, "penalty_cases"), "90 件 计");
    // The 2023 page shows the change against 2022.
    let zjw_cases = zjw
        .select(&sel(r#"tr[data-metric="penalty_cases"] .change"#))
        .next()
        .map(text);
    assert_eq!(zjw_cases.as_deref(), Some("-16"));
}

#[test]
fn every_internal_link_resolves() {
    let built = build(&repo());
    let a = sel("a[href], link[href], script[src]");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&built.out) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html")
            || entry.file_name() == "404.html"
        {
            continue;
        }
        let page = html(entry.path());
        for el in page.select(&a) {
            let target = el
                .value()
                .attr("href")
                .or_else(|| el.value().attr("src"))
                .unwrap();
            if target.starts_with("http")
                || target.starts_with('#')
                || target.starts_with("mailto:")
            {
                continue;
            }
            assert!(
                !target.starts_with('/'),
                "{}: absolute link {target}",
                entry.path().display()
            );
            let path = target.split('#').next().unwrap();
            let decoded = percent_decode(path);
            let resolved = entry.path().parent().unwrap().join(&decoded);
            assert!(
                resolved.is_file(),
                "{}: broken link {target}",
                entry.path().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn home_page_links_townships_reports_and_years() {
    let built = build(&repo());
    let home = html(&built.out.join("index.html"));
    let hrefs: Vec<String> = home
        .select(&sel("main a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    for want in [
        "xinkou/index.html",
        "zhangjiawo/index.html",
        "xinkou/2025/index.html",
        "years/2025/index.html",
        "years/2023/index.html",
    ] {
        assert!(
            hrefs.iter().any(|h| h == want),
            "home lacks a link to {want}: {hrefs:?}"
        );
    }
    let root = html(&built.out.join("index.html"));
    let lang = root
        .select(&sel("html"))
        .next()
        .unwrap()
        .value()
        .attr("lang");
    assert_eq!(lang, Some("zh-CN"));
}

#[test]
fn status_matrix_says_only_what_the_site_holds() {
    // The tests' status date is 2026-03-01: 2025 is due. 辛口镇 is covered
    // from its first report (2025); the sample follows 张家窝镇 only to
    // 2023. Nothing here is 未公开: the site does not hold those years.
    let built = build(&repo());
    let home = html(&built.out.join("index.html"));
    let rows: Vec<String> = home
        .select(&sel("table.matrix tbody tr"))
        .map(text)
        .collect();
    assert_eq!(
        rows,
        vec![
            "辛口镇 按时公开 未收录 未收录 未收录".to_string(),
            "张家窝镇 未收录 未收录 未载明日期 仅有数据".to_string(),
        ]
    );
}
