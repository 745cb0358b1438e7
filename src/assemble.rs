//! Assembling the loaded reports into what the site says across them:
//! which years and townships the site covers, the disclosure status of each
//! township and year, year summaries with exact totals ("n of m reported",
//! 余 carried, approximate sums at the precision of their least precise
//! part), district subtotals, honest ranks, changes labelled with the year
//! they compare to, and like-for-like totals over the years.
//!
//! All arithmetic is here, in typed code; templates never compute.

#![deny(clippy::arithmetic_side_effects)]

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::amount::Amount;
use crate::figure::{Figure, Precision, Stated};
use crate::model::{Report, Township, Year};
use crate::schema::{Aggregate, Derive, MetricId, Schema};
use crate::site::Site;
use crate::sum::Sum;
use crate::validate::deadline;

/// Where a township stands on one year's annual disclosure, judged at the
/// status date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Published by 31 January of the next year.
    OnTime,
    /// Published after the deadline.
    Late,
    /// Covered by the site, due, and not published.
    Missing,
    /// Covered by the site, not published, not yet due.
    NotYetDue,
    /// The site does not hold this township's reports for this year (before
    /// its coverage starts or after it ends): nothing is claimed either way.
    NotCovered,
    /// Published, but the document states no date.
    DateNotStated,
    /// Only figures quoted in a later report.
    FiguresOnly,
}

impl Status {
    /// Every status, in the order the glossary explains them.
    pub const ALL: [Status; 7] = [
        Status::OnTime,
        Status::Late,
        Status::DateNotStated,
        Status::FiguresOnly,
        Status::Missing,
        Status::NotYetDue,
        Status::NotCovered,
    ];

    /// Machine name (CSS class, JSON, glossary anchor `status_<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Status::OnTime => "on_time",
            Status::Late => "late",
            Status::Missing => "missing",
            Status::NotYetDue => "not_yet_due",
            Status::NotCovered => "not_covered",
            Status::DateNotStated => "date_not_stated",
            Status::FiguresOnly => "figures_only",
        }
    }
}

/// The status of a report the site holds for its year.
pub fn report_status(r: &Report) -> Status {
    if r.is_figures_only() {
        return Status::FiguresOnly;
    }
    match (r.published, deadline(r.year)) {
        (None, _) => Status::DateNotStated,
        (Some(p), Some(d)) if p > d => Status::Late,
        (Some(_), _) => Status::OnTime,
    }
}

/// The status of `report` (or its absence) for `year` at `as_of`, for a
/// township the site covers that year.
pub fn status(report: Option<&Report>, year: Year, as_of: Date) -> Status {
    match report {
        Some(r) => report_status(r),
        None => match deadline(year) {
            Some(d) if as_of > d => Status::Missing,
            _ => Status::NotYetDue,
        },
    }
}

/// The years for which the site holds a township's reports: from its
/// profile's `covered_from` (else the config's `first_year`, else its first
/// report) to its `covered_until` (else open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The first covered year; `None` when nothing says (no report, no setting).
    pub from: Option<Year>,
    /// The last covered year, if the site stopped following the township.
    pub until: Option<Year>,
}

impl Coverage {
    /// The coverage of township `t`, whose first report is `first_report`.
    pub fn of(t: &Township, first_year: Option<Year>, first_report: Option<Year>) -> Coverage {
        Coverage {
            from: t.covered_from.or(first_year).or(first_report),
            until: t.covered_until,
        }
    }

    /// Whether the site holds the township's reports for `year`.
    pub fn covers(self, year: Year) -> bool {
        self.from.is_some_and(|f| year >= f) && self.until.is_none_or(|u| year <= u)
    }
}

/// A total across townships for one metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Total {
    /// The total: computed from stated figures, not applicable if every
    /// reporting township said so, not reported if none reported (always
    /// not reported for a metric that is not summed).
    pub figure: Figure,
    /// How many townships gave the figure (a number or "not applicable").
    pub reported: usize,
    /// How many townships the total is over (those the site covers).
    pub of: usize,
    /// Whether the metric is summed at all (enforcement items are not).
    pub summed: bool,
}

impl Total {
    /// Whether some townships did not report.
    pub fn is_partial(&self) -> bool {
        self.reported < self.of
    }
}

/// Totals of every metric over `reports` (one entry per covered township;
/// `None` for a township without a report). Sums are exact; a sum with an
/// approximate part is rounded to that part's precision; rates are
/// recomputed from the summed counts of the townships that state both
/// exactly, never averaged.
pub fn totals(schema: &Schema, reports: &[Option<&Report>]) -> Vec<Total> {
    totals_from(schema, &sums(schema, reports), reports)
}

