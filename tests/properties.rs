//! Properties: money arithmetic and formatting, totals of inexact figures,
//! slugs, and the personal-data detectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gongshi::amount::Amount;
use gongshi::assemble;
use gongshi::config::Config;
use gongshi::figure::{Figure, Kind, Precision, parse_figure};
use gongshi::model::{FigureEntry, Report, Township};
use gongshi::site::Site;
use gongshi::{format, pii, slug};
use proptest::prelude::*;

/// Amounts up to a trillion yuan, in fen.
fn money() -> impl Strategy<Value = i64> {
    0i64..100_000_000_000_000
}

proptest! {
    #[test]
    fn money_text_round_trips_exactly(fen in money()) {
        let a = Amount::from_hundredths(fen);
        for text in [a.to_plain(2), a.to_grouped(2), format!("{}元", a.to_plain(2))] {
            let parsed = parse_figure(&text, Kind::Money);
            prop_assert_eq!(parsed.clone().ok().and_then(|f| f.stated().map(|s| s.amount)), Some(a), "{} -> {:?}", text, parsed);
        }
        // 万元 with up to six decimals is exact too.
        let wan = format!("{}.{:06}万元", fen / 1_000_000, fen % 1_000_000);
        let parsed = parse_figure(&wan, Kind::Money).ok().and_then(|f| f.stated().map(|s| s.amount));
        prop_assert_eq!(parsed, Some(a));
    }

    #[test]
    fn sums_are_exact_and_overflow_is_caught(parts in proptest::collection::vec(money(), 0..50)) {
        let sum = Amount::checked_sum(parts.iter().map(|f| Amount::from_hundredths(*f)));
        let exact: i128 = parts.iter().map(|f| i128::from(*f)).sum();
        prop_assert_eq!(sum.map(|s| i128::from(s.hundredths())), Some(exact));
        prop_assert_eq!(Amount::from_hundredths(i64::MAX).checked_add(Amount::from_hundredths(1 + parts.len() as i64)), None);
    }

    #[test]
    fn grouped_formatting_only_adds_separators(fen in money()) {
        let a = Amount::from_hundredths(fen);
        prop_assert_eq!(a.to_grouped(2).replace(',', ""), a.to_plain(2));
        let shown = format::amount(a, Kind::Money);
        let cents = format!("{:02}", fen % 100);
        prop_assert!(shown.ends_with(&cents));
    }

    #[test]
    fn counts_never_accept_fractions_or_units(n in 0u32..1_000_000, frac in 1u32..100, unit in "[件次人起处]") {
        let fraction = format!("{n}.{frac:02}");
        let with_unit = format!("{n}{unit}");
        let negative = format!("-{n}");
        prop_assert!(parse_figure(&fraction, Kind::Count).is_err());
        prop_assert!(parse_figure(&with_unit, Kind::Count).is_err());
        prop_assert!(parse_figure(&negative, Kind::Count).is_err() || n == 0);
    }
}

/// The place (in hundredths) an inexact figure of `h` hundredths is good to.
fn place_of(h: i64) -> i64 {
    if h == 0 {
        return 100;
    }
    let digits = h.to_string();
    let zeros = digits.len() - digits.trim_end_matches('0').len();
    let last = 10i64.pow(zeros as u32);
    let below_lead = 10i64.pow(digits.len() as u32 - 1) / 10;
    last.min(below_lead.max(1))
}

/// One township's figure for the property below.
#[derive(Clone, Debug)]
enum Given {
    Exact(i64),
    AtLeast(i64),
    About(i64),
    NotApplicable,
    NotReported,
}

