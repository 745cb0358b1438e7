//! `gongshi import`: reading Word, PDF and text reports, extracting their
//! figures (measured on a corpus written for the tests), writing drafts
//! that pass `gongshi check`, and refusing what it cannot read with a clear
//! message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{gongshi, repo};
use gongshi::config::Config;
use gongshi::import::figures::{Found, Target};
use gongshi::import::{self, Imported, Options};

fn corpus_dir() -> PathBuf {
    repo().join("tests").join("import-corpus")
}

/// The corpus documents, sorted.
fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "expect"))
        .collect();
    files.sort();
    files
}

/// An empty site (config and content/) in a temporary folder.
fn empty_site(language: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("gongshi.yaml"),
        format!(
            "title: 测试站点\nbase_url: https://example.gov.cn/\nlanguage: {language}\ndistricts: [西青区]\nas_of: 2026-03-01\n"
        ),
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("content")).unwrap();
    tmp
}

fn prepare(path: &Path) -> Imported {
    let site = empty_site("zh-CN");
    import::prepare(path, site.path(), &Config::builtin(), &Options::default())
        .unwrap_or_else(|d| panic!("{}: {:?}", path.display(), d.problem))
}

/// What a figure counts as when scoring: `key = value`, `? key`,
/// `other UNIT = value`, `YEAR key = value`.
fn scored(f: &Found, year: Option<i32>) -> Option<String> {
    let prefix = year.map(|y| format!("{y} ")).unwrap_or_default();
    match (&f.target, &f.doubt) {
        (Target::Metric(k), None) => Some(format!("{prefix}{k} = {}", f.value)),
        (Target::Metric(k), Some(_)) if year.is_none() => Some(format!("? {k}")),
        (Target::Other { .. }, None) if year.is_none() => {
            Some(format!("other {} = {}", f.unit, f.value))
        }
        _ => None,
    }
}

fn extracted(imported: &Imported) -> Vec<String> {
    let mut out: Vec<String> = imported
        .extraction
        .figures
        .iter()
        .filter_map(|f| scored(f, None))
        .collect();
    for (y, figs) in &imported.extraction.other_years {
        out.extend(figs.iter().filter_map(|f| scored(f, Some(*y))));
    }
    // A key doubted twice (two values) is one thing to confirm.
    let mut seen = BTreeSet::new();
    out.retain(|s| !s.starts_with("? ") || seen.insert(s.clone()));
    out
}

fn expected(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path.with_extension("expect")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Count matches between two lists as multisets.
fn matches(found: &[String], wanted: &[String]) -> usize {
    let mut wanted: Vec<&String> = wanted.iter().collect();
    let mut n = 0;
    for f in found {
        if let Some(i) = wanted.iter().position(|w| *w == f) {
            wanted.remove(i);
            n += 1;
        }
    }
    n
}

#[test]
fn extraction_precision_and_recall_on_the_corpus() {
    let (mut tp, mut found_n, mut wanted_n) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    for path in corpus() {
        let imported = prepare(&path);
        let found = extracted(&imported);
        let wanted = expected(&path);
        let m = matches(&found, &wanted);
        tp += m;
        found_n += found.len();
        wanted_n += wanted.len();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        report.push_str(&format!(
            "{name}: {m} of {} found, {} extracted\n",
            wanted.len(),
            found.len()
        ));
        let found_set: BTreeSet<&String> = found.iter().collect();
        let wanted_set: BTreeSet<&String> = wanted.iter().collect();
        for w in wanted_set.difference(&found_set) {
            report.push_str(&format!("    missed   {w}\n"));
        }
        for f in found_set.difference(&wanted_set) {
            report.push_str(&format!("    spurious {f}\n"));
        }
    }
    let precision = tp as f64 / found_n.max(1) as f64;
    let recall = tp as f64 / wanted_n.max(1) as f64;
    println!("{report}");
    println!(
        "import corpus: precision {:.1}% ({tp}/{found_n}), recall {:.1}% ({tp}/{wanted_n})",
        precision * 100.0,
        recall * 100.0
    );
    assert!(
        precision >= 0.95 && recall >= 0.85,
        "precision {:.3} recall {:.3}\n{report}",
        precision,
        recall
    );
}

/// The number a figure states, read back from the words as written.
fn number_in(written: &str) -> Option<String> {
    let folded: String = written
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
            '．' => '.',
            c => c,
        })
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let digits: String = folded
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if !digits.is_empty() {
        return Some(digits);
    }
    let han: String = folded
        .chars()
        .filter(|c| "零〇一二两三四五六七八九十百千万".contains(*c))
        .collect();
    gongshi::import::figures::han_number(&han).map(|n| n.to_string())
}

