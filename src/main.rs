//! The `gongshi` command: parses arguments and calls the library.
//!
//! Exit codes: 0 success (warnings allowed), 1 content errors, 2 usage or I/O errors.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod serve;

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use gongshi::build::BuildError;
use gongshi::diagnostic::{self, Diagnostic, Severity};
use gongshi::i18n::Lang;
use gongshi::site::{LoadOptions, Site};

/// gongshi (公示) builds a township administrative-enforcement disclosure
/// website from Markdown reports with YAML front matter.
#[derive(Parser)]
#[command(name = "gongshi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output DIR).
    ///
    /// Every file in content/ is read and checked; if any has an error, nothing is
    /// written and every problem is listed. The output is replaced atomically:
    /// a failed build leaves the previous output as it was. Drafts (draft: true)
    /// are left out unless --drafts asks for a preview.
    ///
    /// Example: gongshi build --root my-site --base-url https://example.gov.cn/zhifa/
    Build {
        /// The site folder (holding gongshi.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: public/ in the site folder).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override the config's base_url (canonical URLs, feed, sitemap).
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts, marked as drafts on their pages: a preview, not for publishing.
        #[arg(long)]
        drafts: bool,
        /// Print only problems, no progress or summary.
        #[arg(long, short)]
        quiet: bool,
        /// Print how long each phase took.
        #[arg(long)]
        timings: bool,
        /// The status date (YYYY-MM-DD) disclosure is judged on. Default: the
        /// config's as_of, else SOURCE_DATE_EPOCH, else today in China Standard Time.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        as_of: Option<jiff::civil::Date>,
    },
    /// Run every check and write nothing.
    ///
    /// Drafts are checked too, and listed.
    ///
    /// Example: gongshi check --format json > problems.json
    Check {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The status date (YYYY-MM-DD) content dates are checked against.
        /// Default: the config's as_of, else SOURCE_DATE_EPOCH, else today in
        /// China Standard Time.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        as_of: Option<jiff::civil::Date>,
    },
    /// Preview the site: build it, serve it on this computer, and rebuild and
    /// reload the open pages whenever a file is saved.
    ///
    /// Problems in the content are printed here as `check` prints them and
    /// shown over every open page; the last good version stays served
    /// meanwhile. Nothing is written into the site folder.
    ///
    /// Example: gongshi serve --open
    Serve {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port (default 1111, or the next free one; 0 picks any free port).
        #[arg(long)]
        port: Option<u16>,
        /// The address to listen on. Anything but 127.0.0.1 or ::1 makes the
        /// preview visible to others on the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using the system's file events
        /// (for network shares and some virtual machines).
        #[arg(long)]
        poll: bool,
        /// Include drafts, marked as drafts on their pages.
        #[arg(long)]
        drafts: bool,
        /// The status date (YYYY-MM-DD). Default: the config's as_of, else
        /// SOURCE_DATE_EPOCH, else today in China Standard Time (read again
        /// at every rebuild, so a preview left running turns with the day).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        as_of: Option<jiff::civil::Date>,
    },
    /// Write a report skeleton for a township and year (and the township's
    /// _index.md if missing). Never overwrites.
    ///
    /// For a Chinese name the folder name is proposed in pinyin without the
    /// 镇/乡/街道 suffix (辛口镇 → xinkou); --slug chooses another. The
    /// skeleton is a draft (draft: true) until you remove that line.
    ///
    /// Example: gongshi new 辛口镇 2026
    New {
        /// The township's Chinese name (辛口镇), or the folder name of an existing township.
        township: String,
        /// The report year.
        year: String,
        /// The folder name to use instead of the proposed one.
        #[arg(long)]
        slug: Option<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Turn reports written in Word/WPS (.docx), PDF (with a text layer),
    /// plain text or Markdown into draft reports, figures extracted.
    ///
    /// Writes content/<township>/<year>.md with draft: true (and the
    /// township's _index.md if missing) and prints a review table: every
    /// figure with its metric, value, qualifier, unit and the sentence it
    /// comes from. Figures that need confirmation are written as comments.
    /// Several files are read in parallel. Never overwrites without --force.
    ///
    /// Example: gongshi import 辛口镇2025年度行政执法工作报告.docx
    Import {
        /// The documents (.docx, .pdf, .txt, .md).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The township's folder name (default: from the title or signature).
        #[arg(long)]
        township: Option<String>,
        /// The report year (default: from the title).
        #[arg(long)]
        year: Option<i32>,
        /// Print the review table and the Markdown; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace an existing report.
        #[arg(long)]
        force: bool,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new, empty site: gongshi.yaml (with comments) and content/.
    ///
    /// Refuses a folder that holds files. What is not given as an option is
    /// written with a default to change, or as a comment.
    ///
    /// Example: gongshi init my-site --title 西青区乡镇行政执法公示 --district 西青区
    Init {
        /// The folder to create the site in (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The site's title.
        #[arg(long)]
        title: Option<String>,
        /// Where the site will be published (https://…/).
        #[arg(long)]
        base_url: Option<String>,
        /// A district the townships belong to (repeat for several).
        #[arg(long = "district")]
        districts: Vec<String>,
        /// The site's language: zh-CN (default) or en.
        #[arg(long)]
        language: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Source lines with underlines and fixes.
    Human,
    /// One line per problem: file:line:column: message.
    Short,
    /// A JSON array of {code, severity, file, line, column, message, help}.
    Json,
}

const CONTENT_ERRORS: u8 = 1;
/// How many warnings a build prints (errors are always all printed).
const MAX_WARNINGS_SHOWN: usize = 20;
const USAGE_OR_IO: u8 = 2;

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let lang = cli_language(&args);
    if lang == Lang::Zh {
        // clap's own `help` command speaks English: `gongshi help build` is
        // `gongshi build --help`.
        if args.get(1).is_some_and(|a| a == "help") {
            args.remove(1);
            args.insert(args.len().min(2), OsString::from("--help"));
        }
    }
    let matches = match localized_command(lang).try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return usage_error(&e, lang),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(&e, lang),
    };
    // Read once per process: it fixes the status date when the config sets none.
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            quiet,
            timings,
            as_of,
        } => build(
            Options {
                root,
                base_url,
                drafts,
                epoch,
                as_of,
                lang,
            },
            output,
            (quiet, timings),
        ),
        Command::Check {
            root,
            format,
            as_of,
        } => check(
            Options {
                root,
                base_url: None,
                drafts: false,
                epoch,
                as_of,
                lang,
            },
            format,
        ),
        Command::Serve {
            root,
            port,
            bind,
            open,
            poll,
            drafts,
            as_of,
        } => serve::run(serve::Options {
            root,
            port,
            bind,
            open,
            poll,
            drafts,
            as_of,
            epoch,
        }),
        Command::New {
            township,
            year,
            slug,
            root,
        } => new(&root, &township, &year, slug.as_deref(), lang),
        Command::Import {
            files,
            township,
            year,
            dry_run,
            force,
            root,
        } => import(
            &root,
            &files,
            gongshi::import::Options {
                township,
                year,
                force,
            },
            dry_run,
        ),
        Command::Init {
            dir,
            title,
            base_url,
            districts,
            language,
        } => init(
            &dir,
            &gongshi::scaffold::InitOptions {
                title,
                base_url,
                districts,
                language,
            },
            lang,
        ),
    }
}

