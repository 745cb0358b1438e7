//! Writing an import: the report (front matter + Markdown, a draft), the
//! township profile, drafts for other years, and the review table.
//!
//! Every value in the front matter is followed by a comment quoting the
//! words it came from; a figure that needs confirmation is written as a
//! comment, never as a value, so the report passes `gongshi check` and the
//! official decides.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::figures::{Doubt, Found, Target};
use super::layout::{Layout, Node};
use crate::config::Config;
use crate::i18n::Lang;
use crate::schema::Schema;

/// What a report is written from.
pub struct ReportInput<'a> {
    /// The title.
    pub title: String,
    /// The year.
    pub year: i32,
    /// The layout.
    pub layout: &'a Layout,
    /// This year's figures.
    pub figures: &'a [Found],
    /// Other years' figures.
    pub other_years: &'a BTreeMap<i32, Vec<Found>>,
    /// The township's folder name.
    pub slug: &'a str,
    /// The document's file name.
    pub source_name: &'a str,
    /// The schema.
    pub schema: &'a Schema,
}

/// A YAML double-quoted string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML value for a figure: plain when it is a plain number or a figure
/// word, quoted otherwise.
fn yaml_value(v: &str) -> String {
    let plain = v
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || super::read::is_han(c) || c == '%')
        && !v.starts_with('.');
    if plain { v.to_string() } else { quoted(v) }
}

/// Up to `n` characters of the sentence on each side of the figure, on one line.
pub fn excerpt(f: &Found, n: usize, mark: (&str, &str)) -> String {
    let s = &f.sentence;
    let (a, b) = f.span;
    let before: String = s
        .get(..a)
        .unwrap_or("")
        .chars()
        .rev()
        .take(n)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = s.get(b..).unwrap_or("").chars().take(n).collect();
    let lead = if s.get(..a).is_some_and(|x| x.chars().count() > n) {
        "…"
    } else {
        ""
    };
    let trail = if s.get(b..).is_some_and(|x| x.chars().count() > n) {
        "…"
    } else {
        ""
    };
    format!(
        "{lead}{before}{}{}{}{after}{trail}",
        mark.0,
        f.written(),
        mark.1
    )
    .replace(['\n', '\r'], " ")
}

fn doubt_words(d: &Doubt, lang: Lang) -> String {
    match (d, lang) {
        (Doubt::TwoValues { others }, Lang::Zh) => {
            format!("正文另有不同数值 {}", others.join("、"))
        }
        (Doubt::TwoValues { others }, Lang::En) => {
            format!("the text also gives {}", others.join(", "))
        }
        (Doubt::UnitKind, Lang::Zh) => "单位与该指标不符".into(),
        (Doubt::UnitKind, Lang::En) => "the unit does not fit this metric".into(),
        (Doubt::TotalMismatch { sum }, Lang::Zh) => format!("与各分项之和 {sum} 不一致"),
        (Doubt::TotalMismatch { sum }, Lang::En) => format!("its parts add up to {sum}"),
        (Doubt::Nearly, Lang::Zh) => "原文为“近”，请确认写法".into(),
        (Doubt::Nearly, Lang::En) => "written as 近 (nearly): choose how to state it".into(),
    }
}

