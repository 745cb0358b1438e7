//! YAML into a tree that remembers where everything was written.
//!
//! serde-saphyr reads the YAML (with limits against deep nesting and alias
//! bombs, and duplicate keys rejected); we read it into [`Node`]s rather than
//! straight into typed structs so that one pass can report *every* problem in
//! a file — each unknown key, each bad figure — with its own line and column,
//! in the official's language. Typed reading happens in [`Fields`].

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Error as YamlError, Spanned};

use crate::diagnostic::{Diagnostic, Expected, Pos, Problem, YamlHint};

/// A YAML value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts, in the file (not the front-matter block).
    pub pos: Pos,
    /// For scalars, the text exactly as written (with quotes if quoted).
    pub raw: Box<str>,
}

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number: read the exact text from [`Node::raw`], never from a float.
    Number,
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

/// One `key: value` of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key as written.
    pub key: String,
    /// Where the key is.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The scalar's text as the official meant it: the string for text, the
    /// exact digits for numbers. `None` for null, lists and mappings.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            Value::Number | Value::Bool(_) => Some(&self.raw),
            _ => None,
        }
    }

    /// Whether this is a mapping with the key `key`.
    pub fn has_key(&self, key: &str) -> bool {
        matches!(&self.value, Value::Map(entries) if entries.iter().any(|e| e.key == key))
    }

    /// Whether this is `null`, `~` or an empty value.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// Where a YAML block sits in its file, to turn YAML positions into file positions.
#[derive(Clone, Copy, Debug)]
pub struct Offset {
    /// Lines before the block (the block's line 1 is file line `lines + 1`).
    pub lines: u32,
}

/// Read a YAML block. On failure, returns the diagnostic (YAML stops at the
/// first syntax error; other files and later checks still report theirs).
pub fn parse(
    yaml: &str,
    offset: Offset,
    file: &str,
    source: &Arc<str>,
) -> Result<Node, Diagnostic> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 24,
            max_nodes: 100_000,
            max_aliases: 256,
            max_anchors: 256,
            max_documents: 1,
            max_recorded_anchor_bytes: 1024 * 1024,
        },
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        with_snippet: false,
    };
    let ctx = Ctx { yaml, offset };
    let result: Result<Spanned<RawNode>, YamlError> =
        serde_saphyr::from_str_with_options(yaml, options);
    match result {
        Ok(root) => Ok(ctx.convert(root)),
        Err(err) => Err(ctx.error(&err, file, source)),
    }
}

struct Ctx<'a> {
    yaml: &'a str,
    offset: Offset,
}

impl Ctx<'_> {
    fn pos(&self, loc: &serde_saphyr::Location, len: u64) -> Pos {
        let line = u32::try_from(loc.line()).unwrap_or(u32::MAX).max(1);
        let column = u32::try_from(loc.column()).unwrap_or(u32::MAX).max(1);
        Pos::new(
            line.saturating_add(self.offset.lines),
            column,
            u32::try_from(len).unwrap_or(1),
        )
    }

    fn raw(&self, loc: &serde_saphyr::Location) -> &str {
        let span = loc.span();
        match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                let end = start.saturating_add(usize::try_from(len).unwrap_or(0));
                self.yaml.get(start..end).unwrap_or("")
            }
            _ => "",
        }
    }

    fn convert(&self, node: Spanned<RawNode>) -> Node {
        let loc = node.referenced;
        let raw = self.raw(&loc);
        let (value, len) = match node.value {
            RawNode::Null => (Value::Null, 1),
            RawNode::Bool(b) => (Value::Bool(b), raw.chars().count()),
            RawNode::Number => (Value::Number, raw.chars().count()),
            RawNode::Str(s) => (Value::Str(s), raw.chars().count()),
            RawNode::Seq(items) => (
                Value::Seq(items.into_iter().map(|n| self.convert(n)).collect()),
                1,
            ),
            RawNode::Map(entries) => (
                Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| Entry {
                            key_pos: self.pos(&k.referenced, k.value.chars().count() as u64),
                            key: k.value,
                            value: self.convert(v),
                        })
                        .collect(),
                ),
                1,
            ),
        };
        let raw: Box<str> = match value {
            Value::Seq(_) | Value::Map(_) => Box::from(""),
            _ => Box::from(raw),
        };
        Node {
            value,
            pos: self.pos(&loc, len as u64),
            raw,
        }
    }

    fn error(&self, err: &YamlError, file: &str, source: &Arc<str>) -> Diagnostic {
        let root = root_error(err);
        let pos = err.location().map(|l| self.pos(&l, 1));
        let detail = plain_message(root);
        let problem = match root {
            YamlError::DuplicateMappingKey { key, .. } => Problem::DuplicateKey {
                key: key.clone().unwrap_or_default(),
            },
            YamlError::Budget { .. }
            | YamlError::AliasReplayLimitExceeded { .. }
            | YamlError::AliasExpansionLimitExceeded { .. }
            | YamlError::AliasReplayStackDepthExceeded { .. }
            | YamlError::AliasReplayCounterOverflow { .. } => Problem::YamlLimit { detail },
            _ if detail.contains("recursion limit") || detail.contains("nesting") => {
                Problem::YamlLimit { detail }
            }
            _ => Problem::YamlSyntax {
                hint: hint_for(&detail),
                detail,
            },
        };
        match pos {
            Some(pos) => Diagnostic::at(problem, file, pos, source.clone()),
            None => Diagnostic::file(problem, file),
        }
    }
}

