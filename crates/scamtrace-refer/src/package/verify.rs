//! Checking a package as its recipient would: every entry read within limits, the manifest
//! parsed, its signature checked (against a trusted key when one is given), and every file
//! compared with what the manifest says.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zip::ZipArchive;

use super::{
    FORMAT, MANIFEST_PATH, MAX_FILE_SIZE, MAX_TOTAL_SIZE, Manifest, PackageFile, PublicKey,
    human_size, unsafe_path_reason,
};

/// What [`verify`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// The manifest, when it could be read (whether or not it is genuine).
    pub manifest: Option<Manifest>,
    /// Everything wrong, in a stable order: the archive's entries, then the manifest, its
    /// signature and key, then each file the manifest lists (by path), then files it does not.
    pub problems: Vec<Problem>,
    /// The key the manifest says signed it, when it names a valid one.
    pub key: Option<PublicKey>,
    /// Whether the manifest's signature verifies with the trusted key given to [`verify`] (the
    /// manifest is genuine; the files may still not match it: see [`is_valid`](Self::is_valid)).
    /// Always false without a trusted key: then a valid package is only intact relative to the
    /// key it names, and the caller must compare [`PublicKey::key_id`] with the instance's
    /// published key.
    pub trusted_key: bool,
}

impl Verification {
    /// Whether nothing is wrong: every file is as the manifest says, nothing is missing or added,
    /// and the signature verifies (with the trusted key, when one was given).
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty() && self.manifest.is_some() && self.key.is_some()
    }
}

/// One thing wrong with a package. `Display` says what, precisely, for the person checking it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the file is not a zip archive: {0}")]
    NotAZip(String),
    #[error("the zip archive is damaged or truncated: {0}")]
    DamagedZip(String),
    #[error("the package has no manifest.json, so nothing in it can be verified")]
    ManifestMissing,
    #[error("manifest.json is not a valid referral manifest: {0}")]
    ManifestUnreadable(String),
    #[error("{path} was altered: its SHA-256 is {actual} but the manifest says {expected}")]
    HashMismatch {
        path: String,
        expected: String,
        actual: String,
    },
    #[error("{path} was altered: it is {actual} bytes long but the manifest says {expected}")]
    SizeMismatch {
        path: String,
        expected: u64,
        actual: u64,
    },
    #[error("{path} is listed in the manifest but missing from the package")]
    FileMissing { path: String },
    #[error("{path} is in the package but not in the manifest")]
    FileAdded { path: String },
    #[error(
        "the manifest's signature does not verify with key {key_id}: the manifest was altered after signing, or the signature was forged"
    )]
    BadSignature { key_id: String },
    #[error("the package was signed with key {found}, not the trusted key {expected}")]
    UntrustedKey { found: String, expected: String },
    #[error(
        "{path} is in the package more than once, so different tools would extract different contents"
    )]
    DuplicateEntry { path: String },
    #[error("the package holds an entry with an unsafe path {path:?}: {reason}; it was not read")]
    UnsafePath { path: String, reason: &'static str },
    #[error(
        "{path} decompresses to more than {}, the limit for one file: refused as a possible zip bomb",
        human_size(*limit)
    )]
    TooLarge { path: String, limit: u64 },
    #[error(
        "the package decompresses to more than {} in all: refused as a possible zip bomb, from {path} on",
        human_size(*limit)
    )]
    TotalTooLarge { path: String, limit: u64 },
    #[error("{path} cannot be read from the package (corrupt or altered data): {reason}")]
    EntryUnreadable { path: String, reason: String },
    #[error(
        "the zip archive's headers disagree, so different tools could extract different files: {0}"
    )]
    InconsistentHeaders(String),
}

/// Decompression limits; [`Limits::PACKAGE`] outside tests.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) file: u64,
    pub(crate) total: u64,
}

impl Limits {
    pub(crate) const PACKAGE: Limits = Limits {
        file: MAX_FILE_SIZE,
        total: MAX_TOTAL_SIZE,
    };
}

/// Checks the package `zip`. With `trusted`, the manifest must be signed by that key; without,
/// by the key it embeds, and [`Verification::trusted_key`] stays false (integrity only: the
/// caller must compare the key id with the instance's published key).
pub fn verify(zip: &[u8], trusted: Option<&PublicKey>) -> Verification {
    verify_with(zip, trusted, Limits::PACKAGE)
}

