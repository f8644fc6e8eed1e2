//! Remote-access tools and the ids victims read out to the "technician": `anydesk:123456789`.
//!
//! AnyDesk, TeamViewer, UltraViewer and RustDesk ids are long-lived and identify a machine, so
//! they link reports. A victim usually reads out their *own* id, but scammers' own ids and
//! aliases also appear, and either way a shared id is a strong link. Quick Assist codes and
//! LogMeIn Rescue PINs last minutes and are kept only as context (`linking = false`). ScreenConnect
//! (ConnectWise Control) links name the operator's own instance, which links strongly.

/// A remote-access tool ScamTrace knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tool {
    pub slug: &'static str,
    pub name: &'static str,
    /// Lowercase names victims write, matched on word boundaries.
    pub aliases: &'static [&'static str],
    /// Ids: minimum and maximum digits (0 when ids are not digit strings).
    pub digits: (usize, usize),
    /// Codes that expire within the session never link reports.
    pub short_lived: bool,
}

pub const TOOLS: &[Tool] = &[
    Tool {
        slug: "anydesk",
        name: "AnyDesk",
        aliases: &["anydesk", "any desk", "エニーデスク"],
        digits: (9, 10),
        short_lived: false,
    },
    Tool {
        slug: "teamviewer",
        name: "TeamViewer",
        aliases: &[
            "teamviewer",
            "team viewer",
            "チームビューワー",
            "チームビューア",
        ],
        digits: (9, 10),
        short_lived: false,
    },
    Tool {
        slug: "ultraviewer",
        name: "UltraViewer",
        aliases: &["ultraviewer", "ultra viewer"],
        digits: (8, 10),
        short_lived: false,
    },
    Tool {
        slug: "rustdesk",
        name: "RustDesk",
        aliases: &["rustdesk", "rust desk"],
        digits: (9, 10),
        short_lived: false,
    },
    Tool {
        slug: "screenconnect",
        name: "ScreenConnect",
        aliases: &["screenconnect", "screen connect", "connectwise"],
        digits: (0, 0),
        short_lived: false,
    },
    Tool {
        slug: "logmein",
        name: "LogMeIn",
        aliases: &[
            "logmein",
            "log me in",
            "logmein rescue",
            "gotoassist",
            "goto resolve",
        ],
        digits: (6, 6),
        short_lived: true,
    },
    Tool {
        slug: "quickassist",
        name: "Quick Assist",
        aliases: &[
            "quick assist",
            "quickassist",
            "クイックアシスト",
            "クイック アシスト",
            "remotehilfe",
            "asistencia rápida",
            "assistance rapide",
        ],
        digits: (0, 0),
        short_lived: true,
    },
];

pub fn tool(slug: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.slug == slug)
}

/// The tool a victim's words name ("Any Desk", "TeamViewer 15").
pub fn match_tool(text: &str) -> Option<&'static Tool> {
    let lower = text.to_lowercase();
    TOOLS
        .iter()
        .find(|t| t.aliases.iter().any(|a| lower.contains(a)))
}

/// A remote-access id in canonical form: the tool's slug and the id without separators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteId {
    pub tool: &'static Tool,
    pub id: String,
}

impl RemoteId {
    pub fn value(&self) -> String {
        // `concat` rather than `format!`: one allocation of the right size, no formatting.
        [self.tool.slug, ":", &self.id].concat()
    }
}

/// Normalizes an id for a tool: digits without spaces or dashes for numeric tools (an AnyDesk
/// alias such as `name@ad` is kept lowercase), the code uppercase for Quick Assist.
pub fn parse_id(tool: &'static Tool, raw: &str) -> Option<RemoteId> {
    let raw = raw.trim();
    if tool.slug == "anydesk" && raw.contains('@') {
        let alias = raw.to_lowercase();
        let ok = alias.len() <= 64
            && alias
                .chars()
                .all(|c| c.is_alphanumeric() || "@-_.".contains(c));
        return ok.then_some(RemoteId { tool, id: alias });
    }
    if tool.slug == "quickassist" {
        let code: String = raw
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        return (code.len() == 6).then_some(RemoteId { tool, id: code });
    }
    if tool.slug == "screenconnect" {
        return screenconnect_instance(raw).map(|id| RemoteId { tool, id });
    }
    // Reserved at once: collecting filtered characters would grow the string step by step.
    let mut digits = String::with_capacity(raw.len());
    digits.extend(
        raw.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '\u{a0}')),
    );
    let (min, max) = tool.digits;
    (digits.bytes().all(|b| b.is_ascii_digit()) && (min..=max).contains(&digits.len()))
        .then_some(RemoteId { tool, id: digits })
}

/// The instance a ScreenConnect link belongs to: `help123` for `help123.screenconnect.com/...`.
pub fn screenconnect_instance(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    // `trim_start_matches`, without building a substring searcher for each call.
    let mut rest = lower.as_str();
    while let Some(after) = rest.strip_prefix("https://") {
        rest = after;
    }
    while let Some(after) = rest.strip_prefix("http://") {
        rest = after;
    }
    let host = rest.split(['/', '?', ':']).next()?;
    for parent in [".screenconnect.com", ".hostedrmm.com", ".connectwise.com"] {
        if let Some(sub) = host.strip_suffix(parent) {
            let instance = sub.rsplit('.').next()?;
            if !instance.is_empty()
                && instance != "www"
                && instance
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Some(instance.to_string());
            }
        }
    }
    None
}

