//! A failed build never touches the previous output; a good one replaces it
//! whole; gongshi refuses output folders it does not own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{gongshi, sample_copy, tree};

/// A copy of the sample site, built into its public/: (site, output, the output's files).
fn built_sample() -> (tempfile::TempDir, PathBuf, BTreeMap<String, Vec<u8>>) {
    let site = sample_copy();
    let out = site.path().join("public");
    let ok = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(ok.status.success());
    let before = tree(&out);
    (site, out, before)
}

#[test]
fn failed_build_leaves_previous_output_intact() {
    let (site, out, before) = built_sample();
    assert!(before.contains_key("index.html"));

    // A content error: exit 1, output unchanged, no staging left behind.
    std::fs::write(
        site.path().join("content/xinkou/2024.md"),
        "---\ntitle: x\nyear: 2024\nmetrics:\n  inspections: 9件\n---\n",
    )
    .unwrap();
    let bad = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(tree(&out), before);

    // A theme error (during rendering, after staging began): exit 1, output unchanged.
    std::fs::remove_file(site.path().join("content/xinkou/2024.md")).unwrap();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/report.html"),
        "{% extends \"base.html\" %}{% block main %}{{ missing.value }}{% endblock main %}",
    )
    .unwrap();
    let broken = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(
        broken.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
    assert_eq!(tree(&out), before);
    // Only the staging folder is left, gongshi's, for the next build to recycle.
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongshi-"))
        .collect();
    assert_eq!(leftovers, [".public.gongshi-staging"]);
    assert!(
        site.path()
            .join(".public.gongshi-staging/.gongshi-output")
            .is_file()
    );

    // Fixed: the new output replaces the old one completely.
    std::fs::remove_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(out.join("stale.txt"), "from an old build").unwrap();
    let good = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(good.status.success());
    assert!(!out.join("stale.txt").exists());
}

#[test]
fn refuses_to_replace_folders_it_does_not_own() {
    let site = sample_copy();
    let mine = site.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("thesis.docx"), "precious").unwrap();
    for out in [mine.as_path(), site.path(), &site.path().join("content")] {
        let o = gongshi()
            .args(["build", "--root"])
            .arg(site.path())
            .arg("--output")
            .arg(out)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(mine.join("thesis.docx")).unwrap(),
        "precious"
    );
    assert!(site.path().join("content/xinkou/2025.md").is_file());
}

#[test]
fn a_build_killed_mid_write_leaves_the_previous_output_complete() {
    let (site, out, before) = built_sample();

    // Change the content, start a build and stop it after three pages.
    std::fs::write(site.path().join("content/xinkou/2026.md"), "---\ntitle: 辛口镇2026年度行政执法工作报告\nyear: 2026\npublished: 2026-02-20\nmetrics:\n  inspections: 5\n---\n").unwrap();
    let mut child = common::build_paused(site.path(), &[]);
    // The kill lands mid-write: the staging folder holds part of the new site.
    let staging = site.path().join(".public.gongshi-staging");
    let partial = tree(&staging);
    assert!(
        partial.keys().any(|k| k.ends_with(".html")),
        "pages were being written: {:?}",
        partial.keys()
    );
    assert!(
        partial.len() < before.len(),
        "the build was stopped before it finished"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(
        tree(&out),
        before,
        "the previous output is complete and unchanged"
    );
    assert!(
        staging.exists(),
        "the interrupted build left its staging folder behind"
    );

    // The next build cleans up and publishes the new site.
    let again = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // The leftover staging folder was recycled; it now holds the replaced output.
    assert!(staging.join(".gongshi-output").is_file());
    assert!(!staging.join("xinkou/2026/index.html").exists());
    assert!(out.join("xinkou/2026/index.html").is_file());
}

/// A fixed status date for the builds of these tests.
const EPOCH: &str = "1769904000"; // 2026-02-01 08:00 in Beijing

#[test]
fn a_second_build_waits_for_the_first_and_the_output_is_always_one_complete_build() {
    let (site, out, before) = built_sample();
    std::fs::write(site.path().join("content/xinkou/2026.md"), "---\ntitle: 辛口镇2026年度行政执法工作报告\nyear: 2026\nmetrics:\n  inspections: 5\n---\n\n正文。\n").unwrap();

    // The first build stops mid-write, holding the output.
    let mut first = common::build_paused(site.path(), &[("SOURCE_DATE_EPOCH", EPOCH)]);
    let staging = site.path().join(".public.gongshi-staging");
    let partial = tree(&staging);

    // A second build of the same output says that it waits, and waits.
    let mut second = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = second.stderr.take().unwrap();
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let said = said.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut stderr = stderr;
            let mut buf = [0u8; 256];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                said.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let start = std::time::Instant::now();
    while !said.lock().unwrap().contains("正在写入") {
        assert!(
            start.elapsed().as_secs() < 60,
            "the second build did not say it waits"
        );
        assert!(
            second.try_wait().unwrap().is_none(),
            "the second build did not wait: {}",
            said.lock().unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let waiting = said.lock().unwrap().clone();
    assert!(
        waiting.contains(&format!("进程 {}", first.id())),
        "names the build it waits for: {waiting}"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(second.try_wait().unwrap().is_none(), "still waiting");
    // Meanwhile nothing of the first build was touched.
    assert_eq!(
        tree(&out),
        before,
        "the published output is the previous build"
    );
    assert_eq!(
        tree(&staging),
        partial,
        "the first build's staging folder is its own"
    );

    // The first build dies; the second takes over and publishes a whole site.
    first.kill().unwrap();
    first.wait().unwrap();
    let status = second.wait().unwrap();
    reader.join().unwrap();
    assert!(status.success(), "{}", said.lock().unwrap());
    let after = tree(&out);
    assert!(
        after.contains_key(".gongshi-output"),
        "the output carries its marker"
    );
    assert!(after.contains_key("xinkou/2026/index.html"));
    assert!(
        !staging.join("xinkou/2026/index.html").exists(),
        "the staging folder holds the replaced output, for the next build"
    );
    // It is exactly what a build alone produces.
    let alone = common::build_with(site.path(), &[("SOURCE_DATE_EPOCH", EPOCH)]);
    assert_eq!(after, tree(&alone.out), "the output is one complete build");
}