/// Every entry of the package `zip` in archive order, `manifest.json` included, read with the
/// same checks and limits as [`verify`]; the first problem otherwise. Nothing is verified.
pub fn read_files(zip: &[u8]) -> Result<Vec<PackageFile>, Problem> {
    read_files_with(zip, Limits::PACKAGE)
}

pub(crate) fn read_files_with(zip: &[u8], limits: Limits) -> Result<Vec<PackageFile>, Problem> {
    let scan = scan(zip, limits, |_| true)?;
    if let Some(problem) = scan.problems.into_iter().next() {
        return Err(problem);
    }
    Ok(scan
        .entries
        .into_iter()
        .map(|e| PackageFile {
            path: e.path,
            bytes: e.bytes.unwrap_or_default(),
        })
        .collect())
}

pub(crate) fn verify_with(zip: &[u8], trusted: Option<&PublicKey>, limits: Limits) -> Verification {
    let mut verification = Verification::default();
    let scan = match scan(zip, limits, |path| path == MANIFEST_PATH) {
        Ok(scan) => scan,
        Err(problem) => {
            verification.problems.push(problem);
            return verification;
        }
    };
    let Scan {
        entries,
        mut problems,
        skipped,
    } = scan;

    let manifest_bytes = entries
        .iter()
        .find(|e| e.path == MANIFEST_PATH)
        .and_then(|e| e.bytes.as_deref());
    let Some(manifest_bytes) = manifest_bytes else {
        if !skipped.contains(MANIFEST_PATH) {
            problems.push(Problem::ManifestMissing);
        }
        verification.problems = problems;
        return verification;
    };
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(manifest) => manifest,
        Err(e) => {
            problems.push(Problem::ManifestUnreadable(e.to_string()));
            verification.problems = problems;
            return verification;
        }
    };

    let (listed, unusable) = check_manifest(&manifest, &mut problems);
    let (key, signature_verifies) = check_signature(&manifest, &mut problems);
    if let (Some(found), Some(expected)) = (key, trusted)
        && found != *expected
    {
        problems.push(Problem::UntrustedKey {
            found: found.key_id(),
            expected: expected.key_id(),
        });
    }
    verification.trusted_key =
        signature_verifies && trusted.is_some_and(|t| key.as_ref() == Some(t));
    verification.key = key;

    // Each listed file against the package, then the package's files the manifest lacks.
    let present: BTreeMap<&str, &Entry> = entries.iter().map(|e| (e.path.as_str(), e)).collect();
    for (path, file) in &listed {
        if skipped.contains(*path) || unusable.contains(*path) {
            continue;
        }
        match present.get(path) {
            None => problems.push(Problem::FileMissing {
                path: path.to_string(),
            }),
            Some(entry) if entry.size != file.size => problems.push(Problem::SizeMismatch {
                path: path.to_string(),
                expected: file.size,
                actual: entry.size,
            }),
            Some(entry) => {
                let actual = hex::encode(entry.sha256);
                if actual != file.sha256 {
                    problems.push(Problem::HashMismatch {
                        path: path.to_string(),
                        expected: file.sha256.clone(),
                        actual,
                    });
                }
            }
        }
    }
    for path in present.keys() {
        if *path != MANIFEST_PATH && !listed.contains_key(path) {
            problems.push(Problem::FileAdded {
                path: path.to_string(),
            });
        }
    }

    verification.manifest = Some(manifest);
    verification.problems = problems;
    verification
}

/// The manifest's own consistency: format, timestamps, and a usable file list. Returns the listed
/// files by path and the listed paths that cannot be compared (unsafe or malformed).
fn check_manifest<'m>(
    manifest: &'m Manifest,
    problems: &mut Vec<Problem>,
) -> (
    BTreeMap<&'m str, &'m super::ManifestFile>,
    BTreeSet<&'m str>,
) {
    let mut unreadable = |reason: String| problems.push(Problem::ManifestUnreadable(reason));
    if manifest.format != FORMAT {
        unreadable(format!(
            "its format is {:?}, not {FORMAT:?}",
            manifest.format
        ));
    }
    if OffsetDateTime::parse(&manifest.exported_at, &Rfc3339).is_err() {
        unreadable(format!(
            "exported_at {:?} is not an RFC 3339 timestamp",
            manifest.exported_at
        ));
    }
    let mut listed = BTreeMap::new();
    let mut unusable = BTreeSet::new();
    for file in &manifest.files {
        let path = file.path.as_str();
        if let Some(reason) = unsafe_path_reason(path) {
            unreadable(format!("it lists the unsafe path {path:?} ({reason})"));
            unusable.insert(path);
        } else if path == MANIFEST_PATH {
            unreadable("it lists manifest.json itself".into());
            unusable.insert(path);
        } else if listed.insert(path, file).is_some() {
            unreadable(format!("it lists {path} more than once"));
        } else if file.sha256.len() != 64
            || !file
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            unreadable(format!(
                "the SHA-256 of {path} is {:?}, not 64 lowercase hex characters",
                file.sha256
            ));
            unusable.insert(path);
        }
    }
    (listed, unusable)
}

