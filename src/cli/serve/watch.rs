//! Watching the site's sources for `gongshi serve`.
//!
//! notify reports raw file-system events; notify-debouncer-full merges the
//! events of each path, stitches renames together and drops the duplicates
//! inotify sends. On top of that this module:
//!
//! - watches only what a build reads (the config, `content/`, `themes/`,
//!   `templates/`), never the output, so the build's own writes
//!   cause no events; reads cause `Access` events, which are ignored;
//! - ignores editor leftovers (swap, backup, lock and temporary files of vim,
//!   Emacs, JetBrains IDEs, Word and WPS: [`gongshi::discover::is_ignored`],
//!   the same rule by which a build skips them);
//! - classifies each change by what it touches ([`Change`]), so the rebuild
//!   can choose its scope;
//! - coalesces bursts: a `git checkout` of hundreds of files or a folder
//!   moved in arrives as one [`Batch`], hence one rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer_opt};

/// The folders of a site that a build reads, besides the config file.
pub const SOURCE_DIRS: [&str; 3] = ["content", "themes", "templates"];

/// The site's configuration file.
const CONFIG_FILE: &str = "gongshi.yaml";

/// What a changed path is to the site.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `gongshi.yaml`: everything may change.
    Config,
    /// A file or folder under `content/` (path relative to the site root).
    Content(PathBuf),
    /// A theme file, a site template or a static file (relative path).
    Theme(PathBuf),
}

/// The changes of one burst of editing, to be handled by one rebuild.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Every change, once, in path order.
    pub changes: BTreeSet<Change>,
    /// How many file-system events were coalesced into it.
    pub events: usize,
}

impl Batch {
    fn merge(&mut self, other: Batch) {
        self.changes.extend(other.changes);
        self.events = self.events.saturating_add(other.events);
    }
}

/// What `path` (absolute, under `root`) is to the site, or `None` when a
/// change to it cannot affect the build.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components();
    let first = match parts.next()? {
        Component::Normal(s) => s.to_str()?,
        _ => return None,
    };
    // Hidden files and folders (`.git`, `.public.gongshi-staging`) and editor
    // leftovers anywhere on the path are never read by a build.
    let hidden = rel.components().any(|c| match c {
        Component::Normal(s) => s.to_str().is_none_or(gongshi::discover::is_ignored),
        _ => true,
    });
    if hidden {
        return None;
    }
    match first {
        CONFIG_FILE if parts.next().is_none() => Some(Change::Config),
        "content" => Some(Change::Content(rel.to_path_buf())),
        "themes" | "templates" => Some(Change::Theme(rel.to_path_buf())),
        _ => None,
    }
}

/// Whether an event can change what a build reads. Opening and reading a
/// file (which every build does) cannot; finishing a write can.
fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        // A new write time means new content (it is how the polling watcher
        // reports a modified file); permissions, owners or access times
        // alone do not change a file's text.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// The changes among debounced events.
pub fn batch(root: &Path, events: &[DebouncedEvent]) -> Batch {
    let mut changes = BTreeSet::new();
    let mut count = 0usize;
    for e in events.iter().filter(|e| matters(&e.kind)) {
        for path in &e.paths {
            if let Some(change) = classify(root, path) {
                changes.insert(change);
                count = count.saturating_add(1);
            }
        }
    }
    Batch {
        changes,
        events: count,
    }
}

/// How to watch.
#[derive(Clone, Copy, Debug)]
pub struct WatchOptions {
    /// Poll the file system instead of using native events (network shares,
    /// some virtual machines).
    pub poll: bool,
}

/// A running watcher: batches arrive on [`Watch::batches`].
pub struct Watch {
    /// Coalesced batches of changes, one per burst of editing.
    pub batches: mpsc::Receiver<Batch>,
    root: PathBuf,
    // Dropping the debouncer stops watching.
    debouncer: Debouncer,
}

