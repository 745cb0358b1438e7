//! The common front matter, read straight from the YAML parser's events.
//!
//! serde-saphyr reads YAML through serde: every value, and the position of
//! every value (`Spanned`), passes through a visitor. For the plain front
//! matter of a report (a mapping of keys to numbers, dates and text, a list
//! of other figures) that took 0.70 s for the 12,000 files of the
//! benchmark's 10,000-report site, where the parser's events alone take
//! 0.21 s; and every report of the site is read on every full build. This
//! module walks the events of serde-saphyr's own parser (granit-parser)
//! instead and builds the same [`Node`]s, positions and raw text included.
//!
//! It only answers when the answer is certain to be serde-saphyr's. A
//! document with anything less usual (an anchor, an alias, a tag, a
//! repeated key, a key that is not plain text, a syntax error, great depth
//! or size) gives `None`, and [`super::parse`] reads it with serde-saphyr,
//! which then also words any error. A plain scalar is typed here when it
//! is plainly text, a number or empty; one of letters and signs that YAML
//! could read otherwise (`yes`, `.inf`, `0x1f`…) is typed by serde-saphyr
//! itself, on its own; and one that would read differently on its own (it
//! spans lines, or starts like a document marker) leaves the document to
//! serde-saphyr. `tests` compares both readers on every YAML file and front
//! matter of the repository and on about a thousand tricky documents.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

use super::{Ctx, Entry, Node, Offset, RawNode, Value};

/// Deeper than this, with more nodes, or longer, serde-saphyr's limits
/// decide (a front matter is a few kilobytes; serde-saphyr also limits the
/// bytes of all scalars together).
const MAX_DEPTH: usize = 16;
const MAX_NODES: usize = 20_000;
const MAX_BYTES: usize = 1 << 20;

/// Read `yaml` as serde-saphyr would, or `None` if that is not certain.
pub(super) fn parse(yaml: &str, offset: Offset) -> Option<Node> {
    if yaml.len() > MAX_BYTES {
        return None;
    }
    let mut reader = Reader {
        events: Parser::new_from_str(yaml),
        ahead: None,
        ctx: Ctx { yaml, offset },
        nodes: 0,
    };
    if !matches!(reader.next()?.0, Event::StreamStart) {
        return None;
    }
    // A document that starts with `---` (inside the front matter) is
    // left to serde-saphyr.
    if !matches!(reader.next()?.0, Event::DocumentStart(false, None)) {
        return None;
    }
    let root = reader.node(0)?;
    match (reader.next()?.0, reader.next()?.0) {
        (Event::DocumentEnd, Event::StreamEnd) => Some(root),
        _ => None,
    }
}

struct Reader<'a> {
    events: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    ahead: Option<(Event<'a>, Span)>,
    ctx: Ctx<'a>,
    nodes: usize,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        match self.ahead.take() {
            Some(e) => Some(e),
            None => self.events.next_event()?.ok(),
        }
    }

    fn peek_is(&mut self, end: fn(&Event<'a>) -> bool) -> Option<bool> {
        if self.ahead.is_none() {
            self.ahead = Some(self.events.next_event()?.ok()?);
        }
        self.ahead.as_ref().map(|(e, _)| end(e))
    }

    /// The position serde-saphyr gives a value starting at `span`, with
    /// the text as written for scalars.
    fn at(&self, span: &Span) -> ((u64, u64), &'a str) {
        let (start, end) = (&span.start, &span.end);
        let raw = match (start.byte_offset(), end.byte_offset()) {
            (Some(s), Some(e)) => self.ctx.yaml.get(s..e).unwrap_or(""),
            _ => "",
        };
        ((start.line() as u64, start.col() as u64 + 1), raw)
    }

    fn node(&mut self, depth: usize) -> Option<Node> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return None;
        }
        let (event, span) = self.next()?;
        let (loc, raw) = self.at(&span);
        let collection_pos = self.ctx.pos_at(loc, 1);
        let collection = |value| Node {
            value,
            pos: collection_pos,
            raw: Box::from(""),
        };
        match event {
            Event::Scalar(text, style, 0, None) => {
                let value = scalar(text, style)?;
                let len = match value {
                    Value::Null => 1,
                    _ => raw.chars().count(),
                };
                Some(Node {
                    value,
                    pos: self.ctx.pos_at(loc, len as u64),
                    raw: Box::from(raw),
                })
            }
            Event::SequenceStart(_, 0, None) => {
                let mut items = Vec::new();
                while !self.peek_is(|e| matches!(e, Event::SequenceEnd))? {
                    items.push(self.node(depth + 1)?);
                }
                self.next()?;
                Some(collection(Value::Seq(items)))
            }
            Event::MappingStart(_, 0, None) => {
                let mut entries: Vec<Entry> = Vec::new();
                // Repeated keys: looked up in a set once a mapping is long.
                let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
                while !self.peek_is(|e| matches!(e, Event::MappingEnd))? {
                    let (key, key_span) = match self.next()? {
                        (Event::Scalar(text, style, 0, None), span) => (key(text, style)?, span),
                        _ => return None,
                    };
                    let repeated = if entries.len() < 32 {
                        entries.iter().any(|e| e.key == key)
                    } else {
                        if keys.is_empty() {
                            keys.extend(entries.iter().map(|e| e.key.clone()));
                        }
                        !keys.insert(key.clone())
                    };
                    if repeated {
                        return None;
                    }
                    let (key_loc, _) = self.at(&key_span);
                    let key_pos = self.ctx.pos_at(key_loc, key.chars().count() as u64);
                    let value = self.node(depth + 1)?;
                    entries.push(Entry {
                        key,
                        key_pos,
                        value,
                    });
                }
                self.next()?;
                Some(collection(Value::Map(entries)))
            }
            _ => None,
        }
    }
}