/// The innermost error, past snippet and alias wrappers.
fn root_error(err: &YamlError) -> &YamlError {
    let mut e = err.without_snippet();
    loop {
        match e {
            YamlError::AliasError { error, .. } => e = error.without_snippet(),
            _ => return e,
        }
    }
}

/// The reader's message without its " at line N, column M" suffix.
fn plain_message(err: &YamlError) -> String {
    let text = err.to_string();
    let text = match text.find(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    let text = text.strip_prefix("error: ").unwrap_or(text);
    // Messages of the form "line 3 column 2: tabs disallowed ..." lead with the place.
    let text = match (text.starts_with("line "), text.find(": ")) {
        (true, Some(i)) => &text[i + 2..],
        _ => text,
    };
    text.to_string()
}

fn hint_for(detail: &str) -> YamlHint {
    let d = detail.to_ascii_lowercase();
    if d.contains("tab") {
        YamlHint::Tab
    } else if d.contains("quote") || d.contains("quoted scalar") {
        YamlHint::UnclosedQuote
    } else if d.contains("bracket")
        || d.contains("brace")
        || d.contains("flow sequence")
        || d.contains("flow mapping")
    {
        YamlHint::UnclosedBracket
    } else if d.contains("indent")
        || d.contains("mapping values are not allowed")
        || d.contains("did not find expected key")
    {
        YamlHint::Indentation
    } else {
        YamlHint::Other
    }
}

/// What serde-saphyr hands us; converted into [`Node`] once positions are known.
enum RawNode {
    Null,
    Bool(bool),
    Number,
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<String>, Spanned<RawNode>)>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        d.deserialize_any(RawVisitor)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawNode, E> {
        Ok(RawNode::Number)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawNode>>()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<RawNode>>()?;
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawNode, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

/// Typed, checked reading of a mapping's fields.
///
/// Take each known field by name; every problem becomes a diagnostic in the
/// shared list; [`Fields::finish`] then reports every key nobody took as
/// unknown, with the closest known key as a suggestion.
pub struct Fields<'a, 's> {
    entries: &'a [Entry],
    taken: Vec<bool>,
    known: Vec<&'static str>,
    section: String,
    sink: &'s mut Sink,
}

/// Where diagnostics of one file go, with what they need to show the source.
pub struct Sink {
    /// The file, relative to the site root.
    pub file: String,
    /// The file's text.
    pub source: Arc<str>,
    /// What was found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// A sink for one file.
    pub fn new(file: impl Into<String>, source: Arc<str>) -> Sink {
        Sink {
            file: file.into(),
            source,
            diagnostics: Vec::new(),
        }
    }

    /// Report a problem at a position.
    pub fn at(&mut self, problem: Problem, pos: Pos) {
        self.diagnostics.push(Diagnostic::at(
            problem,
            self.file.clone(),
            pos,
            self.source.clone(),
        ));
    }

    /// Report a problem with a prepared diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Report a problem of the whole file.
    pub fn whole(&mut self, problem: Problem) {
        self.diagnostics
            .push(Diagnostic::file(problem, self.file.clone()));
    }

    /// Whether any error (not warning) was reported.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

impl<'a, 's> Fields<'a, 's> {
    /// Read the mapping `node`; `None` (with a diagnostic) if it is not one.
    pub fn of(
        node: &'a Node,
        key: &str,
        section: &str,
        sink: &'s mut Sink,
    ) -> Option<Fields<'a, 's>> {
        match &node.value {
            Value::Map(entries) => Some(Fields {
                entries,
                taken: vec![false; entries.len()],
                known: Vec::new(),
                section: section.to_string(),
                sink,
            }),
            _ => {
                sink.at(
                    Problem::WrongType {
                        key: key.to_string(),
                        expected: Expected::Mapping,
                    },
                    node.pos,
                );
                None
            }
        }
    }

    /// The diagnostics sink, for checks a caller does itself.
    pub fn sink(&mut self) -> &mut Sink {
        self.sink
    }

    /// Take the entry `key` if present (marking it known either way).
    pub fn take(&mut self, key: &'static str) -> Option<&'a Entry> {
        self.known.push(key);
        let i = self.entries.iter().position(|e| e.key == key)?;
        if let Some(t) = self.taken.get_mut(i) {
            *t = true;
        }
        self.entries.get(i)
    }

    /// Optional text.
    pub fn text(&mut self, key: &'static str) -> Option<(String, Pos)> {
        let entry = self.take(key)?;
        match &entry.value.value {
            Value::Str(s) => Some((s.trim().to_string(), entry.value.pos)),
            Value::Number | Value::Bool(_) => Some((entry.value.raw.to_string(), entry.value.pos)),
            Value::Null => {
                self.sink.at(
                    Problem::NullValue {
                        key: key.to_string(),
                        figure: false,
                    },
                    entry.value.pos,
                );
                None
            }
            _ => {
                self.sink.at(
                    Problem::WrongType {
                        key: key.to_string(),
                        expected: Expected::Text,
                    },
                    entry.value.pos,
                );
                None
            }
        }
    }

    /// Required text: reported as missing at `whole` when absent.
    pub fn required_text(&mut self, key: &'static str, whole: Pos) -> Option<(String, Pos)> {
        let present = self.entries.iter().any(|e| e.key == key);
        let v = self.text(key);
        if !present {
            self.sink.at(
                Problem::MissingField {
                    key: key.to_string(),
                },
                whole,
            );
        }
        v
    }

    /// Optional non-negative whole number.
    pub fn integer(&mut self, key: &'static str) -> Option<(u64, Pos)> {
        let entry = self.take(key)?;
        let node = &entry.value;
        let number = match &node.value {
            Value::Number | Value::Str(_) => node
                .scalar_text()
                .and_then(|t| t.trim().parse::<u64>().ok()),
            _ => None,
        };
        if number.is_none() {
            self.sink
                .at(unreadable(key, node, Expected::Integer), node.pos);
        }
        number.map(|n| (n, node.pos))
    }

    /// Optional boolean.
    pub fn boolean(&mut self, key: &'static str) -> Option<(bool, Pos)> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Bool(b) => Some((b, entry.value.pos)),
            _ => {
                self.sink.at(
                    Problem::WrongType {
                        key: key.to_string(),
                        expected: Expected::Bool,
                    },
                    entry.value.pos,
                );
                None
            }
        }
    }

    /// Optional date `YYYY-MM-DD`.
    pub fn date(&mut self, key: &'static str) -> Option<(jiff::civil::Date, Pos)> {
        let entry = self.take(key)?;
        read_date(key, &entry.value, self.sink)
    }

    /// Optional list of text.
    pub fn text_list(&mut self, key: &'static str) -> Option<Vec<(String, Pos)>> {
        let entry = self.take(key)?;
        match &entry.value.value {
            Value::Seq(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.scalar_text() {
                        Some(t) => out.push((t.trim().to_string(), item.pos)),
                        None => self.sink.at(
                            Problem::WrongType {
                                key: key.to_string(),
                                expected: Expected::Text,
                            },
                            item.pos,
                        ),
                    }
                }
                Some(out)
            }
            _ => {
                self.sink.at(
                    Problem::WrongType {
                        key: key.to_string(),
                        expected: Expected::List,
                    },
                    entry.value.pos,
                );
                None
            }
        }
    }

    /// Report every entry nobody took as unknown (with "did you mean").
    pub fn finish(self) {
        for (entry, taken) in self.entries.iter().zip(&self.taken) {
            if !taken {
                let suggestion = suggest(&entry.key, self.known.iter().copied());
                self.sink.at(
                    Problem::UnknownKey {
                        key: entry.key.clone(),
                        suggestion,
                        section: self.section.clone(),
                    },
                    entry.key_pos,
                );
            }
        }
    }
}

/// The problem with a value that is not of the `expected` type: empty, or
/// of another type.
fn unreadable(key: &str, node: &Node, expected: Expected) -> Problem {
    if node.is_null() {
        Problem::NullValue {
            key: key.to_string(),
            figure: false,
        }
    } else {
        Problem::WrongType {
            key: key.to_string(),
            expected,
        }
    }
}

/// Read a date node.
pub fn read_date(key: &str, node: &Node, sink: &mut Sink) -> Option<(jiff::civil::Date, Pos)> {
    let Some(text) = node.scalar_text() else {
        sink.at(unreadable(key, node, Expected::Date), node.pos);
        return None;
    };
    match parse_date(text) {
        Some(d) => Some((d, node.pos)),
        None => {
            sink.at(
                Problem::InvalidDate {
                    key: key.to_string(),
                    text: text.to_string(),
                },
                node.pos,
            );
            None
        }
    }
}

/// Parse `YYYY-MM-DD` strictly (a real day, four-digit year).
pub fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    let mut parts = t.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.is_empty()
        || m.len() > 2
        || d.is_empty()
        || d.len() > 2
    {
        return None;
    }
    let y: i16 = y.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    let d: i8 = d.parse().ok()?;
    jiff::civil::Date::new(y, m, d).ok()
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > best.map_or(0.0, |b| b.0) {
            best = Some((score, c));
        }
    }
    best.filter(|(score, _)| *score >= 0.8)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(y: &str) -> Node {
        let src: Arc<str> = Arc::from(y);
        match parse(y, Offset { lines: 1 }, "f.md", &src) {
            Ok(n) => n,
            Err(d) => panic!("{:?}", d.problem),
        }
    }

    #[test]
    fn keeps_exact_number_text_and_positions() {
        let n = parse_ok("fines: 473240.60\nname: 辛口镇\n");
        let Value::Map(entries) = &n.value else {
            panic!("map")
        };
        assert_eq!(&*entries[0].value.raw, "473240.60");
        assert_eq!(entries[0].value.value, Value::Number);
        assert_eq!(entries[0].value.pos, Pos::new(2, 8, 9));
        assert_eq!(entries[1].key_pos, Pos::new(3, 1, 4));
    }

    #[test]
    fn duplicate_keys_and_tabs_are_errors() {
        let src: Arc<str> = Arc::from("");
        let d = parse("a: 1\nb: 2\na: 3\n", Offset { lines: 1 }, "f.md", &src).err();
        assert_eq!(
            d.map(|d| (d.problem.code(), d.pos.map(|p| p.line))),
            Some(("duplicate-key", Some(4)))
        );
        let d = parse("a:\n\tb: 1\n", Offset { lines: 0 }, "f.md", &src).err();
        assert!(matches!(
            d.map(|d| d.problem),
            Some(Problem::YamlSyntax {
                hint: YamlHint::Tab,
                ..
            })
        ));
    }

    #[test]
    fn strict_dates() {
        assert!(parse_date("2025-12-08").is_some());
        assert!(parse_date("2025-02-30").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2025/12/08").is_none());
        assert!(parse_date("25-12-08").is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("publised", ["published", "period_end"]),
            Some("published".into())
        );
        assert_eq!(suggest("zzz", ["published"]), None);
    }
}
