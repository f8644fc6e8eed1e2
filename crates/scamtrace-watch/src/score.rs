//! The watcher: one name in, a score with its reasons out.
//!
//! A name is normalized, cut at its registrable domain by the Public Suffix List (private
//! suffixes included, so `x.azurewebsites.net` is its own site), checked against the brands' own
//! domains, and its site label (the part its owner chose) is read as words. Brand evidence
//! (exact names, lookalike characters, typing mistakes, names in subdomains) and support
//! evidence (vocabulary, its shape, the TLD) are scored separately; the higher wins. A brand
//! next to support words is always a lookalike. The work done for a benign name is a few table
//! lookups and two automaton passes over its label, without allocation.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::fold::{self, Scripts};
use crate::name::{self, Fast};
use crate::segment::{Piece, Segmentation, Vocabulary, Word, segment};
use crate::typo::{self, Slip};
use crate::{Assessment, Brands, Code, Family, Reason, Score, vocab};

/// Lookalike techniques need names at least this long: shorter ones collide with ordinary words.
const MIN_TYPO_LEN: usize = 5;
/// Two-edit lookalikes only for names at least this long.
const MIN_TWO_EDIT_LEN: usize = 8;

struct BrandEntry {
    name: String,
    domains: Vec<String>,
}

struct Token {
    text: Box<str>,
    brand: u16,
    /// A keyword (`windows`, `ms`), not a name: its lookalikes are not watched.
    keyword: bool,
    mask: u64,
    chars: u64,
}

impl Token {
    /// Names of three letters or more count as names; shorter ones only as keywords.
    fn strong(&self) -> bool {
        !self.keyword && self.text.len() >= 3
    }
}

/// Scores domain names against a set of protected brands.
pub struct Watcher {
    brands: Vec<BrandEntry>,
    own: FxHashMap<Box<str>, u16>,
    tokens: Vec<Token>,
    /// Lookalike names by length, for the typo checks.
    typo_by_len: Vec<Vec<u16>>,
    vocab: Vocabulary,
    /// Folded lookalike names (`mlcrosoft`), for ASCII lookalikes and confusables.
    folded: AhoCorasick,
    folded_tokens: Vec<u16>,
    /// Brand names and keywords alone, for subdomains.
    names: AhoCorasick,
    abused: FxHashSet<&'static str>,
    hosting: FxHashSet<&'static str>,
    tld_words: FxHashMap<&'static str, (u8, u16)>,
}

/// Where a name sits: the label its owner chose and what surrounds it.
struct Site<'a> {
    name: &'a str,
    /// Labels in front of `label`, without the last dot; empty when none.
    sub: &'a str,
    label: &'a str,
    /// The shared suffix when the site is on free hosting.
    hosting: Option<&'a str>,
    tld: &'a str,
    /// `label`'s position among the name's labels.
    label_index: usize,
}

/// Brand evidence found in a label.
struct Hit {
    token: u16,
    code: Code,
    points: i16,
    detail: String,
    /// The span of the analysed text that stands for the brand.
    start: usize,
    end: usize,
}

