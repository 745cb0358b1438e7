//! `gongshi import`: turn a report written in Word, WPS, PDF or plain text
//! into a gongshi report, its figures extracted and shown with their source.
//!
//! One stage per module, as in the rest of gongshi:
//! [`read`] (decode `.docx`, `.pdf`, `.txt`, `.md` into raw blocks) →
//! [`layout`] (title, outline, paragraphs, tables, signature) →
//! [`figures`] (the Chinese report grammar → schema keys) →
//! [`write`](mod@write) (front matter and Markdown, the review table).
//!
//! [`prepare`] does everything but writing and is pure (several files are
//! prepared in parallel); [`commit`] writes one prepared import, refusing to
//! overwrite unless asked to.

pub mod figures;
pub mod layout;
pub mod read;
pub mod write;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Problem};
use crate::discover::{self, CONTENT_DIR};
use crate::scaffold;
use crate::slug;

/// What the command line asks for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The township's folder name, when not taken from the document.
    pub township: Option<String>,
    /// The report year, when not taken from the title.
    pub year: Option<i32>,
    /// Replace an existing report.
    pub force: bool,
}

/// A file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Relative to the site root, `/`-separated.
    pub rel: String,
    /// Its text.
    pub text: String,
    /// Whether it replaces an existing file (only the report, with `--force`).
    pub replace: bool,
}

/// One document, read and turned into a report, not yet written.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The document, as given.
    pub source: PathBuf,
    /// What it was.
    pub format: read::Format,
    /// The legacy encoding a text file was decoded from.
    pub encoding: Option<&'static str>,
    /// The township's Chinese name.
    pub name: String,
    /// The township's folder name.
    pub slug: String,
    /// The report year.
    pub year: i32,
    /// The recovered layout.
    pub layout: layout::Layout,
    /// The figures found.
    pub extraction: figures::Extraction,
    /// The report to write.
    pub report: Output,
    /// The township profile, when the township has none yet.
    pub profile: Option<Output>,
    /// Reports for other years the text gives figures for (2022年…), when
    /// those reports do not exist yet.
    pub other_years: Vec<Output>,
    /// Other years whose report exists already (their figures are listed, not written).
    pub other_years_existing: Vec<String>,
    /// What `gongshi check` says of the new report (errors here are bugs of import).
    pub check: Vec<Diagnostic>,
}

