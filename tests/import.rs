//! `gongshi import`: reading Word, PDF and text reports, extracting their
//! figures (measured on a corpus written for the tests), writing drafts
//! that pass `gongshi check`, and refusing what it cannot read with a clear
//! message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{gongshi, repo};
use gongshi::config::Config;
use gongshi::import::figures::{Found, Target};
use gongshi::import::{self, Imported, Options};

fn corpus_dir() -> PathBuf {
    repo().join("tests").join("import-corpus")
}

/// The corpus documents, sorted.
fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "expect"))
        .collect();
    files.sort();
    files
}

/// An empty site (config and content/) in a temporary folder.
fn empty_site(language: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("gongshi.yaml"),
        format!(
            "title: 测试站点\nbase_url: https://example.gov.cn/\nlanguage: {language}\ndistricts: [西青区]\nas_of: 2026-03-01\n"
        ),
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("content")).unwrap();
    tmp
}

fn prepare(path: &Path) -> Imported {
    let site = empty_site("zh-CN");
    import::prepare(path, site.path(), &Config::builtin(), &Options::default())
        .unwrap_or_else(|d| panic!("{}: {:?}", path.display(), d.problem))
}

/// What a figure counts as when scoring: `key = value`, `? key`,
/// `other UNIT = value`, `YEAR key = value`.
fn scored(f: &Found, year: Option<i32>) -> Option<String> {
    let prefix = year.map(|y| format!("{y} ")).unwrap_or_default();
    match (&f.target, &f.doubt) {
        (Target::Metric(k), None) => Some(format!("{prefix}{k} = {}", f.value)),
        (Target::Metric(k), Some(_)) if year.is_none() => Some(format!("? {k}")),
        (Target::Other { .. }, None) if year.is_none() => {
            Some(format!("other {} = {}", f.unit, f.value))
        }
        _ => None,
    }
}

fn extracted(imported: &Imported) -> Vec<String> {
    let mut out: Vec<String> = imported
        .extraction
        .figures
        .iter()
        .filter_map(|f| scored(f, None))
        .collect();
    for (y, figs) in &imported.extraction.other_years {
        out.extend(figs.iter().filter_map(|f| scored(f, Some(*y))));
    }
    out
}

fn expected(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path.with_extension("expect")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Count matches between two lists as multisets.
fn matches(found: &[String], wanted: &[String]) -> usize {
    let mut wanted: Vec<&String> = wanted.iter().collect();
    let mut n = 0;
    for f in found {
        if let Some(i) = wanted.iter().position(|w| *w == f) {
            wanted.remove(i);
            n += 1;
        }
    }
    n
}

#[test]
fn extraction_precision_and_recall_on_the_corpus() {
    let (mut tp, mut found_n, mut wanted_n) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    for path in corpus() {
        let imported = prepare(&path);
        let found = extracted(&imported);
        let wanted = expected(&path);
        let m = matches(&found, &wanted);
        tp += m;
        found_n += found.len();
        wanted_n += wanted.len();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        report.push_str(&format!(
            "{name}: {m} of {} found, {} extracted\n",
            wanted.len(),
            found.len()
        ));
        let found_set: BTreeSet<&String> = found.iter().collect();
        let wanted_set: BTreeSet<&String> = wanted.iter().collect();
        for w in wanted_set.difference(&found_set) {
            report.push_str(&format!("    missed   {w}\n"));
        }
        for f in found_set.difference(&wanted_set) {
            report.push_str(&format!("    spurious {f}\n"));
        }
    }
    let precision = tp as f64 / found_n.max(1) as f64;
    let recall = tp as f64 / wanted_n.max(1) as f64;
    println!("{report}");
    println!(
        "import corpus: precision {:.1}% ({tp}/{found_n}), recall {:.1}% ({tp}/{wanted_n})",
        precision * 100.0,
        recall * 100.0
    );
    assert!(
        precision >= 0.95 && recall >= 0.85,
        "precision {:.3} recall {:.3}\n{report}",
        precision,
        recall
    );
}

/// The number a figure states, read back from the words as written.
fn number_in(written: &str) -> Option<String> {
    let folded: String = written
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
            '．' => '.',
            c => c,
        })
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let digits: String = folded
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if !digits.is_empty() {
        return Some(digits);
    }
    let han: String = folded
        .chars()
        .filter(|c| "零〇一二两三四五六七八九十百千万".contains(*c))
        .collect();
    gongshi::import::figures::han_number(&han).map(|n| n.to_string())
}

#[test]
fn every_extracted_value_appears_in_its_source_sentence() {
    let mut checked = 0;
    for path in corpus() {
        let imported = prepare(&path);
        let all = imported
            .extraction
            .figures
            .iter()
            .chain(imported.extraction.other_years.values().flatten());
        for f in all {
            let written = f.written();
            assert!(
                !written.is_empty() && f.sentence.contains(written),
                "{}: {written:?} not in {:?}",
                path.display(),
                f.sentence
            );
            if f.value.is_empty() {
                continue;
            }
            // The value's number is the number written in the sentence.
            let value_number: String = f
                .value
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            assert_eq!(
                number_in(written).as_deref(),
                Some(value_number.as_str()),
                "{}: value {} from {written:?} in {:?}",
                path.display(),
                f.value,
                f.sentence
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} figures checked");
}

#[test]
fn imported_corpus_reports_pass_check() {
    let site = empty_site("zh-CN");
    let out = gongshi()
        .args(["import", "--root"])
        .arg(site.path())
        .args(corpus())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let check = gongshi()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let errors: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(check.status.success());
    // Every report is a draft; every township got a profile.
    let content = site.path().join("content");
    let mut reports = 0;
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "_index.md" {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(text.contains("\ndraft: true"), "{name}");
            assert!(entry.path().parent().unwrap().join("_index.md").exists());
            reports += 1;
        }
    }
    // Eight reports and the drafts for the years they also give figures for.
    assert!(reports >= corpus().len(), "{reports}");
}
