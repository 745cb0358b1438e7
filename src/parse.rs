//! Parsing one content file into the content model.
//!
//! Each file is read, decoded, split into front matter and body, and its
//! front matter read field by field; every problem is reported (not just the
//! first), each at its own line and column. Figures go through
//! [`crate::figure::parse_figure`]; totals, rates and dates are then checked
//! by `validate` before the file's report is handed on.

use std::path::Path;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Expected, Pos, Problem};
use crate::discover::TownshipDir;
use crate::figure::{self, Figure, FigureError, Kind};
use crate::frontmatter;
use crate::model::{
    Attachment, Body, Contact, FigureEntry, Item, Officer, OtherFigure, Powers, Remedy, Report,
    Revision, Township, Year,
};
use crate::schema::Schema;
use crate::source;
use crate::validate;
use crate::yaml::{self, Entry, Fields, Node, Sink, Value};

/// A content file read and split, ready for its fields to be read.
struct Loaded {
    sink: Sink,
    root: Node,
    body: Body,
}

/// The whole text of a loaded file (the sink keeps it for messages).
fn text_of(loaded: &Loaded) -> std::sync::Arc<str> {
    loaded.sink.source.clone()
}

/// Read a file as text; the diagnostic says why it cannot be.
fn read(path: &Path, rel: &str) -> Result<source::Text, Vec<Diagnostic>> {
    source::read_text(path).map_err(|problem| vec![Diagnostic::file(problem, rel)])
}

/// Scan and split a file's text; `Err` if it cannot be read any further
/// (the diagnostics say why).
fn load(text: source::Text, rel: &str, config: &Config) -> Result<Loaded, Vec<Diagnostic>> {
    let mut sink = Sink::new(rel, text.text.clone());
    if let Some(encoding) = text.decoded_from {
        sink.whole(Problem::LegacyEncoding { encoding });
    }
    // The personal-data guard reads everything the file publishes: the text
    // as written, the front matter as YAML decodes it, and the body as the
    // page shows it (see `pii::guard_file`).
    let split = match frontmatter::split(&text.text) {
        Ok(s) => s,
        Err((problem, pos)) => {
            crate::pii::guard_file(&text.text, None, None, &config.privacy_allow, &mut sink);
            sink.at(problem, pos);
            return Err(sink.diagnostics);
        }
    };
    let offset = yaml::Offset {
        lines: split.yaml_lines_before,
    };
    let body_offset = text.text.len() - split.body.len();
    let root = match yaml::parse(split.yaml, offset, rel, &text.text) {
        Ok(node) => node,
        Err(d) => {
            let body = Some(body_offset);
            crate::pii::guard_file(&text.text, None, body, &config.privacy_allow, &mut sink);
            sink.diagnostics.extend(d);
            return Err(sink.diagnostics);
        }
    };
    crate::pii::guard_file(
        &text.text,
        Some(&root),
        Some(body_offset),
        &config.privacy_allow,
        &mut sink,
    );
    let body = Body::in_memory(text.text.clone(), body_offset);
    Ok(Loaded { sink, root, body })
}

/// Parse a township profile (`_index.md`).
pub fn township(
    dir: &TownshipDir,
    profile: &Path,
    root: &Path,
    config: &Config,
) -> (Option<Township>, Vec<Diagnostic>) {
    let rel = crate::diagnostic::display_path(root, profile);
    match read(profile, &rel) {
        Ok(text) => township_text(&dir.slug, text, &rel, config),
        Err(d) => (None, d),
    }
}

