//! The site's configuration, `gongshi.yaml`.
//!
//! Read with the same YAML tree and field reader as front matter, so a typo
//! in the config is an error with "did you mean", located to the character.
//! The config also carries the site's figures schema: the built-in default,
//! with the site's relabelled, added, dropped and required metrics applied.

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{ConfigReason, Diagnostic, Expected, Pos, Problem};
use crate::figure::Kind;
use crate::i18n::Lang;
use crate::schema::{self, DeriveDef, Group, MetricDef, MetricId, Schema};
use crate::yaml::{self, Fields, Node, Sink, Value};

/// The name of the config file at the site root.
pub const CONFIG_FILE: &str = "gongshi.yaml";

/// The config's name for a count of cases (`kind: cases`): a count whose
/// zero reads 本年度无此类案件 rather than 0 with its unit.
pub const CASES_KIND: &str = "cases";

/// A site's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// A sentence describing the site (meta description, feed subtitle).
    pub description: String,
    /// Absolute base URL, ending with `/`.
    pub base_url: String,
    /// Interface and message language.
    pub language: Lang,
    /// Theme name (`default` is built in).
    pub theme: String,
    /// The districts townships belong to (empty: not checked), in the
    /// config's order, those of the cities included.
    pub districts: Vec<String>,
    /// The cities (市) grouping districts, when the config names any
    /// (`districts: [- 某某市: [甲区, 乙区]]`).
    pub cities: Vec<City>,
    /// The status date, when the config fixes it (`as_of`).
    pub as_of: Option<Date>,
    /// The status date the site is built with, resolved by
    /// [`crate::site::Site::load`] before the content is read (`--as-of`,
    /// `as_of`, `SOURCE_DATE_EPOCH` or today); no date in the content may be
    /// later. `None` (parsing outside a site load) checks no date against it.
    pub status_date: Option<Date>,
    /// The first year the site holds every township's reports, if it says
    /// (a township's own `covered_from` overrides it).
    pub first_year: Option<crate::model::Year>,
    /// Figures shown as key-figure cards and trend charts.
    pub key_metrics: Vec<MetricId>,
    /// The metric townships are ranked by in summaries.
    pub rank_metric: Option<MetricId>,
    /// The figures schema.
    pub schema: Arc<Schema>,
    /// Phone numbers that may be published (official hotlines).
    pub privacy_allow: Vec<String>,
    /// What a government portal shows about itself (`portal:`): who runs
    /// the site, how to reach them, its registrations. Each item is shown
    /// only when set.
    pub portal: Portal,
}

/// The portal furniture of the site's footer (`portal:` in
/// `gongshi.yaml`): 主办单位, 承办单位, 联系我们, 网站标识码, ICP 备案号,
/// 公安机关备案号. Nothing has a default: a site shows what it sets, and
/// nothing it does not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Portal {
    /// 主办单位: the body responsible for the site (`sponsor`).
    pub sponsor: Option<String>,
    /// 承办单位: the body that runs it (`operator`).
    pub operator: Option<String>,
    /// 联系我们 (`contact`).
    pub contact: PortalContact,
    /// 网站标识码 (`site_code`): the ten digits of a government website's
    /// registration.
    pub site_code: Option<String>,
    /// ICP 备案号 (`icp_record`), as registered (津ICP备12345678号-1); linked
    /// to the MIIT record search, as portals do.
    pub icp_record: Option<String>,
    /// 公安机关备案号 (`police_record`), as registered (津公网安备
    /// 12011102000123号); linked to the public-security record search by its
    /// digits.
    pub police_record: Option<String>,
}

/// 联系我们: how to reach the site's operator.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PortalContact {
    /// Postal address.
    pub address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

impl PortalContact {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.address.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

impl Portal {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.sponsor.is_none()
            && self.operator.is_none()
            && self.contact.is_empty()
            && self.site_code.is_none()
            && self.icp_record.is_none()
            && self.police_record.is_none()
    }

    /// The digits of the public-security record number, by which its
    /// record search finds it (津公网安备 12011102000123号 → 12011102000123).
    pub fn police_code(&self) -> Option<String> {
        let digits: String = self
            .police_record
            .as_deref()?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then_some(digits)
    }
}

