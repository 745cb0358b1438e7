//! The Atom feed of reports.

use serde::Serialize;
use tera::Context;

use crate::model::Report;
use crate::render::paths;
use crate::render::views::{self, StatusView};

use super::*;

#[derive(Serialize)]
struct FeedEntry {
    id: String,
    title: String,
    url: String,
    updated: String,
    published: Option<String>,
    summary: String,
}

fn rfc3339(d: jiff::civil::Date) -> String {
    format!("{d}T00:00:00+08:00")
}

/// The date a report's feed entry carries: its latest revision, else its
/// publication date. A report that states no date is dated 31 December of
/// the year it reports on — a fixed rule (never the build day), so the
/// entry does not change from build to build; its text says it states no date.
pub fn feed_date(r: &Report) -> jiff::civil::Date {
    r.updated.or(r.published).unwrap_or_else(|| {
        i16::try_from(r.year)
            .ok()
            .and_then(|y| jiff::civil::Date::new(y, 12, 31).ok())
            .unwrap_or(jiff::civil::Date::constant(2000, 12, 31))
    })
}

/// The Atom feed: new and revised reports, newest first (see [`feed_date`]).
pub fn feed(c: &Common<'_>) -> Context {
    let mut ctx = c.context("feed.xml", &c.site.config.title, "feed");
    let mut entries: Vec<(jiff::civil::Date, &Report)> = c
        .site
        .reports
        .iter()
        .map(|r| &**r)
        .filter(|r| !c.site.is_draft(r))
        .map(|r| (feed_date(r), r))
        .collect();
    entries.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.township.cmp(&b.1.township))
            .then(b.1.year.cmp(&a.1.year))
    });
    let base = &c.site.config.base_url;
    let items: Vec<FeedEntry> = entries
        .iter()
        .take(100)
        .filter_map(|(date, r)| {
            let t = c.site.township(&r.township)?;
            let url = canonical(base, &paths::report(&r.township, r.year));
            let status = StatusView::new(c.status_of(r), c.w).label;
            let name = views::township_name(t, c.lang);
            let mut summary = c.w.fill(
                "feed_summary_fmt",
                &[
                    ("township", &name),
                    ("year", &r.year.to_string()),
                    ("status", &status),
                ],
            );
            if r.published.is_none() {
                summary.push_str(c.w.get("feed_undated"));
            }
            if let Some(last) = r.revisions.iter().max_by_key(|v| v.date) {
                let date = last.date.to_string();
                summary.push_str(&c.w.fill(
                    "feed_revised_fmt",
                    &[("date", &date), ("reason", &last.reason)],
                ));
            }
            Some(FeedEntry {
                id: url.clone(),
                title: r.title.clone(),
                url,
                updated: rfc3339(*date),
                published: r.published.map(rfc3339),
                summary,
            })
        })
        .collect();
    // An empty feed is as of the status date; otherwise its newest entry.
    let updated = entries.first().map_or(c.site.as_of, |e| e.0);
    ctx.insert("feed_updated", &rfc3339(updated));
    ctx.insert("entries", &items);
    ctx
}
