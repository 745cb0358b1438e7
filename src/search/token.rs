//! How text becomes the tokens of the index, and a query the tokens to
//! look up. `assets/search.js` does the same, character for character;
//! `tests/browser.rs` checks that both sides agree.
//!
//! Text is folded first ([`super::fold`]). Then each character is one of:
//! - a **word** character: an ASCII letter or digit. A run of them is one
//!   unit (`2537`, `abc`); a comma between a digit and exactly three digits
//!   is digit grouping and belongs to the run (`2,537` is `2537`);
//! - a **break**: a line end, or sentence punctuation (`，。、；：！？` and
//!   their ASCII forms, quotation marks, `…`, `—`, `·`): units on either side
//!   are not adjacent;
//! - **nothing**: other white space and invisible format characters; units on
//!   either side stay adjacent (`2537 次` reads as `2537次`, a line wrapped
//!   inside a paragraph does not cut a word);
//! - a **unit** of its own: every other character — a Chinese character,
//!   a bracket of a case number (`[2023]`), `.`, `%`, `-`…
//!
//! Chinese is written without spaces and no word list knows every term of
//! local enforcement, so there are no words: the index holds every unit
//! (for one-character queries and numbers) and every pair of adjacent units
//! (占道经营 → 占道 道经 经营). A report matches a query when it has every
//! pair of the query; whether the query stands there as one phrase is
//! checked on the report's text when it is shown.

use super::fold::fold_char;

/// The longest token, in bytes of UTF-8: a longer one is cut at the last
/// whole character that fits (only runs of letters and digits get that
/// long; 16 bytes hold any pair of Chinese characters or a 12-digit number
/// beside one).
pub const MAX_TOKEN_BYTES: usize = 16;

/// A token, its UTF-8 bytes packed big-endian into a number (zero-padded:
/// the order of the numbers is the order of the strings).
pub type Token = u128;

/// What a folded character is to search (see the module's description).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An ASCII letter or digit.
    Word,
    /// Ends adjacency.
    Break,
    /// Skipped.
    Nothing,
    /// A unit of its own.
    Unit,
}

/// The kind of a folded character.
pub fn kind(c: char) -> Kind {
    match c {
        'a'..='z' | '0'..='9' => Kind::Word,
        '\n' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '`' | '。' | '、' | '“' | '”' | '‘'
        | '’' | '…' | '—' | '·' | '「' | '」' | '『' | '』' | '｡' | '､' | '・' => {
            Kind::Break
        }
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{2060}'
        | '\u{FEFF}' => Kind::Nothing,
        c if c.is_whitespace() || c.is_control() => Kind::Nothing,
        _ => Kind::Unit,
    }
}

/// One unit of folded text, as tokens need it: its first bytes of UTF-8
/// (a token never needs more), packed as a [`Token`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unit {
    bits: Token,
    /// How many bytes `bits` holds (at most [`MAX_TOKEN_BYTES`]).
    len: u32,
    /// A run of letters and digits (else one character).
    word: bool,
}

impl Unit {
    #[inline]
    fn char(c: char) -> Unit {
        // The character's UTF-8 bytes, at the top of the number.
        let u = u32::from(c);
        let (bits, len): (u32, u32) = match u {
            0..=0x7f => (u << 24, 1),
            0x80..=0x7ff => ((0xc0 | u >> 6) << 24 | (0x80 | (u & 0x3f)) << 16, 2),
            0x800..=0xffff => (
                (0xe0 | u >> 12) << 24 | (0x80 | (u >> 6 & 0x3f)) << 16 | (0x80 | (u & 0x3f)) << 8,
                3,
            ),
            _ => (
                (0xf0 | u >> 18) << 24
                    | (0x80 | (u >> 12 & 0x3f)) << 16
                    | (0x80 | (u >> 6 & 0x3f)) << 8
                    | (0x80 | (u & 0x3f)),
                4,
            ),
        };
        Unit {
            bits: Token::from(bits) << 96,
            len,
            word: false,
        }
    }

    fn empty_word() -> Unit {
        Unit {
            bits: 0,
            len: 0,
            word: true,
        }
    }

    /// Adds an ASCII letter or digit to a run (beyond what a token needs,
    /// it is dropped).
    fn push(&mut self, b: u8) {
        if let Some(shift) = (MAX_TOKEN_BYTES as u32 - 1).checked_sub(self.len) {
            self.bits |= Token::from(b) << (8 * shift);
            self.len += 1;
        }
    }
}

