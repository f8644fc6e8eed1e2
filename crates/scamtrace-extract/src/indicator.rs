//! What extraction produces: indicators, each a `(kind, canonical value)` with where it was found
//! and how sure we are.

use std::borrow::Cow;

use serde::Serialize;

/// The kinds of indicator ScamTrace knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Phone,
    Domain,
    Url,
    Email,
    Ip,
    RemoteAccess,
    CryptoWallet,
    BankAccount,
    PaymentHandle,
    GiftCard,
    Brand,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 11] = [
        IndicatorKind::Phone,
        IndicatorKind::Domain,
        IndicatorKind::Url,
        IndicatorKind::Email,
        IndicatorKind::Ip,
        IndicatorKind::RemoteAccess,
        IndicatorKind::CryptoWallet,
        IndicatorKind::BankAccount,
        IndicatorKind::PaymentHandle,
        IndicatorKind::GiftCard,
        IndicatorKind::Brand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Phone => "phone",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Email => "email",
            IndicatorKind::Ip => "ip",
            IndicatorKind::RemoteAccess => "remote_access",
            IndicatorKind::CryptoWallet => "crypto_wallet",
            IndicatorKind::BankAccount => "bank_account",
            IndicatorKind::PaymentHandle => "payment_handle",
            IndicatorKind::GiftCard => "gift_card",
            IndicatorKind::Brand => "brand",
        }
    }

    pub fn parse(s: &str) -> Option<IndicatorKind> {
        IndicatorKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an indicator was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "field")]
pub enum Origin {
    /// A structured field of the report, by its path (`scammer.phone_numbers[0]`).
    Field(String),
    /// The report's free text.
    Narrative,
    /// Text given to `extract_text` directly.
    Text,
}

impl Origin {
    /// `narrative`, `text`, or the field path.
    pub fn label(&self) -> String {
        match self {
            Origin::Field(path) => path.clone(),
            Origin::Narrative => "narrative".into(),
            Origin::Text => "text".into(),
        }
    }
}

/// One indicator found in a report or a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    /// The canonical value: every way of writing the same thing gives the same value.
    pub value: String,
    /// How to show it to people (for example a phone number in international format, or a domain
    /// in Unicode).
    pub display: String,
    pub origin: Origin,
    /// Byte offsets `[start, end)` in the field's or the narrative's text.
    pub span: (usize, usize),
    /// 0 to 1: how sure extraction is that this is what it says.
    pub confidence: f32,
    /// On the reference list of legitimate values (a brand's real support number, a
    /// remote-access vendor's own site): kept, but never evidence against anyone.
    pub benign: bool,
    /// Whether the value may link reports into one operation (brands and short-lived codes never
    /// do).
    pub linking: bool,
    /// Kind-specific facts: `region` and `number_type` for phones, `registrable_domain` for
    /// domains and URLs, `tool` for remote access, `chain` for wallets, `brand` for gift cards.
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

/// An indicator's kind-specific facts, by name. Kept sorted by name, so that they serialize as
/// the same JSON object whatever order extraction set them in; an indicator has at most three,
/// so a small sorted vector, not a tree whose first node alone is a ~500-byte allocation. Values
/// that are names from a fixed list (a number type, a tool, a chain) are borrowed, not copied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes(Vec<(&'static str, Cow<'static, str>)>);

impl Attributes {
    /// No attributes, with room for `capacity` of them.
    pub fn with_capacity(capacity: usize) -> Attributes {
        Attributes(Vec::with_capacity(capacity))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| &**v)
    }

    /// Sets `name` to `value`, returning the value it replaces, if any.
    pub fn insert(
        &mut self,
        name: &'static str,
        value: impl Into<Cow<'static, str>>,
    ) -> Option<Cow<'static, str>> {
        let value = value.into();
        // A scan, not a binary search: there are at most a few.
        let i = self
            .0
            .iter()
            .position(|(k, _)| *k >= name)
            .unwrap_or(self.0.len());
        match self.0.get_mut(i) {
            Some((k, v)) if *k == name => Some(std::mem::replace(v, value)),
            _ => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The attributes in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(k, v)| (*k, &**v))
    }
}

impl<V: Into<Cow<'static, str>>, const N: usize> From<[(&'static str, V); N]> for Attributes {
    /// As `BTreeMap::from`: sorted by name, the last value of a name given twice wins.
    fn from(pairs: [(&'static str, V); N]) -> Attributes {
        let mut entries: Vec<_> = pairs.into_iter().map(|(k, v)| (k, v.into())).collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                std::mem::swap(&mut later.1, &mut earlier.1);
            }
            same
        });
        Attributes(entries)
    }
}

impl Serialize for Attributes {
    /// A JSON object in name order, as a `BTreeMap` gives.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::Attributes;

    #[test]
    fn attributes_behave_as_the_sorted_map_they_replace() {
        let mut a = Attributes::default();
        assert!(a.is_empty());
        assert_eq!(a.insert("region", "US"), None);
        assert_eq!(a.insert("number_type", "toll_free"), None);
        assert_eq!(
            a.insert("legitimate", String::from("Microsoft support")),
            None
        );
        // Set again: the new value replaces the old one, which is returned.
        assert_eq!(a.insert("region", "CA").as_deref(), Some("US"));
        assert_eq!(a.len(), 3);
        assert_eq!(a.get("region"), Some("CA"));
        assert_eq!(a.get("tool"), None);
        let names: Vec<_> = a.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["legitimate", "number_type", "region"]);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"legitimate":"Microsoft support","number_type":"toll_free","region":"CA"}"#
        );

        // From an array: sorted, and of a name given twice the last value wins, as in BTreeMap.
        let b = Attributes::from([("tool", "anydesk"), ("chain", "btc"), ("tool", "rustdesk")]);
        assert_eq!(
            b.iter().collect::<Vec<_>>(),
            [("chain", "btc"), ("tool", "rustdesk")]
        );
        let map: std::collections::BTreeMap<_, _> =
            [("tool", "anydesk"), ("chain", "btc"), ("tool", "rustdesk")].into();
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
    }
}
