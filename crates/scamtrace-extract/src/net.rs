//! Domains, URLs, email addresses and IP addresses: parsing one value into its canonical form, and
//! finding them in free text.
//!
//! Canonical forms: a domain is its lowercase ASCII (punycode) hostname without a trailing dot,
//! and carries its registrable domain by the Public Suffix List *including* private suffixes, so
//! `evil.azurewebsites.net` and `other.azurewebsites.net` stay apart. A URL is WHATWG-parsed with
//! scheme and host lowercased, default port and fragment dropped, and percent-escapes normalized.
//! An email keeps its local part and lowercases and IDNA-maps its domain. An IP is its standard
//! text form.

use std::borrow::Cow;
use std::net::IpAddr;

/// A hostname, checked against the Public Suffix List.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainName {
    /// Lowercase ASCII (punycode for IDNs), no trailing dot.
    pub ascii: String,
    /// For display: Unicode form of IDNs.
    pub unicode: String,
    /// The registrable domain (`example.co.uk`; `evil.azurewebsites.net` under a private suffix).
    pub registrable: String,
    /// The public suffix is a private one (a hosting platform's shared parent).
    pub private_suffix: bool,
}

/// Words that look like a TLD after a dot but in victims' text are nearly always file names.
const FILE_EXTENSIONS: &[&str] = &[
    "zip", "mov", "exe", "msi", "pdf", "doc", "docx", "jpg", "png", "txt", "apk", "dll", "bat",
];

fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `s` holds "..": `str::contains` with a two-byte needle sets up a substring search
/// each time, more than these short names take to scan.
fn has_double_dot(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w == b"..")
}

/// Parses a hostname: lowercase, trailing dot removed, IDNA (UTS #46) to ASCII, every label
/// checked, a known public suffix with a registrable label in front of it.
pub fn parse_domain(input: &str) -> Option<DomainName> {
    let trimmed = input.trim().trim_end_matches('.');
    if trimmed.is_empty()
        || trimmed.len() > 253
        || trimmed.starts_with('.')
        || has_double_dot(trimmed)
    {
        return None;
    }
    let ascii = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(trimmed).ok()?
    };
    if ascii.len() > 253 || !ascii.contains('.') || !ascii.split('.').all(is_label) {
        return None;
    }
    let tld = ascii.rsplit('.').next()?;
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // One lookup: the registrable domain carries the hostname's public suffix. (A hostname
    // that is itself a suffix has no registrable domain, and is refused either way.)
    let domain = psl::domain(ascii.as_bytes())?;
    let suffix = domain.suffix();
    if !suffix.is_known() {
        return None;
    }
    let registrable = std::str::from_utf8(domain.as_bytes()).ok()?.to_string();
    let private_suffix = matches!(suffix.typ(), Some(psl::Type::Private));
    let unicode = unicode_form(&ascii);
    Some(DomainName {
        ascii,
        unicode,
        registrable,
        private_suffix,
    })
}

/// The Unicode form of a checked lowercase ASCII hostname, for display. Without an `xn--`
/// anywhere it is the hostname itself, which IDNA's `to_unicode` (nearly every domain in a
/// report) would copy after mapping and checking it label by label; checked equal in the tests.
fn unicode_form(ascii: &str) -> String {
    if ascii.as_bytes().windows(4).any(|w| w == b"xn--") {
        idna::domain_to_unicode(ascii).0
    } else {
        ascii.to_string()
    }
}

/// The registrable domain of a hostname by the Public Suffix List algorithm, private suffixes
/// included, with the list's default rule (`*`) for unknown top-level domains. Input is
/// lowercased, a trailing dot dropped, and IDNA-mapped; the answer is in the input's form
/// (Unicode in, Unicode out). `None` for a public suffix itself, an empty label or a leading dot.
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    if host.is_empty() || host.starts_with('.') || has_double_dot(host) {
        return None;
    }
    let ascii = if host.is_ascii() {
        host.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(host).ok()?
    };
    if !ascii.split('.').all(is_label) {
        return None;
    }
    let domain = psl::domain(ascii.as_bytes())?;
    let registrable = std::str::from_utf8(domain.as_bytes()).ok()?.to_string();
    if host.is_ascii() {
        Some(registrable)
    } else {
        Some(idna::domain_to_unicode(&registrable).0)
    }
}