/// The token of one unit.
fn unigram(a: &Unit) -> Token {
    a.bits
}

/// The token of two adjacent units; two runs of letters and digits are
/// kept apart by a space (`ab c` is not `a bc`, nor the run `abc`). Cut to
/// [`MAX_TOKEN_BYTES`]: a run loses its last letters, a character that does
/// not fit is left out whole.
fn bigram(a: &Unit, b: &Unit) -> Token {
    const MAX: u32 = MAX_TOKEN_BYTES as u32;
    let mut bits = a.bits;
    let mut len = a.len;
    if a.word && b.word {
        if len >= MAX {
            return bits;
        }
        bits |= Token::from(b' ') << (8 * (MAX - 1 - len));
        len += 1;
    }
    if len < MAX && (b.word || len + b.len <= MAX) {
        bits |= b.bits >> (8 * len);
    }
    bits
}

/// A token as text.
pub fn token_text(token: Token) -> String {
    let (bytes, len) = token_bytes(&token);
    String::from_utf8_lossy(bytes.get(..len).unwrap_or_default()).into_owned()
}

/// A token's bytes, and how many there are (without the padding).
pub fn token_bytes(token: &Token) -> ([u8; MAX_TOKEN_BYTES], usize) {
    let bytes = token.to_be_bytes();
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    (bytes, len)
}

/// A character's kind, with fast paths for Chinese characters and ASCII:
/// this runs on every character of every report.
#[inline]
fn kind_of(c: char) -> Kind {
    match c {
        '\u{3400}'..='\u{9FFF}' => Kind::Unit,
        _ => kind(c),
    }
}

/// Whether the comma that `rest` follows is followed by exactly three digits.
fn grouping_after(rest: &std::str::Chars<'_>) -> bool {
    let mut next = rest.clone().map(fold_char);
    (0..3).all(|_| next.next().is_some_and(|c| c.is_ascii_digit()))
        && !next.next().is_some_and(|c| c.is_ascii_digit())
}

/// Calls `unit` for every unit of `text` with whether it is adjacent to the
/// one before.
fn read_units(text: &str, mut unit: impl FnMut(Unit, bool)) {
    let mut adjacent = false;
    let mut word: Option<Unit> = None;
    let mut last = ' ';
    let mut chars = text.chars();
    while let Some(raw) = chars.next() {
        let c = fold_char(raw);
        let k = kind_of(c);
        if k == Kind::Word {
            word.get_or_insert_with(Unit::empty_word).push(c as u8);
            last = c;
            continue;
        }
        // Digit grouping: `2,537` is one run.
        if c == ',' && word.is_some() && last.is_ascii_digit() && grouping_after(&chars) {
            continue;
        }
        if let Some(w) = word.take() {
            unit(w, adjacent);
            adjacent = true;
        }
        match k {
            Kind::Break => adjacent = false,
            Kind::Nothing | Kind::Word => {}
            Kind::Unit => {
                unit(Unit::char(c), adjacent);
                adjacent = true;
            }
        }
    }
    if let Some(w) = word {
        unit(w, adjacent);
    }
}

/// Calls `token` for every token of `text` (every unit, and every pair of
/// adjacent units), in order, repeats included.
pub fn each_token(text: &str, mut token: impl FnMut(Token)) {
    let mut previous: Option<Unit> = None;
    read_units(text, |u, adjacent| {
        if adjacent && let Some(p) = &previous {
            token(bigram(p, &u));
        }
        token(unigram(&u));
        previous = Some(u);
    });
}

/// The tokens of `text`, in order, repeats included (for tests and tools).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, |t| out.push(token_text(t)));
    out
}

