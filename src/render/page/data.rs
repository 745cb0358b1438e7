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

/// The open-data page.
pub fn data(
    c: &Common<'_>,
    years: Vec<DataRow>,
    townships: Vec<DataRow>,
    all: DataFile,
) -> Context {
    let mut ctx = c.context(&paths::data(), c.w.get("open_data"), "data");
    ctx.insert("year_files", &years);
    ctx.insert("township_files", &townships);
    ctx.insert("all_file", &all);
    ctx.insert("columns", &crate::render::download::COLUMNS);
    ctx
}
