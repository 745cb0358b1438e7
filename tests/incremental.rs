//! Incremental rebuilds equal full builds: random sequences of edits are
//! applied to a real fixture site on disk, the in-memory preview that
//! `gongshi serve` serves is updated after each (re-reading only what
//! changed, rendering only what the edit touches), and its files are
//! compared with a fresh full render of the same files — byte for byte,
//! with the same problems. The same sequences go through `gongshi build`,
//! which resumes from its build cache and renders only what changed, and
//! its output is compared with that of `gongshi build --full`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};

use gongshi::preview::{Content, Preview, Updated};
use gongshi::site::LoadOptions;
use proptest::prelude::*;

/// One edit an official (or a `git checkout`) might make.
#[derive(Clone, Debug)]
enum Edit {
    /// Set a figure of the n-th report.
    Figure {
        report: usize,
        metric: usize,
        value: u32,
    },
    /// Change the n-th report's publication date.
    Published { report: usize, day: u8 },
    /// Write a report for a township and year (replacing one).
    AddYear { township: usize, year: i32 },
    /// Delete the n-th report.
    RemoveYear { report: usize },
    /// Add a township folder with a profile and a report.
    AddTownship { n: u8 },
    /// Delete the n-th township folder.
    RemoveTownship { township: usize },
    /// Rename the n-th township (its Chinese name).
    RenameTownship { township: usize, n: u8 },
    /// Break the n-th report's YAML, or mend the broken one.
    BreakOrFix { report: usize },
    /// Add or remove an override of the report template.
    Template,
    /// Add or remove an override of a partial that several pages include.
    Partial,
    /// Add or remove the site's own stylesheet (a theme static file).
    Style,
    /// Change the site title in the config.
    Config { n: u8 },
    /// Add or remove an attachment of the n-th report.
    Attachment { report: usize },
    /// Replace an attachment of the n-th report by one of the same size
    /// (or add one).
    ReplaceAttachment { report: usize, n: u8 },
    /// Change the n-th report's body only: add a sentence, empty it, or
    /// give it a new heading.
    Body { report: usize, how: u8 },
    /// Save the n-th report again as it is (only its stamp changes).
    Touch { report: usize },
}

const METRICS: [&str; 5] = [
    "inspections",
    "certified_officers",
    "legal_reviewers",
    "training_sessions",
    "platform_warnings",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0usize..20, 0usize..METRICS.len(), 0u32..5000)
            .prop_map(|(report, metric, value)| Edit::Figure { report, metric, value }),
        1 => (0usize..20, 1u8..28).prop_map(|(report, day)| Edit::Published { report, day }),
        2 => (0usize..8, 2022i32..2026).prop_map(|(township, year)| Edit::AddYear { township, year }),
        2 => (0usize..20).prop_map(|report| Edit::RemoveYear { report }),
        1 => (0u8..4).prop_map(|n| Edit::AddTownship { n }),
        1 => (0usize..8).prop_map(|township| Edit::RemoveTownship { township }),
        1 => (0usize..8, 0u8..3).prop_map(|(township, n)| Edit::RenameTownship { township, n }),
        2 => (0usize..20).prop_map(|report| Edit::BreakOrFix { report }),
        1 => Just(Edit::Template),
        1 => Just(Edit::Partial),
        1 => Just(Edit::Style),
        1 => (0u8..3).prop_map(|n| Edit::Config { n }),
        1 => (0usize..20).prop_map(|report| Edit::Attachment { report }),
        1 => (0usize..20, 0u8..10).prop_map(|(report, n)| Edit::ReplaceAttachment { report, n }),
        3 => (0usize..20, 0u8..3).prop_map(|(report, how)| Edit::Body { report, how }),
        1 => (0usize..20).prop_map(|report| Edit::Touch { report }),
    ]
}

/// The site on disk being edited.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// A broken report and its text before it was broken.
    broken: Option<(PathBuf, String)>,
}

