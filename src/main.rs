//! The `gongshi` command: parses arguments and calls the library.
//!
//! Exit codes: 0 success (warnings allowed), 1 content errors, 2 usage or I/O errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use gongshi::diagnostic::{self, Diagnostic, Severity};
use gongshi::i18n::Lang;
use gongshi::site::{BuildError, LoadOptions, Site};

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
    /// a failed build leaves the previous output as it was.
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
        /// Print only problems, no progress or summary.
        #[arg(long, short)]
        quiet: bool,
        /// Print how long each phase took.
        #[arg(long)]
        timings: bool,
    },
    /// Run every check and write nothing.
    ///
    /// Example: gongshi check --format json > problems.json
    Check {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
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
    },
    /// Write a report skeleton for a township and year (and the township's
    /// _index.md if missing). Never overwrites.
    ///
    /// For a Chinese name the folder name is proposed in pinyin without the
    /// 镇/乡/街道 suffix (辛口镇 → xinkou); --slug chooses another.
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
    let cli = Cli::parse();
    // Read once per process: it fixes the status date when the config sets none.
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            quiet,
            timings,
        } => build(root, output, base_url, (quiet, timings), epoch),
        Command::Check { root, format } => check(root, format, epoch),
        Command::Serve {
            root,
            port,
            bind,
            open,
            poll,
        } => serve::run(serve::Options {
            root,
            port,
            bind,
            open,
            poll,
            epoch,
        }),
        Command::New {
            township,
            year,
            slug,
            root,
        } => new(&root, &township, &year, slug.as_deref()),
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

fn load(root: PathBuf, base_url: Option<String>, epoch: Option<String>) -> Result<Site, ExitCode> {
    let options = LoadOptions {
        root,
        base_url,
        source_date_epoch: epoch,
    };
    Site::load(&options).map_err(|e| {
        print_diagnostics(&[e.0], Lang::Zh, Format::Human);
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

fn check(root: PathBuf, format: Format, epoch: Option<String>) -> ExitCode {
    let site = match load(root, None, epoch) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = site.config.language;
    print_diagnostics(&site.diagnostics, lang, format);
    let (errors, warnings) = counts(&site.diagnostics);
    if !matches!(format, Format::Json) {
        eprintln!(
            "{}",
            summary_check(errors, warnings, site.reports.len(), lang)
        );
    }
    if errors > 0 {
        ExitCode::from(CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary_check(errors: usize, warnings: usize, reports: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("检查完毕：{reports} 份报告，{errors} 个错误，{warnings} 条警告"),
        Lang::En => format!("checked: {reports} reports, {errors} errors, {warnings} warnings"),
    }
}

fn build(
    root: PathBuf,
    output: Option<PathBuf>,
    base_url: Option<String>,
    (quiet, timings): (bool, bool),
    epoch: Option<String>,
) -> ExitCode {
    let start = Instant::now();
    let output = output.unwrap_or_else(|| root.join("public"));
    let site = match load(root, base_url, epoch) {
        Ok(s) => s,
        Err(code) => return code,
    };
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
        Some(site.page_count() as u64),
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
    let result = site.build(&output, &tick);
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
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content) => ExitCode::from(CONTENT_ERRORS),
        Err(BuildError::Template(d)) => {
            print_diagnostics(&[*d], lang, Format::Human);
            ExitCode::from(CONTENT_ERRORS)
        }
        Err(BuildError::Output(e)) => {
            eprintln!("{}: {e}", Severity::Error.word(lang));
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

fn new(root: &std::path::Path, township: &str, year: &str, slug: Option<&str>) -> ExitCode {
    let (config, _) = match gongshi::config::load(root) {
        Ok(c) => c,
        Err(d) => {
            print_diagnostics(&[d], Lang::Zh, Format::Human);
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let lang = config.language;
    match gongshi::scaffold::new_report(root, &config, township, year, slug) {
        Ok(created) => {
            for f in &created.files {
                eprintln!("{} {f}", lang.pick("已创建", "created"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {}", Severity::Error.word(lang), e.message(lang));
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

// A build allocates many small strings and values on several threads;
// mimalloc handles that markedly better than the system allocator
// (measured with bench/run.sh: see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