impl Config {
    /// The built-in configuration (used as the base of every site's).
    pub fn builtin() -> Config {
        // The default schema is static data checked by a unit test; should it
        // ever fail to resolve, fall back to an empty schema rather than panic.
        let schema = Schema::build(schema::default_groups(), schema::default_metrics())
            .unwrap_or_else(|_| Schema::empty());
        let (key_metrics, rank_metric) = default_summary_metrics(&schema);
        Config {
            title: "行政执法公示".to_string(),
            description: String::new(),
            base_url: "https://example.invalid/".to_string(),
            language: Lang::Zh,
            theme: "default".to_string(),
            districts: Vec::new(),
            cities: Vec::new(),
            as_of: None,
            status_date: None,
            first_year: None,
            key_metrics,
            rank_metric,
            schema: Arc::new(schema),
            privacy_allow: Vec::new(),
            portal: Portal::default(),
        }
    }
}

/// The default key metrics and rank metric, as far as `schema` has them.
fn default_summary_metrics(schema: &Schema) -> (Vec<MetricId>, Option<MetricId>) {
    const KEY: [&str; 4] = [
        "inspections",
        "penalty_cases",
        "fines_total",
        "certified_officers",
    ];
    (
        KEY.iter().filter_map(|k| schema.id(k)).collect(),
        schema.id("inspections"),
    )
}

/// Read `gongshi.yaml` in `root`. Returns the config (with defaults for
/// whatever could not be read) and every problem found.
pub fn load(root: &Path) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        return Err(Diagnostic::site(Problem::ConfigMissing));
    }
    let text = crate::source::read_text(&path).map_err(|p| Diagnostic::file(p, CONFIG_FILE))?;
    Ok(parse(&text.text))
}

/// Parse config text (see [`load`]).
pub fn parse(text: &Arc<str>) -> (Config, Vec<Diagnostic>) {
    let mut sink = Sink::new(CONFIG_FILE, text.clone());
    let mut config = Config::builtin();
    let root = match yaml::parse(text, yaml::Offset { lines: 0 }, CONFIG_FILE, text) {
        Ok(node) => node,
        Err(d) => return (config, d),
    };
    // The site's own texts (title, description, labels …) are published too.
    // Numbers the config allows are allowed in it.
    let allow: Vec<String> = allow_list(&root);
    crate::pii::guard_file(text, Some(&root), None, &allow, &mut sink);
    if root.is_null() {
        sink.whole(Problem::MissingField {
            key: "title".into(),
        });
        return (config, sink.diagnostics);
    }
    let whole = Pos::new(1, 1, 1);
    if let Some(mut f) = Fields::of(&root, "gongshi.yaml", "", &mut sink) {
        if let Some((title, _)) = f.required_text("title", whole) {
            config.title = title;
        }
        if let Some((d, _)) = f.text("description") {
            config.description = d;
        }
        if let Some((url, pos)) = f.required_text("base_url", whole) {
            match normalize_base_url(&url) {
                Some(u) => config.base_url = u,
                None => f.sink().at(
                    Problem::InvalidConfig {
                        key: "base_url".into(),
                        reason: ConfigReason::BaseUrl { value: url },
                    },
                    pos,
                ),
            }
        }
        if let Some((lang, pos)) = f.text("language") {
            match Lang::parse(&lang) {
                Some(l) => config.language = l,
                None => f.sink().at(
                    Problem::InvalidConfig {
                        key: "language".into(),
                        reason: ConfigReason::Language { value: lang },
                    },
                    pos,
                ),
            }
        }
        if let Some((theme, pos)) = f.text("theme") {
            if theme.is_empty()
                || !theme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                f.sink().at(
                    Problem::InvalidConfig {
                        key: "theme".into(),
                        reason: ConfigReason::Theme { value: theme },
                    },
                    pos,
                );
            } else {
                config.theme = theme;
            }
        }
        if let Some(entry) = f.take("districts") {
            (config.districts, config.cities) = read_districts(&entry.value, f.sink());
        }
        if let Some((date, _)) = f.date("as_of") {
            config.as_of = Some(date);
        }
        if let Some((year, _)) = f.year("first_year") {
            config.first_year = Some(year);
        }
        // The schema comes before the metrics that refer to it.
        if let Some(entry) = f.take("schema") {
            let schema = read_schema(&entry.value, f.sink());
            config.schema = Arc::new(schema);
            (config.key_metrics, config.rank_metric) = default_summary_metrics(&config.schema);
        }
        if let Some(list) = f.text_list("key_metrics") {
            let schema = config.schema.clone();
            config.key_metrics = list
                .into_iter()
                .filter_map(|(k, pos)| metric_ref(&schema, &k, pos, f.sink()))
                .collect();
        }
        if let Some((k, pos)) = f.text("rank_metric") {
            let schema = config.schema.clone();
            config.rank_metric = metric_ref(&schema, &k, pos, f.sink());
        }
        if let Some(entry) = f.take("privacy")
            && let Some(mut p) = Fields::of(&entry.value, "privacy", "privacy", f.sink())
        {
            if let Some(list) = p.text_list("allow") {
                config.privacy_allow = list.into_iter().map(|(s, _)| s).collect();
            }
            p.finish();
        }
        if let Some(entry) = f.take("portal") {
            config.portal = read_portal(&entry.value, f.sink());
        }
        f.finish();
    }
    (config, sink.diagnostics)
}

