//! `gongshi serve`: build the site, serve it on loopback, watch the sources
//! and rebuild on every change, reloading the open pages.
//!
//! This module belongs to the command line, not the library: the library
//! knows how to load and render a site; here live the watching
//! ([`watch`]), the decision of what to rebuild, and the HTTP server
//! ([`http`]). The served site is kept in memory, so serving never writes
//! into the site folder (no staging folder can be left behind) and a
//! request always sees one complete build.

mod http;
mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use gongshi::diagnostic::{Diagnostic, Severity};
use gongshi::i18n::Lang;
use gongshi::preview::{Preview, Updated};
use gongshi::site::LoadOptions;

use crate::cli::say::Say;

use http::{Change, Item, Problems, Published, Shared};

/// What `gongshi serve` was asked for.
pub struct Options {
    /// The site folder.
    pub root: PathBuf,
    /// The port; `None` for the default (1111, or the next free one).
    pub port: Option<u16>,
    /// The address to listen on.
    pub bind: IpAddr,
    /// Open the site in a browser.
    pub open: bool,
    /// Poll the file system instead of native events.
    pub poll: bool,
    /// Include drafts (marked on their pages).
    pub drafts: bool,
    /// Print how long each step of every rebuild took.
    pub timings: bool,
    /// `--as-of`: the status date, overriding every other source.
    pub as_of: Option<jiff::civil::Date>,
    /// The value of `SOURCE_DATE_EPOCH`, if set.
    pub epoch: Option<String>,
}

const DEFAULT_PORT: u16 = 1111;
/// At most this many problems are listed over each page.
const OVERLAY_ITEMS: usize = 30;
/// At most this many warnings are printed (errors are always all printed).
const WARNINGS_PRINTED: usize = 20;
/// Without `--port`, how many ports after the default to try.
const PORTS_TO_TRY: u16 = 10;
const USAGE_OR_IO: u8 = 2;