/// A canonical URL and its host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalUrl {
    pub url: String,
    pub host: Host,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    Domain(DomainName),
    Ip(IpAddr),
}

/// Decodes escapes of unreserved characters (`%41` → `A`) and uppercases the hex of the others
/// (`%2f` → `%2F`), so that equivalent URLs compare equal (RFC 3986 section 6.2.2). Borrowed
/// when there is no escape to change (most paths and queries).
fn normalize_escapes(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    // Only an escape with two characters after its `%` can change.
    let Some(first) = memchr::memchr(b'%', bytes).filter(|&i| i + 2 < bytes.len()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut i = first;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = &s[i + 1..i + 3];
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                    out.push(v as char);
                } else {
                    out.push('%');
                    out.push_str(&hex.to_ascii_uppercase());
                }
                i += 3;
                continue;
            }
        }
        // `s` is ASCII after WHATWG serialization.
        out.push(bytes[i] as char);
        i += 1;
    }
    if out == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(out)
    }
}

/// Parses an http(s) URL (a bare `www.` host is taken as `http://`).
///
/// Each of `url`'s setters serializes the URL again, so each runs only where it changes
/// something: most URLs in reports have no fragment, credentials or escapes to normalize.
/// (Setting a part to what it already is leaves the URL as it was; a test checks this against
/// setting every part.)
pub fn canonical_url(input: &str) -> Option<CanonicalUrl> {
    let input = input.trim();
    let with_scheme: Cow<str> = if input.len() >= 4 && input[..4].eq_ignore_ascii_case("www.") {
        Cow::Owned(format!("http://{input}"))
    } else {
        Cow::Borrowed(input)
    };
    let mut url = url::Url::parse(&with_scheme).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = match url.host()? {
        url::Host::Domain(d) => Host::Domain(parse_domain(d)?),
        url::Host::Ipv4(ip) => Host::Ip(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Host::Ip(IpAddr::V6(ip)),
    };
    if url.fragment().is_some() {
        url.set_fragment(None);
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    if !url.username().is_empty() {
        let _ = url.set_username("");
    }
    if url.password().is_some() {
        let _ = url.set_password(None);
    }
    if let Cow::Owned(path) = normalize_escapes(url.path()) {
        url.set_path(&path);
    }
    if let Some(Cow::Owned(q)) = url.query().map(normalize_escapes) {
        url.set_query(Some(&q));
    }
    Some(CanonicalUrl {
        url: url.into(),
        host,
    })
}

/// An email address with its domain lowercased and IDNA-mapped; the local part is kept as written.
pub fn parse_email(input: &str) -> Option<(String, DomainName)> {
    // No `@`, no address: most tokens a caller tries (see `handles`) stop here.
    if !input.contains('@') {
        return None;
    }
    let mut input = input.trim();
    // `trim_start_matches`, without building a substring searcher for each call.
    while let Some(rest) = input.strip_prefix("mailto:") {
        input = rest;
    }
    let (local, domain) = input.rsplit_once('@')?;
    if local.is_empty()
        || local.len() > 64
        || local.starts_with('.')
        || local.ends_with('.')
        || has_double_dot(local)
    {
        return None;
    }
    if !local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._%+-!#$&'*/=?^`{|}~".contains(&b))
    {
        return None;
    }
    let domain = parse_domain(domain)?;
    Some((format!("{local}@{}", domain.ascii), domain))
}

/// An IPv4 or IPv6 address in its standard text form.
pub fn parse_ip(input: &str) -> Option<IpAddr> {
    let input = input.trim().trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = input.parse().ok()?;
    Some(ip)
}

/// Whether an address says nothing about who is behind it (private, loopback, link-local ...).
pub fn is_non_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Something found in text, with its span in the text that was searched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetMatch {
    Url {
        start: usize,
        end: usize,
        url: CanonicalUrl,
    },
    Email {
        start: usize,
        end: usize,
        email: String,
        domain: DomainName,
    },
    Domain {
        start: usize,
        end: usize,
        domain: DomainName,
    },
    Ip {
        start: usize,
        end: usize,
        ip: IpAddr,
    },
}

/// Characters that end a token: whitespace, brackets and quotes, and CJK text and punctuation
/// (Japanese writes addresses straight after words, with no space).
const fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '<' | '>'
                | '"'
                | '\''
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | ';'
                | '|'
                | '\\'
                | '`'
                | '«'
                | '»'
                | '“'
                | '”'
                | '‘'
                | '’'
        )
        || matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20)
}

