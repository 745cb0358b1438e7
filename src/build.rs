//! Building: the loaded site assembled, rendered and written atomically.
//!
//! This is the last stage of the pipeline (config → discover → parse →
//! validate → assemble → render → write). It depends on every stage before
//! it; none of them depends on it.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Problem};
use crate::render::Stats;
use crate::site::Site;
use crate::write::{OutputError, OutputLock, Staging};

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
/// output to finish; see [`build_locked`].
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
    if site.has_errors() {
        return Err(BuildError::Content);
    }
    let theme = crate::render::Theme::load(&site.root, &site.config.theme).map_err(|e| {
        BuildError::Template(Box::new(Diagnostic::site(Problem::Io {
            error: format!("themes/{}: {e}", site.config.theme),
        })))
    })?;
    let start = std::time::Instant::now();
    let renderer =
        crate::render::Renderer::new(&theme, site.config.language).map_err(BuildError::Template)?;
    let assembled = crate::assemble::assemble(site);
    let prepared = start.elapsed();
    let staging = Staging::begin_locked(&site.root, output, lock).map_err(BuildError::Output)?;
    match crate::render::render_site(site, &assembled, &renderer, &staging, tick) {
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
