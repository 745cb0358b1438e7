//! Figures as reports write them.
//!
//! A figure in front matter is `2537` (exact), `1100余` or `1100+` (a lower
//! bound), `约15.7万` or `~157000` (approximate), `0` (none this year),
//! `无相关职责` or `n/a` (the body has no such power). Money may carry its unit
//! (`7300元`, `150.5万元`). Absent means not reported.
//!
//! This notation is gongshi's own (it follows how Chinese reports state
//! numbers), so no crate parses it: the scanner below is written by hand and
//! is exact — it reads decimal digits into an [`Amount`] without ever going
//! through floating point.

#![deny(clippy::arithmetic_side_effects)]

use crate::amount::{Amount, SCALE};

/// What a metric measures; decides which numbers are valid and how they show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Whole non-negative numbers: cases, people, inspections, devices.
    Count,
    /// Yuan, exact to the fen.
    Money,
    /// An area, up to two decimals.
    Area,
    /// Hours (of training), up to two decimals.
    Hours,
    /// A percentage, up to two decimals, at most 100.
    Rate,
}

impl Kind {
    /// All kinds, for help texts.
    pub const ALL: [Kind; 5] = [
        Kind::Count,
        Kind::Money,
        Kind::Area,
        Kind::Hours,
        Kind::Rate,
    ];

    /// The name used in config files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Area => "area",
            Kind::Hours => "hours",
            Kind::Rate => "rate",
        }
    }

    /// Parse the config name of a kind.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How many decimals a display of `amount` of this kind shows.
    pub fn display_decimals(self, amount: Amount) -> u8 {
        match self {
            Kind::Count => 0,
            Kind::Money => 2,
            _ => amount.natural_decimals(),
        }
    }
}

/// How exact a stated figure is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Exactly this number.
    Exact,
    /// At least this number (`1100余`, `1100+`, `至少1100`).
    AtLeast,
    /// About this number (`约15.7万`, `~157000`).
    About,
}

impl Precision {
    /// The precision of a sum whose parts have precisions `self` and `other`:
    /// exact + exact is exact; a lower bound makes the sum a lower bound; an
    /// approximate part makes it approximate (it may be below or above).
    pub fn combine(self, other: Precision) -> Precision {
        self.max(other)
    }
}

/// The word that made a figure inexact, kept so it shows as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Marker {
    /// `1100余`
    Yu,
    /// `1100多`
    Duo,
    /// `1100以上`
    YiShang,
    /// `1100+`
    Plus,
    /// `至少1100`
    ZhiShao,
    /// `超过1100`
    ChaoGuo,
    /// `约1100`
    Yue,
    /// `~1100`
    Tilde,
    /// `1100左右`
    ZuoYou,
}

impl Marker {
    fn precision(self) -> Precision {
        match self {
            Marker::Yu
            | Marker::Duo
            | Marker::YiShang
            | Marker::Plus
            | Marker::ZhiShao
            | Marker::ChaoGuo => Precision::AtLeast,
            Marker::Yue | Marker::Tilde | Marker::ZuoYou => Precision::About,
        }
    }
}

const PREFIXES: &[(&str, Marker)] = &[
    ("至少", Marker::ZhiShao),
    ("超过", Marker::ChaoGuo),
    ("大约", Marker::Yue),
    ("约", Marker::Yue),
    ("~", Marker::Tilde),
    ("～", Marker::Tilde),
];

const SUFFIXES: &[(&str, Marker)] = &[
    ("以上", Marker::YiShang),
    ("左右", Marker::ZuoYou),
    ("余", Marker::Yu),
    ("多", Marker::Duo),
    ("+", Marker::Plus),
    ("＋", Marker::Plus),
];

/// Words that mean "not applicable: the body has no such power".
pub const NOT_APPLICABLE: &[&str] = &["无相关职责", "不适用", "n/a", "N/A", "na", "NA"];

/// A figure a report states.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stated {
    /// The value (a lower bound or an approximation when not exact).
    pub amount: Amount,
    /// How exact the value is.
    pub precision: Precision,
    /// For inexact figures, how the number was written (`1100`, `15.7万`)
    /// and the word that qualified it, so the site shows it as written.
    pub written: Option<Box<Written>>,
}

/// How an inexact figure was written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    /// The number as written, without its marker or unit: `1100`, `15.7万`.
    pub number: Box<str>,
    /// The qualifying word.
    pub marker: Marker,
}

impl Stated {
    /// An exact figure.
    pub fn exact(amount: Amount) -> Stated {
        Stated {
            amount,
            precision: Precision::Exact,
            written: None,
        }
    }

