//! gongshi (公示): a static site generator for township administrative-enforcement disclosure.

pub mod amount;
pub mod figure;
pub mod config;
pub mod diagnostic;
pub mod frontmatter;
pub mod i18n;
pub mod schema;
pub mod source;
pub mod yaml;
pub mod discover;
pub mod slug;
pub mod format;
pub mod model;
pub mod parse;
pub mod validate;
