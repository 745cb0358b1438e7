//! `gongshi serve`, tested as an official uses it: a real server on an
//! ephemeral loopback port over a temporary copy of the sample site, files
//! edited on disk, pages fetched over HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{gongshi, sample_copy, tree};

/// The status date every test fixes (2026-02-01 in Beijing).
const EPOCH: &str = "1769877000";

/// Servers are timed by what they watch: one at a time, so that the
/// tests' own load does not stretch an editor's save over two rebuilds.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A running `gongshi serve`, stopped when dropped.
struct Served {
    _turn: std::sync::MutexGuard<'static, ()>,
    child: Child,
    addr: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Served {
    fn start(root: &Path, extra: &[&str]) -> Served {
        let turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut child = gongshi()
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        {
            let pipe = child.stderr.take().unwrap();
            let sink = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut s = sink.lock().unwrap();
                    s.push_str(&line);
                    s.push('\n');
                }
            });
        }
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .trim()
            .strip_prefix("http://")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("serve printed no URL: {first:?}"))
            .to_string();
        Served {
            _turn: turn,
            child,
            addr,
            stderr,
        }
    }

    fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, &[])
    }

    /// How many rebuilds the server has done (one per burst of edits).
    fn version(&self) -> u64 {
        let body = self.get("/__gongshi/state.json").body;
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["rebuilds"].as_u64().unwrap()
    }

    fn state(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__gongshi/state.json").body).unwrap()
    }

    /// Wait until the served version passes `after`, then until it stays
    /// put (the watcher may still be coalescing); return it.
    fn settled_after(&self, after: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.version();
            if v > after {
                // Quiet for a while: no second rebuild is on its way.
                std::thread::sleep(Duration::from_millis(1500));
                let again = self.version();
                if again == v {
                    return v;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no rebuild after version {after}; stderr:\n{}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self) -> std::process::ExitStatus {
        // SIGINT, as Ctrl-C sends.
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on a fresh connection, the path sent exactly as
/// given (no client-side normalisation, so traversal attempts reach the
/// server as written).
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        body = dechunk(&body);
    }
    if method != "HEAD"
        && let Some(len) = headers.get("content-length")
    {
        assert_eq!(
            body.len(),
            len.parse::<usize>().unwrap(),
            "torn response for {path}"
        );
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// The page as `build` writes it: the serve-only markup removed.
fn without_injection(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(html.to_vec()).unwrap();
    let start = text
        .find("<link rel=\"stylesheet\" href=\"/__gongshi/live.css\"")
        .expect("injected markup");
    let end = text.rfind("</body>").unwrap();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// A full `gongshi build` of `root` with the same status date.
fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = gongshi()
        .args(["build", "-q", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files = tree(&public);
    files.remove(".gongshi-output");
    files
}

/// Every file of a full build, served with the same bytes (HTML pages
/// with only the injected markup added).
fn assert_serves_full_build(served: &Served, root: &Path) {
    let expected = full_build(root);
    for (path, bytes) in &expected {
        let r = served.get(&format!("/{}", percent(path)));
        assert_eq!(r.status, 200, "{path}");
        let got = if path.ends_with(".html") {
            without_injection(&r.body)
        } else {
            r.body.clone()
        };
        assert!(got == *bytes, "{path} differs from a full build");
    }
}

fn percent(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn sample() -> (tempfile::TempDir, PathBuf) {
    let tmp = sample_copy();
    let root = tmp.path().to_path_buf();
    (tmp, root)
}

#[test]
fn serves_the_site_as_built_with_the_reload_script() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &[]);
    let home = served.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.headers["content-type"], "text/html; charset=utf-8");
    assert!(home.text().contains("/__gongshi/live.js"));
    assert_serves_full_build(&served, &root);

    // The script itself, and none of it in a build.
    let js = served.get("/__gongshi/live.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("EventSource"));
    let built = full_build(&root);
    for (path, bytes) in &built {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__gongshi"),
            "{path} of a build carries serve-only markup"
        );
    }
    assert!(served.stop().success());
    // Serving writes nothing into the site folder.
    let names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| *n != "gongshi.yaml" && *n != "content")
            .count(),
        0,
        "serve left {names:?}"
    );
}

#[test]
fn http_details() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &[]);
    let types = [
        ("/index.html", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/site.js", "text/javascript; charset=utf-8"),
        ("/assets/favicon.svg", "image/svg+xml; charset=utf-8"),
        ("/data/2025.csv", "text/csv; charset=utf-8"),
        ("/data/all.json", "application/json; charset=utf-8"),
        ("/feed.xml", "text/xml; charset=utf-8"),
        (
            "/data/2025.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ];
    for (path, mime) in types {
        let r = served.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.headers["content-type"], mime, "{path}");
    }
    // Folders serve their index.html; a folder without its slash redirects.
    assert!(served.get("/xinkou/").text().contains("辛口镇"));
    let r = served.get("/xinkou");
    assert_eq!(r.status, 308);
    assert_eq!(r.headers["location"], "/xinkou/");
    // The site's own 404 page, with status 404.
    let r = served.get("/no/such/page.html");
    assert_eq!(r.status, 404);
    assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
    assert!(r.text().contains("<html"));
    // HEAD: headers, no body.
    let r = request(&served.addr, "HEAD", "/index.html", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert!(r.headers["content-length"].parse::<usize>().unwrap() > 1000);
    // Conditional requests.
    let etag = served.get("/data/2025.csv").headers["etag"].clone();
    let r = request(
        &served.addr,
        "GET",
        "/data/2025.csv",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    // Other methods.
    assert_eq!(
        request(&served.addr, "POST", "/index.html", &[]).status,
        405
    );
}

#[test]
fn no_way_out_of_the_output() {
    let (tmp, root) = sample();
    std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    // A symlink in the content pointing outside is refused by the build
    // itself; the server only ever answers from the build's file list.
    let served = Served::start(&root, &[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/xinkou/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/index.html%00.txt",
        "//etc/passwd",
        "/gongshi.yaml",
        "/content/xinkou/2025.md",
        "/secret.txt",
    ] {
        let r = served.get(path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: status {}",
            r.status
        );
        assert!(
            !r.text().contains("secret") || r.text().contains("<html"),
            "{path}"
        );
        assert!(!r.text().contains("root:x:0:0"), "{path}");
    }
}

#[test]
fn edits_are_served_and_equal_a_full_build() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &[]);
    let report = root.join("content/xinkou/2025.md");
    let v0 = served.version();

    // Change a figure.
    edit(
        &report,
        "penalty_cases_simple: 4",
        "penalty_cases_simple: 6",
    );
    edit(&report, "penalty_cases: 9", "penalty_cases: 11");
    let v1 = served.settled_after(v0);
    let page = served.get("/xinkou/2025/index.html").text();
    assert!(
        page.contains(">11<") || page.contains("11 件") || page.contains("11</"),
        "new total not served"
    );
    assert_serves_full_build(&served, &root);

    // Add a township folder (profile and report written into a new folder).
    let new_dir = root.join("content/dongping");
    std::fs::create_dir(&new_dir).unwrap();
    std::fs::write(
        new_dir.join("_index.md"),
        "---\nname: 东平镇\ndistrict: 西青区\n---\n",
    )
    .unwrap();
    std::fs::write(
        new_dir.join("2025.md"),
        "---\ntitle: 东平镇2025年度行政执法工作报告\nyear: 2025\npublished: 2026-01-10\nmetrics:\n  inspections: 321\n---\n\n## 一、基本情况\n\n正文。\n",
    )
    .unwrap();
    let v2 = served.settled_after(v1);
    assert_eq!(served.get("/dongping/2025/index.html").status, 200);
    assert!(served.get("/dongping/").text().contains("东平镇"));
    // Search follows (issue 11): the new report is in the index.
    assert!(
        served
            .get("/search/index.json")
            .text()
            .contains("\"dongping\"")
    );
    assert!(
        served
            .get("/search/text/dongping/2025.json")
            .text()
            .contains("东平镇2025年度")
    );
    assert_serves_full_build(&served, &root);

    // Delete a report: its page goes, the totals follow.
    std::fs::remove_file(root.join("content/dongping/2025.md")).unwrap();
    served.settled_after(v2);
    assert_eq!(served.get("/dongping/2025/index.html").status, 404);
    assert!(!served.get("/data/2025.csv").text().contains("321"));
    assert!(
        !served
            .get("/search/index.json")
            .text()
            .contains("\"dongping\"")
    );
    assert_serves_full_build(&served, &root);
}

#[test]
fn broken_content_shows_the_overlay_over_the_last_good_site() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &[]);
    let report = root.join("content/xinkou/2025.md");
    let before = served.get("/xinkou/2025/index.html").text();
    assert!(!before.contains("gs-errors"));
    let v0 = served.version();

    edit(&report, "inspections: 1100余", "inspections: 1100余次");
    let v1 = served.settled_after(v0);
    let page = served.get("/xinkou/2025/index.html").text();
    assert!(page.contains("gs-errors"), "no overlay");
    assert!(
        page.contains("content/xinkou/2025.md:9:"),
        "overlay lacks file:line"
    );
    assert!(page.contains("unit-in-count"));
    // The last good page is still underneath, unchanged.
    assert_eq!(
        without_injection(page.as_bytes()),
        without_injection(before.as_bytes())
    );
    let state = served.state();
    assert_eq!(state["problems"]["failed"], true);
    // The terminal shows it as `check` does.
    assert!(
        served
            .stderr
            .lock()
            .unwrap()
            .contains("错误[unit-in-count]")
    );

    // Fixed: the overlay goes.
    edit(&report, "inspections: 1100余次", "inspections: 1100余");
    served.settled_after(v1);
    let page = served.get("/xinkou/2025/index.html").text();
    assert!(!page.contains("gs-errors"));
    assert_eq!(served.state()["problems"]["failed"], false);
    assert_serves_full_build(&served, &root);
}

