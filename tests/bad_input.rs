//! The bad-input corpus: each folder under tests/bad-input/ is laid over a
//! small valid site (`_base/`), and the site's diagnostics must be exactly
//! those listed in the folder's `expect.txt` — outcome, code, file, line,
//! column and message. The full rendered messages (source line, underline,
//! fix) are pinned as snapshots, so they cannot silently get worse.
//!
//! To add a case: make a folder with the files to lay over the base, run
//! `GONGSHI_BLESS=1 cargo test --test bad_input` to write its expect.txt and
//! `INSTA_UPDATE=always` for its snapshot, and read both before committing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};

use gongshi::diagnostic::{self, Diagnostic, Severity};
use gongshi::i18n::Lang;
use gongshi::site::{LoadOptions, Site};

fn corpus() -> PathBuf {
    common::repo().join("tests").join("bad-input")
}

/// One line per diagnostic: `file:line:column: 错误[code]: message`.
fn line(d: &Diagnostic, lang: Lang) -> String {
    let mut s = String::new();
    if let Some(f) = &d.file {
        s.push_str(f);
        if let Some(p) = d.pos {
            s.push_str(&format!(":{}:{}", p.line, p.column));
        }
        s.push_str(": ");
    }
    s.push_str(&format!(
        "{}[{}]: {}",
        d.severity().word(lang),
        d.code(),
        d.problem.message(lang)
    ));
    s
}

fn outcome(diags: &[Diagnostic]) -> &'static str {
    if diags.iter().any(|d| d.severity() == Severity::Error) {
        "error"
    } else if diags.is_empty() {
        "accepted"
    } else {
        "warning"
    }
}

/// Lay `case` over the base site in a temporary folder and load it.
pub fn load_case(case: &Path) -> (tempfile::TempDir, Site) {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&corpus().join("_base"), tmp.path());
    for entry in walkdir::WalkDir::new(case) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(case).unwrap();
        if rel.as_os_str() == "expect.txt" || entry.file_type().is_dir() {
            continue;
        }
        let dest = tmp.path().join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(entry.path(), dest).unwrap();
    }
    let site = Site::load(&LoadOptions {
        root: tmp.path().to_path_buf(),
        ..LoadOptions::default()
    })
    .unwrap_or_else(|e| panic!("{}: not a site: {:?}", case.display(), e.0.problem));
    (tmp, site)
}

#[test]
fn base_site_is_clean() {
    let site = Site::load(&LoadOptions {
        root: corpus().join("_base"),
        ..LoadOptions::default()
    })
    .unwrap();
    let lines: Vec<String> = site.diagnostics.iter().map(|d| line(d, Lang::Zh)).collect();
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn every_case_reports_exactly_what_it_expects() {
    let bless = std::env::var_os("GONGSHI_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (_tmp, site) = load_case(case);
        let lang = site.config.language;
        let mut actual = vec![format!("outcome: {}", outcome(&site.diagnostics))];
        actual.extend(site.diagnostics.iter().map(|d| line(d, lang)));
        let expect_path = case.join("expect.txt");
        let text = std::fs::read_to_string(&expect_path).unwrap_or_default();
        let comments: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
        let expected: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        if bless {
            let mut out = comments.join("\n");
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&actual.join("\n"));
            out.push('\n');
            std::fs::write(&expect_path, out).unwrap();
        } else if expected != actual {
            failures.push(format!(
                "== {name}\nexpected:\n  {}\nactual:\n  {}",
                expected.join("\n  "),
                actual.join("\n  ")
            ));
        }
        // Never a panic, never lost: every problem renders with its place and fix.
        let rendered: Vec<String> = site
            .diagnostics
            .iter()
            .map(|d| diagnostic::render_human(d, lang, false))
            .collect();
        insta::assert_snapshot!(format!("bad_input__{name}"), rendered.join("\n"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