enum Debouncer {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

impl Watch {
    /// Watch the source folders again: call after a batch that created
    /// one at the root (`templates/` added while serving).
    pub fn rewatch(&mut self) -> notify::Result<()> {
        match &mut self.debouncer {
            Debouncer::Native(d) => add_watches(&self.root, |p, m| d.watch(p, m)),
            Debouncer::Poll(d) => add_watches(&self.root, |p, m| d.watch(p, m)),
        }
    }
}

/// A path is held back by the debouncer until it has been quiet this long:
/// an editor's save (write a temporary file, rename it over the old one)
/// takes a few milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(6);
/// After a batch that changes one file (an editor's save), wait this long
/// for more before rebuilding: a save is served at once…
const QUIET: Duration = Duration::from_millis(5);
/// …after a batch of several files, longer: more are probably coming…
const QUIET_AFTER_SEVERAL: Duration = Duration::from_millis(60);
/// …and after a large batch (a `git checkout`, a folder copied in), longer
/// still.
const QUIET_AFTER_BULK: Duration = Duration::from_millis(250);
/// A batch of this many events is a bulk operation.
const BULK: usize = 20;
/// Never hold changes back longer than this.
const MAX_HOLD: Duration = Duration::from_secs(3);
/// How often the polling watcher looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Start watching the site at `root`.
pub fn start(root: &Path, options: WatchOptions) -> notify::Result<Watch> {
    let root = root.to_path_buf();
    let (raw_tx, raw_rx) = mpsc::channel::<Batch>();
    let handler_root = root.clone();
    let handler = move |result: DebounceEventResult| {
        if let Ok(events) = result {
            let b = batch(&handler_root, &events);
            if !b.changes.is_empty() {
                let _ = raw_tx.send(b);
            }
        }
        // Watch errors (a watched folder vanished) are followed by the
        // remove events that matter; nothing else to do with them.
    };
    let debouncer = if options.poll {
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
            DEBOUNCE,
            None,
            handler,
            notify_debouncer_full::NoCache,
            config,
        )?;
        add_watches(&root, |p, m| d.watch(p, m))?;
        Debouncer::Poll(d)
    } else {
        let mut d = new_debouncer_opt::<_, notify::RecommendedWatcher, _>(
            DEBOUNCE,
            Some(Duration::from_millis(2)),
            handler,
            notify_debouncer_full::RecommendedCache::new(),
            notify::Config::default(),
        )?;
        add_watches(&root, |p, m| d.watch(p, m))?;
        Debouncer::Native(d)
    };
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("gongshi-watch".into())
        .spawn(move || coalesce(&raw_rx, &tx))
        .map_err(notify::Error::io)?;
    Ok(Watch {
        batches: rx,
        root,
        debouncer,
    })
}

/// The root itself (not recursively: it may hold the output and `.git`) for
/// the config and for source folders created later, and each source folder
/// recursively.
fn add_watches(
    root: &Path,
    mut watch: impl FnMut(&Path, RecursiveMode) -> notify::Result<()>,
) -> notify::Result<()> {
    watch(root, RecursiveMode::NonRecursive)?;
    for dir in SOURCE_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

/// Merge batches that arrive close together into one.
fn coalesce(raw: &mpsc::Receiver<Batch>, out: &mpsc::Sender<Batch>) {
    while let Ok(mut pending) = raw.recv() {
        let started = Instant::now();
        loop {
            let quiet = if pending.events >= BULK || pending.changes.len() >= BULK {
                QUIET_AFTER_BULK
            } else if pending.changes.len() > 1 {
                QUIET_AFTER_SEVERAL
            } else {
                QUIET
            };
            if started.elapsed() >= MAX_HOLD {
                break;
            }
            match raw.recv_timeout(quiet) {
                Ok(more) => pending.merge(more),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = out.send(pending);
                    return;
                }
            }
        }
        if out.send(pending).is_err() {
            return;
        }
    }
}

/// Whether a batch needs new watches: a source folder created at the root.
pub fn adds_source_dir(root: &Path, b: &Batch) -> bool {
    b.changes.iter().any(|c| {
        let rel = match c {
            Change::Content(p) | Change::Theme(p) => p,
            Change::Config => return false,
        };
        rel.components().count() == 1 && root.join(rel).is_dir()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_recognised() {
        for name in [
            ".2025.md.swp",
            "2025.md~",
            ".#2025.md",
            "#2025.md#",
            "2025.md___jb_tmp___",
            "2025.md___jb_old___",
            "~$报告.docx",
            ".~报告.md",
            "4913",
            "x.TMP",
        ] {
            assert!(gongshi::discover::is_ignored(name), "{name}");
        }
        for name in ["2025.md", "_index.md", "原件.pdf", "style.css", "#"] {
            assert!(!gongshi::discover::is_ignored(name), "{name}");
        }
    }

    #[test]
    fn classification_follows_what_a_build_reads() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("gongshi.yaml"), Some(Change::Config));
        assert_eq!(
            c("content/xinkou/2025.md"),
            Some(Change::Content("content/xinkou/2025.md".into()))
        );
        assert_eq!(
            c("templates/report.html"),
            Some(Change::Theme("templates/report.html".into()))
        );
        assert_eq!(c("public/index.html"), None);
        assert_eq!(c(".public.gongshi-staging/index.html"), None);
        assert_eq!(c(".git/index"), None);
        assert_eq!(c("content/xinkou/.2025.md.swp"), None);
        assert_eq!(c("content/.hidden/2025.md"), None);
        assert_eq!(c("README.md"), None);
        assert_eq!(c("gongshi.yaml~"), None);
        assert_eq!(classify(root, Path::new("/elsewhere/x")), None);
    }
}
