//! How figures read on the site and in messages.
//!
//! Exact figures are grouped by thousands (`2,537`; money always to the fen,
//! `483,340.60`). Inexact figures show as the report wrote them (`1100余`,
//! `约15.7万`); computed inexact ones (totals with a lower-bound part) carry
//! the marker (`3,637余`).

use crate::amount::Amount;
use crate::figure::{Figure, Kind, Marker, Precision, Stated, with_marker_zh};
use crate::i18n::Lang;

/// A stated figure for people.
pub fn stated(s: &Stated, kind: Kind, lang: Lang) -> String {
    let pct = if kind == Kind::Rate { "%" } else { "" };
    match (&s.written, s.precision, lang) {
        (_, Precision::Exact, _) => format!("{}{pct}", amount(s.amount, kind)),
        (Some(w), _, Lang::Zh) => with_marker_zh(&w.number, w.marker, kind),
        (Some(w), _, Lang::En) => match w.marker {
            Marker::Yue | Marker::Tilde | Marker::ZuoYou => {
                format!("~{}{pct}", amount(s.amount, kind))
            }
            _ => format!("{}{pct}+", amount(s.amount, kind)),
        },
        (None, Precision::AtLeast, Lang::Zh) => format!("{}{pct}余", amount(s.amount, kind)),
        (None, Precision::AtLeast, Lang::En) => format!("{}{pct}+", amount(s.amount, kind)),
        (None, Precision::About, Lang::Zh) => format!("约{}{pct}", amount(s.amount, kind)),
        (None, Precision::About, Lang::En) => format!("~{}{pct}", amount(s.amount, kind)),
    }
}

/// An exact amount of `kind`, grouped by thousands.
pub fn amount(a: Amount, kind: Kind) -> String {
    a.to_grouped(kind.display_decimals(a))
}

/// The plain machine text of an amount of `kind` (`483340.60`, `1100`).
pub fn plain(a: Amount, kind: Kind) -> String {
    a.to_plain(kind.display_decimals(a))
}

/// A figure in a table cell: the number, or the words for "none", "not
/// applicable", "not reported" (short forms; the report page uses the long ones).
pub fn cell(f: &Figure, kind: Kind, lang: Lang) -> String {
    match f {
        Figure::Stated(s) => stated(s, kind, lang),
        Figure::NotApplicable => lang.pick("无相关职责", "n/a").to_string(),
        Figure::NotReported => lang.pick("未报告", "not reported").to_string(),
    }
}

/// A signed change between two exact amounts: `+16`, `-5`, `0`.
pub fn change(delta: Amount, kind: Kind) -> String {
    let text = amount(delta, kind);
    if delta > Amount::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::parse_figure;

    fn show(text: &str, kind: Kind, lang: Lang) -> String {
        match parse_figure(text, kind) {
            Ok(Figure::Stated(s)) => stated(&s, kind, lang),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn shows_figures_as_written() {
        assert_eq!(show("1100余", Kind::Count, Lang::Zh), "1100余");
        assert_eq!(show("1100+", Kind::Count, Lang::Zh), "1100余");
        assert_eq!(show("1100+", Kind::Count, Lang::En), "1,100+");
        assert_eq!(show("约15.7万", Kind::Count, Lang::Zh), "约15.7万");
        assert_eq!(show("约15.7万", Kind::Count, Lang::En), "~157,000");
        assert_eq!(show("473240.6", Kind::Money, Lang::Zh), "473,240.60");
        assert_eq!(show("7300", Kind::Money, Lang::Zh), "7,300.00");
        assert_eq!(show("2537", Kind::Count, Lang::Zh), "2,537");
        assert_eq!(show("88%以上", Kind::Rate, Lang::Zh), "88%以上");
        assert_eq!(show("10163", Kind::Area, Lang::Zh), "10,163");
        assert_eq!(show("63.4", Kind::Area, Lang::Zh), "63.4");
    }

    #[test]
    fn computed_inexact_totals_carry_the_marker() {
        let s = Stated::computed(Amount::from_hundredths(363_700), Precision::AtLeast);
        assert_eq!(stated(&s, Kind::Count, Lang::Zh), "3,637余");
        assert_eq!(stated(&s, Kind::Count, Lang::En), "3,637+");
    }
}
