//! Full-text search without a server: gongshi's own static index of every
//! report, built for Chinese, searched in the browser by
//! `assets/search.js`.
//!
//! Written by hand because nothing off the shelf fits: the index must be
//! static files, match Chinese typed without spaces (no word list knows
//! every local enforcement term, so it indexes characters and their pairs,
//! [`token`]), let a first search download a few kilobytes of a large
//! site, and be built in Rust inside the build, fast and byte for byte the
//! same whatever the thread count. (Pagefind, tried first, took 15 s and
//! 1.9 GB for 10,000 reports, and its Chinese word segmentation had to be
//! bypassed anyway: see the README.)
//!
//! What it writes (paths relative to the site root):
//! - `search/index.json`, the manifest: the version, the number of shards,
//!   and the reports by number (each township's slug, district and years;
//!   report numbers follow townships by slug, then years);
//! - `search/shards/<n>.bin`: posting lists, each token in the shard its
//!   hash picks ([`shard`]), so that a query downloads only the shards of
//!   its own tokens;
//! - `search/text/<slug>/<year>.json`: one report's text by section (title,
//!   figures, the body under each heading) with the section's anchor, for
//!   the excerpts and to check that a hit is the whole phrase; fetched only
//!   for the results shown ([`text_file`], written with the report's page);
//! - `search/t2s.txt`: the traditional-to-simplified table ([`fold`]).
//!
//! [`build_index`] is pure: the same records, in any order, give the same
//! bytes on any number of threads. `serve` can keep one [`Record`] per report
//! (`render::search::record_of` makes one) and call it again after an edit.

pub mod fold;
mod invert;
mod patch;
pub mod shard;
pub mod token;

use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Year;
pub use invert::Inverter;
pub use patch::patch_index;
use shard::Posting;
use token::Token;

/// The manifest's path.
pub const MANIFEST_PATH: &str = "search/index.json";

/// The average size of a shard the index aims at: a query downloads one
/// shard per token, so smaller shards mean less to download and more files.
pub const SHARD_TARGET_BYTES: usize = 16 * 1024;

/// The most shards an index has.
pub const MAX_SHARDS: usize = 1 << 16;

/// The most reports an index can number (a report's number shares 32 bits
/// with how often a token occurs in it while the index is built).
pub const MAX_REPORTS: usize = 1 << 24;

/// One report, as search sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    /// The township's slug: the report's page is `<slug>/<year>/index.html`.
    pub township: String,
    /// The year reported on.
    pub year: Year,
    /// The report's title.
    pub title: String,
    /// The township's name, as the site shows it.
    pub township_name: String,
    /// The township's district (empty when not stated).
    pub district: String,
    /// What is indexed, by part of the report page.
    pub sections: Vec<Section>,
}

/// A part of a report page: text under an anchor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The id of its heading on the report page; empty for the top of the page.
    pub id: String,
    /// The heading's text (empty for the top of the page).
    pub heading: String,
    /// The text: blocks (paragraphs, list items, table cells, figures) end
    /// with a line end.
    pub text: String,
}

/// Why the index could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError(pub String);

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "building the search index: {}", self.0)
    }
}

impl std::error::Error for SearchError {}

/// One file of the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexFile {
    /// Its path relative to the site root.
    pub path: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// The index of a site: its files, and its version (for the search page:
/// every file is fetched with `?v=<version>`, so that a browser never mixes
/// files of two builds from its cache).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// The manifest, the shards and the table, sorted by path.
    pub files: Vec<IndexFile>,
    /// A hash of the files' contents.
    pub version: String,
    /// What the index holds.
    pub stats: IndexStats,
}

/// What an index holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Reports indexed.
    pub reports: usize,
    /// Distinct tokens.
    pub tokens: usize,
    /// Reports listed, over all tokens.
    pub postings: usize,
    /// Shard files.
    pub shards: usize,
    /// Bytes of all shard files.
    pub shard_bytes: usize,
}

/// The folder of a township's reports' texts.
pub fn text_dir(township: &str) -> String {
    format!("search/text/{township}/")
}

/// Where a report's text is written.
pub fn text_path(township: &str, year: Year) -> String {
    format!("{}{year}.json", text_dir(township))
}

/// The folder of the shards.
pub const SHARDS_DIR: &str = "search/shards/";

/// A shard's path.
pub fn shard_path(n: usize) -> String {
    format!("{SHARDS_DIR}{n}.bin")
}

