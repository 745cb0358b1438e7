//! Reading a document into raw blocks of text: `.docx` (Word and WPS),
//! text-based `.pdf`, `.txt` (UTF-8, GB18030/GBK, UTF-16) and `.md`.
//!
//! Only decoding happens here; what the lines mean (headings, paragraphs,
//! page markers, the signature) is [`super::layout`]'s job. The container
//! formats are read with crates: `zip` + `quick-xml` for Word's XML, `lopdf`
//! for PDF objects, fonts, ToUnicode maps and decompression (bounded, so a
//! crafted file cannot inflate without limit), `encoding_rs` (through
//! [`crate::source`]) for legacy text encodings.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::diagnostic::Problem;

/// The largest document `import` reads (64 MiB): a Word or PDF report with
/// embedded pictures stays far below it.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// How much any one PDF stream or Word part may inflate to (32 MiB).
const MAX_INFLATED: usize = 32 * 1024 * 1024;

/// What kind of document a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Word or WPS `.docx`.
    Docx,
    /// A PDF with a text layer.
    Pdf,
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
}

impl Format {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Text => "txt",
            Format::Markdown => "md",
        }
    }
}

/// A piece of a document as read, before its layout is recovered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A line of a text file or a PDF page: paragraphs may be hard-wrapped
    /// over several lines. An empty line is a blank line.
    Line(String),
    /// A whole paragraph (Word), with its outline level when its style is a
    /// heading (0 = the document title level, 1 = 一、…).
    Paragraph {
        /// The paragraph's text.
        text: String,
        /// The outline level of its style, if it is a heading.
        outline: Option<u8>,
    },
    /// A table: rows of cell texts.
    Table(Vec<Vec<String>>),
    /// The end of a page (PDF) or a form feed.
    PageBreak,
}

/// A document read into blocks.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// What it was.
    pub format: Format,
    /// Its text, in reading order.
    pub blocks: Vec<Block>,
    /// The legacy encoding a text file was decoded from.
    pub encoding: Option<&'static str>,
}

