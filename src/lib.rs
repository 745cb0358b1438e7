//! gongshi (公示): a static site generator for township administrative-enforcement disclosure.

pub mod amount;
pub mod figure;