    /// A computed figure of the given precision (a total, a rate).
    pub fn computed(amount: Amount, precision: Precision) -> Stated {
        Stated {
            amount,
            precision,
            written: None,
        }
    }
}

/// One figure of one report: stated, not applicable, or not reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Figure {
    /// Absent from the report (未报告).
    #[default]
    NotReported,
    /// The body has no such power (无相关职责).
    NotApplicable,
    /// A number the report states (or that is computed from stated parts).
    Stated(Stated),
}

impl Figure {
    /// The stated figure, if any.
    pub fn stated(&self) -> Option<&Stated> {
        match self {
            Figure::Stated(s) => Some(s),
            _ => None,
        }
    }

    /// Machine name of the figure's status, as in the downloads.
    pub fn status(&self) -> &'static str {
        match self {
            Figure::NotReported => "not_reported",
            Figure::NotApplicable => "not_applicable",
            Figure::Stated(s) => match s.precision {
                Precision::Exact => "exact",
                Precision::AtLeast => "lower_bound",
                Precision::About => "approximate",
            },
        }
    }
}

/// Why a figure's text could not be read. Each carries what the fix needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FigureError {
    /// Nothing but markers or spaces.
    Empty,
    /// Not a number at all (`abc`, `.nan`, `.inf`).
    NotANumber,
    /// A negative number; `suggestion` is the positive text.
    Negative {
        /// The number without its sign.
        suggestion: String,
    },
    /// A fraction where a whole count is needed.
    Fraction {
        /// The value as read, e.g. `2.5`.
        value: String,
    },
    /// A unit typed after a number that must stand alone.
    UnitInCount {
        /// The text without the unit, e.g. `9`.
        number: String,
        /// The unit that was typed, e.g. `件`.
        unit: String,
    },
    /// A unit this metric does not take (money only takes 元 and 万元).
    UnknownUnit {
        /// The unit that was typed.
        unit: String,
    },
    /// More decimals than the kind allows (money: to the fen).
    TooPrecise {
        /// The value as read.
        value: String,
    },
    /// The number does not fit.
    TooLarge,
    /// A rate over 100%.
    RateOver100,
    /// Thousands separators that do not separate groups of three digits
    /// (`1，53`, `1,5300`): read literally they would give another number.
    MisplacedSeparator {
        /// The number as written.
        written: String,
        /// The digits without separators (what the official should check).
        digits: String,
    },
    /// A number split by a character that is not a thousands separator
    /// (`1、530`, `1 530`).
    SplitNumber {
        /// The number as written.
        written: String,
        /// The character that splits it.
        separator: char,
        /// The text with the digits joined (`1530`, `1530余`).
        joined: String,
    },
}

/// Characters officials put between digit groups that are not thousands
/// separators: an enumeration comma, spaces of every width, apostrophes and
/// middle dots (Swiss and WPS habits).
const SPLITTERS: &[char] = &[
    '、', ' ', '\u{3000}', '\u{a0}', '\u{2009}', '\u{202f}', '\'', '’', '·', '・',
];

/// A number split into digit groups by one of [`SPLITTERS`]: the character
/// and the text with the groups joined, if `rest` (what follows the first
/// group of digits) continues with digits after such a character.
fn split_number(first: &str, rest: &str) -> Option<(char, String)> {
    let mut chars = rest.chars();
    let sep = chars.next().filter(|c| SPLITTERS.contains(c))?;
    let after = rest.get(sep.len_utf8()..)?.trim_start_matches(SPLITTERS);
    if !after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut joined = first.to_string();
    let mut tail = rest;
    loop {
        let trimmed = tail.trim_start_matches(SPLITTERS);
        if trimmed.len() == tail.len() || !trimmed.starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        let end = trimmed
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(trimmed.len());
        joined.push_str(trimmed.get(..end).unwrap_or(""));
        tail = trimmed.get(end..).unwrap_or("");
    }
    joined.push_str(tail);
    Some((sep, joined))
}

/// Whether the thousands separators in `digits` (`16,100.5`) separate
/// groups of three: a first group of one to three digits, then groups of
/// exactly three, none in the decimals.
fn well_grouped(digits: &str) -> bool {
    if !digits.contains(',') {
        return true;
    }
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut groups = whole.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3) && !frac.contains(',')
}