/// The key the manifest names (checked against its key id) and whether the signature verifies
/// with it; a [`Problem::BadSignature`] when it does not.
fn check_signature(manifest: &Manifest, problems: &mut Vec<Problem>) -> (Option<PublicKey>, bool) {
    let signature = &manifest.signature;
    if signature.algorithm != "Ed25519" {
        problems.push(Problem::ManifestUnreadable(format!(
            "the signature's algorithm is {:?}, not \"Ed25519\"",
            signature.algorithm
        )));
        return (None, false);
    }
    let key = match PublicKey::parse_base64(&signature.public_key) {
        Ok(key) => key,
        Err(e) => {
            problems.push(Problem::ManifestUnreadable(format!(
                "signature.public_key: {e}"
            )));
            return (None, false);
        }
    };
    if signature.key_id != key.key_id() {
        problems.push(Problem::ManifestUnreadable(format!(
            "signature.key_id is {:?}, but the id of signature.public_key is {}",
            signature.key_id,
            key.key_id()
        )));
    }
    let value: Option<[u8; 64]> = BASE64
        .decode(&signature.value)
        .ok()
        .and_then(|bytes| bytes.try_into().ok());
    let Some(value) = value else {
        problems.push(Problem::ManifestUnreadable(
            "signature.value is not base64 of a 64-byte Ed25519 signature".into(),
        ));
        return (Some(key), false);
    };
    match manifest.signed_bytes() {
        Ok(message) if key.verifies(&message, &value) => return (Some(key), true),
        Ok(_) => problems.push(Problem::BadSignature {
            key_id: key.key_id(),
        }),
        Err(reason) => problems.push(Problem::ManifestUnreadable(reason)),
    }
    (Some(key), false)
}

/// One entry that was read.
struct Entry {
    path: String,
    size: u64,
    sha256: [u8; 32],
    /// The content, for the entries the caller asked to keep.
    bytes: Option<Vec<u8>>,
}

/// The archive's readable entries, the problems with the others, and the paths that were not
/// read (duplicated, refused or unreadable), which must not be reported again as missing.
struct Scan {
    entries: Vec<Entry>,
    problems: Vec<Problem>,
    skipped: BTreeSet<String>,
}

