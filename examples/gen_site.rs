//! Generate a large synthetic gongshi site for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_site -- <dir> <reports> [townships]
//! ```
//!
//! `townships` defaults to `reports / 5` (five years each); the years end in
//! 2025 and go back as far as `reports / townships` needs. The reference
//! corpus of `bench/run.sh` is 10,000 reports of 2,000 townships; 100,000 is
//! 20,000 × 5 or 2,000 × 50.
//!
//! Deterministic: a fixed-seed generator and nothing else (no clock, no
//! hash order), so the same arguments give the same bytes on every machine.
//!
//! The site is shaped like a real one:
//! - places: districts (区/县) of 10–30 townships; on large sites the
//!   districts are grouped into cities (市) — see [`places`];
//! - township profiles with name, English name, district, area,
//!   communities, villages, population (约…万) and enforcement body;
//! - reports with 16–40 figures of every kind of the built-in schema
//!   (counts, cases, money in yuan and fen, areas, hours, rates), written
//!   exact, as lower bounds (余, 多, 以上, 超过, 至少, +), approximate (约,
//!   左右, …万), 0, 无相关职责, or left out; totals stated with their parts,
//!   alone or computed; rates beside their counts or alone; other figures;
//!   published dates (a few late or absent, which are warnings), period
//!   ends and revision records;
//! - a body of about 2,300 Chinese characters with the four standard
//!   sections, sub-headings, lists and a table.
//!
//! Every figure passes gongshi's checks: the site builds with no errors and
//! a handful of warnings (undated and late reports, as real sites have).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The status date written into the config: after every generated date.
const AS_OF: &str = "2026-06-30";
/// The last year reported on.
const LAST_YEAR: u64 = 2025;

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Characters of place names with their pinyin (for slugs and English names).
const CHARS: &[(&str, &str)] = &[
    ("张", "zhang"),
    ("家", "jia"),
    ("窝", "wo"),
    ("辛", "xin"),
    ("口", "kou"),
    ("西", "xi"),
    ("营", "ying"),
    ("门", "men"),
    ("中", "zhong"),
    ("北", "bei"),
    ("南", "nan"),
    ("东", "dong"),
    ("杨", "yang"),
    ("柳", "liu"),
    ("青", "qing"),
    ("王", "wang"),
    ("李", "li"),
    ("庄", "zhuang"),
    ("河", "he"),
    ("桥", "qiao"),
    ("山", "shan"),
    ("水", "shui"),
    ("林", "lin"),
    ("石", "shi"),
    ("安", "an"),
    ("平", "ping"),
    ("城", "cheng"),
    ("湖", "hu"),
    ("塘", "tang"),
    ("岭", "ling"),
    ("集", "ji"),
    ("店", "dian"),
    ("屯", "tun"),
    ("堡", "bao"),
    ("沟", "gou"),
    ("洼", "wa"),
    ("坝", "ba"),
    ("寨", "zhai"),
    ("埠", "bu"),
    ("泉", "quan"),
    ("阳", "yang"),
    ("丰", "feng"),
    ("兴", "xing"),
    ("华", "hua"),
    ("宁", "ning"),
    ("福", "fu"),
    ("龙", "long"),
    ("云", "yun"),
    ("金", "jin"),
    ("马", "ma"),
    ("白", "bai"),
    ("黄", "huang"),
    ("红", "hong"),
    ("高", "gao"),
    ("长", "chang"),
    ("大", "da"),
    ("小", "xiao"),
    ("双", "shuang"),
    ("官", "guan"),
    ("太", "tai"),
    ("永", "yong"),
    ("顺", "shun"),
    ("康", "kang"),
    ("汉", "han"),
    ("沙", "sha"),
    ("桃", "tao"),
    ("梅", "mei"),
    ("竹", "zhu"),
    ("松", "song"),
    ("枣", "zao"),
    ("海", "hai"),
    ("盘", "pan"),
    ("浦", "pu"),
    ("洲", "zhou"),
    ("古", "gu"),
    ("韩", "han"),
    ("孟", "meng"),
    ("罗", "luo"),
    ("杜", "du"),
    ("潘", "pan"),
];

