//! The open-data page: every download, with its size.

use serde::Serialize;
use tera::Context;

use crate::render::paths;

use super::*;

/// A file on the open-data page.
#[derive(Serialize)]
pub struct DataFile {
    /// Path.
    pub path: String,
    /// Format (CSV, XLSX, JSON).
    pub format: &'static str,
    /// Size for people.
    pub size: String,
}

/// A row of the open-data page.
#[derive(Serialize)]
pub struct DataRow {
    /// What it covers (a year, a township).
    pub label: String,
    /// Its files.
    pub files: Vec<DataFile>,
}

/// A year's formats.
const ALL_FORMATS: &[(&str, &str)] = &[("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON")];

/// The open-data page: every download, with its size (`sizes` gives the
/// size of an output file by path).
pub fn data(c: &Common<'_>, sizes: &dyn Fn(&str) -> Option<u64>) -> Context {
    let files =
        |formats: &[(&str, &'static str)], make: &dyn Fn(&str) -> String| -> Vec<DataFile> {
            formats
                .iter()
                .copied()
                .map(|(ext, format)| {
                    let path = make(ext);
                    DataFile {
                        size: sizes(&path).map(crate::format::size).unwrap_or_default(),
                        path,
                        format,
                    }
                })
                .collect()
        };
    let years: Vec<DataRow> = c
        .asm
        .summaries
        .iter()
        .map(|s| DataRow {
            label: c.w.fill("year_label_fmt", &[("year", &s.year.to_string())]),
            files: files(ALL_FORMATS, &|ext| paths::year_data(s.year, ext)),
        })
        .collect();
    // A site laid out by district lists the districts: each township's
    // downloads are on its page, three links from here.
    let listed: &[usize] = if !c.asm.lists_every_township() {
        &[]
    } else {
        &c.asm.order
    };
    let townships: Vec<DataRow> = listed
        .iter()
        .filter_map(|&ti| c.site.township_at(ti))
        .map(|t| DataRow {
            label: crate::render::views::township_name(t, c.lang),
            files: files(&[("csv", "CSV")], &|ext| paths::township_data(&t.slug, ext)),
        })
        .collect();
    let all_path = paths::all_data();
    let all = DataFile {
        size: sizes(&all_path)
            .map(crate::format::size)
            .unwrap_or_default(),
        path: all_path,
        format: "JSON",
    };
    let mut ctx = c.context(&paths::data(), c.w.get("open_data"), "data");
    ctx.insert("year_files", &years);
    ctx.insert("township_files", &townships);
    ctx.insert("all_file", &all);
    ctx.insert("columns", &crate::render::download::COLUMNS);
    if !c.asm.lists_every_township() {
        ctx.insert("place_groups", &super::district::place_groups(c));
    }
    ctx
}
