//! The bytes of the index: posting lists and the shard files that hold
//! them. `assets/search.js` reads them.
//!
//! A posting list is the sorted list of reports (by number) that hold a
//! token, each with how often (in four steps). It is written in the
//! smallest of three forms:
//! - **sparse**: for each report, `(gap << 2) | often` as a LEB128 varint,
//!   where `gap` is the distance from the previous report less one (the
//!   first report's number itself) and `often` is 0 for one occurrence, 1
//!   for two, 2 for three to five, 3 for more;
//! - **bitset**: one bit per report of the site, report `n` in bit `n % 8`
//!   (least significant first) of byte `n / 8`;
//! - **complement**: the reports that do *not* hold the token, as gaps.
//!
//! A token found in nearly every report (行政, 执法) thus costs a few bytes
//! at most, and none costs more than a bit per report.
//!
//! A shard file is a version byte (1), then for each of its tokens, sorted:
//! the token's length in bytes (one byte), its UTF-8 bytes, the form (0
//! sparse, 1 bitset, 2 complement), how many reports hold it (varint), the
//! posting list's length in bytes (varint) and the list. The token's shard
//! is its FNV-1a hash (32 bits, over its UTF-8 bytes) modulo the number of
//! shards, a power of two.

/// The version byte that starts every shard file.
pub const FORMAT: u8 = 1;

/// How a posting list is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Form {
    /// Gaps with how often.
    Sparse = 0,
    /// A bit per report.
    Bitset = 1,
    /// The reports without the token, as gaps.
    Complement = 2,
}

/// One token's posting list, encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    /// Its form.
    pub form: Form,
    /// How many reports hold the token.
    pub count: u32,
    /// The encoded list.
    pub bytes: Vec<u8>,
}

/// Appends `v` as a LEB128 varint.
pub fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// How often a token occurs in a report, in four steps.
pub fn often(count: u32) -> u64 {
    match count {
        0 | 1 => 0,
        2 => 1,
        3..=5 => 2,
        _ => 3,
    }
}

/// Encodes the reports that hold a token, given as `(report, occurrences)`
/// sorted by report, for a site of `reports` reports: in the smallest form
/// (ties go to the first of sparse, bitset, complement).
pub fn encode(entries: &[(u32, u32)], reports: u32) -> Posting {
    let mut sparse = Vec::with_capacity(entries.len() * 2);
    let mut next: u64 = 0;
    for &(doc, count) in entries {
        let gap = u64::from(doc).saturating_sub(next);
        push_varint(&mut sparse, (gap << 2) | often(count));
        next = u64::from(doc) + 1;
    }
    let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
    let bitset_len = reports.div_ceil(8) as usize;
    let missing = reports.saturating_sub(count) as usize;
    // A complement needs at least a byte per missing report: only worth
    // computing when that could beat the other two.
    let mut best = Posting {
        form: Form::Sparse,
        count,
        bytes: sparse,
    };
    if bitset_len < best.bytes.len() {
        let mut bits = vec![0u8; bitset_len];
        for &(doc, _) in entries {
            if let Some(b) = bits.get_mut((doc / 8) as usize) {
                *b |= 1 << (doc % 8);
            }
        }
        best = Posting {
            form: Form::Bitset,
            count,
            bytes: bits,
        };
    }
    if missing < best.bytes.len() {
        let mut gaps = Vec::with_capacity(missing);
        let mut next: u64 = 0;
        let mut present = entries.iter().map(|&(d, _)| u64::from(d)).peekable();
        for doc in 0..u64::from(reports) {
            if present.peek() == Some(&doc) {
                present.next();
                continue;
            }
            push_varint(&mut gaps, doc - next);
            next = doc + 1;
        }
        if gaps.len() < best.bytes.len() {
            best = Posting {
                form: Form::Complement,
                count,
                bytes: gaps,
            };
        }
    }
    best
}

