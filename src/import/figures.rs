//! The figures of a report, read from its sentences and tables.
//!
//! Chinese enforcement reports state their figures in a small, regular
//! grammar — 行政检查2537起, 罚款金额共计7300元, 1100余次, 超过60学时,
//! 持证执法人员16人，较去年增加一人 — that no general-purpose library parses:
//! a number (Arabic, full-width or small Chinese numerals, thousands
//! separators, 万), a qualifier (余/多/以上/约/左右/超过), a measure word
//! (次/起/件/人/元/学时/平方米 …), and the words around it that say what is
//! counted, for which year, and whether it is a level or a change. This
//! module is that grammar, written by hand.
//!
//! It never guesses silently: a figure is placed under a schema key only
//! when the words around it say so; two different values for one key, a
//! unit that disagrees with the key's kind, or a total that disagrees with
//! its parts are marked for confirmation; what cannot be placed is listed.

use std::collections::BTreeMap;

use crate::amount::Amount;
use crate::figure::{self, Figure, Kind, Precision};
use crate::schema::Schema;

use super::layout::Node;

/// Why a figure needs the official's confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Doubt {
    /// Another sentence gives a different value for the same key.
    TwoValues {
        /// The other values, as written.
        others: Vec<String>,
    },
    /// The unit does not fit the key (money in 次, hours in 人 …).
    UnitKind,
    /// A stated total disagrees with the sum of its stated parts.
    TotalMismatch {
        /// The sum of the parts, as written in front matter.
        sum: String,
    },
    /// 近 (nearly) has no equivalent in the figure notation.
    Nearly,
}

/// Where a figure goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A metric of the schema.
    Metric(String),
    /// A figure outside the schema (`other_figures`).
    Other {
        /// Its label, taken from the sentence.
        label: String,
        /// Its group key.
        group: &'static str,
    },
    /// A fact of the township profile (area, communities, villages, population).
    Profile(&'static str),
    /// Not placed: a change against another year, or a count of people the
    /// schema has no key for; listed for the official.
    Unplaced(&'static str),
}

/// One figure found in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Where it goes.
    pub target: Target,
    /// The value in gongshi's figure notation (`1100余`, `473240.6`, `超过60`).
    pub value: String,
    /// The exact amount (a lower bound or an approximation when not exact).
    pub amount: Amount,
    /// How exact it is.
    pub precision: Precision,
    /// The qualifier as written (余, 多, 以上, 约, 左右, 超过 …), or empty.
    pub qualifier: String,
    /// The unit as written.
    pub unit: String,
    /// The sentence it comes from.
    pub sentence: String,
    /// The figure as written in the sentence (byte range of `sentence`).
    pub span: (usize, usize),
    /// The year the figure is about.
    pub year: i32,
    /// Why it needs confirmation, if it does.
    pub doubt: Option<Doubt>,
    /// A schema key it was a candidate for before being kept outside the
    /// schema (a sub-figure of a specific campaign, say).
    pub also: Option<String>,
    /// Whether it stands in the report's overview (基本情况) or a table.
    overview: bool,
    /// Whether the sentence is about one particular kind of violation.
    specific: bool,
    /// The label it takes if it is kept outside the schema.
    label_hint: String,
}

impl Found {
    /// The figure as written in its sentence.
    pub fn written(&self) -> &str {
        self.sentence.get(self.span.0..self.span.1).unwrap_or("")
    }

    /// The schema key, if it has one.
    pub fn key(&self) -> Option<&str> {
        match &self.target {
            Target::Metric(k) => Some(k),
            _ => None,
        }
    }
}

/// What extraction found in a report.
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    /// Figures of the report's own year, in document order.
    pub figures: Vec<Found>,
    /// Figures about other years (2022年我镇开展行政检查553起), by year.
    pub other_years: BTreeMap<i32, Vec<Found>>,
}

// ------------------------------------------------------------ numbers

/// A number written in Chinese numerals (两, 十二, 三百零五, 一万二千), below 10^8.
pub fn han_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut total: u32 = 0;
    let mut section: u32 = 0;
    let mut digit: Option<u32> = None;
    for c in s.chars() {
        let d = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                section = section.checked_add(digit.take().unwrap_or(0))?;
                total = total.checked_add(section)?.checked_mul(10_000)?;
                section = 0;
                continue;
            }
            _ => return None,
        };
        section = section.checked_add(digit.take().unwrap_or(1).checked_mul(unit)?)?;
    }
    section = section.checked_add(digit.unwrap_or(0))?;
    total.checked_add(section)
}

const HAN_DIGITS: &str = "零〇一二两三四五六七八九十百千万";

/// Measure words, longest first so 人次 wins over 人.
const UNITS: &[&str] = &[
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "万元",
    "亿元",
    "人次",
    "辆次",
    "车次",
    "户次",
    "家次",
    "架次",
    "余元",
    "学时",
    "课时",
    "小时",
    "公顷",
    "公里",
    "元",
    "次",
    "起",
    "件",
    "人",
    "名",
    "位",
    "宗",
    "项",
    "台",
    "支",
    "架",
    "处",
    "个",
    "家",
    "户",
    "份",
    "场",
    "期",
    "批",
    "辆",
    "条",
    "套",
    "部",
    "间",
    "栋",
    "座",
    "吨",
    "亩",
    "篇",
    "册",
    "张",
    "块",
    "卷",
    "㎡",
    "%",
    "％",
];

fn unit_kind(unit: &str) -> Kind {
    match unit {
        "元" | "万元" | "亿元" => Kind::Money,
        "平方米" | "平方公里" | "平方千米" | "公顷" | "亩" | "㎡" | "立方米" | "公里" | "吨" => {
            Kind::Area
        }
        "学时" | "课时" | "小时" => Kind::Hours,
        "%" | "％" => Kind::Rate,
        _ => Kind::Count,
    }
}

/// A number in a sentence with what qualifies it.
#[derive(Clone, Debug)]
struct Token {
    /// Byte range of the whole figure as written (qualifiers and unit included).
    start: usize,
    end: usize,
    /// Where the number itself starts (after a prefix qualifier).
    number_start: usize,
    /// The digits, normalised (ASCII, no separators): `1100`, `15.7`.
    digits: String,
    /// 万 or 亿 written after the number.
    multiplier: &'static str,
    /// Whether it was written in Chinese numerals.
    han: bool,
    /// 余/多/以上/约/左右/超过/至少/逾/近, or empty.
    qualifier: &'static str,
    unit: &'static str,
}

fn fold(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        '．' => '.',
        _ => c,
    }
}

