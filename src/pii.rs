//! The personal-data guard.
//!
//! A disclosure site that publishes a citizen's ID number is a serious
//! incident. Before anything is built, every content file (front matter and
//! Markdown, tables included) is scanned for unmasked:
//!
//! - mainland resident ID numbers: 18 characters with a valid region, birth
//!   date and check digit (ISO 7064 MOD 11-2), and the old 15-digit form
//!   (valid region and birth date);
//! - mobile phone numbers: 11 digits `1[3-9]…`, also written `138 1234 5678`,
//!   `138-1234-5678` or with `+86`;
//! - bank card numbers: 16 to 19 digits (also in groups of four) with a card
//!   network prefix and a valid Luhn check digit, that are not a valid
//!   unified social credit code.
//!
//! Masked forms (`110101********1234`, `138****5678`) pass: a `*` breaks the
//! digits. The config's `privacy.allow` lists official numbers (the
//! disclosure hotline) that may be published. Figures, dates, case numbers
//! (〔2023〕15号), amounts (1690518.90) and certificate numbers do not match
//! these shapes. Attachments (PDF, scans) are not scanned.
//!
//! The rules are specific to Chinese identifiers, so they are written here
//! rather than taken from a general-purpose PII crate.

use crate::diagnostic::PiiKind;

/// A match: what, where (byte range in the scanned text), and the masked form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// What kind of personal data.
    pub kind: PiiKind,
    /// Byte offset of the match.
    pub start: usize,
    /// Byte length of the match.
    pub len: usize,
    /// The masked form to publish instead.
    pub masked: String,
}

/// Province-level region codes (the first two digits of an ID number).
const REGIONS: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

fn digit(b: u8) -> u32 {
    u32::from(b.wrapping_sub(b'0'))
}

fn valid_region(d: &[u8]) -> bool {
    match d {
        [a, b, ..] => REGIONS.contains(&(10 * (a - b'0') + (b - b'0'))),
        _ => false,
    }
}

fn valid_date(y: i32, m: u32, d: u32) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
        return false;
    };
    (1900..=2100).contains(&y) && jiff::civil::Date::new(y, m, d).is_ok()
}

fn number(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, b| n * 10 + digit(*b))
}

/// The check character of an 18-character ID number (ISO 7064 MOD 11-2).
pub fn id_check_char(first17: &[u8]) -> Option<u8> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(W).map(|(b, w)| digit(*b) * w).sum();
    b"10X98765432".get(usize::try_from(sum % 11).ok()?).copied()
}

/// Whether `s` (18 bytes) is a valid resident ID number.
pub fn is_id18(s: &[u8]) -> bool {
    let (Some(first17), Some(&last)) = (s.get(..17), s.get(17)) else {
        return false;
    };
    s.len() == 18
        && valid_region(s)
        && valid_date(
            i32::try_from(number(s.get(6..10).unwrap_or(&[]))).unwrap_or(0),
            number(s.get(10..12).unwrap_or(&[])),
            number(s.get(12..14).unwrap_or(&[])),
        )
        && id_check_char(first17) == Some(last.to_ascii_uppercase())
}

/// Whether `s` (15 digits) is a valid old-form resident ID number.
pub fn is_id15(s: &[u8]) -> bool {
    s.len() == 15
        && s.iter().all(u8::is_ascii_digit)
        && valid_region(s)
        && valid_date(
            1900 + i32::try_from(number(s.get(6..8).unwrap_or(&[]))).unwrap_or(0),
            number(s.get(8..10).unwrap_or(&[])),
            number(s.get(10..12).unwrap_or(&[])),
        )
}

/// Whether `s` (11 digits) is a mainland mobile number.
pub fn is_mobile(s: &[u8]) -> bool {
    s.len() == 11
        && s.first() == Some(&b'1')
        && matches!(s.get(1), Some(b'3'..=b'9'))
        && s.iter().all(u8::is_ascii_digit)
}

/// The 11-digit mobile number in `digits` (written with or without 86).
fn mobile_part(digits: &str) -> Option<&str> {
    let local = digits
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .unwrap_or(digits);
    is_mobile(local.as_bytes()).then_some(local)
}

