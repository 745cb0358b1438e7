//! The content model: townships, their annual reports, and the figures in them.
//!
//! These types are what the parse stage produces and every later stage
//! reads. They hold only checked values: a [`Report`]'s figures are
//! [`Figure`]s that passed the figure syntax, its dates are real dates.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use crate::figure::{Figure, Stated};
use crate::schema::{GroupId, MetricId};

/// A calendar year of reporting.
pub type Year = i32;

/// A township (乡镇/街道) and its profile.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Township {
    /// The folder name, used in URLs.
    pub slug: String,
    /// The Chinese name (辛口镇), always from front matter.
    pub name: String,
    /// An English name, if given.
    pub name_en: Option<String>,
    /// The district (区) it belongs to.
    pub district: Option<String>,
    /// Area in km².
    pub area_km2: Option<Stated>,
    /// Number of communities (社区).
    pub communities: Option<u64>,
    /// Number of villages (村).
    pub villages: Option<u64>,
    /// Resident population.
    pub population: Option<Stated>,
    /// The enforcing body (综合执法大队 / 综合执法局).
    pub enforcement_body: Option<String>,
    /// Disclosure contact.
    pub contact: Contact,
    /// The people-and-powers disclosure (事前公开), if the profile gives it.
    pub powers: Powers,
    /// The first year the site holds this township's reports
    /// (`covered_from`); absent, the config's `first_year`, else its first report.
    pub covered_from: Option<Year>,
    /// The last year the site holds its reports (`covered_until`), if the
    /// site stopped following it (a merged township, a sample site).
    pub covered_until: Option<Year>,
    /// The Markdown introduction after the front matter.
    pub intro: String,
    /// The profile file, relative to the site root.
    pub file: String,
    /// Where the name is written in the profile (for cross-file messages).
    pub name_pos: Option<crate::diagnostic::Pos>,
    /// The profile's text (for cross-file messages).
    pub source: Arc<str>,
    /// `draft: true`: the township and all its reports are left out of the
    /// site, or shown marked as drafts in a preview (`--drafts`).
    pub draft: bool,
}

/// Where citizens reach the enforcement body about disclosure.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    /// Postal address.
    pub address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
}

/// The people-and-powers disclosure (事前公开) of a township.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Powers {
    /// Certified enforcement officers.
    pub officers: Vec<Officer>,
    /// Enforcement items (powers) with their legal basis.
    pub items: Vec<Item>,
    /// Remedies: where and within what time a decision can be challenged.
    pub remedies: Vec<Remedy>,
    /// The supervision and complaint hotline.
    pub hotline: Option<String>,
}

impl Powers {
    /// Whether the profile gives any of it.
    pub fn is_empty(&self) -> bool {
        self.officers.is_empty()
            && self.items.is_empty()
            && self.remedies.is_empty()
            && self.hotline.is_none()
    }
}

/// A certified enforcement officer (执法人员).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Officer {
    /// Name.
    pub name: String,
    /// Enforcement certificate number (执法证号).
    pub certificate: String,
    /// Enforcement category (执法门类).
    pub category: Option<String>,
    /// Enforcement area (执法区域).
    pub area: Option<String>,
}

/// An enforcement item (执法事项).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Item {
    /// Name of the power.
    pub name: String,
    /// Category (行政处罚, 行政检查 ...).
    pub category: Option<String>,
    /// Legal basis (设定依据).
    pub basis: Option<String>,
}

/// A remedy (救济渠道).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remedy {
    /// 行政复议 or 行政诉讼 (or other).
    pub kind: String,
    /// Where to apply.
    pub body: String,
    /// Within what time (e.g. 自知道之日起60日内).
    pub time_limit: Option<String>,
}

/// One township's annual enforcement report for one year.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// The township's slug.
    pub township: String,
    /// The year reported on.
    pub year: Year,
    /// Title as published.
    pub title: String,
    /// Publication date, when the document states one.
    pub published: Option<Date>,
    /// The end of the counting period, when the report states one.
    pub period_end: Option<Date>,
    /// Where the figures come from, when not from the report itself.
    pub source: Option<String>,
    /// Date of the latest revision.
    pub updated: Option<Date>,
    /// The revision record.
    pub revisions: Vec<Revision>,
    /// Figures by metric ([`MetricId`] index), stated or computed.
    pub figures: Vec<FigureEntry>,
    /// Figures the report states outside the schema.
    pub other_figures: Vec<OtherFigure>,
    /// Attached files (the signed original, scans).
    pub attachments: Vec<Attachment>,
    /// The Markdown body.
    pub body: Body,
    /// The report file, relative to the site root.
    pub file: String,
    /// `draft: true`: left out of the site, or shown marked as a draft in
    /// a preview (`--drafts`).
    pub draft: bool,
}

