//! Township slugs: the folder names that become URLs.
//!
//! A slug is `[a-z0-9-]+`. For a Chinese name gongshi proposes the pinyin
//! without the 镇 / 乡 / 街道 suffix (辛口镇 → `xinkou`), using the `pinyin`
//! crate for the readings.

use pinyin::ToPinyin;

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
    for (ch, py) in base.chars().zip(base.to_pinyin()) {
        if let Some(py) = py {
            // Chinese syllables run together: 张家窝 → zhangjiawo.
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            out.push_str(py.plain());
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
    is_valid(&out).then_some(out)
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
    fn validity() {
        assert!(is_valid("xinkou"));
        assert!(is_valid("zhang-jia-wo2"));
        assert!(!is_valid("Xinkou"));
        assert!(!is_valid("xin kou"));
        assert!(!is_valid("-x"));
        assert!(!is_valid(""));
    }
}
