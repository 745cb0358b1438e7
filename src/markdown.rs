//! Markdown bodies into safe HTML, with a table of contents.
//!
//! pulldown-cmark renders tables, footnotes, strikethrough and heading ids.
//! Heading ids are made for Chinese headings too (`一、基本情况` →
//! `一基本情况`), deduplicated in document order, so they are stable.
//!
//! Only the parts the official wrote as raw HTML are sanitized, so the HTML
//! that pulldown-cmark itself produces (anchors, footnotes, table alignment)
//! survives: HTML blocks go through ammonia; inline tags are kept only when
//! they are simple formatting tags without attributes, and shown as text
//! otherwise. Link and image addresses are limited to safe schemes, and
//! heading attributes other than the id are dropped.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// A rendered body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Headings in order, for the table of contents.
    pub toc: Vec<TocEntry>,
    /// The body as plain text, cut at its headings (for search).
    pub sections: Vec<TextSection>,
}

/// The plain text of a body from one heading to the next: what a reader
/// sees there, blocks (paragraphs, list items, table cells, code) ending
/// with a line end, a line wrapped inside a paragraph read as a space.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextSection {
    /// The heading's anchor id; `None` for the text before the first heading.
    pub id: Option<String>,
    /// The heading's text.
    pub heading: String,
    /// The text under it.
    pub text: String,
}

/// One heading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// The heading's text.
    pub text: String,
}

/// Inline tags kept as they are (without attributes).
const INLINE_TAGS: &[&str] = &[
    "br", "sub", "sup", "u", "mark", "small", "b", "i", "strong", "em", "s", "del", "ins", "kbd",
    "abbr", "span",
];

/// Render Markdown. `strip_prefix` is removed from relative link targets
/// (a report links its attachments as `2025/原件.pdf`; on the page they sit
/// beside it).
pub fn render(markdown: &str, strip_prefix: Option<&str>) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();

    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut toc = Vec::new();
    let mut sections = vec![TextSection::default()];
    let mut in_heading = false;
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while let Some(event) = events.get(i) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                // The heading's text runs until its end tag.
                let mut heading_text = String::new();
                let mut j = i + 1;
                while let Some(e) = events.get(j) {
                    match e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => heading_text.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                let base = id
                    .as_deref()
                    .map(anchor)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| anchor(&heading_text));
                let unique = dedupe(&base, &mut used);
                sections.push(TextSection {
                    id: Some(unique.clone()),
                    heading: heading_text.trim().to_string(),
                    text: String::new(),
                });
                in_heading = true;
                toc.push(TocEntry {
                    level: level_number(*level),
                    id: unique.clone(),
                    text: heading_text.trim().to_string(),
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::Start(Tag::HtmlBlock) => {
                let mut raw = String::new();
                let mut j = i + 1;
                while let Some(e) = events.get(j) {
                    match e {
                        Event::End(TagEnd::HtmlBlock) => break,
                        Event::Html(h) | Event::Text(h) => raw.push_str(h),
                        _ => {}
                    }
                    j += 1;
                }
                let clean = ammonia::Builder::default().clean(&raw).to_string();
                if let Some(section) = sections.last_mut() {
                    section.text.push_str(html_text(&clean).0.trim());
                    section.text.push('\n');
                }
                out.push(Event::Html(CowStr::from(clean)));
                i = j + 1;
                continue;
            }
            Event::Html(h) => {
                let clean = ammonia::Builder::default().clean(h).to_string();
                if let Some(section) = sections.last_mut() {
                    section.text.push_str(html_text(&clean).0.trim());
                    section.text.push('\n');
                }
                out.push(Event::Html(CowStr::from(clean)));
            }
            Event::InlineHtml(h) => match simple_tag(h) {
                Some(tag) => out.push(Event::InlineHtml(CowStr::from(tag))),
                None if h.starts_with("<!--") => {}
                None => {
                    push_text(&mut sections, in_heading, h);
                    out.push(Event::Text(h.clone()));
                }
            },
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: CowStr::from(safe_url(dest_url, strip_prefix)),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: CowStr::from(safe_url(dest_url, strip_prefix)),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Text(t) | Event::Code(t) => {
                push_text(&mut sections, in_heading, t);
                out.push(event.clone());
            }
            Event::SoftBreak => {
                push_text(&mut sections, in_heading, " ");
                out.push(event.clone());
            }
            Event::HardBreak => {
                push_text(&mut sections, in_heading, "\n");
                out.push(event.clone());
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                out.push(event.clone());
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => {
                push_text(&mut sections, in_heading, "\n");
                out.push(event.clone());
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    // Nothing before the first heading: no section for it.
    if sections.first().is_some_and(|s| s.text.trim().is_empty()) {
        sections.remove(0);
    }
    Rendered {
        html,
        toc,
        sections,
    }
}

/// Text shown under the current heading (a heading's own text is kept as
/// the section's heading).
fn push_text(sections: &mut [TextSection], in_heading: bool, text: &str) {
    if in_heading {
        return;
    }
    if let Some(section) = sections.last_mut() {
        // A list item holding a paragraph ends twice: one line end is enough.
        if text == "\n" && (section.text.is_empty() || section.text.ends_with('\n')) {
            return;
        }
        section.text.push_str(text);
    }
}

/// A block of text as a page shows it — a paragraph, heading, table cell,
/// list item or code block with its inline markup resolved (`138**1234**5678`
/// shows `13812345678`), character references and escapes decoded; a link's
/// address or title; the text or an attribute value of a sanitized HTML
/// block — with where each piece comes from in the Markdown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// The text.
    pub text: String,
    /// Its pieces, in order.
    pub pieces: Vec<Piece>,
}

/// A piece of [`Shown`] text and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Where the piece starts in [`Shown::text`].
    pub at: usize,
    /// The Markdown byte range it comes from.
    pub source: std::ops::Range<usize>,
    /// Whether the piece is the source text itself, byte for byte (so a
    /// position inside it maps to the same position in the source).
    pub verbatim: bool,
}

impl Shown {
    fn push(&mut self, text: &str, source: std::ops::Range<usize>, verbatim: bool) {
        self.pieces.push(Piece {
            at: self.text.len(),
            source,
            verbatim,
        });
        self.text.push_str(text);
    }

    /// The Markdown byte range that the shown range `start..end` comes from:
    /// exact inside verbatim pieces, else the whole piece.
    pub fn source_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let piece_of = |at: usize| self.pieces.iter().rev().find(|p| p.at <= at);
        let a = piece_of(start).map_or(0, |p| {
            if p.verbatim {
                p.source.start + (start - p.at)
            } else {
                p.source.start
            }
        });
        let b = piece_of(end.saturating_sub(1).max(start)).map_or(a, |p| {
            if p.verbatim {
                p.source.start + (end - p.at)
            } else {
                p.source.end
            }
        });
        a..b.max(a)
    }
}

