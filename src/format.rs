//! How figures read on the site and in messages.
//!
//! Exact figures are grouped by thousands (`2,537`; money always to the fen,
//! `483,340.60`). Inexact figures keep the report's word around the grouped
//! number (`1,100余`, `超过60`, `约15.7万`); computed inexact ones (totals with
//! an inexact part) carry 余 or 约 (`3,637余`, `约3,200`). Every format of the
//! site takes its display text from here, so a figure reads the same
//! everywhere.

use crate::amount::Amount;
use crate::figure::{Figure, Kind, Marker, Precision, Stated, with_marker_zh};
use crate::i18n::{Lang, Words};
use crate::model::Year;
use crate::schema::Metric;

/// A stated figure for people: one form wherever it appears (page, CSV
/// `display`, XLSX, JSON). Exact figures are grouped (`2,537`; money to the
/// fen). Inexact ones keep the word the report used — 余, 多, 以上, 至少,
/// 超过, 约, 左右 — around the grouped number (`1,100余`, `超过60`), and a
/// number written with 万 or 亿 stays as written (`约15.7万`); an inexact
/// amount of money shows no decimals it does not have. In English a lower
/// bound reads `1,100+` and an approximation `~157,000`.
pub fn stated(s: &Stated, kind: Kind, lang: Lang) -> String {
    let pct = if kind == Kind::Rate { "%" } else { "" };
    if s.precision == Precision::Exact {
        return format!("{}{pct}", amount(s.amount, kind));
    }
    let number = s.amount.to_grouped(s.amount.natural_decimals());
    match lang {
        Lang::Zh => {
            let marker = s.written.as_ref().map_or(
                if s.precision == Precision::About {
                    Marker::Yue
                } else {
                    Marker::Yu
                },
                |w| w.marker,
            );
            let number = match &s.written {
                Some(w) if w.number.contains(['万', '亿']) => w.number.to_string(),
                _ => number,
            };
            with_marker_zh(&number, marker, kind)
        }
        Lang::En => match s.precision {
            Precision::About => format!("~{number}{pct}"),
            _ => format!("{number}{pct}+"),
        },
    }
}

/// An exact amount of `kind`, grouped by thousands.
pub fn amount(a: Amount, kind: Kind) -> String {
    a.to_grouped(kind.display_decimals(a))
}

/// The plain machine text of an amount of `kind` (`483340.60`, `1100`).
pub fn plain(a: Amount, kind: Kind) -> String {
    a.to_plain(kind.display_decimals(a))
}

/// The plain machine text of a stated figure: as [`plain`] for an exact
/// one; an inexact one shows no decimals it does not have (`3200`, not
/// `3200.00`), so its value claims no more precision than its display.
pub fn plain_stated(s: &Stated, kind: Kind) -> String {
    if s.precision == Precision::Exact {
        plain(s.amount, kind)
    } else {
        s.amount.to_plain(s.amount.natural_decimals())
    }
}

/// A figure in a table cell: the number, or the words for "none", "not
/// applicable", "not reported" (short forms; the report page uses the long ones).
pub fn cell(f: &Figure, kind: Kind, lang: Lang) -> String {
    match f {
        Figure::Stated(s) => stated(s, kind, lang),
        Figure::NotApplicable => lang.pick("无相关职责", "n/a").to_string(),
        Figure::NotReported => lang.pick("未报告", "not reported").to_string(),
    }
}

/// A rank for people: `1`, `2（并列）` for a shared place, `1–2` when a
/// lower bound leaves the place open.
pub fn rank(best: u32, worst: u32, tied: bool, lang: Lang) -> String {
    if best != worst {
        format!("{best}–{worst}")
    } else if tied {
        match lang {
            Lang::Zh => format!("{best}（并列）"),
            Lang::En => format!("{best}="),
        }
    } else {
        best.to_string()
    }
}

/// A rank as plain machine text (CSV): `1`, `2=` (shared), `1-2` (open).
pub fn rank_plain(best: u32, worst: u32, tied: bool) -> String {
    if best != worst {
        format!("{best}-{worst}")
    } else if tied {
        format!("{best}=")
    } else {
        best.to_string()
    }
}

