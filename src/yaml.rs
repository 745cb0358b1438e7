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
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::localizer::ExternalMessageSource;
use serde_saphyr::{Error as YamlError, Spanned};

use crate::diagnostic::{Diagnostic, Expected, Pos, Problem, YamlHint};

mod fast;

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

/// Read a YAML block. On failure, returns the diagnostics: every line typed
/// with a tab or a full-width space as indentation, or a full-width colon
/// after a key (see [`lint`]); else the reader's first syntax error (YAML
/// stops at it; other files and later checks still report theirs).
pub fn parse(
    yaml: &str,
    offset: Offset,
    file: &str,
    source: &Arc<str>,
) -> Result<Node, Vec<Diagnostic>> {
    let typed = lint(yaml, offset);
    if !typed.is_empty() {
        return Err(typed
            .into_iter()
            .map(|(hint, pos)| {
                let problem = Problem::YamlSyntax {
                    detail: String::new(),
                    hint,
                };
                Diagnostic::at(problem, file, pos, source.clone())
            })
            .collect());
    }
    if let Some(node) = fast::parse(yaml, offset) {
        return Ok(node);
    }
    parse_with_serde_saphyr(yaml, offset, file, source)
}

/// Read a YAML block with serde-saphyr, every value with its span.
fn parse_with_serde_saphyr(
    yaml: &str,
    offset: Offset,
    file: &str,
    source: &Arc<str>,
) -> Result<Node, Vec<Diagnostic>> {
    let ctx = Ctx { yaml, offset };
    let result: Result<Spanned<RawNode>, YamlError> =
        serde_saphyr::from_str_with_options(yaml, options());
    match result {
        Ok(root) => Ok(ctx.convert(root)),
        Err(err) => Err(vec![ctx.error(&err, file, source)]),
    }
}

/// serde-saphyr's options: limits against deep nesting and alias bombs.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
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
    }
}

/// Characters a line may be indented with by mistake: YAML indents with
/// spaces only.
const INDENT_CHARS: [char; 3] = [' ', '\t', '\u{3000}'];

