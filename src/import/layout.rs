//! Recovering a report's layout from the raw blocks: the title, headings from
//! the Chinese outline markers, paragraphs (hard line breaks and PDF page
//! markers removed), tables, and the signature block (issuing body and date).
//!
//! Chinese reports number their outline by convention rather than by style:
//! 一、 for sections, （一） below them, then 1. / 1、 and （1）. Real reports
//! mix and mis-number them ("2、" after "一、", "(二)" after "（1）"), so a
//! marker's level is decided by the sequence it continues, not by its form
//! alone. No crate knows these conventions, hence the hand-written rules.

use super::read::{Block, Decoded, Format, is_han};

/// A piece of the recovered report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A heading; depth 0 is a section (一、), rendered `##`.
    Heading {
        /// 0 for sections, 1 below them, 2 below those.
        depth: u8,
        /// The heading as written, marker included.
        text: String,
    },
    /// A paragraph.
    Paragraph(String),
    /// An item of a list (marker kept as written).
    Item(String),
    /// A table: rows of cells, the first row its header.
    Table(Vec<Vec<String>>),
}

/// The report's layout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The title as published, if the document starts with one.
    pub title: Option<String>,
    /// The body.
    pub nodes: Vec<Node>,
    /// The issuing body of the signature block (辛口镇人民政府).
    pub issuer: Option<String>,
    /// The date of the signature block.
    pub date: Option<jiff::civil::Date>,
}

/// A paragraph before its outline is decided.
#[derive(Clone, Debug)]
enum Raw {
    Text {
        text: String,
        /// A Word heading style's outline level.
        outline: Option<u8>,
    },
    Table(Vec<Vec<String>>),
}

/// Recover the layout of a decoded document.
pub fn layout(decoded: &Decoded) -> Layout {
    let raws = match decoded.format {
        Format::Docx => word_paragraphs(&decoded.blocks),
        Format::Pdf | Format::Text | Format::Markdown => {
            line_paragraphs(&decoded.blocks, decoded.format)
        }
    };
    let mut raws: Vec<Raw> = raws
        .into_iter()
        .filter_map(|r| match r {
            Raw::Text { text, outline } => {
                let text = tidy(&text);
                (!text.is_empty()).then_some(Raw::Text { text, outline })
            }
            Raw::Table(rows) => Some(Raw::Table(
                rows.into_iter()
                    .map(|r| r.iter().map(|c| tidy(c)).collect())
                    .collect(),
            )),
        })
        .collect();
    let mut out = Layout::default();
    take_title(&mut raws, &mut out);
    take_signature(&mut raws, &mut out);
    out.nodes = outline(raws);
    out
}

// ------------------------------------------------------------ cleaning

/// Remove converter artefacts (`[bookmark: _GoBack]`), invisible characters,
/// and the spaces PDF extraction puts between ideographs and digits.
pub fn tidy(text: &str) -> String {
    let mut s = text.to_string();
    while let Some(start) = s.find("[bookmark:") {
        match s.get(start..).and_then(|r| r.find(']')) {
            Some(end) => s.replace_range(start..start.saturating_add(end).saturating_add(1), ""),
            None => break,
        }
    }
    let chars: Vec<char> = s
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}'
            )
        })
        .map(|c| if c == '\u{a0}' || c == '\t' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(s.len());
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' || *c == '\u{3000}' {
            let prev = out.chars().last();
            let next = chars
                .get(i + 1..)
                .and_then(|r| r.iter().find(|c| **c != ' ' && **c != '\u{3000}'));
            let cjk = |c: Option<&char>| c.is_some_and(|c| is_han(*c) || is_cjk_punct(*c));
            // Drop spaces next to an ideograph or Chinese punctuation, and
            // leading and repeated spaces; keep one between Latin words.
            if prev.is_none()
                || prev == Some(' ')
                || cjk(prev.as_ref())
                || cjk(next)
                || next.is_none()
            {
                continue;
            }
            out.push(' ');
        } else {
            out.push(*c);
        }
    }
    out.trim().to_string()
}

