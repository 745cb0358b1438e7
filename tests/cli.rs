//! The command line: exit codes, `check --format json`, `new`, `--help`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{gongshi, repo, run, sample_copy};

#[test]
fn check_passes_on_the_sample_and_writes_nothing() {
    let site = sample_copy();
    let o = gongshi()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!site.path().join("public").exists());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("missing-publication-date"),
        "the undated 2023 report is a warning: {stderr}"
    );
}

#[test]
fn check_json_lists_every_problem_with_stable_fields() {
    let site = sample_copy();
    std::fs::write(
        site.path().join("content/xinkou/2024.md"),
        "---\ntitle: 辛口镇2024年度行政执法工作报告\nyear: 2024\npublished: 2025-01-05\nmetrics:\n  penalty_cases_simple: 9件\n  inspection: 5\n---\n",
    )
    .unwrap();
    let o = gongshi()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = v.as_array().unwrap();
    let errors: Vec<&serde_json::Value> =
        items.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 2, "{v:#}");
    let unit = errors
        .iter()
        .find(|d| d["code"] == "unit-in-count")
        .unwrap();
    assert_eq!(unit["file"], "content/xinkou/2024.md");
    assert_eq!(unit["line"], 6);
    assert_eq!(unit["column"], 25);
    assert_eq!(
        unit["message"],
        "“penalty_cases_simple”（简易程序案件）只写数字，不要带单位“件”"
    );
    assert_eq!(unit["help"], "只写数字：9（单位由指标表规定）");
    let metric = errors
        .iter()
        .find(|d| d["code"] == "unknown-metric")
        .unwrap();
    assert_eq!(metric["help"], "是不是想写“inspections”？");
    for d in items {
        for key in [
            "code", "severity", "file", "line", "column", "message", "help",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
}

#[test]
fn exit_codes_distinguish_content_from_usage() {
    let empty = tempfile::tempdir().unwrap();
    let o = gongshi()
        .args(["build", "--root"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "no gongshi.yaml is a usage error");
    assert!(String::from_utf8_lossy(&o.stderr).contains("gongshi.yaml"));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    let bad_url = gongshi()
        .args(["build", "--base-url", "not a url", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    assert_eq!(bad_url.status.code(), Some(2));
}

#[test]
fn help_explains_each_command_with_an_example() {
    for cmd in ["build", "check", "new"] {
        let o = run(&[cmd, "--help"]);
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success());
        assert!(help.contains("Example: gongshi"), "{cmd}: {help}");
    }
}

#[test]
fn new_writes_a_skeleton_that_checks_clean_and_never_overwrites() {
    let site = sample_copy();
    let o = gongshi()
        .args(["new", "西营门街道", "2025", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(site.path().join("content/xiyingmen/2025.md")).unwrap();
    for section in [
        "一、基本情况",
        "二、主要工作措施及成效",
        "三、存在问题",
        "四、下一步工作安排",
    ] {
        assert!(report.contains(section), "{section}");
    }
    assert!(report.contains("# penalty_cases_simple:"));
    let profile = std::fs::read_to_string(site.path().join("content/xiyingmen/_index.md")).unwrap();
    assert!(
        profile.contains("name: 西营门街道") && profile.contains("district: 西青区"),
        "{profile}"
    );

    // The skeleton is valid content: only the missing date is a warning.
    let check = gongshi()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // Existing township by name or slug; refusing to overwrite.
    let again = gongshi()
        .args(["new", "西营门街道", "2025", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("不会覆盖"));
    let by_name = gongshi()
        .args(["new", "辛口镇", "2026", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(by_name.status.success());
    assert!(site.path().join("content/xinkou/2026.md").is_file());
    let by_slug = gongshi()
        .args(["new", "zhangjiawo", "2024", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(by_slug.status.success());
    let custom = gongshi()
        .args(["new", "中北镇", "2025", "--slug", "zhongbei-zhen", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(custom.status.success());
    assert!(
        site.path()
            .join("content/zhongbei-zhen/_index.md")
            .is_file()
    );
    let unknown_slug = gongshi()
        .args(["new", "nowhere", "2025", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(unknown_slug.status.code(), Some(2));
}

/// The status line a command prints, e.g. `状态截至 2026-03-01（…）`.
fn status_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .find(|l| l.starts_with("状态截至"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_status_date_comes_from_as_of_then_config_then_epoch_then_today() {
    let site = sample_copy();
    let check = |args: &[&str], env: Option<&str>| {
        let mut cmd = gongshi();
        cmd.args(["check", "--root"]).arg(site.path()).args(args);
        match env {
            Some(v) => cmd.env("SOURCE_DATE_EPOCH", v),
            None => cmd.env_remove("SOURCE_DATE_EPOCH"),
        };
        let o = cmd.output().unwrap();
        (o.status.code(), status_line(&o.stderr))
    };
    // Nothing fixes it: the day of the build in China Standard Time.
    let before = gongshi::site::today_in_china().to_string();
    let (code, line) = check(&[], None);
    let after = gongshi::site::today_in_china().to_string();
    assert_eq!(code, Some(0));
    assert!(
        line == format!("状态截至 {before}（构建当日）")
            || line == format!("状态截至 {after}（构建当日）"),
        "{line}"
    );
    // SOURCE_DATE_EPOCH, read in Beijing time (2026-01-31T16:30Z is 1 February there).
    assert_eq!(
        check(&[], Some("1769877000")),
        (
            Some(0),
            "状态截至 2026-02-01（环境变量 SOURCE_DATE_EPOCH）".to_string()
        )
    );
    // The config's as_of beats SOURCE_DATE_EPOCH...
    let config = std::fs::read_to_string(site.path().join("gongshi.yaml")).unwrap();
    std::fs::write(
        site.path().join("gongshi.yaml"),
        format!("{config}as_of: 2026-02-10\n"),
    )
    .unwrap();
    assert_eq!(
        check(&[], Some("1769877000")).1,
        "状态截至 2026-02-10（gongshi.yaml 中的 as_of）"
    );
    // ...and --as-of beats everything.
    assert_eq!(
        check(&["--as-of", "2026-02-20"], Some("1769877000")).1,
        "状态截至 2026-02-20（命令行 --as-of）"
    );
    // A date that does not exist, or an unreadable SOURCE_DATE_EPOCH, is a
    // usage error, never a silent fallback to another date.
    assert_eq!(check(&["--as-of", "2026-02-30"], None).0, Some(2));
    let bad = gongshi()
        .args(["check", "--root"])
        .arg(repo())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("SOURCE_DATE_EPOCH: “yesterday”不是以秒计的时间戳"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn build_prints_its_status_date_and_pages_show_it() {
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    let o = gongshi()
        .args(["build", "--as-of", "2026-02-15", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        status_line(&o.stderr),
        "状态截至 2026-02-15（命令行 --as-of）"
    );
    let home = std::fs::read_to_string(out.path().join("public/index.html")).unwrap();
    assert!(home.contains("2026年2月15日"));
}