/// The `i`-th distinct name stem of `len` characters, spread over the
/// character table (an affine bijection of `0..N^len`, so stems never
/// repeat and neighbours do not look alike).
fn stem(i: u64, len: u32, salt: u64) -> (String, String) {
    let n = CHARS.len() as u64;
    let space = n.pow(len);
    // 7919 is prime and not a factor of 80^len: the map is a bijection.
    let mut p = (i.wrapping_mul(7919) + salt) % space;
    let (mut zh, mut py) = (String::new(), String::new());
    for _ in 0..len {
        let (c, s) = CHARS[(p % n) as usize];
        zh.push_str(c);
        py.push_str(s);
        p /= n;
    }
    (zh, py)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A district (区/县) and the city (市) it belongs to, if the site has cities.
struct District {
    name: String,
    city: Option<usize>,
}

/// The place hierarchy: township → district → city.
struct Places {
    cities: Vec<String>,
    districts: Vec<District>,
    /// The district of each township, by township index.
    township_district: Vec<usize>,
}

/// Assign townships to districts of 10–30 townships (one district for a
/// small site), and districts to cities of 4–12 districts when there are
/// more than 12 districts. Deterministic.
fn places(townships: u64, rng: &mut Rng) -> Places {
    let mut township_district = Vec::with_capacity(townships as usize);
    let mut sizes = Vec::new();
    let mut left = townships;
    while left > 0 {
        let size = rng.range(10, 30).min(left);
        // A remainder too small to be a district joins the previous one.
        if size < 10 && !sizes.is_empty() {
            *sizes.last_mut().expect("a district") += size;
        } else {
            sizes.push(size);
        }
        left -= size;
    }
    for (d, size) in sizes.iter().enumerate() {
        township_district.extend(std::iter::repeat_n(d, *size as usize));
    }
    let mut cities = Vec::new();
    let mut districts = Vec::with_capacity(sizes.len());
    let grouped = sizes.len() > 12;
    let mut in_city = 0;
    let mut city_size = 0;
    for d in 0..sizes.len() as u64 {
        let (zh, _) = stem(d, 2, 101);
        let suffix = if rng.chance(30) { "县" } else { "区" };
        let city = if grouped {
            if in_city == city_size {
                cities.push(stem(cities.len() as u64, 2, 4242).0 + "市");
                city_size = rng.range(4, 12);
                in_city = 0;
            }
            in_city += 1;
            Some(cities.len() - 1)
        } else {
            None
        };
        districts.push(District {
            name: zh + suffix,
            city,
        });
    }
    Places {
        cities,
        districts,
        township_district,
    }
}

/// Group districts under their cities in the config (`- 某某市: [..]`).
const GROUP_BY_CITY: bool = true;

/// The config's `districts:` entry.
fn districts_yaml(p: &Places) -> String {
    let mut out = String::from("districts:\n");
    if GROUP_BY_CITY && !p.cities.is_empty() {
        for (c, city) in p.cities.iter().enumerate() {
            let _ = writeln!(out, "  - {city}:");
            for d in p.districts.iter().filter(|d| d.city == Some(c)) {
                let _ = writeln!(out, "      - {}", d.name);
            }
        }
    } else {
        for d in &p.districts {
            let _ = writeln!(out, "  - {}", d.name);
        }
    }
    out
}

/// How a stated figure is written.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    Absent,
    NotApplicable,
    Zero,
    Exact,
    Lower,
    Approx,
}

/// A way to write a plain figure: mostly exact, some lower bounds and
/// approximations, some zeros, not applicable or absent.
fn way(rng: &mut Rng, rare: bool) -> Way {
    let r = rng.below(100);
    if rare {
        // Levies, requisitions and the like: most townships have no such power.
        return match r {
            0..40 => Way::NotApplicable,
            40..70 => Way::Zero,
            70..85 => Way::Absent,
            _ => Way::Exact,
        };
    }
    match r {
        0..12 => Way::Absent,
        12..15 => Way::NotApplicable,
        15..21 => Way::Zero,
        21..31 => Way::Lower,
        31..36 => Way::Approx,
        _ => Way::Exact,
    }
}