/// Chinese (full-width) punctuation.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '“' | '”' | '‘' | '’' | '…' | '—' | '·' | '•')
}

/// Display width: ideographs and full-width forms count two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A PDF page number or running page marker: `- 2 -`, `第2页`, `第 2 页 共 9 页`, `2/9`.
fn is_page_marker(line: &str, pdf_edge: bool) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let dashes: &[char] = &['-', '－', '—', '–', '─', '一'];
    if let Some(inner) = t.strip_prefix(dashes).and_then(|r| r.strip_suffix(dashes)) {
        let inner = inner.trim_matches(dashes);
        if digits(inner) {
            return true;
        }
    }
    if let Some(rest) = t.strip_prefix('第') {
        let (n, rest) = rest.split_at(rest.find('页').unwrap_or(rest.len()));
        if digits(n) && rest.starts_with('页') {
            let rest = rest
                .trim_start_matches('页')
                .trim_start_matches([',', '，', '/']);
            return rest.is_empty()
                || rest
                    .strip_prefix('共')
                    .and_then(|r| r.strip_suffix('页'))
                    .is_some_and(digits);
        }
    }
    if let Some((a, b)) = t.split_once('/')
        && digits(a)
        && digits(b)
        && a.len() <= 3
    {
        return true;
    }
    pdf_edge && digits(&t) && t.len() <= 3
}

// ------------------------------------------------------------ paragraphs

fn word_paragraphs(blocks: &[Block]) -> Vec<Raw> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph { text, outline } => {
                // A manual line break inside a paragraph (the signature's two
                // lines) separates what is read as separate lines.
                for part in text.split('\n') {
                    if !is_page_marker(part, false) {
                        out.push(Raw::Text {
                            text: part.to_string(),
                            outline: *outline,
                        });
                    }
                }
            }
            Block::Table(rows) => out.push(Raw::Table(rows.clone())),
            Block::Line(l) => out.push(Raw::Text {
                text: l.clone(),
                outline: None,
            }),
            Block::PageBreak => {}
        }
    }
    out
}

/// The start of a line after its indentation, and whether it was indented.
fn indent_of(line: &str) -> (bool, &str) {
    let trimmed = line.trim_start_matches([' ', '\u{3000}', '\t']);
    let removed = line.get(..line.len() - trimmed.len()).unwrap_or("");
    let w: usize = removed
        .chars()
        .map(|c| if c == '\u{3000}' { 2 } else { 1 })
        .sum();
    (w >= 2, trimmed)
}

