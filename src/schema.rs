//! The figures schema: which figures a report carries, what they mean, and
//! how they add up.
//!
//! The default schema covers the annual-data categories of the disclosure
//! system (许可, 处罚, 强制, 征收, 征用, 检查; staff; legal review; supervision;
//! training; recording equipment) and every recurring figure of real township
//! reports. A site may relabel, add or drop metrics and mark some required in
//! `gongshi.yaml` (see [`crate::config`]). No default metric is required: an
//! absent figure is "not reported".

use std::collections::HashMap;

use serde::Serialize;

use crate::figure::Kind;

/// Index of a metric in its [`Schema`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct MetricId(pub u16);

impl MetricId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Index of a group in its [`Schema`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct GroupId(pub u16);

impl GroupId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A group of metrics, shown together (one table per group on year pages).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Stable key, e.g. `penalty`.
    pub key: String,
    /// Chinese label, e.g. 行政处罚.
    pub label: String,
    /// English label.
    pub label_en: String,
}

/// How a metric's values combine across townships.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Aggregate {
    /// Totals add up exactly.
    Sum,
    /// Not summed (e.g. each township's own list of enforcement items).
    None,
    /// A rate: recomputed from the summed numerator and denominator, never
    /// averaged or summed.
    Ratio,
}

/// How a metric may be computed from others within one report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Derive {
    /// Stated only.
    Stated,
    /// The sum of these parts (penalty cases = simple + general procedure).
    Sum(Vec<MetricId>),
    /// numerator / denominator, in percent.
    Rate {
        /// Numerator metric.
        numerator: MetricId,
        /// Denominator metric.
        denominator: MetricId,
    },
}

/// One metric of the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// Stable key as written in front matter, e.g. `penalty_cases`.
    pub key: String,
    /// Chinese label.
    pub label: String,
    /// English label.
    pub label_en: String,
    /// Unit (Chinese), e.g. 件.
    pub unit: String,
    /// Unit in English.
    pub unit_en: String,
    /// Its group.
    pub group: GroupId,
    /// What it measures.
    pub kind: Kind,
    /// How it combines across townships.
    pub aggregate: Aggregate,
    /// How it is computed from others.
    pub derive: Derive,
    /// Whether every report must state it.
    pub required: bool,
    /// Whether it counts cases (案件): a zero then reads 本年度无此类案件,
    /// where a zero of people, equipment, hours or money is a plain 0 with
    /// its unit (see [`crate::format::empty_note`]). Written `kind: cases`
    /// in the config.
    pub cases: bool,
}

/// The complete schema of a site.
#[derive(Clone, Debug)]
pub struct Schema {
    groups: Vec<Group>,
    metrics: Vec<Metric>,
    by_key: HashMap<String, MetricId>,
}

impl Schema {
    /// A schema with no metrics.
    pub fn empty() -> Schema {
        Schema {
            groups: Vec::new(),
            metrics: Vec::new(),
            by_key: HashMap::new(),
        }
    }