impl Watcher {
    /// Compiles the brands into matchers. Costs a few milliseconds: build one and reuse it.
    pub fn new(brands: &Brands) -> Watcher {
        let mut entries = Vec::new();
        let mut own = FxHashMap::default();
        let mut tokens: Vec<Token> = Vec::new();
        for (b, brand) in brands.iter().enumerate() {
            let b = b as u16;
            entries.push(BrandEntry {
                name: brand.name.clone(),
                domains: brand.domains.clone(),
            });
            for d in &brand.domains {
                own.entry(d.clone().into_boxed_str()).or_insert(b);
            }
            let words = brand
                .lookalikes
                .iter()
                .map(|w| (w, false))
                .chain(brand.keywords.iter().map(|w| (w, true)));
            for (w, keyword) in words {
                if tokens.iter().any(|t| *t.text == **w) {
                    continue;
                }
                tokens.push(Token {
                    text: w.clone().into_boxed_str(),
                    brand: b,
                    keyword,
                    mask: typo::bigram_mask(w.as_bytes()),
                    chars: typo::char_set(w.as_bytes()),
                });
            }
        }
        let mut typo_by_len: Vec<Vec<u16>> = vec![Vec::new(); 64];
        let mut folded_texts = Vec::new();
        let mut folded_tokens = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if t.keyword || !t.text.is_ascii() {
                continue;
            }
            if t.text.len() >= MIN_TYPO_LEN && t.text.len() < 64 {
                typo_by_len[t.text.len()].push(i as u16);
            }
            if t.text.len() >= 4 {
                folded_texts.push(fold::fold_string(&t.text));
                folded_tokens.push(i as u16);
            }
        }
        let folded = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&folded_texts)
            .or_else(|_| AhoCorasick::new(&folded_texts))
            .unwrap_or_else(|_| {
                folded_tokens.clear();
                AhoCorasick::new(Vec::<&str>::new()).expect("an empty automaton builds")
            });
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(tokens.iter().map(|t| t.text.as_bytes()))
            .or_else(|_| AhoCorasick::new(tokens.iter().map(|t| t.text.as_bytes())))
            .unwrap_or_else(|_| {
                AhoCorasick::new(Vec::<&str>::new()).expect("an empty automaton builds")
            });
        let vocab = Vocabulary::new(tokens.iter().enumerate().map(|(i, t)| (&*t.text, i as u16)));
        // A TLD that is a strong support word (`.support`, `.help`, `.care`, `.repair`) counts as
        // one; weaker ones (`.tech`, `.services`) are common for ordinary businesses and count
        // only as abused TLDs.
        let tld_words = vocab::SUPPORT
            .iter()
            .enumerate()
            .filter(|(_, (_, weight, _))| *weight >= 30)
            .map(|(i, &(w, weight, _))| (w, (weight, i as u16)))
            .collect();
        Watcher {
            brands: entries,
            own,
            tokens,
            typo_by_len,
            vocab,
            folded,
            folded_tokens,
            names,
            abused: vocab::ABUSED_TLDS.iter().copied().collect(),
            hosting: vocab::FREE_HOSTING.iter().copied().collect(),
            tld_words,
        }
    }

    /// The number of protected brands.
    pub fn brand_count(&self) -> usize {
        self.brands.len()
    }

    /// The name's score and reasons, or `None` when there is nothing to say (a clean name, a
    /// brand's own domain, or not a domain name).
    pub fn score(&self, name: &str) -> Option<Score> {
        match self.assess(name) {
            Assessment::Scored(score) => Some(score),
            _ => None,
        }
    }

    /// What the watch makes of a name, telling own domains and non-domains apart.
    pub fn assess(&self, input: &str) -> Assessment {
        let mut buf = [0u8; 256];
        match name::fast(input, &mut buf) {
            Fast::Ascii(ascii) => self.assess_normalized(ascii, None),
            Fast::Invalid => Assessment::NotADomain,
            Fast::Idn => match name::normalize(input) {
                Some(n) => self.assess_normalized(&n.ascii, n.unicode.as_deref()),
                None => Assessment::NotADomain,
            },
        }
    }

    fn assess_normalized(&self, ascii: &str, unicode: Option<&str>) -> Assessment {
        let Some((site, registrable)) = self.site(ascii) else {
            // A public suffix alone may still be a brand's own (`googleapis.com`).
            return match self.owner(ascii, "") {
                Some(b) => Assessment::Own {
                    brand: self.brands[b as usize].name.clone(),
                },
                None => Assessment::NotADomain,
            };
        };
        if let Some(b) = self.owner(ascii, registrable) {
            return Assessment::Own {
                brand: self.brands[b as usize].name.clone(),
            };
        }
        // The label as it reads: Unicode labels through their skeleton.
        let unicode_label = unicode
            .and_then(|u| u.split('.').nth(site.label_index))
            .filter(|l| !l.is_ascii());
        let reading;
        let (text, scripts) = match unicode_label {
            Some(label) => {
                reading = fold::reading(label);
                (reading.as_str(), Some((label, fold::scripts(label))))
            }
            None => (site.label, None),
        };
        let seg = segment(&self.vocab, text.as_bytes());
        let mut hits: Vec<Hit> = Vec::new();
        self.exact_hits(text, &seg, scripts.as_ref(), &site, &mut hits);
        self.folded_hits(text, scripts.as_ref(), &mut hits);
        self.hyphen_hits(text, &mut hits);
        self.typo_hits(text, &seg, &mut hits);
        if !site.sub.is_empty() {
            self.subdomain_hits(&site, &mut hits);
        }
        let mixed = match &scripts {
            Some((_, Scripts::Mixed(names))) => Some(names.as_str()),
            _ => None,
        };

        let mut fake = Vec::new();
        let fake_points = self.support_reasons(&seg, text, &site, &mut fake);

        let mut best: Option<(i16, Vec<Reason>, u16)> = None;
        for hit in hits {
            let (points, reasons) = self.brand_reasons(&hit, text, &seg, &site, mixed);
            if best.as_ref().is_none_or(|(p, _, _)| points > *p) {
                let brand = self.tokens[hit.token as usize].brand;
                best = Some((points, reasons, brand));
            }
        }
        let (points, reasons, brand, family) = match best {
            Some((points, reasons, brand)) => (
                points,
                reasons,
                Some(self.brands[brand as usize].name.clone()),
                Family::Lookalike,
            ),
            None if fake_points > 0 => (fake_points, fake, None, Family::FakeSupport),
            None if let Some(reasons) = self.series_reasons(text, &site) => {
                let points = reasons.iter().map(|r| r.points).sum();
                (points, reasons, None, Family::FakeSupport)
            }
            None => match mixed {
                Some(names) => (
                    40,
                    vec![Reason {
                        code: Code::MixedScript,
                        points: 40,
                        detail: format!("the label mixes {names} letters"),
                    }],
                    None,
                    Family::Lookalike,
                ),
                None => return Assessment::Clean,
            },
        };
        Assessment::Scored(Score {
            domain: ascii.to_string(),
            unicode: unicode.map(str::to_string),
            score: points.clamp(0, 100) as u8,
            brand,
            family,
            reasons,
        })
    }

    /// Cuts a name at its registrable domain; also returns the registrable domain.
    fn site<'a>(&self, ascii: &'a str) -> Option<(Site<'a>, &'a str)> {
        let domain = psl::domain(ascii.as_bytes())?;
        let reg_len = domain.as_bytes().len();
        let suffix_len = domain.suffix().as_bytes().len();
        if reg_len <= suffix_len + 1 || reg_len > ascii.len() {
            return None;
        }
        let reg_start = ascii.len() - reg_len;
        let registrable = ascii.get(reg_start..)?;
        let mut label = registrable.get(..reg_len - suffix_len - 1)?;
        let mut sub = if reg_start > 0 {
            ascii.get(..reg_start - 1)?
        } else {
            ""
        };
        let tld = ascii.rsplit('.').next().unwrap_or(ascii);
        let mut hosting = None;
        if matches!(domain.suffix().typ(), Some(psl::Type::Private)) {
            hosting = ascii.get(ascii.len() - suffix_len..);
        } else if !sub.is_empty() && self.hosting.contains(registrable) {
            hosting = Some(registrable);
            match sub.rsplit_once('.') {
                Some((rest, last)) => {
                    sub = rest;
                    label = last;
                }
                None => {
                    label = sub;
                    sub = "";
                }
            }
        }
        let label_index = if sub.is_empty() {
            0
        } else {
            sub.bytes().filter(|&b| b == b'.').count() + 1
        };
        Some((
            Site {
                name: ascii,
                sub,
                label,
                hosting,
                tld,
                label_index,
            },
            registrable,
        ))
    }

    /// The brand that owns the name: the name or a parent down to its registrable domain is one
    /// of the brand's domains.
    fn owner(&self, ascii: &str, registrable: &str) -> Option<u16> {
        let mut rest = ascii;
        loop {
            if let Some(&b) = self.own.get(rest) {
                return Some(b);
            }
            if rest.len() <= registrable.len() {
                return None;
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// Brand names and keywords written out in the label.
    fn exact_hits(
        &self,
        text: &str,
        seg: &Segmentation,
        scripts: Option<&(&str, Scripts)>,
        site: &Site,
        hits: &mut Vec<Hit>,
    ) {
        for s in seg.segs() {
            let Piece::Word(Word::Brand { token }) = s.piece else {
                continue;
            };
            let t = &self.tokens[token as usize];
            let (start, end) = (s.start as usize, s.end as usize);
            let brand = &self.brands[t.brand as usize].name;
            if let Some((literal, scripts)) = scripts
                && !literal.contains(&*t.text)
            {
                // Only the skeleton spells the brand: a confusable.
                let (code, detail) = match scripts {
                    Scripts::Other(script) => (
                        Code::Homograph,
                        format!(
                            "'{literal}' is written in {script} letters and reads as '{}' ({brand})",
                            t.text
                        ),
                    ),
                    _ => (
                        Code::Confusable,
                        format!(
                            "'{literal}' reads as '{}' ({brand}): Unicode lookalike letters",
                            t.text
                        ),
                    ),
                };
                hits.push(Hit {
                    token,
                    code,
                    points: 85,
                    detail,
                    start,
                    end,
                });
                continue;
            }
            let whole = start == 0 && end == text.len();
            let long = t.text.len() >= MIN_TYPO_LEN;
            let u = seg.unknown;
            let (code, points, detail) = if t.strong() {
                if whole && site.hosting.is_none() {
                    (
                        Code::TldSwap,
                        70,
                        format!(
                            "'{}' ({brand}) under a suffix that is not one of {brand}'s own domains",
                            t.text
                        ),
                    )
                } else if whole {
                    (
                        Code::BrandName,
                        60,
                        format!("the name '{}' ({brand}) as a site of its own", t.text),
                    )
                } else if let Some(d) = self.imitated_in_label(text, t) {
                    (
                        Code::BrandName,
                        60,
                        format!("'{text}' imitates {d} ({brand})"),
                    )
                } else if u == 0 && only_digits_besides(seg, start, end) {
                    (
                        Code::BrandName,
                        55,
                        format!("the name '{}' ({brand}) with a number", t.text),
                    )
                } else if u == 0 {
                    (
                        Code::BrandName,
                        45,
                        format!("the name '{}' ({brand}) with words around it", t.text),
                    )
                } else if u <= 3 && long {
                    (
                        Code::BrandName,
                        40,
                        format!("the name '{}' ({brand}) with a few other letters", t.text),
                    )
                } else if long {
                    (
                        Code::BrandName,
                        30,
                        format!("the name '{}' ({brand}) inside a longer word", t.text),
                    )
                } else {
                    continue;
                }
            } else if whole || u == 0 {
                (
                    Code::BrandName,
                    35,
                    format!("'{}', a word for {brand}, with words around it", t.text),
                )
            } else if u <= 3 && long {
                (
                    Code::BrandName,
                    30,
                    format!("'{}', a word for {brand}, with a few other letters", t.text),
                )
            } else if long {
                (
                    Code::BrandName,
                    20,
                    format!("'{}', a word for {brand}, inside a longer word", t.text),
                )
            } else {
                continue;
            };
            hits.push(Hit {
                token,
                code,
                points,
                detail,
                start,
                end,
            });
        }
    }

    /// The brand's own domain written into a label: `microsoft-com`, `paypalcom`.
    fn imitated_in_label<'a>(&'a self, text: &str, t: &Token) -> Option<&'a str> {
        let entry = &self.brands[t.brand as usize];
        entry.domains.iter().map(String::as_str).find(|d| {
            let Some(rest) = d.strip_prefix(&*t.text).and_then(|r| r.strip_prefix('.')) else {
                return false;
            };
            let rest = rest.as_bytes();
            text.match_indices(&*t.text).any(|(i, m)| {
                let after = &text.as_bytes()[i + m.len()..];
                let after = after.strip_prefix(b"-").unwrap_or(after);
                after.len() >= rest.len()
                    && after
                        .iter()
                        .zip(rest)
                        .all(|(a, b)| a == b || (*b == b'.' && *a == b'-'))
            })
        })
    }

    /// Brand names spelled with lookalike characters (`rn` for `m`, `0` for `o` ...).
    fn folded_hits(&self, text: &str, scripts: Option<&(&str, Scripts)>, hits: &mut Vec<Hit>) {
        if self.folded_tokens.is_empty() {
            return;
        }
        let folded = fold::fold_ascii(text.as_bytes());
        for m in self.folded.find_overlapping_iter(folded.as_bytes()) {
            let token = self.folded_tokens[m.pattern().as_usize()];
            let t = &self.tokens[token as usize];
            if text.contains(&*t.text) {
                continue;
            }
            let (start, end) = folded.raw_range(m.start(), m.end());
            let Some(raw) = text.get(start..end) else {
                continue;
            };
            let brand = &self.brands[t.brand as usize].name;
            let (code, points, detail) = match scripts {
                Some((literal, _)) => (
                    Code::Confusable,
                    85,
                    format!(
                        "'{literal}' reads as '{}' ({brand}): Unicode lookalike letters",
                        t.text
                    ),
                ),
                None => (
                    Code::AsciiLookalike,
                    80,
                    format!(
                        "'{raw}' reads as '{}' ({brand}): {}",
                        t.text,
                        fold::describe(raw.as_bytes(), t.text.as_bytes())
                    ),
                ),
            };
            hits.push(Hit {
                token,
                code,
                points,
                detail,
                start,
                end,
            });
        }
    }

    /// A brand name cut by hyphens: `micro-soft`.
    fn hyphen_hits(&self, text: &str, hits: &mut Vec<Hit>) {
        if !text.contains('-') || text.len() > 64 {
            return;
        }
        let mut joined = [0u8; 64];
        let mut n = 0;
        for b in text.bytes().filter(|&b| b != b'-') {
            joined[n] = b;
            n += 1;
        }
        let joined = &joined[..n];
        let Some(list) = self.typo_by_len.get(n) else {
            return;
        };
        for &token in list {
            let t = &self.tokens[token as usize];
            if t.text.as_bytes() == joined {
                let brand = &self.brands[t.brand as usize].name;
                hits.push(Hit {
                    token,
                    code: Code::Hyphenation,
                    points: 70,
                    detail: format!("'{text}' is '{}' ({brand}) cut by hyphens", t.text),
                    start: 0,
                    end: text.len(),
                });
            }
        }
    }

    /// Typing mistakes: each run of letters, each run the vocabulary does not explain, and each
    /// such run with its neighbouring word, compared with the brand names of similar length.
    fn typo_hits(&self, text: &str, seg: &Segmentation, hits: &mut Vec<Hit>) {
        let bytes = text.as_bytes();
        let segs = seg.segs();
        let mut candidates: [(usize, usize); 24] = [(0, 0); 24];
        let mut n = 0;
        let mut push = |span: (usize, usize)| {
            if span.1 - span.0 >= 4 && n < candidates.len() && !candidates[..n].contains(&span) {
                candidates[n] = span;
                n += 1;
            }
        };
        // Hyphen-separated parts, digits included (`mic4osoft`).
        let mut start = 0;
        for part in text.split(['-', '_']) {
            if part.bytes().any(|b| b.is_ascii_digit()) {
                push((start, start + part.len()));
            }
            start += part.len() + 1;
        }
        // Runs of letters between digits and hyphens.
        let mut i = 0;
        while i < segs.len() {
            if matches!(segs[i].piece, Piece::Digits | Piece::Separator) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < segs.len()
                && !matches!(segs[j + 1].piece, Piece::Digits | Piece::Separator)
            {
                j += 1;
            }
            // A run that is one vocabulary word is that word, not a typo.
            if j > i || segs[i].piece == Piece::Unknown {
                push((segs[i].start as usize, segs[j].end as usize));
            }
            i = j + 1;
        }
        // Stretches of unknown letters and ordinary words between support words, brand names,
        // digits and hyphens: `n` + `ort` + `n`, `geek` + `sqad`.
        let mut k = 0;
        while k < segs.len() {
            let plain = |s: &crate::segment::Seg| {
                matches!(
                    s.piece,
                    Piece::Unknown | Piece::Word(Word::Connector | Word::Ordinary)
                )
            };
            if !plain(&segs[k]) {
                k += 1;
                continue;
            }
            let mut j = k;
            while j + 1 < segs.len() && plain(&segs[j + 1]) {
                j += 1;
            }
            if segs[k..=j].iter().any(|s| s.piece == Piece::Unknown) {
                push((segs[k].start as usize, segs[j].end as usize));
            }
            k = j + 1;
        }
        // Unknown runs, alone and with the word on either side.
        for (k, s) in segs.iter().enumerate() {
            if s.piece != Piece::Unknown {
                continue;
            }
            let (a, b) = (s.start as usize, s.end as usize);
            push((a, b));
            if k > 0 && matches!(segs[k - 1].piece, Piece::Word(_)) {
                push((segs[k - 1].start as usize, b));
            }
            if let Some(next) = segs.get(k + 1)
                && matches!(next.piece, Piece::Word(_))
            {
                push((a, next.end as usize));
            }
        }
        for &(a, b) in &candidates[..n] {
            let cand = &bytes[a..b];
            if !cand.is_ascii() {
                continue;
            }
            let mask = typo::bigram_mask(cand);
            let chars = typo::char_set(cand);
            let lo = cand.len().saturating_sub(2).max(MIN_TYPO_LEN);
            let hi = (cand.len() + 2).min(self.typo_by_len.len() - 1);
            for len in lo..=hi {
                // One edit takes at most one character out of a name's set and brings at most
                // one in, and destroys at most three of its bigrams (a transposition).
                let edits = if len.abs_diff(cand.len()) <= 1 { 1 } else { 2 };
                for &token in &self.typo_by_len[len] {
                    let t = &self.tokens[token as usize];
                    let edits = if t.text.len() >= MIN_TWO_EDIT_LEN {
                        2
                    } else if edits == 1 {
                        1
                    } else {
                        continue;
                    };
                    if !typo::few_missing(t.chars & !chars, edits)
                        || !typo::few_missing(chars & !t.chars, edits)
                        || !typo::few_missing(t.mask & !mask, 3 * edits)
                    {
                        continue;
                    }
                    if let Some(hit) = self.typo_hit(cand, token, a, b) {
                        hits.push(hit);
                    }
                }
            }
        }
    }

    fn typo_hit(&self, cand: &[u8], token: u16, start: usize, end: usize) -> Option<Hit> {
        let t = &self.tokens[token as usize];
        let name = t.text.as_bytes();
        let brand = &self.brands[t.brand as usize].name;
        let long = name.len() >= MIN_TWO_EDIT_LEN;
        let likely = if long {
            70
        } else if name.len() >= 6 {
            60
        } else {
            50
        };
        if let Some(edit) = typo::single_edit(cand, name) {
            let ch = |b: u8| char::from(b);
            let (code, points, how) = match (typo::slip(edit), edit) {
                (Slip::Omission, typo::Edit::Omission { missing }) => (
                    Code::Omission,
                    likely,
                    format!("'{}' left out", ch(missing)),
                ),
                (Slip::Repetition, typo::Edit::Insertion { extra, .. }) => {
                    (Code::Repetition, likely, format!("'{}' doubled", ch(extra)))
                }
                (Slip::Transposition, typo::Edit::Transposition { first, second }) => (
                    Code::Transposition,
                    likely,
                    format!("'{}{}' swapped", ch(first), ch(second)),
                ),
                (Slip::KeyboardTypo, typo::Edit::Substitution { intended, typed }) => (
                    Code::KeyboardTypo,
                    likely,
                    format!(
                        "'{}' typed for '{}', its neighbour on the keyboard",
                        ch(typed),
                        ch(intended)
                    ),
                ),
                (Slip::KeyboardTypo, typo::Edit::Insertion { extra, .. }) => (
                    Code::KeyboardTypo,
                    likely,
                    format!("'{}' typed beside its neighbour on the keyboard", ch(extra)),
                ),
                (Slip::Bitsquat, typo::Edit::Substitution { intended, typed }) => (
                    Code::Bitsquat,
                    likely,
                    format!("'{}' for '{}', one bit apart", ch(typed), ch(intended)),
                ),
                (Slip::VowelSwap, typo::Edit::Substitution { intended, typed }) => (
                    Code::VowelSwap,
                    likely,
                    format!("vowel '{}' for '{}'", ch(typed), ch(intended)),
                ),
                _ => (Code::EditDistance, likely - 10, "one edit away".to_string()),
            };
            let c = String::from_utf8_lossy(cand);
            return Some(Hit {
                token,
                code,
                points,
                detail: format!("'{c}' is '{}' ({brand}) with {how}", t.text),
                start,
                end,
            });
        }
        if !long {
            return None;
        }
        // Two edits, at least one of them a likely slip.
        typo::distance(cand, name, 2)?;
        let cost = typo::weighted_distance(cand, name, 3)?;
        let points = if cost <= 2 { 55 } else { 45 };
        let c = String::from_utf8_lossy(cand);
        Some(Hit {
            token,
            code: Code::EditDistance,
            points,
            detail: format!(
                "'{c}' is two edits from '{}' ({brand}), keyboard-weighted cost {cost}",
                t.text
            ),
            start,
            end,
        })
    }

    /// A brand in the subdomain of someone else's domain (`paypal.com.account-verify.top`), or
    /// split across the last dot (`micro.soft.com`).
    fn subdomain_hits(&self, site: &Site, hits: &mut Vec<Hit>) {
        let last = site.sub.rsplit('.').next().unwrap_or(site.sub);
        if last.len() + site.label.len() < 64 {
            let mut joined = [0u8; 64];
            joined[..last.len()].copy_from_slice(last.as_bytes());
            joined[last.len()..last.len() + site.label.len()]
                .copy_from_slice(site.label.as_bytes());
            let joined = &joined[..last.len() + site.label.len()];
            if let Some(list) = self.typo_by_len.get(joined.len()) {
                for &token in list {
                    let t = &self.tokens[token as usize];
                    if t.text.as_bytes() == joined {
                        let brand = &self.brands[t.brand as usize].name;
                        hits.push(Hit {
                            token,
                            code: Code::BrandInSubdomain,
                            points: 70,
                            detail: format!(
                                "'{last}.{}' reads as '{}' ({brand}) split by a dot",
                                site.label, t.text
                            ),
                            start: 0,
                            end: 0,
                        });
                    }
                }
            }
        }
        let mut found: Option<u16> = None;
        let sub = site.sub.as_bytes();
        for m in self.names.find_overlapping_iter(sub) {
            let token = m.pattern().as_usize() as u16;
            let t = &self.tokens[token as usize];
            let (start, end) = (m.start(), m.end());
            let edge = |b: Option<&u8>| matches!(b, None | Some(b'.' | b'-'));
            let whole_part =
                edge(start.checked_sub(1).and_then(|i| sub.get(i))) && edge(sub.get(end));
            // Long names anywhere in a label; short ones only as a label or part of their own.
            if end - start >= MIN_TYPO_LEN || (t.strong() && whole_part) {
                found = Some(token);
                break;
            }
        }
        let Some(token) = found else {
            return;
        };
        let t = &self.tokens[token as usize];
        let entry = &self.brands[t.brand as usize];
        let imitated = entry.domains.iter().find(|d| {
            let mut dashed = [0u8; 256];
            let d_bytes = d.as_bytes();
            dashed[..d_bytes.len().min(256)]
                .iter_mut()
                .zip(d_bytes)
                .for_each(|(o, &b)| *o = if b == b'.' { b'-' } else { b });
            let dashed = std::str::from_utf8(&dashed[..d_bytes.len().min(256)]).unwrap_or("");
            site.name
                .match_indices(d.as_str())
                .chain(site.name.match_indices(dashed))
                .any(|(i, m)| {
                    matches!(site.name.as_bytes().get(i + m.len()), Some(b'.' | b'-'))
                        && (i == 0 || site.name.as_bytes()[i - 1] == b'.')
                })
        });
        let (points, detail) = match imitated {
            Some(d) => (
                60,
                format!(
                    "the subdomain imitates {d} ({}) on someone else's domain",
                    entry.name
                ),
            ),
            None => (
                45,
                format!(
                    "'{}' ({}) in a subdomain of someone else's domain",
                    t.text, entry.name
                ),
            ),
        };
        hits.push(Hit {
            token,
            code: Code::BrandInSubdomain,
            points,
            detail,
            start: 0,
            end: 0,
        });
    }

    /// The reasons and points of a brand hit: the technique, then the support words, letters
    /// left unexplained, TLD, hosting and scripts around it.
    fn brand_reasons(
        &self,
        hit: &Hit,
        text: &str,
        seg: &Segmentation,
        site: &Site,
        mixed: Option<&str>,
    ) -> (i16, Vec<Reason>) {
        let t = &self.tokens[hit.token as usize];
        let mut reasons = vec![Reason {
            code: hit.code,
            points: hit.points,
            detail: hit.detail.clone(),
        }];
        let mut points = hit.points;
        // The label with the brand written right, read again, for what surrounds the brand.
        let in_label = hit.end > hit.start;
        let exact = in_label && text.get(hit.start..hit.end) == Some(&*t.text);
        let fixed_seg;
        let seg = if exact || !in_label {
            seg
        } else {
            let mut fixed = Vec::with_capacity(text.len() + t.text.len());
            fixed.extend_from_slice(&text.as_bytes()[..hit.start]);
            fixed.extend_from_slice(t.text.as_bytes());
            fixed.extend_from_slice(&text.as_bytes()[hit.end..]);
            fixed_seg = segment(&self.vocab, &fixed);
            let u = fixed_seg.unknown;
            if u > 0 {
                let p = if u <= 3 { -5 } else { -15 };
                points += p;
                reasons.push(Reason {
                    code: Code::OtherLetters,
                    points: p,
                    detail: format!("{u} other letters besides the brand"),
                });
            }
            &fixed_seg
        };
        // Support words in the label, or in the subdomain for a brand found there.
        let mut words: Vec<&'static str> = Vec::new();
        collect_support(seg, &mut words);
        if !in_label {
            for label in site.sub.split('.') {
                collect_support(&segment(&self.vocab, label.as_bytes()), &mut words);
            }
        }
        if let Some(&(_, i)) = self.tld_words.get(site.tld)
            && !words.contains(&vocab::SUPPORT[i as usize].0)
        {
            words.push(vocab::SUPPORT[i as usize].0);
        }
        let mut context = Vec::new();
        let mut context_points = 0;
        if let Some(hosting) = site.hosting {
            context_points += 10;
            context.push(Reason {
                code: Code::FreeHosting,
                points: 10,
                detail: format!("on {hosting}, where anyone can get a name"),
            });
        }
        if self.abused.contains(site.tld) {
            context_points += 10;
            context.push(abused_reason(site.tld, 10));
        }
        if vocab::ROUND_THE_CLOCK
            .iter()
            .any(|p| site.label.contains(p))
        {
            context_points += 5;
            context.push(Reason {
                code: Code::RoundTheClock,
                points: 5,
                detail: "a number that promises help at any hour".into(),
            });
        }
        if let Some(names) = mixed {
            context_points += 5;
            context.push(Reason {
                code: Code::MixedScript,
                points: 5,
                detail: format!("the label mixes {names} letters"),
            });
        }
        if !words.is_empty() {
            // Support words make a brand hit at least as strong as the name would be as a
            // fake-support name.
            let mut scratch = Vec::new();
            let fake = self.support_reasons(seg, text, site, &mut scratch);
            let p = 20.max(fake - points - context_points);
            points += p;
            reasons.push(Reason {
                code: Code::BrandSupport,
                points: p,
                detail: format!(
                    "'{}' ({}) with support words: {}",
                    t.text,
                    self.brands[t.brand as usize].name,
                    words.join(", ")
                ),
            });
        }
        points += context_points;
        reasons.extend(context);
        (points, reasons)
    }

    /// The fake-support reasons of a label (appended to `out`) and their points; 0 and nothing
    /// appended when no support word of weight 20 or more is there.
    fn support_reasons(
        &self,
        seg: &Segmentation,
        text: &str,
        site: &Site,
        out: &mut Vec<Reason>,
    ) -> i16 {
        let misspelled = misspelling_in(seg, text);
        let mut best = 0u8;
        let mut seen = [0u16; 8];
        let mut n_seen = 0;
        let mut strong = 0;
        let mut note = |weight: u8, index: u16| {
            if seen[..n_seen].contains(&index) || n_seen == seen.len() {
                return;
            }
            seen[n_seen] = index;
            n_seen += 1;
            if weight >= 25 {
                strong += 1;
            }
            best = best.max(weight);
        };
        for s in seg.segs() {
            if let Piece::Word(Word::Support { weight, index }) = s.piece {
                note(weight, index);
            }
        }
        if let Some(&(weight, index)) = self.tld_words.get(site.tld) {
            note(weight, index);
        }
        if let Some((_, index, _)) = misspelled {
            note(vocab::SUPPORT[index as usize].1, index);
        }
        let second = strong >= 2;
        if best < 20 {
            return 0;
        }
        let words: Vec<String> = seen[..n_seen]
            .iter()
            .map(|&i| {
                let (w, _, lang) = vocab::SUPPORT[i as usize];
                match misspelled {
                    Some((letters, m, _)) if m == i => format!("{w} ({lang}, written '{letters}')"),
                    _ => format!("{w} ({lang})"),
                }
            })
            .collect();
        let mut points = best as i16;
        out.push(Reason {
            code: Code::SupportWords,
            points: best as i16,
            detail: format!("support vocabulary: {}", words.join(", ")),
        });
        if second {
            points += 10;
            out.push(Reason {
                code: Code::SupportWords,
                points: 10,
                detail: "more than one strong support word".into(),
            });
        }
        // The letters read as a misspelling are explained now (less the one borrowed from the
        // word before them).
        let unknown =
            seg.unknown - misspelled.map_or(0, |(letters, _, borrowed)| letters.len() - borrowed);
        let structured = if unknown == 0 {
            points += 10;
            out.push(Reason {
                code: Code::WholeName,
                points: 10,
                detail: "every part of the label is support vocabulary, common words or digits"
                    .into(),
            });
            true
        } else if seg.few_stray_letters() {
            points += 5;
            let mut stray = String::new();
            for s in seg.segs().iter().filter(|s| s.piece == Piece::Unknown) {
                stray.push_str(text.get(s.start as usize..s.end as usize).unwrap_or(""));
            }
            out.push(Reason {
                code: Code::StrayLetters,
                points: 5,
                detail: format!("only '{stray}' besides the vocabulary"),
            });
            true
        } else {
            if unknown > 3 {
                points -= 15;
                out.push(Reason {
                    code: Code::Incidental,
                    points: -15,
                    detail: format!("{unknown} other letters: the support word may be incidental"),
                });
            }
            false
        };
        if self.abused.contains(site.tld) {
            let p = if structured { 25 } else { 10 };
            points += p;
            out.push(abused_reason(site.tld, p));
        }
        if let Some(hosting) = site.hosting {
            let p = if structured { 15 } else { 5 };
            points += p;
            out.push(Reason {
                code: Code::FreeHosting,
                points: p,
                detail: format!("on {hosting}, where anyone can get a name"),
            });
        }
        if let Some(p) = vocab::ROUND_THE_CLOCK.iter().find(|p| text.contains(*p)) {
            points += 10;
            out.push(Reason {
                code: Code::RoundTheClock,
                points: 10,
                detail: format!("'{p}' promises help at any hour"),
            });
        } else if structured {
            let segs = seg.segs();
            let numbered = [segs.first(), segs.last()].into_iter().flatten().find(|s| {
                s.piece == Piece::Digits && (1..=4).contains(&(s.end - s.start)) && segs.len() > 1
            });
            if let Some(s) = numbered {
                points += 5;
                out.push(Reason {
                    code: Code::Numbering,
                    points: 5,
                    detail: format!(
                        "numbered like one of a series: '{}'",
                        text.get(s.start as usize..s.end as usize).unwrap_or("")
                    ),
                });
            }
        }
        points
    }

    /// A throwaway name from a numbered series, on an abused TLD, for a label with no brand
    /// and no support word: a short word and a zero-padded serial (`win01`, `login08`,
    /// `backup-02`, `testapp101`), or a number alone (`9199`). Fake-support campaigns register
    /// their landing and redirect names in such series and burn through them; one ordinary
    /// business rarely names its site so on these TLDs.
    fn series_reasons(&self, text: &str, site: &Site) -> Option<Vec<Reason>> {
        if !self.abused.contains(site.tld) {
            return None;
        }
        let detail = match series_shape(text.as_bytes())? {
            Series::Number => {
                format!("nothing but a number ('{text}'), as in a numbered series of names")
            }
            Series::Serial(at) => format!(
                "a word and a serial number ('{}'), as in a numbered series of names",
                text.get(at..).unwrap_or("")
            ),
        };
        Some(vec![
            Reason {
                code: Code::Numbering,
                points: 25,
                detail,
            },
            abused_reason(site.tld, 25),
        ])
    }
}