/// The sum of every metric over `reports`, report by report (each
/// report's figures are read once, in order).
fn sums(schema: &Schema, reports: &[Option<&Report>]) -> Vec<Sum> {
    let mut sums = vec![Sum::default(); schema.metrics().len()];
    for r in reports.iter().flatten() {
        for (sum, entry) in sums.iter_mut().zip(&r.figures) {
            sum.add(&entry.figure);
        }
    }
    sums
}

/// Totals from the sums of `reports` (rates are recomputed from their
/// counts over the same reports).
fn totals_from(schema: &Schema, sums: &[Sum], reports: &[Option<&Report>]) -> Vec<Total> {
    let of = reports.len();
    schema
        .ids()
        .zip(schema.metrics())
        .zip(sums)
        .map(
            |((_, metric), sum)| match (&metric.aggregate, &metric.derive) {
                (Aggregate::None, _) => Total {
                    figure: Figure::NotReported,
                    reported: sum.reported(),
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
                _ => Total {
                    // Load refuses a site whose sums do not fit (see
                    // `validate::year_sums`), so `None` is never shown to anyone.
                    figure: sum.figure().unwrap_or_default(),
                    reported: sum.reported(),
                    of,
                    summed: true,
                },
            },
        )
        .collect()
}

/// Sums of the exact numerators and denominators of a rate.
fn ratio_sums(
    reports: &[Option<&Report>],
    numerator: MetricId,
    denominator: MetricId,
) -> (i128, i128, usize) {
    let (mut n, mut d, mut reported) = (0i128, 0i128, 0usize);
    for r in reports.iter().flatten() {
        if let (Figure::Stated(a), Figure::Stated(b)) = (r.figure(numerator), r.figure(denominator))
            && a.precision == Precision::Exact
            && b.precision == Precision::Exact
        {
            n = n.saturating_add(i128::from(a.amount.hundredths()));
            d = d.saturating_add(i128::from(b.amount.hundredths()));
            reported = reported.saturating_add(1);
        }
    }
    (n, d, reported)
}

fn ratio_total(
    reports: &[Option<&Report>],
    numerator: MetricId,
    denominator: MetricId,
    of: usize,
) -> Total {
    let (n, d, reported) = ratio_sums(reports, numerator, denominator);
    let figure = match (reported, Amount::percent_of_wide(n, d)) {
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

/// A township's place by the rank metric among the townships whose
/// figures can be ordered. Exact figures and lower bounds are ranked; a
/// lower bound is only placed above a figure it certainly exceeds and never
/// below anything, so its place may be a range (1100余 beside 1,150 is
/// 1–2). Equal exact figures share a place (competition ranking).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rank {
    /// The best place it may have (1 = highest).
    pub best: u32,
    /// The worst place it may have (`best` when certain).
    pub worst: u32,
    /// Whether it shares its place with an equal figure.
    pub tied: bool,
    /// How many townships are ranked.
    pub of: u32,
}

/// A figure as far as ranking goes: an exact value or a lower bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Orderable {
    Exact(Amount),
    AtLeast(Amount),
}

impl Orderable {
    fn of(figure: &Figure) -> Option<Orderable> {
        match figure {
            Figure::Stated(s) => match s.precision {
                Precision::Exact => Some(Orderable::Exact(s.amount)),
                Precision::AtLeast => Some(Orderable::AtLeast(s.amount)),
                // An approximation may be above or below its value: unranked.
                Precision::About => None,
            },
            _ => None,
        }
    }
}

/// Ranks of `figures` (one per row): `None` for a row whose figure cannot
/// be ordered, and for every row when fewer than two can.
pub fn ranks(figures: &[&Figure]) -> Vec<Option<Rank>> {
    let values: Vec<Option<Orderable>> = figures.iter().map(|f| Orderable::of(f)).collect();
    // Sorted lists answer each "how many are certainly above / below"
    // by binary search: ranking is O(n log n) in townships.
    let mut exact: Vec<Amount> = Vec::new();
    let mut at_least: Vec<Amount> = Vec::new();
    for v in values.iter().flatten() {
        match v {
            Orderable::Exact(a) => exact.push(*a),
            Orderable::AtLeast(a) => at_least.push(*a),
        }
    }
    exact.sort_unstable();
    at_least.sort_unstable();
    let mut all: Vec<Amount> = exact.iter().chain(&at_least).copied().collect();
    all.sort_unstable();
    let n = all.len();
    let Ok(of) = u32::try_from(n) else {
        return vec![None; figures.len()];
    };
    if n < 2 {
        return vec![None; figures.len()];
    }
    let count_below = |list: &[Amount], a: Amount| list.partition_point(|x| *x < a);
    let count_above =
        |list: &[Amount], a: Amount| list.len().saturating_sub(list.partition_point(|x| *x <= a));
    values
        .iter()
        .map(|v| {
            let (above, below, tied, uncertain) = match (*v)? {
                // Above an exact figure: every larger figure, exact or a
                // lower bound. Unsure beside a lower bound that may pass it.
                Orderable::Exact(a) => (
                    count_above(&all, a),
                    count_below(&exact, a),
                    count_above(&exact, a.checked_sub(Amount::from_hundredths(1))?)
                        .saturating_sub(count_above(&exact, a))
                        > 1,
                    at_least.first().is_some_and(|b| *b <= a),
                ),
                // Nothing is certainly above a lower bound; it is above the
                // smaller exact figures; unsure beside any exact figure it
                // may not reach and beside any other lower bound.
                Orderable::AtLeast(a) => (
                    0,
                    count_below(&exact, a),
                    false,
                    exact.last().is_some_and(|b| *b >= a) || at_least.len() > 1,
                ),
            };
            let best = u32::try_from(above).ok()?.checked_add(1)?;
            let worst = of.checked_sub(u32::try_from(below).ok()?)?;
            Some(Rank {
                best,
                worst: if uncertain { worst } else { best },
                tied,
                of,
            })
        })
        .collect()
}

/// One covered township's row in a year summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index into [`Site::townships`].
    pub township: usize,
    /// Index into [`Site::reports`], if the township reported.
    pub report: Option<usize>,
    /// Disclosure status.
    pub status: Status,
    /// Place by the rank metric, if its figure can be ordered.
    pub rank: Option<Rank>,
}