    /// All groups, in display order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// All metrics, in display order (grouped).
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// Metric ids, in display order.
    pub fn ids(&self) -> impl Iterator<Item = MetricId> + '_ {
        (0..self.metrics.len()).map(|i| MetricId(u16::try_from(i).unwrap_or(u16::MAX)))
    }

    /// The metric with this id.
    pub fn metric(&self, id: MetricId) -> Option<&Metric> {
        self.metrics.get(id.index())
    }

    /// The group with this id.
    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.get(id.index())
    }

    /// The metric whose label (Chinese or English) a key was written as:
    /// `行政检查` → `inspections`. An exact label first; else the one metric
    /// whose label the text contains or is contained in (`行政检查次数`), if
    /// only one matches.
    pub fn by_label(&self, text: &str) -> Option<&Metric> {
        let text = text.trim();
        if text.chars().count() < 2 {
            return None;
        }
        let exact = self
            .metrics
            .iter()
            .find(|m| m.label == text || m.label_en.eq_ignore_ascii_case(text));
        exact.or_else(|| {
            let mut close = self.metrics.iter().filter(|m| {
                m.label.chars().count() >= 2 && (text.contains(&m.label) || m.label.contains(text))
            });
            match (close.next(), close.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })
    }

    /// The id of the metric with this key.
    pub fn id(&self, key: &str) -> Option<MetricId> {
        self.by_key.get(key).copied()
    }

    /// The id of a group by key or by label (Chinese or English).
    pub fn group_id(&self, name: &str) -> Option<GroupId> {
        self.groups
            .iter()
            .position(|g| g.key == name || g.label == name || g.label_en == name)
            .and_then(|i| u16::try_from(i).ok())
            .map(GroupId)
    }

    /// Metrics of one group, in order.
    pub fn metrics_of(&self, group: GroupId) -> impl Iterator<Item = (MetricId, &Metric)> + '_ {
        self.ids()
            .zip(self.metrics.iter())
            .filter(move |(_, m)| m.group == group)
    }

    /// Metric keys, for "did you mean".
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(|m| m.key.as_str())
    }

    /// Build a schema from definitions by key (used by the default and by
    /// config overrides). Parts refer to metrics by key; unknown parts are
    /// returned as errors `(metric key, missing part key)`.
    pub fn build(
        groups: Vec<Group>,
        defs: Vec<MetricDef>,
    ) -> Result<Schema, Vec<(String, String)>> {
        // Order metrics by group order, keeping definition order within a group.
        let mut defs = defs;
        defs.sort_by_key(|d| {
            groups
                .iter()
                .position(|g| g.key == d.group)
                .unwrap_or(usize::MAX)
        });
        let by_key: HashMap<String, MetricId> = defs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| u16::try_from(i).ok().map(|i| (d.key.clone(), MetricId(i))))
            .collect();
        let mut missing = Vec::new();
        let mut metrics = Vec::with_capacity(defs.len());
        for d in defs {
            let mut lookup = |part: &str| match by_key.get(part) {
                Some(id) => Some(*id),
                None => {
                    missing.push((d.key.clone(), part.to_string()));
                    None
                }
            };
            let derive = match &d.derive {
                DeriveDef::Stated => Derive::Stated,
                DeriveDef::Sum(parts) => {
                    let ids: Vec<MetricId> = parts.iter().filter_map(|p| lookup(p)).collect();
                    Derive::Sum(ids)
                }
                DeriveDef::Rate(n, dnm) => match (lookup(n), lookup(dnm)) {
                    (Some(numerator), Some(denominator)) => Derive::Rate {
                        numerator,
                        denominator,
                    },
                    _ => Derive::Stated,
                },
            };
            let group = groups
                .iter()
                .position(|g| g.key == d.group)
                .and_then(|i| u16::try_from(i).ok())
                .map(GroupId);
            let Some(group) = group else {
                missing.push((d.key.clone(), d.group.clone()));
                continue;
            };
            let aggregate = match (&derive, d.aggregate) {
                (Derive::Rate { .. }, _) => Aggregate::Ratio,
                (_, false) => Aggregate::None,
                (_, true) => Aggregate::Sum,
            };
            metrics.push(Metric {
                key: d.key,
                label: d.label,
                label_en: d.label_en,
                unit: d.unit,
                unit_en: d.unit_en,
                group,
                kind: d.kind,
                aggregate,
                derive,
                required: d.required,
                cases: d.cases,
            });
        }
        if missing.is_empty() {
            Ok(Schema {
                groups,
                metrics,
                by_key,
            })
        } else {
            Err(missing)
        }
    }
}

/// A metric definition by keys, before it is resolved into a [`Schema`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricDef {
    /// Key.
    pub key: String,
    /// Chinese label.
    pub label: String,
    /// English label.
    pub label_en: String,
    /// Chinese unit.
    pub unit: String,
    /// English unit.
    pub unit_en: String,
    /// Group key.
    pub group: String,
    /// Kind.
    pub kind: Kind,
    /// Whether it sums across townships.
    pub aggregate: bool,
    /// Whether each report must state it.
    pub required: bool,
    /// Whether it counts cases (see [`Metric::cases`]).
    pub cases: bool,
    /// How it is derived.
    pub derive: DeriveDef,
}