/// A count written `way` around `v`; `None` for absent.
fn count(rng: &mut Rng, v: u64, way: Way) -> Option<String> {
    Some(match way {
        Way::Absent => return None,
        Way::NotApplicable => "无相关职责".into(),
        Way::Zero => "0".into(),
        Way::Exact => v.to_string(),
        Way::Lower if v < 10 => v.to_string(),
        Way::Lower => {
            let v = round_down(v);
            match rng.below(6) {
                0 => format!("{v}多"),
                1 => format!("{v}以上"),
                2 => format!("超过{v}"),
                3 => format!("至少{v}"),
                4 => format!("{v}+"),
                _ => format!("{v}余"),
            }
        }
        Way::Approx => {
            let v = round_down(v).max(1);
            if v >= 20_000 {
                format!("约{}.{}万", v / 10_000, v / 1_000 % 10)
            } else if rng.chance(50) {
                format!("{v}左右")
            } else {
                format!("约{v}")
            }
        }
    })
}

/// Rounded down to its two leading digits (1234 → 1200), as reports write
/// lower bounds and approximations.
fn round_down(v: u64) -> u64 {
    let mut unit = 1;
    while v / unit >= 100 {
        unit *= 10;
    }
    v / unit * unit
}

/// An exact amount of money in fen, written in yuan (`12345.67`, `300`,
/// `7300元`).
fn money(rng: &mut Rng, fen: u64) -> String {
    let (yuan, f) = (fen / 100, fen % 100);
    match (f, rng.below(8)) {
        (0, 0) => format!("{yuan}元"),
        (0, _) => yuan.to_string(),
        (f, _) if f % 10 == 0 => format!("{yuan}.{}", f / 10),
        (f, _) => format!("{yuan}.{f:02}"),
    }
}

/// Metrics with no derivation, with a typical size per unit of township scale,
/// and whether they are usually not applicable.
const PLAIN: &[(&str, u64, bool)] = &[
    ("enforcement_items", 60, false),
    ("officers_added", 1, false),
    ("officers_removed", 1, false),
    ("inspections", 400, false),
    ("coercive_measures", 3, false),
    ("coercive_enforcements", 1, true),
    ("permits", 10, true),
    ("levies", 2, true),
    ("requisitions", 1, true),
    ("legal_reviewers", 1, false),
    ("external_lawyers", 1, false),
    ("legal_office_staff", 1, false),
    ("legal_reviews", 3, false),
    ("training_sessions", 3, false),
    ("training_hours_officers", 20, false),
    ("training_hours_auxiliary", 12, false),
    ("legal_study_sessions", 3, false),
    ("law_publicity_events", 6, false),
    ("supervisors", 1, false),
    ("supervision_inspections", 2, false),
    ("platform_warnings", 1, false),
    ("case_review_sessions", 2, false),
    ("case_files_reviewed", 10, false),
    ("body_cameras", 8, false),
    ("video_cameras", 2, false),
    ("voice_recorders", 2, false),
    ("drones", 1, true),
    ("illegal_construction_cases", 5, false),
    ("illegal_construction_area", 2000, false),
];

/// Figures outside the schema: (label, unit, group, typical size).
const OTHER: &[(&str, &str, &str, u64)] = &[
    ("清理整改占路摆卖等市容道路环境问题", "次", "special", 800),
    ("治理商铺店外堆物", "处", "special", 300),
    ("治理乱吊乱挂、乱贴乱画", "处", "special", 100),
    ("治理占路经营行为", "处", "special", 400),
    ("小区巡查出动执法人员", "人次", "special", 300),
    ("小区巡查出动执法车辆", "辆次", "special", 60),
    ("清理社区楼道电动车", "处", "special", 80),
    ("处罚电动车违规进楼道", "起", "penalty", 2),
    ("建筑垃圾执法检查出动执法人员", "人次", "special", 200),
    ("拆除违章广告牌匾", "块", "special", 40),
    ("开展燃气安全专项检查", "次", "inspection", 30),
    ("受理群众举报投诉", "件", "supervision", 50),
];

/// One township's character: its size drives all its figures.
struct Township {
    name: String,
    scale: u64,
    /// Whether it writes its totals, its parts, or both.
    style: u64,
}