/// What `build` and `check` load.
struct Options {
    root: PathBuf,
    base_url: Option<String>,
    drafts: bool,
    epoch: Option<String>,
    /// `--as-of`: the status date, overriding every other source.
    as_of: Option<jiff::civil::Date>,
    /// The language of the command line (see [`cli_language`]).
    lang: Lang,
}

/// The language of the command line (help, usage errors, and messages
/// before a site is loaded): `GONGSHI_LANG` if set; else the system's
/// locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh…` is Chinese, another
/// language English); else, when the locale says nothing (unset, `C`,
/// `POSIX`), the language of the site being worked on (`--root`, or the
/// current folder); else Chinese. Once a site is loaded, its messages are
/// in the site's language.
fn cli_language(args: &[OsString]) -> Lang {
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
fn site_root(args: &[OsString]) -> PathBuf {
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
fn site_language(root: &Path) -> Option<Lang> {
    let text = gongshi::source::read_text(&root.join(gongshi::config::CONFIG_FILE)).ok()?;
    text.text
        .lines()
        .find_map(|l| l.strip_prefix("language:"))
        .map(|v| v.trim().trim_matches(['"', '\'']))
        .and_then(Lang::parse)
}

/// Help texts in Chinese, by command and argument; English is clap's,
/// from the doc comments above.
struct Texts {
    about: &'static str,
    long_about: &'static str,
    usage: &'static str,
    args: &'static [(&'static str, &'static str, Option<&'static str>)],
}

