//! The personal-data guard.
//!
//! A disclosure site that publishes a citizen's ID number is a serious
//! incident. Before anything is built, everything that reaches the site is
//! scanned (see [`guard_file`]): each content file as written, every string
//! of its front matter as YAML decodes it, its Markdown as the page shows it
//! (character references, escapes and inline markup resolved, link
//! addresses, image texts, sanitized HTML and its attributes), and the
//! config's texts. Errors:
//!
//! - mainland resident ID numbers: 18 characters with a valid region, birth
//!   date and check digit (ISO 7064 MOD 11-2), and the old 15-digit form
//!   (valid region and birth date);
//! - mobile phone numbers: 11 digits `1[3-9]…`, also written `138 1234 5678`,
//!   `138-1234-5678`, `138.1234.5678` or with `+86`;
//! - bank card numbers: 16 to 19 digits (also in groups of four) with a card
//!   network prefix and a valid Luhn check digit, that are not a valid
//!   unified social credit code.
//!
//! Warnings: an 18-digit number with an ID number's region and birth date
//! but a wrong check digit (a mistyped ID number), and an unmasked name
//! after 当事人 / 被处罚人 / 申请人.
//!
//! Numbers are read as a reader sees them: full-width
//! digits, spaces of every width, dashes and dots between digit groups,
//! invisible zero-width characters, letters or Chinese glued on.
//!
//! Masked forms (`110101********1234`, `138****5678`) pass: a `*` breaks the
//! digits. The config's `privacy.allow` lists official numbers (the
//! disclosure hotline) that may be published. Figures, dates, case numbers
//! (〔2023〕15号), amounts (1690518.90) and certificate numbers do not match
//! these shapes; a label (执法证号, 案号 …) exempts the number it directly
//! labels, never a later one. Attachments (PDF, scans) are not scanned.
//!
//! The rules are specific to Chinese identifiers and Chinese typing, so they
//! are written here rather than taken from a general-purpose PII crate.

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

/// Text as a reader sees it, for matching: full-width digits and letters
/// folded to ASCII, every kind of space to `' '`, dashes to `-`, full-width
/// dots to `.`, and invisible characters (zero-width spaces and joiners,
/// word joiners, soft hyphens, byte-order marks) removed — with, for each
/// byte, the byte of the original text it came from.
struct Normalized<'a> {
    text: std::borrow::Cow<'a, str>,
    /// `origin[i]` is the original byte offset of normalized byte `i`;
    /// one more entry maps the end. `None` when nothing was folded (the
    /// common case: the offsets are the original ones).
    origin: Option<Vec<usize>>,
    original_len: usize,
}

impl Normalized<'_> {
    fn new(text: &str) -> Normalized<'_> {
        if text.chars().all(|c| fold(c) == Some(c)) {
            return Normalized {
                text: std::borrow::Cow::Borrowed(text),
                origin: None,
                original_len: text.len(),
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len() + 1);
        for (i, c) in text.char_indices() {
            let Some(n) = fold(c) else { continue };
            out.push(n);
            origin.extend(std::iter::repeat_n(i, n.len_utf8()));
        }
        origin.push(text.len());
        Normalized {
            text: std::borrow::Cow::Owned(out),
            origin: Some(origin),
            original_len: text.len(),
        }
    }

    /// The original byte range of the normalized range `start..end`.
    fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(origin) = &self.origin else {
            return (
                start.min(self.original_len),
                end.min(self.original_len).max(start),
            );
        };
        let a = origin.get(start).copied().unwrap_or(self.original_len);
        let b = origin.get(end).copied().unwrap_or(self.original_len);
        (a, b.max(a))
    }
}

/// How a character reads, for matching; `None` for invisible characters.
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{180e}' => {
            return None;
        }
        // Full-width ASCII (digits, letters, ＋, －, ．, ：) to ASCII.
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        '\u{3000}' | '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{202f}' | '\u{205f}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{30fb}' | '\u{b7}' => '.',
        _ => c,
    })
}

/// A run of digits in the text, possibly in groups joined by single spaces,
/// hyphens or dots (`138 1234 5678`), with a trailing `X` for ID numbers.
struct Run {
    start: usize,
    end: usize,
    digits: String,
    groups: usize,
}