/// Parse a township profile from its text (`rel` names it in diagnostics).
pub fn township_text(
    slug: &str,
    text: source::Text,
    rel: &str,
    config: &Config,
) -> (Option<Township>, Vec<Diagnostic>) {
    let rel = rel.to_string();
    let mut loaded = match load(text, &rel, config) {
        Ok(l) => l,
        Err(d) => return (None, d),
    };
    let whole = Pos::new(1, 1, 3);
    let mut t = Township {
        slug: slug.to_string(),
        file: rel,
        source: text_of(&loaded),
        ..Township::default()
    };
    if loaded.root.is_null() {
        loaded
            .sink
            .at(Problem::MissingField { key: "name".into() }, whole);
        return (None, loaded.sink.diagnostics);
    }
    let Some(mut f) = Fields::of(&loaded.root, "front matter", "", &mut loaded.sink) else {
        return (None, loaded.sink.diagnostics);
    };
    let name = f.required_text("name", whole);
    t.draft = f.boolean("draft").is_some_and(|(d, _)| d);
    t.name_en = f.text("name_en").map(|(s, _)| s);
    if let Some((district, pos)) = f.text("district") {
        if !config.districts.is_empty() && !config.districts.contains(&district) {
            let suggestion = yaml::suggest(&district, config.districts.iter().map(String::as_str));
            f.sink().at(
                Problem::UnknownDistrict {
                    district: district.clone(),
                    suggestion,
                    known: config.districts.clone(),
                },
                pos,
            );
        }
        t.district = Some(district);
    }
    t.area_km2 = figure_field(&mut f, "area_km2", "面积（平方公里）", Kind::Area);
    t.communities = f.integer("communities").map(|(n, _)| n);
    t.villages = f.integer("villages").map(|(n, _)| n);
    t.population = figure_field(&mut f, "population", "常住人口", Kind::Count);
    t.enforcement_body = f.text("enforcement_body").map(|(s, _)| s);
    (t.covered_from, t.covered_until) = validate::coverage_fields(&mut f);
    if let Some(entry) = f.take("contact") {
        t.contact = contact(entry, f.sink());
    }
    if let Some(entry) = f.take("powers") {
        t.powers = powers(entry, f.sink());
    }
    f.finish();
    t.intro = loaded
        .body
        .markdown()
        .map(|m| m.into_owned())
        .unwrap_or_default();
    match name {
        Some((n, pos)) if !loaded.sink.has_errors() => {
            t.name = n;
            t.name_pos = Some(pos);
            (Some(t), loaded.sink.diagnostics)
        }
        _ => (None, loaded.sink.diagnostics),
    }
}

fn figure_field(
    f: &mut Fields<'_, '_>,
    key: &'static str,
    label: &str,
    kind: Kind,
) -> Option<figure::Stated> {
    let entry = f.take(key)?;
    match read_figure(&entry.key, label, &entry.value, kind, f.sink()) {
        Some(Figure::Stated(s)) => Some(s),
        _ => None,
    }
}

fn contact(entry: &Entry, sink: &mut Sink) -> Contact {
    let mut c = Contact::default();
    if let Some(mut f) = Fields::of(&entry.value, "contact", "contact", sink) {
        c.address = f.text("address").map(|(s, _)| s);
        c.phone = f.text("phone").map(|(s, _)| s);
        f.finish();
    }
    c
}

fn powers(entry: &Entry, sink: &mut Sink) -> Powers {
    let mut p = Powers::default();
    let Some(mut f) = Fields::of(&entry.value, "powers", "powers", sink) else {
        return p;
    };
    p.hotline = f.text("hotline").map(|(s, _)| s);
    if let Some(e) = f.take("officers") {
        p.officers = list_of(&e.value, "officers", f.sink(), |item, sink, pos| {
            let mut g = Fields::of(item, "officers", "officers", sink)?;
            let name = g.required_text("name", pos);
            let certificate = g.required_text("certificate", pos);
            let category = g.text("category").map(|(s, _)| s);
            let area = g.text("area").map(|(s, _)| s);
            g.finish();
            Some(Officer {
                name: name?.0,
                certificate: certificate?.0,
                category,
                area,
            })
        });
    }
    if let Some(e) = f.take("items") {
        p.items = list_of(&e.value, "items", f.sink(), |item, sink, pos| {
            let mut g = Fields::of(item, "items", "items", sink)?;
            let name = g.required_text("name", pos);
            let category = g.text("category").map(|(s, _)| s);
            let basis = g.text("basis").map(|(s, _)| s);
            g.finish();
            Some(Item {
                name: name?.0,
                category,
                basis,
            })
        });
    }
    if let Some(e) = f.take("remedies") {
        p.remedies = list_of(&e.value, "remedies", f.sink(), |item, sink, pos| {
            let mut g = Fields::of(item, "remedies", "remedies", sink)?;
            let kind = g.required_text("kind", pos);
            let body = g.required_text("body", pos);
            let time_limit = g.text("time_limit").map(|(s, _)| s);
            g.finish();
            Some(Remedy {
                kind: kind?.0,
                body: body?.0,
                time_limit,
            })
        });
    }
    f.finish();
    p
}