/// Tokens longer than this are not addresses (and are skipped whole, keeping the scan linear).
const MAX_TOKEN: usize = 2048;

/// URLs, emails, bare domains and IP addresses in free text, in order.
///
/// A token (a run between delimiters) can only be one of these if it holds a `.`, `@` or `:`, so
/// only tokens around those bytes are read; everything else is skipped at memchr speed.
pub fn find_network(text: &str) -> Vec<NetMatch> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Where the previous token ended: no token starts before it.
    let mut floor = 0;
    let mut from = 0;
    while let Some(at) = next_punctuation(bytes, from) {
        let end = token_end(text, at);
        // `at` is the token's first `.`, `@` or `:` (none lies between `floor` and it). When
        // everything from it to the token's end is sentence punctuation ("Thanks.", "me:"),
        // `classify` trims it all and finds nothing: skip the walk back to the token's start.
        if !only_trailing_punctuation(&bytes[at..end]) {
            let start = token_start(text, floor, at);
            if end - start <= MAX_TOKEN {
                classify(text, start, end, &mut found);
            }
        }
        floor = end;
        from = end;
        if from >= bytes.len() {
            break;
        }
    }
    found
}

/// Sentence punctuation, which `classify` trims from the end of a token.
fn is_trailing_punctuation(b: u8) -> bool {
    matches!(b, b'.' | b',' | b':' | b'!' | b'?' | b';')
}

/// Whether `tail` (from a token's first `.`, `@` or `:` to its end) is all sentence
/// punctuation: then the token holds nothing `classify` can find.
fn only_trailing_punctuation(tail: &[u8]) -> bool {
    tail.iter().all(|&b| is_trailing_punctuation(b))
}

/// The first `.`, `@` or `:` at or after `from`: the bytes every URL, email, domain and IP
/// address holds. `memchr3` compares sixteen or more bytes per step (prose has a few dozen
/// bytes between two sentence ends).
fn next_punctuation(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr3(b'.', b'@', b':', bytes.get(from..)?).map(|i| from + i)
}

/// Whether the ASCII byte `b` ends a token (what [`is_delimiter`] says of it).
const ASCII_DELIMITERS: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = is_delimiter(b as u8 as char);
        b += 1;
    }
    table
};

fn delimits(c: char) -> bool {
    if c.is_ascii() {
        ASCII_DELIMITERS[c as usize]
    } else {
        is_delimiter(c)
    }
}

/// Start of the token holding byte `at` (not a delimiter), looking back no further than `floor`.
fn token_start(text: &str, floor: usize, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i > floor {
        let b = bytes[i - 1];
        if b.is_ascii() {
            if ASCII_DELIMITERS[usize::from(b)] {
                return i;
            }
            i -= 1;
        } else {
            let Some(c) = text[floor..i].chars().next_back() else {
                break;
            };
            if is_delimiter(c) {
                return i;
            }
            i -= c.len_utf8();
        }
    }
    floor
}

/// End of the token holding byte `at` (not a delimiter): the next delimiter or the text's end.
fn token_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if ASCII_DELIMITERS[usize::from(b)] {
                return i;
            }
            i += 1;
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            if delimits(c) {
                return i;
            }
            i += c.len_utf8();
        }
    }
    bytes.len()
}

