//! Charts as SVG, drawn at build time (no chart library in the browser).
//!
//! A chart is a small bar chart of one figure over the years. It has a
//! title and a text alternative (`<title>`, `<desc>`, `role="img"`), scales
//! with the page through its viewBox, prints, and is always accompanied by
//! its data table in the page. Bars are drawn from exact amounts; an inexact
//! value is labelled as shown everywhere (1,100余) and drawn with a dashed outline.

use std::fmt::Write as _;

use serde::Serialize;

use crate::amount::Amount;
use crate::figure::{Figure, Kind, Precision};
use crate::i18n::Words;
use crate::render::escape_html;

/// One bar.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// The x label (a year).
    pub label: String,
    /// The value as shown.
    pub display: String,
    /// The machine status.
    pub status: &'static str,
    #[serde(skip)]
    amount: Option<Amount>,
    #[serde(skip)]
    precision: Precision,
}

impl Point {
    /// A point for a figure.
    pub fn new(label: String, figure: &Figure, kind: Kind, w: &Words) -> Point {
        let stated = figure.stated();
        Point {
            label,
            display: crate::format::cell_words(figure, kind, w),
            status: figure.status(),
            amount: stated.map(|s| s.amount),
            precision: stated.map_or(Precision::Exact, |s| s.precision),
        }
    }
}

impl Point {
    /// A year with no figure to draw: no report (its status says why).
    pub fn absent(label: String, status: String) -> Point {
        Point {
            label,
            display: status,
            status: "absent",
            amount: None,
            precision: Precision::Exact,
        }
    }
}

/// A chart and its data, ready for a template.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    /// Unique id in the page.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// The SVG markup (safe: every text in it is escaped).
    pub svg: String,
    /// The data behind it.
    pub points: Vec<Point>,
    /// What the chart counts, when it is not obvious (which townships).
    pub note: Option<String>,
}

/// A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten.
fn nice_max(max: i64) -> i64 {
    if max <= 0 {
        return 100; // hundredths: one unit
    }
    let mut step: i64 = 1;
    while step.checked_mul(10).is_some_and(|s| s <= max) {
        step *= 10;
    }
    for m in [1, 2, 5, 10] {
        if let Some(v) = step.checked_mul(m)
            && v >= max
        {
            return v;
        }
    }
    max
}

/// Draw a bar chart of `points`.
pub fn bar_chart(id: &str, title: &str, unit: &str, points: Vec<Point>, w: &Words) -> Chart {
    const W: i64 = 400;
    const H: i64 = 240;
    const LEFT: i64 = 8;
    const RIGHT: i64 = 8;
    const TOP: i64 = 28;
    const BOTTOM: i64 = 36;
    let plot_h = H - TOP - BOTTOM;
    let max = points
        .iter()
        .filter_map(|p| p.amount)
        .map(Amount::hundredths)
        .max()
        .unwrap_or(0);
    let top = nice_max(max);
    let n = i64::try_from(points.len().max(1)).unwrap_or(1);
    let slot = (W - LEFT - RIGHT) / n;
    let bar_w = (slot * 3 / 5).clamp(8, 72);

    let desc: Vec<String> = points
        .iter()
        .map(|p| {
            w.fill(
                "chart_point_fmt",
                &[("label", &p.label), ("value", &p.display)],
            )
        })
        .collect();
    let desc = w.fill(
        "chart_desc_fmt",
        &[
            ("title", title),
            ("unit", unit),
            ("points", &desc.join(w.get("chart_point_sep"))),
        ],
    );

    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-t {id}-d" class="bar-chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"##,
        escape_html(title),
        escape_html(&desc)
    );
    let base_y = TOP + plot_h;
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{base_y}" x2="{}" y2="{base_y}" stroke="#4d4d4d" stroke-width="1"/>"##,
        W - RIGHT
    );
    // The labels' shared presentation, once for the chart rather than on
    // every label (a township page has several charts of several years).
    svg.push_str(r##"<g text-anchor="middle" font-size="13" fill="#1a1a1a">"##);
    for (i, p) in points.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let cx = LEFT + slot * i + slot / 2;
        let x = cx - bar_w / 2;
        if let Some(a) = p.amount {
            // Integer geometry: height in tenths of a pixel, from exact hundredths.
            let h10 = i128::from(a.hundredths()) * i128::from(plot_h) * 10 / i128::from(top.max(1));
            let h10 = i64::try_from(h10)
                .unwrap_or(0)
                .max(if a.hundredths() > 0 { 10 } else { 0 });
            let y10 = base_y * 10 - h10;
            let dashed = if p.precision == Precision::Exact {
                ""
            } else {
                r##" stroke="#0a3d7a" stroke-dasharray="4 3" fill-opacity="0.55""##
            };
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{}.{}" width="{bar_w}" height="{}.{}" fill="#0a3d7a"{dashed}/>"##,
                y10 / 10,
                y10 % 10,
                h10 / 10,
                h10 % 10
            );
            let _ = write!(
                svg,
                r##"<text x="{cx}" y="{}">{}</text>"##,
                (y10 / 10 - 6).max(14),
                escape_html(&p.display)
            );
        } else {
            let _ = write!(
                svg,
                r##"<text x="{cx}" y="{}" font-size="12" fill="#4d4d4d">{}</text>"##,
                base_y - 6,
                escape_html(&p.display)
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{cx}" y="{}">{}</text>"##,
            base_y + 22,
            escape_html(&p.label)
        );
    }
    svg.push_str("</g></svg>");
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        unit: unit.to_string(),
        svg,
        points,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Stated, parse_figure};
    use crate::i18n::Lang;

    #[test]
    fn charts_have_a_text_alternative_and_escape_labels() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("cell_not_reported".to_string(), "未报告".to_string());
        map.insert(
            "chart_point_fmt".to_string(),
            "{label}：{value}".to_string(),
        );
        map.insert(
            "chart_desc_fmt".to_string(),
            "{title}（{unit}）。{points}".to_string(),
        );
        map.insert("chart_point_sep".to_string(), "；".to_string());
        let w = Words::new(Lang::Zh, map);
        let points = vec![
            Point::new(
                "2022".into(),
                &Figure::Stated(Stated::exact(Amount::from_hundredths(55_300))),
                Kind::Count,
                &w,
            ),
            Point::new(
                "2023".into(),
                &parse_figure("1100余", Kind::Count).unwrap_or_default(),
                Kind::Count,
                &w,
            ),
            Point::new("2024".into(), &Figure::NotReported, Kind::Count, &w),
        ];
        let c = bar_chart("c1", "行政检查<x>", "次", points, &w);
        assert!(c.svg.contains(r#"role="img""#));
        assert!(c.svg.contains("<desc id=\"c1-d\">行政检查&lt;x&gt;（次）。2022：553；2023：1,100余；2024：未报告</desc>"), "{}", c.svg);
        assert!(!c.svg.contains("<x>"));
        assert_eq!(c.svg.matches("<rect").count(), 2);
        assert!(c.svg.contains("stroke-dasharray"));
    }

    #[test]
    fn nice_axis() {
        assert_eq!(nice_max(253_700), 500_000);
        assert_eq!(nice_max(100), 100);
        assert_eq!(nice_max(0), 100);
    }
}