/// FNV-1a, 32 bits: which shard a token is in (the browser computes it
/// too, so it is fixed here rather than left to a library).
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1a, 64 bits: the index's version, from its bytes.
pub fn fnv1a64(h: u64, bytes: &[u8]) -> u64 {
    let mut h = h;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The starting value of [`fnv1a64`].
pub const FNV64_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Appends one token and its posting list to a shard file.
pub fn push_entry(out: &mut Vec<u8>, token: &[u8], posting: &Posting) {
    out.push(u8::try_from(token.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(token);
    out.push(posting.form as u8);
    push_varint(out, u64::from(posting.count));
    push_varint(out, posting.bytes.len() as u64);
    out.extend_from_slice(&posting.bytes);
}

/// Reads a LEB128 varint at `*at`, moving past it.
pub fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// One token's entry of a shard file, read back ([`entries`]).
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The token's UTF-8 bytes.
    pub token: &'a [u8],
    /// The list's form.
    pub form: Form,
    /// How many reports hold the token.
    pub count: u32,
    /// The encoded list.
    pub list: &'a [u8],
    /// The whole entry, as [`push_entry`] wrote it.
    pub raw: &'a [u8],
}

/// The entries of a shard file, in order; `None` if the bytes are not a
/// shard file of this [`FORMAT`].
pub fn entries(file: &[u8]) -> Option<Vec<Entry<'_>>> {
    if file.first() != Some(&FORMAT) {
        return None;
    }
    let mut out = Vec::new();
    let mut at = 1;
    while at < file.len() {
        let start = at;
        let len = usize::from(*file.get(at)?);
        let token = file.get(at + 1..at + 1 + len)?;
        at += 1 + len;
        let form = match file.get(at)? {
            0 => Form::Sparse,
            1 => Form::Bitset,
            2 => Form::Complement,
            _ => return None,
        };
        at += 1;
        let count = u32::try_from(read_varint(file, &mut at)?).ok()?;
        let size = usize::try_from(read_varint(file, &mut at)?).ok()?;
        let list = file.get(at..at.checked_add(size)?)?;
        at += size;
        out.push(Entry {
            token,
            form,
            count,
            list,
            raw: file.get(start..at)?,
        });
    }
    Some(out)
}

/// A number of occurrences that [`often`] puts in step `often`.
fn occurrences_of(often: u64) -> u32 {
    match often {
        0 => 1,
        1 => 2,
        2 => 3,
        _ => 6,
    }
}

/// The reports of an entry's list, as `(report, occurrences)` for
/// [`encode`], on a site of `reports` reports; and whether the
/// occurrences are known. A sparse list says how often in four steps (the
/// occurrences given are one of each step, which `encode` writes the
/// same); a bitset or complement does not say (1 is given). `None` if the
/// list does not decode.
pub fn decode(entry: &Entry<'_>, reports: u32) -> Option<(Vec<(u32, u32)>, bool)> {
    let list = entry.list;
    let mut out = Vec::with_capacity(entry.count as usize);
    let mut at = 0;
    let mut next: u64 = 0;
    match entry.form {
        Form::Sparse => {
            while at < list.len() {
                let v = read_varint(list, &mut at)?;
                let doc = next.checked_add(v >> 2)?;
                out.push((u32::try_from(doc).ok()?, occurrences_of(v & 3)));
                next = doc + 1;
            }
        }
        Form::Bitset => {
            for doc in 0..reports {
                if list.get((doc / 8) as usize)? & (1 << (doc % 8)) != 0 {
                    out.push((doc, 1));
                }
            }
        }
        Form::Complement => {
            let mut doc: u64 = 0;
            while at < list.len() {
                let missing = next.checked_add(read_varint(list, &mut at)?)?;
                while doc < missing {
                    out.push((u32::try_from(doc).ok()?, 1));
                    doc += 1;
                }
                doc = missing + 1;
                next = missing + 1;
            }
            while doc < u64::from(reports) {
                out.push((u32::try_from(doc).ok()?, 1));
                doc += 1;
            }
        }
    }
    (out.len() == entry.count as usize).then_some((out, entry.form == Form::Sparse))
}

/// Whether an entry's list holds any of `docs` (sorted), without decoding
/// a bitset. `None` if the list does not decode.
pub fn holds_any(entry: &Entry<'_>, docs: &[u32], reports: u32) -> Option<bool> {
    match entry.form {
        Form::Bitset => Some(docs.iter().any(|&d| {
            entry
                .list
                .get((d / 8) as usize)
                .is_some_and(|b| b & (1 << (d % 8)) != 0)
        })),
        Form::Sparse => {
            let (list, _) = decode(entry, reports)?;
            Some(list.iter().any(|(d, _)| docs.binary_search(d).is_ok()))
        }
        Form::Complement => {
            // Held unless listed as missing.
            let mut missing = Vec::new();
            let (mut at, mut next) = (0, 0u64);
            while at < entry.list.len() {
                let m = next.checked_add(read_varint(entry.list, &mut at)?)?;
                missing.push(m);
                next = m + 1;
            }
            Some(
                docs.iter()
                    .any(|&d| d < reports && missing.binary_search(&u64::from(d)).is_err()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_varints(bytes: &[u8]) -> Vec<u64> {
        let mut out = Vec::new();
        let (mut v, mut shift) = (0u64, 0);
        for &b in bytes {
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                out.push(v);
                v = 0;
                shift = 0;
            }
        }
        out
    }

    #[test]
    fn a_rare_token_is_a_sparse_list_of_gaps_and_how_often() {
        let p = encode(&[(3, 1), (4, 2), (300, 9)], 10_000);
        assert_eq!(p.form, Form::Sparse);
        assert_eq!(p.count, 3);
        assert_eq!(decode_varints(&p.bytes), [3 << 2, 1, (295 << 2) | 3]);
    }

    #[test]
    fn a_common_token_is_a_bitset_and_a_nearly_universal_one_its_complement() {
        let half: Vec<(u32, u32)> = (0..1000).step_by(2).map(|d| (d, 1)).collect();
        let p = encode(&half, 1000);
        assert_eq!(p.form, Form::Bitset);
        assert_eq!(p.bytes.len(), 125);
        assert_eq!(p.bytes[0], 0b0101_0101);
        let all_but: Vec<(u32, u32)> = (0..1000)
            .filter(|&d| d != 7 && d != 500)
            .map(|d| (d, 1))
            .collect();
        let p = encode(&all_but, 1000);
        assert_eq!(p.form, Form::Complement);
        assert_eq!(p.count, 998);
        assert_eq!(decode_varints(&p.bytes), [7, 492]);
        let every: Vec<(u32, u32)> = (0..1000).map(|d| (d, 1)).collect();
        let p = encode(&every, 1000);
        assert_eq!((p.form, p.bytes.len()), (Form::Complement, 0));
    }

    #[test]
    fn fnv_is_the_reference_function() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
        assert_eq!(fnv1a64(FNV64_START, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
