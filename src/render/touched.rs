//! What an edit touches: the targets to render again after some files of
//! the site were read again.
//!
//! Each rule follows from what a page reads:
//! - a report page reads its report, its township, and the township's
//!   previous and next reports (changes, neighbours);
//! - a township page and a township's downloads read the township and all
//!   its reports;
//! - a year page and a year's downloads read every township's report for
//!   that year and each one's previous report (changes), so a report feeds
//!   its own year and the year of the township's next report;
//! - a district's summary of a year reads that year's rows (ranked among
//!   every township's), so a touched year touches every district's
//!   summary of it; a district's page reads its townships' statuses and
//!   the latest year (ranks again); a city's page reads the latest year;
//! - the home page, the all-years page, the data page (the downloads'
//!   sizes), `all.json`, the feed, the sitemap and the search index read
//!   everything.
//!
//! Anything that changes the frame of every page — the config, the theme,
//! the status date, the drafts shown, the list of years or of townships,
//! their order, a township's name, district or coverage — touches
//! everything. The property test in `tests/serve.rs` checks these rules:
//! after any sequence of edits, rendering what they touch gives the same
//! files as a full build.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::assemble::Assembled;
use crate::model::{Township, Year};
use crate::site::Site;

use super::Target;

/// What to render again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// Everything: render the whole site.
    Everything,
    /// Some targets.
    Some {
        /// The pages closest to the edit (the township's pages), rendered
        /// first so that the page being edited is served at once.
        first: Vec<Target>,
        /// Everything else the edit feeds (summaries, downloads, feed).
        then: Vec<Target>,
        /// Output folders that belong to the touched townships only
        /// (`<slug>/`, `search/text/<slug>/`): dropped before the targets are rendered again, so
        /// a deleted report's page goes. (A township itself going changes
        /// the list of townships, which touches everything.)
        owned_by: Vec<String>,
    },
}

/// A site and its summaries, before or after an edit.
pub type State<'a> = (&'a Site, &'a Assembled);

/// What rendering again must cover after the files `read` (relative to
/// the site root) were read again, going from `before` to `after`.
pub fn touched(before: State<'_>, after: State<'_>, read: &[PathBuf]) -> Touched {
    let ((b, ba), (a, aa)) = (before, after);
    let frame_changed = b.as_of != a.as_of
        || b.with_drafts != a.with_drafts
        || b.config.language != a.config.language
        || ba.years != aa.years
        || ba.order != aa.order
        || ba.multi_district != aa.multi_district
        || ba.by_district != aa.by_district
        || ba.districts != aa.districts
        || ba.cities != aa.cities
        || ba.coverage != aa.coverage
        || !same_townships(b, a);
    if frame_changed {
        return Touched::Everything;
    }
    let mut slugs: BTreeSet<&str> = BTreeSet::new();
    let mut years: BTreeSet<Year> = BTreeSet::new();
    // Townships whose reports' bodies alone changed: their pages and the
    // search index, nothing that shows figures.
    let mut bodies: BTreeSet<&str> = BTreeSet::new();
    for path in read {
        let Some((slug, year)) = content_file(path) else {
            continue;
        };
        match change(b, a, slug, year) {
            Change::None => continue,
            Change::Body => {
                bodies.insert(slug);
                continue;
            }
            Change::Other => {}
        }
        slugs.insert(slug);
        match year {
            // A report: its year and the year after it in the township's
            // reports (whose changes compare to it), before and after.
            Some(y) => {
                years.insert(y);
                years.extend(next_year(b, slug, y));
                years.extend(next_year(a, slug, y));
            }
            // A profile (its frame did not change): every year it reported.
            None => {
                years.extend(report_years(b, slug));
                years.extend(report_years(a, slug));
            }
        }
    }
    let mut first = Vec::new();
    let mut then = Vec::new();
    let mut owned_by = Vec::new();
    for slug in slugs.iter().chain(bodies.difference(&slugs)) {
        first.push(Target::Township((*slug).to_string()));
        first.extend(report_years(a, slug).map(|y| Target::Report((*slug).to_string(), y)));
        owned_by.push(format!("{slug}/"));
        // Its reports' texts for search, written by the report targets.
        owned_by.push(super::paths::search_texts(slug));
    }
    if slugs.is_empty() {
        if !bodies.is_empty() {
            then.push(Target::Search);
        }
        return Touched::Some {
            first,
            then,
            owned_by,
        };
    }
    then.extend(slugs.iter().map(|s| Target::TownshipData((*s).to_string())));
    for y in years.iter().filter(|y| aa.summary(**y).is_some()) {
        then.push(Target::YearData(*y));
        then.push(Target::Year(*y));
    }
    if aa.by_district {
        // A district's summary of a year ranks its townships among all of
        // the year's: every district's summary of a touched year. Its page
        // shows the latest year (ranks again) and its townships' statuses.
        let latest = aa.years.last();
        for d in &aa.districts {
            let own = d
                .townships
                .iter()
                .filter_map(|&ti| a.township_at(ti))
                .any(|t| slugs.contains(t.slug.as_str()));
            if own || latest.is_some_and(|l| years.contains(l)) {
                then.push(Target::District(d.slug.clone()));
            }
            for y in years.iter().filter(|y| aa.summary(**y).is_some()) {
                then.push(Target::DistrictYear(d.slug.clone(), *y));
            }
        }
        then.extend(aa.cities.iter().map(|c| Target::City(c.slug.clone())));
    }
    then.extend([
        Target::AllData,
        Target::Home,
        Target::Townships,
        Target::Years,
        Target::Data,
        Target::Feed,
        Target::Sitemap,
        Target::Search,
    ]);
    Touched::Some {
        first,
        then,
        owned_by,
    }
}

