//! The townships index (the header's 乡镇 entry): every township with its
//! enforcement body, its reports by year and the status of the latest year,
//! by district when the site has several.
//!
//! Its size grows with the number of townships and reports, once: no other
//! page lists every township, so the header can link here from every page.

use serde::Serialize;
use tera::Context;

use crate::model::Year;
use crate::render::paths;
use crate::render::views::{StatusView, TownshipLink};

use super::*;

#[derive(Serialize)]
struct Entry {
    township: TownshipLink,
    enforcement_body: Option<String>,
    /// The township's reports, latest first.
    reports: Vec<YearLink>,
    /// The status of the latest year the site speaks about.
    latest: Option<StatusView>,
}

#[derive(Serialize)]
struct District {
    /// The district's name; empty for townships without one.
    name: String,
    /// `district-<n>`, for the heading's id.
    id: String,
    /// The district's page, on a site laid out by district.
    path: Option<String>,
    townships: Vec<Entry>,
}

/// The townships index page.
pub fn townships(c: &Common<'_>) -> Context {
    let mut ctx = c.context(&paths::townships(), c.w.get("townships"), "townships");
    if !c.asm.lists_every_township() {
        // One list per district, on the district's pages: here, the districts.
        ctx.insert("place_groups", &district::place_groups(c));
        ctx.insert(
            "count",
            &c.w.fill(
                "township_count_fmt",
                &[("n", &c.site.townships.len().to_string())],
            ),
        );
        ctx.insert("districts", &Vec::<District>::new());
        ctx.insert("by_district", &true);
        ctx.insert("legend", &Vec::<StatusView>::new());
        ctx.insert("latest_year", &c.asm.years.last());
        return ctx;
    }
    let latest_year: Option<Year> = c.asm.years.last().copied();
    let mut districts: Vec<District> = Vec::new();
    let mut statuses = Vec::new();
    for &ti in &c.asm.order {
        let Some(t) = c.site.township_at(ti) else {
            continue;
        };
        let reports: Vec<YearLink> = c
            .asm
            .by_township
            .get(ti)
            .into_iter()
            .flatten()
            .rev()
            .filter_map(|&i| c.site.report_at(i))
            .map(YearLink::report)
            .collect();
        let latest = latest_year.map(|y| c.asm.status(c.site, ti, y));
        statuses.extend(latest);
        let entry = Entry {
            township: TownshipLink::new(t, c.w),
            enforcement_body: t.enforcement_body.clone(),
            reports,
            latest: latest.map(|s| StatusView::new(s, c.w)),
        };
        // `order` is by district: a new district starts a new list.
        let name = t.district.clone().unwrap_or_default();
        match districts.last_mut() {
            Some(d) if d.name == name => d.townships.push(entry),
            _ => districts.push(District {
                path: c
                    .asm
                    .by_district
                    .then(|| c.asm.districts.iter().find(|d| d.name == name))
                    .flatten()
                    .map(|d| paths::link(&paths::district(&d.slug, 1))),
                id: format!("district-{}", districts.len() + 1),
                name,
                townships: vec![entry],
            }),
        }
    }
    ctx.insert("districts", &districts);
    ctx.insert("by_district", &c.asm.multi_district);
    ctx.insert("latest_year", &latest_year);
    ctx.insert(
        "count",
        &c.w.fill(
            "township_count_fmt",
            &[("n", &c.site.townships.len().to_string())],
        ),
    );
    ctx.insert("legend", &legend(c, statuses));
    ctx
}