/// Read the file at `path`.
pub fn read(path: &Path) -> Result<Decoded, Problem> {
    let file = std::fs::File::open(path).map_err(|e| Problem::Io {
        error: e.to_string(),
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::Io {
            error: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Problem::FileTooLarge {
            bytes: bytes.len() as u64,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    decode(bytes, &extension)
}

/// Decode a document's bytes; `extension` (lowercase, without the dot)
/// decides only between text and Markdown: containers are recognised by
/// their content, so a PDF saved as `.txt` is still read as a PDF.
pub fn decode(bytes: Vec<u8>, extension: &str) -> Result<Decoded, Problem> {
    if bytes.starts_with(b"%PDF")
        || bytes
            .get(..1024)
            .is_some_and(|h| find(h, b"%PDF-").is_some())
    {
        return pdf(&bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx(bytes);
    }
    // Word 97–2003 (.doc) and old WPS (.wps) files are OLE compound files.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(Problem::ImportUnsupported {
            kind: if extension == "wps" { "wps" } else { "doc" }.into(),
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(Problem::ImportUnsupported { kind: "rtf".into() });
    }
    match extension {
        "txt" | "text" | "md" | "markdown" | "" => {}
        other
            if matches!(
                other,
                "doc"
                    | "wps"
                    | "xls"
                    | "xlsx"
                    | "et"
                    | "ppt"
                    | "pptx"
                    | "odt"
                    | "ofd"
                    | "jpg"
                    | "jpeg"
                    | "png"
                    | "tif"
                    | "tiff"
            ) =>
        {
            return Err(Problem::ImportUnsupported { kind: other.into() });
        }
        _ => {}
    }
    let text = crate::source::decode(bytes)?;
    let format = if matches!(extension, "md" | "markdown") {
        Format::Markdown
    } else {
        Format::Text
    };
    let mut blocks = Vec::new();
    for line in text.text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // A form feed is a page break in text saved from a PDF.
        let mut parts = line.split('\u{c}').peekable();
        while let Some(part) = parts.next() {
            blocks.push(Block::Line(part.to_string()));
            if parts.peek().is_some() {
                blocks.push(Block::PageBreak);
            }
        }
    }
    Ok(Decoded {
        format,
        blocks,
        encoding: text.decoded_from,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------- docx

fn unreadable(format: Format, detail: impl std::fmt::Display) -> Problem {
    Problem::ImportUnreadable {
        format: format.name(),
        detail: detail.to_string(),
    }
}

/// Read one part of the zip as UTF-8 text, bounded.
fn zip_part(
    archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>,
    name: &str,
) -> Result<Option<String>, Problem> {
    let mut file = match archive.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(unreadable(Format::Docx, e)),
    };
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_INFLATED as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(Format::Docx, e))?;
    if bytes.len() > MAX_INFLATED {
        return Err(unreadable(Format::Docx, format!("{name} is too large")));
    }
    let text = String::from_utf8(bytes).map_err(|e| unreadable(Format::Docx, e))?;
    Ok(Some(text))
}

fn docx(bytes: Vec<u8>) -> Result<Decoded, Problem> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(Format::Docx, e))?;
    let Some(document) = zip_part(&mut archive, "word/document.xml")? else {
        // An .xlsx or another zip renamed.
        return Err(unreadable(
            Format::Docx,
            "no word/document.xml: not a Word document",
        ));
    };
    let styles = match zip_part(&mut archive, "word/styles.xml")? {
        Some(s) => heading_styles(&s),
        None => HashMap::new(),
    };
    let blocks = docx_blocks(&document, &styles).map_err(|e| unreadable(Format::Docx, e))?;
    Ok(Decoded {
        format: Format::Docx,
        blocks,
        encoding: None,
    })
}

/// Style ids whose style is a heading, with their outline level. Word names
/// them `heading 1`…; WPS and Chinese Word give numeric ids (`1`, `2`) and
/// names like `标题 1`; an explicit `w:outlineLvl` wins.
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    use quick_xml::events::Event;
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut id: Option<String> = None;
    let mut level: Option<u8> = None;
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "style" => {
                    id = attr(&e, "w:styleId");
                    level = None;
                }
                "name" => {
                    if let Some(name) = attr(&e, "w:val") {
                        let lower = name.to_lowercase();
                        let rest = lower
                            .strip_prefix("heading")
                            .or_else(|| lower.strip_prefix("标题"))
                            .map(str::trim);
                        if let Some(n) = rest.and_then(|r| r.parse::<u8>().ok()) {
                            level = level.or(Some(n));
                        } else if lower == "title" || lower == "标题" {
                            level = level.or(Some(0));
                        }
                    }
                }
                "outlineLvl" => {
                    if let Some(n) = attr(&e, "w:val").and_then(|v| v.parse::<u8>().ok()) {
                        level = Some(n.saturating_add(1));
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "style" => {
                if let (Some(i), Some(l)) = (id.take(), level.take()) {
                    out.insert(i, l);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// The body of `word/document.xml` as blocks. Text inside field codes
/// (`w:instrText`), deleted revisions (`w:delText`) and the fallback copy
/// of text boxes (`mc:Fallback`) is skipped; bookmarks carry no text.
fn docx_blocks(xml: &str, styles: &HashMap<String, u8>) -> Result<Vec<Block>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut blocks = Vec::new();
    // Open paragraphs (text boxes nest a paragraph inside another).
    let mut paragraphs: Vec<(String, Option<u8>)> = Vec::new();
    // Open tables: rows of cells; the cell being filled is the last one.
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut in_text = false;
    let mut skip_depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                match name {
                    "Fallback" | "instrText" | "delText" | "del" => skip_depth = 1,
                    "p" => paragraphs.push((String::new(), None)),
                    "t" => in_text = true,
                    "tbl" => tables.push(Vec::new()),
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.push(Vec::new());
                        }
                    }
                    "tc" => {
                        if let Some(row) = tables.last_mut().and_then(|t| t.last_mut()) {
                            row.push(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_depth > 0 {
                    continue;
                }
                match e.local_name().as_ref() {
                    "pStyle" => {
                        if let (Some(p), Some(id)) = (paragraphs.last_mut(), attr(&e, "w:val")) {
                            p.1 = styles.get(&id).copied().or(p.1);
                        }
                    }
                    "outlineLvl" => {
                        if let (Some(p), Some(n)) = (
                            paragraphs.last_mut(),
                            attr(&e, "w:val").and_then(|v| v.parse::<u8>().ok()),
                        ) && n < 9
                        {
                            p.1 = Some(n.saturating_add(1));
                        }
                    }
                    "tab" | "ptab" => push_text(&mut paragraphs, " "),
                    // A page break is no line break; a line break is.
                    "br" | "cr" if attr(&e, "w:type").as_deref() != Some("page") => {
                        push_text(&mut paragraphs, "\n");
                    }
                    "p" => push_paragraph(String::new(), None, &mut tables, &mut blocks),
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_depth == 0 => {
                push_text(&mut paragraphs, &t.xml10_content());
            }
            Event::CData(t) if in_text && skip_depth == 0 => {
                push_text(&mut paragraphs, &t);
            }
            Event::GeneralRef(r) if in_text && skip_depth == 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => Some("&".into()),
                        "lt" => Some("<".into()),
                        "gt" => Some(">".into()),
                        "quot" => Some("\"".into()),
                        "apos" => Some("'".into()),
                        _ => None,
                    },
                };
                if let Some(s) = resolved {
                    push_text(&mut paragraphs, &s);
                }
            }
            Event::End(e) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" => in_text = false,
                    "p" => {
                        if let Some((text, outline)) = paragraphs.pop() {
                            push_paragraph(text, outline, &mut tables, &mut blocks);
                        }
                    }
                    "tbl" => {
                        if let Some(rows) = tables.pop() {
                            let rows: Vec<Vec<String>> =
                                rows.into_iter().filter(|r| !r.is_empty()).collect();
                            match tables.last_mut().and_then(|t| t.last_mut()?.last_mut()) {
                                // A table in a table cell: its text joins the cell.
                                Some(cell) => {
                                    for row in rows {
                                        append_cell(cell, &row.join(" "));
                                    }
                                }
                                None if !rows.is_empty() => blocks.push(Block::Table(rows)),
                                None => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

fn push_text(paragraphs: &mut [(String, Option<u8>)], text: &str) {
    if let Some(p) = paragraphs.last_mut() {
        p.0.push_str(text);
    }
}

fn append_cell(cell: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !cell.is_empty() {
        cell.push(' ');
    }
    cell.push_str(text);
}

fn push_paragraph(
    text: String,
    outline: Option<u8>,
    tables: &mut [Vec<Vec<String>>],
    blocks: &mut Vec<Block>,
) {
    match tables.last_mut().and_then(|t| t.last_mut()?.last_mut()) {
        Some(cell) => append_cell(cell, &text.replace('\n', " ")),
        None => blocks.push(Block::Paragraph { text, outline }),
    }
}

// ---------------------------------------------------------------- pdf

fn pdf(bytes: &[u8]) -> Result<Decoded, Problem> {
    // lopdf checks its input, but a PDF is a large attack surface: a panic
    // deep in a parser must become a message about this file, not a crash.
    let result = std::panic::catch_unwind(|| pdf_inner(bytes));
    result.unwrap_or_else(|_| {
        Err(unreadable(
            Format::Pdf,
            "the PDF reader failed on this file",
        ))
    })
}

fn pdf_inner(bytes: &[u8]) -> Result<Decoded, Problem> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_INFLATED),
        ..lopdf::LoadOptions::default()
    };
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(d) => d,
        Err(lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_)) => {
            return Err(Problem::ImportEncrypted);
        }
        Err(e) => return Err(unreadable(Format::Pdf, e)),
    };
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(Problem::ImportEncrypted);
    }
    let pages = doc.get_pages();
    let mut blocks = Vec::new();
    let mut chars = 0usize;
    let mut han = 0usize;
    let mut images = 0usize;
    for page_id in pages.values() {
        let (lines, page_images) = page_lines(&doc, *page_id);
        images = images.saturating_add(page_images);
        for line in lines {
            chars = chars.saturating_add(line.chars().filter(|c| !c.is_whitespace()).count());
            han = han.saturating_add(line.chars().filter(|c| is_han(*c)).count());
            blocks.push(Block::Line(line));
        }
        blocks.push(Block::PageBreak);
    }
    if chars == 0 {
        return Err(if images > 0 || !pages.is_empty() {
            Problem::ImportScanned { pages: pages.len() }
        } else {
            Problem::ImportNoText
        });
    }
    // Text whose fonts carry no Unicode map decodes to Latin junk.
    if han == 0 {
        return Err(Problem::ImportPdfNoUnicode);
    }
    Ok(Decoded {
        format: Format::Pdf,
        blocks,
        encoding: None,
    })
}

/// Whether `c` is a CJK ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// A run of text shown at one place of a page.
struct Run {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

type Matrix = [f64; 6];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn number(o: Option<&lopdf::Object>) -> f64 {
    match o {
        Some(lopdf::Object::Integer(i)) => *i as f64,
        Some(lopdf::Object::Real(r)) => f64::from(*r),
        _ => 0.0,
    }
}

fn matrix(ops: &[lopdf::Object]) -> Matrix {
    [
        number(ops.first()),
        number(ops.get(1)),
        number(ops.get(2)),
        number(ops.get(3)),
        number(ops.get(4)),
        number(ops.get(5)),
    ]
}

/// The text lines of one page, top to bottom, and how many images it shows.
///
/// lopdf decodes the strings (ToUnicode maps, predefined CJK encodings);
/// its own `extract_text` breaks a line at every `ET`, and Word writes one
/// text object per run — a figure in Times New Roman inside a Chinese
/// sentence would be cut into three lines. So runs are placed here by their
/// text position and grouped into lines by baseline; a paragraph's first
/// line is marked by its indent (two ideographic spaces), which is how
/// [`super::layout`] tells paragraphs apart.
fn page_lines(doc: &lopdf::Document, page_id: lopdf::ObjectId) -> (Vec<String>, usize) {
    let fonts = doc.get_page_fonts(page_id).unwrap_or_default();
    let encodings: HashMap<Vec<u8>, lopdf::Encoding<'_>> = fonts
        .into_iter()
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(doc, MAX_INFLATED)
                .ok()
                .map(|e| (name, e))
        })
        .collect();
    let content = match doc.get_page_content_with_limit(page_id, MAX_INFLATED) {
        Ok(c) => c,
        Err(_) => return (Vec::new(), 0),
    };
    // The page's XObjects (pictures, and forms that hold text of their own).
    let mut xobjects: Vec<&lopdf::Dictionary> = Vec::new();
    if let Ok((direct, inherited)) = doc.get_page_resources(page_id) {
        let dicts = direct.into_iter().chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        );
        for d in dicts {
            if let Ok(x) = d
                .get_deref(b"XObject", doc)
                .and_then(lopdf::Object::as_dict)
            {
                xobjects.push(x);
            }
        }
    }
    let mut page = Page {
        doc,
        runs: Vec::new(),
        images: 0,
    };
    page.run(&content, &[&encodings], &xobjects, IDENTITY, 0);
    let images = page.images;
    (lines_of(page.runs), images)
}

/// The text runs and pictures of one page, found by running its content.
struct Page<'a> {
    doc: &'a lopdf::Document,
    runs: Vec<Run>,
    images: usize,
}