fn classify(text: &str, mut start: usize, mut end: usize, found: &mut Vec<NetMatch>) {
    // Sentence punctuation around a token is not part of it.
    while end > start && is_trailing_punctuation(text.as_bytes()[end - 1]) {
        end -= 1;
    }
    while start < end && matches!(text.as_bytes()[start], b':' | b'.' | b'/') {
        start += 1;
    }
    if start >= end {
        return;
    }
    let token = &text[start..end];
    // Trimming may have taken the only `.`, `@` or `:` ("Thanks."): nothing left to find.
    if !token.bytes().any(|b| matches!(b, b'.' | b'@' | b':')) {
        return;
    }
    let has_prefix = |prefix: &str| {
        token
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    if has_prefix("http://") || has_prefix("https://") || has_prefix("www.") {
        if let Some(url) = canonical_url(token) {
            found.push(NetMatch::Url { start, end, url });
        }
        return;
    }
    // A URL written without a scheme: `example.com/path`.
    // Tokens are short: a plain byte loop costs less than setting up `str::find`'s search.
    let first = |byte: u8| token.bytes().position(|b| b == byte);
    if let Some(slash) = first(b'/') {
        let host = &token[..slash];
        if !host.bytes().any(|b| b == b'@')
            && looks_like_written_domain(host)
            && parse_domain(host).is_some()
            && let Some(url) = canonical_url(&format!("http://{token}"))
        {
            found.push(NetMatch::Url { start, end, url });
        }
        return;
    }
    if let Some(at) = first(b'@') {
        // Trim what cannot start a local part ("email:bob@x.com").
        let local_start = token[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || "._%+-".contains(*c)))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        if let Some((email, domain)) = parse_email(&token[local_start..]) {
            found.push(NetMatch::Email {
                start: start + local_start,
                end,
                email,
                domain,
            });
        }
        return;
    }
    let count = |byte: u8| token.bytes().filter(|&b| b == byte).count();
    if first(b':').is_some() || token.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        if (count(b'.') == 3 || count(b':') >= 2)
            && let Some(ip) = parse_ip(token)
        {
            found.push(NetMatch::Ip { start, end, ip });
        }
        return;
    }
    if first(b'.').is_some()
        && looks_like_written_domain(token)
        && let Some(domain) = parse_domain(token)
    {
        found.push(NetMatch::Domain { start, end, domain });
    }
}

