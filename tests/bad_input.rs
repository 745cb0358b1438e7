//! The bad-input corpus: each folder under tests/bad-input/ is laid over a
//! small valid site (`_base/`), and the site's diagnostics must be exactly
//! those listed in the folder's `expect.txt` — outcome, code, file, line,
//! column and message. The full rendered messages (source line, underline,
//! fix) are pinned as snapshots, so they cannot silently get worse.
//!
//! To add a case: make a folder with the files to lay over the base, run
//! `GONGSHI_BLESS=1 cargo test --test bad_input` to write its expect.txt and
//! `INSTA_UPDATE=always` for its snapshot, and read both before committing.
//! An empty `expect.en.txt` in a Chinese case asks for the English wording
//! to be pinned too (expectations and snapshot), where it matters.
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

        // A case with an `expect.en.txt` is also pinned in English: the same
        // diagnostics, worded for an English site.
        let en_path = case.join("expect.en.txt");
        if lang == Lang::Zh && en_path.is_file() {
            let mut actual = vec![format!("outcome: {}", outcome(&site.diagnostics))];
            actual.extend(site.diagnostics.iter().map(|d| line(d, Lang::En)));
            let text = std::fs::read_to_string(&en_path).unwrap_or_default();
            let expected: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .collect();
            if bless {
                std::fs::write(&en_path, actual.join("\n") + "\n").unwrap();
            } else if expected != actual {
                failures.push(format!(
                    "== {name} (en)\nexpected:\n  {}\nactual:\n  {}",
                    expected.join("\n  "),
                    actual.join("\n  ")
                ));
            }
            let rendered: Vec<String> = site
                .diagnostics
                .iter()
                .map(|d| diagnostic::render_human(d, Lang::En, false))
                .collect();
            insta::assert_snapshot!(format!("bad_input__{name}.en"), rendered.join("\n"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Cases whose files are made at test time (too large, binary, not UTF-8,
/// odd names, links): never committed. Each lists what must be reported.
#[test]
fn generated_cases() {
    use std::io::Write;
    let report = |body: &str| {
        format!(
            "---\ntitle: 基准镇2025年度行政执法工作报告\nyear: 2025\npublished: 2025-12-10\n{body}---\n"
        )
    };
    let mut failures = Vec::new();
    let mut check = |name: &str, setup: &dyn Fn(&Path), expected: &[&str]| {
        let tmp = tempfile::tempdir().unwrap();
        common::copy_dir(&corpus().join("_base"), tmp.path());
        setup(tmp.path());
        let site = Site::load(&LoadOptions {
            root: tmp.path().to_path_buf(),
            ..LoadOptions::default()
        })
        .unwrap();
        let mut actual = vec![format!("outcome: {}", outcome(&site.diagnostics))];
        actual.extend(site.diagnostics.iter().map(|d| line(d, Lang::Zh)));
        if actual != expected {
            failures.push(format!(
                "== {name}\nexpected:\n  {}\nactual:\n  {}",
                expected.join("\n  "),
                actual.join("\n  ")
            ));
        }
        // Every diagnostic renders without panicking.
        for d in &site.diagnostics {
            assert!(!diagnostic::render_human(d, Lang::Zh, false).is_empty());
        }
    };
    let base = |root: &Path| root.join("content/base");

    check(
        "utf8-bom-and-crlf",
        &|root| {
            let text = report("metrics:\n  inspections: 1100余\n").replace('\n', "\r\n");
            std::fs::write(
                base(root).join("2025.md"),
                format!("\u{feff}{text}正文\r\n"),
            )
            .unwrap();
        },
        &["outcome: accepted"],
    );
    check(
        "gbk",
        &|root| {
            let text = report("metrics:\n  inspections: 9件\n");
            let (bytes, _, _) = encoding_rs::GBK.encode(&text);
            std::fs::write(base(root).join("2025.md"), bytes).unwrap();
        },
        &[
            "outcome: error",
            "content/base/2025.md: 警告[legacy-encoding]: 文件不是 UTF-8 编码，已按 GB18030/GBK 编码读取",
            "content/base/2025.md:6:16: 错误[unit-in-count]: “inspections”（行政检查）只写数字，不要带单位“件”",
        ],
    );
    check(
        "binary-md",
        &|root| {
            std::fs::write(
                base(root).join("2025.md"),
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
            )
            .unwrap()
        },
        &[
            "outcome: error",
            "content/base/2025.md: 错误[binary-file]: 这不是文本文件（含有二进制数据），不能作为报告读取",
        ],
    );
    check(
        "empty-file",
        &|root| std::fs::write(base(root).join("2025.md"), b"").unwrap(),
        &[
            "outcome: error",
            "content/base/2025.md: 错误[empty-file]: 文件是空的",
        ],
    );
    check(
        "fifty-megabytes",
        &|root| {
            let mut f = std::fs::File::create(base(root).join("2025.md")).unwrap();
            f.write_all(report("").as_bytes()).unwrap();
            let line = "正文".repeat(512) + "\n";
            for _ in 0..(50 * 1024 * 1024 / line.len() + 1) {
                f.write_all(line.as_bytes()).unwrap();
            }
        },
        &[
            "outcome: error",
            "content/base/2025.md: 错误[file-too-large]: 文件过大（50.0 MB），文字文件不能超过 8.0 MB",
        ],
    );
    check(
        "deep-nesting",
        &|root| {
            let deep = format!(
                "---\ntitle: x\nyear: 2025\nmetrics: {}{}\n---\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            );
            std::fs::write(base(root).join("2025.md"), deep).unwrap();
        },
        &[
            "outcome: error",
            "content/base/2025.md:4:265: 错误[yaml-limit]: YAML 嵌套过深或别名展开过多，拒绝读取",
        ],
    );
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::symlink;
        check(
            "non-utf8-names",
            &|root| {
                let name = std::ffi::OsStr::from_bytes(b"\xff\xfe2025.md");
                std::fs::write(base(root).join(name), report("")).unwrap();
                std::fs::create_dir_all(
                    root.join("content")
                        .join(std::ffi::OsStr::from_bytes(b"bad\xffdir")),
                )
                .unwrap();
            },
            &[
                "outcome: error",
                "content/bad�dir: 错误[non-utf8-name]: 文件名“bad�dir”不是 UTF-8 编码",
                "content/base/��2025.md: 错误[non-utf8-name]: 文件名“��2025.md”不是 UTF-8 编码",
            ],
        );
        check(
            "symlink-loop",
            &|root| {
                symlink(base(root).join("b.md"), base(root).join("a.md")).unwrap();
                symlink(base(root).join("a.md"), base(root).join("b.md")).unwrap();
                symlink(root.join("content"), base(root).join("2023")).unwrap();
            },
            &[
                "outcome: error",
                "content/base/2023: 错误[symlink]: 符号链接指向一个文件夹，gongshi 不跟随文件夹链接",
                "content/base/a.md: 错误[symlink]: 符号链接形成了循环",
                "content/base/b.md: 错误[symlink]: 符号链接形成了循环",
            ],
        );
        check(
            "symlink-outside",
            &|root| {
                let outside = root
                    .parent()
                    .unwrap()
                    .join(format!("secret-{}.md", std::process::id()));
                std::fs::write(&outside, report("")).unwrap();
                symlink(&outside, base(root).join("2025.md")).unwrap();
            },
            &[
                "outcome: error",
                "content/base/2025.md: 错误[symlink]: 符号链接指向站点目录之外，已拒绝",
            ],
        );
        let mkfifo = |path: &Path| {
            let status = std::process::Command::new("mkfifo")
                .arg(path)
                .status()
                .unwrap();
            assert!(status.success());
        };
        // Named pipes and sockets are refused at once, naming the file: as a
        // report, a profile, an attachment, a stray entry, behind a link.
        // (Opening a pipe for reading would wait for a writer forever.)
        check(
            "special-files",
            &|root| {
                mkfifo(&base(root).join("2025.md"));
                std::fs::create_dir_all(base(root).join("2024")).unwrap();
                mkfifo(&base(root).join("2024/原件.pdf"));
                mkfifo(&root.join("content/pipe"));
                std::fs::create_dir_all(root.join("content/other")).unwrap();
                mkfifo(&root.join("content/other/_index.md"));
                mkfifo(&root.join("fifo.md"));
                symlink(root.join("fifo.md"), base(root).join("2023.md")).unwrap();
                let _socket =
                    std::os::unix::net::UnixListener::bind(base(root).join("2022.md")).unwrap();
            },
            &[
                "outcome: error",
                "content/base/2022.md: 错误[special-file]: 这不是普通文件，而是套接字（socket），gongshi 拒绝读取",
                "content/base/2023.md: 错误[special-file]: 这不是普通文件，而是命名管道（FIFO），gongshi 拒绝读取",
                "content/base/2024/原件.pdf: 错误[special-file]: 这不是普通文件，而是命名管道（FIFO），gongshi 拒绝读取",
                "content/base/2025.md: 错误[special-file]: 这不是普通文件，而是命名管道（FIFO），gongshi 拒绝读取",
                "content/other/_index.md: 错误[special-file]: 这不是普通文件，而是命名管道（FIFO），gongshi 拒绝读取",
                "content/pipe: 错误[special-file]: 这不是普通文件，而是命名管道（FIFO），gongshi 拒绝读取",
            ],
        );
        check(
            "symlink-inside-is-followed",
            &|root| {
                std::fs::write(
                    root.join("shared.md"),
                    report("metrics:\n  inspections: 5\n"),
                )
                .unwrap();
                symlink(root.join("shared.md"), base(root).join("2025.md")).unwrap();
            },
            &["outcome: accepted"],
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The special-file refusal, worded for an English site.
#[cfg(unix)]
#[test]
fn special_files_are_refused_in_english_too() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&corpus().join("_base"), tmp.path());
    let fifo = tmp.path().join("content/base/2025.md");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let site = Site::load(&LoadOptions {
        root: tmp.path().to_path_buf(),
        ..LoadOptions::default()
    })
    .unwrap();
    let lines: Vec<String> = site.diagnostics.iter().map(|d| line(d, Lang::En)).collect();
    assert_eq!(
        lines,
        vec![
            "content/base/2025.md: error[special-file]: this is not a regular file but a named pipe (FIFO); gongshi refuses to read it"
        ]
    );
    assert_eq!(
        site.diagnostics[0].problem.help(Lang::En).as_deref(),
        Some("remove it: reports, profiles and attachments in content/ must be regular files")
    );
}
