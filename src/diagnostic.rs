//! Diagnostics: every problem gongshi finds in a site, as data.
//!
//! Each stage reports what it finds as a [`Diagnostic`]: a typed [`Problem`]
//! (which fixes the stable code and severity), the file, and where in it. The
//! words people read — in Chinese or English — come from one place,
//! [`messages`], and are rendered for terminals (with the offending source
//! line), for `--format short`, and as JSON for tools.

pub mod messages;
mod render;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use render::{render_human, render_short, to_json};

use crate::figure::FigureError;

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site is not built until it is fixed.
    Error,
    /// The site is built; the problem is shown on it or should be looked at.
    Warning,
}

/// A place in a file: 1-based line and column, counted in characters of the
/// original file, and how many characters to underline.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Characters to underline (at least 1).
    pub len: u32,
}

impl Pos {
    /// A position with an underline of `len` characters.
    pub fn new(line: u32, column: u32, len: u32) -> Pos {
        Pos {
            line,
            column,
            len: len.max(1),
        }
    }
}

/// A secondary place a diagnostic points at, with what it shows there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub pos: Pos,
    /// What the label says.
    pub note: Note,
}

/// Texts of secondary labels (rendered by [`messages`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A part of a total: its label and value.
    Part {
        /// Label of the part metric.
        label: String,
        /// Its value as shown.
        value: String,
    },
    /// A count a rate is computed from: its label and value.
    Count {
        /// Label of the count metric.
        label: String,
        /// Its value as shown.
        value: String,
    },
    /// The first of two conflicting places.
    FirstHere,
}

