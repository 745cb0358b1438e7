//! Inverting reports into posting lists, fast: this runs on every token of
//! every report of the site, in the build's time budget.
//!
//! The reports are cut into runs of consecutive report numbers, inverted
//! in parallel, then joined token by token in run order, so each list is in
//! report order. How the reports are cut does not change the result (a
//! token's list is the same sorted list of reports), so the bytes do not
//! depend on the number of threads.
//!
//! Within a run, a report's tokens are first counted in a small table that
//! stays in the processor's cache (a report repeats most of its tokens),
//! then each distinct token is numbered in the run's vocabulary, and the
//! run's `(token number, report)` pairs are bucketed by token number.

use rayon::prelude::*;

use super::Record;
use super::token::{Token, each_token};

/// A slot of [`Slots`]: the token as two halves, so that a slot takes 24
/// bytes rather than the 32 a `u128`'s alignment would make it (the table
/// of a report stays in the faster caches).
#[derive(Clone, Copy)]
struct Slot {
    key: [u64; 2],
    value: u32,
    stamp: u32,
}

#[inline]
fn halves(t: Token) -> [u64; 2] {
    [(t >> 64) as u64, t as u64]
}

/// An open-addressing hash table from tokens to numbers, cleared in
/// constant time (a slot counts as used only with the current stamp).
struct Slots {
    slots: Vec<Slot>,
    stamp: u32,
    len: usize,
    /// log2 of the number of slots.
    bits: u32,
}

impl Slots {
    fn new(bits: u32) -> Slots {
        Slots {
            slots: vec![
                Slot {
                    key: [0, 0],
                    value: 0,
                    stamp: 0
                };
                1 << bits
            ],
            stamp: 1,
            len: 0,
            bits,
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slots.iter_mut().for_each(|s| s.stamp = 0);
            self.stamp = 1;
        }
    }