/// Text and PDF lines into paragraphs: hard line breaks inside a paragraph
/// are removed, page markers dropped, tables (columns separated by tabs,
/// wide gaps or `|`) kept as tables.
fn line_paragraphs(blocks: &[Block], format: Format) -> Vec<Raw> {
    // Lines with their page-edge flag, page breaks dropped.
    let mut lines: Vec<String> = Vec::new();
    let mut front_matter = format == Format::Markdown
        && blocks
            .first()
            .is_some_and(|b| matches!(b, Block::Line(l) if l.trim_end() == "---"));
    for (i, b) in blocks.iter().enumerate() {
        let Block::Line(line) = b else { continue };
        if front_matter {
            if i > 0 && line.trim_end() == "---" {
                front_matter = false;
            }
            continue;
        }
        let edge = format == Format::Pdf
            && (i == 0
                || matches!(blocks.get(i.wrapping_sub(1)), Some(Block::PageBreak))
                || matches!(blocks.get(i + 1), Some(Block::PageBreak) | None));
        if is_page_marker(line, edge) {
            continue;
        }
        let mut line = line.trim_end().to_string();
        if format == Format::Markdown {
            line = markdown_line(&line);
        }
        lines.push(line);
    }
    // Reports copied from a PDF viewer often have a blank line after every
    // line: then blank lines say nothing about paragraphs.
    let nonblank = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let followed_by_blank = lines
        .windows(2)
        .filter(|w| matches!(w, [a, b] if !a.trim().is_empty() && b.trim().is_empty()))
        .count();
    let blanks_mean_nothing = nonblank >= 6 && followed_by_blank * 10 >= nonblank * 8;
    // Hard-wrapped text: many lines of about the same width.
    let widths: Vec<usize> = lines
        .iter()
        .map(|l| width(indent_of(l).1))
        .filter(|w| *w >= 20)
        .collect();
    let mut sorted = widths.clone();
    sorted.sort_unstable();
    let full = sorted
        .get(sorted.len().saturating_mul(3) / 4)
        .copied()
        .unwrap_or(usize::MAX);
    let near_full = widths.iter().filter(|w| w.abs_diff(full) <= 4).count();
    let wrapped =
        format == Format::Pdf || (widths.len() >= 5 && near_full * 10 >= widths.len() * 4);
    let indented_doc = lines.iter().filter(|l| indent_of(l).0).count() >= 3;

    let mut out: Vec<Raw> = Vec::new();
    let mut current = String::new();
    let mut last_full = false;
    let mut last_open = false;
    let mut table: Vec<Vec<String>> = Vec::new();
    let flush = |current: &mut String, out: &mut Vec<Raw>| {
        if !current.trim().is_empty() {
            out.push(Raw::Text {
                text: std::mem::take(current),
                outline: None,
            });
        }
        current.clear();
    };
    for line in &lines {
        if let Some(cells) = table_row(line) {
            flush(&mut current, &mut out);
            if !cells.is_empty() {
                table.push(cells);
            }
            last_full = false;
            last_open = false;
            continue;
        }
        if !table.is_empty() {
            let rows = std::mem::take(&mut table);
            if rows.len() >= 2 {
                out.push(Raw::Table(rows));
            } else {
                // One row with gaps is a line with wide spaces, not a table.
                for r in rows {
                    out.push(Raw::Text {
                        text: r.join(" "),
                        outline: None,
                    });
                }
            }
        }
        if line.trim().is_empty() {
            if !blanks_mean_nothing {
                flush(&mut current, &mut out);
                last_full = false;
                last_open = false;
            }
            continue;
        }
        let (indented, body) = indent_of(line);
        let starts_new = current.is_empty()
            || !wrapped
            || !(last_full || last_open)
            || marker(body).is_some()
            || (indented_doc && indented)
            || looks_like_date(body);
        if starts_new {
            flush(&mut current, &mut out);
        } else if current
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && body
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            current.push(' ');
        }
        current.push_str(body);
        last_full = width(body) + 4 >= full && full != usize::MAX;
        // A long line that stops mid-sentence goes on in the next one, even
        // when it is a little shorter than a full line.
        last_open = full != usize::MAX
            && width(body) * 5 >= full * 4
            && !body.ends_with(['。', '：', ':', '！', '？', '；', '”']);
    }
    flush(&mut current, &mut out);
    if table.len() >= 2 {
        out.push(Raw::Table(table));
    } else {
        for r in table {
            out.push(Raw::Text {
                text: r.join(" "),
                outline: None,
            });
        }
    }
    out
}

/// A Markdown line as plain text: heading hashes, emphasis around a whole
/// line and list bullets removed (the outline comes from the Chinese markers).
fn markdown_line(line: &str) -> String {
    let t = line.trim();
    let t = t.trim_start_matches('#').trim_start();
    let t = t
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**"))
        .unwrap_or(t);
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .unwrap_or(t);
    t.to_string()
}