/// Parse a figure's text for a metric of `kind`.
///
/// Returns [`Figure::NotApplicable`] or [`Figure::Stated`]; "not reported" is
/// the absence of a key and never comes from text.
pub fn parse_figure(text: &str, kind: Kind) -> Result<Figure, FigureError> {
    let text = text.trim();
    if NOT_APPLICABLE.contains(&text) {
        return Ok(Figure::NotApplicable);
    }
    let normalized: String = text.chars().map(fold_full_width).collect();
    let mut rest = normalized.as_str();

    let mut marker = None;
    for (word, m) in PREFIXES {
        if let Some(r) = rest.strip_prefix(word) {
            marker = Some(*m);
            rest = r.trim_start();
            break;
        }
    }

    let negative = if let Some(r) = rest.strip_prefix('-') {
        rest = r;
        true
    } else {
        false
    };

    // The number: digits, optional thousands commas, optional decimal part.
    let number_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(rest.len(), |(i, _)| i);
    let (digits, mut tail) = rest.split_at(number_end);
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(
            if text.is_empty() || (digits.is_empty() && tail.is_empty()) {
                FigureError::Empty
            } else {
                FigureError::NotANumber
            },
        );
    }
    if let Some((separator, joined)) = split_number(digits, tail) {
        // Keep what was written before the digits (约, a sign) in the fix.
        let before = normalized
            .get(..normalized.len().saturating_sub(rest.len()))
            .unwrap_or("");
        return Err(FigureError::SplitNumber {
            written: text.to_string(),
            separator,
            joined: format!("{before}{joined}"),
        });
    }
    if !well_grouped(digits) {
        return Err(FigureError::MisplacedSeparator {
            written: text.to_string(),
            digits: digits.chars().filter(|c| *c != ',').collect(),
        });
    }
    let mut decimal = Decimal::parse(digits)?;

    // Multiplier 万 / 亿.
    let mut written_number = digits.to_string();
    for (word, exponent) in [("万", 4), ("亿", 8)] {
        if let Some(r) = tail.strip_prefix(word) {
            decimal.exponent = decimal
                .exponent
                .checked_add(exponent)
                .ok_or(FigureError::TooLarge)?;
            written_number.push_str(word);
            tail = r;
            break;
        }
    }
    let tail_trimmed = tail.trim_start();
    tail = tail_trimmed;

    // A percent sign belongs to rates only.
    if kind == Kind::Rate
        && let Some(r) = tail.strip_prefix('%')
    {
        tail = r.trim_start();
    }

    // Suffix marker (余, 多, 以上, +, 左右); at most one marker in all.
    if marker.is_none() {
        for (word, m) in SUFFIXES {
            if let Some(r) = tail.strip_prefix(word) {
                marker = Some(*m);
                tail = r.trim_start();
                break;
            }
        }
    }

    // Unit: money may say 元 / 万元; everything else stands alone.
    if !tail.is_empty() {
        let unit = tail.trim();
        match (kind, unit) {
            (Kind::Money, "元") => {}
            (Kind::Money, "万元") => {
                decimal.exponent = decimal
                    .exponent
                    .checked_add(4)
                    .ok_or(FigureError::TooLarge)?;
                written_number.push('万');
            }
            (Kind::Money, _) => {
                return Err(FigureError::UnknownUnit {
                    unit: unit.to_string(),
                });
            }
            (Kind::Rate, "%") => {}
            _ => {
                let mut number = String::new();
                if negative {
                    number.push('-');
                }
                number.push_str(&written_number);
                if let Some(m) = marker {
                    number = with_marker_zh(&number, m, kind);
                }
                return Err(FigureError::UnitInCount {
                    number,
                    unit: unit.to_string(),
                });
            }
        }
    }

    if negative {
        let mut suggestion = written_number.clone();
        if let Some(m) = marker {
            suggestion = with_marker_zh(&suggestion, m, kind);
        }
        return Err(FigureError::Negative { suggestion });
    }

    let amount = match decimal.to_amount() {
        Err(FigureError::TooPrecise { value }) if kind == Kind::Count => {
            return Err(FigureError::Fraction { value });
        }
        other => other?,
    };
    let value_text = amount.to_plain(amount.natural_decimals());
    if kind == Kind::Count && !amount.is_whole() {
        return Err(FigureError::Fraction { value: value_text });
    }
    if kind == Kind::Rate && amount > Amount::from_hundredths(100 * SCALE) {
        return Err(FigureError::RateOver100);
    }

    Ok(Figure::Stated(match marker {
        None => Stated::exact(amount),
        Some(m) => Stated {
            amount,
            precision: m.precision(),
            written: Some(Box::new(Written {
                number: written_number.into_boxed_str(),
                marker: m,
            })),
        },
    }))
}