/// Front matter for one report.
fn front_matter(rng: &mut Rng, t: &Township, year: u64, reports_so_far: u64) -> String {
    let mut fm = String::with_capacity(2048);
    let title_word = *rng.pick(&[
        "行政执法工作报告",
        "行政执法情况报告",
        "法治政府建设和行政执法工作报告",
    ]);
    let _ = writeln!(
        fm,
        "---\ntitle: {}{year}年度{title_word}\nyear: {year}",
        t.name
    );
    // Dates: published in January of the next year (due 31 January); one
    // in 500 undated and one in 500 late (both warnings).
    let dated = reports_so_far % 500 != 17;
    let late = reports_so_far % 500 == 251;
    if dated {
        let (m, d) = if late {
            (2 + rng.below(2), 1 + rng.below(28))
        } else {
            (1, 5 + rng.below(27))
        };
        let _ = writeln!(fm, "published: {}-{m:02}-{d:02}", year + 1);
        if rng.chance(30) {
            let _ = writeln!(fm, "period_end: {year}-12-{}", 20 + rng.below(6));
        }
        if rng.chance(5) {
            let rd = format!(
                "{}-{:02}-{:02}",
                year + 1,
                3 + rng.below(3),
                1 + rng.below(28)
            );
            let _ = writeln!(
                fm,
                "updated: {rd}\nrevisions:\n  - date: {rd}\n    reason: 更正{}",
                rng.pick(&[
                    "一般程序罚款金额",
                    "行政检查次数",
                    "持证执法人员人数",
                    "培训学时"
                ])
            );
        }
    }
    if rng.chance(3) {
        let _ = writeln!(fm, "source: 数据引自{}年度法治政府建设情况报告", year);
    }
    fm.push_str("metrics:\n");
    let s = t.scale;
    let mut line = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(fm, "  {key}: {v}");
        }
    };

    // Staff: total = established + other.
    let established = rng.range(3, 6 + 3 * s);
    let other = rng.range(0, 4 + 4 * s);
    match (t.style + year) % 4 {
        0 => {
            line("staff_total", Some((established + other).to_string()));
            line("staff_established", Some(established.to_string()));
            line("staff_other", Some(other.to_string()));
        }
        1 => {
            line("staff_established", Some(established.to_string()));
            let w = way(rng, false);
            line("staff_other", count(rng, other, w));
        }
        2 => line("staff_total", Some((established + other).to_string())),
        _ => {}
    }
    // Officers and the duty rate = active / certified.
    let certified = rng.range(4, 8 + 3 * s);
    let active = certified - rng.below(certified.min(4));
    match rng.below(10) {
        0..4 => {
            line("certified_officers", Some(certified.to_string()));
            line("active_officers", Some(active.to_string()));
            let pct = (active * 1000 / certified + 5) / 10;
            line("duty_rate", Some(format!("{pct}%")));
        }
        4 => {
            line("certified_officers", Some(certified.to_string()));
            line("active_officers", Some(active.to_string()));
            let floor = active * 100 / certified;
            line("duty_rate", Some(format!("{}%以上", floor / 5 * 5)));
        }
        5 => line("duty_rate", Some(format!("{}%", 80 + rng.below(21)))),
        6 => {
            line("certified_officers", Some(certified.to_string()));
            line("active_officers", Some(active.to_string()));
        }
        _ => line("certified_officers", Some(certified.to_string())),
    }
    // Penalty cases = simple + general; fines likewise, in fen.
    let simple = rng.range(0, 30 * s);
    let general = rng.range(0, 6 * s);
    let fines_simple = if simple == 0 {
        0
    } else {
        simple * rng.range(50, 200) * 100 + if rng.chance(20) { rng.below(100) } else { 0 }
    };
    let fines_general = if general == 0 {
        0
    } else {
        general * rng.range(1_000, 20_000) * 100 + if rng.chance(40) { rng.below(100) } else { 0 }
    };
    match (t.style / 4 + year) % 5 {
        0 | 1 => {
            line("penalty_cases", Some((simple + general).to_string()));
            line("penalty_cases_simple", Some(simple.to_string()));
            line("penalty_cases_general", Some(general.to_string()));
            line(
                "fines_total",
                Some(money(rng, fines_simple + fines_general)),
            );
            line("fines_simple", Some(money(rng, fines_simple)));
            line("fines_general", Some(money(rng, fines_general)));
        }
        2 => {
            line("penalty_cases_simple", Some(simple.to_string()));
            let w = way(rng, false);
            line("penalty_cases_general", count(rng, general, w));
            line("fines_simple", Some(money(rng, fines_simple)));
            line("fines_general", Some(money(rng, fines_general)));
        }
        3 => {
            line("penalty_cases", Some((simple + general).to_string()));
            let total = fines_simple + fines_general;
            let v = if total >= 1_000_000 && rng.chance(50) {
                // In 万元 with two decimals: the amount, rounded to the hundred yuan.
                let wan = total / 1_000_000;
                let rest = total / 10_000 % 100;
                format!("{wan}.{rest:02}万元")
            } else {
                money(rng, total)
            };
            line("fines_total", Some(v));
        }
        _ => {
            let way = if simple + general < 10 {
                Way::Exact
            } else {
                Way::Lower
            };
            line("penalty_cases", count(rng, simple + general, way));
            if rng.chance(50) {
                line(
                    "fines_total",
                    Some(format!(
                        "约{}万",
                        (fines_simple + fines_general) / 1_000_000 + 1
                    )),
                );
            }
        }
    }
    if rng.chance(30) {
        let fen = rng.range(0, 5_000 * s) * 100;
        line("confiscations", Some(money(rng, fen)));
    }
    for (key, size, rare) in PLAIN {
        let v = rng.range(size * s / 2, size * s * 3 / 2 + 1);
        let w = way(rng, *rare);
        line(key, count(rng, v, w));
    }
    // Other figures: none on some reports, up to six on others.
    let n = rng.below(7);
    if n > 0 {
        fm.push_str("other_figures:\n");
        let start = rng.below(OTHER.len() as u64) as usize;
        for i in 0..n as usize {
            let (label, unit, group, size) = OTHER[(start + i) % OTHER.len()];
            let v = rng.range(size * s / 2, size * s * 3 / 2 + 1);
            let value = if rng.chance(50) {
                format!("{}余", round_down(v))
            } else {
                v.to_string()
            };
            let _ = writeln!(
                fm,
                "  - label: {label}\n    value: {value}\n    unit: {unit}\n    group: {group}"
            );
        }
    }
    fm.push_str("---\n");
    fm
}