/// The report file.
pub fn report(input: &ReportInput<'_>) -> String {
    let schema = input.schema;
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", quoted(&input.title));
    let _ = writeln!(s, "year: {}", input.year);
    s.push_str("draft: true   # 由 gongshi import 导入的草稿：核对下面每个数字后删除此行\n");
    if let Some(d) = input.layout.date {
        let _ = writeln!(s, "published: {d}   # 落款日期");
    } else {
        s.push_str("# published: YYYY-MM-DD   （原件未载明日期，不要填写推测的日期）\n");
    }
    let _ = writeln!(
        s,
        "# 导入自 {}{}",
        input.source_name.replace('\n', " "),
        input
            .layout
            .issuer
            .as_deref()
            .map(|i| format!("；落款：{i}"))
            .unwrap_or_default()
    );

    // Metrics in schema order; doubted ones as comments.
    let mut metric_lines = String::new();
    let mut doubted = String::new();
    for metric in schema.metrics() {
        for f in input
            .figures
            .iter()
            .filter(|f| f.key() == Some(metric.key.as_str()))
        {
            let source = excerpt(f, 12, ("【", "】"));
            match &f.doubt {
                None => {
                    let _ = writeln!(
                        metric_lines,
                        "  {}: {}   # {}",
                        metric.key,
                        yaml_value(&f.value),
                        source
                    );
                }
                Some(d) => {
                    let _ = writeln!(
                        doubted,
                        "  # 需确认 {}（{}）：{} —— {}\n  # {}: {}",
                        metric.key,
                        metric.label,
                        doubt_words(d, Lang::Zh),
                        source,
                        metric.key,
                        yaml_value(&f.value)
                    );
                }
            }
        }
    }
    if metric_lines.is_empty() && doubted.is_empty() {
        s.push_str("# metrics:   （未找到指标表中的数字）\n");
    } else {
        if metric_lines.is_empty() {
            s.push_str("metrics: {}\n");
        } else {
            s.push_str("metrics:\n");
        }
        s.push_str(&metric_lines);
        s.push_str(&doubted);
    }

    let others: Vec<&Found> = input
        .figures
        .iter()
        .filter(|f| matches!(f.target, Target::Other { .. }))
        .collect();
    if !others.is_empty() {
        let sure: Vec<&&Found> = others.iter().filter(|f| f.doubt.is_none()).collect();
        if sure.is_empty() {
            s.push_str("# other_figures:\n");
        } else {
            s.push_str("other_figures:\n");
        }
        for f in &others {
            let Target::Other { label, group } = &f.target else {
                continue;
            };
            let unit = if f.unit == "万元" || f.unit == "亿元" {
                "元"
            } else {
                f.unit.as_str()
            };
            let unit = if unit == "％" { "%" } else { unit };
            let hash = if f.doubt.is_some() { "# " } else { "" };
            if let Some(d) = &f.doubt {
                let _ = writeln!(s, "  # 需确认：{}", doubt_words(d, Lang::Zh));
            }
            let _ = writeln!(
                s,
                "  {hash}- label: {}   # {}",
                quoted(label),
                excerpt(f, 10, ("【", "】"))
            );
            let _ = writeln!(s, "  {hash}  value: {}", yaml_value(&f.value));
            let _ = writeln!(s, "  {hash}  unit: {}", quoted(unit));
            let _ = writeln!(s, "  {hash}  group: {group}");
        }
    }

    let unplaced: Vec<&Found> = input
        .figures
        .iter()
        .filter(|f| matches!(f.target, Target::Unplaced(_)))
        .collect();
    if !unplaced.is_empty() {
        s.push_str("# 未归类的数字（如需公开，请填入 metrics 或 other_figures）：\n");
        for f in unplaced {
            let why = match f.target {
                Target::Unplaced("change") => "（与其他年度比较的变化量）",
                _ => "",
            };
            let _ = writeln!(
                s,
                "#   {}{why} —— {}",
                f.written(),
                excerpt(f, 12, ("【", "】"))
            );
        }
    }
    for (y, figs) in input.other_years {
        let placed: Vec<&Found> = figs
            .iter()
            .filter(|f| f.key().is_some() || matches!(f.target, Target::Other { .. }))
            .collect();
        if placed.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "# {y}年的数字（不属于本年度；可写入 content/{}/{y}.md）：",
            input.slug
        );
        for f in placed {
            let name = match &f.target {
                Target::Metric(k) => k.clone(),
                Target::Other { label, .. } => label.clone(),
                _ => continue,
            };
            let _ = writeln!(
                s,
                "#   {name}: {} —— {}",
                f.value,
                excerpt(f, 10, ("【", "】"))
            );
        }
    }
    s.push_str("---\n\n");
    s.push_str(&body(&input.layout.nodes));
    s
}

/// Markdown special characters that would change the text's meaning.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    // A paragraph starting like a Markdown block (#, >, -, 1.) stays text.
    let starts_block = out.starts_with(['#', '>', '-', '+', '=', '|']) || {
        let digits = out.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && out.get(digits..).is_some_and(|r| r.starts_with(['.', ')']))
    };
    if starts_block {
        out.insert(0, '\\');
    }
    out
}

fn cell(text: &str) -> String {
    escape(text).replace('|', "\\|")
}

