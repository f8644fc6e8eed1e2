//! The lookalike and fake-support domain watch: scores domain names, as they appear in
//! certificate-transparency logs, zone files or reports, as **brand lookalikes** (a protected
//! brand's name mistyped, written with lookalike characters, under another suffix, next to
//! support words, or in a subdomain of someone else's domain) or as **fake-support domains**
//! (no brand at all, built from support vocabulary: `247helppc.us`, `billingteam.cc`).
//!
//! Every score explains itself: it is the sum of its reasons' points, each with a
//! machine-readable code and a sentence. A brand's own domains and their subdomains are never
//! flagged. The crate does no I/O and reads no clock; scoring never panics and stays linear in
//! the name, whatever bytes it is given.
//!
//! ```
//! use scamtrace_watch::{Brands, Family, Watcher};
//!
//! let watcher = Watcher::new(&Brands::builtin());
//! let hit = watcher.score("rnicrosoft-support.live").unwrap();
//! assert_eq!(hit.family, Family::Lookalike);
//! assert_eq!(hit.brand.as_deref(), Some("Microsoft"));
//! assert!(hit.score >= 90);
//! assert_eq!(hit.reasons[0].code.as_str(), "ascii_lookalike");
//!
//! let hit = watcher.score("247helppc.us").unwrap();
//! assert_eq!(hit.family, Family::FakeSupport);
//! assert!(watcher.score("login.microsoftonline.com").is_none());
//! ```
//!
//! See `docs/domain-watch.md` for the techniques, the scoring and the brands file.

mod brands;
mod fold;
mod name;
mod score;
mod segment;
mod typo;
mod vocab;

use serde::Serialize;

pub use brands::{BUILTIN_TOML, Brand, Brands, BrandsError};
pub use score::Watcher;

/// The score at which the command line reports a name unless told otherwise.
pub const DEFAULT_MIN_SCORE: u8 = 50;

/// Which family of rules a name was caught by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Imitates a protected brand.
    Lookalike,
    /// Built from support vocabulary, no brand.
    FakeSupport,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Lookalike => "lookalike",
            Family::FakeSupport => "fake_support",
        }
    }
}

/// Why a name scored: one code per technique or piece of context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// Unicode characters that read as the brand's (UTS #39 skeleton).
    Confusable,
    /// The label is written in one non-Latin script and reads as the brand.
    Homograph,
    /// The label mixes scripts that do not belong together (Latin and Cyrillic ...).
    MixedScript,
    /// ASCII lookalikes: `rn` for `m`, `vv` for `w`, `cl` for `d`, `0` for `o`, `1` or `i`
    /// for `l`.
    AsciiLookalike,
    /// The brand's name cut by hyphens: `micro-soft`.
    Hyphenation,
    /// A neighbouring key typed instead of, or beside, the right one.
    KeyboardTypo,
    /// One letter left out.
    Omission,
    /// One letter doubled.
    Repetition,
    /// Two neighbouring letters swapped.
    Transposition,
    /// One bit of one character flipped.
    Bitsquat,
    /// One vowel for another.
    VowelSwap,
    /// Another single edit, or two edits (keyboard-weighted) of a long name.
    EditDistance,
    /// The brand's exact name under a suffix that is not one of its own domains.
    TldSwap,
    /// The brand's name or keyword inside a longer label.
    BrandName,
    /// The brand next to support vocabulary.
    BrandSupport,
    /// The brand in a subdomain of someone else's registrable domain.
    BrandInSubdomain,
    /// On a free-hosting or shared suffix (Public Suffix List private section, and others).
    FreeHosting,
    /// Support vocabulary (support, help, care, refund, hilfe, soporte, aide, sapoto ...).
    SupportWords,
    /// Every part of the label is vocabulary, digits or hyphens.
    WholeName,
    /// A few other letters: an initial in front of the support words (`b` + `help`) or one
    /// stray letter.
    StrayLetters,
    /// The support words sit inside a longer unrelated word.
    Incidental,
    /// A top-level domain that abuse reports name again and again.
    AbusedTld,
    /// `247`, `24x7`, `24h`: help at any hour.
    RoundTheClock,
    /// A short number in front or behind, as in a series of names (`help01`).
    Numbering,
    /// Letters besides the brand that the vocabulary does not explain.
    OtherLetters,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Confusable => "confusable",
            Code::Homograph => "homograph",
            Code::MixedScript => "mixed_script",
            Code::AsciiLookalike => "ascii_lookalike",
            Code::Hyphenation => "hyphenation",
            Code::KeyboardTypo => "keyboard_typo",
            Code::Omission => "omission",
            Code::Repetition => "repetition",
            Code::Transposition => "transposition",
            Code::Bitsquat => "bitsquat",
            Code::VowelSwap => "vowel_swap",
            Code::EditDistance => "edit_distance",
            Code::TldSwap => "tld_swap",
            Code::BrandName => "brand_name",
            Code::BrandSupport => "brand_support",
            Code::BrandInSubdomain => "brand_in_subdomain",
            Code::FreeHosting => "free_hosting",
            Code::SupportWords => "support_words",
            Code::WholeName => "whole_name",
            Code::StrayLetters => "stray_letters",
            Code::Incidental => "incidental",
            Code::AbusedTld => "abused_tld",
            Code::RoundTheClock => "round_the_clock",
            Code::Numbering => "numbering",
            Code::OtherLetters => "other_letters",
        }
    }
}

/// One reason: its code, the points it adds (or takes away), and a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: Code,
    pub points: i16,
    pub detail: String,
}

/// A name's score and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Score {
    /// The name normalized: lowercase ASCII, IDN labels in punycode.
    pub domain: String,
    /// The Unicode form, for IDNs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unicode: Option<String>,
    /// 0 to 100: the sum of the reasons' points, bounded.
    pub score: u8,
    /// The protected brand imitated, if any.
    pub brand: Option<String>,
    pub family: Family,
    pub reasons: Vec<Reason>,
}

/// What the watch makes of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assessment {
    /// Not a domain name (no dot, bad characters, too long, a public suffix alone).
    NotADomain,
    /// One of a protected brand's own domains, or a subdomain of one: never flagged.
    Own { brand: String },
    /// Nothing suspicious.
    Clean,
    /// Something to say, with a score (the caller decides from which score to act).
    Scored(Score),
}