/// A city (市) and the districts (区/县) it groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct City {
    /// The city's name.
    pub name: String,
    /// Its districts, in the config's order.
    pub districts: Vec<String>,
}

/// The `districts:` list: each entry a district's name, or a city with
/// its districts (`- 某某市: [甲区, 乙区]`). Returns every district (in
/// order) and the cities.
fn read_districts(node: &Node, sink: &mut Sink) -> (Vec<String>, Vec<City>) {
    let mut districts: Vec<String> = Vec::new();
    let mut cities: Vec<City> = Vec::new();
    let Value::Seq(items) = &node.value else {
        sink.at(
            Problem::WrongType {
                key: "districts".into(),
                expected: Expected::List,
            },
            node.pos,
        );
        return (districts, cities);
    };
    let bad = |value: String| Problem::InvalidConfig {
        key: "districts".into(),
        reason: ConfigReason::CityForm { value },
    };
    // Every name once: a district in two places, or a city named like a
    // district, would make two pages claim the same townships.
    let mut seen: Vec<String> = Vec::new();
    let mut name = |text: &str, pos: Pos, sink: &mut Sink| -> Option<String> {
        let text = text.trim().to_string();
        if text.is_empty() {
            sink.at(bad(String::new()), pos);
            return None;
        }
        if seen.contains(&text) {
            sink.at(
                Problem::InvalidConfig {
                    key: "districts".into(),
                    reason: ConfigReason::DuplicateDistrict { value: text },
                },
                pos,
            );
            return None;
        }
        seen.push(text.clone());
        Some(text)
    };
    for item in items {
        if let Some(text) = item.scalar_text() {
            districts.extend(name(text, item.pos, sink));
            continue;
        }
        match &item.value {
            Value::Map(entries) if entries.len() == 1 => {
                let Some(entry) = entries.first() else {
                    continue;
                };
                let Value::Seq(list) = &entry.value.value else {
                    sink.at(bad(entry.key.clone()), entry.value.pos);
                    continue;
                };
                let Some(city) = name(&entry.key, entry.key_pos, sink) else {
                    continue;
                };
                let mut own = Vec::new();
                for d in list {
                    match d.scalar_text() {
                        Some(text) => own.extend(name(text, d.pos, sink)),
                        None => sink.at(bad(entry.key.clone()), d.pos),
                    }
                }
                if list.is_empty() {
                    sink.at(bad(entry.key.clone()), entry.value.pos);
                }
                districts.extend(own.iter().cloned());
                cities.push(City {
                    name: city,
                    districts: own,
                });
            }
            Value::Map(entries) => {
                let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
                sink.at(bad(keys.join(", ")), item.pos);
            }
            _ => sink.at(bad(String::new()), item.pos),
        }
    }
    (districts, cities)
}

/// The `portal:` section. An empty text counts as not set.
fn read_portal(node: &Node, sink: &mut Sink) -> Portal {
    let mut portal = Portal::default();
    let Some(mut f) = Fields::of(node, "portal", "portal", sink) else {
        return portal;
    };
    let set = |v: Option<(String, Pos)>| v.filter(|(s, _)| !s.is_empty());
    portal.sponsor = set(f.text("sponsor")).map(|(s, _)| s);
    portal.operator = set(f.text("operator")).map(|(s, _)| s);
    if let Some(entry) = f.take("contact")
        && let Some(mut c) = Fields::of(&entry.value, "contact", "portal.contact", f.sink())
    {
        portal.contact.address = set(c.text("address")).map(|(s, _)| s);
        portal.contact.phone = set(c.text("phone")).map(|(s, _)| s);
        if let Some((email, pos)) = set(c.text("email")) {
            if is_email(&email) {
                portal.contact.email = Some(email);
            } else {
                c.sink().at(portal_problem("email", email), pos);
            }
        }
        c.finish();
    }
    if let Some((code, pos)) = set(f.text("site_code")) {
        if code.len() == 10 && code.bytes().all(|b| b.is_ascii_digit()) {
            portal.site_code = Some(code);
        } else {
            f.sink().at(portal_problem("site_code", code), pos);
        }
    }
    portal.icp_record = set(f.text("icp_record")).map(|(s, _)| s);
    if let Some((record, pos)) = set(f.text("police_record")) {
        if record.chars().filter(char::is_ascii_digit).count() >= 8 {
            portal.police_record = Some(record);
        } else {
            f.sink().at(portal_problem("police_record", record), pos);
        }
    }
    f.finish();
    portal
}

