//! Measure `gongshi serve` as an official uses it: the time from saving a
//! report until its new page is served, the time a template change takes,
//! and the server's memory over many edits.
//!
//! `cargo run --release --example serve_bench -- <site> [edits] [memory-edits]`
//!
//! The site is a generated one (`bench/run.sh` makes them; `bench/serve.sh`
//! runs this). Edits are saved the way editors save (write a temporary
//! file, rename it over the report); the page is polled over HTTP until it
//! shows the new figure. Nothing here is a pass/fail test: it measures.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let site = PathBuf::from(
        args.get(1)
            .map_or("target/bench-site-10000", String::as_str),
    );
    let edits: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    let memory_edits: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let exe = std::env::var("GONGSHI").unwrap_or_else(|_| "target/release/gongshi".into());

    let started = Instant::now();
    // What serve says goes to a log beside the site, for when a wait fails.
    let log = site.with_extension("serve.log");
    let mut serve = Command::new(&exe)
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).map_or_else(|_| Stdio::null(), Stdio::from))
        .spawn()
        .expect("start gongshi serve");
    let mut url = String::new();
    BufReader::new(serve.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("read the URL");
    let addr = url
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    println!(
        "serve: first build and listening after {:.2} s, RSS {} MiB",
        started.elapsed().as_secs_f64(),
        rss_mib(&serve, "VmRSS")
    );

    let reports = reports(&site);
    assert!(!reports.is_empty(), "no reports under {}", site.display());

    // Save one report, wait for its page.
    let mut latencies = Vec::new();
    for i in 0..edits {
        let (path, page) = &reports[(i * 7919) % reports.len()];
        let value = 900_000 + i;
        let before = rebuilds(&addr);
        let t0 = Instant::now();
        save_figure(path, value);
        wait_for_page(&addr, page, &grouped(value));
        latencies.push(t0.elapsed());
        // Let the summaries finish before the next save, as between two
        // saves of a person typing.
        wait_for_rebuilds(&addr, before + 1);
    }
    latencies.sort();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    println!(
        "save → page served, {} edits: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(pct(50)),
        ms(pct(95)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO))
    );

    // A template change renders every page again.
    let (_, page) = &reports[0];
    // The site's templates folder exists already, as it does once a site
    // overrides a template (creating the folder rebuilds everything).
    let templates = site.join("templates");
    if !templates.is_dir() {
        let before = rebuilds(&addr);
        std::fs::create_dir_all(&templates).expect("templates/");
        wait_for_rebuilds(&addr, before + 1);
    }
    let base = std::fs::read_to_string("themes/default/templates/report.html")
        .expect("run from the repository root");
    let before = rebuilds(&addr);
    let t0 = Instant::now();
    std::fs::write(
        templates.join("report.html"),
        base.replacen("{% block main %}", "{% block main %}<p>bench-marker</p>", 1),
    )
    .expect("write the template");
    wait_for_page(&addr, page, "bench-marker");
    let first = t0.elapsed();
    wait_for_rebuilds(&addr, before + 1);
    println!(
        "template change: the page served after {:.0} ms, the whole site after {:.0} ms",
        ms(first),
        ms(t0.elapsed())
    );
    std::fs::remove_file(templates.join("report.html")).ok();
    let before = rebuilds(&addr);
    wait_for_rebuilds(&addr, before + 1);

    // Memory over many edits.
    let start_rss = rss_mib(&serve, "VmRSS");
    let mut samples = vec![(0usize, start_rss)];
    for i in 0..memory_edits {
        let (path, _) = &reports[(i * 104_729) % reports.len()];
        let before = rebuilds(&addr);
        save_figure(path, 500_000 + i);
        wait_for_rebuilds(&addr, before + 1);
        if (i + 1) % (memory_edits / 4).max(1) == 0 {
            samples.push((i + 1, rss_mib(&serve, "VmRSS")));
        }
    }
    let line: Vec<String> = samples
        .iter()
        .map(|(n, rss)| format!("{n}: {rss}"))
        .collect();
    println!(
        "memory over {memory_edits} edits (RSS MiB after n edits): {}; peak {} MiB",
        line.join(", "),
        rss_mib(&serve, "VmHWM")
    );
    let _ = Command::new("kill")
        .args(["-INT", &serve.id().to_string()])
        .status();
    let _ = serve.wait();
}

/// (report file, page path) of every report.
fn reports(site: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(site.join("content")) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = dirs.filter_map(|e| Some(e.ok()?.path())).collect();
    dirs.sort();
    for dir in dirs {
        let slug = dir
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = files.filter_map(|e| Some(e.ok()?.path())).collect();
        files.sort();
        if let Some(last) = files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .rfind(|p| p.file_stem().is_some_and(|s| s != "_index"))
        {
            let year = last.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            out.push((last.clone(), format!("/{slug}/{year}/index.html")));
        }
    }
    out
}

/// Set the report's inspections, saved as editors save: a temporary file
/// renamed over the report.
fn save_figure(path: &Path, value: usize) {
    let text = std::fs::read_to_string(path).expect("read the report");
    let line = format!("  inspections: {value}");
    let out = if text.contains("\n  inspections:") {
        text.lines()
            .map(|l| {
                if l.starts_with("  inspections:") {
                    line.as_str()
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    } else {
        text.replacen("\nmetrics:\n", &format!("\nmetrics:\n{line}\n"), 1)
    };
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, out).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = Vec::new();
    s.read_to_end(&mut body).ok()?;
    Some(String::from_utf8_lossy(&body).into_owned())
}

fn wait_for_page(addr: &str, page: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if get(addr, page).is_some_and(|b| b.contains(text)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("{page} never showed {text} (see the serve log beside the site)");
}

fn rebuilds(addr: &str) -> u64 {
    get(addr, "/__gongshi/state.json")
        .and_then(|b| {
            let i = b.find("\"rebuilds\":")? + "\"rebuilds\":".len();
            b[i..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn wait_for_rebuilds(addr: &str, at_least: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while rebuilds(addr) < at_least {
        assert!(Instant::now() < deadline, "no rebuild within 120 s");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn rss_mib(child: &Child, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
