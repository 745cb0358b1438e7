//! Township slugs: the folder names that become URLs.
//!
//! A slug is `[a-z0-9-]+`. For a Chinese name gongshi proposes the pinyin
//! without the 镇 / 乡 / 街道 suffix (辛口镇 → `xinkou`), using the `pinyin`
//! crate for the readings, corrected for characters that place names read
//! differently (长坡 → `changpo`, not `zhangpo`); where a place name may
//! read a character either way, the proposal says that it is a guess.

use pinyin::ToPinyin;

/// Characters that place names read otherwise than the `pinyin` crate's
/// first reading (长沙, 厦门, 蚌埠, 番禺, 成都, 西藏).
const PLACE_READINGS: &[(char, &str)] = &[
    ('长', "chang"),
    ('厦', "xia"),
    ('蚌', "beng"),
    ('番', "pan"),
    ('都', "du"),
    ('藏', "zang"),
];

/// Characters that place names read in more than one way (重庆 chong, 重固
/// zhong; 堡 bao/bu/pu; 六安 lu …): the proposal uses the first reading and
/// says that it is a guess.
const PLACE_POLYPHONES: &[(char, &[&str])] = &[
    ('重', &["zhong", "chong"]),
    ('堡', &["bao", "bu", "pu"]),
    ('洞', &["dong", "tong"]),
    ('六', &["liu", "lu"]),
    ('单', &["dan", "shan"]),
    ('莘', &["shen", "xin"]),
    ('铅', &["qian", "yan"]),
    ('涌', &["yong", "chong"]),
    ('乐', &["le", "yue", "lao"]),
    ('会', &["hui", "kuai"]),
    ('解', &["jie", "xie"]),
    ('尉', &["wei", "yu"]),
    ('蔚', &["wei", "yu"]),
    ('阿', &["a", "e"]),
    ('埔', &["pu", "bu"]),
    ('泌', &["mi", "bi"]),
    ('浚', &["jun", "xun"]),
    ('柏', &["bai", "bo"]),
    ('栎', &["li", "yue"]),
    ('犍', &["jian", "qian"]),
    ('圩', &["wei", "xu"]),
    ('泊', &["bo", "po"]),
    ('陂', &["pi", "bei", "po"]),
    ('行', &["xing", "hang"]),
    ('曲', &["qu"]),
];

/// A character of a name whose reading in the proposed slug is a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guess {
    /// The character.
    pub ch: char,
    /// The reading the slug uses.
    pub used: &'static str,
    /// The other readings place names give it.
    pub others: Vec<&'static str>,
}

/// The reading of `ch` in a place name, and whether it is a guess.
fn reading(ch: char) -> Option<(&'static str, Option<Guess>)> {
    if let Some((_, r)) = PLACE_READINGS.iter().find(|(c, _)| *c == ch) {
        return Some((r, None));
    }
    if let Some((_, readings)) = PLACE_POLYPHONES.iter().find(|(c, _)| *c == ch) {
        let used = readings.first()?;
        let others: Vec<&'static str> = readings.iter().skip(1).copied().collect();
        let guess = (!others.is_empty()).then_some(Guess { ch, used, others });
        return Some((used, guess));
    }
    ch.to_pinyin().map(|p| (p.plain(), None))
}

/// Suffixes dropped from township names before transliteration.
const SUFFIXES: &[&str] = &["街道办事处", "街道", "镇", "乡", "街"];

/// Whether `s` is a valid slug.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Propose a slug for a name: pinyin for Chinese characters (without the
/// township suffix), lowercase ASCII for the rest, `-` between words.
/// `None` if nothing usable remains.
pub fn propose(name: &str) -> Option<String> {
    propose_with_guesses(name).map(|(slug, _)| slug)
}

/// [`propose`], with the characters whose reading is a guess.
pub fn propose_with_guesses(name: &str) -> Option<(String, Vec<Guess>)> {
    let mut guesses = Vec::new();
    let mut base = name.trim();
    for suffix in SUFFIXES {
        if let Some(stripped) = base.strip_suffix(suffix)
            && !stripped.is_empty()
        {
            base = stripped;
            break;
        }
    }
    let mut out = String::new();
    let mut pending_sep = false;
    for ch in base.chars() {
        if let Some((py, guess)) = reading(ch) {
            // Chinese syllables run together: 张家窝 → zhangjiawo.
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            out.push_str(py);
            guesses.extend(guess);
        } else if ch.is_ascii_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            out.push(ch.to_ascii_lowercase());
        } else {
            pending_sep = true;
        }
    }
    let out = out.trim_matches('-').to_string();
    is_valid(&out).then_some((out, guesses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposes_pinyin_without_suffix() {
        assert_eq!(propose("辛口镇").as_deref(), Some("xinkou"));
        assert_eq!(propose("张家窝镇").as_deref(), Some("zhangjiawo"));
        assert_eq!(propose("西营门街道").as_deref(), Some("xiyingmen"));
        assert_eq!(propose("Xin Kou").as_deref(), Some("xin-kou"));
        assert_eq!(propose("a..b").as_deref(), Some("a-b"));
        assert_eq!(propose("镇").as_deref(), Some("zhen"));
        assert_eq!(propose("!!!"), None);
    }

    #[test]
    fn place_names_read_their_polyphones_as_places_do() {
        assert_eq!(propose("长坡乡").as_deref(), Some("changpo"));
        assert_eq!(propose("厦门街道").as_deref(), Some("xiamen"));
        assert_eq!(propose("成都").as_deref(), Some("chengdu"));
        assert_eq!(
            propose_with_guesses("十里堡乡"),
            Some((
                "shilibao".to_string(),
                vec![Guess {
                    ch: '堡',
                    used: "bao",
                    others: vec!["bu", "pu"]
                }]
            ))
        );
        assert_eq!(propose_with_guesses("辛口镇").map(|p| p.1), Some(vec![]));
    }

    #[test]
    fn validity() {
        assert!(is_valid("xinkou"));
        assert!(is_valid("zhang-jia-wo2"));
        assert!(!is_valid("Xinkou"));
        assert!(!is_valid("xin kou"));
        assert!(!is_valid("-x"));
        assert!(!is_valid(""));
    }
}
