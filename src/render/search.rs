//! The search page and the search index of the site.
//!
//! Each report page, once rendered, also gives its search record: the
//! theme's `search_record.html` rendered with the report page's own context
//! (the same title, figures, body HTML and heading ids). When every page is
//! written, [`write_index`] turns the records into the Pagefind index
//! ([`crate::search::build_index`]) inside the same output, so the index is
//! published only with a build that succeeded, atomically with it.
//!
//! The search page (`search/index.html`) is a plain GET form with the
//! township, district and year lists; `assets/search.js` runs the search in
//! the browser. Without JavaScript, or opened from disk (`file://`), the
//! page says so and offers the township and year lists.

use serde::Serialize;
use tera::Context;

use super::page::Common;
use super::paths;
use super::views::TownshipLink;
use super::{RenderError, Renderer};
use crate::diagnostic::Diagnostic;
use crate::model::Year;
use crate::search::{self, Record};
use crate::write::{Output, OutputError};

/// The search page's path.
pub fn page_path() -> String {
    "search/index.html".into()
}

/// The search record of the report of `year` whose page is at `path`, from
/// the page's context.
pub fn record(
    renderer: &Renderer,
    ctx: &Context,
    path: &str,
    year: Year,
) -> Result<Record, Box<Diagnostic>> {
    Ok(Record {
        url: path.to_string(),
        year,
        html: renderer.render("search_record.html", ctx)?,
    })
}

#[derive(Serialize)]
struct YearView {
    year: Year,
    path: String,
}

/// An option of a filter: shown as written, valued as indexed.
#[derive(Serialize)]
struct FilterOption {
    label: String,
    value: String,
}

/// One index of a site split by years, as the search page offers it.
#[derive(Serialize)]
struct PartView {
    /// The index folder relative to the search page (`pagefind/`).
    bundle: String,
    /// `2021–2025`
    label: String,
    from: Year,
    to: Year,
}

/// The search page, for a site whose reports are of `years` (one per
/// report: how the index is split, [`search::plan`]).
pub fn page(c: &Common<'_>, report_years: &[Year]) -> Context {
    let path = page_path();
    let mut ctx = c.context(&path, c.w.get("search_title"), "search");
    let townships: Vec<TownshipLink> = c
        .asm
        .order
        .iter()
        .filter_map(|&i| c.site.townships.get(i))
        .map(|t| TownshipLink::new(t, c.w))
        .collect();
    // Districts that have townships, in the config's order.
    let districts: Vec<&String> = c
        .site
        .config
        .districts
        .iter()
        .filter(|d| townships.iter().any(|t| &t.district == *d))
        .collect();
    let years: Vec<YearView> = c
        .asm
        .years
        .iter()
        .rev()
        .map(|&year| YearView {
            year,
            path: paths::year(year),
        })
        .collect();
    // The browse list, by district (in display order).
    #[derive(Serialize)]
    struct District<'a> {
        name: &'a str,
        townships: Vec<&'a TownshipLink>,
    }
    let mut by_district: Vec<District<'_>> = Vec::new();
    for t in &townships {
        match by_district.last_mut() {
            Some(d) if d.name == t.district => d.townships.push(t),
            _ => by_district.push(District {
                name: &t.district,
                townships: vec![t],
            }),
        }
    }
    ctx.insert("by_district", &by_district);
    // The filters' values are as the index holds them: folded (a township
    // named in traditional characters is filtered by its simplified name).
    let option = |label: &str| FilterOption {
        label: label.to_string(),
        value: search::fold::fold(label).into_owned(),
    };
    let township_options: Vec<FilterOption> = townships.iter().map(|t| option(&t.name)).collect();
    let district_options: Vec<FilterOption> = districts.iter().map(|d| option(d)).collect();
    ctx.insert("township_options", &township_options);
    ctx.insert("district_options", &district_options);
    ctx.insert("townships", &townships);
    ctx.insert("districts", &districts);
    ctx.insert("years", &years);
    let parts: Vec<PartView> = search::plan(report_years)
        .into_iter()
        .map(|p| PartView {
            bundle: format!("{}/", p.dir.strip_prefix("search/").unwrap_or(&p.dir)),
            label: if p.from == p.to {
                p.to.to_string()
            } else {
                format!("{}–{}", p.from, p.to)
            },
            from: p.from,
            to: p.to,
        })
        .collect();
    ctx.insert("parts", &parts);
    ctx
}

/// Build the index of `records` and write it into `out`; the number of
/// files written.
pub fn write_index(records: &[Record], out: &dyn Output) -> Result<usize, RenderError> {
    let files = search::build_index(records).map_err(|e| {
        RenderError::Output(OutputError::Io {
            action: "building the search index".into(),
            error: std::io::Error::other(e.0),
        })
    })?;
    for f in &files {
        out.write(&f.path, &f.bytes)?;
    }
    Ok(files.len())
}
