//! Drafts: `draft: true` keeps a report, or a whole township, out of the
//! site; `check` lists drafts; `build --drafts` previews them, marked on
//! their pages, not indexed, and never in the feed or the sitemap.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{gongshi, html, sample_copy, sel, text};

const EPOCH: &str = "1769904000"; // 2026-02-01 in Beijing

/// The sample with one report marked as a draft and a new township whose
/// profile is a draft (with a report of its own).
fn site_with_drafts() -> tempfile::TempDir {
    let site = sample_copy();
    let report = site.path().join("content/zhangjiawo/2022.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, text.replacen("---\n", "---\ndraft: true\n", 1)).unwrap();
    let t = site.path().join("content/zhongbei");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("_index.md"),
        "---\nname: 中北镇\ndistrict: 西青区\ndraft: true\n---\n",
    )
    .unwrap();
    std::fs::write(
        t.join("2025.md"),
        "---\ntitle: 中北镇2025年度行政执法工作报告\nyear: 2025\npublished: 2025-12-20\nmetrics:\n  inspections: 77\n---\n正文。\n",
    )
    .unwrap();
    site
}

fn build(site: &std::path::Path, drafts: bool) -> common::Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut cmd = gongshi();
    cmd.args(["build", "--root"])
        .arg(site)
        .arg("--output")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", EPOCH);
    if drafts {
        cmd.arg("--drafts");
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    common::Built { tmp, out, stderr }
}

#[test]
fn drafts_are_left_out_and_the_build_says_how_many() {
    let site = site_with_drafts();
    let built = build(site.path(), false);
    assert!(built.stderr.contains("跳过 3 份草稿"), "{}", built.stderr);
    for page in [
        "zhangjiawo/2022/index.html",
        "zhongbei/index.html",
        "zhongbei/2025/index.html",
    ] {
        assert!(!built.out.join(page).exists(), "{page} is a draft");
    }
    assert!(built.out.join("zhangjiawo/2023/index.html").is_file());
    let township = std::fs::read_to_string(built.out.join("zhangjiawo/index.html")).unwrap();
    assert!(
        !township.contains("2022/index.html"),
        "no link to the draft"
    );
    for file in ["feed.xml", "sitemap.xml", "data/all.json", "index.html"] {
        let t = std::fs::read_to_string(built.out.join(file)).unwrap();
        assert!(!t.contains("zhongbei") && !t.contains("中北镇"), "{file}");
    }
    assert!(!built.out.join("data/townships/zhongbei.csv").exists());
}

#[test]
fn check_lists_the_drafts() {
    let site = site_with_drafts();
    let o = gongshi()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let listed: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("草稿"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    assert_eq!(
        listed,
        vec![
            "content/zhangjiawo/2022.md",
            "content/zhongbei/2025.md",
            "content/zhongbei/_index.md"
        ]
    );
    assert!(stderr.contains("3 份草稿"), "{stderr}");
}

#[test]
fn a_preview_marks_drafts_keeps_them_unindexed_and_out_of_feed_and_sitemap() {
    let site = site_with_drafts();
    let built = build(site.path(), true);
    assert!(
        built.stderr.contains("包含 3 份草稿") && built.stderr.contains("不要发布"),
        "{}",
        built.stderr
    );
    let noindex = sel(r#"meta[name="robots"][content^="noindex"]"#);
    for page in [
        "zhangjiawo/2022/index.html",
        "zhongbei/index.html",
        "zhongbei/2025/index.html",
    ] {
        let doc = html(&built.out.join(page));
        let banner = doc
            .select(&sel("main .draft-banner"))
            .next()
            .unwrap_or_else(|| panic!("{page}: no banner"));
        assert!(
            text(banner).starts_with("草稿 本页尚未正式公开"),
            "{page}: {}",
            text(banner)
        );
        assert!(
            doc.select(&noindex).next().is_some(),
            "{page} is not indexed"
        );
    }
    for page in [
        "index.html",
        "zhangjiawo/index.html",
        "zhangjiawo/2023/index.html",
    ] {
        let doc = html(&built.out.join(page));
        assert!(doc.select(&sel(".draft-banner")).next().is_none(), "{page}");
        assert!(doc.select(&noindex).next().is_none(), "{page}");
    }
    let feed = std::fs::read_to_string(built.out.join("feed.xml")).unwrap();
    let sitemap = std::fs::read_to_string(built.out.join("sitemap.xml")).unwrap();
    for t in [&feed, &sitemap] {
        assert!(
            !t.contains("zhongbei") && !t.contains("zhangjiawo/2022/"),
            "{t}"
        );
    }
    assert!(sitemap.contains("zhangjiawo/2023/"));
}
