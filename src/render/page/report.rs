//! A report's page: dates and status, the figures grouped as in the schema with changes, the text.

use serde::Serialize;
use tera::Context;

use crate::assemble::{self};
use crate::format::{date, labels, size};
use crate::markdown;
use crate::model::Year;
use crate::render::paths;
use crate::render::views::{FigureView, StatusView, TownshipLink};
use crate::schema::GroupId;

use super::*;

#[derive(Serialize)]
struct FigureGroup {
    key: String,
    label: String,
    figures: Vec<FigureView>,
    other: Vec<OtherView>,
}

#[derive(Serialize)]
struct OtherView {
    label: String,
    display: String,
    unit: String,
    show_unit: bool,
    status: &'static str,
}

#[derive(Serialize)]
struct AttachmentView {
    name: String,
    path: String,
    size: String,
}

#[derive(Serialize)]
struct RevisionView {
    date: String,
    date_iso: String,
    reason: String,
}

#[derive(Serialize)]
struct ReportView {
    title: String,
    year: Year,
    township: TownshipLink,
    /// 发布机构: the township's enforcement body, as its profile names it.
    issuer: Option<String>,
    published: Option<String>,
    published_iso: Option<String>,
    period_end: Option<String>,
    updated: Option<String>,
    updated_iso: Option<String>,
    deadline: Option<String>,
    source: Option<String>,
    status: StatusView,
    figures_only: bool,
}

/// The metrics of a group the report does not state: one part of the
/// collapsed line "本报告未载明：…".
#[derive(Serialize)]
struct Unstated {
    group: String,
    metrics: Vec<String>,
}

/// A report's body, rendered: for its page ([`report`]) and its search
/// record. `None` if the file changed since it was loaded (or vanished).
pub fn report_body(c: &Common<'_>, index: usize) -> Option<markdown::Rendered> {
    let r = c.site.report_at(index)?;
    let markdown = r.body.markdown().ok()?;
    Some(markdown::render(&markdown, Some(&format!("{}/", r.year))))
}

/// A report's page, with its body as rendered by [`report_body`].
pub fn report(c: &Common<'_>, index: usize, body: &markdown::Rendered) -> Option<Context> {
    let r = c.site.report_at(index)?;
    let t = c.site.township(&r.township)?;
    let path = paths::report(&r.township, r.year);
    let mut ctx = c.context(&path, &r.title, "report");
    ctx.insert("draft", &c.site.is_draft(r));
    let status = c.status_of(r);
    ctx.insert(
        "report",
        &ReportView {
            title: r.title.clone(),
            year: r.year,
            township: TownshipLink::new(t, c.w),
            issuer: t.enforcement_body.clone(),
            published: r.published.map(|d| date(d, c.w)),
            published_iso: r.published.map(|d| d.to_string()),
            period_end: r.period_end.map(|d| date(d, c.w)),
            updated: r.updated.map(|d| date(d, c.w)),
            updated_iso: r.updated.map(|d| d.to_string()),
            deadline: crate::validate::deadline(r.year).map(|d| date(d, c.w)),
            source: r.source.clone(),
            status: StatusView::new(status, c.w),
            figures_only: r.is_figures_only(),
        },
    );
    let previous = c
        .asm
        .previous
        .get(index)
        .copied()
        .flatten()
        .and_then(|i| c.site.report_at(i));
    let next = c
        .asm
        .next
        .get(index)
        .copied()
        .flatten()
        .and_then(|i| c.site.report_at(i));
    // The stated figures, grouped as in the schema; what the report does
    // not state is named once, below them, rather than a row each.
    let schema = &c.site.config.schema;
    let mut groups = Vec::new();
    let mut unstated = Vec::new();
    let mut words = FigureWords::default();
    for (gi, g) in schema.groups().iter().enumerate() {
        let Ok(gid) = u16::try_from(gi).map(GroupId) else {
            continue;
        };
        let mut missing = Vec::new();
        let figures: Vec<FigureView> = schema
            .metrics_of(gid)
            .filter_map(|(id, m)| {
                let e = r.figures.get(id.index()).cloned().unwrap_or_default();
                if e.figure == crate::figure::Figure::NotReported {
                    missing.push(labels(m, c.lang).0);
                    return None;
                }
                let delta = previous.and_then(|p| assemble::change(r, p, id));
                Some(
                    FigureView::new(m, &e.figure, e.computed, c.w)
                        .with_change(delta, m.kind, r.year, c.w),
                )
            })
            .collect();
        let other: Vec<OtherView> = r
            .other_figures
            .iter()
            .filter(|o| o.group == Some(gid))
            .map(|o| other_view(o, c.w))
            .collect();
        figures.iter().for_each(|f| words.figure(f));
        other.iter().for_each(|o| words.status(o.status));
        if !missing.is_empty() {
            unstated.push(Unstated {
                group: group_label(g, c.lang),
                metrics: missing,
            });
        }
        if !figures.is_empty() || !other.is_empty() {
            groups.push(FigureGroup {
                key: g.key.clone(),
                label: group_label(g, c.lang),
                figures,
                other,
            });
        }
    }
    let unstated_count: usize = unstated.iter().map(|u| u.metrics.len()).sum();
    ctx.insert("unstated", &unstated);
    ctx.insert(
        "unstated_summary",
        &c.w.fill("unstated_fmt", &[("n", &unstated_count.to_string())]),
    );
    ctx.insert("groups", &groups);
    ctx.insert(
        "change_header",
        &previous.map_or_else(
            || c.w.get("change").to_string(),
            |p| {
                if r.year.checked_sub(1) == Some(p.year) {
                    c.w.get("change_prev_year").to_string()
                } else {
                    c.w.fill("change_since_fmt", &[("year", &p.year.to_string())])
                }
            },
        ),
    );
    let ungrouped: Vec<OtherView> = r
        .other_figures
        .iter()
        .filter(|o| o.group.is_none())
        .map(|o| other_view(o, c.w))
        .collect();
    ungrouped.iter().for_each(|o| words.status(o.status));
    ctx.insert("other_figures", &ungrouped);
    ctx.insert("terms", &words.legend(c.w));
    ctx.insert("body_html", &body.html);
    ctx.insert("toc", &body.toc);
    let attachments: Vec<AttachmentView> = r
        .attachments
        .iter()
        .map(|a| AttachmentView {
            name: a.name.clone(),
            path: paths::attachment(&r.township, r.year, &percent_encode(&a.name)),
            size: size(a.bytes),
        })
        .collect();
    ctx.insert("attachments", &attachments);
    let revisions: Vec<RevisionView> = r
        .revisions
        .iter()
        .map(|v| RevisionView {
            date: date(v.date, c.w),
            date_iso: v.date.to_string(),
            reason: v.reason.clone(),
        })
        .collect();
    ctx.insert("revisions", &revisions);
    ctx.insert("previous", &previous.map(YearLink::report));
    ctx.insert("next", &next.map(YearLink::report));
    ctx.insert("year_path", &paths::year(r.year));
    ctx.insert("downloads", &Downloads::township(&r.township));
    Some(ctx)
}

fn other_view(o: &crate::model::OtherFigure, w: &crate::i18n::Words) -> OtherView {
    OtherView {
        label: o.label.clone(),
        display: crate::format::cell_words(&o.figure, o.kind, w),
        unit: o.unit.clone(),
        // Outside the schema nothing is known to count cases: a zero is 0
        // with its unit.
        show_unit: crate::format::shows_unit(&o.figure, o.kind, false),
        status: o.figure.status(),
    }
}
