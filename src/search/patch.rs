//! Patching the previous index after an edit, instead of inverting every
//! report again: the build that renders only what an edit touches has the
//! new records of the reports it rendered, and the previous index.
//!
//! Each shard of the previous index is read back. A token whose list holds
//! none of the changed reports, and that none of them holds now, is copied
//! as it was; any other list is decoded, the changed reports taken out, the
//! ones that hold the token now put in, and encoded again. The result is
//! the very bytes [`super::build_index`] writes for the same reports, or
//! nothing when that cannot be promised, and the caller then builds the
//! index from every record:
//! - the reports are not numbered as before (a report came or went): every
//!   list would change;
//! - the lists no longer weigh what makes the same number of shards;
//! - a list kept as a bitset or complement (which do not say how often a
//!   token occurs) would now be written sparse (which does);
//! - a file of the previous index is missing or not of this format.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Deserialize;

use super::shard::{self, Form};
use super::{
    Index, IndexFile, MANIFEST_PATH, Numbered, Record, directory, entry_weight, finish, invert,
    shard_count, shard_of, shard_path, token,
};

/// What the previous manifest says that a patch depends on.
#[derive(Deserialize)]
struct Previous {
    format: u8,
    shards: usize,
    reports: usize,
    townships: Vec<(String, usize, String)>,
}

/// Tokens (UTF-8 bytes, in order) with the changed reports that hold them,
/// as `(report, occurrences)` by report.
type Added = BTreeMap<Vec<u8>, Vec<(u32, u32)>>;

/// The index of the reports `numbered` (in index order, [`super::numbering`]),
/// from the files of the previous index (`previous`, by path) and the new
/// records of the reports that changed (every other report's record is as
/// the previous index has it). `None` when the previous index cannot be
/// patched to the bytes a whole build would write (see the module's
/// description).
pub fn patch_index(
    previous: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    numbered: &[Numbered],
    changed: Vec<Record>,
) -> Option<Index> {
    let old: Previous = serde_json::from_slice(&previous(MANIFEST_PATH)?).ok()?;
    let (_, townships) = directory(numbered);
    let same_reports = old.format == shard::FORMAT
        && old.reports == numbered.len()
        && old.townships.len() == townships.len()
        && old
            .townships
            .iter()
            .zip(&townships)
            .all(|(a, b)| a.0 == b.0 && a.2 == b.2);
    if !same_reports || !old.shards.is_power_of_two() {
        return None;
    }
    let reports = u32::try_from(numbered.len()).ok()?;

    let mut docs: Vec<u32> = Vec::with_capacity(changed.len());
    let mut added: Vec<Added> = vec![Added::new(); old.shards];
    for r in &changed {
        let at = numbered
            .binary_search_by(|n| (&n.0, n.1).cmp(&(&r.township, r.year)))
            .ok()?;
        let doc = u32::try_from(at).ok()?;
        // A report given twice counts once (the first), as in build_index.
        if docs.contains(&doc) {
            continue;
        }
        docs.push(doc);
        for (t, count) in invert::token_counts(r) {
            let (bytes, len) = token::token_bytes(&t);
            let bytes = bytes.get(..len)?.to_vec();
            let shard = added.get_mut(shard_of(&bytes, old.shards))?;
            shard.entry(bytes).or_default().push((doc, count));
        }
    }
    docs.sort_unstable();
    for list in added.iter_mut().flat_map(|a| a.values_mut()) {
        list.sort_unstable();
    }

    let patched: Vec<(IndexFile, Tally)> = added
        .par_iter()
        .enumerate()
        .map(|(s, added)| {
            let path = shard_path(s);
            let (bytes, tally) = patch_shard(&previous(&path)?, &docs, added, reports)?;
            Some((IndexFile { path, bytes }, tally))
        })
        .collect::<Option<_>>()?;
    if shard_count(patched.iter().map(|p| p.1.weight).sum()) != old.shards {
        return None;
    }
    let tokens = patched.iter().map(|p| p.1.tokens).sum();
    let postings = patched.iter().map(|p| p.1.postings).sum();
    let files = patched.into_iter().map(|p| p.0).collect();
    Some(finish(files, numbered, tokens, postings))
}

/// What a shard's lists add up to.
#[derive(Default)]
struct Tally {
    weight: usize,
    tokens: usize,
    postings: usize,
}

impl Tally {
    fn add(&mut self, list_bytes: usize, count: u32) {
        self.weight += entry_weight(list_bytes);
        self.tokens += 1;
        self.postings += count as usize;
    }
}