fn portal_problem(field: &'static str, value: String) -> Problem {
    Problem::InvalidConfig {
        key: format!("portal.{field}"),
        reason: ConfigReason::Portal { field, value },
    }
}

/// `name@host.tld`, with nothing that would break a `mailto:` link.
fn is_email(s: &str) -> bool {
    let Some((user, host)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
}

/// The `privacy.allow` list, read loosely (for the guard of the config
/// itself, before the config is read field by field).
fn allow_list(root: &Node) -> Vec<String> {
    let Value::Map(entries) = &root.value else {
        return Vec::new();
    };
    let Some(privacy) = entries.iter().find(|e| e.key == "privacy") else {
        return Vec::new();
    };
    let Value::Map(entries) = &privacy.value.value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|e| e.key == "allow")
        .flat_map(|e| match &e.value.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(Node::scalar_text)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn metric_ref(schema: &Schema, key: &str, pos: Pos, sink: &mut Sink) -> Option<MetricId> {
    let id = schema.id(key);
    if id.is_none() {
        sink.at(
            Problem::UnknownMetric {
                key: key.to_string(),
                suggestion: yaml::suggest(key, schema.keys()),
                by_label: false,
            },
            pos,
        );
    }
    id
}

/// `https://example.gov.cn/zhifa` → `https://example.gov.cn/zhifa/`.
pub fn normalize_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        return None;
    }
    let mut out = url.to_string();
    if !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Apply the config's `schema:` section to the default schema.
fn read_schema(node: &Node, sink: &mut Sink) -> Schema {
    let mut groups = schema::default_groups();
    let mut defs = schema::default_metrics();
    let Some(mut f) = Fields::of(node, "schema", "schema", sink) else {
        return build_or_default(groups, defs, sink, node.pos);
    };
    if let Some(entry) = f.take("groups") {
        for_each_entry(
            &entry.value,
            "groups",
            f.sink(),
            |key, key_pos, value, sink| {
                let Some(mut g) = Fields::of(value, key, key, sink) else {
                    return;
                };
                let label = g.text("label");
                let label_en = g.text("label_en");
                g.finish();
                match groups.iter_mut().find(|gr| gr.key == key) {
                    Some(existing) => {
                        if let Some((l, _)) = label {
                            existing.label = l;
                        }
                        if let Some((l, _)) = label_en {
                            existing.label_en = l;
                        }
                    }
                    None => match label {
                        Some((l, _)) => groups.push(Group {
                            key: key.to_string(),
                            label_en: label_en.map_or_else(|| key.to_string(), |(l, _)| l),
                            label: l,
                        }),
                        None => sink.at(
                            Problem::InvalidConfig {
                                key: key.to_string(),
                                reason: ConfigReason::IncompleteMetric { field: "label" },
                            },
                            key_pos,
                        ),
                    },
                }
            },
        );
    }
    // Where the config defines or changes each metric, for messages.
    let mut written_at: Vec<(String, Pos)> = Vec::new();
    if let Some(entry) = f.take("metrics") {
        let group_keys: Vec<String> = groups.iter().map(|g| g.key.clone()).collect();
        for_each_entry(
            &entry.value,
            "metrics",
            f.sink(),
            |key, key_pos, value, sink| {
                written_at.push((key.to_string(), key_pos));
                read_metric_override(key, key_pos, value, &mut defs, &groups, &group_keys, sink);
            },
        );
    }
    let mut dropped: Vec<(String, Pos)> = Vec::new();
    if let Some(list) = f.text_list("drop") {
        for (key, pos) in list {
            if defs.iter().any(|d| d.key == key) {
                defs.retain(|d| d.key != key);
                dropped.push((key, pos));
            } else {
                let suggestion = yaml::suggest(&key, defs.iter().map(|d| d.key.as_str()));
                f.sink().at(
                    Problem::UnknownMetric {
                        key,
                        suggestion,
                        by_label: false,
                    },
                    pos,
                );
            }
        }
    }
    if let Some(list) = f.text_list("required") {
        for (key, pos) in list {
            match defs.iter_mut().find(|d| d.key == key) {
                Some(d) => d.required = true,
                None => {
                    let suggestion = yaml::suggest(&key, defs.iter().map(|d| d.key.as_str()));
                    f.sink().at(
                        Problem::UnknownMetric {
                            key,
                            suggestion,
                            by_label: false,
                        },
                        pos,
                    );
                }
            }
        }
    }
    f.finish();
    // A dropped metric that a total or rate still uses: report at the drop.
    for d in &defs {
        let parts: Vec<&String> = match &d.derive {
            DeriveDef::Stated => Vec::new(),
            DeriveDef::Sum(parts) => parts.iter().collect(),
            DeriveDef::Rate(n, dn) => vec![n, dn],
        };
        for part in parts {
            if let Some((_, pos)) = dropped.iter().find(|(k, _)| k == part) {
                sink.at(
                    Problem::InvalidConfig {
                        key: d.key.clone(),
                        reason: ConfigReason::DanglingPart { part: part.clone() },
                    },
                    *pos,
                );
            }
        }
    }
    // A total that is (through other totals) a part of itself would be
    // computed from itself: refuse it, naming the cycle.
    for cycle in derivation_cycles(&defs) {
        let at = cycle
            .iter()
            .find_map(|k| written_at.iter().find(|(w, _)| w == k).map(|(_, p)| *p))
            .unwrap_or(node.pos);
        let key = cycle.first().cloned().unwrap_or_default();
        for d in defs.iter_mut().filter(|d| cycle.contains(&d.key)) {
            d.derive = DeriveDef::Stated;
        }
        sink.at(
            Problem::InvalidConfig {
                key,
                reason: ConfigReason::Cycle { cycle },
            },
            at,
        );
    }
    // Drop dangling derivations so the schema still resolves.
    let present: Vec<String> = defs.iter().map(|d| d.key.clone()).collect();
    for d in &mut defs {
        let ok = match &d.derive {
            DeriveDef::Stated => true,
            DeriveDef::Sum(parts) => parts.iter().all(|p| present.contains(p)),
            DeriveDef::Rate(n, dn) => present.contains(n) && present.contains(dn),
        };
        if !ok {
            d.derive = DeriveDef::Stated;
        }
    }
    build_or_default(groups, defs, sink, node.pos)
}

/// Every cycle in the metrics' derivations (`a = b + …`, `b = a + …`;
/// `c = c + …`), each once, as the keys along it starting from the first
/// in definition order.
fn derivation_cycles(defs: &[MetricDef]) -> Vec<Vec<String>> {
    let parts_of = |key: &str| -> Vec<&str> {
        match defs.iter().find(|d| d.key == key).map(|d| &d.derive) {
            Some(DeriveDef::Sum(parts)) => parts.iter().map(String::as_str).collect(),
            Some(DeriveDef::Rate(n, d)) => vec![n.as_str(), d.as_str()],
            _ => Vec::new(),
        }
    };
    let mut cycles: Vec<Vec<String>> = Vec::new();
    let mut in_cycle: Vec<String> = Vec::new();
    // Depth-first from each metric; `path` is the chain being followed.
    fn walk<'a>(
        key: &'a str,
        path: &mut Vec<&'a str>,
        parts_of: &dyn Fn(&str) -> Vec<&'a str>,
        cycles: &mut Vec<Vec<String>>,
        in_cycle: &mut Vec<String>,
        done: &mut Vec<&'a str>,
    ) {
        if let Some(start) = path.iter().position(|k| *k == key) {
            let cycle: Vec<String> = path
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .map(|k| (*k).to_string())
                .collect();
            if !cycle.iter().any(|k| in_cycle.contains(k)) {
                in_cycle.extend(cycle.iter().cloned());
                cycles.push(cycle);
            }
            return;
        }
        if done.contains(&key) {
            return;
        }
        path.push(key);
        for part in parts_of(key) {
            walk(part, path, parts_of, cycles, in_cycle, done);
        }
        path.pop();
        done.push(key);
    }
    let mut done = Vec::new();
    for d in defs {
        let mut path = Vec::new();
        walk(
            &d.key,
            &mut path,
            &parts_of,
            &mut cycles,
            &mut in_cycle,
            &mut done,
        );
    }
    cycles
}

