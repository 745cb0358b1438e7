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
                body: Default::default(), file: String::new(), draft: false,
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

/// How exported text writes a number: the digits in ASCII or full width,
/// joined by nothing, single spaces, hyphens, dots, full-width spaces or
/// zero-width characters between groups.
fn spelled(digits: &str, groups: &[usize], sep: &str, full_width: bool) -> String {
    let glyph = |c: char| {
        if full_width && c.is_ascii_digit() {
            char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap()
        } else if full_width && c == 'X' {
            'Ｘ'
        } else {
            c
        }
    };
    let chars: Vec<char> = digits.chars().map(glyph).collect();
    let mut out = String::new();
    let mut at = 0;
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.extend(&chars[at..(at + g).min(chars.len())]);
        at += g;
    }
    out.extend(&chars[at.min(chars.len())..]);
    out
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", " ", "-", ".", "\u{3000}", "\u{200b}", "\u{2060}", "－",
    ])
}

/// What may stand right before or after a number in running text.
fn context() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(vec![
        ("电话", "。"),
        ("Tel", ""),
        ("手机：", "，请联系"),
        ("No.", "abc"),
        ("当事人李某", "；"),
        ("案号〔2025〕15号，当事人", "。"),
        ("联系人张某 ", "\n"),
    ])
}

proptest! {
    #[test]
    fn mobiles_are_caught_in_every_exported_spelling(
        second in 3u8..10,
        rest in 0u64..1_000_000_000,
        sep in separator(),
        full_width in any::<bool>(),
        (before, after) in context(),
    ) {
        let number = format!("1{second}{rest:09}");
        let text = format!("{before}{}{after}", spelled(&number, &[3, 4, 4], sep, full_width));
        let found = pii::scan(&text, &[]);
        prop_assert_eq!(found.len(), 1, "{:?}", text);
        prop_assert_eq!(found[0].kind, gongshi::diagnostic::PiiKind::Mobile);
        let masked = format!("{}****{}", &number[..3], &number[7..]);
        prop_assert_eq!(&found[0].masked, &masked);
        // The position covers the number as written.
        let written = &text[found[0].start..found[0].start + found[0].len];
        prop_assert!(written.chars().filter(|c| c.is_numeric()).count() == 11, "{:?}", written);
        let masked_text = format!("{before}{masked}{after}");
        prop_assert!(pii::scan(&masked_text, &[]).is_empty(), "{:?}", masked_text);
    }

    #[test]
    fn ids_are_caught_in_every_exported_spelling(
        id in id_number(),
        full_width in any::<bool>(),
        lower in any::<bool>(),
        zero_width in any::<bool>(),
        (before, after) in context(),
    ) {
        let id = if lower { id.to_lowercase() } else { id };
        let sep = if zero_width { "\u{200b}" } else { "" };
        let text = format!("{before}{}{after}", spelled(&id, &[6, 8, 4], sep, full_width));
        let found = pii::scan(&text, &[]);
        prop_assert_eq!(found.len(), 1, "{:?}", text);
        prop_assert_eq!(found[0].kind, gongshi::diagnostic::PiiKind::IdNumber);
        prop_assert_eq!(&found[0].masked[..6], &id[..6]);
    }

    #[test]
    fn a_mistyped_id_number_is_a_warning(id in id_number(), wrong in 1u32..10) {
        let last = id.chars().last().unwrap();
        let right = if last == 'X' { 10 } else { last.to_digit(10).unwrap() };
        let typo = (right + wrong) % 11;
        prop_assume!(typo != 10);
        let mistyped = format!("{}{typo}", &id[..17]);
        // A valid unified social credit code is published on purpose.
        prop_assume!(!pii::is_uscc(mistyped.as_bytes()));
        let found = pii::scan(&format!("证件{mistyped}。"), &[]);
        // A bank card it may also be; never silently nothing.
        prop_assert_eq!(found.len(), 1);
        prop_assert!(matches!(
            found[0].kind,
            gongshi::diagnostic::PiiKind::LikelyIdNumber | gongshi::diagnostic::PiiKind::BankCard
        ));
    }

    #[test]
    fn labelled_look_alikes_and_figures_are_never_personal_data(
        second in 3u8..10,
        rest in 0u64..1_000_000_000,
        label in prop::sample::select(vec!["执法证号", "执法证号：", "案号", "文号", "编号 No.", "统一社会信用代码", "证号（"]),
        n in 1u32..1000,
        y in 1990u32..2030,
        yuan in 0u64..10_000_000_000,
        fen in 0u32..100,
    ) {
        let number = format!("1{second}{rest:09}");
        for text in [
            format!("{label}{number}"),
            format!("{label} 12010012345、{number}"),
            format!("津西青综执罚〔{y}〕{n}号"),
            format!("罚款{yuan}.{fen:02}元，{yuan}元，{y}.{:02}.{:02}", n % 12 + 1, n % 28 + 1),
            format!("{}****{}", &number[..3], &number[7..]),
            "当事人王某、当事人李××、当事人陈述申辩".to_string(),
        ] {
            prop_assert!(pii::scan(&text, &[]).is_empty(), "{:?}", text);
        }
        // A label exempts the number it labels, never a later one.
        let later = format!("{label}〔{y}〕{n}号，当事人电话{number}");
        prop_assert_eq!(pii::scan(&later, &[]).len(), 1, "{:?}", later);
    }

    #[test]
    fn unmasked_names_after_party_words_are_warned(
        surname in prop::sample::select(vec!['王', '李', '张', '刘', '赵', '孙', '周', '吴']),
        given in "[明华强伟芳军杰静丽敏]{1,2}",
        label in prop::sample::select(vec!["当事人", "被处罚人：", "申请人为"]),
    ) {
        let text = format!("{label}{surname}{given}，");
        let found = pii::scan(&text, &[]);
        prop_assert_eq!(found.len(), 1, "{:?}", text);
        prop_assert_eq!(found[0].kind, gongshi::diagnostic::PiiKind::Name);
        let masked = format!("{surname}{}", "某".repeat(given.chars().count()));
        prop_assert_eq!(&found[0].masked, &masked);
        let masked_text = format!("{label}{masked}，");
        prop_assert!(pii::scan(&masked_text, &[]).is_empty(), "{:?}", masked_text);
    }
}