/// Run the preview server until Ctrl-C.
pub fn run(options: Options) -> ExitCode {
    // Watched paths come back absolute: compare them with an absolute root.
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let load = LoadOptions {
        root: root.clone(),
        base_url: None,
        source_date_epoch: options.epoch.clone(),
        as_of: options.as_of,
        drafts: options.drafts,
    };
    let mut preview = match Preview::open(&load) {
        Ok(p) => p,
        Err(e) => {
            crate::cli::print_diagnostics(
                std::slice::from_ref(&e.0),
                Lang::Zh,
                crate::cli::args::Format::Human,
            );
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let lang = preview.language();
    let mut printed = Printed::default();
    printed.show(preview.problems(), lang);
    let listener = match listen(options.bind, options.port, lang) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("{}: {message}", Severity::Error.word(lang));
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let addr = listener.local_addr().ok();
    let url = addr.map_or_else(String::new, |a| match a.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", a.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", a.port()),
    });
    if !options.bind.is_loopback() {
        eprintln!("{}", Say::NotLoopback.text(lang));
    }
    let mut version = 1u64;
    let shared = Shared::new(Published {
        files: preview.files(),
        version,
        problems: problems(preview.problems(), lang, preview.failed()),
        change: Change {
            all: true,
            paths: Vec::new(),
        },
    });
    let mut watch = match watch::start(&root, watch::WatchOptions { poll: options.poll }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!(
                "{}: {} {e}",
                Severity::Error.word(lang),
                Say::CannotWatch.text(lang),
            );
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    // Printed on stdout, alone on its line, so that scripts can read it.
    println!("{url}");
    eprintln!("{}", Say::Serving.text(lang));
    if options.open && opener::open_browser(&url).is_err() {
        eprintln!("{}", Say::NoBrowser.text(lang));
    }

    // Rebuilds run on their own thread; the server keeps answering from the
    // last good version meanwhile.
    let rebuilder = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("gongshi-rebuild".into())
            .spawn(move || {
                while let Ok(batch) = watch.batches.recv() {
                    if watch::adds_source_dir(&root, &batch) {
                        let _ = watch.rewatch();
                    }
                    let paths: Vec<PathBuf> = batch
                        .changes
                        .iter()
                        .map(|c| match c {
                            watch::Change::Config => root.join("gongshi.yaml"),
                            watch::Change::Content(p) | watch::Change::Theme(p) => root.join(p),
                        })
                        .collect();
                    let start = Instant::now();
                    let before = shared.current();
                    let updated = preview.update(&paths);
                    let lang = preview.language();
                    let now = problems(preview.problems(), lang, preview.failed());
                    let overlay_changed = now != before.problems;
                    let change = match &updated {
                        Err(e) => {
                            printed.show(std::slice::from_ref(&e.0), lang);
                            let gone = problems(std::slice::from_ref(&e.0), lang, true);
                            version = version.saturating_add(1);
                            shared.publish(Published {
                                files: before.files.clone(),
                                version,
                                problems: gone,
                                change: Change {
                                    all: true,
                                    paths: Vec::new(),
                                },
                            });
                            shared
                                .rebuilds
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            continue;
                        }
                        Ok(Updated::Problems) => Change {
                            all: overlay_changed,
                            paths: Vec::new(),
                        },
                        Ok(Updated::Rendered {
                            everything,
                            changed,
                            ..
                        }) => Change {
                            all: *everything || overlay_changed,
                            paths: changed.clone(),
                        },
                    };
                    printed.show(preview.problems(), lang);
                    version = version.saturating_add(1);
                    shared.publish(Published {
                        files: preview.files(),
                        version,
                        problems: now.clone(),
                        change,
                    });
                    let first = start.elapsed();
                    // Then what the edit feeds: summaries, downloads, feed.
                    let rest = preview.finish();
                    if !rest.is_empty() {
                        version = version.saturating_add(1);
                        shared.publish(Published {
                            files: preview.files(),
                            version,
                            problems: now,
                            change: Change {
                                all: false,
                                paths: rest.clone(),
                            },
                        });
                    }
                    shared
                        .rebuilds
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    report(&batch, &updated, &rest, first, start.elapsed(), lang);
                    if options.timings {
                        for (step, took) in preview.timings() {
                            eprintln!("  {step:<20} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                        }
                    }
                }
            })
    };
    if rebuilder.is_err() {
        return ExitCode::from(USAGE_OR_IO);
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", Severity::Error.word(lang));
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, http::router(shared))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    });
    // Open event streams would keep a graceful shutdown waiting: do not wait.
    runtime.shutdown_background();
    match served {
        Ok(()) => {
            eprintln!("{}", Say::Stopped.text(lang));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", Severity::Error.word(lang));
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

/// What the terminal last showed, so that an unchanged list of warnings
/// is not printed again after every save.
#[derive(Default)]
struct Printed {
    last: Vec<String>,
}

impl Printed {
    /// Print problems as `check` prints them: every error each time, the
    /// warnings when they changed.
    fn show(&mut self, diags: &[Diagnostic], lang: Lang) {
        let keys: Vec<String> = diags
            .iter()
            .map(|d| gongshi::diagnostic::render_short(d, lang))
            .collect();
        let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
        if keys == self.last && errors.is_empty() {
            return;
        }
        // As `build` does: every error, the first warnings.
        let mut shown: Vec<Diagnostic> = errors;
        let warnings: Vec<&Diagnostic> = diags.iter().filter(|d| !d.is_error()).collect();
        shown.extend(warnings.iter().take(WARNINGS_PRINTED).map(|d| (*d).clone()));
        crate::cli::print_diagnostics(&shown, lang, crate::cli::args::Format::Human);
        if warnings.len() > WARNINGS_PRINTED {
            eprintln!(
                "{}",
                Say::MoreWarnings(warnings.len() - WARNINGS_PRINTED).text(lang)
            );
        }
        self.last = keys;
    }
}

/// Bind the listener: the port asked for, or the default and the next
/// ones if it is taken.
fn listen(bind: IpAddr, port: Option<u16>, lang: Lang) -> Result<TcpListener, String> {
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (0..PORTS_TO_TRY)
            .filter_map(|i| DEFAULT_PORT.checked_add(i))
            .collect(),
    };
    let mut last = None;
    for p in &ports {
        match TcpListener::bind(SocketAddr::new(bind, *p)) {
            Ok(l) => {
                l.set_nonblocking(true).map_err(|e| e.to_string())?;
                return Ok(l);
            }
            Err(e) => last = Some((*p, e)),
        }
    }
    let (p, e) = last.unwrap_or((DEFAULT_PORT, io::Error::other("no port")));
    let say = match (e.kind(), port) {
        (io::ErrorKind::AddrInUse, Some(_)) => Say::PortTaken(p),
        (io::ErrorKind::AddrInUse, None) => Say::PortsTaken {
            first: DEFAULT_PORT,
            last: p,
        },
        (io::ErrorKind::AddrNotAvailable, _) => Say::NoAddress(bind.to_string()),
        (io::ErrorKind::PermissionDenied, _) => Say::PortNotAllowed(p),
        _ => return Err(format!("{bind}:{p}: {e}")),
    };
    Err(say.text(lang))
}

/// The overlay's content: every error (or, when there are none, every
/// warning), worded as `check` words them.
fn problems(diags: &[Diagnostic], lang: Lang, failed: bool) -> Problems {
    let item = |d: &Diagnostic| Item {
        place: match (&d.file, d.pos) {
            (Some(f), Some(p)) => format!("{f}:{}:{}", p.line, p.column),
            (Some(f), None) => f.clone(),
            (None, _) => "gongshi.yaml".into(),
        },
        code: d.code().to_string(),
        message: d.problem.message(lang),
        help: d.problem.help(lang),
    };
    let errors: Vec<Item> = diags.iter().filter(|d| d.is_error()).map(item).collect();
    let warnings: Vec<Item> = diags.iter().filter(|d| !d.is_error()).map(item).collect();
    // Every page carries the overlay: a few dozen problems say enough.
    let shown_list = if errors.is_empty() {
        &warnings
    } else {
        &errors
    };
    let more = shown_list.len().saturating_sub(OVERLAY_ITEMS);
    let errors: Vec<Item> = errors.into_iter().take(OVERLAY_ITEMS).collect();
    let warnings: Vec<Item> = warnings.into_iter().take(OVERLAY_ITEMS).collect();
    let title = if errors.is_empty() {
        Say::OverlayWarnings(warnings.len() + more)
    } else {
        Say::OverlayErrors(errors.len() + more)
    }
    .text(lang);
    Problems {
        failed,
        title,
        errors,
        warnings,
        lang: lang.tag().to_string(),
        dismiss: Say::Dismiss.text(lang),
        more: (more > 0).then(|| Say::OverlayMore(more).text(lang)),
    }
}

/// One line per rebuild: what changed and how long it took.
fn report(
    batch: &watch::Batch,
    updated: &Result<Updated, gongshi::site::NotASite>,
    rest: &[String],
    first: std::time::Duration,
    total: std::time::Duration,
    lang: Lang,
) {
    let n = batch.changes.len();
    let (first, total) = (first.as_millis(), total.as_millis());
    let line = match updated {
        Ok(Updated::Rendered { changed, .. }) => Say::Rebuilt {
            changes: n,
            first: changed.len(),
            first_ms: first,
            rest: rest.len(),
            total_ms: total,
        },
        _ => Say::RebuildFailed {
            changes: n,
            total_ms: total,
        },
    }
    .text(lang);
    eprintln!("{line}");
}