/// Every figure-like token of `s`: a number followed by a measure word.
fn tokens(s: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| fold(*c));
    let pos = |i: usize| chars.get(i).map_or(s.len(), |(p, _)| *p);
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < chars.len() {
        let Some(c) = at(i) else { break };
        let prev = i.checked_sub(1).and_then(at);
        let starts_arabic = c.is_ascii_digit()
            && !prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.' || p == '-' || p == '/');
        let starts_han =
            HAN_DIGITS.contains(c) && c != '万' && !prev.is_some_and(|p| HAN_DIGITS.contains(p));
        if !starts_arabic && !starts_han {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut j = i;
        if starts_arabic {
            while let Some(d) = at(j) {
                if d.is_ascii_digit() {
                    digits.push(d);
                    j += 1;
                } else if matches!(d, ',' | '，')
                    && (1..=3).all(|k| at(j + k).is_some_and(|x| x.is_ascii_digit()))
                    && !at(j + 4).is_some_and(|x| x.is_ascii_digit())
                    && !digits.is_empty()
                {
                    j += 1;
                } else if d == '.'
                    && at(j + 1).is_some_and(|x| x.is_ascii_digit())
                    && !digits.contains('.')
                {
                    digits.push('.');
                    j += 1;
                } else {
                    break;
                }
            }
        } else {
            let mut han = String::new();
            while let Some(d) = at(j).filter(|d| HAN_DIGITS.contains(*d)) {
                han.push(d);
                j += 1;
            }
            // 十 alone or 一万 are fine; a run of digits without 十百千 (一二三)
            // longer than one is an enumeration, not a number.
            match han_number(&han) {
                // 百次, 千家 alone are manners of speaking, not counts.
                Some(n)
                    if (han.chars().count() == 1 && !"百千".contains(han.as_str()))
                        || (han.chars().count() > 1 && han.contains(['十', '百', '千', '万'])) =>
                {
                    digits = n.to_string();
                }
                _ => {
                    i = j.max(i + 1);
                    continue;
                }
            }
        }
        // A year (2025年), a date or a clock time is no figure.
        let mut k = j;
        let mut multiplier = "";
        if starts_arabic {
            let rest_here = s.get(pos(k)..).unwrap_or("");
            match at(k) {
                Some('万') if !rest_here.starts_with("万元") => {
                    multiplier = "万";
                    k += 1;
                }
                Some('亿') => {
                    multiplier = "亿";
                    k += 1;
                }
                _ => {}
            }
        }
        let mut qualifier = "";
        let rest = s.get(pos(k)..).unwrap_or("");
        for q in ["余", "多"] {
            if rest.starts_with(q) {
                qualifier = q;
                k += 1;
                break;
            }
        }
        // 150余万元: the multiplier after the qualifier.
        if multiplier.is_empty()
            && s.get(pos(k)..)
                .is_some_and(|r| r.starts_with("万") && !r.starts_with("万元"))
        {
            multiplier = "万";
            k += 1;
        }
        let rest = s.get(pos(k)..).unwrap_or("");
        let unit = UNITS.iter().find(|u| rest.starts_with(**u)).copied();
        let unit = match unit {
            Some("余元") => None,
            other => other,
        };
        let (unit, after_unit) = match unit {
            Some(u) => (u, k + u.chars().count()),
            // 15.7万左右 (population) stands without a unit.
            None if multiplier == "万" => ("", k),
            None => {
                i = j.max(i + 1);
                continue;
            }
        };
        // Post-qualifiers: 88%以上, 60学时以上, 15.7万左右.
        let mut end = after_unit;
        let rest = s.get(pos(end)..).unwrap_or("");
        if qualifier.is_empty() {
            for q in ["以上", "左右", "余"] {
                if rest.starts_with(q) {
                    qualifier = q;
                    end += q.chars().count();
                    break;
                }
            }
        }
        // Prefix qualifiers: 约, 大约, 超过, 逾, 至少, 近.
        let before = s.get(..pos(start)).unwrap_or("");
        let mut number_start = start;
        let mut figure_start = start;
        if qualifier.is_empty() {
            for q in ["大约", "约", "超过", "至少", "不少于", "不低于", "逾", "近"] {
                if before.ends_with(q) {
                    qualifier = q;
                    figure_start = start.saturating_sub(q.chars().count());
                    break;
                }
            }
        }
        number_start = number_start.max(start);
        out.push(Token {
            start: pos(figure_start),
            end: pos(end),
            number_start: pos(number_start),
            digits,
            multiplier,
            han: starts_han,
            qualifier,
            unit,
        });
        i = end.max(i + 1);
    }
    out
}

/// The value of a token in gongshi's figure notation, for a metric of `kind`.
fn notation(t: &Token, kind: Kind) -> String {
    let mut number = t.digits.clone();
    number.push_str(t.multiplier);
    let unit = match (kind, t.unit) {
        (Kind::Money, "万元") => "万元",
        (Kind::Money, "亿元") => "亿",
        _ => "",
    };
    let (pre, post) = match t.qualifier {
        "余" => ("", "余"),
        "多" => ("", "多"),
        "以上" => ("", "以上"),
        "左右" => ("", "左右"),
        "约" | "大约" => ("约", ""),
        "超过" | "逾" => ("超过", ""),
        "至少" | "不少于" | "不低于" => ("至少", ""),
        _ => ("", ""),
    };
    match (unit, post) {
        ("万元", p) => format!("{pre}{}{p}万元", t.digits),
        ("亿", p) => format!("{pre}{}{p}亿", t.digits),
        (_, "%") => format!("{pre}{number}%"),
        _ if kind == Kind::Rate => format!("{pre}{number}%{post}"),
        _ => format!("{pre}{number}{post}"),
    }
}

// ------------------------------------------------------------ sentences

/// A sentence with the context it stands in.
struct Sentence {
    text: String,
    overview: bool,
    /// In a section about next year's plans (下一步工作安排).
    plan: bool,
}