/// What went wrong. The variant fixes the stable code (see [`Problem::code`])
/// and the severity; its data carries what the message and the fix need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    // ----- the site and its files -----
    /// The site root has no `gongshi.yaml`.
    ConfigMissing,
    /// The site root has no `content/` folder.
    ContentMissing,
    /// A file or folder could not be read.
    Io {
        /// The system's description of the failure.
        error: String,
    },
    /// A content file is not UTF-8 but was decoded from a legacy encoding.
    LegacyEncoding {
        /// The encoding it was decoded from.
        encoding: &'static str,
    },
    /// A content file is neither UTF-8 nor a legacy Chinese encoding.
    NotText,
    /// A content file contains binary data (NUL bytes).
    BinaryFile,
    /// A content file is larger than gongshi reads.
    FileTooLarge {
        /// Its size in bytes.
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A content file is empty.
    EmptyFile,
    /// A named pipe, device or socket where a file was expected: refused
    /// before it is opened for reading (reading a pipe would wait forever).
    SpecialFile {
        /// What it is.
        kind: SpecialKind,
    },
    /// A file in `content/` that is neither a profile, a report nor an attachment.
    StrayFile {
        /// A name it could be given, if one is obvious.
        suggestion: Option<String>,
    },
    /// A township folder whose name is not a valid slug.
    BadSlug {
        /// The folder name as found.
        name: String,
        /// A valid slug to rename it to.
        suggestion: Option<String>,
    },
    /// A township folder named like one of gongshi's own output folders.
    ReservedSlug {
        /// The folder name.
        name: String,
    },
    /// A file or folder name that is not valid UTF-8.
    NonUtf8Name {
        /// The name with invalid bytes replaced.
        lossy: String,
    },
    /// A symbolic link in `content/` that leads outside the site or in a loop.
    Symlink {
        /// Why it is refused.
        reason: SymlinkReason,
    },
    /// Two sources would produce the same page or file.
    UrlCollision {
        /// The output path both would write.
        url: String,
        /// The other source.
        other: String,
    },

    // ----- front matter and YAML -----
    /// The file does not start with a `---` front-matter block.
    FrontMatterMissing,
    /// A `---` block exists but something comes before it.
    FrontMatterNotAtStart,
    /// The front matter opens with `---` but never closes.
    FrontMatterUnclosed {
        /// The first line that cannot belong to the front matter (where
        /// the closing `---` should go), if there is one.
        before_line: Option<u32>,
    },
    /// The YAML cannot be read.
    YamlSyntax {
        /// What the YAML reader said (in English).
        detail: String,
        /// The kind of mistake, for a specific fix.
        hint: YamlHint,
    },
    /// The same key appears twice in one mapping.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// The YAML nests too deep or expands too far (alias bombs).
    YamlLimit {
        /// What the YAML reader said.
        detail: String,
    },
    /// A key gongshi does not know.
    UnknownKey {
        /// The key as written.
        key: String,
        /// The closest known key, if close enough.
        suggestion: Option<String>,
        /// Where it was found (`metrics`, `contact`, top level ...).
        section: String,
    },
    /// A metric key not in the site's schema.
    UnknownMetric {
        /// The key as written.
        key: String,
        /// The closest metric key, if close enough.
        suggestion: Option<String>,
        /// Whether the key is the suggested metric's label (`行政检查`)
        /// rather than a misspelt key.
        by_label: bool,
    },
    /// An `other_figures` group that the schema does not have.
    UnknownGroup {
        /// The group as written.
        group: String,
        /// The closest group key.
        suggestion: Option<String>,
    },
    /// A required field is missing.
    MissingField {
        /// The field's key.
        key: String,
    },
    /// A metric the site requires is not reported.
    MissingMetric {
        /// The metric key.
        key: String,
        /// Its label.
        label: String,
    },
    /// A value of the wrong type.
    WrongType {
        /// The field's key.
        key: String,
        /// What was expected.
        expected: Expected,
    },
    /// `null` or `~` (or an empty value) where a value was expected.
    NullValue {
        /// The field's key.
        key: String,
        /// Whether the field is a figure (then the fix names 0, 无相关职责, absent).
        figure: bool,
    },

    // ----- figures -----
    /// A figure's text cannot be accepted.
    BadFigure {
        /// The metric key (or `other_figures` entry) as written.
        key: String,
        /// The metric's label, for the message.
        label: String,
        /// What is wrong.
        error: FigureError,
    },
    /// A stated total disagrees with the sum of its stated parts.
    TotalMismatch {
        /// The total's key.
        key: String,
        /// The total's label.
        label: String,
        /// The stated total as shown.
        stated: String,
        /// The sum of the parts as shown.
        computed: String,
        /// Whether a lower bound is involved (the total or a part says
        /// 余, 以上 …), so the fix explains what a bound allows.
        bound: bool,
    },
    /// A total and its parts disagree on whether the body has the power:
    /// "not applicable" on one side, figures on the other.
    NotApplicableConflict {
        /// The total's key.
        key: String,
        /// The total's label.
        label: String,
        /// Whether the total is the one stated "not applicable" (else all
        /// its parts are, while it states a figure).
        total_not_applicable: bool,
    },
    /// A stated rate disagrees with the counts it is computed from.
    RateMismatch {
        /// The rate's key.
        key: String,
        /// The rate's label.
        label: String,
        /// The stated rate as shown.
        stated: String,
        /// The rate the counts give.
        computed: String,
    },

    /// A sum of figures is too large to be computed: the figures are far
    /// larger than any real one.
    SumTooLarge {
        /// The metric's key.
        key: String,
        /// The metric's label.
        label: String,
        /// The year, for a total across townships (`None`: within one report).
        year: Option<i32>,
        /// The figures added, as `file value` (across townships) or `key value`.
        parts: Vec<String>,
    },

    // ----- dates and deadlines -----
    /// A date that is not a real date or not written `YYYY-MM-DD`.
    InvalidDate {
        /// The field's key.
        key: String,
        /// The text as written.
        text: String,
        /// The same date written `YYYY-MM-DD`, when the text is a real
        /// date written another way (`2025年1月20日`).
        rewrite: Option<String>,
    },
    /// A publication date before the report could have been written.
    PublishedTooEarly {
        /// The stated publication date.
        published: String,
        /// The earliest acceptable date.
        earliest: String,
        /// Whether the bound is the period end (else the year's start).
        period_end: bool,
    },
    /// A date in a report later than the status date (a typo such as 2052,
    /// or a report dated in the future).
    DateAfterStatusDate {
        /// The field (`published`, `updated`, `period_end`, `revisions.date`).
        key: String,
        /// The date as read.
        date: String,
        /// The status date.
        as_of: String,
    },
    /// A report published after the 31 January deadline.
    LatePublication {
        /// The publication date.
        published: String,
        /// The deadline.
        deadline: String,
    },
    /// A report that does not state its publication date.
    MissingPublicationDate,
    /// A report with no figures and no text (an untouched skeleton?).
    EmptyReport {
        /// Whether it is marked as a draft already.
        draft: bool,
    },
    /// `updated` without a `revisions` entry explaining it, or a revision
    /// dated after `updated`.
    RevisionRecord {
        /// The `updated` date.
        updated: String,
    },

    // ----- across files -----
    /// The year in the file name differs from the front matter's.
    YearMismatch {
        /// The year in the file name.
        file_year: i32,
        /// The year in the front matter.
        front_year: i32,
    },
    /// Two township folders with the same Chinese name.
    DuplicateTownship {
        /// The name.
        name: String,
        /// The other profile.
        other: String,
    },
    /// A report whose township folder has no `_index.md`.
    MissingTownshipIndex {
        /// The township folder.
        township: String,
    },
    /// A township profile's `covered_until` is before its `covered_from`.
    InvalidCoverage {
        /// `covered_from`.
        from: i32,
        /// `covered_until`.
        until: i32,
    },
    /// A township without reports or coverage setting: the site cannot
    /// tell whether its reports are missing.
    CoverageUnknown {
        /// The township's name.
        name: String,
    },
    /// A township's district is not one of the configured districts.
    UnknownDistrict {
        /// The district as written.
        district: String,
        /// The closest configured district.
        suggestion: Option<String>,
        /// The configured districts.
        known: Vec<String>,
    },

    // ----- configuration -----
    /// A config value that is not acceptable.
    InvalidConfig {
        /// The key.
        key: String,
        /// Why (rendered as part of the message).
        reason: ConfigReason,
    },

    /// A control character in text (through a YAML escape such as `\0` or a
    /// character reference such as `&#27;`): it would break the feed and
    /// show as garbage.
    ControlCharacter {
        /// The field it is in; `None` for the Markdown text.
        field: Option<String>,
        /// The character's code point.
        code_point: u32,
    },

    /// A content file changed while the site was being built.
    SourceChanged,

    // ----- rendering -----
    /// A theme template failed.
    Template {
        /// The template's name.
        template: String,
        /// What the template engine said.
        detail: String,
    },

    // ----- gongshi import -----
    /// A document `gongshi import` cannot read (damaged, or not what it claims to be).
    ImportUnreadable {
        /// The format it was read as (`docx`, `pdf`).
        format: &'static str,
        /// What the reader said (in English).
        detail: String,
    },
    /// A file type `import` does not read (old `.doc`, `.wps`, spreadsheets, images).
    ImportUnsupported {
        /// The kind of file, by its extension.
        kind: String,
    },
    /// A PDF without a text layer: a scan.
    ImportScanned {
        /// How many pages it has.
        pages: usize,
    },
    /// A PDF that opens only with a password.
    ImportEncrypted,
    /// A PDF whose text decodes to no Chinese at all (fonts without a Unicode map).
    ImportPdfNoUnicode,
    /// A document without any text.
    ImportNoText,
    /// The report year could not be found in the document.
    ImportNoYear,
    /// The township could not be found in the document.
    ImportNoTownship,
    /// The report `import` would write exists already.
    ImportExists {
        /// The report, relative to the site root.
        path: String,
    },

    // ----- personal data -----
    /// Unmasked personal data in a file.
    PersonalData {
        /// What kind.
        kind: PiiKind,
        /// The masked form to publish instead.
        masked: String,
    },
}