/// The Markdown body.
pub fn body(nodes: &[Node]) -> String {
    let mut s = String::new();
    let mut in_list = false;
    for node in nodes {
        if in_list && !matches!(node, Node::Item(_)) {
            s.push('\n');
            in_list = false;
        }
        match node {
            Node::Heading { depth, text } => {
                let hashes = "#".repeat(usize::from(*depth).min(2) + 2);
                let _ = writeln!(s, "{hashes} {}\n", escape(text).trim_start_matches('\\'));
            }
            Node::Paragraph(t) => {
                let _ = writeln!(s, "{}\n", escape(t));
            }
            Node::Item(t) => {
                let _ = writeln!(s, "- {}", escape(t));
                in_list = true;
            }
            Node::Table(rows) => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                for (i, row) in rows.iter().enumerate() {
                    let mut cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    cells.resize(width, String::new());
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                    if i == 0 {
                        let _ = writeln!(s, "|{}", " --- |".repeat(width));
                    }
                }
                s.push('\n');
            }
        }
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

/// The township profile, with the facts the report states filled in.
pub fn profile(
    config: &Config,
    name: &str,
    layout: &Layout,
    extraction: &super::figures::Extraction,
) -> String {
    let mut s = crate::scaffold::profile_skeleton(config, name);
    let mut fill = |key: &str, value: String| {
        let commented = format!("# {key}:");
        if let Some(start) = s.find(&commented) {
            let end = s
                .get(start..)
                .and_then(|r| r.find('\n'))
                .map_or(s.len(), |e| start + e);
            s.replace_range(start..end, &format!("{key}: {value}"));
        }
    };
    for f in &extraction.figures {
        if let Target::Profile(field) = f.target
            && !f.value.is_empty()
        {
            let value = match field {
                "population" if f.precision != crate::figure::Precision::Exact => f.value.clone(),
                _ => f.value.clone(),
            };
            fill(field, yaml_value(&value));
        }
    }
    // The enforcement body as the report names it (我镇综合执法大队).
    let text: String = layout
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Paragraph(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    for body in [
        "综合行政执法大队",
        "综合执法大队",
        "综合执法局",
        "综合执法队",
        "综合行政执法局",
    ] {
        if text.contains(body) {
            fill("enforcement_body", quoted(&format!("{name}{body}")));
            break;
        }
    }
    s
}

/// A draft for another year, holding the figures this report gives for it.
pub fn other_year(
    name: &str,
    year: i32,
    figs: &[Found],
    from_title: &str,
    schema: &Schema,
) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(
        s,
        "title: {}",
        quoted(&format!("{name}{year}年度行政执法数据"))
    );
    let _ = writeln!(s, "year: {year}");
    s.push_str("draft: true   # 由 gongshi import 从其他年度的报告中摘出：核对后删除此行\n");
    let source = if from_title.is_empty() {
        format!("数据引自{name}的行政执法报告")
    } else {
        format!("数据引自《{from_title}》")
    };
    let _ = writeln!(s, "source: {}", quoted(&source));
    s.push_str("metrics:\n");
    for metric in schema.metrics() {
        for f in figs.iter().filter(|f| f.key() == Some(metric.key.as_str())) {
            let src = excerpt(f, 12, ("【", "】"));
            match &f.doubt {
                None => {
                    let _ = writeln!(s, "  {}: {}   # {src}", metric.key, yaml_value(&f.value));
                }
                Some(d) => {
                    let _ = writeln!(
                        s,
                        "  # 需确认：{} —— {src}\n  # {}: {}",
                        doubt_words(d, Lang::Zh),
                        metric.key,
                        yaml_value(&f.value)
                    );
                }
            }
        }
    }
    s.push_str("---\n");
    s
}

// ------------------------------------------------------------ review table

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The review table: every figure with its key, value, qualifier, unit and
/// source sentence, the figure highlighted (`color`: ANSI; else 【】).
pub fn review(imported: &super::Imported, schema: &Schema, lang: Lang, color: bool) -> String {
    let mark = if color {
        ("\u{1b}[1;4m", "\u{1b}[0m")
    } else {
        ("【", "】")
    };
    let mut s = String::new();
    let zh = lang == Lang::Zh;
    let _ = writeln!(
        s,
        "{} → {}{}",
        imported.source.display(),
        imported.report.rel,
        if zh { "（草稿）" } else { " (draft)" }
    );
    let _ = writeln!(
        s,
        "  {} {} · {}{}",
        imported.name,
        imported.year,
        imported.format.name(),
        imported
            .encoding
            .map(|e| format!(" · {e}"))
            .unwrap_or_default()
    );
    let header = if zh {
        ["", "指标", "数值", "限定", "单位", "出处"]
    } else {
        ["", "metric", "value", "qualifier", "unit", "source"]
    };
    let mut rows: Vec<[String; 6]> = Vec::new();
    let label_of = |f: &Found| -> String {
        match &f.target {
            Target::Metric(k) => {
                let label = schema
                    .id(k)
                    .and_then(|id| schema.metric(id))
                    .map(|m| {
                        if zh {
                            m.label.clone()
                        } else {
                            m.label_en.clone()
                        }
                    })
                    .unwrap_or_default();
                format!("{k} {label}")
            }
            Target::Other { label, .. } => {
                format!("{}{label}", if zh { "其他：" } else { "other: " })
            }
            Target::Profile(p) => format!("{}{p}", if zh { "乡镇简介：" } else { "profile: " }),
            Target::Unplaced("change") => (if zh {
                "变化量，未填入"
            } else {
                "a change, not entered"
            })
            .into(),
            Target::Unplaced(_) => (if zh { "未归类" } else { "not placed" }).into(),
        }
    };
    let mut push = |f: &Found, year_note: Option<i32>| {
        let status = match (&f.target, &f.doubt) {
            (_, Some(_)) => "?",
            (Target::Metric(_), None) => "✓",
            (Target::Other { .. } | Target::Profile(_), None) => "○",
            (Target::Unplaced(_), None) => "·",
        };
        let mut source = excerpt(f, 14, mark);
        if let Some(d) = &f.doubt {
            let _ = write!(
                source,
                "  [{}{}]",
                if zh { "需确认：" } else { "confirm: " },
                doubt_words(d, lang)
            );
        }
        if let Some(also) = &f.also {
            let _ = write!(
                source,
                "  [{}{also}]",
                if zh {
                    "专项数字，未计入 "
                } else {
                    "a campaign's figure, not counted as "
                }
            );
        }
        if let Some(y) = year_note {
            let _ = write!(
                source,
                "  [{}{y}]",
                if zh { "属于 " } else { "belongs to " }
            );
        }
        let unit = if f.unit.is_empty() {
            "—".to_string()
        } else {
            f.unit.clone()
        };
        let qualifier = if f.qualifier.is_empty() {
            "—".to_string()
        } else {
            f.qualifier.clone()
        };
        let value = if f.value.is_empty() {
            f.written().to_string()
        } else {
            f.value.clone()
        };
        rows.push([status.into(), label_of(f), value, qualifier, unit, source]);
    };
    for f in &imported.extraction.figures {
        push(f, None);
    }
    for (y, figs) in &imported.extraction.other_years {
        for f in figs {
            push(f, Some(*y));
        }
    }
    let mut widths = [0usize; 5];
    for r in rows
        .iter()
        .chain(std::iter::once(&header.map(String::from)))
    {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(UnicodeWidthStr::width(c.as_str())).min(40);
        }
    }
    let line = |r: &[String; 6]| -> String {
        let mut l = String::from("  ");
        for (i, c) in r.iter().enumerate() {
            match widths.get(i) {
                Some(w) => {
                    l.push_str(&pad(c, *w));
                    l.push_str("  ");
                }
                None => l.push_str(c),
            }
        }
        l.trim_end().to_string()
    };
    let _ = writeln!(s, "{}", line(&header.map(String::from)));
    for r in &rows {
        let _ = writeln!(s, "{}", line(r));
    }
    let count = |p: fn(&Found) -> bool| imported.extraction.figures.iter().filter(|f| p(f)).count();
    let sure = count(|f| f.doubt.is_none() && matches!(f.target, Target::Metric(_)));
    let other = count(|f| f.doubt.is_none() && matches!(f.target, Target::Other { .. }));
    let doubted = count(|f| f.doubt.is_some());
    let unplaced = count(|f| matches!(f.target, Target::Unplaced(_)));
    let _ = writeln!(
        s,
        "{}",
        if zh {
            format!(
                "  ✓ 指标 {sure} 个 · ○ 其他数字 {other} 个 · ? 需确认 {doubted} 个（写为注释） · 未归类 {unplaced} 个"
            )
        } else {
            format!(
                "  ✓ {sure} metrics · ○ {other} other figures · ? {doubted} to confirm (written as comments) · {unplaced} not placed"
            )
        }
    );
    s
}