/// Read a list whose items are mappings.
fn list_of<T>(
    node: &Node,
    key: &str,
    sink: &mut Sink,
    mut read: impl FnMut(&Node, &mut Sink, Pos) -> Option<T>,
) -> Vec<T> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| read(item, sink, item.pos))
            .collect(),
        _ => {
            sink.at(
                Problem::WrongType {
                    key: key.to_string(),
                    expected: Expected::List,
                },
                node.pos,
            );
            Vec::new()
        }
    }
}

/// Parse an annual report (`<year>.md`) of township `slug`.
pub fn report(
    slug: &str,
    file_year: Year,
    path: &Path,
    attachments: Vec<Attachment>,
    root: &Path,
    config: &Config,
) -> (Option<Report>, Vec<Diagnostic>) {
    let rel = crate::diagnostic::display_path(root, path);
    match read(path, &rel) {
        Ok(text) => {
            let (report, diags) = report_text(slug, file_year, text, attachments, &rel, config);
            (
                report.map(|r| Report {
                    body: r.body.detach(path),
                    ..r
                }),
                diags,
            )
        }
        Err(d) => (None, d),
    }
}

/// Parse an annual report from its text (`rel` names it in diagnostics).
pub fn report_text(
    slug: &str,
    file_year: Year,
    text: source::Text,
    attachments: Vec<Attachment>,
    rel: &str,
    config: &Config,
) -> (Option<Report>, Vec<Diagnostic>) {
    let rel = rel.to_string();
    let mut loaded = match load(text, &rel, config) {
        Ok(l) => l,
        Err(d) => return (None, d),
    };
    let schema: &Schema = &config.schema;
    let whole = Pos::new(1, 1, 3);
    if loaded.root.is_null() {
        loaded.sink.at(
            Problem::MissingField {
                key: "title".into(),
            },
            whole,
        );
        return (None, loaded.sink.diagnostics);
    }
    let Some(mut f) = Fields::of(&loaded.root, "front matter", "", &mut loaded.sink) else {
        return (None, loaded.sink.diagnostics);
    };
    let title = f.required_text("title", whole);
    let draft = f.boolean("draft").is_some_and(|(d, _)| d);
    let year = match f.take("year") {
        Some(entry) => {
            let text = entry.value.scalar_text().map(str::trim);
            match text.and_then(crate::discover::parse_year) {
                Some(y) => {
                    if y != file_year {
                        f.sink().at(
                            Problem::YearMismatch {
                                file_year,
                                front_year: y,
                            },
                            entry.value.pos,
                        );
                    }
                    // The file name fixes the report's year (and its URL).
                    Some((file_year, entry.value.pos))
                }
                None => {
                    f.sink().at(
                        Problem::WrongType {
                            key: "year".into(),
                            expected: Expected::Year,
                        },
                        entry.value.pos,
                    );
                    None
                }
            }
        }
        None => {
            f.sink()
                .at(Problem::MissingField { key: "year".into() }, whole);
            None
        }
    };
    let published = f.date("published");
    let period_end = f.date("period_end");
    let source_note = f.text("source").map(|(s, _)| s);
    let updated = f.date("updated");
    let revisions = f.take("revisions").map(|e| {
        list_of(&e.value, "revisions", f.sink(), |item, sink, pos| {
            let mut g = Fields::of(item, "revisions", "revisions", sink)?;
            let date = g.date("date");
            let reason = g.required_text("reason", pos);
            if g.take("date").is_none() {
                g.sink()
                    .at(Problem::MissingField { key: "date".into() }, pos);
            }
            g.finish();
            let (date, pos) = date?;
            Some((
                Revision {
                    date,
                    reason: reason?.0,
                },
                pos,
            ))
        })
    });
    let (revisions, revision_pos): (Vec<Revision>, Vec<Pos>) =
        revisions.unwrap_or_default().into_iter().unzip();
    let metrics_entry = f.take("metrics");
    let mut figures = vec![FigureEntry::default(); schema.metrics().len()];
    let mut stated_at: Vec<Option<Pos>> = vec![None; schema.metrics().len()];
    if let Some(entry) = metrics_entry {
        read_metrics(&entry.value, schema, &mut figures, &mut stated_at, f.sink());
    }
    let other_figures = match f.take("other_figures") {
        Some(e) => read_other_figures(&e.value, schema, f.sink()),
        None => Vec::new(),
    };
    f.finish();

    let metrics_pos = metrics_entry.map_or(whole, |e| e.key_pos);
    validate::required_metrics(schema, &figures, metrics_pos, &mut loaded.sink);
    validate::complete_figures(schema, &mut figures, &stated_at, &mut loaded.sink);

    let (Some((title, _)), Some((year, _))) = (title, year) else {
        return (None, loaded.sink.diagnostics);
    };
    let report = Report {
        township: slug.to_string(),
        year,
        title,
        published: published.map(|(d, _)| d),
        period_end: period_end.map(|(d, _)| d),
        source: source_note,
        updated: updated.map(|(d, _)| d),
        revisions,
        figures,
        other_figures,
        attachments,
        body: loaded.body,
        file: rel,
        draft,
    };
    let dates = validate::DatePositions {
        published: published.map(|p| p.1),
        published_written: loaded.root.has_key("published"),
        updated: updated.map(|u| u.1),
        period_end: period_end.map(|p| p.1),
        revisions: revision_pos,
        whole,
    };
    validate::report_dates(&report, &dates, config.status_date, &mut loaded.sink);
    // An untouched skeleton, or a report whose content went missing (not
    // one whose figures are all wrong: those errors say enough).
    let written = |key: &str| {
        matches!(&loaded.root.value, Value::Map(entries) if entries.iter().any(|e| {
            e.key == key
                && match &e.value.value {
                    Value::Map(m) => !m.is_empty(),
                    Value::Seq(s) => !s.is_empty(),
                    _ => false,
                }
        }))
    };
    if !written("metrics")
        && !written("other_figures")
        && !loaded.sink.has_errors()
        && !has_text(report.body.markdown().as_deref().unwrap_or(""))
    {
        loaded.sink.at(Problem::EmptyReport { draft }, whole);
    }
    if loaded.sink.has_errors() {
        return (None, loaded.sink.diagnostics);
    }
    (Some(report), loaded.sink.diagnostics)
}

