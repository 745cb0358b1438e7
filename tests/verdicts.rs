//! What the site says about the figures, point by point, on fixtures built
//! for it (`tests/fixtures/verdicts`: a township added late, one no longer
//! followed, a gap year, a year nobody published, ranks with ties and lower
//! bounds, a sum of mixed precision, an undated report; and the English
//! two-district fixture for like-for-like trends).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{Built, build, fixture, html, sel, text};
use serde_json::Value;

fn verdicts() -> Built {
    build(&fixture("verdicts"))
}

fn rows(page: &scraper::Html, selector: &str) -> Vec<String> {
    page.select(&sel(selector)).map(text).collect()
}

fn read(built: &Built, path: &str) -> String {
    std::fs::read_to_string(built.out.join(path)).unwrap()
}

fn json(built: &Built, path: &str) -> Value {
    serde_json::from_str(&read(built, path)).unwrap()
}

#[test]
fn coverage_decides_between_not_covered_and_missing() {
    let built = verdicts();
    let home = html(&built.out.join("index.html"));
    assert_eq!(
        rows(&home, "table.matrix thead th"),
        ["乡镇（街道）", "2025", "2024", "2023"],
        "the latest year first"
    );
    // 丙镇 is followed until 2023, 丁镇 from 2025 (their profiles say so);
    // 甲镇 and 乙镇 from the config's first_year and did not publish 2024.
    assert_eq!(
        rows(&home, "table.matrix tbody tr"),
        [
            "丙镇 未收录 未收录 未载明日期",
            "丁镇 按时公开 未收录 未收录",
            "甲镇 按时公开 未公开 按时公开",
            "乙镇 按时公开 未公开 逾期公开",
        ]
    );
    // Every status word of the matrix is explained beside it.
    let legend: Vec<String> = rows(&home, ".legend:not(.terms) dt");
    assert_eq!(
        legend,
        ["按时公开", "逾期公开", "未载明日期", "未公开", "未收录"]
    );
    for dd in home.select(&sel(".legend:not(.terms) dd")) {
        assert!(text(dd).chars().count() > 10, "{}", text(dd));
    }
    // Each township page says which years the site holds.
    for (slug, note) in [
        ("ding", "本站收录该乡镇2025年度起的报告。"),
        ("bing", "本站只收录该乡镇2023年度的报告。"),
        ("jia", "本站收录该乡镇2023年度起的报告。"),
    ] {
        let page = html(&built.out.join(format!("{slug}/index.html")));
        let notes = rows(&page, "section[aria-labelledby=h-reports] p.note");
        assert!(
            notes.iter().any(|n| n.starts_with(note)),
            "{slug}: {notes:?}"
        );
    }
    // A year page counts only the townships covered that year, and names the others.
    let y2025 = html(&built.out.join("years/2025/index.html"));
    let meta = text(y2025.select(&sel("p.meta")).next().unwrap());
    assert!(meta.starts_with("报告覆盖：3 个乡镇中 3 个报告"), "{meta}");
    let not_covered = text(y2025.select(&sel("p.not-covered")).next().unwrap());
    assert!(
        not_covered.contains("丙镇") && !not_covered.contains("丁镇"),
        "{not_covered}"
    );
}