fn given() -> impl Strategy<Value = Given> {
    prop_oneof![
        (0i64..1_000_000).prop_map(Given::Exact),
        (0i64..1_000_000).prop_map(Given::AtLeast),
        (0i64..1_000_000).prop_map(Given::About),
        Just(Given::NotApplicable),
        Just(Given::NotReported),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn totals_of_inexact_figures(given in proptest::collection::vec(given(), 1..12)) {
        let mut config = Config::builtin();
        // Every township covered from 2025; the status date fixed.
        config.first_year = Some(2025);
        config.as_of = Some(jiff::civil::Date::constant(2026, 3, 1));
        let schema = config.schema.clone();
        let id = schema.id("inspections").unwrap();
        let mut townships = Vec::new();
        let mut reports = Vec::new();
        for (i, g) in given.iter().enumerate() {
            let slug = format!("t{i}");
            townships.push(Township { slug: slug.clone(), name: format!("镇{i}"), ..Township::default() });
            let text = match g {
                Given::Exact(n) => n.to_string(),
                Given::AtLeast(n) => format!("{n}余"),
                Given::About(n) => format!("约{n}"),
                Given::NotApplicable => "无相关职责".into(),
                Given::NotReported => continue,
            };
            let mut figures = vec![FigureEntry::default(); schema.metrics().len()];
            figures[id.index()] = FigureEntry { figure: parse_figure(&text, Kind::Count).unwrap(), computed: false };
            reports.push(Report {
                township: slug, year: 2025, title: "t".into(), published: None, period_end: None, source: None,
                updated: None, revisions: Vec::new(), figures, other_figures: Vec::new(), attachments: Vec::new(),
                body: Default::default(), file: String::new(),
            });
        }
        let site = Site::from_parts(config, townships, reports);
        let asm = assemble::assemble(&site);
        // 2025 is due at the status date: it has a summary even if nobody reported.
        prop_assert_eq!(asm.years.clone(), vec![2025]);
        let total = &asm.summaries[0].totals[id.index()];
        let stated: Vec<&Given> = given.iter().filter(|g| matches!(g, Given::Exact(_) | Given::AtLeast(_) | Given::About(_))).collect();
        let sum: i64 = stated.iter().map(|g| match g { Given::Exact(n) | Given::AtLeast(n) | Given::About(n) => *n * 100, _ => 0 }).sum();
        let reported = given.iter().filter(|g| !matches!(g, Given::NotReported)).count();
        prop_assert_eq!(total.reported, reported);
        prop_assert_eq!(total.of, given.len());
        let expect_precision = if stated.iter().any(|g| matches!(g, Given::About(_))) {
            Precision::About
        } else if stated.iter().any(|g| matches!(g, Given::AtLeast(_))) {
            Precision::AtLeast
        } else {
            Precision::Exact
        };
        match &total.figure {
            Figure::Stated(s) => {
                prop_assert!(!stated.is_empty());
                prop_assert_eq!(s.precision, expect_precision);
                if expect_precision == Precision::About {
                    // Rounded to the coarsest place of the inexact parts:
                    // the last nonzero digit, or one below the leading one.
                    let place = stated.iter().filter_map(|g| match g {
                        Given::AtLeast(n) | Given::About(n) => Some(place_of(*n * 100)),
                        _ => None,
                    }).max().unwrap();
                    prop_assert_eq!(s.amount.hundredths() % place, 0);
                    prop_assert!((s.amount.hundredths() - sum).abs() * 2 <= place);
                } else {
                    prop_assert_eq!(s.amount.hundredths(), sum);
                }
            }
            Figure::NotApplicable => prop_assert!(stated.is_empty() && reported > 0),
            Figure::NotReported => prop_assert_eq!(reported, 0),
        }
    }
}

proptest! {
    #[test]
    fn proposed_slugs_are_always_valid(name in "\\PC{0,12}") {
        if let Some(s) = slug::propose(&name) {
            prop_assert!(slug::is_valid(&s), "{} -> {}", name, s);
        }
    }

    #[test]
    fn valid_slugs_propose_themselves(s in "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}") {
        prop_assert_eq!(slug::propose(&s), Some(s.clone()));
    }

    #[test]
    fn chinese_names_get_pinyin_slugs(name in "[张王李赵辛口家窝西青营门中北]{1,4}", suffix in "(镇|乡|街道)") {
        let s = slug::propose(&format!("{name}{suffix}")).unwrap();
        prop_assert!(slug::is_valid(&s) && s.chars().all(|c| c.is_ascii_lowercase()));
    }
}

const REGIONS: [&str; 8] = ["11", "12", "31", "44", "51", "65", "81", "37"];

fn id_number() -> impl Strategy<Value = String> {
    (
        0usize..REGIONS.len(),
        0u32..10000,
        1900i32..2025,
        1u32..13,
        1u32..29,
        0u32..1000,
    )
        .prop_map(|(r, area, y, m, d, seq)| {
            let first17 = format!("{}{:04}{y:04}{m:02}{d:02}{seq:03}", REGIONS[r], area);
            let check = pii::id_check_char(first17.as_bytes()).unwrap();
            format!("{first17}{}", char::from(check))
        })
}

proptest! {
    #[test]
    fn every_valid_id_is_caught_and_every_masked_one_passes(id in id_number(), before in "[\\p{Han}，。：]{0,6}", after in "[\\p{Han}，。]{0,6}") {
        let text = format!("{before}{id}{after}");
        let found = pii::scan(&text, &[]);
        prop_assert_eq!(found.len(), 1, "{}", text);
        prop_assert_eq!(found[0].kind, gongshi::diagnostic::PiiKind::IdNumber);
        let masked = found[0].masked.clone();
        prop_assert_eq!(masked.len(), 18);
        let masked_text = format!("{before}{masked}{after}");
        prop_assert!(pii::scan(&masked_text, &[]).is_empty(), "{}", masked);
    }

    #[test]
    fn mobiles_are_caught_in_any_common_spelling(second in 3u8..10, rest in 0u64..1_000_000_000) {
        let number = format!("1{second}{rest:09}");
        for text in [
            format!("电话{number}。"),
            format!("电话 {}-{}-{}", &number[..3], &number[3..7], &number[7..]),
            format!("手机：+86 {} {} {}", &number[..3], &number[3..7], &number[7..]),
        ] {
            let found = pii::scan(&text, &[]);
            prop_assert_eq!(found.len(), 1, "{}", text);
            let masked = format!("电话{}", found[0].masked);
            prop_assert!(pii::scan(&masked, &[]).is_empty());
            prop_assert!(pii::scan(&text, std::slice::from_ref(&number)).is_empty(), "allowlisted {}", text);
        }
    }

    #[test]
    fn luhn_valid_union_pay_cards_are_caught(body in "[0-9]{14}") {
        let first = format!("62{body}");
        let sum: u32 = first.bytes().rev().enumerate().map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 { let x = d * 2; if x > 9 { x - 9 } else { x } } else { d }
        }).sum();
        let card = format!("{first}{}", (10 - sum % 10) % 10);
        prop_assert!(pii::luhn(card.as_bytes()));
        let plain = format!("账户{card}");
        prop_assert_eq!(pii::scan(&plain, &[]).len(), 1);
        let masked = format!("账户{}****{}", &card[..4], &card[13..]);
        prop_assert!(pii::scan(&masked, &[]).is_empty());
    }

    #[test]
    fn amounts_and_dates_are_never_personal_data(yuan in 0u64..100_000_000_000, fen in 0u32..100, y in 1990u32..2030, m in 1u32..13, d in 1u32..29) {
        let text = format!("罚款{yuan}.{fen:02}元、{yuan}元、{yuan} 元，{y}年{m}月{d}日，{y}{m:02}{d:02}，〔{y}〕{m}号，检查{yuan}次");
        prop_assert!(pii::scan(&text, &[]).is_empty(), "{}", text);
    }
}