/// The kind of a YAML syntax mistake, for a specific fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlHint {
    /// A tab character used for indentation.
    Tab,
    /// A full-width space (`　`, typed by Chinese input methods) used for indentation.
    FullWidthSpace,
    /// A full-width colon (`：`) after a key, where YAML needs `: `.
    FullWidthColon {
        /// The key before the colon.
        key: String,
        /// The line rewritten with `: `.
        fixed: String,
    },
    /// A quote opened but not closed.
    UnclosedQuote,
    /// Text after the closing quote of a value (`"标题" 2025`).
    TextAfterQuote,
    /// A backslash escape in double quotes that YAML does not know (`"\q"`).
    BadEscape,
    /// A bracket or brace not closed.
    UnclosedBracket,
    /// Indentation that does not line up.
    Indentation,
    /// A value starting with a character YAML reserves (`@`, `` ` ``).
    Reserved(char),
    /// A value starting with `*` (YAML reads it as a reference).
    Alias,
    /// Anything else.
    Other,
}

/// What a special file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialKind {
    /// A named pipe (FIFO).
    Fifo,
    /// A character or block device.
    Device,
    /// A socket.
    Socket,
    /// Anything else that is neither a file nor a folder.
    Other,
}

/// Why a symbolic link is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymlinkReason {
    /// It leads back to itself.
    Loop,
    /// It leads outside the site.
    Outside,
    /// It leads to a folder (gongshi does not walk linked folders).
    Folder,
}