/// How a metric definition derives its value, by keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeriveDef {
    /// Stated only.
    Stated,
    /// Sum of parts.
    Sum(Vec<String>),
    /// numerator / denominator.
    Rate(String, String),
}

/// The English unit for a Chinese unit, where gongshi knows one.
pub fn unit_en(unit: &str) -> String {
    match unit {
        "件" | "宗" => "cases",
        "次" => "times",
        "人" => "people",
        "人次" => "person-times",
        "元" => "yuan",
        "学时" => "hours",
        "项" => "items",
        "台" | "支" | "架" => "units",
        "平方米" => "m²",
        "%" => "%",
        "处" => "places",
        "起" => "cases",
        "辆次" => "vehicle-trips",
        other => other,
    }
    .to_string()
}

/// The built-in groups.
pub fn default_groups() -> Vec<Group> {
    const GROUPS: &[(&str, &str, &str)] = &[
        ("body", "执法主体与人员", "Enforcement body and staff"),
        ("inspection", "行政检查", "Inspections"),
        ("penalty", "行政处罚", "Penalties"),
        ("coercion", "行政强制", "Coercive measures"),
        ("permit", "行政许可", "Licensing"),
        ("levy", "行政征收", "Levies"),
        ("requisition", "行政征用", "Requisitions"),
        ("legal_review", "法制审核", "Legal review"),
        ("training", "培训", "Training"),
        ("supervision", "监督", "Supervision"),
        ("recording", "全过程记录", "Whole-process recording"),
        ("special", "专项整治", "Targeted enforcement"),
    ];
    GROUPS
        .iter()
        .map(|(key, label, label_en)| Group {
            key: (*key).to_string(),
            label: (*label).to_string(),
            label_en: (*label_en).to_string(),
        })
        .collect()
}

