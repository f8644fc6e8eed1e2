//! Remote-access tools and the ids victims read out to the "technician".

use rand::Rng;

use crate::money::group_digits;
use crate::random::{DemoRng, chance};
use crate::unique::Namespace;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    AnyDesk,
    TeamViewer,
    UltraViewer,
    RustDesk,
    ScreenConnect,
    LogMeIn,
    QuickAssist,
}

/// How often operations prefer each tool.
pub(crate) const TOOL_POPULARITY: &[(Tool, u32)] = &[
    (Tool::AnyDesk, 35),
    (Tool::TeamViewer, 20),
    (Tool::UltraViewer, 14),
    (Tool::QuickAssist, 12),
    (Tool::ScreenConnect, 8),
    (Tool::RustDesk, 6),
    (Tool::LogMeIn, 5),
];

/// 900,000,000 nine-digit ids plus 900,000,000 ten-digit ids starting with 1.
pub(crate) const NUMERIC_IDS: u64 = 1_800_000_000;
pub(crate) const SESSION_CODES: u64 = 900_000;
const QUICK_ASSIST_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub(crate) const QUICK_ASSIST_CODES: u64 = 32u64.pow(6);

impl Tool {
    pub(crate) const ALL: [Tool; 7] = [
        Tool::AnyDesk,
        Tool::TeamViewer,
        Tool::UltraViewer,
        Tool::RustDesk,
        Tool::ScreenConnect,
        Tool::LogMeIn,
        Tool::QuickAssist,
    ];

    /// The tool called `name` in `remote_access.tool`.
    pub(crate) fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.name() == name)
    }

    /// The name as the API expects it in `remote_access.tool`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tool::AnyDesk => "AnyDesk",
            Tool::TeamViewer => "TeamViewer",
            Tool::UltraViewer => "UltraViewer",
            Tool::RustDesk => "RustDesk",
            Tool::ScreenConnect => "ScreenConnect",
            Tool::LogMeIn => "LogMeIn",
            Tool::QuickAssist => "Quick Assist",
        }
    }

    pub(crate) fn namespace(self) -> Namespace {
        match self {
            Tool::AnyDesk | Tool::TeamViewer | Tool::UltraViewer | Tool::RustDesk => {
                Namespace::RemoteNumeric
            }
            Tool::ScreenConnect | Tool::LogMeIn => Namespace::RemoteCode,
            Tool::QuickAssist => Namespace::QuickAssist,
        }
    }

    /// The canonical id (no spaces) for a value of this tool's namespace.
    pub(crate) fn id(self, value: u64) -> String {
        match self.namespace() {
            Namespace::RemoteCode => (100_000 + value % SESSION_CODES).to_string(),
            Namespace::QuickAssist => {
                let mut v = value % QUICK_ASSIST_CODES;
                let mut code = [b'A'; 6];
                for slot in code.iter_mut().rev() {
                    *slot = QUICK_ASSIST_ALPHABET[(v % 32) as usize];
                    v /= 32;
                }
                code.iter().map(|b| char::from(*b)).collect()
            }
            _ => {
                let v = value % NUMERIC_IDS;
                if v < 900_000_000 {
                    (100_000_000 + v).to_string()
                } else {
                    (1_000_000_000 + v - 900_000_000).to_string()
                }
            }
        }
    }
}

/// How a victim writes an id: as shown, grouped by threes like the AnyDesk window, or (Quick Assist)
/// in lower case.
pub(crate) fn written_id(rng: &mut DemoRng, id: &str) -> String {
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return if chance(rng, 0.2) {
            id.to_ascii_lowercase()
        } else {
            id.to_string()
        };
    }
    match rng.random_range(0..20) {
        0..=10 => id.to_string(),
        11..=18 => group_digits(id, " "),
        _ => group_digits(id, "-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_tools_shapes() {
        for v in [0, 1, 899_999_999, 900_000_000, 1_799_999_999] {
            let id = Tool::AnyDesk.id(v);
            assert!((9..=10).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(Tool::AnyDesk.id(23_456_789), "123456789");
        assert_eq!(Tool::TeamViewer.id(900_000_001), "1000000001");
        assert_eq!(Tool::LogMeIn.id(0), "100000");
        assert_eq!(Tool::QuickAssist.id(0), "AAAAAA");
        assert_eq!(Tool::QuickAssist.id(QUICK_ASSIST_CODES - 1), "999999");
        assert_eq!(group_digits("123456789", " "), "123 456 789");
        assert_eq!(group_digits("1234567890", " "), "1 234 567 890");
    }
}
