//! Removing victims' personal data from a narrative before it leaves in a package.
//!
//! The caller knows what is personal: the reporter's name, email and phone (from the sealed
//! reporter), and spans the extractor found that must not travel (gift card codes, the victim's
//! own contact details typed into the story). What is removed becomes a bracketed placeholder,
//! so that a reader sees that something was there.

/// What replaces a removed piece.
pub const REDACTED: &str = "[redacted]";

/// What to remove from one narrative.
#[derive(Clone, Debug, Default)]
pub struct Personal<'a> {
    /// The reporter's name: the whole name and each word of three letters or more are removed
    /// wherever they stand as words, whatever their case.
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    /// The reporter's phone: any run of digits and separators whose digits end with its last
    /// seven or more digits is removed.
    pub phone: Option<&'a str>,
    /// Byte spans of the narrative to remove, each with its placeholder.
    pub spans: Vec<(usize, usize, &'a str)>,
    /// Also remove what may identify the victim without naming them: runs of five digits or
    /// more (order, account and postal numbers) and UK or Canadian postcodes, except inside
    /// `keep`.
    pub scrub: bool,
    /// Byte spans that stay whatever `scrub` finds in them (the scammers' numbers and sites).
    pub keep: Vec<(usize, usize)>,
}

/// What replaces a number or postcode that `scrub` removes.
pub const NUMBER_REMOVED: &str = "[number removed]";

/// The narrative with `personal` removed.
pub fn redact(narrative: &str, personal: &Personal<'_>) -> String {
    let mut cuts: Vec<(usize, usize, &str)> = personal
        .spans
        .iter()
        .filter(|(s, e, _)| s < e && narrative.get(*s..*e).is_some())
        .copied()
        .collect();
    let lower = narrative.to_lowercase();
    // Lowercasing can change byte lengths (a few Unicode letters); words are then found in the
    // original only where the lengths agree.
    let same_len = lower.len() == narrative.len();
    let mut words: Vec<String> = Vec::new();
    if let Some(email) = personal.email.map(str::trim).filter(|e| !e.is_empty()) {
        words.push(email.to_lowercase());
    }
    if let Some(name) = personal.name.map(str::trim).filter(|n| !n.is_empty()) {
        words.push(name.to_lowercase());
        for w in name.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-') {
            if w.chars().count() >= 3 {
                words.push(w.to_lowercase());
            }
        }
    }
    if same_len {
        for w in &words {
            let mut from = 0;
            while let Some(at) = lower[from..].find(w.as_str()) {
                let (s, e) = (from + at, from + at + w.len());
                let before = lower[..s].chars().next_back();
                let after = lower[e..].chars().next();
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if boundary(before) && boundary(after) {
                    cuts.push((s, e, REDACTED));
                }
                from = e;
            }
        }
    }
    if let Some(phone) = personal.phone {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 7 {
            let tail = &digits[digits.len() - 7..];
            for (s, e) in digit_runs(narrative) {
                let run: String = narrative[s..e]
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                if run.len() >= 7 && run.ends_with(tail) {
                    cuts.push((s, e, REDACTED));
                }
            }
        }
    }
    if personal.scrub {
        let kept = |s: usize, e: usize| personal.keep.iter().any(|(ks, ke)| s < *ke && *ks < e);
        for (s, e) in digit_runs(narrative) {
            let digits = narrative[s..e].bytes().filter(u8::is_ascii_digit).count();
            if digits >= 5 && !kept(s, e) {
                cuts.push((s, e, NUMBER_REMOVED));
            }
        }
        for (s, e) in postcodes(narrative) {
            if !kept(s, e) {
                cuts.push((s, e, NUMBER_REMOVED));
            }
        }
    }
    cuts.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::with_capacity(narrative.len());
    let mut at = 0;
    for (s, e, placeholder) in cuts {
        if e <= at {
            continue;
        }
        let s = s.max(at);
        out.push_str(&narrative[at..s]);
        out.push_str(placeholder);
        at = e;
    }
    out.push_str(&narrative[at..]);
    out
}