const ZH_COMMANDS: &[(&str, Texts)] = &[
    (
        "build",
        Texts {
            about: "生成网站，写入 public/（或 --output 指定的文件夹）",
            long_about: "生成网站，写入 public/（或 --output 指定的文件夹）。\n\n先读取并检查 content/ 中的每一个文件；只要有一个错误，就不写入任何文件，并列出全部问题。新的输出整体替换旧的：构建失败时，原有输出保持不变。草稿（draft: true）不会发布，除非用 --drafts 预览。\n\n示例：gongshi build --root 我的站点 --base-url https://example.gov.cn/zhifa/",
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
fn localized_command(lang: Lang) -> clap::Command {
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
fn usage_error(e: &clap::Error, lang: Lang) -> ExitCode {
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
fn zh_usage_error(e: &clap::Error) -> String {
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

/// `错误：…` or `error: …`.
fn error_line(lang: Lang, message: &str) -> String {
    match lang {
        Lang::Zh => format!("{}：{message}", Severity::Error.word(lang)),
        Lang::En => format!("{}: {message}", Severity::Error.word(lang)),
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_diagnostics(diags: &[Diagnostic], lang: Lang, format: Format) {
    match format {
        Format::Json => {
            let json = diagnostic::to_json(diags, lang);
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into())
            );
        }
        Format::Short => {
            for d in diags {
                eprintln!("{}", diagnostic::render_short(d, lang));
            }
        }
        Format::Human => {
            let color = color();
            for d in diags {
                eprintln!("{}", diagnostic::render_human(d, lang, color));
            }
        }
    }
}

/// `--as-of`: a real date written YYYY-MM-DD.
fn parse_as_of(text: &str) -> Result<jiff::civil::Date, String> {
    gongshi::yaml::parse_date(text)
        .ok_or_else(|| format!("“{text}” is not a real date written YYYY-MM-DD"))
}

/// The status date and where it came from, one line.
fn status_date_line(site: &Site) -> String {
    let lang = site.config.language;
    let source = site.as_of_source.describe(lang);
    match lang {
        Lang::Zh => format!("状态截至 {}（{source}）", site.as_of),
        Lang::En => format!("status as of {} ({source})", site.as_of),
    }
}

fn load(options: &Options) -> Result<Site, ExitCode> {
    let load = LoadOptions {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        source_date_epoch: options.epoch.clone(),
        drafts: options.drafts,
        as_of: options.as_of,
    };
    Site::load(&load).map_err(|e| {
        print_diagnostics(&[e.0], options.lang, Format::Human);
        ExitCode::from(USAGE_OR_IO)
    })
}

fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}

fn check(options: Options, format: Format) -> ExitCode {
    let site = match load(&options) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = site.config.language;
    print_diagnostics(&site.diagnostics, lang, format);
    let (errors, warnings) = counts(&site.diagnostics);
    if !matches!(format, Format::Json) {
        if !site.drafts.is_empty() {
            eprintln!(
                "{}",
                lang.pick(
                    "草稿（draft: true，不会发布；gongshi build --drafts 可以预览）：",
                    "drafts (draft: true; not published; preview them with gongshi build --drafts):"
                )
            );
            for d in &site.drafts {
                eprintln!("  {}", d.file);
            }
        }
        eprintln!("{}", status_date_line(&site));
        eprintln!(
            "{}",
            summary_check(
                errors,
                warnings,
                site.reports.len(),
                site.drafts.len(),
                lang
            )
        );
    }
    if errors > 0 {
        ExitCode::from(CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary_check(
    errors: usize,
    warnings: usize,
    reports: usize,
    drafts: usize,
    lang: Lang,
) -> String {
    match (lang, drafts) {
        (Lang::Zh, 0) => format!("检查完毕：{reports} 份报告，{errors} 个错误，{warnings} 条警告"),
        (Lang::Zh, d) => {
            format!("检查完毕：{reports} 份报告，{d} 份草稿，{errors} 个错误，{warnings} 条警告")
        }
        (Lang::En, 0) => {
            format!("checked: {reports} reports, {errors} errors, {warnings} warnings")
        }
        (Lang::En, d) => {
            format!("checked: {reports} reports, {d} drafts, {errors} errors, {warnings} warnings")
        }
    }
}

fn build(options: Options, output: Option<PathBuf>, (quiet, timings): (bool, bool)) -> ExitCode {
    let start = Instant::now();
    let output = output.unwrap_or_else(|| options.root.join("public"));
    let site = match load(&options) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if !quiet {
        eprintln!("{}", status_date_line(&site));
    }
    let loaded = start.elapsed();
    let lang = site.config.language;
    // Every error, but only the first warnings: `check` lists them all.
    let (errors, warnings) = counts(&site.diagnostics);
    let shown: Vec<Diagnostic> = site
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .chain(
            site.diagnostics
                .iter()
                .filter(|d| !d.is_error())
                .take(MAX_WARNINGS_SHOWN),
        )
        .cloned()
        .collect();
    print_diagnostics(&shown, lang, Format::Human);
    if warnings > MAX_WARNINGS_SHOWN {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "……另有 {} 条警告未显示；运行 gongshi check 查看全部",
                    warnings - MAX_WARNINGS_SHOWN
                ),
                Lang::En => format!(
                    "… and {} more warnings; run gongshi check to see them all",
                    warnings - MAX_WARNINGS_SHOWN
                ),
            }
        );
    }
    if errors > 0 {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "构建失败：{errors} 个错误，{warnings} 条警告；未写入任何文件，原有输出保持不变"
                ),
                Lang::En => format!(
                    "build failed: {errors} errors, {warnings} warnings; nothing was written and the previous output is untouched"
                ),
            }
        );
        return ExitCode::from(CONTENT_ERRORS);
    }

    // A progress bar on a terminal, only for builds longer than a second.
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(gongshi::build::page_count(&site) as u64),
        indicatif::ProgressDrawTarget::hidden(),
    );
    let shown = AtomicBool::new(false);
    let terminal = !quiet && std::io::stderr().is_terminal();
    let pause = test_pause();
    let paused = AtomicBool::new(false);
    let tick = || {
        bar.inc(1);
        if let Some((after, marker)) = &pause
            && bar.position() >= *after
            && !paused.swap(true, Ordering::Relaxed)
        {
            pause_here(marker);
        }
        if terminal
            && start.elapsed() > Duration::from_secs(1)
            && !shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    };
    // One build at a time per output: wait for another to finish.
    let lock = gongshi::write::OutputLock::acquire(&output, |held| {
        let who = held.pid.map(|p| p.to_string()).unwrap_or_default();
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "另一个 gongshi 构建（进程 {who}）正在写入 {}，等它完成后再继续……",
                    output.display()
                ),
                Lang::En => format!(
                    "another gongshi build (process {who}) is writing {}; waiting for it to finish…",
                    output.display()
                ),
            }
        );
    });
    let result = match lock {
        Ok(lock) => gongshi::build::build_locked(&site, &output, lock, &tick),
        Err(e) => Err(BuildError::Output(e)),
    };
    bar.finish_and_clear();
    match result {
        Ok(stats) => {
            if timings {
                eprintln!("  {:<24} {:>8.3} s", "load and check", loaded.as_secs_f64());
                for (phase, took) in &stats.phases {
                    eprintln!("  {phase:<24} {:>8.3} s", took.as_secs_f64());
                }
            }
            if !quiet {
                let secs = start.elapsed().as_secs_f64();
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "已生成 {} 个页面、{} 个文件，用时 {secs:.2} 秒，{warnings} 条警告 → {}",
                            stats.pages,
                            stats.files,
                            output.display()
                        ),
                        Lang::En => format!(
                            "built {} pages, {} files in {secs:.2} s, {warnings} warnings → {}",
                            stats.pages,
                            stats.files,
                            output.display()
                        ),
                    }
                );
                let drafts = site.drafts.len();
                if drafts > 0 && site.with_drafts {
                    eprintln!(
                        "{}",
                        match lang {
                            Lang::Zh => format!(
                                "本次输出包含 {drafts} 份草稿，页面上标有“草稿”：仅供预览，不要发布"
                            ),
                            Lang::En => format!(
                                "this output includes {drafts} drafts, marked as such: a preview, not for publishing"
                            ),
                        }
                    );
                } else if drafts > 0 {
                    eprintln!(
                        "{}",
                        match lang {
                            Lang::Zh => format!(
                                "跳过 {drafts} 份草稿（draft: true）；运行 gongshi check 查看清单，gongshi build --drafts 可以预览"
                            ),
                            Lang::En => format!(
                                "skipped {drafts} drafts (draft: true); gongshi check lists them, gongshi build --drafts previews them"
                            ),
                        }
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content) => ExitCode::from(CONTENT_ERRORS),
        Err(BuildError::Template(d)) => {
            print_diagnostics(&[*d], lang, Format::Human);
            ExitCode::from(CONTENT_ERRORS)
        }
        Err(BuildError::Output(e)) => {
            eprintln!("{}", error_line(lang, &e.to_string()));
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

/// A test-only pause point: with `GONGSHI_TEST_PAUSE_AFTER_PAGES=N` and
/// `GONGSHI_TEST_PAUSE_MARKER=path`, the build stops after writing N pages,
/// creates the marker file and sleeps, so a test can kill it mid-write and
/// check that the previous output survives.
fn test_pause() -> Option<(u64, PathBuf)> {
    let after = std::env::var("GONGSHI_TEST_PAUSE_AFTER_PAGES")
        .ok()?
        .parse()
        .ok()?;
    let marker = std::env::var_os("GONGSHI_TEST_PAUSE_MARKER")?;
    Some((after, PathBuf::from(marker)))
}

fn pause_here(marker: &std::path::Path) {
    let _ = std::fs::write(marker, b"paused");
    std::thread::sleep(Duration::from_secs(300));
}

fn new(root: &Path, township: &str, year: &str, slug: Option<&str>, lang: Lang) -> ExitCode {
    let (config, _) = match gongshi::config::load(root) {
        Ok(c) => c,
        Err(d) => {
            print_diagnostics(&[d], lang, Format::Human);
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let lang = config.language;
    match gongshi::scaffold::new_report(root, &config, township, year, slug) {
        Ok(created) => {
            for f in &created.files {
                eprintln!("{} {f}", lang.pick("已创建", "created"));
            }
            for g in &created.guesses {
                let others = g.others.join(lang.pick("、", ", "));
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "注意：文件夹名 {} 是按拼音推测的：“{}”读作 {}，但地名中也可能读 {others}。读音不对时，删除这个文件夹，再用 --slug 指定，例如：gongshi new {township} {year} --slug …",
                            created.slug, g.ch, g.used
                        ),
                        Lang::En => format!(
                            "note: the folder name {} is a guess from pinyin: “{}” is read {}, but place names may read it {others}. If that is wrong, remove the folder and give the name with --slug: gongshi new {township} {year} --slug …",
                            created.slug, g.ch, g.used
                        ),
                    }
                );
            }
            eprintln!(
                "{}",
                lang.pick(
                    "新报告是草稿（draft: true），填写完成、核对无误后删除这一行才会发布。",
                    "the new report is a draft (draft: true); remove that line once it is complete and checked, and it is published."
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", error_line(lang, &e.message(lang)));
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

fn import(
    root: &std::path::Path,
    files: &[PathBuf],
    options: gongshi::import::Options,
    dry_run: bool,
) -> ExitCode {
    let (config, _) = match gongshi::config::load(root) {
        Ok(c) => c,
        Err(d) => {
            print_diagnostics(&[d], Lang::Zh, Format::Human);
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let lang = config.language;
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let prepared = gongshi::import::prepare_all(files, root, &config, &options);
    let mut failed = false;
    let mut reports_this_run: Vec<String> = Vec::new();
    for result in prepared {
        let imported = match result {
            Ok(i) => i,
            Err(d) => {
                print_diagnostics(&[d], lang, Format::Human);
                failed = true;
                continue;
            }
        };
        println!(
            "{}",
            gongshi::import::write::review(&imported, &config.schema, lang, color)
        );
        // Two documents of one run for the same report: the first one wins.
        if reports_this_run.contains(&imported.report.rel) {
            let d = Diagnostic::file(
                gongshi::diagnostic::Problem::ImportExists {
                    path: imported.report.rel.clone(),
                },
                imported.source.display().to_string(),
            );
            print_diagnostics(&[d], lang, Format::Human);
            failed = true;
            continue;
        }
        reports_this_run.push(imported.report.rel.clone());
        let errors: Vec<Diagnostic> = imported
            .check
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        if !errors.is_empty() {
            print_diagnostics(&errors, lang, Format::Human);
        }
        if dry_run {
            println!("{}", imported.report.text);
            let would = std::iter::once(&imported.report)
                .chain(imported.profile.iter())
                .chain(imported.other_years.iter());
            for o in would {
                eprintln!(
                    "{} {}",
                    lang.pick(
                        "将写入（--dry-run，未写入）",
                        "would write (--dry-run, not written)"
                    ),
                    o.rel
                );
            }
            continue;
        }
        match gongshi::import::commit(&imported, root, options.force) {
            Ok(written) => {
                for f in written {
                    eprintln!("{} {f}", lang.pick("已写入", "wrote"));
                }
                for f in &imported.other_years_existing {
                    eprintln!(
                        "{}",
                        match lang {
                            Lang::Zh =>
                                format!("{f} 已存在，未改动；其他年度的数字列在新报告的注释中"),
                            Lang::En => format!(
                                "{f} exists and was left alone; the figures for that year are listed in the new report's comments"
                            ),
                        }
                    );
                }
            }
            Err(d) => {
                print_diagnostics(&[d], lang, Format::Human);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

fn init(dir: &Path, options: &gongshi::scaffold::InitOptions, lang: Lang) -> ExitCode {
    // The new site's language, if given, is the language of what follows.
    let lang = options
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(lang);
    match gongshi::scaffold::init_site(dir, options) {
        Ok(created) => {
            for f in &created.files {
                eprintln!(
                    "{} {}",
                    lang.pick("已创建", "created"),
                    dir.join(f).display()
                );
            }
            let root = dir.display();
            eprintln!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "\n下一步：\n  1. 打开 {root}/gongshi.yaml，核对网站标题、网址和所属的区\n  2. gongshi new 辛口镇 2025 --root {root}    为一个乡镇写第一份报告\n  3. gongshi build --root {root}               生成网站，打开 {root}/public/index.html 查看"
                    ),
                    Lang::En => format!(
                        "\nnext:\n  1. open {root}/gongshi.yaml and check the title, address and districts\n  2. gongshi new 辛口镇 2025 --root {root}    write a first report for a township\n  3. gongshi build --root {root}               build the site, then open {root}/public/index.html"
                    ),
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", error_line(lang, &e.message(lang)));
            ExitCode::from(USAGE_OR_IO)
        }
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

// A build allocates many small strings and values on several threads;
// mimalloc handles that markedly better than the system allocator
// (measured with bench/run.sh: see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
