//! Full-text search without a server: a Pagefind index of every report,
//! written into the site and searched in the browser.
//!
//! [`build_index`] is the whole API: given one [`Record`] per report (the
//! report page's path and a small HTML document of what to index), it returns
//! the files of the index, by path. It is pure and deterministic: the records
//! are given to Pagefind one by one in path order (its parallel steps keep
//! that order), so the same records give the same bytes whatever order they
//! come in and however many threads there are.
//! The build calls it once the pages are rendered
//! (`render::search::write_index`); `serve` can call it again after an edit.
//!
//! Pagefind (the Rust library, with its `extended` feature) segments Chinese
//! into words with ICU's dictionary and also indexes every pair of adjacent
//! characters, so a query typed without spaces finds its words; the browser
//! segments the query the same way (`Intl.Segmenter`). Before indexing, text
//! is folded ([`fold`]): full-width digits and letters to ASCII, traditional
//! characters to simplified ones; `assets/search.js` folds queries alike.

pub mod fold;

use std::fmt;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::model::Year;

/// Where the index is written, relative to the site root; a site split into
/// several indexes ([`plan`]) has the others beside it (`search/pagefind-2`…).
pub const BUNDLE_DIR: &str = "search/pagefind";

/// The most reports in one index. Pagefind holds every indexed word of
/// every page in memory while it builds (about 180 kB a report), and the
/// browser's first search downloads the index's page list (about 9 bytes a
/// report, compressed): at 10,000 reports one index takes about 1.9 GB to
/// build and a first search stays under 300 kB. A larger site is split by
/// years ([`plan`]); the search page then searches one range of years at a
/// time, chosen with a selector.
pub const MAX_REPORTS_PER_INDEX: usize = 10_000;

/// The language the index is built for: reports are Chinese documents, also
/// on a site with an English interface, so they are always segmented as
/// Chinese (English words in them are still found, unstemmed). `zh` rather
/// than `zh-cn`: the code prefixes every page's name in the index.
const LANGUAGE: &str = "zh";

/// The files of Pagefind's bundle that the search page uses. The rest
/// (Pagefind's own interfaces, the worker, the highlighter, the playground)
/// is not written.
fn wanted(name: &str) -> bool {
    matches!(name, "pagefind.js" | "pagefind-entry.json")
        || name.ends_with(".pf_meta")
        || (name.starts_with("wasm.") && name.ends_with(".pagefind"))
        || ["index/", "filter/", "fragment/"]
            .iter()
            .any(|dir| name.starts_with(dir))
}

/// One document to index: a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The report page's path in the output (`zhangjiawo/2023/index.html`);
    /// results link to it.
    pub url: String,
    /// The year reported on: a site too large for one index is split by
    /// years.
    pub year: Year,
    /// What Pagefind reads: an HTML document whose `data-pagefind-body`
    /// element holds the indexed text, with `data-pagefind-filter` and
    /// `data-pagefind-meta` elements (see the theme's
    /// `templates/search_record.html`). Headings with an `id` become the
    /// anchors of sub-results, so they must be the report page's ids.
    pub html: String,
}

/// One index of a site: a range of years.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    /// Its folder relative to the site root (`search/pagefind`).
    pub dir: String,
    /// The latest year it holds.
    pub to: Year,
    /// The earliest year it holds.
    pub from: Year,
    /// How many reports it holds.
    pub reports: usize,
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
    /// Its path relative to the site root (`search/pagefind/pagefind.js`).
    pub path: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// How the reports of these years are split into indexes: one index when
/// they fit in [`MAX_REPORTS_PER_INDEX`], else ranges of whole years, latest
/// first, each within the limit (a year larger than the limit on its own is
/// an index of its own). `years` is each record's year, in any order.
pub fn plan(years: &[Year]) -> Vec<Part> {
    plan_with(years, max_reports())
}

