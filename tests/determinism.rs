//! The same input gives byte-identical output whatever the thread count.
//! Each build runs the real binary in its own process, since rayon reads
//! RAYON_NUM_THREADS once per process.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{build_with, fixture, repo, tree};

fn same_output_across_threads(root: &std::path::Path) {
    let one = build_with(root, &[("RAYON_NUM_THREADS", "1")]);
    let four = build_with(root, &[("RAYON_NUM_THREADS", "4")]);
    let seven = build_with(root, &[("RAYON_NUM_THREADS", "7")]);
    let a = tree(&one.out);
    let b = tree(&four.out);
    let c = tree(&seven.out);
    assert!(a.len() > 10, "too few files: {}", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between 1 and 4 threads");
        assert!(c[path] == *bytes, "{path} differs between 1 and 7 threads");
    }
}

#[test]
fn sample_site_is_deterministic() {
    same_output_across_threads(&repo());
}

#[test]
fn fixture_site_is_deterministic() {
    same_output_across_threads(&fixture("two-districts"));
}

#[test]
fn the_status_date_fixes_the_output() {
    // Same input and the same status date: byte-identical output. The date
    // comes from SOURCE_DATE_EPOCH here (2026-02-01 00:30 in Beijing).
    let built = build_with(&repo(), &[("SOURCE_DATE_EPOCH", "1769877000")]);
    let home = std::fs::read_to_string(built.out.join("index.html")).unwrap();
    assert!(
        home.contains("2026年2月1日"),
        "the status date comes from SOURCE_DATE_EPOCH"
    );
    let again = build_with(&repo(), &[("SOURCE_DATE_EPOCH", "1769877000")]);
    assert_eq!(tree(&built.out), tree(&again.out));
}