/// How a content file read again changed what the site holds.
enum Change {
    /// Not at all (saved again as it was, or read again because its
    /// stamp was too recent to trust).
    None,
    /// A report's body, and nothing else: not whether it has one.
    Body,
    /// Anything else, or a file that came or went.
    Other,
}

/// How the report of `slug` for `year` (or its profile, for no year)
/// changed from `b` to `a`.
fn change(b: &Site, a: &Site, slug: &str, year: Option<Year>) -> Change {
    // Compared as their serialized bytes: every field, the body by its
    // file's length and hash.
    fn bytes<T: serde::Serialize>(value: &T) -> Option<Vec<u8>> {
        postcard::to_allocvec(value).ok()
    }
    let Some(year) = year else {
        let (x, y) = (b.township(slug), a.township(slug));
        return match (x.and_then(bytes), y.and_then(bytes)) {
            (Some(x), Some(y)) if x == y => Change::None,
            _ => Change::Other,
        };
    };
    let report = |site: &Site| {
        site.report_index(slug, year)
            .and_then(|i| site.report_at(i))
            .cloned()
    };
    let (Some(x), Some(y)) = (report(b), report(a)) else {
        return Change::Other;
    };
    if x.draft != y.draft || x.body.is_blank() != y.body.is_blank() {
        return Change::Other;
    }
    let (Some(xb), Some(yb)) = (bytes(&x), bytes(&y)) else {
        return Change::Other;
    };
    // An attachment replaced by one of the same size leaves the report as
    // it was: its page copies the attachments again.
    if xb == yb && x.attachments.is_empty() {
        return Change::None;
    }
    let without_body = |r: crate::model::Report| crate::model::Report {
        body: crate::model::Body::default(),
        ..r
    };
    if bytes(&without_body(x)) == bytes(&without_body(y)) {
        Change::Body
    } else {
        Change::Other
    }
}

/// Whether both sites have the same townships, each with the same frame:
/// what appears about it on every page that lists it.
fn same_townships(b: &Site, a: &Site) -> bool {
    fn frame(t: &Township) -> impl PartialEq + '_ {
        (
            &t.slug,
            &t.name,
            &t.name_en,
            &t.district,
            t.covered_from,
            t.covered_until,
            t.draft,
        )
    }
    b.townships.len() == a.townships.len()
        && b.townships
            .iter()
            .zip(&a.townships)
            .all(|(x, y)| frame(x) == frame(y))
}

/// `content/<slug>/<year>.md` → (slug, Some(year)); `content/<slug>/_index.md`
/// → (slug, None); an attachment `content/<slug>/<year>/…` → (slug, Some(year)).
fn content_file(path: &Path) -> Option<(&str, Option<Year>)> {
    let mut parts = path.components().filter_map(|c| match c {
        Component::Normal(s) => s.to_str(),
        _ => None,
    });
    if parts.next()? != crate::discover::CONTENT_DIR {
        return None;
    }
    let slug = parts.next()?;
    let name = parts.next()?;
    let year = name
        .strip_suffix(".md")
        .unwrap_or(name)
        .parse::<Year>()
        .ok();
    Some((slug, year))
}

fn report_years<'a>(site: &'a Site, slug: &'a str) -> impl Iterator<Item = Year> + 'a {
    site.reports
        .iter()
        .filter(move |r| r.township == slug)
        .map(|r| r.year)
}

fn next_year(site: &Site, slug: &str, year: Year) -> Option<Year> {
    report_years(site, slug).find(|y| *y > year)
}

/// What rendering again must cover after theme files changed (`changed`:
/// paths inside the theme, such as `templates/report.html`,
/// `static/style.css`, `i18n.yaml`). A template touches every target
/// rendered with it or with a template that extends, includes or imports
/// it; a static file touches the assets (and the 404 page, which carries
/// the stylesheet inline); the words (`i18n.yaml`), the glossary's list
/// and anything else touch everything.
pub fn touched_by_theme(
    theme: &super::Theme,
    changed: &[String],
    site: &Site,
    asm: &Assembled,
) -> Touched {
    let mut templates: BTreeSet<String> = BTreeSet::new();
    let mut statics = false;
    for path in changed {
        if let Some(name) = path.strip_prefix("templates/") {
            templates.insert(name.to_string());
        } else if path.starts_with("static/") {
            statics = true;
        } else {
            return Touched::Everything;
        }
    }
    // Every template that uses a changed one, directly or not.
    let uses: Vec<(String, Vec<String>)> = theme
        .templates()
        .map(|(name, text)| (name.to_string(), referenced_templates(&text)))
        .collect();
    loop {
        let before = templates.len();
        for (name, refs) in &uses {
            if refs.iter().any(|r| templates.contains(r)) {
                templates.insert(name.clone());
            }
        }
        if templates.len() == before {
            break;
        }
    }
    let mut then: Vec<Target> = super::targets(site, asm)
        .into_iter()
        .filter(|t| t.template().is_some_and(|n| templates.contains(n)))
        .collect();
    if statics {
        then.extend([Target::Assets, Target::NotFound]);
    }
    then.sort();
    then.dedup();
    Touched::Some {
        first: Vec::new(),
        then,
        owned_by: Vec::new(),
    }
}

/// The templates a template names in `{% extends %}`, `{% include %}` or
/// `{% import %}` (tera's syntax; a name in quotes right after the word).
fn referenced_templates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in ["extends", "include", "import"] {
        let mut rest = text;
        while let Some(i) = rest.find(word) {
            rest = rest.get(i + word.len()..).unwrap_or("");
            let after = rest.trim_start();
            if let Some(quoted) = after.strip_prefix('"')
                && let Some(end) = quoted.find('"')
            {
                out.push(quoted.get(..end).unwrap_or("").to_string());
            }
        }
    }
    out
}