/// What a query looks up: for each of its phrases (the query cut at white
/// space and sentence punctuation), the tokens that a report must hold —
/// the pairs of adjacent units (each once), or the unit itself for a
/// phrase of one.
pub fn query(text: &str) -> Vec<Vec<String>> {
    let mut phrases: Vec<Vec<Unit>> = Vec::new();
    for piece in text.split(|c: char| fold_char(c).is_whitespace()) {
        let mut current: Vec<Unit> = Vec::new();
        read_units(piece, |u, adjacent| {
            if !adjacent && !current.is_empty() {
                phrases.push(std::mem::take(&mut current));
            }
            current.push(u);
        });
        if !current.is_empty() {
            phrases.push(current);
        }
    }
    phrases
        .iter()
        .map(|units| match units.as_slice() {
            [one] => vec![token_text(unigram(one))],
            many => {
                let mut tokens: Vec<String> = Vec::new();
                for w in many.windows(2) {
                    if let [a, b] = w {
                        let t = token_text(bigram(a, b));
                        if !tokens.contains(&t) {
                            tokens.push(t);
                        }
                    }
                }
                tokens
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_read_as_characters_and_their_pairs() {
        assert_eq!(
            tokens("占道经营"),
            ["占", "占道", "道", "道经", "经", "经营", "营"]
        );
        assert_eq!(query("占道经营"), [vec!["占道", "道经", "经营"]]);
        assert_eq!(query("车"), [vec!["车"]]);
    }

    #[test]
    fn numbers_are_units_however_they_are_written() {
        assert_eq!(query("2537"), [vec!["2537"]]);
        assert_eq!(query("２５３７"), [vec!["2537"]]);
        assert_eq!(tokens("2,537"), ["2537"]);
        assert_eq!(
            tokens("1,234,567.5"),
            ["1234567", "1234567.", ".", ".5", "5"]
        );
        // Not digit grouping: a list, a decimal comma.
        assert_eq!(tokens("1,2"), ["1", "2"]);
        assert_eq!(tokens("1,2345"), ["1", "2345"]);
        // A number and its measure word, with or without a space.
        assert_eq!(tokens("2537 次"), tokens("2537次"));
        assert_eq!(query("2537次"), [vec!["2537次"]]);
    }

    #[test]
    fn case_numbers_keep_their_brackets() {
        assert_eq!(query("〔2023〕"), [vec!["[2023", "2023]"]]);
        assert_eq!(query("【2023】"), query("〔2023〕"));
        assert_eq!(
            query("东街综执罚〔2023〕15号"),
            [vec![
                "东街", "街综", "综执", "执罚", "罚[", "[2023", "2023]", "]15", "15号"
            ]]
        );
    }

    #[test]
    fn punctuation_and_line_ends_break_adjacency_spaces_do_not() {
        assert_eq!(tokens("营，占"), ["营", "占"]);
        assert_eq!(tokens("营\n占"), ["营", "占"]);
        assert_eq!(tokens("营 占"), ["营", "营占", "占"]);
        assert_eq!(tokens("营\u{200B}占"), ["营", "营占", "占"]);
        // In a query, spaces and punctuation separate phrases.
        assert_eq!(
            query("张家窝镇 电动车，"),
            [vec!["张家", "家窝", "窝镇"], vec!["电动", "动车"]]
        );
        assert!(query(" ，。 ").is_empty());
    }

    #[test]
    fn letters_are_folded_and_runs_kept_apart() {
        assert_eq!(query("GongShi"), [vec!["gongshi"]]);
        assert_eq!(tokens("ab c"), ["ab", "ab c", "c"]);
        assert_eq!(tokens("abc"), ["abc"]);
        assert_eq!(query("電動車"), query("电动车"));
    }

    #[test]
    fn long_tokens_are_cut_at_a_character() {
        let long = "abcdefghijklmnopqrstuvwxyz";
        assert_eq!(tokens(long), ["abcdefghijklmnop"]);
        assert_eq!(
            tokens("abcdefghijklmn车"),
            ["abcdefghijklmn", "abcdefghijklmn", "车"]
        );
        for t in tokens("𠀀𠀁𠀂𠀃𠀄 abcdefghijklmnopq 1234567890123 汉") {
            assert!(t.len() <= MAX_TOKEN_BYTES, "{t}");
        }
        // A long number's grouping is still grouping.
        assert_eq!(tokens("12345678901234567,890"), ["1234567890123456"]);
    }

    #[test]
    fn tokens_order_as_their_text() {
        let mut a: Vec<Token> = Vec::new();
        each_token("占道 2537 abc ab 〔2023〕 車", |x| a.push(x));
        let mut by_number = a.clone();
        by_number.sort_unstable();
        let mut by_text: Vec<String> = a.iter().map(|&x| token_text(x)).collect();
        by_text.sort_unstable();
        assert_eq!(
            by_number.iter().map(|&x| token_text(x)).collect::<Vec<_>>(),
            by_text
        );
    }
}
