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
pub(crate) enum Fast<'a> {
    /// Lowercase ASCII without IDN labels: the input itself, or the caller's buffer.
    Ascii(&'a str),
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
    shape(name).is_some()
}

/// The shape check, and whether a label starts with `xn--` (an IDN).
fn shape(name: &[u8]) -> Option<bool> {
    if name.len() > 253 || name.is_empty() {
        return None;
    }
    let mut label = 0usize;
    let mut dots = 0usize;
    let mut idn = false;
    for (i, &b) in name.iter().enumerate() {
        match b {
            b'.' => {
                if label == 0 {
                    return None;
                }
                dots += 1;
                label = 0;
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {
                if label == 0 && b == b'x' && name[i..].starts_with(b"xn--") {
                    idn = true;
                }
                label += 1;
                if label > 63 {
                    return None;
                }
            }
            _ => return None,
        }
    }
    (label > 0 && dots > 0).then_some(idn)
}

/// The allocation-free path: an ASCII name as it is when it is already lowercase (nearly always
/// in certificate-transparency logs), else lowercased into `buf`.
pub(crate) fn fast<'a>(input: &'a str, buf: &'a mut [u8; 256]) -> Fast<'a> {
    let Some(s) = trim(input) else {
        return Fast::Invalid;
    };
    if !s.is_ascii() {
        return Fast::Idn;
    }
    if s.len() > 253 {
        return Fast::Invalid;
    }
    let name: &'a str = if s.bytes().any(|b| b.is_ascii_uppercase()) {
        let out = &mut buf[..s.len()];
        for (o, b) in out.iter_mut().zip(s.bytes()) {
            *o = b.to_ascii_lowercase();
        }
        match std::str::from_utf8(out) {
            Ok(lower) => lower,
            Err(_) => return Fast::Invalid,
        }
    } else {
        s
    };
    match shape(name.as_bytes()) {
        None => Fast::Invalid,
        Some(true) => Fast::Idn,
        Some(false) => Fast::Ascii(name),
    }
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
    let unicode = if shape(ascii.as_bytes()) == Some(true) {
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