impl Report {
    /// The figure for a metric.
    pub fn figure(&self, id: MetricId) -> &Figure {
        static NOT_REPORTED: Figure = Figure::NotReported;
        self.figures
            .get(id.index())
            .map_or(&NOT_REPORTED, |e| &e.figure)
    }

    /// Whether the report carries figures only (quoted from a later
    /// report, with no text of its own).
    pub fn is_figures_only(&self) -> bool {
        self.source.is_some() && self.body.is_blank()
    }
}

/// A figure and whether gongshi computed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FigureEntry {
    /// The figure.
    pub figure: Figure,
    /// Whether it was computed from other figures (a total, a rate).
    pub computed: bool,
}

/// A dated entry of the revision record.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revision {
    /// When.
    pub date: Date,
    /// Why.
    pub reason: String,
}

/// A figure outside the schema, shown as stated and never summed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OtherFigure {
    /// What it counts.
    pub label: String,
    /// The figure.
    pub figure: Figure,
    /// Its unit.
    pub unit: String,
    /// What it measures (from its unit), which decides how it reads.
    pub kind: crate::figure::Kind,
    /// The schema group it belongs with, if any.
    pub group: Option<GroupId>,
}

/// A file attached to a report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
}

/// A report's Markdown body.
///
/// After loading, a report read from a file keeps only where its body is,
/// not the text: a site of 100,000 reports would otherwise hold every file
/// in memory until its page is rendered. The page re-reads the file and
/// checks that it did not change in between.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Body {
    source: BodySource,
    /// Byte offset of the body in the file's text.
    pub offset: usize,
    blank: bool,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum BodySource {
    Text(Arc<str>),
    File {
        path: PathBuf,
        len: usize,
        hash: u64,
    },
}

/// The file changed between loading and rendering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyChanged;

impl Default for Body {
    fn default() -> Self {
        Body::in_memory(Arc::from(""), 0)
    }
}

/// A fingerprint of a file's text, to see that it did not change between
/// loading and rendering: not against someone who crafts a collision (the
/// official edits their own files), so a fast hash with fixed keys.
fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

impl Body {
    /// A body held in memory: the file's text, from `offset`.
    pub fn in_memory(text: Arc<str>, offset: usize) -> Body {
        let blank = text.get(offset..).unwrap_or("").trim().is_empty();
        Body {
            source: BodySource::Text(text),
            offset,
            blank,
        }
    }

    /// Keep only where the body is: the file at `path` will be read again
    /// when the page is rendered.
    pub fn detach(self, path: &std::path::Path) -> Body {
        match self.source {
            BodySource::Text(text) => Body {
                source: BodySource::File {
                    path: path.to_path_buf(),
                    len: text.len(),
                    hash: text_hash(&text),
                },
                ..self
            },
            file @ BodySource::File { .. } => Body {
                source: file,
                ..self
            },
        }
    }

    /// The Markdown.
    pub fn markdown(&self) -> Result<std::borrow::Cow<'_, str>, BodyChanged> {
        match &self.source {
            BodySource::Text(text) => Ok(std::borrow::Cow::Borrowed(
                text.get(self.offset..).unwrap_or(""),
            )),
            BodySource::File { path, len, hash } => {
                let text = crate::source::read_text(path)
                    .map_err(|_| BodyChanged)?
                    .text;
                if text.len() != *len || text_hash(&text) != *hash {
                    return Err(BodyChanged);
                }
                Ok(std::borrow::Cow::Owned(
                    text.get(self.offset..).unwrap_or("").to_string(),
                ))
            }
        }
    }

    /// Whether there is no text at all.
    pub fn is_blank(&self) -> bool {
        self.blank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body read again at render time is the one loaded, or an error if
    /// the file changed in between, even to text of the same length.
    #[test]
    fn a_body_changed_after_loading_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2025.md");
        let text = "---\ntitle: 报告\n---\n执法检查120次。\n";
        std::fs::write(&path, text).unwrap();
        let offset = text.find("执法").unwrap();
        let body = Body::in_memory(Arc::from(text), offset).detach(&path);
        assert_eq!(body.markdown().as_deref(), Ok("执法检查120次。\n"));
        for changed in [
            "---\ntitle: 报告\n---\n执法检查121次。\n",
            "---\ntitle: 报告\n---\n执法检查12次。\n",
        ] {
            std::fs::write(&path, changed).unwrap();
            assert_eq!(body.markdown(), Err(BodyChanged), "{changed}");
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(body.markdown(), Err(BodyChanged));
    }
}
