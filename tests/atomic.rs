//! A failed build never touches the previous output; a good one replaces it
//! whole; gongshi refuses output folders it does not own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{gongshi, sample_copy, tree};

#[test]
fn failed_build_leaves_previous_output_intact() {
    let site = sample_copy();
    let out = site.path().join("public");
    let ok = gongshi()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(ok.status.success());
    let before = tree(&out);
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
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongshi-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

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