/// The cells of a table row: `|`-separated (Markdown), tab-separated, or
/// columns set apart by wide gaps (PDF). A Markdown separator row is no row.
fn table_row(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if t.starts_with('|') && t.ends_with('|') && t.len() > 2 {
        let inner = t.get(1..t.len() - 1)?;
        if inner.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ')) {
            // The separator under a Markdown header: a row of no cells.
            return Some(Vec::new());
        }
        return Some(inner.split('|').map(|c| c.trim().to_string()).collect());
    }
    let cells: Vec<String> = if t.contains('\t') {
        t.split('\t')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    } else if t.contains("  ") {
        t.split("  ")
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    } else {
        return None;
    };
    // A table row has short cells; a paragraph with a double space has not.
    (cells.len() >= 2 && cells.iter().all(|c| width(c) <= 40)).then_some(cells)
}

// ------------------------------------------------------------ title, signature

fn take_title(raws: &mut Vec<Raw>, out: &mut Layout) {
    // A Word title style wins.
    if let Some(i) = raws.iter().take(5).position(|r| {
        matches!(
            r,
            Raw::Text {
                outline: Some(0),
                ..
            }
        )
    }) && let Raw::Text { text, .. } = raws.remove(i)
    {
        out.title = Some(text);
        return;
    }
    let Some(i) = raws.iter().take(6).position(|r| match r {
        Raw::Text { text, .. } => {
            marker(text).is_none()
                && width(text) <= 90
                && !text.ends_with('。')
                && (text.contains("报告") || text.contains("情况") || text.contains("总结"))
        }
        Raw::Table(_) => false,
    }) else {
        return;
    };
    let mut title = match raws.get(i) {
        Some(Raw::Text { text, .. }) => text.clone(),
        _ => return,
    };
    let mut first = i;
    // A title broken over two lines: the line before it is short and has
    // no sentence in it (e.g. 张家窝镇2023年度 / 行政执法情况报告).
    if i > 0
        && let Some(Raw::Text { text, .. }) = raws.get(i - 1)
        && width(text) <= 40
        && !text.contains(['。', '：', ':'])
        && marker(text).is_none()
        && !text.contains('〔')
    {
        title = format!("{text}{title}");
        first = i - 1;
    }
    raws.drain(first..=i);
    // What stood before the title (a document number, 附件) is not body text.
    raws.drain(..first);
    out.title = Some(title);
}

/// A date `2025年12月8日`, `二〇二五年十二月八日`, `2025-12-08` or `2025.12.8`
/// at the end of `text`; returns it and where it starts.
pub fn trailing_date(text: &str) -> Option<(jiff::civil::Date, usize)> {
    let t = text.trim_end();
    // Written with 年月日.
    if let Some(stem) = t.strip_suffix('日').or_else(|| t.strip_suffix('号')) {
        let m_at = stem.rfind('月')?;
        let y_at = stem.get(..m_at)?.rfind('年')?;
        let day = stem.get(m_at + '月'.len_utf8()..)?;
        let month = stem.get(y_at + '年'.len_utf8()..m_at)?;
        let before = stem.get(..y_at)?;
        // The year: the last four digits (Arabic or Chinese) before 年.
        let year_chars: Vec<(usize, char)> = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || digit_han(*c).is_some() || *c == ' ')
            .collect();
        let start = year_chars.last().map(|(i, _)| *i)?;
        let year_text: String = before.get(start..)?.chars().filter(|c| *c != ' ').collect();
        let year = if year_text.chars().all(|c| c.is_ascii_digit()) {
            year_text.parse::<i16>().ok()?
        } else {
            let digits: String = year_text
                .chars()
                .map(|c| {
                    digit_han(c)
                        .and_then(|d| char::from_digit(d, 10))
                        .unwrap_or('x')
                })
                .collect();
            digits.parse::<i16>().ok()?
        };
        let month = small_number(month.trim())?;
        let day = small_number(day.trim())?;
        let date = jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?)
            .ok()?;
        return Some((date, start));
    }
    // 2025-12-08, 2025.12.8, 2025/12/8 at the end.
    let start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '-' | '.' | '/'))
        .last()
        .map(|(i, _)| i)?;
    let d = t.get(start..)?;
    let parts: Vec<&str> = d.split(['-', '.', '/']).collect();
    if let [y, m, dd] = parts.as_slice()
        && y.len() == 4
    {
        let date =
            jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, dd.parse().ok()?).ok()?;
        return Some((date, start));
    }
    None
}