/// The built-in metric definitions, in display order.
pub fn default_metrics() -> Vec<MetricDef> {
    use Kind::{Area, Count, Hours, Money, Rate};
    // (key, label, label_en, unit, group, kind, sums across townships, derivation)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Kind,
        bool,
        &'static [&'static str],
    );
    const SUM: bool = true;
    const ROWS: &[Row] = &[
        (
            "enforcement_items",
            "执法事项",
            "Enforcement items",
            "项",
            "body",
            Count,
            false,
            &[],
        ),
        (
            "staff_total",
            "执法机构工作人员",
            "Staff of the enforcement body",
            "人",
            "body",
            Count,
            SUM,
            &["+", "staff_established", "staff_other"],
        ),
        (
            "staff_established",
            "在编人员",
            "Established posts",
            "人",
            "body",
            Count,
            SUM,
            &[],
        ),
        (
            "staff_other",
            "编外人员",
            "Other staff",
            "人",
            "body",
            Count,
            SUM,
            &[],
        ),
        (
            "certified_officers",
            "持证执法人员",
            "Certified officers",
            "人",
            "body",
            Count,
            SUM,
            &[],
        ),
        (
            "officers_added",
            "新增执法人员",
            "Officers added",
            "人",
            "body",
            Count,
            SUM,
            &[],
        ),
        (
            "officers_removed",
            "退出执法人员",
            "Officers removed",
            "人",
            "body",
            Count,
            SUM,
            &[],
        ),
        (
            "active_officers",
            "履职执法人员",
            "Officers who took enforcement action",
            "人",
            "body",
            Count,
            SUM,
            &[],
        ),
        (
            "duty_rate",
            "履职率",
            "Duty performance rate",
            "%",
            "body",
            Rate,
            SUM,
            &["/", "active_officers", "certified_officers"],
        ),
        (
            "inspections",
            "行政检查",
            "Administrative inspections",
            "次",
            "inspection",
            Count,
            SUM,
            &[],
        ),
        (
            "penalty_cases",
            "行政处罚案件",
            "Penalty cases",
            "件",
            "penalty",
            Count,
            SUM,
            &["+", "penalty_cases_simple", "penalty_cases_general"],
        ),
        (
            "penalty_cases_simple",
            "简易程序案件",
            "Summary-procedure cases",
            "件",
            "penalty",
            Count,
            SUM,
            &[],
        ),
        (
            "penalty_cases_general",
            "一般程序案件",
            "General-procedure cases",
            "件",
            "penalty",
            Count,
            SUM,
            &[],
        ),
        (
            "fines_total",
            "罚款金额",
            "Fines",
            "元",
            "penalty",
            Money,
            SUM,
            &["+", "fines_simple", "fines_general"],
        ),
        (
            "fines_simple",
            "简易程序罚款",
            "Summary-procedure fines",
            "元",
            "penalty",
            Money,
            SUM,
            &[],
        ),
        (
            "fines_general",
            "一般程序罚款",
            "General-procedure fines",
            "元",
            "penalty",
            Money,
            SUM,
            &[],
        ),
        (
            "confiscations",
            "没收违法所得",
            "Illegal gains confiscated",
            "元",
            "penalty",
            Money,
            SUM,
            &[],
        ),
        (
            "coercive_measures",
            "行政强制措施",
            "Coercive measures",
            "件",
            "coercion",
            Count,
            SUM,
            &[],
        ),
        (
            "coercive_enforcements",
            "行政强制执行",
            "Coercive enforcement",
            "件",
            "coercion",
            Count,
            SUM,
            &[],
        ),
        (
            "permits",
            "行政许可",
            "Licensing decisions",
            "件",
            "permit",
            Count,
            SUM,
            &[],
        ),
        (
            "levies",
            "行政征收",
            "Levies",
            "件",
            "levy",
            Count,
            SUM,
            &[],
        ),
        (
            "requisitions",
            "行政征用",
            "Requisitions",
            "件",
            "requisition",
            Count,
            SUM,
            &[],
        ),
        (
            "legal_reviewers",
            "法制审核人员",
            "Legal reviewers",
            "人",
            "legal_review",
            Count,
            SUM,
            &[],
        ),
        (
            "external_lawyers",
            "外聘律师",
            "External lawyers",
            "人",
            "legal_review",
            Count,
            SUM,
            &[],
        ),
        (
            "legal_office_staff",
            "法制机构专职人员",
            "Full-time legal office staff",
            "人",
            "legal_review",
            Count,
            SUM,
            &[],
        ),
        (
            "legal_reviews",
            "重大执法决定法制审核",
            "Major decisions reviewed",
            "件",
            "legal_review",
            Count,
            SUM,
            &[],
        ),
        (
            "training_sessions",
            "执法人员专题培训",
            "Officer training sessions",
            "次",
            "training",
            Count,
            SUM,
            &[],
        ),
        (
            "training_hours_officers",
            "执法人员培训学时",
            "Officer training hours",
            "学时",
            "training",
            Hours,
            SUM,
            &[],
        ),
        (
            "training_hours_auxiliary",
            "辅助执法人员培训学时",
            "Auxiliary staff training hours",
            "学时",
            "training",
            Hours,
            SUM,
            &[],
        ),
        (
            "legal_study_sessions",
            "法律法规专题学习",
            "Legal study sessions",
            "次",
            "training",
            Count,
            SUM,
            &[],
        ),
        (
            "law_publicity_events",
            "普法宣传活动",
            "Law-publicity events",
            "次",
            "training",
            Count,
            SUM,
            &[],
        ),
        (
            "supervisors",
            "执法监督人员",
            "Enforcement supervisors",
            "人",
            "supervision",
            Count,
            SUM,
            &[],
        ),
        (
            "supervision_inspections",
            "接受执法监督检查",
            "Supervision inspections received",
            "次",
            "supervision",
            Count,
            SUM,
            &[],
        ),
        (
            "platform_warnings",
            "处理监督平台预警",
            "Supervision-platform warnings handled",
            "件",
            "supervision",
            Count,
            SUM,
            &[],
        ),
        (
            "case_review_sessions",
            "组织案件评查",
            "Case-review sessions",
            "次",
            "supervision",
            Count,
            SUM,
            &[],
        ),
        (
            "case_files_reviewed",
            "评查行政处罚案卷",
            "Penalty case files reviewed",
            "件",
            "supervision",
            Count,
            SUM,
            &[],
        ),
        (
            "body_cameras",
            "执法记录仪",
            "Body cameras",
            "台",
            "recording",
            Count,
            SUM,
            &[],
        ),
        (
            "video_cameras",
            "录像机",
            "Video cameras",
            "台",
            "recording",
            Count,
            SUM,
            &[],
        ),
        (
            "voice_recorders",
            "录音笔",
            "Voice recorders",
            "支",
            "recording",
            Count,
            SUM,
            &[],
        ),
        (
            "drones",
            "航拍器",
            "Drones",
            "架",
            "recording",
            Count,
            SUM,
            &[],
        ),
        (
            "illegal_construction_cases",
            "整改违法用地、违法建设",
            "Illegal land use and construction rectified",
            "宗",
            "special",
            Count,
            SUM,
            &[],
        ),
        (
            "illegal_construction_area",
            "整改违法用地、违法建设面积",
            "Area of illegal land use and construction rectified",
            "平方米",
            "special",
            Area,
            SUM,
            &[],
        ),
    ];
    // The counts of cases (案件): enforcement decisions, one per case. A
    // count of inspections, sessions, people or devices is not one.
    const CASES: &[&str] = &[
        "penalty_cases",
        "penalty_cases_simple",
        "penalty_cases_general",
        "coercive_measures",
        "coercive_enforcements",
        "permits",
        "levies",
        "requisitions",
        "illegal_construction_cases",
    ];
    ROWS.iter()
        .map(
            |(key, label, label_en, unit, group, kind, sums, derive)| MetricDef {
                key: (*key).to_string(),
                label: (*label).to_string(),
                label_en: (*label_en).to_string(),
                unit: (*unit).to_string(),
                unit_en: unit_en(unit),
                group: (*group).to_string(),
                kind: *kind,
                aggregate: *sums,
                required: false,
                cases: CASES.contains(key),
                derive: match derive {
                    ["+", parts @ ..] => {
                        DeriveDef::Sum(parts.iter().map(|p| (*p).to_string()).collect())
                    }
                    ["/", n, d] => DeriveDef::Rate((*n).to_string(), (*d).to_string()),
                    _ => DeriveDef::Stated,
                },
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_resolves() {
        let schema = Schema::build(default_groups(), default_metrics());
        let schema = match schema {
            Ok(s) => s,
            Err(e) => panic!("{e:?}"),
        };
        let cases = schema
            .id("penalty_cases")
            .and_then(|id| schema.metric(id))
            .map(|m| m.derive.clone());
        let simple = schema.id("penalty_cases_simple");
        let general = schema.id("penalty_cases_general");
        assert_eq!(
            cases,
            Some(Derive::Sum(vec![
                simple.unwrap_or(MetricId(0)),
                general.unwrap_or(MetricId(0))
            ]))
        );
        let rate = schema
            .id("duty_rate")
            .and_then(|id| schema.metric(id))
            .map(|m| m.aggregate.clone());
        assert_eq!(rate, Some(Aggregate::Ratio));
        // Every group has at least one metric, and metrics come grouped.
        for (i, _) in schema.groups().iter().enumerate() {
            let gid = GroupId(i as u16);
            assert!(schema.metrics_of(gid).next().is_some());
        }
        let order: Vec<u16> = schema.metrics().iter().map(|m| m.group.0).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
        // Cases are counted in cases; every case metric exists.
        let cases: Vec<&str> = schema
            .metrics()
            .iter()
            .filter(|m| m.cases)
            .map(|m| m.key.as_str())
            .collect();
        assert_eq!(cases.len(), 9, "{cases:?}");
        for m in schema.metrics().iter().filter(|m| m.cases) {
            assert_eq!(m.kind, Kind::Count, "{}", m.key);
            assert!(["件", "宗"].contains(&m.unit.as_str()), "{}", m.key);
        }
        for key in ["drones", "training_sessions", "inspections", "fines_total"] {
            let m = schema.id(key).and_then(|id| schema.metric(id));
            assert_eq!(m.map(|m| m.cases), Some(false), "{key}");
        }
    }
}
