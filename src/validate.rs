//! Checks beyond the syntax of one value: totals against their parts, rates,
//! dates against deadlines, and what must hold across files (one profile per
//! township, each report's township has a profile, names are unique).

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Note, Pos, Problem};
use crate::figure::{Figure, Precision, Stated};
use crate::format;
use crate::i18n::Lang;
use crate::model::{FigureEntry, Report, Township, Year};
use crate::schema::{Derive, Schema};
use crate::sum::Sum;
use crate::yaml::{Fields, Sink};

/// The disclosure deadline for a year's annual data: 31 January of the next year.
pub fn deadline(year: Year) -> Option<Date> {
    let next = i16::try_from(year.checked_add(1)?).ok()?;
    Date::new(next, 1, 31).ok()
}

/// Report required metrics that a report leaves out.
pub fn required_metrics(schema: &Schema, figures: &[FigureEntry], pos: Pos, sink: &mut Sink) {
    for (id, metric) in schema.ids().zip(schema.metrics()) {
        let missing = figures
            .get(id.index())
            .is_none_or(|e| e.figure == Figure::NotReported);
        if metric.required && missing {
            sink.at(
                Problem::MissingMetric {
                    key: metric.key.clone(),
                    label: metric.label.clone(),
                },
                pos,
            );
        }
    }
}

/// The sum of a total's parts, if every part is stated or not applicable
/// (an approximate part makes it approximate, at that part's precision).
fn sum_of(parts: &[crate::schema::MetricId], figures: &[FigureEntry]) -> Option<Sum> {
    let mut sum = Sum::default();
    for part in parts {
        match figures.get(part.index()).map(|e| &e.figure) {
            Some(f @ (Figure::Stated(_) | Figure::NotApplicable)) => sum.add(f),
            _ => return None,
        }
    }
    Some(sum)
}

