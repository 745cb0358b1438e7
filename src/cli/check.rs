//! `gongshi check`.

use std::process::ExitCode;

use super::*;
use crate::cli::args::*;
use crate::cli::say::Say;

pub(crate) fn check(options: Options, format: Format) -> ExitCode {
    let site = match load(&options) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = site.config.language;
    print_diagnostics(&site.diagnostics, lang, format);
    let (errors, warnings) = counts(&site.diagnostics);
    if !matches!(format, Format::Json) {
        if !site.drafts.is_empty() {
            eprintln!("{}", Say::DraftsHeading.text(lang));
            for d in &site.drafts {
                eprintln!("  {}", d.file);
            }
        }
        eprintln!("{}", status_date_line(&site));
        eprintln!(
            "{}",
            Say::Checked {
                reports: site.reports.len(),
                drafts: site.drafts.len(),
                errors,
                warnings,
            }
            .text(lang)
        );
    }
    if errors > 0 {
        ExitCode::from(CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}