    #[inline]
    fn slot_of(&self, key: Token) -> usize {
        let folded = (key >> 64) as u64 ^ (key as u64).rotate_left(29);
        (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }

    /// The number stored for `key`, storing `fresh` if there is none; and
    /// whether it was stored now.
    #[inline]
    fn get_or_insert(&mut self, key: Token, fresh: u32) -> (u32, bool) {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(key);
        let stamp = self.stamp;
        let key = halves(key);
        while let Some(slot) = self.slots.get_mut(i) {
            if slot.stamp != stamp {
                *slot = Slot {
                    key,
                    value: fresh,
                    stamp,
                };
                self.len += 1;
                return (fresh, true);
            }
            if slot.key == key {
                return (slot.value, false);
            }
            i = (i + 1) & mask;
        }
        (fresh, false)
    }

    fn grow(&mut self) {
        let stamp = self.stamp;
        let live: Vec<Slot> = self
            .slots
            .iter()
            .filter(|s| s.stamp == stamp)
            .copied()
            .collect();
        *self = Slots::new(self.bits + 1);
        for s in live {
            let [hi, lo] = s.key;
            self.get_or_insert(Token::from(hi) << 64 | Token::from(lo), s.value);
        }
    }
}

/// The postings of a run of reports: its tokens (numbered in the order
/// met), and for token `n` the entries `docs[offsets[n]..offsets[n + 1]]`,
/// each `report << 8 | min(occurrences, 255)`, by report.
pub struct Run {
    /// The tokens.
    pub vocab: Vec<Token>,
    offsets: Vec<u32>,
    docs: Vec<u32>,
}

impl Run {
    /// Token `n`'s entries.
    pub fn entries(&self, n: u32) -> &[u32] {
        let at = |i: usize| self.offsets.get(i).copied().unwrap_or(0) as usize;
        let n = n as usize;
        self.docs.get(at(n)..at(n + 1)).unwrap_or_default()
    }
}

/// Each distinct token of `record` with how often it occurs, in the order
/// met, into `distinct` (cleared first); `seen` is the table that numbers
/// them (cleared too: kept by the caller so that it is made once).
fn count_tokens(record: &Record, seen: &mut Slots, distinct: &mut Vec<(Token, u32)>) {
    seen.clear();
    distinct.clear();
    let mut add = |t: Token| {
        let (i, new) = seen.get_or_insert(t, distinct.len() as u32);
        if new {
            distinct.push((t, 1));
        } else if let Some(d) = distinct.get_mut(i as usize) {
            d.1 = d.1.saturating_add(1);
        }
    };
    for s in &record.sections {
        each_token(&s.heading, &mut add);
        each_token(&s.text, &mut add);
    }
}

/// Invert the reports numbered from `first`, dropping each once read.
pub fn run(first: u32, records: Vec<Record>) -> Run {
    let mut seen = Slots::new(12);
    let mut distinct: Vec<(Token, u32)> = Vec::new();
    let mut numbers = Slots::new(16);
    let mut vocab: Vec<Token> = Vec::new();
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(records.len() * 512);
    for (doc, r) in (first..).zip(records) {
        count_tokens(&r, &mut seen, &mut distinct);
        for &(t, count) in &distinct {
            let (n, new) = numbers.get_or_insert(t, vocab.len() as u32);
            if new {
                vocab.push(t);
            }
            pairs.push((n, doc << 8 | count.min(255)));
        }
    }
    // Bucket by token number, keeping report order.
    let mut offsets = vec![0u32; vocab.len() + 1];
    for &(n, _) in &pairs {
        if let Some(o) = offsets.get_mut(n as usize + 1) {
            *o += 1;
        }
    }
    let mut sum = 0;
    for o in offsets.iter_mut() {
        sum += *o;
        *o = sum;
    }
    let mut next: Vec<u32> = offsets.clone();
    let mut docs = vec![0u32; pairs.len()];
    for (n, v) in pairs {
        if let Some(at) = next.get_mut(n as usize)
            && let Some(slot) = docs.get_mut(*at as usize)
        {
            *slot = v;
            *at += 1;
        }
    }
    Run {
        vocab,
        offsets,
        docs,
    }
}

/// How many consecutive reports a run holds: enough runs to share among
/// the threads, and few enough reports in one that the text of the
/// reports waiting for their run to fill stays small.
fn per_run(reports: usize) -> usize {
    reports
        .div_ceil(4 * rayon::current_num_threads())
        .clamp(64, 1024)
}

/// A run of [`Inverter`], as its reports arrive.
enum Pending {
    /// Waiting for `missing` more of its reports (by place in the run).
    Open {
        records: Vec<Option<Record>>,
        missing: usize,
    },
    /// Being inverted by the thread that gave its last report.
    Busy,
    /// Inverted.
    Done(Run),
}

/// Reports inverted as they arrive, in any order and from any thread: a
/// run of consecutive report numbers is inverted as soon as its last
/// report arrives, by the thread that gave it, and its reports' text is
/// dropped. A full build hands each report's record over as it renders
/// the page, so that the records of a large site are never all in memory
/// at once (at 100,000 reports they are a gigabyte of text).
pub struct Inverter {
    reports: usize,
    per_run: usize,
    runs: Vec<std::sync::Mutex<Pending>>,
}

impl Inverter {
    /// An inverter for reports numbered `0..reports`.
    pub fn new(reports: usize) -> Inverter {
        let per_run = per_run(reports);
        let runs = (0..reports.div_ceil(per_run))
            .map(|r| {
                let len = per_run.min(reports - r * per_run);
                std::sync::Mutex::new(Pending::Open {
                    records: (0..len).map(|_| None).collect(),
                    missing: len,
                })
            })
            .collect();
        Inverter {
            reports,
            per_run,
            runs,
        }
    }

    /// How many reports it numbers.
    pub fn reports(&self) -> usize {
        self.reports
    }

