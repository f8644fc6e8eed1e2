//! Brands that tech-support scammers impersonate, and matching a victim's free text to one.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrandCategory {
    Technology,
    Security,
    Retail,
    Payment,
    Bank,
}

/// A brand ScamTrace knows, with the ways victims write its name.
#[derive(Debug, PartialEq, Eq)]
pub struct Brand {
    /// Stable key used in filters and storage: `microsoft`, `geek_squad`, `bank_of_america`.
    pub slug: &'static str,
    /// Display name.
    pub name: &'static str,
    pub category: BrandCategory,
    /// Lowercase aliases, matched on word boundaries (Latin script) or as substrings (CJK).
    pub aliases: &'static [&'static str],
}

macro_rules! brands {
    ($($slug:literal, $name:literal, $cat:ident, [$($alias:literal),* $(,)?];)*) => {
        &[$(Brand { slug: $slug, name: $name, category: BrandCategory::$cat, aliases: &[$($alias),*] }),*]
    };
}

/// Brands in priority order. Generic words like "windows" map to the brand a victim means by them.
pub static KNOWN_BRANDS: &[Brand] = brands![
    "microsoft", "Microsoft", Technology, ["microsoft", "micro soft", "microsft", "mircosoft", "microsfot",
        "micosoft", "windows", "windows defender", "defender", "outlook", "hotmail", "office 365",
        "microsoft 365", "msn", "xbox", "bing", "マイクロソフト", "ウィンドウズ", "ウインドウズ"];
    "amazon", "Amazon", Retail, ["amazon", "amazn", "amazom", "amazone", "amzon", "amazon prime", "prime video",
        "aws", "amazon com", "アマゾン"];
    "apple", "Apple", Technology, ["apple", "icloud", "iphone", "ipad", "macbook", "itunes", "app store",
        "apple care", "applecare", "アップル"];
    "google", "Google", Technology, ["google", "gmail", "google play", "android", "youtube", "chrome",
        "グーグル"];
    "norton", "Norton", Security, ["norton", "nortonlifelock", "norton 360", "lifelock", "ノートン"];
    "mcafee", "McAfee", Security, ["mcafee", "mc afee", "macafee", "mcaffee", "mcafe", "マカフィー"];
    "geek_squad", "Geek Squad", Retail, ["geek squad", "geeksquad", "geek-squad", "best buy", "bestbuy",
        "ギークスクワッド"];
    "paypal", "PayPal", Payment, ["paypal", "pay pal", "paypall", "ペイパル"];
    "bank_of_america", "Bank of America", Bank, ["bank of america", "bofa", "boa"];
    "chase", "Chase", Bank, ["chase", "jpmorgan chase", "jp morgan chase"];
    "wells_fargo", "Wells Fargo", Bank, ["wells fargo", "wellsfargo"];
    "citibank", "Citibank", Bank, ["citibank", "citi bank", "citi"];
    "capital_one", "Capital One", Bank, ["capital one", "capitalone"];
    "hsbc", "HSBC", Bank, ["hsbc"];
    "barclays", "Barclays", Bank, ["barclays"];
    "lloyds", "Lloyds Bank", Bank, ["lloyds"];
    "natwest", "NatWest", Bank, ["natwest"];
    "santander", "Santander", Bank, ["santander"];
    "deutsche_bank", "Deutsche Bank", Bank, ["deutsche bank"];
    "sparkasse", "Sparkasse", Bank, ["sparkasse"];
    "commerzbank", "Commerzbank", Bank, ["commerzbank"];
    "bbva", "BBVA", Bank, ["bbva"];
    "caixabank", "CaixaBank", Bank, ["caixabank", "la caixa"];
    "commonwealth_bank", "Commonwealth Bank", Bank, ["commonwealth bank", "commbank"];
    "westpac", "Westpac", Bank, ["westpac"];
    "rbc", "RBC Royal Bank", Bank, ["rbc", "royal bank"];
    "td_bank", "TD Bank", Bank, ["td bank", "td canada trust"];
    "scotiabank", "Scotiabank", Bank, ["scotiabank"];
    "mufg", "MUFG Bank", Bank, ["mufg", "三菱ufj"];
    "japan_post_bank", "Japan Post Bank", Bank, ["ゆうちょ"];
    "bank", "A bank", Bank, ["bank", "my bank", "banque", "banco", "銀行"];
];