fn looks_like_date(text: &str) -> bool {
    trailing_date(text).is_some_and(|(_, start)| start == 0) && width(text) <= 24
}

/// 〇/零 through 九 as a digit (for years written 二〇二五).
fn digit_han(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | 'O' | 'o' | '○' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A number below 100 written in Arabic digits or in Chinese (十二, 二十三, 两).
pub fn small_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok().filter(|n| *n < 100_000);
    }
    super::figures::han_number(s).filter(|n| *n < 100)
}

/// The signature block at the end: the issuing body (one or two short lines)
/// and the date. Both are taken out of the body.
fn take_signature(raws: &mut Vec<Raw>, out: &mut Layout) {
    // The signature closes the text; an appended table (附表) may follow it.
    let Some(at) = raws
        .iter()
        .rposition(|r| matches!(r, Raw::Text { .. }))
        .filter(|at| {
            raws.get(at + 1..)
                .is_some_and(|rest| rest.iter().all(|r| matches!(r, Raw::Table(_))))
        })
    else {
        return;
    };
    let Some(Raw::Text { text, .. }) = raws.get(at) else {
        return;
    };
    let Some((date, start)) = trailing_date(text) else {
        return;
    };
    let before = text.get(..start).unwrap_or("").trim().to_string();
    // A dated sentence is no signature.
    if width(&before) > 40 || before.contains(['。', '，']) {
        return;
    }
    raws.remove(at);
    out.date = Some(date);
    let mut issuer = before;
    if issuer.is_empty()
        && let Some(prev) = at.checked_sub(1)
        && let Some(Raw::Text { text, .. }) = raws.get(prev)
        && width(text) <= 40
        && !text.contains(['。', '，', '：', '；'])
        && marker(text).is_none()
    {
        issuer = text.clone();
        raws.remove(prev);
    }
    if !issuer.is_empty() {
        out.issuer = Some(issuer);
    }
}

// ------------------------------------------------------------ outline

/// The form of an outline marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// 一、
    Han,
    /// （一）
    ParenHan,
    /// 1、 1.
    Arabic,
    /// （1） (1)
    ParenArabic,
}

impl Style {
    /// Forms that real reports swap for each other at one level.
    fn family(self) -> u8 {
        match self {
            Style::Han | Style::Arabic => 0,
            Style::ParenHan | Style::ParenArabic => 1,
        }
    }
}

/// The outline marker a paragraph starts with: its form, number and length in bytes.
fn marker(text: &str) -> Option<(Style, u32, usize)> {
    let t = text;
    let open = t.starts_with(['（', '(']);
    if open {
        let inner_start = t.chars().next()?.len_utf8();
        let close = t.find(['）', ')'])?;
        let inner = t.get(inner_start..close)?.trim();
        let len = close + t.get(close..)?.chars().next()?.len_utf8();
        if inner.chars().all(|c| c.is_ascii_digit()) && !inner.is_empty() && inner.len() <= 2 {
            return Some((Style::ParenArabic, inner.parse().ok()?, len));
        }
        let n = super::figures::han_number(inner).filter(|n| *n > 0 && *n < 40)?;
        return Some((Style::ParenHan, n, len));
    }
    let end = t.find(['、', '.', '．'])?;
    let head = t.get(..end)?;
    let sep = t.get(end..)?.chars().next()?;
    let len = end + sep.len_utf8();
    // `1.5万` is a number, not a marker.
    if sep != '、' && t.get(len..)?.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !head.is_empty() && head.len() <= 2 && head.chars().all(|c| c.is_ascii_digit()) {
        return Some((Style::Arabic, head.parse().ok()?, len));
    }
    if head.chars().count() <= 3 && head.chars().all(|c| "一二三四五六七八九十".contains(c))
    {
        let n = super::figures::han_number(head).filter(|n| *n > 0)?;
        return Some((Style::Han, n, len));
    }
    None
}

