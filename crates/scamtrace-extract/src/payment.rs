//! Payment indicators: finds, validates and canonicalises crypto wallet addresses (Bitcoin,
//! Litecoin, Ethereum, Tron) and IBANs, in a single field or in free text.
//!
//! Money is where scam reports link most reliably: two victims who paid the same wallet or the same
//! account almost certainly met the same operation. A false link is worse than a missed one, so a
//! string counts only if its checksum holds (base58check, bech32/bech32m, EIP-55, ISO 7064 mod-97),
//! and every way of writing one address is reduced to one canonical value, so that the correlation
//! engine compares like with like.
//!
//! Scanning is linear: text is split once into maximal alphanumeric runs, and only runs of bounded
//! length are ever decoded, so no input can make a checksum run over more than a few dozen bytes.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// The chains whose addresses we recognise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chain {
    Bitcoin,
    Ethereum,
    Tron,
    Litecoin,
}

impl Chain {
    pub fn as_str(self) -> &'static str {
        match self {
            Chain::Bitcoin => "bitcoin",
            Chain::Ethereum => "ethereum",
            Chain::Tron => "tron",
            Chain::Litecoin => "litecoin",
        }
    }
}

/// A wallet address whose checksum holds; `start..end` are byte offsets into the searched text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalletMatch {
    pub start: usize,
    pub end: usize,
    pub chain: Chain,
    /// Canonical form: base58 as written (it is case-sensitive), bech32 and Ethereum lowercase.
    pub address: String,
}

/// An IBAN whose length and check digits hold; `start..end` are byte offsets into the searched text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IbanMatch {
    pub start: usize,
    pub end: usize,
    /// Canonical form: uppercase, no spaces.
    pub iban: String,
    /// ISO 3166 alpha-2 code, uppercase.
    pub country: String,
}

/// A single value (a structured field): the wallet it is, if its checksum holds.
///
/// Surrounding whitespace is ignored; anything else around or inside the address makes it not one.
pub fn parse_wallet(text: &str) -> Option<WalletMatch> {
    let (start, value) = trim(text);
    let (chain, address) = classify_wallet(value)?;
    Some(WalletMatch {
        start,
        end: start + value.len(),
        chain,
        address,
    })
}

/// Every wallet address in free text whose checksum holds; addresses failing it are not returned.
///
/// A candidate is a whole alphanumeric run (letters and digits in any script), so an address glued
/// to a longer word is not found, while one inside a URL path or between punctuation is.
pub fn find_wallets(text: &str) -> Vec<WalletMatch> {
    find_payments(text).0
}

/// [`find_wallets`] and [`find_ibans`] in one pass over the text.
///
/// Every candidate is ASCII: a wallet is a run of at least [`MIN_WALLET_LEN`] ASCII letters and
/// digits, an IBAN starts with two letters and two digits. The text is classified eight bytes
/// at a time, and only where one of those shapes can be does it look closer, deciding word
/// boundaries exactly (letters of any script glue a candidate to a longer word).
pub fn find_payments(text: &str) -> (Vec<WalletMatch>, Vec<IbanMatch>) {
    let bytes = text.as_bytes();
    let mut wallets = Vec::new();
    let mut ibans = Vec::new();
    // Runs before this were already looked at; IBANs may not start before `resume_at`.
    let mut looked_to = 0;
    let mut resume_at = 0;
    // A run of 14 or more covers lanes 1 to 7 of some chunk.
    let probe = HIGH & !0x80;
    // Eight bytes at a time, the last chunk padded with zeros (one loop with its state in
    // locals, rather than a closure called per chunk).
    let passed_over = |word: u64| !may_hold_digit(word) && below_digits_or_high(word) & probe != 0;
    let mut next = 0;
    while next < bytes.len() {
        let base = next;
        // Most chunks of prose hold no digit (so no IBAN candidate) and a space or punctuation
        // in lanes 1 to 7 (so no wallet probe): two cheap tests pass them over, two chunks at
        // a time where both are whole and pass.
        if let Some(&sixteen) = bytes.get(base..).and_then(|rest| rest.first_chunk::<16>()) {
            let (first, second) = sixteen.split_at(LANES);
            let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or_default());
            if passed_over(word(first)) {
                next = base
                    + if passed_over(word(second)) {
                        2 * LANES
                    } else {
                        LANES
                    };
                continue;
            }
        }
        next += LANES;
        let word = match bytes.get(base..next) {
            Some(whole) => u64::from_le_bytes(whole.try_into().unwrap_or_default()),
            None => lane_word(&bytes[base..]),
        };
        if passed_over(word) {
            continue;
        }
        let (letters, digits) = classify_lanes(word);
        if (letters | digits) & probe == probe && base + 1 >= looked_to {
            let (start, end) = ascii_run(bytes, base + 1);
            looked_to = end;
            if let Some(m) = wallet_in_run(text, start, end) {
                wallets.push(m);
            }
        }
        // A digit right after a letter: maybe the first check digit of an IBAN.
        // The lane before lane 0 is the previous chunk's last byte, read from the text (the
        // previous chunk may have been passed over).
        let letter_before = match base.checked_sub(1).map(|i| bytes[i]) {
            Some(b) if b.is_ascii_alphabetic() => 0x80,
            _ => 0,
        };
        let mut candidates = digits & ((letters << 8) | letter_before);
        while candidates != 0 {
            let lane = candidates.trailing_zeros() as usize / 8;
            candidates &= candidates - 1;
            let Some(start) = (base + lane).checked_sub(2) else {
                continue;
            };
            if start >= resume_at
                && iban_shaped(bytes, start)
                && word_starts_at(text, start)
                && let Some((end, iban, country)) = iban_at(text, start, word_end(text, start))
            {
                resume_at = end;
                ibans.push(IbanMatch {
                    start,
                    end,
                    iban,
                    country,
                });
            }
        }
    }
    (wallets, ibans)
}

/// Bytes classified at once, each answer in the high bit of its byte of a `u64`.
const LANES: usize = 8;
const ONES: u64 = u64::from_le_bytes([1; LANES]);
const HIGH: u64 = ONES * 0x80;

/// Whether a chunk may hold an ASCII digit: never false when it does. A byte is a digit when
/// its xor with '0' is below 10; subtracting 10 from every lane borrows across lanes only above
/// the first such lane, so that one is always flagged (as in `text::next_ascii_digit`).
fn may_hold_digit(x: u64) -> bool {
    let t = x ^ (ONES * u64::from(b'0'));
    t.wrapping_sub(ONES * 10) & !t & HIGH != 0
}