/// How many townships a district's page lists: its table and status
/// matrix are cut into pages of this many townships, so that no page
/// grows with the size of the site.
pub const PER_PAGE: usize = 50;

/// A district of the site and its townships.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct District {
    /// Its name (empty for townships without one).
    pub name: String,
    /// The folder of its pages under `districts/`: the name, with the
    /// characters a file name cannot hold replaced (unique).
    pub slug: String,
    /// The city it belongs to (index into [`Assembled::cities`]).
    pub city: Option<usize>,
    /// Its townships, in display order (indices into [`Site::townships`]).
    pub townships: Vec<usize>,
}

impl District {
    /// How many pages its townships fill (at least one).
    pub fn pages(&self) -> usize {
        self.townships.len().div_ceil(PER_PAGE).max(1)
    }
}

/// A city: districts grouped in the config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct City {
    /// Its name.
    pub name: String,
    /// The folder of its page under `cities/`.
    pub slug: String,
    /// Its districts (indices into [`Assembled::districts`]).
    pub districts: Vec<usize>,
}

/// A folder name for a place: its name with the characters a file or a
/// URL path cannot carry plainly replaced by `_` (Chinese is kept; links
/// percent-encode it).
pub fn place_slug(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control()
                || c.is_whitespace()
                || matches!(
                    c,
                    '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%' | '&' | '\''
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "_".into()
    } else {
        s.to_string()
    }
}

/// Unique slugs: a second `x` becomes `x-2`.
fn unique_slugs(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for base in names {
        let mut slug = base.clone();
        let mut n = 1u32;
        while out.contains(&slug) {
            n = n.saturating_add(1);
            slug = format!("{base}-{n}");
        }
        out.push(slug);
    }
    out
}

/// The districts of a site (from townships in display order) and its cities.
fn places(site: &Site, order: &[usize]) -> (Vec<District>, Vec<City>) {
    let mut districts: Vec<District> = Vec::new();
    for &ti in order {
        let Some(t) = site.township_at(ti) else {
            continue;
        };
        let name = t.district.clone().unwrap_or_default();
        match districts.last_mut() {
            Some(d) if d.name == name => d.townships.push(ti),
            _ => districts.push(District {
                name,
                slug: String::new(),
                city: None,
                townships: vec![ti],
            }),
        }
    }
    let slugs = unique_slugs(districts.iter().map(|d| place_slug(&d.name)));
    for (d, slug) in districts.iter_mut().zip(slugs) {
        d.slug = slug;
    }
    let mut cities: Vec<City> = Vec::new();
    for c in &site.config.cities {
        let own: Vec<usize> = districts
            .iter()
            .enumerate()
            .filter(|(_, d)| c.districts.contains(&d.name))
            .map(|(i, _)| i)
            .collect();
        if own.is_empty() {
            continue;
        }
        for &i in &own {
            if let Some(d) = districts.get_mut(i) {
                d.city = Some(cities.len());
            }
        }
        cities.push(City {
            name: c.name.clone(),
            slug: String::new(),
            districts: own,
        });
    }
    let slugs = unique_slugs(cities.iter().map(|c| place_slug(&c.name)));
    for (c, slug) in cities.iter_mut().zip(slugs) {
        c.slug = slug;
    }
    (districts, cities)
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
    /// One row per township the site covers that year (reported or not),
    /// by district then slug.
    pub rows: Vec<Row>,
    /// Townships the site does not cover that year (indices into
    /// [`Site::townships`], in display order): in no row and no total.
    pub not_covered: Vec<usize>,
    /// Totals per metric over all rows.
    pub totals: Vec<Total>,
    /// Subtotals per district, when the site has more than one.
    pub districts: Vec<DistrictTotals>,
    /// Subtotals per city (named like the city), when the config has cities.
    pub cities: Vec<DistrictTotals>,
}

