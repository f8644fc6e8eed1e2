//! Traffic Light Protocol markings: TLP 2.0 as the `marking-definition` objects OASIS publishes
//! (the TLP 2.0 extension), and the four predefined TLP 1.0 ids understood on import.

use serde_json::{Value, json};

/// A TLP 2.0 level, least restricted first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

/// The OASIS extension definition that TLP 2.0 marking definitions carry.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// TLP 1.0's predefined marking definitions (STIX 2.1 section 7.2.1.4), read as their TLP 2.0
/// equivalents (WHITE became CLEAR).
const TLP1: [(&str, Tlp); 4] = [
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
];

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// `TLP:AMBER+STRICT` and so on.
    pub fn name(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// The level as the TLP 2.0 extension writes it (`amber+strict`).
    fn level(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// Reads `amber`, `AMBER+STRICT`, `TLP:GREEN`, `white` (TLP 1.0 for CLEAR) ...
    pub fn parse(s: &str) -> Option<Tlp> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.strip_prefix("tlp:").unwrap_or(&s);
        match s {
            "clear" | "white" => Some(Tlp::Clear),
            "green" => Some(Tlp::Green),
            "amber" => Some(Tlp::Amber),
            "amber+strict" | "amber-strict" | "amber_strict" => Some(Tlp::AmberStrict),
            "red" => Some(Tlp::Red),
            _ => None,
        }
    }

    /// The id of the level's TLP 2.0 marking definition.
    pub fn marking_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The level's TLP 2.0 marking definition, exactly as OASIS publishes it.
    pub fn marking_definition(self) -> Value {
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.marking_id(),
            "created": "2022-10-01T00:00:00.000Z",
            "name": self.name(),
            "extensions": {
                TLP2_EXTENSION: {
                    "extension_type": "property-extension",
                    "tlp_2_0": self.level(),
                }
            }
        })
    }

    /// The level a marking reference stands for: a TLP 2.0 id or a TLP 1.0 predefined one.
    pub fn from_marking_ref(id: &str) -> Option<Tlp> {
        Tlp::ALL
            .into_iter()
            .find(|t| t.marking_id() == id)
            .or_else(|| TLP1.iter().find(|(i, _)| *i == id).map(|(_, t)| *t))
    }

    /// The most restrictive TLP level among an object's `object_marking_refs` (an object marked
    /// both GREEN and AMBER is AMBER), or `None` when it carries no TLP marking.
    pub fn of_object(object: &Value) -> Option<Tlp> {
        object["object_marking_refs"]
            .as_array()?
            .iter()
            .filter_map(|r| r.as_str().and_then(Tlp::from_marking_ref))
            .max()
    }

    /// Whether objects at this level may leave the instance at all. TLP:RED never does.
    pub fn may_leave(self) -> bool {
        self != Tlp::Red
    }
}

impl std::fmt::Display for Tlp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_every_way_they_are_written() {
        for (s, t) in [
            ("amber", Tlp::Amber),
            ("TLP:AMBER+STRICT", Tlp::AmberStrict),
            ("white", Tlp::Clear),
            (" Green ", Tlp::Green),
            ("tlp:red", Tlp::Red),
        ] {
            assert_eq!(Tlp::parse(s), Some(t), "{s}");
        }
        assert_eq!(Tlp::parse("purple"), None);
        for t in Tlp::ALL {
            assert_eq!(Tlp::parse(t.name()), Some(t));
            assert_eq!(Tlp::from_marking_ref(t.marking_id()), Some(t));
        }
    }

    #[test]
    fn tlp1_ids_are_understood_and_the_strictest_marking_wins() {
        let object = json!({"object_marking_refs": [
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
            "marking-definition--00000000-0000-4000-8000-000000000000",
        ]});
        assert_eq!(Tlp::of_object(&object), Some(Tlp::Red));
        assert_eq!(Tlp::of_object(&json!({})), None);
        assert!(!Tlp::Red.may_leave() && Tlp::AmberStrict.may_leave());
    }
}
