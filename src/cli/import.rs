//! `gongshi import`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use gongshi::diagnostic::Diagnostic;
use gongshi::i18n::Lang;

use super::*;
use crate::cli::args::*;
use crate::cli::say::Say;

pub(crate) fn import(
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
                eprintln!("{} {}", Say::WouldWrite.text(lang), o.rel);
            }
            continue;
        }
        match gongshi::import::commit(&imported, root, options.force) {
            Ok(written) => {
                for f in written {
                    eprintln!("{} {f}", Say::Wrote.text(lang));
                }
                for f in &imported.other_years_existing {
                    eprintln!("{}", Say::OtherYearExists(f).text(lang));
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
