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
    /// The glossary page.
    pub fn glossary() -> String {
        "glossary/index.html".into()
    }
    /// A term's entry on the glossary page (its anchor is the term's key).
    pub fn glossary_entry(term: &str) -> String {
        format!("glossary/index.html#{term}")
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

/// The interface words of the theme's translation table, in the site language.
#[derive(Clone, Debug, Default)]
pub struct Words {
    lang: Lang,
    map: std::collections::BTreeMap<String, String>,
}

impl Words {
    /// Words for `lang` from the table.
    pub fn new(lang: Lang, map: std::collections::BTreeMap<String, String>) -> Words {
        Words { lang, map }
    }

    /// The site language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A word; a missing word shows as its key (so a theme bug is visible, not fatal).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// A word with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

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
        FigureView {
            key: metric.key.clone(),
            label,
            unit,
            display: cell(figure, metric.kind, w),
            note: empty_note(figure, w),
            status: figure.status(),
            sort: sort_key(figure, metric.kind),
            computed,
            change: None,
            change_label: None,
            trend: None,
        }
    }

    /// A year without a report for `metric`: the cell says the year's
    /// status (未公开, 未收录 …) instead of a figure.
    pub fn absent(metric: &Metric, status: &StatusView, w: &Words) -> FigureView {
        let (label, unit) = labels(metric, w.lang());
        FigureView {
            key: metric.key.clone(),
            label,
            unit,
            display: status.label.clone(),
            note: None,
            status: "absent",
            sort: String::new(),
            computed: false,
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
            self.change_label = Some(change_label(c, year, w));
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

/// What a change compares to: 较上年 (the previous calendar year) or 较2023年.
pub fn change_label(c: crate::assemble::Change, year: crate::model::Year, w: &Words) -> String {
    if c.is_year_on_year(year) {
        w.get("change_prev_year").to_string()
    } else {
        w.fill("change_since_fmt", &[("year", &c.base_year.to_string())])
    }
}

/// The metric's label and unit in the site language.
pub fn labels(metric: &Metric, lang: Lang) -> (String, String) {
    match lang {
        Lang::Zh => (metric.label.clone(), metric.unit.clone()),
        Lang::En => (metric.label_en.clone(), metric.unit_en.clone()),
    }
}

/// A figure in a table cell: the number, or the words for "not
/// applicable" and "not reported".
pub fn cell(figure: &Figure, kind: Kind, w: &Words) -> String {
    match figure {
        Figure::Stated(s) => format::stated(s, kind, w.lang()),
        Figure::NotApplicable => w.get("cell_not_applicable").to_string(),
        Figure::NotReported => w.get("cell_not_reported").to_string(),
    }
}

/// The sentence for an empty state, if the figure is one.
pub fn empty_note(figure: &Figure, w: &Words) -> Option<String> {
    let key = match figure {
        Figure::Stated(s)
            if s.amount == crate::amount::Amount::ZERO && s.precision == Precision::Exact =>
        {
            "note_zero"
        }
        Figure::NotApplicable => "note_not_applicable",
        Figure::NotReported => "note_not_reported",
        Figure::Stated(_) => return None,
    };
    Some(w.get(key).to_string())
}

/// The plain number of a figure for sorting; empty if none.
pub fn sort_key(figure: &Figure, kind: Kind) -> String {
    match figure {
        Figure::Stated(s) => format::plain_stated(s, kind),
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
    pub fn new(total: &Total, metric: &Metric, w: &Words) -> TotalView {
        let display = if total.summed {
            match &total.figure {
                Figure::NotReported if total.reported == 0 => "—".to_string(),
                f => cell(f, metric.kind, w),
            }
        } else {
            w.get("not_summed").to_string()
        };
        TotalView {
            display,
            coverage: total
                .is_partial()
                .then(|| coverage(total.reported, total.of, w)),
            status: if total.summed {
                total.figure.status()
            } else {
                "not_summed"
            },
            sort: if total.summed {
                sort_key(&total.figure, metric.kind)
            } else {
                String::new()
            },
        }
    }
}

/// "n of m townships reported".
pub fn coverage(n: usize, m: usize, w: &Words) -> String {
    w.fill(
        "coverage_fmt",
        &[("n", &n.to_string()), ("m", &m.to_string())],
    )
}

/// A date for people, by the table's `date_fmt` (`2025年12月8日` / `2025-12-08`).
pub fn date(d: jiff::civil::Date, w: &Words) -> String {
    w.fill(
        "date_fmt",
        &[
            ("y", &d.year().to_string()),
            ("m", &d.month().to_string()),
            ("d", &d.day().to_string()),
            ("mm", &format!("{:02}", d.month())),
            ("dd", &format!("{:02}", d.day())),
        ],
    )
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
