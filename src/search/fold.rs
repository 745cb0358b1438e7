//! The folding that search applies to indexed text and, in the browser, to
//! queries, so that equivalent spellings meet in the index.
//!
//! Pagefind itself lowercases and strips diacritics but keeps full-width
//! digits and letters (`２５３７` is not `2537`) and knows nothing of
//! traditional and simplified characters (`電動車` is not `电动车`). Both
//! sides therefore fold:
//! - full-width ASCII digits and letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A)
//!   to ASCII; full-width punctuation is left alone, as it can be markup
//!   when folded (`＜` would become `<`);
//! - traditional characters to simplified ones, character by character, with
//!   the table in `t2s.txt` (generated from the Unicode Han database by
//!   `tools/gen_t2s.py`). The browser folds queries with the same table
//!   ([`TABLE_PATH`]), so the two sides cannot disagree.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The table: one line per pair, the traditional character then the
/// simplified one, sorted by code point.
pub const T2S: &str = include_str!("t2s.txt");

/// Where the table is written in the output, for the search page's script.
pub const TABLE_PATH: &str = "search/t2s.txt";

fn table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        T2S.lines()
            .filter_map(|line| {
                let mut chars = line.chars();
                Some((chars.next()?, chars.next()?))
            })
            .collect()
    })
}

/// One character folded.
pub fn fold_char(c: char) -> char {
    match u32::from(c) {
        // Full-width digits and Latin letters: the same offset as ASCII.
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        0x3400.. => table().get(&c).copied().unwrap_or(c),
        _ => c,
    }
}

/// Text folded; borrowed when nothing changes (the usual case for a
/// simplified-Chinese site).
pub fn fold(text: &str) -> Cow<'_, str> {
    match text.char_indices().find(|&(_, c)| fold_char(c) != c) {
        None => Cow::Borrowed(text),
        Some((at, _)) => {
            let (same, rest) = text.split_at(at);
            let mut out = String::with_capacity(text.len());
            out.push_str(same);
            out.extend(rest.chars().map(fold_char));
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_become_ascii() {
        assert_eq!(fold("２５３７"), "2537");
        assert_eq!(fold("ＡＢＣｘｙｚ０９"), "ABCxyz09");
        // Full-width punctuation is kept: it could become markup.
        assert_eq!(fold("＜〔２０２３〕＞"), "＜〔2023〕＞");
    }

    #[test]
    fn traditional_characters_become_simplified() {
        assert_eq!(fold("電動車"), "电动车");
        assert_eq!(fold("行政處罰"), "行政处罚");
        assert_eq!(fold("法制審核"), "法制审核");
        assert_eq!(fold("罰款金額"), "罚款金额");
        // Simplified text is left as it is, and not copied.
        assert!(matches!(fold("占道经营 2537"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut last = None;
        for line in T2S.lines() {
            let chars: Vec<char> = line.chars().collect();
            assert_eq!(chars.len(), 2, "line {line:?}");
            assert_ne!(chars[0], chars[1]);
            // Sorted, each traditional character once.
            assert!(last < Some(chars[0]), "{line:?} out of order");
            last = Some(chars[0]);
            // A simplified character never folds further.
            assert_eq!(fold_char(chars[1]), chars[1], "{line:?}");
        }
        assert!(table().len() > 2000);
    }
}