    /// Report `number`'s record (a second record of a report replaces the
    /// first, until its run is inverted; a number out of range is ignored).
    pub fn add(&self, number: usize, record: Record) {
        let ri = number / self.per_run;
        let Some(slot) = self.runs.get(ri) else {
            return;
        };
        let lock = || {
            slot.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let full = {
            let mut pending = lock();
            let Pending::Open { records, missing } = &mut *pending else {
                return;
            };
            if let Some(at) = records.get_mut(number - ri * self.per_run)
                && at.replace(record).is_none()
            {
                *missing -= 1;
            }
            if *missing > 0 {
                return;
            }
            std::mem::replace(&mut *pending, Pending::Busy)
        };
        if let Pending::Open { records, .. } = full {
            let first = u32::try_from(ri * self.per_run).unwrap_or(u32::MAX);
            let done = run(first, records.into_iter().flatten().collect());
            *lock() = Pending::Done(done);
        }
    }

    /// The runs, in report order, taken out; the number of the first
    /// report not given if there is one.
    fn take_runs(&self) -> Result<Vec<Run>, usize> {
        self.runs
            .iter()
            .enumerate()
            .map(|(ri, slot)| {
                let mut pending = slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                match std::mem::replace(&mut *pending, Pending::Busy) {
                    Pending::Done(run) => Ok(run),
                    Pending::Open { records, .. } => {
                        Err(ri * self.per_run
                            + records.iter().position(Option::is_none).unwrap_or(0))
                    }
                    Pending::Busy => Err(ri * self.per_run),
                }
            })
            .collect()
    }
}

/// Every token of the reports `inverter` was given (each of its reports
/// must have been; its runs are taken out), with its entries (see
/// [`Run`]), sorted by token, handed to `each` in parallel; its results in
/// token order. `Err` with the number of a report that was not given.
pub fn invert<T: Send>(
    inverter: &Inverter,
    each: impl Fn(Token, &mut dyn Iterator<Item = u32>) -> T + Sync,
) -> Result<Vec<T>, usize> {
    let runs = inverter.take_runs()?;
    // Every (token, run, number), sorted: a token's pieces in run order.
    let mut all: Vec<(Token, u32, u32)> = runs
        .iter()
        .enumerate()
        .flat_map(|(ri, run)| {
            run.vocab
                .iter()
                .enumerate()
                .map(move |(n, &t)| (t, ri as u32, n as u32))
        })
        .collect();
    all.par_sort_unstable();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&(t, _, _)) = all.get(i) {
        let len = all
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|e| e.0 == t)
            .count();
        groups.push((i, len));
        i += len;
    }
    let out = groups
        .par_iter()
        .map(|&(at, len)| {
            let pieces = all.get(at..at + len).unwrap_or_default();
            let token = pieces.first().map_or(0, |p| p.0);
            let mut entries = pieces.iter().flat_map(|&(_, ri, n)| {
                runs.get(ri as usize)
                    .map(|r| r.entries(n))
                    .unwrap_or_default()
                    .iter()
                    .copied()
            });
            each(token, &mut entries)
        })
        .collect();
    Ok(out)
}

/// Each distinct token of one report with how often it occurs (at most
/// 255, as [`run`] counts), sorted by token: what patching the index after
/// an edit adds of a report ([`super::patch`]).
pub fn token_counts(record: &Record) -> Vec<(Token, u32)> {
    let mut distinct: Vec<(Token, u32)> = Vec::new();
    count_tokens(record, &mut Slots::new(12), &mut distinct);
    for d in &mut distinct {
        d.1 = d.1.min(255);
    }
    distinct.sort_unstable();
    distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_finds_what_it_stored_and_grows() {
        let mut s = Slots::new(2);
        for k in 0..1000u128 {
            assert_eq!(s.get_or_insert(k << 100 | k, k as u32), (k as u32, true));
        }
        for k in 0..1000u128 {
            assert_eq!(s.get_or_insert(k << 100 | k, 0), (k as u32, false));
        }
        s.clear();
        assert_eq!(s.get_or_insert(5 << 100 | 5, 9), (9, true));
    }
}
