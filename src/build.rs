//! Building: the loaded site assembled, rendered and written atomically,
//! doing only what changed since the last build.
//!
//! This is the last stage of the pipeline (config → discover → parse →
//! validate → assemble → render → write). It depends on every stage before
//! it; none of them depends on it.
//!
//! # Only what changed
//!
//! [`plan`] loads the site with the output's build cache ([`crate::cache`]):
//! when the program, the options, the config, the status date and the
//! theme are those of the last build, and its output is as it left it,
//! only the content files whose stamps changed are parsed again, and the
//! build knows what the others were. [`build_planned`] then renders
//! - nothing, when nothing changed ([`Planned::up_to_date`]): the output
//!   stays as it is, not even swapped;
//! - what the changed files touch ([`crate::render::touched`], the rules
//!   `serve` follows), when some did: the pages, downloads and summaries
//!   they feed are rendered into a staging folder, every other file of the
//!   previous output is hard-linked into it, and the folder is swapped into
//!   place as in a full build: atomic, and byte for byte what a full build
//!   gives (`tests/incremental.rs` compares them);
//! - everything, otherwise (or with `--full`): unchanged files are still
//!   linked rather than written again ([`crate::write`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cache::{self, Cache, Key, Stamps};
use crate::diagnostic::{Diagnostic, Problem};
use crate::load::Loader;
use crate::render::{PriorFolder, Stats, Target, Theme, Touched};
use crate::site::{LoadOptions, NotASite, Site};
use crate::write::{MARKER, OutputError, OutputLock, Staging};

/// Why a build did not produce a site.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (see [`Site::diagnostics`]); nothing was written.
    Content,
    /// The theme failed.
    Template(Box<Diagnostic>),
    /// The output could not be written; the previous output is untouched.
    Output(OutputError),
}

/// Render and write `site` into `output`, atomically: the previous output
/// stays in place unless the whole build succeeds. `tick` is called once
/// per page rendered. Waits (silently) for another build of the same
/// output to finish; see [`build_locked`]. Renders everything (see
/// [`plan`] for a build that does only what changed).
pub fn build(site: &Site, output: &Path, tick: &(dyn Fn() + Sync)) -> Result<Stats, BuildError> {
    if site.has_errors() {
        return Err(BuildError::Content);
    }
    let lock = OutputLock::acquire(output, |_| {}).map_err(BuildError::Output)?;
    build_locked(site, output, lock, tick)
}