fn is_overview_heading(text: &str) -> bool {
    [
        "基本情况",
        "总体情况",
        "基本概况",
        "工作概况",
        "主要数据",
        "数据",
        "执法情况概述",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// Split a paragraph into sentences (。！？；), keeping the punctuation.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        current.push(c);
        match c {
            '《' | '“' | '（' | '(' => depth += 1,
            '》' | '”' | '）' | ')' => depth -= 1,
            '。' | '！' | '？' | '；' | '!' | '?' | ';' if depth <= 0 => {
                out.push(std::mem::take(&mut current));
                depth = 0;
            }
            _ => {}
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Text with the titles of documents (《…》) blanked out, each character by
/// one of the same length in bytes, so byte offsets still hold.
fn without_titles(s: &str) -> String {
    let mut depth = 0;
    s.chars()
        .map(|c| match c {
            '《' => {
                depth += 1;
                c
            }
            '》' => {
                depth -= 1;
                c
            }
            _ if depth > 0 => match c.len_utf8() {
                1 => '_',
                2 => '·',
                3 => '〃',
                _ => '\u{10FFFF}',
            },
            _ => c,
        })
        .collect()
}

/// The year a figure at byte `at` of `sentence` is about.
fn year_at(sentence: &str, at: usize, report_year: i32) -> i32 {
    let plain = without_titles(sentence);
    let before = plain.get(..at).unwrap_or("");
    let mut year = report_year;
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let digits: String = chars
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|(_, c)| c.is_ascii_digit())
            .map(|(_, c)| *c)
            .collect();
        let prev_digit = i
            .checked_sub(1)
            .and_then(|p| chars.get(p))
            .is_some_and(|(_, c)| c.is_ascii_digit());
        if digits.len() == 4 && !prev_digit {
            let next = chars.get(i + 4).map(|(_, c)| *c);
            if next == Some('年')
                && let Ok(y) = digits.parse::<i32>()
                && (1990..=2100).contains(&y)
            {
                year = y;
            }
            i += 4;
            continue;
        }
        i += 1;
    }
    // 去年/上年 as the subject (not 较去年/比上年/与去年, which compare).
    for word in ["去年", "上年", "上一年"] {
        if let Some(p) = before.rfind(word) {
            let lead = before.get(..p).unwrap_or("");
            let compares = ["较", "比", "与", "同", "相比", "对比"]
                .iter()
                .any(|w| lead.ends_with(w));
            let later_year = before.get(p..).is_some_and(|r| {
                r.contains("年")
                    && r.get(word.len()..)
                        .is_some_and(|r| r.contains(&format!("{report_year}年")))
            });
            if !compares && !later_year {
                year = report_year - 1;
            }
        }
    }
    year
}

// ------------------------------------------------------------ keys

/// One way reports name a schema metric.
struct Rule {
    key: &'static str,
    /// Any of these must be in the context…
    any: &'static [&'static str],
    /// …and, if not empty, any of these too…
    with: &'static [&'static str],
    /// …and none of these.
    not: &'static [&'static str],
    /// Units it is written with (empty: any unit of the key's kind).
    units: &'static [&'static str],
}

const PEOPLE: &[&str] = &["人", "名", "位"];
const CASES: &[&str] = &["件", "起", "宗"];
const TIMES: &[&str] = &["次", "场", "期"];
const HOURS: &[&str] = &["学时", "课时", "小时"];

/// The rules, most specific first: the first that matches wins.
const RULES: &[Rule] = &[
    Rule {
        key: "enforcement_items",
        any: &["执法事项", "权力事项", "职权事项", "执法职权"],
        with: &[],
        not: &[],
        units: &["项"],
    },
    Rule {
        key: "legal_office_staff",
        any: &["法制办", "法制机构", "法制科", "法制工作机构"],
        with: &["专职", "工作人员"],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "staff_other",
        any: &["编外", "聘用人员", "协管员", "合同制"],
        with: &[],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "staff_established",
        any: &["在编", "行政编制", "事业编制"],
        with: &[],
        not: &["编外", "干部担任"],
        units: PEOPLE,
    },
    Rule {
        key: "certified_officers",
        any: &["持证", "执法证件的", "取得执法证"],
        with: &[],
        not: &["新增", "退出", "注销", "新取得"],
        units: PEOPLE,
    },
    Rule {
        key: "officers_added",
        any: &["新增", "增加", "新招录", "新取得"],
        with: &["执法人员", "执法证", "人员"],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "officers_removed",
        any: &["退出", "注销", "调离", "减少"],
        with: &["执法人员", "执法证", "人员"],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "duty_rate",
        any: &["履职率"],
        with: &[],
        not: &[],
        units: &["%", "％"],
    },
    Rule {
        key: "active_officers",
        any: &["履职执法人员", "参与办案", "办理过案件"],
        with: &[],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "external_lawyers",
        any: &["律师", "法律顾问"],
        with: &[],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "legal_reviewers",
        any: &["法制审核人员", "审核人员", "法制审核员"],
        with: &[],
        not: &[],
        units: PEOPLE,
    },
    Rule {
        key: "supervisors",
        any: &["监督人员", "监督员"],
        with: &[],
        not: &["接受"],
        units: PEOPLE,
    },
    Rule {
        key: "staff_total",
        any: &[
            "执法局",
            "执法大队",
            "执法队",
            "执法机构",
            "执法中队",
            "执法办",
        ],
        with: &["工作人员", "人员"],
        not: &["持证", "监督", "出动"],
        units: PEOPLE,
    },
    Rule {
        key: "legal_reviews",
        any: &["法制审核", "重大执法决定"],
        with: &["决定", "案件", "重大"],
        not: &["人员"],
        units: &["件", "次", "起"],
    },
    Rule {
        key: "case_files_reviewed",
        any: &["评查"],
        with: &[],
        not: &[],
        units: &["件", "卷", "份"],
    },
    Rule {
        key: "case_review_sessions",
        any: &["评查"],
        with: &[],
        not: &[],
        units: TIMES,
    },
    Rule {
        key: "platform_warnings",
        any: &["预警"],
        with: &[],
        not: &[],
        units: &["件", "条", "次", "起"],
    },
    Rule {
        key: "supervision_inspections",
        any: &["监督检查", "执法监督"],
        with: &["接受"],
        not: &[],
        units: TIMES,
    },
    Rule {
        key: "training_hours_auxiliary",
        any: &["辅助执法", "协管", "辅助人员", "辅警"],
        with: &["培训", "学习"],
        not: &[],
        units: HOURS,
    },
    Rule {
        key: "training_hours_officers",
        any: &["培训", "轮训"],
        with: &[],
        not: &[],
        units: HOURS,
    },
    Rule {
        key: "training_sessions",
        any: &["培训", "轮训", "讲座"],
        with: &[],
        not: &["辅助"],
        units: TIMES,
    },
    Rule {
        key: "law_publicity_events",
        any: &["普法", "宣传"],
        with: &[],
        not: &[],
        units: TIMES,
    },
    Rule {
        key: "legal_study_sessions",
        any: &["学习"],
        with: &["法", "专题"],
        not: &[],
        units: TIMES,
    },
    Rule {
        key: "body_cameras",
        any: &["执法记录仪", "记录仪"],
        with: &[],
        not: &[],
        units: &["台", "部", "个", "套"],
    },
    Rule {
        key: "video_cameras",
        any: &["录像机", "摄像机"],
        with: &[],
        not: &[],
        units: &["台", "部", "个"],
    },
    Rule {
        key: "voice_recorders",
        any: &["录音笔"],
        with: &[],
        not: &[],
        units: &["支", "个", "台"],
    },
    Rule {
        key: "drones",
        any: &["航拍器", "无人机"],
        with: &[],
        not: &[],
        units: &["架", "台"],
    },
    Rule {
        key: "illegal_construction_area",
        any: &["违法建设", "违法用地", "违建", "私搭乱盖", "违法建筑"],
        with: &[],
        not: &[],
        units: &["平方米", "㎡"],
    },
    Rule {
        key: "illegal_construction_cases",
        any: &["违法建设", "违法用地", "违建", "私搭乱盖", "违法建筑"],
        with: &["整改", "拆除", "查处", "治理"],
        not: &["出动"],
        units: &["宗", "处", "件", "起"],
    },
    Rule {
        key: "permits",
        any: &["行政许可"],
        with: &[],
        not: &[],
        units: &["件", "项", "次"],
    },
    Rule {
        key: "levies",
        any: &["行政征收"],
        with: &[],
        not: &[],
        units: &["件", "次"],
    },
    Rule {
        key: "requisitions",
        any: &["行政征用"],
        with: &[],
        not: &[],
        units: &["件", "次"],
    },
    Rule {
        key: "coercive_enforcements",
        any: &["强制执行"],
        with: &[],
        not: &[],
        units: &["件", "次", "起"],
    },
    Rule {
        key: "coercive_measures",
        any: &["强制措施"],
        with: &[],
        not: &["不予"],
        units: &["件", "次", "起"],
    },
    Rule {
        key: "confiscations",
        any: &["没收违法所得", "没收"],
        with: &[],
        not: &["罚没"],
        units: &["元", "万元"],
    },
    Rule {
        key: "penalty_cases_simple",
        any: &["简易程序"],
        with: &[],
        not: &[],
        units: CASES,
    },
    Rule {
        key: "penalty_cases_general",
        any: &["一般程序"],
        with: &[],
        not: &[],
        units: CASES,
    },
    Rule {
        key: "penalty_cases",
        any: &["处罚案件", "处罚案", "立案"],
        with: &[],
        not: &["评查"],
        units: CASES,
    },
    Rule {
        key: "fines_total",
        any: &["罚款", "罚没"],
        with: &[],
        not: &["无罚款"],
        units: &["元", "万元", "亿元"],
    },
    Rule {
        key: "inspections",
        any: &["检查"],
        with: &[],
        not: &["监督检查", "出动", "评查", "接受"],
        units: &["次", "起", "家次", "户次", "家", "户"],
    },
];

