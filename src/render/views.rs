//! View models: what templates see.
//!
//! Every number arrives formatted and every link arrives as a site-relative
//! path (templates prefix `root`, which leads back to the site root from the
//! page, so the site works from a domain root, a sub-path or the disk).
//! Templates never compute.

use serde::Serialize;

use crate::assemble::{Status, Total};
use crate::figure::{Figure, Kind, Precision};
use crate::format;
use crate::i18n::Lang;
use crate::model::{Report, Township};
use crate::schema::Metric;

/// Paths of the site's pages and files (site-relative, `/`-separated).
pub mod paths {
    use crate::model::Year;

    /// The home page.
    pub fn home() -> String {
        "index.html".into()
    }
    /// A township's page.
    pub fn township(slug: &str) -> String {
        format!("{slug}/index.html")
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
    /// A year's download.
    pub fn year_data(year: Year, ext: &str) -> String {
        format!("data/{year}.{ext}")
    }
    /// A township's download.
    pub fn township_data(slug: &str, ext: &str) -> String {
        format!("data/townships/{slug}.{ext}")
    }
    /// How many folders deep a path is (for the `root` prefix).
    pub fn depth(path: &str) -> usize {
        path.matches('/').count()
    }
    /// The prefix leading from a page at `path` back to the site root.
    pub fn root_of(path: &str) -> String {
        "../".repeat(depth(path))
    }
}

/// A status with its words.
#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    /// Machine name (CSS class).
    pub key: &'static str,
    /// Words for people.
    pub label: String,
}

impl StatusView {
    /// The view of a status.
    pub fn new(status: Status, lang: Lang) -> StatusView {
        let label = match (status, lang) {
            (Status::OnTime, Lang::Zh) => "按时公开",
            (Status::OnTime, Lang::En) => "On time",
            (Status::Late, Lang::Zh) => "逾期公开",
            (Status::Late, Lang::En) => "Late",
            (Status::Missing, Lang::Zh) => "未公开",
            (Status::Missing, Lang::En) => "Missing",
            (Status::NotYetDue, Lang::Zh) => "未到期",
            (Status::NotYetDue, Lang::En) => "Not yet due",
            (Status::DateNotStated, Lang::Zh) => "未载明日期",
            (Status::DateNotStated, Lang::En) => "Date not stated",
            (Status::FiguresOnly, Lang::Zh) => "仅有数据",
            (Status::FiguresOnly, Lang::En) => "Figures only",
        };
        StatusView {
            key: status.key(),
            label: label.to_string(),
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
    /// A sentence for empty states on the report page (本年度无此类案件 ...).
    pub note: Option<String>,
    /// Machine status: exact, lower_bound, approximate, not_applicable, not_reported.
    pub status: &'static str,
    /// Plain number for sorting (`data-sort`); empty when there is none.
    pub sort: String,
    /// Whether gongshi computed it.
    pub computed: bool,
    /// Change against the previous report (`+16`, `-5`), when both are exact.
    pub change: Option<String>,
    /// Direction of the change: up, down, same.
    pub trend: Option<&'static str>,
}

impl FigureView {
    /// The view of `figure` for `metric`.
    pub fn new(metric: &Metric, figure: &Figure, computed: bool, lang: Lang) -> FigureView {
        let (label, unit) = labels(metric, lang);
        FigureView {
            key: metric.key.clone(),
            label,
            unit,
            display: format::cell(figure, metric.kind, lang),
            note: empty_note(figure, lang),
            status: figure.status(),
            sort: sort_key(figure, metric.kind),
            computed,
            change: None,
            trend: None,
        }
    }

    /// Add the change against a previous figure.
    pub fn with_change(mut self, delta: Option<crate::amount::Amount>, kind: Kind) -> FigureView {
        if let Some(d) = delta {
            self.change = Some(format::change(d, kind));
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

/// The metric's label and unit in the site language.
pub fn labels(metric: &Metric, lang: Lang) -> (String, String) {
    match lang {
        Lang::Zh => (metric.label.clone(), metric.unit.clone()),
        Lang::En => (metric.label_en.clone(), metric.unit_en.clone()),
    }
}

/// The sentence for an empty state, if the figure is one.
pub fn empty_note(figure: &Figure, lang: Lang) -> Option<String> {
    let text = match figure {
        Figure::Stated(s)
            if s.amount == crate::amount::Amount::ZERO && s.precision == Precision::Exact =>
        {
            lang.pick("本年度无此类案件", "none this year")
        }
        Figure::NotApplicable => lang.pick("无相关职责", "not applicable: no such power"),
        Figure::NotReported => lang.pick("未报告", "not reported"),
        Figure::Stated(_) => return None,
    };
    Some(text.to_string())
}

/// The plain number of a figure for sorting; empty if none.
pub fn sort_key(figure: &Figure, kind: Kind) -> String {
    match figure {
        Figure::Stated(s) => format::plain(s.amount, kind),
        _ => String::new(),
    }
}

/// A total for display.
#[derive(Clone, Debug, Serialize)]
pub struct TotalView {
    /// The total as shown.
    pub display: String,
    /// "2 / 3 reported" when some townships did not report.
    pub coverage: Option<String>,
    /// Machine status.
    pub status: &'static str,
    /// Plain number.
    pub sort: String,
}

impl TotalView {
    /// The view of a total of `metric`.
    pub fn new(total: &Total, metric: &Metric, lang: Lang) -> TotalView {
        let display = if total.summed {
            match &total.figure {
                Figure::NotReported if total.reported == 0 => "—".to_string(),
                f => format::cell(f, metric.kind, lang),
            }
        } else {
            lang.pick("不合计", "not summed").to_string()
        };
        TotalView {
            display,
            coverage: total
                .is_partial()
                .then(|| coverage(total.reported, total.of, lang)),
            status: total.figure.status(),
            sort: sort_key(&total.figure, metric.kind),
        }
    }
}

/// "n of m townships reported".
pub fn coverage(n: usize, m: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{m} 个乡镇中 {n} 个报告"),
        Lang::En => format!("{n} of {m} townships reported"),
    }
}

/// A date for people: `2025年12月8日` / `2025-12-08`.
pub fn date(d: jiff::civil::Date, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
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
    pub fn new(t: &Township, lang: Lang) -> TownshipLink {
        TownshipLink {
            slug: t.slug.clone(),
            name: township_name(t, lang),
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
    pub fn new(r: &Report, t: &Township, status: Status, lang: Lang) -> ReportLink {
        ReportLink {
            township: township_name(t, lang),
            year: r.year,
            title: r.title.clone(),
            path: paths::report(&r.township, r.year),
            published: r.published.map_or_else(
                || lang.pick("未载明", "not stated").to_string(),
                |d| date(d, lang),
            ),
            published_iso: r.published.map(|d| d.to_string()),
            status: StatusView::new(status, lang),
        }
    }
}

/// A file size for people.
pub fn size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}