/// Sentences of each section; `{n}` marks a number, `{t}` the township.
const SECTIONS: [(&str, &[&str]); 4] = [
    (
        "一、基本情况",
        &[
            "{t}梳理出综合行政执法方面的执法事项{n}项，类别为行政处罚、行政强制和行政检查，由镇综合执法大队具体实施。",
            "全镇持证执法人员{n}名，因科室调整比上一年多{n}名，执法力量基本满足日常工作需要。",
            "重大执法决定的法制审核由综治办的{n}名审核人员负责，另有{n}名外聘律师参与，确保每一件重大执法决定都经过合法性审查。",
            "全年对主次干道沿线村居和底商开展日常检查{n}余次，发现并督促整改问题{n}处，整改率保持在较高水平。",
            "报告期内共办结行政处罚案件{n}件，其中简易程序{n}件、一般程序{n}件，未发生行政复议被撤销或行政诉讼败诉的情况。",
            "执法大队下设综合办公室、执法一中队、执法二中队和法制审核组，分片包干负责辖区{n}个社区和{n}个行政村的日常执法工作。",
        ],
    ),
    (
        "二、主要工作措施及成效",
        &[
            "落实行政执法公示、执法全过程记录、重大执法决定法制审核“三项制度”，外聘律师团队为办案提供法律指导，全年审核执法决定{n}件。",
            "继续修订执法大队内部管理制度{n}项，覆盖人员管理、车辆使用、案卷归档和责任追究等方面，做到用制度管人管事。",
            "坚持教育与处罚相结合，对沿街商户以提醒、讲解和现场帮扶为主，推动商户主动规范经营，全年发放告知书{n}份。",
            "以自学、小组研学和专题培训相结合的方式提升执法能力，全年组织专题培训{n}次，执法人员人均参训{n}学时。",
            "会同社区和物业巡查小区环境与安全隐患，出动执法人员{n}人次、执法车辆{n}辆次，及时消除各类隐患。",
            "配备执法记录仪{n}台，执法全过程记录覆盖现场检查、调查取证、文书送达等环节，音像资料按规定归档保存。",
            "组织案件评查{n}次，抽查行政处罚案卷{n}件，对发现的文书不规范、证据链不完整等问题逐一整改到位。",
            "深入开展“八五”普法，结合“宪法宣传周”“安全生产月”等节点开展普法宣传活动{n}场，发放宣传材料{n}余份。",
        ],
    ),
    (
        "三、存在问题",
        &[
            "部分执法人员对法条掌握不够扎实，遇到复杂情形时适用法律存在困难，执法文书制作质量参差不齐。",
            "服务意识、沟通能力和应急处置能力有待加强，个别案件办理周期偏长，群众满意度仍有提升空间。",
            "普法方式较为单一，典型案例的整理和运用不足，以案释法的效果还不明显。",
            "执法装备更新不及时，现有{n}台执法记录仪中部分设备老化，影响全过程记录的完整性。",
        ],
    ),
    (
        "四、下一步工作安排",
        &[
            "继续落实执法质量提升的各项制度，坚持执法全过程记录，巩固规范涉企执法的成果，落实“首违不罚”“轻微免罚”清单。",
            "针对不同人员的短板开展分层分类培训，计划全年组织专题培训不少于{n}次，提高执法人员的法律素养和业务能力。",
            "加强与区级职能部门的协调配合，完善案件移送和信息共享机制，形成执法合力。",
            "创新普法宣传形式，利用新媒体平台和典型案例开展精准普法，计划开展普法活动{n}场以上。",
        ],
    ),
];