/// The type a field expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Text.
    Text,
    /// A whole number.
    Integer,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A list.
    List,
    /// A mapping of keys to values.
    Mapping,
    /// A figure (number with optional 余/约).
    Figure,
    /// A year such as 2025.
    Year,
    /// true or false.
    Bool,
}

/// Why a config value is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigReason {
    /// The language is not supported.
    Language {
        /// As written.
        value: String,
    },
    /// The theme folder does not exist.
    Theme {
        /// As written.
        value: String,
    },
    /// The base URL is not an absolute http(s) URL.
    BaseUrl {
        /// As written.
        value: String,
    },
    /// A kind that does not exist.
    Kind {
        /// As written.
        value: String,
    },
    /// A group that the schema does not have.
    Group {
        /// As written.
        value: String,
        /// Closest group.
        suggestion: Option<String>,
    },
    /// A metric added without its full definition.
    IncompleteMetric {
        /// The missing field.
        field: &'static str,
    },
    /// A derived or rate metric that refers to a metric that is not there.
    DanglingPart {
        /// The missing metric.
        part: String,
    },
    /// Totals whose parts lead back to themselves (`a = b`, `b = a`).
    Cycle {
        /// The metric keys along the cycle.
        cycle: Vec<String>,
    },
    /// `SOURCE_DATE_EPOCH` is not a number of seconds.
    Epoch {
        /// As found.
        value: String,
    },
    /// A number or setting out of range.
    Value {
        /// As written.
        value: String,
    },
    /// A `districts:` entry that is neither a district's name nor a city
    /// with its list of districts (`- 某某市: [甲区, 乙区]`).
    CityForm {
        /// The entry's name or keys, as written (empty if it has none).
        value: String,
    },
    /// A district or city named twice in `districts:`.
    DuplicateDistrict {
        /// The name.
        value: String,
    },
    /// A `portal:` item not in the form it must have (an email address, a
    /// site code of ten digits, a public-security record with its number).
    Portal {
        /// `email`, `site_code` or `police_record`.
        field: &'static str,
        /// As written.
        value: String,
    },
}

/// Personal data the guard looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PiiKind {
    /// A mainland resident ID number (18 or 15 digits).
    IdNumber,
    /// A mobile phone number.
    Mobile,
    /// A bank card number (Luhn-valid).
    BankCard,
    /// An 18-digit number with an ID number's region and birth date but a
    /// wrong check digit: most likely a mistyped ID number (a warning).
    LikelyIdNumber,
    /// A natural person's unmasked name after 当事人 / 被处罚人 / 申请人
    /// (a warning).
    Name,
}