/// Whether a Markdown body has any text besides headings, comments and
/// blank lines (the four section headings of a skeleton are no text).
fn has_text(markdown: &str) -> bool {
    let mut in_comment = false;
    markdown.lines().any(|line| {
        let l = line.trim();
        if in_comment {
            in_comment = !l.contains("-->");
            return false;
        }
        if l.starts_with("<!--") {
            in_comment = !l.contains("-->");
            return false;
        }
        !(l.is_empty() || l.starts_with('#'))
    })
}

fn read_metrics(
    node: &Node,
    schema: &Schema,
    figures: &mut [FigureEntry],
    stated_at: &mut [Option<Pos>],
    sink: &mut Sink,
) {
    let Value::Map(entries) = &node.value else {
        if !node.is_null() {
            sink.at(
                Problem::WrongType {
                    key: "metrics".into(),
                    expected: Expected::Mapping,
                },
                node.pos,
            );
        }
        return;
    };
    for e in entries {
        let Some(id) = schema.id(&e.key) else {
            let (suggestion, by_label) = match schema.by_label(&e.key) {
                Some(m) => (Some(m.key.clone()), true),
                None => (yaml::suggest(&e.key, schema.keys()), false),
            };
            sink.at(
                Problem::UnknownMetric {
                    key: e.key.clone(),
                    suggestion,
                    by_label,
                },
                e.key_pos,
            );
            continue;
        };
        let Some(metric) = schema.metric(id) else {
            continue;
        };
        if let Some(fig) = read_figure(&e.key, &metric.label, &e.value, metric.kind, sink)
            && let (Some(slot), Some(at)) =
                (figures.get_mut(id.index()), stated_at.get_mut(id.index()))
        {
            *slot = FigureEntry {
                figure: fig,
                computed: false,
            };
            *at = Some(e.value.pos);
        }
    }
}