/// Everything a Markdown body shows a reader, block by block (see
/// [`Shown`]): what the personal-data guard and the control-character check
/// read, so that nothing the page shows escapes them.
pub fn shown(markdown: &str) -> Vec<Shown> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = Vec::new();
    let mut block = Shown::default();
    let mut html: Option<(String, std::ops::Range<usize>)> = None;
    let flush = |block: &mut Shown, out: &mut Vec<Shown>| {
        if !block.text.is_empty() {
            out.push(std::mem::take(block));
        }
        block.pieces.clear();
    };
    let single = |text: &str, source: std::ops::Range<usize>| {
        let mut s = Shown::default();
        s.push(text, source, false);
        s
    };
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        let verbatim = |t: &str| markdown.get(range.clone()) == Some(t);
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some((raw, _)) = html.as_mut() {
                    raw.push_str(&t);
                } else {
                    block.push(&t, range.clone(), verbatim(&t));
                }
            }
            Event::SoftBreak => block.push(" ", range, false),
            Event::HardBreak => block.push("\n", range, false),
            // Kept as a bare formatting tag (shows nothing), dropped as a
            // comment, or shown as text, as `render` does.
            Event::InlineHtml(h) if simple_tag(&h).is_none() && !h.starts_with("<!--") => {
                block.push(&h, range.clone(), verbatim(&h));
            }
            Event::Html(h) => match html.as_mut() {
                Some((raw, _)) => raw.push_str(&h),
                None => html = Some((h.to_string(), range)),
            },
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut block, &mut out);
                html = Some((String::new(), range));
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((raw, source)) = html.take() {
                    let clean = ammonia::Builder::default().clean(&raw).to_string();
                    let (text, attrs) = html_text(&clean);
                    out.push(single(&text, source.clone()));
                    out.extend(attrs.iter().map(|a| single(a, source.clone())));
                }
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            })
            | Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                out.push(single(&dest_url, range.clone()));
                if !title.is_empty() {
                    out.push(single(&title, range));
                }
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::FootnoteDefinition(_)
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::FootnoteDefinition
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::TableCell,
            ) => flush(&mut block, &mut out),
            _ => {}
        }
    }
    flush(&mut block, &mut out);
    out
}

