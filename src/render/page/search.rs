//! The search page (`search/index.html`): a plain GET form with the
//! township, district and year filters, and every township and year to
//! browse. A site too large to list every township on one page
//! ([`Assembled::lists_every_township`](crate::assemble::Assembled::lists_every_township))
//! filters by district and year, and browses by district: a township is
//! still a filter from the address (`?township=<slug>`), and its district
//! page lists it. `assets/search.js` runs the search in the browser; without
//! JavaScript, or opened from disk (`file://`), the page says so and offers
//! the lists.

use serde::Serialize;
use tera::Context;

use crate::model::Year;
use crate::render::paths;
use crate::render::views::TownshipLink;

use super::*;

#[derive(Serialize)]
struct YearView {
    year: Year,
    path: String,
}

/// The browse list of one district.
#[derive(Serialize)]
struct District<'a> {
    name: &'a str,
    townships: Vec<&'a TownshipLink>,
}

/// The search page, for the index of version `version`.
pub fn search(c: &Common<'_>, version: &str) -> Context {
    let path = paths::search();
    let mut ctx = c.context(&path, c.w.get("search_title"), "search");
    // Districts that have townships, in display order (the assembled
    // list, which knows its townships: no search over them).
    let districts: Vec<&String> = c
        .asm
        .districts
        .iter()
        .filter(|d| !d.name.is_empty() && !d.townships.is_empty())
        .map(|d| &d.name)
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
    if c.asm.lists_every_township() {
        let townships: Vec<TownshipLink> = c
            .asm
            .order
            .iter()
            .filter_map(|&i| c.site.township_at(i))
            .map(|t| TownshipLink::new(t, c.w))
            .collect();
        // The browse list, by district (in display order).
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
        ctx.insert("every_township", &true);
        ctx.insert("by_district", &by_district);
        ctx.insert("townships", &townships);
    } else {
        let links: Vec<district::PlaceLink> = c
            .asm
            .districts
            .iter()
            .filter(|d| !d.townships.is_empty())
            .map(|d| district::district_link(c, d))
            .collect();
        ctx.insert("every_township", &false);
        ctx.insert("district_links", &links);
    }
    ctx.insert("districts", &districts);
    ctx.insert("years", &years);
    ctx.insert("search_version", version);
    ctx
}
