//! What each part of a full build costs: a full build of a site, as
//! `gongshi build --full` makes it, with some of its outputs left out.
//! `bench/cost.sh` runs each variant in turn and compares them; the
//! difference between two variants is what the part left out costs.
//!
//! `cargo run --release --example cost -- <site> <variant>`
//!
//! | variant | what it writes into `<site>/public/` |
//! |---|---|
//! | `all` | everything, as `gongshi build --full` |
//! | `no-index` | all but the search index (each report's search text stays: its page writes it) |
//! | `no-downloads` | all but the CSV, XLSX and JSON downloads |
//! | `pages` | the pages (and each report's search text) alone |
//! | `load` | nothing: the site read and checked |
//!
//! The build is the library's, with the same renderer, assembly and
//! atomic staging as the command; only the list of targets differs. No
//! build cache is written. Nothing here is a test: it measures.

use std::path::PathBuf;

use gongshi::render::{Renderer, Target, render, targets};
use gongshi::site::{LoadOptions, Site};
use gongshi::write::Staging;

// The allocator of the `gongshi` command, so that the variants cost what
// the command's build does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(variant)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: cost <site> all|no-index|no-downloads|pages|load");
        std::process::exit(2);
    };
    let keep: fn(&Target) -> bool = match variant.as_str() {
        "all" => |_| true,
        "no-index" => |t| *t != Target::Search,
        "no-downloads" => |t| !t.is_download(),
        "pages" => |t| !t.is_download() && *t != Target::Search,
        "load" => |_| false,
        other => {
            eprintln!("unknown variant {other}");
            std::process::exit(2);
        }
    };
    let root = PathBuf::from(root);
    let site = Site::load(&LoadOptions {
        root: root.clone(),
        base_url: None,
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        as_of: None,
        drafts: false,
    })
    .unwrap_or_else(|e| fail(&format!("{:?}", e.0)));
    if site.has_errors() {
        fail("the site has errors: run gongshi check");
    }
    if variant == "load" {
        return;
    }
    let theme = gongshi::render::theme::Theme::load(&root, &site.config.theme)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let renderer =
        Renderer::new(&theme, site.config.language).unwrap_or_else(|e| fail(&format!("{e:?}")));
    let assembled = gongshi::assemble::assemble(&site);
    let kept: Vec<Target> = targets(&site, &assembled)
        .into_iter()
        .filter(keep)
        .collect();
    let output = root.join("public");
    let staging = Staging::begin(&root, &output).unwrap_or_else(|e| fail(&format!("{e:?}")));
    let stats = render(
        &site,
        &assembled,
        &renderer,
        &kept,
        &staging,
        &gongshi::render::NoPrior,
        &|| {},
    )
    .unwrap_or_else(|e| fail(&format!("{e:?}")));
    staging.commit().unwrap_or_else(|e| fail(&format!("{e:?}")));
    eprintln!("{variant}: {} files", stats.files);
    for (phase, took) in &stats.phases {
        eprintln!("  {phase:<24} {:>8.3} s", took.as_secs_f64());
    }
}

fn fail(why: &str) -> ! {
    eprintln!("cost: {why}");
    std::process::exit(1);
}
