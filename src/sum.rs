//! Exact sums of figures.
//!
//! A sum of figures is exact: it is added in 128-bit integers of hundredths
//! (no number of real figures can overflow it), it carries the combined
//! precision of its parts (a lower bound makes it a lower bound, an
//! approximate part makes it approximate), and it remembers the coarsest
//! place its approximate parts are good to, so that it is never shown more
//! precisely than they are. Report totals (validate) and totals across
//! townships (assemble) both add up through [`Sum`].

#![deny(clippy::arithmetic_side_effects)]

use crate::amount::Amount;
use crate::figure::{Figure, Precision, Stated};

/// The place an inexact figure is good to, in hundredths: its last nonzero
/// digit, or one digit below its leading digit if that is finer (约2000 is
/// read to the hundred, 约15.7万 to the thousand, 约85 to the unit).
pub fn inexact_place(amount: Amount) -> i128 {
    let h = i128::from(amount.hundredths()).saturating_abs();
    if h == 0 {
        return 100;
    }
    let mut last = 1i128;
    while h.checked_rem(last.saturating_mul(10)) == Some(0) {
        last = last.saturating_mul(10);
    }
    let mut lead = 1i128;
    while lead.saturating_mul(10) <= h {
        lead = lead.saturating_mul(10);
    }
    let below_lead = (lead / 10).max(1);
    last.min(below_lead)
}

/// Round `h` hundredths to a multiple of `place`, half away from zero.
fn round_to(h: i128, place: i128) -> i128 {
    if place <= 1 {
        return h;
    }
    let r = h.rem_euclid(place);
    let down = h.saturating_sub(r);
    if r.saturating_mul(2) >= place {
        down.saturating_add(place)
    } else {
        down
    }
}

/// An exact running sum of figures: exact in 128-bit integers (no overflow
/// is possible for any number of real figures), the combined precision, and
/// the coarsest place of the inexact parts, so that a sum with an
/// approximate part is shown no more precisely than that part.
#[derive(Clone, Copy, Debug)]
pub struct Sum {
    hundredths: i128,
    precision: Precision,
    place: i128,
    stated: usize,
    not_applicable: usize,
}

impl Default for Sum {
    fn default() -> Self {
        Sum {
            hundredths: 0,
            precision: Precision::Exact,
            place: 1,
            stated: 0,
            not_applicable: 0,
        }
    }
}

impl Sum {
    /// Add a figure (not reported adds nothing).
    pub fn add(&mut self, figure: &Figure) {
        match figure {
            Figure::Stated(s) => self.add_stated(s),
            Figure::NotApplicable => self.not_applicable = self.not_applicable.saturating_add(1),
            Figure::NotReported => {}
        }
    }

    /// Add a stated figure.
    pub fn add_stated(&mut self, s: &Stated) {
        self.hundredths = self
            .hundredths
            .saturating_add(i128::from(s.amount.hundredths()));
        self.precision = self.precision.combine(s.precision);
        if s.precision != Precision::Exact {
            self.place = self.place.max(inexact_place(s.amount));
        }
        self.stated = self.stated.saturating_add(1);
    }

    /// Add another sum: the sum of all the figures of both.
    pub fn merge(&mut self, other: &Sum) {
        self.hundredths = self.hundredths.saturating_add(other.hundredths);
        self.precision = self.precision.combine(other.precision);
        self.place = self.place.max(other.place);
        self.stated = self.stated.saturating_add(other.stated);
        self.not_applicable = self.not_applicable.saturating_add(other.not_applicable);
    }

    /// How many figures were given (a number or "not applicable").
    pub fn reported(&self) -> usize {
        self.stated.saturating_add(self.not_applicable)
    }

    /// How many figures were numbers.
    pub fn stated(&self) -> usize {
        self.stated
    }

    /// The exact sum in hundredths, before any rounding (for tests).
    #[cfg(test)]
    pub fn exact_hundredths(&self) -> i128 {
        self.hundredths
    }

    /// Whether the sum fits in an [`Amount`].
    pub fn fits(&self) -> bool {
        i64::try_from(self.hundredths).is_ok()
    }

    /// The sum as a figure: not reported if nothing was given, not
    /// applicable if only that was, else the total (rounded to its
    /// coarsest inexact place when approximate). `None` if it does not fit.
    pub fn figure(&self) -> Option<Figure> {
        if self.stated == 0 {
            return Some(if self.not_applicable == 0 {
                Figure::NotReported
            } else {
                Figure::NotApplicable
            });
        }
        let h = match self.precision {
            Precision::About => round_to(self.hundredths, self.place),
            _ => self.hundredths,
        };
        let amount = Amount::from_hundredths(i64::try_from(h).ok()?);
        Some(Figure::Stated(Stated::computed(amount, self.precision)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Kind, parse_figure};

    fn money(text: &str) -> Figure {
        parse_figure(text, Kind::Money).unwrap()
    }

    #[test]
    fn an_approximate_figure_is_good_to_its_last_digit_or_one_below_its_first() {
        let place = |t: &str| match money(t) {
            Figure::Stated(s) => inexact_place(s.amount) / 100,
            _ => 0,
        };
        assert_eq!(place("约2000"), 100);
        assert_eq!(place("约15.7万"), 1000);
        assert_eq!(place("约85"), 1);
        assert_eq!(place("1100余"), 100);
        assert_eq!(place("约1250"), 10);
    }
}