#[test]
fn every_status_badge_links_to_its_explanation() {
    for (built, glossary_title) in [
        (verdicts(), "术语说明"),
        (build(&fixture("two-districts")), "Glossary"),
    ] {
        let glossary = html(&built.out.join("glossary/index.html"));
        assert_eq!(
            text(glossary.select(&sel("h1")).next().unwrap()),
            glossary_title
        );
        let mut badges = 0;
        for entry in walkdir::WalkDir::new(&built.out) {
            let entry = entry.unwrap();
            if entry.path().extension().and_then(|e| e.to_str()) != Some("html")
                || entry.file_name() == "404.html"
            {
                continue;
            }
            let page = html(entry.path());
            for badge in page.select(&sel("a.status")) {
                let class = badge.value().attr("class").unwrap();
                let key = class
                    .split(' ')
                    .find_map(|c| c.strip_prefix("status-"))
                    .unwrap();
                let href = badge.value().attr("href").unwrap();
                // A matrix cell with a report links to the report instead.
                if href.ends_with("/index.html") && !href.contains("glossary") {
                    continue;
                }
                let (_, anchor) = href.split_once("glossary/index.html#").unwrap_or_else(|| {
                    panic!("{}: badge {key} links to {href}", entry.path().display())
                });
                assert_eq!(anchor, format!("status_{key}"));
                let target = glossary
                    .select(&sel(&format!("#{anchor}")))
                    .next()
                    .unwrap_or_else(|| panic!("no glossary entry {anchor}"));
                assert_eq!(
                    text(target.select(&sel("dt")).next().unwrap()),
                    text(badge),
                    "the entry explains the word the badge shows"
                );
                assert!(!text(target.select(&sel("dd")).next().unwrap()).is_empty());
                badges += 1;
            }
        }
        assert!(badges > 10, "only {badges} badges");
    }
}

#[test]
fn every_page_that_shows_a_status_says_as_of_when() {
    let built = verdicts();
    for path in [
        "index.html",
        "years/2025/index.html",
        "yi/index.html",
        "yi/2025/index.html",
    ] {
        let main = text(
            html(&built.out.join(path))
                .select(&sel("main"))
                .next()
                .unwrap(),
        );
        assert!(
            main.contains("2026年3月1日"),
            "{path} shows statuses without the status date"
        );
    }
}