/// A signed change between two exact amounts: `+16`, `-5`, `0`.
pub fn change(delta: Amount, kind: Kind) -> String {
    let text = amount(delta, kind);
    if delta > Amount::ZERO {
        format!("+{text}")
    } else {
        text
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
pub fn cell_words(figure: &Figure, kind: Kind, w: &Words) -> String {
    match figure {
        Figure::Stated(s) => stated(s, kind, w.lang()),
        Figure::NotApplicable => w.get("cell_not_applicable").to_string(),
        Figure::NotReported => w.get("cell_not_reported").to_string(),
    }
}

/// The words for an empty state on a report page, if the figure is one.
/// A zero is worded by what the metric counts: a count of cases (the
/// schema's `cases`) reads 本年度无此类案件, none this year; a zero of
/// people, equipment, sessions, hours or money is a figure like any other,
/// `0` with its unit, and has no note. Not applicable reads 无相关职责 and
/// not reported 未报告.
pub fn empty_note(metric: &Metric, figure: &Figure, w: &Words) -> Option<String> {
    let key = match figure {
        f if zero_in_words(f, metric.cases) => "note_zero",
        Figure::Stated(_) => return None,
        Figure::NotApplicable => "note_not_applicable",
        Figure::NotReported => "note_not_reported",
    };
    Some(w.get(key).to_string())
}

/// Whether a figure is shown with its unit: a number is (`0 架`,
/// `1,100余 次`); words never are (无相关职责, 未报告, and 本年度无此类案件
/// for a zero of a count of cases: `cases`, see [`empty_note`]). A rate
/// is not: its number already ends in `%` ([`stated`]), and `85% %` would
/// say it twice.
pub fn shows_unit(figure: &Figure, kind: Kind, cases: bool) -> bool {
    match figure {
        Figure::Stated(_) if kind == Kind::Rate => false,
        Figure::Stated(_) => !zero_in_words(figure, cases),
        Figure::NotApplicable | Figure::NotReported => false,
    }
}

/// Whether a figure is an exact zero of a count of cases, said in words
/// (本年度无此类案件) rather than as `0`.
pub fn zero_in_words(figure: &Figure, cases: bool) -> bool {
    matches!(figure, Figure::Stated(s) if cases && is_exact_zero(s))
}

fn is_exact_zero(s: &Stated) -> bool {
    s.amount == Amount::ZERO && s.precision == Precision::Exact
}

/// The plain number of a figure (for sorting, and the `value` column of
/// downloads); empty if it states none.
pub fn plain_figure(figure: &Figure, kind: Kind) -> String {
    match figure {
        Figure::Stated(s) => plain_stated(s, kind),
        _ => String::new(),
    }
}

/// What a change compares to: 较上年 (the previous calendar year) or 较2023年.
pub fn change_label(base_year: Year, year: Year, w: &Words) -> String {
    if year.checked_sub(base_year) == Some(1) {
        w.get("change_prev_year").to_string()
    } else {
        w.fill("change_since_fmt", &[("year", &base_year.to_string())])
    }
}

/// "n of m townships reported".
pub fn coverage(n: usize, m: usize, w: &Words) -> String {
    w.fill(
        "coverage_fmt",
        &[("n", &n.to_string()), ("m", &m.to_string())],
    )
}

/// What a total of `metric` counts, "n of m reported"; for a rate, whose
/// total is computed from the totals of its two counts (see
/// [`crate::schema::Aggregate::Ratio`]), not from the rates reported, the
/// townships that gave both counts exactly.
pub fn total_coverage(n: usize, m: usize, metric: &Metric, w: &Words) -> String {
    match metric.aggregate {
        crate::schema::Aggregate::Ratio => w.fill(
            "coverage_rate_fmt",
            &[("n", &n.to_string()), ("m", &m.to_string())],
        ),
        _ => coverage(n, m, w),
    }
}

/// "n of m" in a table's coverage row: `2/3` (the row's header and the
/// glossary say what it counts).
pub fn coverage_short(n: usize, m: usize, w: &Words) -> String {
    w.fill(
        "coverage_short_fmt",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::parse_figure;

    fn show(text: &str, kind: Kind, lang: Lang) -> String {
        match parse_figure(text, kind) {
            Ok(Figure::Stated(s)) => stated(&s, kind, lang),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn shows_figures_as_written() {
        assert_eq!(show("1100余", Kind::Count, Lang::Zh), "1,100余");
        assert_eq!(show("1100+", Kind::Count, Lang::Zh), "1,100余");
        assert_eq!(show("超过60", Kind::Hours, Lang::Zh), "超过60");
        assert_eq!(show("1100多", Kind::Count, Lang::Zh), "1,100多");
        assert_eq!(show("1100以上", Kind::Count, Lang::Zh), "1,100以上");
        assert_eq!(show("15.7万左右", Kind::Count, Lang::Zh), "15.7万左右");
        assert_eq!(show("约2000", Kind::Money, Lang::Zh), "约2,000");
        assert_eq!(show("1100+", Kind::Count, Lang::En), "1,100+");
        assert_eq!(show("约15.7万", Kind::Count, Lang::Zh), "约15.7万");
        assert_eq!(show("约15.7万", Kind::Count, Lang::En), "~157,000");
        assert_eq!(show("473240.6", Kind::Money, Lang::Zh), "473,240.60");
        assert_eq!(show("7300", Kind::Money, Lang::Zh), "7,300.00");
        assert_eq!(show("2537", Kind::Count, Lang::Zh), "2,537");
        assert_eq!(show("88%以上", Kind::Rate, Lang::Zh), "88%以上");
        assert_eq!(show("88%以上", Kind::Rate, Lang::En), "88%+");
        assert_eq!(show("10163", Kind::Area, Lang::Zh), "10,163");
        assert_eq!(show("63.4", Kind::Area, Lang::Zh), "63.4");
    }

    fn metric(key: &str) -> Metric {
        let schema = crate::config::Config::builtin().schema;
        schema
            .id(key)
            .and_then(|id| schema.metric(id))
            .cloned()
            .unwrap()
    }

    #[test]
    fn a_zero_is_worded_by_what_the_metric_counts() {
        let words = |lang: Lang, pairs: &[(&str, &str)]| {
            Words::new(
                lang,
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect(),
            )
        };
        let zh = words(
            Lang::Zh,
            &[
                ("note_zero", "本年度无此类案件"),
                ("note_not_applicable", "无相关职责"),
                ("note_not_reported", "未报告"),
            ],
        );
        let w = &zh;
        let zero = |key: &str| {
            let m = metric(key);
            let f = parse_figure("0", m.kind).unwrap();
            (
                empty_note(&m, &f, w),
                shows_unit(&f, m.kind, m.cases),
                cell_words(&f, m.kind, w),
            )
        };
        // Cases: none this year, no unit.
        for key in [
            "penalty_cases",
            "penalty_cases_simple",
            "permits",
            "illegal_construction_cases",
        ] {
            assert_eq!(
                zero(key),
                (Some("本年度无此类案件".into()), false, "0".into()),
                "{key}"
            );
        }
        // People, equipment, sessions, hours, money: 0 with its unit.
        assert_eq!(zero("drones"), (None, true, "0".into()));
        assert_eq!(zero("certified_officers"), (None, true, "0".into()));
        assert_eq!(zero("training_sessions"), (None, true, "0".into()));
        assert_eq!(zero("training_hours_officers"), (None, true, "0".into()));
        assert_eq!(zero("fines_total"), (None, true, "0.00".into()));
        assert_eq!(zero("inspections"), (None, true, "0".into()));
        // Not applicable never carries a unit; neither does not reported.
        let m = metric("penalty_cases");
        assert_eq!(
            empty_note(&m, &Figure::NotApplicable, w).as_deref(),
            Some("无相关职责")
        );
        assert!(!shows_unit(&Figure::NotApplicable, m.kind, m.cases));
        assert!(!shows_unit(&Figure::NotReported, m.kind, m.cases));
        // A figure other than zero is a number with its unit.
        let f = parse_figure("1100余", Kind::Count).unwrap();
        assert_eq!(empty_note(&m, &f, w), None);
        assert!(shows_unit(&f, m.kind, m.cases));
        // In English too.
        let en = words(Lang::En, &[("note_zero", "none this year")]);
        let f = parse_figure("0", Kind::Count).unwrap();
        assert_eq!(empty_note(&m, &f, &en).as_deref(), Some("none this year"));
        assert_eq!(empty_note(&metric("drones"), &f, &en), None);
    }

    #[test]
    fn computed_inexact_totals_carry_the_marker() {
        let s = Stated::computed(Amount::from_hundredths(363_700), Precision::AtLeast);
        assert_eq!(stated(&s, Kind::Count, Lang::Zh), "3,637余");
        assert_eq!(stated(&s, Kind::Count, Lang::En), "3,637+");
        let s = Stated::computed(Amount::from_hundredths(320_000), Precision::About);
        assert_eq!(stated(&s, Kind::Money, Lang::Zh), "约3,200");
    }
}