/// Letters the vocabulary leaves unexplained beside a support word of weight 20 or more that
/// misspell a support word (`cancellationsupprts`), so that they are not incidental: the
/// letters as written, the word's index in `vocab::SUPPORT`, and how many of the letters the
/// split gave to the word before them (0 or 1).
fn misspelling_in<'t>(seg: &Segmentation, text: &'t str) -> Option<(&'t str, u16, usize)> {
    let segs = seg.segs();
    let beside_support = segs
        .iter()
        .any(|s| matches!(s.piece, Piece::Word(Word::Support { weight, .. }) if weight >= 20));
    if seg.unknown < MIN_MISSPELLED || !beside_support {
        return None;
    }
    segs.iter().enumerate().find_map(|(i, s)| {
        if s.piece != Piece::Unknown {
            return None;
        }
        let (start, end) = (s.start as usize, s.end as usize);
        let letters = text.get(start..end)?;
        if let Some(m) = misspelled_support(letters.as_bytes()) {
            return Some((letters, m, 0));
        }
        // The split may have given the word's first letter to the word before it
        // (`cancellations` + `upprts`).
        let before = i.checked_sub(1).map(|j| segs[j].piece);
        if matches!(before, Some(Piece::Word(_))) && start > 0 {
            let letters = text.get(start - 1..end)?;
            return misspelled_support(letters.as_bytes()).map(|m| (letters, m, 1));
        }
        None
    })
}