/// Keys stated once for the whole report in its overview; the same words in
/// a section about one campaign give a sub-figure, kept outside the schema.
const HEADLINE: &[&str] = &[
    "penalty_cases",
    "penalty_cases_simple",
    "penalty_cases_general",
    "fines_total",
    "fines_simple",
    "fines_general",
    "inspections",
    "confiscations",
];

fn family(key: &str) -> &str {
    if key.starts_with("penalty_cases") {
        "penalty_cases"
    } else if key.starts_with("fines") {
        "fines"
    } else {
        key
    }
}

fn contains_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// The rule a context and unit fit, and whether the unit's kind fits the key.
fn match_rule(context: &str, unit: &str) -> Option<(&'static Rule, bool)> {
    let mut kind_mismatch = None;
    for rule in RULES {
        if !contains_any(context, rule.any)
            || (!rule.with.is_empty() && !contains_any(context, rule.with))
            || contains_any(context, rule.not)
        {
            continue;
        }
        if rule.units.contains(&unit) {
            return Some((rule, true));
        }
        // The words fit but the unit is of another kind (罚款3起 is not money).
        let rule_kind = rule.units.first().map_or(Kind::Count, |u| unit_kind(u));
        if kind_mismatch.is_none() && unit_kind(unit) != rule_kind && is_decisive(rule.key) {
            kind_mismatch = Some(rule);
        }
    }
    kind_mismatch.map(|r| (r, false))
}

/// Keys whose words alone say what is measured (so a unit of another kind
/// is a contradiction to confirm, not a hint to look further).
fn is_decisive(key: &str) -> bool {
    matches!(
        key,
        "illegal_construction_area"
            | "training_hours_officers"
            | "training_hours_auxiliary"
            | "duty_rate"
    )
}

// ------------------------------------------------------------ labels

const LEADING: &[&str] = &[
    "其中",
    "同时",
    "并且",
    "并",
    "另外",
    "此外",
    "另",
    "共计",
    "累计",
    "合计",
    "共",
    "全年",
    "全镇",
    "我镇",
    "本镇",
    "我街",
    "年内",
    "今年以来",
    "截至目前",
    "截止目前",
    "目前",
    "先后",
    "依法依规",
    "依法",
    "对",
    "针对",
    "开展了",
    "开展",
    "实施",
    "进行了",
    "进行",
    "组织",
    "完成",
    "办理",
    "处理了",
    "度",
    "期间",
    "以来",
    "，",
    "、",
    "：",
];
const TRAILING: &[&str] = &[
    "共计", "累计", "合计", "共", "达到", "达", "有", "了", "约", "超过", "近", "逾", "至少",
    "总计",
];

fn strip_year_prefix(s: &str) -> &str {
    let t = s.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 4
        && let Some(r) = t.get(4..)
    {
        let r = r.trim_start();
        return r.strip_prefix("年").unwrap_or(t);
    }
    t
}

fn clean_label(s: &str) -> String {
    let mut t = s
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || super::layout::is_cjk_punct(c));
    loop {
        let before = t;
        t = strip_year_prefix(t);
        for w in LEADING {
            if let Some(r) = t.strip_prefix(w) {
                t = r;
            }
        }
        for w in TRAILING {
            if let Some(r) = t.strip_suffix(w) {
                t = r;
            }
        }
        t = t.trim_matches(|c: char| c.is_whitespace() || super::layout::is_cjk_punct(c));
        if t == before {
            break;
        }
    }
    t.to_string()
}

