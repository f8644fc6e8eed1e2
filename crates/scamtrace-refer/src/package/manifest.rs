//! `manifest.json`: what the package holds, who made it for whom, and the signature over it.

use serde::{Deserialize, Serialize};

use super::canonical::canonical;

/// The manifest as written and read back. Unknown fields are refused, so everything a reader
/// sees here is everything the signature covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`super::FORMAT`].
    pub format: String,
    pub case_id: String,
    /// The case's human reference (`CASE-2026-7KQ4M`).
    pub case_reference: String,
    /// The agency the package is for.
    pub recipient: String,
    /// Whether the package holds victims' personal data (`victims.csv` with contact details).
    pub personal_data: bool,
    /// RFC 3339 in UTC, whole seconds (`2026-03-01T12:00:00Z`).
    pub exported_at: String,
    /// The exporting user's name.
    pub exported_by: String,
    /// The exporting instance (organization).
    pub instance: String,
    /// Every file of the package but the manifest, sorted by path.
    pub files: Vec<ManifestFile>,
    pub signature: ManifestSignature,
}

/// One file the manifest vouches for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    pub path: String,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    /// The content's length in bytes.
    pub size: u64,
}

/// The signature block. Everything but `value` is itself signed, so the key cannot be swapped
/// without the signature failing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSignature {
    /// `Ed25519`.
    pub algorithm: String,
    /// [`super::PublicKey::key_id`] of `public_key`.
    pub key_id: String,
    /// Base64 of the signer's 32-byte public key.
    pub public_key: String,
    /// Base64 of the 64-byte signature.
    pub value: String,
}

impl Manifest {
    /// The bytes the signature covers: this manifest without `signature.value`, in RFC 8785
    /// canonical form (see the [module docs](super)). Fails only for a size beyond 2^53, which
    /// the canonical form cannot carry exactly.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, String> {
        let mut value = serde_json::to_value(self).map_err(|e| e.to_string())?;
        if let Some(signature) = value
            .get_mut("signature")
            .and_then(serde_json::Value::as_object_mut)
        {
            signature.remove("value");
        }
        canonical(&value).map(String::into_bytes)
    }
}