/// A scalar's value, typed as serde-saphyr types it; `None` where unsure.
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if !matches!(style, ScalarStyle::Plain) {
        // Quoted and block scalars are text, whatever they hold.
        return Some(Value::Str(text.into_owned()));
    }
    match plain(&text) {
        Plain::Null => Some(Value::Null),
        Plain::Number => Some(Value::Number),
        Plain::Text => Some(Value::Str(text.into_owned())),
        Plain::Unsure => ask_serde_saphyr(&text),
    }
}

/// A mapping key: plain text or quoted; `None` for anything else.
fn key(text: Cow<'_, str>, style: ScalarStyle) -> Option<String> {
    let text_key = match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => !text.is_empty(),
        ScalarStyle::Plain => matches!(plain(&text), Plain::Text),
        _ => false,
    };
    text_key.then(|| text.into_owned())
}

enum Plain {
    Null,
    Number,
    Text,
    Unsure,
}

/// What a plain scalar is, when that is plain to see.
fn plain(text: &str) -> Plain {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Plain::Null;
    }
    // No YAML word, number or null has a character beyond ASCII.
    if !text.is_ascii() {
        return Plain::Text;
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit());
    let no_leading_zero = |s: &str| s == "0" || !s.starts_with('0');
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    if digits(whole) && no_leading_zero(whole) && fraction.is_none_or(digits) {
        return Plain::Number;
    }
    // A date (2025-01-31) is text to YAML's core schema.
    let b = text.as_bytes();
    if b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
    {
        return Plain::Text;
    }
    // A word of letters, digits and `_` that no YAML schema reads as
    // anything else (booleans of YAML 1.1, the names of infinity and NaN).
    let word = b.first().is_some_and(|c| c.is_ascii_alphabetic())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let special = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "inf", "infinity", "nan",
    ];
    if word && !special.iter().any(|s| text.eq_ignore_ascii_case(s)) {
        return Plain::Text;
    }
    Plain::Unsure
}

