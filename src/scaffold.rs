//! `gongshi new`: a report skeleton (and the township profile if missing).
//!
//! The skeleton lists every metric of the site's schema as a comment with
//! its label and unit, grouped as on the site, so an official fills in what
//! the report states and deletes nothing by mistake; and it carries the four
//! standard sections of an annual report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::discover::{self, CONTENT_DIR};
use crate::i18n::Lang;
use crate::model::Year;
use crate::schema::GroupId;
use crate::slug;

/// What `new` wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Created {
    /// Files written, relative to the site root.
    pub files: Vec<String>,
    /// The township's slug.
    pub slug: String,
}

/// Why `new` refused.
#[derive(Debug, PartialEq, Eq)]
pub enum NewError {
    /// The report already exists.
    Exists(String),
    /// A slug could not be proposed, or the given one is not valid.
    BadSlug(String),
    /// An ASCII slug was given for a township without a profile: its Chinese name is needed.
    NeedName(String),
    /// The year is not a plausible report year.
    BadYear(String),
    /// Writing failed.
    Io(String),
}

impl NewError {
    /// The message for people.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (NewError::Exists(p), Lang::Zh) => format!("{p} 已存在，不会覆盖"),
            (NewError::Exists(p), Lang::En) => format!("{p} already exists; not overwriting it"),
            (NewError::BadSlug(s), Lang::Zh) => {
                format!("无法使用“{s}”作文件夹名：只能用小写字母、数字和连字符；请用 --slug 指定")
            }
            (NewError::BadSlug(s), Lang::En) => format!(
                "“{s}” cannot be a folder name (lowercase letters, digits, hyphens); pass --slug"
            ),
            (NewError::NeedName(s), Lang::Zh) => format!(
                "乡镇 {s} 还没有简介；请写中文名称，例如：gongshi new 辛口镇 2025 --slug {s}"
            ),
            (NewError::NeedName(s), Lang::En) => format!(
                "the township {s} has no profile yet; give its Chinese name, e.g. gongshi new 辛口镇 2025 --slug {s}"
            ),
            (NewError::BadYear(y), Lang::Zh) => format!("“{y}”不是有效的年份"),
            (NewError::BadYear(y), Lang::En) => format!("“{y}” is not a valid year"),
            (NewError::Io(e), _) => e.clone(),
        }
    }
}

/// Create the skeleton for `township` (a Chinese name or an existing slug) and `year`.
pub fn new_report(
    root: &Path,
    config: &Config,
    township: &str,
    year: &str,
    slug_override: Option<&str>,
) -> Result<Created, NewError> {
    let year: Year =
        discover::parse_year(year.trim()).ok_or_else(|| NewError::BadYear(year.to_string()))?;
    let content = root.join(CONTENT_DIR);
    let township = township.trim();

    // An existing township, by slug or by the name in its profile?
    let existing = find_existing(&content, township);
    let (slug, name) = match (existing, slug_override) {
        (Some((slug, name)), None) => (slug, name),
        (existing, Some(s)) => {
            if !slug::is_valid(s) || discover::slug_problem(s).is_some() {
                return Err(NewError::BadSlug(s.to_string()));
            }
            let name = existing
                .map(|(_, n)| n)
                .or_else(|| (!slug::is_valid(township)).then(|| township.to_string()));
            let name = name.ok_or_else(|| NewError::NeedName(s.to_string()))?;
            (s.to_string(), name)
        }
        (None, None) => {
            if slug::is_valid(township) {
                return Err(NewError::NeedName(township.to_string()));
            }
            let s =
                slug::propose(township).ok_or_else(|| NewError::BadSlug(township.to_string()))?;
            if discover::slug_problem(&s).is_some() {
                return Err(NewError::BadSlug(s));
            }
            (s, township.to_string())
        }
    };

    let dir = content.join(&slug);
    let report_path = dir.join(format!("{year}.md"));
    let report_rel = format!("{CONTENT_DIR}/{slug}/{year}.md");
    if report_path.exists() {
        return Err(NewError::Exists(report_rel));
    }
    std::fs::create_dir_all(&dir).map_err(|e| NewError::Io(format!("{}: {e}", dir.display())))?;
    let mut created = Created {
        files: Vec::new(),
        slug: slug.clone(),
    };
    let index_path = dir.join("_index.md");
    if !index_path.exists() {
        write_new(&index_path, &profile_skeleton(config, &name))?;
        created
            .files
            .push(format!("{CONTENT_DIR}/{slug}/_index.md"));
    }
    write_new(&report_path, &report_skeleton(config, &name, year))?;
    created.files.push(report_rel);
    Ok(created)
}