#[test]
fn no_content_date_may_follow_the_status_date() {
    // 丁镇's 2025 report is dated 2026-01-30: a status date before it is refused.
    let out = tempfile::tempdir().unwrap();
    let o = common::gongshi()
        .args(["build", "--as-of", "2026-01-25", "--root"])
        .arg(fixture("verdicts"))
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("“published”的日期 2026-01-30 晚于状态日期 2026-01-25")
            && stderr.contains("content/ding/2025.md:4:12"),
        "{stderr}"
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn a_due_year_nobody_published_is_a_year_like_the_others() {
    let built = verdicts();
    let page = html(&built.out.join("years/2024/index.html"));
    let meta = text(page.select(&sel("p.meta")).next().unwrap());
    assert!(meta.starts_with("报告覆盖：2 个乡镇中 0 个报告"), "{meta}");
    assert_eq!(
        rows(&page, "#table-key tbody tr th"),
        ["甲镇", "乙镇"],
        "the covered townships, both missing"
    );
    assert_eq!(
        rows(&page, "#table-key tbody .status"),
        ["未公开", "未公开"]
    );
    let pager: Vec<String> = page
        .select(&sel("nav.pager a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        pager,
        ["../../years/2023/index.html", "../../years/2025/index.html"]
    );
    for ext in ["csv", "xlsx", "json"] {
        assert!(built.out.join(format!("data/2024.{ext}")).is_file());
    }
    let csv = read(&built, "data/2024.csv");
    assert!(
        csv.contains(
            "2024,,合计,,total,inspection,inspections,行政检查,次,,not_reported,—,true,0,2,,,"
        ),
        "{csv}"
    );
    let all = json(&built, "data/all.json");
    let y2024 = &all["years"][1];
    assert_eq!(y2024["year"], 2024);
    assert_eq!(
        y2024["coverage"],
        serde_json::json!({"reported": 0, "of": 2})
    );
    assert_eq!(y2024["statuses"]["jia"], "missing");
    assert_eq!(y2024["statuses"]["ding"], "not_covered");
    // The navigation and the page of all years have it.
    let home = html(&built.out.join("index.html"));
    assert!(rows(&home, "main a").iter().any(|a| a == "2024年"));
    let years = html(&built.out.join("years/index.html"));
    // The latest year first.
    assert_eq!(rows(&years, "thead th a"), ["2025", "2024", "2023"]);
    let sitemap = read(&built, "sitemap.xml");
    assert!(sitemap.contains("https://verdicts.example.cn/years/2024/"));
}

#[test]
fn changes_name_the_year_they_compare_to() {
    let built = verdicts();
    // 乙镇 has no 2024 report: its 2025 figures compare with 2023, and say so.
    let page = html(&built.out.join("yi/2025/index.html"));
    let headers = rows(&page, "table.figures thead th");
    assert!(headers.iter().any(|h| h == "较2023年"), "{headers:?}");
    assert!(!headers.iter().any(|h| h == "较上年"), "{headers:?}");
    let change = page
        .select(&sel(r#"tr[data-metric="penalty_cases"] .change"#))
        .next()
        .map(text);
    assert_eq!(change.as_deref(), Some("+3"));
    // Lower bounds are not compared: 1100余 against 300 says nothing.
    assert!(
        page.select(&sel(r#"tr[data-metric="inspections"] .change"#))
            .next()
            .is_none()
    );
    let pager = rows(&page, "nav.pager a");
    assert!(pager[0].contains("上一份报告（2023）"), "{pager:?}");
    // The township page labels each change with its base year.
    let township = html(&built.out.join("yi/index.html"));
    let cells = rows(&township, "table:has(#cap-figures) tbody td.num");
    assert!(cells.iter().any(|c| c == "7 较2023年 +3"), "{cells:?}");
    assert!(
        cells.iter().any(|c| c == "未公开"),
        "the gap year shows its status: {cells:?}"
    );
    // CSV and JSON carry the base year.
    let csv = read(&built, "data/2025.csv");
    assert!(
        csv.contains("2025,西青区,乙镇,yi,township,penalty,penalty_cases,行政处罚案件,件,7,exact,7,false,,,3,2023,"),
        "{csv}"
    );
    let year = json(&built, "data/2025.json");
    let yi = year["townships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "yi")
        .unwrap();
    let cases = &yi["report"]["figures"]["penalty_cases"];
    assert_eq!(
        (cases["change"].as_i64(), cases["change_from"].as_i64()),
        (Some(3), Some(2023))
    );
    // The year before is 较上年 (in English, "vs previous year").
    let en = build(&fixture("two-districts"));
    let page = html(&en.out.join("aa/2024/index.html"));
    assert!(
        rows(&page, "table.figures thead th")
            .iter()
            .any(|h| h == "vs previous year")
    );
}

#[test]
fn ranks_never_order_what_cannot_be_ordered() {
    let built = verdicts();
    let rank_of = |year: i32| -> Vec<(String, String)> {
        let page = html(&built.out.join(format!("years/{year}/index.html")));
        page.select(&sel("#table-key tbody tr"))
            .map(|tr| {
                (
                    text(tr.select(&sel("th")).next().unwrap()),
                    tr.select(&sel("td")).last().map(text).unwrap(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    // 1100余 may be above 1,150: both are 1–2; 500 is certainly third.
    assert_eq!(
        rank_of(2025),
        pairs(&[("丁镇", "3"), ("甲镇", "1–2"), ("乙镇", "1–2")])
    );
    // Equal exact figures share the place.
    assert_eq!(
        rank_of(2023),
        pairs(&[("丙镇", "3"), ("甲镇", "1（并列）"), ("乙镇", "1（并列）")])
    );
    // Nobody to compare: no ranks at all.
    assert_eq!(rank_of(2024), pairs(&[("甲镇", "—"), ("乙镇", "—")]));
    let y = json(&built, "data/2025.json");
    let jia = y["townships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "jia")
        .unwrap();
    assert_eq!(
        jia["rank"],
        serde_json::json!({"metric": "inspections", "best": 1, "worst": 2, "tied": false, "of": 3, "display": "1–2"})
    );
    // The sample: one township per year, so nobody is ranked.
    let sample = build(&common::repo());
    let page = html(&sample.out.join("years/2025/index.html"));
    assert_eq!(
        page.select(&sel("#table-key tbody tr td"))
            .next_back()
            .map(text)
            .as_deref(),
        Some("—")
    );
}

#[test]
fn an_approximate_sum_is_no_more_precise_than_its_parts() {
    let built = verdicts();
    // 约2000 + 1234.50 = 约3,200, not 约3,234.50.
    let page = html(&built.out.join("years/2025/index.html"));
    let total = page
        .select(&sel("#table-penalty tfoot tr.total td"))
        .nth(1)
        .map(text);
    assert_eq!(total.as_deref(), Some("约3,200"));
    let coverage = page
        .select(&sel("#table-penalty tfoot tr.total + tr.coverage-row td"))
        .nth(1)
        .map(text);
    assert_eq!(coverage.as_deref(), Some("2/3"));
    let cards = rows(&page, ".card");
    assert!(cards.is_empty() || cards.iter().all(|c| !c.contains("3,234")));
    let home = rows(&html(&built.out.join("index.html")), ".card");
    assert!(
        home.iter().any(|c| c.starts_with("罚款金额 约3,200 元")),
        "{home:?}"
    );
    let csv = read(&built, "data/2025.csv");
    assert!(
        csv.contains("2025,,合计,,total,penalty,fines_total,罚款金额,元,3200,approximate,\"约3,200\",true,2,3,,,"),
        "{csv}"
    );
    let y = json(&built, "data/2025.json");
    assert_eq!(y["totals"]["fines_total"]["value"], serde_json::json!(3200));
    assert_eq!(y["totals"]["fines_total"]["display"], "约3,200");
    // The words of the reports stay as written: 超过60 on the report page.
    let yi = html(&built.out.join("yi/2025/index.html"));
    let hours = yi
        .select(&sel(r#"tr[data-metric="training_hours_officers"] td.num"#))
        .next()
        .map(text);
    assert_eq!(hours.as_deref(), Some("超过60 学时"));
}

#[test]
fn totals_over_the_years_compare_like_for_like() {
    // Verdicts: the townships reporting differ each year, so the home page
    // draws no district trend and says why.
    let built = verdicts();
    let home = html(&built.out.join("index.html"));
    assert!(home.select(&sel("figure.chart")).next().is_none());
    let trends = text(
        home.select(&sel("section[aria-labelledby=trends]"))
            .next()
            .unwrap(),
    );
    assert!(trends.contains("没有可以同口径比较的历年合计"), "{trends}");
    // The page of all years marks a total whose townships changed.
    let years = html(&built.out.join("years/index.html"));
    let inspections: Vec<String> = years
        .select(&sel("tbody tr"))
        .filter(|tr| text(tr.select(&sel("th")).next().unwrap()) == "行政检查 （次）")
        .flat_map(|tr| tr.select(&sel("td.num")).map(text).collect::<Vec<_>>())
        .collect();
    // The latest year first; how many townships a total counts is said
    // once per year (the reporting row), and in a cell only where it
    // counts fewer than reported that year.
    assert_eq!(inspections, ["2,750余 口径不同", "—", "800"]);
    assert_eq!(
        rows(&years, "tr.reporting td[data-year]"),
        [
            "丁镇 、 甲镇 、 乙镇 3 个乡镇中 3 个报告",
            "— 2 个乡镇中 0 个报告",
            "丙镇 、 甲镇 、 乙镇 3 个乡镇中 3 个报告"
        ]
    );
    // A cell names its own "n/m" exactly where its total counts fewer
    // townships than reported that year (as all.json counts them).
    let all = json(&built, "data/all.json");
    let mut notes = 0;
    for tr in years.select(&sel("tbody tr[data-metric]")) {
        let metric = tr.value().attr("data-metric").unwrap();
        for (td, y) in tr
            .select(&sel("td.num"))
            .zip(all["years"].as_array().unwrap().iter().rev())
        {
            let total = &y["totals"][metric];
            // A year's file lists the metrics of its tables; another reads
            // "—" on the page, as nobody gave it.
            let reported = total["reported"].as_u64().unwrap_or(0);
            let of = total["of"].as_u64().unwrap_or(0);
            let year_reported = y["coverage"]["reported"].as_u64().unwrap();
            let note = td.select(&sel(".coverage")).next().map(text);
            let want =
                (reported > 0 && reported != year_reported).then(|| format!("{reported}/{of}"));
            assert_eq!(note, want, "{metric} {}", y["year"]);
            notes += usize::from(want.is_some());
        }
    }
    assert!(
        notes > 0,
        "the fixture has a total counting fewer townships"
    );
    // Two districts: Jia and Bing reported inspections in 2023 and 2024
    // (丁街道 only from 2024, 乙镇 only in 2023): the trend counts those two.
    let en = build(&fixture("two-districts"));
    let home = html(&en.out.join("index.html"));
    let chart = home
        .select(&sel("figure#chart-inspections"))
        .next()
        .unwrap();
    let caption = text(chart.select(&sel("figcaption")).next().unwrap());
    assert!(
        caption.contains("only the 2 townships that gave this figure in every year 2023–2024 (Jia Town, Bing Town)"),
        "{caption}"
    );
    assert_eq!(
        rows_in(chart, "details tbody tr"),
        ["2023 150", "2024 ~180"],
        "100 + 50, then 120 + ~60"
    );
}

fn rows_in(el: scraper::ElementRef<'_>, selector: &str) -> Vec<String> {
    el.select(&sel(selector)).map(text).collect()
}

#[test]
fn an_undated_report_has_a_fixed_date_in_the_feed() {
    let built = verdicts();
    let feed = read(&built, "feed.xml");
    let doc = scraper::Html::parse_document(&feed);
    let bing = doc
        .select(&sel("entry"))
        .find(|e| text(e.select(&sel("id")).next().unwrap()).ends_with("/bing/2023/"))
        .unwrap();
    assert_eq!(
        text(bing.select(&sel("updated")).next().unwrap()),
        "2023-12-31T00:00:00+08:00"
    );
    assert!(bing.select(&sel("published")).next().is_none());
    assert!(text(bing.select(&sel("summary")).next().unwrap()).contains("报告未载明发布日期"));
}

#[test]
fn unsummed_figures_are_counted_not_added() {
    let built = verdicts();
    let csv = read(&built, "data/2023.csv");
    assert!(
        csv.contains(
            "2023,,合计,,total,body,enforcement_items,执法事项,项,,not_summed,不合计,true,1,3,,,"
        ),
        "{csv}"
    );
    let y = json(&built, "data/2023.json");
    assert_eq!(
        y["totals"]["enforcement_items"],
        serde_json::json!({"value": null, "status": "not_summed", "display": "不合计", "reported": 1, "of": 3})
    );
}

#[test]
fn workbook_number_formats_show_numbers_as_the_site_does() {
    // Every number of every workbook of the three sites: a format per cell,
    // never optional digits (which leave Excel showing "10,163." or "88.%").
    let mut numbers = 0;
    for root in [
        fixture("verdicts"),
        fixture("two-districts"),
        common::repo(),
    ] {
        let built = build(&root);
        for entry in walkdir::WalkDir::new(built.out.join("data")) {
            let entry = entry.unwrap();
            if entry.path().extension().and_then(|e| e.to_str()) != Some("xlsx") {
                continue;
            }
            for (sheet, cells) in common::xlsx_formats(entry.path()) {
                for (at, code) in cells {
                    if code.starts_with("builtin:") {
                        continue;
                    }
                    assert!(
                        !code.contains(".#") && !code.contains("#.") && !code.ends_with('.'),
                        "{} {sheet} {at:?}: {code}",
                        entry.path().display()
                    );
                    // Whole numbers (counts, 10163 m², 88%) have no decimal point.
                    common::excel_display(&code, 1.0);
                    numbers += 1;
                }
            }
        }
    }
    assert!(numbers > 100, "only {numbers} formatted numbers");
    // The sample's 10,163 m² and the verdicts' 100% read as whole numbers.
    let sample = build(&common::repo());
    let formats = common::xlsx_formats(&sample.out.join("data/2025.xlsx"));
    let special = &formats["专项整治"];
    assert!(special.values().any(|c| c == "#,##0"), "{special:?}");
    let built = verdicts();
    let formats = common::xlsx_formats(&built.out.join("data/2025.xlsx"));
    assert!(
        formats["执法主体与人员"]
            .values()
            .any(|c| c == "#,##0\"%\""),
        "{:?}",
        formats["执法主体与人员"]
    );
}