#[test]
fn one_save_is_one_rebuild_and_leftovers_are_ignored() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &[]);
    let dir = root.join("content/xinkou");
    let v0 = served.version();

    // Editor leftovers alone: no rebuild.
    for name in [
        ".2025.md.swp",
        "2025.md~",
        ".#2025.md",
        "2025.md___jb_tmp___",
        "~$2025.md",
        "4913",
    ] {
        std::fs::write(dir.join(name), "junk").unwrap();
    }
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(served.version(), v0, "editor leftovers caused a rebuild");

    // An atomic save, as vim or VS Code do it: write a temporary file,
    // rename it over the original.
    let report = dir.join("2025.md");
    let text = std::fs::read_to_string(&report).unwrap();
    let tmp = dir.join("2025.md.tmp");
    std::fs::write(&tmp, text.replace("supervisors: 4", "supervisors: 5")).unwrap();
    std::fs::rename(&tmp, &report).unwrap();
    let v1 = served.settled_after(v0);
    assert_eq!(v1, v0 + 1, "one save, {} rebuilds", v1 - v0);

    // A checkout of hundreds of files at once: one rebuild.
    for (slug, name) in [
        ("bulk", "大批镇"),
        ("bulk-b", "乙批镇"),
        ("bulk-c", "丙批镇"),
        ("bulk-d", "丁批镇"),
    ] {
        let dir = root.join("content").join(slug);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("---\nname: {name}\ndistrict: 西青区\n---\n"),
        )
        .unwrap();
        for year in 1960..2020 {
            std::fs::write(
                dir.join(format!("{year}.md")),
                format!("---\ntitle: {name}{year}年度报告\nyear: {year}\nsource: 测试数据\nmetrics:\n  inspections: {year}\n---\n"),
            )
            .unwrap();
        }
    }
    let bulk = root.join("content/bulk");
    let v2 = served.settled_after(v1);
    assert_eq!(v2, v1 + 1, "a bulk change took {} rebuilds", v2 - v1);
    assert_eq!(
        served.get("/bulk-d/1999/index.html").status,
        200,
        "{}",
        served.state()
    );

    // A folder moved out, then back in: one rebuild each.
    let outside = root
        .parent()
        .unwrap()
        .join(format!("moved-{}", std::process::id()));
    std::fs::rename(&bulk, &outside).unwrap();
    let v3 = served.settled_after(v2);
    assert_eq!(v3, v2 + 1);
    assert_eq!(served.get("/bulk/index.html").status, 404);
    std::fs::rename(&outside, &bulk).unwrap();
    let v4 = served.settled_after(v3);
    assert_eq!(v4, v3 + 1);
    assert_eq!(served.get("/bulk/index.html").status, 200);
    assert_serves_full_build(&served, &root);
}