/// Unexplained letters shorter than this are never read as a misspelled support word.
const MIN_MISSPELLED: usize = 5;

/// The support word (its index in `vocab::SUPPORT`) that `letters` misspells by one edit (a
/// letter left out, added, replaced or two swapped), plural forms included: only strong
/// words of six letters or more, where one edit rarely lands on another word.
fn misspelled_support(letters: &[u8]) -> Option<u16> {
    if letters.len() < MIN_MISSPELLED || !letters.is_ascii() {
        return None;
    }
    let singular = letters.strip_suffix(b"s");
    vocab::SUPPORT
        .iter()
        .position(|&(word, weight, _)| {
            let word = word.as_bytes();
            weight >= 30
                && word.len() >= 6
                && word.is_ascii()
                && (typo::single_edit(letters, word).is_some()
                    || singular.is_some_and(|s| typo::single_edit(s, word).is_some()))
        })
        .map(|i| i as u16)
}

/// The shapes of a series name that [`series_shape`] recognizes.
#[derive(Debug, PartialEq, Eq)]
enum Series {
    /// Three to six digits and nothing else.
    Number,
    /// Two to sixteen letters, an optional hyphen, then a serial number from this offset:
    /// `01`-`09`, `001`-`099` or `101`-`109` (a series counted from one or from 101).
    Serial(usize),
}

