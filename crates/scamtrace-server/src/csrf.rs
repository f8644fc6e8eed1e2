//! CSRF protection for forms: a signed token in a SameSite=Strict cookie and the same token in a
//! hidden field. A cross-site page can neither read the cookie nor forge the signature.

use base64::Engine;
use rand::RngCore;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "st_csrf";

/// Signs and checks CSRF tokens with a key derived from the instance's master key.
pub struct Csrf {
    key: [u8; 32],
}

impl Csrf {
    pub fn new(key: [u8; 32]) -> Csrf {
        Csrf { key }
    }

    /// `nonce.signature`, both base64url.
    pub fn issue(&self) -> String {
        let mut nonce = [0u8; 18];
        rand::rng().fill_bytes(&mut nonce);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}", b64.encode(nonce), b64.encode(self.sign(&nonce)))
    }

    fn sign(&self, nonce: &[u8]) -> [u8; 16] {
        let mac = scamtrace_vault::keyed_hash(&self.key, nonce);
        let mut out = [0u8; 16];
        out.copy_from_slice(&mac[..16]);
        out
    }

    /// A token this instance issued.
    pub fn is_genuine(&self, token: &str) -> bool {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let Some((nonce, sig)) = token.split_once('.') else {
            return false;
        };
        let (Ok(nonce), Ok(sig)) = (b64.decode(nonce), b64.decode(sig)) else {
            return false;
        };
        sig.len() == 16 && bool::from(self.sign(&nonce).ct_eq(&sig))
    }

    /// The form's token matches the cookie's, and both are genuine.
    pub fn verify(&self, cookie: Option<&str>, field: Option<&str>) -> bool {
        match (cookie, field) {
            (Some(c), Some(f)) => {
                bool::from(c.as_bytes().ct_eq(f.as_bytes())) && self.is_genuine(c)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_as_a_matching_genuine_pair() {
        let csrf = Csrf::new([1; 32]);
        let t = csrf.issue();
        assert!(csrf.verify(Some(&t), Some(&t)));
        assert!(!csrf.verify(Some(&t), Some(&csrf.issue())));
        assert!(!csrf.verify(None, Some(&t)));
        assert!(!csrf.verify(Some(&t), None));
        let forged = Csrf::new([2; 32]).issue();
        assert!(!csrf.verify(Some(&forged), Some(&forged)));
        assert!(!csrf.verify(Some("x.y"), Some("x.y")));
    }
}
