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
fn help_explains_each_command_with_an_example_in_the_users_language() {
    for cmd in ["build", "check", "new", "init"] {
        let en = gongshi()
            .args([cmd, "--help"])
            .env("LANG", "en_US.UTF-8")
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&en.stdout);
        assert!(en.status.success());
        assert!(help.contains("Example: gongshi"), "{cmd}: {help}");
        let zh = gongshi()
            .args([cmd, "--help"])
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&zh.stdout);
        assert!(zh.status.success());
        assert!(help.contains("示例：gongshi"), "{cmd}: {help}");
        assert!(help.contains("用法：gongshi"), "{cmd}: {help}");
        // An official who reads no English: no English sentence in the help.
        for english in [
            "Usage",
            "Options",
            "Print help",
            "default:",
            "The site folder",
        ] {
            assert!(!help.contains(english), "{cmd}: “{english}” in {help}");
        }
    }
    let top = gongshi()
        .arg("--help")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&top.stdout);
    assert!(
        help.lines().any(|l| {
            let mut words = l.split_whitespace();
            words.next() == Some("init")
                && words
                    .next()
                    .is_some_and(|w| w.starts_with("新建一个空站点"))
        }),
        "{help}"
    );
    // `gongshi help new` is `gongshi new --help`, in Chinese too.
    let o = gongshi()
        .args(["help", "new"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("示例：gongshi new 辛口镇 2026"));
}