#[test]
fn concurrent_requests_during_rebuilds_are_never_torn() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &[]);
    let addr = served.addr.clone();
    let report = root.join("content/xinkou/2025.md");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let stop = stop.clone();
        let report = report.clone();
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let text = std::fs::read_to_string(&report).unwrap();
                let next = text.replacen(
                    &format!("supervisors: {}", 4 + n),
                    &format!("supervisors: {}", 5 + n),
                    1,
                );
                std::fs::write(&report, next).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(30));
            }
        })
    };
    let threads: Vec<_> = (0..200)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let path = [
                    "/index.html",
                    "/xinkou/2025/index.html",
                    "/data/all.json",
                    "/data/2025.xlsx",
                ][i % 4];
                let r = request(&addr, "GET", path, &[]);
                assert_eq!(r.status, 200, "{path}");
                if path.ends_with(".html") {
                    assert!(r.text().trim_end().ends_with("</html>"), "{path} cut short");
                }
                if path.ends_with(".json") {
                    serde_json::from_slice::<serde_json::Value>(&r.body).expect("complete JSON");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    editor.join().unwrap();
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (_tmp, root) = sample();
    let o = gongshi()
        .args(["serve", "--port", &port, "--root"])
        .arg(&root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("端口 {port} 已被其他程序占用")),
        "{stderr}"
    );
}