/// A heading run into its paragraph (（一）执法主体情况。我镇……): the short
/// title and the rest.
fn inline_title(text: &str, marker_len: usize) -> Option<(String, String)> {
    let after = text.get(marker_len..)?;
    let end = after.find(['。', '：', ':'])?;
    let title = after.get(..end)?.trim();
    let sep_len = after.get(end..)?.chars().next()?.len_utf8();
    let rest = after.get(end + sep_len..)?.trim();
    if rest.is_empty() || title.is_empty() || width(title) > 50 || title.contains(['，', '；']) {
        return None;
    }
    let marker = text.get(..marker_len)?.trim();
    Some((format!("{marker}{title}"), rest.to_string()))
}

fn outline(raws: Vec<Raw>) -> Vec<Node> {
    let mut nodes = Vec::new();
    // (form, last number) of the open outline levels, outermost first.
    let mut stack: Vec<(Style, u32)> = Vec::new();
    for raw in raws {
        let (text, word_level) = match raw {
            Raw::Table(rows) => {
                nodes.push(Node::Table(rows));
                continue;
            }
            Raw::Text { text, outline } => (text, outline),
        };
        let Some((style, n, len)) = marker(&text) else {
            match word_level {
                // A Word heading without a typed marker (automatic numbering).
                Some(l) if l >= 1 && width(&text) <= 60 => {
                    stack.truncate(usize::from(l - 1));
                    nodes.push(Node::Heading {
                        depth: (l - 1).min(2),
                        text,
                    });
                }
                _ => nodes.push(Node::Paragraph(text)),
            }
            continue;
        };
        // Which open level this marker continues: the same form first, then
        // a form of the same family one step on (2、 after 一、); else a new
        // level below the current one.
        let depth = if let Some(d) = stack.iter().rposition(|(s, _)| *s == style) {
            d
        } else if let Some(d) = stack.iter().rposition(|(s, last)| {
            s.family() == style.family() && last.saturating_add(1) == n && n > 1
        }) {
            d
        } else if style == Style::Han {
            0
        } else {
            stack.len()
        };
        stack.truncate(depth);
        let kept_style = match stack.get(depth) {
            Some((s, _)) => *s,
            None => style,
        };
        stack.push((kept_style, n));
        let depth = u8::try_from(depth).unwrap_or(u8::MAX);
        let short = width(&text) <= 50 && !text.contains(['。', '，', '；']);
        if short && depth <= 2 {
            nodes.push(Node::Heading { depth, text });
        } else if let Some((title, rest)) = inline_title(&text, len).filter(|_| depth <= 2) {
            nodes.push(Node::Heading { depth, text: title });
            nodes.push(Node::Paragraph(rest));
        } else if depth == 0 {
            nodes.push(Node::Heading { depth, text });
        } else if short {
            nodes.push(Node::Item(text));
        } else {
            nodes.push(Node::Paragraph(text));
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[&str]) -> Decoded {
        Decoded {
            format: Format::Text,
            blocks: lines
                .iter()
                .map(|l| Block::Line((*l).to_string()))
                .collect(),
            encoding: None,
        }
    }

    #[test]
    fn markers() {
        assert_eq!(
            marker("一、基本情况").map(|m| (m.0, m.1)),
            Some((Style::Han, 1))
        );
        assert_eq!(
            marker("（十二）其他").map(|m| (m.0, m.1)),
            Some((Style::ParenHan, 12))
        );
        assert_eq!(
            marker("2、 主要工作").map(|m| (m.0, m.1)),
            Some((Style::Arabic, 2))
        );
        assert_eq!(
            marker("(3)问题").map(|m| (m.0, m.1)),
            Some((Style::ParenArabic, 3))
        );
        assert_eq!(marker("1.5万元"), None);
        assert_eq!(marker("一般程序"), None);
    }

    #[test]
    fn page_markers() {
        for m in ["- 2 -", "－ 12 －", "第2页", "第 3 页 共 9 页", "2/9"] {
            assert!(is_page_marker(m, false), "{m}");
        }
        assert!(is_page_marker("7", true));
        assert!(!is_page_marker("7", false));
        assert!(!is_page_marker("第二部分", false));
    }

    #[test]
    fn dates() {
        let d = |s| trailing_date(s).map(|(d, _)| d.to_string());
        assert_eq!(d("2025年12月8日").as_deref(), Some("2025-12-08"));
        assert_eq!(d("二〇二五年十二月八日").as_deref(), Some("2025-12-08"));
        assert_eq!(
            d("辛口镇人民政府 2024-01-20").as_deref(),
            Some("2024-01-20")
        );
        assert_eq!(d("2025年2月30日"), None);
    }

    #[test]
    fn misnumbered_outline_keeps_its_levels() {
        let l = layout(&text(&[
            "辛口镇2025年度行政执法工作报告",
            "一、基本情况",
            "我镇共有执法人员16人。",
            "2、 主要工作措施及成效",
            "（一）制度建设",
            "正文。",
            "3、 存在问题",
            "（1） 法条不熟。部分执法人员仅停留在表层。",
            "(二)素质教育不够。部分人员缺乏沟通技巧。",
            "",
            "辛口镇人民政府",
            "2025年12月8日",
        ]));
        assert_eq!(l.title.as_deref(), Some("辛口镇2025年度行政执法工作报告"));
        assert_eq!(l.issuer.as_deref(), Some("辛口镇人民政府"));
        assert_eq!(l.date.map(|d| d.to_string()).as_deref(), Some("2025-12-08"));
        let headings: Vec<(u8, &str)> = l
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::Heading { depth, text } => Some((*depth, text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            vec![
                (0, "一、基本情况"),
                (0, "2、主要工作措施及成效"),
                (1, "（一）制度建设"),
                (0, "3、存在问题"),
                (1, "（1）法条不熟"),
                (1, "(二)素质教育不够"),
            ]
        );
    }

    #[test]
    fn hard_wrapped_pdf_text_is_joined() {
        let mut lines = vec!["张家窝镇 2023 年度行政执法情况报告", ""];
        let body = [
            "2023 年我镇在区委、区政府的领导下和相关部门的指导",
            "",
            "下，深入学习贯彻习近平法治思想，全面贯彻党中央依法治",
            "",
            "国的战略布局，认真落实文件部署，以党的二十大精神为指",
            "",
            "引，扎实贯彻落实工作要求。",
            "",
            "一、基本情况",
            "",
            "（一）执法主体情况。我镇作为城乡融合发展典型街镇，",
            "",
            "辖区面积 63.4 平方公里，辖 19 个社区、2 个村，常住人口",
            "",
            "- 2 -",
            "",
            "15.7万左右。",
        ];
        lines.extend(body);
        let l = layout(&text(&lines));
        assert_eq!(l.title.as_deref(), Some("张家窝镇2023年度行政执法情况报告"));
        assert_eq!(
            l.nodes,
            vec![
                Node::Paragraph("2023年我镇在区委、区政府的领导下和相关部门的指导下，深入学习贯彻习近平法治思想，全面贯彻党中央依法治国的战略布局，认真落实文件部署，以党的二十大精神为指引，扎实贯彻落实工作要求。".into()),
                Node::Heading { depth: 0, text: "一、基本情况".into() },
                Node::Heading { depth: 1, text: "（一）执法主体情况".into() },
                Node::Paragraph("我镇作为城乡融合发展典型街镇，辖区面积63.4平方公里，辖19个社区、2个村，常住人口15.7万左右。".into()),
            ]
        );
    }
}