impl Problem {
    /// The stable code of this problem (listed in the README).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::ConfigMissing => "config-missing",
            Problem::ContentMissing => "content-missing",
            Problem::Io { .. } => "io-error",
            Problem::LegacyEncoding { .. } => "legacy-encoding",
            Problem::NotText => "not-text",
            Problem::BinaryFile => "binary-file",
            Problem::FileTooLarge { .. } => "file-too-large",
            Problem::EmptyFile => "empty-file",
            Problem::SpecialFile { .. } => "special-file",
            Problem::StrayFile { .. } => "stray-file",
            Problem::BadSlug { .. } => "bad-slug",
            Problem::ReservedSlug { .. } => "reserved-slug",
            Problem::NonUtf8Name { .. } => "non-utf8-name",
            Problem::Symlink { .. } => "symlink",
            Problem::UrlCollision { .. } => "url-collision",
            Problem::FrontMatterMissing => "front-matter-missing",
            Problem::FrontMatterNotAtStart => "front-matter-not-at-start",
            Problem::FrontMatterUnclosed { .. } => "front-matter-unclosed",
            Problem::YamlSyntax { .. } => "yaml-syntax",
            Problem::DuplicateKey { .. } => "duplicate-key",
            Problem::YamlLimit { .. } => "yaml-limit",
            Problem::UnknownKey { .. } => "unknown-key",
            Problem::UnknownMetric { .. } => "unknown-metric",
            Problem::UnknownGroup { .. } => "unknown-group",
            Problem::MissingField { .. } => "missing-field",
            Problem::MissingMetric { .. } => "missing-metric",
            Problem::WrongType { .. } => "wrong-type",
            Problem::NullValue { .. } => "null-value",
            Problem::BadFigure { error, .. } => match error {
                FigureError::Negative { .. } => "negative-number",
                FigureError::Fraction { .. } => "fraction-in-count",
                FigureError::UnitInCount { .. } => "unit-in-count",
                FigureError::UnknownUnit { .. } => "unknown-unit",
                FigureError::TooPrecise { .. } => "too-precise",
                FigureError::TooLarge => "number-too-large",
                FigureError::RateOver100 => "rate-over-100",
                FigureError::MisplacedSeparator { .. } | FigureError::SplitNumber { .. } => {
                    "unclear-number"
                }
                FigureError::Empty | FigureError::NotANumber => "bad-figure",
            },
            Problem::TotalMismatch { .. } => "total-mismatch",
            Problem::SumTooLarge { .. } => "sum-too-large",
            Problem::NotApplicableConflict { .. } => "not-applicable-conflict",
            Problem::RateMismatch { .. } => "rate-mismatch",
            Problem::InvalidDate { .. } => "invalid-date",
            Problem::PublishedTooEarly { .. } => "published-too-early",
            Problem::DateAfterStatusDate { .. } => "date-after-status-date",
            Problem::LatePublication { .. } => "late-publication",
            Problem::MissingPublicationDate => "missing-publication-date",
            Problem::EmptyReport { .. } => "empty-report",
            Problem::RevisionRecord { .. } => "revision-record",
            Problem::YearMismatch { .. } => "year-mismatch",
            Problem::DuplicateTownship { .. } => "duplicate-township",
            Problem::MissingTownshipIndex { .. } => "missing-township-index",
            Problem::UnknownDistrict { .. } => "unknown-district",
            Problem::InvalidCoverage { .. } => "invalid-coverage",
            Problem::CoverageUnknown { .. } => "coverage-unknown",
            Problem::InvalidConfig { .. } => "invalid-config",
            Problem::ControlCharacter { .. } => "control-character",
            Problem::SourceChanged => "source-changed",
            Problem::Template { .. } => "template-error",
            Problem::ImportUnreadable { .. } => "import-unreadable",
            Problem::ImportUnsupported { .. } => "import-unsupported",
            Problem::ImportScanned { .. } => "import-scanned-pdf",
            Problem::ImportEncrypted => "import-encrypted-pdf",
            Problem::ImportPdfNoUnicode => "import-pdf-no-unicode",
            Problem::ImportNoText => "import-no-text",
            Problem::ImportNoYear => "import-no-year",
            Problem::ImportNoTownship => "import-no-township",
            Problem::ImportExists { .. } => "import-exists",
            Problem::PersonalData { kind, .. } => match kind {
                PiiKind::IdNumber => "pii-id-number",
                PiiKind::Mobile => "pii-mobile",
                PiiKind::BankCard => "pii-bank-card",
                PiiKind::LikelyIdNumber => "pii-likely-id-number",
                PiiKind::Name => "pii-name",
            },
        }
    }

    /// How serious the problem is.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::LegacyEncoding { .. }
            | Problem::LatePublication { .. }
            | Problem::MissingPublicationDate
            | Problem::EmptyReport { .. }
            | Problem::RevisionRecord { .. }
            | Problem::CoverageUnknown { .. }
            | Problem::RateMismatch { .. }
            | Problem::PersonalData {
                kind: PiiKind::LikelyIdNumber | PiiKind::Name,
                ..
            } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One problem found in a site.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// What is wrong.
    pub problem: Problem,
    /// The file, relative to the site root with `/` separators; `None` for
    /// problems of the whole site.
    pub file: Option<String>,
    /// Where in the file.
    pub pos: Option<Pos>,
    /// Other places involved.
    pub labels: Vec<Label>,
    /// The file's text (or, after [`Diagnostic::compact`], the lines around
    /// the places it points at), to show the offending lines.
    pub source: Option<Arc<str>>,
    /// The file line on which `source` starts (1 unless compacted).
    pub source_line: u32,
}

