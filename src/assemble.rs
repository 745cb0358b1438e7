//! Assembling the loaded reports into what the site shows across them:
//! disclosure status per township and year, year summaries with exact
//! totals (saying "n of m reported", carrying 余 where a part is a lower
//! bound), district subtotals, ranks, and year-over-year changes.
//!
//! All arithmetic is here, in typed code; templates never compute.

use jiff::civil::Date;
use serde::Serialize;

use crate::amount::Amount;
use crate::figure::{Figure, Precision, Stated};
use crate::model::{Report, Year};
use crate::schema::{Aggregate, Derive, MetricId, Schema};
use crate::site::Site;
use crate::validate::deadline;

/// Where a township stands on one year's annual disclosure, judged at `as_of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Published by 31 January of the next year.
    OnTime,
    /// Published after the deadline.
    Late,
    /// Due and not published.
    Missing,
    /// Not published, not yet due.
    NotYetDue,
    /// Published, but the document states no date.
    DateNotStated,
    /// Only figures quoted in a later report.
    FiguresOnly,
}

impl Status {
    /// Machine name (CSS class, JSON).
    pub fn key(self) -> &'static str {
        match self {
            Status::OnTime => "on_time",
            Status::Late => "late",
            Status::Missing => "missing",
            Status::NotYetDue => "not_yet_due",
            Status::DateNotStated => "date_not_stated",
            Status::FiguresOnly => "figures_only",
        }
    }
}

/// The status of `report` (or its absence) for `year` at `as_of`.
pub fn status(report: Option<&Report>, year: Year, as_of: Date) -> Status {
    let due = deadline(year);
    match report {
        Some(r) if r.is_figures_only() => Status::FiguresOnly,
        Some(r) => match (r.published, due) {
            (None, _) => Status::DateNotStated,
            (Some(p), Some(d)) if p > d => Status::Late,
            (Some(_), _) => Status::OnTime,
        },
        None => match due {
            Some(d) if as_of > d => Status::Missing,
            _ => Status::NotYetDue,
        },
    }
}

/// A total across townships for one metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Total {
    /// The total: computed from stated figures, not applicable if every
    /// reporting township said so, not reported if none reported.
    pub figure: Figure,
    /// How many townships gave the figure (a number or "not applicable").
    pub reported: usize,
    /// How many townships the total is over.
    pub of: usize,
    /// Whether the metric is summed at all (enforcement items are not).
    pub summed: bool,
}

impl Total {
    /// Whether some townships did not report.
    pub fn is_partial(&self) -> bool {
        self.summed && self.reported < self.of
    }
}

/// Totals of every metric over `reports` (one entry per township; `None`
/// for a township without a report). Sums are exact; rates are recomputed
/// from the summed counts of the townships that state both, never averaged.
pub fn totals(schema: &Schema, reports: &[Option<&Report>]) -> Vec<Total> {
    let of = reports.len();
    schema
        .ids()
        .zip(schema.metrics())
        .map(|(id, metric)| match (&metric.aggregate, &metric.derive) {
            (Aggregate::None, _) => Total {
                figure: Figure::NotReported,
                reported: 0,
                of,
                summed: false,
            },
            (
                Aggregate::Ratio,
                Derive::Rate {
                    numerator,
                    denominator,
                },
            ) => ratio_total(reports, *numerator, *denominator, of),
            _ => sum_total(reports, id, of),
        })
        .collect()
}

fn sum_total(reports: &[Option<&Report>], id: MetricId, of: usize) -> Total {
    let mut sum = Some(Amount::ZERO);
    let mut precision = Precision::Exact;
    let mut reported = 0;
    let mut stated = 0;
    for r in reports.iter().flatten() {
        match r.figure(id) {
            Figure::Stated(s) => {
                sum = sum.and_then(|t| t.checked_add(s.amount));
                precision = precision.combine(s.precision);
                reported += 1;
                stated += 1;
            }
            Figure::NotApplicable => reported += 1,
            Figure::NotReported => {}
        }
    }
    let figure = match (stated, reported, sum) {
        (0, 0, _) => Figure::NotReported,
        (0, _, _) => Figure::NotApplicable,
        (_, _, Some(total)) => Figure::Stated(Stated::computed(total, precision)),
        // An overflow in a sum of real figures cannot happen; show nothing rather than a wrong total.
        (_, _, None) => Figure::NotReported,
    };
    Total {
        figure,
        reported,
        of,
        summed: true,
    }
}

