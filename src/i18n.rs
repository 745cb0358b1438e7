//! The site's language.
//!
//! Diagnostics and the site's interface come in Chinese (the default) and
//! English. The interface words live in the theme's translation table
//! (`themes/default/i18n.yaml`); diagnostic texts live in
//! [`crate::diagnostic::messages`].

use serde::Serialize;

/// A language the site and its messages can be in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Lang {
    /// Simplified Chinese (`zh-CN`), the default.
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    /// English (`en`).
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag used in config files and in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parse a language tag as written in the config.
    pub fn parse(tag: &str) -> Option<Lang> {
        match tag {
            "zh-CN" | "zh" | "zh-Hans" | "zh-Hans-CN" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

    /// Pick the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