/// [`build`] with the output's lock already taken (so that the caller can
/// say that it waits for another build).
pub fn build_locked(
    site: &Site,
    output: &Path,
    lock: OutputLock,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, BuildError> {
    // Whatever cache is there no longer describes the output.
    cache::remove(output);
    let theme = load_theme(site)?;
    full(site, &theme, output, lock, tick).map(|(stats, _)| stats)
}

/// A site loaded for a build, and what the build has to render.
pub struct Planned {
    /// The site as the content is now.
    pub site: Site,
    loader: Loader,
    work: Work,
    /// The key the cache will be written with, and the theme it was made
    /// from (`None`: the theme could not be read; no cache is kept).
    key: Option<(Key, Theme)>,
    /// The content's stamps, taken before it was read.
    content: Stamps,
    taken: i128,
    /// The previous output's files, when the build resumes from it.
    previous: Stamps,
}

enum Work {
    /// Render everything.
    Everything,
    /// Nothing changed since the last build, whose output is intact.
    Nothing,
    /// These files (relative to the site root) were read again; `before`
    /// is the site as the last build saw it.
    Some {
        before: Box<Site>,
        read: Vec<PathBuf>,
    },
}

impl Planned {
    /// Whether the output is up to date already: nothing to render.
    pub fn up_to_date(&self) -> bool {
        matches!(self.work, Work::Nothing)
    }

    /// How many content files were read again since the last build, or
    /// `None` when the build renders everything.
    pub fn read_again(&self) -> Option<usize> {
        match &self.work {
            Work::Everything => None,
            Work::Nothing => Some(0),
            Work::Some { read, .. } => Some(read.len()),
        }
    }
}

/// Load the site for a build into `output` (whose lock the caller holds),
/// resuming from the output's build cache unless `full` (see the module's
/// notes). Fails only when the folder is not a site.
pub fn plan(
    options: &LoadOptions,
    output: &Path,
    _lock: &OutputLock,
    full: bool,
) -> Result<Planned, NotASite> {
    let taken = cache::now();
    let content_dir = options.root.join(crate::discover::CONTENT_DIR);
    let content = cache::stamps(&content_dir);
    let key = key(options).ok();
    let previous = output_stamps(output);
    // Resumed only if the output is as the last build left it.
    let resumed = if full {
        None
    } else {
        cache::read(output)
            .filter(|c| key.as_ref().map(|k| &k.0) == Some(&c.key) && c.output == previous)
    };
    let Some(resumed) = resumed else {
        let loader = Loader::new(options)?;
        return Ok(Planned {
            site: loader.site(),
            loader,
            work: Work::Everything,
            key,
            content,
            taken,
            previous,
        });
    };
    // The files whose stamps changed: relative to the site root for the
    // update, under the root as the loader keeps them for the restore.
    let in_content = Path::new(crate::discover::CONTENT_DIR);
    let changed: Vec<PathBuf> = cache::changed(&resumed.content, resumed.taken, &content)
        .iter()
        .map(|rel| in_content.join(rel))
        .collect();
    let kept_as: BTreeSet<PathBuf> = changed.iter().map(|p| options.root.join(p)).collect();
    let (mut loader, moved) = Loader::restore(options, resumed.loader, &kept_as)?;
    let before = loader.site();
    let work = if changed.is_empty() && moved.is_empty() {
        Work::Nothing
    } else {
        let stale: Vec<PathBuf> = changed.into_iter().chain(moved).collect();
        match loader.update(&stale)? {
            crate::load::Reloaded::Files { changed, .. } => Work::Some {
                before: Box::new(before),
                read: changed,
            },
            crate::load::Reloaded::Everything => Work::Everything,
        }
    };
    Ok(Planned {
        site: loader.site(),
        loader,
        work,
        key,
        content,
        taken,
        previous,
    })
}

/// The key of a build with these options now, and the theme it digests
/// (which the build then renders with).
fn key(options: &LoadOptions) -> Result<(Key, Theme), NotASite> {
    let (config, as_of) = crate::load::config(options)?;
    let bytes = std::fs::read(options.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let theme = Theme::load(&options.root, &config.theme)
        .map_err(|e| NotASite(theme_problem(&config.theme, &e)))?;
    let key = Key {
        program: Key::program(),
        drafts: options.drafts,
        base_url: options.base_url.clone(),
        as_of: as_of.to_string(),
        config: bytes,
        theme: theme.digest(),
    };
    Ok((key, theme))
}

fn theme_problem(theme: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::site(Problem::Io {
        error: format!("themes/{theme}: {e}"),
    })
}

/// The files of the output (its marker left out), stamped as output
/// files ([`cache::Stamp::of_output`]).
fn output_stamps(output: &Path) -> Stamps {
    let mut stamps = cache::stamps(output);
    stamps.remove(MARKER);
    stamps.values_mut().for_each(|s| *s = s.of_output());
    stamps
}

/// Build what `planned` says into `output` (whose lock is `lock`), and
/// keep the build cache for the next build.
pub fn build_planned(
    planned: Planned,
    output: &Path,
    lock: OutputLock,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, BuildError> {
    let site = &planned.site;
    if site.has_errors() {
        return Err(BuildError::Content);
    }
    let (key, theme) = match planned.key {
        Some((key, theme)) => (Some(key), theme),
        None => (None, load_theme(site)?),
    };
    let (mut stats, stamps) = match &planned.work {
        Work::Nothing => {
            return Ok(Stats {
                pages: 0,
                files: planned.previous.len() + 1,
                reused: planned.previous.len() + 1,
                phases: Vec::new(),
            });
        }
        Work::Everything => {
            cache::remove(output);
            full(site, &theme, output, lock, tick)?
        }
        Work::Some { before, read } => {
            cache::remove(output);
            let (stats, stamps) = part(
                site,
                &theme,
                before,
                read,
                &planned.previous,
                output,
                lock,
                tick,
            )?;
            (stats, stamps)
        }
    };
    if let Some(key) = key {
        let clock = std::time::Instant::now();
        let cache = Cache::new(
            key,
            planned.taken,
            planned.content,
            planned.loader.save(),
            stamps.unwrap_or_else(|| output_stamps(output)),
        );
        // A cache that cannot be written only makes the next build full.
        if cache::write(output, &cache).is_err() {
            cache::remove(output);
        }
        stats.phases.push(("build cache", clock.elapsed()));
    }
    Ok(stats)
}

/// The site's theme.
fn load_theme(site: &Site) -> Result<Theme, BuildError> {
    Theme::load(&site.root, &site.config.theme)
        .map_err(|e| BuildError::Template(Box::new(theme_problem(&site.config.theme, &e))))
}

/// The theme's renderer for `site`.
fn renderer(site: &Site, theme: &Theme) -> Result<crate::render::Renderer, BuildError> {
    crate::render::Renderer::new(theme, site.config.language).map_err(BuildError::Template)
}

/// Render everything. With the output's stamps after, when every file
/// was stamped as it was written ([`Staging::stamps`]).
fn full(
    site: &Site,
    theme: &Theme,
    output: &Path,
    lock: OutputLock,
    tick: &(dyn Fn() + Sync),
) -> Result<(Stats, Option<Stamps>), BuildError> {
    if site.has_errors() {
        return Err(BuildError::Content);
    }
    let start = std::time::Instant::now();
    let renderer = renderer(site, theme)?;
    let assembled = crate::assemble::assemble(site);
    let prepared = start.elapsed();
    let staging = Staging::begin_locked(&site.root, output, lock).map_err(BuildError::Output)?;
    let rendered = crate::render::render_site(site, &assembled, &renderer, &staging, tick);
    let stamps = staging.stamps();
    let stats = finish(staging, rendered, prepared)?;
    let stamps = stamps.map(|mut all| {
        // Sorted in parallel: the map is then built in one pass.
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all.into_iter().collect()
    });
    Ok((stats, stamps))
}

/// Render what the files `read` touch, going from `before` to `site`,
/// and keep the rest of the previous output (whose files are `previous`).
/// With the output's stamps after, when known without walking it: the
/// files kept are stamped as before (the same inodes, linked), only the
/// files rendered are stamped again.
#[allow(clippy::too_many_arguments)]
fn part(
    site: &Site,
    theme: &Theme,
    before: &Site,
    read: &[PathBuf],
    previous: &Stamps,
    output: &Path,
    lock: OutputLock,
    tick: &(dyn Fn() + Sync),
) -> Result<(Stats, Option<Stamps>), BuildError> {
    let start = std::time::Instant::now();
    let renderer = renderer(site, theme)?;
    let assembled = crate::assemble::assemble(site);
    let before_asm = crate::assemble::assemble(before);
    let (first, then, owned_by) =
        match crate::render::touched((before, &before_asm), (site, &assembled), read) {
            Touched::Everything => return full(site, theme, output, lock, tick),
            Touched::Some {
                first,
                then,
                owned_by,
            } => (first, then, owned_by),
        };
    let mut targets: Vec<Target> = first.into_iter().chain(then).collect();
    targets.sort();
    targets.dedup();
    let prepared = start.elapsed();
    if targets.is_empty() && owned_by.is_empty() {
        // Files read again that changed nothing (saved as they were): the
        // output stays as it is, not even swapped.
        let files = previous.len() + 1;
        let stats = Stats {
            pages: 0,
            files,
            reused: files,
            phases: vec![("templates, assemble", prepared)],
        };
        return Ok((stats, Some(previous.clone())));
    }
    let staging = Staging::begin_locked(&site.root, output, lock).map_err(BuildError::Output)?;
    let rendered = crate::render::render(
        site,
        &assembled,
        &renderer,
        &targets,
        &staging,
        &PriorFolder(output),
        tick,
    );
    let mut made: Vec<String> = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    let rendered = rendered.and_then(|mut stats| {
        // Everything else stays as the previous output has it.
        let clock = std::time::Instant::now();
        made = staging.produced_paths();
        // Dropped too: what a target writes whole and did not write again.
        let whole: Vec<&str> = targets.iter().filter_map(Target::writes_whole).collect();
        let owned = |p: &str| {
            owned_by.iter().any(|o| p.starts_with(o.as_str()))
                || whole.iter().any(|w| p.starts_with(w))
        };
        kept = previous
            .keys()
            .map(String::as_str)
            .filter(|p| !owned(p) && !staging.produced(p))
            .collect();
        kept.par_iter()
            .try_for_each(|rel| staging.keep(rel, previous.get(*rel).map(cache::Stamp::file_id)))
            .map_err(crate::render::RenderError::Output)?;
        stats.files += kept.len();
        stats.phases.push(("keep the rest", clock.elapsed()));
        Ok(stats)
    });
    // A file copied rather than linked is another file: then the output
    // is stamped anew.
    let linked = staging.linked_all();
    let stats = finish(staging, rendered, prepared)?;
    if !linked {
        return Ok((stats, None));
    }
    let mut stamps: Stamps = kept
        .into_iter()
        .filter_map(|p| Some((p.to_string(), *previous.get(p)?)))
        .collect();
    let fresh: Vec<(String, cache::Stamp)> = made
        .into_par_iter()
        .filter(|p| p != MARKER)
        .filter_map(|p| {
            let meta = std::fs::symlink_metadata(crate::write::relative_in(output, &p)).ok()?;
            Some((p, cache::Stamp::of(&meta).of_output()))
        })
        .collect();
    stamps.extend(fresh);
    Ok((stats, Some(stamps)))
}

/// Swap a rendered staging folder into place, or abandon it.
fn finish(
    staging: Staging,
    rendered: Result<Stats, crate::render::RenderError>,
    prepared: std::time::Duration,
) -> Result<Stats, BuildError> {
    match rendered {
        Ok(mut stats) => {
            stats.reused = staging.counts().1;
            let swap = std::time::Instant::now();
            staging.commit().map_err(BuildError::Output)?;
            stats.phases.insert(0, ("templates, assemble", prepared));
            stats.phases.push(("swap into place", swap.elapsed()));
            Ok(stats)
        }
        Err(e) => {
            staging.abort();
            Err(match e {
                crate::render::RenderError::Template(d) => BuildError::Template(d),
                crate::render::RenderError::Output(o) => BuildError::Output(o),
            })
        }
    }
}

/// The number of pages a build renders (for progress bars).
pub fn page_count(site: &Site) -> usize {
    // home, 404, years overview, data page, glossary, search + townships +
    // reports + one per year.
    6 + site.townships.len() + site.reports.len() + crate::assemble::year_count(site)
}