impl YearSummary {
    /// How many covered townships published something for the year.
    pub fn reported(&self) -> usize {
        self.rows.iter().filter(|r| r.report.is_some()).count()
    }
}

/// A like-for-like series of one metric's totals over the years: only
/// townships that gave the figure in every year of the series are counted,
/// so a change between years is never a change in who is counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trend {
    /// The metric.
    pub metric: MetricId,
    /// The townships counted (indices into [`Site::townships`], display order).
    pub townships: Vec<usize>,
    /// Each year of the series (consecutive site years) with its total.
    pub points: Vec<(Year, Total)>,
}

/// The change of a figure against the same township's previous report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// Current minus previous (both exact).
    pub delta: Amount,
    /// The year compared to (the previous report's year, which may be
    /// earlier than the previous calendar year).
    pub base_year: Year,
}

impl Change {
    /// Whether the change is against the previous calendar year.
    pub fn is_year_on_year(self, year: Year) -> bool {
        year.checked_sub(1) == Some(self.base_year)
    }
}

/// The site assembled for rendering.
#[derive(Clone, Debug, Default)]
pub struct Assembled {
    /// Every year the site speaks about, ascending and without gaps: from
    /// the first covered or reported year to the latest year that is due or
    /// reported. A due year nobody published is here too.
    pub years: Vec<Year>,
    /// One summary per year in `years`.
    pub summaries: Vec<YearSummary>,
    /// Per township (same order as [`Site::townships`]): the years covered.
    pub coverage: Vec<Coverage>,
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
    /// The districts, in display order (the config's, then the others by
    /// name; an empty name for townships without one).
    pub districts: Vec<District>,
    /// The cities grouping districts (`districts:` in the config), in the
    /// config's order; only those with a district that has townships.
    pub cities: Vec<City>,
    /// Whether the pages are laid out by district: the home page and the
    /// year pages show a row per district, each district has its pages
    /// (paged by [`PER_PAGE`] townships), and the townships index lists
    /// the districts. True with more than one district, or more townships
    /// than one page holds; a small site of one district keeps the pages
    /// that list every township.
    pub by_district: bool,
    /// Like-for-like series of the key metrics (only those with two years or more).
    pub trends: Vec<Trend>,
}

impl Assembled {
    /// Whether the pages that list townships (the townships index, the
    /// year pages, the all-years and data pages) can list every one:
    /// at most [`PER_PAGE`] of them. A bigger site lists them on its
    /// district pages only.
    pub fn lists_every_township(&self) -> bool {
        self.order.len() <= PER_PAGE
    }

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
            .find(|&r| site.report_at(r).is_some_and(|r| r.year == year))
    }

    /// The status of township `t` (index) for `year`.
    pub fn status(&self, site: &Site, t: usize, year: Year) -> Status {
        let report = self
            .report_for(site, t, year)
            .and_then(|i| site.report_at(i));
        let covered = self.coverage.get(t).is_some_and(|c| c.covers(year));
        match report {
            Some(r) => report_status(r),
            None if covered => status(None, year, site.as_of),
            None => Status::NotCovered,
        }
    }
}

/// Per township: its reports (indices), sorted by year.
fn reports_by_township(site: &Site) -> Vec<Vec<usize>> {
    let mut by_township: Vec<Vec<usize>> = vec![Vec::new(); site.townships.len()];
    for (ri, r) in site.reports.iter().enumerate() {
        if let Some(ti) = site.township_index(&r.township)
            && let Some(list) = by_township.get_mut(ti)
        {
            list.push(ri);
        }
    }
    for list in &mut by_township {
        list.sort_by_key(|&r| site.report_at(r).map_or(0, |r| r.year));
    }
    by_township
}