impl<'a> Page<'a> {
    /// Run a content stream (the page's, or a form's at `depth` > 0).
    fn run(
        &mut self,
        content: &[u8],
        encodings: &[&HashMap<Vec<u8>, lopdf::Encoding<'a>>],
        xobjects: &[&'a lopdf::Dictionary],
        base: Matrix,
        depth: u8,
    ) {
        let Ok(content) = lopdf::content::Content::decode(content) else {
            return;
        };
        let mut ctm = base;
        let mut stack: Vec<Matrix> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut size = 12.0f64;
        let mut leading = 0.0f64;
        let mut encoding: Option<&lopdf::Encoding<'_>> = None;
        for op in &content.operations {
            let ops = op.operands.as_slice();
            match op.operator.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap_or(base),
                "cm" => ctm = multiply(&matrix(ops), &ctm),
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    // A form's own fonts first, then its page's.
                    encoding = ops
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|n| encodings.iter().rev().find_map(|m| m.get(n)));
                    size = number(ops.get(1));
                }
                "TL" => leading = number(ops.first()),
                "Tm" => {
                    tm = matrix(ops);
                    tlm = tm;
                }
                "Td" | "TD" => {
                    let (tx, ty) = (number(ops.first()), number(ops.get(1)));
                    if op.operator == "TD" {
                        leading = -ty;
                    }
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                    tm = tlm;
                }
                "T*" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if op.operator != "Tj" && op.operator != "TJ" {
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                        tm = tlm;
                    }
                    let Some(enc) = encoding else { continue };
                    let shown = match op.operator.as_str() {
                        "\"" => ops.get(2),
                        _ => ops.first(),
                    };
                    let text = shown_text(enc, shown);
                    if text.is_empty() {
                        continue;
                    }
                    let m = multiply(&tm, &ctm);
                    let scale = (m[2] * m[2] + m[3] * m[3]).sqrt();
                    let run_size = (size * scale).abs().max(1.0);
                    // Move past the run, estimating glyph widths (ideographs
                    // are square; Latin letters and digits about half as
                    // wide), so a following run on the line is placed after it.
                    let advance = em_width(&text) * size;
                    self.runs.push(Run {
                        x: m[4],
                        y: m[5],
                        size: run_size,
                        text,
                    });
                    tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &tm);
                }
                "Do" => self.draw(ops, encodings, xobjects, ctm, depth),
                "BI" => self.images = self.images.saturating_add(1),
                _ => {}
            }
        }
    }

    /// Draw an XObject: a picture is counted; a form's content is run
    /// (Word and WPS put whole pages or headers in forms).
    fn draw(
        &mut self,
        ops: &[lopdf::Object],
        encodings: &[&HashMap<Vec<u8>, lopdf::Encoding<'a>>],
        xobjects: &[&'a lopdf::Dictionary],
        ctm: Matrix,
        depth: u8,
    ) {
        let doc = self.doc;
        let Some(name) = ops.first().and_then(|o| o.as_name().ok()) else {
            return;
        };
        let Some(stream) = xobjects.iter().find_map(|x| {
            x.get_deref(name, doc)
                .and_then(lopdf::Object::as_stream)
                .ok()
        }) else {
            return;
        };
        match stream.dict.get(b"Subtype").and_then(lopdf::Object::as_name) {
            Ok(b"Image") => self.images = self.images.saturating_add(1),
            Ok(b"Form") if depth < 4 => {
                let Ok(content) = stream.get_plain_content_with_limit(MAX_INFLATED) else {
                    return;
                };
                let resources = stream
                    .dict
                    .get_deref(b"Resources", doc)
                    .and_then(lopdf::Object::as_dict)
                    .ok();
                let mut own: HashMap<Vec<u8>, lopdf::Encoding<'a>> = HashMap::new();
                let mut inner: Vec<&'a lopdf::Dictionary> = Vec::new();
                if let Some(res) = resources {
                    if let Ok(fonts) = res.get_deref(b"Font", doc).and_then(lopdf::Object::as_dict)
                    {
                        for (fname, font) in fonts.iter() {
                            let font = doc
                                .dereference(font)
                                .ok()
                                .and_then(|(_, o)| o.as_dict().ok());
                            if let Some(enc) = font.and_then(|f| {
                                f.get_font_encoding_with_limit(doc, MAX_INFLATED).ok()
                            }) {
                                own.insert(fname.clone(), enc);
                            }
                        }
                    }
                    if let Ok(x) = res
                        .get_deref(b"XObject", doc)
                        .and_then(lopdf::Object::as_dict)
                    {
                        inner.push(x);
                    }
                }
                let form_matrix = match stream.dict.get(b"Matrix").and_then(lopdf::Object::as_array)
                {
                    Ok(m) => matrix(m),
                    Err(_) => IDENTITY,
                };
                let xobjects: Vec<&'a lopdf::Dictionary> = if inner.is_empty() {
                    xobjects.to_vec()
                } else {
                    inner
                };
                let mut layers = encodings.to_vec();
                layers.push(&own);
                self.run(
                    &content,
                    &layers,
                    &xobjects,
                    multiply(&form_matrix, &ctm),
                    depth + 1,
                );
            }
            _ => {}
        }
    }
}

