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

/// Where the index is written, relative to the site root.
pub const BUNDLE_DIR: &str = "search/pagefind";

/// The language the index is built for: reports are Chinese documents, also
/// on a site with an English interface, so they are always segmented as
/// Chinese (English words in them are still found, unstemmed).
const LANGUAGE: &str = "zh-cn";

/// The files of Pagefind's bundle that the search page uses. The rest
/// (Pagefind's own interfaces, the highlighter, the playground) is not
/// written.
fn wanted(name: &str) -> bool {
    matches!(
        name,
        "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json"
    ) || name.ends_with(".pf_meta")
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
    /// What Pagefind reads: an HTML document whose `data-pagefind-body`
    /// element holds the indexed text, with `data-pagefind-filter` and
    /// `data-pagefind-meta` elements (see the theme's
    /// `templates/search_record.html`). Headings with an `id` become the
    /// anchors of sub-results, so they must be the report page's ids.
    pub html: String,
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

/// Build the index of `records`: its files, sorted by path.
///
/// Blocks; call it from a thread that is not running an async runtime.
pub fn build_index(records: &[Record]) -> Result<Vec<IndexFile>, SearchError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(SearchError(
            "called from inside an async runtime; call it from a blocking thread".into(),
        ));
    }
    let mut sorted: Vec<&Record> = records.iter().collect();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    sorted.dedup_by(|a, b| a.url == b.url);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| SearchError(format!("starting the indexer: {e}")))?;
    let files = runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(LANGUAGE.to_string())
            .keep_index_url(true)
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| SearchError(e.to_string()))?;
        for r in sorted {
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
    let mut out: Vec<IndexFile> = files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            wanted(&name).then(|| IndexFile {
                path: format!("{BUNDLE_DIR}/{name}"),
                bytes: f.contents,
            })
        })
        .collect();
    out.push(IndexFile {
        path: fold::TABLE_PATH.to_string(),
        bytes: fold::T2S.as_bytes().to_vec(),
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, text: &str) -> Record {
        Record {
            url: url.into(),
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
}
