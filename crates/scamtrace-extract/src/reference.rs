//! The reference list of legitimate values: brands' real support numbers and domains,
//! remote-access vendors' sites, payment providers, large platforms. Extraction keeps such values
//! and marks them `benign`; it never drops them silently.

use rustc_hash::FxHashMap;

use crate::IndicatorKind;

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid reference list: {0}")]
    Toml(String),
    #[error("reference list entry {index}: unknown kind {kind:?} (use phone, domain or email)")]
    Kind { index: usize, kind: String },
    #[error("reference list entry {index}: {value:?} is not a valid {kind}")]
    Value {
        index: usize,
        kind: String,
        value: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    value: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    kind: String,
    value: Option<String>,
    #[serde(default)]
    values: Vec<String>,
    label: String,
}

/// Canonical legitimate values and what they are.
#[derive(Clone, Debug, Default)]
pub struct ReferenceList {
    // Looked up for every phone, domain (once per label) and email found: a fast hash, as the
    // keys are the shipped and the operator's values, never a reporter's.
    phones: FxHashMap<String, String>,
    domains: FxHashMap<String, String>,
    emails: FxHashMap<String, String>,
}

const BUILTIN: &str = include_str!("../data/legitimate.toml");

impl ReferenceList {
    /// The list that ships with ScamTrace.
    pub fn builtin() -> ReferenceList {
        // The shipped file is checked by a test; a broken one is a build defect.
        ReferenceList::from_toml(BUILTIN).unwrap_or_else(|e| panic!("data/legitimate.toml: {e}"))
    }

    /// Parses a list in the shipped format; values are canonicalized as extraction would.
    pub fn from_toml(text: &str) -> Result<ReferenceList, ReferenceError> {
        let file: File = toml::from_str(text).map_err(|e| ReferenceError::Toml(e.to_string()))?;
        let mut list = ReferenceList::default();
        for (index, entry) in file.value.into_iter().enumerate() {
            let values = entry.value.into_iter().chain(entry.values);
            for raw in values {
                let bad = || ReferenceError::Value {
                    index,
                    kind: entry.kind.clone(),
                    value: raw.clone(),
                };
                match entry.kind.as_str() {
                    "phone" => {
                        let m = crate::phone::parse_phone(&raw, "US").ok_or_else(bad)?;
                        list.phones.insert(m.e164, entry.label.clone());
                    }
                    "domain" => {
                        let d = crate::net::parse_domain(&raw).ok_or_else(bad)?;
                        list.domains.insert(d.ascii, entry.label.clone());
                    }
                    "email" => {
                        let (e, _) = crate::net::parse_email(&raw).ok_or_else(bad)?;
                        list.emails.insert(e, entry.label.clone());
                    }
                    other => {
                        return Err(ReferenceError::Kind {
                            index,
                            kind: other.to_string(),
                        });
                    }
                }
            }
        }
        Ok(list)
    }

    /// Adds another list's values (an operator's own file) to this one.
    pub fn extend(&mut self, other: ReferenceList) {
        self.phones.extend(other.phones);
        self.domains.extend(other.domains);
        self.emails.extend(other.emails);
    }

    pub fn phone(&self, e164: &str) -> Option<&str> {
        self.phones.get(e164).map(String::as_str)
    }

    /// A listed domain, or a name under one (`support.microsoft.com` under `microsoft.com`).
    pub fn domain(&self, ascii: &str) -> Option<&str> {
        let mut name = ascii;
        loop {
            if let Some(label) = self.domains.get(name) {
                return Some(label);
            }
            name = name.split_once('.')?.1;
        }
    }

    pub fn email(&self, email: &str) -> Option<&str> {
        self.emails.get(email).map(String::as_str)
    }

    /// What a canonical value is on the list as, if it is: a phone number, a domain or a name
    /// under one, an email, or a URL by its host.
    pub fn legitimate(&self, kind: IndicatorKind, value: &str) -> Option<&str> {
        match kind {
            IndicatorKind::Phone => self.phone(value),
            IndicatorKind::Domain => self.domain(value),
            IndicatorKind::Email => self.email(value),
            IndicatorKind::Url => {
                let rest = value.split_once("://")?.1;
                let host = rest.split(['/', '?', '#']).next()?;
                let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
                // An IPv6 literal has no name to look up; a port follows the last colon.
                if host.starts_with('[') {
                    return None;
                }
                self.domain(host.split(':').next()?)
            }
            _ => None,
        }
    }

    /// Every listed value with its kind.
    pub fn entries(&self) -> impl Iterator<Item = (IndicatorKind, &str)> + '_ {
        self.phones
            .keys()
            .map(|v| (IndicatorKind::Phone, v.as_str()))
            .chain(
                self.domains
                    .keys()
                    .map(|v| (IndicatorKind::Domain, v.as_str())),
            )
            .chain(
                self.emails
                    .keys()
                    .map(|v| (IndicatorKind::Email, v.as_str())),
            )
    }

    pub fn len(&self) -> usize {
        self.phones.len() + self.domains.len() + self.emails.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses() {
        let list = ReferenceList::builtin();
        assert!(list.len() > 80);
        assert!(list.phone("+18006427676").is_some());
        assert!(list.domain("support.microsoft.com").is_some());
        assert!(list.domain("microsoft.com.evil.example").is_none());
        assert!(list.domain("evil.azurewebsites.net").is_none());
    }

    #[test]
    fn values_are_looked_up_by_kind() {
        let list = ReferenceList::builtin();
        assert!(
            list.legitimate(IndicatorKind::Phone, "+18006427676")
                .is_some()
        );
        assert!(
            list.legitimate(IndicatorKind::Domain, "support.microsoft.com")
                .is_some()
        );
        assert!(
            list.legitimate(
                IndicatorKind::Url,
                "https://support.microsoft.com/contactus"
            )
            .is_some()
        );
        assert!(
            list.legitimate(
                IndicatorKind::Url,
                "https://user@support.microsoft.com:8443/x"
            )
            .is_some()
        );
        assert!(
            list.legitimate(IndicatorKind::Url, "https://microsoft.com.evil.example/")
                .is_none()
        );
        assert!(
            list.legitimate(IndicatorKind::Url, "https://[2001:db8::1]/")
                .is_none()
        );
        assert!(
            list.legitimate(IndicatorKind::Phone, "+18885550142")
                .is_none()
        );
        assert!(
            list.legitimate(IndicatorKind::RemoteAccess, "anydesk:123456789")
                .is_none()
        );
        assert_eq!(list.entries().count(), list.len());
    }

    #[test]
    fn bad_entries_are_named() {
        let err =
            ReferenceList::from_toml("[[value]]\nkind = \"fax\"\nvalue = \"1\"\nlabel = \"x\"")
                .unwrap_err();
        assert!(err.to_string().contains("fax"));
        let err = ReferenceList::from_toml(
            "[[value]]\nkind = \"domain\"\nvalue = \"not a domain\"\nlabel = \"x\"",
        )
        .unwrap_err();
        assert!(err.to_string().contains("not a domain"));
    }
}
