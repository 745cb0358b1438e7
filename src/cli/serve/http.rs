//! The preview server of `gongshi serve`, on axum.
//!
//! It serves the latest good build from memory ([`Published`]): a request
//! takes the version current when it arrives and answers from it, so a
//! rebuild never produces a torn response. Paths are looked up in the
//! build's own file list, so nothing outside the output can be reached
//! whatever the path says; paths with `..`, backslashes or NUL are refused
//! outright.
//!
//! Into every HTML page it injects, just before `</body>`, the live-reload
//! script and, while the content has problems, the overlay listing them.
//! The build output itself never contains either.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use gongshi::preview::{Content, Files};
use gongshi::render::escape_html;

/// The paths the preview server answers itself.
pub const LIVE_SCRIPT: &str = "/__gongshi/live.js";
const LIVE_STYLE: &str = "/__gongshi/live.css";
const EVENTS: &str = "/__gongshi/events";
const STATE: &str = "/__gongshi/state.json";

/// One consistent version of the served site.
#[derive(Debug, Default)]
pub struct Published {
    /// Files by output path (`index.html`, `xinkou/2025/index.html`).
    pub files: Arc<Files>,
    /// Increases with every rebuild (also a failed one).
    pub version: u64,
    /// The problems of the latest rebuild, shown over every page.
    pub problems: Problems,
    /// What this version changed, for the open pages to decide whether
    /// to reload.
    pub change: Change,
}

/// What a version changed.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Change {
    /// Every page (a full rebuild, or problems that appeared or went).
    pub all: bool,
    /// Otherwise, the output paths whose content changed.
    pub paths: Vec<String>,
}

/// What the latest rebuild found, for the overlay.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Problems {
    /// Whether the latest rebuild failed (the previous site is still served).
    pub failed: bool,
    /// The overlay's heading.
    pub title: String,
    /// Errors, each already worded in the site's language.
    pub errors: Vec<Item>,
    /// Warnings.
    pub warnings: Vec<Item>,
    /// The language of the words (`zh-CN`, `en`).
    pub lang: String,
    /// The dismiss button's label.
    pub dismiss: String,
    /// How many more there are than listed, in words.
    pub more: Option<String>,
}

/// One problem in the overlay.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// `file:line:column`.
    pub place: String,
    /// The stable code.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// The state every request reads.
pub struct Shared {
    /// How many bursts of edits were handled (one rebuild each).
    pub rebuilds: std::sync::atomic::AtomicU64,
    current: RwLock<Arc<Published>>,
    changed: tokio::sync::watch::Sender<Arc<Published>>,
}

impl Shared {
    /// A server state starting from `first`.
    pub fn new(first: Published) -> Arc<Shared> {
        let first = Arc::new(first);
        let (changed, _) = tokio::sync::watch::channel(first.clone());
        Arc::new(Shared {
            rebuilds: std::sync::atomic::AtomicU64::new(0),
            current: RwLock::new(first),
            changed,
        })
    }

    /// The version being served.
    pub fn current(&self) -> Arc<Published> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Serve `next` from now on and tell the open pages to reload.
    pub fn publish(&self, next: Published) {
        let next = Arc::new(next);
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = next.clone();
        self.changed.send_replace(next);
    }
}

/// The router: the live-reload endpoints, then the site.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(LIVE_SCRIPT, axum::routing::get(live_script))
        .route(LIVE_STYLE, axum::routing::get(live_style))
        .route(EVENTS, axum::routing::get(events))
        .route(STATE, axum::routing::get(state))
        .fallback(site_file)
        .with_state(shared)
}

async fn live_script() -> Response {
    static_response(include_str!("live.js"), "text/javascript; charset=utf-8")
}

async fn live_style() -> Response {
    static_response(include_str!("live.css"), "text/css; charset=utf-8")
}