fn coverages(site: &Site, by_township: &[Vec<usize>]) -> Vec<Coverage> {
    site.townships
        .iter()
        .zip(by_township)
        .map(|(t, list)| {
            let first = list
                .first()
                .and_then(|&r| site.report_at(r))
                .map(|r| r.year);
            Coverage::of(t, site.config.first_year, first)
        })
        .collect()
}

/// The years the site speaks about: from the first covered or reported year
/// to the latest year that is due or reported, without gaps.
fn site_years(site: &Site, coverage: &[Coverage]) -> Vec<Year> {
    let first_report = site.reports.iter().map(|r| r.year).min();
    let last_report = site.reports.iter().map(|r| r.year).max();
    let first = coverage
        .iter()
        .filter_map(|c| c.from)
        .chain(first_report)
        .min();
    let Some(first) = first else {
        return Vec::new();
    };
    let last_due = last_due_year(site.as_of);
    // A township covered from a year not yet due adds no year of its own.
    let last = last_report
        .into_iter()
        .chain([last_due])
        .max()
        .unwrap_or(first);
    if last < first {
        return Vec::new();
    }
    (first..=last).collect()
}

/// How many pages of years a build writes (for progress bars), without
/// assembling everything.
pub fn year_count(site: &Site) -> usize {
    let by_township = reports_by_township(site);
    site_years(site, &coverages(site, &by_township)).len()
}

/// Assemble a loaded site.
pub fn assemble(site: &Site) -> Assembled {
    let by_township = reports_by_township(site);
    let coverage = coverages(site, &by_township);
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
    order.sort_by_cached_key(|&i| {
        site.township_at(i)
            .map(|t| (district_rank(site, t.district.as_deref()), t.slug.clone()))
    });
    let (places, cities) = places(site, &order);
    let districts: Vec<String> = places.iter().map(|d| d.name.clone()).collect();
    let multi_district = districts.len() > 1;
    let by_district = multi_district || site.townships.len() > PER_PAGE;
    let years = site_years(site, &coverage);

    let partial = Assembled {
        years: years.clone(),
        summaries: Vec::new(),
        coverage,
        by_township,
        previous,
        next,
        order,
        multi_district,
        districts: places,
        cities,
        by_district,
        trends: Vec::new(),
    };
    let summaries: Vec<YearSummary> = years
        .par_iter()
        .map(|&year| summarize(site, &partial, year, &districts))
        .collect();
    let trends = trends(site, &summaries);
    Assembled {
        summaries,
        trends,
        ..partial
    }
}

fn trends(site: &Site, summaries: &[YearSummary]) -> Vec<Trend> {
    site.config
        .key_metrics
        .iter()
        .filter_map(|&id| trend(site, summaries, id))
        .collect()
}

/// Assemble again after reports changed in place. `previous` was assembled
/// from a site with the same townships and the same reports (same
/// townships and years, in the same order: the caller checks), whose
/// figures or dates may differ only in the reports of `years`: only those
/// years' summaries are computed again (and the trends, which read every
/// summary). The result is what [`assemble`] gives.
pub fn reassemble(site: &Site, previous: &Assembled, years: &[Year]) -> Assembled {
    let districts: Vec<String> = {
        let mut d: Vec<String> = previous
            .order
            .iter()
            .filter_map(|&i| site.township_at(i))
            .map(|t| t.district.clone().unwrap_or_default())
            .collect();
        d.dedup();
        d
    };
    let summaries: Vec<YearSummary> = previous
        .summaries
        .par_iter()
        .map(|s| {
            if years.contains(&s.year) {
                summarize(site, previous, s.year, &districts)
            } else {
                s.clone()
            }
        })
        .collect();
    let trends = trends(site, &summaries);
    Assembled {
        summaries,
        trends,
        ..previous.clone_frame()
    }
}

impl Assembled {
    /// Everything but the summaries and trends.
    fn clone_frame(&self) -> Assembled {
        Assembled {
            years: self.years.clone(),
            summaries: Vec::new(),
            coverage: self.coverage.clone(),
            by_township: self.by_township.clone(),
            previous: self.previous.clone(),
            next: self.next.clone(),
            order: self.order.clone(),
            multi_district: self.multi_district,
            districts: self.districts.clone(),
            cities: self.cities.clone(),
            by_district: self.by_district,
            trends: Vec::new(),
        }
    }
}