#[test]
fn every_extracted_value_appears_in_its_source_sentence() {
    let mut checked = 0;
    for path in corpus() {
        let imported = prepare(&path);
        let all = imported
            .extraction
            .figures
            .iter()
            .chain(imported.extraction.other_years.values().flatten());
        for f in all {
            let written = f.written();
            assert!(
                !written.is_empty() && f.sentence.contains(written),
                "{}: {written:?} not in {:?}",
                path.display(),
                f.sentence
            );
            if f.value.is_empty() {
                continue;
            }
            // The value's number is the number written in the sentence.
            let value_number: String = f
                .value
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            assert_eq!(
                number_in(written).as_deref(),
                Some(value_number.as_str()),
                "{}: value {} from {written:?} in {:?}",
                path.display(),
                f.value,
                f.sentence
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} figures checked");
}

#[test]
fn imported_corpus_reports_pass_check() {
    let site = empty_site("zh-CN");
    let out = gongshi()
        .args(["import", "--root"])
        .arg(site.path())
        .args(corpus())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let check = gongshi()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let errors: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(check.status.success());
    // Every report is a draft; every township got a profile.
    let content = site.path().join("content");
    let mut reports = 0;
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "_index.md" {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(text.contains("\ndraft: true"), "{name}");
            assert!(entry.path().parent().unwrap().join("_index.md").exists());
            reports += 1;
        }
    }
    // Eight reports and the drafts for the years they also give figures for.
    assert!(reports >= corpus().len(), "{reports}");
}

// ------------------------------------------------------------ the command

fn run_import(site: &Path, args: &[&str], files: &[&Path]) -> std::process::Output {
    gongshi()
        .args(["import", "--root"])
        .arg(site)
        .args(args)
        .args(files)
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The corpus document's figures, read through another format.
fn assert_same_figures(imported: &Imported, like: &str) {
    let mut found = extracted(imported);
    let mut wanted = expected(&corpus_dir().join(like));
    found.sort();
    wanted.sort();
    assert_eq!(found, wanted, "{}", imported.source.display());
}

#[test]
fn gb18030_and_utf16_text_files_are_read() {
    let text = std::fs::read_to_string(corpus_dir().join("c-numerals.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (gb, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let gb_path = write(dir.path(), "青石乡-gbk.txt", &gb);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let utf16_path = write(dir.path(), "青石乡-utf16.txt", &utf16);
    for path in [&gb_path, &utf16_path] {
        let imported = prepare(path);
        assert!(imported.encoding.is_some(), "{}", path.display());
        assert_same_figures(&imported, "c-numerals.txt");
    }
    // The review table names the encoding.
    let site = empty_site("zh-CN");
    let out = run_import(site.path(), &["--dry-run"], &[&gb_path]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("GB18030"));
}

/// A minimal Word document: the parts Word and WPS need to open it, with
/// heading styles named as WPS names them (numeric ids), a bookmark, a
/// PAGE field, a table and the signature as two paragraphs.
fn docx(paragraphs: &[(&str, &str)], table: &[&[&str]]) -> Vec<u8> {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    let mut body = String::new();
    for (i, (style, text)) in paragraphs.iter().enumerate() {
        body.push_str("<w:p>");
        if !style.is_empty() {
            body.push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
        }
        if i == 2 {
            // Word's artefacts: a bookmark and a field code before the text.
            body.push_str(
                "<w:bookmarkStart w:id=\"0\" w:name=\"_GoBack\"/><w:bookmarkEnd w:id=\"0\"/>",
            );
            body.push_str("<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
        }
        // Digits in their own run, as Word writes them in another font.
        let mut run = String::new();
        let mut digits = false;
        for c in text.chars() {
            if c.is_ascii_digit() != digits && !run.is_empty() {
                body.push_str(&format!(
                    "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    esc(&run)
                ));
                run.clear();
            }
            digits = c.is_ascii_digit();
            run.push(c);
        }
        body.push_str(&format!(
            "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(&run)
        ));
        body.push_str("<w:p/>");
    }
    if !table.is_empty() {
        body.push_str("<w:tbl>");
        for row in table {
            body.push_str("<w:tr>");
            for cell in *row {
                body.push_str(&format!(
                    "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>",
                    esc(cell)
                ));
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:style w:type=\"paragraph\" w:styleId=\"a3\"><w:name w:val=\"Title\"/></w:style><w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/></w:style><w:style w:type=\"paragraph\" w:styleId=\"2\"><w:name w:val=\"heading 2\"/></w:style></w:styles>";
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let doc_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/_rels/document.xml.rels", doc_rels),
        ("word/document.xml", document.as_str()),
        ("word/styles.xml", styles),
    ] {
        zip.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut zip, text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The corpus document `name` as (style, text) paragraphs: the title in
/// the Title style, 一、 in Heading 1, （一） in Heading 2.
fn as_paragraphs(name: &str) -> Vec<(&'static str, String)> {
    let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            let style = if i == 0 {
                "a3"
            } else if l.starts_with("一、")
                || l.starts_with("二、")
                || l.starts_with("三、")
                || l.starts_with("四、")
            {
                "1"
            } else if l.starts_with('（') {
                "2"
            } else {
                ""
            };
            (style, l.to_string())
        })
        .collect()
}

#[test]
fn docx_from_word_and_wps_is_read_with_its_outline() {
    let paragraphs = as_paragraphs("a-web-text.txt");
    let refs: Vec<(&str, &str)> = paragraphs.iter().map(|(s, t)| (*s, t.as_str())).collect();
    let bytes = docx(&refs, &[&["项目", "数量"], &["执法事项（项）", "186"]]);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "杨柳镇2024年度行政执法工作报告.docx", &bytes);
    let imported = prepare(&path);
    // The table repeats a figure of the text: one value, no doubt.
    assert_same_figures(&imported, "a-web-text.txt");
    let md = &imported.report.text;
    assert!(
        md.contains("title: \"杨柳镇2024年度行政执法工作报告\""),
        "{md}"
    );
    assert!(md.contains("published: 2025-01-10"), "{md}");
    assert!(md.contains("\n## 一、基本情况\n"), "{md}");
    assert!(md.contains("\n### （二）开展重点领域专项整治\n"), "{md}");
    assert!(md.contains("| 执法事项（项） | 186 |"), "{md}");
    assert!(
        !md.contains("bookmark") && !md.contains("PAGE") && !md.contains("_GoBack"),
        "{md}"
    );
    let body = md.split("\n---\n").nth(1).unwrap();
    assert!(
        !body.contains("杨柳镇人民政府"),
        "the signature is no body text: {body}"
    );
    assert!(
        imported.check.iter().all(|d| !d.is_error()),
        "{:?}",
        imported.check
    );
}

// ------------------------------------------------------------ PDF

/// A text-based PDF of `pages` (lines, top to bottom), written the way Word
/// exports Chinese: ideographs in a Type0 font (Identity-H, with a
/// ToUnicode map), digits and Latin letters in a separate Latin font and
/// text object, a paragraph's first line indented by two characters.
fn text_pdf(pages: &[Vec<String>]) -> Vec<u8> {
    text_pdf_with(pages, false)
}

/// The same, the text of each page inside a form XObject (as some WPS and
/// printer-driver PDFs are), when `in_form`.
fn text_pdf_with(pages: &[Vec<String>], in_form: bool) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    // ToUnicode: CID = the character's UTF-16 code unit.
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let ranges: Vec<u32> = (0x00..=0xFFu32)
        .filter(|h| !(0xD8..=0xDF).contains(h))
        .collect();
    for chunk in ranges.chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for h in chunk {
            cmap.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "NotoSansCJKsc-Regular",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000, "CIDToGIDMap" => "Identity",
    });
    let han_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "NotoSansCJKsc-Regular",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()], "ToUnicode" => to_unicode,
    });
    let latin_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => han_font, "F2" => latin_font },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut ops = Vec::new();
        let mut y = 780.0f32;
        for line in lines {
            let indent = line.starts_with("　　");
            let text = line.trim_start_matches('　');
            // A page number sits centred at the bottom.
            let (mut x, line_y) = if text.starts_with("- ") && text.ends_with(" -") {
                (280.0f32, 40.0f32)
            } else {
                (if indent { 96.0 } else { 72.0 }, y)
            };
            // Runs of ideographs and runs of ASCII, each in its own text object.
            let mut runs: Vec<(bool, String)> = Vec::new();
            for c in text.chars() {
                let ascii = c.is_ascii();
                match runs.last_mut() {
                    Some((a, r)) if *a == ascii => r.push(c),
                    _ => runs.push((ascii, c.to_string())),
                }
            }
            for (ascii, run) in runs {
                let (font, bytes, advance) = if ascii {
                    (&b"F2"[..], run.clone().into_bytes(), 6.0 * run.len() as f32)
                } else {
                    let bytes: Vec<u8> = run.encode_utf16().flat_map(u16::to_be_bytes).collect();
                    (&b"F1"[..], bytes, 12.0 * run.chars().count() as f32)
                };
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new(
                    "Tf",
                    vec![Object::Name(font.to_vec()), 12.into()],
                ));
                ops.push(Operation::new("Td", vec![x.into(), line_y.into()]));
                ops.push(Operation::new(
                    "Tj",
                    vec![Object::String(bytes, lopdf::StringFormat::Hexadecimal)],
                ));
                ops.push(Operation::new("ET", vec![]));
                x += advance;
            }
            if line_y == y {
                y -= 20.0;
            }
        }
        let content = Content { operations: ops }.encode().unwrap();
        let (content, page_resources) = if in_form {
            let form = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form", "Resources" => resources,
                    "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                },
                content,
            ));
            let page_resources =
                doc.add_object(dictionary! { "XObject" => dictionary! { "Fm1" => form } });
            (b"q /Fm1 Do Q".to_vec(), page_resources)
        } else {
            (content, resources)
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => page_resources, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(Object::from(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A PDF whose only page is a picture: what a scanner produces.
fn scanned_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0, 255, 255, 0],
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"q 595 0 0 842 0 0 cm /Im1 Do Q".to_vec(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn text_based_pdf_is_read_like_its_text() {
    // The PDF-extraction corpus report, laid out on pages as a PDF: its
    // page numbers end the pages, paragraphs are indented.
    let text = std::fs::read_to_string(corpus_dir().join("b-pdf-extract.txt")).unwrap();
    let mut pages: Vec<Vec<String>> = vec![Vec::new()];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let page = pages.last_mut().unwrap();
        page.push(line.to_string());
        if line.starts_with("- ") {
            pages.push(Vec::new());
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let in_form = write(
        dir.path(),
        "东湖街道-表单.pdf",
        &text_pdf_with(&pages, true),
    );
    assert_same_figures(&prepare(&in_form), "b-pdf-extract.txt");
    let path = write(dir.path(), "东湖街道.pdf", &text_pdf(&pages));
    let imported = prepare(&path);
    assert_eq!(imported.format, import::read::Format::Pdf);
    assert_same_figures(&imported, "b-pdf-extract.txt");
    let md = &imported.report.text;
    assert!(!md.contains("- 2 -") && !md.contains("- 3 -"), "{md}");
    assert!(
        md.contains("实施一般程序行政处罚案件18起"),
        "a line break inside a word is gone: {md}"
    );
    assert!(
        md.contains("title: \"东湖街道2023年度行政执法情况报告\""),
        "{md}"
    );
}

#[test]
fn a_scanned_pdf_gets_a_clear_message_and_no_report() {
    let site = empty_site("zh-CN");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "扫描件.pdf", &scanned_pdf());
    let out = run_import(site.path(), &[], &[&path]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("import-scanned-pdf"), "{stderr}");
    assert!(stderr.contains("扫描件.pdf"), "names the file: {stderr}");
    assert!(stderr.contains("没有可提取的文字层"), "{stderr}");
    assert!(stderr.contains("OCR"), "says what to do: {stderr}");
    assert!(
        std::fs::read_dir(site.path().join("content"))
            .unwrap()
            .next()
            .is_none()
    );
    // In English for an English site.
    let site = empty_site("en");
    let out = run_import(site.path(), &[], &[&path]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("this is a scan"), "{stderr}");
    assert!(stderr.contains("run OCR"), "{stderr}");
}

#[test]
fn unreadable_and_unsupported_files_name_the_file_and_the_fix() {
    let site = empty_site("zh-CN");
    let dir = tempfile::tempdir().unwrap();
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0u8; 512]);
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (
            write(dir.path(), "旧版.doc", &ole),
            "import-unsupported",
            "另存为",
        ),
        (
            write(dir.path(), "损坏.docx", b"PK\x03\x04 not really a zip"),
            "import-unreadable",
            "另存为",
        ),
        (
            write(dir.path(), "损坏.pdf", b"%PDF-1.7\n garbage"),
            "import-unreadable",
            "另存为",
        ),
        (
            write(dir.path(), "空白.txt", b"  \n"),
            "empty-file",
            "gongshi new",
        ),
        (
            write(
                dir.path(),
                "乱码.txt",
                &[0x81, 0x20, 0xFF, 0xFE, 0x80, 0x00, 0x01],
            ),
            "binary-file",
            "附件",
        ),
        (dir.path().join("不存在.txt"), "io-error", "检查文件"),
    ];
    for (path, code, help) in &cases {
        let out = run_import(site.path(), &[], &[path]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(stderr.contains(code), "{name}: {stderr}");
        assert!(stderr.contains(name.as_ref()), "{name}: {stderr}");
        assert!(stderr.contains(help), "{name}: {stderr}");
    }
    // One bad file does not stop the others.
    let good = corpus_dir().join("f-table.txt");
    let out = run_import(site.path(), &[], &[&cases[0].0, &good]);
    assert_eq!(out.status.code(), Some(1));
    assert!(site.path().join("content/xiling/2024.md").exists());
}

#[test]
fn existing_reports_are_not_overwritten_without_force() {
    let site = empty_site("zh-CN");
    let file = corpus_dir().join("g-street.txt");
    let first = run_import(site.path(), &[], &[&file]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report = site.path().join("content/fengqiao/2025.md");
    assert!(report.exists());
    std::fs::write(&report, "edited by hand").unwrap();
    let again = run_import(site.path(), &[], &[&file]);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("import-exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "edited by hand");
    let forced = run_import(site.path(), &["--force"], &[&file]);
    assert!(forced.status.success());
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("draft: true")
    );
    // The profile written the first time is left alone.
    let profile = std::fs::read_to_string(site.path().join("content/fengqiao/_index.md")).unwrap();
    assert!(profile.contains("name: 枫桥街道"), "{profile}");
}

#[test]
fn dry_run_prints_the_review_table_and_the_markdown_and_writes_nothing() {
    let site = empty_site("zh-CN");
    let file = corpus_dir().join("d-misnumbered.txt");
    let out = run_import(site.path(), &["--dry-run"], &[&file]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The table: key, value, qualifier, unit and the sentence, figure marked.
    assert!(stdout.contains("content/nanhe/2025.md"), "{stdout}");
    assert!(
        stdout.contains("certified_officers 持证执法人员"),
        "{stdout}"
    );
    assert!(stdout.contains("全镇持证执法人员【28人】"), "{stdout}");
    assert!(stdout.contains("需确认"), "{stdout}");
    // The doubted figures are comments in the front matter, not values.
    assert!(
        stdout.contains("  # 需确认 penalty_cases（行政处罚案件）"),
        "{stdout}"
    );
    assert!(stdout.contains("  # penalty_cases: 20"), "{stdout}");
    assert!(!stdout.contains("\n  penalty_cases: 20"), "{stdout}");
    assert!(stdout.contains("  # legal_reviews: "), "{stdout}");
    assert!(
        stdout.contains("---\ntitle: \"南河镇2025年度行政执法工作报告\""),
        "{stdout}"
    );
    assert!(stdout.contains("\n## 2、主要工作措施\n"), "{stdout}");
    assert!(stdout.contains("\n### (二)执法手段单一\n"), "{stdout}");
    assert!(
        std::fs::read_dir(site.path().join("content"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn township_and_year_can_be_given_and_other_years_get_their_own_draft() {
    let site = empty_site("zh-CN");
    let file = corpus_dir().join("b-pdf-extract.txt");
    let out = run_import(site.path(), &["--township", "donghu-jiedao"], &[&file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = site.path().join("content/donghu-jiedao");
    let report = std::fs::read_to_string(dir.join("2023.md")).unwrap();
    assert!(report.contains("inspections: 4186"), "{report}");
    assert!(!report.contains("\n  inspections: 3902"), "{report}");
    let previous = std::fs::read_to_string(dir.join("2022.md")).unwrap();
    assert!(previous.contains("inspections: 3902"), "{previous}");
    assert!(
        previous.contains("source: \"数据引自《东湖街道2023年度行政执法情况报告》\""),
        "{previous}"
    );
    let profile = std::fs::read_to_string(dir.join("_index.md")).unwrap();
    assert!(profile.contains("name: 东湖街道"), "{profile}");
    // A year the title does not state must be given.
    let dir2 = tempfile::tempdir().unwrap();
    let untitled = write(
        dir2.path(),
        "报告.txt",
        "执法工作情况\n全镇持证执法人员10人。\n".as_bytes(),
    );
    let out = run_import(site.path(), &[], &[&untitled]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--year"));
    let out = run_import(
        site.path(),
        &["--year", "2024", "--township", "donghu-jiedao"],
        &[&untitled],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("2024.md").exists());
}

#[test]
fn parallel_imports_are_deterministic() {
    let files = corpus();
    let mut results = Vec::new();
    for threads in ["1", "4"] {
        let site = empty_site("zh-CN");
        let out = gongshi()
            .env("RAYON_NUM_THREADS", threads)
            .args(["import", "--root"])
            .arg(site.path())
            .args(&files)
            .output()
            .unwrap();
        assert!(out.status.success());
        results.push((out.stdout, common::tree(&site.path().join("content"))));
    }
    assert!(
        results[0] == results[1],
        "output differs between 1 and 4 threads"
    );
    assert!(results[0].1.len() > files.len());
}

// ------------------------------------------------------------ the seeds

/// Import the two real reports (when `../shared/seeds` is present) and
/// compare them figure by figure with the sample site's content.
#[test]
fn seed_reports_match_the_sample_content() {
    let seeds = repo().join("..").join("shared").join("seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: {} is absent", seeds.display());
        return;
    }
    let config = Config::builtin();
    let cases = [
        ("xinkou-2025.txt", "xinkou", 2025, vec![]),
        ("zhangjiawo-2023.txt", "zhangjiawo", 2023, vec![2022]),
    ];
    let mut summary = String::new();
    for (seed, slug, year, other_years) in cases {
        let imported = prepare(&seeds.join(seed));
        assert_eq!((imported.slug.as_str(), imported.year), (slug, year));
        let mut compare = |year: i32, figures: &[Found]| {
            let rel = format!("content/{slug}/{year}.md");
            let text = std::fs::read_to_string(repo().join(&rel)).unwrap();
            let source = gongshi::source::Text {
                text: text.into(),
                decoded_from: None,
            };
            let (sample, diags) =
                gongshi::parse::report_text(slug, year, source, Vec::new(), &rel, &config);
            let sample = sample.unwrap_or_else(|| panic!("{rel}: {diags:?}"));
            let (mut same, mut stated) = (0, 0);
            for (id, entry) in config.schema.ids().zip(sample.figures.iter()) {
                let key = &config.schema.metric(id).unwrap().key;
                let Some(s) = entry.figure.stated().filter(|_| !entry.computed) else {
                    continue;
                };
                stated += 1;
                let got = figures
                    .iter()
                    .find(|f| f.key() == Some(key.as_str()) && f.doubt.is_none());
                match got {
                    Some(f) if f.amount == s.amount && f.precision == s.precision => same += 1,
                    other => summary.push_str(&format!(
                        "{rel}: {key}: sample {:?}, import {:?}\n",
                        s.amount,
                        other.map(|f| f.value.clone())
                    )),
                }
            }
            // Nothing the import states as sure contradicts the sample.
            for f in figures.iter().filter(|f| f.doubt.is_none()) {
                let Some(key) = f.key() else { continue };
                let id = config.schema.id(key).unwrap();
                let entry = &sample.figures[id.index()];
                if let Some(s) = entry.figure.stated() {
                    assert_eq!(
                        (s.amount, s.precision),
                        (f.amount, f.precision),
                        "{rel}: {key}"
                    );
                } else {
                    summary.push_str(&format!(
                        "{rel}: {key} = {} is not in the sample\n",
                        f.value
                    ));
                }
            }
            let others: Vec<(gongshi::amount::Amount, String)> = figures
                .iter()
                .filter(|f| matches!(f.target, Target::Other { .. }) && f.doubt.is_none())
                .map(|f| (f.amount, f.unit.clone()))
                .collect();
            let matched_others = sample
                .other_figures
                .iter()
                .filter(|o| {
                    o.figure
                        .stated()
                        .is_some_and(|s| others.contains(&(s.amount, o.unit.clone())))
                })
                .count();
            summary.push_str(&format!(
                "{rel}: {same} of {stated} stated metrics equal; {matched_others} of {} other figures found ({} extracted)\n",
                sample.other_figures.len(),
                others.len()
            ));
            assert_eq!(same, stated, "{summary}");
            assert!(
                matched_others * 10 >= sample.other_figures.len() * 9,
                "{summary}"
            );
        };
        compare(year, &imported.extraction.figures);
        for y in other_years {
            compare(
                y,
                imported
                    .extraction
                    .other_years
                    .get(&y)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            );
        }
    }
    println!("{summary}");
}

/// Damaged documents (cut short, bytes changed) are refused with a
/// problem, never a crash.
#[test]
fn damaged_documents_never_crash_the_reader() {
    let paragraphs = as_paragraphs("c-numerals.txt");
    let refs: Vec<(&str, &str)> = paragraphs.iter().map(|(s, t)| (*s, t.as_str())).collect();
    let docx = docx(&refs, &[&["项目", "数量"], &["检查", "1200"]]);
    let pdf = text_pdf(&[vec![
        "青石乡2024年度行政执法工作报告".into(),
        "全乡持证执法人员12人。".into(),
    ]]);
    for (bytes, ext) in [(docx, "docx"), (pdf, "pdf")] {
        let n = bytes.len();
        for i in 0..64 {
            let cut = n * i / 64;
            let _ = import::read::decode(bytes[..cut].to_vec(), ext);
            let mut flipped = bytes.clone();
            let at = (i * 7919) % n;
            flipped[at] ^= 0x5A;
            let _ = import::read::decode(flipped, ext);
        }
    }
}