fn ratio_total(
    reports: &[Option<&Report>],
    numerator: MetricId,
    denominator: MetricId,
    of: usize,
) -> Total {
    let mut n = Amount::ZERO;
    let mut d = Amount::ZERO;
    let mut reported = 0;
    for r in reports.iter().flatten() {
        if let (Figure::Stated(a), Figure::Stated(b)) = (r.figure(numerator), r.figure(denominator))
            && a.precision == Precision::Exact
            && b.precision == Precision::Exact
        {
            n = n.checked_add(a.amount).unwrap_or(n);
            d = d.checked_add(b.amount).unwrap_or(d);
            reported += 1;
        }
    }
    let figure = match (reported, n.percent_of(d)) {
        (0, _) | (_, None) => Figure::NotReported,
        (_, Some(p)) => Figure::Stated(Stated::exact(p)),
    };
    Total {
        figure,
        reported,
        of,
        summed: true,
    }
}

/// One township's row in a year summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index into [`Site::townships`].
    pub township: usize,
    /// Index into [`Site::reports`], if the township reported.
    pub report: Option<usize>,
    /// Disclosure status.
    pub status: Status,
    /// Rank by the rank metric (1 = highest), if it has a figure.
    pub rank: Option<u32>,
}

/// A district's subtotal within a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistrictTotals {
    /// The district's name (empty for townships without one).
    pub district: String,
    /// Indices into the summary's rows.
    pub rows: Vec<usize>,
    /// Totals per metric over those rows.
    pub totals: Vec<Total>,
}

/// Everything about one year across townships.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearSummary {
    /// The year.
    pub year: Year,
    /// One row per township (all of them, reported or not), by district then slug.
    pub rows: Vec<Row>,
    /// Totals per metric over all rows.
    pub totals: Vec<Total>,
    /// Subtotals per district, when the site has more than one.
    pub districts: Vec<DistrictTotals>,
}

/// The site assembled for rendering.
#[derive(Clone, Debug, Default)]
pub struct Assembled {
    /// Years with at least one report, ascending.
    pub years: Vec<Year>,
    /// The years of the status matrix: from the first report year to the
    /// latest year that is due or reported.
    pub matrix_years: Vec<Year>,
    /// One summary per year in `years`.
    pub summaries: Vec<YearSummary>,
    /// Per township (same order as [`Site::townships`]): its reports, by year.
    pub by_township: Vec<Vec<usize>>,
    /// Per report: the same township's previous report.
    pub previous: Vec<Option<usize>>,
    /// Per report: the same township's next report.
    pub next: Vec<Option<usize>>,
    /// Township display order: by district, then slug (indices into townships).
    pub order: Vec<usize>,
    /// Whether the site has more than one district.
    pub multi_district: bool,
}

impl Assembled {
    /// The summary of a year.
    pub fn summary(&self, year: Year) -> Option<&YearSummary> {
        self.summaries.iter().find(|s| s.year == year)
    }

    /// The report of township `t` (index) for `year`.
    pub fn report_for(&self, site: &Site, t: usize, year: Year) -> Option<usize> {
        self.by_township
            .get(t)?
            .iter()
            .copied()
            .find(|&r| site.reports.get(r).is_some_and(|r| r.year == year))
    }
}

