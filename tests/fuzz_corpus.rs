//! The committed fuzz corpus, replayed through the same entry points as the
//! cargo-fuzz targets (`fuzz/fuzz_targets/`), so the targets cannot rot and
//! every input that ever found a bug stays fixed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = common::repo().join("fuzz").join("corpus").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        run(&data);
        n += 1;
    }
    assert!(
        n >= 5,
        "{target}: only {n} corpus files in {}",
        dir.display()
    );
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", gongshi::fuzzing::front_matter);
}

#[test]
fn file_to_page_corpus() {
    replay("file_to_page", gongshi::fuzzing::file_to_page);
}

#[test]
fn odd_inputs_do_not_panic() {
    for data in [
        &b""[..],
        b"---",
        b"---\n---",
        b"---\r\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe\x00\x00",
        b"---\nmetrics: {inspections: 1e999999}\n---\n",
        b"---\ntitle: [\n---\n",
        b"---\nyear: 99999999999999999999\n---\n",
        "---\ntitle: 标题\nyear: 2025\nmetrics:\n  fines_total: 9223372036854775807万元\n---\n".as_bytes(),
        "---\ntitle: 标题\nyear: 2025\nmetrics:\n  penalty_cases_simple: 9223372036854775807\n  penalty_cases_general: 9223372036854775807\n---\n".as_bytes(),
    ] {
        gongshi::fuzzing::front_matter(data);
        gongshi::fuzzing::file_to_page(data);
    }
}
