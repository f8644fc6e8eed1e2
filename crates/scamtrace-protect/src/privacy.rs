//! The privacy-preserving lookup, k-anonymity style: a client hashes the canonical value and
//! sends only the first 16 bits of the hash; the server answers with every full hash in that
//! bucket, and the client compares locally. See docs/privacy-lookup.md for what this protects
//! and what it does not.
//!
//! The hash is SHA-256 over a published, versioned domain-separation prefix, the kind, a colon
//! and the canonical value: `SHA-256("scamtrace-lookup-v1:" || kind || ":" || value)`.
//!
//! ```
//! use scamtrace_extract::IndicatorKind;
//! use scamtrace_protect::privacy::{bucket, lookup_hash};
//!
//! let hash = lookup_hash(IndicatorKind::Phone, "+18885550142");
//! let prefix = bucket(&hash); // what the client sends, e.g. "3fa1"
//! assert_eq!(prefix.len(), 4);
//! assert!(hex::encode(hash).starts_with(&prefix));
//! ```

use scamtrace_extract::IndicatorKind;
use sha2::{Digest, Sha256};

/// The scheme's version, part of every hash: a new scheme gets a new prefix, so old and new
/// hashes never collide.
pub const SCHEME: &str = "scamtrace-lookup-v1";

/// Hex digits of the prefix a client sends: 16 bits, 65,536 buckets.
pub const PREFIX_HEX_DIGITS: usize = 4;

/// The lookup hash of a canonical value.
pub fn lookup_hash(kind: IndicatorKind, canonical: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(SCHEME.as_bytes());
    h.update(b":");
    h.update(kind.as_str().as_bytes());
    h.update(b":");
    h.update(canonical.as_bytes());
    h.finalize().into()
}

/// The bucket of a hash: its first 16 bits as four lowercase hex digits.
pub fn bucket(hash: &[u8; 32]) -> String {
    hex::encode(&hash[..2])
}

/// The bucket number of a hash.
pub fn bucket_index(hash: &[u8; 32]) -> u16 {
    u16::from_be_bytes([hash[0], hash[1]])
}

/// Parses a client's prefix: exactly four hex digits, either case.
pub fn parse_prefix(prefix: &str) -> Option<u16> {
    if prefix.len() != PREFIX_HEX_DIGITS || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(prefix, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_published_construction() {
        // SHA-256 of "scamtrace-lookup-v1:phone:+18885550142", computed independently.
        let mut h = Sha256::new();
        h.update(b"scamtrace-lookup-v1:phone:+18885550142");
        let expected: [u8; 32] = h.finalize().into();
        assert_eq!(lookup_hash(IndicatorKind::Phone, "+18885550142"), expected);
        // The kind separates values that read the same.
        assert_ne!(
            lookup_hash(IndicatorKind::Domain, "example.com"),
            lookup_hash(IndicatorKind::Email, "example.com")
        );
    }

    #[test]
    fn prefixes_are_four_hex_digits() {
        assert_eq!(parse_prefix("00ff"), Some(0x00ff));
        assert_eq!(parse_prefix("ABCD"), Some(0xabcd));
        for bad in ["", "abc", "abcde", "zzzz", "+123", "ab d", "１２３４"] {
            assert_eq!(parse_prefix(bad), None, "{bad:?}");
        }
        let hash = lookup_hash(IndicatorKind::Url, "https://example.com/");
        assert_eq!(parse_prefix(&bucket(&hash)), Some(bucket_index(&hash)));
    }
}