/// The text a show-text operator shows.
fn shown_text(enc: &lopdf::Encoding<'_>, shown: Option<&lopdf::Object>) -> String {
    let mut text = String::new();
    match shown {
        Some(lopdf::Object::Array(items)) => {
            for item in items {
                match item {
                    lopdf::Object::String(bytes, _) => {
                        if let Ok(s) = lopdf::Document::decode_text(enc, bytes) {
                            text.push_str(&s);
                        }
                    }
                    // A wide negative kern between Latin letters is a space.
                    other => {
                        if number(Some(other)) < -250.0
                            && text
                                .chars()
                                .last()
                                .is_some_and(|c| c.is_ascii_alphanumeric())
                        {
                            text.push(' ');
                        }
                    }
                }
            }
        }
        Some(lopdf::Object::String(bytes, _)) => {
            if let Ok(s) = lopdf::Document::decode_text(enc, bytes) {
                text.push_str(&s);
            }
        }
        _ => {}
    }
    text.chars().filter(|c| !c.is_control()).collect()
}

/// The width of a run in ems: ideographs are square, ASCII about half.
fn em_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// Group runs into lines by baseline (top to bottom), left to right within a
/// line; a wide gap inside a line (a table's columns) becomes two spaces.
fn lines_of(mut runs: Vec<Run>) -> Vec<String> {
    if runs.is_empty() {
        return Vec::new();
    }
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match lines.last_mut() {
            Some(line)
                if line
                    .first()
                    .is_some_and(|f| (f.y - run.y).abs() < 0.5 * f.size.max(run.size)) =>
            {
                line.push(run);
            }
            _ => lines.push(vec![run]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    // The left margin: the smallest x of lines that start with text.
    let margin = lines
        .iter()
        .filter_map(|l| l.first().map(|r| r.x))
        .fold(f64::INFINITY, f64::min);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut text = String::new();
        let mut end = f64::NEG_INFINITY;
        let Some(first) = line.first() else { continue };
        // An indent of about two characters opens a paragraph; a line
        // indented much more is centred (a title) or right-aligned.
        let indent = (first.x - margin) / first.size;
        if (1.5..4.0).contains(&indent) {
            text.push_str("\u{3000}\u{3000}");
        }
        for run in &line {
            if end.is_finite() && run.x - end > 1.5 * run.size {
                text.push_str("  ");
            }
            text.push_str(&run.text);
            let width = em_width(&run.text) * run.size;
            end = run.x + width;
        }
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_word_files_are_refused_with_their_kind() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend_from_slice(&[0; 64]);
        assert_eq!(
            decode(ole, "doc").err(),
            Some(Problem::ImportUnsupported { kind: "doc".into() })
        );
    }

    #[test]
    fn form_feeds_are_page_breaks() {
        let d = decode("甲\u{c}乙\n".as_bytes().to_vec(), "txt").unwrap();
        assert_eq!(
            d.blocks,
            vec![
                Block::Line("甲".into()),
                Block::PageBreak,
                Block::Line("乙".into()),
                Block::Line(String::new())
            ]
        );
    }

    #[test]
    fn word_xml_skips_field_codes_deletions_and_fallbacks() {
        let xml = r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、基本情况</w:t></w:r></w:p>
<w:p><w:bookmarkStart w:name="_GoBack"/><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>检查</w:t></w:r><w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:r><w:t>12&amp;3</w:t></w:r>
<mc:AlternateContent><mc:Choice><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback></mc:AlternateContent></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let mut styles = HashMap::new();
        styles.insert("1".to_string(), 1u8);
        let blocks = docx_blocks(xml, &styles).unwrap();
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph {
                    text: "一、基本情况".into(),
                    outline: Some(1)
                },
                Block::Paragraph {
                    text: "检查12&3框".into(),
                    outline: None
                },
                Block::Table(vec![vec!["项目".into(), "数量".into()]]),
            ]
        );
    }

    #[test]
    fn heading_styles_by_name_and_outline_level() {
        let xml = r#"<w:styles xmlns:w="w"><w:style w:styleId="2"><w:name w:val="heading 2"/></w:style><w:style w:styleId="a5"><w:name w:val="标题 1"/></w:style><w:style w:styleId="x"><w:name w:val="Body"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style></w:styles>"#;
        let s = heading_styles(xml);
        assert_eq!(s.get("2"), Some(&2));
        assert_eq!(s.get("a5"), Some(&1));
        assert_eq!(s.get("x"), Some(&3));
    }
}
