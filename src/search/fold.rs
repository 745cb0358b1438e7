//! The folding that search applies to indexed text and to queries, so that
//! equivalent spellings meet in the index.
//!
//! Folding is one character to one character, so a position in the folded
//! text is the same position in the text as written: the page shows reports
//! as written and marks the hits found in the folded text.
//! - full-width ASCII (U+FF01–FF5E: `２５３７`, `ＡＢＣ`, `（`, `［`) to ASCII,
//!   the ideographic space to a space;
//! - the brackets of case numbers, however typed (`〔2023〕`, `【2023】`,
//!   `［2023］`, `[2023]`), to `[` and `]`;
//! - ASCII letters to lower case;
//! - traditional characters to simplified ones, character by character,
//!   with the table in `t2s.txt` (generated from the Unicode Han database by
//!   `tools/gen_t2s.py`).
//!
//! The browser folds queries and excerpts alike (`assets/search.js`; the
//! table itself is written to [`TABLE_PATH`] and fetched only when needed),
//! so the two sides cannot disagree.

use std::borrow::Cow;
use std::sync::OnceLock;

/// The table: one line per pair, the traditional character then the
/// simplified one, sorted by code point.
pub const T2S: &str = include_str!("t2s.txt");

/// Where the table is written in the output, for the search page's script.
pub const TABLE_PATH: &str = "search/t2s.txt";

/// The characters the table covers: CJK Unified Ideographs, Extension A
/// included (every traditional character of the table is in this range).
const HAN_FIRST: u32 = 0x3400;
const HAN_LAST: u32 = 0x9FFF;

/// The simplified form of every character of `HAN_FIRST..=HAN_LAST`, by
/// offset: a direct table, as folding runs on every indexed character.
fn table() -> &'static [char] {
    static TABLE: OnceLock<Vec<char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<char> = (HAN_FIRST..=HAN_LAST)
            .map(|u| char::from_u32(u).unwrap_or(' '))
            .collect();
        for line in T2S.lines() {
            let mut chars = line.chars();
            if let (Some(t), Some(s)) = (chars.next(), chars.next())
                && let Some(slot) = u32::from(t)
                    .checked_sub(HAN_FIRST)
                    .and_then(|i| table.get_mut(i as usize))
            {
                *slot = s;
            }
        }
        table
    })
}

/// A traditional character's simplified form; any other character as it is.
pub fn simplified(c: char) -> char {
    u32::from(c)
        .checked_sub(HAN_FIRST)
        .filter(|_| u32::from(c) <= HAN_LAST)
        .and_then(|i| table().get(i as usize))
        .copied()
        .unwrap_or(c)
}

/// One character folded, without the traditional-to-simplified table: what
/// the browser folds without downloading it.
pub fn fold_basic(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{3000}' => ' ',
        '〔' | '【' | '〖' | '﹝' | '［' => '[',
        '〕' | '】' | '〗' | '﹞' | '］' => ']',
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(u32::from(c) - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase())
        }
        _ => c,
    }
}

/// One character folded.
#[inline]
pub fn fold_char(c: char) -> char {
    match u32::from(c) {
        0..=0x7f => c.to_ascii_lowercase(),
        // A simplified character is in the same block, and folds no further.
        u @ HAN_FIRST..=HAN_LAST => table().get((u - HAN_FIRST) as usize).copied().unwrap_or(c),
        _ => fold_basic(c),
    }
}

/// Text folded; borrowed when nothing changes.
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

/// Whether the text has a character that only the table folds (the browser
/// then needs the table to find hits in it).
pub fn needs_table(text: &str) -> bool {
    text.chars()
        .any(|c| u32::from(c) >= HAN_FIRST && simplified(c) != c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_characters_become_ascii_and_letters_lower_case() {
        assert_eq!(fold("２５３７"), "2537");
        assert_eq!(fold("ＡＢＣｘｙｚ０９"), "abcxyz09");
        assert_eq!(fold("（一）重点执法，"), "(一)重点执法,");
        assert_eq!(fold("GongShi"), "gongshi");
    }

    #[test]
    fn case_number_brackets_fold_alike() {
        for typed in [
            "〔2023〕15号",
            "【2023】15号",
            "［２０２３］15号",
            "[2023]15号",
        ] {
            assert_eq!(fold(typed), "[2023]15号", "{typed}");
        }
    }

    #[test]
    fn folding_keeps_every_character_in_its_place() {
        for text in [
            "開展電動車違規停放，全年檢查２０８６次",
            "〔2023〕ＡＢ",
            "占道经营",
        ] {
            assert_eq!(fold(text).chars().count(), text.chars().count());
        }
    }

    #[test]
    fn traditional_characters_become_simplified() {
        assert_eq!(fold("電動車"), "电动车");
        assert_eq!(fold("行政處罰"), "行政处罚");
        assert_eq!(fold("法制審核"), "法制审核");
        assert_eq!(fold("罰款金額"), "罚款金额");
        assert!(needs_table("罰款"));
        assert!(!needs_table("罚款 ２０２３"));
        // Simplified text is left as it is, and not copied.
        assert!(matches!(fold("占道经营 2537"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut last = None;
        let mut pairs = 0;
        for line in T2S.lines() {
            let chars: Vec<char> = line.chars().collect();
            assert_eq!(chars.len(), 2, "line {line:?}");
            assert_ne!(chars[0], chars[1]);
            // Sorted, each traditional character once, inside the direct table.
            assert!(last < Some(chars[0]), "{line:?} out of order");
            assert!((HAN_FIRST..=HAN_LAST).contains(&u32::from(chars[0])));
            last = Some(chars[0]);
            assert_eq!(simplified(chars[0]), chars[1]);
            // A simplified character never folds further.
            assert_eq!(fold_char(chars[1]), chars[1], "{line:?}");
            pairs += 1;
        }
        assert!(pairs > 2000);
    }
}