/// An id found in text, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteMatch {
    pub start: usize,
    pub end: usize,
    pub id: RemoteId,
}

/// How far after a tool's name its id may appear ("AnyDesk, the ID was 123 456 789").
const WINDOW: usize = 60;

/// Ids written near a tool's name: a run of digits (spaces allowed between groups) within a short
/// window after the name, or a Quick Assist code. Names match case-insensitively.
pub fn find_remote_ids(text: &str) -> Vec<RemoteMatch> {
    remote_ids(text, &crate::keywords::scan(text))
}

/// [`find_remote_ids`] with the text's keywords already found.
pub(crate) fn remote_ids(text: &str, scan: &crate::keywords::Scan) -> Vec<RemoteMatch> {
    // Tool by tool and alias by alias, each in text order: an earlier tool's id wins an overlap.
    let names = scan.in_list_order(|k| match k {
        crate::keywords::Keyword::Tool { tool, alias } => Some((tool, alias)),
        _ => None,
    });
    let mut found: Vec<RemoteMatch> = Vec::new();
    for ((tool, _), after) in names {
        if let Some(m) = id_after(text, after, &TOOLS[usize::from(tool)])
            && !found.iter().any(|f| f.start < m.end && m.start < f.end)
        {
            found.push(m);
        }
    }
    found.sort_by_key(|m| m.start);
    found
}

fn id_after(text: &str, from: usize, tool: &'static Tool) -> Option<RemoteMatch> {
    let end_window = (from + WINDOW).min(text.len());
    let mut end_window = end_window;
    while !text.is_char_boundary(end_window) {
        end_window -= 1;
    }
    let window = &text[from..end_window];
    if tool.slug == "quickassist" {
        // A six-character code with at least one digit and one letter, alone between
        // non-alphanumerics; the first one wins.
        let bytes = window.as_bytes();
        let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
        for i in 0..bytes.len() {
            let Some(code) = bytes.get(i..i + 6) else {
                break;
            };
            if code.iter().all(u8::is_ascii_alphanumeric)
                && code.iter().any(u8::is_ascii_digit)
                && code.iter().any(u8::is_ascii_alphabetic)
                && (i == 0 || !alnum(i - 1))
                && !alnum(i + 6)
            {
                let id = parse_id(tool, &window[i..i + 6])?;
                return Some(RemoteMatch {
                    start: from + i,
                    end: from + i + 6,
                    id,
                });
            }
        }
        return None;
    }
    if tool.digits.0 == 0 {
        return None;
    }
    // The first digit run, allowing single spaces, dashes or dots between groups.
    let bytes = window.as_bytes();
    let start = bytes.iter().position(|b| b.is_ascii_digit())?;
    let mut end = start;
    let mut digits = 0;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            digits += 1;
            i += 1;
            end = i;
        } else if matches!(bytes[i], b' ' | b'-' | b'.')
            && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
        {
            i += 1;
        } else {
            break;
        }
    }
    let (min, max) = tool.digits;
    if !(min..=max).contains(&digits) {
        return None;
    }
    let id = parse_id(tool, &window[start..end])?;
    Some(RemoteMatch {
        start: from + start,
        end: from + end,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_ids_normalize() {
        let any = tool("anydesk").unwrap();
        assert_eq!(
            parse_id(any, "123 456 789").unwrap().value(),
            "anydesk:123456789"
        );
        assert_eq!(
            parse_id(any, "1-234-567-890").unwrap().value(),
            "anydesk:1234567890"
        );
        assert_eq!(
            parse_id(any, "Support@AD").unwrap().value(),
            "anydesk:support@ad"
        );
        assert!(parse_id(any, "12345").is_none());
        assert_eq!(
            parse_id(tool("quickassist").unwrap(), "ab3 x9q")
                .unwrap()
                .value(),
            "quickassist:AB3X9Q"
        );
        assert_eq!(
            parse_id(
                tool("screenconnect").unwrap(),
                "https://Help247.screenconnect.com/Host#Access"
            )
            .unwrap()
            .value(),
            "screenconnect:help247"
        );
        assert_eq!(match_tool("Any Desk app").unwrap().slug, "anydesk");
        assert_eq!(match_tool("TeamViewer 15").unwrap().slug, "teamviewer");
    }

    #[test]
    fn ids_are_found_after_their_tool_name() {
        let text = "He made me install AnyDesk (ID 123 456 789) and later TeamViewer, id: 987654321. \
                    Quick Assist code was 4QX7ZB. My order 1234567890 is unrelated.";
        let found: Vec<String> = find_remote_ids(text)
            .iter()
            .map(|m| format!("{} [{}]", m.id.value(), &text[m.start..m.end]))
            .collect();
        assert_eq!(
            found,
            [
                "anydesk:123456789 [123 456 789]",
                "teamviewer:987654321 [987654321]",
                "quickassist:4QX7ZB [4QX7ZB]"
            ]
        );
        assert!(find_remote_ids("AnyDesk was slow, the call took 30 minutes").is_empty());
        let ja = "エニーデスクのIDは123 456 789でした";
        assert_eq!(find_remote_ids(ja)[0].id.value(), "anydesk:123456789");
    }
}
