//! Stage benches: parse, check, Markdown, render, write.
//!
//! ```text
//! cargo bench --bench stages                 # all
//! cargo bench --bench stages -- render       # one group
//! ```
//!
//! The input is the bundled sample site (`content/`, `gongshi.yaml`): real
//! reports, not generated ones. Only the library's public API is used, so
//! some stages are measured through the nearest public entry:
//! - **parse**: `parse::report_text` on one report (decode already done):
//!   front matter split, YAML, every figure, field checks, and the
//!   personal-data scan of the file.
//! - **check**: the validation of totals, rates and dates is private
//!   (`validate`); it is measured as `Site::load` of the whole sample site
//!   (discover, read, parse, validate, cross-file checks), beside
//!   `pii::scan` of one report's text (the personal-data check alone).
//! - **markdown**: the Markdown renderer is private (`markdown`); it is
//!   measured as one report page rendered with its body, beside the same
//!   page rendered without a body (`render/report_page_no_body`): the
//!   difference is the Markdown (and the larger page it makes).
//! - **render**: single pages rendered into memory (`render::render` with
//!   one target and a `write::Memory`): a report page, a township page, the
//!   home page.
//! - **write**: `build::build` of the sample site into a temporary folder:
//!   a first build (fresh output) and a second build over the unchanged
//!   output (render, write, swap into place).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use gongshi::config::Config;
use gongshi::i18n::Lang;
use gongshi::model::{Report, Township};
use gongshi::render::{Renderer, Target, Theme};
use gongshi::site::{LoadOptions, Site};
use gongshi::source::Text;
use std::hint::black_box;

const REPORT: &str = include_str!("../content/xinkou/2025.md");
const PROFILE: &str = include_str!("../content/xinkou/_index.md");
const REL: &str = "content/xinkou/2025.md";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(s: &str) -> Text {
    Text {
        text: Arc::from(s),
        decoded_from: None,
    }
}

fn config() -> Config {
    let (config, _) = gongshi::config::load(&root()).expect("the sample's gongshi.yaml");
    config
}

fn report(config: &Config, source: &str) -> Report {
    let (report, diags) =
        gongshi::parse::report_text("xinkou", 2025, text(source), Vec::new(), REL, config);
    report.unwrap_or_else(|| panic!("the sample report parses: {diags:?}"))
}

fn township(config: &Config) -> Township {
    let (t, diags) =
        gongshi::parse::township_text("xinkou", text(PROFILE), "content/xinkou/_index.md", config);
    t.unwrap_or_else(|| panic!("the sample profile parses: {diags:?}"))
}

/// The report's front matter alone (no body).
fn front_matter_only(source: &str) -> String {
    let end = source[4..].find("\n---\n").expect("closed front matter") + 4 + 5;
    source[..end].to_string()
}

fn load_options() -> LoadOptions {
    LoadOptions {
        root: root(),
        as_of: Some(jiff::civil::date(2026, 3, 1)),
        ..LoadOptions::default()
    }
}

/// Render `target` of `site` into memory; the bytes written.
fn render_one(site: &Site, renderer: &Renderer, target: Target) -> usize {
    let asm = gongshi::assemble::assemble(site);
    let out = gongshi::write::Memory::default();
    gongshi::render::render(
        site,
        &asm,
        renderer,
        &[target],
        &out,
        &gongshi::render::NoPrior,
        &|| {},
    )
    .expect("renders");
    out.into_files().values().map(Vec::len).sum()
}

fn parse(c: &mut Criterion) {
    let config = config();
    c.bench_function("parse/report_front_matter", |b| {
        b.iter(|| {
            gongshi::parse::report_text(
                "xinkou",
                2025,
                text(black_box(REPORT)),
                Vec::new(),
                REL,
                &config,
            )
        })
    });
}

fn check(c: &mut Criterion) {
    let options = load_options();
    c.bench_function("check/load_sample_site", |b| {
        b.iter(|| Site::load(black_box(&options)).expect("the sample site"))
    });
    c.bench_function("check/pii_scan_report", |b| {
        b.iter(|| gongshi::pii::scan(black_box(REPORT), &[]))
    });
}

fn markdown_and_render(c: &mut Criterion) {
    let config = config();
    let renderer = Renderer::new(&Theme::builtin(), Lang::Zh).expect("the built-in theme");
    let with_body = Site::from_parts(
        config.clone(),
        vec![township(&config)],
        vec![report(&config, REPORT)],
    );
    let no_body = Site::from_parts(
        config.clone(),
        vec![township(&config)],
        vec![report(&config, &front_matter_only(REPORT))],
    );
    let page = || Target::Report("xinkou".to_string(), 2025);
    c.bench_function("markdown/report_page_with_body", |b| {
        b.iter(|| render_one(&with_body, &renderer, page()))
    });
    c.bench_function("render/report_page_no_body", |b| {
        b.iter(|| render_one(&no_body, &renderer, page()))
    });
    let sample = Site::load(&load_options()).expect("the sample site");
    c.bench_function("render/township_page", |b| {
        b.iter(|| {
            render_one(
                &sample,
                &renderer,
                Target::Township("zhangjiawo".to_string()),
            )
        })
    });
    c.bench_function("render/home_page", |b| {
        b.iter(|| render_one(&sample, &renderer, Target::Home))
    });
}

fn write(c: &mut Criterion) {
    let site = Site::load(&load_options()).expect("the sample site");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fresh = |n: usize| -> PathBuf { dir.path().join(format!("fresh-{n}")) };
    let mut n = 0;
    c.bench_function("write/build_sample_fresh_output", |b| {
        b.iter(|| {
            n += 1;
            let out = fresh(n);
            gongshi::build::build(&site, &out, &|| {}).expect("builds");
            out
        })
    });
    let out: &Path = &dir.path().join("public");
    gongshi::build::build(&site, out, &|| {}).expect("builds");
    c.bench_function("write/build_sample_over_unchanged_output", |b| {
        b.iter(|| gongshi::build::build(&site, black_box(out), &|| {}).expect("builds"))
    });
}

criterion_group!(stages, parse, check, markdown_and_render, write);
criterion_main!(stages);