/// What a penalty was for: 处罚电动车违规进楼道行为 → 电动车违规进楼道.
fn topic(label: &str) -> String {
    let mut t = clean_label(label);
    loop {
        let before = t.clone();
        for w in ["处罚", "处理", "查处", "对", "同时"] {
            if let Some(r) = t.strip_prefix(w) {
                t = r.to_string();
            }
        }
        for w in [
            "进行处罚",
            "累计处罚",
            "的处罚",
            "处罚",
            "行为",
            "的",
            "进行",
        ] {
            if let Some(r) = t.strip_suffix(w) {
                t = r.to_string();
            }
        }
        if t == before {
            break;
        }
    }
    t
}

fn han_count(s: &str) -> usize {
    s.chars().filter(|c| super::read::is_han(*c)).count()
}

fn group_for(label: &str) -> &'static str {
    let has = |w: &[&str]| contains_any(label, w);
    if has(&["出动", "巡查", "清理", "整治", "治理"]) && !has(&["罚款", "处罚"]) {
        "special"
    } else if has(&["罚款", "处罚", "罚没", "案件", "查处"]) {
        "penalty"
    } else if has(&["强制"]) {
        "coercion"
    } else if has(&["许可"]) {
        "permit"
    } else if has(&["培训", "学习", "普法", "宣传"]) {
        "training"
    } else if has(&["监督", "评查"]) {
        "supervision"
    } else if has(&["审核"]) {
        "legal_review"
    } else if has(&["记录仪", "录像", "录音"]) {
        "recording"
    } else if has(&["检查"]) {
        "inspection"
    } else {
        "special"
    }
}

// ------------------------------------------------------------ extraction

/// A figure before its key is resolved.
struct Raw {
    found: Found,
    /// The figure as tokenised.
    tok: Token,
    /// A rule's key whose words fit, with whether the unit fits too.
    key: Option<(&'static str, bool)>,
    /// The label for an other figure.
    label: String,
    han: bool,
}

/// Extract the figures of `nodes` for a report of `year`.
pub fn extract(nodes: &[Node], year: i32, schema: &Schema) -> Extraction {
    let mut raws: Vec<Raw> = Vec::new();
    let has_sections = nodes
        .iter()
        .any(|n| matches!(n, Node::Heading { depth: 0, .. }));
    let mut overview = !has_sections;
    let mut plan = false;
    // In document order, so the text's own statement of a figure comes
    // before a table repeating it.
    for node in nodes {
        match node {
            Node::Heading { depth: 0, text } => {
                overview = is_overview_heading(text);
                plan = [
                    "下一步",
                    "工作安排",
                    "工作计划",
                    "打算",
                    "工作思路",
                    "工作举措",
                ]
                .iter()
                .any(|w| text.contains(w));
            }
            Node::Heading { .. } => {}
            Node::Paragraph(t) | Node::Item(t) => {
                for text in sentences(t) {
                    sentence_figures(
                        &Sentence {
                            text,
                            overview,
                            plan,
                        },
                        year,
                        &mut raws,
                    );
                }
            }
            Node::Table(rows) => table_figures(rows, year, &mut raws),
        }
    }
    resolve(raws, year, schema)
}

/// The figures of one sentence.
fn sentence_figures(s: &Sentence, report_year: i32, raws: &mut Vec<Raw>) {
    let text = &s.text;
    let plain = without_titles(text);
    let toks = tokens(text);
    let mut prev_end = 0usize;
    let mut prev_context = String::new();
    let mut prev_label = String::new();
    let specific_sentence = {
        let t = plain.as_str();
        (t.contains('对') && contains_any(t, &["行为", "情况", "问题", "进行"]))
            || t.contains("专项")
    };
    // The procedures named since the last amount of money: a fine right
    // after one procedure's cases is that procedure's (…案件64起，罚款10100元);
    // after both, it is the total.
    let mut procedures: Vec<&'static str> = Vec::new();
    for (n, tok) in toks.iter().enumerate() {
        // Text before the figure since the previous one, and its last clause.
        let segment = plain.get(prev_end..tok.start).unwrap_or("");
        let near = segment
            .rsplit(['，', ',', '；', '：', '、', '（', '('])
            .next()
            .unwrap_or(segment);
        let clause_start = plain
            .get(..tok.start)
            .and_then(|b| {
                let (at, c) = b
                    .char_indices()
                    .rev()
                    .find(|(_, c)| matches!(c, '，' | ',' | '；' | '：'))?;
                Some(at + c.len_utf8())
            })
            .unwrap_or(0);
        let clause = plain.get(clause_start..tok.start).unwrap_or("");
        // Text after the unit up to the end of the clause or the next figure.
        let next_start = toks.get(n + 1).map_or(plain.len(), |t| t.start);
        let after = plain.get(tok.end..next_start).unwrap_or("");
        let tail = after
            .split(['，', ',', '；', '。', '：', '、', '（', '('])
            .next()
            .unwrap_or("");
        prev_end = tok.end;
        for w in ["简易程序", "一般程序"] {
            if segment.contains(w) && !procedures.contains(&w) {
                procedures.push(w);
            }
        }
        let procedure = match procedures.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        if unit_kind(tok.unit) == Kind::Money {
            procedures.clear();
        }
        let year = year_at(text, tok.number_start, report_year);
        // A ratio (每2名执法人员配备1套) or an ordinal (第3次) is no figure.
        if clause.contains('每')
            || clause.contains("人均")
            || near.ends_with('第')
            || segment.ends_with("前")
        {
            continue;
        }
        let kind = unit_kind(tok.unit);
        let base = Found {
            target: Target::Unplaced("no-key"),
            value: String::new(),
            amount: Amount::ZERO,
            precision: Precision::Exact,
            qualifier: tok.qualifier.to_string(),
            unit: tok.unit.to_string(),
            sentence: text.clone(),
            span: (tok.start, tok.end),
            year,
            doubt: None,
            also: None,
            overview: s.overview,
            specific: specific_sentence,
            label_hint: String::new(),
        };
        // A plan (计划新增执法记录仪10台) or a span of years (近三年累计) is
        // no figure of the year.
        let before_in_sentence = plain.get(..tok.start).unwrap_or("");
        let plan_words = ["计划", "拟", "预计", "力争", "争取", "目标"];
        let span = [
            "近两年",
            "近三年",
            "近五年",
            "三年来",
            "五年来",
            "多年来",
            "历年",
        ];
        if s.plan || contains_any(before_in_sentence, &plan_words) || contains_any(clause, &span) {
            let why = if contains_any(clause, &span) {
                "span"
            } else {
                "plan"
            };
            raws.push(Raw {
                found: Found {
                    target: Target::Unplaced(why),
                    ..base
                },
                tok: tok.clone(),
                key: None,
                label: String::new(),
                han: tok.han,
            });
            continue;
        }
        // A change against another year: 较去年增加一人, 同比下降5%.
        let change_words = [
            "增加", "减少", "上升", "下降", "增长", "提高", "多", "少", "增", "降",
        ];
        if contains_any(near, &["较", "比", "同比", "相比", "环比"])
            && change_words
                .iter()
                .any(|w| near.ends_with(w) || near.ends_with(&format!("{w}了")))
        {
            raws.push(Raw {
                found: Found {
                    target: Target::Unplaced("change"),
                    ..base
                },
                tok: tok.clone(),
                key: None,
                label: String::new(),
                han: tok.han,
            });
            continue;
        }
        // Township profile facts.
        if let Some(field) = profile_field(near, tail, tok) {
            let (amount, precision, value) = value_of(tok, Kind::Count)
                .or_else(|| value_of(tok, Kind::Area))
                .unwrap_or((Amount::ZERO, Precision::Exact, String::new()));
            raws.push(Raw {
                found: Found {
                    target: Target::Profile(field),
                    amount,
                    precision,
                    value,
                    ..base
                },
                tok: tok.clone(),
                key: None,
                label: String::new(),
                han: tok.han,
            });
            continue;
        }
        // Which key: the words right after the figure (3名外聘律师), then
        // its clause, then everything since the previous figure. A figure
        // right after another (8宗10163平方米) shares its context.
        let generic = ["面积", "总面积", "金额", "涉及金额", "罚款金额"];
        let joined;
        let seg_label = clean_label(segment);
        let context_segment = if generic.contains(&seg_label.as_str())
            || seg_label.ends_with("面积")
            || seg_label.ends_with("金额")
        {
            joined = format!("{prev_context}{segment}");
            joined.as_str()
        } else if clean_label(segment).is_empty() {
            prev_context.as_str()
        } else {
            segment
        };
        let tiers = [tail, near, clause, context_segment];
        let tiers = tiers.iter().filter(|c| !c.trim().is_empty());
        // A rule whose unit fits, at the nearest tier; only then one whose
        // words fit but whose unit does not (to confirm).
        let matched = tiers
            .clone()
            .find_map(|c| match_rule(c, tok.unit).filter(|(_, fits)| *fits))
            .or_else(|| tiers.clone().find_map(|c| match_rule(c, tok.unit)));
        let key = matched.map(|(rule, fits)| {
            let mut k = rule.key;
            if k == "fines_total" && !contains_any(near, &["共计", "合计", "总计", "总额", "共"])
            {
                k = match procedure {
                    Some("简易程序") => "fines_simple",
                    Some("一般程序") => "fines_general",
                    _ => k,
                };
            }
            (k, fits)
        });
        // A label for a figure outside the schema: the words since the
        // previous figure, within the clause (乱吊乱挂、乱贴乱画行为500余处).
        let segment_clause = segment
            .rsplit(['，', ',', '；', '：', '（', '('])
            .next()
            .unwrap_or(segment);
        let mut label = clean_label(segment_clause);
        if han_count(&label) < 2 {
            // 共计1起: the words are in the clause before.
            let previous_clause = plain
                .get(..clause_start)
                .unwrap_or("")
                .trim_end_matches(['，', ',', '；', '：'])
                .rsplit(['，', ',', '；', '：', '。'])
                .next()
                .unwrap_or("");
            let t = topic(previous_clause);
            label = if previous_clause.contains("处罚") && !t.is_empty() {
                format!("处罚{t}")
            } else {
                clean_label(previous_clause)
            };
        }
        let tail_label = clean_label(tail);
        if han_count(&tail_label) >= 2 && !tail_label.starts_with('的') {
            label = format!("{label}{tail_label}");
        } else if let Some(t) = tail_label.strip_prefix('的').filter(|t| han_count(t) >= 2) {
            label = format!("{label}{t}");
        }
        if matches!(label.as_str(), "罚款" | "罚款金额" | "罚没款") && !prev_label.is_empty()
        {
            label = format!("{}罚款", topic(&prev_label));
        }
        if label.chars().count() > 40 {
            label = label.chars().skip(label.chars().count() - 40).collect();
        }
        prev_label = label.clone();
        if !clean_label(segment).is_empty() {
            prev_context = segment.to_string();
        }
        let _ = kind;
        raws.push(Raw {
            found: Found {
                label_hint: label.clone(),
                ..base
            },
            tok: tok.clone(),
            key,
            label,
            han: tok.han,
        });
    }
}

/// A township-profile fact: area, communities, villages, population.
fn profile_field(near: &str, tail: &str, tok: &Token) -> Option<&'static str> {
    match tok.unit {
        "平方公里" | "平方千米" if contains_any(near, &["面积", "辖区", "总面积"]) => {
            Some("area_km2")
        }
        "个" if tail.starts_with("社区")
            || tail.starts_with("居委会")
            || tail.starts_with("居民委员会") =>
        {
            Some("communities")
        }
        "个" if tail.starts_with("村") || tail.starts_with("行政村") => Some("villages"),
        "" | "人" if contains_any(near, &["人口"]) => Some("population"),
        _ => None,
    }
}

