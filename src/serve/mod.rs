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

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gongshi::diagnostic::{self, Diagnostic, Severity};
use gongshi::i18n::Lang;
use gongshi::site::{LoadOptions, Site};
use gongshi::write::{Output, OutputError};

use http::{Content, Item, Problems, Published, Shared};

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
    /// `--as-of`: the status date, overriding every other source.
    pub as_of: Option<jiff::civil::Date>,
    /// The value of `SOURCE_DATE_EPOCH`, if set.
    pub epoch: Option<String>,
}

const DEFAULT_PORT: u16 = 1111;
/// Without `--port`, how many ports after the default to try.
const PORTS_TO_TRY: u16 = 10;
const USAGE_OR_IO: u8 = 2;

/// Run the preview server until Ctrl-C.
pub fn run(options: Options) -> ExitCode {
    let root = options.root.clone();
    // The first build decides the language of everything printed later.
    let first = rebuild(&options, 1, None);
    let lang = first.lang;
    let Some(published) = first.published else {
        return ExitCode::from(USAGE_OR_IO);
    };
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
        eprintln!(
            "{}",
            lang.pick(
                "警告：预览服务监听在非本机地址上，同一网络中的其他人也能看到尚未发布的内容（包括草稿）。",
                "warning: the preview listens on a non-loopback address: others on the network can see unpublished content (drafts included).",
            )
        );
    }
    let shared = Shared::new(published);
    let mut watch = match watch::start(&root, watch::WatchOptions { poll: options.poll }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!(
                "{}: {} {e}",
                Severity::Error.word(lang),
                lang.pick("无法监视网站文件夹：", "cannot watch the site folder:"),
            );
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    // Printed on stdout, alone on its line, so that scripts can read it.
    println!("{url}");
    eprintln!(
        "{}",
        lang.pick(
            "正在预览：保存文件后页面会自动刷新。按 Ctrl-C 停止。",
            "Serving: pages reload by themselves when you save a file. Press Ctrl-C to stop.",
        )
    );
    if options.open && opener::open_browser(&url).is_err() {
        eprintln!(
            "{}",
            lang.pick(
                "无法打开浏览器，请手动打开上面的地址。",
                "could not open a browser; open the address above."
            )
        );
    }

    // Rebuilds run on their own thread; the server keeps answering from the
    // last good version meanwhile.
    let rebuilder = {
        let shared = shared.clone();
        let options = Options {
            root: options.root.clone(),
            port: options.port,
            bind: options.bind,
            open: false,
            poll: options.poll,
            drafts: options.drafts,
            as_of: options.as_of,
            epoch: options.epoch.clone(),
        };
        std::thread::Builder::new()
            .name("gongshi-rebuild".into())
            .spawn(move || {
                let mut version = 1u64;
                while let Ok(batch) = watch.batches.recv() {
                    if watch::adds_source_dir(&options.root, &batch) {
                        let _ = watch.rewatch();
                    }
                    version = version.saturating_add(1);
                    let previous = shared.current();
                    let start = Instant::now();
                    let outcome = rebuild(&options, version, Some(&previous));
                    if let Some(next) = outcome.published {
                        report_rebuild(&batch, &next, start, outcome.lang);
                        shared.publish(next);
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
            eprintln!("{}", lang.pick("预览已停止。", "Preview stopped."));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", Severity::Error.word(lang));
            ExitCode::from(USAGE_OR_IO)
        }
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
    Err(match (e.kind(), port) {
        (io::ErrorKind::AddrInUse, Some(_)) => match lang {
            Lang::Zh => format!(
                "端口 {p} 已被其他程序占用：换一个端口（--port {}），或先关闭占用它的程序",
                p.saturating_add(1)
            ),
            Lang::En => format!(
                "port {p} is already in use: choose another (--port {}) or stop the program using it",
                p.saturating_add(1)
            ),
        },
        (io::ErrorKind::AddrInUse, None) => match lang {
            Lang::Zh => format!("端口 {DEFAULT_PORT}–{p} 都已被占用：用 --port 指定一个空闲端口"),
            Lang::En => {
                format!("ports {DEFAULT_PORT}–{p} are all in use: choose a free one with --port")
            }
        },
        (io::ErrorKind::AddrNotAvailable, _) => match lang {
            Lang::Zh => format!("本机没有地址 {bind}：检查 --bind"),
            Lang::En => format!("this machine has no address {bind}: check --bind"),
        },
        (io::ErrorKind::PermissionDenied, _) => match lang {
            Lang::Zh => format!("没有权限监听端口 {p}：用 1024 以上的端口"),
            Lang::En => format!("not allowed to listen on port {p}: use a port above 1023"),
        },
        _ => format!("{bind}:{p}: {e}"),
    })
}

/// What a rebuild produced.
struct Outcome {
    /// The version to serve; `None` only when the first build could not
    /// load the site at all.
    published: Option<Published>,
    lang: Lang,
}

/// Load and render the whole site into memory. On errors the previous
/// files stay, with the problems shown over them.
fn rebuild(options: &Options, version: u64, previous: Option<&Published>) -> Outcome {
    let load = LoadOptions {
        root: options.root.clone(),
        base_url: None,
        source_date_epoch: options.epoch.clone(),
        as_of: options.as_of,
        drafts: options.drafts,
    };
    let site = match Site::load(&load) {
        Ok(site) => site,
        Err(e) => {
            let lang = Lang::Zh;
            crate::print_diagnostics(std::slice::from_ref(&e.0), lang, crate::Format::Human);
            return Outcome {
                published: previous.map(|p| Published {
                    files: p.files.clone(),
                    version,
                    problems: problems(&[e.0], lang, true),
                }),
                lang,
            };
        }
    };
    let lang = site.config.language;
    crate::print_diagnostics(&site.diagnostics, lang, crate::Format::Human);
    let failed = |diags: &[Diagnostic]| Outcome {
        published: Some(Published {
            files: previous.map(|p| p.files.clone()).unwrap_or_default(),
            version,
            problems: problems(diags, lang, true),
        }),
        lang,
    };
    if site.has_errors() {
        return failed(&site.diagnostics);
    }
    match render_in_memory(&site) {
        Ok(files) => Outcome {
            published: Some(Published {
                files,
                version,
                problems: problems(&site.diagnostics, lang, false),
            }),
            lang,
        },
        Err(d) => {
            crate::print_diagnostics(std::slice::from_ref(&*d), lang, crate::Format::Human);
            failed(&[*d])
        }
    }
}

/// Render the site as `gongshi build` would, into memory.
fn render_in_memory(site: &Site) -> Result<BTreeMap<String, Content>, Box<Diagnostic>> {
    let theme = gongshi::render::Theme::load(&site.root, &site.config.theme).map_err(|e| {
        Box::new(Diagnostic::site(diagnostic::Problem::Io {
            error: format!("themes/{}: {e}", site.config.theme),
        }))
    })?;
    let renderer = gongshi::render::Renderer::new(&theme, site.config.language)?;
    let assembled = gongshi::assemble::assemble(site);
    let out = InMemory::default();
    match gongshi::render::render_site(site, &assembled, &renderer, &out, &|| {}) {
        Ok(_) => Ok(out.into_files()),
        Err(gongshi::render::RenderError::Template(d)) => Err(d),
        Err(gongshi::render::RenderError::Output(e)) => {
            Err(Box::new(Diagnostic::site(diagnostic::Problem::Io {
                error: e.to_string(),
            })))
        }
    }
}

/// The build's output, kept in memory; copied files (attachments) are kept
/// as where to read them.
#[derive(Default)]
struct InMemory {
    files: Mutex<BTreeMap<String, Content>>,
}

impl InMemory {
    fn put(&self, rel: &str, content: Content) {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_string(), content);
    }

    fn into_files(self) -> BTreeMap<String, Content> {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Output for InMemory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.put(rel, Content::Bytes(Arc::from(bytes)));
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        self.put(rel, Content::File(from.to_path_buf()));
        Ok(())
    }

    fn write_with(
        &self,
        rel: &str,
        produce: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<u64, OutputError> {
        let mut bytes = Vec::new();
        produce(&mut bytes).map_err(|error| OutputError::Io {
            action: format!("writing {rel}"),
            error,
        })?;
        let len = bytes.len() as u64;
        self.put(rel, Content::Bytes(Arc::from(bytes)));
        Ok(len)
    }
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
    let title = if !errors.is_empty() {
        match lang {
            Lang::Zh => format!(
                "内容有 {} 个错误，页面未更新（仍显示上一次成功生成的版本）。改正后会自动刷新。",
                errors.len()
            ),
            Lang::En => format!(
                "{} errors in the content: the pages were not updated (this is the last good build). They reload once it is fixed.",
                errors.len()
            ),
        }
    } else {
        match lang {
            Lang::Zh => format!("{} 条警告", warnings.len()),
            Lang::En => format!("{} warnings", warnings.len()),
        }
    };
    Problems {
        failed,
        title,
        errors,
        warnings,
        lang: lang.tag().to_string(),
        dismiss: lang.pick("关闭", "Dismiss").to_string(),
    }
}

fn report_rebuild(batch: &watch::Batch, next: &Published, start: Instant, lang: Lang) {
    let ms = start.elapsed().as_millis();
    let changed = batch.changes.len();
    if next.problems.failed {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh =>
                    format!("{changed} 处改动：有错误，继续显示上一次成功的版本（{ms} 毫秒）"),
                Lang::En => format!(
                    "{changed} changes: errors, still serving the last good build ({ms} ms)"
                ),
            }
        );
    } else {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "{changed} 处改动：已重新生成 {} 个文件（{ms} 毫秒）",
                    next.files.len()
                ),
                Lang::En => format!(
                    "{changed} changes: rebuilt {} files ({ms} ms)",
                    next.files.len()
                ),
            }
        );
    }
}
