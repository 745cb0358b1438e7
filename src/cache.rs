//! The build cache: what the last build was made from, so that the next
//! one does only what changed.
//!
//! `gongshi build` keeps it beside its output, as `.<name>.gongshi-cache`
//! (next to the output's lock and staging folder, never inside the
//! published folder). It holds:
//! - the [`Key`]: the gongshi program, the options and config that shape
//!   every page, the status date, the theme's files. A different key means
//!   a full build;
//! - the [`Stamp`] (size, modification and change times, inode) of every
//!   file under `content/` when the build read them: a file whose stamp
//!   differs now is read again, with those that appeared or went;
//! - every profile's and report's parsed value ([`crate::load::Saved`]),
//!   so that the unchanged ones are not parsed again;
//! - the stamp of every file of the output it committed, without its
//!   change time (which linking the file into the next output changes): if
//!   anything in the output changed since (a file edited or deleted by
//!   hand), the next build renders everything again rather than keep it.
//!
//! How the build uses it is in [`crate::build`]. The cache only ever makes
//! a build do less when it can prove the result is the same: anything it
//! cannot read, from another version, or not matching, is ignored (a full
//! build, which writes a new one). The incremental tests compare every
//! file of an incremental build with a fresh full build.
//!
//! Stamps are the cheap test `make`, `git` and `cargo` use. Like git, the
//! build takes them *before* reading the files, and a file modified
//! shortly before it was stamped ([`RACY`]) is read again by the next
//! build whatever its stamp says: on a file system with coarse timestamps
//! an edit in the same tick as the stamp would otherwise go unseen.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::load::Saved;

/// Bumped whenever what the cache holds changes meaning.
const FORMAT: u32 = 3;

/// How long before its stamp a file's modification must lie for the stamp
/// to be trusted (see the module's notes): two seconds covers the coarsest
/// common timestamps (FAT's).
pub const RACY: i128 = 2_000_000_000;

/// Size, times (nanoseconds since the epoch), device and inode of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified: i128,
    changed: i128,
    device: u64,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file of the output: without its change time, which
    /// linking the file into the next output changes (an edit by hand
    /// still changes its modification time, and a replaced file its inode).
    pub fn of_output(self) -> Stamp {
        Stamp { changed: 0, ..self }
    }

    /// The file's device and inode number (0 where there are none): which
    /// file it is.
    pub fn file_id(&self) -> (u64, u64) {
        (self.device, self.inode)
    }

    /// The stamp of a file's metadata.
    pub fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                len: meta.len(),
                modified: ns(meta.mtime(), meta.mtime_nsec()),
                changed: ns(meta.ctime(), meta.ctime_nsec()),
                device: meta.dev(),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            Stamp {
                len: meta.len(),
                modified,
                changed: modified,
                device: 0,
                inode: 0,
            }
        }
    }
}

/// Every file under a folder by its path relative to the folder (with `/`
/// separators), with its stamp. Symbolic links are stamped as links (the
/// build refuses to follow them anyway).
pub type Stamps = BTreeMap<String, Stamp>;

/// Stamp every file under `dir` (none if it does not exist).
pub fn stamps(dir: &Path) -> Stamps {
    let stamp = |entry: walkdir::Result<walkdir::DirEntry>| -> Option<(String, Stamp)> {
        let entry = entry.ok()?;
        if entry.file_type().is_dir() {
            return None;
        }
        let meta = entry.metadata().ok()?;
        let rel = entry.path().strip_prefix(dir).ok()?;
        let rel: Vec<&str> = rel
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .collect();
        Some((rel.join("/"), Stamp::of(&meta)))
    };
    crate::write::par_walk(dir, |entry| Ok(stamp(entry)))
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// Now, in nanoseconds since the epoch.
pub fn now() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// The files (relative paths) that differ between `before` (taken at
/// `taken`) and `now`: changed, appeared, gone, or modified too shortly
/// before they were stamped to be trusted.
pub fn changed(before: &Stamps, taken: i128, now: &Stamps) -> Vec<String> {
    let mut out: Vec<String> = now
        .iter()
        .filter(|(path, stamp)| {
            // (Only the modification time counts for "too recent": a file's
            // bytes change with it; its change time also moves with links
            // and permissions, and a different one is a different stamp.)
            before
                .get(*path)
                .is_none_or(|b| b != *stamp || b.modified >= taken - RACY)
        })
        .map(|(path, _)| path.clone())
        .collect();
    out.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
    out.sort();
    out
}

/// What must be the same for a build to resume from the cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The gongshi program that built (its version and its executable's
    /// size and modification time: a rebuilt program renders anew).
    pub program: (String, u64, i128),
    /// `--drafts`.
    pub drafts: bool,
    /// `--base-url`.
    pub base_url: Option<String>,
    /// The status date.
    pub as_of: String,
    /// The config file's bytes.
    pub config: Vec<u8>,
    /// A digest of every file of the theme (its templates, words, static files).
    pub theme: u64,
}

