//! Law-enforcement referrals without I/O: a case's workflow ([`case`]), the summary an
//! investigator reads ([`summary`] is its content, [`pdf`] lays it out), the ready-to-send
//! takedown requests ([`notices`]), and the referral package itself ([`package`]): a zip whose
//! `manifest.json` lists the SHA-256 of every file and is signed with the instance's Ed25519 key,
//! so that an agency can verify that nothing was added, removed or altered.
//!
//! The server and the CLI gather the facts (clusters, reports, personal data where the recipient
//! may have it) and pass them in; nothing here reads a clock, a file or the network.

pub mod case;
pub mod notices;
pub mod package;
pub mod pdf;
pub mod redact;
pub mod summary;

pub use summary::Summary;
