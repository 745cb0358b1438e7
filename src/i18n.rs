//! The site's language and its interface words.
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

/// The interface words of the theme's translation table, in the site language.
#[derive(Clone, Debug, Default)]
pub struct Words {
    lang: Lang,
    map: std::collections::BTreeMap<String, String>,
}

impl Words {
    /// Words for `lang` from the table.
    pub fn new(lang: Lang, map: std::collections::BTreeMap<String, String>) -> Words {
        Words { lang, map }
    }

    /// The site language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A word; a missing word shows as its key (so a theme bug is visible, not fatal).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// A word with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}