/// One shard patched: its bytes and what its lists add up to.
fn patch_shard(file: &[u8], docs: &[u32], added: &Added, reports: u32) -> Option<(Vec<u8>, Tally)> {
    let mut out = Vec::with_capacity(file.len() + 256);
    out.push(shard::FORMAT);
    let mut tally = Tally::default();
    let push = |out: &mut Vec<u8>, tally: &mut Tally, token: &[u8], p: &shard::Posting| {
        shard::push_entry(out, token, p);
        tally.add(p.bytes.len(), p.count);
    };
    let mut new = added.iter().peekable();
    for e in shard::entries(file)? {
        // Tokens only the changed reports hold, in order.
        while let Some((t, list)) = new.next_if(|(t, _)| t.as_slice() < e.token) {
            push(&mut out, &mut tally, t, &shard::encode(list, reports));
        }
        let now = new
            .next_if(|(t, _)| t.as_slice() == e.token)
            .map(|(_, l)| l);
        if now.is_none() && !shard::holds_any(&e, docs, reports)? {
            out.extend_from_slice(e.raw);
            tally.add(e.list.len(), e.count);
            continue;
        }
        let (mut list, known) = shard::decode(&e, reports)?;
        list.retain(|(d, _)| docs.binary_search(d).is_err());
        if let Some(now) = now {
            list.extend_from_slice(now);
            list.sort_unstable();
        }
        if list.is_empty() {
            continue;
        }
        let p = shard::encode(&list, reports);
        if p.form == Form::Sparse && !known {
            return None;
        }
        push(&mut out, &mut tally, e.token, &p);
    }
    for (t, list) in new {
        push(&mut out, &mut tally, t, &shard::encode(list, reports));
    }
    Some((out, tally))
}

#[cfg(test)]
mod tests {
    use super::super::{Section, build_index, numbering};
    use super::*;
    use crate::model::Year;

    fn record(i: usize, text: &str) -> Record {
        Record {
            township: format!("t{:03}", i / 4),
            year: 2020 + (i % 4) as Year,
            title: format!("第{i}号报告"),
            township_name: format!("{}镇", i / 4),
            district: ["甲区", "乙区"][i / 4 % 2].into(),
            sections: vec![Section {
                id: "一基本情况".into(),
                heading: "一、基本情况".into(),
                text: text.into(),
            }],
        }
    }

    /// Words that make lists of every form: in every report (complement),
    /// in about half (bitset), in a few (sparse), some repeated.
    fn text(i: usize, salt: usize) -> String {
        let mut t = String::from("行政执法工作报告。");
        if (i + salt).is_multiple_of(2) {
            t.push_str("占道经营整治。");
        }
        if (i * 7 + salt).is_multiple_of(23) {
            t.push_str(&"电动车违规停放".repeat(1 + (i + salt) % 7));
        }
        t.push_str(&format!("处罚{}件，编号{}。", i % 13 + salt, i * 31 + salt));
        t
    }

    fn files(index: &Index) -> impl Fn(&str) -> Option<Vec<u8>> + Sync + '_ {
        |path: &str| {
            index
                .files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.bytes.clone())
        }
    }

    fn numbered(records: &[Record]) -> Vec<Numbered> {
        numbering(
            records
                .iter()
                .map(|r| (r.township.clone(), r.year, r.district.clone()))
                .collect(),
        )
    }

    #[test]
    fn a_patched_index_is_the_index_built_again() {
        let before: Vec<Record> = (0..400).map(|i| record(i, &text(i, 0))).collect();
        let old = build_index(before.clone()).unwrap();
        let mut patched_some = 0;
        for (edit, changed) in [
            vec![5usize],
            vec![0, 399],
            vec![17, 18, 19, 200, 201],
            (0..400).step_by(9).collect(),
        ]
        .into_iter()
        .enumerate()
        {
            let mut after = before.clone();
            for &i in &changed {
                after[i] = record(i, &text(i, edit + 1));
            }
            let whole = build_index(after.clone()).unwrap();
            let new: Vec<Record> = changed.iter().map(|&i| after[i].clone()).collect();
            // Either the same bytes, or no patch (never other bytes).
            if let Some(patched) = patch_index(&files(&old), &numbered(&after), new) {
                assert_eq!(patched, whole, "edit {edit}");
                patched_some += 1;
            }
        }
        assert!(patched_some >= 3, "only {patched_some} edits patched");
    }

    #[test]
    fn an_edit_that_changes_nothing_gives_the_same_files() {
        let records: Vec<Record> = (0..100).map(|i| record(i, &text(i, 0))).collect();
        let old = build_index(records.clone()).unwrap();
        let patched = patch_index(&files(&old), &numbered(&records), records[3..9].to_vec());
        assert_eq!(patched, Some(old));
    }

    #[test]
    fn other_reports_or_a_missing_file_are_not_patched() {
        let records: Vec<Record> = (0..100).map(|i| record(i, &text(i, 0))).collect();
        let old = build_index(records.clone()).unwrap();
        let fewer = &records[..99];
        assert_eq!(
            patch_index(&files(&old), &numbered(fewer), vec![records[0].clone()]),
            None
        );
        let no_shard = |path: &str| (path == MANIFEST_PATH).then(|| files(&old)(path)).flatten();
        assert_eq!(
            patch_index(&no_shard, &numbered(&records), vec![records[0].clone()]),
            None
        );
        // A record of a report the site does not have.
        let mut stranger = records[0].clone();
        stranger.township = "zzz".into();
        assert_eq!(
            patch_index(&files(&old), &numbered(&records), vec![stranger]),
            None
        );
    }
}