impl Site {
    fn new(fixture: &str) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        common::copy_dir(&common::fixture(fixture), &root);
        Site {
            _tmp: tmp,
            root,
            broken: None,
        }
    }

    fn content(&self) -> PathBuf {
        self.root.join("content")
    }

    fn townships(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(self.content())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        out.sort();
        out
    }

    fn reports(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .townships()
            .iter()
            .flat_map(|t| std::fs::read_dir(t).unwrap().map(|e| e.unwrap().path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && p.file_name().is_some_and(|n| n != "_index.md")
            })
            .collect();
        out.sort();
        out
    }

    /// Apply an edit; the paths it changed and whether it changed the theme.
    fn apply(&mut self, edit: &Edit) -> (Vec<PathBuf>, bool) {
        let pick = |list: Vec<PathBuf>, i: usize| -> Option<PathBuf> {
            (!list.is_empty()).then(|| list[i % list.len()].clone())
        };
        match edit {
            Edit::Figure {
                report,
                metric,
                value,
            } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let text = std::fs::read_to_string(&path).unwrap();
                let key = METRICS[*metric];
                let line = format!("  {key}: {value}\n");
                let text = match text.find(&format!("\n  {key}: ")) {
                    Some(i) => {
                        let start = i + 1;
                        let end = start + text[start..].find('\n').unwrap() + 1;
                        format!("{}{line}{}", &text[..start], &text[end..])
                    }
                    None if text.contains("\nmetrics:\n") => {
                        text.replacen("\nmetrics:\n", &format!("\nmetrics:\n{line}"), 1)
                    }
                    None => return (vec![], false),
                };
                std::fs::write(&path, text).unwrap();
                (vec![path], false)
            }
            Edit::Published { report, day } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let year: i32 = path.file_stem().unwrap().to_str().unwrap().parse().unwrap();
                let text = std::fs::read_to_string(&path).unwrap();
                let date = format!("published: {}-01-{day:02}", year + 1);
                let mut lines: Vec<String> = text
                    .lines()
                    .filter(|l| !l.starts_with("published:"))
                    .map(str::to_string)
                    .collect();
                if year < 2026 {
                    let at = lines
                        .iter()
                        .position(|l| l.starts_with("year:"))
                        .unwrap_or(1)
                        + 1;
                    lines.insert(at, date);
                }
                std::fs::write(&path, lines.join("\n") + "\n").unwrap();
                (vec![path], false)
            }
            Edit::AddYear { township, year } => {
                let Some(dir) = pick(self.townships(), *township) else {
                    return (vec![], false);
                };
                let path = dir.join(format!("{year}.md"));
                std::fs::write(
                    &path,
                    format!(
                        "---\ntitle: {year}年度行政执法工作报告\nyear: {year}\npublished: {}-01-15\nmetrics:\n  inspections: {}\n  penalty_cases: 3\n---\n\n## 一、基本情况\n\n正文。\n",
                        year + 1,
                        year * 3 % 1000
                    ),
                )
                .unwrap();
                (vec![path], false)
            }
            Edit::RemoveYear { report } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                std::fs::remove_file(&path).unwrap();
                let attachments = path.with_extension("");
                if attachments.is_dir() {
                    std::fs::remove_dir_all(&attachments).unwrap();
                }
                (vec![path], false)
            }
            Edit::AddTownship { n } => {
                let dir = self.content().join(format!("xin{n}"));
                if dir.exists() {
                    return (vec![], false);
                }
                std::fs::create_dir(&dir).unwrap();
                std::fs::write(
                    dir.join("_index.md"),
                    format!("---\nname: 新{n}镇\ndistrict: 西青区\n---\n"),
                )
                .unwrap();
                std::fs::write(
                    dir.join("2024.md"),
                    "---\ntitle: 新镇2024年度行政执法工作报告\nyear: 2024\npublished: 2025-01-10\nmetrics:\n  inspections: 77\n---\n\n正文。\n",
                )
                .unwrap();
                (vec![dir], false)
            }
            Edit::RemoveTownship { township } => {
                let Some(dir) = pick(self.townships(), *township) else {
                    return (vec![], false);
                };
                std::fs::remove_dir_all(&dir).unwrap();
                (vec![dir], false)
            }
            Edit::RenameTownship { township, n } => {
                let Some(dir) = pick(self.townships(), *township) else {
                    return (vec![], false);
                };
                let path = dir.join("_index.md");
                let Ok(text) = std::fs::read_to_string(&path) else {
                    return (vec![], false);
                };
                let text: Vec<String> = text
                    .lines()
                    .map(|l| match l.strip_prefix("name: ") {
                        Some(name) => format!(
                            "name: {}{}",
                            name.trim_end_matches(['甲', '乙', '丙']),
                            ["甲", "乙", "丙"][*n as usize]
                        ),
                        None => l.to_string(),
                    })
                    .collect();
                std::fs::write(&path, text.join("\n") + "\n").unwrap();
                (vec![path], false)
            }
            Edit::BreakOrFix { report } => {
                if let Some((path, text)) = self.broken.take() {
                    if path.exists() {
                        std::fs::write(&path, text).unwrap();
                        return (vec![path], false);
                    }
                    return (vec![], false);
                }
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, text.replacen("\nyear:", "\nbroken: [\nyear:", 1)).unwrap();
                self.broken = Some((path.clone(), text));
                (vec![path], false)
            }
            Edit::Template => {
                let dir = self.root.join("templates");
                let path = dir.join("report.html");
                if path.exists() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    std::fs::create_dir_all(&dir).unwrap();
                    let theme = gongshi::render::Theme::builtin();
                    let original = theme
                        .templates()
                        .find(|(n, _)| *n == "report.html")
                        .unwrap()
                        .1;
                    std::fs::write(
                        &path,
                        original.replacen(
                            "{% block main %}",
                            "{% block main %}<p class=\"override\">本站自定义模板</p>",
                            1,
                        ),
                    )
                    .unwrap();
                }
                (vec![path], true)
            }
            Edit::Partial => {
                let path = self.root.join("templates/_status.html");
                if path.exists() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    let theme = gongshi::render::Theme::builtin();
                    let original = theme
                        .templates()
                        .find(|(n, _)| *n == "_status.html")
                        .unwrap()
                        .1;
                    std::fs::write(&path, format!("<!-- 本站 -->{original}")).unwrap();
                }
                (vec![path], true)
            }
            Edit::Style => {
                let path = self.root.join("themes/default/static/style.css");
                if path.exists() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, "body { color: #111; }\n").unwrap();
                }
                (vec![path], true)
            }
            Edit::Config { n } => {
                let path = self.root.join("gongshi.yaml");
                let text = std::fs::read_to_string(&path).unwrap();
                let text: Vec<String> = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("title: ") {
                            format!("title: 公示站点{n}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                std::fs::write(&path, text.join("\n") + "\n").unwrap();
                (vec![path], false)
            }
            Edit::Attachment { report } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let folder = path.with_extension("");
                let file = folder.join("原件.pdf");
                if file.exists() {
                    std::fs::remove_file(&file).unwrap();
                } else {
                    std::fs::create_dir_all(&folder).unwrap();
                    std::fs::write(&file, b"%PDF-1.4 test").unwrap();
                }
                (vec![file], false)
            }
            Edit::ReplaceAttachment { report, n } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let folder = path.with_extension("");
                let file = folder.join("原件.pdf");
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(&file, format!("%PDF-1.4 tes{n}")).unwrap();
                (vec![file], false)
            }
            Edit::Body { report, how } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let text = std::fs::read_to_string(&path).unwrap();
                let Some(end) = text.get(3..).and_then(|t| t.find("\n---\n")) else {
                    return (vec![], false);
                };
                let (head, body) = text.split_at(3 + end + 5);
                let body = match how {
                    0 => format!("{body}\n补充说明：本年度另开展联合检查。\n"),
                    1 => String::new(),
                    _ => format!("\n## 五、其他事项\n\n{}\n", body.trim()),
                };
                std::fs::write(&path, format!("{head}{body}")).unwrap();
                (vec![path], false)
            }
            Edit::Touch { report } => {
                let Some(path) = pick(self.reports(), *report) else {
                    return (vec![], false);
                };
                let text = std::fs::read(&path).unwrap();
                std::fs::write(&path, text).unwrap();
                (vec![path], false)
            }
        }
    }
}

