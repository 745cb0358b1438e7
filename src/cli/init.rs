//! `gongshi init`.

use std::path::Path;
use std::process::ExitCode;

use gongshi::i18n::Lang;

use super::*;
use crate::cli::say::Say;

pub(crate) fn init(dir: &Path, options: &gongshi::scaffold::InitOptions, lang: Lang) -> ExitCode {
    // The new site's language, if given, is the language of what follows.
    let lang = options
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(lang);
    match gongshi::scaffold::init_site(dir, options) {
        Ok(created) => {
            for f in &created.files {
                eprintln!("{} {}", Say::Created.text(lang), dir.join(f).display());
            }
            eprintln!("{}", Say::InitNext(&dir.display().to_string()).text(lang));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", error_line(lang, &e.message(lang)));
            ExitCode::from(USAGE_OR_IO)
        }
    }
}
