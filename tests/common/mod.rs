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

/// A `gongshi build` of `root` (with `env` set) that stops after writing
/// three pages (the test-only pause point) and is returned once it has
/// paused, still holding the output; one thread, so the pause stops all
/// writing (pages are rendered in parallel). The caller kills or resumes it.
pub fn build_paused(root: &Path, env: &[(&str, &str)]) -> std::process::Child {
    let marker = root.join("paused");
    let mut cmd = gongshi();
    cmd.args(["build", "--root"])
        .arg(root)
        .env("GONGSHI_TEST_PAUSE_AFTER_PAGES", "3")
        .env("RAYON_NUM_THREADS", "1")
        .env("GONGSHI_TEST_PAUSE_MARKER", &marker)
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    let start = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed().as_secs() < 60,
            "the build never reached the pause point"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
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

/// The number format code of every styled cell of a workbook, by sheet name
/// and (row, column), both from 0 — read from the file's XML, which calamine
/// does not expose.
pub fn xlsx_formats(path: &Path) -> BTreeMap<String, BTreeMap<(u32, u32), String>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let styles = read("xl/styles.xml");
    let workbook = read("xl/workbook.xml");
    // numFmtId → code, then cellXfs index → code.
    let mut codes: BTreeMap<String, String> = BTreeMap::new();
    for part in styles.split("<numFmt ").skip(1) {
        let id = attr(part, "numFmtId").unwrap();
        let code = attr(part, "formatCode").unwrap();
        codes.insert(id, unescape(&code));
    }
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    let styles: Vec<String> = xfs
        .split("<xf ")
        .skip(1)
        .map(|xf| {
            let id = attr(xf, "numFmtId").unwrap();
            codes
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("builtin:{id}"))
        })
        .collect();
    let names: Vec<String> = workbook
        .split("<sheet ")
        .skip(1)
        .map(|s| unescape(&attr(s, "name").unwrap()))
        .collect();
    let mut out = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        // rust_xlsxwriter writes the sheets in order as sheet1.xml, sheet2.xml …
        let sheet = read(&format!("xl/worksheets/sheet{}.xml", i + 1));
        let mut cells = BTreeMap::new();
        for c in sheet.split("<c ").skip(1) {
            let head = c.split('>').next().unwrap();
            let (Some(r), Some(s)) = (attr(head, "r"), attr(head, "s")) else {
                continue;
            };
            let col_letters: String = r.chars().take_while(|c| c.is_ascii_uppercase()).collect();
            let row: u32 = r[col_letters.len()..].parse().unwrap();
            let col = col_letters
                .chars()
                .fold(0u32, |acc, ch| acc * 26 + (ch as u32 - 'A' as u32 + 1));
            let style: usize = s.parse().unwrap();
            cells.insert((row - 1, col - 1), styles[style].clone());
        }
        out.insert(name.clone(), cells);
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = format!(" {tag}").find(&key)? + key.len() - 1;
    let rest = &tag[start..];
    Some(rest[..rest.find('"')?].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// What Excel shows for `value` under number format `code`, for the formats
/// gongshi writes: quoted literals around one `#,##0` pattern with 0 to 2
/// decimals (`"约"#,##0`, `#,##0.00`, `#,##0"%以上"`), or a literal alone.
/// Panics on anything else, so a new kind of format cannot pass unread.
pub fn excel_display(code: &str, value: f64) -> String {
    let mut out = String::new();
    let mut rest = code;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r
                .find('"')
                .unwrap_or_else(|| panic!("unclosed quote in {code}"));
            out.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix("#,##0") {
            let decimals = r
                .strip_prefix('.')
                .map_or(0, |d| d.chars().take_while(|c| *c == '0').count());
            rest = if decimals > 0 { &r[1 + decimals..] } else { r };
            assert!(
                !rest.starts_with(['.', '#']),
                "{code}: a trailing dot or optional digits"
            );
            let scaled = (value * 10f64.powi(decimals as i32)).round() as i128;
            let unit = 10i128.pow(decimals as u32);
            let whole = (scaled / unit).to_string();
            let mut grouped = String::new();
            for (i, ch) in whole.chars().enumerate() {
                if i > 0 && (whole.len() - i).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            out.push_str(&grouped);
            if decimals > 0 {
                out.push_str(&format!(".{:0width$}", scaled % unit, width = decimals));
            }
        } else {
            panic!("unexpected number format {code}");
        }
    }
    out
}

/// The numbers in a text, in order (`2 of 3 townships reported` → [2, 3]).
pub fn numbers_in(text: &str) -> Vec<usize> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

/// (reported, of) from a coverage text in the site's language:
/// `3 个乡镇中 2 个报告`, `2 of 3 townships reported`, or a table's short
/// form `2/3`.
pub fn coverage_of(text: &str) -> (usize, usize) {
    let n = numbers_in(text);
    assert_eq!(n.len(), 2, "coverage text {text:?}");
    if text.contains("个乡镇中") {
        (n[1], n[0])
    } else {
        (n[0], n[1])
    }
}