/// Assemble a loaded site.
pub fn assemble(site: &Site) -> Assembled {
    let schema = &site.config.schema;
    let mut by_township: Vec<Vec<usize>> = vec![Vec::new(); site.townships.len()];
    for (ri, r) in site.reports.iter().enumerate() {
        if let Some(ti) = site.township_index(&r.township)
            && let Some(list) = by_township.get_mut(ti)
        {
            list.push(ri);
        }
    }
    for list in &mut by_township {
        list.sort_by_key(|&r| site.reports.get(r).map_or(0, |r| r.year));
    }
    let mut previous = vec![None; site.reports.len()];
    let mut next = vec![None; site.reports.len()];
    for list in &by_township {
        for pair in list.windows(2) {
            if let [a, b] = pair {
                if let Some(slot) = previous.get_mut(*b) {
                    *slot = Some(*a);
                }
                if let Some(slot) = next.get_mut(*a) {
                    *slot = Some(*b);
                }
            }
        }
    }

    let mut order: Vec<usize> = (0..site.townships.len()).collect();
    order.sort_by(|&a, &b| {
        let ta = site.townships.get(a);
        let tb = site.townships.get(b);
        let key = |t: Option<&crate::model::Township>| {
            t.map(|t| (district_rank(site, t.district.as_deref()), t.slug.clone()))
        };
        key(ta).cmp(&key(tb))
    });
    let districts: Vec<String> = {
        let mut d: Vec<String> = order
            .iter()
            .filter_map(|&i| site.townships.get(i))
            .map(|t| t.district.clone().unwrap_or_default())
            .collect();
        d.dedup();
        d
    };
    let multi_district = districts.len() > 1;

    let mut years: Vec<Year> = site.reports.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();

    let matrix_years = match (years.first(), years.last()) {
        (Some(&first), Some(&last)) => {
            let last_due = last_due_year(site.as_of);
            (first..=last.max(last_due.max(first))).collect()
        }
        _ => Vec::new(),
    };

    let summaries = years
        .iter()
        .map(|&year| {
            let rows: Vec<Row> = order
                .iter()
                .map(|&ti| {
                    let report = by_township.get(ti).and_then(|l| {
                        l.iter()
                            .copied()
                            .find(|&r| site.reports.get(r).is_some_and(|r| r.year == year))
                    });
                    let status = status(report.and_then(|r| site.reports.get(r)), year, site.as_of);
                    Row {
                        township: ti,
                        report,
                        status,
                        rank: None,
                    }
                })
                .collect();
            let reports: Vec<Option<&Report>> = rows
                .iter()
                .map(|row| row.report.and_then(|r| site.reports.get(r)))
                .collect();
            let year_totals = totals(schema, &reports);
            let mut rows = rows;
            if let Some(rank_metric) = site.config.rank_metric {
                rank_rows(&mut rows, &reports, rank_metric);
            }
            let districts = if multi_district {
                districts
                    .iter()
                    .map(|d| {
                        let idx: Vec<usize> = rows
                            .iter()
                            .enumerate()
                            .filter(|(_, row)| {
                                site.townships
                                    .get(row.township)
                                    .map(|t| t.district.clone().unwrap_or_default())
                                    .as_ref()
                                    == Some(d)
                            })
                            .map(|(i, _)| i)
                            .collect();
                        let subset: Vec<Option<&Report>> = idx
                            .iter()
                            .map(|&i| reports.get(i).copied().flatten())
                            .collect();
                        DistrictTotals {
                            district: d.clone(),
                            totals: totals(schema, &subset),
                            rows: idx,
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            YearSummary {
                year,
                rows,
                totals: year_totals,
                districts,
            }
        })
        .collect();

    Assembled {
        years,
        matrix_years,
        summaries,
        by_township,
        previous,
        next,
        order,
        multi_district,
    }
}

/// Position of a district in the config's list (unknown ones last).
fn district_rank(site: &Site, district: Option<&str>) -> (usize, String) {
    let d = district.unwrap_or("");
    let pos = site
        .config
        .districts
        .iter()
        .position(|x| x == d)
        .unwrap_or(usize::MAX);
    (pos, d.to_string())
}

/// The latest year whose annual data was due before `as_of`.
pub fn last_due_year(as_of: Date) -> Year {
    let y = i32::from(as_of.year());
    match deadline(y - 1) {
        Some(d) if as_of > d => y - 1,
        _ => y - 2,
    }
}

/// Competition ranking ("1, 2, 2, 4") by the rank metric, highest first;
/// townships without a figure are not ranked.
fn rank_rows(rows: &mut [Row], reports: &[Option<&Report>], metric: MetricId) {
    let values: Vec<Option<Amount>> = reports
        .iter()
        .map(|r| r.and_then(|r| r.figure(metric).stated().map(|s| s.amount)))
        .collect();
    for (i, row) in rows.iter_mut().enumerate() {
        let Some(Some(v)) = values.get(i) else {
            continue;
        };
        let higher = values.iter().flatten().filter(|o| *o > v).count();
        row.rank = u32::try_from(higher + 1).ok();
    }
}

/// The metrics that any of `reports` states (or that are computed for
/// them): the columns of a table over those reports.
pub fn stated_metrics<'a>(
    schema: &'a Schema,
    reports: &[&Report],
) -> Vec<(MetricId, &'a crate::schema::Metric)> {
    schema
        .ids()
        .zip(schema.metrics())
        .filter(|(id, _)| {
            reports
                .iter()
                .any(|r| *r.figure(*id) != Figure::NotReported)
        })
        .collect()
}

/// The change of a figure from the previous report to this one, when both
/// are exact (a change against a lower bound says nothing).
pub fn change(current: &Report, previous: &Report, id: MetricId) -> Option<Amount> {
    match (current.figure(id), previous.figure(id)) {
        (Figure::Stated(a), Figure::Stated(b))
            if a.precision == Precision::Exact && b.precision == Precision::Exact =>
        {
            a.amount.checked_sub(b.amount)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_due_year_turns_on_31_january() {
        assert_eq!(last_due_year(Date::constant(2026, 1, 31)), 2024);
        assert_eq!(last_due_year(Date::constant(2026, 2, 1)), 2025);
        assert_eq!(last_due_year(Date::constant(2025, 12, 8)), 2024);
    }
}