/// Sub-headings of the measures section.
const MEASURES: &[&str] = &[
    "（一）制度建设",
    "（二）重点执法",
    "（三）执法方式",
    "（四）队伍建设",
    "（五）执法监督",
];

fn sentence(rng: &mut Rng, template: &str, t: &Township) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut parts = template.split("{n}");
    out.push_str(&parts.next().unwrap_or_default().replace("{t}", &t.name));
    for p in parts {
        let _ = write!(out, "{}", rng.range(1, 20 * t.scale + 5));
        out.push_str(&p.replace("{t}", &t.name));
    }
    out
}

/// A body of about `target` Chinese characters: the four standard sections,
/// sub-headings and a list in the second, an ordered list in the fourth,
/// and a table of the year's main figures in the first.
fn body(rng: &mut Rng, t: &Township, year: u64, target: usize) -> String {
    let per_section = target / 4;
    let mut out = String::with_capacity(target * 3 + 1024);
    for (s, (heading, sentences)) in SECTIONS.iter().enumerate() {
        let _ = writeln!(out, "\n## {heading}\n");
        let mut chars = 0;
        let mut para = String::new();
        let mut sub = 0;
        while chars < per_section {
            if s == 1 && chars >= sub * per_section / 4 && sub < MEASURES.len() {
                if !para.is_empty() {
                    let _ = writeln!(out, "{para}\n");
                    para.clear();
                }
                let _ = writeln!(out, "### {}\n", MEASURES[sub]);
                sub += 1;
                if sub == 2 {
                    for _ in 0..4 {
                        let item = {
                            let template = rng_pick(rng, sentences);
                            sentence(rng, template, t)
                        };
                        chars += item.chars().count();
                        let _ = writeln!(out, "- {item}");
                    }
                    out.push('\n');
                    continue;
                }
            }
            let text = {
                let template = rng_pick(rng, sentences);
                sentence(rng, template, t)
            };
            chars += text.chars().count();
            para.push_str(&text);
            if para.chars().count() > 160 {
                let _ = writeln!(out, "{para}\n");
                para.clear();
            }
        }
        if !para.is_empty() {
            let _ = writeln!(out, "{para}\n");
        }
        if s == 0 {
            let _ = writeln!(
                out,
                "| 项目 | {} 年 | {year} 年 | 变化 |\n|---|--:|--:|---|",
                year - 1
            );
            for item in [
                "行政检查（次）",
                "行政处罚案件（件）",
                "罚款金额（元）",
                "专题培训（次）",
                "普法宣传活动（场）",
            ] {
                let (a, b) = (rng.range(1, 500 * t.scale), rng.range(1, 500 * t.scale));
                let change = if b >= a { "增加" } else { "减少" };
                let _ = writeln!(out, "| {item} | {a} | {b} | {change} |");
            }
            out.push('\n');
        }
        if s == 3 {
            out.push_str("全年重点工作安排如下：\n\n");
            for i in 1..=3 {
                let item = {
                    let template = rng_pick(rng, sentences);
                    sentence(rng, template, t)
                };
                let _ = writeln!(out, "{i}. {item}");
            }
        }
    }
    out
}