/// Find what officials type on Chinese input methods and in WPS habits that
/// breaks YAML: tabs and full-width spaces as indentation, and a full-width
/// colon after a key. Every such line is reported (the YAML reader stops at
/// the first, in English, often lines later). Lines inside block scalars
/// (`|`, `>`) and continuation lines of a multi-line value are text and
/// never reported. Written by hand: it is a question of how people type,
/// which no YAML crate answers.
pub fn lint(yaml: &str, offset: Offset) -> Vec<(YamlHint, Pos)> {
    let mut found = Vec::new();
    // Indentation (in characters) of the line that opened a block scalar,
    // or a value that may continue on more-indented lines.
    let mut block: Option<usize> = None;
    let mut open: Option<usize> = None;
    for (i, raw_line) in yaml.split('\n').enumerate() {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.trim().is_empty() {
            continue;
        }
        let file_line = u32::try_from(i)
            .unwrap_or(u32::MAX)
            .saturating_add(1)
            .saturating_add(offset.lines);
        let rest = line.trim_start_matches(INDENT_CHARS);
        let indent = line
            .get(..line.len().saturating_sub(rest.len()))
            .unwrap_or("");
        let width = indent.chars().count();
        if let Some(b) = block {
            if width > b {
                continue;
            }
            block = None;
        }
        if let Some(o) = open {
            if width > o {
                continue;
            }
            open = None;
        }
        let column = |needle: char| {
            indent
                .chars()
                .position(|c| c == needle)
                .map(|p| u32::try_from(p).unwrap_or(u32::MAX).saturating_add(1))
        };
        if let Some(col) = column('\t') {
            found.push((YamlHint::Tab, Pos::new(file_line, col, 1)));
        }
        if let Some(col) = column('\u{3000}') {
            found.push((YamlHint::FullWidthSpace, Pos::new(file_line, col, 1)));
        }
        if rest.starts_with('#') {
            continue;
        }
        let mut item = rest;
        let mut is_item = false;
        while let Some(r) = item
            .strip_prefix("- ")
            .or_else(|| (item == "-").then_some(""))
        {
            item = r.trim_start_matches(INDENT_CHARS);
            is_item = true;
        }
        let full = item.find('：');
        let ascii = item.find(':');
        if let Some(p) = full.filter(|p| ascii.is_none_or(|a| *p < a)) {
            let key = item.get(..p).unwrap_or("").trim_end();
            let key_like = !key.is_empty()
                && key.chars().count() <= 30
                && !key.contains(char::is_whitespace)
                && !key.starts_with(['"', '\'', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`'])
                && (!is_item || key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            if key_like {
                let value = item.get(p + '：'.len_utf8()..).unwrap_or("").trim_start();
                let before = line
                    .get(..line.len().saturating_sub(item.len()))
                    .unwrap_or("");
                let fixed = if value.is_empty() {
                    format!("{before}{key}:")
                } else {
                    format!("{before}{key}: {value}")
                };
                let col = line
                    .get(..line.len().saturating_sub(item.len()).saturating_add(p))
                    .map_or(1, |b| b.chars().count().saturating_add(1));
                found.push((
                    YamlHint::FullWidthColon {
                        key: key.to_string(),
                        fixed,
                    },
                    Pos::new(file_line, u32::try_from(col).unwrap_or(u32::MAX), 1),
                ));
                if !value.is_empty() {
                    open = Some(width);
                }
                continue;
            }
        }
        // Does a value start on this line, which may continue below?
        let value = ascii
            .filter(|a| {
                item.get(a + 1..)
                    .is_none_or(|r| r.is_empty() || r.starts_with([' ', '\t']))
            })
            .map(|a| item.get(a + 1..).unwrap_or("").trim());
        match value {
            Some(v) if v.starts_with(['|', '>']) => block = Some(width),
            Some(v) if v.is_empty() || v.starts_with('#') => {}
            Some(_) => open = Some(width),
            None if is_item => open = Some(width),
            None => {}
        }
    }
    found
}

struct Ctx<'a> {
    yaml: &'a str,
    offset: Offset,
}

impl Ctx<'_> {
    fn pos(&self, loc: &serde_saphyr::Location, len: u64) -> Pos {
        self.pos_at((loc.line(), loc.column()), len)
    }

    /// The file position of YAML line `line`, character column `column`
    /// (both from 1), `len` characters long.
    fn pos_at(&self, (line, column): (u64, u64), len: u64) -> Pos {
        let line = u32::try_from(line).unwrap_or(u32::MAX).max(1);
        let column = u32::try_from(column).unwrap_or(u32::MAX).max(1);
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
        let kind = scan_kind(root);
        let problem = match root {
            YamlError::DuplicateMappingKey { key, .. } => Problem::DuplicateKey {
                key: key.clone().unwrap_or_default(),
            },
            YamlError::Budget { .. }
            | YamlError::AliasReplayLimitExceeded { .. }
            | YamlError::AliasExpansionLimitExceeded { .. }
            | YamlError::AliasReplayStackDepthExceeded { .. }
            | YamlError::AliasReplayCounterOverflow { .. } => Problem::YamlLimit { detail },
            YamlError::UnknownAnchor { .. } => Problem::YamlSyntax {
                hint: YamlHint::Alias,
                detail,
            },
            _ if matches!(kind, Some(ErrorKind::RecursionLimitExceeded))
                || detail.contains("recursion limit")
                || detail.contains("nesting") =>
            {
                Problem::YamlLimit { detail }
            }
            _ => Problem::YamlSyntax {
                hint: kind
                    .and_then(hint_for_kind)
                    .unwrap_or_else(|| hint_for(&detail)),
                detail,
            },
        };
        match pos {
            Some(pos) => Diagnostic::at(problem, file, pos, source.clone()),
            None => Diagnostic::file(problem, file),
        }
    }
}

/// The YAML scanner's structured error kind, when the error comes from it.
fn scan_kind(err: &YamlError) -> Option<&ErrorKind> {
    match err {
        YamlError::ExternalMessage { source, .. } => match source.as_ref() {
            ExternalMessageSource::Parser(scan) => Some(scan.kind()),
            _ => None,
        },
        _ => None,
    }
}

/// The hint for a scanner error kind (the reader's words are English).
fn hint_for_kind(kind: &ErrorKind) -> Option<YamlHint> {
    Some(match kind {
        ErrorKind::TabNotAllowed
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabInIndentation
        | ErrorKind::TabAtBlockScalarStart
        | ErrorKind::TabInPlainScalar => YamlHint::Tab,
        ErrorKind::UnclosedQuotedScalar => YamlHint::UnclosedQuote,
        ErrorKind::InvalidTrailingSingleQuotedScalar
        | ErrorKind::InvalidTrailingDoubleQuotedScalar => YamlHint::TextAfterQuote,
        ErrorKind::UnknownQuotedScalarEscape
        | ErrorKind::InvalidQuotedScalarHexEscape
        | ErrorKind::InvalidLowSurrogateHexEscape
        | ErrorKind::InvalidLowSurrogate
        | ErrorKind::MissingLowSurrogate
        | ErrorKind::UnpairedLowSurrogate
        | ErrorKind::InvalidUnicodeEscape => YamlHint::BadEscape,
        ErrorKind::UnclosedFlowCollection { .. }
        | ErrorKind::MismatchedFlowCollectionEnd { .. }
        | ErrorKind::MisplacedFlowCollectionEnd
        | ErrorKind::UnexpectedEofFlowSequence
        | ErrorKind::UnexpectedEofFlowMapping
        | ErrorKind::UnexpectedEofImplicitFlowMapping
        | ErrorKind::ExpectedFlowMappingSeparator
        | ErrorKind::ExpectedFlowSequenceSeparator
        | ErrorKind::InvalidColonPlacement
        | ErrorKind::FlowMappingValueAdjacentCollection => YamlHint::UnclosedBracket,
        ErrorKind::InvalidIndentation
        | ErrorKind::ExpectedBlockMappingKey
        | ErrorKind::ExpectedBlockSequenceEntry
        | ErrorKind::BlockSequenceEntryNotAllowed
        | ErrorKind::MappingValueNotAllowed
        | ErrorKind::MappingKeyNotAllowed
        | ErrorKind::SimpleKeyExpected
        | ErrorKind::InvalidSimpleKey
        | ErrorKind::InvalidQuotedScalarIndent
        | ErrorKind::InvalidFlowScalarIndent
        | ErrorKind::InvalidBlockScalarIndent
        | ErrorKind::UnexpectedEofBlockMapping
        | ErrorKind::UnexpectedEofBlockSequence => YamlHint::Indentation,
        ErrorKind::UnexpectedCharacter { character } => YamlHint::Reserved(*character),
        ErrorKind::UnknownAnchor | ErrorKind::MissingAnchorOrAliasName => YamlHint::Alias,
        _ => return None,
    })
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

    /// Optional year (`covered_from`, `first_year` ...): four digits.
    pub fn year(&mut self, key: &'static str) -> Option<(crate::model::Year, Pos)> {
        let entry = self.take(key)?;
        let node = &entry.value;
        match node
            .scalar_text()
            .map(str::trim)
            .and_then(crate::discover::parse_year)
        {
            Some(y) => Some((y, node.pos)),
            None => {
                self.sink.at(
                    Problem::WrongType {
                        key: key.to_string(),
                        expected: Expected::Year,
                    },
                    node.pos,
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
                    rewrite: date_rewrite(text),
                },
                node.pos,
            );
            None
        }
    }
}

/// Parse `YYYY-MM-DD` strictly: a real day, four-digit year, two-digit
/// month and day. Other spellings are refused with their rewrite (see
/// [`date_rewrite`]), so every date in the content is written one way.
pub fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    let b = t.as_bytes();
    let shape = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let y: i16 = t.get(..4)?.parse().ok()?;
    let m: i8 = t.get(5..7)?.parse().ok()?;
    let d: i8 = t.get(8..10)?.parse().ok()?;
    jiff::civil::Date::new(y, m, d).ok()
}

/// The `YYYY-MM-DD` form of a real date written another common way:
/// `2025年1月20日`, `2025/1/20`, `2025.01.20`, `2025-1-20`, `20250120`,
/// full-width digits. `None` if it is not a real date in any of them.
pub fn date_rewrite(text: &str) -> Option<String> {
    let folded: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    let parts: Vec<&str> = folded
        .trim_end_matches(['日', '号'])
        .split(['年', '月', '/', '.', '-', '－', '／', '．'])
        .map(str::trim)
        .collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] => (*y, *m, *d),
        [ymd] if ymd.len() == 8 => (ymd.get(..4)?, ymd.get(4..6)?, ymd.get(6..)?),
        _ => return None,
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let date = jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
    Some(date.to_string())
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
            Err(d) => panic!("{:?}", d.iter().map(|d| &d.problem).collect::<Vec<_>>()),
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
            d.map(|d| d
                .iter()
                .map(|d| (d.problem.code(), d.pos.map(|p| p.line)))
                .collect::<Vec<_>>()),
            Some(vec![("duplicate-key", Some(4))])
        );
        let d = parse("a:\n\tb: 1\n", Offset { lines: 0 }, "f.md", &src).err();
        assert!(matches!(
            d.as_deref().and_then(|d| d.first()).map(|d| &d.problem),
            Some(Problem::YamlSyntax {
                hint: YamlHint::Tab,
                ..
            })
        ));
    }

    fn hints(yaml: &str) -> Vec<(YamlHint, u32, u32)> {
        lint(yaml, Offset { lines: 1 })
            .into_iter()
            .map(|(h, p)| (h, p.line, p.column))
            .collect()
    }

    #[test]
    fn every_line_typed_the_chinese_way_is_found() {
        let yaml = "title: x\nmetrics:\n\tinspections: 5\n\tpenalty_cases: 3\nother:\n\u{3000}\u{3000}fines_total: 3\n  permits：7\nyear：2025\n";
        assert_eq!(
            hints(yaml),
            vec![
                (YamlHint::Tab, 4, 1),
                (YamlHint::Tab, 5, 1),
                (YamlHint::FullWidthSpace, 7, 1),
                (
                    YamlHint::FullWidthColon {
                        key: "permits".into(),
                        fixed: "  permits: 7".into()
                    },
                    8,
                    10
                ),
                (
                    YamlHint::FullWidthColon {
                        key: "year".into(),
                        fixed: "year: 2025".into()
                    },
                    9,
                    5
                ),
            ]
        );
    }

    #[test]
    fn text_with_full_width_colons_and_tabs_is_left_alone() {
        for yaml in [
            "title: 关于：执法情况\nsource: 数据引自\n  说明：2024年报告\n",
            "reason: |\n  更正：罚款金额\n  \t缩进的文字\nyear: 2025\n",
            "districts:\n  - 西青区：说明文字\n",
            "# 注意：这是注释\ntitle: x\n",
            "title: \"引号里\n  的文字：续行\"\n",
            "inspections:\t5\n",
        ] {
            assert_eq!(hints(yaml), vec![], "{yaml}");
        }
    }

    #[test]
    fn reader_errors_get_specific_hints() {
        let src: Arc<str> = Arc::from("");
        let hint = |yaml: &str| {
            parse(yaml, Offset { lines: 0 }, "f.md", &src)
                .err()
                .and_then(|d| d.into_iter().next())
                .map(|d| d.problem)
        };
        for (yaml, expected) in [
            ("title: \"x\\q\"\n", YamlHint::BadEscape),
            ("title: \"x\" y\n", YamlHint::TextAfterQuote),
            ("title: [x\nyear: 1\n", YamlHint::UnclosedBracket),
            ("title: *x\n", YamlHint::Alias),
            ("title: @x\n", YamlHint::Reserved('@')),
            ("title: \"x\n", YamlHint::UnclosedQuote),
        ] {
            match hint(yaml) {
                Some(Problem::YamlSyntax { hint, .. }) => assert_eq!(hint, expected, "{yaml}"),
                other => panic!("{yaml}: {other:?}"),
            }
        }
    }

    #[test]
    fn strict_dates() {
        assert!(parse_date("2025-12-08").is_some());
        assert!(parse_date("2025-02-30").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2025/12/08").is_none());
        assert!(parse_date("25-12-08").is_none());
        assert!(parse_date("2025-1-20").is_none());
        assert!(parse_date(" 2025-01-20 ").is_some());
    }

    #[test]
    fn other_date_spellings_get_their_rewrite() {
        for text in [
            "2025年1月20日",
            "2025年01月20日",
            "2025/1/20",
            "2025.01.20",
            "2025-1-20",
            "20250120",
            "２０２５年１月２０日",
            "2025年1月20号",
        ] {
            assert_eq!(date_rewrite(text).as_deref(), Some("2025-01-20"), "{text}");
        }
        assert_eq!(date_rewrite("2025年2月30日"), None);
        assert_eq!(date_rewrite("去年"), None);
        assert_eq!(date_rewrite("25/1/20"), None);
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