fn static_response(body: &'static str, mime: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Server-sent events: `version` right after connecting (a page built
/// from another version reloads), then `change` after every rebuild with
/// what it changed (a page reloads when its own file is among them, or
/// when every page changed).
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = shared.changed.subscribe();
    let stream = stream::unfold((rx, true), |(mut rx, first)| async move {
        if first {
            let version = rx.borrow_and_update().version;
            return Some((
                Ok(Event::default().event("version").data(version.to_string())),
                (rx, false),
            ));
        }
        rx.changed().await.ok()?;
        let next = rx.borrow_and_update().clone();
        let data = serde_json::json!({
            "version": next.version.to_string(),
            "all": next.change.all,
            "paths": next.change.paths,
        });
        Some((
            Ok(Event::default().event("change").data(data.to_string())),
            (rx, false),
        ))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The current version and problems, as JSON (for the live script and tests).
async fn state(State(shared): State<Arc<Shared>>) -> Response {
    let current = shared.current();
    let body = serde_json::json!({
        "version": current.version,
        "rebuilds": shared.rebuilds.load(std::sync::atomic::Ordering::Relaxed),
        "problems": current.problems,
    });
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
enum BadPath {
    /// Not valid percent-encoding or not UTF-8 once decoded.
    Undecodable,
    /// `..`, a backslash, NUL or another control character.
    Escapes,
}

/// The output path a request path names: percent-decoded, without the
/// leading `/`, with `index.html` for folders. Rejects anything that could
/// name a place outside the output were it used on a file system.
fn output_path(uri_path: &str) -> Result<String, BadPath> {
    let decoded = percent_decode(uri_path).ok_or(BadPath::Undecodable)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(BadPath::Escapes);
    }
    let rel = decoded.trim_start_matches('/');
    if rel
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err(BadPath::Escapes);
    }
    if rel.is_empty() || rel.ends_with('/') {
        Ok(format!("{rel}index.html"))
    } else {
        Ok(rel.to_string())
    }
}

/// Percent-decoding of a URL path (RFC 3986), `None` if malformed or not
/// UTF-8. Written here because it is ten lines and the path is then checked
/// as a whole; `%2F` decodes to `/` and `%2e%2e` to `..`, which the caller
/// then refuses.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media type of an output path, with `charset=utf-8` for text.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/json" | "application/xml" | "application/javascript" | "image/svg+xml"
        );
    if text {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

async fn site_file(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let path = match output_path(uri.path()) {
        Ok(p) => p,
        Err(_) => return (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
    };
    let published = shared.current();
    if let Some(content) = published.files.get(&path) {
        return respond(&published, &path, content, &headers, StatusCode::OK).await;
    }
    // A folder named without its trailing slash: redirect, so that the
    // page's relative links resolve.
    let as_folder = format!("{path}/index.html");
    if published.files.contains_key(&as_folder) {
        let location = format!("{}/", uri.path());
        return (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    match published.files.get("404.html") {
        Some(page) => {
            respond(
                &published,
                "404.html",
                page,
                &headers,
                StatusCode::NOT_FOUND,
            )
            .await
        }
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

async fn respond(
    published: &Published,
    path: &str,
    content: &Content,
    headers: &HeaderMap,
    status: StatusCode,
) -> Response {
    let bytes: Arc<[u8]> = match content {
        Content::Bytes(b) => b.clone(),
        Content::File(p) => match tokio::fs::read(p).await {
            Ok(b) => Arc::from(b),
            Err(_) => return (StatusCode::NOT_FOUND, "attachment unreadable\n").into_response(),
        },
    };
    let mime = content_type(path);
    let body: Vec<u8> = if mime.starts_with("text/html") {
        inject(&bytes, &published.problems, published.version)
    } else {
        bytes.to_vec()
    };
    // The tag covers what is sent (the injection included): a page whose
    // problems changed is not "not modified".
    let etag = format!("\"{:016x}-{:x}\"", fnv1a(&body), body.len());
    if status == StatusCode::OK
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    // A preview changes under the reader: always revalidate.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// FNV-1a: a stable content hash for entity tags (no need for strength).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The markup added to every HTML page: the live script, its style, and the
/// overlay when there are problems.
pub fn injection(problems: &Problems, version: u64) -> String {
    let mut s = format!(
        "<link rel=\"stylesheet\" href=\"{LIVE_STYLE}\" data-gongshi-serve><script src=\"{LIVE_SCRIPT}\" defer data-gongshi-serve data-gongshi-version=\"{version}\"></script>"
    );
    if !problems.errors.is_empty() || !problems.warnings.is_empty() {
        s.push_str(&overlay(problems));
    }
    s
}

/// Insert [`injection`] just before `</body>` (at the end if there is none).
fn inject(html: &[u8], problems: &Problems, version: u64) -> Vec<u8> {
    let extra = injection(problems, version);
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let (head, tail) = html.split_at(at);
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(head);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(tail);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The overlay: errors as a dialog over the page (the page under it is the
/// last good build), warnings as a bar that can be dismissed.
fn overlay(p: &Problems) -> String {
    let items = |list: &[Item]| -> String {
        list.iter()
            .map(|i| {
                let help = i
                    .help
                    .as_deref()
                    .map(|h| format!("<p class=\"gs-help\">{}</p>", escape_html(h)))
                    .unwrap_or_default();
                format!(
                    "<li><p class=\"gs-place\"><code>{}</code> <span class=\"gs-code\">[{}]</span></p><p class=\"gs-msg\">{}</p>{help}</li>",
                    escape_html(&i.place),
                    escape_html(&i.code),
                    escape_html(&i.message)
                )
            })
            .collect()
    };
    let kind = if p.errors.is_empty() {
        "warnings"
    } else {
        "errors"
    };
    let list = if p.errors.is_empty() {
        &p.warnings
    } else {
        &p.errors
    };
    format!(
        "<div id=\"gongshi-serve-problems\" class=\"gs-{kind}\" role=\"{role}\" aria-labelledby=\"gs-title\" lang=\"{lang}\" data-gongshi-serve><div class=\"gs-box\"><p id=\"gs-title\" class=\"gs-title\">{title}</p><ol>{items}</ol>{more}<button type=\"button\" class=\"gs-close\">{dismiss}</button></div></div>",
        more = p
            .more
            .as_deref()
            .map(|m| format!("<p class=\"gs-more\">{}</p>", escape_html(m)))
            .unwrap_or_default(),
        role = if p.errors.is_empty() {
            "status"
        } else {
            "alertdialog"
        },
        lang = escape_html(&p.lang),
        title = escape_html(&p.title),
        items = items(list),
        dismiss = escape_html(&p.dismiss),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_files_of_the_output_only() {
        assert_eq!(output_path("/").as_deref(), Ok("index.html"));
        assert_eq!(output_path("/xinkou/").as_deref(), Ok("xinkou/index.html"));
        assert_eq!(
            output_path("/xinkou/2025/%E5%8E%9F%E4%BB%B6.pdf").as_deref(),
            Ok("xinkou/2025/原件.pdf")
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/xinkou/%2E%2E%2F%2E%2E%2Fetc",
            "/a/..%2fb",
            "/a\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/./index.html",
        ] {
            assert_eq!(output_path(bad), Err(BadPath::Escapes), "{bad}");
        }
        assert_eq!(output_path("/%zz"), Err(BadPath::Undecodable));
        assert_eq!(output_path("/%ff"), Err(BadPath::Undecodable));
    }

    #[test]
    fn text_types_carry_their_charset() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("data/2025.csv"), "text/csv; charset=utf-8");
        assert_eq!(
            content_type("data/all.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("feed.xml"), "text/xml; charset=utf-8");
        assert_eq!(
            content_type("assets/favicon.svg"),
            "image/svg+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("data/2025.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(content_type("a/原件.pdf"), "application/pdf");
    }

    #[test]
    fn injection_goes_before_the_body_end() {
        let page = b"<html><body><p>x</p></body></html>";
        let out = String::from_utf8(inject(page, &Problems::default(), 3)).unwrap();
        assert!(out.contains("<p>x</p><link rel=\"stylesheet\" href=\"/__gongshi/live.css\""));
        assert!(out.ends_with("data-gongshi-version=\"3\"></script></body></html>"));
    }
}
