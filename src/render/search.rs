//! What search indexes of a report, and the writing of the index.
//!
//! Each report's [`record`] is made from the site data: the title, the
//! township and district, the year, every *stated* figure with its label
//! and unit (so 罚款金额 finds the reports that state fines), and the body
//! cut at its headings, each part with the heading's id on the report
//! page. A full build makes it from the body the report page has just
//! rendered (no second Markdown pass), writes the report's text file with
//! the page, and hands the record over: a full build inverts it at once
//! ([`crate::search::Inverter`]), a build of some reports keeps it to patch
//! the previous index. The `Search` target writes the index when every
//! page is written — inside the staging folder, so the index is published
//! only with a build that succeeded. `serve` can make a
//! record for one report ([`record_of`]) and rebuild the index from them.

use crate::figure::Figure;
use crate::format::{cell_words, labels};
use crate::markdown::{self, TextSection};
use crate::model::Township;
use crate::render::page::Common;
use crate::render::views::township_name;
use crate::search::{Numbered, Record, Section, numbering};
use crate::site::Site;

/// The anchor of the figures on a report page (`report.html`).
pub const FIGURES_ID: &str = "h-figures";

/// The anchor of the body on a report page (`report.html`).
pub const BODY_ID: &str = "h-body";

/// The record of report `index`, from its body as rendered (`sections`)
/// and the site data; `None` if there is no such report.
pub fn record(c: &Common<'_>, index: usize, body: &[TextSection]) -> Option<Record> {
    let r = c.site.report_at(index)?;
    let t = c.site.township(&r.township)?;
    let w = c.w;
    let name = township_name(t, c.lang);
    let district = district_of(t);
    let mut sections = Vec::with_capacity(body.len() + 2);

    // The top of the page: the title, where and when, the source note.
    let mut head = format!("{}\n{name}", r.title);
    if name != t.name {
        head.push(' ');
        head.push_str(&t.name);
    }
    for part in [
        district.as_str(),
        &format!("{}{}", r.year, w.get("year_suffix")),
    ] {
        if !part.is_empty() {
            head.push(' ');
            head.push_str(part);
        }
    }
    head.push('\n');
    if let Some(source) = &r.source {
        head.push_str(source);
        head.push('\n');
    }
    sections.push(Section {
        id: String::new(),
        heading: String::new(),
        text: head,
    });

    // The figures the report states, one a line, in the page's order:
    // `罚款金额 483,340.60 元`. On a site in English the Chinese label too.
    let schema = &c.site.config.schema;
    let mut figures = String::new();
    let mut line =
        |label: &str, zh: &str, figure: &Figure, kind: crate::figure::Kind, unit: &str| {
            if !matches!(figure, Figure::Stated(_)) {
                return;
            }
            figures.push_str(label);
            if zh != label {
                figures.push_str(&format!(
                    " {}{zh}{}",
                    w.get("paren_open"),
                    w.get("paren_close")
                ));
            }
            figures.push(' ');
            let words = cell_words(figure, kind, w);
            figures.push_str(&words);
            // The unit as the page shows it, except that a zero of cases
            // reads `0 件` here (the page says 本年度无此类案件); a rate's
            // words carry its %.
            if !unit.is_empty()
                && crate::format::shows_unit(figure, kind, false)
                && !words.ends_with(unit)
            {
                figures.push(' ');
                figures.push_str(unit);
            }
            figures.push('\n');
        };
    for (gi, _) in schema.groups().iter().enumerate() {
        let Ok(gid) = u16::try_from(gi).map(crate::schema::GroupId) else {
            continue;
        };
        for (id, m) in schema.metrics_of(gid) {
            let (label, unit) = labels(m, c.lang);
            let figure = r.figure(id);
            line(&label, &m.label, figure, m.kind, &unit);
        }
        for o in r.other_figures.iter().filter(|o| o.group == Some(gid)) {
            line(&o.label, &o.label, &o.figure, o.kind, &o.unit);
        }
    }
    for o in r.other_figures.iter().filter(|o| o.group.is_none()) {
        line(&o.label, &o.label, &o.figure, o.kind, &o.unit);
    }
    if !figures.is_empty() {
        sections.push(Section {
            id: FIGURES_ID.to_string(),
            heading: w.get("figures").to_string(),
            text: figures,
        });
    }

    // The body under each heading; before the first, under 报告正文.
    if !r.is_figures_only() {
        for s in body {
            sections.push(match &s.id {
                Some(id) => Section {
                    id: id.clone(),
                    heading: s.heading.clone(),
                    text: s.text.clone(),
                },
                None => Section {
                    id: BODY_ID.to_string(),
                    heading: w.get("body").to_string(),
                    text: s.text.clone(),
                },
            });
        }
    }
    Some(Record {
        township: r.township.clone(),
        year: r.year,
        title: r.title.clone(),
        township_name: name,
        district,
        sections,
    })
}

/// A township's district as search shows it (empty when not stated).
fn district_of(t: &Township) -> String {
    t.district.clone().unwrap_or_default()
}

/// Every report of the site, numbered as the index numbers them.
pub fn numbered(site: &Site) -> Vec<Numbered> {
    numbering(
        site.reports
            .iter()
            .map(|r| {
                let district = site.township(&r.township).map(district_of);
                (r.township.clone(), r.year, district.unwrap_or_default())
            })
            .collect(),
    )
}

/// The record of report `index`, rendering its body: for a caller that has
/// not rendered the report page (`serve` after an edit elsewhere). `None`
/// if there is no such report or its file changed since it was loaded.
pub fn record_of(c: &Common<'_>, index: usize) -> Option<Record> {
    let r = c.site.report_at(index)?;
    let body = r.body.markdown().ok()?;
    let rendered = markdown::render(&body, Some(&format!("{}/", r.year)));
    record(c, index, &rendered.sections)
}