fn options(root: &Path) -> LoadOptions {
    LoadOptions {
        root: root.to_path_buf(),
        as_of: Some(jiff::civil::date(2026, 3, 1)),
        ..LoadOptions::default()
    }
}

fn problems(p: &Preview) -> Vec<String> {
    p.problems()
        .iter()
        .map(|d| gongshi::diagnostic::render_short(d, gongshi::i18n::Lang::Zh))
        .collect()
}

/// The first path whose content differs, for the failure message.
fn first_difference(a: &gongshi::preview::Files, b: &gongshi::preview::Files) -> Option<String> {
    a.keys()
        .chain(b.keys())
        .find(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |c: Option<&Content>| match c {
                None => "(absent)".to_string(),
                Some(Content::File(p)) => format!("(copy of {})", p.display()),
                Some(Content::Bytes(b)) => format!("{} bytes", b.len()),
            };
            format!(
                "{k}: incremental {} vs full {}",
                show(a.get(k)),
                show(b.get(k))
            )
        })
}

fn check_sequence(fixture: &str, edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut site = Site::new(fixture);
    let mut preview = Preview::open(&options(&site.root)).unwrap();
    prop_assert!(!preview.failed(), "{:?}", problems(&preview));
    for (i, e) in edits.iter().enumerate() {
        let (changed, theme) = site.apply(e);
        let before = preview.files();
        let updated = preview.update(&changed).unwrap();
        let _ = theme;
        preview.finish();
        let fresh = Preview::open(&options(&site.root)).unwrap();
        prop_assert_eq!(
            problems(&preview),
            problems(&fresh),
            "problems after edit {} ({:?})",
            i,
            e
        );
        if fresh.failed() {
            // The last good site stays served.
            prop_assert_eq!(updated, Updated::Problems);
            prop_assert!(preview.files() == before, "files changed despite errors");
        } else {
            let (a, b) = (preview.files(), fresh.files());
            prop_assert!(
                a == b,
                "after edit {} ({:?}) of {:?}: {}",
                i,
                e,
                edits,
                first_difference(&a, &b).unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// Set every file of the site an hour back, as if written long before the
/// first build (files younger than the cache's stamp are read again
/// whatever their stamp says, which would hide what the test looks for).
fn backdate(root: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(past).unwrap();
        }
    }
}

/// `gongshi build` of `root` into `out`, with more arguments.
fn build(root: &Path, out: &Path, more: &[&str]) -> std::process::Output {
    common::gongshi()
        .args(["build", "--as-of", "2026-03-01", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(more)
        .output()
        .unwrap()
}

fn check_builds(fixture: &str, edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut site = Site::new(fixture);
    backdate(&site.root);
    let out = site.root.parent().unwrap().join("public");
    let full = site.root.parent().unwrap().join("full");
    let first = build(&site.root, &out, &[]);
    prop_assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    for (i, e) in edits.iter().enumerate() {
        site.apply(e);
        let a = build(&site.root, &out, &[]);
        let b = build(&site.root, &full, &["--full"]);
        prop_assert_eq!(
            a.status.code(),
            b.status.code(),
            "edit {} ({:?}): {}",
            i,
            e,
            String::from_utf8_lossy(&a.stderr)
        );
        if !b.status.success() {
            continue;
        }
        let (x, y) = (common::tree(&out), common::tree(&full));
        let differ = x
            .keys()
            .chain(y.keys())
            .find(|k| x.get(*k) != y.get(*k))
            .cloned();
        prop_assert!(
            differ.is_none(),
            "after edit {} ({:?}) of {:?}: {:?} differs between the incremental and the full build",
            i,
            e,
            edits,
            differ
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_edits_give_the_files_of_a_full_build(edits in proptest::collection::vec(edit(), 1..8)) {
        check_sequence("verdicts", &edits)?;
    }

    #[test]
    fn any_edits_give_the_files_of_a_full_build_two_districts(edits in proptest::collection::vec(edit(), 1..6)) {
        check_sequence("two-districts", &edits)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn any_edits_build_the_files_of_a_full_build(edits in proptest::collection::vec(edit(), 1..7)) {
        check_builds("verdicts", &edits)?;
    }

    #[test]
    fn any_edits_build_the_files_of_a_full_build_two_districts(edits in proptest::collection::vec(edit(), 1..5)) {
        check_builds("two-districts", &edits)?;
    }
}

/// A second build with nothing changed writes nothing and says so; one
/// edit renders only what it touches (the other pages keep their very
/// file); a file of the output changed by hand makes the build render
/// everything again; `--full` always does.
#[test]
fn a_build_does_only_what_changed() {
    let mut site = Site::new("two-districts");
    backdate(&site.root);
    let out = site.root.parent().unwrap().join("public");
    let inode = |rel: &str| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(out.join(rel)).unwrap().ino()
    };
    let first = build(&site.root, &out, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        site.root
            .parent()
            .unwrap()
            .join(".public.gongshi-cache")
            .is_file()
    );
    let home = inode("index.html");

    // Nothing changed: nothing written, not even swapped.
    let again = build(&site.root, &out, &[]);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        again.status.success() && (said.contains("网站已是最新") || said.contains("up to date")),
        "{said}"
    );
    assert_eq!(inode("index.html"), home);
    let before = common::tree(&out);

    // One figure: that township's pages and the summaries change; another
    // township's page is the very same file.
    site.apply(&Edit::Figure {
        report: 0,
        metric: 0,
        value: 4321,
    });
    let edited = site.reports()[0].clone();
    let township = edited
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let other = site
        .townships()
        .iter()
        .map(|t| t.file_name().unwrap().to_str().unwrap().to_string())
        .find(|t| *t != township)
        .unwrap();
    let other_page = format!("{other}/index.html");
    let other_inode = inode(&other_page);
    let edit = build(&site.root, &out, &["--timings"]);
    let said = String::from_utf8_lossy(&edit.stderr);
    assert!(edit.status.success(), "{said}");
    assert!(
        said.contains("上次构建以来改动了 1 个文件") || said.contains("1 file changed since"),
        "{said}"
    );
    assert_eq!(
        inode(&other_page),
        other_inode,
        "{other_page} was rewritten"
    );
    let after = common::tree(&out);
    assert_ne!(
        after[&format!("{township}/index.html")],
        before[&format!("{township}/index.html")]
    );
    assert!(String::from_utf8_lossy(&after[&format!("{township}/index.html")]).contains("4,321"));

    // The body alone: the report's page changes; the downloads, which show
    // no body, stay the very same files.
    let year = edited.file_stem().unwrap().to_str().unwrap().to_string();
    let downloads = [format!("data/{year}.csv"), "data/all.json".to_string()];
    let download_inodes: Vec<u64> = downloads.iter().map(|d| inode(d)).collect();
    site.apply(&Edit::Body { report: 0, how: 0 });
    let body = build(&site.root, &out, &[]);
    assert!(body.status.success());
    let after = common::tree(&out);
    assert!(
        String::from_utf8_lossy(&after[&format!("{township}/{year}/index.html")])
            .contains("本年度另开展联合检查")
    );
    let now: Vec<u64> = downloads.iter().map(|d| inode(d)).collect();
    assert_eq!(now, download_inodes, "{downloads:?} rewritten");

    // Saved again as it was: read again (its stamp is too recent to
    // trust), but nothing is rendered and the output is not even swapped.
    let folder = inode("");
    site.apply(&Edit::Touch { report: 0 });
    let touched = build(&site.root, &out, &[]);
    assert!(touched.status.success());
    assert_eq!(inode(""), folder, "the output was swapped");
    assert_eq!(common::tree(&out), after);

    // A page deleted by hand: the next build notices and renders it again.
    std::fs::remove_file(out.join(&other_page)).unwrap();
    let mend = build(&site.root, &out, &[]);
    assert!(mend.status.success());
    assert_eq!(common::tree(&out), after);

    // A content error: nothing written, and the next good build resumes.
    site.apply(&Edit::BreakOrFix { report: 1 });
    let broken = build(&site.root, &out, &[]);
    assert!(!broken.status.success());
    assert_eq!(common::tree(&out), after);
    site.apply(&Edit::BreakOrFix { report: 1 });
    let fixed = build(&site.root, &out, &[]);
    assert!(fixed.status.success());
    assert_eq!(common::tree(&out), after);

    // `--full` renders everything, to the same bytes.
    let full = build(&site.root, &out, &["--full"]);
    assert!(full.status.success());
    assert_eq!(common::tree(&out), after);

    // An attachment added, then removed: its report lists it, then not
    // (the report file itself is unchanged).
    let fresh = site.root.parent().unwrap().join("fresh");
    for step in ["added", "removed"] {
        site.apply(&Edit::Attachment { report: 2 });
        let resumed = build(&site.root, &out, &[]);
        assert!(resumed.status.success(), "{step}");
        let full = build(&site.root, &fresh, &["--full"]);
        assert!(full.status.success(), "{step}");
        let (x, y) = (common::tree(&out), common::tree(&fresh));
        assert!(
            x == y,
            "attachment {step}: the resumed build differs from a full one"
        );
        assert_eq!(
            x.keys().any(|k| k.ends_with("原件.pdf")),
            step == "added",
            "attachment {step}"
        );
    }
}

/// A full render in memory is what `gongshi build` writes.
#[test]
fn the_preview_is_the_build() {
    let site = Site::new("two-districts");
    let preview = Preview::open(&options(&site.root)).unwrap();
    let out = site.root.parent().unwrap().join("public");
    let o = common::gongshi()
        .args(["build", "-q", "--as-of", "2026-03-01", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut built = common::tree(&out);
    built.remove(".gongshi-output");
    let files = preview.files();
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        files.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        let served = match &files[path] {
            Content::Bytes(b) => b.to_vec(),
            Content::File(p) => std::fs::read(p).unwrap(),
        };
        assert!(served == *bytes, "{path} differs");
    }
}

/// An edit to one report renders that township's pages first and leaves
/// the rest for later; other townships' pages are not rendered again.
#[test]
fn one_report_touches_its_township_first() {
    let mut site = Site::new("verdicts");
    let mut preview = Preview::open(&options(&site.root)).unwrap();
    let (changed, theme) = site.apply(&Edit::Figure {
        report: 0,
        metric: 0,
        value: 4321,
    });
    let before = preview.files();
    let updated = preview.update(&changed).unwrap();
    let _ = theme;
    let Updated::Rendered {
        everything,
        changed,
        ..
    } = updated
    else {
        panic!("{updated:?}");
    };
    assert!(!everything);
    let township = changed[0].split('/').next().unwrap().to_string();
    assert!(
        changed
            .iter()
            .all(|p| p.starts_with(&format!("{township}/"))
                || p.starts_with(&format!("search/text/{township}/"))),
        "first stage: {changed:?}"
    );
    let rest = preview.finish();
    assert!(rest.iter().any(|p| p.starts_with("years/")), "{rest:?}");
    assert!(rest.contains(&"data/all.json".to_string()), "{rest:?}");
    let after = preview.files();
    // Other townships' pages: the very same allocations, never rendered again.
    for (path, content) in before.iter() {
        if path.contains('/')
            && !path.starts_with(&format!("{township}/"))
            && !path.starts_with("years/")
            && !path.starts_with("data/")
            && !path.starts_with("townships/")
            // The search page and index read every report; the other
            // townships' texts for search are not rendered again.
            && (!path.starts_with("search/") || path.starts_with("search/text/"))
            && !path.starts_with(&format!("search/text/{township}/"))
            && let (Content::Bytes(a), Some(Content::Bytes(b))) = (content, after.get(path))
        {
            assert!(std::sync::Arc::ptr_eq(a, b), "{path} was rendered again");
        }
    }
}

/// What an edit of one report touches, by what changed in it: a figure
/// feeds the summaries and downloads; the body alone only the township's
/// pages and the search index; the same bytes saved again, nothing.
#[test]
fn what_a_report_edit_touches_depends_on_what_changed() {
    use gongshi::render::{Target, Touched, touched};
    let mut site = Site::new("two-districts");
    let load = |site: &Site| {
        let s = gongshi::site::Site::load(&options(&site.root)).unwrap();
        let a = gongshi::assemble::assemble(&s);
        (s, a)
    };
    let report = site.reports()[0].clone();
    let rel = report.strip_prefix(&site.root).unwrap().to_path_buf();
    let slug = rel.iter().nth(1).unwrap().to_str().unwrap().to_string();
    let year: i32 = report
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let targets = |t: Touched| match t {
        Touched::Some { first, then, .. } => first.into_iter().chain(then).collect::<Vec<_>>(),
        Touched::Everything => panic!("everything touched"),
    };
    let (b, ba) = load(&site);
    let downloads = |ts: &[Target]| {
        ts.iter()
            .filter(|t| {
                matches!(
                    t,
                    Target::YearData(_) | Target::AllData | Target::TownshipData(_)
                )
            })
            .count()
    };

    site.apply(&Edit::Touch { report: 0 });
    let (a, aa) = load(&site);
    assert_eq!(
        targets(touched((&b, &ba), (&a, &aa), std::slice::from_ref(&rel))),
        []
    );

    site.apply(&Edit::Body { report: 0, how: 0 });
    let (a, aa) = load(&site);
    let body = targets(touched((&b, &ba), (&a, &aa), std::slice::from_ref(&rel)));
    assert!(
        body.contains(&Target::Report(slug.clone(), year as _)),
        "{body:?}"
    );
    assert!(body.contains(&Target::Search), "{body:?}");
    assert_eq!(downloads(&body), 0, "{body:?}");
    assert!(
        !body
            .iter()
            .any(|t| matches!(t, Target::Year(_) | Target::Home)),
        "{body:?}"
    );

    // Emptied, the report states figures only: its status changes.
    site.apply(&Edit::Body { report: 0, how: 1 });
    let (a, aa) = load(&site);
    let emptied = targets(touched((&b, &ba), (&a, &aa), std::slice::from_ref(&rel)));
    assert!(
        downloads(&emptied) > 0 && emptied.contains(&Target::Home),
        "{emptied:?}"
    );

    site.apply(&Edit::Figure {
        report: 0,
        metric: 0,
        value: 4321,
    });
    let (a, aa) = load(&site);
    let figure = targets(touched((&b, &ba), (&a, &aa), std::slice::from_ref(&rel)));
    assert!(figure.contains(&Target::YearData(year as _)), "{figure:?}");
    assert!(figure.contains(&Target::AllData), "{figure:?}");
}

/// Text of `n` characters that are rarely repeated (a fixed sequence), so
/// that the search index has many tokens.
fn many_tokens(n: usize) -> String {
    let mut x: u32 = 12345;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            char::from_u32(0x4e00 + (x >> 8) % 0x5000).unwrap_or('字')
        })
        .collect()
}

/// When an edit shrinks the search index to fewer shards, the shards it
/// no longer has go, in a resumed build and in `serve`, as in a full build.
#[test]
fn an_index_that_shrinks_leaves_no_shard_behind() {
    let mut site = Site::new("two-districts");
    let report = site.reports()[0].clone();
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(
        &report,
        format!("{text}\n## 五、附录\n\n{}\n", many_tokens(4000)),
    )
    .unwrap();
    backdate(&site.root);
    let out = site.root.parent().unwrap().join("public");
    let full = site.root.parent().unwrap().join("full");
    assert!(build(&site.root, &out, &[]).status.success());
    let shards = |dir: &Path| {
        std::fs::read_dir(dir.join("search/shards"))
            .unwrap()
            .count()
    };
    assert!(shards(&out) > 1, "the index has {} shard", shards(&out));
    let mut preview = Preview::open(&options(&site.root)).unwrap();

    // The long text replaced by a sentence: the body alone changed.
    std::fs::write(&report, format!("{text}\n补充一句。\n")).unwrap();
    assert!(build(&site.root, &out, &[]).status.success());
    assert!(build(&site.root, &full, &["--full"]).status.success());
    assert_eq!(shards(&out), shards(&full));
    assert!(
        common::tree(&out) == common::tree(&full),
        "the resumed build differs from a full one"
    );

    preview.update(std::slice::from_ref(&report)).unwrap();
    preview.finish();
    let fresh = Preview::open(&options(&site.root)).unwrap();
    let (a, b) = (preview.files(), fresh.files());
    assert!(a == b, "{}", first_difference(&a, &b).unwrap_or_default());
    site.broken = None;
}

/// `serve`: when rendering the rest of an update fails (a file changed
/// under it), what it had to render is left to the next update, which
/// renders it with its own: nothing stays stale, the search index neither.
#[test]
fn a_finish_that_fails_leaves_its_work_to_the_next_update() {
    let mut site = Site::new("two-districts");
    let mut preview = Preview::open(&options(&site.root)).unwrap();
    let reports = site.reports();
    let (a, b) = (reports[0].clone(), reports[reports.len() - 1].clone());
    assert_ne!(a.parent(), b.parent());
    site.apply(&Edit::Figure {
        report: 0,
        metric: 0,
        value: 4321,
    });
    site.apply(&Edit::Body {
        report: reports.len() - 1,
        how: 0,
    });
    preview.update(&[a.clone(), b.clone()]).unwrap();
    // Saved again before the rest is rendered: the rest fails…
    site.apply(&Edit::Body { report: 0, how: 0 });
    preview.finish();
    let fresh = Preview::open(&options(&site.root)).unwrap();
    assert_ne!(
        problems(&preview),
        problems(&fresh),
        "the rest did not fail"
    );
    // …and the save's own update renders it.
    preview.update(std::slice::from_ref(&a)).unwrap();
    preview.finish();
    assert_eq!(problems(&preview), problems(&fresh));
    let (x, y) = (preview.files(), fresh.files());
    assert!(x == y, "{}", first_difference(&x, &y).unwrap_or_default());
}