impl Diagnostic {
    /// A problem of the whole site.
    pub fn site(problem: Problem) -> Diagnostic {
        Diagnostic {
            problem,
            file: None,
            pos: None,
            labels: Vec::new(),
            source: None,
            source_line: 1,
        }
    }

    /// A problem of a whole file.
    pub fn file(problem: Problem, file: impl Into<String>) -> Diagnostic {
        Diagnostic {
            problem,
            file: Some(file.into()),
            pos: None,
            labels: Vec::new(),
            source: None,
            source_line: 1,
        }
    }

    /// A problem at a place in a file whose text is `source`.
    pub fn at(problem: Problem, file: impl Into<String>, pos: Pos, source: Arc<str>) -> Diagnostic {
        Diagnostic {
            problem,
            file: Some(file.into()),
            pos: Some(pos),
            labels: Vec::new(),
            source: Some(source),
            source_line: 1,
        }
    }

    /// Keep only the lines the diagnostic shows (one line of context around
    /// its places), so that thousands of diagnostics do not keep whole files
    /// alive.
    pub fn compact(mut self) -> Diagnostic {
        let (Some(source), Some(pos)) = (&self.source, self.pos) else {
            return self;
        };
        if self.source_line != 1 {
            return self;
        }
        let lines = std::iter::once(pos.line).chain(self.labels.iter().map(|l| l.pos.line));
        let (lo, hi) = lines.fold((u32::MAX, 0), |(lo, hi), l| (lo.min(l), hi.max(l)));
        // Two lines of margin: miette shows one line of context, and a span
        // at the end of a line may reach into the next.
        let first = lo.saturating_sub(2).max(1);
        let last = hi.saturating_add(2);
        let mut start = (first == 1).then_some(0);
        let mut end = source.len();
        let mut line = 1u32;
        let bytes = source.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line += 1;
                if line == first {
                    start = Some(i + 1);
                }
                if line == last + 1 {
                    end = i + 1;
                    break;
                }
            }
            i += 1;
        }
        if let Some(window) = start.and_then(|s| source.get(s..end)) {
            self.source = Some(Arc::from(window));
            self.source_line = first;
        }
        self
    }

    /// Add a secondary label.
    pub fn with_label(mut self, pos: Pos, note: Note) -> Diagnostic {
        self.labels.push(Label { pos, note });
        self
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }

    /// The severity.
    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }

    /// Whether this is an error (the build stops).
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// Ordering key: file, line, column, code — so output never depends on
    /// which thread found a problem first.
    pub fn sort_key(&self) -> (Option<&str>, u32, u32, &'static str) {
        (
            self.file.as_deref(),
            self.pos.map_or(0, |p| p.line),
            self.pos.map_or(0, |p| p.column),
            self.code(),
        )
    }
}

/// Sort diagnostics into their stable order (and drop exact duplicates).
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.problem == b.problem);
}

/// The display form of a path relative to `root`, with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for (i, comp) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&comp.as_os_str().to_string_lossy());
    }
    out
}