fn summarize(site: &Site, asm: &Assembled, year: Year, districts: &[String]) -> YearSummary {
    let schema = &site.config.schema;
    let mut rows = Vec::new();
    let mut not_covered = Vec::new();
    for &ti in &asm.order {
        let report = asm.report_for(site, ti, year);
        let covered = asm.coverage.get(ti).is_some_and(|c| c.covers(year));
        if report.is_none() && !covered {
            not_covered.push(ti);
            continue;
        }
        rows.push(Row {
            township: ti,
            report,
            status: asm.status(site, ti, year),
            rank: None,
        });
    }
    let reports: Vec<Option<&Report>> = rows
        .iter()
        .map(|row| row.report.and_then(|r| site.report_at(r)))
        .collect();
    if let Some(rank_metric) = site.config.rank_metric {
        let figures: Vec<&Figure> = reports
            .iter()
            .map(|r| r.map_or(&NOT_REPORTED, |r| r.figure(rank_metric)))
            .collect();
        for (row, rank) in rows.iter_mut().zip(ranks(&figures)) {
            row.rank = rank;
        }
    }
    // Each district summed once; the year's total is their sum.
    let (year_totals, district_totals) = if asm.multi_district {
        let district_of: Vec<&str> = rows
            .iter()
            .map(|row| {
                site.township_at(row.township)
                    .and_then(|t| t.district.as_deref())
                    .unwrap_or("")
            })
            .collect();
        // The rows of each district, in one pass over the rows (a scan of
        // every row for each district was a second per build at 20,000
        // townships in 990 districts).
        let mut rows_of: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, of) in district_of.iter().enumerate() {
            rows_of.entry(of).or_default().push(i);
        }
        let mut all = vec![Sum::default(); schema.metrics().len()];
        let district_totals = districts
            .iter()
            .map(|d| {
                let idx: Vec<usize> = rows_of.get(d.as_str()).cloned().unwrap_or_default();
                let subset: Vec<Option<&Report>> = idx
                    .iter()
                    .map(|&i| reports.get(i).copied().flatten())
                    .collect();
                let sums = sums(schema, &subset);
                for (a, s) in all.iter_mut().zip(&sums) {
                    a.merge(s);
                }
                DistrictTotals {
                    district: d.clone(),
                    totals: totals_from(schema, &sums, &subset),
                    rows: idx,
                }
            })
            .collect();
        (totals_from(schema, &all, &reports), district_totals)
    } else {
        (totals(schema, &reports), Vec::new())
    };
    // Each city: the rows of its districts, summed exactly.
    let cities = asm
        .cities
        .iter()
        .map(|city| {
            let names: Vec<&str> = city
                .districts
                .iter()
                .filter_map(|&d| asm.districts.get(d))
                .map(|d| d.name.as_str())
                .collect();
            // One district: no subtotals, and the city has every row.
            let idx: Vec<usize> = if asm.multi_district {
                district_totals
                    .iter()
                    .filter(|d| names.contains(&d.district.as_str()))
                    .flat_map(|d| d.rows.iter().copied())
                    .collect()
            } else {
                (0..rows.len()).collect()
            };
            let subset: Vec<Option<&Report>> = idx
                .iter()
                .map(|&i| reports.get(i).copied().flatten())
                .collect();
            DistrictTotals {
                district: city.name.clone(),
                totals: totals(schema, &subset),
                rows: idx,
            }
        })
        .collect();
    YearSummary {
        year,
        rows,
        not_covered,
        totals: year_totals,
        districts: district_totals,
        cities,
    }
}

static NOT_REPORTED: Figure = Figure::NotReported;

/// The townships (indices) that gave metric `id` (a number or "not
/// applicable") in a year.
pub fn reporting(site: &Site, summary: &YearSummary, id: MetricId) -> Vec<usize> {
    summary
        .rows
        .iter()
        .filter(|row| {
            row.report
                .and_then(|i| site.report_at(i))
                .is_some_and(|r| *r.figure(id) != Figure::NotReported)
        })
        .map(|row| row.township)
        .collect()
}