/// The exact value of a token for `kind`, checked by gongshi's own figure parser.
fn value_of(tok: &Token, kind: Kind) -> Option<(Amount, Precision, String)> {
    let value = notation(tok, kind);
    match figure::parse_figure(&value, kind) {
        Ok(Figure::Stated(s)) => Some((s.amount, s.precision, value)),
        _ => None,
    }
}

/// Figures of a table: a label column and value columns, the header naming
/// years (2024年 / 2023年) or units (数量（件）).
fn table_figures(rows: &[Vec<String>], report_year: i32, raws: &mut Vec<Raw>) {
    let Some(header) = rows.first() else { return };
    let header_has_numbers = header
        .iter()
        .skip(1)
        .any(|c| !tokens(c).is_empty() || c.chars().all(|c| c.is_ascii_digit()) && !c.is_empty());
    let header_years: Vec<Option<i32>> = header
        .iter()
        .map(|c| {
            let d: String = c.chars().filter(|c| c.is_ascii_digit()).collect();
            if d.len() == 4 {
                d.parse().ok()
            } else if c.contains("上年") || c.contains("去年") {
                Some(report_year - 1)
            } else {
                None
            }
        })
        .collect();
    let body = if header_has_numbers && header_years.iter().all(Option::is_none) {
        rows
    } else {
        rows.get(1..).unwrap_or(&[])
    };
    for row in body {
        let Some(label_cell) = row.first() else {
            continue;
        };
        let line = row.join(" | ");
        // A unit in the label: 罚款金额（元）.
        let label_unit = label_cell
            .split(['（', '('])
            .nth(1)
            .map(|u| u.trim_end_matches(['）', ')']).to_string());
        let label = clean_label(label_cell.split(['（', '(']).next().unwrap_or(label_cell));
        for (j, cell) in row.iter().enumerate().skip(1) {
            let col_year = header_years
                .get(j)
                .copied()
                .flatten()
                .unwrap_or(report_year);
            let header_unit = header
                .get(j)
                .and_then(|h| h.split(['（', '(']).nth(1))
                .map(|u| u.trim_end_matches(['）', ')']).to_string());
            let unit = label_unit.clone().or(header_unit);
            let cell_text = match (&unit, cell.chars().last()) {
                (Some(u), Some(c)) if c.is_ascii_digit() => format!("{cell}{u}"),
                _ => cell.clone(),
            };
            let toks = tokens(&cell_text);
            let Some(tok) = toks.first().filter(|t| t.start == 0 && toks.len() == 1) else {
                // A bare number with no unit anywhere: take the count unit
                // the label's key expects.
                continue;
            };
            // The span is the number as it stands in the row.
            let Some(at) = line.find(cell.as_str()) else {
                continue;
            };
            let written_len = cell.len();
            let key = match_rule(&label, tok.unit).map(|(r, fits)| (r.key, fits));
            raws.push(Raw {
                found: Found {
                    target: Target::Unplaced("no-key"),
                    value: String::new(),
                    amount: Amount::ZERO,
                    precision: Precision::Exact,
                    qualifier: tok.qualifier.to_string(),
                    unit: tok.unit.to_string(),
                    sentence: line.clone(),
                    span: (at, at + written_len),
                    year: col_year,
                    doubt: None,
                    also: None,
                    overview: true,
                    specific: false,
                    label_hint: label.clone(),
                },
                tok: tok.clone(),
                key,
                label: label.clone(),
                han: tok.han,
            });
        }
    }
}

