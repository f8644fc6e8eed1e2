//! Writing a package: the files, deflated and sorted by path, then the signed `manifest.json`.

use std::collections::BTreeMap;
use std::io::{Cursor, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{
    FORMAT, MANIFEST_PATH, MAX_FILE_SIZE, MAX_TOTAL_SIZE, Manifest, ManifestFile,
    ManifestSignature, PackageFile, SigningKey, human_size, unsafe_path_reason,
};

/// What the manifest says about the export, besides the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestInfo {
    pub case_id: String,
    /// The case's human reference (`CASE-2026-7KQ4M`).
    pub case_reference: String,
    /// The agency the package is for.
    pub recipient: String,
    /// When the export was made; written in UTC to whole seconds, and used (in UTC) as every zip
    /// entry's timestamp so that the same input gives the same bytes.
    pub exported_at: OffsetDateTime,
    pub exported_by: String,
    pub instance: String,
    /// Whether the package holds victims' personal data.
    pub personal_data: bool,
}

/// Why a package could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("cannot put {path:?} in a referral package: {reason}")]
    BadPath { path: String, reason: String },
    #[error(
        "cannot put {path} in a referral package: it is {size} bytes, over the {} limit for one file that verifiers enforce",
        human_size(*limit)
    )]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error(
        "the package would be {size} bytes decompressed, over the {} limit that verifiers enforce",
        human_size(*limit)
    )]
    TotalTooLarge { size: u64, limit: u64 },
    #[error("exported_at cannot be written as RFC 3339: {0}")]
    ExportedAt(String),
    #[error("the manifest cannot be signed: {0}")]
    Manifest(String),
    #[error("writing the zip failed: {0}")]
    Zip(String),
}

/// The package for `files`, with a `manifest.json` signed by `key`. The same input gives the
/// same bytes: entries are sorted by path, timestamps come from `info.exported_at`, and Ed25519
/// signatures are deterministic.
///
/// Refuses paths that are empty, absolute, contain `..`, `.`, empty components, backslashes,
/// colons, control or invisible formatting characters, end with `/`, are `manifest.json`, or
/// repeat another path (also when they differ only in letter case, as they would collide on
/// Windows and macOS); and files over [`MAX_FILE_SIZE`] or packages over [`MAX_TOTAL_SIZE`],
/// which no verifier would read.
pub fn build(
    mut files: Vec<PackageFile>,
    info: &ManifestInfo,
    key: &SigningKey,
) -> Result<Vec<u8>, PackageError> {
    check_paths(&files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let mut total: u64 = 0;
    for file in &files {
        let size = file.bytes.len() as u64;
        if size > MAX_FILE_SIZE {
            return Err(PackageError::TooLarge {
                path: file.path.clone(),
                size,
                limit: MAX_FILE_SIZE,
            });
        }
        total += size;
    }
    if total > MAX_TOTAL_SIZE {
        return Err(PackageError::TotalTooLarge {
            size: total,
            limit: MAX_TOTAL_SIZE,
        });
    }

    let exported_at = info
        .exported_at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| PackageError::ExportedAt(e.to_string()))?;
    let manifest_json = manifest_json(&files, info, exported_at, key)?;
    total += manifest_json.len() as u64;
    if total > MAX_TOTAL_SIZE {
        return Err(PackageError::TotalTooLarge {
            size: total,
            limit: MAX_TOTAL_SIZE,
        });
    }

    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .system(zip::System::Unix)
        .unix_permissions(0o644)
        .last_modified_time(zip_time(exported_at));
    let zip_err = |e: zip::result::ZipError| PackageError::Zip(e.to_string());
    let io_err = |e: std::io::Error| PackageError::Zip(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for file in &files {
        zip.start_file(file.path.as_str(), options)
            .map_err(zip_err)?;
        zip.write_all(&file.bytes).map_err(io_err)?;
    }
    zip.start_file(MANIFEST_PATH, options).map_err(zip_err)?;
    zip.write_all(manifest_json.as_bytes()).map_err(io_err)?;
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// Every path must be safe, not the manifest's, and unique even ignoring letter case.
fn check_paths(files: &[PackageFile]) -> Result<(), PackageError> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for file in files {
        let bad = |reason: String| PackageError::BadPath {
            path: file.path.clone(),
            reason,
        };
        if let Some(reason) = unsafe_path_reason(&file.path) {
            return Err(bad(reason.to_string()));
        }
        if file.path == MANIFEST_PATH {
            return Err(bad(
                "the path is reserved for the package's own manifest".into()
            ));
        }
        if let Some(other) = seen.insert(file.path.to_lowercase(), &file.path) {
            return Err(bad(if other == file.path {
                "the path is given twice".into()
            } else {
                format!(
                    "the path differs only in letter case from {other:?} (they would collide on Windows and macOS)"
                )
            }));
        }
    }
    Ok(())
}

/// The pretty-printed, signed manifest for `files` (sorted by path).
fn manifest_json(
    files: &[PackageFile],
    info: &ManifestInfo,
    exported_at: OffsetDateTime,
    key: &SigningKey,
) -> Result<String, PackageError> {
    let public = key.public();
    let mut manifest = Manifest {
        format: FORMAT.to_string(),
        case_id: info.case_id.clone(),
        case_reference: info.case_reference.clone(),
        recipient: info.recipient.clone(),
        personal_data: info.personal_data,
        exported_at: exported_at
            .format(&Rfc3339)
            .map_err(|e| PackageError::ExportedAt(e.to_string()))?,
        exported_by: info.exported_by.clone(),
        instance: info.instance.clone(),
        files: files
            .iter()
            .map(|f| ManifestFile {
                path: f.path.clone(),
                sha256: hex::encode(Sha256::digest(&f.bytes)),
                size: f.bytes.len() as u64,
            })
            .collect(),
        signature: ManifestSignature {
            algorithm: "Ed25519".to_string(),
            key_id: public.key_id(),
            public_key: public.to_base64(),
            value: String::new(),
        },
    };
    let signed = manifest.signed_bytes().map_err(PackageError::Manifest)?;
    manifest.signature.value = BASE64.encode(key.sign(&signed));
    let mut json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| PackageError::Manifest(e.to_string()))?;
    json.push('\n');
    Ok(json)
}

/// `at` (UTC) as a zip timestamp; zip's range is 1980 to 2107, outside it 1980-01-01.
fn zip_time(at: OffsetDateTime) -> DateTime {
    u16::try_from(at.year())
        .ok()
        .and_then(|year| {
            DateTime::from_date_and_time(
                year,
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second(),
            )
            .ok()
        })
        .unwrap_or(DateTime::DEFAULT)
}
