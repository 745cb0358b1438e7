//! `gongshi new`: a report skeleton (and the township profile if missing);
//! `gongshi init`: a new, empty site.
//!
//! The skeleton lists every metric of the site's schema as a comment with
//! its label and unit, grouped as on the site, so an official fills in what
//! the report states and deletes nothing by mistake; and it carries the four
//! standard sections of an annual report. It is a draft (`draft: true`), so
//! an untouched skeleton is never published as an official report.

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
    /// Characters of the township's name whose reading in the proposed
    /// slug is a guess (empty when the slug was given or already existed).
    pub guesses: Vec<slug::Guess>,
}

/// Why `new` refused.
#[derive(Debug, PartialEq, Eq)]
pub enum NewError {
    /// The report already exists.
    Exists(String),
    /// No slug could be proposed from the township's name.
    BadSlug(String),
    /// The `--slug` given is not a valid slug; with a slug proposed from it.
    BadSlugOption {
        /// As given.
        given: String,
        /// A valid slug made from it, if one can be.
        proposal: Option<String>,
    },
    /// The slug is one of the site's own folder names.
    ReservedSlug(String),
    /// `init` into a folder that holds files already.
    NotEmpty(String),
    /// An `init` option with a value that is not acceptable.
    BadOption {
        /// The option, e.g. `--base-url`.
        option: &'static str,
        /// As given.
        value: String,
    },
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
            (NewError::BadSlug(s), Lang::Zh) => format!(
                "无法由“{s}”生成文件夹名；请用 --slug 指定一个由小写字母、数字和连字符组成的名字，例如 --slug xinkou"
            ),
            (NewError::BadSlug(s), Lang::En) => format!(
                "no folder name can be made from “{s}”; give one with --slug (lowercase letters, digits and hyphens), e.g. --slug xinkou"
            ),
            (NewError::BadSlugOption { given, proposal }, Lang::Zh) => {
                let mut m = format!(
                    "--slug 的值“{given}”不能作文件夹名：文件夹名只能用小写字母、数字和连字符（-），乡镇的中文名写在第一个参数里"
                );
                if let Some(p) = proposal {
                    m.push_str(&format!("；可以写 --slug {p}"));
                }
                m
            }
            (NewError::BadSlugOption { given, proposal }, Lang::En) => {
                let mut m = format!(
                    "--slug “{given}” cannot be a folder name: use lowercase letters, digits and hyphens (the Chinese name is the first argument)"
                );
                if let Some(p) = proposal {
                    m.push_str(&format!("; for example --slug {p}"));
                }
                m
            }
            (NewError::ReservedSlug(s), Lang::Zh) => {
                format!(
                    "文件夹名“{s}”与网站自带的目录重名；请用 --slug 换一个，例如 --slug {s}-zhen"
                )
            }
            (NewError::ReservedSlug(s), Lang::En) => {
                format!(
                    "the folder name “{s}” is used by the site itself; choose another with --slug, e.g. --slug {s}-town"
                )
            }
            (NewError::NotEmpty(p), Lang::Zh) => format!(
                "{p} 不是空文件夹，gongshi init 不会在其中创建站点；请指定一个新的或空的文件夹"
            ),
            (NewError::NotEmpty(p), Lang::En) => format!(
                "{p} is not empty; gongshi init only creates a site in a new or empty folder"
            ),
            (NewError::BadOption { option, value }, Lang::Zh) => match *option {
                "--base-url" => format!(
                    "{option} 的值“{value}”不是完整的网址，应写成 https://example.gov.cn/zhifa/ 的形式"
                ),
                "--language" => format!("{option} 的值“{value}”不可用：可用 zh-CN 或 en"),
                _ => format!("{option} 的值“{value}”不可用"),
            },
            (NewError::BadOption { option, value }, Lang::En) => match *option {
                "--base-url" => format!(
                    "{option} “{value}” is not a full web address; write it like https://example.gov.cn/zhifa/"
                ),
                "--language" => format!("{option} “{value}” is not supported: use zh-CN or en"),
                _ => format!("{option} “{value}” is not allowed"),
            },
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
    let mut guesses = Vec::new();
    let (slug, name) = match (existing, slug_override) {
        (Some((slug, name)), None) => (slug, name),
        (existing, Some(s)) => {
            if !slug::is_valid(s) {
                return Err(NewError::BadSlugOption {
                    given: s.to_string(),
                    proposal: slug::propose(s).filter(|p| discover::slug_problem(p).is_none()),
                });
            }
            if discover::slug_problem(s).is_some() {
                return Err(NewError::ReservedSlug(s.to_string()));
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
            let (s, g) = slug::propose_with_guesses(township)
                .ok_or_else(|| NewError::BadSlug(township.to_string()))?;
            if discover::slug_problem(&s).is_some() {
                return Err(NewError::ReservedSlug(s));
            }
            guesses = g;
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
        guesses,
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

/// What `init` asks of a new site; each is optional, with a commented default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitOptions {
    /// The site title.
    pub title: Option<String>,
    /// The base URL.
    pub base_url: Option<String>,
    /// The districts townships belong to.
    pub districts: Vec<String>,
    /// The language (`zh-CN` or `en`).
    pub language: Option<String>,
}

/// Create a new, empty site in `dir` (created if missing): a commented
/// `gongshi.yaml`, an empty `content/`, and a `.gitignore` for the output.
/// Refuses a folder that holds anything but hidden files (`.git`).
pub fn init_site(dir: &Path, options: &InitOptions) -> Result<Created, NewError> {
    let language = match options.language.as_deref() {
        None => Lang::Zh,
        Some(l) => Lang::parse(l.trim()).ok_or_else(|| NewError::BadOption {
            option: "--language",
            value: l.to_string(),
        })?,
    };
    let base_url = match options.base_url.as_deref() {
        None => None,
        Some(u) => {
            Some(
                crate::config::normalize_base_url(u).ok_or_else(|| NewError::BadOption {
                    option: "--base-url",
                    value: u.to_string(),
                })?,
            )
        }
    };
    if dir.exists() {
        let entries =
            std::fs::read_dir(dir).map_err(|e| NewError::Io(format!("{}: {e}", dir.display())))?;
        let visible = entries
            .flatten()
            .any(|e| !e.file_name().to_string_lossy().starts_with('.'));
        if visible || !dir.is_dir() {
            return Err(NewError::NotEmpty(dir.display().to_string()));
        }
    }
    let content = dir.join(CONTENT_DIR);
    std::fs::create_dir_all(&content)
        .map_err(|e| NewError::Io(format!("{}: {e}", content.display())))?;
    let mut created = Created::default();
    write_new(
        &dir.join(crate::config::CONFIG_FILE),
        &config_skeleton(options, base_url.as_deref(), language),
    )?;
    created.files.push(crate::config::CONFIG_FILE.to_string());
    // Keeps the empty content/ folder in version control (hidden files are ignored).
    write_new(&content.join(".gitkeep"), "")?;
    created.files.push(format!("{CONTENT_DIR}/"));
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        write_new(
            &gitignore,
            "# gongshi's output and its working files\n/public/\n/.public.gongshi-*\n",
        )?;
        created.files.push(".gitignore".to_string());
    }
    Ok(created)
}

/// A YAML string: plain when that reads back as the same text, else quoted.
fn yaml_text(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~ ".contains(c) || c.is_ascii_digit())
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([' ', ':'])
        && !["true", "false", "null", "yes", "no"].contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn config_skeleton(options: &InitOptions, base_url: Option<&str>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &'static str, e: &'static str| if zh { z } else { e };
    let mut s = String::new();
    s.push_str(pick(
        "# gongshi 站点配置。以 # 开头的行是说明；去掉某一项行首的 # 即可启用它。\n# 全部配置项见 README 的 Configuration 一节。\n\n",
        "# gongshi site configuration. Lines starting with # are comments; remove the # before a setting to use it.\n# Every setting is described in the README (Configuration).\n\n",
    ));
    s.push_str(pick(
        "# 网站标题，显示在每一页的顶部\n",
        "# The site's title, at the top of every page\n",
    ));
    let title = options.title.clone().unwrap_or_else(|| {
        pick("行政执法公示", "Administrative enforcement disclosure").to_string()
    });
    let _ = writeln!(s, "title: {}", yaml_text(title.trim()));
    s.push_str(pick(
        "# 一句话介绍（用于搜索引擎和订阅源）\n# description: 本区各乡镇（街道）年度行政执法工作报告与执法数据的公开发布。\n",
        "# One sentence about the site (search engines, the feed)\n# description: Annual enforcement reports and figures of the townships.\n",
    ));
    match base_url {
        Some(u) => {
            s.push_str(pick(
                "# 网站正式发布的网址\n",
                "# Where the site is published\n",
            ));
            let _ = writeln!(s, "base_url: {}", yaml_text(u));
        }
        None => {
            s.push_str(pick(
                "# 网站正式发布的网址：请改成本单位的网址（用于规范链接、订阅源和网站地图）\n",
                "# Where the site is published: change it to your address (canonical links, feed, sitemap)\n",
            ));
            s.push_str("base_url: https://example.gov.cn/zhifa/\n");
        }
    }
    s.push_str(pick(
        "# 界面和提示信息的语言：zh-CN（中文）或 en（英文）\n",
        "# The language of the site and of gongshi's messages: zh-CN or en\n",
    ));
    let _ = writeln!(s, "language: {}", lang.tag());
    s.push_str(pick(
        "# 各乡镇（街道）所属的区；乡镇简介中的 district 必须是其中之一\n",
        "# The districts the townships belong to; a profile's district must be one of them\n",
    ));
    if options.districts.is_empty() {
        s.push_str(pick("# districts: [西青区]\n", "# districts: [Xiqing]\n"));
    } else {
        let list: Vec<String> = options
            .districts
            .iter()
            .map(|d| yaml_text(d.trim()))
            .collect();
        let _ = writeln!(s, "districts: [{}]", list.join(", "));
    }
    s.push_str(pick(
        "# 判断“按时公开”“逾期公开”所依据的日期；不写则为构建当天（也可用 SOURCE_DATE_EPOCH 指定）\n# as_of: 2026-02-01\n",
        "# The date disclosure status is judged at; by default the day of the build (SOURCE_DATE_EPOCH also sets it)\n# as_of: 2026-02-01\n",
    ));
    s.push_str(pick(
        "# 首页的主要指标和乡镇排名所依据的指标\n",
        "# The key figures of the home page, and the figure townships are ranked by\n",
    ));
    s.push_str("# key_metrics: [inspections, penalty_cases, fines_total, certified_officers]\n# rank_metric: inspections\n");
    s.push_str(pick(
        "# 可以公开的单位电话（如监督电话），不会被当作个人信息\n",
        "# Official numbers that may be published (a supervision hotline); not taken for personal data\n",
    ));
    s.push_str("# privacy:\n#   allow: [\"022-12345678\"]\n");
    s.push_str(pick(
        "# 政府网站页脚的信息：每一项只在填写后显示（下面是格式示例，请填写本站自己的）\n\
         # portal:\n\
         #   sponsor: 某某区人民政府                 # 主办单位\n\
         #   operator: 某某区司法局                  # 承办单位\n\
         #   contact: {address: 某某区某某路1号, phone: 022-12345678, email: zhifa@example.gov.cn}   # 联系我们\n\
         #   site_code: \"1201110001\"                # 网站标识码（10位数字）\n\
         #   icp_record: 津ICP备12345678号-1         # ICP备案号\n\
         #   police_record: 津公网安备 12011102000123号   # 公安机关备案号\n",
        "# What a government portal shows in its footer; each item only when set (examples of the form)\n\
         # portal:\n\
         #   sponsor: Xiqing District Government      # 主办单位\n\
         #   operator: Xiqing District Justice Bureau  # 承办单位\n\
         #   contact: {address: 1 Example Road, phone: 022-12345678, email: zhifa@example.gov.cn}\n\
         #   site_code: \"1201110001\"                  # 网站标识码 (ten digits)\n\
         #   icp_record: 津ICP备12345678号-1           # ICP 备案号\n\
         #   police_record: 津公网安备 12011102000123号  # 公安机关备案号\n",
    ));
    s
}

/// Write a file that must not exist yet (never overwrite, even in a race).
pub(crate) fn write_new(path: &PathBuf, text: &str) -> Result<(), NewError> {
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
pub(crate) fn find_existing(content: &Path, township: &str) -> Option<(String, String)> {
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

pub(crate) fn profile_skeleton(config: &Config, name: &str) -> String {
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
    s.push_str("# 草稿：不会发布。填写完成、核对无误后，删除下面这一行（或改为 draft: false）。\n");
    s.push_str("draft: true\n");
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
        assert!(text.contains("\ndraft: true\n"));
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