#[test]
fn the_command_line_language_follows_the_system_then_the_site() {
    let lang_of = |envs: &[(&str, &str)], dir: &std::path::Path| {
        let mut cmd = gongshi();
        cmd.current_dir(dir).arg("--help");
        for v in ["LANG", "LC_ALL", "LC_MESSAGES", "GONGSHI_LANG"] {
            cmd.env_remove(v);
        }
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned();
        if out.contains("用法") { "zh" } else { "en" }
    };
    let english_site = tempfile::tempdir().unwrap();
    std::fs::write(
        english_site.path().join("gongshi.yaml"),
        "title: t\nbase_url: https://x.cn/\nlanguage: en\n",
    )
    .unwrap();
    let nowhere = tempfile::tempdir().unwrap();
    assert_eq!(
        lang_of(&[("LANG", "zh_CN.UTF-8")], english_site.path()),
        "zh"
    );
    assert_eq!(
        lang_of(
            &[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")],
            nowhere.path()
        ),
        "en"
    );
    // No language in the locale: the site's, else Chinese.
    assert_eq!(lang_of(&[("LANG", "C.UTF-8")], english_site.path()), "en");
    assert_eq!(lang_of(&[], nowhere.path()), "zh");
    assert_eq!(
        lang_of(&[("LANG", "C"), ("GONGSHI_LANG", "en")], nowhere.path()),
        "en"
    );
}

#[test]
fn usage_errors_come_with_a_chinese_line_on_a_chinese_machine() {
    let err = |args: &[&str]| {
        let o = gongshi()
            .args(args)
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let e = err(&["frobnicate"]);
    assert!(e.starts_with("错误：没有“frobnicate”这个命令。"), "{e}");
    assert!(e.contains("build（生成网站）"), "{e}");
    let e = err(&["biuld"]);
    assert!(e.contains("是不是想写“build”？"), "{e}");
    let e = err(&["build", "--nope"]);
    assert!(e.starts_with("错误：无法识别的选项或参数“--nope”。"), "{e}");
    let e = err(&["check", "--format", "xml"]);
    assert!(
        e.contains("的值“xml”不可用。") && e.contains("human、short、json"),
        "{e}"
    );
    let e = err(&["new"]);
    assert!(
        e.starts_with("错误：缺少必须填写的参数：<乡镇>、<年份>"),
        "{e}"
    );
    let e = err(&[]);
    assert!(
        e.starts_with("错误：缺少命令。") && e.contains("用法：gongshi <命令>"),
        "{e}"
    );
    // In English, clap's own words only.
    let o = gongshi()
        .arg("frobnicate")
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.starts_with("error: unrecognized subcommand 'frobnicate'"),
        "{e}"
    );
    // Before a site is loaded, messages follow the command line's language.
    let empty = tempfile::tempdir().unwrap();
    let o = gongshi()
        .args(["check", "--root"])
        .arg(empty.path())
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("the site has no gongshi.yaml"));
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

#[test]
fn init_creates_an_empty_site_that_builds_and_refuses_a_folder_with_files() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("新站点");
    let o = gongshi()
        .args(["init"])
        .arg(&site)
        .args([
            "--title",
            "西青区乡镇行政执法公示: 试运行",
            "--base-url",
            "https://zhifa.example.cn/xq",
            "--district",
            "西青区",
            "--district",
            "北辰区",
        ])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("下一步") && stderr.contains("gongshi new"),
        "{stderr}"
    );
    let config = std::fs::read_to_string(site.join("gongshi.yaml")).unwrap();
    assert!(
        config.contains("title: \"西青区乡镇行政执法公示: 试运行\""),
        "{config}"
    );
    assert!(
        config.contains("base_url: https://zhifa.example.cn/xq/"),
        "{config}"
    );
    assert!(config.contains("districts: [西青区, 北辰区]"), "{config}");
    assert!(config.contains("# as_of:"), "{config}");
    assert!(site.join("content").is_dir());

    // It checks clean and builds, with the title it was given.
    let check = gongshi()
        .args(["check", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let built = common::build_with(&site, &[("SOURCE_DATE_EPOCH", "1769904000")]);
    let home = std::fs::read_to_string(built.out.join("index.html")).unwrap();
    assert!(home.contains("西青区乡镇行政执法公示: 试运行"));

    // A first report, then the site still builds (the report is a draft).
    let new = gongshi()
        .args(["new", "辛口镇", "2025", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    assert!(site.join("content/xinkou/2025.md").is_file());

    // Never into a folder that holds files; a folder with only hidden files is fine.
    let again = gongshi()
        .arg("init")
        .arg(&site)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("不是空文件夹"));
    let git = tmp.path().join("with-git");
    std::fs::create_dir_all(git.join(".git")).unwrap();
    let o = gongshi()
        .arg("init")
        .arg(&git)
        .args(["--language", "en"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let config = std::fs::read_to_string(git.join("gongshi.yaml")).unwrap();
    assert!(
        config.contains("language: en") && config.contains("# The site's title"),
        "{config}"
    );
    let bad = gongshi()
        .arg("init")
        .arg(tmp.path().join("x"))
        .args(["--base-url", "zhifa.example.cn"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不是完整的网址"));
    assert!(
        !tmp.path().join("x").exists(),
        "nothing is written on a bad option"
    );
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
fn new_reads_place_names_as_places_and_says_when_it_guesses() {
    let site = sample_copy();
    let new = |args: &[&str]| {
        gongshi()
            .arg("new")
            .args(args)
            .arg("--root")
            .arg(site.path())
            .output()
            .unwrap()
    };
    let o = new(&["长坡乡", "2025"]);
    assert!(o.status.success());
    assert!(
        site.path().join("content/changpo/2025.md").is_file(),
        "长 reads chang in place names"
    );
    let o = new(&["十里堡乡", "2025"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success());
    assert!(
        stderr.contains("文件夹名 shilibao 是按拼音推测的")
            && stderr.contains("bu、pu")
            && stderr.contains("--slug"),
        "{stderr}"
    );
    // A Chinese --slug gets a message that fits, with a proposal.
    let o = new(&["中北镇", "2025", "--slug", "中北"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr.contains("--slug 的值“中北”不能作文件夹名") && stderr.contains("--slug zhongbei"),
        "{stderr}"
    );
    let o = new(&["数据镇", "2025", "--slug", "data"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("与网站自带的目录重名"));
    // The skeleton is a draft: the site builds without it, and says so.
    let skeleton = std::fs::read_to_string(site.path().join("content/changpo/2025.md")).unwrap();
    assert!(skeleton.contains("\ndraft: true\n"));
    let built = common::build_with(site.path(), &[("SOURCE_DATE_EPOCH", "1769904000")]);
    assert!(!built.out.join("changpo/2025/index.html").exists());
    assert!(built.stderr.contains("跳过 2 份草稿"), "{}", built.stderr);
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
