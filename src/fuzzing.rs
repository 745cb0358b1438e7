//! Entry points for fuzzing: the cargo-fuzz targets in `fuzz/` call these,
//! and an ordinary test replays the committed corpus through them, so the
//! targets cannot rot. Each takes arbitrary bytes and must never panic.

use std::sync::OnceLock;

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::i18n::Lang;
use crate::parse;
use crate::render::{Renderer, Theme};
use crate::site::Site;
use crate::source;

fn render_all(diags: &[Diagnostic]) {
    for lang in Lang::ALL {
        for d in diags {
            let _ = diagnostic::render_human(d, lang, false);
            let _ = diagnostic::render_short(d, lang);
        }
        let _ = diagnostic::to_json(diags, lang);
    }
}

/// Front matter and figures: decode, split, read YAML, check every field,
/// as a report and as a township profile, and word every diagnostic.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = source::decode(data.to_vec()) else {
        return;
    };
    let config = Config::builtin();
    let (_, d) = parse::report_text(
        "fuzz",
        2025,
        text.clone(),
        Vec::new(),
        "content/fuzz/2025.md",
        &config,
    );
    render_all(&d);
    let (_, d) = parse::township_text("fuzz", text, "content/fuzz/_index.md", &config);
    render_all(&d);
}

fn renderer() -> Option<&'static Renderer> {
    static RENDERER: OnceLock<Option<Renderer>> = OnceLock::new();
    RENDERER
        .get_or_init(|| Renderer::new(&Theme::builtin(), Lang::Zh).ok())
        .as_ref()
}

/// The whole path from a file to a page: parse the file as a report of a
/// township, assemble a one-township site, and render its report, township
/// and year pages and downloads.
pub fn file_to_page(data: &[u8]) {
    let Ok(text) = source::decode(data.to_vec()) else {
        return;
    };
    let config = Config::builtin();
    let profile = source::Text {
        text: std::sync::Arc::from("---\nname: 模糊镇\n---\n"),
        decoded_from: None,
    };
    let (Some(township), _) =
        parse::township_text("fuzz", profile, "content/fuzz/_index.md", &config)
    else {
        return;
    };
    let (report, d) = parse::report_text(
        "fuzz",
        2025,
        text,
        Vec::new(),
        "content/fuzz/2025.md",
        &config,
    );
    render_all(&d);
    let Some(report) = report else { return };
    let site = Site::from_parts(config, vec![township], vec![report]);
    let Some(renderer) = renderer() else { return };
    // The real rendering path, into memory.
    let asm = crate::assemble::assemble(&site);
    let _ = crate::render::render_site(
        &site,
        &asm,
        renderer,
        &crate::write::Memory::default(),
        &|| {},
    );
}