/// Decide every figure's place.
fn resolve(raws: Vec<Raw>, report_year: i32, schema: &Schema) -> Extraction {
    let mut out = Extraction::default();
    let mut placed: Vec<Found> = Vec::new();
    for raw in raws {
        let Raw {
            mut found,
            tok,
            key,
            label,
            han,
        } = raw;
        if !matches!(found.target, Target::Unplaced("no-key")) {
            placed.push(found);
            continue;
        }
        match key.and_then(|(k, fits)| Some((schema.metric(schema.id(k)?)?, fits))) {
            Some((metric, fits)) => {
                let value = value_of(&tok, metric.kind);
                match value {
                    Some((amount, precision, v)) if fits => {
                        found.amount = amount;
                        found.precision = precision;
                        found.value = v;
                        found.target = Target::Metric(metric.key.clone());
                        if tok.qualifier == "近" {
                            found.doubt = Some(Doubt::Nearly);
                        }
                    }
                    _ => {
                        // The words name the key; the unit does not fit it.
                        found.value = notation(&tok, unit_kind(tok.unit));
                        found.target = Target::Metric(metric.key.clone());
                        found.doubt = Some(Doubt::UnitKind);
                    }
                }
            }
            None => {
                let kind = unit_kind(tok.unit);
                let people = matches!(tok.unit, "人" | "名" | "位" | "个" | "");
                match value_of(&tok, kind) {
                    Some((amount, precision, v)) if !han && !people && han_count(&label) >= 2 => {
                        found.amount = amount;
                        found.precision = precision;
                        found.value = v;
                        let group = group_for(&label);
                        found.target = Target::Other { label, group };
                        if tok.qualifier == "近" {
                            found.doubt = Some(Doubt::Nearly);
                        }
                    }
                    // 三项制度, 一支队伍: Chinese numerals name things; only
                    // a key's words make one a figure.
                    Some(_) if han => continue,
                    Some((amount, precision, v)) => {
                        found.amount = amount;
                        found.precision = precision;
                        found.value = v;
                        found.target = Target::Unplaced("no-key");
                    }
                    None => continue,
                }
            }
        }
        placed.push(found);
    }
    // Figures of other years go to their year; this year's are resolved.
    let (this, others): (Vec<Found>, Vec<Found>) =
        placed.into_iter().partition(|f| f.year == report_year);
    out.figures = settle(this, schema);
    let mut by_year: BTreeMap<i32, Vec<Found>> = BTreeMap::new();
    for f in others {
        by_year.entry(f.year).or_default().push(f);
    }
    for (y, figs) in by_year {
        out.other_years.insert(y, settle(figs, schema));
    }
    out
}

/// Settle the figures of one year: headline keys from the overview, two
/// values for one key doubted, totals checked against their parts.
fn settle(mut figs: Vec<Found>, schema: &Schema) -> Vec<Found> {
    // Headline keys: a campaign's own count or fine is no total of the report.
    let overview_families: Vec<String> = figs
        .iter()
        .filter(|f| f.overview)
        .filter_map(|f| f.key().map(|k| family(k).to_string()))
        .collect();
    for f in &mut figs {
        let Some(key) = f.key().map(str::to_string) else {
            continue;
        };
        if !HEADLINE.contains(&key.as_str()) || f.doubt.is_some() {
            continue;
        }
        let demote = if f.overview {
            false
        } else {
            f.specific || overview_families.iter().any(|fam| fam == family(&key))
        };
        if demote {
            let label = if han_count(&f.label_hint) >= 2 {
                f.label_hint.clone()
            } else {
                other_label(f)
            };
            let group = group_for(&label);
            f.also = Some(key);
            f.target = Target::Other { label, group };
        }
    }
    // One value per key: repeated equal values merge; different ones are doubted.
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in figs.iter().enumerate() {
        if let Some(k) = f.key() {
            by_key.entry(k.to_string()).or_default().push(i);
        }
    }
    let mut drop = vec![false; figs.len()];
    for idx in by_key.values() {
        let values: Vec<(Amount, Precision)> = idx
            .iter()
            .filter_map(|i| figs.get(*i).map(|f| (f.amount, f.precision)))
            .collect();
        let distinct: Vec<&(Amount, Precision)> = {
            let mut d: Vec<&(Amount, Precision)> = Vec::new();
            for v in &values {
                if !d.contains(&v) {
                    d.push(v);
                }
            }
            d
        };
        if distinct.len() <= 1 {
            for i in idx.iter().skip(1) {
                if let Some(d) = drop.get_mut(*i) {
                    *d = true;
                }
            }
        } else {
            let written: Vec<String> = idx
                .iter()
                .filter_map(|i| figs.get(*i).map(|f| f.value.clone()))
                .collect();
            for i in idx {
                if let Some(f) = figs.get_mut(*i) {
                    let others = written.iter().filter(|w| **w != f.value).cloned().collect();
                    f.doubt = Some(Doubt::TwoValues { others });
                }
            }
        }
    }
    let mut figs: Vec<Found> = figs
        .into_iter()
        .zip(drop)
        .filter_map(|(f, d)| (!d).then_some(f))
        .collect();
    // Equal other figures stated twice are one.
    let mut seen: Vec<(String, Amount)> = Vec::new();
    figs.retain(|f| match &f.target {
        Target::Other { label, .. } => {
            let k = (label.clone(), f.amount);
            if seen.contains(&k) {
                false
            } else {
                seen.push(k);
                true
            }
        }
        _ => true,
    });
    check_totals(&mut figs, schema);
    figs
}

