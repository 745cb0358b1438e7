//! gongshi (公示): a static site generator for township administrative-enforcement disclosure.
//!
//! The pipeline, one module per stage:
//! [`config`] → [`discover`] → [`parse`] (with `frontmatter`, [`yaml`], [`figure`]) →
//! `validate` → [`assemble`] → [`render`] → [`write`](mod@write), and [`build`] ties the
//! last three together, doing only what changed since the last build
//! ([`cache`]). Each stage depends only on the ones before it: the
//! loaded data ([`site::Site`], read and checked by `Site::load`) ← the
//! assembled summaries ([`assemble`]) ← the renderers ([`render`]) ← the
//! build ([`build`]) and the command line's `serve`.
//! Problems are [`diagnostic::Diagnostic`]s, worded in one place ([`diagnostic::messages`]).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]
// Diagnostics are plain data carried in results and vectors on cold paths;
// boxing them would only add allocations.
#![allow(clippy::result_large_err)]

pub mod amount;
pub mod assemble;
pub mod build;
pub mod cache;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod figure;
pub mod format;
mod frontmatter;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod import;
mod load;
mod markdown;
pub mod model;
pub mod parse;
pub mod pii;
pub mod preview;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod site;
pub mod slug;
pub mod source;
mod sum;
mod validate;
pub mod write;
pub mod yaml;