impl Key {
    /// The program running now.
    pub fn program() -> (String, u64, i128) {
        let exe = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| Stamp::of(&m));
        let (len, modified) = exe.map_or((0, 0), |s| (s.len, s.modified));
        (env!("CARGO_PKG_VERSION").to_string(), len, modified)
    }
}

/// What the last build was made from.
#[derive(Serialize, Deserialize)]
pub struct Cache {
    format: u32,
    /// See [`Key`].
    pub key: Key,
    /// When the content's stamps were taken.
    pub taken: i128,
    /// Every file under `content/`.
    pub content: Stamps,
    /// The parsed files.
    pub loader: Saved,
    /// Every file of the committed output (its marker left out).
    pub output: Stamps,
}

impl Cache {
    /// A cache of these parts.
    pub fn new(key: Key, taken: i128, content: Stamps, loader: Saved, output: Stamps) -> Cache {
        Cache {
            format: FORMAT,
            key,
            taken,
            content,
            loader,
            output,
        }
    }
}

/// Where the cache of `output` lives: `.<name>.gongshi-cache` beside it.
pub fn path_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.gongshi-cache"))
}

/// The cache of `output`, if there is a readable one of this format.
pub fn read(output: &Path) -> Option<Cache> {
    let bytes = fs::read(path_for(output)).ok()?;
    let cache: Cache = postcard::from_bytes(&bytes).ok()?;
    (cache.format == FORMAT).then_some(cache)
}

/// Write the cache of `output` (a new file renamed into place: a reader
/// never sees half of one).
pub fn write(output: &Path, cache: &Cache) -> io::Result<()> {
    let path = path_for(output);
    let mut fresh = path.clone().into_os_string();
    fresh.push(".new");
    let fresh = PathBuf::from(fresh);
    let _ = fs::remove_file(&fresh);
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&fresh)?;
    let mut file = io::BufWriter::with_capacity(1 << 16, file);
    postcard::to_io(cache, &mut file).map_err(io::Error::other)?;
    file.flush()?;
    drop(file);
    fs::rename(&fresh, &path)
}

/// Remove the cache of `output` (a build that cannot vouch for it).
pub fn remove(output: &Path) {
    let _ = fs::remove_file(path_for(output));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(len: u64, modified: i128) -> Stamp {
        Stamp {
            len,
            modified,
            changed: modified,
            device: 1,
            inode: 1,
        }
    }

    #[test]
    fn changed_files_are_those_whose_stamp_differs_or_is_too_recent() {
        let taken = 100 * RACY;
        let old = taken - 2 * RACY;
        let before: Stamps = [
            ("a.md".to_string(), stamp(10, old)),
            ("b.md".to_string(), stamp(10, old)),
            ("gone.md".to_string(), stamp(10, old)),
            ("racy.md".to_string(), stamp(10, taken - RACY / 2)),
        ]
        .into();
        let now: Stamps = [
            ("a.md".to_string(), stamp(10, old)),
            ("b.md".to_string(), stamp(11, old)),
            ("new.md".to_string(), stamp(10, old)),
            ("racy.md".to_string(), stamp(10, taken - RACY / 2)),
        ]
        .into();
        assert_eq!(
            changed(&before, taken, &now),
            ["b.md", "gone.md", "new.md", "racy.md"]
        );
        assert!(changed(&now, taken + 2 * RACY, &now).is_empty());
    }
}