/// The text and the attribute values of sanitized HTML, character
/// references decoded (html5ever's tokenizer, as a browser reads them).
fn html_text(html: &str) -> (String, Vec<String>) {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    };
    use std::cell::RefCell;

    #[derive(Default)]
    struct Collect {
        text: RefCell<String>,
        attrs: RefCell<Vec<String>>,
    }
    impl TokenSink for Collect {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            match token {
                Token::CharacterTokens(t) => self.text.borrow_mut().push_str(&t),
                Token::TagToken(tag) => {
                    // A tag separates words, as a browser lays them out.
                    self.text.borrow_mut().push(' ');
                    self.attrs
                        .borrow_mut()
                        .extend(tag.attrs.iter().map(|a| a.value.to_string()));
                }
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let sink = tokenizer.sink;
    (sink.text.into_inner(), sink.attrs.into_inner())
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// An anchor id from heading text: letters and digits of any script kept
/// (ASCII lowercased), spaces and dashes become `-`, punctuation dropped.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

fn dedupe(base: &str, used: &mut HashMap<String, usize>) -> String {
    let mut candidate = base.to_string();
    loop {
        let n = used.entry(candidate.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            return candidate;
        }
        let next = format!("{base}-{}", *n - 1);
        candidate = next;
    }
}

/// `<sub>`, `</sub>`, `<br/>` — a simple tag without attributes, normalized.
fn simple_tag(raw: &str) -> Option<String> {
    let inner = raw.strip_prefix('<')?.strip_suffix('>')?.trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest.trim()),
        None => (false, inner),
    };
    let (name, self_closing) = match inner.strip_suffix('/') {
        Some(rest) => (rest.trim(), true),
        None => (inner, false),
    };
    let name = name.to_ascii_lowercase();
    if !INLINE_TAGS.contains(&name.as_str()) {
        return None;
    }
    Some(match (closing, self_closing) {
        (true, _) => format!("</{name}>"),
        (false, true) => format!("<{name} />"),
        (false, false) => format!("<{name}>"),
    })
}

/// Keep http(s), mailto, tel, fragment and relative addresses; replace
/// anything else (`javascript:`, `data:`, `vbscript:`) with `#`.
fn safe_url(url: &str, strip_prefix: Option<&str>) -> String {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let before_slash = lower.find(['/', '?', '#']).is_none_or(|s| colon < s);
        if before_slash {
            let scheme = &lower[..colon];
            return if ["http", "https", "mailto", "tel"].contains(&scheme) {
                url.to_string()
            } else {
                "#".to_string()
            };
        }
    }
    match strip_prefix.and_then(|p| url.strip_prefix(p)) {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_heading_ids_are_stable_and_unique() {
        let r = render(
            "## 一、基本情况\n\n## 一、基本情况\n\n### Next Step {#plan}\n",
            None,
        );
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, vec!["一基本情况", "一基本情况-1", "plan"]);
        assert!(r.html.contains(r#"<h2 id="一基本情况">"#));
    }

    #[test]
    fn the_text_is_cut_at_headings_for_search() {
        let r = render(
            "导语 `代码`\n\n## 一、基本情况\n\n占道\n经营 **300** 处。\n\n- 一项\n- 二项\n\n| 项目 | 数量 |\n|---|--:|\n| 检查 | 100 |\n\n<img src=x onerror=1> 样例\n\n### （一）重点\n\n<div>块<b>文字</b></div>\n",
            None,
        );
        let sections: Vec<(Option<&str>, &str, &str)> = r
            .sections
            .iter()
            .map(|s| (s.id.as_deref(), s.heading.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                (None, "", "导语 代码\n"),
                (
                    Some("一基本情况"),
                    "一、基本情况",
                    "占道 经营 300 处。\n一项\n二项\n项目\n数量\n检查\n100\n<img src=x onerror=1> 样例\n"
                ),
                (Some("一重点"), "（一）重点", "块 文字\n"),
            ]
        );
        // A body that starts with a heading has no section before it.
        assert_eq!(render("## 一\n\n文字\n", None).sections.len(), 1);
    }

    #[test]
    fn shown_text_resolves_markup_references_and_escapes() {
        let md = "电话138**1234**5678，&#49;3912345678 与 137\\-1234\\-5678\n续行\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[链接](tel:13612345678 \"标题\") ![图&#50;](x.png)\n\n<div title=\"&#49;35\">&#x31;34</div>\n";
        let blocks = shown(md);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "电话13812345678，13912345678 与 137-1234-5678 续行",
                "a",
                "b",
                "1",
                "2",
                "tel:13612345678",
                "标题",
                "x.png",
                "链接 图2",
                " 134 \n",
                "135",
            ]
        );
        // A position in verbatim text maps back exactly.
        let first = &blocks[0];
        let at = first.text.find("138").unwrap();
        assert_eq!(first.source_range(at, at + 3), 6..9);
        assert_eq!(md.get(first.source_range(at, at + 3)), Some("138"));
    }

    #[test]
    fn raw_html_is_sanitized_but_markdown_html_survives() {
        let md = "| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n脚注[^1]\n\n[^1]: 说明\n\n<div onclick=\"x()\"><script>alert(1)</script><b>粗</b></div>\n\n文字<img src=x onerror=alert(1)>和<sub>2</sub>\n\n[点](javascript:alert(1)) [ok](https://example.gov.cn/) [附件](2025/原件.pdf)\n\n## 标题 {onclick=alert(1) .x}\n";
        let html = render(md, Some("2025/")).html;
        assert!(html.contains(r#"style="text-align: center""#), "{html}");
        assert!(html.contains("footnote-reference"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(html.contains("<sub>2</sub>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains(r#"href="%E5%8E%9F%E4%BB%B6.pdf""#), "{html}");
        assert!(html.contains("<b>粗</b>"), "{html}");
    }
}