/// Byte spans of UK (`SW1A 1AA`, `M1 1AE`) and Canadian (`K1A 0B1`) postcodes standing as words.
fn postcodes(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let up = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let al = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    let dg = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let word_end = |i: usize| b.get(i).is_none_or(|c| !c.is_ascii_alphanumeric());
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        // Canadian: A1A 1A1 (either case, the space optional).
        let ca = |at: usize| al(at) && dg(at + 1) && al(at + 2);
        if ca(i) {
            let j = if b.get(i + 3) == Some(&b' ') {
                i + 4
            } else {
                i + 3
            };
            if dg(j) && al(j + 1) && dg(j + 2) && word_end(j + 3) {
                out.push((i, j + 3));
                i = j + 3;
                continue;
            }
        }
        // UK: outward code of 2 to 4 (letter first, a digit second or third), a space, then
        // digit letter letter; capitals only, so that words are not taken.
        let mut matched = false;
        for outward in 2..=4 {
            let ok_out =
                up(i) && (i + 1..i + outward).all(|k| up(k) || dg(k)) && (dg(i + 1) || dg(i + 2));
            let j = i + outward;
            if ok_out
                && b.get(j) == Some(&b' ')
                && dg(j + 1)
                && up(j + 2)
                && up(j + 3)
                && word_end(j + 4)
            {
                out.push((i, j + 4));
                i = j + 4;
                matched = true;
                break;
            }
        }
        if !matched {
            i += 1;
        }
    }
    out
}

/// Byte spans of runs of digits with the separators people write in phone numbers.
fn digit_runs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_digit_end = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() {
            if start.is_none() {
                start = Some(if i > 0 && text[..i].ends_with('+') {
                    i - 1
                } else {
                    i
                });
            }
            last_digit_end = i + 1;
        } else if start.is_some() && matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}') {
            continue;
        } else if let Some(s) = start.take() {
            out.push((s, last_digit_end));
        }
    }
    if let Some(s) = start {
        out.push((s, last_digit_end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_the_reporters_name_email_and_phone() {
        let text = "My name is Jane Q. Doe-Smith, email JANE.DOE@example.org, call me on (415) 555-0199. \
                    The caller said +1 888 555 0100. Doe-Smith paid. Janet is my neighbour.";
        let out = redact(
            text,
            &Personal {
                name: Some("Jane Doe-Smith"),
                email: Some("jane.doe@example.org"),
                phone: Some("+1 415-555-0199"),
                ..Default::default()
            },
        );
        assert!(!out.contains("Jane "), "{out}");
        assert!(
            !out.to_lowercase().contains("jane.doe@example.org"),
            "{out}"
        );
        assert!(!out.contains("555-0199"), "{out}");
        assert!(!out.contains("Doe-Smith"), "{out}");
        assert!(
            out.contains("+1 888 555 0100"),
            "the scammer's number stays: {out}"
        );
        assert!(out.contains("Janet"), "whole words only: {out}");
        assert!(out.contains("[redacted]"));
    }

    #[test]
    fn spans_and_overlaps() {
        let text = "code 1234-5678-9012 and name Pat Example";
        let out = redact(
            text,
            &Personal {
                name: Some("Pat Example"),
                spans: vec![(5, 19, "[gift card code]"), (100, 120, "x"), (8, 6, "y")],
                ..Default::default()
            },
        );
        assert_eq!(out, "code [gift card code] and name [redacted]");
    }

    #[test]
    fn scrubbing_removes_numbers_and_postcodes_but_keeps_the_scammers() {
        let text = "Call 1-888-555-0100 now. My order #465-2127603-9794740, I live in W7V 9W5, \
                    zip code 90210, or SW1A 1AA. Paid 250 dollars, ID 123 456. CASE OK.";
        let keep_at = text.find("1-888").unwrap();
        let out = redact(
            text,
            &Personal {
                scrub: true,
                keep: vec![(keep_at, keep_at + 14)],
                ..Default::default()
            },
        );
        assert!(out.contains("1-888-555-0100"), "{out}");
        for gone in ["2127603", "W7V 9W5", "90210", "SW1A 1AA", "123 456"] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(
            out.contains("Paid 250 dollars") && out.contains("CASE OK"),
            "{out}"
        );
    }

    #[test]
    fn nothing_to_remove_is_identity_and_unicode_is_safe() {
        let text = "İstanbul — ÆØÅ 電話 0120-444-444";
        assert_eq!(redact(text, &Personal::default()), text);
        let out = redact(
            text,
            &Personal {
                name: Some("İstanbul"),
                phone: Some("0120444444"),
                ..Default::default()
            },
        );
        assert!(!out.contains("0120-444-444"), "{out}");
    }
}