fn series_shape(label: &[u8]) -> Option<Series> {
    if (3..=6).contains(&label.len()) && label.iter().all(u8::is_ascii_digit) {
        return Some(Series::Number);
    }
    let letters = label.iter().take_while(|b| b.is_ascii_lowercase()).count();
    if !(2..=16).contains(&letters) {
        return None;
    }
    let rest = &label[letters..];
    let (at, serial) = match rest.strip_prefix(b"-") {
        Some(serial) => (letters + 1, serial),
        None => (letters, rest),
    };
    let serial_like = match serial {
        [b'0', d] => (b'1'..=b'9').contains(d),
        [b'0', d, e] => d.is_ascii_digit() && e.is_ascii_digit() && (*d, *e) != (b'0', b'0'),
        [b'1', b'0', d] => (b'1'..=b'9').contains(d),
        _ => false,
    };
    serial_like.then_some(Series::Serial(at))
}

/// Whether everything in the label besides `start..end` is digits (and hyphens).
fn only_digits_besides(seg: &Segmentation, start: usize, end: usize) -> bool {
    let mut digits = false;
    for s in seg.segs() {
        let inside = s.start as usize >= start && s.end as usize <= end;
        match s.piece {
            _ if inside => {}
            Piece::Digits => digits = true,
            Piece::Separator => {}
            _ => return false,
        }
    }
    digits
}

