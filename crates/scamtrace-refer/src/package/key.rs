//! The instance's Ed25519 signing key and the public key that recipients trust.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::Signer as _;
use sha2::{Digest as _, Sha256};

use super::FORMAT;

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 }, BIT STRING (0 unused bits) } around the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

const PEM_BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
const PEM_END: &str = "-----END PUBLIC KEY-----";

/// The instance's signing key. Its `Debug` shows the key id, never the secret.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// The key whose RFC 8032 secret is `seed` (the instance derives it from its master key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The public half, which recipients verify with.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The Ed25519 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.public().key_id())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key: the one a manifest names, or the one a recipient trusts.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// The key from its 32 raw bytes; refuses bytes that are not a point of the curve, and
    /// small-order ("weak") points, for which signatures prove nothing.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::NotAPoint)?;
        if key.is_weak() {
            return Err(KeyError::WeakKey);
        }
        Ok(PublicKey(key))
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// A short name for the key that people can compare: the first 16 hex characters of the
    /// SHA-256 of the 32 raw bytes.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        hex::encode(&digest[..8])
    }

    /// Standard base64 (with padding) of the 32 raw bytes.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0.as_bytes())
    }

    /// The key as a SubjectPublicKeyInfo PEM (RFC 8410), as OpenSSL writes and reads it.
    pub fn to_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.0.as_bytes());
        format!("{PEM_BEGIN}\n{}\n{PEM_END}\n", BASE64.encode(der))
    }

    /// The document an instance serves at `/.well-known/scamtrace-signing-key`, from which a
    /// recipient takes the key it trusts.
    pub fn well_known(&self, instance: &str) -> serde_json::Value {
        serde_json::json!({
            "algorithm": "Ed25519",
            "key_id": self.key_id(),
            "public_key": self.to_base64(),
            "public_key_pem": self.to_pem(),
            "instance": instance,
            "format": FORMAT,
        })
    }

    /// Reads a key as a recipient may have it (surrounding whitespace ignored): the
    /// [`well_known`](Self::well_known) JSON document, a PEM public key, base64 of the 32 bytes,
    /// or 64 hex characters.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(KeyError::Empty);
        }
        if text.starts_with('{') {
            return Self::parse_document(text);
        }
        if text.starts_with("-----BEGIN") {
            return Self::parse_pem(text);
        }
        if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            let bytes = hex::decode(text).map_err(|e| KeyError::NotHex(e.to_string()))?;
            return Self::from_slice(&bytes, "hex");
        }
        Self::parse_base64(text)
    }

    /// Base64 of the 32 raw bytes (the form a manifest holds).
    pub(crate) fn parse_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = BASE64
            .decode(text)
            .map_err(|e| KeyError::NotBase64(e.to_string()))?;
        Self::from_slice(&bytes, "base64")
    }

    fn from_slice(bytes: &[u8], encoding: &'static str) -> Result<Self, KeyError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| KeyError::WrongLength {
            encoding,
            len: bytes.len(),
        })?;
        Self::from_bytes(array)
    }

    fn parse_pem(text: &str) -> Result<Self, KeyError> {
        let Some(rest) = text.strip_prefix(PEM_BEGIN) else {
            let first_line = text.lines().next().unwrap_or_default().trim();
            return Err(match first_line.strip_prefix("-----BEGIN ") {
                Some(label) => KeyError::PemLabel(label.trim_end_matches('-').trim().to_string()),
                None => KeyError::PemMalformed(
                    "it does not start with -----BEGIN PUBLIC KEY-----".into(),
                ),
            });
        };
        let Some((body, after)) = rest.split_once(PEM_END) else {
            return Err(KeyError::PemMalformed(
                "there is no -----END PUBLIC KEY----- line".into(),
            ));
        };
        if !after.trim().is_empty() {
            return Err(KeyError::PemMalformed(
                "there is text after the -----END PUBLIC KEY----- line".into(),
            ));
        }
        let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let der = BASE64
            .decode(b64)
            .map_err(|e| KeyError::PemMalformed(format!("its body is not base64: {e}")))?;
        match der.strip_prefix(&SPKI_PREFIX[..]) {
            Some(key) if key.len() == 32 => Self::from_slice(key, "PEM"),
            _ => Err(KeyError::NotEd25519Spki),
        }
    }

    fn parse_document(text: &str) -> Result<Self, KeyError> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| KeyError::Json(e.to_string()))?;
        let field = |name: &'static str| -> Result<Option<&str>, KeyError> {
            match doc.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(KeyError::Json(format!("{name} is not a string"))),
            }
        };
        if !doc.is_object() {
            return Err(KeyError::Json("the document is not a JSON object".into()));
        }
        if let Some(algorithm) = field("algorithm")?
            && algorithm != "Ed25519"
        {
            return Err(KeyError::WrongAlgorithm(algorithm.to_string()));
        }
        let from_base64 = field("public_key")?
            .map(|b| Self::parse_base64(b.trim()))
            .transpose()?;
        let from_pem = field("public_key_pem")?
            .map(|p| Self::parse_pem(p.trim()))
            .transpose()?;
        let key = match (from_base64, from_pem) {
            (Some(a), Some(b)) if a != b => return Err(KeyError::Disagree),
            (Some(a), _) => a,
            (None, Some(b)) => b,
            (None, None) => return Err(KeyError::MissingField("public_key")),
        };
        if let Some(stated) = field("key_id")?
            && stated != key.key_id()
        {
            return Err(KeyError::KeyIdMismatch {
                stated: stated.to_string(),
                actual: key.key_id(),
            });
        }
        Ok(key)
    }

    /// Whether `signature` is this key's signature of `message` (RFC 8032 with the strict
    /// checks: canonical `s`, no small-order `R`).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.0.verify_strict(message, &signature).is_ok()
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

/// Why a text is not a usable public key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key is empty")]
    Empty,
    #[error(
        "the key is not base64 ({0}); expected the JSON document from /.well-known/scamtrace-signing-key, a PEM public key, base64 of 32 bytes or 64 hex characters"
    )]
    NotBase64(String),
    #[error("the key is not hex: {0}")]
    NotHex(String),
    #[error("the {encoding} key is {len} bytes long; an Ed25519 public key is 32 bytes")]
    WrongLength { encoding: &'static str, len: usize },
    #[error(
        "the PEM is not an Ed25519 SubjectPublicKeyInfo (44 bytes with the algorithm 1.3.101.112)"
    )]
    NotEd25519Spki,
    #[error("the PEM holds a {0}, not a PUBLIC KEY")]
    PemLabel(String),
    #[error("the PEM is malformed: {0}")]
    PemMalformed(String),
    #[error("the key document is not valid: {0}")]
    Json(String),
    #[error("the key document has no {0}")]
    MissingField(&'static str),
    #[error("the key's algorithm is {0:?}, not Ed25519")]
    WrongAlgorithm(String),
    #[error("the key document's public_key and public_key_pem are different keys")]
    Disagree,
    #[error("the key document says key_id {stated}, but its public key's id is {actual}")]
    KeyIdMismatch { stated: String, actual: String },
    #[error("the 32 bytes are not an Ed25519 public key (not a point of the curve)")]
    NotAPoint,
    #[error("the key is a weak (small-order) Ed25519 key, for which signatures prove nothing")]
    WeakKey,
}