/// The report's text file: what the search page shows of a result and
/// checks a hit against. A JSON object: `title`, `township`, `district`,
/// `year`, `sections` (each `[id, heading, text]`), and `t2s: true` when
/// the text has characters that only the traditional-to-simplified table
/// folds (the browser then fetches it to find hits in the text).
pub fn text_file(record: &Record) -> IndexFile {
    #[derive(Serialize)]
    struct Text<'a> {
        title: &'a str,
        township: &'a str,
        district: &'a str,
        year: Year,
        sections: Vec<[&'a str; 3]>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        t2s: bool,
    }
    let text = Text {
        title: &record.title,
        township: &record.township_name,
        district: &record.district,
        year: record.year,
        sections: record
            .sections
            .iter()
            .map(|s| [s.id.as_str(), s.heading.as_str(), s.text.as_str()])
            .collect(),
        t2s: record
            .sections
            .iter()
            .any(|s| fold::needs_table(&s.heading) || fold::needs_table(&s.text)),
    };
    IndexFile {
        path: text_path(&record.township, record.year),
        bytes: serde_json::to_vec(&text).unwrap_or_default(),
    }
}

impl Record {
    /// The record a report's text file was written from ([`text_file`]):
    /// a build that renders only what an edit touches reads the other
    /// reports' records back from the previous output instead of rendering
    /// every report's body again. `None` if the bytes are not such a file.
    pub fn from_text_file(township: &str, year: Year, bytes: &[u8]) -> Option<Record> {
        #[derive(serde::Deserialize)]
        struct Text {
            title: String,
            township: String,
            district: String,
            year: Year,
            sections: Vec<[String; 3]>,
        }
        let text: Text = serde_json::from_slice(bytes).ok()?;
        (text.year == year).then(|| Record {
            township: township.to_string(),
            year,
            title: text.title,
            township_name: text.township,
            district: text.district,
            sections: text
                .sections
                .into_iter()
                .map(|[id, heading, text]| Section { id, heading, text })
                .collect(),
        })
    }
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: u8,
    version: &'a str,
    shards: usize,
    reports: usize,
    districts: &'a [&'a str],
    /// `[slug, district index, years]`, years as runs: `2019,2021+3` is
    /// 2019, 2021, 2022 and 2023.
    townships: &'a [(&'a str, usize, String)],
}

/// Years (ascending) as runs: `2019,2021+3`.
fn year_runs(years: &[Year]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while let Some(&start) = years.get(i) {
        let mut n = 1;
        while years.get(i + n).copied() == start.checked_add(Year::try_from(n).unwrap_or(0)) {
            n += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(&start.to_string());
        if n > 1 {
            out.push('+');
            out.push_str(&n.to_string());
        }
        i += n;
    }
    out
}

/// A report as the manifest numbers it: its township's slug, its year and
/// its district.
pub type Numbered = (String, Year, String);

/// The reports in index order (townships by slug, then years), each once.
pub fn numbering(mut reports: Vec<Numbered>) -> Vec<Numbered> {
    reports.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    reports.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    reports
}

/// Build the index of `records` (one per report; a report given twice is
/// indexed once). Parallel; the same bytes for the same records. The
/// records are dropped as they are indexed, so that their text and the
/// postings are not all in memory at once.
pub fn build_index(mut records: Vec<Record>) -> Result<Index, SearchError> {
    records.sort_by(|a, b| (&a.township, a.year).cmp(&(&b.township, b.year)));
    records.dedup_by(|a, b| a.township == b.township && a.year == b.year);
    // What the manifest needs of each report, in report order.
    let numbered: Vec<Numbered> = records
        .iter()
        .map(|r| (r.township.clone(), r.year, r.district.clone()))
        .collect();
    let inverter = Inverter::new(records.len());
    records
        .into_par_iter()
        .enumerate()
        .for_each(|(i, r)| inverter.add(i, r));
    index_of(&inverter, &numbered)
}

/// The index of the reports `numbered` (in index order, see [`numbering`]),
/// each of which `inverter` was given under its place in `numbered`: the
/// same bytes as [`build_index`] of their records. A build hands each
/// record to the inverter as it renders the report's page.
pub fn index_of(inverter: &Inverter, numbered: &[Numbered]) -> Result<Index, SearchError> {
    let reports = numbered.len();
    if reports >= MAX_REPORTS {
        return Err(SearchError(format!(
            "{reports} reports; an index holds fewer than {MAX_REPORTS}"
        )));
    }
    if inverter.reports() != reports {
        return Err(SearchError(format!(
            "{} reports given for {reports} numbered",
            inverter.reports()
        )));
    }
    let n = u32::try_from(reports).unwrap_or(u32::MAX);
    let encoded: Vec<(Token, Posting)> = invert::invert(inverter, |token, entries| {
        let list: Vec<(u32, u32)> = entries.map(|v| (v >> 8, v & 0xff)).collect();
        (token, shard::encode(&list, n))
    })
    .map_err(|missing| {
        let (township, year) = numbered
            .get(missing)
            .map_or(("?", 0), |r| (r.0.as_str(), r.1));
        SearchError(format!("the report of {township} {year} was not indexed"))
    })?;

    let total: usize = encoded
        .iter()
        .map(|(_, p)| entry_weight(p.bytes.len()))
        .sum();
    let shards = shard_count(total);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); shards];
    for (i, (t, _)) in encoded.iter().enumerate() {
        let (bytes, len) = token::token_bytes(t);
        if let Some(m) = members.get_mut(shard_of(bytes.get(..len).unwrap_or_default(), shards)) {
            m.push(i);
        }
    }
    let shard_files: Vec<IndexFile> = members
        .par_iter()
        .enumerate()
        .map(|(s, tokens)| {
            let mut bytes = vec![shard::FORMAT];
            for &i in tokens {
                if let Some((t, p)) = encoded.get(i) {
                    let (tb, len) = token::token_bytes(t);
                    shard::push_entry(&mut bytes, tb.get(..len).unwrap_or_default(), p);
                }
            }
            IndexFile {
                path: shard_path(s),
                bytes,
            }
        })
        .collect();
    let postings = encoded.iter().map(|(_, p)| p.count as usize).sum();
    Ok(finish(shard_files, numbered, encoded.len(), postings))
}

