//! The all-years page: totals over the years, with the coverage of every cell.

use serde::Serialize;
use tera::Context;

use crate::assemble::{self};
use crate::format::{coverage, coverage_short, labels};
use crate::model::Year;
use crate::render::paths;
use crate::render::views::{TotalView, TownshipLink};

use super::*;

/// The district-over-years page: every year's totals, each cell with how
/// many townships it counts, the townships each year counts, and a mark
/// where the townships counted differ from the year before — so no reader
/// takes a change in who reported for a change in what was done.
pub fn years(c: &Common<'_>) -> Context {
    let mut ctx = c.context(&paths::years(), c.w.get("all_years"), "years");
    let schema = &c.site.config.schema;
    #[derive(Serialize)]
    struct YearCell {
        #[serde(flatten)]
        total: TotalView,
        /// `2/3` when the total counts fewer townships than reported that
        /// year (the column's header says how many did); else nothing.
        coverage_note: Option<String>,
        set_changed: bool,
    }
    #[derive(Serialize)]
    struct YearRow {
        key: String,
        label: String,
        unit: String,
        group: String,
        cells: Vec<YearCell>,
    }
    #[derive(Serialize)]
    struct YearCol {
        year: Year,
        path: String,
        townships: Vec<TownshipLink>,
        coverage: String,
    }
    let mut any_changed = false;
    let rows: Vec<YearRow> = schema
        .ids()
        .zip(schema.metrics())
        .filter(|(id, _)| {
            c.asm.summaries.iter().any(|s| {
                s.totals
                    .get(id.index())
                    .is_some_and(|t| t.summed && t.reported > 0)
            })
        })
        .map(|(id, m)| {
            let (label, unit) = labels(m, c.lang);
            let sets: Vec<Vec<usize>> = c
                .asm
                .summaries
                .iter()
                .map(|s| assemble::reporting(c.site, s, id))
                .collect();
            let cells = c
                .asm
                .summaries
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let t = s.totals.get(id.index())?;
                    // Against the last earlier year anyone gave the figure.
                    let before = sets
                        .get(..i)
                        .and_then(|e| e.iter().rev().find(|s| !s.is_empty()));
                    let set_changed = before
                        .zip(sets.get(i))
                        .is_some_and(|(a, b)| a != b && !b.is_empty());
                    any_changed |= set_changed;
                    // Said once per column (the reporting row); a cell
                    // says it only where it counts fewer.
                    let coverage_note = (t.summed && t.reported > 0 && t.reported != s.reported())
                        .then(|| coverage_short(t.reported, t.of, c.w));
                    Some(YearCell {
                        total: TotalView::new(t, m, c.w),
                        coverage_note,
                        set_changed,
                    })
                })
                .collect::<Vec<_>>();
            // The latest year first: on a phone it is the one in view.
            let cells = cells.into_iter().rev().collect();
            YearRow {
                key: m.key.clone(),
                label,
                unit,
                group: schema
                    .group(m.group)
                    .map(|g| group_label(g, c.lang))
                    .unwrap_or_default(),
                cells,
            }
        })
        .collect();
    let years: Vec<YearCol> = c
        .asm
        .summaries
        .iter()
        .rev()
        .map(|s| YearCol {
            year: s.year,
            path: paths::year(s.year),
            townships: if !c.asm.lists_every_township() {
                Vec::new()
            } else {
                s.rows
                    .iter()
                    .filter(|r| r.report.is_some())
                    .filter_map(|r| c.site.township_at(r.township))
                    .map(|t| TownshipLink::new(t, c.w))
                    .collect()
            },
            coverage: coverage(s.reported(), s.rows.len(), c.w),
        })
        .collect();
    ctx.insert("years", &years);
    // A site laid out by district names no township here (thousands):
    // the year pages and the district pages do.
    ctx.insert("by_district", &!c.asm.lists_every_township());
    ctx.insert("rows", &rows);
    ctx.insert("any_changed", &any_changed);
    let mut words = FigureWords::default();
    for cell in rows.iter().flat_map(|r| &r.cells) {
        words.total(&cell.total, cell.coverage_note.is_some());
        if cell.set_changed {
            words.set_changed();
        }
    }
    words.coverage();
    ctx.insert("terms", &words.legend(c.w));
    ctx.insert("all_data", &"data/all.json");
    ctx
}