fn rng_pick<'a>(rng: &mut Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.below(items.len() as u64) as usize]
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 || args.len() > 4 {
        eprintln!("usage: gen_site <dir> <reports> [townships]   (townships: reports / 5)");
        std::process::exit(2);
    }
    let dir = PathBuf::from(&args[1]);
    let reports: u64 = args[2].parse().expect("reports: a number");
    let townships: u64 = args
        .get(3)
        .map_or((reports / 5).max(1), |s| {
            s.parse().expect("townships: a number")
        })
        .clamp(1, reports.max(1));
    let years = reports.div_ceil(townships);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let places = places(townships, &mut rng);
    std::fs::create_dir_all(dir.join("content")).expect("create the site folder");
    let config = format!(
        "# Generated by examples/gen_site.rs: {reports} reports of {townships} townships \
         ({} districts, {} cities).\n\
         title: 基准测试乡镇行政执法公示\n\
         description: 基准测试用的合成站点，数据均为虚构。\n\
         base_url: https://bench.example.cn/\n\
         language: zh-CN\n\
         as_of: {AS_OF}\n\
         key_metrics: [inspections, penalty_cases, fines_total, certified_officers]\n\
         rank_metric: inspections\n{}",
        places.districts.len(),
        places.cities.len(),
        districts_yaml(&places)
    );
    write(&dir.join("gongshi.yaml"), &config);

    // Stems of two characters while they are plenty, else three.
    let len = if townships * 2 <= (CHARS.len() * CHARS.len()) as u64 {
        2
    } else {
        3
    };
    let mut slugs = HashSet::new();
    let mut written = 0;
    for i in 0..townships {
        let (zh, py) = stem(i, len, 7);
        let (suffix, suffix_en) = *rng.pick(&[
            ("镇", "Town"),
            ("镇", "Town"),
            ("镇", "Town"),
            ("镇", "Town"),
            ("镇", "Town"),
            ("镇", "Town"),
            ("乡", "Township"),
            ("乡", "Township"),
            ("街道", "Subdistrict"),
        ]);
        let mut slug = py.clone();
        let mut n = 2;
        while !slugs.insert(slug.clone()) {
            slug = format!("{py}-{n}");
            n += 1;
        }
        let t = Township {
            name: format!("{zh}{suffix}"),
            scale: 1 + rng.below(10),
            style: rng.below(1000),
        };
        let district = &places.districts[places.township_district[i as usize]].name;
        let folder = dir.join("content").join(&slug);
        std::fs::create_dir_all(&folder).expect("create a township folder");
        let body_word = match suffix {
            "街道" => "街道综合执法队",
            "乡" => "乡综合行政执法队",
            _ => "镇综合执法大队",
        };
        write(
            &folder.join("_index.md"),
            &format!(
                "---\nname: {name}\nname_en: {en} {suffix_en}\ndistrict: {district}\n\
                 area_km2: {}.{}\ncommunities: {}\nvillages: {}\npopulation: 约{}.{}万\n\
                 enforcement_body: {zh}{body_word}\n---\n\
                 {name}位于{district}，{name}的综合行政执法由{zh}{body_word}承担，执法事项涵盖行政处罚、行政强制和行政检查。\n",
                10 + rng.below(120),
                rng.below(10),
                rng.below(30),
                rng.below(25),
                1 + t.scale * 2 + rng.below(5),
                rng.below(10),
                name = t.name,
                en = capitalized(&py),
            ),
        );
        for y in 0..years {
            if written == reports {
                break;
            }
            let year = LAST_YEAR - (years - 1 - y);
            let target = 2000 + rng.below(600) as usize;
            let text =
                front_matter(&mut rng, &t, year, written) + &body(&mut rng, &t, year, target);
            write(&folder.join(format!("{year}.md")), &text);
            written += 1;
        }
    }
    eprintln!(
        "wrote {written} reports of {townships} townships ({} districts, {} cities) over {years} years into {}",
        places.districts.len(),
        places.cities.len(),
        dir.display()
    );
}