#[test]
fn another_address_is_served_with_a_warning() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &["--bind", "0.0.0.0"]);
    assert_eq!(served.get("/").status, 200);
    std::thread::sleep(Duration::from_millis(200));
    assert!(served.stderr.lock().unwrap().contains("非本机地址"));
}

#[test]
fn polling_sees_changes_too() {
    let (_tmp, root) = sample();
    let served = Served::start(&root, &["--poll"]);
    let v0 = served.version();
    // A later second: the poller sees a new write time, not only new bytes.
    std::thread::sleep(Duration::from_millis(1100));
    edit(
        &root.join("content/xinkou/2025.md"),
        "supervisors: 4",
        "supervisors: 6",
    );
    served.settled_after(v0);
    assert_serves_full_build(&served, &root);
}

#[test]
fn drafts_are_served_only_when_asked() {
    let (_tmp, root) = sample();
    std::fs::write(
        root.join("content/xinkou/2026.md"),
        "---\ntitle: 辛口镇2026年度行政执法工作报告（草稿）\nyear: 2026\ndraft: true\nmetrics:\n  inspections: 12\n---\n\n正文。\n",
    )
    .unwrap();
    let plain = Served::start(&root, &[]);
    assert_eq!(plain.get("/xinkou/2026/index.html").status, 404);
    drop(plain);
    let preview = Served::start(&root, &["--drafts"]);
    let page = preview.get("/xinkou/2026/index.html");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("草稿"));
}
