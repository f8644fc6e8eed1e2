//! Phone numbers in victims' reports: finding them in free text and normalizing them to E.164.
//!
//! Reports link together when they share a scammer's callback number, so every way a victim
//! writes that number (full-width digits, `1-8OO-…`, vanity letters, odd spacing) has to collapse
//! to the same E.164 string, and the look-alikes that fill scam narratives (order numbers,
//! remote-desktop IDs, dates, amounts) must not become indicators. libphonenumber
//! (`rlibphonenumber`) parses and validates; this module owns what it does not know: the
//! normalization in front of it, vanity numbers, a linear-time candidate scan (its own matcher is
//! linear but takes seconds per megabyte of digits), and the decoy filter behind it.
//!
//! Every span refers to the caller's original text: normalization maps each input character to
//! exactly one output character and keeps the input offset of each, so a match found in the
//! normalized text maps back without searching.

use std::ops::Range;

use rlibphonenumber::phonenumber_matcher::{FindNumberExt, Leniency};
use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumber, PhoneNumberFormat, PhoneNumberType, Region};

/// What kind of line a number is, as libphonenumber's metadata says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberType {
    TollFree,
    Mobile,
    FixedLine,
    FixedLineOrMobile,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    Unknown,
}

impl NumberType {
    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::TollFree => "toll_free",
            NumberType::Mobile => "mobile",
            NumberType::FixedLine => "fixed_line",
            NumberType::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberType::PremiumRate => "premium_rate",
            NumberType::SharedCost => "shared_cost",
            NumberType::Voip => "voip",
            NumberType::PersonalNumber => "personal_number",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown",
        }
    }
}

impl From<PhoneNumberType> for NumberType {
    fn from(t: PhoneNumberType) -> Self {
        match t {
            PhoneNumberType::FixedLine => NumberType::FixedLine,
            PhoneNumberType::Mobile => NumberType::Mobile,
            PhoneNumberType::FixedLineOrMobile => NumberType::FixedLineOrMobile,
            PhoneNumberType::TollFree => NumberType::TollFree,
            PhoneNumberType::PremiumRate => NumberType::PremiumRate,
            PhoneNumberType::SharedCost => NumberType::SharedCost,
            PhoneNumberType::VoIP => NumberType::Voip,
            PhoneNumberType::PersonalNumber => NumberType::PersonalNumber,
            PhoneNumberType::Pager => NumberType::Pager,
            PhoneNumberType::UAN => NumberType::Uan,
            PhoneNumberType::VoiceMail => NumberType::Voicemail,
            PhoneNumberType::Unknown => NumberType::Unknown,
        }
    }
}

/// One phone number, normalized, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneMatch {
    /// Byte span in the input text (for `parse_phone`: of the trimmed input within the given string).
    pub start: usize,
    pub end: usize,
    /// `+18885550142`
    pub e164: String,
    /// `+1 888-555-0142` (libphonenumber INTERNATIONAL format)
    pub international: String,
    /// Region of the number itself (not the default region); `None` for non-geographic numbers
    /// such as `+800` international freephone.
    pub region: Option<String>,
    pub number_type: NumberType,
    /// libphonenumber `is_valid_number`
    pub valid: bool,
    /// 0..=1
    pub confidence: f32,
}

/// A structured field holding one number (e.g. a victim typed it into "phone numbers they used").
/// Lenient: accepts anything libphonenumber parses as a possible number with `default_region`
/// (ISO 3166 alpha-2 of the victim, e.g. "US", "JP", "DE") after normalization; returns None for text
/// that is not a phone number.
pub fn parse_phone(text: &str, default_region: &str) -> Option<PhoneMatch> {
    let trimmed = text.trim();
    // libphonenumber refuses longer input itself; stopping here keeps the work bounded.
    if trimmed.is_empty() || trimmed.len() > MAX_FIELD_BYTES {
        return None;
    }
    let offset = text.len() - text.trim_start().len();
    let span = offset..offset + trimmed.len();
    let region = parse_region(default_region);
    let norm = Normalized::new(trimmed);
    if looks_like_non_phone(norm.text.trim()) {
        return None;
    }
    let mut budget = Budget::for_len(trimmed.len());

    let vanity = find_vanity(&norm.text, region, &mut budget);
    if let Some(v) = vanity.first() {
        return Some(to_match(&v.number, span, VANITY_CONFIDENCE));
    }
    let direct = PHONE_NUMBER_UTIL.parse(&norm.text, region).ok();
    if let Some(number) = &direct
        && number.is_valid()
    {
        // libphonenumber converts letters itself when it sees enough of them.
        let number_part = norm
            .text
            .find(|c: char| c.is_ascii_digit() || c == '+')
            .map_or("", |at| &norm.text[at..]);
        let confidence = if PHONE_NUMBER_UTIL.is_alpha_number(number_part) {
            VANITY_CONFIDENCE
        } else {
            FIELD_CONFIDENCE
        };
        return Some(to_match(number, span, confidence));
    }
    // A valid number with words around it ("1-888-555-0142 Microsoft") beats an invalid
    // reading of the whole field.
    if let Some(c) = scan_runs(&norm.text, region, &mut budget).first() {
        return Some(to_match(&c.number, span, EMBEDDED_FIELD_CONFIDENCE));
    }
    // An invalid number still links reports by its digits, so a short one ("12" is a
    // possible German number) would link unrelated reports.
    direct
        .filter(|n| {
            PHONE_NUMBER_UTIL.is_possible_number(n)
                && n.get_national_significant_number().len() >= MIN_DIGITS
        })
        .map(|n| to_match(&n, span, INVALID_CONFIDENCE))
}

