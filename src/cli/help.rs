//! The command line in Chinese: help texts for every command and option,
//! usage errors with a Chinese line, and the choice of language
//! (`GONGSHI_LANG`, else the locale, else the site's `language:`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, CommandFactory};
use gongshi::i18n::Lang;

use super::*;
use crate::cli::args::*;

/// The language of the command line (help, usage errors, and messages
/// before a site is loaded): `GONGSHI_LANG` if set; else the system's
/// locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh…` is Chinese, another
/// language English); else, when the locale says nothing (unset, `C`,
/// `POSIX`), the language of the site being worked on (`--root`, or the
/// current folder); else Chinese. Once a site is loaded, its messages are
/// in the site's language.
pub(crate) fn cli_language(args: &[OsString]) -> Lang {
    let from_tag = |tag: &str| {
        let t = tag.trim().to_ascii_lowercase();
        if t.is_empty() || t == "c" || t == "posix" || t.starts_with("c.") {
            None
        } else if t.starts_with("zh") {
            Some(Lang::Zh)
        } else {
            Some(Lang::En)
        }
    };
    if let Some(l) = std::env::var("GONGSHI_LANG")
        .ok()
        .as_deref()
        .and_then(from_tag)
    {
        return l;
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            if let Some(l) = from_tag(&v) {
                return l;
            }
            break;
        }
    }
    site_language(&site_root(args)).unwrap_or(Lang::Zh)
}

/// The `--root` (or `init`'s folder) named on the command line, else `.`.
pub(crate) fn site_root(args: &[OsString]) -> PathBuf {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--root" {
            if let Some(v) = it.next() {
                return PathBuf::from(v);
            }
        } else if let Some(v) = a.strip_prefix("--root=") {
            return PathBuf::from(v);
        }
    }
    PathBuf::from(".")
}

/// The `language:` of the site at `root`, read loosely (the config may have
/// other problems; they are reported later).
pub(crate) fn site_language(root: &Path) -> Option<Lang> {
    let text = gongshi::source::read_text(&root.join(gongshi::config::CONFIG_FILE)).ok()?;
    text.text
        .lines()
        .find_map(|l| l.strip_prefix("language:"))
        .map(|v| v.trim().trim_matches(['"', '\'']))
        .and_then(Lang::parse)
}

/// Help texts in Chinese, by command and argument; English is clap's,
/// from the doc comments above.
pub(crate) struct Texts {
    about: &'static str,
    long_about: &'static str,
    usage: &'static str,
    args: &'static [(&'static str, &'static str, Option<&'static str>)],
}

