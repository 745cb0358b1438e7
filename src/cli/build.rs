//! `gongshi build`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gongshi::build::BuildError;
use gongshi::diagnostic::Diagnostic;

use super::*;
use crate::cli::args::*;
use crate::cli::say::Say;

pub(crate) fn build(
    options: Options,
    output: Option<PathBuf>,
    (quiet, timings, full): (bool, bool, bool),
) -> ExitCode {
    let start = Instant::now();
    let lang = options.lang;
    let output = output.unwrap_or_else(|| options.root.join("public"));
    // One build at a time per output: wait for another to finish (before
    // reading the build cache it writes).
    let lock = gongshi::write::OutputLock::acquire(&output, |held| {
        let who = held.pid.map(|p| p.to_string()).unwrap_or_default();
        eprintln!(
            "{}",
            Say::Waiting {
                pid: who,
                output: output.display().to_string(),
            }
            .text(lang)
        );
    });
    let lock = match lock {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("{}", error_line(lang, &e.to_string()));
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let planned = match gongshi::build::plan(&load_options(&options), &output, &lock, full) {
        Ok(p) => p,
        Err(e) => {
            print_diagnostics(&[e.0], lang, Format::Human);
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let site = &planned.site;
    if !quiet {
        eprintln!("{}", status_date_line(site));
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
            Say::MoreWarnings(warnings - MAX_WARNINGS_SHOWN).text(lang)
        );
    }
    if errors > 0 {
        eprintln!("{}", Say::BuildFailed { errors, warnings }.text(lang));
        return ExitCode::from(CONTENT_ERRORS);
    }
    if planned.up_to_date() {
        if timings {
            eprintln!("  {:<24} {:>8.3} s", "load and check", loaded.as_secs_f64());
        }
        if !quiet {
            let secs = start.elapsed().as_secs_f64();
            let output = output.display().to_string();
            eprintln!(
                "{}",
                Say::UpToDate {
                    secs,
                    warnings,
                    output
                }
                .text(lang)
            );
        }
        return ExitCode::SUCCESS;
    }
    let read_again = planned.read_again();

    // A progress bar on a terminal, only for builds longer than a second.
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(gongshi::build::page_count(site) as u64),
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
    let drafts = (site.drafts.len(), site.with_drafts);
    let result = gongshi::build::build_planned(planned, &output, lock, &tick);
    bar.finish_and_clear();
    match result {
        Ok(stats) => {
            if timings {
                eprintln!("  {:<24} {:>8.3} s", "load and check", loaded.as_secs_f64());
                for (phase, took) in &stats.phases {
                    eprintln!("  {phase:<24} {:>8.3} s", took.as_secs_f64());
                }
                let reused = stats.reused;
                let written = stats.files.saturating_sub(reused);
                eprintln!("  {}", Say::Reused { written, reused }.text(lang));
            }
            if !quiet {
                let secs = start.elapsed().as_secs_f64();
                eprintln!(
                    "{}",
                    Say::Built {
                        pages: stats.pages,
                        files: stats.files,
                        secs,
                        warnings,
                        output: output.display().to_string(),
                    }
                    .text(lang)
                );
                if let Some(n) = read_again {
                    eprintln!("{}", Say::ReadAgain(n).text(lang));
                }
                let (drafts, with_drafts) = drafts;
                if drafts > 0 && with_drafts {
                    eprintln!("{}", Say::DraftsIncluded(drafts).text(lang));
                } else if drafts > 0 {
                    eprintln!("{}", Say::DraftsSkipped(drafts).text(lang));
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
pub(crate) fn test_pause() -> Option<(u64, PathBuf)> {
    let after = std::env::var("GONGSHI_TEST_PAUSE_AFTER_PAGES")
        .ok()?
        .parse()
        .ok()?;
    let marker = std::env::var_os("GONGSHI_TEST_PAUSE_MARKER")?;
    Some((after, PathBuf::from(marker)))
}

pub(crate) fn pause_here(marker: &std::path::Path) {
    let _ = std::fs::write(marker, b"paused");
    std::thread::sleep(Duration::from_secs(300));
}