/// Opens `zip` and reads every entry within `limits`, hashing each and keeping the content of
/// those `keep` names. Fails only when the archive cannot be opened at all.
fn scan(zip: &[u8], limits: Limits, keep: impl Fn(&str) -> bool) -> Result<Scan, Problem> {
    let mut archive = ZipArchive::new(Cursor::new(zip)).map_err(|e| open_problem(zip, &e))?;
    let mut scan = Scan {
        entries: Vec::new(),
        problems: Vec::new(),
        skipped: BTreeSet::new(),
    };

    // The zip reader keeps one entry per name; find the names it merged.
    let mut duplicates = BTreeSet::new();
    if archive.has_duplicate_names() {
        duplicates = duplicate_names(zip, archive.central_directory_start());
        if duplicates.is_empty() {
            duplicates.insert("(a name the archive repeats)".to_string());
        }
        for path in &duplicates {
            scan.problems
                .push(Problem::DuplicateEntry { path: path.clone() });
        }
    } else if let Err(e) = archive.validate_header_consistency() {
        scan.problems
            .push(Problem::InconsistentHeaders(e.to_string()));
    }

    let mut total: u64 = 0;
    let mut over_total = false;
    for index in 0..archive.len() {
        let (path, name_is_utf8, declared) = match archive.by_index_data(index) {
            Ok(entry) => {
                let raw = entry.name_raw();
                let path = String::from_utf8_lossy(raw).into_owned();
                (path, std::str::from_utf8(raw).is_ok(), entry.size())
            }
            Err(e) => {
                scan.problems.push(Problem::DamagedZip(e.to_string()));
                continue;
            }
        };
        if duplicates.contains(&path) {
            scan.skipped.insert(path);
            continue;
        }
        if over_total {
            scan.skipped.insert(path);
            continue;
        }
        let unsafe_reason = if name_is_utf8 {
            unsafe_path_reason(&path)
        } else {
            Some("the path is not UTF-8")
        };
        if let Some(reason) = unsafe_reason {
            scan.problems.push(Problem::UnsafePath {
                path: path.clone(),
                reason,
            });
            scan.skipped.insert(path);
            continue;
        }
        if declared > limits.file {
            scan.problems.push(Problem::TooLarge {
                path: path.clone(),
                limit: limits.file,
            });
            scan.skipped.insert(path);
            continue;
        }
        if total.saturating_add(declared) > limits.total {
            scan.problems.push(Problem::TotalTooLarge {
                path: path.clone(),
                limit: limits.total,
            });
            scan.skipped.insert(path);
            over_total = true;
            continue;
        }

        let mut hasher = Sha256::new();
        let mut kept = keep(&path).then(Vec::new);
        let read = match archive.by_index(index) {
            Ok(file) => read_limited(file, limits.file, limits.total - total, |chunk| {
                hasher.update(chunk);
                if let Some(kept) = kept.as_mut() {
                    kept.extend_from_slice(chunk);
                }
            }),
            Err(e) => Err(ReadFailure::Unreadable(e.to_string())),
        };
        match read {
            Ok(size) => {
                total += size;
                scan.entries.push(Entry {
                    path,
                    size,
                    sha256: hasher.finalize().into(),
                    bytes: kept,
                });
            }
            Err(failure) => {
                scan.problems.push(match failure {
                    ReadFailure::FileLimit => Problem::TooLarge {
                        path: path.clone(),
                        limit: limits.file,
                    },
                    ReadFailure::TotalLimit => {
                        over_total = true;
                        Problem::TotalTooLarge {
                            path: path.clone(),
                            limit: limits.total,
                        }
                    }
                    ReadFailure::Unreadable(reason) => Problem::EntryUnreadable {
                        path: path.clone(),
                        reason,
                    },
                });
                scan.skipped.insert(path);
            }
        }
    }
    Ok(scan)
}

/// Why an entry's content was not read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadFailure {
    FileLimit,
    TotalLimit,
    Unreadable(String),
}

/// Reads `reader` to its end (where the zip reader checks the CRC), passing each chunk to `sink`,
/// and fails as soon as more than `file_limit` or `total_left` bytes came out, whatever sizes the
/// archive declared. Returns the number of bytes read.
pub(crate) fn read_limited(
    mut reader: impl Read,
    file_limit: u64,
    total_left: u64,
    mut sink: impl FnMut(&[u8]),
) -> Result<u64, ReadFailure> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut read: u64 = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(read),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadFailure::Unreadable(e.to_string())),
        };
        read += n as u64;
        if read > file_limit {
            return Err(ReadFailure::FileLimit);
        }
        if read > total_left {
            return Err(ReadFailure::TotalLimit);
        }
        sink(&buffer[..n]);
    }
}

/// The problem with an archive that could not be opened: damaged if it starts like a zip (a
/// local file header, or the end record of an empty one), not a zip otherwise.
fn open_problem(zip: &[u8], error: &zip::result::ZipError) -> Problem {
    if zip.starts_with(b"PK\x03\x04") || zip.starts_with(b"PK\x05\x06") {
        Problem::DamagedZip(error.to_string())
    } else if zip.is_empty() {
        Problem::NotAZip("it is empty".into())
    } else {
        Problem::NotAZip(error.to_string())
    }
}

/// The names that occur more than once in the central directory starting at `start`, read from
/// the raw headers (the zip reader merges them).
fn duplicate_names(zip: &[u8], start: u64) -> BTreeSet<String> {
    let u16_at = |at: usize| -> Option<usize> {
        let bytes = zip.get(at..at.checked_add(2)?)?;
        Some(usize::from(u16::from_le_bytes([bytes[0], bytes[1]])))
    };
    let mut seen = BTreeSet::new();
    let mut repeated = BTreeSet::new();
    let Ok(mut at) = usize::try_from(start) else {
        return repeated;
    };
    while zip.get(at..at.saturating_add(4)) == Some(b"PK\x01\x02".as_slice()) {
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32))
        else {
            break;
        };
        let Some(name) = zip.get(at + 46..at + 46 + name_len) else {
            break;
        };
        if !seen.insert(name) {
            repeated.insert(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    repeated
}
