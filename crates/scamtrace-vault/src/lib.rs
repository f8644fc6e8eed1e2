//! Sealing victims' personal data at rest, and the instance's secret keys.
//!
//! One 256-bit master key, read from the environment or from a key file created with `0600`
//! permissions on first run, seals personal data with XChaCha20-Poly1305 (random 192-bit nonces,
//! so nonce reuse is not a practical risk) and derives the other keys the instance needs (CSRF
//! tokens, keyed hashes) with HMAC-SHA-256 under a label, so those keys are independent.
//!
//! ```
//! use scamtrace_vault::Vault;
//!
//! let vault = Vault::from_bytes([7; 32]);
//! let sealed = vault.seal(b"Pat Example <pat@example.com>", b"report:42");
//! assert_eq!(vault.open(&sealed, b"report:42").unwrap(), b"Pat Example <pat@example.com>");
//! // Bound to its context: the same bytes do not open as another report's data.
//! assert!(vault.open(&sealed, b"report:43").is_err());
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Format byte in front of every sealed value, so the scheme can change without guessing.
const SEAL_V1: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("sealed data is damaged or was sealed under another key")]
    Unseal,
    #[error("the key in {source_name} is not 64 hexadecimal characters (a 256-bit key)")]
    BadKey { source_name: String },
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the key file {path} can be read by other users (mode {mode:o}); run `chmod 600` on it"
    )]
    KeyFileTooOpen { path: PathBuf, mode: u32 },
}

/// The instance's master key. `Debug` never shows it.
pub struct Vault {
    cipher: XChaCha20Poly1305,
    master: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(<key redacted>)")
    }
}

impl Vault {
    pub fn from_bytes(key: [u8; 32]) -> Vault {
        let master = Zeroizing::new(key);
        Vault {
            cipher: XChaCha20Poly1305::new((&*master).into()),
            master,
        }
    }

    /// Parses a key written as 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str, source_name: &str) -> Result<Vault, VaultError> {
        let bad = || VaultError::BadKey {
            source_name: source_name.to_string(),
        };
        let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| bad())?);
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| bad())?;
        Ok(Vault::from_bytes(key))
    }

    /// Reads the key file, or creates it with a fresh random key and mode `0600` when it does not
    /// exist yet. Refuses a key file that other users can read.
    pub fn load_or_create(path: &Path) -> Result<Vault, VaultError> {
        let io = |source| VaultError::KeyFile {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_permissions(path)?;
                Vault::from_hex(&text, &path.display().to_string())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                let key = Zeroizing::new(key);
                let text = Zeroizing::new(format!("{}\n", hex::encode(*key)));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(io)?;
                file.write_all(text.as_bytes()).map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok(Vault::from_bytes(*key))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Encrypts and authenticates `plaintext`, bound to `context` (for example the report id) so
    /// that sealed values cannot be swapped between records.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plaintext,
            aad: context,
        };
        // Encryption fails only for messages beyond 256 GiB; ours are a few hundred bytes.
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(SEAL_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, VaultError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != SEAL_V1 {
            return Err(VaultError::Unseal);
        }
        let nonce = XNonce::from_slice(&sealed[1..1 + NONCE_LEN]);
        let payload = Payload {
            msg: &sealed[1 + NONCE_LEN..],
            aad: context,
        };
        self.cipher
            .decrypt(nonce, payload)
            .map_err(|_| VaultError::Unseal)
    }

    /// A key for one purpose, derived from the master key: HMAC-SHA-256(master, label).
    pub fn derive_key(&self, label: &str) -> [u8; 32] {
        keyed_hash(&*self.master, label.as_bytes())
    }
}

/// HMAC-SHA-256 of `data` under `key`.
pub fn keyed_hash(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| {
        // HMAC takes keys of any length; this branch cannot run.
        <Hmac<Sha256> as Mac>::new_from_slice(&[0u8; 32]).expect("fixed-size key")
    });
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|source| VaultError::KeyFile {
        path: path.to_path_buf(),
        source,
    })?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(VaultError::KeyFileTooOpen {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), VaultError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_are_random_and_tamper_evident() {
        let vault = Vault::from_bytes([1; 32]);
        let a = vault.seal(b"secret", b"ctx");
        let b = vault.seal(b"secret", b"ctx");
        assert_ne!(a, b, "fresh nonce every time");
        assert!(!a.windows(6).any(|w| w == b"secret"));
        let mut tampered = a.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(vault.open(&tampered, b"ctx").is_err());
        assert!(Vault::from_bytes([2; 32]).open(&a, b"ctx").is_err());
        assert!(vault.open(&a[..10], b"ctx").is_err());
        assert_eq!(vault.open(&a, b"ctx").unwrap(), b"secret");
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scamtrace.key");
        let first = Vault::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let sealed = first.seal(b"x", b"");
        let second = Vault::load_or_create(&path).unwrap();
        assert_eq!(second.open(&sealed, b"").unwrap(), b"x");

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Vault::load_or_create(&path).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }

    #[test]
    fn bad_keys_are_named_but_not_echoed() {
        let err = Vault::from_hex("deadbeef-not-a-key", "SCAMTRACE_KEY").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("SCAMTRACE_KEY") && !text.contains("deadbeef"),
            "{text}"
        );
    }

    #[test]
    fn derived_keys_differ_by_label() {
        let vault = Vault::from_bytes([3; 32]);
        assert_ne!(vault.derive_key("csrf"), vault.derive_key("gift-card"));
        assert_eq!(vault.derive_key("csrf"), vault.derive_key("csrf"));
        assert!(!format!("{vault:?}").contains('3'));
    }
}
