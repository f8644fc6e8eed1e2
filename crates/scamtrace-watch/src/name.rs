//! A domain name as it arrives (certificate-transparency logs, zone files, reports) turned into
//! one form: lowercase ASCII with IDNs in punycode, no trailing dot, no wildcard, and the Unicode
//! form beside it when there is an IDN label.
//!
//! Plain ASCII names, nearly all of a certificate-transparency stream, are lowercased into a
//! caller's buffer without allocating; only names with non-ASCII characters or `xn--` labels go
//! through IDNA.

/// The longest line worth looking at: longer input is refused before any work.
const MAX_INPUT: usize = 1024;

/// A normalized name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Normalized {
    pub ascii: String,
    /// The Unicode form, when a label is an IDN (`xn--`).
    pub unicode: Option<String>,
}

/// What the fast path made of a name.
pub(crate) enum Fast<'b> {
    /// Lowercase ASCII without IDN labels, in the caller's buffer.
    Ascii(&'b str),
    /// Needs IDNA: non-ASCII characters or an `xn--` label.
    Idn,
    /// Not a domain name.
    Invalid,
}

/// Strips what surrounds a name in logs: whitespace, a wildcard `*.` and trailing dots.
fn trim(input: &str) -> Option<&str> {
    if input.len() > MAX_INPUT {
        return None;
    }
    let mut s = input.trim();
    if let Some(rest) = s.strip_prefix("*.") {
        s = rest;
    }
    let s = s.trim_end_matches('.');
    if s.is_empty() { None } else { Some(s) }
}

/// Checks the shape of a lowercase ASCII name: at least two labels, none empty or longer than 63
/// bytes, at most 253 bytes, letters, digits, hyphens and underscores only.
fn valid_ascii(name: &[u8]) -> bool {
    if name.len() > 253 || name.is_empty() {
        return false;
    }
    let mut label = 0usize;
    let mut dots = 0usize;
    for &b in name {
        match b {
            b'.' => {
                if label == 0 {
                    return false;
                }
                dots += 1;
                label = 0;
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {
                label += 1;
                if label > 63 {
                    return false;
                }
            }
            _ => return false,
        }
    }
    label > 0 && dots > 0
}

/// The allocation-free path: lowercases an ASCII name into `buf`.
pub(crate) fn fast<'b>(input: &str, buf: &'b mut [u8; 256]) -> Fast<'b> {
    let Some(s) = trim(input) else {
        return Fast::Invalid;
    };
    if !s.is_ascii() {
        return Fast::Idn;
    }
    if s.len() > 253 {
        return Fast::Invalid;
    }
    let out = &mut buf[..s.len()];
    for (o, b) in out.iter_mut().zip(s.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    if !valid_ascii(out) {
        return Fast::Invalid;
    }
    if out.starts_with(b"xn--") || memchr_xn(out) {
        return Fast::Idn;
    }
    // Checked above: only ASCII bytes.
    match std::str::from_utf8(out) {
        Ok(ascii) => Fast::Ascii(ascii),
        Err(_) => Fast::Invalid,
    }
}

/// Whether some label after the first starts with `xn--`.
fn memchr_xn(name: &[u8]) -> bool {
    name.windows(5).any(|w| w == b".xn--")
}

/// The full path: IDNA (UTS #46) to ASCII, and the Unicode form of IDN labels.
pub(crate) fn normalize(input: &str) -> Option<Normalized> {
    let s = trim(input)?;
    let ascii = if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(s).ok()?
    };
    let ascii = ascii.trim_end_matches('.').to_string();
    if !valid_ascii(ascii.as_bytes()) {
        return None;
    }
    let unicode = if ascii.starts_with("xn--") || memchr_xn(ascii.as_bytes()) {
        let (unicode, result) = idna::domain_to_unicode(&ascii);
        // Broken punycode: keep the ASCII form only.
        result.ok().map(|()| unicode).filter(|u| *u != ascii)
    } else {
        None
    };
    Some(Normalized { ascii, unicode })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast_of(s: &str) -> Option<String> {
        let mut buf = [0u8; 256];
        match fast(s, &mut buf) {
            Fast::Ascii(a) => Some(a.to_string()),
            _ => None,
        }
    }

    #[test]
    fn names_from_logs_are_normalized() {
        assert_eq!(fast_of("*.Example.COM.").as_deref(), Some("example.com"));
        assert_eq!(
            fast_of("  www.example.com\r").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(fast_of("localhost"), None);
        assert_eq!(fast_of("a..b.com"), None);
        assert_eq!(fast_of("exa mple.com"), None);
        assert_eq!(fast_of(&"a".repeat(64)), None);
        let n = normalize("xn--80ak6aa92e.com").unwrap();
        assert_eq!(n.unicode.as_deref(), Some("аррӏе.com"));
        let n = normalize("АРРӀЕ.com.").unwrap();
        assert_eq!(n.ascii, "xn--80ak6aa92e.com");
        assert!(normalize("xn--zz.com").is_some_and(|n| n.unicode.is_none()));
        assert!(normalize(&"é".repeat(2000)).is_none());
    }

    #[test]
    fn idn_names_leave_the_fast_path() {
        let mut buf = [0u8; 256];
        assert!(matches!(fast("аpple.com", &mut buf), Fast::Idn));
        assert!(matches!(
            fast("www.xn--80ak6aa92e.com", &mut buf),
            Fast::Idn
        ));
    }
}