/// The high bit of every lane below '0' (space and most punctuation) or at or above 0x80:
/// bytes that are neither ASCII letters nor digits.
fn below_digits_or_high(x: u64) -> u64 {
    // Each lane of `x | HIGH` is at least 0x80, so subtracting 0x30 never borrows from the
    // next lane: the high bit stays set exactly where the low seven bits were at least 0x30.
    let at_least_0x30 = (x | HIGH) - ONES * u64::from(b'0');
    (!at_least_0x30 | x) & HIGH
}

/// Up to [`LANES`] bytes as one word, byte `k` in lane `k` (bits `8k..8k+8`), padded with zeros.
fn lane_word(chunk: &[u8]) -> u64 {
    let mut block = [0u8; LANES];
    block[..chunk.len()].copy_from_slice(chunk);
    u64::from_le_bytes(block)
}

/// Which bytes of a chunk are ASCII letters, and which ASCII digits, as the high bits of their
/// lanes. Bytes at or above 0x80 are neither.
fn classify_lanes(x: u64) -> (u64, u64) {
    let ascii = !x & HIGH;
    let low = x & !HIGH;
    // Each lane of `v` is below 0x80, so adding at most 0x80 never carries into the next lane:
    // the lane's high bit ends up set exactly when it was at least `n`.
    let at_least = |v: u64, n: u8| v + ONES * u64::from(0x80 - n);
    let digits = at_least(low, b'0') & !at_least(low, b'9' + 1) & ascii;
    // Setting 0x20 folds uppercase letters onto lowercase and nothing else into a..=z.
    let folded = low | (ONES * 0x20);
    let letters = at_least(folded, b'a') & !at_least(folded, b'z' + 1) & ascii;
    (letters, digits)
}

/// The maximal run of ASCII letters and digits around byte `at` (itself one).
fn ascii_run(bytes: &[u8], at: usize) -> (usize, usize) {
    let start = bytes[..at]
        .iter()
        .rposition(|b| !b.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .map_or(bytes.len(), |i| at + i);
    (start, end)
}

/// The wallet that the ASCII run `start..end` is, if it is a whole word of wallet length.
fn wallet_in_run(text: &str, start: usize, end: usize) -> Option<WalletMatch> {
    if !(MIN_WALLET_LEN..=MAX_WALLET_LEN).contains(&(end - start))
        || !word_starts_at(text, start)
        || word_end(text, end) != end
    {
        return None;
    }
    let (chain, address) = classify_wallet(&text[start..end])?;
    Some(WalletMatch {
        start,
        end,
        chain,
        address,
    })
}

/// Two ASCII letters and two ASCII digits at `at`.
fn iban_shaped(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 4).is_some_and(|b| {
        b[..2].iter().all(u8::is_ascii_alphabetic) && b[2..].iter().all(u8::is_ascii_digit)
    })
}

/// Whether `at` (a char boundary) starts a word: no alphanumeric character of any script before.
fn word_starts_at(text: &str, at: usize) -> bool {
    !text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

/// Where the word going on at `at` (a char boundary) ends: the first character of any script
/// that is not alphanumeric.
fn word_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| at + i)
}

/// A single value (a structured field): the IBAN it is, if its length and check digits hold.
///
/// Surrounding whitespace and spaces anywhere inside are ignored; lowercase is accepted.
pub fn parse_iban(text: &str) -> Option<IbanMatch> {
    let (start, value) = trim(text);
    // Room for a space after every character; anything longer cannot be one IBAN.
    if value.len() > MAX_IBAN_LEN * 2 {
        return None;
    }
    let compact: String = value.chars().filter(|&c| c != ' ').collect();
    let (iban, country) = checked_iban(compact.to_ascii_uppercase())?;
    Some(IbanMatch {
        start,
        end: start + value.len(),
        iban,
        country,
    })
}

/// IBANs in free text, written with or without spaces in groups of four ("DE89 3704 0044 0532 0130 00").
///
/// The IBAN must start a word and its last character must end one: "DE89370400440532013000X" is not
/// an IBAN. Because the country fixes the length, text after a complete grouped IBAN is left alone
/// ("ES91 2100 0418 4502 0005 1332 2024" yields the Spanish IBAN).
pub fn find_ibans(text: &str) -> Vec<IbanMatch> {
    find_payments(text).1
}

// ---------------------------------------------------------------------------------------------
// Scanning

/// The shortest wallet we know: a bech32 witness v1+ address with a 2-byte program ("bc1" + 11).
const MIN_WALLET_LEN: usize = 14;
/// BIP-173's limit for a whole bech32 string; every other address form is shorter.
const MAX_WALLET_LEN: usize = 90;

fn trim(text: &str) -> (usize, &str) {
    let rest = text.trim_start();
    (text.len() - rest.len(), rest.trim_end())
}

fn classify_wallet(value: &str) -> Option<(Chain, String)> {
    if value.starts_with("0x") {
        return ethereum(value).map(|address| (Chain::Ethereum, address));
    }
    // An uppercase Litecoin bech32 address and a base58 one can both begin "LTC1"; at most one of
    // the two checksums can hold, so trying both is safe.
    segwit(value).or_else(|| base58_address(value))
}

// ---------------------------------------------------------------------------------------------
// Ethereum (EIP-55)

fn ethereum(value: &str) -> Option<String> {
    let hex = value.strip_prefix("0x")?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let mixed_case =
        hex.bytes().any(|b| b.is_ascii_lowercase()) && hex.bytes().any(|b| b.is_ascii_uppercase());
    // Single-case hex carries no checksum, so it is accepted as written; mixed case claims EIP-55
    // and must honour it, or it is a mistyped address.
    if mixed_case {
        let hash = Keccak256::digest(lower.as_bytes());
        for (i, b) in hex.bytes().enumerate() {
            if b.is_ascii_alphabetic() {
                let nibble = if i % 2 == 0 {
                    hash[i / 2] >> 4
                } else {
                    hash[i / 2] & 0x0f
                };
                if (nibble >= 8) != b.is_ascii_uppercase() {
                    return None;
                }
            }
        }
    }
    Some(format!("0x{lower}"))
}

// ---------------------------------------------------------------------------------------------
// Base58check (Bitcoin and Litecoin legacy, Tron)