/// An exact decimal `mantissa × 10^exponent`, as read from the text.
struct Decimal {
    mantissa: i128,
    exponent: i32,
    /// The digits as written, for messages.
    text: String,
}

impl Decimal {
    /// Read `1,100.5` exactly.
    fn parse(digits: &str) -> Result<Decimal, FigureError> {
        let text: String = digits.chars().filter(|c| *c != ',').collect();
        let (whole, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
        if frac.contains('.') || whole.is_empty() {
            return Err(FigureError::NotANumber);
        }
        let frac = frac.trim_end_matches('0');
        let mut mantissa: i128 = 0;
        for c in whole.chars().chain(frac.chars()) {
            let d = i128::from(c.to_digit(10).ok_or(FigureError::NotANumber)?);
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(d))
                .ok_or(FigureError::TooLarge)?;
        }
        let exponent = i32::try_from(frac.len())
            .ok()
            .and_then(i32::checked_neg)
            .ok_or(FigureError::TooLarge)?;
        Ok(Decimal {
            mantissa,
            exponent,
            text,
        })
    }

    /// The value in hundredths, if it has at most two decimals and fits.
    fn to_amount(&self) -> Result<Amount, FigureError> {
        // hundredths = mantissa × 10^(exponent + 2)
        let shift = self.exponent.checked_add(2).ok_or(FigureError::TooLarge)?;
        let hundredths = if shift >= 0 {
            let factor = 10i128
                .checked_pow(shift.unsigned_abs())
                .ok_or(FigureError::TooLarge)?;
            self.mantissa
                .checked_mul(factor)
                .ok_or(FigureError::TooLarge)?
        } else {
            let divisor = 10i128
                .checked_pow(shift.unsigned_abs())
                .ok_or(FigureError::TooLarge)?;
            if self.mantissa.checked_rem(divisor) != Some(0) {
                return Err(FigureError::TooPrecise {
                    value: self.text.clone(),
                });
            }
            self.mantissa
                .checked_div(divisor)
                .ok_or(FigureError::TooLarge)?
        };
        i64::try_from(hundredths)
            .map(Amount::from_hundredths)
            .map_err(|_| FigureError::TooLarge)
    }
}

fn fold_full_width(c: char) -> char {
    match c {
        '０'..='９' => (c as u32)
            .checked_sub('０' as u32)
            .and_then(|d| char::from_digit(d, 10))
            .unwrap_or(c),
        '，' => ',',
        '．' => '.',
        '％' => '%',
        '－' => '-',
        _ => c,
    }
}