/// Free text (a victim's narrative in English, Japanese, German, Spanish or French): every phone
/// number in it, in order, without overlaps.
pub fn find_phones(text: &str, default_region: &str) -> Vec<PhoneMatch> {
    if text.is_empty() {
        return Vec::new();
    }
    let region = parse_region(default_region);
    let norm = Normalized::new(text);
    let mut budget = Budget::for_len(text.len());
    let vanity = find_vanity(&norm.text, region, &mut budget);
    let plain = scan_runs(&norm.text, region, &mut budget);

    // Where both readings claim the same characters the plain one wins: letters after a valid
    // number are far more often the next word than part of the number.
    let mut all: Vec<Candidate> = vanity
        .into_iter()
        .filter(|v| {
            !overlaps_any(&plain, &v.span)
                && (norm.text.as_bytes().get(v.span.start) == Some(&b'+')
                    || !label_attached(&norm.text, v.span.start))
        })
        .collect();
    all.extend(plain);
    all.sort_by_key(|c| c.span.start);
    all.iter()
        .map(|c| {
            let confidence = confidence(&norm.text, c);
            to_match(&c.number, norm.original_span(&c.span), confidence)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tuning. Confidence is a ranking hint for analysts, not a probability.

const MAX_FIELD_BYTES: usize = 250;
/// A phone number as people write it fits in this many bytes ("+49 (0) 30 123 456 78" is 22).
const MAX_WINDOW_BYTES: usize = 36;
const MAX_WINDOW_TOKENS: usize = 8;
/// Runs of digits and separators longer than this are tables or junk: only single tokens are
/// tried there, so a megabyte of "11 11 11 …" costs one pass instead of eight parses per token.
const LONG_RUN_BYTES: usize = 128;
const MIN_DIGITS: usize = 6;
const MAX_DIGITS: usize = 18;
/// Budget units for formatting and classifying a found number, which costs about as much as
/// a few parses; without it a megabyte of back-to-back valid numbers takes most of a second.
const EMIT_COST: usize = 4;
/// How far back a label ("order", "注文番号") or cue ("call", "電話") is looked for.
const CONTEXT_BEFORE_BYTES: usize = 80;
/// Japanese and German put the verb after the number ("…に電話", "… anrufen").
const CONTEXT_AFTER_BYTES: usize = 24;

const FIELD_CONFIDENCE: f32 = 0.95;
const EMBEDDED_FIELD_CONFIDENCE: f32 = 0.8;
const INVALID_CONFIDENCE: f32 = 0.2;
const VANITY_CONFIDENCE: f32 = 0.7;
const BASE_CONFIDENCE: f32 = 0.8;
const CUE_BOOST: f32 = 0.15;
const INTERNATIONAL_BOOST: f32 = 0.05;
const BARE_BLOCK_PENALTY: f32 = 0.1;

fn parse_region(code: &str) -> Option<Region> {
    let region = Region::from_code(code.trim()).ok()?;
    PHONE_NUMBER_UTIL
        .get_country_code_for_region(region)
        .map(|_| region)
}

fn is_nanp(region: Option<Region>) -> bool {
    region.is_some_and(|r| PHONE_NUMBER_UTIL.get_country_code_for_region(r) == Some(1))
}

fn to_match(number: &PhoneNumber, span: Range<usize>, confidence: f32) -> PhoneMatch {
    PhoneMatch {
        start: span.start,
        end: span.end,
        e164: number.format_as(PhoneNumberFormat::E164).into_owned(),
        international: number
            .format_as(PhoneNumberFormat::International)
            .into_owned(),
        region: number
            .get_region_code()
            .filter(|r| *r != Region::World)
            .map(|r| r.to_string()),
        number_type: number.get_type().into(),
        valid: number.is_valid(),
        confidence: confidence.clamp(0.0, 1.0),
    }
}

/// Caps libphonenumber calls at a fixed share of the input length, like libphonenumber's own
/// `max_tries`: text built to be dense with near-numbers stops being scanned instead of
/// becoming slow.
struct Budget(usize);

impl Budget {
    fn for_len(len: usize) -> Self {
        Budget(256 + len / 8)
    }

    fn take(&mut self, n: usize) -> bool {
        if self.0 < n {
            self.0 = 0;
            return false;
        }
        self.0 -= n;
        true
    }

    fn is_spent(&self) -> bool {
        self.0 == 0
    }
}

struct Candidate {
    /// Span in the normalized text.
    span: Range<usize>,
    number: PhoneNumber,
    vanity: bool,
}

// ---------------------------------------------------------------------------------------------
// Normalization

/// The input with look-alike characters folded to ASCII, one output char per input char.
struct Normalized {
    text: String,
    /// For each byte of `text`, the input offset of the char it came from; one extra entry holds
    /// the input length, so a span's end maps through the start of the char after it.
    origin: Vec<usize>,
}

impl Normalized {
    fn new(input: &str) -> Self {
        let mut text = String::with_capacity(input.len());
        let mut origin = Vec::with_capacity(input.len() + 1);
        let mut prev: Option<char> = None;
        let mut chars = input.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let folded = fold_char(c, prev, next);
            text.push(folded);
            origin.resize(text.len(), at);
            prev = Some(c);
        }
        origin.push(input.len());

        let mut bytes = text.into_bytes();
        letters_as_digits(&mut bytes);
        // Only ASCII bytes were swapped for ASCII bytes, so this cannot fail; the fallback keeps
        // the promise never to panic without an unwrap.
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if text.len() + 1 != origin.len() {
            return Self::identity(input);
        }
        Normalized { text, origin }
    }

    fn identity(input: &str) -> Self {
        Normalized {
            text: input.to_owned(),
            origin: (0..=input.len()).collect(),
        }
    }

    fn original_span(&self, span: &Range<usize>) -> Range<usize> {
        let start = self.origin.get(span.start).copied().unwrap_or(0);
        let end = self.origin.get(span.end).copied().unwrap_or(start);
        start..end.max(start)
    }
}

fn is_any_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// Full-width forms and the many dashes Japanese and word-processed text uses, as ASCII.
fn fold_char(c: char, prev: Option<char>, next: Option<char>) -> char {
    match c {
        // Full-width ASCII: digits, "＋（）－．／", and letters ("８ＯＯ", "ＩＤ").
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        // The long vowel mark is a dash only between digits; in katakana words it is a letter
        // ("フリーダイヤル" must stay a word to be recognised as a cue).
        '\u{30FC}' | '\u{FF70}'
            if prev.is_some_and(is_any_digit) || next.is_some_and(is_any_digit) =>
        {
            '-'
        }
        '\u{3000}' | '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' => ' ',
        _ => c,
    }
}

fn char_before(b: &[u8], i: usize) -> Option<char> {
    let mut k = i.min(b.len());
    let stop = k.saturating_sub(4);
    while k > stop {
        k -= 1;
        if b[k] & 0xC0 != 0x80 {
            return std::str::from_utf8(&b[k..i]).ok()?.chars().next();
        }
    }
    None
}

fn char_after(b: &[u8], i: usize) -> Option<char> {
    let end = (i + 4).min(b.len());
    let slice = b.get(i..end)?;
    match std::str::from_utf8(slice) {
        Ok(s) => s.chars().next(),
        Err(e) => std::str::from_utf8(&slice[..e.valid_up_to()])
            .ok()?
            .chars()
            .next(),
    }
}

/// `1-8OO-555-0142` → `1-800-555-0142`, `555-0l42` → `555-0142`.
///
/// O for zero is taken after a digit, in a run of digits and O's with no letter on either side,
/// so words ("FOOD", "GO") and names ("O2") are left alone. l and I are far more common as
/// letters, so they count as 1 only with a digit on both sides.
fn letters_as_digits(b: &mut [u8]) {
    let is_run = |c: u8| c.is_ascii_digit() || c == b'O' || c == b'o';
    let mut i = 0;
    while i < b.len() {
        if !is_run(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let (mut digit, mut letter) = (false, false);
        while i < b.len() && is_run(b[i]) {
            if b[i].is_ascii_digit() {
                digit = true;
            } else {
                letter = true;
            }
            i += 1;
        }
        let walled = |c: Option<char>| c.is_some_and(char::is_alphabetic);
        if digit && letter && !walled(char_before(b, start)) && !walled(char_after(b, i)) {
            let first_digit = b[start..i]
                .iter()
                .position(u8::is_ascii_digit)
                .map_or(i, |at| start + at);
            for c in &mut b[first_digit..i] {
                if *c == b'O' || *c == b'o' {
                    *c = b'0';
                }
            }
        }
    }
    for i in 1..b.len().saturating_sub(1) {
        if (b[i] == b'l' || b[i] == b'I') && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit()
        {
            b[i] = b'1';
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vanity numbers

/// National prefixes after which letters are a vanity number rather than a word.
const VANITY_NATIONAL_PREFIXES: &[&str] = &["0800", "0808", "0120", "1800", "1300"];
/// A vanity candidate never reaches further than this from its first character.
const MAX_VANITY_BYTES: usize = 40;
/// `1-800-MATTRESS` dials as `1-800-628-8737`: extra letters on the last word are ignored.
const MAX_VANITY_OVERFLOW: usize = 4;

fn keypad(c: u8) -> Option<u8> {
    let d = match c.to_ascii_uppercase() {
        b'A'..=b'C' => b'2',
        b'D'..=b'F' => b'3',
        b'G'..=b'I' => b'4',
        b'J'..=b'L' => b'5',
        b'M'..=b'O' => b'6',
        b'P'..=b'S' => b'7',
        b'T'..=b'V' => b'8',
        b'W'..=b'Z' => b'9',
        _ => return None,
    };
    Some(d)
}

fn find_vanity(text: &str, region: Option<Region>, budget: &mut Budget) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && !budget.is_spent() {
        if vanity_may_start(b, i)
            && let Some(found) = vanity_at(text, i, region, budget)
        {
            i = found.span.end;
            out.push(found);
            continue;
        }
        i += 1;
    }
    out
}

/// A vanity number starts where a number starts: not glued to a word, not inside another
/// number ("(866) 873-2811 The", "1 425 828 363"), not in an amount ("$860").
fn vanity_may_start(b: &[u8], i: usize) -> bool {
    let Some(&c) = b.get(i) else {
        return false;
    };
    if !(c == b'+' || c == b'(' || c.is_ascii_digit()) {
        return false;
    }
    if i == 0 {
        return true;
    }
    let prev = b[i - 1];
    if prev.is_ascii_alphanumeric() || prev == b'+' {
        return false;
    }
    let inside_number = matches!(prev, b' ' | b'-' | b'.')
        && i >= 2
        && (b[i - 2].is_ascii_digit() || b[i - 2] == b')');
    let mut k = i;
    while k > 0 && b[k - 1] == b' ' {
        k -= 1;
    }
    !inside_number && !char_before(b, k).is_some_and(is_money)
}

fn digits_at(b: &[u8], from: usize, limit: usize) -> usize {
    let mut i = from;
    while i < limit && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn seps_at(b: &[u8], from: usize, limit: usize, allowed: &[u8], max: usize) -> usize {
    let mut i = from;
    while i < limit && i - from < max && allowed.contains(&b[i]) {
        i += 1;
    }
    i
}

/// A NANP vanity number must come out at exactly this many digits; elsewhere the number's
/// validity in the region decides how many letter groups belong to it.
enum VanityTarget {
    Exact(usize),
    ValidInRegion,
}

fn vanity_at(
    text: &str,
    start: usize,
    region: Option<Region>,
    budget: &mut Budget,
) -> Option<Candidate> {
    let b = text.as_bytes();
    let limit = (start + MAX_VANITY_BYTES).min(b.len());
    let mut dialled = String::new();
    let mut p = start;
    let is_area_8xx = |g: &[u8]| g.len() == 3 && g[0] == b'8';
    const PREFIX_SEPS: &[u8] = b" -.()";

    let target = if b[p] == b'+' {
        // "+1 8xx" or "+18xx"
        p += 1;
        let q = digits_at(b, p, limit);
        let group = &b[p..q];
        if group == b"1" {
            let r = seps_at(b, q, limit, PREFIX_SEPS, 3);
            let s = digits_at(b, r, limit);
            if !is_area_8xx(&b[r..s]) {
                return None;
            }
            p = s;
        } else if group.len() == 4 && group.starts_with(b"18") {
            p = q;
        } else {
            return None;
        }
        dialled.push('+');
        VanityTarget::Exact(11)
    } else if b[p] == b'(' {
        // "(8xx) FIX-MYPC" is NANP only when the victim is in a NANP country.
        let q = digits_at(b, p + 1, limit);
        if !is_nanp(region) || !is_area_8xx(&b[p + 1..q]) || b.get(q) != Some(&b')') {
            return None;
        }
        p = q + 1;
        VanityTarget::Exact(10)
    } else {
        let q = digits_at(b, p, limit);
        let group = &b[p..q];
        if group == b"1" {
            let r = seps_at(b, q, limit, PREFIX_SEPS, 3);
            if r == q {
                return None;
            }
            let s = digits_at(b, r, limit);
            if !is_area_8xx(&b[r..s]) {
                return None;
            }
            p = s;
            VanityTarget::Exact(11)
        } else if VANITY_NATIONAL_PREFIXES
            .iter()
            .any(|x| x.as_bytes() == group)
        {
            p = q;
            VanityTarget::ValidInRegion
        } else if is_area_8xx(group) && is_nanp(region) {
            p = q;
            VanityTarget::Exact(10)
        } else {
            return None;
        }
    };
    // The prefix's own digits, whatever separators were between them.
    dialled.extend(
        b[start..p]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .map(|&c| char::from(c)),
    );

    let mut letters = false;
    let mut ends: Vec<(usize, String)> = Vec::new();
    for group_index in 0..6 {
        let seps: &[u8] = if group_index == 0 { b" -.)" } else { b" -." };
        let g_start = seps_at(b, p, limit, seps, 2);
        let sep = &b[p..g_start];
        // "…7963. Officer": a full stop with more after it ends the sentence, not a group.
        if sep.len() > 1 && sep.contains(&b'.') {
            break;
        }
        let mut g_end = g_start;
        while g_end < limit && b[g_end].is_ascii_alphanumeric() {
            g_end += 1;
        }
        if g_end == g_start || b.get(g_end).is_some_and(u8::is_ascii_alphanumeric) {
            break;
        }
        let group = &b[g_start..g_end];
        let group_letters: Vec<u8> = group
            .iter()
            .copied()
            .filter(u8::is_ascii_alphabetic)
            .collect();
        if !group_letters.is_empty()
            && !vanity_letters_ok(&group_letters, sep, !b[start..g_start].contains(&b' '))
        {
            break;
        }
        letters |= !group_letters.is_empty();
        let have = dialled.trim_start_matches('+').len();
        match target {
            VanityTarget::Exact(n) => {
                let need = n.saturating_sub(have);
                let all_letters = group_letters.len() == group.len();
                if group.len() > need && !(all_letters && group.len() - need <= MAX_VANITY_OVERFLOW)
                {
                    return None;
                }
                dialled.extend(
                    group
                        .iter()
                        .take(need)
                        .filter_map(|&c| dial(c))
                        .map(char::from),
                );
                p = g_end;
                if group.len() >= need {
                    if !letters {
                        return None;
                    }
                    ends.push((g_end, dialled.clone()));
                    break;
                }
            }
            VanityTarget::ValidInRegion => {
                dialled.extend(group.iter().filter_map(|&c| dial(c)).map(char::from));
                p = g_end;
                let digits = dialled.trim_start_matches('+').len();
                if digits > 15 {
                    break;
                }
                if letters && digits >= MIN_DIGITS {
                    ends.push((g_end, dialled.clone()));
                }
            }
        }
    }
    // Longest reading first: "0800 FIX MYPC" rather than "0800 FIX".
    for (end, dialled) in ends.into_iter().rev() {
        if !budget.take(1) {
            return None;
        }
        if let Ok(number) = PHONE_NUMBER_UTIL.parse(&dialled, region)
            && number.is_valid()
            && budget.take(EMIT_COST)
        {
            return Some(Candidate {
                span: start..end,
                number,
                vanity: true,
            });
        }
    }
    None
}

fn dial(c: u8) -> Option<u8> {
    if c.is_ascii_digit() {
        Some(c)
    } else {
        keypad(c)
    }
}

/// Vanity letters follow a digit group or other vanity letters directly (in the same token, or
/// after one dash or space; after the closing bracket of an area code) and are written in
/// capitals ("1-800-FIX-MYPC"). A capitalised word is the next sentence ("(866) 873-2811 The
/// website", "0800 124 1715. Sie") unless a dash glues it into the number's own token
/// ("1-800-Flowers"); lower-case letters are ordinary words ("+1 888 555 call").
fn vanity_letters_ok(letters: &[u8], sep: &[u8], one_token: bool) -> bool {
    let Some((first, rest)) = letters.split_first() else {
        return true;
    };
    if !matches!(sep, b"" | b"-" | b" " | b")" | b") " | b")-") {
        return false;
    }
    let capitals = first.is_ascii_uppercase() && rest.iter().all(u8::is_ascii_uppercase);
    let capitalised = first.is_ascii_uppercase() && rest.iter().all(u8::is_ascii_lowercase);
    capitals || (capitalised && one_token && matches!(sep, b"" | b"-"))
}

// ---------------------------------------------------------------------------------------------
// Candidate scan

fn is_phone_byte(c: u8) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            b'+' | b'(' | b')' | b'[' | b']' | b'-' | b'.' | b'/' | b' '
        )
}

/// Runs of digits and separators, split into space-separated tokens; every window of up to
/// `MAX_WINDOW_TOKENS` whole tokens starting at a token is a candidate, longest first. Windows
/// never start or end inside a token, so a fragment of an order number or a date
/// (`112-4455661-2233445`) is never tried on its own, and never start at a token that
/// continues the digit groups before it (see `continues_number`), so dropping the leading
/// groups of an ID ("1 078 480 506") does not make a different valid number of the rest.
fn scan_runs(text: &str, region: Option<Region>, budget: &mut Budget) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && !budget.is_spent() {
        if !is_phone_byte(b[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < b.len() && is_phone_byte(b[i]) {
            i += 1;
        }
        scan_run(text, run_start..i, region, budget, &mut out);
    }
    out
}

fn scan_run(
    text: &str,
    run: Range<usize>,
    region: Option<Region>,
    budget: &mut Budget,
    out: &mut Vec<Candidate>,
) {
    let b = text.as_bytes();
    let mut tokens: Vec<Range<usize>> = Vec::new();
    let mut i = run.start;
    while i < run.end {
        if b[i] == b' ' {
            i += 1;
            continue;
        }
        let s = i;
        while i < run.end && b[i] != b' ' {
            i += 1;
        }
        tokens.push(s..i);
    }
    let max_tokens = if run.len() > LONG_RUN_BYTES {
        1
    } else {
        MAX_WINDOW_TOKENS
    };
    // Computed once, and only when a valid number shows up: a label before the run ("order #")
    // disowns every number in it.
    let mut labelled: Option<bool> = None;

    let mut t = 0;
    // A window may start at the run's first token or right after a number found in the run.
    let mut at_number_start = true;
    while t < tokens.len() {
        if budget.is_spent() {
            return;
        }
        if !at_number_start && continues_number(b, &tokens[t - 1], &tokens[t]) {
            t += 1;
            continue;
        }
        let mut last = t;
        while last + 1 < tokens.len()
            && last + 1 - t < max_tokens
            && tokens[last + 1].end - tokens[t].start <= MAX_WINDOW_BYTES
        {
            last += 1;
        }
        let mut accepted = None;
        'windows: for u in (t..=last).rev() {
            let full = tokens[t].start..tokens[u].end;
            // "+1-888-555-0142/0143": the alternative ending after a slash is not dialled.
            let before_slash = b[full.clone()]
                .iter()
                .rposition(|&c| c == b'/')
                .map(|at| full.start..full.start + at);
            for window in std::iter::once(full).chain(before_slash) {
                let Some(window) = trim_window(b, window) else {
                    continue;
                };
                if window.len() > MAX_WINDOW_BYTES {
                    continue;
                }
                let digits = b[window.clone()]
                    .iter()
                    .filter(|c| c.is_ascii_digit())
                    .count();
                if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
                    continue;
                }
                if let Some(number) = try_window(text, window.clone(), region, budget) {
                    let is_labelled =
                        *labelled.get_or_insert_with(|| run_is_labelled(text, &tokens, &run));
                    if is_labelled {
                        return;
                    }
                    accepted = Some((u, window, number));
                    break 'windows;
                }
            }
        }
        match accepted {
            Some(_) if !budget.take(EMIT_COST) => return,
            Some((u, span, number)) => {
                out.push(Candidate {
                    span,
                    number,
                    vanity: false,
                });
                t = u + 1;
                at_number_start = true;
            }
            None => {
                t += 1;
                at_number_start = false;
            }
        }
    }
}

/// Does `cur` carry on the digit groups of `prev` ("1 866 990 7725", "(866) 873-2811")? Then a
/// number cannot start at `cur`: one space between digit groups joins them, while a slash
/// ("24/7 0800 1234567") or a wider gap separates.
fn continues_number(b: &[u8], prev: &Range<usize>, cur: &Range<usize>) -> bool {
    let prev_bytes = &b[prev.clone()];
    let groups_only = prev_bytes.iter().any(u8::is_ascii_digit)
        && prev_bytes
            .iter()
            .all(|&c| c.is_ascii_digit() || matches!(c, b'-' | b'.' | b'(' | b')' | b'+'));
    let prev_ends_group = prev_bytes
        .last()
        .is_some_and(|&c| c.is_ascii_digit() || c == b')');
    let cur_starts_group = b
        .get(cur.start)
        .is_some_and(|&c| c.is_ascii_digit() || c == b'(');
    cur.start == prev.end + 1 && groups_only && prev_ends_group && cur_starts_group
}

fn run_is_labelled(text: &str, tokens: &[Range<usize>], run: &Range<usize>) -> bool {
    let start = tokens.first().map_or(run.start, |t| t.start);
    // International format is never an order number, whatever precedes it.
    if text.as_bytes().get(start) == Some(&b'+') {
        return false;
    }
    label_attached(text, start)
}

/// Leading separators and trailing ones other than a closing bracket are not part of a number.
fn trim_window(b: &[u8], w: Range<usize>) -> Option<Range<usize>> {
    let mut s = w.start;
    let mut e = w.end;
    while s < e && !(b[s].is_ascii_digit() || b[s] == b'+' || b[s] == b'(') {
        s += 1;
    }
    while e > s && !b[e - 1].is_ascii_digit() {
        e -= 1;
    }
    (s < e).then_some(s..e)
}

fn overlaps_any(spans: &[Candidate], w: &Range<usize>) -> bool {
    let idx = spans.partition_point(|c| c.span.end <= w.start);
    spans.get(idx).is_some_and(|c| c.span.start < w.end)
}

/// Is this window, exactly, a valid number that is not a decoy? Read as written, or failing
/// that as a North American number written with its country code.
fn try_window(
    text: &str,
    w: Range<usize>,
    region: Option<Region>,
    budget: &mut Budget,
) -> Option<PhoneNumber> {
    let s = text.get(w.clone())?;
    try_reading(text, &w, s, region, budget).or_else(|| {
        let dialled = with_nanp_country_code(s, region)?;
        try_reading(text, &w, &dialled, region, budget)
    })
}

/// Is `read`, the window's text or what it dials, a valid number that is not a decoy?
fn try_reading(
    text: &str,
    w: &Range<usize>,
    read: &str,
    region: Option<Region>,
    budget: &mut Budget,
) -> Option<PhoneNumber> {
    let b = text.as_bytes();
    let s = text.get(w.clone())?;
    if !budget.take(1) {
        return None;
    }
    let number = PHONE_NUMBER_UTIL.parse(read, region).ok()?;
    if !number.is_valid() {
        return None;
    }
    // Glued to a word or an amount: "abc8005551234", "8005551234USD", "$8005551234".
    let starts_with_lead = matches!(b[w.start], b'+' | b'(');
    let bad_neighbour = |c: Option<char>| c.is_some_and(|c| is_latin_letter(c) || is_money(c));
    if (!starts_with_lead && bad_neighbour(char_before(b, w.start)))
        || bad_neighbour(char_after(b, w.end))
    {
        return None;
    }
    if is_reference_marked(text, w) || looks_like_non_phone(s) || is_time_part(b, w) {
        return None;
    }
    if number.country_code == 1 && !starts_with_lead && !nanp_grouping_ok(s, &number) {
        return None;
    }
    // libphonenumber's VALID leniency adds what `is_valid` lacks: a national number written
    // without its trunk prefix ("3-1234-5678" in Japan) is not accepted. Run its matcher on
    // exactly this window and keep the number only if it takes the whole window.
    if !budget.take(2) {
        return None;
    }
    let found = read
        .phone_number_matcher_builder()
        .preferred_region(region)
        .leniency(Leniency::Valid)
        .build_fallible()
        .next()?
        .ok()?;
    (found.start == 0 && found.end() == read.len()).then_some(number)
}

/// "1 866 990 7725" from a victim outside North America is a North American number written
/// with its country code (scammers' toll-free numbers are), not a local number behind a stray
/// 1 ("1 800 493 0784" is a German shared-cost number only to `is_valid`). Only for a lone
/// leading "1" group and 11 digits: "1800 123 4567" is an Indian toll-free number, and is read
/// as such before this is tried.
fn with_nanp_country_code(s: &str, region: Option<Region>) -> Option<String> {
    if region.is_none() || is_nanp(region) {
        return None;
    }
    let b = s.as_bytes();
    let lone_one = b.first() == Some(&b'1') && b.get(1).is_some_and(|c| !c.is_ascii_digit());
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    (lone_one && digits == 11).then(|| format!("+{s}"))
}

fn is_latin_letter(c: char) -> bool {
    (c.is_alphabetic() && ((c as u32) < 0x0250 || ('\u{1E00}'..='\u{1EFF}').contains(&c)))
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

fn is_money(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '￥' | '¢' | '%' | '％' | '円')
        || ('\u{20A0}'..='\u{20CF}').contains(&c)
}

const CURRENCY_WORDS: &[&str] = &[
    "usd",
    "eur",
    "gbp",
    "jpy",
    "chf",
    "aud",
    "cad",
    "dollar",
    "euro",
    "yen",
    "ドル",
    "ユーロ",
];

/// `#112…`, `№ 1234…`, or an amount with the currency a space away ("1 299 000 €", "USD 2125551234").
/// A number sign is a phone number's own after a phone word ("phone # 1-888-…") and never
/// marks a number written with `+`.
fn is_reference_marked(text: &str, w: &Range<usize>) -> bool {
    let before = text[..w.start].trim_end_matches(' ');
    let after = text[w.end..].trim_start_matches(' ');
    let prev = before.chars().next_back();
    let next = after.chars().next();
    if prev.is_some_and(is_money) || next.is_some_and(is_money) {
        return true;
    }
    if let Some(sign) = prev.filter(|&c| matches!(c, '#' | '№'))
        && text.as_bytes().get(w.start) != Some(&b'+')
        && !cue_word_ends(&before[..before.len() - sign.len_utf8()])
    {
        return true;
    }
    let head = after.chars().take(8).collect::<String>().to_lowercase();
    let mut tail: Vec<char> = before.chars().rev().take(8).collect();
    tail.reverse();
    let tail = tail.into_iter().collect::<String>().to_lowercase();
    CURRENCY_WORDS.iter().any(|w| {
        let word_ends_here = tail.ends_with(w)
            && !tail[..tail.len() - w.len()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
        head.starts_with(w) || word_ends_here
    })
}

/// "10:30" and "2026-11-02 10:30": digits that touch a colon belong to a time.
fn is_time_part(b: &[u8], w: &Range<usize>) -> bool {
    let colon_after =
        b.get(w.end) == Some(&b':') && b.get(w.end + 1).is_some_and(u8::is_ascii_digit);
    let colon_before = w.start >= 2 && b[w.start - 1] == b':' && b[w.start - 2].is_ascii_digit();
    colon_after || colon_before
}

/// Dates (`2026-11-02`, `11/02/2026`, `02.11.2026`) and IPv4 addresses, which libphonenumber
/// happily reads as numbers in countries with variable-length numbering (`02.11.2026` is a
/// valid Düsseldorf number).
fn looks_like_non_phone(s: &str) -> bool {
    let s = s.trim_matches(|c: char| !c.is_ascii_digit());
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let seps: Vec<char> = s.chars().filter(|c| !c.is_ascii_digit()).collect();
    let single_sep = |allowed: &[char]| {
        seps.len() == groups.len().saturating_sub(1)
            && seps.first().is_some_and(|c| allowed.contains(c))
            && seps.iter().all(|c| Some(c) == seps.first())
    };
    let num = |g: &str| g.parse::<u32>().unwrap_or(u32::MAX);
    if groups.len() == 4
        && single_sep(&['.'])
        // Addresses are not written with leading zeros; trunk prefixes are ("012.34.56.78").
        && groups
            .iter()
            .all(|g| g.len() <= 3 && num(g) <= 255 && !(g.len() > 1 && g.starts_with('0')))
    {
        return true;
    }
    if groups.len() != 3 || !single_sep(&['-', '/', '.']) {
        return false;
    }
    let (a, m, c) = (groups[0], groups[1], groups[2]);
    let day_month = |x: &str, y: &str| {
        x.len() <= 2
            && y.len() <= 2
            && ((1..=31).contains(&num(x)) && (1..=12).contains(&num(y))
                || (1..=12).contains(&num(x)) && (1..=31).contains(&num(y)))
    };
    let year = |y: &str| y.len() == 2 || (y.len() == 4 && (1900..=2199).contains(&num(y)));
    (a.len() == 4 && year(a) && day_month(m, c)) || (year(c) && day_month(a, m))
}

/// North American numbers are written 3-3-4; a 10-digit case id written `2024-64-2424` is
/// valid to libphonenumber but not a phone number. Numbers written with `+` are exempt
/// ("+1 888 555 01 42" is how Europeans write them).
fn nanp_grouping_ok(s: &str, number: &PhoneNumber) -> bool {
    let nsn = number.get_national_significant_number();
    let groups: Vec<usize> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    let total: usize = groups.iter().sum();
    if total < nsn.len() {
        return true;
    }
    let prefix = total - nsn.len();
    let mut at = 0;
    for g in &groups[..groups.len().saturating_sub(1)] {
        at += g;
        if at > prefix {
            let inside = at - prefix;
            if inside < nsn.len() && inside != 3 && inside != 6 {
                return false;
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Context words

/// Words that label what follows as something other than a phone number. `*` allows any word
/// ending ("bestell*" for Bestellung, Bestellnummer …); otherwise the word must end there.
const LABELS: &[&str] = &[
    // en
    "order",
    "invoice",
    "case",
    "ticket",
    "ref",
    "reference",
    "tracking",
    "confirmation",
    "account",
    "acct",
    "transaction",
    "receipt",
    "customer number",
    "customer id",
    "membership",
    "booking",
    "reservation",
    "serial",
    "claim",
    "policy",
    "pin",
    "gift card",
    "giftcard",
    "gift-card",
    "card number",
    "card no",
    "voucher",
    "code",
    "id",
    "anydesk",
    "teamviewer",
    "ultraviewer",
    "rustdesk",
    "zip",
    "postcode",
    "iban",
    "routing",
    "kb",
    "error",
    "sku",
    "model",
    "version",
    // de
    "bestell*",
    "rechnung*",
    "kundennummer",
    "kunden-nr",
    "kundennr",
    "aktenzeichen",
    "az",
    "auftrag*",
    "vorgang*",
    "referenz*",
    "sendung*",
    "ticketnummer",
    "fallnummer",
    "konto*",
    "transaktion*",
    "bestätigungs*",
    "gutschein*",
    "kartennummer",
    "plz",
    "postleitzahl",
    "fehler*",
    // es
    "pedido",
    "factura",
    "caso",
    "expediente",
    "referencia",
    "cuenta",
    "seguimiento",
    "confirmación",
    "número de cliente",
    "tarjeta regalo",
    "número de tarjeta",
    "código",
    "codigo",
    "transacción",
    "cp",
    // fr
    "commande",
    "facture",
    "dossier",
    "référence",
    "compte",
    "suivi",
    "numéro client",
    "numero client",
    "carte cadeau",
    "numéro de carte",
    "erreur",
    // ja
    "注文番号",
    "ご注文",
    "お問い合わせ番号",
    "問い合わせ番号",
    "受付番号",
    "伝票番号",
    "請求番号",
    "会員番号",
    "管理番号",
    "予約番号",
    "追跡番号",
    "お客様番号",
    "顧客番号",
    "口座番号",
    "カード番号",
    "ギフトカード",
    "ギフト券",
    "コード",
    "〒",
    "郵便番号",
    "エラー",
];

/// Phrases that contain a label but mean a phone number.
const LABEL_EXCEPTIONS: &[&str] = &["caller id", "area code", "country code", "dialing code"];

/// What may stand between a label and its number: "Order No. 123", "注文番号は123".
const GLUE_WORDS: &[&str] = &[
    "no",
    "nr",
    "n",
    "nº",
    "num",
    "number",
    "nummer",
    "número",
    "numero",
    "numéro",
    "id",
    "is",
    "was",
    "de",
    "du",
    "del",
    "la",
    "le",
    "el",
    "ist",
    "lautet",
    "est",
    "es",
    "era",
    "war",
    "code",
    "は",
    "が",
    "の",
    "番号",
    "番号は",
];

fn is_glue_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ':' | '：'
                | '#'
                | '＃'
                | '.'
                | '-'
                | '='
                | '('
                | ')'
                | '['
                | ']'
                | '°'
                | '/'
                | '\''
                | '"'
                | '、'
                | '「'
                | '」'
                | '｢'
                | '｣'
                | '№'
        )
}

fn is_glue(gap: &str) -> bool {
    if gap.len() > 24 {
        return false;
    }
    let mut word = String::new();
    for c in gap.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            if !GLUE_WORDS.contains(&word.as_str()) {
                return false;
            }
            word.clear();
        }
        if !is_glue_char(c) {
            return false;
        }
    }
    true
}

/// Lower-cased text before `at`, at most `CONTEXT_BEFORE_BYTES` of it.
fn context_before(text: &str, at: usize) -> String {
    let mut from = at.saturating_sub(CONTEXT_BEFORE_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text.get(from..at).unwrap_or("").to_lowercase()
}

fn context_after(text: &str, at: usize) -> String {
    let mut to = (at + CONTEXT_AFTER_BYTES).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    text.get(at..to).unwrap_or("").to_lowercase()
}

/// Occurrences of a keyword in `hay`, as spans, honouring word boundaries for Latin words.
fn keyword_hits<'a>(hay: &'a str, keyword: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
    let (stem, open_ended) = match keyword.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (keyword, false),
    };
    let latin = stem.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    hay.match_indices(stem).filter_map(move |(at, m)| {
        let mut end = at + m.len();
        if latin {
            if hay[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            {
                return None;
            }
            let rest = &hay[end..];
            let word_tail = rest.len() - rest.trim_start_matches(char::is_alphabetic).len();
            if word_tail > 0 && !open_ended {
                return None;
            }
            end += word_tail;
        }
        Some(at..end)
    })
}

/// A label directly before `at` (only glue between), e.g. "order #", "AnyDesk ID", "受付番号：".
fn label_attached(text: &str, at: usize) -> bool {
    let before = context_before(text, at);
    LABELS.iter().any(|label| {
        keyword_hits(&before, label).any(|hit| {
            let head = &before[..hit.end];
            !LABEL_EXCEPTIONS.iter().any(|e| head.ends_with(e)) && is_glue(&before[hit.end..])
        })
    })
}

/// Words that say a phone number is coming (or, in Japanese and German, just went by).
const CUES: &[&str] = &[
    // en
    "call*",
    "phon*",
    "tel",
    "telephon*",
    "dial*",
    "ring*",
    "hotline",
    "helpline",
    "contact*",
    "toll-free",
    "toll free",
    "whatsapp",
    "mobile",
    "cell",
    "number",
    // de
    "anruf*",
    "rufen",
    "rufnummer",
    "telefon*",
    "nummer",
    "handy",
    // es
    "llam*",
    "teléfono",
    "telefono",
    "número",
    "numero",
    "móvil",
    // fr
    "appel*",
    "téléphon*",
    "tél",
    "numéro",
    "portable",
    // ja
    "電話",
    "フリーダイヤル",
    "ﾌﾘｰﾀﾞｲﾔﾙ",
    "ナビダイヤル",
    "携帯",
    "連絡先",
    "☎",
    "📞",
    "℡",
];

/// Does `text` end with a cue word, give or take the punctuation of an abbreviation
/// ("phone", "Tel.", "電話:")?
fn cue_word_ends(text: &str) -> bool {
    let hay = context_before(text, text.len());
    let hay = hay.trim_end_matches([' ', '.', ':']);
    CUES.iter()
        .any(|cue| keyword_hits(hay, cue).any(|hit| hit.end == hay.len()))
}

fn has_cue(hay: &str) -> bool {
    CUES.iter()
        .any(|cue| keyword_hits(hay, cue).next().is_some())
}

fn confidence(text: &str, c: &Candidate) -> f32 {
    if c.vanity {
        return VANITY_CONFIDENCE;
    }
    let s = text.get(c.span.clone()).unwrap_or("");
    let mut confidence = BASE_CONFIDENCE;
    if s.starts_with('+') {
        confidence += INTERNATIONAL_BOOST;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        confidence -= BARE_BLOCK_PENALTY;
    }
    if has_cue(&context_before(text, c.span.start)) || has_cue(&context_after(text, c.span.end)) {
        confidence += CUE_BOOST;
    }
    confidence.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164s(text: &str, region: &str) -> Vec<String> {
        find_phones(text, region)
            .into_iter()
            .map(|m| m.e164)
            .collect()
    }

    /// Test numbers must be ones libphonenumber itself calls valid.
    fn assert_valid(e164: &str) {
        let n = PHONE_NUMBER_UTIL
            .parse(e164, None)
            .expect("test number parses");
        assert!(n.is_valid(), "{e164} is not valid to libphonenumber");
    }

    #[test]
    fn parse_phone_normalizes_every_written_form() {
        use NumberType::*;
        // (input, default region, e164, region of the number, type)
        let table: &[(&str, &str, &str, &str, NumberType)] = &[
            ("1-888-555-0142", "US", "+18885550142", "US", TollFree),
            ("+1 888 555 0142", "DE", "+18885550142", "US", TollFree),
            ("( 888 ) 555 0142", "US", "+18885550142", "US", TollFree),
            ("888.555.0142", "US", "+18885550142", "US", TollFree),
            ("+1 888 555 01 42", "FR", "+18885550142", "US", TollFree),
            ("1-8OO-555-0142", "US", "+18005550142", "US", TollFree),
            ("1-800-55O-0142", "US", "+18005500142", "US", TollFree),
            ("1-800-555-0l42", "US", "+18005550142", "US", TollFree),
            ("1-800-FIX-MYPC", "US", "+18003496972", "US", TollFree),
            ("1-888-MS-HELP-1", "US", "+18886743571", "US", TollFree),
            ("+1 800 FIX MYPC", "JP", "+18003496972", "US", TollFree),
            (
                "１－８００－５５５－０１４２",
                "US",
                "+18005550142",
                "US",
                TollFree,
            ),
            ("0120-123-456", "JP", "+81120123456", "JP", TollFree),
            (
                "０１２０－１２３－４５６",
                "JP",
                "+81120123456",
                "JP",
                TollFree,
            ),
            (
                "０１２０ー１２３ー４５６",
                "JP",
                "+81120123456",
                "JP",
                TollFree,
            ),
            (
                "（０３）１２３４－５６７８",
                "JP",
                "+81312345678",
                "JP",
                FixedLine,
            ),
            ("050-1234-5678", "JP", "+815012345678", "JP", Voip),
            ("03-1234-5678", "JP", "+81312345678", "JP", FixedLine),
            ("090–1234–5678", "JP", "+819012345678", "JP", Mobile),
            ("0800 123 4567", "GB", "+448001234567", "GB", TollFree),
            ("1800 123 456", "AU", "+611800123456", "AU", TollFree),
            ("0800 1234567", "DE", "+498001234567", "DE", TollFree),
            ("+49 30 1234567", "US", "+49301234567", "DE", FixedLine),
            ("+49 (0) 30 1234567", "DE", "+49301234567", "DE", FixedLine),
            ("030/1234567", "DE", "+49301234567", "DE", FixedLine),
            ("900 123 456", "ES", "+34900123456", "ES", TollFree),
            ("01 23 45 67 89", "FR", "+33123456789", "FR", FixedLine),
            ("01.23.45.67.89", "FR", "+33123456789", "FR", FixedLine),
            ("+33 1 23 45 67 89", "FR", "+33123456789", "FR", FixedLine),
            (
                "＋３３ １ ２３ ４５ ６７ ８９",
                "JP",
                "+33123456789",
                "FR",
                FixedLine,
            ),
        ];
        for &(input, region, e164, number_region, ty) in table {
            assert_valid(e164);
            let m = parse_phone(input, region)
                .unwrap_or_else(|| panic!("{input} ({region}) not parsed"));
            assert_eq!(m.e164, e164, "{input} ({region})");
            assert_eq!(m.region.as_deref(), Some(number_region), "{input}");
            assert_eq!(m.number_type, ty, "{input}");
            assert!(m.valid, "{input}");
            // A structured field: the number is the whole (trimmed) field.
            assert_eq!((m.start, m.end), (0, input.len()), "{input}");
        }
    }

    #[test]
    fn parse_phone_reports_international_format_and_trimmed_span() {
        let m = parse_phone("  1-888-555-0142 \n", "US").expect("parses");
        assert_eq!(m.international, "+1 888-555-0142");
        assert_eq!((m.start, m.end), (2, 16));
        assert_eq!(m.number_type.as_str(), "toll_free");
        assert!(m.confidence > 0.9);
    }

    #[test]
    fn vanity_numbers_get_lower_confidence() {
        let plain = parse_phone("1-800-349-6972", "US").expect("plain");
        let vanity = parse_phone("1-800-FIX-MYPC", "US").expect("vanity");
        assert_eq!(plain.e164, vanity.e164);
        assert!(vanity.confidence < plain.confidence);
        assert!((vanity.confidence - VANITY_CONFIDENCE).abs() < f32::EPSILON);
        let lower = parse_phone("call 1-800-flowers", "US").expect("libphonenumber's own alpha");
        assert!((lower.confidence - VANITY_CONFIDENCE).abs() < f32::EPSILON);
        let found = find_phones("Call 1-800-FIX-MYPC now", "US");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].e164, "+18003496972");
        assert!(found[0].confidence < 0.8);
    }

    #[test]
    fn vanity_needs_a_number_prefix_and_the_right_length() {
        // Not a recognisable prefix, too few letters, lower-case words, too many digits.
        for text in [
            "FIX-MYPC",
            "room 12-FIX-MYPC",
            "1-800-GET",
            "call +1 888 555 call me",
            "1-800-555-0142-HELP",
            "1-212-FIX-MYPC",
        ] {
            assert!(
                find_phones(text, "US").iter().all(|m| m.confidence > 0.75),
                "{text}: {:?}",
                find_phones(text, "US")
            );
        }
        // Longer words dial only what fits: 1-800-MATTRESS is 1-800-628-8737.
        assert_eq!(e164s("1-800-MATTRESS", "US"), ["+18006288737"]);
        // Outside NANP the region's numbering decides.
        assert_eq!(e164s("Hotline 0800 FIXMYPC", "DE"), ["+498003496972"]);
    }

    #[test]
    fn letters_for_digits_stay_letters_in_words() {
        let norm = |s: &str| Normalized::new(s).text;
        assert_eq!(norm("1-8OO-555-0142"), "1-800-555-0142");
        assert_eq!(
            norm("call O2 at 1O:3O, GO 4 IT, FOOD 2"),
            "call O2 at 10:30, GO 4 IT, FOOD 2"
        );
        assert_eq!(norm("0l42 l42 I 4I2 ll"), "0142 l42 I 412 ll");
        assert_eq!(
            norm("０１２０ー１２３ フリーダイヤル"),
            "0120-123 フリーダイヤル"
        );
        let text = "電話：１－８ＯＯ－５５５";
        let n = Normalized::new(text);
        assert_eq!(n.text, "電話:1-800-555");
        assert_eq!(n.original_span(&(7..n.text.len())), 9..text.len());
    }

    #[test]
    fn parse_phone_is_lenient_but_rejects_non_numbers() {
        // Invalid but possible: kept, flagged, low confidence.
        let m = parse_phone("212-155-0142", "US").expect("possible number");
        assert!(!m.valid);
        assert!(m.confidence < 0.5);
        // Embedded in words.
        let m = parse_phone("1-888-555-0142 (Microsoft)", "US").expect("embedded");
        assert_eq!(m.e164, "+18885550142");
        assert!(m.valid);
        for junk in [
            "",
            "   ",
            "hello",
            "12",
            "n/a",
            "2026-11-02",
            "192.168.10.20",
            "😀",
        ] {
            assert_eq!(parse_phone(junk, "DE"), None, "{junk:?}");
        }
        // Unknown or malformed default region: only international format works.
        assert_eq!(parse_phone("0120-123-456", "ZZ"), None);
        assert_eq!(parse_phone("0120-123-456", "japan"), None);
        assert_eq!(
            parse_phone("+81 120-123-456", "ZZ").map(|m| m.e164),
            Some("+81120123456".to_owned())
        );
        assert_eq!(parse_phone(&"1".repeat(1000), "US"), None);
    }

    #[test]
    fn english_narrative_yields_only_the_callback_number() {
        let text = "He said he was from Microsoft, told me to call 1-8OO-555-0142 and install \
                    AnyDesk (ID 123 456 789), then I paid $500 in Google Play cards, order \
                    #112-4455661-2233445 on 2024-11-02 at 10:30";
        assert_valid("+18005550142");
        let found = find_phones(text, "US");
        assert_eq!(found.len(), 1, "{found:?}");
        let m = &found[0];
        assert_eq!(m.e164, "+18005550142");
        assert_eq!(m.number_type, NumberType::TollFree);
        assert_eq!(&text[m.start..m.end], "1-8OO-555-0142");
        assert!(m.confidence > 0.9, "cue 'call' should boost: {m:?}");
        // The same narrative from victims elsewhere.
        for region in ["GB", "DE", "FR", "ES", "JP"] {
            let found = find_phones(&text.replace("1-8OO", "+1-8OO"), region);
            assert_eq!(found.len(), 1, "{region}: {found:?}");
            assert_eq!(found[0].e164, "+18005550142");
        }
    }

    #[test]
    fn japanese_narrative() {
        let text = "マイクロソフトのサポートを名乗る画面に０１２０－１２３－４５６と表示され、\
                    電話すると050-1234-5678から折り返しがありました。受付番号：0312345678、\
                    2026年11月2日10:30、ギフトカード5万円分。";
        let found = find_phones(text, "JP");
        let got: Vec<&str> = found.iter().map(|m| m.e164.as_str()).collect();
        assert_eq!(got, ["+81120123456", "+815012345678"]);
        assert_eq!(
            &text[found[0].start..found[0].end],
            "０１２０－１２３－４５６"
        );
        assert_eq!(&text[found[1].start..found[1].end], "050-1234-5678");
        assert_eq!(found[0].number_type, NumberType::TollFree);
        assert_eq!(found[1].number_type, NumberType::Voip);
        assert!(found[1].confidence > 0.9, "電話 is a cue");
    }

    #[test]
    fn narratives_in_german_spanish_french() {
        let de = "Ein Herr von „Microsoft“ sagte, ich solle 0800 1234567 anrufen. Rechnung Nr. \
                  0301234567 vom 02.11.2026, Betrag 1.299,99 €.";
        assert_eq!(e164s(de, "DE"), ["+498001234567"]);
        let es = "Me dijeron que llamara al 900 123 456. Pedido 912345678, número de caso \
                  912 345 679, el 02/11/2026 a las 10:30, pagué 500,00 €.";
        assert_eq!(e164s(es, "ES"), ["+34900123456"]);
        let fr = "Il m'a dit d'appeler le 01 23 45 67 89. Commande n° 0123456780, facture \
                  0123456781, dossier 01 23 45 67 82, le 02/11/2026 à 10h30.";
        assert_eq!(e164s(fr, "FR"), ["+33123456789"]);
    }

    /// Each decoy is paired with a control: the same digits after a phone cue are found, so
    /// the decoy is rejected for its context, not because libphonenumber refused the digits.
    #[test]
    fn labelled_numbers_are_not_phones() {
        let cases: &[(&str, &str, &str)] = &[
            // (region, decoy, control)
            ("US", "Order 2125551234", "Call 2125551234"),
            ("US", "order #212-555-1234", "call 212-555-1234"),
            ("US", "Invoice no. 212-555-1234", "Phone: 212-555-1234"),
            ("US", "Case ID: 2125551234", "Caller ID: 2125551234"),
            ("US", "ticket 2125551234", "tel 2125551234"),
            ("US", "Ref: 2125551234", "ring 2125551234"),
            (
                "US",
                "tracking number 2125551234",
                "phone number 2125551234",
            ),
            (
                "US",
                "confirmation #: 2125551234",
                "call back on 2125551234",
            ),
            ("US", "Account number is 2125551234", "number is 2125551234"),
            ("US", "AnyDesk ID 212 555 1234", "dial 212 555 1234"),
            ("US", "TeamViewer: 212 555 1234", "hotline: 212 555 1234"),
            ("US", "gift card number 2125551234", "contact 2125551234"),
            ("DE", "Bestellung 030 1234567", "Rufnummer 030 1234567"),
            ("DE", "Bestellnummer: 0301234567", "Nummer: 0301234567"),
            ("DE", "Rechnung Nr. 030 1234567", "Telefon 030 1234567"),
            ("DE", "Kundennummer 0301234567", "Handy 0301234567"),
            ("DE", "Aktenzeichen 030/1234567", "Tel. 030/1234567"),
            ("ES", "pedido 912 345 678", "llame al 912 345 678"),
            ("ES", "factura 912345678", "teléfono 912345678"),
            ("ES", "número de caso 912 345 678", "número 912 345 678"),
            ("FR", "commande 01 23 45 67 89", "appeler le 01 23 45 67 89"),
            ("FR", "facture n° 0123456789", "numéro 0123456789"),
            ("FR", "dossier 01.23.45.67.89", "téléphone 01.23.45.67.89"),
            ("JP", "注文番号：0312345678", "電話：0312345678"),
            (
                "JP",
                "お問い合わせ番号は03-1234-5678",
                "電話番号は03-1234-5678",
            ),
            ("JP", "受付番号 0312345678", "フリーダイヤル 0312345678"),
            ("JP", "伝票番号：03-1234-5678", "☎ 03-1234-5678"),
        ];
        for &(region, decoy, control) in cases {
            assert_eq!(
                e164s(decoy, region),
                Vec::<String>::new(),
                "{region}: {decoy}"
            );
            let found = find_phones(control, region);
            assert_eq!(found.len(), 1, "{region}: {control}");
            // A cue lifts even an unformatted block (0.7) above an uncued formatted number.
            assert!(
                found[0].confidence >= 0.85 - 1e-6,
                "{region}: {control}: {found:?}"
            );
        }
    }

    #[test]
    fn decoy_shapes_are_not_phones() {
        let decoys = [
            // order / case ids
            "order #112-4455661-2233445",
            "Order 1234567890",
            "case 2024-64-2424",
            "2024-64-2424",
            // dates
            "2026-11-02",
            "11/02/2026",
            "02.11.2026",
            "02.11.26",
            "2026年11月2日",
            "2026-11-02 10:30",
            // times
            "10:30",
            "at 10:30:45",
            // amounts
            "$500",
            "500.00",
            "1.299,99 €",
            "1 299 000 €",
            "USD 2125551234",
            "2125551234 USD",
            "¥3,000,000",
            "3000000円",
            // postcodes
            "ZIP 94105-1234",
            "PLZ 10115 Berlin",
            "〒100-0001",
            "75001 Paris",
            "código postal 28013",
            // IP addresses
            "192.168.10.20",
            "10.0.0.1",
            "connect to 203.0.113.254 now",
            // remote desktop ids
            "AnyDesk ID 123 456 789",
            "AnyDesk-ID: 123456789",
            "TeamViewer ID 1 234 567 890",
            "install AnyDesk (ID 123 456 789)",
            // gift card codes and pins
            "code X4F7-9K2L-3MZ8-QQ7P",
            "PIN 2125551234",
            "Google Play 2125551234ABCD",
            // percentages
            "15%",
            "99.5 %",
            "a 100% refund",
            // glued to words
            "abc8005551234",
            "ref#2125551234",
        ];
        for region in ["US", "GB", "DE", "FR", "ES", "JP", "AU"] {
            for decoy in decoys {
                assert_eq!(
                    e164s(decoy, region),
                    Vec::<String>::new(),
                    "{region}: {decoy}"
                );
            }
        }
    }

    #[test]
    fn invalid_numbers_are_not_found() {
        assert_eq!(e164s("call 212-155-0142", "US"), Vec::<String>::new());
        assert_eq!(e164s("call 07700 900123", "GB"), Vec::<String>::new());
        // National format outside its country needs the international prefix.
        assert_eq!(e164s("call 888-555-0142", "JP"), Vec::<String>::new());
        assert_eq!(e164s("call +1 888-555-0142", "JP"), ["+18885550142"]);
    }

    #[test]
    fn several_numbers_in_order_without_overlap() {
        let text = "Call 0120-123-456 or 03-1234-5678 03-1234-5679, or +81 50 1234 5678.";
        let found = find_phones(text, "JP");
        let got: Vec<&str> = found.iter().map(|m| m.e164.as_str()).collect();
        assert_eq!(
            got,
            [
                "+81120123456",
                "+81312345678",
                "+81312345679",
                "+815012345678"
            ]
        );
        for pair in found.windows(2) {
            assert!(pair[0].end <= pair[1].start);
        }
        let sliced: Vec<&str> = found.iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(
            sliced,
            [
                "0120-123-456",
                "03-1234-5678",
                "03-1234-5679",
                "+81 50 1234 5678"
            ]
        );
    }

    #[test]
    fn spans_point_at_the_number_as_written() {
        let cases = [
            ("US", "Call ( 888 ) 555 0142 today", "( 888 ) 555 0142"),
            ("US", "Call 888.555.0142.", "888.555.0142"),
            (
                "US",
                "電話：１－８ＯＯ－５５５－０１４２です",
                "１－８ＯＯ－５５５－０１４２",
            ),
            ("DE", "Nummer: +49 (0) 30 1234567!", "+49 (0) 30 1234567"),
            (
                "FR",
                "Tél. : ０１ ２３ ４５ ６７ ８９",
                "０１ ２３ ４５ ６７ ８９",
            ),
            (
                "US",
                "Support: 1-888-MS-HELP-1, open 24/7",
                "1-888-MS-HELP-1",
            ),
            ("US", "über 📞 +1 888 555 01 42 😀", "+1 888 555 01 42"),
            ("US", "call +1-888-555-0142/0143", "+1-888-555-0142"),
            ("DE", "Tel. 030/1234567", "030/1234567"),
        ];
        for (region, text, expected) in cases {
            let found = find_phones(text, region);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(&text[found[0].start..found[0].end], expected, "{text}");
        }
    }

    /// Victims write "phone #" as often as "phone:"; "order #" still labels an order.
    #[test]
    fn number_sign_after_a_phone_word_is_the_phone_number() {
        let cases: &[(&str, &str, &str, &str)] = &[
            // (region, text, e164, span)
            (
                "US",
                "phone # 1-888-466-1960",
                "+18884661960",
                "1-888-466-1960",
            ),
            (
                "US",
                "tel # +1-866-340-1163",
                "+18663401163",
                "+1-866-340-1163",
            ),
            (
                "US",
                "phone # +44 (0)800 425 9924",
                "+448004259924",
                "+44 (0)800 425 9924",
            ),
            (
                "US",
                "phone # +1 (888) 245-1075",
                "+18882451075",
                "+1 (888) 245-1075",
            ),
            (
                "US",
                "phone # 1 833 692 4498",
                "+18336924498",
                "1 833 692 4498",
            ),
            ("US", "Number # 8007724225", "+18007724225", "8007724225"),
            ("AU", "phone # 1800024529", "+611800024529", "1800024529"),
            ("DE", "Tel.# 030 1234567", "+49301234567", "030 1234567"),
            // With `+` the sign marks nothing, whatever word is before it.
            (
                "US",
                "see # +1 888 555 0142",
                "+18885550142",
                "+1 888 555 0142",
            ),
        ];
        for &(region, text, e164, span) in cases {
            assert_valid(e164);
            let found = find_phones(text, region);
            assert_eq!(found.len(), 1, "{region}: {text}: {found:?}");
            assert_eq!(found[0].e164, e164, "{region}: {text}");
            assert_eq!(
                &text[found[0].start..found[0].end],
                span,
                "{region}: {text}"
            );
        }
        for decoy in [
            "order # 1234567890",
            "order number # 2125551234",
            "ticket # 212-555-1234",
            "# 2125551234",
        ] {
            assert_eq!(e164s(decoy, "US"), Vec::<String>::new(), "{decoy}");
        }
    }

    /// A vanity reading starting inside a number, or swallowing the next sentence's first word,
    /// used to replace the real number with a made-up one.
    #[test]
    fn vanity_letters_do_not_come_from_the_next_sentence() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "US",
                "told me to call 1-800-863-7963. Officer",
                &["+18008637963"],
            ),
            ("US", "(866) 873-2811 The website", &["+18668732811"]),
            ("US", "I paid $860. Everything was gone", &[]),
            ("US", "With AnyDesk, the ID was 1 425 828 363. They", &[]),
            ("DE", "Ich rief 0800 124 1715. Sie", &["+498001241715"]),
            ("US", "call 1-800-863-7963 Officer Jones", &["+18008637963"]),
        ];
        for &(region, text, expected) in cases {
            for e164 in expected {
                assert_valid(e164);
            }
            let found = find_phones(text, region);
            assert_eq!(
                found.iter().map(|m| m.e164.as_str()).collect::<Vec<_>>(),
                expected,
                "{region}: {text}"
            );
            assert!(
                found
                    .iter()
                    .all(|m| (m.confidence - VANITY_CONFIDENCE).abs() > f32::EPSILON),
                "{text}: {found:?}"
            );
        }
        // Capitals, or a capitalised word in the number's own token, are still vanity letters.
        for (region, text, e164) in [
            ("US", "call 1-800-FIX-MYPC. Then", "+18003496972"),
            ("US", "call (888) FIX-MYPC now", "+18883496972"),
            ("DE", "call +1 (800) FIX-MYPC now", "+18003496972"),
            ("US", "call 1-800-Flowers now", "+18003569377"),
        ] {
            assert_valid(e164);
            let found = find_phones(text, region);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].e164, e164, "{text}");
            assert!((found[0].confidence - VANITY_CONFIDENCE).abs() < f32::EPSILON);
        }
    }

    /// Dropping the leading groups of a run made a different valid number of the rest.
    #[test]
    fn numbers_start_where_their_digit_groups_start() {
        // A North American number with its country code, written outside North America.
        for (region, text) in [
            ("IN", "I called 1 866 990 7725"),
            ("GB", "I called 1-866-990-7725 back"),
        ] {
            let found = find_phones(text, region);
            assert_eq!(found.len(), 1, "{region}: {found:?}");
            assert_eq!(found[0].e164, "+18669907725", "{region}");
            assert_eq!(&text[found[0].start..found[0].end], &text[9..23]);
        }
        assert_eq!(e164s("unter 1 800 493 0784", "DE"), ["+18004930784"]);
        assert_eq!(
            parse_phone("1 877 996 7062", "IN").map(|m| m.e164),
            Some("+18779967062".to_owned())
        );
        // Indian toll-free numbers start with 1800 and stay Indian.
        assert_eq!(e164s("call 1800 123 4567", "IN"), ["+9118001234567"]);
        // A remote-desktop ID is not a number without its first group.
        assert_eq!(
            e164s("read him the number 1 078 480 506", "NZ"),
            Vec::<String>::new()
        );
        // A slash or a found number ends the groups before; the next number may start.
        assert_eq!(e164s("open 24/7 0800 1234567", "DE"), ["+498001234567"]);
        assert_eq!(
            e164s("888-555-0142 888-555-0143", "US"),
            ["+18885550142", "+18885550143"]
        );
    }

    #[test]
    fn dotted_numbers_with_a_trunk_zero_are_not_ip_addresses() {
        for (region, text, e164) in [
            ("BE", "012.34.56.78", "+3212345678"),
            ("CH", "021.234.56.78", "+41212345678"),
            ("SE", "070.123.45.67", "+46701234567"),
            ("VN", "067.201.23.45", "+84672012345"),
        ] {
            assert_valid(e164);
            assert_eq!(
                parse_phone(text, region).map(|m| m.e164),
                Some(e164.to_owned()),
                "{region}: {text}"
            );
            assert_eq!(e164s(&format!("call {text}"), region), [e164], "{region}");
        }
        for region in ["BE", "CH", "SE", "VN", "NO"] {
            assert_eq!(parse_phone("21.23.45.67", region), None, "{region}");
            assert_eq!(e164s("connect to 10.0.0.1", region), Vec::<String>::new());
        }
    }

    #[test]
    fn cue_boosts_confidence() {
        let bare = find_phones("It was 888-555-0142.", "US");
        let cued = find_phones("Please call 888-555-0142.", "US");
        assert!(cued[0].confidence > bare[0].confidence);
        assert!(cued[0].confidence <= 1.0 && bare[0].confidence >= 0.0);
    }

    #[test]
    fn deterministic() {
        let text = "call 1-8OO-555-0142 or 0120-123-456, order 2125551234, 1-800-FIX-MYPC";
        let first = find_phones(text, "US");
        for _ in 0..5 {
            assert_eq!(find_phones(text, "US"), first);
        }
        assert_eq!(parse_phone(text, "US"), parse_phone(text, "US"));
    }

    #[test]
    fn number_type_names_match_serde() {
        assert_eq!(
            NumberType::FixedLineOrMobile.as_str(),
            "fixed_line_or_mobile"
        );
        assert_eq!(NumberType::Voip.as_str(), "voip");
        assert_eq!(NumberType::Uan.as_str(), "uan");
    }

    /// Correctness only; the 1 MB timing is checked by hand in release (see the report).
    #[test]
    fn large_dense_inputs_do_not_panic() {
        let patterns = [
            "1",
            "1.",
            "(1)",
            "1-",
            "12.(3",
            "1 ",
            "+1 ",
            "12/",
            "11 ",
            "888 555 0142 ",
            "(888)555.0142",
            "1-8OO-FIX-MYPC ",
            "０",
        ];
        for p in patterns {
            let text = p.repeat(100_000 / p.len());
            let found = find_phones(&text, "US");
            for pair in found.windows(2) {
                assert!(pair[0].end <= pair[1].start);
            }
            for m in &found {
                assert!(text.get(m.start..m.end).is_some());
            }
            let _ = parse_phone(&text, "US");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_sound(
            text in "(\\PC|[0-9０-９()（）+＋ .．\\-－ー/OolI#$€%:\u{200F}\u{202E}\u{0}😀]){0,80}",
            region in prop::sample::select(vec!["US", "JP", "DE", "ES", "FR", "GB", "ZZ", "", "1"]),
        ) {
            for m in find_phones(&text, region) {
                prop_assert!(m.start < m.end && m.end <= text.len());
                prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                prop_assert!(m.valid);
                prop_assert!((0.0..=1.0).contains(&m.confidence));
            }
            if let Some(m) = parse_phone(&text, region) {
                prop_assert!(text.get(m.start..m.end).is_some());
            }
        }

        #[test]
        fn phone_like_fragments_give_sound_ordered_spans(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "1-8OO-", "555", "-0142", "0142", "+1 ", "+49 (0) 30 ", "1234567", "０１２０",
                "－", "ー", "１２３", "FIX", "-MYPC", "MS-HELP-1", "order #", "AnyDesk ID ", " ",
                "(", ")", ".", "/", ":", "#", "$", "%", "\u{200F}", "\u{202E}", "\0", "😀",
                "電話", "注文番号：", "call ", "2026-11-02", "0l", "O", "I", "l", "ｰ",
            ]), 0..40),
            region in prop::sample::select(vec!["US", "JP", "DE", "FR", "ES", "GB", "AU"]),
        ) {
            let text: String = pieces.concat();
            let found = find_phones(&text, region);
            for m in &found {
                prop_assert!(text.get(m.start..m.end).is_some(), "{text:?} {m:?}");
                prop_assert!(m.valid && m.e164.starts_with('+'));
                prop_assert_eq!(parse_phone(&m.e164, region).map(|p| p.e164), Some(m.e164.clone()));
            }
            for pair in found.windows(2) {
                prop_assert!(pair[0].end <= pair[1].start, "{text:?}");
            }
            let _ = parse_phone(&text, region);
        }

        #[test]
        fn huge_digit_runs_never_panic(
            digits in "[0-9]{1000,5000}",
            junk in "\\PC{0,20}",
        ) {
            let text = format!("{junk}{digits}{junk}");
            let _ = find_phones(&text, "US");
            let _ = parse_phone(&text, "JP");
        }
    }
}
