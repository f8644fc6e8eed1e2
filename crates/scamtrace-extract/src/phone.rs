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

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use rlibphonenumber::phonenumber_matcher::{FindNumberExt, Leniency};

use crate::text::next_ascii_digit;
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

    let vanity = find_vanity(&norm.text, &norm.digits, region, &mut budget);
    if let Some(v) = vanity.first() {
        return Some(to_match(&v.number, span, VANITY_CONFIDENCE, v.kind));
    }
    let direct = PHONE_NUMBER_UTIL.parse(&norm.text, region).ok();
    let direct_kind = direct.as_ref().map(number_type);
    if let (Some(number), Some(kind)) = (&direct, direct_kind)
        && kind != PhoneNumberType::Unknown
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
        return Some(to_match(number, span, confidence, kind));
    }
    // A valid number with words around it ("1-888-555-0142 Microsoft") beats an invalid
    // reading of the whole field.
    if let Some(c) = scan_runs(&norm.text, &norm.digits, region, &mut budget).first() {
        return Some(to_match(&c.number, span, EMBEDDED_FIELD_CONFIDENCE, c.kind));
    }
    // An invalid number still links reports by its digits, so a short one ("12" is a
    // possible German number) would link unrelated reports.
    direct
        .filter(|n| {
            PHONE_NUMBER_UTIL.is_possible_number(n)
                && n.get_national_significant_number().len() >= MIN_DIGITS
        })
        .map(|n| to_match(&n, span, INVALID_CONFIDENCE, PhoneNumberType::Unknown))
}

/// Free text (a victim's narrative in English, Japanese, German, Spanish or French): every phone
/// number in it, in order, without overlaps.
pub fn find_phones(text: &str, default_region: &str) -> Vec<PhoneMatch> {
    // No digit, no number (a full-width digit starts with 0xEF).
    let b = text.as_bytes();
    if next_ascii_digit(b, 0).is_none() && !b.contains(&0xEF) {
        return Vec::new();
    }
    let region = parse_region(default_region);
    let norm = Normalized::new(text);
    let mut budget = Budget::for_len(text.len());
    let vanity = find_vanity(&norm.text, &norm.digits, region, &mut budget);
    let plain = scan_runs(&norm.text, &norm.digits, region, &mut budget);

    // Where both readings claim the same characters the plain one wins: letters after a valid
    // number are far more often the next word than part of the number. (Nearly every text has
    // no vanity number: the plain ones' vector is kept, not copied.)
    let vanity: Vec<Candidate> = vanity
        .into_iter()
        .filter(|v| {
            !overlaps_any(&plain, &v.span)
                && (norm.text.as_bytes().get(v.span.start) == Some(&b'+')
                    || !label_attached(&norm.text, v.span.start))
        })
        .collect();
    let mut all = plain;
    if !vanity.is_empty() {
        all.extend(vanity);
        all.sort_by_key(|c| c.span.start);
    }
    all.iter()
        .filter_map(|c| {
            // What precedes the number decides both whose it is and how sure we are.
            let before = context_before(&norm.text, c.span.start);
            if is_own_number(&norm.text, &before, &c.span) {
                return None;
            }
            let confidence = confidence(&norm.text, &before, c);
            Some(to_match(
                &c.number,
                norm.original_span(&c.span),
                confidence,
                c.kind,
            ))
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

/// `kind` is the number's type, already asked of libphonenumber (which costs as much as the
/// parse); a number is valid exactly when its type is known.
fn to_match(
    number: &PhoneNumber,
    span: Range<usize>,
    confidence: f32,
    kind: PhoneNumberType,
) -> PhoneMatch {
    let (e164, international) = nanp_formats(number).unwrap_or_else(|| {
        (
            number.format_as(PhoneNumberFormat::E164).into_owned(),
            number
                .format_as(PhoneNumberFormat::International)
                .into_owned(),
        )
    });
    PhoneMatch {
        start: span.start,
        end: span.end,
        e164,
        international,
        region: if is_nanp_toll_free(number) {
            Some("US".to_string())
        } else if let Some((_, Some(region))) = nanp_geographic(number) {
            Some(region.to_string())
        } else {
            number
                .get_region_code()
                .filter(|r| *r != Region::World)
                .map(|r| r.to_string())
        },
        number_type: kind.into(),
        valid: kind != PhoneNumberType::Unknown,
        confidence: confidence.clamp(0.0, 1.0),
    }
}

/// A North American toll-free number (`8XX` codes 800 to 888 with a repeated digit, then an
/// exchange starting 2-9): the most common kind scammers give, which libphonenumber types and
/// places (toll-free, US) by running its metadata's patterns. Checked equal in the tests.
fn is_nanp_toll_free(number: &PhoneNumber) -> bool {
    let n = number.national_number;
    number.country_code == 1
        && number.extension.is_none()
        && number.italian_leading_zero != Some(true)
        && (2_000_000_000..=9_999_999_999).contains(&n)
        && matches!(n / 10_000_000, 800 | 833 | 844 | 855 | 866 | 877 | 888)
        && (n / 1_000_000) % 10 >= 2
}

/// Area codes 200 to 999, a bit each (bit `code - 200`), whose every number libphonenumber
/// types fixed-line-or-mobile in the US (358 codes here; Canada's 56 in `CA_AREA_CODES`) when
/// its exchange starts with 2 to 9, and unknown when it starts with 0 or 1. Derived from
/// libphonenumber's metadata and checked against it in the tests (which print the tables anew
/// when the metadata changes).
const US_AREA_CODES: [u64; 13] = [
    0x5179_018c_bb9f_f7ee,
    0xfbff_7be0_000a_9568,
    0x0610_021b_03cc_2b5e,
    0x01ad_0d43_8af7_f600,
    0x7b7b_e000_11c9_6184,
    0x50fc_9ea0_8038_4c01,
    0x6310_f49f_d7ee_0006,
    0x1de0_0247_4028_7b0c,
    0xfe2d_2418_965d_f1ff,
    0xc9d4_37f5_7e00_0628,
    0xa000_0041_43df_45a9,
    0x0095_bab7_4f21_ff7d,
    0x0000_0000_0027_1cbc,
];
/// The same for Canada.
const CA_AREA_CODES: [u64; 13] = [
    0x8206_0010_0400_0010,
    0x0000_0400_0200_0200,
    0x0040_01a0_0400_8000,
    0x0400_6090_0500_0800,
    0x8404_0000_0004_1000,
    0x2800_0000_1000_0000,
    0x8080_0000_2010_0009,
    0x2200_0008_0100_0000,
    0x0000_0200_4000_0000,
    0x0002_0800_8000_0054,
    0x4000_0082_0800_0000,
    0x0000_0040_0000_0002,
    0x0000_0000_0000_0000,
];

/// The type of a ten-digit North American number in one of those area codes, and its region
/// when it is valid: libphonenumber answers both by running the US's patterns, and Canada's
/// after the 24 other regions' leading digits.
fn nanp_geographic(number: &PhoneNumber) -> Option<(PhoneNumberType, Option<Region>)> {
    let n = number.national_number;
    if number.country_code != 1
        || number.extension.is_some()
        || number.italian_leading_zero == Some(true)
        || !(2_000_000_000..=9_999_999_999).contains(&n)
    {
        return None;
    }
    let code = (n / 10_000_000 - 200) as usize;
    let listed = |codes: &[u64; 13]| (codes[code / 64] >> (code % 64)) & 1 == 1;
    let region = if listed(&US_AREA_CODES) {
        Region::US
    } else if listed(&CA_AREA_CODES) {
        Region::CA
    } else {
        return None;
    };
    Some(if (n / 1_000_000) % 10 >= 2 {
        (PhoneNumberType::FixedLineOrMobile, Some(region))
    } else {
        (PhoneNumberType::Unknown, None)
    })
}

/// A North American number that no region of the plan can assign, because of its length or
/// first digit: every region's general pattern asks for ten digits starting 2-9, and Canada's
/// and the US's also for seven starting with 3. libphonenumber finds such a number `Unknown`
/// only after trying each of the plan's 25 regions in turn (the victim's country often makes a
/// stray 9-digit reference North American). Checked in the tests.
fn is_nanp_unassignable(number: &PhoneNumber) -> bool {
    let n = number.national_number;
    number.country_code == 1
        && number.italian_leading_zero != Some(true)
        && !(2_000_000_000..=9_999_999_999).contains(&n)
        && !(3_000_000..=3_999_999).contains(&n)
}

/// The number's type: libphonenumber's, with North American toll-free numbers, numbers no
/// North American region can assign and most US and Canadian numbers answered directly.
fn number_type(number: &PhoneNumber) -> PhoneNumberType {
    if is_nanp_toll_free(number) {
        PhoneNumberType::TollFree
    } else if is_nanp_unassignable(number) {
        PhoneNumberType::Unknown
    } else if let Some((kind, _)) = nanp_geographic(number) {
        kind
    } else {
        number.get_type()
    }
}

/// E.164 and international format of a North American number, which libphonenumber formats
/// with a regular expression replacement (more than the parse costs): every valid one is ten
/// digits, written `+1 NXX-NXX-XXXX`. Checked against libphonenumber in the tests.
fn nanp_formats(number: &PhoneNumber) -> Option<(String, String)> {
    let n = number.national_number;
    let plain = number.country_code == 1
        && number.extension.is_none()
        && number.italian_leading_zero != Some(true)
        && (2_000_000_000..=9_999_999_999).contains(&n);
    plain.then(|| {
        // Ten digits written out by hand: `format!` costs more than the rest of this.
        let mut ten = [0u8; 10];
        let mut rest = n;
        for d in ten.iter_mut().rev() {
            *d = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        let mut e164 = String::with_capacity(12);
        let mut international = String::with_capacity(15);
        e164.push_str("+1");
        international.push_str("+1 ");
        for (i, &d) in ten.iter().enumerate() {
            e164.push(char::from(d));
            if i == 3 || i == 6 {
                international.push('-');
            }
            international.push(char::from(d));
        }
        (e164, international)
    })
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
    /// Its type, never `Unknown`: candidates are valid numbers.
    kind: PhoneNumberType,
    vanity: bool,
}

// ---------------------------------------------------------------------------------------------
// Normalization

/// The input with look-alike characters folded to ASCII, one output char per input char.
/// Most reports have nothing to fold: they are borrowed as they are, without an offset table.
struct Normalized<'a> {
    text: Cow<'a, str>,
    /// For each byte of `text`, the input offset of the char it came from; one extra entry holds
    /// the input length, so a span's end maps through the start of the char after it. `None`
    /// when `text` is the input itself.
    origin: Option<Vec<usize>>,
    /// The digits of `text`, found once for every stage that starts from them.
    digits: DigitRuns,
}

/// The maximal runs of ASCII digits in a text.
struct DigitRuns(Vec<Range<usize>>);

impl DigitRuns {
    fn of(b: &[u8]) -> DigitRuns {
        // Room for the runs of a typical report at once, instead of growing four times.
        let mut runs = Vec::with_capacity(16);
        let mut i = 0;
        while let Some(at) = next_ascii_digit(b, i) {
            let end = digits_at(b, at, b.len());
            runs.push(at..end);
            i = end;
        }
        DigitRuns(runs)
    }

    /// The first digit at or after `from`: `next_ascii_digit` on the text the runs came from.
    #[cfg(test)]
    fn next_digit(&self, from: usize) -> Option<usize> {
        let k = self.0.partition_point(|r| r.end <= from);
        self.0.get(k).map(|r| r.start.max(from))
    }

    /// `next_digit(from)` and the end of its run, for scans whose `from` never goes back:
    /// `cursor` (zero at first) remembers the run reached, so no search starts over.
    fn next_digit_after(&self, cursor: &mut usize, from: usize) -> Option<(usize, usize)> {
        while self.0.get(*cursor).is_some_and(|r| r.end <= from) {
            *cursor += 1;
        }
        self.0.get(*cursor).map(|r| (r.start.max(from), r.end))
    }
}

impl<'a> Normalized<'a> {
    fn new(input: &'a str) -> Self {
        let borrowed = || Normalized {
            text: Cow::Borrowed(input),
            origin: None,
            digits: DigitRuns::of(input.as_bytes()),
        };
        let input_digits = DigitRuns::of(input.as_bytes());
        let mut bytes = match folding_needed(input.as_bytes(), &input_digits) {
            Folding::None => {
                return Normalized {
                    text: Cow::Borrowed(input),
                    origin: None,
                    digits: input_digits,
                };
            }
            // ASCII letters become ASCII digits: every offset stays where it was.
            Folding::LettersOnly => {
                let mut bytes = input.as_bytes().to_vec();
                letters_as_digits(&mut bytes);
                return match String::from_utf8(bytes) {
                    Ok(text) => Normalized {
                        digits: DigitRuns::of(text.as_bytes()),
                        text: Cow::Owned(text),
                        origin: None,
                    },
                    Err(_) => borrowed(),
                };
            }
            Folding::Chars => Vec::with_capacity(input.len()),
        };
        let mut origin = Vec::with_capacity(input.len() + 1);
        let b = input.as_bytes();
        let mut at = 0;
        while at < b.len() {
            // Characters `fold_char` leaves alone (ASCII, kana, kanji, accented letters) are
            // copied a run at a time (ASCII skipped eight bytes at a time); each byte maps to
            // the start of its character.
            let mut run_end = b.len();
            let mut k = at;
            while let Some(lead) = next_non_ascii(b, k) {
                if may_fold_at(b, lead) {
                    run_end = lead;
                    break;
                }
                // Over the character: `lead` is a lead byte, as every run ends at one.
                k = lead + utf8_len(b[lead]);
            }
            if run_end > at {
                bytes.extend_from_slice(&b[at..run_end]);
                let run = &input[at..run_end];
                if run.is_ascii() {
                    origin.extend(at..run_end);
                } else {
                    for (k, c) in run.char_indices() {
                        origin.extend(std::iter::repeat_n(at + k, c.len_utf8()));
                    }
                }
                at = run_end;
                continue;
            }
            // A character that may fold, read with its neighbours as written.
            let Some(c) = input[at..].chars().next() else {
                break;
            };
            let prev = input[..at].chars().next_back();
            let next = input[at + c.len_utf8()..].chars().next();
            let folded = fold_char(c, prev, next);
            let mut buf = [0u8; 4];
            let encoded = folded.encode_utf8(&mut buf).as_bytes();
            bytes.extend_from_slice(encoded);
            origin.extend(std::iter::repeat_n(at, encoded.len()));
            at += c.len_utf8();
        }
        origin.push(input.len());

        letters_as_digits(&mut bytes);
        // Only ASCII bytes were swapped for ASCII bytes, so this cannot fail; the fallback keeps
        // the promise never to panic without an unwrap.
        let Ok(text) = String::from_utf8(bytes) else {
            return borrowed();
        };
        if text.len() + 1 != origin.len() {
            return borrowed();
        }
        Normalized {
            digits: DigitRuns::of(text.as_bytes()),
            text: Cow::Owned(text),
            origin: Some(origin),
        }
    }

    fn original_span(&self, span: &Range<usize>) -> Range<usize> {
        let Some(origin) = &self.origin else {
            return span.start..span.end.max(span.start);
        };
        let start = origin.get(span.start).copied().unwrap_or(0);
        let end = origin.get(span.end).copied().unwrap_or(start);
        start..end.max(start)
    }
}

/// What `Normalized` has to do.
enum Folding {
    /// Nothing: the text is used as it is (most reports).
    None,
    /// Only letters next to digits may be read as digits (`letters_as_digits`).
    LettersOnly,
    /// Characters to fold (`fold_char`), which changes byte offsets.
    Chars,
}

/// What `Normalized` would change, found from the non-ASCII bytes and the digits alone.
fn folding_needed(b: &[u8], digits: &DigitRuns) -> Folding {
    // Most reports are ASCII: std's test says so for a fraction of what the search costs.
    if !b.is_ascii() && chars_fold(b) {
        return Folding::Chars;
    }
    // ASCII only from here on (full-width digits were caught above): a letter that
    // `letters_as_digits` may read as a digit sits next to a digit.
    let maybe_digit = |c: u8| matches!(c, b'O' | b'o' | b'l' | b'I');
    for run in &digits.0 {
        let (at, end) = (run.start, run.end);
        if (at >= 1 && maybe_digit(b[at - 1])) || b.get(end).copied().is_some_and(maybe_digit) {
            return Folding::LettersOnly;
        }
    }
    Folding::None
}

/// Whether `b` holds a character `fold_char` changes in place: the forms below, each at a lead
/// byte. All but two start with 0xC2, 0xE2 or 0xEF, rare in Japanese text and found with
/// `memchr3`; the ideographic space and the long vowel mark start with 0xE3, like every kana,
/// and are searched for as whole sequences. (A character-by-character walk costs a dozen
/// instructions per character of a Japanese report.)
fn chars_fold(b: &[u8]) -> bool {
    static IDEOGRAPHIC_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("\u{3000}".as_bytes()));
    static LONG_VOWEL: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("\u{30FC}".as_bytes()));
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let next_is_digit = |i: usize| digit_at(i) || fullwidth_digit_at(b, i);
    // The long vowel mark counts only next to a digit (see `fold_char`); a full-width digit
    // before it is caught by its own form.
    let long_vowel_folds = |i: usize| (i >= 1 && digit_at(i - 1)) || next_is_digit(i + 3);
    let found = memchr::memchr3_iter(0xC2, 0xE2, 0xEF, b).any(|i| {
        match (b[i], b.get(i + 1).copied(), b.get(i + 2).copied()) {
            (0xC2, Some(0xA0), _) => true,
            (0xE2, Some(0x80), Some(0x90..=0x95 | 0x87 | 0x89 | 0xAF)) => true,
            (0xE2, Some(0x88), Some(0x92)) => true,
            (0xEF, Some(0xB9), Some(0x98 | 0xA3)) => true,
            (0xEF, Some(0xBC), Some(0x81..=0xBF)) => true,
            (0xEF, Some(0xBD), Some(0x80..=0x9E)) => true,
            (0xEF, Some(0xBD), Some(0xB0)) => long_vowel_folds(i),
            _ => false,
        }
    });
    found || IDEOGRAPHIC_SPACE.find(b).is_some() || LONG_VOWEL.find_iter(b).any(long_vowel_folds)
}

/// Whether byte `i` starts a character `fold_char` may change (with the right neighbours):
/// the forms `folding_needed` looks for, the long vowel marks whatever their neighbours. Only
/// ever at a lead byte, so the bytes between two such places are whole characters.
fn may_fold_at(b: &[u8], i: usize) -> bool {
    let (c1, c2) = (b.get(i + 1).copied(), b.get(i + 2).copied());
    match (b[i], c1, c2) {
        (0..=0x7F, _, _) => false,
        (0xC2, Some(0xA0), _) => true,
        (0xE2, Some(0x80), Some(0x90..=0x95 | 0x87 | 0x89 | 0xAF)) => true,
        (0xE2, Some(0x88), Some(0x92)) => true,
        (0xE3, Some(0x80), Some(0x80)) => true,
        (0xE3, Some(0x83), Some(0xBC)) => true,
        (0xEF, Some(0xB9), Some(0x98 | 0xA3)) => true,
        (0xEF, Some(0xBC), Some(0x81..=0xBF)) => true,
        (0xEF, Some(0xBD), Some(0x80..=0x9E | 0xB0)) => true,
        _ => false,
    }
}

/// The length of the UTF-8 character whose lead byte is `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Is a full-width digit (EF BC 90..=99) at `i`?
fn fullwidth_digit_at(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&0xEF)
        && b.get(i + 1) == Some(&0xBC)
        && b.get(i + 2).is_some_and(|c| (0x90..=0x99).contains(c))
}

