//! Exact decimal amounts.
//!
//! Every figure gongshi handles — a count of cases, a sum of fines, an area in
//! square metres, a rate in percent — is held as an [`Amount`]: a whole number
//! of hundredths of its unit. Money is therefore held in fen, and no sum ever
//! goes through floating point. Arithmetic is checked: an overflow is reported,
//! never wrapped.

#![deny(clippy::arithmetic_side_effects)]

use std::fmt::Write as _;

/// An exact amount in hundredths of its unit (for money: in fen).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Amount(i64);

/// How many hundredths make one unit.
pub const SCALE: i64 = 100;

impl Amount {
    /// Zero of any unit.
    pub const ZERO: Amount = Amount(0);

    /// An amount from a count of hundredths (for money: fen).
    pub const fn from_hundredths(hundredths: i64) -> Amount {
        Amount(hundredths)
    }

    /// An amount of whole units, or `None` if it does not fit.
    pub fn from_units(units: i64) -> Option<Amount> {
        units.checked_mul(SCALE).map(Amount)
    }

    /// The amount in hundredths of its unit (for money: fen).
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Whether the amount is a whole number of units.
    pub const fn is_whole(self) -> bool {
        self.0 % SCALE == 0
    }

    /// Whether the amount is below zero (only changes between years can be).
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Exact sum, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// Exact difference, or `None` on overflow.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// Sum of many amounts, or `None` on overflow.
    pub fn checked_sum<I: IntoIterator<Item = Amount>>(items: I) -> Option<Amount> {
        items
            .into_iter()
            .try_fold(Amount::ZERO, |acc, a| acc.checked_add(a))
    }

    /// `self / other` as a percentage, rounded half away from zero to two
    /// decimals; `None` if `other` is zero or the result does not fit.
    /// Used to compute rates from their counts, in integers only.
    pub fn percent_of(self, other: Amount) -> Option<Amount> {
        Amount::percent_of_wide(i128::from(self.0), i128::from(other.0))
    }

    /// `n / d` (both in hundredths, summed in 128 bits) as a percentage,
    /// rounded half away from zero to two decimals; `None` if `d` is zero or
    /// the result does not fit. Used for rates of summed counts.
    pub fn percent_of_wide(n: i128, d: i128) -> Option<Amount> {
        if d == 0 {
            return None;
        }
        let num = n.checked_mul(10_000)?;
        let q = num.checked_div(d)?;
        let r = num.checked_rem(d)?;
        let q = if r.checked_abs()?.checked_mul(2)? >= d.checked_abs()? {
            if (num < 0) != (d < 0) {
                q.checked_sub(1)?
            } else {
                q.checked_add(1)?
            }
        } else {
            q
        };
        i64::try_from(q).ok().map(Amount)
    }

    /// The amount as plain decimal text with exactly `decimals` (0 to 2)
    /// decimal places and no separators: `483340.60`, `-16`, `1100`. This is
    /// the machine form used in JSON, CSV and `data-` attributes; it only
    /// drops digits that are zero (callers choose `decimals` from the kind).
    pub fn to_plain(self, decimals: u8) -> String {
        self.render(decimals, false)
    }

    /// The amount for people: thousands separated, `decimals` places.
    /// `483,340.60`, `2,537`.
    pub fn to_grouped(self, decimals: u8) -> String {
        self.render(decimals, true)
    }

    /// The fewest decimals (0 to 2) that show this amount exactly.
    pub fn natural_decimals(self) -> u8 {
        if self.0 % SCALE == 0 {
            0
        } else if self.0 % 10 == 0 {
            1
        } else {
            2
        }
    }

    fn render(self, decimals: u8, grouped: bool) -> String {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let units = abs.checked_div(SCALE.unsigned_abs()).unwrap_or(0);
        let frac = abs.checked_rem(SCALE.unsigned_abs()).unwrap_or(0);
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        let digits = units.to_string();
        if grouped {
            let n = digits.len();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && n.saturating_sub(i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(ch);
            }
        } else {
            out.push_str(&digits);
        }
        match decimals {
            0 => {}
            1 => {
                let _ = write!(out, ".{}", frac.checked_div(10).unwrap_or(0));
            }
            _ => {
                let _ = write!(out, ".{frac:02}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money_to_the_fen() {
        let a = Amount::from_hundredths(48_334_060);
        assert_eq!(a.to_grouped(2), "483,340.60");
        assert_eq!(a.to_plain(2), "483340.60");
        assert_eq!(Amount::from_hundredths(730_000).to_grouped(2), "7,300.00");
        assert_eq!(Amount::from_hundredths(-1600).to_grouped(0), "-16");
        assert_eq!(Amount::from_hundredths(5).to_plain(2), "0.05");
    }

    #[test]
    fn percent_rounds_half_away_from_zero() {
        let p = Amount::from_hundredths(100).percent_of(Amount::from_hundredths(300));
        assert_eq!(p, Some(Amount::from_hundredths(3333)));
        let p = Amount::from_hundredths(200).percent_of(Amount::from_hundredths(300));
        assert_eq!(p, Some(Amount::from_hundredths(6667)));
        assert_eq!(Amount::ZERO.percent_of(Amount::ZERO), None);
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(
            Amount::from_hundredths(i64::MAX).checked_add(Amount::from_hundredths(1)),
            None
        );
        assert_eq!(Amount::from_units(i64::MAX / 10), None);
    }
}
