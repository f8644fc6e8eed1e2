//! The protected brands: the TOML file format, its checks, and the default file that ships with
//! ScamTrace (`data/brands.toml`).

use serde::Deserialize;

use crate::name;

/// The default brands file: the brands tech-support scams impersonate most.
pub const BUILTIN_TOML: &str = include_str!("../data/brands.toml");

/// Why a brands file was refused. Every message names the brand table and field at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BrandsError {
    /// Not TOML, or not in the brands file's shape (the message gives the line and column).
    #[error("brands file: {0}")]
    Syntax(String),
    /// A field's value is not acceptable.
    #[error("brands file: [[brand]] number {index} ({name:?}): {field}: {message}")]
    Invalid {
        /// 1-based position of the `[[brand]]` table in the file.
        index: usize,
        /// The brand's `name` as written.
        name: String,
        field: &'static str,
        message: String,
    },
    /// The file has no `[[brand]]` table.
    #[error("brands file: no [[brand]] table")]
    Empty,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    brand: Vec<BrandTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandTable {
    name: String,
    domains: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    lookalikes: Vec<String>,
}

/// One protected brand, checked and normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    /// As written: `Microsoft`, `Geek Squad`.
    pub name: String,
    /// Its own domains, lowercase ASCII (punycode for IDNs): never flagged, nor their subdomains.
    pub domains: Vec<String>,
    /// Names whose lookalikes are watched (typos, confusables, TLD swaps): the name's letters and
    /// digits (`geeksquad`) and the `lookalikes` field.
    pub lookalikes: Vec<String>,
    /// Other names, abbreviations and product words (`windows`, `ms`): they mark the brand when
    /// a name is built from them, but their lookalikes are not watched.
    pub keywords: Vec<String>,
}

/// A checked set of protected brands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brands {
    brands: Vec<Brand>,
}

impl Brands {
    /// Reads a brands file:
    ///
    /// ```toml
    /// [[brand]]
    /// name = "Microsoft"
    /// domains = ["microsoft.com", "live.com"]
    /// keywords = ["windows", "outlook"]   # optional
    /// lookalikes = ["hotmail"]            # optional: watched for typos besides the name
    /// ```
    pub fn from_toml(text: &str) -> Result<Brands, BrandsError> {
        let file: File = toml::from_str(text).map_err(|e| BrandsError::Syntax(e.to_string()))?;
        if file.brand.is_empty() {
            return Err(BrandsError::Empty);
        }
        let mut brands = Vec::with_capacity(file.brand.len());
        for (i, table) in file.brand.into_iter().enumerate() {
            let invalid = |field: &'static str, message: String| BrandsError::Invalid {
                index: i + 1,
                name: table.name.clone(),
                field,
                message,
            };
            let token = normalize_word(&table.name);
            if token.len() < 2 {
                return Err(invalid(
                    "name",
                    "needs at least two letters or digits".into(),
                ));
            }
            let mut domains = Vec::with_capacity(table.domains.len());
            for domain in &table.domains {
                match name::normalize(domain) {
                    Some(normalized) if normalized.ascii.contains('.') => {
                        domains.push(normalized.ascii)
                    }
                    _ => {
                        return Err(invalid(
                            "domains",
                            format!("{domain:?} is not a domain name"),
                        ));
                    }
                }
            }
            let mut lookalikes = vec![token];
            for word in &table.lookalikes {
                let w = normalize_word(word);
                if w.len() < 3 {
                    return Err(invalid(
                        "lookalikes",
                        format!("{word:?} needs at least three letters or digits"),
                    ));
                }
                if !lookalikes.contains(&w) {
                    lookalikes.push(w);
                }
            }
            let mut keywords = Vec::new();
            for word in &table.keywords {
                let w = normalize_word(word);
                if w.len() < 2 {
                    return Err(invalid(
                        "keywords",
                        format!("{word:?} needs at least two letters or digits"),
                    ));
                }
                if !lookalikes.contains(&w) && !keywords.contains(&w) {
                    keywords.push(w);
                }
            }
            brands.push(Brand {
                name: table.name.trim().to_string(),
                domains,
                lookalikes,
                keywords,
            });
        }
        Ok(Brands { brands })
    }

    /// The default brands file that ships with ScamTrace (`data/brands.toml`).
    pub fn builtin() -> Brands {
        // A test checks that the shipped file parses.
        Brands::from_toml(BUILTIN_TOML).unwrap_or(Brands { brands: Vec::new() })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Brand> {
        self.brands.iter()
    }

    pub fn len(&self) -> usize {
        self.brands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.brands.is_empty()
    }
}

/// A brand word as names write it: lowercase letters and digits only (`AT&T` -> `att`,
/// `Office 365` -> `office365`). Non-ASCII letters are kept (lowercased).
pub(crate) fn normalize_word(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_file_parses_and_protects_at_least_twenty_brands() {
        let brands = Brands::from_toml(BUILTIN_TOML).expect("data/brands.toml");
        assert!(brands.len() >= 20, "{} brands", brands.len());
        assert_eq!(Brands::builtin(), brands);
        let microsoft = brands.iter().find(|b| b.name == "Microsoft").unwrap();
        assert!(microsoft.domains.iter().any(|d| d == "microsoft.com"));
        assert_eq!(microsoft.lookalikes[0], "microsoft");
        for brand in brands.iter() {
            assert!(!brand.domains.is_empty(), "{}", brand.name);
        }
    }

    #[test]
    fn names_and_keywords_are_normalized() {
        let brands = Brands::from_toml(
            "[[brand]]\nname = \"AT&T\"\ndomains = [\"ATT.com.\"]\nkeywords = [\"Office 365\", \"att\"]\n",
        )
        .unwrap();
        let b = brands.iter().next().unwrap();
        assert_eq!(b.lookalikes, ["att"]);
        assert_eq!(b.keywords, ["office365"]);
        assert_eq!(b.domains, ["att.com"]);
    }

    #[test]
    fn bad_files_are_refused_with_the_place_named() {
        let err = Brands::from_toml("[[brand]]\nname = \"X\"\n").unwrap_err();
        assert!(
            matches!(err, BrandsError::Syntax(ref m) if m.contains("domains")),
            "{err}"
        );

        let err = Brands::from_toml("[[brand]\nname = 1").unwrap_err();
        assert!(
            matches!(err, BrandsError::Syntax(ref m) if m.contains("line 1")),
            "{err}"
        );

        let err = Brands::from_toml(
            "[[brand]]\nname = \"PayPal\"\ndomains = [\"paypal.com\"]\n\n[[brand]]\nname = \"Bad\"\ndomains = [\"not a domain\"]\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "brands file: [[brand]] number 2 (\"Bad\"): domains: \"not a domain\" is not a domain name"
        );

        let err = Brands::from_toml("[[brand]]\nname = \"!\"\ndomains = []\n").unwrap_err();
        assert!(
            matches!(err, BrandsError::Invalid { field: "name", .. }),
            "{err}"
        );

        let err = Brands::from_toml("[[brand]]\nname = \"Acme\"\ndomains = []\ncolour = \"red\"\n")
            .unwrap_err();
        assert!(
            matches!(err, BrandsError::Syntax(ref m) if m.contains("colour")),
            "{err}"
        );

        assert_eq!(Brands::from_toml("").unwrap_err(), BrandsError::Empty);
    }
}