/// Offset of the first non-ASCII byte in `b` at or after `from`, eight bytes at a time.
fn next_non_ascii(b: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= b.len() {
        let chunk: [u8; 8] = b[i..i + 8].try_into().unwrap_or_default();
        let high = u64::from_le_bytes(chunk) & HIGH;
        if high != 0 {
            return Some(i + (high.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|c| !c.is_ascii())
        .map(|at| i + at)
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
    // Both passes start from the digits (found eight bytes at a time): only runs holding one,
    // and only letters right after one, can change.
    let is_run = |c: u8| c.is_ascii_digit() || c == b'O' || c == b'o';
    let mut i = 0;
    while let Some(digit) = next_ascii_digit(b, i) {
        // The maximal run of digits and O's around it; `i` is 0 or just past the last run.
        let mut start = digit;
        while start > i && is_run(b[start - 1]) {
            start -= 1;
        }
        let mut letter = false;
        i = start;
        while i < b.len() && is_run(b[i]) {
            letter |= !b[i].is_ascii_digit();
            i += 1;
        }
        let walled = |c: Option<char>| c.is_some_and(char::is_alphabetic);
        if letter && !walled(char_before(b, start)) && !walled(char_after(b, i)) {
            for c in &mut b[digit..i] {
                if *c == b'O' || *c == b'o' {
                    *c = b'0';
                }
            }
        }
    }
    // An l or I between two digits, left to right: one made a digit counts for the next.
    let mut i = 0;
    while let Some(digit) = next_ascii_digit(b, i) {
        i = digit;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < b.len() && (b[i] == b'l' || b[i] == b'I') && b[i + 1].is_ascii_digit() {
            b[i] = b'1';
        }
    }
}

/// The letters-as-digits reading as first written, byte by byte: the oracle for the faster one.
#[cfg(test)]
fn letters_as_digits_bytewise(b: &mut [u8]) {
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

fn find_vanity(
    text: &str,
    digits: &DigitRuns,
    region: Option<Region>,
    budget: &mut Budget,
) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut cursor = 0;
    // A vanity number starts at a `+` or `(` right before a digit, or at the first digit of a
    // run; digits inside a run never start one (`vanity_may_start`).
    'runs: while !budget.is_spent() {
        let Some((digit, run_end)) = digits.next_digit_after(&mut cursor, i) else {
            break;
        };
        let lead = digit
            .checked_sub(1)
            .filter(|&at| at >= i && matches!(b[at], b'+' | b'('));
        // Only a few first groups lead to letters (see `vanity_at`); the rest skip the checks.
        let group = &b[digit..run_end];
        let prefix_shaped = matches!(group, [b'1'] | [b'8', _, _] | [b'0' | b'1', _, _, _]);
        for start in lead
            .into_iter()
            .chain(std::iter::once(digit))
            .filter(|_| prefix_shaped)
        {
            if vanity_may_start(b, start)
                && let Some(found) = vanity_at(text, start, region, budget)
            {
                i = found.span.end;
                out.push(found);
                continue 'runs;
            }
        }
        // Past the rest of the run.
        i = run_end;
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
    // Vanity letters start with a capital (see `vanity_letters_ok`): without one in reach,
    // this is a plain number, and the plain scan reads it.
    if !b[p..limit].iter().any(u8::is_ascii_uppercase) {
        return None;
    }
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
        // A group never reaches past `limit`, so it fits.
        let mut letter_buf = [0u8; MAX_VANITY_BYTES];
        let mut n = 0;
        for &c in group.iter().filter(|c| c.is_ascii_alphabetic()) {
            letter_buf[n] = c;
            n += 1;
        }
        let group_letters = &letter_buf[..n];
        if !group_letters.is_empty()
            && !vanity_letters_ok(group_letters, sep, !b[start..g_start].contains(&b' '))
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
            && let kind = number_type(&number)
            && kind != PhoneNumberType::Unknown
            && budget.take(EMIT_COST)
        {
            return Some(Candidate {
                span: start..end,
                number,
                kind,
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
    // One table load: this runs at every byte of every run of digits and separators.
    PHONE_BYTES[usize::from(c)]
}

/// Digits and the separators a written number holds, by byte (see [`is_phone_byte`]).
const PHONE_BYTES: [bool; 256] = crate::text::byte_set(b"0123456789+()[]-./ ");

/// Runs of digits and separators, split into space-separated tokens; every window of up to
/// `MAX_WINDOW_TOKENS` whole tokens starting at a token is a candidate, longest first. Windows
/// never start or end inside a token, so a fragment of an order number or a date
/// (`112-4455661-2233445`) is never tried on its own, and never start at a token that
/// continues the digit groups before it (see `continues_number`), so dropping the leading
/// groups of an ID ("1 078 480 506") does not make a different valid number of the rest.
fn scan_runs(
    text: &str,
    digits: &DigitRuns,
    region: Option<Region>,
    budget: &mut Budget,
) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Filled (and given room, see `scan_run`) only once a run has enough digits to be read.
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut cursor = 0;
    while i < b.len() && !budget.is_spent() {
        // Runs only matter where there are digits: jump to the next one, then widen the run
        // back over the separators before it (a `+` or `(` that opens the number).
        let Some((at, _)) = digits.next_digit_after(&mut cursor, i) else {
            break;
        };
        let mut run_start = at;
        while run_start > i && is_phone_byte(b[run_start - 1]) {
            run_start -= 1;
        }
        let mut end = at;
        let mut digits = 0;
        while end < b.len() && is_phone_byte(b[end]) {
            digits += usize::from(b[end].is_ascii_digit());
            end += 1;
        }
        i = end;
        if digits >= MIN_DIGITS {
            scan_run(text, run_start..end, region, budget, &mut tokens, &mut out);
        }
    }
    out
}

fn scan_run(
    text: &str,
    run: Range<usize>,
    region: Option<Region>,
    budget: &mut Budget,
    tokens: &mut Vec<Range<usize>>,
    out: &mut Vec<Candidate>,
) {
    let b = text.as_bytes();
    tokens.clear();
    // Room for the tokens of a typical run at once, instead of growing two or three times.
    tokens.reserve(16);
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
    // Computed once, before the first parse: a label before the run ("order #") disowns every
    // number in it.
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
                if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) || !plausible_window(text, &window)
                {
                    continue;
                }
                if *labelled.get_or_insert_with(|| run_is_labelled(text, tokens, &run)) {
                    return;
                }
                if let Some((number, kind)) = try_window(text, window.clone(), region, budget) {
                    accepted = Some((u, window, number, kind));
                    break 'windows;
                }
            }
        }
        match accepted {
            Some(_) if !budget.take(EMIT_COST) => return,
            Some((u, span, number, kind)) => {
                out.push(Candidate {
                    span,
                    number,
                    kind,
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
/// that as a North American number written with its country code, or failing that in a
/// foreign region whose written style the window has (see `foreign_region`).
fn try_window(
    text: &str,
    w: Range<usize>,
    region: Option<Region>,
    budget: &mut Budget,
) -> Option<(PhoneNumber, PhoneNumberType)> {
    let s = text.get(w.clone())?;
    try_reading(text, &w, s, region, budget)
        .or_else(|| {
            let dialled = with_nanp_country_code(s, region)?;
            try_reading(text, &w, &dialled, region, budget)
        })
        .or_else(|| {
            let foreign = foreign_region(s, region)?;
            try_reading(text, &w, s, Some(foreign), budget)
        })
}

/// Checks on the window and its neighbours that need no parse: glued to a word or an amount,
/// a reference sign or currency next to it, a date, an address, a time.
fn plausible_window(text: &str, w: &Range<usize>) -> bool {
    let b = text.as_bytes();
    let Some(s) = text.get(w.clone()) else {
        return false;
    };
    // Glued to a word or an amount: "abc8005551234", "8005551234USD", "$8005551234".
    let starts_with_lead = matches!(b[w.start], b'+' | b'(');
    let bad_neighbour = |c: Option<char>| c.is_some_and(|c| is_latin_letter(c) || is_money(c));
    if (!starts_with_lead && bad_neighbour(char_before(b, w.start)))
        || bad_neighbour(char_after(b, w.end))
    {
        return false;
    }
    // A dash joins the digits to a word: a ticket or case id ("SR-0549-264", "TK-2125551234").
    if !starts_with_lead
        && w.start >= 2
        && b[w.start - 1] == b'-'
        && char_before(b, w.start - 1).is_some_and(is_latin_letter)
    {
        return false;
    }
    !(is_time_part(b, w) || looks_like_non_phone(s) || is_reference_marked(text, w))
}

/// Is `read`, the window's text or what it dials, a valid number in `region`, and of what
/// type? The window has passed `plausible_window`.
fn try_reading(
    text: &str,
    w: &Range<usize>,
    read: &str,
    region: Option<Region>,
    budget: &mut Budget,
) -> Option<(PhoneNumber, PhoneNumberType)> {
    let b = text.as_bytes();
    let s = text.get(w.clone())?;
    if !budget.take(1) {
        return None;
    }
    let number = match nanp_parse(read, region) {
        Some(number) => number,
        None if nanp_never_valid(read, region) => return None,
        None => PHONE_NUMBER_UTIL.parse(read, region).ok()?,
    };
    // Valid exactly when the type is known (libphonenumber's `is_valid` is this same test).
    let kind = number_type(&number);
    if kind == PhoneNumberType::Unknown {
        return None;
    }
    let starts_with_lead = matches!(b[w.start], b'+' | b'(');
    if number.country_code == 1 && !starts_with_lead && !nanp_grouping_ok(s, &number) {
        return None;
    }
    // libphonenumber's VALID leniency adds what `is_valid` lacks: a national number written
    // without its trunk prefix ("3-1234-5678" in Japan) is not accepted. Where that question
    // does not arise, its matcher would take the whole window and is not run (it costs as much
    // as the parse); elsewhere it runs on exactly this window, and the number is kept only if
    // it takes the whole window.
    if !matcher_needed(read, &number) {
        return Some((number, kind));
    }
    if !budget.take(2) {
        return None;
    }
    matcher_takes_whole(read, region).then_some((number, kind))
}

/// Whether libphonenumber's matcher (VALID leniency) finds a number that is the whole of `read`.
fn matcher_takes_whole(read: &str, region: Option<Region>) -> bool {
    read.phone_number_matcher_builder()
        .preferred_region(region)
        .leniency(Leniency::Valid)
        .build_fallible()
        .next()
        .and_then(Result::ok)
        .is_some_and(|m| m.start == 0 && m.end() == read.len())
}

/// What libphonenumber's parse gives for a plainly written North American number (see
/// `plain_shape`), without running it (its regular expressions cost more than the type check
/// after it): ten digits starting 2-9 in a North American region, the same behind a "1" (the
/// country code, stripped because the ten digits alone fit the plan), or "+1" and those ten
/// digits in any region. `None` for anything else, which goes to libphonenumber. Checked
/// against libphonenumber's parse in the tests.
fn nanp_parse(read: &str, region: Option<Region>) -> Option<PhoneNumber> {
    let b = read.as_bytes();
    if !plain_shape(b) && !one_then_bracketed_area(b) {
        return None;
    }
    let mut n: u64 = 0;
    let mut count = 0;
    for &c in b.iter().filter(|c| c.is_ascii_digit()) {
        count += 1;
        if count > 11 {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
    }
    let national = match count {
        10 if b[0] != b'+' && is_nanp(region) => n,
        11 if (b[0] == b'+' && b.get(1) == Some(&b'1')) || (b[0] == b'1' && is_nanp(region)) => {
            n - 10_000_000_000
        }
        _ => return None,
    };
    (2_000_000_000..=9_999_999_999)
        .contains(&national)
        .then(|| PhoneNumber {
            country_code: 1,
            national_number: national,
            ..PhoneNumber::default()
        })
}

/// Whether libphonenumber would find no valid number in `read` in a North American region,
/// without running its parse (about half of what reaches it there are ZIP+4 codes, 9-digit
/// references and shorter windows of a refused number). Written without `+` and not starting
/// with `0` (so no international prefix, which is `011` everywhere in the plan), the number can
/// only be read with country code 1: its national number is what is left once the parse has
/// stripped up to two leading `1`s (the country code, then the trunk prefix), and every valid
/// North American national number has 7 or 10 digits and does not start with `1` (see
/// `is_nanp_unassignable`). So a `read` whose digits without their leading `1`s are not 7 or 10
/// long can hold no valid number. Checked against libphonenumber in the tests.
fn nanp_never_valid(read: &str, region: Option<Region>) -> bool {
    let b = read.as_bytes();
    if !is_nanp(region) || !b.iter().all(|&c| is_phone_byte(c) && c != b'+') {
        return false;
    }
    let mut digits = b.iter().filter(|c| c.is_ascii_digit()).peekable();
    if digits.peek() == Some(&&b'0') {
        return false;
    }
    let core = digits.skip_while(|&&c| c == b'1').count();
    core != 7 && core != 10
}

/// Could libphonenumber's matcher (VALID leniency) refuse this valid number, or not take all
/// of `read`? Not when `read` is plainly shaped (digits, single spaces, dashes or dots, a
/// leading `+` and country code, one bracketed group at the start, as in "+44 (0)800 …" or
/// "(888) 555-0142": none of the bracket, date, page-range or extension patterns it rejects),
/// and its national prefix question does not arise: written with `+`, written with more digits
/// than the national number (a trunk prefix or an international prefix was stripped), or North
/// American (whose formats make the trunk prefix optional).
fn matcher_needed(read: &str, number: &PhoneNumber) -> bool {
    let b = read.as_bytes();
    if !plain_shape(b) {
        return !(number.country_code == 1 && one_then_bracketed_area(b));
    }
    if b.first() == Some(&b'+') || number.country_code == 1 {
        return false;
    }
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    let nsn = number.get_national_significant_number().len();
    if digits > nsn {
        return false;
    }
    // Written without a trunk prefix: only a problem if libphonenumber writes one in national
    // format (AU "1800 123 456" has none; JP "03-1234-5678" does). Formatting costs half
    // what the matcher does.
    let national = number.format_as(PhoneNumberFormat::National);
    national.bytes().filter(u8::is_ascii_digit).count() > nsn
}

/// Digits with single separators (`-`, `.`, space; two together only as ") "), an optional
/// `+` and country code, and at most one bracketed digit group that opens the number or
/// directly follows the country code.
fn plain_shape(b: &[u8]) -> bool {
    let mut i = 0;
    // Where a bracket may open: at the start, or after "+CC" and one separator.
    let mut bracket_at = 0;
    if b.first() == Some(&b'+') {
        i = 1;
        while i < b.len() && i <= 3 && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == 1 {
            return false;
        }
        bracket_at = i + usize::from(b.get(i).is_some_and(|c| matches!(c, b' ' | b'-' | b'.')));
    }
    let mut brackets = 0;
    let mut gap = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            gap = 0;
        } else if c == b'(' {
            if brackets > 0 || i != bracket_at {
                return false;
            }
            let close = b[i + 1..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map(|n| i + 1 + n);
            if close.is_none_or(|at| at == i + 1 || b[at] != b')') {
                return false;
            }
            brackets = 1;
            gap = 0;
        } else if c == b')' {
            // Only the bracket opened above, already checked to close here.
            if brackets != 1 {
                return false;
            }
            brackets = 2;
            gap = 1;
        } else if matches!(c, b' ' | b'-' | b'.') {
            gap += 1;
            if gap > 2 || (gap == 2 && b[i - 1] != b')') {
                return false;
            }
        } else {
            return false;
        }
        i += 1;
    }
    true
}

/// A North American number written with its leading `1` before the bracketed area code:
/// "1(866) 461-7536", "1 (866) 461-7536", "1-(866)-461-7536". Plainly shaped after the `1` (see
/// `plain_shape`), which libphonenumber's parse and matcher read like "(866) 461-7536" behind
/// the country code. Checked against both in the tests.
fn one_then_bracketed_area(b: &[u8]) -> bool {
    let Some(rest) = b.strip_prefix(b"1") else {
        return false;
    };
    let rest = match rest {
        [b' ' | b'-' | b'.', tail @ ..] => tail,
        _ => rest,
    };
    rest.first() == Some(&b'(') && plain_shape(rest)
}

/// A number the victim's region cannot read may still be written in another region's
/// unmistakable style. Only North America's is used: ten digits grouped 3-3-4 with one kind of
/// separator ("800-407-6722", "800.407.6722", "800 407 6722") or with the area code in
/// brackets ("(800) 407-6722"), the way North American numbers are printed on every scam
/// pop-up. Bare digits, and other groupings, stay unread: "0800 520 4616" is a UK number to a
/// British reader and a German one to a German, and ten bare digits are as often an order
/// number. Tried only after the victim's own region found no valid number in the window.
fn foreign_region(s: &str, region: Option<Region>) -> Option<Region> {
    if region.is_none() || is_nanp(region) || !nanp_written_style(s.as_bytes()) {
        return None;
    }
    Some(Region::US)
}

/// `(NXX) NXX-XXXX` (a space, dash, dot or nothing after the bracket; a dash, dot or space
/// before the last four), or `NXX-NXX-XXXX` with the same separator twice (dash, dot or
/// space). The area code and exchange start with 2-9, as in the North American plan.
fn nanp_written_style(b: &[u8]) -> bool {
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
    };
    let leads = |at: usize| b.get(at).is_some_and(|c| (b'2'..=b'9').contains(c));
    let sep = |c: u8| matches!(c, b'-' | b'.' | b' ');
    let tail = |at: usize, first_sep: Option<u8>| {
        // NXX <sep> XXXX, to the end.
        b.len() == at + 8
            && leads(at)
            && digits(at, 3)
            && sep(b[at + 3])
            && first_sep.is_none_or(|f| f == b[at + 3])
            && digits(at + 4, 4)
    };
    if b.first() == Some(&b'(') {
        if !(leads(1) && digits(1, 3) && b.get(4) == Some(&b')')) {
            return false;
        }
        match b.get(5) {
            Some(&c) if sep(c) => tail(6, None),
            _ => tail(5, None),
        }
    } else {
        leads(0) && digits(0, 3) && b.get(3).copied().is_some_and(sep) && tail(4, Some(b[3]))
    }
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
    CURRENCY_WORDS.iter().any(|word| {
        let n = word.len();
        let head = after.as_bytes().get(..n);
        let starts = head.is_some_and(|h| h.eq_ignore_ascii_case(word.as_bytes()));
        let ends = before.len() >= n
            && before.as_bytes()[before.len() - n..].eq_ignore_ascii_case(word.as_bytes())
            && before.is_char_boundary(before.len() - n)
            && !before[..before.len() - n]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
        starts || ends
    })
}

/// "10:30" and "2026-11-02 10:30": digits that touch a colon belong to a time.
fn is_time_part(b: &[u8], w: &Range<usize>) -> bool {
    let colon_after =
        b.get(w.end) == Some(&b':') && b.get(w.end + 1).is_some_and(u8::is_ascii_digit);
    let colon_before = w.start >= 2 && b[w.start - 1] == b':' && b[w.start - 2].is_ascii_digit();
    colon_after || colon_before
}

/// Dates (`2026-11-02`, `11/02/2026`, `02.11.2026`), IPv4 addresses and order numbers
/// (`112-4455661-2233445`), which libphonenumber happily reads as numbers in countries with
/// variable-length numbering (`02.11.2026` is a valid Düsseldorf number).
fn looks_like_non_phone(s: &str) -> bool {
    let s = s.trim_matches(|c: char| !c.is_ascii_digit());
    // Up to five digit groups and the one separator byte between each pair; more groups or a
    // separator of several characters is none of these shapes.
    let mut groups: [&str; 5] = [""; 5];
    let mut seps: [u8; 4] = [0; 4];
    let mut count = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if count == groups.len() {
            return false;
        }
        groups[count] = &s[start..i];
        count += 1;
        if i == b.len() {
            break;
        }
        if count > seps.len() || i + 1 >= b.len() || !b[i + 1].is_ascii_digit() {
            return false;
        }
        seps[count - 1] = b[i];
        i += 1;
    }
    let groups = &groups[..count];
    let seps = &seps[..count.saturating_sub(1)];
    let single_sep = |allowed: &[u8]| {
        seps.first().is_some_and(|c| allowed.contains(c))
            && seps.iter().all(|c| Some(c) == seps.first())
    };
    let num = |g: &str| g.parse::<u32>().unwrap_or(u32::MAX);
    if groups.len() == 4
        && single_sep(b".")
        // Addresses are not written with leading zeros; trunk prefixes are ("012.34.56.78").
        && groups
            .iter()
            .all(|g| g.len() <= 3 && num(g) <= 255 && !(g.len() > 1 && g.starts_with('0')))
    {
        return true;
    }
    if groups.len() != 3 || !single_sep(b"-/.") {
        return false;
    }
    let (a, m, c) = (groups[0], groups[1], groups[2]);
    // Amazon's order numbers: 3-7-7.
    if (a.len(), m.len(), c.len()) == (3, 7, 7) && single_sep(b"-") {
        return true;
    }
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

/// Glue is at most this long ("Order No. 123", "注文番号は123").
const MAX_GLUE_BYTES: usize = 24;

fn is_glue(gap: &str) -> bool {
    if gap.len() > MAX_GLUE_BYTES {
        return false;
    }
    let mut word_start = None;
    for (i, c) in gap.char_indices().chain(std::iter::once((gap.len(), ' '))) {
        if c.is_alphabetic() {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take()
            && !GLUE_WORDS.contains(&&gap[start..i])
        {
            return false;
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

/// A list of keywords (`LABELS`, `CUES`) searched in one pass.
struct Keywords {
    automaton: aho_corasick::AhoCorasick,
    /// The longest keyword's length in bytes.
    longest: usize,
    /// Per pattern: whether any word ending may follow (`*`), and whether it is a Latin word
    /// (which must start and end at word boundaries).
    kinds: Vec<(bool, bool)>,
}

impl Keywords {
    fn new(list: &[&str]) -> Keywords {
        let mut stems = Vec::with_capacity(list.len());
        let mut kinds = Vec::with_capacity(list.len());
        for keyword in list {
            let (stem, open_ended) = match keyword.strip_suffix('*') {
                Some(stem) => (stem, true),
                None => (*keyword, false),
            };
            stems.push(stem);
            kinds.push((
                open_ended,
                stem.chars().next().is_some_and(|c| c.is_ascii_alphabetic()),
            ));
        }
        // A DFA: searched for every number found, over a few dozen bytes each time.
        let automaton = aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&stems)
            .expect("a few hundred short constant keywords always build");
        let longest = stems.iter().map(|s| s.len()).max().unwrap_or(0);
        Keywords {
            automaton,
            longest,
            kinds,
        }
    }

    /// Occurrences of any keyword in `hay`, as spans, honouring word boundaries for Latin
    /// words; an open-ended keyword's span takes in the rest of its word.
    fn hits<'a>(&'a self, hay: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        self.automaton
            .find_overlapping_iter(hay)
            .filter_map(move |m| {
                let (open_ended, latin) = self.kinds[m.pattern().as_usize()];
                let (at, mut end) = (m.start(), m.end());
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
}

static LABEL_WORDS: LazyLock<Keywords> = LazyLock::new(|| Keywords::new(LABELS));
static CUE_WORDS: LazyLock<Keywords> = LazyLock::new(|| Keywords::new(CUES));

/// A label directly before `at` (only glue between), e.g. "order #", "AnyDesk ID", "受付番号：".
fn label_attached(text: &str, at: usize) -> bool {
    if !label_may_end_before(text, at) {
        return false;
    }
    let before = context_before(text, at);
    // Only the end of the context can hold a label with glue after it: search from there.
    let from = label_search_start(&before, LABEL_WORDS.longest);
    LABEL_WORDS.hits(&before[from..]).any(|hit| {
        let end = from + hit.end;
        let head = &before[..end];
        !LABEL_EXCEPTIONS.iter().any(|e| head.ends_with(e)) && is_glue(&before[end..])
    })
}

/// A first look for `label_attached`, which most runs fail ("call 1-800-…", "the number is
/// 0800 …"): `false` only where no label can be attached, found without lower-casing or
/// searching the context. In ASCII context a label is Latin words ending in a letter, its span
/// takes in the rest of its last word (see `Keywords::hits`), and the glue after it is glue
/// words and glue characters, `MAX_GLUE_BYTES` at most. So, reading back from `at` word by
/// word over glue characters, a label ends at a word, or that word is glue and the label is
/// further back. Other context (kana, accents) takes the whole search.
fn label_may_end_before(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(CONTEXT_BEFORE_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let Some(before) = text.get(from..at).filter(|s| s.is_ascii()) else {
        return true;
    };
    let b = before.as_bytes();
    let mut rest = b.len();
    loop {
        let end = b[..rest]
            .iter()
            .rposition(|&c| !is_glue_char(char::from(c)))
            .map_or(0, |i| i + 1);
        let start = b[..end]
            .iter()
            .rposition(|c| !c.is_ascii_alphabetic())
            .map_or(0, |i| i + 1);
        let word = &b[start..end];
        let Some(first) = word.first() else {
            return false;
        };
        if b.len() - end > MAX_GLUE_BYTES {
            return false;
        }
        let mut glue = false;
        let letter = usize::from(first.to_ascii_lowercase() - b'a');
        for tail in &LABEL_TAILS[letter][word.len().min(TAIL_LENGTHS - 1)] {
            let n = tail.word.len();
            let fits = if tail.open_ended {
                word.len() >= n
            } else {
                word.len() == n
            };
            if !fits || !word[..n].eq_ignore_ascii_case(tail.word.as_bytes()) {
                continue;
            }
            let Some(head) = tail.label_head else {
                glue = true;
                continue;
            };
            // The label starts a word: nothing alphabetic right before it.
            if let Some(label_start) = start.checked_sub(head.len())
                && b[label_start..start].eq_ignore_ascii_case(head.as_bytes())
                && (label_start == 0 || !b[label_start - 1].is_ascii_alphabetic())
            {
                return true;
            }
        }
        if !glue || b.len() - start > MAX_GLUE_BYTES {
            return false;
        }
        rest = start;
    }
}

/// A word that may come last before a number with a label attached (see
/// `label_may_end_before`): a glue word, or the last word of an ASCII label.
struct LabelTail {
    word: &'static str,
    /// What comes before `word` in its label ("gift " in "gift card"); `None` for glue.
    label_head: Option<&'static str>,
    /// Any ending may follow `word` (an open-ended label).
    open_ended: bool,
}

/// Word lengths told apart in `LABEL_TAILS`; longer words share the last slot.
const TAIL_LENGTHS: usize = 16;

/// `LabelTail`s by the first letter and length of the words they fit (an open-ended one fits
/// every length from its own on), so that a word is compared with a few at most.
static LABEL_TAILS: LazyLock<[[Vec<LabelTail>; TAIL_LENGTHS]; 26]> = LazyLock::new(|| {
    let mut by_letter: [[Vec<LabelTail>; TAIL_LENGTHS]; 26] = Default::default();
    let glue = GLUE_WORDS.iter().map(|w| (*w, None, false));
    let labels = LABELS.iter().map(|label| {
        let (stem, open_ended) = match label.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (*label, false),
        };
        let last = stem
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        (last, Some(&stem[..stem.len() - last.len()]), open_ended)
    });
    for (word, label_head, open_ended) in glue.chain(labels) {
        if let Some(&first) = word.as_bytes().first()
            && first.is_ascii_lowercase()
            && word.is_ascii()
            && label_head.is_none_or(str::is_ascii)
        {
            let n = word.len().min(TAIL_LENGTHS - 1);
            let lengths = if open_ended {
                n..TAIL_LENGTHS
            } else {
                n..n + 1
            };
            for len in lengths {
                by_letter[usize::from(first - b'a')][len].push(LabelTail {
                    word,
                    label_head,
                    open_ended,
                });
            }
        }
    }
    by_letter
});

/// Where in `before` a label that `label_attached` accepts can start, at the earliest. Its end
/// is at most `MAX_GLUE_BYTES` from the end of `before`, or inside the run of letters that
/// reaches that far (an open-ended label takes in the rest of its word); it starts at most
/// `longest` bytes before its end. Moved back to a non-letter, so that the word-boundary test
/// in `Keywords::hits` sees the same character before every label as in all of `before`.
fn label_search_start(before: &str, longest: usize) -> usize {
    let back_over_letters = |mut i: usize| {
        while let Some(c) = before[..i]
            .chars()
            .next_back()
            .filter(|c| c.is_alphabetic())
        {
            i -= c.len_utf8();
        }
        i
    };
    let mut limit = before.len().saturating_sub(MAX_GLUE_BYTES);
    while !before.is_char_boundary(limit) {
        limit += 1;
    }
    let mut start = back_over_letters(limit).saturating_sub(longest);
    while !before.is_char_boundary(start) {
        start -= 1;
    }
    back_over_letters(start)
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
    if CUE_WORDS.hits(hay).any(|hit| hit.end == hay.len()) {
        return true;
    }
    // "phne #", "phoone #": before a number sign, a phone word with a typo is still one.
    let last = &hay[hay.trim_end_matches(char::is_alphabetic).len()..];
    ["phone", "number", "telephone"]
        .iter()
        .any(|word| one_edit(last, word))
}

fn has_cue(hay: &str) -> bool {
    CUE_WORDS.hits(hay).next().is_some()
}

/// `before` is `context_before(text, c.span.start)`.
fn confidence(text: &str, before: &str, c: &Candidate) -> f32 {
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
    if has_cue(before) || has_cue(&context_after(text, c.span.end)) {
        confidence += CUE_BOOST;
    }
    confidence.clamp(0.0, 1.0)
}

// ---------------------------------------------------------------------------------------------
// Whose number

/// Words that name a phone number ("my own number", "meine Handynummer", "mi número de
/// teléfono"). Matched with one typo allowed from six letters on ("nubmer").
const PHONE_NOUNS: &[&str] = &[
    "number",
    "numbers",
    "phone",
    "telephone",
    "cellphone",
    "cell",
    "mobile",
    "tel",
    "landline",
    "nummer",
    "telefonnummer",
    "handynummer",
    "rufnummer",
    "mobilnummer",
    "festnetznummer",
    "handy",
    "telefon",
    "número",
    "numero",
    "teléfono",
    "telefono",
    "celular",
    "móvil",
    "movil",
    "numéro",
    "téléphone",
    "portable",
    "tél",
    "fixe",
];
/// What may stand between a possessive and its phone noun.
const PHONE_NOUN_MODIFIERS: &[&str] = &[
    "own",
    "personal",
    "private",
    "home",
    "work",
    "real",
    "direct",
    "contact",
    "callback",
    "of",
    "eigene",
    "eigenen",
    "eigener",
    "persönliche",
    "private",
    "privat",
    "propio",
    "privado",
    "de",
    "contacto",
    "propre",
    "personnel",
    "perso",
    "d",
    "du",
];
const POSSESSIVES: &[&str] = &[
    "my", "mein", "meine", "meiner", "meinem", "meinen", "mi", "mis", "mon", "ma", "mes",
];
/// Between the words and the number: "my number is", "meine Nummer lautet", "mi número es
/// el", "mon numéro est le", "reach me at".
const OWN_GLUE: &[&str] = &[
    "is", "was", "ist", "lautet", "war", "es", "era", "est", "c", "le", "el", "at", "on", "au",
    "al", "unter", "under", "via", "sur", "en",
];
/// Someone else speaking or acting: "he would call me back on …" is the scammer's number.
const THIRD_PERSON: &[&str] = &[
    "he", "she", "they", "him", "them", "scammer", "er", "il", "elle", "ils", "elles", "él",
    "ella", "ellos", "ellas",
];
/// Before a Japanese number, after its particle ("私の電話番号は…").
const OWN_JA_BEFORE: &[&str] = &[
    "私の電話番号",
    "私の携帯電話番号",
    "私の携帯番号",
    "私の携帯",
    "私の番号",
    "私の連絡先",
    "わたしの電話番号",
    "わたしの番号",
    "僕の電話番号",
    "僕の番号",
    "自分の電話番号",
    "自分の携帯番号",
    "自分の番号",
    "自分の連絡先",
    "自宅の電話番号",
    "自宅の番号",
];
/// After a Japanese number: "…は私の番号です", "…（自分の携帯）".
const OWN_JA_AFTER: &[&str] = &[
    "は私の",
    "が私の",
    "(私の",
    "は自分の",
    "が自分の",
    "(自分の",
    "は自宅の",
    "(自宅",
];

/// Is the number at `span` the reporter's own ("My own number is …", "you can reach me at …",
/// "… is my cell", "meine Nummer: …", "mi número es el …", "vous pouvez me joindre au …",
/// "私の電話番号は…")? A victim's own number is personal data, not an indicator. Only words
/// right before or after the number count, so "he called me from …" and "the number on my
/// screen was …" stay the scammer's. `before` is `context_before(text, span.start)`.
fn is_own_number(text: &str, before: &str, span: &Range<usize>) -> bool {
    own_before(before) || own_after(&context_after_clause(text, span.end))
}

/// Up to 48 bytes after `at`, lower-cased.
fn context_after_clause(text: &str, at: usize) -> String {
    let mut to = (at + 48).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    text.get(at..to).unwrap_or("").to_lowercase()
}

/// Most words of a clause that the rules below look at.
const CLAUSE_WORDS: usize = 10;

/// The words of one clause of `hay`, and whether a quote ends it.
struct Clause<'a> {
    words: [&'a str; CLAUSE_WORDS],
    len: usize,
    quoted: bool,
}

impl<'a> Clause<'a> {
    fn words(&self) -> &[&'a str] {
        &self.words[..self.len]
    }

    fn push(&mut self, word: &'a str) {
        if self.len < CLAUSE_WORDS {
            self.words[self.len] = word;
            self.len += 1;
        }
    }

    /// Is someone other than the reporter speaking or acting (a quote, a third person)? Asked
    /// only once a rule has matched: most clauses never need it, and it compares every word.
    fn someone_else(&self) -> bool {
        self.quoted || self.words().iter().any(|w| listed(THIRD_PERSON, w))
    }
}

/// The words of `hay` back from its end (`backwards`) or forward from its start, up to the end
/// of the clause (a full stop, a quote, a new line, a digit).
fn clause_words(hay: &str, backwards: bool) -> Clause<'_> {
    if backwards {
        clause_from(hay, hay.char_indices().rev(), true)
    } else {
        clause_from(hay, hay.char_indices(), false)
    }
}

fn clause_from<'a>(
    hay: &'a str,
    chars: impl Iterator<Item = (usize, char)>,
    backwards: bool,
) -> Clause<'a> {
    let mut clause = Clause {
        words: [""; CLAUSE_WORDS],
        len: 0,
        quoted: false,
    };
    let mut word: Option<Range<usize>> = None;
    for (i, c) in chars {
        if c.is_alphabetic() {
            let end = i + c.len_utf8();
            word = Some(match word {
                Some(w) if backwards => i..w.end,
                Some(w) => w.start..end,
                None => i..end,
            });
            continue;
        }
        if let Some(w) = word.take() {
            clause.push(&hay[w]);
        }
        let quote = matches!(c, '"' | '“' | '”' | '„' | '«' | '»');
        let ends = quote
            || matches!(c, '.' | '!' | '?' | ';' | '\n' | '。' | '！' | '？')
            || c.is_ascii_digit();
        if ends || clause.len == CLAUSE_WORDS {
            clause.quoted = quote;
            return clause;
        }
    }
    if let Some(w) = word {
        clause.push(&hay[w]);
    }
    clause
}

/// `list.contains(&word)`, comparing lengths and first bytes before whole words: most words
/// differ there already, and a whole comparison is a call to `memcmp`.
fn listed(list: &[&str], word: &str) -> bool {
    let w = word.as_bytes();
    list.iter().any(|t| {
        let t = t.as_bytes();
        t.len() == w.len() && t.first() == w.first() && t == w
    })
}

/// One edit (insertion, deletion, substitution, or two neighbours swapped) from `target`, or
/// the word itself when it is shorter than six bytes ("phoned" is not "phone").
fn word_is(word: &str, target: &str) -> bool {
    // One edit changes the length by one at most, and between words this long it leaves the
    // first or the last byte as it was (two neighbours swapped at one end leave the other end):
    // most words are turned away without the call.
    let (w, t) = (word.as_bytes(), target.as_bytes());
    listed(&[target], word)
        || (t.len() >= 6
            && w.len().abs_diff(t.len()) <= 1
            && (w.first() == t.first() || w.last() == t.last())
            && one_edit(word, target))
}

/// "reach" in "if you need to raech me", where the words around it leave no doubt.
fn reach_word(word: &str) -> bool {
    ["reach", "contact"].iter().any(|t| one_edit(word, t))
}

/// At most one edit from `target`.
fn one_edit(word: &str, target: &str) -> bool {
    if word == target {
        return true;
    }
    let (a, b) = (word.as_bytes(), target.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            a[i + 1..] == b[i + 1..]
                || (i + 1 < a.len()
                    && a[i] == b[i + 1]
                    && a[i + 1] == b[i]
                    && a[i + 2..] == b[i + 2..])
        }
        std::cmp::Ordering::Less => a[i..] == b[i + 1..],
        std::cmp::Ordering::Greater => a[i + 1..] == b[i..],
    }
}

fn word_in(word: &str, list: &[&str]) -> bool {
    list.iter().any(|t| word_is(word, t))
}

/// "my (own) number", "mi número de teléfono", "mon propre numéro": a possessive, up to three
/// modifiers or nouns, a phone noun; `words` run from the noun back.
fn possessive_phone_noun(words: &[&str]) -> bool {
    let Some((noun, rest)) = words.split_first() else {
        return false;
    };
    if !word_in(noun, PHONE_NOUNS) {
        return false;
    }
    rest.iter()
        .take(4)
        .take_while(|w| !listed(POSSESSIVES, w))
        .all(|w| listed(PHONE_NOUN_MODIFIERS, w) || word_in(w, PHONE_NOUNS))
        && rest.iter().take(4).any(|w| listed(POSSESSIVES, w))
}

fn own_before(before: &str) -> bool {
    let trimmed = before.trim_end_matches([' ', ':', '：', '、', '=', '(', '-', '#', 'は', 'が']);
    if OWN_JA_BEFORE.iter().any(|w| trimmed.ends_with(w)) {
        return true;
    }
    let clause = clause_words(before, true);
    let words = clause.words();
    let glue = words.iter().take_while(|w| listed(OWN_GLUE, w)).count();
    let w = &words[glue..];
    if possessive_phone_noun(w) {
        return true;
    }
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    let reach = |v: &str| reach_word(v) || matches!(v, "call" | "text" | "ring" | "phone");
    // en: "reach me at", "call me back on"; de: "Sie erreichen mich unter", "bin erreichbar
    // unter"; es: "llamarme al", "me pueden llamar al" (not "me pidieron llamar al", they
    // asked me to call); fr: "me joindre au", "m'appeler au". Unless someone else is speaking
    // or acting in the clause, asked last because it compares every word.
    let reach_me = (at(0) == "me" && reach(at(1)))
        || (at(0) == "back" && at(1) == "me" && reach(at(2)))
        || (at(0) == "mich" && word_in(at(1), &["erreichen", "kontaktieren", "anrufen"]))
        || (at(0) == "mich" && at(1) == "sie" && word_in(at(2), &["erreichen", "kontaktieren"]))
        || word_is(at(0), "erreichbar")
        || word_in(at(0), &["llamarme", "contactarme", "localizarme"])
        || (word_in(at(0), &["llamar", "contactar", "localizar"])
            && matches!(
                at(1),
                "pueden" | "puede" | "puedes" | "podéis" | "podrán" | "podrá"
            )
            && at(2) == "me")
        || (word_in(at(0), &["joindre", "contacter", "rappeler", "appeler"])
            && matches!(at(1), "me" | "m"));
    reach_me && !clause.someone_else()
}

fn own_after(after: &str) -> bool {
    let trimmed = after.trim_start_matches([' ', ',', '、']);
    if OWN_JA_AFTER.iter().any(|w| trimmed.starts_with(w)) {
        return true;
    }
    let clause = clause_words(after, false);
    let words = clause.words();
    // "… is my number", "… (my cell)", "… ist meine Nummer", "… c'est mon numéro".
    let copula = words
        .iter()
        .take_while(|w| {
            matches!(
                **w,
                "is" | "was" | "ist" | "es" | "est" | "c" | "that" | "this" | "which" | "das"
            )
        })
        .count();
    let possessed = &words[copula..];
    if possessed.first().is_some_and(|w| listed(POSSESSIVES, w))
        && possessed
            .iter()
            .skip(1)
            .take(4)
            .any(|w| word_in(w, PHONE_NOUNS))
    {
        return true;
    }
    // "… if you need to reach me", "… falls Sie mich erreichen müssen", "… por si necesitan
    // contactarme", "… si vous devez me joindre".
    let you = |w: &&str| matches!(*w, "you" | "sie" | "vous" | "si");
    words.iter().enumerate().any(|(k, w)| {
        let next = words.get(k + 1).copied().unwrap_or("");
        let prev = words.get(k.wrapping_sub(1)).copied().unwrap_or("");
        let addressed = words[..k].iter().any(you);
        addressed
            && ((reach_word(w) || *w == "call") && next == "me"
                || (*w == "mich" && word_in(next, &["erreichen", "kontaktieren", "anrufen"]))
                || word_in(w, &["llamarme", "contactarme", "localizarme"])
                || (matches!(prev, "me" | "m")
                    && word_in(w, &["joindre", "contacter", "rappeler", "appeler"])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::random_texts;
    use proptest::prelude::*;

    fn e164s(text: &str, region: &str) -> Vec<String> {
        find_phones(text, region)
            .into_iter()
            .map(|m| m.e164)
            .collect()
    }

    /// The North American shortcut gives exactly what libphonenumber's parse gives, for every
    /// way of writing a number it takes, in every region, over many numbers (valid or not).
    #[test]
    fn digit_runs_answer_as_the_digit_search_does() {
        let chars: Vec<char> = "0123456789 -.+()aOlI\u{ff11}\u{30fc}".chars().collect();
        for text in random_texts(&chars, 0x2545_f491_4f6c_dd1d, 2_000, 90) {
            let text: String = text.into_iter().collect();
            let b = text.as_bytes();
            let runs = DigitRuns::of(b);
            let mut cursor = 0;
            for from in 0..=b.len() + 1 {
                assert_eq!(
                    runs.next_digit(from),
                    next_ascii_digit(b, from),
                    "{text:?} from {from}"
                );
                assert_eq!(
                    runs.next_digit_after(&mut cursor, from),
                    next_ascii_digit(b, from).map(|at| (at, digits_at(b, at, b.len()))),
                    "{text:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn nanp_parse_is_libphonenumbers_parse() {
        let mut regions: Vec<Option<Region>> = PHONE_NUMBER_UTIL
            .get_supported_regions()
            .map(Some)
            .collect();
        regions.sort_by_key(|r| r.map(|r| r.to_string()));
        regions.push(None);
        let nanp: Vec<Option<Region>> = regions.iter().copied().filter(|r| is_nanp(*r)).collect();
        let forms: &[fn(&str, &str, &str) -> String] = &[
            |a, x, l| format!("{a}{x}{l}"),
            |a, x, l| format!("{a}-{x}-{l}"),
            |a, x, l| format!("{a}.{x}.{l}"),
            |a, x, l| format!("{a} {x} {l}"),
            |a, x, l| format!("({a}) {x}-{l}"),
            |a, x, l| format!("({a}){x}-{l}"),
            |a, x, l| format!("1-{a}-{x}-{l}"),
            |a, x, l| format!("1 {a} {x} {l}"),
            |a, x, l| format!("1{a}{x}{l}"),
            |a, x, l| format!("1.{a}.{x}.{l}"),
            |a, x, l| format!("+1 {a} {x} {l}"),
            |a, x, l| format!("+1-{a}-{x}-{l}"),
            |a, x, l| format!("+1{a}{x}{l}"),
            |a, x, l| format!("+1 ({a}) {x}-{l}"),
            |a, x, l| format!("+1{a} {x}{l}"),
            |a, x, l| format!("+{a}{x}{l}"),
            |a, x, l| format!("{a}{x}{l}1"),
            |a, x, l| format!("11{a}{x}{l}"),
            |a, x, l| format!("0{a}{x}{l}"),
            |a, x, l| format!("{a} {x}{l}"),
            |a, x, l| format!("1({a}){x}-{l}"),
            |a, x, l| format!("1 ({a}) {x}-{l}"),
            |a, x, l| format!("1-({a})-{x}-{l}"),
            |a, x, l| format!("1.({a}).{x}.{l}"),
            |a, x, l| format!("1(({a}){x}-{l}"),
            |a, x, l| format!("1({a}) ({x})-{l}"),
        ];
        let mut next = crate::test_draws(0x2545_f491_4f6c_dd1d);
        let (mut checked, mut taken) = (0, 0);
        for round in 0..3000 {
            // Mostly area codes and exchanges that start 2-9, some that do not.
            let lead = |d: u64| if round % 10 == 0 { d % 10 } else { 2 + d % 8 };
            let a = format!("{}{:02}", lead(next(10)), next(100));
            let x = format!("{}{:02}", lead(next(10)), next(100));
            let l = format!("{:04}", next(10_000));
            for form in forms {
                let read = form(&a, &x, &l);
                let pool = if next(2) == 0 { &nanp } else { &regions };
                let region = pool[next(pool.len() as u64) as usize];
                let fast = nanp_parse(&read, region);
                checked += 1;
                if let Some(fast) = fast {
                    taken += 1;
                    let slow = PHONE_NUMBER_UTIL.parse(&read, region).ok();
                    assert_eq!(Some(fast), slow, "{read} in {region:?}");
                }
            }
        }
        // The shortcut must actually be taken for the common forms.
        assert!(taken * 3 > checked, "{taken} of {checked}");
    }

    #[test]
    fn reads_nanp_never_valid_refuses_are_never_valid() {
        let nanp: Vec<Region> = PHONE_NUMBER_UTIL
            .get_supported_regions()
            .filter(|r| is_nanp(Some(*r)))
            .collect();
        assert!(nanp.len() >= 20, "{} North American regions", nanp.len());
        let mut next = crate::test_draws(0x9e37_79b9_7f4a_7c15);
        let separators = [" ", "-", ".", "", "/", ") ", "("];
        let (mut refused, mut checked) = (0, 0);
        for _ in 0..40_000 {
            // Digit strings of 6 to 14 digits, often behind one to three `1`s, often with a
            // valid-looking North American number inside, in groups joined by separators.
            let len = 6 + next(9) as usize;
            let mut digits: String = (0..len)
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            if next(2) == 0 {
                let ten = format!("{}{:09}", 2 + next(8), next(1_000_000_000));
                let keep = 7 + next(4) as usize;
                digits = ten[..keep.min(10)].to_string();
            }
            if next(3) == 0 {
                digits.insert_str(0, &"111"[..1 + next(3) as usize]);
            }
            if next(4) == 0 {
                digits.insert(0, '3');
            }
            let mut read = String::new();
            if next(6) == 0 {
                read.push('(');
            }
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && next(4) == 0 {
                    read.push_str(separators[next(separators.len() as u64) as usize]);
                }
                read.push(c);
            }
            let region = nanp[next(nanp.len() as u64) as usize];
            checked += 1;
            if nanp_never_valid(&read, Some(region)) {
                refused += 1;
                if let Ok(number) = PHONE_NUMBER_UTIL.parse(&read, Some(region)) {
                    assert!(
                        !number.is_valid(),
                        "{read} in {region} is valid: {number:?}"
                    );
                }
            }
        }
        // The shortcut must actually refuse a good share of these.
        assert!(refused * 3 > checked, "{refused} of {checked}");
        // Never outside the plan, never with `+`, never with a leading 0.
        assert!(!nanp_never_valid("399 256 005", Some(Region::GB)));
        assert!(!nanp_never_valid("399 256 005", None));
        assert!(!nanp_never_valid("+1 399 256 005", Some(Region::US)));
        assert!(!nanp_never_valid("011 44 20 7946 0958", Some(Region::US)));
        assert!(nanp_never_valid("28060-9374", Some(Region::US)));
        assert!(nanp_never_valid("(191330494", Some(Region::CA)));
        assert!(!nanp_never_valid("1 (888) 555-0142", Some(Region::US)));
    }

    /// Test numbers must be ones libphonenumber itself calls valid.
    fn assert_valid(e164: &str) {
        let n = PHONE_NUMBER_UTIL
            .parse(e164, None)
            .expect("test number parses");
        assert!(n.is_valid(), "{e164} is not valid to libphonenumber");
    }

    #[test]
    fn north_american_toll_free_shortcut_equals_libphonenumber() {
        let mut checked = 0;
        for area in [800u64, 833, 844, 855, 866, 877, 888, 822, 880, 899] {
            for exchange_first in 0..10u64 {
                for rest in [0u64, 1, 42, 99_999, 123_456, 555_0142, 999_999, 700_000] {
                    let n = area * 10_000_000 + exchange_first * 1_000_000 + rest % 1_000_000;
                    let number = PHONE_NUMBER_UTIL
                        .parse(format!("+1{n}"), None)
                        .expect("parses");
                    let expected_region = number
                        .get_region_code()
                        .filter(|r| *r != Region::World)
                        .map(|r| r.to_string());
                    assert_eq!(number_type(&number), number.get_type(), "+1{n}");
                    if is_nanp_toll_free(&number) {
                        assert_eq!(Some("US".to_string()), expected_region, "+1{n}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(
            checked,
            7 * 8 * 8,
            "the shortcut answers every 8XX number with N in 2-9"
        );
    }

    /// Every number of up to five digits, and every length from 6 to 17 digits with every
    /// first four digits and four fillings of the rest: the general patterns of the plan's
    /// regions tell numbers apart by their length and at most four first digits ("8001",
    /// "7215").
    #[test]
    fn north_american_unassignable_shortcut_equals_libphonenumber() {
        let mut national: Vec<u64> = (0..100_000).collect();
        for len in 6..=17u32 {
            for head in 1_000..10_000u64 {
                for fill in [0u64, 1, 5, 9] {
                    // `fill` repeated over the remaining digits.
                    let rest = len - 4;
                    let filler = fill * (10u64.pow(rest) - 1) / 9;
                    national.push(head * 10u64.pow(rest) + filler);
                }
            }
        }
        let mut checked = 0;
        for n in national {
            let number = PhoneNumber {
                country_code: 1,
                national_number: n,
                ..PhoneNumber::default()
            };
            if is_nanp_unassignable(&number) {
                assert_eq!(number.get_type(), PhoneNumberType::Unknown, "+1 {n}");
                checked += 1;
            }
            assert_eq!(number_type(&number), number.get_type(), "+1 {n}");
        }
        assert!(checked > 300_000, "{checked} numbers the shortcut answers");
    }

    /// Every area code, every exchange, four subscriber numbers each: the tables are exactly
    /// the area codes whose numbers libphonenumber types and places as `nanp_geographic` does.
    #[test]
    fn north_american_area_code_tables_equal_libphonenumber() {
        let mut us = [0u64; 13];
        let mut ca = [0u64; 13];
        for code in 200..=999u64 {
            let mut region = None;
            let uniform = (0..1_000u64).all(|exchange| {
                [0u64, 1_234, 5_555, 9_999].iter().all(|line| {
                    let number = PhoneNumber {
                        country_code: 1,
                        national_number: code * 10_000_000 + exchange * 10_000 + line,
                        ..PhoneNumber::default()
                    };
                    let kind = number.get_type();
                    if exchange < 200 {
                        return kind == PhoneNumberType::Unknown;
                    }
                    let here = number.get_region_code();
                    kind == PhoneNumberType::FixedLineOrMobile
                        && matches!(here, Some(Region::US | Region::CA))
                        && *region.get_or_insert(here) == here
                })
            });
            let bit = (code - 200) as usize;
            match (uniform, region.flatten()) {
                (true, Some(Region::US)) => us[bit / 64] |= 1 << (bit % 64),
                (true, Some(Region::CA)) => ca[bit / 64] |= 1 << (bit % 64),
                _ => {}
            }
        }
        assert_eq!(us, US_AREA_CODES, "US: {us:#018x?}");
        assert_eq!(ca, CA_AREA_CODES, "CA: {ca:#018x?}");
        // And the shortcut answers as the tables say, for numbers in and out of them.
        for n in [
            2_125_550_142u64,
            2_121_550_142,
            4_165_550_142,
            6_495_550_142,
            9_835_550_142,
        ] {
            let number = PhoneNumber {
                country_code: 1,
                national_number: n,
                ..PhoneNumber::default()
            };
            assert_eq!(number_type(&number), number.get_type(), "+1{n}");
            if let Some((_, Some(region))) = nanp_geographic(&number) {
                assert_eq!(Some(region), number.get_region_code(), "+1{n}");
            }
        }
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

    /// Random texts of digits, O's, l's, I's, letters, separators and a few non-ASCII
    /// characters: the digit-driven reading changes exactly what the byte-by-byte one does.
    #[test]
    fn letters_as_digits_equals_the_bytewise_reading() {
        let alphabet: Vec<char> = "0123456789OoOolIlI1 -.aZé\u{ff10}x".chars().collect();
        for text in random_texts(&alphabet, 0x9e37_79b9_7f4a_7c15, 20_000, 40) {
            let text: String = text.into_iter().collect();
            let (mut fast, mut plain) = (text.clone().into_bytes(), text.clone().into_bytes());
            letters_as_digits(&mut fast);
            letters_as_digits_bytewise(&mut plain);
            assert_eq!(fast, plain, "{text:?}");
        }
    }

    /// The characters `fold_char` may change start exactly where `may_fold_at` says (the long
    /// vowel marks whatever their neighbours, which decide).
    #[test]
    fn may_fold_at_marks_every_folding_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            let folds = fold_char(c, Some('1'), Some('1')) != c || fold_char(c, None, None) != c;
            assert_eq!(may_fold_at(b, 0), folds, "{c:?}");
        }
    }

    #[test]
    fn listed_is_contains() {
        for list in [
            POSSESSIVES,
            OWN_GLUE,
            THIRD_PERSON,
            PHONE_NOUN_MODIFIERS,
            PHONE_NOUNS,
        ] {
            for word in list
                .iter()
                .chain(&["", "m", "me", "mx", "él", "e", "eigene", "x"])
            {
                assert_eq!(listed(list, word), list.contains(word), "{word:?}");
            }
        }
    }

    #[test]
    fn phone_bytes_are_digits_and_separators() {
        for c in 0..=255u8 {
            let plain = c.is_ascii_digit()
                || matches!(
                    c,
                    b'+' | b'(' | b')' | b'[' | b']' | b'-' | b'.' | b'/' | b' '
                );
            assert_eq!(is_phone_byte(c), plain, "{c}");
        }
    }

    /// `chars_fold` as first written: a walk over every non-ASCII character.
    fn chars_fold_walking(b: &[u8]) -> bool {
        let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        let next_is_digit = |i: usize| digit_at(i) || fullwidth_digit_at(b, i);
        let mut i = 0;
        while let Some(at) = next_non_ascii(b, i) {
            i = at;
            let (c1, c2) = (b.get(i + 1).copied(), b.get(i + 2).copied());
            let folds = match (b[i], c1, c2) {
                (0xC2, Some(0xA0), _) => true,
                (0xE2, Some(0x80), Some(0x90..=0x95 | 0x87 | 0x89 | 0xAF)) => true,
                (0xE2, Some(0x88), Some(0x92)) => true,
                (0xE3, Some(0x80), Some(0x80)) => true,
                (0xEF, Some(0xB9), Some(0x98 | 0xA3)) => true,
                (0xEF, Some(0xBC), Some(0x81..=0xBF)) => true,
                (0xEF, Some(0xBD), Some(0x80..=0x9E)) => true,
                (0xE3, Some(0x83), Some(0xBC)) | (0xEF, Some(0xBD), Some(0xB0)) => {
                    (i >= 1 && digit_at(i - 1)) || next_is_digit(i + 3)
                }
                _ => false,
            };
            if folds {
                return true;
            }
            i += utf8_len(b[i]);
        }
        false
    }

    /// The searches for folding characters answer as the walk: random texts of kana, kanji,
    /// long vowel marks, spaces, dashes, full-width forms and digits, and every character.
    #[test]
    fn chars_fold_equals_the_walk() {
        let alphabet: Vec<char> = "ーｰ1２a\u{3000}\u{a0}\u{2010}−電話は（ )é。ﾌ"
            .chars()
            .collect();
        for text in random_texts(&alphabet, 0x0123_4567_89ab_cdef, 30_000, 12) {
            let text: String = text.into_iter().collect();
            let b = text.as_bytes();
            assert_eq!(chars_fold(b), chars_fold_walking(b), "{text:?}");
        }
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("x{c}y"), format!("1{c}"), format!("{c}２")] {
                let b = text.as_bytes();
                assert_eq!(chars_fold(b), chars_fold_walking(b), "{text:?}");
            }
        }
    }

    /// The folded text as first built, one character at a time: the oracle for the run copy.
    fn folded_char_by_char(input: &str) -> (Vec<u8>, Vec<usize>) {
        let (mut bytes, mut origin) = (Vec::new(), Vec::new());
        let mut prev: Option<char> = None;
        let mut chars = input.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let folded = if c.is_ascii() {
                c
            } else {
                fold_char(c, prev, next)
            };
            let mut buf = [0u8; 4];
            let encoded = folded.encode_utf8(&mut buf).as_bytes();
            bytes.extend_from_slice(encoded);
            origin.extend(std::iter::repeat_n(at, encoded.len()));
            prev = Some(c);
        }
        origin.push(input.len());
        letters_as_digits(&mut bytes);
        (bytes, origin)
    }

    /// Texts that need folding, of kana, kanji, full-width forms, dashes and spaces: the run
    /// copy gives the text and offsets the character-by-character one gave.
    #[test]
    fn folding_runs_equal_folding_each_character() {
        let alphabet: Vec<char> =
            "0１２ー-‐−—ｰ\u{3000}\u{a0} 電話はフリーダイヤルﾌﾘｰ（）＋ａéO1x。"
                .chars()
                .collect();
        let mut folded = 0;
        for text in random_texts(&alphabet, 0x2545_f491_4f6c_dd1d, 20_000, 30) {
            let text: String = text.into_iter().collect();
            let norm = Normalized::new(&text);
            let Some(origin) = &norm.origin else {
                continue;
            };
            folded += 1;
            let (bytes, want) = folded_char_by_char(&text);
            assert_eq!(norm.text.as_bytes(), &bytes[..], "{text:?}");
            assert_eq!(origin, &want, "{text:?}");
        }
        assert!(folded > 10_000, "{folded}");
    }

    #[test]
    fn letters_for_digits_stay_letters_in_words() {
        let norm = |s: &str| Normalized::new(s).text.into_owned();
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

    /// `label_may_end_before` rests on this: a label that can stand in ASCII text is a Latin
    /// word, or words, ending in a letter.
    #[test]
    fn ascii_labels_are_latin_and_end_in_a_letter() {
        for label in LABELS {
            let stem = label.trim_end_matches('*');
            if stem.is_ascii() {
                assert!(
                    stem.starts_with(|c: char| c.is_ascii_alphabetic())
                        && stem.ends_with(|c: char| c.is_ascii_alphabetic()),
                    "{label}"
                );
            }
        }
    }

    /// Random contexts (words, then a label, then glue of every length around the limit,
    /// sometimes a word after): searching from `label_search_start` accepts exactly what
    /// searching all of the context does.
    #[test]
    fn label_search_from_the_end_equals_the_whole_search() {
        let words = [
            "call",
            "zip",
            "x",
            "é",
            "電話",
            "caller id",
            "the",
            "ref",
            "(",
            "\n",
            "12",
            "order",
        ];
        let labels = [
            "order",
            "ordernummer",
            "bestellnummer",
            "customer number",
            "ref",
            "account",
            "accounts",
            "注文番号",
            "お問い合わせ番号",
            "número de tarjeta",
            "caller id",
            "case",
            "ticket",
        ];
        let glue = [
            " ",
            "  ",
            ": ",
            "#",
            "-",
            ".",
            "no",
            "number",
            "is",
            " no. ",
            "    ",
            ": # ",
            "は",
            "番号は",
            "(",
            "=",
        ];
        let whole = |before: &str| {
            LABEL_WORDS.hits(before).any(|hit| {
                let head = &before[..hit.end];
                !LABEL_EXCEPTIONS.iter().any(|e| head.ends_with(e)) && is_glue(&before[hit.end..])
            })
        };
        let mut draw = crate::test_draws(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| draw(n as u64) as usize;
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(6) {
                text.push_str(words[next(words.len())]);
            }
            text.push_str(labels[next(labels.len())]);
            for _ in 0..next(12) {
                text.push_str(glue[next(glue.len())]);
            }
            if next(4) == 0 {
                text.push_str(words[next(words.len())]);
            }
            let expected = whole(&context_before(&text, text.len()));
            accepted += usize::from(expected);
            assert_eq!(label_attached(&text, text.len()), expected, "{text:?}");
        }
        assert!(accepted > 2_000, "{accepted} labelled contexts");
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
        // National format outside its country needs the international prefix, or the
        // grouping of its home (see `foreign_numbers_in_their_home_grouping`).
        assert_eq!(e164s("call 8885550142", "JP"), Vec::<String>::new());
        assert_eq!(e164s("call +1 888-555-0142", "JP"), ["+18885550142"]);
    }

    /// A number invalid in the victim's region, written the way North American numbers are
    /// printed, is North American; bare digits and other groupings are not.
    #[test]
    fn foreign_numbers_in_their_home_grouping() {
        for (region, text) in [
            ("DE", "Die Nummer war 800-407-6722."),
            ("DE", "Ich sollte (877) 734-2537 anrufen."),
            ("DE", "Ich sollte (877)734-2537 anrufen."),
            ("GB", "I called 800.763.7197 back"),
            ("ES", "Por favor bloqueen este número: 866 524 9818 ya"),
            ("FR", "Le numéro était le (888) 679-4343."),
            ("AU", "They kept calling back from 855 791 5425 after"),
            ("JP", "画面の番号は800-407-6722でした"),
        ] {
            let found = find_phones(text, region);
            assert_eq!(found.len(), 1, "{region}: {text}: {found:?}");
            assert!(found[0].e164.starts_with("+1"), "{region}: {found:?}");
            assert_eq!(found[0].region.as_deref(), Some("US"), "{region}: {text}");
        }
        for (region, text) in [
            // Bare digits: as often an order number.
            ("DE", "Ich sollte 8667073030 anrufen."),
            // Not the 3-3-4 grouping, or mixed separators.
            ("DE", "Aktenzeichen 2024-64-2424 bitte"),
            ("DE", "Nummer 86-6707-3030 bitte"),
            ("DE", "Nummer 866-707.3030 bitte"),
            ("GB", "call 866 7073 030 now"),
            // Area codes and exchanges start with 2-9.
            ("DE", "Nummer 166-707-3030 bitte"),
            // Labels still disown it.
            ("DE", "Bestellnummer 800-407-6722"),
            // Read in the victim's region first: a valid Indian mobile stays Indian.
            ("IN", "call 866-782-2341 now"),
        ] {
            let found = find_phones(text, region);
            assert!(
                found.iter().all(|m| !m.e164.starts_with("+1")),
                "{region}: {text}: {found:?}"
            );
        }
        assert_eq!(e164s("call 866-782-2341 now", "IN"), ["+918667822341"]);
        // A structured field is read the same way when the region cannot read it at all
        // (it keeps libphonenumber's lenient reading otherwise).
        assert_eq!(
            parse_phone("(866) 524-9818", "ES").map(|m| m.e164),
            Some("+18665249818".to_owned())
        );
    }

    /// The reporter's own number is personal data, in every language; the scammer's number
    /// next to "me" or "my" is not.
    #[test]
    fn the_reporters_own_number_is_not_an_indicator() {
        assert_valid("+12125550142");
        let own: &[(&str, &str)] = &[
            (
                "US",
                "My own number is (212) 555-0142 if you need to reach me.",
            ),
            (
                "US",
                "My own nubmer is 212-555-0142 if you need to reach me.",
            ),
            ("US", "my number: 212.555.0142"),
            ("US", "You can reach me at 212 555 0142."),
            ("US", "Please call me back on 212-555-0142."),
            ("US", "my cell phone is +1 212 555 0142"),
            ("US", "212-555-0142 is my number."),
            ("US", "Reporter: 212-555-0142 (my cell)"),
            ("US", "Call 212-555-0142 if you need to raech me."),
            ("GB", "My mobile is +44 7911 123456."),
            ("DE", "Meine Telefonnummer ist 030 1234567."),
            ("DE", "Meine eigene Nummer lautet 030 1234567."),
            ("DE", "Sie erreichen mich unter 030 1234567."),
            ("DE", "Ich bin erreichbar unter 030 1234567."),
            ("DE", "030 1234567, falls Sie mich erreichen müssen."),
            ("ES", "Mi número de teléfono es el 912 345 678."),
            ("ES", "Pueden llamarme al 912 345 678."),
            ("ES", "Me pueden llamar al 912 345 678."),
            ("ES", "912 345 678 es mi número."),
            ("FR", "Mon propre numéro est le 01 23 45 67 89."),
            ("FR", "Vous pouvez me joindre au 01 23 45 67 89."),
            ("FR", "01 23 45 67 89, si vous devez me joindre."),
            ("JP", "私の電話番号は03-1234-5678です。"),
            ("JP", "自分の番号：090-1234-5678"),
            ("JP", "090-1234-5678は私の携帯です。"),
        ];
        for &(region, text) in own {
            assert_eq!(
                e164s(text, region),
                Vec::<String>::new(),
                "{region}: {text}"
            );
        }
        let scammer: &[(&str, &str, &str)] = &[
            ("US", "He called me from 212-555-0142.", "+12125550142"),
            (
                "US",
                "They called my phone from 212-555-0142.",
                "+12125550142",
            ),
            (
                "US",
                "The number on my screen was 212-555-0142.",
                "+12125550142",
            ),
            (
                "US",
                "He said he would call me back on 212-555-0142.",
                "+12125550142",
            ),
            (
                "US",
                "He said: \"call me back at 212-555-0142\"",
                "+12125550142",
            ),
            (
                "US",
                "They used 212-555-0142 to call me every day.",
                "+12125550142",
            ),
            ("US", "My computer showed 212-555-0142.", "+12125550142"),
            ("DE", "Er rief mich von 030 1234567 an.", "+49301234567"),
            (
                "DE",
                "Auf meinem Bildschirm stand 030 1234567.",
                "+49301234567",
            ),
            ("ES", "Me llamaron desde el 912 345 678.", "+34912345678"),
            ("ES", "Me pidieron llamar al 912 345 678.", "+34912345678"),
            (
                "FR",
                "Il m'a appelé depuis le 01 23 45 67 89.",
                "+33123456789",
            ),
            (
                "JP",
                "私のパソコンに03-1234-5678と表示されました。",
                "+81312345678",
            ),
        ];
        for &(region, text, e164) in scammer {
            assert_valid(e164);
            assert_eq!(e164s(text, region), [e164], "{region}: {text}");
        }
        // Both in one report: only the reporter's is dropped.
        let text = "They told me to call 1-888-555-0142. My own number is 212-555-0142.";
        assert_eq!(e164s(text, "US"), ["+18885550142"]);
    }

    #[test]
    fn one_typo_at_most_and_only_in_long_words() {
        for word in ["number", "nubmer", "numbr", "nummber", "numbet"] {
            assert!(word_is(word, "number"), "{word}");
        }
        for word in ["nmubre", "numb", "numbers2x", "phone"] {
            assert!(!word_is(word, "number"), "{word}");
        }
        assert!(!word_is("phoned", "phone"));
        assert!(word_is("phone", "phone"));
    }

    /// `word_is` turns words away on their first and last bytes before asking `one_edit`:
    /// every single edit of a long phone noun still passes.
    #[test]
    fn every_single_edit_of_a_long_word_is_still_that_word() {
        for target in PHONE_NOUNS.iter().filter(|t| t.len() >= 6 && t.is_ascii()) {
            let t = target.as_bytes();
            let mut edits: Vec<Vec<u8>> = Vec::new();
            for i in 0..=t.len() {
                for c in b'a'..=b'z' {
                    let mut inserted = t.to_vec();
                    inserted.insert(i, c);
                    edits.push(inserted);
                    if i < t.len() {
                        let mut substituted = t.to_vec();
                        substituted[i] = c;
                        edits.push(substituted);
                    }
                }
                if i < t.len() {
                    let mut deleted = t.to_vec();
                    deleted.remove(i);
                    edits.push(deleted);
                }
                if i + 1 < t.len() {
                    let mut swapped = t.to_vec();
                    swapped.swap(i, i + 1);
                    edits.push(swapped);
                }
            }
            for edit in edits {
                let word = String::from_utf8(edit).expect("ASCII edits of an ASCII word");
                assert!(word_is(&word, target), "{word} {target}");
            }
        }
    }

    /// `nanp_formats` writes what libphonenumber writes.
    #[test]
    fn north_american_formats_match_libphonenumber() {
        for text in [
            "+18885550142",
            "+12125550142",
            "+14165550199",
            "+18762345678",
            "+16045550000",
            "+19999999999",
            "+12002000000",
        ] {
            let number = PHONE_NUMBER_UTIL.parse(text, None).expect("parses");
            let Some((e164, international)) = nanp_formats(&number) else {
                panic!("{text} has no fast format");
            };
            assert_eq!(e164, number.format_as(PhoneNumberFormat::E164), "{text}");
            assert_eq!(
                international,
                number.format_as(PhoneNumberFormat::International),
                "{text}"
            );
        }
        let uk = PHONE_NUMBER_UTIL
            .parse("+448001234567", None)
            .expect("parses");
        assert!(nanp_formats(&uk).is_none());
        // Over many numbers: the digits and dashes where `+1 NXX-NXX-XXXX` puts them, and what
        // libphonenumber writes for the valid ones.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let n = 2_000_000_000 + state % 8_000_000_000;
            let number = PhoneNumber {
                country_code: 1,
                national_number: n,
                ..PhoneNumber::default()
            };
            let (e164, international) = nanp_formats(&number).expect("ten digits");
            let (area, exchange, line) = (n / 10_000_000, n / 10_000 % 1000, n % 10_000);
            assert_eq!(e164, format!("+1{n}"));
            assert_eq!(international, format!("+1 {area}-{exchange:03}-{line:04}"));
            if number.is_valid() {
                assert_eq!(e164, number.format_as(PhoneNumberFormat::E164));
                assert_eq!(
                    international,
                    number.format_as(PhoneNumberFormat::International)
                );
            }
        }
    }

    /// Where `matcher_needed` says no, libphonenumber's matcher takes the whole window.
    #[test]
    fn the_matcher_is_skipped_only_where_it_agrees() {
        for (read, region) in [
            ("(888) 555-0142", "US"),
            ("888.555.0142", "US"),
            ("1 888 555 0142", "US"),
            ("+1 (888) 555-0142", "DE"),
            ("+44 (0)800 425 9924", "US"),
            ("0800 123 4567", "GB"),
            ("0120-123-456", "JP"),
            ("1800 123 456", "AU"),
            ("900 123 456", "ES"),
            ("01 23 45 67 89", "FR"),
            ("030 1234567", "DE"),
            ("3-1234-5678", "JP"),
            ("30 1234567", "DE"),
        ] {
            let region = parse_region(region);
            let number = PHONE_NUMBER_UTIL.parse(read, region).expect("parses");
            assert!(number.is_valid(), "{read}");
            if !matcher_needed(read, &number) {
                assert!(
                    matcher_takes_whole(read, region),
                    "{read}: skipped, but the matcher refuses it"
                );
            }
        }
        // The leading `1` before a bracketed area code, for numbers of every North American
        // region read in every region of the plan.
        let nanp: Vec<Region> = PHONE_NUMBER_UTIL
            .get_supported_regions()
            .filter(|r| is_nanp(Some(*r)))
            .collect();
        let mut next = crate::test_draws(0x2545_f491_4f6c_dd1d);
        let forms: &[fn(u64, u64, u64) -> String] = &[
            |a, x, l| format!("1({a}){x}-{l:04}"),
            |a, x, l| format!("1 ({a}) {x}-{l:04}"),
            |a, x, l| format!("1-({a})-{x}-{l:04}"),
            |a, x, l| format!("1.({a}) {x}.{l:04}"),
        ];
        let (mut skipped, mut valid) = (0, 0);
        while valid < 2_000 {
            let region = Some(nanp[next(nanp.len() as u64) as usize]);
            let a = 200 + next(800);
            let x = 200 + next(800);
            let read = forms[next(forms.len() as u64) as usize](a, x, next(10_000));
            let Some(number) = nanp_parse(&read, region) else {
                panic!("{read} is not taken by the shortcut");
            };
            assert_eq!(
                Some(&number),
                PHONE_NUMBER_UTIL.parse(&read, region).ok().as_ref(),
                "{read}"
            );
            if !number.is_valid() {
                continue;
            }
            valid += 1;
            if !matcher_needed(&read, &number) {
                skipped += 1;
                assert!(
                    matcher_takes_whole(&read, region),
                    "{read} in {region:?}: skipped, but the matcher refuses it"
                );
            }
        }
        assert_eq!(skipped, valid);
        // Shapes the matcher has opinions on always run it.
        let n = PHONE_NUMBER_UTIL
            .parse("+18885550142", None)
            .expect("parses");
        for read in [
            "030/1234567",
            "(888 555 0142",
            "888) 555-0142",
            "+1-888 (555) 0142",
            "1((888) 555-0142",
            "1 (888) (555)-0142",
            "1  (888) 555-0142",
            "11(888) 555-0142",
        ] {
            assert!(matcher_needed(read, &n), "{read}");
        }
    }

    #[test]
    fn ids_glued_to_a_word_by_a_dash_are_not_phones() {
        for region in ["DE", "US", "GB"] {
            assert_eq!(
                e164s("Vorgangsnummer SR-0549-264 bitte", region),
                Vec::<String>::new()
            );
        }
        assert_eq!(
            e164s("Bestellnummer 493-3064143-8451989", "DE"),
            Vec::<String>::new()
        );
        assert_eq!(
            e164s("ist 493-3064143-8451989, die", "DE"),
            Vec::<String>::new()
        );
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
            // A typo in the phone word.
            (
                "US",
                "phne # 1-844-348-6898",
                "+18443486898",
                "1-844-348-6898",
            ),
            (
                "US",
                "phoone # 833.943.2880",
                "+18339432880",
                "833.943.2880",
            ),
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
            "phase # 2125551234",
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