/// The like-for-like series of metric `id`: the townships that gave it in
/// both of the last two years in which anyone gave it, over as many earlier
/// consecutive years as all of them gave it too. `None` when fewer than two
/// years compare.
fn trend(site: &Site, summaries: &[YearSummary], id: MetricId) -> Option<Trend> {
    let metric = site.config.schema.metric(id)?;
    if metric.aggregate == Aggregate::None {
        return None;
    }
    let sets: Vec<Vec<usize>> = summaries.iter().map(|s| reporting(site, s, id)).collect();
    // Membership by township index, so that a site of thousands of
    // townships is not compared pair by pair.
    let member = |set: &[usize]| {
        let mut m = vec![false; site.townships.len()];
        for &t in set {
            if let Some(slot) = m.get_mut(t) {
                *slot = true;
            }
        }
        m
    };
    let last = sets.iter().rposition(|s| !s.is_empty())?;
    let before = last.checked_sub(1)?;
    let latest = sets.get(last)?;
    let earlier = member(sets.get(before)?);
    let townships: Vec<usize> = latest
        .iter()
        .copied()
        .filter(|&t| earlier.get(t).copied().unwrap_or(false))
        .collect();
    if townships.is_empty() {
        return None;
    }
    let mut first = before;
    while let Some(i) = first.checked_sub(1)
        && sets.get(i).is_some_and(|s| {
            let m = member(s);
            townships
                .iter()
                .all(|&t| m.get(t).copied().unwrap_or(false))
        })
    {
        first = i;
    }
    let points = summaries
        .get(first..=last)?
        .iter()
        .map(|s| {
            // Rows and `townships` are both in display order: one merge pass.
            let mut rows = s.rows.iter().peekable();
            let reports: Vec<Option<&Report>> = townships
                .iter()
                .map(|&t| {
                    while rows.next_if(|r| r.township != t).is_some() {}
                    rows.next()
                        .and_then(|r| r.report)
                        .and_then(|i| site.report_at(i))
                })
                .collect();
            let total = totals(&site.config.schema, &reports)
                .into_iter()
                .nth(id.index())
                .unwrap_or(Total {
                    figure: Figure::NotReported,
                    reported: 0,
                    of: reports.len(),
                    summed: true,
                });
            (s.year, total)
        })
        .collect();
    Some(Trend {
        metric: id,
        townships,
        points,
    })
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
    let last_year = y.saturating_sub(1);
    match deadline(last_year) {
        Some(d) if as_of > d => last_year,
        _ => y.saturating_sub(2),
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

/// The change of a figure from the township's previous report to this one,
/// when both are exact (a change against a lower bound says nothing),
/// with the year it compares to.
pub fn change(current: &Report, previous: &Report, id: MetricId) -> Option<Change> {
    match (current.figure(id), previous.figure(id)) {
        (Figure::Stated(a), Figure::Stated(b))
            if a.precision == Precision::Exact && b.precision == Precision::Exact =>
        {
            Some(Change {
                delta: a.amount.checked_sub(b.amount)?,
                base_year: previous.year,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Kind, parse_figure};

    fn fig(text: &str) -> Figure {
        parse_figure(text, Kind::Count).unwrap()
    }

    fn money(text: &str) -> Figure {
        parse_figure(text, Kind::Money).unwrap()
    }

    #[test]
    fn last_due_year_turns_on_31_january() {
        assert_eq!(last_due_year(Date::constant(2026, 1, 31)), 2024);
        assert_eq!(last_due_year(Date::constant(2026, 2, 1)), 2025);
        assert_eq!(last_due_year(Date::constant(2025, 12, 8)), 2024);
    }

    #[test]
    fn sums_keep_no_false_precision() {
        let mut sum = Sum::default();
        sum.add(&money("约2000"));
        sum.add(&money("1234.50"));
        let Some(Figure::Stated(s)) = sum.figure() else {
            panic!("a sum")
        };
        assert_eq!(s.precision, Precision::About);
        assert_eq!(s.amount, Amount::from_hundredths(320_000));
        assert_eq!(sum.exact_hundredths(), 323_450);
        // A lower bound plus an exact figure stays an exact bound.
        let mut sum = Sum::default();
        sum.add(&fig("1100余"));
        sum.add(&fig("5"));
        assert_eq!(
            sum.figure(),
            Some(Figure::Stated(Stated::computed(
                Amount::from_hundredths(110_500),
                Precision::AtLeast
            )))
        );
        // Only "not applicable" is not applicable; nothing is not reported.
        let mut sum = Sum::default();
        assert_eq!(sum.figure(), Some(Figure::NotReported));
        sum.add(&Figure::NotApplicable);
        assert_eq!(sum.figure(), Some(Figure::NotApplicable));
        assert_eq!(sum.reported(), 1);
    }

    #[test]
    fn sums_past_the_largest_amount_are_exact_and_refused() {
        let big = Figure::Stated(Stated::exact(Amount::from_hundredths(i64::MAX)));
        let mut sum = Sum::default();
        sum.add(&big);
        sum.add(&big);
        assert_eq!(sum.exact_hundredths(), 2 * i128::from(i64::MAX));
        assert!(!sum.fits());
        assert_eq!(sum.figure(), None);
    }

    /// The definition, pair by pair (quadratic): what `ranks` computes by
    /// binary search.
    fn ranks_by_definition(figures: &[&Figure]) -> Vec<Option<Rank>> {
        let above = |x: Orderable, y: Orderable| match (x, y) {
            (Orderable::Exact(a) | Orderable::AtLeast(a), Orderable::Exact(b)) => a > b,
            (_, Orderable::AtLeast(_)) => false,
        };
        let values: Vec<Option<Orderable>> = figures.iter().map(|f| Orderable::of(f)).collect();
        let ranked: Vec<Orderable> = values.iter().flatten().copied().collect();
        let of = ranked.len() as u32;
        if ranked.len() < 2 {
            return vec![None; figures.len()];
        }
        values
            .iter()
            .map(|v| {
                let v = (*v)?;
                let best =
                    (ranked.iter().filter(|o| above(**o, v)).count() as u32).saturating_add(1);
                let worst =
                    of.saturating_sub(ranked.iter().filter(|o| above(v, **o)).count() as u32);
                let tied = matches!(v, Orderable::Exact(_))
                    && ranked.iter().filter(|o| **o == v).count() > 1;
                let uncertain = ranked
                    .iter()
                    .any(|o| *o != v && !above(*o, v) && !above(v, *o))
                    || (matches!(v, Orderable::AtLeast(_))
                        && ranked.iter().filter(|o| **o == v).count() > 1);
                Some(Rank {
                    best,
                    worst: if uncertain { worst } else { best },
                    tied,
                    of,
                })
            })
            .collect()
    }

    #[test]
    fn fast_ranks_follow_the_definition() {
        // A deterministic spread of exact, lower-bound, approximate and
        // missing figures with many ties.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..300 {
            let len = (seed % 12) as usize;
            let texts: Vec<String> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let n = seed % 6 * 10;
                    match seed / 7 % 4 {
                        0 => format!("{n}余"),
                        1 => format!("约{n}"),
                        2 => "-".to_string(),
                        _ => n.to_string(),
                    }
                })
                .collect();
            let figures: Vec<Figure> = texts
                .iter()
                .map(|t| {
                    if t == "-" {
                        Figure::NotReported
                    } else {
                        fig(t)
                    }
                })
                .collect();
            let refs: Vec<&Figure> = figures.iter().collect();
            assert_eq!(ranks(&refs), ranks_by_definition(&refs), "{texts:?}");
        }
    }

    #[test]
    fn ranks_never_claim_an_order_the_figures_do_not_give() {
        let show = |texts: &[&str]| -> Vec<String> {
            let figures: Vec<Figure> = texts
                .iter()
                .map(|t| {
                    if *t == "-" {
                        Figure::NotReported
                    } else {
                        fig(t)
                    }
                })
                .collect();
            let refs: Vec<&Figure> = figures.iter().collect();
            ranks(&refs)
                .into_iter()
                .map(|r| match r {
                    None => "—".to_string(),
                    Some(r) if r.best != r.worst => format!("{}-{}", r.best, r.worst),
                    Some(r) if r.tied => format!("{}=", r.best),
                    Some(r) => r.best.to_string(),
                })
                .collect()
        };
        // 1100余 may be above 1,150: neither is placed above the other.
        assert_eq!(show(&["1150", "1100余", "500"]), ["1-2", "1-2", "3"]);
        // A bound above an exact figure is certainly above it.
        assert_eq!(show(&["1200余", "1150", "500"]), ["1", "2", "3"]);
        // Ties share a place; approximate and missing figures are unranked.
        assert_eq!(
            show(&["30", "30", "10", "约50", "-"]),
            ["1=", "1=", "3", "—", "—"]
        );
        // No rank when fewer than two can be compared.
        assert_eq!(show(&["30", "约50", "-"]), ["—", "—", "—"]);
        // Two equal lower bounds cannot be told apart.
        assert_eq!(show(&["100余", "100余"]), ["1-2", "1-2"]);
    }

    #[test]
    fn coverage_starts_and_ends() {
        let t = Township {
            covered_until: Some(2023),
            ..Township::default()
        };
        let c = Coverage::of(&t, None, Some(2022));
        assert!(!c.covers(2021));
        assert!(c.covers(2022) && c.covers(2023));
        assert!(!c.covers(2024));
        let late = Township {
            covered_from: Some(2025),
            ..Township::default()
        };
        assert_eq!(Coverage::of(&late, Some(2020), Some(2026)).from, Some(2025));
        assert_eq!(
            Coverage::of(&Township::default(), Some(2020), Some(2026)).from,
            Some(2020)
        );
        assert!(!Coverage::of(&Township::default(), None, None).covers(2025));
    }
}