/// Read and convert every file, in parallel; results in the order given.
pub fn prepare_all(
    files: &[PathBuf],
    root: &Path,
    config: &Config,
    options: &Options,
) -> Vec<Result<Imported, Diagnostic>> {
    files
        .par_iter()
        .map(|f| prepare(f, root, config, options))
        .collect()
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Read one document and turn it into a report (nothing is written).
pub fn prepare(
    path: &Path,
    root: &Path,
    config: &Config,
    options: &Options,
) -> Result<Imported, Diagnostic> {
    let file = display(path);
    let fail = |p: Problem| Diagnostic::file(p, file.clone());
    let decoded = read::read(path).map_err(fail)?;
    let layout = layout::layout(&decoded);
    if layout.nodes.is_empty() && layout.title.is_none() {
        return Err(fail(Problem::ImportNoText));
    }
    let title = layout.title.clone().unwrap_or_default();
    let year = options
        .year
        .or_else(|| year_in(&title))
        .ok_or_else(|| fail(Problem::ImportNoYear))?;
    let content = root.join(CONTENT_DIR);
    let name_in_text =
        township_in(&title).or_else(|| layout.issuer.as_deref().and_then(township_in));
    let (slug, name) = match &options.township {
        Some(s) => {
            if !slug::is_valid(s) || discover::slug_problem(s).is_some() {
                return Err(fail(Problem::BadSlug {
                    name: s.clone(),
                    suggestion: slug::propose(s),
                }));
            }
            match scaffold::find_existing(&content, s) {
                Some((slug, name)) => (slug, name),
                None => (
                    s.clone(),
                    name_in_text.ok_or_else(|| fail(Problem::ImportNoTownship))?,
                ),
            }
        }
        None => {
            let name = name_in_text.ok_or_else(|| fail(Problem::ImportNoTownship))?;
            match scaffold::find_existing(&content, &name) {
                Some((slug, name)) => (slug, name),
                None => {
                    let slug = slug::propose(&name)
                        .filter(|s| discover::slug_problem(s).is_none())
                        .ok_or_else(|| {
                            fail(Problem::BadSlug {
                                name: name.clone(),
                                suggestion: None,
                            })
                        })?;
                    (slug, name)
                }
            }
        }
    };
    let extraction = figures::extract(&layout.nodes, year, &config.schema);
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    let report_rel = format!("{CONTENT_DIR}/{slug}/{year}.md");
    let report_path = content.join(&slug).join(format!("{year}.md"));
    let report_text = write::report(&write::ReportInput {
        title: if title.is_empty() {
            format!("{name}{year}年度行政执法工作报告")
        } else {
            title.clone()
        },
        year,
        layout: &layout,
        figures: &extraction.figures,
        other_years: &extraction.other_years,
        slug: &slug,
        source_name: &source_name,
        schema: &config.schema,
    });
    let exists = report_path.exists();
    let report = Output {
        rel: report_rel.clone(),
        text: report_text,
        replace: exists,
    };
    let profile = (!content.join(&slug).join("_index.md").exists()).then(|| Output {
        rel: format!("{CONTENT_DIR}/{slug}/_index.md"),
        text: write::profile(config, &name, &layout, &extraction),
        replace: false,
    });
    let mut other_years = Vec::new();
    let mut other_years_existing = Vec::new();
    for (y, figs) in &extraction.other_years {
        if !figs.iter().any(|f| f.key().is_some() && f.doubt.is_none()) {
            continue;
        }
        let rel = format!("{CONTENT_DIR}/{slug}/{y}.md");
        if content.join(&slug).join(format!("{y}.md")).exists() {
            other_years_existing.push(rel);
        } else {
            let text = write::other_year(&name, *y, figs, &title, &config.schema);
            other_years.push(Output {
                rel,
                text,
                replace: false,
            });
        }
    }
    let check = check_text(&slug, year, &report.text, &report_rel, config);
    Ok(Imported {
        source: path.to_path_buf(),
        format: decoded.format,
        encoding: decoded.encoding,
        name,
        slug,
        year,
        layout,
        extraction,
        report,
        profile,
        other_years,
        other_years_existing,
        check,
    })
}

/// What `gongshi check` says of a report's text.
pub fn check_text(
    slug: &str,
    year: i32,
    text: &str,
    rel: &str,
    config: &Config,
) -> Vec<Diagnostic> {
    let source = crate::source::Text {
        text: std::sync::Arc::from(text),
        decoded_from: None,
    };
    crate::parse::report_text(slug, year, source, Vec::new(), rel, config).1
}

/// Write one prepared import; returns the files written, relative to `root`.
/// An existing report is replaced only with `force`; the profile and
/// other-year drafts are never overwritten.
pub fn commit(imported: &Imported, root: &Path, force: bool) -> Result<Vec<String>, Diagnostic> {
    let report_path = root.join(&imported.report.rel);
    if report_path.exists() && !force {
        return Err(Diagnostic::file(
            Problem::ImportExists {
                path: imported.report.rel.clone(),
            },
            display(&imported.source),
        ));
    }
    let io = |path: &Path, e: String| Diagnostic::file(Problem::Io { error: e }, display(path));
    let dir = root.join(CONTENT_DIR).join(&imported.slug);
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e.to_string()))?;
    let mut written = Vec::new();
    if let Some(p) = &imported.profile {
        let path = root.join(&p.rel);
        match scaffold::write_new(&path, &p.text) {
            Ok(()) => written.push(p.rel.clone()),
            // Created meanwhile (another file of the same township): keep it.
            Err(scaffold::NewError::Exists(_)) => {}
            Err(e) => return Err(io(&path, e.message(crate::i18n::Lang::En))),
        }
    }
    if report_path.exists() {
        // Replace atomically: a temporary file beside it, renamed over it.
        let tmp = report_path.with_extension("md.gongshi-import");
        std::fs::write(&tmp, imported.report.text.as_bytes())
            .and_then(|()| std::fs::rename(&tmp, &report_path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io(&report_path, e.to_string())
            })?;
    } else {
        scaffold::write_new(&report_path, &imported.report.text).map_err(|e| match e {
            scaffold::NewError::Exists(_) => Diagnostic::file(
                Problem::ImportExists {
                    path: imported.report.rel.clone(),
                },
                display(&imported.source),
            ),
            e => io(&report_path, e.message(crate::i18n::Lang::En)),
        })?;
    }
    written.push(imported.report.rel.clone());
    for o in &imported.other_years {
        let path = root.join(&o.rel);
        if scaffold::write_new(&path, &o.text).is_ok() {
            written.push(o.rel.clone());
        }
    }
    Ok(written)
}

/// The report year in a title: 辛口镇2025年度… → 2025.
pub fn year_in(title: &str) -> Option<i32> {
    let chars: Vec<char> = title
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            c => c,
        })
        .collect();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let window: String = chars.get(i..i + 4)?.iter().collect();
        let before_digit = i > 0 && chars.get(i - 1).is_some_and(char::is_ascii_digit);
        if !before_digit
            && window.chars().all(|c| c.is_ascii_digit())
            && chars.get(i + 4) == Some(&'年')
            && let Ok(y) = window.parse::<i32>()
            && (1990..=2100).contains(&y)
        {
            return Some(y);
        }
        i += 1;
    }
    None
}

/// The township named at the start of a title or signature: 辛口镇2025年度…
/// → 辛口镇; 张家窝镇人民政府 → 张家窝镇; 某某街道办事处 → 某某街道.
pub fn township_in(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t.strip_prefix("关于").unwrap_or(t);
    let mut best: Option<usize> = None;
    for suffix in ["街道", "镇", "乡"] {
        if let Some(at) = t.find(suffix) {
            let end = at + suffix.len();
            // The name is a few ideographs long and starts the text.
            let name = t.get(..end)?;
            let n = name.chars().count();
            if (2..=8).contains(&n) && name.chars().all(read::is_han) {
                best = Some(best.map_or(end, |b| b.min(end)));
            }
        }
    }
    best.and_then(|end| t.get(..end)).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_years_from_titles() {
        assert_eq!(year_in("辛口镇2025年度行政执法工作报告"), Some(2025));
        assert_eq!(year_in("关于2023年行政执法工作的报告"), Some(2023));
        assert_eq!(year_in("行政执法工作报告"), None);
        assert_eq!(
            township_in("辛口镇2025年度行政执法工作报告").as_deref(),
            Some("辛口镇")
        );
        assert_eq!(township_in("张家窝镇人民政府").as_deref(), Some("张家窝镇"));
        assert_eq!(
            township_in("杨柳青街道办事处").as_deref(),
            Some("杨柳青街道")
        );
        assert_eq!(township_in("2025年度行政执法工作报告"), None);
    }
}
