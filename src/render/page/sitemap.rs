//! The sitemap.

use serde::Serialize;
use tera::Context;

use crate::render::paths;

use super::*;

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// The sitemap: every page, with the report dates where known.
pub fn sitemap(c: &Common<'_>) -> Context {
    let mut ctx = c.context("sitemap.xml", "sitemap", "sitemap");
    let base = &c.site.config.base_url;
    let mut urls = vec![
        SitemapUrl {
            loc: canonical(base, &paths::home()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::years()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::data()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::glossary()),
            lastmod: None,
        },
        SitemapUrl {
            loc: canonical(base, &paths::townships()),
            lastmod: None,
        },
    ];
    for &y in &c.asm.years {
        urls.push(SitemapUrl {
            loc: canonical(base, &paths::year(y)),
            lastmod: None,
        });
    }
    if c.asm.by_district {
        let mut pages: Vec<String> = c
            .asm
            .cities
            .iter()
            .map(|city| paths::city(&city.slug))
            .collect();
        for d in &c.asm.districts {
            for n in 1..=d.pages() {
                pages.push(paths::district(&d.slug, n));
                pages.extend(
                    c.asm
                        .years
                        .iter()
                        .map(|&y| paths::district_year(&d.slug, y, n)),
                );
            }
        }
        urls.extend(pages.iter().map(|p| SitemapUrl {
            loc: canonical(base, &paths::link(p)),
            lastmod: None,
        }));
    }
    for &ti in &c.asm.order {
        let Some(t) = c.site.township_at(ti).filter(|t| !t.draft) else {
            continue;
        };
        urls.push(SitemapUrl {
            loc: canonical(base, &paths::township(&t.slug)),
            lastmod: None,
        });
        for &ri in c
            .asm
            .by_township
            .get(ti)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let Some(r) = c.site.report_at(ri).filter(|r| !r.draft) else {
                continue;
            };
            urls.push(SitemapUrl {
                loc: canonical(base, &paths::report(&r.township, r.year)),
                lastmod: r.updated.or(r.published).map(|d| d.to_string()),
            });
        }
    }
    ctx.insert("urls", &urls);
    ctx
}