fn other_label(f: &Found) -> String {
    // The label of a demoted headline figure is the clause it stands in.
    let before = f.sentence.get(..f.span.0).unwrap_or("");
    let clause = before
        .rsplit(['，', ',', '；', '：', '。'])
        .next()
        .unwrap_or(before);
    let mut label = clean_label(clause);
    if han_count(&label) < 2 || matches!(label.as_str(), "罚款" | "罚款金额") {
        let earlier = before
            .get(..before.len().saturating_sub(clause.len()))
            .unwrap_or("")
            .trim_end_matches(['，', ',', '；', '：'])
            .rsplit(['，', ',', '；', '：', '。'])
            .next()
            .unwrap_or("");
        let topic = clean_label(earlier);
        label = format!("{topic}{label}");
    }
    if label.chars().count() > 40 {
        label = label.chars().skip(label.chars().count() - 40).collect();
    }
    label
}

/// A stated total that disagrees with its stated exact parts is doubted.
fn check_totals(figs: &mut [Found], schema: &Schema) {
    for metric in schema.metrics() {
        let crate::schema::Derive::Sum(parts) = &metric.derive else {
            continue;
        };
        let Some(total_i) = figs
            .iter()
            .position(|f| f.key() == Some(metric.key.as_str()) && f.doubt.is_none())
        else {
            continue;
        };
        let mut sum = Some(Amount::ZERO);
        for part in parts {
            let Some(pm) = schema.metric(*part) else {
                sum = None;
                break;
            };
            match figs
                .iter()
                .find(|f| f.key() == Some(pm.key.as_str()) && f.doubt.is_none())
            {
                Some(f) if f.precision == Precision::Exact => {
                    sum = sum.and_then(|s| s.checked_add(f.amount))
                }
                _ => sum = None,
            }
        }
        if let (Some(sum), Some(total)) = (sum, figs.get_mut(total_i))
            && total.precision == Precision::Exact
            && total.amount != sum
        {
            total.doubt = Some(Doubt::TotalMismatch {
                sum: sum.to_plain(sum.natural_decimals()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(text: &str, year: i32) -> Vec<(String, String)> {
        let nodes = vec![Node::Paragraph(text.to_string())];
        let schema = crate::config::Config::builtin().schema;
        extract(&nodes, year, &schema)
            .figures
            .into_iter()
            .map(|f| {
                let target = match f.target {
                    Target::Metric(k) => k,
                    Target::Other { label, .. } => format!("other:{label}"),
                    Target::Profile(p) => format!("profile:{p}"),
                    Target::Unplaced(w) => format!("unplaced:{w}"),
                };
                (target, f.value)
            })
            .collect()
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(han_number("两"), Some(2));
        assert_eq!(han_number("十二"), Some(12));
        assert_eq!(han_number("二十三"), Some(23));
        assert_eq!(han_number("三百零五"), Some(305));
        assert_eq!(han_number("一万二千"), Some(12000));
        assert_eq!(han_number("甲"), None);
    }

    #[test]
    fn counts_amounts_and_qualifiers() {
        let f = figures(
            "共办理行政处罚案件9件，其中简易程序案件4件，一般程序案件5件，罚款金额共计7300元。",
            2025,
        );
        assert_eq!(
            f,
            vec![
                ("penalty_cases".into(), "9".into()),
                ("penalty_cases_simple".into(), "4".into()),
                ("penalty_cases_general".into(), "5".into()),
                ("fines_total".into(), "7300".into()),
            ]
        );
        let f = figures(
            "依法依规行使行政检查权1100余次，各项培训累计超过60学时，罚没150余万元。",
            2025,
        );
        assert_eq!(f.first(), Some(&("inspections".into(), "1100余".into())));
        assert_eq!(
            f.get(1),
            Some(&("training_hours_officers".into(), "超过60".into()))
        );
        assert_eq!(f.get(2), Some(&("fines_total".into(), "150余万元".into())));
        let f = figures("全镇持证执法人员１２人，执法记录仪1,024台。", 2025);
        assert_eq!(
            f,
            vec![
                ("certified_officers".into(), "12".into()),
                ("body_cameras".into(), "1024".into())
            ]
        );
    }

    #[test]
    fn changes_and_other_years_are_kept_apart() {
        let schema = crate::config::Config::builtin().schema;
        let nodes = vec![Node::Paragraph(
            "我镇共有持证执法人员16人，较去年增加一人。2022年我镇开展行政检查553起。".into(),
        )];
        let e = extract(&nodes, 2023, &schema);
        let keys: Vec<_> = e
            .figures
            .iter()
            .map(|f| (f.target.clone(), f.value.clone()))
            .collect();
        assert_eq!(
            keys.first(),
            Some(&(Target::Metric("certified_officers".into()), "16".into()))
        );
        assert!(matches!(keys.get(1), Some((Target::Unplaced("change"), _))));
        let y2022 = e.other_years.get(&2022).map(|v| v.len());
        assert_eq!(y2022, Some(1));
    }

    #[test]
    fn fines_follow_their_procedure() {
        let f = figures(
            "实施简易程序行政处罚案件64起，罚款10100元，实施一般程序行政处罚案件10起，罚款473240.6元。",
            2023,
        );
        assert_eq!(f.get(1), Some(&("fines_simple".into(), "10100".into())));
        assert_eq!(f.get(3), Some(&("fines_general".into(), "473240.6".into())));
    }

    #[test]
    fn two_values_for_one_key_are_doubted() {
        let schema = crate::config::Config::builtin().schema;
        let nodes = vec![Node::Paragraph(
            "执法记录仪46台。另配备执法记录仪40台。".into(),
        )];
        let e = extract(&nodes, 2023, &schema);
        assert!(
            e.figures
                .iter()
                .all(|f| matches!(f.doubt, Some(Doubt::TwoValues { .. })))
        );
    }
}