fn build_or_default(groups: Vec<Group>, defs: Vec<MetricDef>, sink: &mut Sink, pos: Pos) -> Schema {
    match Schema::build(groups, defs) {
        Ok(s) => s,
        Err(missing) => {
            for (key, part) in missing {
                sink.at(
                    Problem::InvalidConfig {
                        key,
                        reason: ConfigReason::DanglingPart { part },
                    },
                    pos,
                );
            }
            Schema::build(schema::default_groups(), schema::default_metrics())
                .unwrap_or_else(|_| Schema::empty())
        }
    }
}

fn for_each_entry(
    node: &Node,
    key: &str,
    sink: &mut Sink,
    mut each: impl FnMut(&str, Pos, &Node, &mut Sink),
) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                each(&e.key, e.key_pos, &e.value, sink);
            }
        }
        _ => sink.at(
            Problem::WrongType {
                key: key.to_string(),
                expected: Expected::Mapping,
            },
            node.pos,
        ),
    }
}

fn read_metric_override(
    key: &str,
    key_pos: Pos,
    value: &Node,
    defs: &mut Vec<MetricDef>,
    groups: &[Group],
    group_keys: &[String],
    sink: &mut Sink,
) {
    let Some(mut m) = Fields::of(value, key, key, sink) else {
        return;
    };
    let label = m.text("label");
    let label_en = m.text("label_en");
    let unit = m.text("unit");
    let unit_en = m.text("unit_en");
    let group = m.text("group");
    let kind = m.text("kind");
    let sum = m.boolean("sum");
    let parts = m.text_list("parts");
    let rate = m.text_list("rate");
    m.finish();

    let group_key = group.and_then(|(g, pos)| {
        match groups
            .iter()
            .find(|gr| gr.key == g || gr.label == g || gr.label_en == g)
        {
            Some(gr) => Some(gr.key.clone()),
            None => {
                sink.at(
                    Problem::InvalidConfig {
                        key: "group".into(),
                        reason: ConfigReason::Group {
                            suggestion: yaml::suggest(&g, group_keys.iter().map(String::as_str)),
                            value: g,
                        },
                    },
                    pos,
                );
                None
            }
        }
    });
    // `cases` is a count of cases: a count whose zero reads 本年度无此类案件.
    let kind = kind.and_then(|(k, pos)| match Kind::parse(&k) {
        Some(k) => Some((k, false)),
        None if k == CASES_KIND => Some((Kind::Count, true)),
        None => {
            sink.at(
                Problem::InvalidConfig {
                    key: "kind".into(),
                    reason: ConfigReason::Kind { value: k },
                },
                pos,
            );
            None
        }
    });
    let derive = match (parts, rate) {
        (Some(p), _) => Some(DeriveDef::Sum(p.into_iter().map(|(s, _)| s).collect())),
        (None, Some(r)) => match r.as_slice() {
            [(n, _), (d, _)] => Some(DeriveDef::Rate(n.clone(), d.clone())),
            _ => {
                sink.at(
                    Problem::InvalidConfig {
                        key: "rate".into(),
                        reason: ConfigReason::Value {
                            value: "[numerator, denominator]".into(),
                        },
                    },
                    key_pos,
                );
                None
            }
        },
        _ => None,
    };

    if let Some(existing) = defs.iter_mut().find(|d| d.key == key) {
        if let Some((l, _)) = label {
            existing.label = l;
        }
        if let Some((l, _)) = label_en {
            existing.label_en = l;
        }
        if let Some((u, _)) = unit {
            existing.unit_en = unit_en
                .as_ref()
                .map_or_else(|| schema::unit_en(&u), |(e, _)| e.clone());
            existing.unit = u;
        } else if let Some((e, _)) = unit_en {
            existing.unit_en = e;
        }
        if let Some(g) = group_key {
            existing.group = g;
        }
        if let Some((k, cases)) = kind {
            existing.kind = k;
            existing.cases = cases;
        }
        if let Some((s, _)) = sum {
            existing.aggregate = s;
        }
        if let Some(d) = derive {
            existing.derive = d;
        }
        return;
    }
    // A new metric needs its full definition.
    let missing = if label.is_none() {
        Some("label")
    } else if unit.is_none() {
        Some("unit")
    } else if group_key.is_none() {
        Some("group")
    } else if kind.is_none() {
        Some("kind")
    } else {
        None
    };
    if let Some(field) = missing {
        sink.at(
            Problem::InvalidConfig {
                key: key.to_string(),
                reason: ConfigReason::IncompleteMetric { field },
            },
            key_pos,
        );
        return;
    }
    if let (Some((label, _)), Some((unit, _)), Some(group), Some((kind, cases))) =
        (label, unit, group_key, kind)
    {
        defs.push(MetricDef {
            key: key.to_string(),
            label_en: label_en.map_or_else(|| key.to_string(), |(l, _)| l),
            label,
            unit_en: unit_en.map_or_else(|| schema::unit_en(&unit), |(u, _)| u),
            unit,
            group,
            kind,
            aggregate: sum.is_none_or(|(s, _)| s),
            required: false,
            cases,
            derive: derive.unwrap_or(DeriveDef::Stated),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> (Config, Vec<Diagnostic>) {
        parse(&Arc::from(s))
    }

    #[test]
    fn reads_a_full_config() {
        let (c, d) = parse_str(
            "title: 西青区乡镇行政执法公示\nbase_url: https://example.gov.cn/zhifa\nlanguage: en\n\
             districts: [西青区, 北辰区]\nas_of: 2026-02-01\nkey_metrics: [inspections]\nrank_metric: penalty_cases\n\
             schema:\n  metrics:\n    inspections: {label: 日常检查}\n    demolitions: {label: 拆除违法建设, unit: 宗, group: special, kind: count}\n  drop: [drones]\n  required: [inspections]\n",
        );
        assert!(
            d.is_empty(),
            "{:?}",
            d.iter().map(|d| d.problem.clone()).collect::<Vec<_>>()
        );
        assert_eq!(c.base_url, "https://example.gov.cn/zhifa/");
        assert_eq!(c.language, Lang::En);
        assert_eq!(c.districts, vec!["西青区", "北辰区"]);
        let s = &c.schema;
        assert!(s.id("drones").is_none());
        let insp = s.id("inspections").and_then(|i| s.metric(i));
        assert_eq!(
            insp.map(|m| (m.label.as_str(), m.required)),
            Some(("日常检查", true))
        );
        assert!(s.id("demolitions").is_some());
        assert_eq!(c.rank_metric, s.id("penalty_cases"));
    }

    #[test]
    fn districts_may_be_grouped_by_city() {
        let (c, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\ndistricts:\n  - 滨海新区\n  - 天津市: [西青区, 北辰区]\n  - 廊坊市:\n      - 安次区\n",
        );
        assert!(
            d.is_empty(),
            "{:?}",
            d.iter().map(|d| &d.problem).collect::<Vec<_>>()
        );
        assert_eq!(c.districts, ["滨海新区", "西青区", "北辰区", "安次区"]);
        assert_eq!(
            c.cities,
            [
                City {
                    name: "天津市".into(),
                    districts: vec!["西青区".into(), "北辰区".into()]
                },
                City {
                    name: "廊坊市".into(),
                    districts: vec!["安次区".into()]
                }
            ]
        );
    }

    #[test]
    fn misshapen_cities_are_located() {
        let (c, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\ndistricts:\n  - {name: 天津市, districts: [西青区]}\n  - 廊坊市: 安次区\n  - 北辰区\n  - 天津市: [北辰区, [x]]\n  - 河北区: []\n",
        );
        let got: Vec<(&str, Option<u32>, String)> = d
            .iter()
            .map(|d| (d.code(), d.pos.map(|p| p.line), format!("{:?}", d.problem)))
            .collect();
        assert_eq!(got.len(), 5, "{got:#?}");
        assert!(got.iter().all(|g| g.0 == "invalid-config"));
        let lines: Vec<Option<u32>> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            lines,
            [Some(4), Some(5), Some(7), Some(7), Some(8)],
            "{got:#?}"
        );
        assert!(got[2].2.contains("DuplicateDistrict"));
        assert_eq!(c.districts, ["北辰区"]);
        assert_eq!(c.cities.len(), 2);
        // Every message and help exists in both languages.
        for diag in &d {
            for lang in Lang::ALL {
                assert!(!diag.problem.message(lang).is_empty());
                assert!(diag.problem.help(lang).is_some());
            }
        }
    }

    #[test]
    fn typos_get_did_you_mean() {
        let (_, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\nlangauge: en\nkey_metrics: [inspection]\n",
        );
        let got: Vec<(&str, Option<u32>)> = d
            .iter()
            .map(|d| (d.code(), d.pos.map(|p| p.line)))
            .collect();
        assert_eq!(
            got,
            vec![("unknown-metric", Some(4)), ("unknown-key", Some(3))]
        );
        assert!(
            matches!(&d[1].problem, Problem::UnknownKey { suggestion: Some(s), .. } if s == "language")
        );
    }

    #[test]
    fn cycles_in_parts_are_refused_with_their_path() {
        let (c, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\nschema:\n  metrics:\n    a: {label: 甲, unit: 件, group: special, kind: count, parts: [b]}\n    b: {label: 乙, unit: 件, group: special, kind: count, parts: [a, permits]}\n    c: {label: 丙, unit: 件, group: special, kind: count, parts: [c]}\n    penalty_cases_simple: {parts: [penalty_cases]}\n",
        );
        let got: Vec<(Option<u32>, Option<Vec<String>>)> = d
            .iter()
            .map(|d| {
                (
                    d.pos.map(|p| p.line),
                    match &d.problem {
                        Problem::InvalidConfig {
                            reason: ConfigReason::Cycle { cycle },
                            ..
                        } => Some(cycle.clone()),
                        _ => None,
                    },
                )
            })
            .collect();
        let v = |k: &[&str]| Some(k.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            got,
            vec![
                (Some(8), v(&["penalty_cases", "penalty_cases_simple"])),
                (Some(5), v(&["a", "b"])),
                (Some(7), v(&["c"])),
            ]
        );
        // Nothing in a cycle is derived.
        let s = &c.schema;
        for key in ["a", "b", "c", "penalty_cases"] {
            let m = s.id(key).and_then(|i| s.metric(i));
            assert_eq!(
                m.map(|m| &m.derive),
                Some(&crate::schema::Derive::Stated),
                "{key}"
            );
        }
    }

    #[test]
    fn reads_the_portal_section_and_shows_only_what_is_set() {
        let (c, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\nportal:\n  sponsor: 西青区人民政府\n  operator: 西青区司法局\n  contact:\n    address: 天津市西青区某路1号\n    phone: 022-27392000\n    email: zhifa@xq.example.gov.cn\n  site_code: 1201110001\n  icp_record: 津ICP备12345678号-1\n  police_record: 津公网安备 12011102000123号\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let p = &c.portal;
        assert_eq!(p.sponsor.as_deref(), Some("西青区人民政府"));
        assert_eq!(p.operator.as_deref(), Some("西青区司法局"));
        assert_eq!(p.contact.phone.as_deref(), Some("022-27392000"));
        assert_eq!(p.contact.email.as_deref(), Some("zhifa@xq.example.gov.cn"));
        assert_eq!(p.site_code.as_deref(), Some("1201110001"));
        assert_eq!(p.icp_record.as_deref(), Some("津ICP备12345678号-1"));
        assert_eq!(p.police_code().as_deref(), Some("12011102000123"));
        // Nothing set, nothing shown: no defaults.
        let (c, d) = parse_str("title: t\nbase_url: https://x.cn/\nportal:\n  sponsor: \"\"\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(c.portal.is_empty());
        assert!(Config::builtin().portal.is_empty());
        // Wrong forms are errors at their place; a typo gets "did you mean".
        let (c, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\nportal:\n  contact:\n    email: zhifa at example\n  site_code: 12011\n  police_record: 津公网安备\n  sponsr: x\n",
        );
        let got: Vec<(&str, Option<u32>)> = d
            .iter()
            .map(|d| (d.code(), d.pos.map(|p| p.line)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("invalid-config", Some(5)),
                ("invalid-config", Some(6)),
                ("invalid-config", Some(7)),
                ("unknown-key", Some(8)),
            ]
        );
        assert!(c.portal.is_empty());
    }

    #[test]
    fn a_metric_of_kind_cases_counts_cases() {
        let (c, d) = parse_str(
            "title: t\nbase_url: https://x.cn/\nschema:\n  metrics:\n    demolitions: {label: 拆除违法建设, unit: 宗, group: special, kind: cases}\n    drones: {kind: count}\n    training_sessions: {kind: cases}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let s = &c.schema;
        let m = |k: &str| s.id(k).and_then(|i| s.metric(i)).unwrap();
        assert!(m("demolitions").cases);
        assert_eq!(m("demolitions").kind, Kind::Count);
        assert!(m("training_sessions").cases);
        assert!(!m("drones").cases);
        assert!(m("penalty_cases").cases);
    }

    #[test]
    fn dropping_a_part_is_reported() {
        let (_, d) =
            parse_str("title: t\nbase_url: https://x.cn/\nschema:\n  drop: [fines_simple]\n");
        assert_eq!(
            d.iter().map(|d| d.code()).collect::<Vec<_>>(),
            vec!["invalid-config"]
        );
    }
}
