//! View models: what templates see.
//!
//! Every number arrives formatted and every link arrives as a site-relative
//! path (templates prefix `root`, which leads back to the site root from the
//! page, so the site works from a domain root, a sub-path or the disk).
//! Templates never compute.

use serde::Serialize;

use crate::format::{
    cell_words, change_label, date, empty_note, labels, plain_figure, shows_unit, zero_in_words,
};
use crate::i18n::Words;
use crate::render::paths;

use crate::assemble::{Status, Total};
use crate::figure::{Figure, Kind};
use crate::format;
use crate::i18n::Lang;
use crate::model::{Report, Township};
use crate::schema::Metric;

/// A status with its words and where the glossary explains it.
#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    /// Machine name (CSS class).
    pub key: &'static str,
    /// Words for people.
    pub label: String,
    /// The one-line explanation (the glossary's, also used in legends).
    pub desc: String,
    /// The glossary entry, site-relative (`glossary/index.html#status_missing`).
    pub glossary: String,
}

impl StatusView {
    /// The view of a status.
    pub fn new(status: Status, w: &Words) -> StatusView {
        let key = status.key();
        let term = format!("status_{key}");
        StatusView {
            key,
            label: w.get(&term).to_string(),
            desc: w.get(&format!("{term}_desc")).to_string(),
            glossary: paths::glossary_entry(&term),
        }
    }
}

/// A rank for display.
#[derive(Clone, Debug, Serialize)]
pub struct RankView {
    /// As shown: `1`, `2（并列）`, `1–2`.
    pub display: String,
    /// The best place, for sorting.
    pub sort: u32,
    /// Whether the place is open (a lower bound is involved).
    pub open: bool,
}

impl RankView {
    /// The view of a rank.
    pub fn new(rank: &crate::assemble::Rank, w: &Words) -> RankView {
        RankView {
            display: format::rank(rank.best, rank.worst, rank.tied, w.lang()),
            sort: rank.best,
            open: rank.best != rank.worst,
        }
    }
}

/// A figure for display.
#[derive(Clone, Debug, Serialize)]
pub struct FigureView {
    /// Metric key.
    pub key: String,
    /// Metric label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// The figure as shown in a table cell.
    pub display: String,
    /// Words for an empty state on the report page (本年度无此类案件,
    /// 无相关职责, 未报告), shown instead of the number.
    pub note: Option<String>,
    /// Whether the unit goes with the figure: a number has one, words
    /// (无相关职责, 本年度无此类案件 …) never do.
    pub show_unit: bool,
    /// Machine status: exact, lower_bound, approximate, not_applicable, not_reported.
    pub status: &'static str,
    /// Plain number for sorting (`data-sort`); empty when there is none.
    pub sort: String,
    /// Whether gongshi computed it.
    pub computed: bool,
    /// Change against the previous report (`+16`, `-5`), when both are exact.
    pub change: Option<String>,
    /// What the change compares to: 较上年 for the previous calendar year,
    /// else the year (较2023年).
    pub change_label: Option<String>,
    /// Direction of the change: up, down, same.
    pub trend: Option<&'static str>,
}

impl FigureView {
    /// The view of `figure` for `metric`.
    pub fn new(metric: &Metric, figure: &Figure, computed: bool, w: &Words) -> FigureView {
        let (label, unit) = labels(metric, w.lang());
        let cell = CellView::new(metric, figure, computed, w);
        FigureView {
            key: metric.key.clone(),
            label,
            unit,
            display: cell.display,
            note: empty_note(metric, figure, w),
            show_unit: shows_unit(figure, metric.kind, metric.cases),
            status: cell.status,
            sort: cell.sort,
            computed,
            change: None,
            change_label: None,
            trend: None,
        }
    }

    /// Add the change against the township's previous report, labelled with
    /// the year it compares to (`year` is this figure's year).
    pub fn with_change(
        mut self,
        change: Option<crate::assemble::Change>,
        kind: Kind,
        year: crate::model::Year,
        w: &Words,
    ) -> FigureView {
        if let Some(c) = change {
            let d = c.delta;
            let (label, words) = change_words(&c, kind, year, w);
            self.change_label = Some(label);
            self.change = Some(words);
            self.trend = Some(if d.is_negative() {
                "down"
            } else if d == crate::amount::Amount::ZERO {
                "same"
            } else {
                "up"
            });
        }
        self
    }
}

/// A figure in a cell of a table of many figures (a summary table's row
/// per township, a township's figures by year): only what such a cell
/// shows. A year page's tables repeat it for every township and metric,
/// and every field is converted for the template on every page, so it
/// carries none of [`FigureView`]'s words for the report page.
#[derive(Clone, Debug, Serialize)]
pub struct CellView {
    /// The figure as shown.
    pub display: String,
    /// Machine status: exact, lower_bound, approximate, not_applicable, not_reported.
    pub status: &'static str,
    /// Plain number for sorting (`data-value`); empty when there is none.
    pub sort: String,
    /// Whether gongshi computed it.
    pub computed: bool,
    /// Change against the previous report (`+16`, `-5`), when both are
    /// exact (a township's figures by year).
    pub change: Option<String>,
    /// What the change compares to (较上年, 较2023年).
    pub change_label: Option<String>,
    /// An exact zero said in words (本年度无此类案件), for the legend.
    #[serde(skip)]
    pub zero_words: bool,
}