/// The type serde-saphyr gives a plain scalar, read on its own. Not for
/// a scalar that reads otherwise on its own than in place: one that spans
/// lines, or starts like a document marker (`---`, `...`: in place it is
/// text, on its own a marker).
fn ask_serde_saphyr(text: &str) -> Option<Value> {
    if text.contains(['\n', '\r']) || text.starts_with("---") || text.starts_with("...") {
        return None;
    }
    let node: RawNode = serde_saphyr::from_str_with_options(text, super::options()).ok()?;
    match node {
        RawNode::Null => Some(Value::Null),
        RawNode::Bool(b) => Some(Value::Bool(b)),
        RawNode::Number => Some(Value::Number),
        RawNode::Str(s) if s == text => Some(Value::Str(s)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Both readers on one document: where the fast one answers, it gives
    /// exactly serde-saphyr's tree, positions and raw text included.
    /// Returns whether the fast one answered.
    fn same_as_serde_saphyr(yaml: &str, what: &str) -> bool {
        let offset = Offset { lines: 1 };
        let Some(fast) = parse(yaml, offset) else {
            return false;
        };
        let source: Arc<str> = Arc::from(yaml);
        match super::super::parse_with_serde_saphyr(yaml, offset, "x.md", &source) {
            Ok(slow) => assert_eq!(fast, slow, "{what}:\n{yaml}"),
            Err(e) => {
                panic!("{what}: serde-saphyr refuses what the fast reader read: {e:?}\n{yaml}")
            }
        }
        true
    }

    /// Every front matter and YAML file of the repository: the sample site,
    /// the test fixtures (bad input included), the themes' word lists.
    #[test]
    fn every_yaml_of_the_repository_reads_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut files, mut answered) = (0, 0);
        let walk = walkdir::WalkDir::new(root).into_iter().filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(name == "target" || name.starts_with('.') && e.depth() > 0)
        });
        for entry in walk.flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let yaml = match ext {
                "md" => match crate::frontmatter::split(&text) {
                    Ok(split) => split.yaml.to_string(),
                    Err(_) => continue,
                },
                "yaml" | "yml" => text,
                _ => continue,
            };
            files += 1;
            if same_as_serde_saphyr(&yaml, &path.display().to_string()) {
                answered += 1;
            }
        }
        assert!(files > 100, "{files} files");
        // The fast reader must answer for the usual files, or it is no use.
        assert!(answered * 10 > files * 8, "{answered} of {files} answered");
    }

    /// Scalars that YAML may read as something other than text, in every
    /// place a value can stand.
    #[test]
    fn tricky_scalars_read_the_same() {
        let scalars = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "true",
            "True",
            "TRUE",
            "false",
            "yes",
            "Yes",
            "no",
            "NO",
            "on",
            "Off",
            "y",
            "n",
            "Y",
            "N",
            "0",
            "00",
            "007",
            "-0",
            "-007",
            "+5",
            "12",
            "-12",
            "1.5",
            "0.5",
            "00.5",
            "-1.50",
            "1.",
            ".5",
            "-.5",
            "1e3",
            "1E3",
            "1e-3",
            "0x1f",
            "0o17",
            "0b101",
            "1_000",
            "1,000",
            "12:30",
            "1:2:3",
            ".inf",
            "-.inf",
            ".NaN",
            "inf",
            "Infinity",
            "nan",
            "NaN",
            "2025-01-31",
            "2025-1-31",
            "2025-01-31T08:00:00",
            "20250131",
            "123456789012345678901234567890",
            "1.0e400",
            "abc",
            "a_b",
            "A1",
            "e5",
            "E",
            "special",
            "a b",
            "a-b",
            "http://x.cn/a",
            "3万",
            "约3",
            "1,234.5元",
            "３",
            "２０２５",
            "180以上",
            "null值",
            "—",
            "-",
            "--",
            "?",
            "a:b",
            "a#b",
            "a #b",
            // Document markers: text in place, markers on their own.
            "---",
            "...",
            "--- 1",
            "--- true",
            "--- ~",
            "...x",
            "----",
            "-- -",
        ];
        let mut answered = 0;
        for s in scalars {
            for doc in [
                format!("k: {s}\n"),
                format!("k:\n  - {s}\n  - x\n"),
                format!("k: [{s}]\n"),
                format!("k: {{a: {s}}}\n"),
                format!("{s}: v\n"),
                format!("k: '{s}'\n"),
                format!("k: \"{s}\"\n"),
                format!("k: |\n  {s}\n"),
                format!("m:\n  k: {s}\n  j: 1\n"),
                format!("k: !!str {s}\n"),
                format!("k: &a {s}\nj: *a\n"),
            ] {
                if same_as_serde_saphyr(&doc, s) {
                    answered += 1;
                }
            }
        }
        assert!(answered > 400, "{answered}");
    }

    /// Documents of every shape: nesting, empty values, flow and block
    /// collections, multi-line text, comments, duplicate keys, errors.
    #[test]
    fn tricky_documents_read_the_same() {
        let docs = [
            "",
            "# only a comment\n",
            "k:\n",
            "k:\nj:\n",
            "k: \n  \nj: 2\n",
            "a:\n  b:\n    c:\n      d: 1\n",
            "list:\n- a\n- b\n",
            "list:\n  -\n  - b\n",
            "list: []\nmap: {}\n",
            "k: a\n  continued\n  text\n",
            "k: >\n  folded\n  text\n\nj: 1\n",
            "k: |-\n  kept\n",
            "k: 1 # comment\nj: 标题：冒号\n",
            "k: 1\nk: 2\n",
            "k: 1\n'k': 2\n",
            "? k\n: v\n",
            "? [a]\n: v\n",
            "k: [a, b\n",
            "k: 'unclosed\n",
            "- a\n- b\n",
            "just text\n",
            "123\n",
            "k: v\n---\nj: w\n",
            "---\nk: v\n",
            "k: v\n...\n",
            "%YAML 1.2\n---\nk: v\n",
            "<<: {a: 1}\nb: 2\n",
            "k: {a: 1, a: 2}\n",
            "other_figures:\n  - label: 治理占路经营行为\n    value: 1316\n    unit: 处\n    group: special\n",
            "title: \"a \\\"quoted\\\" title\"\nyear: 2025\npublished: 2026-01-20\n",
            "metrics:\n  fines_total: 305380.46\n  enforcement_items: 180以上\n  coercive_enforcements: 无相关职责\n",
            "k:    spaced   \n",
            "k:\t1\n",
            "k: 1\r\nj: 2\r\n",
            "长键: 值\n",
            "\"quoted key\": 1\n",
            "'': 1\n",
            "k: \"\"\n",
            "k: ''\n",
            "k: 1\n\n  ...\n",
            "k: true\n\n  ---\n",
            "k: ---\nj: ... # comment\n",
        ];
        for doc in docs {
            same_as_serde_saphyr(doc, doc);
        }
    }

    /// A long mapping with a key repeated far apart, and one without: the
    /// fast reader leaves the first to serde-saphyr (which refuses it) and
    /// reads the second.
    #[test]
    fn repeated_keys_of_long_mappings_are_left_to_serde_saphyr() {
        let mut doc: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(same_as_serde_saphyr(&doc, "100 keys"));
        doc.push_str("k7: again\n");
        assert!(parse(&doc, Offset { lines: 1 }).is_none());
        let source: Arc<str> = Arc::from(doc.as_str());
        let slow =
            super::super::parse_with_serde_saphyr(&doc, Offset { lines: 1 }, "x.md", &source);
        assert!(slow.is_err());
    }
}
