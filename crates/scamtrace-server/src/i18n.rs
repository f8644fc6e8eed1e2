//! Interface languages: the translation catalogs and picking one for a request.
//!
//! Catalogs are TOML files in `locales/`, compiled into the binary. English is the reference: a
//! key missing elsewhere falls back to English (and a test keeps the catalogs complete).

use std::collections::HashMap;
use std::sync::LazyLock;

/// The interface languages, in the order the switcher shows them.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en.toml")),
    ("ja", include_str!("../locales/ja.toml")),
    ("de", include_str!("../locales/de.toml")),
    ("es", include_str!("../locales/es.toml")),
    ("fr", include_str!("../locales/fr.toml")),
];

/// A supported interface language, by its index in [`LANGUAGES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lang(usize);

impl Lang {
    pub const EN: Lang = Lang(0);

    pub fn code(self) -> &'static str {
        LANGUAGES[self.0].0
    }

    /// An exact supported code, or the primary subtag of a longer tag (`ja-JP` is `ja`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        LANGUAGES.iter().position(|(c, _)| *c == primary).map(Lang)
    }

    /// The best supported language for an `Accept-Language` header, by quality then order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in header.split(',').enumerate().take(32) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(lang) = Lang::from_code(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bi, _)) => q > bq || (q == bq && i < bi),
                };
                if better {
                    best = Some((q, i, lang));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }

    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(Lang)
    }
}

/// Flattened catalogs: `form.title` → text, one map per language.
pub struct Catalogs {
    maps: Vec<HashMap<String, String>>,
}

pub static CATALOGS: LazyLock<Catalogs> = LazyLock::new(|| Catalogs {
    maps: LANGUAGES
        .iter()
        .map(|(code, text)| {
            // The catalogs are compiled in and checked by tests; a broken one is a build defect.
            let table: toml::Table =
                toml::from_str(text).unwrap_or_else(|e| panic!("locales/{code}.toml: {e}"));
            let mut map = HashMap::new();
            flatten("", &table, &mut map);
            map
        })
        .collect(),
});

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(t) => flatten(&path, t, out),
            toml::Value::String(s) => {
                out.insert(path, s.clone());
            }
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
}

impl Catalogs {
    /// The text for `key` in `lang`, falling back to English, then to the key itself.
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        self.maps[lang.0]
            .get(key)
            .or_else(|| self.maps[0].get(key))
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// [`Catalogs::get`] with `{name}` placeholders filled in.
    pub fn format(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.get(lang, key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &String> {
        self.maps[lang.0].keys()
    }
}

pub fn t(lang: Lang, key: &str) -> String {
    CATALOGS.get(lang, key).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_by_quality_then_order() {
        let pick = |h: &str| Lang::from_accept_language(h).map(Lang::code);
        assert_eq!(pick("ja-JP,ja;q=0.9,en;q=0.8"), Some("ja"));
        assert_eq!(pick("en-GB;q=0.5, de;q=0.9"), Some("de"));
        assert_eq!(pick("zh-CN, fr-CA;q=0.3"), Some("fr"));
        assert_eq!(pick("zh-CN"), None);
        assert_eq!(pick("ja;q=0"), None);
        assert_eq!(pick(""), None);
    }

    #[test]
    fn every_catalog_has_every_english_key_with_the_same_placeholders() {
        let placeholders = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}'))
                .map(|(n, _)| n.to_string())
                .collect();
            v.sort();
            v
        };
        let en: Vec<&String> = CATALOGS.keys(Lang::EN).collect();
        for lang in Lang::all().skip(1) {
            for key in &en {
                let Some(text) = CATALOGS.maps[lang.0].get(*key) else {
                    panic!("locales/{}.toml lacks {key}", lang.code());
                };
                assert_eq!(
                    placeholders(text),
                    placeholders(CATALOGS.get(Lang::EN, key)),
                    "{} {key}",
                    lang.code()
                );
            }
            assert_eq!(
                CATALOGS.maps[lang.0].len(),
                en.len(),
                "locales/{}.toml has extra keys",
                lang.code()
            );
        }
    }

    #[test]
    fn missing_keys_fall_back() {
        assert_eq!(CATALOGS.get(Lang::EN, "no.such.key"), "no.such.key");
        assert_eq!(
            CATALOGS.format(Lang::EN, "errors.too_long", &[("limit", "5".into())]),
            "This is too long: at most 5 characters."
        );
    }
}