/// What a victim typed as the impersonated brand, and the known brand it names, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandClaim {
    /// The victim's own words, kept as written (trimmed).
    pub text: String,
    /// The known brand the text names.
    pub brand: Option<BrandRef>,
}

/// A known brand as it appears in a stored report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandRef {
    pub slug: String,
    pub name: String,
}

impl BrandClaim {
    pub fn from_text(text: &str) -> BrandClaim {
        BrandClaim {
            text: text.trim().to_string(),
            brand: match_brand(text).map(|b| BrandRef {
                slug: b.slug.into(),
                name: b.name.into(),
            }),
        }
    }
}

/// The known brand named in `text`: the one whose alias appears earliest, so "Amazon told me my
/// Windows was hacked" names Amazon. Case, punctuation and spacing are ignored.
pub fn match_brand(text: &str) -> Option<&'static Brand> {
    let folded = fold(text);
    let haystack = format!(" {folded} ");
    let squashed: String = folded.chars().filter(|c| *c != ' ').collect();
    let mut best: Option<(usize, usize, &'static Brand)> = None;
    for alias in ALIASES.iter() {
        let position = if alias.latin {
            haystack.find(&alias.padded).or_else(|| {
                // "Micro-Soft", "Geek.Squad": the same letters with other separators.
                (alias.squashed.len() >= 6 && squashed == alias.squashed).then_some(0)
            })
        } else {
            haystack.find(alias.text)
        };
        if let Some(pos) = position {
            let better = match best {
                None => true,
                Some((p, len, _)) => pos < p || (pos == p && alias.text.len() > len),
            };
            if better {
                best = Some((pos, alias.text.len(), alias.brand));
            }
        }
    }
    best.map(|(_, _, brand)| brand)
}

/// Every alias with the forms matching needs, computed once.
struct Alias {
    brand: &'static Brand,
    text: &'static str,
    latin: bool,
    /// ` alias `: matched on word boundaries in the padded, folded text.
    padded: String,
    squashed: String,
}

static ALIASES: std::sync::LazyLock<Vec<Alias>> = std::sync::LazyLock::new(|| {
    KNOWN_BRANDS
        .iter()
        .flat_map(|brand| {
            brand.aliases.iter().map(move |text| Alias {
                brand,
                text,
                latin: text.is_ascii(),
                padded: format!(" {text} "),
                squashed: text.chars().filter(|c| *c != ' ').collect(),
            })
        })
        .collect()
});

/// Lowercase, with every run of non-alphanumeric characters turned into one space.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(text: &str) -> Option<&'static str> {
        match_brand(text).map(|b| b.slug)
    }

    #[test]
    fn matches_the_ways_victims_write_brands() {
        let cases = [
            ("Microsoft", Some("microsoft")),
            ("Micro-Soft Windows support", Some("microsoft")),
            ("MICROSFT", Some("microsoft")),
            ("windows defender", Some("microsoft")),
            ("マイクロソフトのサポート", Some("microsoft")),
            ("Amazon Prime refund dept", Some("amazon")),
            ("amazon.com", Some("amazon")),
            ("Geek-Squad", Some("geek_squad")),
            ("GeekSquad renewal", Some("geek_squad")),
            ("Mc Afee", Some("mcafee")),
            ("pay pal", Some("paypal")),
            ("Bank of America fraud dept", Some("bank_of_america")),
            ("my bank", Some("bank")),
            ("Amazon said my Windows was hacked", Some("amazon")),
            ("the IRS", None),
            ("", None),
            ("applesauce", None),
        ];
        for (text, want) in cases {
            assert_eq!(slug(text), want, "{text:?}");
        }
    }

    #[test]
    fn claims_keep_the_original_text() {
        let claim = BrandClaim::from_text("  micro soft  ");
        assert_eq!(claim.text, "micro soft");
        assert_eq!(claim.brand.unwrap().name, "Microsoft");
    }

    #[test]
    fn slugs_are_unique() {
        let mut slugs: Vec<_> = KNOWN_BRANDS.iter().map(|b| b.slug).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), KNOWN_BRANDS.len());
    }
}
