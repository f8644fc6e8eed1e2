//! Payment handles (Zelle, Cash App, Venmo, PayPal) and bank account numbers, taken only where the
//! text labels them: an unlabelled `$name` or digit run is not evidence of anything. Labels match
//! case-insensitively.

use crate::keywords::{self, Keyword};

/// Payment apps, their labels in text (lowercase), and what their handles look like.
pub(crate) const APPS: &[(&str, &[&str])] = &[
    ("cashapp", &["cash app", "cashapp", "cash-app"]),
    ("venmo", &["venmo"]),
    ("zelle", &["zelle"]),
    ("paypal", &["paypal", "pay pal"]),
];

/// How far after its label a handle may appear.
const WINDOW: usize = 40;

pub struct HandleMatch {
    pub start: usize,
    pub end: usize,
    /// `cashapp:$fixmypc`, `venmo:tech-help`, `zelle:billing@example.com`, `paypal:+18885550142`.
    pub value: String,
    pub app: &'static str,
}

fn window(text: &str, from: usize) -> &str {
    let mut end = (from + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[from..end]
}

/// Handles written after a payment app's name: `$cashtag` for Cash App, `@name` for Venmo, an
/// email address or phone number for Zelle and PayPal.
#[cfg(test)]
pub fn find_handles(text: &str) -> Vec<HandleMatch> {
    handles(text, &keywords::scan(text))
}

/// [`find_handles`] with the text's keywords already found.
pub(crate) fn handles(text: &str, scan: &keywords::Scan) -> Vec<HandleMatch> {
    // App by app and label by label, each in text order: an earlier app's handle wins an overlap.
    let labels = scan.in_list_order(|k| match k {
        Keyword::App { app, label } => Some((app, label)),
        _ => None,
    });
    let mut found: Vec<HandleMatch> = Vec::new();
    for ((app, _), after) in labels {
        let app = APPS[usize::from(app)].0;
        let w = window(text, after);
        let m = match app {
            "cashapp" => token_with_prefix(w, '$', 1, 20)
                .map(|(s, e, t)| (s, e, format!("${}", t.to_ascii_lowercase()))),
            "venmo" => {
                token_with_prefix(w, '@', 5, 30).map(|(s, e, t)| (s, e, t.to_ascii_lowercase()))
            }
            _ => email_or_phone(w),
        };
        if let Some((s, e, handle)) = m {
            let (start, end) = (after + s, after + e);
            if !found.iter().any(|f| f.start < end && start < f.end) {
                found.push(HandleMatch {
                    start,
                    end,
                    value: [app, ":", &handle].concat(),
                    app,
                });
            }
        }
    }
    found.sort_by_key(|m| m.start);
    found
}

/// The first `prefix`-marked token (`$name`, `@name`) of `min..=max` word characters.
fn token_with_prefix(
    w: &str,
    prefix: char,
    min: usize,
    max: usize,
) -> Option<(usize, usize, String)> {
    let at = w.find(prefix)?;
    let body: String = w[at + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    ((min..=max).contains(&body.len()) && body.chars().any(|c| c.is_ascii_alphabetic()))
        .then(|| (at, at + 1 + body.len(), body))
}

/// An email address or a phone number (as digits with a leading `+` kept) in the window.
fn email_or_phone(w: &str) -> Option<(usize, usize, String)> {
    for (i, token) in w
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .scan(0usize, |pos, t| {
            let start = *pos;
            *pos += t.len() + 1;
            Some((start, t))
        })
    {
        let t = token.trim_end_matches(['.', ':']).trim_start_matches(':');
        if let Some((email, _)) = crate::net::parse_email(t) {
            // Only now: most tokens are no address, and `find` builds a substring searcher.
            let offset = i + token.find(t).unwrap_or(0);
            return Some((offset, offset + t.len(), email));
        }
    }
    None
}

/// Bank account numbers where the text labels them, in the five intake languages.
pub(crate) const ACCOUNT_LABELS: &[&str] = &[
    "account number",
    "account no",
    "account #",
    "acct",
    "kontonummer",
    "número de cuenta",
    "numero de cuenta",
    "numéro de compte",
    "numero de compte",
    "口座番号",
];

pub struct AccountMatch {
    pub start: usize,
    pub end: usize,
    /// `account:123456789`, or `account:<routing>/<account>` when a US routing number is given too.
    pub value: String,
}

#[cfg(test)]
pub fn find_accounts(text: &str) -> Vec<AccountMatch> {
    accounts(text, &keywords::scan(text))
}

/// [`find_accounts`] with the text's keywords already found.
pub(crate) fn accounts(text: &str, scan: &keywords::Scan) -> Vec<AccountMatch> {
    let labels = scan.in_list_order(|k| match k {
        Keyword::Account { label } => Some(label),
        _ => None,
    });
    if labels.is_empty() {
        return Vec::new();
    }
    // Only the first "routing" counts.
    let routing = scan
        .hits
        .iter()
        .filter(|h| h.keyword == Keyword::Routing)
        .map(|h| h.end)
        .min()
        .and_then(|after| digit_run(window(text, after)).filter(|(_, _, d)| d.len() == 9))
        .map(|(_, _, d)| d);
    let mut found: Vec<AccountMatch> = Vec::new();
    for (_, after) in labels {
        if let Some((s, e, digits)) = digit_run(window(text, after))
            && (6..=17).contains(&digits.len())
        {
            let value = match &routing {
                Some(r) => ["account:", r, "/", &digits].concat(),
                None => ["account:", digits.as_str()].concat(),
            };
            let (start, end) = (after + s, after + e);
            if !found.iter().any(|f| f.start < end && start < f.end) {
                found.push(AccountMatch { start, end, value });
            }
        }
    }
    found
}

/// The first run of digits (single spaces or dashes allowed inside) in `w`.
fn digit_run(w: &str) -> Option<(usize, usize, String)> {
    let bytes = w.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit)?;
    let mut end = start;
    let mut digits = String::new();
    let mut i = start;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            digits.push(bytes[i] as char);
            i += 1;
            end = i;
        } else if matches!(bytes[i], b' ' | b'-')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            i += 1;
        } else {
            break;
        }
    }
    Some((start, end, digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_need_their_app_named() {
        let text = "He wanted $500 on Cash App to $FixMyPC247, then Venmo @tech-help-desk and Zelle to billing@refund-team.example.com.";
        let values: Vec<String> = find_handles(text).into_iter().map(|m| m.value).collect();
        assert_eq!(
            values,
            [
                "cashapp:$fixmypc247",
                "venmo:tech-help-desk",
                "zelle:billing@refund-team.example.com"
            ]
        );
        assert!(find_handles("I paid $500 and emailed bob@example.com").is_empty());
    }

    #[test]
    fn accounts_need_a_label() {
        let text =
            "Wire it to routing 021000021, account number 1234 5678 9012. Order 123456789 shipped.";
        let values: Vec<String> = find_accounts(text).into_iter().map(|m| m.value).collect();
        assert_eq!(values, ["account:021000021/123456789012"]);
    }
}
