//! The self-contained 404 page.

use tera::Context;

use super::*;

/// The 404 page.
pub fn not_found(c: &Common<'_>) -> Context {
    // Served for any missing path at any depth, so its links are absolute,
    // from the base URL (the one page whose links cannot be relative).
    let mut ctx = c.context("404.html", c.w.get("page_not_found"), "404");
    // Root-relative links from the base URL's path (`/xiqing/`), and the
    // stylesheet inline: the page loads nothing, wherever it is served.
    let base = c.site.config.base_url.as_str();
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    let root = after_scheme
        .find('/')
        .and_then(|i| after_scheme.get(i..))
        .unwrap_or("/");
    ctx.insert("root", root);
    ctx.insert("inline_css", c.css);
    ctx
}
