//! The command line's arguments (clap), with the English help from the doc
//! comments; `help.rs` gives them in Chinese.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// gongshi (公示) builds a township administrative-enforcement disclosure
/// website from Markdown reports with YAML front matter.
#[derive(Parser)]
#[command(name = "gongshi", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Build the site into public/ (or --output DIR).
    ///
    /// Every file in content/ is read and checked; if any has an error, nothing is
    /// written and every problem is listed. The output is replaced atomically:
    /// a failed build leaves the previous output as it was. Drafts (draft: true)
    /// are left out unless --drafts asks for a preview. A build reads and renders
    /// again only what changed since the last one (kept in .public.gongshi-cache
    /// beside the output); --full renders everything.
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
        /// Read and render everything, ignoring what the last build left
        /// (by default only what changed since is read and rendered again).
        #[arg(long)]
        full: bool,
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
        /// Print how long each step of every rebuild took.
        #[arg(long)]
        timings: bool,
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
pub(crate) enum Format {
    /// Source lines with underlines and fixes.
    Human,
    /// One line per problem: file:line:column: message.
    Short,
    /// A JSON array of {code, severity, file, line, column, message, help}.
    Json,
}

/// `--as-of`: a real date written YYYY-MM-DD.
pub(crate) fn parse_as_of(text: &str) -> Result<jiff::civil::Date, String> {
    gongshi::yaml::parse_date(text)
        .ok_or_else(|| format!("“{text}” is not a real date written YYYY-MM-DD"))
}