/// The most reports in one index: [`MAX_REPORTS_PER_INDEX`], or the
/// environment's `GONGSHI_SEARCH_MAX_REPORTS` (to try the split on a small
/// site).
pub fn max_reports() -> usize {
    std::env::var("GONGSHI_SEARCH_MAX_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(MAX_REPORTS_PER_INDEX)
}

/// [`plan`] with at most `max` reports in an index.
pub fn plan_with(years: &[Year], max: usize) -> Vec<Part> {
    let mut counts: Vec<(Year, usize)> = Vec::new();
    let mut sorted = years.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    for y in sorted {
        match counts.last_mut() {
            Some((last, n)) if *last == y => *n += 1,
            _ => counts.push((y, 1)),
        }
    }
    let mut parts: Vec<Part> = Vec::new();
    for (year, n) in counts {
        match parts.last_mut() {
            Some(p) if p.reports + n <= max => {
                p.from = year;
                p.reports += n;
            }
            _ => {
                let dir = match parts.len() {
                    0 => BUNDLE_DIR.to_string(),
                    k => format!("{BUNDLE_DIR}-{}", k + 1),
                };
                parts.push(Part {
                    dir,
                    to: year,
                    from: year,
                    reports: n,
                });
            }
        }
    }
    if parts.is_empty() {
        parts.push(Part {
            dir: BUNDLE_DIR.to_string(),
            to: 0,
            from: 0,
            reports: 0,
        });
    }
    parts
}

/// Build the index of `records`: its files, sorted by path. The indexes of
/// a split site ([`plan`]) are built in parallel; each is deterministic.
///
/// Blocks; call it from a thread that is not running an async runtime.
pub fn build_index(records: &[Record]) -> Result<Vec<IndexFile>, SearchError> {
    build_index_with(records, max_reports())
}

/// [`build_index`] with at most `max` reports in an index.
pub fn build_index_with(records: &[Record], max: usize) -> Result<Vec<IndexFile>, SearchError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(SearchError(
            "called from inside an async runtime; call it from a blocking thread".into(),
        ));
    }
    let mut sorted: Vec<&Record> = records.iter().collect();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    sorted.dedup_by(|a, b| a.url == b.url);
    let years: Vec<Year> = sorted.iter().map(|r| r.year).collect();
    let parts = plan_with(&years, max);
    let built: Vec<Vec<IndexFile>> = parts
        .par_iter()
        .map(|part| {
            let mine: Vec<&Record> = sorted
                .iter()
                .copied()
                .filter(|r| part.from <= r.year && r.year <= part.to)
                .collect();
            build_part(&mine, &part.dir)
        })
        .collect::<Result<_, _>>()?;
    let mut out: Vec<IndexFile> = built.into_iter().flatten().collect();
    out.push(IndexFile {
        path: fold::TABLE_PATH.to_string(),
        bytes: fold::T2S.as_bytes().to_vec(),
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// One index, of `records` (sorted by URL), into `dir`.
fn build_part(records: &[&Record], dir: &str) -> Result<Vec<IndexFile>, SearchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| SearchError(format!("starting the indexer: {e}")))?;
    let files = runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(LANGUAGE.to_string())
            .keep_index_url(true)
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| SearchError(e.to_string()))?;
        for r in records {
            index
                .add_html_file(None, Some(r.url.clone()), fold::fold(&r.html).into_owned())
                .await
                .map_err(|e| SearchError(format!("{}: {e}", r.url)))?;
        }
        index
            .get_files()
            .await
            .map_err(|e| SearchError(e.to_string()))
    })?;
    Ok(files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            wanted(&name).then(|| IndexFile {
                path: format!("{dir}/{name}"),
                bytes: f.contents,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, text: &str) -> Record {
        Record {
            url: url.into(),
            year: 2023,
            html: format!(
                "<html lang=\"zh-CN\"><body><main data-pagefind-body><h1>{text}</h1><p>{text}电动车</p></main></body></html>"
            ),
        }
    }

    #[test]
    fn the_same_records_in_any_order_give_the_same_files() {
        let records: Vec<Record> = (0..40)
            .map(|i| {
                record(
                    &format!("t{i}/2023/index.html"),
                    &format!("第{i}号 占道经营"),
                )
            })
            .collect();
        let a = build_index(&records).unwrap();
        let mut reversed = records.clone();
        reversed.reverse();
        // A record given twice is indexed once.
        reversed.push(records[3].clone());
        let b = build_index(&reversed).unwrap();
        assert_eq!(a, b);
        let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"search/pagefind/pagefind.js"), "{paths:?}");
        assert!(paths.contains(&"search/pagefind/pagefind-entry.json"));
        assert!(paths.contains(&fold::TABLE_PATH));
        assert_eq!(
            paths.iter().filter(|p| p.contains("/fragment/")).count(),
            40
        );
        // Pagefind's own interfaces are not written.
        assert!(!paths.iter().any(|p| p.contains("-ui")), "{paths:?}");
        assert!(!paths.iter().any(|p| p.contains("worker")), "{paths:?}");
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
    }

    #[test]
    fn an_empty_site_gets_an_empty_index() {
        let files = build_index(&[]).unwrap();
        assert!(
            files
                .iter()
                .any(|f| f.path.ends_with("pagefind-entry.json"))
        );
    }

    #[test]
    fn inside_an_async_runtime_it_is_an_error_not_a_panic() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let r = rt.block_on(async { build_index(&[record("a/2023/index.html", "x")]) });
        assert!(r.is_err());
    }

    #[test]
    fn a_large_site_is_split_by_whole_years_latest_first() {
        let years = |spec: &[(Year, usize)]| -> Vec<Year> {
            spec.iter()
                .flat_map(|&(y, n)| std::iter::repeat_n(y, n))
                .collect()
        };
        // Within the limit: one index, wherever the years are.
        let one = plan(&years(&[(2020, 10), (2025, 3)]));
        assert_eq!(
            one,
            [Part {
                dir: BUNDLE_DIR.into(),
                to: 2025,
                from: 2020,
                reports: 13
            }]
        );
        assert_eq!(plan(&[]).len(), 1);
        // 100,000 reports over 50 years: ranges of five years.
        let big = plan(&years(
            &(1976..=2025).map(|y| (y, 2_000)).collect::<Vec<_>>(),
        ));
        assert_eq!(big.len(), 10);
        assert_eq!(
            (big[0].to, big[0].from, big[0].reports),
            (2025, 2021, 10_000)
        );
        assert_eq!(big[1].dir, "search/pagefind-2");
        assert_eq!((big[9].to, big[9].from), (1980, 1976));
        // A year larger than the limit is an index of its own.
        let odd = plan(&years(&[(2025, MAX_REPORTS_PER_INDEX + 1), (2024, 5)]));
        assert_eq!(odd.len(), 2);
        assert_eq!((odd[1].to, odd[1].from, odd[1].reports), (2024, 2024, 5));
        // The order of the input does not matter.
        let mut shuffled = years(&[(2024, 6_000), (2025, 6_000), (2023, 1)]);
        shuffled.reverse();
        assert_eq!(
            plan(&shuffled),
            plan(&years(&[(2025, 6_000), (2024, 6_000), (2023, 1)]))
        );
    }

    #[test]
    fn a_split_site_gets_one_index_per_range_of_years() {
        let records: Vec<Record> = (0..12)
            .map(|i| Record {
                year: 2020 + i / 4,
                ..record(&format!("t{i}/{}/index.html", 2020 + i / 4), "电动车")
            })
            .collect();
        let files = build_index_with(&records, 5).unwrap();
        let entries: Vec<&str> = files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| p.ends_with("pagefind-entry.json"))
            .collect();
        assert_eq!(
            entries,
            [
                "search/pagefind-2/pagefind-entry.json",
                "search/pagefind-3/pagefind-entry.json",
                "search/pagefind/pagefind-entry.json"
            ]
        );
        // Each holds its years' reports: 2022 (4), 2021 (4), 2020 (4).
        for dir in [
            "search/pagefind/",
            "search/pagefind-2/",
            "search/pagefind-3/",
        ] {
            let fragments = files
                .iter()
                .filter(|f| f.path.starts_with(dir) && f.path.contains("/fragment/"))
                .count();
            assert_eq!(fragments, 4, "{dir}");
            assert!(files.iter().any(|f| f.path == format!("{dir}pagefind.js")));
        }
        assert_eq!(build_index_with(&records, 5).unwrap(), files);
    }
}
