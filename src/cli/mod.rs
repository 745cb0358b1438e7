//! The command line: one file per command (`build.rs`, `check.rs`,
//! `serve/` …), its arguments (`args.rs`) and Chinese help (`help.rs`),
//! and everything it says in one table (`say.rs`). This file holds what
//! the commands share: loading a site, printing problems, exit codes.

pub(crate) mod args;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod help;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod say;
pub(crate) mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use gongshi::diagnostic::{self, Diagnostic, Severity};
use gongshi::i18n::Lang;
use gongshi::site::{LoadOptions, Site};

use args::Format;

pub(crate) const CONTENT_ERRORS: u8 = 1;

/// How many warnings a build prints (errors are always all printed).
pub(crate) const MAX_WARNINGS_SHOWN: usize = 20;

pub(crate) const USAGE_OR_IO: u8 = 2;

/// What `build` and `check` load.
pub(crate) struct Options {
    pub(crate) root: PathBuf,
    pub(crate) base_url: Option<String>,
    pub(crate) drafts: bool,
    pub(crate) epoch: Option<String>,
    /// `--as-of`: the status date, overriding every other source.
    pub(crate) as_of: Option<jiff::civil::Date>,
    /// The language of the command line (see [`cli_language`]).
    pub(crate) lang: Lang,
}

/// `错误：…` or `error: …`.
pub(crate) fn error_line(lang: Lang, message: &str) -> String {
    match lang {
        Lang::Zh => format!("{}：{message}", Severity::Error.word(lang)),
        Lang::En => format!("{}: {message}", Severity::Error.word(lang)),
    }
}

pub(crate) fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub(crate) fn print_diagnostics(diags: &[Diagnostic], lang: Lang, format: Format) {
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

/// The status date and where it came from, one line.
pub(crate) fn status_date_line(site: &Site) -> String {
    let lang = site.config.language;
    say::Say::StatusDate {
        date: site.as_of.to_string(),
        source: site.as_of_source.describe(lang),
    }
    .text(lang)
}

pub(crate) fn load_options(options: &Options) -> LoadOptions {
    LoadOptions {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        source_date_epoch: options.epoch.clone(),
        drafts: options.drafts,
        as_of: options.as_of,
    }
}

pub(crate) fn load(options: &Options) -> Result<Site, ExitCode> {
    Site::load(&load_options(options)).map_err(|e| {
        print_diagnostics(&[e.0], options.lang, Format::Human);
        ExitCode::from(USAGE_OR_IO)
    })
}

pub(crate) fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}