/// `number` with its marker, in the Chinese form shown on the site.
pub fn with_marker_zh(number: &str, marker: Marker, kind: Kind) -> String {
    let pct = if kind == Kind::Rate { "%" } else { "" };
    match marker {
        Marker::Yu | Marker::Plus => format!("{number}{pct}余"),
        Marker::Duo => format!("{number}{pct}多"),
        Marker::YiShang => format!("{number}{pct}以上"),
        Marker::ZhiShao => format!("至少{number}{pct}"),
        Marker::ChaoGuo => format!("超过{number}{pct}"),
        Marker::Yue | Marker::Tilde => format!("约{number}{pct}"),
        Marker::ZuoYou => format!("{number}{pct}左右"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stated(text: &str, kind: Kind) -> Stated {
        match parse_figure(text, kind) {
            Ok(Figure::Stated(s)) => s,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn exact_counts_and_money() {
        assert_eq!(
            stated("2537", Kind::Count).amount,
            Amount::from_hundredths(253_700)
        );
        assert_eq!(
            stated("473240.6", Kind::Money).amount,
            Amount::from_hundredths(47_324_060)
        );
        assert_eq!(
            stated("473240.60", Kind::Money).amount,
            Amount::from_hundredths(47_324_060)
        );
        assert_eq!(
            stated("7300元", Kind::Money).amount,
            Amount::from_hundredths(730_000)
        );
        assert_eq!(
            stated("150.5万元", Kind::Money).amount,
            Amount::from_hundredths(150_500_000)
        );
        assert_eq!(
            stated("1,100", Kind::Count).amount,
            Amount::from_hundredths(110_000)
        );
        assert_eq!(stated("０", Kind::Count).precision, Precision::Exact);
    }

    #[test]
    fn lower_bounds_and_approximations_are_distinct() {
        let s = stated("1100余", Kind::Count);
        assert_eq!(s.precision, Precision::AtLeast);
        assert_eq!(s.amount, Amount::from_hundredths(110_000));
        assert_eq!(stated("1100+", Kind::Count).precision, Precision::AtLeast);
        assert_eq!(
            stated("至少1100", Kind::Count).precision,
            Precision::AtLeast
        );
        assert_eq!(
            stated("1100以上", Kind::Count).precision,
            Precision::AtLeast
        );
        let a = stated("约15.7万", Kind::Count);
        assert_eq!(a.precision, Precision::About);
        assert_eq!(a.amount, Amount::from_hundredths(15_700_000));
        assert_eq!(stated("~157000", Kind::Count).precision, Precision::About);
        assert_eq!(
            stated("88%以上", Kind::Rate).amount,
            Amount::from_hundredths(8800)
        );
    }

    #[test]
    fn not_applicable() {
        assert_eq!(
            parse_figure("无相关职责", Kind::Count),
            Ok(Figure::NotApplicable)
        );
        assert_eq!(parse_figure("n/a", Kind::Money), Ok(Figure::NotApplicable));
    }

    #[test]
    fn errors_say_what_to_write() {
        assert_eq!(
            parse_figure("9件", Kind::Count),
            Err(FigureError::UnitInCount {
                number: "9".into(),
                unit: "件".into()
            })
        );
        assert_eq!(
            parse_figure("1100余次", Kind::Count),
            Err(FigureError::UnitInCount {
                number: "1100余".into(),
                unit: "次".into()
            })
        );
        assert_eq!(
            parse_figure("-5", Kind::Count),
            Err(FigureError::Negative {
                suggestion: "5".into()
            })
        );
        assert_eq!(
            parse_figure("2.5", Kind::Count),
            Err(FigureError::Fraction {
                value: "2.5".into()
            })
        );
        assert_eq!(
            parse_figure("1.234", Kind::Money),
            Err(FigureError::TooPrecise {
                value: "1.234".into()
            })
        );
        assert_eq!(
            parse_figure("1.2345678万元", Kind::Money),
            Err(FigureError::TooPrecise {
                value: "1.2345678".into()
            })
        );
        assert_eq!(
            stated("1.234567万元", Kind::Money).amount,
            Amount::from_hundredths(1_234_567)
        );
        assert_eq!(
            parse_figure("300块", Kind::Money),
            Err(FigureError::UnknownUnit { unit: "块".into() })
        );
        assert_eq!(
            parse_figure(".nan", Kind::Count),
            Err(FigureError::NotANumber)
        );
        assert_eq!(
            parse_figure("99999999999999999999999", Kind::Count),
            Err(FigureError::TooLarge)
        );
        assert_eq!(
            parse_figure("101%", Kind::Rate),
            Err(FigureError::RateOver100)
        );
        assert_eq!(parse_figure("", Kind::Count), Err(FigureError::Empty));
    }

    #[test]
    fn thousands_separators_must_group_three_digits() {
        assert_eq!(
            stated("16,100", Kind::Count).amount,
            Amount::from_hundredths(1_610_000)
        );
        assert_eq!(
            stated("16，100", Kind::Count).amount,
            Amount::from_hundredths(1_610_000)
        );
        assert_eq!(
            stated("1,234,567.89", Kind::Money).amount,
            Amount::from_hundredths(123_456_789)
        );
        for (text, digits) in [
            ("1，53", "153"),
            ("1,5300", "15300"),
            ("16,10", "1610"),
            ("1600,", "1600"),
            ("1,600.5,0", "1600.50"),
            ("１，５３", "153"),
        ] {
            assert_eq!(
                parse_figure(text, Kind::Money),
                Err(FigureError::MisplacedSeparator {
                    written: text.into(),
                    digits: digits.into()
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_split_by_other_characters_are_unclear() {
        for (text, separator, joined) in [
            ("1、530", '、', "1530"),
            ("1 530", ' ', "1530"),
            ("1\u{3000}530余", '\u{3000}', "1530余"),
            ("约1 530", ' ', "约1530"),
            ("1 530 000元", ' ', "1530000元"),
            ("1'530", '\'', "1530"),
        ] {
            assert_eq!(
                parse_figure(text, Kind::Money),
                Err(FigureError::SplitNumber {
                    written: text.into(),
                    separator,
                    joined: joined.into()
                }),
                "{text}"
            );
        }
        // A unit after a space is still a unit.
        assert!(matches!(
            parse_figure("9 件", Kind::Count),
            Err(FigureError::UnitInCount { .. })
        ));
    }
}