/// What a token's posting list weighs when the number of shards is chosen.
fn entry_weight(list_bytes: usize) -> usize {
    list_bytes + 20
}

/// As many shards as make them about [`SHARD_TARGET_BYTES`] each, for
/// posting lists that weigh `total` ([`entry_weight`]).
fn shard_count(total: usize) -> usize {
    total
        .div_ceil(SHARD_TARGET_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// The shard of a token (its UTF-8 bytes), of `shards` (a power of two).
fn shard_of(token: &[u8], shards: usize) -> usize {
    shard::fnv1a32(token) as usize & (shards - 1)
}

/// The manifest's list of the reports: the districts (sorted), and each
/// township's slug, district (its place in that list) and years as runs.
fn directory(numbered: &[Numbered]) -> (Vec<&str>, Vec<(&str, usize, String)>) {
    let mut districts: Vec<&str> = numbered.iter().map(|r| r.2.as_str()).collect();
    districts.sort_unstable();
    districts.dedup();
    let mut townships: Vec<(&str, usize, String)> = Vec::new();
    let mut i = 0;
    while let Some(first) = numbered.get(i) {
        let years: Vec<Year> = numbered
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|r| r.0 == first.0)
            .map(|r| r.1)
            .collect();
        let district = districts.binary_search(&first.2.as_str()).unwrap_or(0);
        i += years.len();
        townships.push((first.0.as_str(), district, year_runs(&years)));
    }
    (districts, townships)
}

/// The index of `shard_files` (in shard order) for the reports `numbered`
/// (in index order): the manifest, the table, the version and the stats.
fn finish(
    shard_files: Vec<IndexFile>,
    numbered: &[Numbered],
    tokens: usize,
    postings: usize,
) -> Index {
    let (districts, townships) = directory(numbered);
    let shards = shard_files.len();
    let mut hash = shard::FNV64_START;
    for f in &shard_files {
        hash = shard::fnv1a64(hash, &f.bytes);
    }
    let body = serde_json::to_vec(&(&districts, &townships)).unwrap_or_default();
    let version = format!("{:016x}", shard::fnv1a64(hash, &body));
    let manifest = Manifest {
        format: shard::FORMAT,
        version: &version,
        shards,
        reports: numbered.len(),
        districts: &districts,
        townships: &townships,
    };
    let stats = IndexStats {
        reports: numbered.len(),
        tokens,
        postings,
        shards,
        shard_bytes: shard_files.iter().map(|f| f.bytes.len()).sum(),
    };
    let mut files = shard_files;
    files.push(IndexFile {
        path: MANIFEST_PATH.to_string(),
        bytes: serde_json::to_vec(&manifest).unwrap_or_default(),
    });
    files.push(IndexFile {
        path: fold::TABLE_PATH.to_string(),
        bytes: fold::T2S.as_bytes().to_vec(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Index {
        files,
        version,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(township: &str, year: Year, text: &str) -> Record {
        Record {
            township: township.into(),
            year,
            title: format!("{township}{year}年度报告"),
            township_name: township.into(),
            district: "甲区".into(),
            sections: vec![
                Section {
                    id: String::new(),
                    heading: String::new(),
                    text: format!("{township}{year}年度报告\n"),
                },
                Section {
                    id: "一基本情况".into(),
                    heading: "一、基本情况".into(),
                    text: text.into(),
                },
            ],
        }
    }

    /// `n` reports, five years (2020–2024) of each township `t0000`,
    /// `t0001` …, report `i`'s text `text(i)`.
    fn five_years(n: usize, text: impl Fn(usize) -> String) -> Vec<Record> {
        (0..n)
            .map(|i| record(&format!("t{:04}", i / 5), 2020 + (i % 5) as Year, &text(i)))
            .collect()
    }

    #[test]
    fn a_record_reads_back_from_its_text_file() {
        let mut r = record("xinkou", 2023, "執法「检查」\"引号\"\n");
        r.sections[1].text.push_str("第二段\n");
        let file = text_file(&r);
        assert_eq!(Record::from_text_file("xinkou", 2023, &file.bytes), Some(r));
        // Another year's file, or no such file, is no record.
        assert_eq!(Record::from_text_file("xinkou", 2024, &file.bytes), None);
        assert_eq!(Record::from_text_file("xinkou", 2023, b"<html>"), None);
    }

    /// The reports (by number) whose postings hold `token`, decoded from
    /// the index's files as the browser does.
    fn lookup(index: &Index, token: &str) -> Option<Vec<u32>> {
        let file = |path: &str| &index.files.iter().find(|f| f.path == path).unwrap().bytes;
        let manifest: serde_json::Value = serde_json::from_slice(file(MANIFEST_PATH)).unwrap();
        let shards = manifest["shards"].as_u64().unwrap() as u32;
        let reports = manifest["reports"].as_u64().unwrap() as u32;
        let s = shard::fnv1a32(token.as_bytes()) & (shards - 1);
        let bytes = file(&shard_path(s as usize));
        assert_eq!(bytes[0], shard::FORMAT);
        let varint = |bytes: &[u8], at: &mut usize| {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let b = bytes[*at];
                *at += 1;
                v |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return v;
                }
            }
        };
        let mut at = 1;
        while at < bytes.len() {
            let len = bytes[at] as usize;
            let t = std::str::from_utf8(&bytes[at + 1..at + 1 + len]).unwrap();
            at += 1 + len;
            let form = bytes[at];
            at += 1;
            let count = varint(bytes, &mut at);
            let size = varint(bytes, &mut at) as usize;
            let list = &bytes[at..at + size];
            at += size;
            if t != token {
                continue;
            }
            let (mut i, mut next, mut docs) = (0, 0u64, Vec::new());
            match form {
                0 => {
                    while i < list.len() {
                        let v = varint(list, &mut i);
                        docs.push((next + (v >> 2)) as u32);
                        next += (v >> 2) + 1;
                    }
                }
                1 => {
                    docs = (0..reports)
                        .filter(|d| list[(d / 8) as usize] & (1 << (d % 8)) != 0)
                        .collect()
                }
                _ => {
                    let mut missing = Vec::new();
                    while i < list.len() {
                        let gap = varint(list, &mut i);
                        missing.push((next + gap) as u32);
                        next += gap + 1;
                    }
                    docs = (0..reports).filter(|d| !missing.contains(d)).collect();
                }
            }
            assert_eq!(docs.len() as u64, count, "{token}");
            return Some(docs);
        }
        None
    }

    #[test]
    fn every_token_of_every_report_is_found_in_its_shard() {
        let records: Vec<Record> = (0..300)
            .map(|i| {
                let what = ["占道经营", "电动车", "违法建设", "法制审核"][i % 4];
                record(
                    &format!("t{:03}", i / 3),
                    2020 + (i % 3) as Year,
                    &format!("开展{what}整治 {} 次，罚款 {},{:03} 元。\n", i, i, i % 1000),
                )
            })
            .collect();
        let index = build_index(records).unwrap();
        assert_eq!(index.stats.reports, 300);
        assert!(index.stats.shards > 1, "{:?}", index.stats);
        // Report numbers follow townships by slug, then years.
        let zd = lookup(&index, "占道").unwrap();
        assert_eq!(zd, (0..300).step_by(4).collect::<Vec<u32>>());
        assert_eq!(lookup(&index, "营").unwrap(), zd);
        // In every report: 行政 is not, 开展 is.
        assert_eq!(lookup(&index, "开展").unwrap().len(), 300);
        assert_eq!(lookup(&index, "行政"), None);
        // A number, and one written with digit grouping (299,299).
        assert_eq!(lookup(&index, "137").unwrap(), [137]);
        assert_eq!(lookup(&index, "299299").unwrap(), [299]);
        // The manifest lists the townships with their years and districts.
        let manifest: serde_json::Value = serde_json::from_slice(
            &index
                .files
                .iter()
                .find(|f| f.path == MANIFEST_PATH)
                .unwrap()
                .bytes,
        )
        .unwrap();
        assert_eq!(
            manifest["townships"][0],
            serde_json::json!(["t000", 0, "2020+3"])
        );
        assert_eq!(manifest["districts"], serde_json::json!(["甲区"]));
        assert_eq!(manifest["version"], index.version.as_str());
    }

    #[test]
    fn the_same_records_in_any_order_on_any_threads_give_the_same_files() {
        let records = five_years(500, |i| {
            format!("第{i}号 占道经营 {}", "电动车".repeat(i % 7))
        });
        let on = |threads: usize, records: &[Record]| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| build_index(records.to_vec()).unwrap())
        };
        let a = on(1, &records);
        let mut reversed = records.clone();
        reversed.reverse();
        // A report given twice is indexed once.
        reversed.push(records[3].clone());
        let b = on(3, &reversed);
        assert_eq!(a, b);
        let paths: Vec<&str> = a.files.iter().map(|f| f.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        assert!(paths.contains(&MANIFEST_PATH));
        assert!(paths.contains(&fold::TABLE_PATH));
    }

    #[test]
    fn records_handed_over_one_by_one_give_the_files_of_a_whole_build() {
        let records = five_years(2500, |i| format!("第{i}号 检查 {}", "罚款".repeat(i % 11)));
        let numbered: Vec<Numbered> = records
            .iter()
            .map(|r| (r.township.clone(), r.year, r.district.clone()))
            .collect();
        let whole = build_index(records.clone()).unwrap();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let streamed = pool.install(|| {
                let inverter = Inverter::new(records.len());
                // Out of order (a stride prime to the count), in parallel,
                // and one report given twice before the rest.
                inverter.add(7, records[7].clone());
                (0..records.len())
                    .into_par_iter()
                    .map(|k| k * 7919 % records.len())
                    .for_each(|i| inverter.add(i, records[i].clone()));
                index_of(&inverter, &numbered).unwrap()
            });
            assert_eq!(streamed, whole, "{threads} threads");
        }
        // A report not given is an error that names it.
        let inverter = Inverter::new(records.len());
        for (i, r) in records.iter().enumerate().filter(|(i, _)| *i != 1234) {
            inverter.add(i, r.clone());
        }
        let error = index_of(&inverter, &numbered).unwrap_err();
        assert!(error.0.contains("t0246 2024"), "{error}");
    }

    #[test]
    fn an_empty_site_gets_an_empty_index() {
        let index = build_index(Vec::new()).unwrap();
        assert_eq!(index.stats.shards, 1);
        assert!(index.files.iter().any(|f| f.path == shard_path(0)));
    }

    #[test]
    fn years_are_written_as_runs() {
        assert_eq!(year_runs(&[2019, 2021, 2022, 2023]), "2019,2021+3");
        assert_eq!(year_runs(&[2025]), "2025");
        assert_eq!(year_runs(&[]), "");
    }

    #[test]
    fn the_text_file_keeps_sections_and_says_when_it_needs_the_table() {
        let r = record("dongjie", 2023, "開展電動車違規停放專項整治\n");
        let f = text_file(&r);
        assert_eq!(f.path, "search/text/dongjie/2023.json");
        let v: serde_json::Value = serde_json::from_slice(&f.bytes).unwrap();
        assert_eq!(v["sections"][1][0], "一基本情况");
        assert_eq!(v["sections"][1][2], "開展電動車違規停放專項整治\n");
        assert_eq!(v["t2s"], true);
        let plain = text_file(&record("a", 2023, "电动车"));
        let v: serde_json::Value = serde_json::from_slice(&plain.bytes).unwrap();
        assert!(v.get("t2s").is_none());
    }
}