/// Guards against prose: `here.Then` (a sentence without its space) and `setup.exe` are not
/// domains, `e.g.` and `U.S.` are abbreviations.
fn looks_like_written_domain(token: &str) -> bool {
    // After the last '.' (a byte search: '.' is ASCII, so every cut is a character boundary).
    let tld = token
        .bytes()
        .rposition(|b| b == b'.')
        .map_or(token, |dot| &token[dot + 1..]);
    // The extensions are lowercase ASCII: comparing ignoring ASCII case is comparing with
    // the lowercased word, without building it.
    if tld.len() < 2 || FILE_EXTENSIONS.iter().any(|e| tld.eq_ignore_ascii_case(e)) {
        return false;
    }
    let mut chars = tld.chars();
    let titlecase = chars.next().is_some_and(|c| c.is_uppercase())
        && chars.clone().any(|c| c.is_lowercase())
        && chars.all(|c| !c.is_uppercase());
    if titlecase {
        return false;
    }
    // Every label at least as long as an abbreviation's letter (characters counted as the
    // bytes that start one), and at least two labels.
    let labels = || token.as_bytes().split(|&b| b == b'.');
    labels().filter(|l| !l.is_empty()).all(|l| {
        l.iter().filter(|&&b| b & 0xC0 != 0x80).count() >= 2 || l.iter().all(u8::is_ascii_digit)
    }) && labels().nth(1).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_canonicalize_and_keep_private_suffixes_apart() {
        let d = parse_domain("Support.Microsoft.COM.").unwrap();
        assert_eq!(
            (d.ascii.as_str(), d.registrable.as_str(), d.private_suffix),
            ("support.microsoft.com", "microsoft.com", false)
        );
        let a = parse_domain("evil.azurewebsites.net").unwrap();
        let b = parse_domain("other.azurewebsites.net").unwrap();
        assert_ne!(a.registrable, b.registrable);
        assert!(a.private_suffix);
        let uk = parse_domain("help.example.co.uk").unwrap();
        assert_eq!(uk.registrable, "example.co.uk");
        let idn = parse_domain("аррӏе.com").unwrap();
        assert!(idn.ascii.starts_with("xn--"), "{}", idn.ascii);
        assert_eq!(idn.unicode, "аррӏе.com");
        for bad in [
            "",
            "com",
            "localhost",
            "example.invalidtld",
            "-bad.com",
            "a..b.com",
            "1.2.3.4",
            "exa mple.com",
            ".com",
        ] {
            assert!(parse_domain(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn urls_canonicalize() {
        let u =
            canonical_url("HTTPS://Secure-Amzn.Example.COM:443/Refund/%7euser/%2fcase?id=5#top")
                .unwrap();
        assert_eq!(
            u.url,
            "https://secure-amzn.example.com/Refund/~user/%2Fcase?id=5"
        );
        assert_eq!(
            canonical_url("http://example.com").unwrap().url,
            "http://example.com/"
        );
        assert_eq!(
            canonical_url("www.example.com/a?").unwrap().url,
            "http://www.example.com/a"
        );
        assert!(canonical_url("ftp://example.com/x").is_none());
        assert!(canonical_url("javascript:alert(1)").is_none());
        assert_eq!(
            canonical_url("http://user:pw@example.com/").unwrap().url,
            "http://example.com/"
        );
    }

    /// `canonical_url` as it was before it skipped setters that change nothing: every part
    /// set, whatever it held.
    fn canonical_url_setting_every_part(input: &str) -> Option<String> {
        let input = input.trim();
        let with_scheme = if input.len() >= 4 && input[..4].eq_ignore_ascii_case("www.") {
            format!("http://{input}")
        } else {
            input.to_string()
        };
        let mut url = url::Url::parse(&with_scheme).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        if let url::Host::Domain(d) = url.host()? {
            parse_domain(d)?;
        }
        url.set_fragment(None);
        if url.query() == Some("") {
            url.set_query(None);
        }
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let path = normalize_escapes(url.path()).into_owned();
        url.set_path(&path);
        if let Some(q) = url.query().map(|q| normalize_escapes(q).into_owned()) {
            url.set_query(Some(&q));
        }
        Some(url.to_string())
    }

    #[test]
    fn skipping_setters_that_change_nothing_changes_no_url() {
        let tricky = [
            "http://example.com",
            "https://example.com/",
            "www.example.com/a?",
            "http://example.com/a/./b/../c/%2e%2E/d",
            "http://example.com/%2e/x",
            "http://example.com/a%2fb%7Ec%41%zz%4",
            "http://example.com/path%",
            "http://example.com/p%4",
            "http://example.com/p%41",
            "http://example.com/%E2%82%AC?q=%e2%82%ac&r=%7e#frag",
            "http://example.com/a b/c\\d?x y=1#z",
            "http://example.com/?",
            "http://example.com/#",
            "http://example.com/?#",
            "http://user@example.com/",
            "http://:pw@example.com/",
            "http://user:pw@example.com:8080/x?y#z",
            "HTTP://EXAMPLE.COM:80/A?B=C",
            "https://[2001:db8::1]/x",
            "http://192.168.0.1:81/",
            "http://0x7f.1/",
            "http://ex%41mple.com/",
            "http://xn--mnchen-3ya.de/straße?ä=ö",
            "http://münchen.de/%c3%a4",
            "http://example.com//double//slash",
            "http://example.com/;param?q=%00%1f%20%7f",
            "http://example.com/~user/%7Euser/%7euser",
            "http://example.com/%252e",
            "http://example.com/\t/tab",
            "https://example.com/a?b=%ZZ&c=%2",
            "www.EXAMPLE.com",
            "http://example.com.",
            "http://a.b.example.co.uk/x?%41=%61",
        ];
        for input in tricky {
            assert_eq!(
                canonical_url(input).map(|u| u.url),
                canonical_url_setting_every_part(input),
                "{input}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn skipping_setters_agrees_on_any_url(
            scheme in "(http|https|HTTP)://|www\\.",
            userinfo in "([a-z]{0,3}(:[a-z]{0,3})?@)?",
            host in "[a-zA-Z0-9-]{1,8}\\.(com|co\\.uk|de)|[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
            rest in "[/a-zA-Z0-9%.~?#&=;: \\\\é]{0,30}",
        ) {
            let input = format!("{scheme}{userinfo}{host}{rest}");
            proptest::prop_assert_eq!(
                canonical_url(&input).map(|u| u.url),
                canonical_url_setting_every_part(&input),
                "{}", input
            );
        }
    }

    #[test]
    fn emails_lowercase_only_their_domain() {
        assert_eq!(
            parse_email("Billing.Team@MS-Help.Example.COM").unwrap().0,
            "Billing.Team@ms-help.example.com"
        );
        for bad in ["@x.com", "a@", "a@b", "a b@c.com", "a@@c.com"] {
            assert!(parse_email(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn text_yields_each_kind_with_spans() {
        let text = "Call them, or go to https://ms-support.example.com/fix?x=1. Email billing@evil.example.net, \
                    see fixmypc247.us or www.help-desk.example.org. Server 203.0.113.9 and 2001:db8::1. \
                    Then.I clicked setup.exe, e.g. the U.S. version 1.2.3.";
        let found = find_network(text);
        let shown: Vec<String> = found
            .iter()
            .map(|m| match m {
                NetMatch::Url { start, end, url } => {
                    format!("url {} [{}]", url.url, &text[*start..*end])
                }
                NetMatch::Email {
                    start, end, email, ..
                } => format!("email {email} [{}]", &text[*start..*end]),
                NetMatch::Domain { start, end, domain } => {
                    format!("domain {} [{}]", domain.ascii, &text[*start..*end])
                }
                NetMatch::Ip { start, end, ip } => format!("ip {ip} [{}]", &text[*start..*end]),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "url https://ms-support.example.com/fix?x=1 [https://ms-support.example.com/fix?x=1]",
                "email billing@evil.example.net [billing@evil.example.net]",
                "domain fixmypc247.us [fixmypc247.us]",
                "url http://www.help-desk.example.org/ [www.help-desk.example.org]",
                "ip 203.0.113.9 [203.0.113.9]",
                "ip 2001:db8::1 [2001:db8::1]",
            ]
        );
    }

    #[test]
    fn japanese_text_around_addresses() {
        let text = "画面にms-help.example.comと出て、電話しました。";
        let found = find_network(text);
        assert!(
            matches!(&found[..], [NetMatch::Domain { domain, .. }] if domain.ascii == "ms-help.example.com"),
            "{found:?}"
        );
    }

    #[test]
    fn punctuation_is_found_in_every_lane() {
        for len in 0..40 {
            for at in 0..len {
                for b in [b'.', b'@', b':'] {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    // Bytes one off each punctuation mark, and high bytes, around it.
                    for (i, t) in text.iter_mut().enumerate() {
                        if i != at && i % 3 == 0 {
                            *t = [b'-', b'/', b';', b'A', 0xc3, 0x3b][i % 6];
                        }
                    }
                    for from in 0..=len {
                        let want = (from <= at).then_some(at);
                        assert_eq!(next_punctuation(&text, from), want, "{len} {at} {from}");
                    }
                }
            }
        }
    }

    /// A hostname that `parse_domain` checked and holds no `xn--` is its own Unicode form, as
    /// IDNA finds it: random lowercase ASCII hostnames of valid labels.
    #[test]
    fn ascii_hostnames_are_their_own_unicode_form() {
        let pieces = [
            "a", "z", "q", "0", "9", "-", "_", "xn", "x", "n", "--", "ab", "com", "www", ".",
        ];
        let mut checked = 0;
        for parts in crate::text::random_texts(&pieces, 0x1d2a_5eed_0bad_cafe, 30_000, 24) {
            let host: String = parts.concat();
            let trimmed = host.trim_end_matches('.');
            if trimmed.is_empty()
                || trimmed.starts_with('.')
                || trimmed.contains("..")
                || !trimmed.split('.').all(is_label)
            {
                continue;
            }
            checked += 1;
            assert_eq!(
                unicode_form(trimmed),
                idna::domain_to_unicode(trimmed).0,
                "{trimmed:?}"
            );
        }
        assert!(checked > 5_000, "{checked}");
        assert_eq!(unicode_form("xn--80ak6aa92e.com"), "аррӏе.com");
    }

    /// `looks_like_written_domain` as first written, on `str` splits and lowercased copies.
    fn looks_like_written_domain_by_chars(token: &str) -> bool {
        let Some(tld) = token.rsplit('.').next() else {
            return false;
        };
        if tld.len() < 2 || FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str()) {
            return false;
        }
        let mut chars = tld.chars();
        let titlecase = chars.next().is_some_and(|c| c.is_uppercase())
            && chars.clone().any(|c| c.is_lowercase())
            && chars.all(|c| !c.is_uppercase());
        if titlecase {
            return false;
        }
        token
            .split('.')
            .filter(|l| !l.is_empty())
            .all(|l| l.chars().count() >= 2 || l.chars().all(|c| c.is_ascii_digit()))
            && token.split('.').count() >= 2
    }

    /// The byte-wise checks answer as the character-wise ones: random tokens of labels, dots,
    /// digits, capitals, accented and CJK letters and file extensions.
    #[test]
    fn written_domain_check_equals_the_first_version() {
        let pieces = [
            "a", "B", "é", "É", "電", "1", "2", ".", ".", "com", "Then", "EXE", "exe", "e", "g",
            "U", "S", "-", "xn--", "pdf",
        ];
        for parts in crate::text::random_texts(&pieces, 0x7a3c_9e1f_55aa_0102, 30_000, 12) {
            let token: String = parts.concat();
            assert_eq!(
                looks_like_written_domain(&token),
                looks_like_written_domain_by_chars(&token),
                "{token:?}"
            );
        }
    }

    /// `find_network` as first written: every token around a `.`, `@` or `:` classified.
    fn find_network_every_token(text: &str) -> Vec<NetMatch> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut floor = 0;
        let mut from = 0;
        while let Some(at) = next_punctuation(bytes, from) {
            let start = token_start(text, floor, at);
            let end = token_end(text, at);
            if end - start <= MAX_TOKEN {
                classify(text, start, end, &mut found);
            }
            floor = end;
            from = end;
            if from >= bytes.len() {
                break;
            }
        }
        found
    }

    /// Skipping tokens that end in sentence punctuation only finds what classifying every
    /// token finds.
    #[test]
    fn skipped_tokens_hold_nothing() {
        let pieces = [
            "a", "ex", "com", ".", ".", "@", ":", ",", "!", "?", ";", " ", "/", "1", "http", "www",
            "(", ")", "ｃ", "。", "\n", "-",
        ];
        for words in crate::text::random_texts(&pieces, 0x5eed_1234_abcd_ef01, 20_000, 40) {
            let text: String = words.concat();
            assert_eq!(
                find_network(&text),
                find_network_every_token(&text),
                "{text:?}"
            );
        }
        let text =
            "Thanks. Call me: 555. Visit ex.com, or bob@ex.com! Then: http://ex.com/a?. End..";
        assert_eq!(find_network(text), find_network_every_token(text));
    }

    #[test]
    fn non_public_addresses_are_recognized() {
        assert!(is_non_public(&"192.168.1.5".parse().unwrap()));
        assert!(!is_non_public(&"8.8.8.8".parse().unwrap()));
    }
}