pub(crate) const ZH_COMMANDS: &[(&str, Texts)] = &[
    (
        "build",
        Texts {
            about: "生成网站，写入 public/（或 --output 指定的文件夹）",
            long_about: "生成网站，写入 public/（或 --output 指定的文件夹）。\n\n先读取并检查 content/ 中的每一个文件；只要有一个错误，就不写入任何文件，并列出全部问题。新的输出整体替换旧的：构建失败时，原有输出保持不变。草稿（draft: true）不会发布，除非用 --drafts 预览。每次构建只重新读取和生成上次构建以来改动的部分（记录在输出文件夹旁的 .public.gongshi-cache 中）；--full 全部重新生成。\n\n示例：gongshi build --root 我的站点 --base-url https://example.gov.cn/zhifa/",
            usage: "gongshi build [选项]",
            args: &[
                (
                    "root",
                    "站点文件夹（包含 gongshi.yaml 和 content/；默认：当前文件夹）",
                    Some("目录"),
                ),
                (
                    "output",
                    "输出到哪个文件夹（默认：站点文件夹中的 public/）",
                    Some("目录"),
                ),
                (
                    "base_url",
                    "临时替换配置中的 base_url（规范链接、订阅源、网站地图）",
                    Some("网址"),
                ),
                (
                    "drafts",
                    "包含草稿，并在页面上标明“草稿”：仅供预览，不要发布",
                    None,
                ),
                (
                    "as_of",
                    "状态日期（判断是否按时公开的日期）；默认依次取配置中的 as_of、环境变量 SOURCE_DATE_EPOCH、构建当日（北京时间）",
                    Some("年-月-日"),
                ),
                ("quiet", "只显示问题，不显示进度和汇总", None),
                ("timings", "显示每个阶段的用时", None),
                (
                    "full",
                    "全部重新读取和生成，不沿用上次构建的结果（默认只处理上次构建以来改动的部分）",
                    None,
                ),
            ],
        },
    ),
    (
        "check",
        Texts {
            about: "检查全部内容，不写入任何文件",
            long_about: "检查全部内容，不写入任何文件。草稿也会检查，并列出清单。\n\n示例：gongshi check --format json > problems.json",
            usage: "gongshi check [选项]",
            args: &[
                ("root", "站点文件夹（默认：当前文件夹）", Some("目录")),
                (
                    "format",
                    "问题的显示方式：human（默认，显示出错的行和修改建议）、short（每个问题一行）、json（供其他程序读取）",
                    Some("格式"),
                ),
                (
                    "as_of",
                    "状态日期（判断是否按时公开的日期）；默认依次取配置中的 as_of、环境变量 SOURCE_DATE_EPOCH、构建当日（北京时间）",
                    Some("年-月-日"),
                ),
            ],
        },
    ),
    (
        "serve",
        Texts {
            about: "预览网站：生成网站并在本机提供访问，保存文件后自动重新生成并刷新已打开的页面",
            long_about: "预览网站：生成网站并在本机提供访问，保存文件后自动重新生成并刷新已打开的页面。\n\n内容中的问题会像 gongshi check 一样显示在这里，并覆盖显示在每个打开的页面上；问题改正之前，继续显示上一次成功生成的版本。预览不会在站点文件夹中写入任何文件。\n\n示例：gongshi serve --open",
            usage: "gongshi serve [选项]",
            args: &[
                ("root", "站点文件夹（默认：当前文件夹）", Some("目录")),
                (
                    "port",
                    "端口（默认 1111，被占用时依次尝试后面的端口；0 表示任选一个空闲端口）",
                    Some("端口"),
                ),
                (
                    "bind",
                    "监听的地址（默认 127.0.0.1，只有本机能访问；其他地址会让同一网络中的人也能看到预览）",
                    Some("地址"),
                ),
                ("open", "在默认浏览器中打开网站", None),
                (
                    "poll",
                    "定时检查文件变化，而不是依靠系统通知（用于网络共享文件夹和部分虚拟机）",
                    None,
                ),
                ("drafts", "包含草稿，并在页面上标明“草稿”", None),
                ("timings", "显示每次重新生成时各个步骤的用时", None),
                (
                    "as_of",
                    "状态日期（判断是否按时公开的日期）；默认依次取配置中的 as_of、环境变量 SOURCE_DATE_EPOCH、当日（北京时间，每次重新生成时重新读取）",
                    Some("年-月-日"),
                ),
            ],
        },
    ),
    (
        "new",
        Texts {
            about: "为一个乡镇和年度生成报告框架（乡镇没有简介时一并生成 _index.md），不覆盖已有文件",
            long_about: "为一个乡镇和年度生成报告框架（乡镇没有简介时一并生成 _index.md），不覆盖已有文件。\n\n中文名的文件夹名取拼音并去掉“镇/乡/街道”（辛口镇 → xinkou）；读音不对时用 --slug 指定。新报告是草稿（draft: true），删除这一行后才会发布。\n\n示例：gongshi new 辛口镇 2026",
            usage: "gongshi new <乡镇> <年份> [选项]",
            args: &[
                (
                    "township",
                    "乡镇（街道）的中文名（如 辛口镇），或已有乡镇的文件夹名",
                    Some("乡镇"),
                ),
                ("year", "报告年份", Some("年份")),
                (
                    "slug",
                    "使用这个文件夹名，而不是自动生成的拼音",
                    Some("文件夹名"),
                ),
                ("root", "站点文件夹（默认：当前文件夹）", Some("目录")),
            ],
        },
    ),
    (
        "import",
        Texts {
            about: "把 Word/WPS（.docx）、PDF（有文字层）、纯文本或 Markdown 写成的报告导入为草稿，并提取其中的数字",
            long_about: "把 Word/WPS（.docx）、PDF（有文字层）、纯文本或 Markdown 写成的报告导入为草稿，并提取其中的数字。\n\n写入 content/<乡镇>/<年份>.md（draft: true；乡镇没有简介时一并生成 _index.md），并列出核对表：每个数字对应的指标、数值、限定词（余/以上/约）、单位和出处原句。需要确认的数字写成注释，不会直接填入。多个文件并行读取。没有 --force 时不覆盖已有报告。\n\n示例：gongshi import 辛口镇2025年度行政执法工作报告.docx",
            usage: "gongshi import <文件>... [选项]",
            args: &[
                (
                    "files",
                    "要导入的文件（.docx、.pdf、.txt、.md）",
                    Some("文件"),
                ),
                (
                    "township",
                    "乡镇的文件夹名（默认：从标题或落款中读取）",
                    Some("文件夹名"),
                ),
                ("year", "报告年份（默认：从标题中读取）", Some("年份")),
                ("dry_run", "只显示核对表和导入结果，不写入任何文件", None),
                ("force", "覆盖已有的报告", None),
                ("root", "站点文件夹（默认：当前文件夹）", Some("目录")),
            ],
        },
    ),
    (
        "init",
        Texts {
            about: "新建一个空站点：带说明的 gongshi.yaml 和 content/ 文件夹",
            long_about: "新建一个空站点：带说明的 gongshi.yaml 和 content/ 文件夹。\n\n只在新的或空的文件夹中创建。没有用选项给出的设置会写上默认值或注释，之后可以修改。\n\n示例：gongshi init 我的站点 --title 西青区乡镇行政执法公示 --district 西青区",
            usage: "gongshi init [目录] [选项]",
            args: &[
                (
                    "dir",
                    "在哪个文件夹中新建站点（默认：当前文件夹）",
                    Some("目录"),
                ),
                ("title", "网站标题", Some("标题")),
                ("base_url", "网站正式发布的网址（https://…/）", Some("网址")),
                ("districts", "乡镇所属的区（可重复，写多个）", Some("区")),
                ("language", "网站语言：zh-CN（默认）或 en", Some("语言")),
            ],
        },
    ),
];

