//! Generate a large synthetic gongshi site for benchmarks.
//!
//! `cargo run --release --example gen_site -- <dir> <reports> [townships]`
//!
//! Deterministic (a fixed-seed generator): the same arguments give the same
//! site. Reports look like real ones: front matter with 15–25 figures (some
//! lower bounds, some not applicable), other figures, and a Markdown body of
//! about two kilobytes with the four standard sections and a table.

use std::fmt::Write as _;
use std::path::PathBuf;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const METRICS: &[(&str, u64)] = &[
    ("enforcement_items", 300),
    ("certified_officers", 60),
    ("officers_added", 10),
    ("officers_removed", 10),
    ("inspections", 5000),
    ("penalty_cases_simple", 200),
    ("penalty_cases_general", 50),
    ("coercive_measures", 20),
    ("permits", 100),
    ("legal_reviewers", 5),
    ("external_lawyers", 5),
    ("training_sessions", 12),
    ("training_hours_officers", 120),
    ("law_publicity_events", 30),
    ("supervisors", 8),
    ("supervision_inspections", 6),
    ("case_files_reviewed", 80),
    ("body_cameras", 80),
    ("video_cameras", 20),
    ("drones", 5),
    ("illegal_construction_cases", 30),
];

const SYLLABLES: &[&str] = &[
    "辛", "口", "张", "家", "窝", "西", "营", "门", "中", "北", "精", "武", "杨", "柳", "青", "王",
    "稳", "庄", "李", "七",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).map_or("bench-site", String::as_str));
    let reports: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let townships: u64 = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or((reports / 50).max(1));
    let years = reports.div_ceil(townships);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    std::fs::create_dir_all(dir.join("content")).expect("create the site folder");
    std::fs::write(
        dir.join("gongshi.yaml"),
        "title: 基准测试站点\nbase_url: https://bench.example.cn/\ndistricts: [甲区, 乙区, 丙区, 丁区]\nas_of: 2026-12-31\n",
    )
    .expect("write gongshi.yaml");
    let districts = ["甲区", "乙区", "丙区", "丁区"];
    let mut written = 0;
    for t in 0..townships {
        let slug = format!("t{t:05}");
        let folder = dir.join("content").join(&slug);
        std::fs::create_dir_all(&folder).expect("create a township folder");
        let name: String = (0..3)
            .map(|_| SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize])
            .collect::<String>()
            + &format!("{t}镇");
        let district = districts[(t % 4) as usize];
        std::fs::write(
            folder.join("_index.md"),
            format!("---\nname: {name}\ndistrict: {district}\ncommunities: {}\nvillages: {}\npopulation: 约{}.{}万\n---\n{name}位于{district}。\n", rng.below(30), rng.below(10), 1 + rng.below(20), rng.below(10)),
        )
        .expect("write a profile");
        for y in 0..years {
            if written == reports {
                break;
            }
            let year = 2025 - (years - 1 - y) as i64;
            let mut fm = String::new();
            let _ = writeln!(
                fm,
                "---\ntitle: {name}{year}年度行政执法工作报告\nyear: {year}"
            );
            if rng.below(10) != 0 {
                let (m, d) = if rng.below(5) == 0 {
                    (2 + rng.below(3), 1 + rng.below(28))
                } else {
                    (1, 1 + rng.below(28))
                };
                let _ = writeln!(fm, "published: {}-{m:02}-{d:02}", year + 1);
            }
            fm.push_str("metrics:\n");
            for (key, max) in METRICS {
                match rng.below(12) {
                    0 => continue,
                    1 => {
                        let _ = writeln!(fm, "  {key}: 无相关职责");
                    }
                    2 => {
                        let _ = writeln!(fm, "  {key}: {}余", rng.below(*max) / 10 * 10);
                    }
                    _ => {
                        let _ = writeln!(fm, "  {key}: {}", rng.below(*max));
                    }
                }
            }
            let _ = writeln!(
                fm,
                "  fines_simple: {}.{}",
                rng.below(50_000),
                rng.below(10)
            );
            let _ = writeln!(
                fm,
                "  fines_general: {}.{:02}",
                rng.below(2_000_000),
                rng.below(100)
            );
            let _ = writeln!(
                fm,
                "other_figures:\n  - label: 治理占路经营\n    value: {}余\n    unit: 处\n    group: special",
                rng.below(3000)
            );
            fm.push_str("---\n");
            let mut body = String::new();
            for (i, h) in [
                "一、基本情况",
                "二、主要工作措施及成效",
                "三、存在问题",
                "四、下一步工作安排",
            ]
            .iter()
            .enumerate()
            {
                let _ = writeln!(body, "\n## {h}\n");
                for _ in 0..3 {
                    let _ = writeln!(
                        body,
                        "本年度{name}围绕行政执法“三项制度”开展工作，第{}项措施落实到位，检查覆盖{}个社区，群众满意度稳步提高。",
                        i + 1,
                        rng.below(40)
                    );
                }
                if i == 0 {
                    body.push_str("\n| 项目 | 数量 |\n|---|--:|\n| 检查 | 100 |\n| 处罚 | 9 |\n");
                }
            }
            std::fs::write(folder.join(format!("{year}.md")), format!("{fm}{body}"))
                .expect("write a report");
            written += 1;
        }
    }
    eprintln!(
        "wrote {written} reports of {townships} townships over {years} years into {}",
        dir.display()
    );
}