fn collect_support(seg: &Segmentation, words: &mut Vec<&'static str>) {
    for s in seg.segs() {
        if let Piece::Word(Word::Support { weight, index }) = s.piece {
            let w = vocab::SUPPORT[index as usize].0;
            if weight >= 20 && !words.contains(&w) {
                words.push(w);
            }
        }
    }
}

fn abused_reason(tld: &str, points: i16) -> Reason {
    Reason {
        code: Code::AbusedTld,
        points,
        detail: format!("'.{tld}' is a top-level domain often abused by scam sites"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;
    use crate::Brands;

    static WATCHER: LazyLock<Watcher> = LazyLock::new(|| Watcher::new(&Brands::builtin()));

    fn score(name: &str) -> Score {
        WATCHER
            .score(name)
            .unwrap_or_else(|| panic!("{name}: {:?}", WATCHER.assess(name)))
    }

    fn codes(s: &Score) -> Vec<&'static str> {
        s.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    /// The name is flagged (at the default threshold) for `brand`, its first reason `code`.
    #[track_caller]
    fn lookalike(name: &str, brand: &str, code: &str) -> Score {
        let s = score(name);
        assert_eq!(s.family, Family::Lookalike, "{name}: {s:?}");
        assert_eq!(s.brand.as_deref(), Some(brand), "{name}: {s:?}");
        assert_eq!(s.reasons[0].code.as_str(), code, "{name}: {s:?}");
        assert!(s.score >= crate::DEFAULT_MIN_SCORE, "{name}: {s:?}");
        s
    }

    #[track_caller]
    fn fake_support(name: &str) -> Score {
        let s = score(name);
        assert_eq!(s.family, Family::FakeSupport, "{name}: {s:?}");
        assert_eq!(s.brand, None);
        assert!(s.score >= crate::DEFAULT_MIN_SCORE, "{name}: {s:?}");
        s
    }

    #[track_caller]
    fn not_flagged(name: &str) {
        if let Some(s) = WATCHER.score(name) {
            assert!(s.score < crate::DEFAULT_MIN_SCORE, "{name}: {s:?}");
        }
    }

    #[test]
    fn unicode_confusables_read_as_the_brand() {
        // Cyrillic 'о' among Latin letters.
        let s = lookalike("micrоsoft.com", "Microsoft", "confusable");
        assert!(codes(&s).contains(&"mixed_script"), "{s:?}");
        assert_eq!(s.domain, "xn--micrsoft-qbh.com");
        assert_eq!(s.unicode.as_deref(), Some("micrоsoft.com"));
        // Latin letters with hooks and small capitals, which UTS #39 keeps apart.
        lookalike("ᴍicɾosøft.com", "Microsoft", "confusable");
        // Diacritics.
        lookalike("pàypal.com", "PayPal", "confusable");
    }

    #[test]
    fn whole_script_homographs_are_named() {
        let s = lookalike("xn--80ak6aa92e.com", "Apple", "homograph");
        assert!(s.reasons[0].detail.contains("Cyrillic"), "{s:?}");
    }

    #[test]
    fn mixed_scripts_without_a_brand_score_low() {
        let s = score("hеllo.com");
        assert_eq!(codes(&s), ["mixed_script"]);
        assert!(s.score < crate::DEFAULT_MIN_SCORE);
    }

    #[test]
    fn ascii_lookalikes_read_as_the_brand() {
        let s = lookalike("rnicrosoft.com", "Microsoft", "ascii_lookalike");
        assert!(s.reasons[0].detail.contains("'rn' for 'm'"), "{s:?}");
        lookalike("paypa1.com", "PayPal", "ascii_lookalike");
        lookalike("g00gle.com", "Google", "ascii_lookalike");
        lookalike("vvalmart.com", "Walmart", "ascii_lookalike");
        lookalike("c0inbase.com", "Coinbase", "ascii_lookalike");
        lookalike("cloudflare-netfiix.com", "Netflix", "ascii_lookalike");
    }

    #[test]
    fn hyphens_cutting_a_brand() {
        lookalike("micro-soft.com", "Microsoft", "hyphenation");
    }

    #[test]
    fn typing_mistakes_are_named() {
        lookalike("nicrosoft.com", "Microsoft", "keyboard_typo");
        lookalike("microsofrt.com", "Microsoft", "keyboard_typo");
        lookalike("amazn.com", "Amazon", "omission");
        lookalike("gooogle.com", "Google", "repetition");
        lookalike("micorsoft.com", "Microsoft", "transposition");
        lookalike("netlfix.info", "Netflix", "transposition");
        lookalike("pcypal.com", "PayPal", "bitsquat");
        lookalike("paypel.com", "PayPal", "vowel_swap");
        lookalike("mic4osoft.com", "Microsoft", "keyboard_typo");
    }

    #[test]
    fn edit_distance_is_weighted_by_the_keyboard() {
        // One edit that is no likely slip: lower than a keyboard typo.
        let other = lookalike("nortxn.com", "Norton", "edit_distance");
        let slip = lookalike("nortun.com", "Norton", "vowel_swap");
        assert!(other.score < slip.score);
        // Two edits of a long name: two neighbouring keys score higher than two far ones.
        let near = lookalike("nicrosift.com", "Microsoft", "edit_distance");
        let slip_and_other = score("nicrosqft.com");
        assert_eq!(codes(&slip_and_other), ["edit_distance"]);
        assert!(
            near.score > slip_and_other.score,
            "{near:?} {slip_and_other:?}"
        );
        not_flagged("nicrosqft.com");
        // Two edits that are no likely slips: too far.
        assert!(WATCHER.score("xicrosqft.com").is_none());
    }

    #[test]
    fn the_brand_under_another_suffix() {
        let s = lookalike("paypal.xyz", "PayPal", "tld_swap");
        assert!(codes(&s).contains(&"abused_tld"));
        lookalike("microsoft.co", "Microsoft", "tld_swap");
        assert_eq!(
            WATCHER.assess("paypal.de"),
            Assessment::Own {
                brand: "PayPal".into()
            }
        );
    }

    #[test]
    fn the_brand_with_support_words() {
        let s = lookalike("microsoft-support-help.com", "Microsoft", "brand_name");
        assert!(codes(&s).contains(&"brand_support"), "{s:?}");
        let s = lookalike("amzsupport.live", "Amazon", "brand_name");
        assert_eq!(codes(&s), ["brand_name", "brand_support", "abused_tld"]);
        lookalike("helpnortn.us", "Norton", "omission");
        lookalike("mshelpcare.live", "Microsoft", "brand_name");
        lookalike("norton247.us", "Norton", "brand_name");
        lookalike("microsoft-com.info", "Microsoft", "brand_name");
    }

    #[test]
    fn the_brand_in_a_subdomain_of_another_domain() {
        let s = lookalike(
            "paypal.com.secure-login.info",
            "PayPal",
            "brand_in_subdomain",
        );
        assert!(s.reasons[0].detail.contains("imitates paypal.com"), "{s:?}");
        lookalike("micro.soft.com", "Microsoft", "brand_in_subdomain");
        lookalike(
            "www.microsoft.com-support.xyz",
            "Microsoft",
            "brand_in_subdomain",
        );
        // Alone in someone's subdomain, without support words: noted, not flagged.
        not_flagged("outlook.mail.example.com");
    }

    #[test]
    fn the_brand_on_free_hosting() {
        let s = lookalike("microsoft.azurewebsites.net", "Microsoft", "brand_name");
        assert!(codes(&s).contains(&"free_hosting"), "{s:?}");
        let s = lookalike("microsoft-help.weebly.com", "Microsoft", "brand_name");
        assert!(codes(&s).contains(&"free_hosting"), "{s:?}");
        let s = fake_support("helpdesk247.netlify.app");
        assert!(codes(&s).contains(&"free_hosting"), "{s:?}");
    }

    #[test]
    fn fake_support_names_without_a_brand() {
        // A TLD that is a strong support word counts as one; `.tech` does not.
        let s = fake_support("247us.support");
        assert!(s.reasons[0].detail.contains("support (en)"), "{s:?}");
        not_flagged("cloud.tech");
        let s = fake_support("247helppc.us");
        assert_eq!(
            codes(&s),
            [
                "support_words",
                "whole_name",
                "abused_tld",
                "round_the_clock"
            ]
        );
        fake_support("carehelp.live");
        fake_support("billingteam.cc");
        let s = fake_support("bhelp.cc");
        assert!(codes(&s).contains(&"stray_letters"), "{s:?}");
        let s = fake_support("help01.us");
        assert!(codes(&s).contains(&"numbering"), "{s:?}");
        fake_support("supports24x7.us");
        fake_support("refundteam.us");
        fake_support("cancel-subscription.online");
        // The intake languages.
        fake_support("hilfe-kundendienst.online");
        fake_support("soporte-tecnico.xyz");
        fake_support("assistance-depannage.site");
        fake_support("sapoto-senta.top");
        fake_support("pc-sapooto.info");
    }

    #[test]
    fn numbered_series_names_on_abused_tlds() {
        for name in [
            "win01.top",
            "login08.info",
            "backup-02.xyz",
            "custom003.top",
            "testapp101.xyz",
            "9199.us",
            "91158.xyz",
        ] {
            let s = fake_support(name);
            assert_eq!(codes(&s), ["numbering", "abused_tld"], "{name}: {s:?}");
            assert_eq!(s.score, 50, "{name}: {s:?}");
        }
        let s = score("win01.top");
        assert!(s.reasons[0].detail.contains("'01'"), "{s:?}");
        // Not on an abused TLD, not a serial, too short or too long: nothing to say.
        for name in [
            "win01.com",
            "9199.com",
            "web3.xyz",
            "covid19.top",
            "top10.xyz",
            "x01.top",
            "win00.top",
            "win110.top",
            "12.xyz",
            "1234567.xyz",
            "abcdefghijklmnopq01.xyz",
        ] {
            assert_eq!(WATCHER.assess(name), Assessment::Clean, "{name}");
        }
        // A support word or a brand takes precedence over the series shape.
        assert!(codes(&fake_support("help01.us")).contains(&"support_words"));
        assert_eq!(
            lookalike("microsoft01.xyz", "Microsoft", "brand_name").family,
            Family::Lookalike
        );
    }

    #[test]
    fn series_shapes() {
        assert_eq!(series_shape(b"9199"), Some(Series::Number));
        assert_eq!(series_shape(b"win01"), Some(Series::Serial(3)));
        assert_eq!(series_shape(b"win-01"), Some(Series::Serial(4)));
        assert_eq!(series_shape(b"melogin101"), Some(Series::Serial(7)));
        assert_eq!(series_shape(b"win099"), Some(Series::Serial(3)));
        for not in [
            &b"win1"[..],
            b"win10",
            b"win000",
            b"win100",
            b"win1001",
            b"w01",
            b"win--01",
            b"01win",
            b"win01a",
            b"99",
            b"",
        ] {
            assert_eq!(series_shape(not), None, "{}", String::from_utf8_lossy(not));
        }
    }

    #[test]
    fn misspelled_support_words_are_read() {
        let s = fake_support("cancellationsupprts.live");
        assert!(
            s.reasons[0]
                .detail
                .contains("support (en, written 'supprts')"),
            "{s:?}"
        );
        assert!(codes(&s).contains(&"whole_name"), "{s:?}");
        assert!(!codes(&s).contains(&"incidental"), "{s:?}");
        fake_support("suportcare.us");
        fake_support("helprefnd.online");
        let index = |w: &str| vocab::SUPPORT.iter().position(|(s, _, _)| *s == w);
        assert_eq!(
            misspelled_support(b"suport").map(usize::from),
            index("support")
        );
        assert_eq!(
            misspelled_support(b"supoprt").map(usize::from),
            index("support")
        );
        assert_eq!(
            misspelled_support(b"refnds").map(usize::from),
            index("refund")
        );
        // Short words, other words, and two edits away are not misspellings.
        for not in [&b"sport"[..], b"report", b"suprt", b"care", b"xyzzyx"] {
            assert_eq!(
                misspelled_support(not),
                None,
                "{}",
                String::from_utf8_lossy(not)
            );
        }
        // Only beside a support word: alone, a misspelling is not read.
        assert_eq!(WATCHER.assess("suport.com"), Assessment::Clean);
    }

    #[test]
    fn support_words_inside_ordinary_words_do_not_count() {
        let s = score("techcrunch.com");
        assert!(codes(&s).contains(&"incidental"), "{s:?}");
        not_flagged("techcrunch.com");
        not_flagged("zendesk.com");
        not_flagged("careers.example.com");
        not_flagged("desktop-wallpapers.xyz");
        not_flagged("healthcare.gov");
        not_flagged("helpnetsecurity.com");
        not_flagged("support.example.com");
    }

    #[test]
    fn brands_own_domains_are_never_flagged() {
        for name in [
            "microsoft.com",
            "login.microsoftonline.com",
            "support.apple.com",
            "*.amazon.co.jp",
            "WWW.PAYPAL.COM.",
            "googleapis.com",
            "norton.com",
        ] {
            assert!(
                matches!(WATCHER.assess(name), Assessment::Own { .. }),
                "{name}: {:?}",
                WATCHER.assess(name)
            );
        }
        // Under a brand's domain that is also a shared suffix, a name is its tenant's, not the
        // brand's: scored like any other.
        not_flagged("storage.googleapis.com");
        // A subdomain of a brand's domain on shared hosting is its tenant's, not the brand's.
        assert!(WATCHER.score("microsoft-refund.blogspot.com").is_some());
    }

    #[test]
    fn ordinary_names_and_non_names() {
        assert_eq!(WATCHER.assess("example.com"), Assessment::Clean);
        assert_eq!(WATCHER.assess("www.wikipedia.org"), Assessment::Clean);
        assert_eq!(WATCHER.assess("github.io"), Assessment::NotADomain);
        assert_eq!(WATCHER.assess("localhost"), Assessment::NotADomain);
        assert_eq!(WATCHER.assess(""), Assessment::NotADomain);
        assert_eq!(WATCHER.assess("bad name.com"), Assessment::NotADomain);
        not_flagged("nortonhealthcare.org");
        not_flagged("applebees.com");
        not_flagged("purchase.xyz");
    }

    #[test]
    fn a_score_is_the_sum_of_its_reasons() {
        for name in [
            "rnicrosoft-support.live",
            "247helppc.us",
            "mshelpcare.live",
            "paypal.com.secure-login.info",
            "techcrunch.com",
            "micrоsoft.com",
            "helpdesk247.netlify.app",
        ] {
            let s = score(name);
            let sum: i16 = s.reasons.iter().map(|r| r.points).sum();
            assert_eq!(i16::from(s.score), sum.clamp(0, 100), "{name}: {s:?}");
            assert!(s.reasons.iter().all(|r| !r.detail.is_empty()));
        }
    }

    #[test]
    fn a_brands_file_of_ones_own() {
        let brands = Brands::from_toml(
            "[[brand]]\nname = \"Contoso Bank\"\ndomains = [\"contoso.example\"]\nkeywords = [\"ctso\"]\n",
        )
        .unwrap();
        let w = Watcher::new(&brands);
        assert_eq!(w.brand_count(), 1);
        let s = w.score("contosobnk-help.live").unwrap();
        assert_eq!(s.brand.as_deref(), Some("Contoso Bank"));
        assert_eq!(s.reasons[0].code, Code::Omission);
        assert!(
            w.score("ctso-support.xyz")
                .is_some_and(|s| s.brand.is_some())
        );
        assert!(w.score("www.contoso.example").is_none());
        // Without the builtin brands, Microsoft is nobody's.
        assert!(w.score("rnicrosoft.com").is_none());
    }

    #[test]
    fn one_watcher_serves_many_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Watcher>();
    }

    #[test]
    fn hostile_input_is_refused_quickly() {
        let long = "a".repeat(1 << 20);
        assert_eq!(WATCHER.assess(&long), Assessment::NotADomain);
        let labels = ["ab"; 90].join(".");
        assert_eq!(WATCHER.assess(&labels), Assessment::NotADomain);
        assert_eq!(WATCHER.assess("\0\u{202e}.com"), Assessment::NotADomain);
        let max_label = format!("{}.com", "rn".repeat(31));
        let _ = WATCHER.assess(&max_label);
        let idn = format!("{}.com", "ꙮ".repeat(20));
        let _ = WATCHER.assess(&idn);
    }

    proptest::proptest! {
        #[test]
        fn scoring_never_panics(name in "\\PC{0,300}") {
            let _ = WATCHER.assess(&name);
        }

        #[test]
        fn scoring_domain_shaped_input_never_panics(
            name in "[a-zA-Z0-9Ꙁаеорсхѕ1l0_-]{1,70}(\\.[a-z0-9-]{1,20}){0,3}\\.(com|live|xyz|co\\.uk|azurewebsites\\.net|weebly\\.com)\\.?"
        ) {
            if let Assessment::Scored(s) = WATCHER.assess(&name) {
                let sum: i16 = s.reasons.iter().map(|r| r.points).sum();
                proptest::prop_assert_eq!(i16::from(s.score), sum.clamp(0, 100));
            }
        }
    }
}