fn runs(text: &str) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        if !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut groups = 1;
        let mut dots = 0;
        let mut end;
        let mut j = i;
        loop {
            while let Some(d) = bytes.get(j).filter(|d| d.is_ascii_digit()) {
                digits.push(char::from(*d));
                j += 1;
            }
            end = j;
            // A single space, hyphen or dot followed by more digits continues the run.
            match (bytes.get(j), bytes.get(j + 1)) {
                (Some(sep @ (b' ' | b'-' | b'.')), Some(d))
                    if d.is_ascii_digit() && digits.len() < 19 =>
                {
                    groups += 1;
                    dots += usize::from(*sep == b'.');
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
        // A decimal (1690518.90, 39.12345) is an amount or a coordinate,
        // never an identifier; dotted groups (138.1234.5678) are not.
        let decimal = (dots == 1 && groups == 2)
            || (bytes.get(end) == Some(&b'.')
                && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
            || (start >= 2
                && bytes.get(start - 1) == Some(&b'.')
                && bytes.get(start - 2).is_some_and(u8::is_ascii_digit));
        if !decimal {
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

/// Words right before a number that say it is a certificate, case or file
/// number, not a phone or a card. They exempt only the number they label
/// (and a list of numbers right after them), never a later number in the
/// same sentence.
const NOT_PERSONAL_BEFORE: &[&str] = &[
    "证号",
    "执法证",
    "编号",
    "文号",
    "案号",
    "代码",
    "certificate",
];

/// Characters that may stand between a label and the number it labels
/// (`执法证号：`, `案号（`, `编号 No.`), or between the numbers of a list
/// that follows a label (`执法证号 12010012345、13010012345`).
fn between_label_and_number(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c.is_whitespace()
        || matches!(
            c,
            ':' | '：'
                | '、'
                | ','
                | '，'
                | '/'
                | '-'
                | '.'
                | '#'
                | '('
                | ')'
                | '（'
                | '）'
                | '〔'
                | '〕'
                | '['
                | ']'
                | '【'
                | '】'
                | '"'
                | '\''
                | '“'
                | '”'
                | '为'
                | '是'
                | '号'
                | '第'
        )
}

/// How many characters back from a number its label may stand.
const MAX_LABEL_REACH: usize = 160;

/// Whether the number at `start` is directly labelled as a certificate,
/// case or file number.
fn preceded_by_label(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let gap_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| between_label_and_number(*c))
        // A label reaches a short list of numbers, not a whole page of
        // them (and the scan stays linear on hostile input).
        .take(MAX_LABEL_REACH)
        .last()
        .map_or(before.len(), |(i, _)| i);
    // A label ending anywhere in the gap (`案号`, whose 号 may also stand
    // between a label and its number; `certificate: "…"`).
    let gap = before.get(gap_start..).unwrap_or("");
    gap.char_indices()
        .map(|(i, _)| gap_start + i)
        .chain(std::iter::once(before.len()))
        .any(|i| {
            let head = before.get(..i).unwrap_or("");
            // 身份证号 ends with 证号 but labels personal data.
            NOT_PERSONAL_BEFORE.iter().any(|w| head.ends_with(w))
                && !head.ends_with("身份证号")
                && !head.ends_with("身份证")
        })
}

/// Units that make the number before them a quantity (13000000000元).
const UNITS_AFTER: &[char] = &[
    '元', '万', '亿', '件', '次', '人', '起', '处', '台', '名', '个', '年', '月', '日', '号', '宗',
    '平', '米', '吨', '户', '%', '％', '项', '份', '余', '多',
];

fn followed_by_unit(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or("").trim_start_matches(' ');
    // `13812345678号码` is a number glued to the word for it, not 号 as in 15号.
    !rest.starts_with("号码")
        && rest
            .chars()
            .next()
            .is_some_and(|c| UNITS_AFTER.contains(&c))
}

/// Words after which a natural person's name follows in enforcement texts.
const NAME_LABELS: &[&str] = &["当事人", "被处罚人", "申请人"];

/// Common surnames. Only a name starting with one of them is taken for a
/// name; surnames that are also everyday words (于, 万, 文, 方, 高, 常, 任,
/// 安, 向, 应, 时, 许, 程 …) are left out to keep the check quiet.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶魏苏吕丁沈姜崔钟谭陆汪范金石廖贾夏韦付傅邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤康殷乔牛葛庞樊兰";

/// Words that begin with a surname character but are not names
/// (`当事人陈述`, `申请人付清`).
const NOT_NAMES: &[&str] = &[
    "陈述", "陈列", "黄色", "马上", "林地", "林业", "金额", "金属", "石材", "余额", "余款", "余下",
    "杜绝", "范围", "夏季", "付款", "付清", "段落", "严重", "严格", "严禁", "陆续", "曾经", "周边",
    "周期", "周围", "张贴", "胡乱", "何时", "何种", "郑重", "谢绝", "钱款", "武装", "莫名", "毛坯",
    "孔洞", "顾及", "康复", "龙头", "黎明", "江河", "田地", "叶片", "钟表", "雷同", "龚某", "覃某",
];

/// Characters that end a name: particles and verbs that follow a party's
/// name in enforcement texts (`当事人张三于…`, `申请人李四对…`).
const AFTER_NAME: &str = "于在因的未对已等将系为称向到被是和与及所经拒不涉违自逾提申签委按应依要并再也就都还均予以从由之其作给把向无有会可能需须";

/// Marks that mask the given name (`张某`, `张×`, `张*`).
const NAME_MASKS: &[char] = &['某', '×', 'X', 'x', '*', '＊', '○', '〇', 'Ｘ'];

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Unmasked names after 当事人 / 被处罚人 / 申请人.
fn names(norm: &Normalized<'_>, found: &mut Vec<Found>) {
    let text = norm.text.as_ref();
    for label in NAME_LABELS {
        for (at, _) in text.match_indices(label) {
            let after = text.get(at + label.len()..).unwrap_or("");
            let skipped = after.trim_start_matches([' ', ':', '：', '为', '是']);
            let name_start = at + label.len() + (after.len() - skipped.len());
            let mut chars = skipped.chars();
            let Some(surname) = chars.next().filter(|c| SURNAMES.contains(*c)) else {
                continue;
            };
            let given: Vec<char> = chars
                .take_while(|c| is_han(*c) && !AFTER_NAME.contains(*c) && !NAME_MASKS.contains(c))
                .take(2)
                .collect();
            let masked_next = skipped
                .chars()
                .nth(1)
                .is_some_and(|c| NAME_MASKS.contains(&c));
            if given.is_empty() || masked_next {
                continue;
            }
            let two: String = [surname].iter().chain(given.first()).collect();
            if NOT_NAMES.contains(&two.as_str()) {
                continue;
            }
            let name_len = surname.len_utf8() + given.iter().map(|c| c.len_utf8()).sum::<usize>();
            let (start, end) = norm.original(name_start, name_start + name_len);
            let mut masked = String::from(surname);
            masked.extend(std::iter::repeat_n('某', given.len()));
            found.push(Found {
                kind: PiiKind::Name,
                start,
                len: end - start,
                masked,
            });
        }
    }
}

/// Whether `s` (18 characters) has an ID number's region and birth date,
/// whatever its check character.
fn id18_shape(s: &[u8]) -> bool {
    s.len() == 18
        && s.iter().take(17).all(u8::is_ascii_digit)
        && s.get(17)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'X' || *b == b'x')
        && valid_region(s)
        && valid_date(
            i32::try_from(number(s.get(6..10).unwrap_or(&[]))).unwrap_or(0),
            number(s.get(10..12).unwrap_or(&[])),
            number(s.get(12..14).unwrap_or(&[])),
        )
}

/// Scan `text` for unmasked personal data, as a reader would see it
/// (full-width digits, separators and invisible characters folded): ID
/// numbers, mobile numbers and bank card numbers (errors), 18-digit numbers
/// shaped like an ID number whose check digit is wrong, and unmasked names
/// after 当事人 / 被处罚人 / 申请人 (warnings).
/// `allow` lists numbers that may be published (compared by their digits).
/// Positions are byte ranges of `text`.
pub fn scan(text: &str, allow: &[String]) -> Vec<Found> {
    if !worth_scanning(text) {
        return Vec::new();
    }
    scan_all(text, allow)
}

/// [`scan`] without the first cheap look.
fn scan_all(text: &str, allow: &[String]) -> Vec<Found> {
    let allowed: Vec<String> = allow
        .iter()
        .map(|a| {
            a.chars()
                .filter_map(fold)
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|a| !a.is_empty())
        .collect();
    let norm = Normalized::new(text);
    let ntext = norm.text.as_ref();
    let mut found = Vec::new();
    for run in runs(ntext) {
        let d = run.digits.as_bytes();
        let is_allowed = |digits: &str| allowed.iter().any(|a| a == digits || a.ends_with(digits));
        let (kind, masked) = if run.groups == 1 && d.len() == 18 && is_id18(d) {
            (
                PiiKind::IdNumber,
                mask(&run.digits.to_ascii_uppercase(), 6, 4),
            )
        } else if run.groups == 1 && d.len() == 15 && is_id15(d) {
            (PiiKind::IdNumber, mask(&run.digits, 6, 3))
        } else {
            // A phone (+86 or not), a card, or a mistyped ID number; most
            // numbers in a report are none of these, and need no look at
            // their context.
            let candidate = match mobile_part(&run.digits) {
                Some(local) => (PiiKind::Mobile, local),
                None if is_bank_card(d) => (PiiKind::BankCard, run.digits.as_str()),
                None if run.groups == 1 && id18_shape(d) && !is_uscc(d) => {
                    (PiiKind::LikelyIdNumber, run.digits.as_str())
                }
                None => continue,
            };
            if preceded_by_label(ntext, run.start)
                || followed_by_unit(ntext, run.end)
                || is_allowed(&run.digits)
                || is_allowed(candidate.1)
            {
                continue;
            }
            match candidate {
                (PiiKind::Mobile, local) => (PiiKind::Mobile, mask(local, 3, 4)),
                (PiiKind::LikelyIdNumber, digits) => (
                    PiiKind::LikelyIdNumber,
                    mask(&digits.to_ascii_uppercase(), 6, 4),
                ),
                (kind, digits) => (kind, mask(digits, 4, 4)),
            }
        };
        let (start, end) = norm.original(run.start, run.end);
        found.push(Found {
            kind,
            start,
            len: end - start,
            masked,
        });
    }
    names(&norm, &mut found);
    found.sort_by_key(|f| (f.start, f.kind));
    found
}

/// Whether `text` may hold anything [`scan`] finds, by one cheap pass:
/// eleven digits or more (the fewest of any number it reports: a mobile)
/// with nothing between them but what a run of digits may hold (spaces,
/// hyphens, dots, and invisible characters, in any of the forms that fold
/// to them), or a label of a name. Most texts of a report hold neither,
/// and the scan would copy and fold them for nothing. A text with an
/// invisible character is always scanned (it may split a label).
fn worth_scanning(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        match fold(c) {
            None => return true,
            Some(f) if f.is_ascii_digit() => {
                digits += 1;
                if digits >= 11 {
                    return true;
                }
            }
            Some(' ' | '-' | '.' | '+') => {}
            Some(_) => digits = 0,
        }
    }
    NAME_LABELS.iter().any(|label| text.contains(label))
}

/// A control character where text is expected (`\\0`, `\\e`, `\\v` escapes
/// in YAML, `&#27;` in Markdown): it would break the feed's XML and show as
/// garbage on the page. Tab and line breaks are text.
pub fn control_char(s: &str) -> Option<char> {
    s.chars().find(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    })
}

/// Check everything one content file publishes: its text as written (exact
/// positions), every string of its front matter as YAML decodes it (escapes
/// such as `"\\u0031…"`), and its Markdown body as the page shows it
/// (character references, inline markup, link addresses, image texts,
/// sanitized HTML). Reports personal data (once, at the most exact place)
/// and control characters into `sink`.
pub fn guard_file(
    text: &str,
    front: Option<&crate::yaml::Node>,
    body_offset: Option<usize>,
    allow: &[String],
    sink: &mut crate::yaml::Sink,
) {
    use crate::diagnostic::Problem;
    use crate::source::pos_of;
    let raw = scan(text, allow);
    let mut seen: Vec<(PiiKind, String, u32, std::ops::Range<usize>)> = Vec::new();
    for f in raw {
        let pos = pos_of(text, f.start, f.len);
        seen.push((f.kind, f.masked.clone(), pos.line, f.start..f.start + f.len));
        sink.at(
            Problem::PersonalData {
                kind: f.kind,
                masked: f.masked,
            },
            pos,
        );
    }
    if let Some(node) = front {
        let mut strings = Vec::new();
        collect_strings(node, None, &mut strings);
        for (field, value, node) in strings {
            if let Some(c) = control_char(value) {
                sink.at(
                    Problem::ControlCharacter {
                        field: field.map(str::to_string),
                        code_point: u32::from(c),
                    },
                    node.pos,
                );
            }
            if value == node.raw.as_ref() {
                continue; // as written: the raw scan saw it
            }
            let lines = node.pos.line
                ..=node
                    .pos
                    .line
                    .saturating_add(u32::try_from(node.raw.matches('\n').count()).unwrap_or(0));
            for f in scan(value, allow) {
                let dup = seen
                    .iter()
                    .any(|(k, m, line, _)| *k == f.kind && *m == f.masked && lines.contains(line));
                if !dup {
                    seen.push((f.kind, f.masked.clone(), node.pos.line, 0..0));
                    sink.at(
                        Problem::PersonalData {
                            kind: f.kind,
                            masked: f.masked,
                        },
                        node.pos,
                    );
                }
            }
        }
    }
    let Some(offset) = body_offset else { return };
    let body = text.get(offset..).unwrap_or("");
    if !shows_otherwise(body) {
        // Plain text: the page shows it as written, except that the lines
        // of a paragraph run together. Only a number split across a line
        // break is new to look for.
        if let Some(joined) = lines_run_together(body) {
            for f in scan(&joined, allow) {
                let (start, end) = (offset + f.start, offset + f.start + f.len);
                let dup = seen
                    .iter()
                    .any(|(k, _, _, r)| *k == f.kind && r.start < end && start < r.end);
                if !dup {
                    sink.at(
                        Problem::PersonalData {
                            kind: f.kind,
                            masked: f.masked,
                        },
                        pos_of(text, start, f.len),
                    );
                }
            }
        }
        return;
    }
    for block in crate::markdown::shown(body) {
        if let Some(c) = control_char(&block.text) {
            let at = block.text.find(c).unwrap_or(0);
            let range = block.source_range(at, at + c.len_utf8());
            sink.at(
                Problem::ControlCharacter {
                    field: None,
                    code_point: u32::from(c),
                },
                pos_of(text, offset + range.start, range.len()),
            );
        }
        for f in scan(&block.text, allow) {
            let range = block.source_range(f.start, f.start + f.len);
            let (start, end) = (offset + range.start, offset + range.end);
            // Found already: as written (an overlapping raw finding), or
            // the same number at the same place.
            let dup = seen.iter().any(|(k, m, line, r)| {
                *k == f.kind
                    && ((*line != 0 && r.start < end.max(start + 1) && start < r.end)
                        || (*line == 0 && *m == f.masked && r.start == start))
            });
            if !dup {
                seen.push((f.kind, f.masked.clone(), 0, start..end.max(start + 1)));
                sink.at(
                    Problem::PersonalData {
                        kind: f.kind,
                        masked: f.masked,
                    },
                    pos_of(text, start, end - start),
                );
            }
        }
    }
}

/// Whether a Markdown body may show something other than its text as
/// written: character references, escapes, inline markup, links and
/// images, raw HTML, block quotes, or a form feed. Most report bodies have
/// none of these, and need no Markdown parse to be checked.
fn shows_otherwise(body: &str) -> bool {
    body.bytes().any(|b| {
        matches!(
            b,
            b'&' | b'<' | b'>' | b'\\' | b'*' | b'_' | b'`' | b'~' | b'[' | b'!' | 0x0c
        )
    })
}

/// The body with the line breaks inside paragraphs as spaces (same byte
/// offsets), if some line ends in a digit and the next begins with one:
/// `138` / `1234 5678` on two lines shows as one number.
fn lines_run_together(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    let split = |i: usize| {
        let before = bytes.get(..i).unwrap_or(&[]);
        let before = before.strip_suffix(b"\r").unwrap_or(before);
        let after = bytes.get(i + 1..).unwrap_or(&[]);
        let after = after.iter().skip_while(|b| **b == b' ').copied().next();
        before.last().is_some_and(u8::is_ascii_digit)
            && after.is_some_and(|b| b.is_ascii_digit() || b == b'+')
    };
    let positions: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' && split(*i))
        .map(|(i, _)| i)
        .collect();
    if positions.is_empty() {
        return None;
    }
    let mut joined = bytes.to_vec();
    for i in positions {
        if let Some(b) = joined.get_mut(i) {
            *b = b' ';
        }
        if i > 0
            && let Some(b) = joined.get_mut(i - 1).filter(|b| **b == b'\r')
        {
            *b = b' ';
        }
    }
    String::from_utf8(joined).ok()
}

/// Every string a YAML tree holds (keys and text values), with the key it
/// belongs to and the node to point at.
fn collect_strings<'a>(
    node: &'a crate::yaml::Node,
    key: Option<&'a str>,
    out: &mut Vec<(Option<&'a str>, &'a str, &'a crate::yaml::Node)>,
) {
    use crate::yaml::Value;
    match &node.value {
        Value::Str(s) => out.push((key, s, node)),
        Value::Seq(items) => {
            for item in items {
                collect_strings(item, key, out);
            }
        }
        Value::Map(entries) => {
            for e in entries {
                if control_char(&e.key).is_some() {
                    out.push((Some(&e.key), &e.key, &e.value));
                }
                collect_strings(&e.value, Some(&e.key), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {

    proptest::proptest! {
        /// The cheap first look never skips a text the scan would find
        /// something in: texts made of digits in every form, separators,
        /// invisible characters, labels, surnames and other characters.
        #[test]
        fn a_text_skipped_holds_nothing_to_find(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "1", "3", "8", "0", "5", "9", "１", "３", "８", "X", " ", "-", ".", "+", "\u{3000}",
                "\u{2014}", "\u{200b}", "\u{feff}", "·", "．", "当事人", "申请人", "被处罚人",
                "当", "事人", "张", "王", "三", "某", "：", "，", "。", "元", "电话", "\n",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            if !worth_scanning(&text) {
                proptest::prop_assert!(scan_all(&text, &[]).is_empty(), "{text:?}");
            }
        }
    }

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
    fn catches_numbers_as_exported_text_writes_them() {
        let mobile = || vec![(PiiKind::Mobile, "138****5678".to_string())];
        for text in [
            "电话１３８１２３４５６７８",
            "电话 138.1234.5678",
            "电话 138\u{200b}1234\u{200b}5678",
            "电话1\u{200d}3\u{200d}8\u{2060}12345678",
            "Tel13812345678",
            "手机13812345678号码",
            "电话13812345678abc",
            "电话 138－1234－5678",
            "电话 138\u{3000}1234\u{3000}5678",
            "电话 ＋86 138 1234 5678",
        ] {
            assert_eq!(kinds(text), mobile(), "{text}");
        }
        let id = || vec![(PiiKind::IdNumber, "110101********109X".to_string())];
        assert_eq!(kinds("身份证号11010119900307109x"), id());
        assert_eq!(kinds("身份证号１１０１０１１９９００３０７１０９Ｘ"), id());
    }

    #[test]
    fn positions_point_into_the_original_text() {
        let text = "电话：１３８\u{200b}１２３４５６７８。";
        let f = scan(text, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            text.get(f[0].start..f[0].start + f[0].len),
            Some("１３８\u{200b}１２３４５６７８")
        );
    }

    #[test]
    fn a_label_exempts_only_the_number_it_labels() {
        assert_eq!(
            kinds("案号〔2025〕15号，当事人李某13912345678"),
            vec![(PiiKind::Mobile, "139****5678".into())]
        );
        assert_eq!(kinds("执法证号 12010012345、13010012345"), vec![]);
        assert_eq!(
            kinds("执法证号：13010012345，联系电话13912345678"),
            vec![(PiiKind::Mobile, "139****5678".into())]
        );
        assert_eq!(kinds("certificate: \"13010012345\""), vec![]);
    }

    #[test]
    fn long_hostile_texts_scan_in_linear_time() {
        let list = format!("执法证号 {}", "13010012345、".repeat(50_000));
        let start = std::time::Instant::now();
        let found = scan(&list, &[]);
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        // Only the first numbers are close enough to their label.
        assert!(found.len() > 49_000, "{}", found.len());
    }

    #[test]
    fn a_mistyped_id_number_and_an_unmasked_name_are_warnings() {
        // Valid region and birth date, wrong check digit (the right one is 7).
        assert_eq!(
            kinds("身份证号110101199003074478"),
            vec![(PiiKind::LikelyIdNumber, "110101********4478".into())]
        );
        assert_eq!(
            kinds("当事人张三于2025年3月"),
            vec![(PiiKind::Name, "张某".into())]
        );
        assert_eq!(
            kinds("被处罚人：王小明，"),
            vec![(PiiKind::Name, "王某某".into())]
        );
        assert_eq!(kinds("申请人为李四"), vec![(PiiKind::Name, "李某".into())]);
        for text in [
            "当事人张某于2025年3月",
            "当事人王××",
            "当事人陈述申辩",
            "当事人对处罚决定不服",
            "当事人严重违反规定",
            "申请人应当提交材料",
            "申请人付清罚款",
            "被处罚人某某公司",
        ] {
            assert_eq!(kinds(text), vec![], "{text}");
        }
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
