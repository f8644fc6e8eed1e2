//! Every word a scanner looks for (remote-access tools, payment apps, account labels, gift card
//! and company brands) and every place where a defanged form or a full-width character may start,
//! found in one pass over the text by one automaton. Scanners then look only where their words
//! are, instead of each lowercasing and searching the whole text again.
//!
//! Matching is ASCII case-insensitive on the text as written, so offsets never drift; the few
//! accented letters in the lists (`rápida`, `número`) are added in both cases.

use std::sync::LazyLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// Whose word a hit is: an index into the list of the module that owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    /// `remote::TOOLS[tool].aliases[alias]`.
    Tool { tool: u8, alias: u8 },
    /// `handles::APPS[app].1[label]`.
    App { app: u8, label: u8 },
    /// `handles::ACCOUNT_LABELS[label]`.
    Account { label: u8 },
    /// "routing", as in a US routing number.
    Routing,
    /// `giftcard::card_aliases()[index]`.
    GiftCard { index: u16 },
    /// `crate::brand_aliases()[index]`.
    Brand { index: u16 },
}

/// One keyword found in the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub keyword: Keyword,
    pub start: usize,
    pub end: usize,
}

/// What one pass over a text found.
pub(crate) struct Scan {
    /// In the order an overlapping Aho-Corasick search reports them: by end, longest first.
    pub hits: Vec<Hit>,
    /// A defanged form or a foldable character may be present: the text needs normalizing.
    pub defanged: bool,
}

impl Scan {
    /// The ends of the words `pick` selects, ordered as a search word by word through a list
    /// would find them: by the key `pick` gives (the word's place in its list), then in text
    /// order, skipping an occurrence that overlaps the previous one of the same word.
    pub fn in_list_order<K: Ord + Copy>(
        &self,
        pick: impl Fn(Keyword) -> Option<K>,
    ) -> Vec<(K, usize)> {
        let mut hits: Vec<(K, usize, usize)> = self
            .hits
            .iter()
            .filter_map(|h| pick(h.keyword).map(|k| (k, h.start, h.end)))
            .collect();
        hits.sort_unstable();
        let mut out: Vec<(K, usize)> = Vec::with_capacity(hits.len());
        let mut previous: Option<(K, usize)> = None;
        for (k, start, end) in hits {
            if previous.is_some_and(|(p, e)| p == k && start < e) {
                continue;
            }
            previous = Some((k, end));
            out.push((k, end));
        }
        out
    }
}

/// What a pattern of the automaton stands for.
#[derive(Clone, Copy)]
enum Owner {
    Keyword(Keyword),
    Defang,
}

static AUTOMATON: LazyLock<(DFA, Vec<Owner>)> = LazyLock::new(|| {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    let mut owners: Vec<Owner> = Vec::new();
    for trigger in crate::text::TRIGGERS {
        patterns.push(trigger.to_vec());
        owners.push(Owner::Defang);
    }
    let mut add = |word: &str, keyword: Keyword| {
        for form in case_forms(word) {
            patterns.push(form.into_bytes());
            owners.push(Owner::Keyword(keyword));
        }
    };
    for (tool, t) in crate::remote::TOOLS.iter().enumerate() {
        for (alias, a) in t.aliases.iter().enumerate() {
            add(
                a,
                Keyword::Tool {
                    tool: small(tool),
                    alias: small(alias),
                },
            );
        }
    }
    for (app, (_, labels)) in crate::handles::APPS.iter().enumerate() {
        for (label, l) in labels.iter().enumerate() {
            add(
                l,
                Keyword::App {
                    app: small(app),
                    label: small(label),
                },
            );
        }
    }
    for (label, l) in crate::handles::ACCOUNT_LABELS.iter().enumerate() {
        add(
            l,
            Keyword::Account {
                label: small(label),
            },
        );
    }
    add("routing", Keyword::Routing);
    for (index, (_, _, alias)) in crate::giftcard::card_aliases().iter().enumerate() {
        add(alias, Keyword::GiftCard { index: wide(index) });
    }
    for (index, (_, alias)) in crate::brand_aliases().iter().enumerate() {
        add(alias, Keyword::Brand { index: wide(index) });
    }
    let dfa = DFA::builder()
        .match_kind(MatchKind::Standard)
        .ascii_case_insensitive(true)
        .start_kind(StartKind::Unanchored)
        .prefilter(false)
        .build(&patterns)
        .unwrap_or_else(|e| panic!("keyword automaton: {e}"));
    (dfa, owners)
});

fn small(i: usize) -> u8 {
    u8::try_from(i).unwrap_or_else(|_| panic!("keyword list longer than 255"))
}

fn wide(i: usize) -> u16 {
    u16::try_from(i).unwrap_or_else(|_| panic!("keyword list longer than 65535"))
}

/// `word` and, when it has lowercase letters outside ASCII whose uppercase has the same UTF-8
/// length (`á`/`Á`), every mix of their cases: what full lowercasing of the text would have matched.
fn case_forms(word: &str) -> Vec<String> {
    let mut forms = vec![String::new()];
    for c in word.chars() {
        let mut upper = c.to_uppercase();
        let other = match (upper.next(), upper.next()) {
            (Some(u), None) if !c.is_ascii() && u != c && u.len_utf8() == c.len_utf8() => Some(u),
            _ => None,
        };
        let mut next = Vec::with_capacity(forms.len() * 2);
        for form in forms {
            if let Some(u) = other {
                let mut with_upper = form.clone();
                with_upper.push(u);
                next.push(with_upper);
            }
            let mut with_c = form;
            with_c.push(c);
            next.push(with_c);
        }
        forms = next;
    }
    forms
}

/// Every keyword in `text`, and whether it may hold a defanged form.
pub(crate) fn scan(text: &str) -> Scan {
    let (dfa, owners) = &*AUTOMATON;
    let mut out = Scan {
        hits: Vec::new(),
        defanged: false,
    };
    let Ok(mut sid) = dfa.start_state(Anchored::No) else {
        return out;
    };
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // The hot loop only reads, so the automaton's tables stay in registers.
        while at < bytes.len() {
            sid = dfa.next_state(Anchored::No, sid, bytes[at]);
            at += 1;
            if dfa.is_match(sid) {
                break;
            }
        }
        if !dfa.is_match(sid) {
            break;
        }
        for k in 0..dfa.match_len(sid) {
            let pattern = dfa.match_pattern(sid, k);
            match owners[pattern.as_usize()] {
                Owner::Defang => out.defanged = true,
                Owner::Keyword(keyword) => out.hits.push(Hit {
                    keyword,
                    start: at - dfa.pattern_len(pattern),
                    end: at,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accented_letters_match_in_both_cases() {
        assert_eq!(
            case_forms("asistencia rápida"),
            ["asistencia rÁpida", "asistencia rápida"]
        );
        assert_eq!(case_forms("anydesk"), ["anydesk"]);
        assert_eq!(case_forms("エニーデスク"), ["エニーデスク"]);
        let found = scan("ASISTENCIA RÁPIDA, Any Desk and (dot)");
        assert!(found.defanged);
        let keywords: Vec<Keyword> = found.hits.iter().map(|h| h.keyword).collect();
        assert!(keywords.contains(&Keyword::Tool { tool: 6, alias: 5 }));
        assert!(keywords.contains(&Keyword::Tool { tool: 0, alias: 1 }));
        assert!(!scan("nothing to see here").defanged);
    }
}