/// Luhn check.
pub fn luhn(s: &[u8]) -> bool {
    let mut sum = 0;
    for (i, b) in s.iter().rev().enumerate() {
        let mut d = digit(*b);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !s.is_empty() && sum % 10 == 0
}

/// Whether `s` is a bank card number: 16 to 19 digits, a card network
/// prefix (UnionPay 62, Visa 4, Mastercard 51–55/22–27, JCB 35, Amex 34/37),
/// and a valid Luhn digit.
pub fn is_bank_card(s: &[u8]) -> bool {
    let prefix_ok = matches!(
        s,
        [b'6', b'2', ..]
            | [b'4', ..]
            | [b'3', b'5', ..]
            | [b'3', b'4' | b'7', ..]
            | [b'5', b'1'..=b'5', ..]
            | [b'2', b'2'..=b'7', ..]
    );
    (16..=19).contains(&s.len())
        && s.iter().all(u8::is_ascii_digit)
        && prefix_ok
        && luhn(s)
        && !is_uscc(s)
}

/// Whether `s` is a valid unified social credit code (GB 32100-2015).
pub fn is_uscc(s: &[u8]) -> bool {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    if s.len() != 18 {
        return false;
    }
    let mut sum = 0;
    for (b, w) in s.iter().take(17).zip(W) {
        let Some(v) = CHARS.iter().position(|c| *c == b.to_ascii_uppercase()) else {
            return false;
        };
        sum += v * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARS.get(check).copied() == s.get(17).map(u8::to_ascii_uppercase)
}

fn mask(digits: &str, keep_start: usize, keep_end: usize) -> String {
    let n = digits.chars().count();
    digits
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i + keep_end >= n {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A run of digits in the text, possibly in groups joined by single spaces
/// or hyphens (`138 1234 5678`), with a trailing `X` for ID numbers.
struct Run {
    start: usize,
    end: usize,
    digits: String,
    groups: usize,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn runs(text: &str) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        if !b.is_ascii_digit() || (i > 0 && bytes.get(i - 1).copied().is_some_and(is_word_byte)) {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut groups = 1;
        let mut end;
        let mut j = i;
        loop {
            while let Some(d) = bytes.get(j).filter(|d| d.is_ascii_digit()) {
                digits.push(char::from(*d));
                j += 1;
            }
            end = j;
            // A single space or hyphen followed by more digits continues the run.
            match (bytes.get(j), bytes.get(j + 1)) {
                (Some(b' ' | b'-'), Some(d)) if d.is_ascii_digit() && digits.len() < 19 => {
                    groups += 1;
                    j += 1;
                }
                _ => break,
            }
        }
        // A trailing X (ID check character).
        if matches!(bytes.get(end), Some(b'X' | b'x')) && digits.len() == 17 {
            digits.push('X');
            end += 1;
        }
        let word_after = bytes.get(end).copied().is_some_and(is_word_byte);
        // Decimals (1690518.90) are amounts, never identifiers.
        let decimal = (bytes.get(end) == Some(&b'.')
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
            || (start >= 2
                && bytes.get(start - 1) == Some(&b'.')
                && bytes.get(start - 2).is_some_and(u8::is_ascii_digit));
        if !word_after && !decimal {
            out.push(Run {
                start,
                end,
                digits,
                groups,
            });
        }
        i = end.max(i + 1);
    }
    out
}

/// Words right before a number that say it is a certificate or file number,
/// not a phone or card (never applied to ID numbers, whose check is strong).
const NOT_PERSONAL_BEFORE: &[&str] = &["证号", "执法证", "编号", "文号", "案号", "代码"];

/// Words that say a number is a phone or an account.
const PERSONAL_BEFORE: &[&str] = &["电话", "手机", "联系方式", "账号", "账户", "卡号", "银行卡"];

/// Whether the nearest label before `start`, within the same clause, says
/// the number is a certificate or file number (so a list such as
/// `执法证号 12010012345、13010012345` is not taken for phones).
fn preceded_by_label(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let clause_start = before
        .rfind(['。', '；', ';', '\n', '|'])
        .map_or(0, |i| i + 1);
    let clause = before.get(clause_start..).unwrap_or("");
    let last = |words: &[&str]| words.iter().filter_map(|w| clause.rfind(w)).max();
    match (last(NOT_PERSONAL_BEFORE), last(PERSONAL_BEFORE)) {
        (Some(label), Some(personal)) => label > personal,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Units that make the number before them a quantity (13000000000元).
const UNITS_AFTER: &[char] = &[
    '元', '万', '亿', '件', '次', '人', '起', '处', '台', '名', '个', '年', '月', '日', '号', '宗',
    '平', '米', '吨', '户', '%', '％', '项', '份', '余', '多',
];

fn followed_by_unit(text: &str, end: usize) -> bool {
    text.get(end..)
        .and_then(|rest| rest.trim_start_matches(' ').chars().next())
        .is_some_and(|c| UNITS_AFTER.contains(&c))
}

/// Scan `text` for unmasked personal data. `allow` lists numbers that may be
/// published (compared by their digits).
pub fn scan(text: &str, allow: &[String]) -> Vec<Found> {
    let allowed: Vec<String> = allow
        .iter()
        .map(|a| a.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|a| !a.is_empty())
        .collect();
    let mut found = Vec::new();
    for run in runs(text) {
        let d = run.digits.as_bytes();
        let len = run.end - run.start;
        let is_allowed = |digits: &str| allowed.iter().any(|a| a == digits || a.ends_with(digits));
        let (kind, masked) = if run.groups == 1 && d.len() == 18 && is_id18(d) {
            (PiiKind::IdNumber, mask(&run.digits, 6, 4))
        } else if run.groups == 1 && d.len() == 15 && is_id15(d) {
            (PiiKind::IdNumber, mask(&run.digits, 6, 3))
        } else {
            // A phone (+86 or not) or a card; most numbers in a report are
            // neither, and need no look at their context.
            let candidate = match mobile_part(&run.digits) {
                Some(local) => (PiiKind::Mobile, local),
                None if is_bank_card(d) => (PiiKind::BankCard, run.digits.as_str()),
                None => continue,
            };
            if preceded_by_label(text, run.start)
                || followed_by_unit(text, run.end)
                || is_allowed(&run.digits)
                || is_allowed(candidate.1)
            {
                continue;
            }
            match candidate {
                (PiiKind::Mobile, local) => (PiiKind::Mobile, mask(local, 3, 4)),
                (kind, digits) => (kind, mask(digits, 4, 4)),
            }
        };
        found.push(Found {
            kind,
            start: run.start,
            len,
            masked,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        scan(text, &[])
            .into_iter()
            .map(|f| (f.kind, f.masked))
            .collect()
    }

    #[test]
    fn catches_ids_phones_and_cards() {
        // A made-up but valid ID number (check digit computed).
        assert_eq!(
            kinds("当事人身份证号110101199003074477，"),
            vec![(PiiKind::IdNumber, "110101********4477".into())]
        );
        assert_eq!(
            kinds("旧证 110101900307447"),
            vec![(PiiKind::IdNumber, "110101******447".into())]
        );
        assert_eq!(
            kinds("联系电话13812345678"),
            vec![(PiiKind::Mobile, "138****5678".into())]
        );
        assert_eq!(
            kinds("电话 138-1234-5678 或 +86 139 1234 5678"),
            vec![
                (PiiKind::Mobile, "138****5678".into()),
                (PiiKind::Mobile, "139****5678".into()),
            ]
        );
        assert_eq!(
            kinds("卡号 6222 0200 0000 0000 000"),
            vec![(PiiKind::BankCard, "6222***********0000".into())]
        );
    }

    #[test]
    fn no_false_alarms_on_report_text() {
        for text in [
            "罚款1690518.90元，2023年12月25日，〔2023〕15号，行政检查2537起",
            "统一社会信用代码91120116MA05K1234X、12120111MB1234567R",
            "执法证号12010012345，执法证号13010012345",
            "已打码：110101********4477，138****5678，6222****0008",
            "坐标 39.1234567890123，编码 20231225000001",
            "金额 473240.6 元；面积 10163 平方米；人口约15.7万",
        ] {
            assert_eq!(kinds(text), vec![], "{text}");
        }
    }

    #[test]
    fn allowlist_lets_official_numbers_through() {
        let allow = vec!["138-1234-5678".to_string()];
        assert!(scan("监督电话：13812345678", &allow).is_empty());
        assert_eq!(scan("监督电话：13912345678", &allow).len(), 1);
    }

    #[test]
    fn check_digit_and_luhn() {
        assert_eq!(id_check_char(b"11010119900307447"), Some(b'7'));
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(is_uscc(b"91350100M000100Y43"));
    }
}