/// Write a file that must not exist yet (never overwrite, even in a race).
fn write_new(path: &PathBuf, text: &str) -> Result<(), NewError> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(path.display().to_string()),
            _ => NewError::Io(format!("{}: {e}", path.display())),
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| NewError::Io(format!("{}: {e}", path.display())))
}

/// Find a township folder by slug, or by the `name:` in its profile.
fn find_existing(content: &Path, township: &str) -> Option<(String, String)> {
    let entries = std::fs::read_dir(content).ok()?;
    let mut dirs: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| Some((e.file_name().to_str()?.to_string(), e.path())))
        .collect();
    dirs.sort();
    for (slug, dir) in dirs {
        let name = crate::source::read_text(&dir.join("_index.md"))
            .ok()
            .and_then(|t| profile_name(&t.text));
        if slug == township || name.as_deref() == Some(township) {
            return Some((slug, name.unwrap_or_else(|| township.to_string())));
        }
    }
    None
}

/// The `name:` of a profile, read loosely (the profile may have other problems).
fn profile_name(text: &str) -> Option<String> {
    text.lines()
        .skip(1)
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix("name:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .filter(|v| !v.is_empty())
}

fn profile_skeleton(config: &Config, name: &str) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "name: {name}");
    match config.districts.as_slice() {
        [only] => {
            let _ = writeln!(s, "district: {only}");
        }
        _ => {
            let _ = writeln!(s, "# district: （所属区）");
        }
    }
    s.push_str(
        "# area_km2: （辖区面积，平方公里）\n# communities: （社区数）\n# villages: （村数）\n# population: （常住人口，可写“约15.7万”）\n# enforcement_body: （执法机构，如：综合执法大队）\n# contact:\n#   address: （公示联系地址）\n#   phone: （公示联系电话）\n---\n",
    );
    s
}

fn report_skeleton(config: &Config, name: &str, year: Year) -> String {
    let schema = &config.schema;
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {name}{year}年度行政执法工作报告");
    let _ = writeln!(s, "year: {year}");
    s.push_str("# published: YYYY-MM-DD   （原件载明的发布日期；原件未写日期则不要填写）\n");
    s.push_str("# period_end: YYYY-MM-DD  （统计截止日期，如 12-25；未载明则不填）\n");
    s.push_str("metrics:\n");
    s.push_str(
        "  # 只填写报告中载明的数字：没有发生写 0；没有该项职责写 无相关职责；未提及的保持注释。\n",
    );
    s.push_str(
        "  # 约数写 1100余 或 约15.7万；金额以元为单位（473240.6），也可写 7300元、150.5万元。\n",
    );
    let width = schema
        .metrics()
        .iter()
        .map(|m| m.key.len())
        .max()
        .unwrap_or(0);
    for (gi, g) in schema.groups().iter().enumerate() {
        let Ok(gid) = u16::try_from(gi).map(GroupId) else {
            continue;
        };
        let mut first = true;
        for (_, m) in schema.metrics_of(gid) {
            if first {
                let _ = writeln!(s, "  # —— {} ——", g.label);
                first = false;
            }
            let computed = match m.derive {
                crate::schema::Derive::Stated => "",
                crate::schema::Derive::Sum(_) => "；分项齐全时可不填，自动合计",
                crate::schema::Derive::Rate { .. } => "；有人数时自动计算",
            };
            let _ = writeln!(
                s,
                "  # {:<width$}   # {}（{}）{computed}",
                format!("{}:", m.key),
                m.label,
                m.unit,
                width = width + 1
            );
        }
    }
    s.push_str("# other_figures:   （指标表之外的数字）\n#   - label: 占路经营行为治理\n#     value: 1900余\n#     unit: 处\n---\n\n");
    for heading in [
        "一、基本情况",
        "二、主要工作措施及成效",
        "三、存在问题",
        "四、下一步工作安排",
    ] {
        let _ = writeln!(s, "## {heading}\n\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_builds_clean_once_filled() {
        let config = Config::builtin();
        let text = report_skeleton(&config, "辛口镇", 2025);
        assert!(text.contains("title: 辛口镇2025年度行政执法工作报告"));
        assert!(text.contains("# inspections:"));
        for h in [
            "## 一、基本情况",
            "## 二、主要工作措施及成效",
            "## 三、存在问题",
            "## 四、下一步工作安排",
        ] {
            assert!(text.contains(h), "{h}");
        }
        for m in config.schema.metrics() {
            assert!(text.contains(&format!("# {}:", m.key)), "{}", m.key);
        }
    }
}
