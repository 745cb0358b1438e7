//! Rendering diagnostics for people (terminal), editors (one line) and tools (JSON).
//!
//! Terminal output uses miette's graphical report (source line, underline,
//! help). miette counts the column in its `[file:line:col]` header in bytes;
//! gongshi promises columns in characters (officials write Chinese), so the
//! source handed to miette is wrapped in [`CharColumns`], which reports the
//! character column instead.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Diagnostic, Pos, Severity};
use crate::i18n::Lang;

/// Render one diagnostic for a terminal: message, file:line:column, the
/// offending line with an underline, and the fix.
pub fn render_human(d: &Diagnostic, lang: Lang, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_wrap_lines(false)
        .with_context_lines(1)
        .with_links(false);
    let view = View::new(d, lang);
    let mut out = String::new();
    if handler.render_report(&mut out, &view).is_err() {
        // miette could not place the label (a position outside the text):
        // fall back to the one-line form rather than lose the diagnostic.
        return render_short(d, lang);
    }
    out
}

/// Render one diagnostic on one line: `file:line:column: 错误[code]: message（help）`.
pub fn render_short(d: &Diagnostic, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(file) = &d.file {
        out.push_str(file);
        if let Some(p) = d.pos {
            out.push_str(&format!(":{}:{}", p.line, p.column));
        }
        out.push_str(": ");
    }
    out.push_str(&format!(
        "{}[{}]: {}",
        d.severity().word(lang),
        d.code(),
        d.problem.message(lang)
    ));
    if let Some(help) = d.problem.help(lang) {
        match lang {
            Lang::Zh => out.push_str(&format!("（{help}）")),
            Lang::En => out.push_str(&format!(" ({help})")),
        }
    }
    out
}

/// The JSON form of `check --format json`: an array of
/// `{code, severity, file, line, column, message, help}`.
pub fn to_json(diags: &[Diagnostic], lang: Lang) -> serde_json::Value {
    serde_json::Value::Array(
        diags
            .iter()
            .map(|d| {
                serde_json::json!({
                    "code": d.code(),
                    "severity": d.severity(),
                    "file": d.file,
                    "line": d.pos.map(|p| p.line),
                    "column": d.pos.map(|p| p.column),
                    "message": d.problem.message(lang),
                    "help": d.problem.help(lang),
                })
            })
            .collect(),
    )
}

/// A diagnostic seen through miette's trait.
struct View<'a> {
    d: &'a Diagnostic,
    lang: Lang,
    source: Option<CharColumns<'a>>,
    headline: String,
}

impl<'a> View<'a> {
    fn new(d: &'a Diagnostic, lang: Lang) -> View<'a> {
        let source = match (&d.source, &d.file, d.pos) {
            (Some(text), Some(name), Some(_)) => Some(CharColumns {
                name,
                text,
                first_line: d.source_line,
            }),
            _ => None,
        };
        let mut headline = format!("{}[{}]: ", d.severity().word(lang), d.code());
        if source.is_none()
            && let Some(file) = &d.file
        {
            headline.push_str(file);
            headline.push_str(": ");
        }
        headline.push_str(&d.problem.message(lang));
        View {
            d,
            lang,
            source,
            headline,
        }
    }

    fn span_of(&self, pos: Pos) -> Option<SourceSpan> {
        let src = self.source.as_ref()?;
        let line = pos.line.checked_sub(src.first_line.saturating_sub(1))?;
        let (start, len) = byte_range(src.text, Pos { line, ..pos })?;
        Some(SourceSpan::new(start.into(), len))
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .problem
            .help(self.lang)
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let pos = self.d.pos?;
        let primary = self.span_of(pos)?;
        let mut labels = vec![LabeledSpan::new_primary_with_span(None, primary)];
        for label in &self.d.labels {
            if let Some(span) = self.span_of(label.pos) {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.note.text(self.lang)),
                    span,
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// The byte range of `pos` (1-based line, character column, character
/// length) in `text`. Lines end at `\n`, `\r\n` or `\r`.
pub(crate) fn byte_range(text: &str, pos: Pos) -> Option<(usize, usize)> {
    let mut line = 1u32;
    let mut line_start = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while line < pos.line {
        match bytes.get(i) {
            None => return None,
            Some(b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            Some(b'\r') => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let rest = text.get(line_start..)?;
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let line_text = rest.get(..line_end)?;
    let mut chars = line_text.char_indices();
    let skip = pos.column.saturating_sub(1) as usize;
    let start = match chars.nth(skip) {
        Some((b, _)) => b,
        None => line_text.len(),
    };
    let after = line_text.get(start..)?;
    let len: usize = after
        .chars()
        .take(pos.len.max(1) as usize)
        .map(char::len_utf8)
        .sum();
    Some((line_start + start, len))
}

/// A named source whose reported column is counted in characters.
struct CharColumns<'a> {
    name: &'a str,
    text: &'a str,
    /// The file line on which `text` starts.
    first_line: u32,
}

impl SourceCode for CharColumns<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let start = inner.span().offset();
        let data = inner.data();
        let line = inner.line();
        let line_count = inner.line_count();
        let column = if context_lines_before == 0 {
            // Characters between the start of the line and the span.
            let before = self.text.get(..span.offset()).unwrap_or("");
            let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
            before.get(line_start..).map_or(0, |s| s.chars().count())
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            data,
            SourceSpan::new(start.into(), data.len()),
            line + self.first_line.saturating_sub(1) as usize,
            column,
            line_count,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacted_diagnostics_render_the_same() {
        use crate::diagnostic::{Diagnostic, Note, Problem};
        let text: String = (1..=100).map(|i| format!("第{i}行: 值{i}\n")).collect();
        let d = Diagnostic::at(
            Problem::MissingPublicationDate,
            "f.md",
            Pos::new(50, 5, 3),
            std::sync::Arc::from(text),
        )
        .with_label(Pos::new(53, 1, 2), Note::FirstHere);
        let full = render_human(&d, Lang::Zh, false);
        let compact = d.compact();
        assert!(compact.source.as_ref().map_or(0, |s| s.len()) < 200);
        assert_eq!(render_human(&compact, Lang::Zh, false), full);
        assert!(
            full.contains("f.md:50:5") && full.contains("50 │ 第50行"),
            "{full}"
        );
    }

    #[test]
    fn byte_range_counts_characters() {
        let text = "---\ntitle: 辛口镇2025\r\nyear: x\n";
        let (start, len) = byte_range(text, Pos::new(2, 11, 4)).unwrap_or_default();
        assert_eq!(&text[start..start + len], "2025");
        let (start, len) = byte_range(text, Pos::new(3, 7, 1)).unwrap_or_default();
        assert_eq!(&text[start..start + len], "x");
    }
}