/// Compute totals and rates that a report leaves to be computed, and check
/// stated totals against their stated parts.
pub fn complete_figures(
    schema: &Schema,
    figures: &mut [FigureEntry],
    stated_at: &[Option<Pos>],
    sink: &mut Sink,
) {
    // Compute in passes so that a total of totals settles too.
    for _ in 0..schema.metrics().len().max(1) {
        let mut changed = false;
        for (id, metric) in schema.ids().zip(schema.metrics()) {
            let current = figures.get(id.index()).map(|e| e.figure.clone());
            if current != Some(Figure::NotReported) {
                continue;
            }
            let computed = match &metric.derive {
                Derive::Stated => None,
                Derive::Sum(parts) => match sum_of(parts, figures) {
                    Some(sum) if !sum.fits() => {
                        too_large(schema, metric, parts, figures, stated_at, sink);
                        None
                    }
                    Some(sum) => sum.figure(),
                    None => None,
                },
                Derive::Rate {
                    numerator,
                    denominator,
                } => {
                    let n = figures.get(numerator.index()).map(|e| &e.figure);
                    let d = figures.get(denominator.index()).map(|e| &e.figure);
                    match (n, d) {
                        (Some(Figure::Stated(n)), Some(Figure::Stated(d)))
                            if n.precision == Precision::Exact
                                && d.precision == Precision::Exact =>
                        {
                            n.amount
                                .percent_of(d.amount)
                                .map(|p| Figure::Stated(Stated::exact(p)))
                        }
                        _ => None,
                    }
                }
            };
            if let (Some(fig), Some(slot)) = (computed, figures.get_mut(id.index())) {
                *slot = FigureEntry {
                    figure: fig,
                    computed: true,
                };
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    check_totals(schema, figures, stated_at, sink);
    check_rates(schema, figures, stated_at, sink);
}

/// Whether a lower bound excludes its own number: 5余, 5多, 超过5 and 5+
/// mean more than 5; 5以上 and 至少5 include it (以上包括本数). A computed
/// bound is taken as inclusive, so no error rests on a guess.
fn strict(s: &Stated) -> bool {
    use crate::figure::Marker;
    s.precision == Precision::AtLeast
        && s.written.as_ref().is_some_and(|w| {
            matches!(
                w.marker,
                Marker::Yu | Marker::Duo | Marker::ChaoGuo | Marker::Plus
            )
        })
}

/// A diagnostic at a stated total with a label at each of its parts (or,
/// for a rate, at each count).
fn at_total(problem: Problem, total_pos: Pos, parts: Vec<(Pos, String, String)>, sink: &mut Sink) {
    let rate = matches!(problem, Problem::RateMismatch { .. });
    let mut d = Diagnostic::at(problem, sink.file.clone(), total_pos, sink.source.clone());
    for (pos, label, value) in parts {
        let note = if rate {
            Note::Count { label, value }
        } else {
            Note::Part { label, value }
        };
        d = d.with_label(pos, note);
    }
    sink.push(d);
}

/// Stated totals against their stated parts. Errors, each pointing at the
/// total and every part:
/// - an exact total that differs from its exact, complete parts;
/// - an exact total below its parts, or equal to parts of which one is a
///   strict lower bound (9 with 4 + 5余: 5余 is more than 5);
/// - a lower-bound total above its exact, complete parts (100余 with 4 + 5),
///   or equal to them when the bound is strict;
/// - a total stated "not applicable" with stated parts, or a stated total
///   whose parts are all "not applicable".
fn check_totals(
    schema: &Schema,
    figures: &[FigureEntry],
    stated_at: &[Option<Pos>],
    sink: &mut Sink,
) {
    for (id, metric) in schema.ids().zip(schema.metrics()) {
        let Derive::Sum(parts) = &metric.derive else {
            continue;
        };
        let Some(FigureEntry {
            figure: total,
            computed: false,
        }) = figures.get(id.index())
        else {
            continue;
        };
        let Some(total_pos) = stated_at.get(id.index()).copied().flatten() else {
            continue;
        };
        // The parts: their sum (exact, in 128 bits), how exact, whether all
        // are given, and where each was written.
        let mut sum = Sum::default();
        let mut complete = true;
        let mut any_strict = false;
        let mut labels = Vec::new();
        let mut na_labels = Vec::new();
        for part in parts {
            let Some(pm) = schema.metric(*part) else {
                continue;
            };
            let at = stated_at.get(part.index()).copied().flatten();
            match figures.get(part.index()).map(|e| &e.figure) {
                Some(Figure::Stated(s)) => {
                    sum.add_stated(s);
                    any_strict |= strict(s);
                    if let Some(pos) = at {
                        labels.push((pos, pm.label.clone(), format::stated(s, pm.kind, Lang::Zh)));
                    }
                }
                Some(Figure::NotApplicable) => {
                    sum.add(&Figure::NotApplicable);
                    if let Some(pos) = at {
                        na_labels.push((pos, pm.label.clone(), "无相关职责".to_string()));
                    }
                }
                _ => complete = false,
            }
        }
        let total = match total {
            Figure::Stated(t) => t,
            Figure::NotApplicable => {
                if !labels.is_empty() {
                    at_total(
                        Problem::NotApplicableConflict {
                            key: metric.key.clone(),
                            label: metric.label.clone(),
                            total_not_applicable: true,
                        },
                        total_pos,
                        labels,
                        sink,
                    );
                }
                continue;
            }
            Figure::NotReported => continue,
        };
        if complete && sum.stated() == 0 && !na_labels.is_empty() {
            at_total(
                Problem::NotApplicableConflict {
                    key: metric.key.clone(),
                    label: metric.label.clone(),
                    total_not_applicable: false,
                },
                total_pos,
                na_labels,
                sink,
            );
            continue;
        }
        if labels.is_empty() {
            continue;
        }
        let Some(Figure::Stated(parts_sum)) = sum.figure() else {
            continue;
        };
        let s = parts_sum.amount;
        let t = total.amount;
        let bound = |wrong: bool| wrong.then_some(true);
        let wrong = match (total.precision, parts_sum.precision, complete) {
            // All exact and complete: must be equal.
            (Precision::Exact, Precision::Exact, true) => (t != s).then_some(false),
            // Exact total, exact but incomplete parts: they cannot exceed it.
            (Precision::Exact, Precision::Exact, false) => (s > t).then_some(false),
            // Exact total, lower-bound parts: it must be at least their sum,
            // and above it if a part is "more than".
            (Precision::Exact, Precision::AtLeast, _) => bound(s > t || (s == t && any_strict)),
            // A lower-bound total of exact, complete parts cannot exceed them.
            (Precision::AtLeast, Precision::Exact, true) => {
                bound(t > s || (t == s && strict(total)))
            }
            _ => None,
        };
        if let Some(bound) = wrong {
            let computed = Stated::computed(
                s,
                if complete {
                    parts_sum.precision
                } else {
                    Precision::AtLeast
                },
            );
            at_total(
                Problem::TotalMismatch {
                    key: metric.key.clone(),
                    label: metric.label.clone(),
                    stated: format::stated(total, metric.kind, Lang::Zh),
                    computed: format::stated(&computed, metric.kind, Lang::Zh),
                    bound,
                },
                total_pos,
                labels,
                sink,
            );
        }
    }
}

/// Stated rates against their stated counts: a warning when they disagree
/// by more than the stated rate's last digit (88% beside 9 of 10 officers);
/// a lower-bound rate (88%以上) only when the counts give less.
fn check_rates(
    schema: &Schema,
    figures: &[FigureEntry],
    stated_at: &[Option<Pos>],
    sink: &mut Sink,
) {
    for (id, metric) in schema.ids().zip(schema.metrics()) {
        let Derive::Rate {
            numerator,
            denominator,
        } = &metric.derive
        else {
            continue;
        };
        let fig = |m: &crate::schema::MetricId| figures.get(m.index()).map(|e| &e.figure);
        let (
            Some(FigureEntry {
                figure: Figure::Stated(rate),
                computed: false,
            }),
            Some(Figure::Stated(n)),
            Some(Figure::Stated(d)),
            Some(Some(pos)),
        ) = (
            figures.get(id.index()),
            fig(numerator),
            fig(denominator),
            stated_at.get(id.index()),
        )
        else {
            continue;
        };
        if n.precision != Precision::Exact || d.precision != Precision::Exact {
            continue;
        }
        let Some(computed) = n.amount.percent_of(d.amount) else {
            continue;
        };
        // One unit of the stated rate's last digit, in hundredths of a percent.
        let unit: i64 = match rate.amount.natural_decimals() {
            0 => 100,
            1 => 10,
            _ => 1,
        };
        let diff = computed
            .hundredths()
            .saturating_sub(rate.amount.hundredths());
        let wrong = match rate.precision {
            Precision::Exact => diff.saturating_abs() >= unit,
            Precision::AtLeast => diff <= unit.saturating_neg(),
            Precision::About => false,
        };
        if !wrong {
            continue;
        }
        let mut labels = Vec::new();
        for (part, s) in [(numerator, n), (denominator, d)] {
            if let (Some(pm), Some(Some(at))) = (schema.metric(*part), stated_at.get(part.index()))
            {
                labels.push((*at, pm.label.clone(), format::stated(s, pm.kind, Lang::Zh)));
            }
        }
        at_total(
            Problem::RateMismatch {
                key: metric.key.clone(),
                label: metric.label.clone(),
                stated: format::stated(rate, metric.kind, Lang::Zh),
                computed: format::stated(&Stated::exact(computed), metric.kind, Lang::Zh),
            },
            *pos,
            labels,
            sink,
        );
    }
}

/// The parts of a total add up to more than an amount can hold: an error
/// pointing at each stated part.
fn too_large(
    schema: &Schema,
    metric: &crate::schema::Metric,
    parts: &[crate::schema::MetricId],
    figures: &[FigureEntry],
    stated_at: &[Option<Pos>],
    sink: &mut Sink,
) {
    let mut shown = Vec::new();
    let mut places = Vec::new();
    for part in parts {
        let (Some(pm), Some(Figure::Stated(s))) = (
            schema.metric(*part),
            figures.get(part.index()).map(|e| &e.figure),
        ) else {
            continue;
        };
        let value = format::stated(s, pm.kind, Lang::Zh);
        shown.push(format!("{} {value}", pm.key));
        if let Some(Some(pos)) = stated_at.get(part.index()) {
            places.push((*pos, pm.label.clone(), value));
        }
    }
    let problem = Problem::SumTooLarge {
        key: metric.key.clone(),
        label: metric.label.clone(),
        year: None,
        parts: shown,
    };
    let Some(((first, _, _), rest)) = places.split_first() else {
        sink.whole(problem);
        return;
    };
    let mut d = Diagnostic::at(problem, sink.file.clone(), *first, sink.source.clone());
    for (pos, label, value) in rest {
        d = d.with_label(
            *pos,
            Note::Part {
                label: label.clone(),
                value: value.clone(),
            },
        );
    }
    sink.push(d);
}

/// Read a township profile's coverage: `covered_from` and `covered_until`.
pub fn coverage_fields(f: &mut Fields<'_, '_>) -> (Option<Year>, Option<Year>) {
    let from = f.year("covered_from");
    let until = f.year("covered_until");
    if let (Some((from, _)), Some((until, pos))) = (from, until)
        && from > until
    {
        f.sink().at(Problem::InvalidCoverage { from, until }, pos);
    }
    (from.map(|y| y.0), until.map(|y| y.0))
}

/// A township with no report and no coverage setting: the site cannot say
/// whether its reports are missing or simply not held (a warning, so that a
/// township that never publishes does not go unnoticed).
/// `with_reports`: the slugs of townships with report files, sorted.
pub fn coverage_known(
    townships: &[std::sync::Arc<Township>],
    with_reports: &[String],
    config: &crate::config::Config,
) -> Vec<Diagnostic> {
    if config.first_year.is_some() {
        return Vec::new();
    }
    townships
        .iter()
        .filter(|t| t.covered_from.is_none() && with_reports.binary_search(&t.slug).is_err())
        .map(|t| {
            let problem = Problem::CoverageUnknown {
                name: t.name.clone(),
            };
            match t.name_pos {
                Some(pos) => Diagnostic::at(problem, t.file.clone(), pos, t.source.clone()),
                None => Diagnostic::file(problem, t.file.clone()),
            }
        })
        .collect()
}

/// Where a report's dates were written.
#[derive(Clone, Debug)]
pub struct DatePositions {
    /// The `published` value, if it was read.
    pub published: Option<Pos>,
    /// Whether a `published` key was written at all (even if unreadable).
    pub published_written: bool,
    /// The `updated` value, if it was read.
    pub updated: Option<Pos>,
    /// The `period_end` value, if it was read.
    pub period_end: Option<Pos>,
    /// The date of each entry of the revision record, in order.
    pub revisions: Vec<Pos>,
    /// The front matter as a whole.
    pub whole: Pos,
}

/// Check a report's dates: none after the status date, publication not
/// before its year or period end, late publication and missing dates
/// (warnings), and the revision record.
pub fn report_dates(
    report: &Report,
    at: &DatePositions,
    status_date: Option<Date>,
    sink: &mut Sink,
) {
    if let Some(as_of) = status_date {
        let dated = [
            ("published", report.published, at.published),
            ("updated", report.updated, at.updated),
            ("period_end", report.period_end, at.period_end),
        ]
        .into_iter()
        .chain(
            report
                .revisions
                .iter()
                .zip(&at.revisions)
                .map(|(r, pos)| ("revisions.date", Some(r.date), Some(*pos))),
        );
        for (key, date, pos) in dated {
            if let (Some(date), Some(pos)) = (date, pos)
                && date > as_of
            {
                sink.at(
                    Problem::DateAfterStatusDate {
                        key: key.to_string(),
                        date: date.to_string(),
                        as_of: as_of.to_string(),
                    },
                    pos,
                );
            }
        }
    }
    if let (Some(published), Some(pos)) = (report.published, at.published) {
        let year_start = i16::try_from(report.year)
            .ok()
            .and_then(|y| Date::new(y, 1, 1).ok());
        if let Some(start) = year_start.filter(|s| published < *s) {
            sink.at(
                Problem::PublishedTooEarly {
                    published: published.to_string(),
                    earliest: start.to_string(),
                    period_end: false,
                },
                pos,
            );
        } else if let Some(end) = report.period_end.filter(|e| published < *e) {
            sink.at(
                Problem::PublishedTooEarly {
                    published: published.to_string(),
                    earliest: end.to_string(),
                    period_end: true,
                },
                pos,
            );
        } else if let Some(due) = deadline(report.year)
            .filter(|d| published > *d)
            // A date after the status date is an error already.
            .filter(|_| status_date.is_none_or(|as_of| published <= as_of))
        {
            sink.at(
                Problem::LatePublication {
                    published: published.to_string(),
                    deadline: due.to_string(),
                },
                pos,
            );
        }
    }
    // An unreadable date was reported already; only an absent one is "not stated".
    if report.published.is_none() && !at.published_written && !report.is_figures_only() {
        sink.at(Problem::MissingPublicationDate, at.whole);
    }
    if let (Some(updated), Some(pos)) = (report.updated, at.updated)
        && !report.revisions.iter().any(|r| r.date == updated)
    {
        sink.at(
            Problem::RevisionRecord {
                updated: updated.to_string(),
            },
            pos,
        );
    }
}

/// Cross-file checks on townships: the same Chinese name used twice.
pub fn townships(townships: &[std::sync::Arc<Township>]) -> Vec<Diagnostic> {
    // The first township of each name, in the order given (by slug).
    let mut first_of: std::collections::HashMap<&str, &Township> =
        std::collections::HashMap::with_capacity(townships.len());
    let mut out = Vec::new();
    for t in townships {
        let first = *first_of.entry(t.name.as_str()).or_insert(t);
        if !std::ptr::eq(first, &**t) {
            let problem = Problem::DuplicateTownship {
                name: t.name.clone(),
                other: first.file.clone(),
            };
            out.push(match t.name_pos {
                Some(pos) => Diagnostic::at(problem, t.file.clone(), pos, t.source.clone()),
                None => Diagnostic::file(problem, t.file.clone()),
            });
        }
    }
    out
}

/// The sum of the magnitudes of a report's stated figures: no sum of its
/// figures, alone or with others', can be larger.
pub fn magnitude(report: &Report) -> i128 {
    report
        .figures
        .iter()
        .filter_map(|e| e.figure.stated())
        .map(|s| i128::from(s.amount.hundredths()).saturating_abs())
        .fold(0i128, i128::saturating_add)
}

/// Every sum the site shows must fit: an error for each year and metric
/// whose total across townships does not, naming the figures (which are
/// then far too large to be real).
///
/// `magnitudes` gives each report's [`magnitude`], in the same order (the
/// loader keeps them from parsing, so that the check after each edit costs
/// one addition per report).
pub fn year_sums(
    reports: &[std::sync::Arc<Report>],
    magnitudes: &[i128],
    config: &crate::config::Config,
) -> Vec<Diagnostic> {
    let schema = &config.schema;
    // Real figures are far from the limit: a plain sum of magnitudes per
    // year shows it at once, and only a year near it is looked at closely.
    let mut totals: std::collections::BTreeMap<Year, i128> = Default::default();
    for (r, m) in reports.iter().zip(magnitudes) {
        let t = totals.entry(r.year).or_insert(0);
        *t = t.saturating_add(*m);
    }
    let mut out = Vec::new();
    for (year, total) in totals {
        if total <= i128::from(i64::MAX) {
            continue;
        }
        let reports: Vec<&Report> = reports
            .iter()
            .filter(|r| r.year == year)
            .map(|r| &**r)
            .collect();
        for (id, metric) in schema.ids().zip(schema.metrics()) {
            let mut sum = Sum::default();
            for r in &reports {
                sum.add(r.figure(id));
            }
            if sum.fits() {
                continue;
            }
            let parts = reports
                .iter()
                .filter_map(|r| {
                    let s = r.figure(id).stated()?;
                    Some(format!(
                        "{} {}",
                        r.file,
                        crate::format::stated(s, metric.kind, config.language)
                    ))
                })
                .collect();
            out.push(Diagnostic::site(Problem::SumTooLarge {
                key: metric.key.clone(),
                label: metric.label.clone(),
                year: Some(year),
                parts,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::schema::{default_groups, default_metrics};
    use std::sync::Arc;

    fn schema() -> Schema {
        Schema::build(default_groups(), default_metrics()).unwrap_or_else(|_| Schema::empty())
    }

    fn set(
        schema: &Schema,
        figures: &mut [FigureEntry],
        at: &mut [Option<Pos>],
        key: &str,
        text: &str,
        line: u32,
    ) {
        let id = schema.id(key).map(|i| i.index()).unwrap_or(usize::MAX);
        let kind = schema
            .metric(crate::schema::MetricId(id as u16))
            .map(|m| m.kind)
            .unwrap_or(crate::figure::Kind::Count);
        figures[id] = FigureEntry {
            figure: crate::figure::parse_figure(text, kind).unwrap_or_default(),
            computed: false,
        };
        at[id] = Some(Pos::new(line, 3, 1));
    }

    #[test]
    fn computes_totals_and_catches_mismatch() {
        let s = schema();
        let n = s.metrics().len();
        let mut figs = vec![FigureEntry::default(); n];
        let mut at = vec![None; n];
        set(&s, &mut figs, &mut at, "penalty_cases_simple", "64", 3);
        set(&s, &mut figs, &mut at, "penalty_cases_general", "10", 4);
        set(&s, &mut figs, &mut at, "fines_simple", "10100", 5);
        set(&s, &mut figs, &mut at, "fines_general", "473240.6", 6);
        set(&s, &mut figs, &mut at, "fines_total", "483340.7", 7);
        let mut sink = Sink::new("f.md", Arc::from(""));
        complete_figures(&s, &mut figs, &at, &mut sink);
        let cases = s.id("penalty_cases").map(|i| figs[i.index()].clone());
        assert_eq!(
            cases,
            Some(FigureEntry {
                figure: Figure::Stated(Stated::computed(
                    Amount::from_hundredths(7400),
                    Precision::Exact
                )),
                computed: true
            })
        );
        let codes: Vec<_> = sink
            .diagnostics
            .iter()
            .map(|d| (d.code(), d.pos.map(|p| p.line), d.labels.len()))
            .collect();
        assert_eq!(codes, vec![("total-mismatch", Some(7), 2)]);
    }

    #[test]
    fn a_total_may_stand_alone_and_lower_bounds_carry() {
        let s = schema();
        let n = s.metrics().len();
        let mut figs = vec![FigureEntry::default(); n];
        let mut at = vec![None; n];
        set(&s, &mut figs, &mut at, "fines_total", "7300", 3);
        set(&s, &mut figs, &mut at, "staff_established", "15", 4);
        set(&s, &mut figs, &mut at, "staff_other", "80余", 5);
        let mut sink = Sink::new("f.md", Arc::from(""));
        complete_figures(&s, &mut figs, &at, &mut sink);
        assert!(sink.diagnostics.is_empty());
        let staff = s.id("staff_total").map(|i| figs[i.index()].figure.clone());
        assert_eq!(
            staff,
            Some(Figure::Stated(Stated::computed(
                Amount::from_hundredths(9500),
                Precision::AtLeast
            )))
        );
    }

    #[test]
    fn deadline_is_31_january_next_year() {
        assert_eq!(
            deadline(2025).map(|d| d.to_string()),
            Some("2026-01-31".to_string())
        );
    }
}