/// A digit as a report file may write it where the page shows the digit:
/// as is, full width, an HTML character reference (decimal or hex), with a
/// zero-width space after it, or bold.
fn body_digit() -> impl Strategy<Value = u8> {
    0u8..5
}

fn spell_in_body(d: char, how: u8) -> String {
    match how {
        0 => d.to_string(),
        1 => char::from_u32(u32::from(d) - u32::from('0') + u32::from('０'))
            .unwrap()
            .to_string(),
        2 => format!("&#{};", u32::from(d)),
        3 => format!("&#x{:x};", u32::from(d)),
        _ => format!("{d}\u{200b}"),
    }
}

/// The same for a double-quoted YAML string: as is, `\uXXXX`, `\xXX`.
fn spell_in_yaml(d: char, how: u8) -> String {
    match how % 3 {
        0 => d.to_string(),
        1 => format!("\\u{:04x}", u32::from(d)),
        _ => format!("\\x{:02x}", u32::from(d)),
    }
}

fn report_diagnostics(text: &str) -> Vec<(String, u32)> {
    let config = Config::builtin();
    let source = gongshi::source::Text {
        text: std::sync::Arc::from(text),
        decoded_from: None,
    };
    let (_, diags) =
        gongshi::parse::report_text("t", 2025, source, Vec::new(), "content/t/2025.md", &config);
    diags
        .iter()
        .map(|d| (d.code().to_string(), d.pos.map_or(0, |p| p.line)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_mobile_is_found_however_the_file_encodes_what_the_page_shows(
        second in 3u8..10,
        rest in 0u64..1_000_000_000,
        body_hows in proptest::collection::vec(body_digit(), 11),
        yaml_hows in proptest::collection::vec(0u8..3, 11),
    ) {
        let number = format!("1{second}{rest:09}");
        let in_body: String = number.chars().zip(&body_hows).map(|(d, h)| spell_in_body(d, *h)).collect();
        let in_yaml: String = number.chars().zip(&yaml_hows).map(|(d, h)| spell_in_yaml(d, *h)).collect();
        let text = format!(
            "---\ntitle: t\nyear: 2025\npublished: 2025-12-10\nsource: \"联系{in_yaml}\"\nmetrics:\n  inspections: 5\n---\n正文：联系人电话{in_body}。\n"
        );
        let diags = report_diagnostics(&text);
        let mut mobiles: Vec<u32> = diags.iter().filter(|(c, _)| c == "pii-mobile").map(|(_, l)| *l).collect();
        // The site sorts diagnostics by place; one file's checks need not.
        mobiles.sort_unstable();
        prop_assert_eq!(mobiles, vec![5, 9], "{:?}\n{}", diags, text);
    }
}
