//! The referral package: a zip that an agency receives, holding the case's files
//! (`summary.pdf`, `indicators.csv`, `victims.csv`, `bundle.json`, `abuse-notices/<name>.txt` ...)
//! and a `manifest.json` that lists the SHA-256 and size of every other file and is signed with
//! the instance's Ed25519 key.
//!
//! [`build`] writes a package; [`verify`] checks one as a recipient would, reporting every
//! [`Problem`] it finds rather than stopping at the first. Verification against a trusted key
//! (fetched from the instance's `/.well-known/scamtrace-signing-key`, see
//! [`PublicKey::well_known`]) proves who made the package; without one it proves only that the
//! package is intact relative to the key embedded in its own manifest, which anybody who alters
//! the package can replace with theirs.
//!
//! # The signature
//! The signature covers the manifest object with `signature.value` removed (so `algorithm`,
//! `key_id` and `public_key` are signed and cannot be swapped), serialized in the RFC 8785 (JCS)
//! canonical form: object keys sorted, no whitespace, strings escaped as ECMAScript's
//! `JSON.stringify` does (which is serde_json's escaping), integers in plain decimal. A manifest
//! holds only strings, booleans, integers (sizes, below 2^53), arrays and objects, so this is the
//! whole of RFC 8785 that applies. The document itself is written pretty-printed for people.
//!
//! # What else verification refuses
//! Archives that different zip tools would extract differently (duplicate names, local headers
//! that disagree with the central directory), entries with unsafe paths (`../`, absolute,
//! backslashes, control characters ...), corrupt data (CRC or deflate errors), and zip bombs.
//!
//! # Limits
//! A package is read with limits that do not trust the sizes the zip declares: at most
//! [`MAX_FILE_SIZE`] per entry and [`MAX_TOTAL_SIZE`] in all, decompressed. [`build`] refuses
//! packages that a verifier would refuse.

mod build;
mod canonical;
mod key;
mod manifest;
mod verify;

#[cfg(test)]
mod tests;

pub use build::{ManifestInfo, PackageError, build};
pub use key::{KeyError, PublicKey, SigningKey};
pub use manifest::{Manifest, ManifestFile, ManifestSignature};
pub use verify::{Problem, Verification, read_files, verify};

/// The `format` of packages and manifests written by this version.
pub const FORMAT: &str = "scamtrace-referral-package/1";

/// The manifest's path inside the package.
pub const MANIFEST_PATH: &str = "manifest.json";

/// Where an instance serves its public key document ([`PublicKey::well_known`]).
pub const WELL_KNOWN_PATH: &str = "/.well-known/scamtrace-signing-key";

/// The largest file a package may hold, decompressed (256 MiB).
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// The largest a whole package may be, decompressed (1 GiB).
pub const MAX_TOTAL_SIZE: u64 = 1024 * 1024 * 1024;

/// The longest path a package may hold, in bytes.
const MAX_PATH_LEN: usize = 1024;

/// One file of a package: its path inside the zip (`/`-separated, relative) and its content.
#[derive(Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl PackageFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        PackageFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Shows the path and size, not the content (which may be megabytes, or personal data).
impl std::fmt::Debug for PackageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackageFile")
            .field("path", &self.path)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// Why `path` cannot be a file's path in a package, if it cannot: it must be relative,
/// `/`-separated, without `.`/`..` or empty components, backslashes, colons (Windows drives and
/// streams), control characters or invisible formatting characters, so that extracting it
/// anywhere stays inside the target folder and the name shown is the name written.
fn unsafe_path_reason(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("the path is empty");
    }
    if path.len() > MAX_PATH_LEN {
        return Some("the path is longer than 1024 bytes");
    }
    if path.chars().any(char::is_control) {
        return Some("the path contains a control character");
    }
    if path.chars().any(is_invisible_format) {
        return Some("the path contains an invisible or bidirectional formatting character");
    }
    if path.starts_with('/') {
        return Some("the path is absolute");
    }
    if path.contains('\\') {
        return Some("the path contains a backslash");
    }
    if path.contains(':') {
        return Some("the path contains a colon (a Windows drive or stream)");
    }
    if path.ends_with('/') {
        return Some("the path is a directory (it ends with /)");
    }
    for component in path.split('/') {
        match component {
            ".." => return Some("the path contains a .. component"),
            "." => return Some("the path contains a . component"),
            "" => return Some("the path contains an empty component (//)"),
            _ => {}
        }
    }
    None
}

/// Zero-width and bidirectional formatting characters, with which a name can pass for another
/// (`invoice\u{202e}fdp.exe` shows as `invoiceexe.pdf`).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
    )
}

/// `bytes` for people: whole MiB or GiB where exact, bytes otherwise.
fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * MIB;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}
