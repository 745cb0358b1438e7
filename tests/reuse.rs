//! A build rewrites nothing that did not change: files whose bytes are
//! the same are kept (the same inode, so the same modification time), the
//! output equals a fresh build byte for byte, and it stays atomic.
#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::{gongshi, sample_copy, tree};

/// Every file of `dir` with its inode.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

/// Every folder of `dir`.
fn folders(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            rel.to_string_lossy().into_owned()
        })
        .collect()
}

/// Build the site into its public/; its stderr.
fn build(site: &Path) -> String {
    let o = gongshi()
        .args(["build", "--timings", "--root"])
        .arg(site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// The output equals a fresh build of the same site, files and folders.
fn assert_fresh(site: &Path, out: &Path) {
    let fresh = common::build(site);
    assert_eq!(tree(out), tree(&fresh.out), "same files as a fresh build");
    assert_eq!(folders(out), folders(&fresh.out), "same folders");
}

/// A site with an attachment (a copied file).
fn sample() -> tempfile::TempDir {
    let site = sample_copy();
    let dir = site.path().join("content/xinkou/2025");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("附件.pdf"), b"%PDF-1.4 scanned report").unwrap();
    site
}

#[test]
fn unchanged_files_are_kept_and_an_edit_rewrites_only_what_it_changes() {
    let site = sample();
    let out = site.path().join("public");
    build(site.path());
    let first = inodes(&out);
    let first_bytes = tree(&out);
    assert!(first.keys().any(|k| k.ends_with("附件.pdf")));

    // Twice more: the second links every file from the first output into a
    // new tree, the third recycles the tree the second replaced.
    for round in 0..2 {
        let said = build(site.path());
        assert_eq!(inodes(&out), first, "round {round}: every file kept");
        assert!(said.contains("写入 0 个文件"), "{said}");
        assert_eq!(tree(&out), first_bytes);
    }
    assert_fresh(site.path(), &out);

    // Edit one report: only the files whose bytes changed are new.
    let report = site.path().join("content/zhangjiawo/2023.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    text.push_str("\n补充说明：本段为新增内容。\n");
    std::fs::write(&report, text).unwrap();
    let said = build(site.path());
    let after = tree(&out);
    let after_inodes = inodes(&out);
    let mut changed = 0;
    for (path, bytes) in &after {
        let same = first_bytes.get(path) == Some(bytes);
        assert_eq!(
            first.get(path) == after_inodes.get(path),
            same,
            "{path}: a new file exactly when its bytes changed"
        );
        changed += usize::from(!same);
    }
    assert!(
        changed > 0 && changed < after.len() / 2,
        "{changed} changed"
    );
    assert!(said.contains(&format!("写入 {changed} 个文件")), "{said}");
    assert_fresh(site.path(), &out);

    // Remove a township's report and the attachment: their files and
    // folders go.
    std::fs::remove_file(site.path().join("content/zhangjiawo/2022.md")).unwrap();
    std::fs::remove_dir_all(site.path().join("content/xinkou/2025")).unwrap();
    build(site.path());
    assert!(!out.join("zhangjiawo/2022").exists());
    assert_fresh(site.path(), &out);
    // Bring them back: everything again as a fresh build.
    std::fs::write(
        site.path().join("content/zhangjiawo/2022.md"),
        std::fs::read(common::repo().join("content/zhangjiawo/2022.md")).unwrap(),
    )
    .unwrap();
    build(site.path());
    assert_fresh(site.path(), &out);
}

#[test]
fn a_file_or_link_in_the_recycled_tree_never_leaks_into_the_output() {
    let site = sample();
    let out = site.path().join("public");
    build(site.path());
    build(site.path());
    let spare = site.path().join(".public.gongshi-staging");
    assert!(
        spare.join(".gongshi-output").is_file(),
        "the tree kept for the next build"
    );
    // Things in the spare tree that no build made: a symbolic link where a
    // folder is needed (writes must not follow it), a stray file, a file
    // where the bytes differ but the size is the same.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(spare.join("xinkou")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), spare.join("xinkou")).unwrap();
    std::fs::write(spare.join("stray.txt"), "stray").unwrap();
    let robots = spare.join("robots.txt");
    let len = std::fs::metadata(&robots).unwrap().len() as usize;
    std::fs::remove_file(&robots).unwrap();
    std::fs::write(&robots, "x".repeat(len)).unwrap();

    build(site.path());
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
    assert_fresh(site.path(), &out);
}

#[test]
fn a_failed_or_killed_build_over_a_recycled_tree_leaves_the_output_complete() {
    let site = sample();
    let out = site.path().join("public");
    build(site.path());
    build(site.path());
    let before = tree(&out);
    let before_inodes = inodes(&out);

    // A theme error after staging began: the output is untouched.
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
    assert_eq!(broken.status.code(), Some(1));
    assert_eq!(tree(&out), before);
    assert_eq!(inodes(&out), before_inodes);
    std::fs::remove_dir_all(site.path().join("templates")).unwrap();

    // An edit, and a build killed mid-write.
    let report = site.path().join("content/xinkou/2025.md");
    let text = std::fs::read_to_string(&report)
        .unwrap()
        .replace("辛口镇2025年度", "辛口镇2025年度（修订）");
    std::fs::write(&report, text).unwrap();
    let mut child = common::build_paused(site.path(), &[]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(tree(&out), before, "the previous output is complete");
    assert_eq!(
        inodes(&out),
        before_inodes,
        "and not a file of it was replaced"
    );

    // The next build recycles what the killed one left and is exact.
    build(site.path());
    assert_fresh(site.path(), &out);
    let after = tree(&out);
    let after_inodes = inodes(&out);
    for (path, bytes) in &after {
        if before.get(path) == Some(bytes) {
            assert_eq!(
                after_inodes.get(path),
                before_inodes.get(path),
                "{path} kept"
            );
        }
    }
}
