//! `gongshi new`.

use std::path::Path;
use std::process::ExitCode;

use gongshi::i18n::Lang;

use super::*;
use crate::cli::args::*;
use crate::cli::say::Say;

pub(crate) fn new(
    root: &Path,
    township: &str,
    year: &str,
    slug: Option<&str>,
    lang: Lang,
) -> ExitCode {
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
                eprintln!("{} {f}", Say::Created.text(lang));
            }
            for g in &created.guesses {
                eprintln!(
                    "{}",
                    Say::SlugGuess {
                        slug: &created.slug,
                        ch: g.ch,
                        used: g.used,
                        others: &g.others,
                        township,
                        year,
                    }
                    .text(lang)
                );
            }
            eprintln!("{}", Say::NewIsDraft.text(lang));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", error_line(lang, &e.message(lang)));
            ExitCode::from(USAGE_OR_IO)
        }
    }
}
