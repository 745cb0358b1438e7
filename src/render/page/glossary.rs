//! The glossary (术语说明): every status and figure word the site uses.

use serde::Serialize;
use tera::Context;

use crate::assemble::Status;
use crate::render::paths;

use super::*;

/// The glossary page: every term of the theme's glossary with its
/// one-line explanation, in sections; each entry's anchor is its key.
pub fn glossary(c: &Common<'_>, sections: &[crate::render::GlossarySection]) -> Context {
    #[derive(Serialize)]
    struct Term {
        id: String,
        term: String,
        desc: String,
        status: Option<&'static str>,
    }
    #[derive(Serialize)]
    struct Section {
        id: String,
        title: String,
        terms: Vec<Term>,
    }
    let mut ctx = c.context(&paths::glossary(), c.w.get("glossary"), "glossary");
    let sections: Vec<Section> = sections
        .iter()
        .map(|s| Section {
            id: s.title.clone(),
            title: c.w.get(&s.title).to_string(),
            terms: s
                .terms
                .iter()
                .map(|t| Term {
                    id: t.clone(),
                    term: c.w.get(t).to_string(),
                    desc: c.w.get(&format!("{t}_desc")).to_string(),
                    status: Status::ALL
                        .iter()
                        .find(|st| t.strip_prefix("status_") == Some(st.key()))
                        .map(|st| st.key()),
                })
                .collect(),
        })
        .collect();
    ctx.insert("sections", &sections);
    ctx
}
