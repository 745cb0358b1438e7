//! gongshi (公示): a static site generator for township administrative-enforcement disclosure.

pub mod amount;
pub mod assemble;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod figure;
pub mod format;
pub mod frontmatter;
pub mod i18n;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod slug;
pub mod source;
pub mod validate;
pub mod write;
pub mod yaml;
