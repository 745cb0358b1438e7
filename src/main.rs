//! The `gongshi` command: parses its arguments and calls the library
//! through one module per command (`src/cli/`).
//!
//! Exit codes: 0 success (warnings allowed), 1 content errors, 2 usage or I/O errors.

mod cli;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::FromArgMatches;
use gongshi::i18n::Lang;

use cli::Options;
use cli::args::{Cli, Command};
use cli::build::build;
use cli::check::check;
use cli::help::{cli_language, localized_command, usage_error};
use cli::import::import;
use cli::init::init;
use cli::new::new;
use cli::serve;

fn main() -> ExitCode {
    // mimalloc asks for transparent huge pages for its arenas; a build's
    // many short-lived page buffers then cost the kernel zeroing and
    // compacting 2 MiB pages (about 0.6 s of system time of 8 s at 10,000
    // reports, measured with `perf record`). Ordinary pages serve better.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
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
            full,
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
            (quiet, timings, full),
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
            timings,
            as_of,
        } => serve::run(serve::Options {
            root,
            port,
            bind,
            open,
            poll,
            drafts,
            timings,
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

// A build allocates many small strings and values on several threads;
// mimalloc handles that markedly better than the system allocator
// (measured with bench/run.sh: see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