/// The command line, its help in `lang`.
pub(crate) fn localized_command(lang: Lang) -> clap::Command {
    let cmd = Cli::command();
    if lang == Lang::En {
        return cmd;
    }
    let help_arg = || {
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help("显示帮助")
            .help_heading("选项")
    };
    let template = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";
    let mut cmd = cmd
        .about("gongshi（公示）：把乡镇行政执法年度报告（Markdown 正文和 YAML 数据）生成为公示网站")
        .help_template(template)
        .override_usage("gongshi <命令>")
        .subcommand_help_heading("命令")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(help_arg())
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        )
        .after_help(
            "运行 gongshi <命令> --help（或 gongshi help <命令>）查看每个命令的说明和示例。",
        );
    for (name, texts) in ZH_COMMANDS {
        cmd = cmd.mut_subcommand(*name, |mut sub| {
            sub = sub
                .about(texts.about)
                .long_about(texts.long_about)
                .help_template(template)
                .override_usage(texts.usage)
                .disable_help_flag(true)
                .arg(help_arg());
            for (id, help, value) in texts.args {
                sub = sub.mut_arg(*id, |a| {
                    // Values and defaults are said in the Chinese help text.
                    let heading = if a.is_positional() {
                        "参数"
                    } else {
                        "选项"
                    };
                    let a = a.help(*help).help_heading(heading);
                    match value {
                        Some(v) => a
                            .value_name(*v)
                            .hide_possible_values(true)
                            .hide_default_value(true),
                        None => a,
                    }
                });
            }
            sub
        });
    }
    cmd
}

/// Print a usage error (with a Chinese line first on a Chinese command
/// line), or the help and version clap was asked for.
pub(crate) fn usage_error(e: &clap::Error, lang: Lang) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand
    ) {
        if lang == Lang::Zh {
            eprintln!("错误：缺少命令。");
        }
        let _ = e.print();
        return ExitCode::from(USAGE_OR_IO);
    }
    if lang == Lang::Zh {
        eprintln!("{}", zh_usage_error(e));
        eprintln!();
    }
    let _ = e.print();
    ExitCode::from(USAGE_OR_IO)
}

/// One Chinese sentence for a clap usage error, with clap's suggestion.
pub(crate) fn zh_usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let suggestion = get(ContextKind::SuggestedSubcommand)
        .or_else(|| get(ContextKind::SuggestedArg))
        .or_else(|| get(ContextKind::SuggestedValue))
        .map(|s| format!("是不是想写“{s}”？"))
        .unwrap_or_default();
    let commands = "build（生成网站）、check（检查）、new（新建报告）、init（新建站点）";
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "错误：没有“{}”这个命令。{suggestion}可用的命令：{commands}。",
            get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => format!(
            "错误：无法识别的选项或参数“{arg}”。{suggestion}运行 gongshi <命令> --help 查看可用的选项。"
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("错误：缺少必须填写的参数：{arg}。运行 gongshi <命令> --help 查看用法和示例。")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = get(ContextKind::ValidValue)
                .map(|v| format!("可用的值：{v}。"))
                .unwrap_or_default();
            format!("错误：{arg} 的值“{value}”不可用。{suggestion}{valid}")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("错误：{arg} 的值的个数不对。")
        }
        ErrorKind::ArgumentConflict => format!("错误：{arg} 不能和其他选项同时使用。"),
        ErrorKind::NoEquals => format!("错误：{arg} 的值要用等号写在后面，如 {arg}=…。"),
        ErrorKind::InvalidUtf8 => "错误：参数中有无法识别的字符（不是 UTF-8）。".into(),
        _ => "错误：命令行参数有误。运行 gongshi --help 查看用法。".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and every option has its Chinese help text: a new
    /// option without one would show English to an official.
    #[test]
    fn every_command_and_option_is_explained_in_chinese() {
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            let name = sub.get_name();
            let texts = ZH_COMMANDS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t)
                .unwrap_or_else(|| panic!("no Chinese help for the command {name}"));
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                assert!(
                    texts.args.iter().any(|(a, _, _)| *a == id),
                    "no Chinese help for {name} --{id} (add it to ZH_COMMANDS)"
                );
            }
        }
    }
}
