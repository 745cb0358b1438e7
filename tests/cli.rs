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

/// Run gongshi with a watchdog: a command that hangs fails the test
/// instead of hanging it.
fn run_within(cmd: &mut std::process::Command, secs: u64) -> std::process::Output {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > std::time::Duration::from_secs(secs) {
            child.kill().ok();
            panic!("gongshi {:?} hung", cmd.get_args().collect::<Vec<_>>());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once_by_check_and_build() {
    let site = sample_copy();
    let attachments = site.path().join("content/xinkou/2025");
    std::fs::create_dir_all(&attachments).unwrap();
    for fifo in [
        site.path().join("content/xinkou/2026.md"),
        attachments.join("扫描件.pdf"),
    ] {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
    }
    for command in ["check", "build"] {
        let o = run_within(
            gongshi()
                .args([command, "--root"])
                .arg(site.path())
                .env("SOURCE_DATE_EPOCH", "1769904000"),
            60,
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{command}: {stderr}");
        for file in ["content/xinkou/2026.md", "content/xinkou/2025/扫描件.pdf"] {
            assert!(
                stderr.contains(file) && stderr.contains("special-file"),
                "{command} names {file}: {stderr}"
            );
        }
    }
    assert!(!site.path().join("public").exists());
}