const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const NOT_A_DIGIT: u8 = 0xff;
const BASE58_DIGITS: [u8; 128] = {
    let mut table = [NOT_A_DIGIT; 128];
    let mut i = 0;
    while i < BASE58_ALPHABET.len() {
        table[BASE58_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
/// Version byte, 20-byte hash, 4-byte checksum: every base58 address we accept.
const BASE58_PAYLOAD_LEN: usize = 25;

fn base58_address(value: &str) -> Option<(Chain, String)> {
    // A 25-byte payload encodes to 25..=34 characters, and the version byte fixes the first one;
    // filtering on both keeps random text from reaching the decoder.
    if !(25..=35).contains(&value.len())
        || !matches!(
            value.as_bytes().first(),
            Some(b'1' | b'3' | b'L' | b'M' | b'T')
        )
    {
        return None;
    }
    let chain = match base58check_version(value.as_bytes())? {
        // 0x05 is P2SH on both Bitcoin and Litecoin; Bitcoin is far the likelier.
        0x00 | 0x05 => Chain::Bitcoin,
        0x30 | 0x32 => Chain::Litecoin,
        0x41 => Chain::Tron,
        _ => return None,
    };
    Some((chain, value.to_owned()))
}

/// The version byte of a 25-byte base58check payload, if the checksum holds.
fn base58check_version(encoded: &[u8]) -> Option<u8> {
    let raw = base58_decode(encoded)?;
    let (payload, checksum) = raw.split_at(BASE58_PAYLOAD_LEN - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    (digest[..4] == *checksum).then_some(raw[0])
}

/// Decodes base58 that encodes exactly `BASE58_PAYLOAD_LEN` bytes in canonical form.
fn base58_decode(encoded: &[u8]) -> Option<[u8; BASE58_PAYLOAD_LEN]> {
    let mut out = [0u8; BASE58_PAYLOAD_LEN];
    for &c in encoded {
        let digit = *BASE58_DIGITS.get(usize::from(c))?;
        if digit == NOT_A_DIGIT {
            return None;
        }
        let mut carry = u32::from(digit);
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return None;
        }
    }
    // Each leading '1' stands for one leading zero byte; any other count is a different payload
    // length or a non-canonical spelling.
    let ones = encoded.iter().take_while(|&&c| c == b'1').count();
    let zeros = out.iter().take_while(|&&b| b == 0).count();
    (ones == zeros).then_some(out)
}

// ---------------------------------------------------------------------------------------------
// Bech32 / bech32m (BIP-173, BIP-350) and segwit addresses

const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_VALUES: [u8; 128] = {
    let mut table = [NOT_A_DIGIT; 128];
    let mut i = 0;
    while i < BECH32_CHARSET.len() {
        table[BECH32_CHARSET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const BECH32_GENERATOR: [u32; 5] = [
    0x3b6a_57b2,
    0x2650_8e6d,
    0x1ea1_19fa,
    0x3d42_33dd,
    0x2a14_62b3,
];
const BECH32_CONST: u32 = 1;
const BECH32M_CONST: u32 = 0x2bc8_30a3;
const BECH32_CHECKSUM_LEN: usize = 6;
const BECH32_MAX_LEN: usize = 90;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bech32Variant {
    Bech32,
    Bech32m,
}

/// The BCH checksum state, fed one 5-bit value at a time.
struct Polymod(u32);

impl Polymod {
    fn feed(&mut self, value: u8) {
        let top = self.0 >> 25;
        self.0 = ((self.0 & 0x01ff_ffff) << 5) ^ u32::from(value);
        for (i, generator) in BECH32_GENERATOR.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                self.0 ^= generator;
            }
        }
    }
}

struct Bech32 {
    variant: Bech32Variant,
    /// Lowercase.
    hrp: String,
    /// 5-bit values, checksum removed.
    data: Vec<u8>,
}

fn bech32_decode(value: &str) -> Option<Bech32> {
    let bytes = value.as_bytes();
    if bytes.len() > BECH32_MAX_LEN || !bytes.iter().all(|b| (33..=126).contains(b)) {
        return None;
    }
    if bytes.iter().any(u8::is_ascii_lowercase) && bytes.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    let separator = bytes.iter().rposition(|&b| b == b'1')?;
    if separator == 0 || bytes.len() - separator - 1 < BECH32_CHECKSUM_LEN {
        return None;
    }
    let hrp = value[..separator].to_ascii_lowercase();
    let mut checksum = Polymod(1);
    for b in hrp.bytes() {
        checksum.feed(b >> 5);
    }
    checksum.feed(0);
    for b in hrp.bytes() {
        checksum.feed(b & 0x1f);
    }
    let mut data = Vec::with_capacity(bytes.len() - separator - 1);
    for &b in &bytes[separator + 1..] {
        let v = BECH32_VALUES[usize::from(b.to_ascii_lowercase())];
        if v == NOT_A_DIGIT {
            return None;
        }
        checksum.feed(v);
        data.push(v);
    }
    let variant = match checksum.0 {
        BECH32_CONST => Bech32Variant::Bech32,
        BECH32M_CONST => Bech32Variant::Bech32m,
        _ => return None,
    };
    data.truncate(data.len() - BECH32_CHECKSUM_LEN);
    Some(Bech32 { variant, hrp, data })
}

fn segwit(value: &str) -> Option<(Chain, String)> {
    let decoded = bech32_decode(value)?;
    let chain = match decoded.hrp.as_str() {
        "bc" => Chain::Bitcoin,
        "ltc" => Chain::Litecoin,
        _ => return None,
    };
    let (&version, program) = decoded.data.split_first()?;
    if version > 16 {
        return None;
    }
    let program_len = program_length(program)?;
    if !(2..=40).contains(&program_len) || (version == 0 && program_len != 20 && program_len != 32)
    {
        return None;
    }
    let expected = if version == 0 {
        Bech32Variant::Bech32
    } else {
        Bech32Variant::Bech32m
    };
    if decoded.variant != expected {
        return None;
    }
    Some((chain, value.to_ascii_lowercase()))
}

/// Byte length of a witness program written in 5-bit groups, if its padding is canonical
/// (fewer than 5 bits, all zero).
fn program_length(fives: &[u8]) -> Option<usize> {
    let bits = fives.len() * 5;
    let padding = bits % 8;
    if padding >= 5 {
        return None;
    }
    let last = fives.last().copied().unwrap_or(0);
    (last & ((1 << padding) - 1) == 0).then_some(bits / 8)
}

// ---------------------------------------------------------------------------------------------
// IBAN (ISO 13616, check digits ISO 7064 mod 97-10)

/// IBAN length per country, from the SWIFT IBAN Registry (89 countries), sorted by code.
/// Territories that use a parent's code (Åland → FI, Jersey → GB, Réunion → FR, ...) are covered
/// by that code.
const IBAN_LENGTHS: [([u8; 2], usize); 89] = [
    (*b"AD", 24),
    (*b"AE", 23),
    (*b"AL", 28),
    (*b"AT", 20),
    (*b"AZ", 28),
    (*b"BA", 20),
    (*b"BE", 16),
    (*b"BG", 22),
    (*b"BH", 22),
    (*b"BI", 27),
    (*b"BR", 29),
    (*b"BY", 28),
    (*b"CH", 21),
    (*b"CR", 22),
    (*b"CY", 28),
    (*b"CZ", 24),
    (*b"DE", 22),
    (*b"DJ", 27),
    (*b"DK", 18),
    (*b"DO", 28),
    (*b"EE", 20),
    (*b"EG", 29),
    (*b"ES", 24),
    (*b"FI", 18),
    (*b"FK", 18),
    (*b"FO", 18),
    (*b"FR", 27),
    (*b"GB", 22),
    (*b"GE", 22),
    (*b"GI", 23),
    (*b"GL", 18),
    (*b"GR", 27),
    (*b"GT", 28),
    (*b"HN", 28),
    (*b"HR", 21),
    (*b"HU", 28),
    (*b"IE", 22),
    (*b"IL", 23),
    (*b"IQ", 23),
    (*b"IS", 26),
    (*b"IT", 27),
    (*b"JO", 30),
    (*b"KW", 30),
    (*b"KZ", 20),
    (*b"LB", 28),
    (*b"LC", 32),
    (*b"LI", 21),
    (*b"LT", 20),
    (*b"LU", 20),
    (*b"LV", 21),
    (*b"LY", 25),
    (*b"MC", 27),
    (*b"MD", 24),
    (*b"ME", 22),
    (*b"MK", 19),
    (*b"MN", 20),
    (*b"MR", 27),
    (*b"MT", 31),
    (*b"MU", 30),
    (*b"NI", 28),
    (*b"NL", 18),
    (*b"NO", 15),
    (*b"OM", 23),
    (*b"PK", 24),
    (*b"PL", 28),
    (*b"PS", 29),
    (*b"PT", 25),
    (*b"QA", 29),
    (*b"RO", 24),
    (*b"RS", 22),
    (*b"RU", 33),
    (*b"SA", 24),
    (*b"SC", 31),
    (*b"SD", 18),
    (*b"SE", 24),
    (*b"SI", 19),
    (*b"SK", 24),
    (*b"SM", 27),
    (*b"SO", 23),
    (*b"ST", 25),
    (*b"SV", 28),
    (*b"TL", 23),
    (*b"TN", 24),
    (*b"TR", 26),
    (*b"UA", 29),
    (*b"VA", 22),
    (*b"VG", 24),
    (*b"XK", 20),
    (*b"YE", 30),
];
const MAX_IBAN_LEN: usize = 34;

fn iban_length(country: [u8; 2]) -> Option<usize> {
    IBAN_LENGTHS
        .binary_search_by_key(&country, |&(code, _)| code)
        .ok()
        .map(|i| IBAN_LENGTHS[i].1)
}

/// The IBAN starting at the word `start..end`, either that whole word or that 4-character word
/// followed by single-space-separated groups of four; returns where it ends.
fn iban_at(text: &str, start: usize, end: usize) -> Option<(usize, String, String)> {
    let bytes = text.as_bytes();
    let word = &bytes[start..end];
    if word.len() < 4
        || !word[..2].iter().all(u8::is_ascii_alphabetic)
        || !word[2..4].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let length = iban_length([word[0].to_ascii_uppercase(), word[1].to_ascii_uppercase()])?;
    let (end, compact) = if word.len() == length {
        (end, word.to_vec())
    } else if word.len() == 4 {
        let mut compact = Vec::with_capacity(length);
        compact.extend_from_slice(word);
        let mut pos = end;
        while compact.len() < length {
            if bytes.get(pos) != Some(&b' ') {
                return None;
            }
            let group_len = (length - compact.len()).min(4);
            let group = bytes.get(pos + 1..pos + 1 + group_len)?;
            if !group.iter().all(u8::is_ascii_alphanumeric) {
                return None;
            }
            compact.extend_from_slice(group);
            pos += 1 + group_len;
        }
        // The group just read is ASCII, so `pos` is a char boundary.
        if text[pos..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
        {
            return None;
        }
        (pos, compact)
    } else {
        return None;
    };
    let compact = String::from_utf8(compact).ok()?.to_ascii_uppercase();
    let (iban, country) = checked_iban(compact)?;
    Some((end, iban, country))
}

/// Checks an uppercase, space-free candidate; returns it with its country code.
fn checked_iban(iban: String) -> Option<(String, String)> {
    let bytes = iban.as_bytes();
    if bytes.len() < 5
        || !bytes
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return None;
    }
    let country = [bytes[0], bytes[1]];
    if !country.iter().all(u8::is_ascii_uppercase) || !bytes[2..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if iban_length(country)? != bytes.len() {
        return None;
    }
    // Check digits are computed as 98 - (n mod 97), so only 02..=98 occur; 00, 01 and 99 still
    // satisfy mod 97 for some accounts but are never issued.
    if matches!(&bytes[2..4], b"00" | b"01" | b"99") || iban_mod97(bytes) != 1 {
        return None;
    }
    let country = iban[..2].to_owned();
    Some((iban, country))
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (BBAN, then country and check digits), letters
/// counting as 10..=35. Expects only digits and uppercase ASCII letters.
fn iban_mod97(iban: &[u8]) -> u32 {
    let (head, bban) = iban.split_at(4);
    bban.iter().chain(head).fold(0, |remainder, &b| {
        if b.is_ascii_digit() {
            (remainder * 10 + u32::from(b - b'0')) % 97
        } else {
            (remainder * 100 + u32::from(b - b'A') + 10) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `find_payments` as first written: every chunk classified, the letters of the chunk
    /// before kept from it.
    fn find_payments_every_chunk(text: &str) -> (Vec<WalletMatch>, Vec<IbanMatch>) {
        let bytes = text.as_bytes();
        let mut wallets = Vec::new();
        let mut ibans = Vec::new();
        let mut looked_to = 0;
        let mut resume_at = 0;
        let mut letters_before = 0;
        let mut next = 0;
        while next < bytes.len() {
            let base = next;
            next += LANES;
            let word = match bytes.get(base..next) {
                Some(whole) => u64::from_le_bytes(whole.try_into().unwrap_or_default()),
                None => lane_word(&bytes[base..]),
            };
            let (letters, digits) = classify_lanes(word);
            let probe = HIGH & !0x80;
            if (letters | digits) & probe == probe && base + 1 >= looked_to {
                let (start, end) = ascii_run(bytes, base + 1);
                looked_to = end;
                if let Some(m) = wallet_in_run(text, start, end) {
                    wallets.push(m);
                }
            }
            let mut candidates = digits & ((letters << 8) | (letters_before >> 56));
            letters_before = letters;
            while candidates != 0 {
                let lane = candidates.trailing_zeros() as usize / 8;
                candidates &= candidates - 1;
                let Some(start) = (base + lane).checked_sub(2) else {
                    continue;
                };
                if start >= resume_at
                    && iban_shaped(bytes, start)
                    && word_starts_at(text, start)
                    && let Some((end, iban, country)) = iban_at(text, start, word_end(text, start))
                {
                    resume_at = end;
                    ibans.push(IbanMatch {
                        start,
                        end,
                        iban,
                        country,
                    });
                }
            }
        }
        (wallets, ibans)
    }

    /// Passing over chunks without digits or wallet-long runs finds what classifying every
    /// chunk finds: random texts of address and IBAN pieces, letters, digits and separators.
    #[test]
    fn passed_over_chunks_hold_nothing() {
        let pieces = [
            "DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "a",
            "Z",
            "9",
            "0",
            " ",
            ".",
            "/",
            "-",
            "é",
            "ab",
            "12",
            "x7",
            "q",
            "DE",
            "89",
        ];
        for parts in crate::text::random_texts(&pieces, 0x0dd_ba11_cafe_f00d, 20_000, 30) {
            let text: String = parts.concat();
            assert_eq!(
                find_payments(&text),
                find_payments_every_chunk(&text),
                "{text:?}"
            );
        }
        for x in [0u64, u64::MAX, 0x3030_3030_3030_3030, 0x2f3a_2f3a_2f3a_2f3a] {
            let bytes = x.to_le_bytes();
            assert_eq!(
                may_hold_digit(x),
                bytes.iter().any(u8::is_ascii_digit),
                "{x:x}"
            );
        }
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b'a', b, b'a', b'0', b, b'Z', b'9', b]);
            let low_or_high = |c: u8| !(b'0'..0x80).contains(&c);
            let want = x.to_le_bytes().iter().enumerate().fold(0, |m, (k, &c)| {
                m | (u64::from(low_or_high(c)) << (8 * k + 7))
            });
            assert_eq!(below_digits_or_high(x), want, "{b:x}");
            assert!(may_hold_digit(x));
            let y = u64::from_le_bytes([b, b'a', b, b'.', b, b' ', b, b'x']);
            assert_eq!(may_hold_digit(y), b.is_ascii_digit(), "{b:x}");
        }
    }

    // --- encoders, used only to build vectors -------------------------------------------------

    fn base58_encode(bytes: &[u8]) -> String {
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        let mut digits: Vec<u8> = Vec::new(); // little-endian base58
        for &b in bytes {
            let mut carry = u32::from(b);
            for d in digits.iter_mut() {
                carry += u32::from(*d) << 8;
                *d = (carry % 58) as u8;
                carry /= 58;
            }
            while carry > 0 {
                digits.push((carry % 58) as u8);
                carry /= 58;
            }
        }
        let mut out = "1".repeat(zeros);
        out.extend(
            digits
                .iter()
                .rev()
                .map(|&d| BASE58_ALPHABET[usize::from(d)] as char),
        );
        out
    }

    fn base58check_encode(version: u8, hash: &[u8; 20]) -> String {
        let mut payload = vec![version];
        payload.extend_from_slice(hash);
        let digest = Sha256::digest(Sha256::digest(&payload));
        payload.extend_from_slice(&digest[..4]);
        base58_encode(&payload)
    }

    fn segwit_encode(hrp: &str, version: u8, program: &[u8]) -> String {
        let mut data = vec![version];
        let (mut acc, mut bits) = (0u32, 0u32);
        for &b in program {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                data.push(((acc >> bits) & 0x1f) as u8);
            }
        }
        if bits > 0 {
            data.push(((acc << (5 - bits)) & 0x1f) as u8);
        }
        let constant = if version == 0 {
            BECH32_CONST
        } else {
            BECH32M_CONST
        };
        let mut checksum = Polymod(1);
        for b in hrp.bytes() {
            checksum.feed(b >> 5);
        }
        checksum.feed(0);
        for b in hrp.bytes() {
            checksum.feed(b & 0x1f);
        }
        for &d in &data {
            checksum.feed(d);
        }
        for _ in 0..BECH32_CHECKSUM_LEN {
            checksum.feed(0);
        }
        let residue = checksum.0 ^ constant;
        for i in 0..BECH32_CHECKSUM_LEN {
            data.push(((residue >> (5 * (5 - i))) & 0x1f) as u8);
        }
        let mut out = format!("{hrp}1");
        out.extend(data.iter().map(|&d| BECH32_CHARSET[usize::from(d)] as char));
        out
    }

    /// Every string that differs from `s` in one character, drawn from `alphabet`.
    fn one_char_corruptions(s: &str, alphabet: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..s.len() {
            for &c in alphabet {
                if c != s.as_bytes()[i] {
                    let mut bytes = s.as_bytes().to_vec();
                    bytes[i] = c;
                    out.push(String::from_utf8(bytes).unwrap());
                }
            }
        }
        out
    }

    fn address(s: &str) -> Option<(Chain, String)> {
        parse_wallet(s).map(|m| (m.chain, m.address))
    }

    // --- Bitcoin and Litecoin, base58check ----------------------------------------------------

    const GENESIS: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

    #[test]
    fn base58check_bitcoin_addresses() {
        for a in [
            GENESIS,
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ] {
            assert_eq!(address(a), Some((Chain::Bitcoin, a.to_owned())), "{a}");
            for bad in one_char_corruptions(a, BASE58_ALPHABET) {
                assert_eq!(parse_wallet(&bad), None, "{bad}");
            }
        }
    }

    #[test]
    fn base58_is_case_sensitive_and_exact_length() {
        assert_eq!(parse_wallet(&GENESIS.to_lowercase()), None);
        assert_eq!(parse_wallet(&format!("1{GENESIS}")), None);
        assert_eq!(parse_wallet(&GENESIS[..GENESIS.len() - 1]), None);
        assert_eq!(parse_wallet(&GENESIS.replace('z', "0")), None);
    }

    #[test]
    fn litecoin_legacy_and_p2sh_ambiguity() {
        let hash = [0x5a; 20];
        let l = base58check_encode(0x30, &hash);
        let m = base58check_encode(0x32, &hash);
        assert!(l.starts_with('L') && m.starts_with('M'));
        assert_eq!(address(&l), Some((Chain::Litecoin, l.clone())));
        assert_eq!(address(&m), Some((Chain::Litecoin, m.clone())));
        let three = base58check_encode(0x05, &hash);
        assert_eq!(address(&three).map(|a| a.0), Some(Chain::Bitcoin));
        // Versions we do not know (Dogecoin's 0x1e) are not wallets even with a good checksum.
        assert_eq!(parse_wallet(&base58check_encode(0x1e, &hash)), None);
    }

    // --- Tron ---------------------------------------------------------------------------------

    #[test]
    fn tron_addresses() {
        let built = base58check_encode(0x41, &[0x11; 20]);
        assert!(built.starts_with('T') && built.len() == 34);
        // The USDT contract, a well-known mainnet address.
        let usdt = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
        for a in [built.as_str(), usdt] {
            assert_eq!(address(a), Some((Chain::Tron, a.to_owned())), "{a}");
            for bad in one_char_corruptions(a, BASE58_ALPHABET) {
                assert_eq!(parse_wallet(&bad), None, "{bad}");
            }
        }
    }

    // --- Bech32 / bech32m ---------------------------------------------------------------------

    #[test]
    fn bech32_generic_vectors() {
        let bech32 = [
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl",
        ];
        let bech32m = [
            "A1LQFN3A",
            "a1lqfn3a",
            "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
            "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
            "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
            "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
            "?1v759aa",
        ];
        for s in bech32 {
            assert_eq!(
                bech32_decode(s).map(|d| d.variant),
                Some(Bech32Variant::Bech32),
                "{s}"
            );
        }
        for s in bech32m {
            assert_eq!(
                bech32_decode(s).map(|d| d.variant),
                Some(Bech32Variant::Bech32m),
                "{s}"
            );
        }
        let invalid = [
            "\u{20}1nwldj5",
            "\u{7f}1axkwrx",
            "\u{80}1eym55h",
            "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
            "pzry9x0s0muk",
            "1pzry9x0s0muk",
            "x1b4n0q5v",
            "li1dgmt3",
            "de1lg7wt\u{ff}",
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "\u{20}1xj0phk",
            "\u{7f}1g6xzxy",
            "\u{80}1vctc34",
            "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
            "qyrz8wqd2c9m",
            "1qyrz8wqd2c9m",
            "y1b0jsk6g",
            "lt1igcx5c0",
            "in1muywd",
            "mm1crxm3i",
            "au1s5cgom",
            "M1VUXWEZ",
            "16plkw9",
            "1p2gdwpf",
        ];
        for s in invalid {
            assert!(bech32_decode(s).is_none(), "{s:?}");
        }
    }

    #[test]
    fn segwit_valid_mainnet_vectors() {
        let valid = [
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            "BC1SW50QGDZ25J",
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ];
        for a in valid {
            assert_eq!(address(a), Some((Chain::Bitcoin, a.to_lowercase())), "{a}");
            let lower = a.to_lowercase();
            let mut alphabet = BECH32_CHARSET.to_vec();
            alphabet.extend_from_slice(b"bio");
            for bad in one_char_corruptions(&lower, &alphabet) {
                assert_eq!(parse_wallet(&bad), None, "{bad}");
            }
        }
    }

    #[test]
    fn segwit_invalid_vectors() {
        let invalid = [
            // BIP-350
            "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
            "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
            "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
            "bc1pw5dgrnzv",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
            "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
            "bc1gmk9yu",
            // BIP-173 (the v1 bech32 address is valid there, superseded by BIP-350)
            "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
            "bc1rw5uspcuh",
            "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
            "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
            // Mixed case of a valid address
            "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ];
        for a in invalid {
            assert_eq!(parse_wallet(a), None, "{a}");
        }
    }

    #[test]
    fn testnet_is_rejected() {
        for a in [
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
            "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        ] {
            assert!(bech32_decode(a).is_some(), "{a} has a valid checksum");
            assert_eq!(parse_wallet(a), None, "{a}");
        }
    }

    #[test]
    fn litecoin_bech32() {
        let v0 = segwit_encode("ltc", 0, &[0x75; 20]);
        let v1 = segwit_encode("ltc", 1, &[0x79; 32]);
        for a in [&v0, &v1] {
            assert_eq!(address(a), Some((Chain::Litecoin, a.clone())));
            assert_eq!(
                address(&a.to_uppercase()),
                Some((Chain::Litecoin, a.clone()))
            );
        }
        // The wrong checksum variant for the version.
        assert_eq!(
            parse_wallet(&segwit_encode("ltc", 1, &[0x79; 32]).replace("ltc1p", "ltc1q")),
            None
        );
    }

    // --- Ethereum -----------------------------------------------------------------------------

    const EIP55_MIXED: [&str; 4] = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55_vectors() {
        let single_case = [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77",
            "0x27b1fdb04752bbc536007a920d24acb045561c26",
        ];
        for a in EIP55_MIXED.iter().chain(&single_case) {
            assert_eq!(address(a), Some((Chain::Ethereum, a.to_lowercase())), "{a}");
        }
    }

    #[test]
    fn eip55_corruptions_fail() {
        for a in EIP55_MIXED {
            // Flip the case of one letter.
            for (i, b) in a.bytes().enumerate().skip(2) {
                if b.is_ascii_alphabetic() {
                    let mut bytes = a.as_bytes().to_vec();
                    bytes[i] ^= 0x20;
                    let bad = String::from_utf8(bytes).unwrap();
                    assert_eq!(parse_wallet(&bad), None, "{bad}");
                }
            }
            // Change one digit to another digit (keeps the case pattern, breaks the hash).
            for i in 2..a.len() {
                if a.as_bytes()[i].is_ascii_digit() {
                    let mut bytes = a.as_bytes().to_vec();
                    bytes[i] = if bytes[i] == b'9' { b'0' } else { bytes[i] + 1 };
                    let bad = String::from_utf8(bytes).unwrap();
                    assert_eq!(parse_wallet(&bad), None, "{bad}");
                }
            }
        }
    }

    #[test]
    fn ethereum_shape() {
        let a = "0xde709f2102306220921060314715629080e2fb77";
        assert_eq!(parse_wallet(&a[..41]), None);
        assert_eq!(parse_wallet(&format!("{a}0")), None);
        assert_eq!(parse_wallet(&a.replace("0x", "0X")), None);
        assert_eq!(parse_wallet(&a.replace('e', "g")), None);
    }

    // --- free text ----------------------------------------------------------------------------

    #[test]
    fn lanes_classify_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..LANES {
                let mut chunk = [b' '; LANES];
                chunk[lane] = b;
                let (letters, digits) = classify_lanes(u64::from_le_bytes(chunk));
                let bit = 0x80u64 << (8 * lane);
                assert_eq!(
                    letters & bit != 0,
                    b.is_ascii_alphabetic(),
                    "{b:#x} in lane {lane}"
                );
                assert_eq!(
                    digits & bit != 0,
                    b.is_ascii_digit(),
                    "{b:#x} in lane {lane}"
                );
                assert_eq!((letters | digits) & !bit, 0, "{b:#x} in lane {lane}");
            }
        }
    }

    fn found(text: &str) -> Vec<(&str, Chain, String)> {
        find_wallets(text)
            .into_iter()
            .map(|m| (&text[m.start..m.end], m.chain, m.address))
            .collect()
    }

    #[test]
    fn wallets_in_text_with_punctuation() {
        let btc = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
        let eth = EIP55_MIXED[0];
        let text = format!(
            "He said send to {btc} now. Or ({eth}), else \"{GENESIS}\"; see \
             https://mempool.space/address/{}/tx",
            btc.to_uppercase()
        );
        let got = found(&text);
        assert_eq!(
            got,
            vec![
                (btc, Chain::Bitcoin, btc.to_owned()),
                (eth, Chain::Ethereum, eth.to_lowercase()),
                (GENESIS, Chain::Bitcoin, GENESIS.to_owned()),
                (btc.to_uppercase().as_str(), Chain::Bitcoin, btc.to_owned()),
            ]
        );
    }

    #[test]
    fn wallets_not_found_inside_words_or_with_bad_checksum() {
        let btc = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
        assert!(found(&format!("x{btc}")).is_empty());
        assert!(found(&format!("{btc}x")).is_empty());
        assert!(found(&format!("é{GENESIS}")).is_empty());
        assert!(found(&format!("{GENESIS}é")).is_empty());
        assert!(found("pay bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 please").is_empty());
        assert!(found(&format!("pay {} please", EIP55_MIXED[0].replace('a', "A"))).is_empty());
        // Offsets are byte offsets even after multi-byte text.
        let text = format!("Überweisung → {GENESIS}!");
        let m = &find_wallets(&text)[0];
        assert_eq!(&text[m.start..m.end], GENESIS);
    }

    #[test]
    fn one_megabyte_of_base58_is_scanned() {
        // Xorshift: deterministic, no extra dependency.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let solid: String = (0..1 << 20)
            .map(|_| BASE58_ALPHABET[(next() % 58) as usize] as char)
            .collect();
        // Spaces every ~34 characters make a candidate of almost every word: the worst case.
        let spaced: String = (0..1 << 20)
            .map(|_| {
                let r = next();
                if r % 34 == 0 {
                    ' '
                } else {
                    BASE58_ALPHABET[((r >> 8) % 58) as usize] as char
                }
            })
            .collect();
        let started = std::time::Instant::now();
        assert!(find_wallets(&solid).is_empty());
        let _ = find_wallets(&spaced);
        let _ = find_ibans(&spaced);
        eprintln!(
            "1 MiB solid + 1 MiB spaced base58 scanned in {:?}",
            started.elapsed()
        );
    }

    // --- IBAN ---------------------------------------------------------------------------------

    /// The electronic-format example of every country in the SWIFT IBAN Registry.
    const REGISTRY_EXAMPLES: [&str; 89] = [
        "AD1200012030200359100100",
        "AE070331234567890123456",
        "AL47212110090000000235698741",
        "AT611904300234573201",
        "AZ21NABZ00000000137010001944",
        "BA391290079401028494",
        "BE68539007547034",
        "BG80BNBG96611020345678",
        "BH67BMAG00001299123456",
        "BI4210000100010000332045181",
        "BR1800360305000010009795493C1",
        "BY13NBRB3600900000002Z00AB00",
        "CH9300762011623852957",
        "CR05015202001026284066",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DE89370400440532013000",
        "DJ2100010000000154000100186",
        "DK5000400440116243",
        "DO28BAGR00000001212453611324",
        "EE382200221020145685",
        "EG380019000500000000263180002",
        "ES9121000418450200051332",
        "FI2112345600000785",
        "FK88SC123456789012",
        "FO6264600001631634",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "GE29NB0000000101904917",
        "GI75NWBK000000007099453",
        "GL8964710001000206",
        "GR1601101250000000012300695",
        "GT82TRAJ01020000001210029690",
        "HN88CABF00000000000250005469",
        "HR1210010051863000160",
        "HU42117730161111101800000000",
        "IE29AIBK93115212345678",
        "IL620108000000099999999",
        "IQ98NBIQ850123456789012",
        "IS140159260076545510730339",
        "IT60X0542811101000000123456",
        "JO94CBJO0010000000000131000302",
        "KW81CBKU0000000000001234560101",
        "KZ86125KZT5004100100",
        "LB62099900000001001901229114",
        "LC55HEMM000100010012001200023015",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "LV80BANK0000435195001",
        "LY83002048000020100120361",
        "MC5811222000010123456789030",
        "MD24AG000225100013104168",
        "ME25505000012345678951",
        "MK07250120000058984",
        "MN121234123456789123",
        "MR1300020001010000123456753",
        "MT84MALT011000012345MTLCAST001S",
        "MU17BOMM0101101030300200000MUR",
        "NI45BAPR00000013000003558124",
        "NL91ABNA0417164300",
        "NO9386011117947",
        "OM810180000001299123456",
        "PK36SCBL0000001123456702",
        "PL61109010140000071219812874",
        "PS92PALS000000000400123456702",
        "PT50000201231234567890154",
        "QA58DOHB00001234567890ABCDEFG",
        "RO49AAAA1B31007593840000",
        "RS35260005601001611379",
        "RU0304452522540817810538091310419",
        "SA0380000000608010167519",
        "SC18SSCB11010000000000001497USD",
        "SD2129010501234001",
        "SE4550000000058398257466",
        "SI56263300012039086",
        "SK3112000000198742637541",
        "SM86U0322509800000000270100",
        "SO211000001001000100141",
        "ST23000100010051845310146",
        "SV62CENR00000000000000700025",
        "TL380080012345678910157",
        "TN5910006035183598478831",
        "TR330006100519786457841326",
        "UA213223130000026007233566001",
        "VA59001123000012345678",
        "VG96VPVG0000012345678901",
        "XK051212012345678906",
        "YE15CBYE0001018861234567891234",
    ];

    #[test]
    fn length_table_matches_registry_examples() {
        assert!(
            IBAN_LENGTHS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no duplicates"
        );
        for (example, &(code, length)) in REGISTRY_EXAMPLES.iter().zip(&IBAN_LENGTHS) {
            assert_eq!(&example.as_bytes()[..2], &code);
            assert_eq!(example.len(), length, "{example}");
            let m = parse_iban(example).unwrap_or_else(|| panic!("{example}"));
            assert_eq!(m.iban, *example);
            assert_eq!(m.country.as_bytes(), code);
        }
    }

    const PRINTED: [&str; 4] = [
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "ES91 2100 0418 4502 0005 1332",
    ];

    #[test]
    fn iban_examples_and_corruptions() {
        for printed in PRINTED {
            let compact = printed.replace(' ', "");
            for form in [printed.to_owned(), compact.clone(), printed.to_lowercase()] {
                let m = parse_iban(&form).unwrap_or_else(|| panic!("{form}"));
                assert_eq!(
                    (m.iban.as_str(), m.country.as_str()),
                    (compact.as_str(), &compact[..2])
                );
            }
            // Mod 97 catches every digit-for-digit and letter-for-letter substitution. A letter
            // counts as two digits, so a digit-for-letter swap can slip through ("DE893S04..."
            // passes); only a per-country BBAN format check would catch that.
            for bad in one_char_corruptions(&compact, b"0123456789")
                .into_iter()
                .chain(one_char_corruptions(
                    &compact,
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                ))
                .filter(|bad| {
                    bad.bytes()
                        .zip(compact.bytes())
                        .all(|(x, y)| x.is_ascii_digit() == y.is_ascii_digit())
                })
            {
                assert_eq!(parse_iban(&bad), None, "{bad}");
            }
            for i in 0..compact.len() - 1 {
                let mut bytes = compact.clone().into_bytes();
                bytes.swap(i, i + 1);
                if bytes != compact.as_bytes() {
                    let bad = String::from_utf8(bytes).unwrap();
                    assert_eq!(parse_iban(&bad), None, "{bad}");
                }
            }
        }
    }

    #[test]
    fn iban_shape() {
        assert_eq!(parse_iban("DE8937040044053201300"), None, "short");
        assert_eq!(parse_iban("DE893704004405320130000"), None, "long");
        assert_eq!(
            parse_iban("XX89370400440532013000"),
            None,
            "unknown country"
        );
        // Check digit 01 differs from the issued 98 by 97, so mod 97 holds, but it is never issued.
        let issued = "GB98MIDL07009312345678";
        assert!(parse_iban(issued).is_some());
        assert_eq!(parse_iban(&issued.replace("GB98", "GB01")), None);
        assert_eq!(parse_iban("DE89-3704-0044-0532-0130-00"), None);
    }

    fn ibans(text: &str) -> Vec<(&str, String)> {
        find_ibans(text)
            .into_iter()
            .map(|m| (&text[m.start..m.end], m.iban))
            .collect()
    }

    #[test]
    fn ibans_in_text() {
        let text = "Pay to IBAN: de89 3704 0044 0532 0130 00. Or (GB82WEST12345698765432), \
                    or FR14 2004 1010 0505 0001 3M02 606, then call.";
        assert_eq!(
            ibans(text),
            vec![
                (
                    "de89 3704 0044 0532 0130 00",
                    "DE89370400440532013000".to_owned()
                ),
                (
                    "GB82WEST12345698765432",
                    "GB82WEST12345698765432".to_owned()
                ),
                (
                    "FR14 2004 1010 0505 0001 3M02 606",
                    "FR1420041010050500013M02606".to_owned()
                ),
            ]
        );
        // A whole grouped IBAN followed by an unrelated number.
        assert_eq!(ibans("ES91 2100 0418 4502 0005 1332 2024").len(), 1);
    }

    #[test]
    fn ibans_not_found_when_glued_or_broken() {
        assert!(ibans("DE89370400440532013000X").is_empty());
        assert!(ibans("XDE89370400440532013000").is_empty());
        assert!(ibans("DE89 3704 0044 0532 0130 001").is_empty());
        assert!(ibans("DE89 3704 0044 0532 0130 00é").is_empty());
        assert!(ibans("DE89 3704  0044 0532 0130 00").is_empty());
        assert!(ibans("DE89 3704 0044 0532 0130").is_empty());
        assert!(ibans("DE88 3704 0044 0532 0130 00").is_empty());
    }

    // --- properties ---------------------------------------------------------------------------

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in any::<String>()) {
            let _ = find_wallets(&s);
            let _ = find_ibans(&s);
            let _ = parse_wallet(&s);
            let _ = parse_iban(&s);
        }

        #[test]
        fn address_like_text_never_panics(s in "[0-9A-Za-z .,:/()é→-]{0,300}") {
            for m in find_wallets(&s) {
                let reparsed = parse_wallet(&s[m.start..m.end]).map(|r| r.address);
                prop_assert_eq!(reparsed, Some(m.address));
            }
            for m in find_ibans(&s) {
                let reparsed = parse_iban(&s[m.start..m.end]).map(|r| r.iban);
                prop_assert_eq!(reparsed, Some(m.iban));
            }
        }

        #[test]
        fn base58check_round_trips(version in prop::sample::select(vec![0x00u8, 0x05, 0x30, 0x32, 0x41]),
                                   hash in any::<[u8; 20]>(),
                                   before in "[ ,.;:(\"]{1,3}", after in "[ ,.;:)\"]{1,3}") {
            let a = base58check_encode(version, &hash);
            let text = format!("x{before}{a}{after}y");
            let got = find_wallets(&text);
            prop_assert_eq!(got.len(), 1);
            prop_assert_eq!(&got[0].address, &a);
            prop_assert_eq!(&text[got[0].start..got[0].end], a.as_str());
        }

        #[test]
        fn segwit_round_trips(hrp in prop::sample::select(vec!["bc", "ltc"]),
                              version in 0u8..=16,
                              program in prop::collection::vec(any::<u8>(), 2..=40)) {
            let a = segwit_encode(hrp, version, &program);
            let ok = if version == 0 { matches!(program.len(), 20 | 32) } else { true };
            prop_assert_eq!(parse_wallet(&a).is_some(), ok, "{}", a);
        }
    }
}