impl CellView {
    /// The cell of `figure` for `metric`.
    pub fn new(metric: &Metric, figure: &Figure, computed: bool, w: &Words) -> CellView {
        let status = figure.status();
        CellView {
            display: cell_words(figure, metric.kind, w),
            status,
            sort: plain_figure(figure, metric.kind),
            computed,
            change: None,
            change_label: None,
            zero_words: zero_in_words(figure, metric.cases),
        }
    }

    /// A year without a report: the cell says the year's status (未公开,
    /// 未收录 …) instead of a figure.
    pub fn absent(status: &StatusView) -> CellView {
        CellView {
            display: status.label.clone(),
            status: "absent",
            sort: String::new(),
            computed: false,
            change: None,
            change_label: None,
            zero_words: false,
        }
    }

    /// With the change against the township's previous report, labelled
    /// with the year it compares to (`year` is this figure's year).
    pub fn with_change(
        mut self,
        change: Option<crate::assemble::Change>,
        kind: Kind,
        year: crate::model::Year,
        w: &Words,
    ) -> CellView {
        if let Some(c) = change {
            let (label, words) = change_words(&c, kind, year, w);
            self.change_label = Some(label);
            self.change = Some(words);
        }
        self
    }
}

/// A change against the previous report as shown: what it compares to
/// (较上年, 较2023年; `year` is the figure's year) and the signed change.
fn change_words(
    c: &crate::assemble::Change,
    kind: Kind,
    year: crate::model::Year,
    w: &Words,
) -> (String, String) {
    (
        change_label(c.base_year, year, w),
        format::change(c.delta, kind),
    )
}

/// A total for display.
#[derive(Clone, Debug, Serialize)]
pub struct TotalView {
    /// The total as shown.
    pub display: String,
    /// "2 / 3 reported" when some townships did not report.
    pub coverage: Option<String>,
    /// How many of the covered townships it counts, always, short (`2/3`):
    /// for a table's coverage row.
    pub coverage_short: String,
    /// Machine status.
    pub status: &'static str,
    /// Plain number.
    pub sort: String,
}

impl TotalView {
    /// The view of a total of `metric`.
    pub fn new(total: &Total, metric: &Metric, w: &Words) -> TotalView {
        let display = if total.summed {
            match &total.figure {
                Figure::NotReported if total.reported == 0 => "—".to_string(),
                f => cell_words(f, metric.kind, w),
            }
        } else {
            w.get("not_summed").to_string()
        };
        TotalView {
            display,
            coverage: total
                .is_partial()
                .then(|| format::total_coverage(total.reported, total.of, metric, w)),
            coverage_short: format::coverage_short(total.reported, total.of, w),
            status: if total.summed {
                total.figure.status()
            } else {
                "not_summed"
            },
            sort: if total.summed {
                plain_figure(&total.figure, metric.kind)
            } else {
                String::new()
            },
        }
    }
}

/// A link to a township.
#[derive(Clone, Debug, Serialize)]
pub struct TownshipLink {
    /// Slug.
    pub slug: String,
    /// Name in the site language.
    pub name: String,
    /// District.
    pub district: String,
    /// Page path.
    pub path: String,
}

impl TownshipLink {
    /// The link to `t`.
    pub fn new(t: &Township, w: &Words) -> TownshipLink {
        TownshipLink {
            slug: t.slug.clone(),
            name: township_name(t, w.lang()),
            district: t.district.clone().unwrap_or_default(),
            path: paths::township(&t.slug),
        }
    }
}

/// A township's name in the site language (Chinese if no English is given).
pub fn township_name(t: &Township, lang: Lang) -> String {
    match (lang, &t.name_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => t.name.clone(),
    }
}

/// A link to a report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportLink {
    /// Township.
    pub township: String,
    /// Year.
    pub year: i32,
    /// Title.
    pub title: String,
    /// Page path.
    pub path: String,
    /// Publication date as shown (or "not stated").
    pub published: String,
    /// ISO publication date, if any.
    pub published_iso: Option<String>,
    /// Disclosure status.
    pub status: StatusView,
}

impl ReportLink {
    /// The link to `r` of township `t`.
    pub fn new(r: &Report, t: &Township, status: Status, w: &Words) -> ReportLink {
        ReportLink {
            township: township_name(t, w.lang()),
            year: r.year,
            title: r.title.clone(),
            path: paths::report(&r.township, r.year),
            published: r
                .published
                .map_or_else(|| w.get("not_stated").to_string(), |d| date(d, w)),
            published_iso: r.published.map(|d| d.to_string()),
            status: StatusView::new(status, w),
        }
    }
}
