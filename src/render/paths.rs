//! Where every page and file of the site is written: paths relative to the
//! output folder, `/`-separated. One function per kind of output, so that
//! the file tree answers "where does `data/2024.xlsx` come from?".

use crate::model::Year;

/// The home page.
pub fn home() -> String {
    "index.html".into()
}
/// A township's page.
pub fn township(slug: &str) -> String {
    format!("{slug}/index.html")
}
/// The townships index (the 乡镇 menu entry): every township, by district.
pub fn townships() -> String {
    "townships/index.html".into()
}
/// A report's page.
pub fn report(slug: &str, year: Year) -> String {
    format!("{slug}/{year}/index.html")
}
/// An attachment of a report.
pub fn attachment(slug: &str, year: Year, name: &str) -> String {
    format!("{slug}/{year}/{name}")
}
/// A year's summary page.
pub fn year(year: Year) -> String {
    format!("years/{year}/index.html")
}
/// The district-over-years page.
pub fn years() -> String {
    "years/index.html".into()
}
/// The open-data page.
pub fn data() -> String {
    "data/index.html".into()
}
/// The glossary page.
pub fn glossary() -> String {
    "glossary/index.html".into()
}
/// A term's entry on the glossary page (its anchor is the term's key).
pub fn glossary_entry(term: &str) -> String {
    format!("glossary/index.html#{term}")
}
/// The search page.
pub fn search() -> String {
    "search/index.html".into()
}
/// A report's text for search (written with the report's page).
pub fn search_text(slug: &str, year: Year) -> String {
    crate::search::text_path(slug, year)
}
/// The folder of the search index's shards.
pub const SEARCH_SHARDS: &str = crate::search::SHARDS_DIR;

/// The folder of a township's reports' texts for search.
pub fn search_texts(slug: &str) -> String {
    crate::search::text_dir(slug)
}
/// A year's download.
pub fn year_data(year: Year, ext: &str) -> String {
    format!("data/{year}.{ext}")
}
/// The all-data download.
pub fn all_data() -> String {
    "data/all.json".into()
}
/// A township's download.
pub fn township_data(slug: &str, ext: &str) -> String {
    format!("data/townships/{slug}.{ext}")
}
/// Page `page` (from 1) of a paged folder `dir/`: `dir/index.html`, then
/// `dir/page/<n>/index.html`.
fn paged(dir: &str, page: usize) -> String {
    if page <= 1 {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/page/{page}/index.html")
    }
}
/// Page `page` (from 1) of a district's page (`slug`: the district's
/// folder as written to disk; links percent-encode it with [`link`]).
pub fn district(slug: &str, page: usize) -> String {
    paged(&format!("districts/{slug}"), page)
}
/// Page `page` (from 1) of a district's summary of a year.
pub fn district_year(slug: &str, year: Year, page: usize) -> String {
    paged(&format!("districts/{slug}/{year}"), page)
}
/// A city's page.
pub fn city(slug: &str) -> String {
    format!("cities/{slug}/index.html")
}
/// A path as a link: each segment percent-encoded where it is not plain
/// ASCII (district and city folders keep their Chinese names on disk).
pub fn link(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
            {
                seg.to_string()
            } else {
                super::percent_encode(seg)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
/// How many folders deep a path is (for the `root` prefix).
pub fn depth(path: &str) -> usize {
    path.matches('/').count()
}
/// The prefix leading from a page at `path` back to the site root.
pub fn root_of(path: &str) -> String {
    "../".repeat(depth(path))
}