/// Read one figure value; report what is wrong with it.
fn read_figure(key: &str, label: &str, node: &Node, kind: Kind, sink: &mut Sink) -> Option<Figure> {
    read_figure_in(key, label, node, kind, "", sink)
}

/// Read one figure value whose text takes `unit` when it has none (万元 figures).
fn read_figure_in(
    key: &str,
    label: &str,
    node: &Node,
    kind: Kind,
    unit: &str,
    sink: &mut Sink,
) -> Option<Figure> {
    let text = match &node.value {
        Value::Null => {
            sink.at(
                Problem::NullValue {
                    key: key.to_string(),
                    figure: true,
                },
                node.pos,
            );
            return None;
        }
        Value::Str(s) => s.as_str(),
        Value::Number => {
            // YAML spellings that are not plain decimals (0x1F, 1e3, 1_000, .inf)
            // are not how a report states a figure.
            let raw = node.raw.trim_start_matches(['+', '-']);
            if raw
                .chars()
                .any(|c| matches!(c, 'x' | 'o' | 'e' | 'E' | '_' | 'n' | 'i' | 'I' | 'N'))
            {
                let error = FigureError::NotANumber;
                sink.at(
                    Problem::BadFigure {
                        key: key.to_string(),
                        label: label.to_string(),
                        error,
                    },
                    node.pos,
                );
                return None;
            }
            &node.raw
        }
        _ => {
            sink.at(
                Problem::WrongType {
                    key: key.to_string(),
                    expected: Expected::Figure,
                },
                node.pos,
            );
            return None;
        }
    };
    let with_unit;
    let text = if unit.is_empty() || text.trim_end().ends_with('元') {
        text
    } else {
        with_unit = format!("{}{unit}", text.trim_end());
        with_unit.as_str()
    };
    match figure::parse_figure(text, kind) {
        Ok(f) => Some(f),
        Err(error) => {
            sink.at(
                Problem::BadFigure {
                    key: key.to_string(),
                    label: label.to_string(),
                    error,
                },
                node.pos,
            );
            None
        }
    }
}

/// The kind an `other_figures` entry takes from its unit.
fn kind_for_unit(unit: &str) -> Kind {
    match unit {
        "元" | "万元" => Kind::Money,
        "平方米" | "平方公里" | "公顷" | "亩" | "公里" | "米" | "吨" | "立方米" => {
            Kind::Area
        }
        "学时" | "小时" => Kind::Hours,
        "%" => Kind::Rate,
        _ => Kind::Count,
    }
}

fn read_other_figures(node: &Node, schema: &Schema, sink: &mut Sink) -> Vec<OtherFigure> {
    list_of(node, "other_figures", sink, |item, sink, pos| {
        let mut g = Fields::of(item, "other_figures", "other_figures", sink)?;
        let label = g.required_text("label", pos);
        let unit = g.required_text("unit", pos);
        let group = g.text("group");
        let value = g.take("value");
        if value.is_none() {
            g.sink().at(
                Problem::MissingField {
                    key: "value".into(),
                },
                pos,
            );
        }
        g.finish();
        let (label, _) = label?;
        let (mut unit, _) = unit?;
        let mut kind = kind_for_unit(&unit);
        let group = match group {
            Some((name, gpos)) => match schema.group_id(&name) {
                Some(id) => Some(id),
                None => {
                    let candidates = schema
                        .groups()
                        .iter()
                        .flat_map(|g| [g.key.as_str(), g.label.as_str()]);
                    let suggestion = yaml::suggest(&name, candidates);
                    sink.at(
                        Problem::UnknownGroup {
                            group: name,
                            suggestion,
                        },
                        gpos,
                    );
                    None
                }
            },
            None => None,
        };
        // 万元 figures are held (and shown) in yuan.
        let mut implied = "";
        if unit == "万元" {
            unit = "元".to_string();
            kind = Kind::Money;
            implied = "万元";
        }
        let figure = read_figure_in(&label, &label, &value?.value, kind, implied, sink)?;
        Some(OtherFigure {
            label,
            figure,
            unit,
            kind,
            group,
        })
    })
}
