//! Helpers shared by the integration tests: build real sites with the real
//! binary into temporary folders, and read what they produced.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository (the sample site's root).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// The status date every test build uses unless the site's config sets
/// one: 2026-03-01 in Beijing (2026-03-01T00:00:00Z), after the 2025
/// reports fell due. Tests never depend on the clock.
pub const TEST_EPOCH: &str = "1772323200";

/// The gongshi binary, with a clean environment and a fixed status date
/// (`SOURCE_DATE_EPOCH`, which a config's `as_of` and `--as-of` override).
pub fn gongshi() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongshi"));
    cmd.env("SOURCE_DATE_EPOCH", TEST_EPOCH)
        .env("NO_COLOR", "1");
    cmd
}

/// Run gongshi with arguments; return the output.
pub fn run(args: &[&str]) -> Output {
    gongshi().args(args).output().expect("run gongshi")
}

/// A site built into a temporary folder.
pub struct Built {
    pub tmp: tempfile::TempDir,
    pub out: PathBuf,
    pub stderr: String,
}

/// Build the site at `root` into a fresh temporary output; panic on failure.
pub fn build(root: &Path) -> Built {
    build_with(root, &[])
}

/// Build with extra environment variables.
pub fn build_with(root: &Path, env: &[(&str, &str)]) -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut cmd = gongshi();
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        o.status.success(),
        "build of {} failed:\n{stderr}",
        root.display()
    );
    Built { tmp, out, stderr }
}

/// Parse an HTML file.
pub fn html(path: &Path) -> scraper::Html {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    scraper::Html::parse_document(&text)
}

/// A CSS selector.
pub fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

/// The text of an element, whitespace collapsed.
pub fn text(el: scraper::ElementRef<'_>) -> String {
    el.text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every file under `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Copy a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            if let Some(p) = dest.parent() {
                std::fs::create_dir_all(p).unwrap();
            }
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Copy the sample site (config, content, themes) into a temporary folder.
pub fn sample_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("gongshi.yaml"), tmp.path().join("gongshi.yaml")).unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    tmp
}

/// Hundredths from a plain decimal string (`483340.60`, `1100`); exact.
pub fn hundredths(s: &str) -> i128 {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let neg = whole.starts_with('-');
    let whole: i128 = whole
        .trim_start_matches('-')
        .parse()
        .unwrap_or_else(|_| panic!("number {s}"));
    let mut f = frac.to_string();
    while f.len() < 2 {
        f.push('0');
    }
    let frac: i128 = f[..2].parse().unwrap();
    let v = whole * 100 + frac;
    if neg { -v } else { v }
}
