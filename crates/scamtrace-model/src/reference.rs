//! Human-friendly report references such as `TSS-2026-7KQ4M`, read aloud over the phone.

use rand::Rng;

/// Crockford's base 32: no I, L, O or U, so a reference survives being read aloud or copied by hand.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS: usize = 5;

/// `TSS-<year>-<5 characters>`. Random, not sequential: it reveals nothing about volume. Uniqueness
/// is the store's job (it retries on a clash).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference(String);

impl Reference {
    pub fn generate<R: Rng + ?Sized>(year: i32, rng: &mut R) -> Reference {
        let suffix: String = (0..RANDOM_CHARS)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        Reference(format!("TSS-{year:04}-{suffix}"))
    }

    /// Accepts the reference as a person might type it: any case, and the letters O, I and L for
    /// the digits they look like.
    pub fn parse(s: &str) -> Option<Reference> {
        let upper = s.trim().to_ascii_uppercase();
        let mut parts = upper.split('-');
        let (prefix, year, code) = (parts.next()?, parts.next()?, parts.next()?);
        if prefix != "TSS"
            || parts.next().is_some()
            || year.len() != 4
            || code.len() != RANDOM_CHARS
        {
            return None;
        }
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code: String = code
            .chars()
            .map(|c| match c {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        code.bytes()
            .all(|b| ALPHABET.contains(&b))
            .then(|| Reference(format!("TSS-{year}-{code}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_references_parse_back() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let r = Reference::generate(2026, &mut rng);
            assert!(r.as_str().starts_with("TSS-2026-"));
            assert_eq!(Reference::parse(r.as_str()), Some(r.clone()));
        }
    }

    #[test]
    fn parsing_forgives_case_and_lookalike_letters() {
        assert_eq!(
            Reference::parse("tss-2026-7kq4m").unwrap().as_str(),
            "TSS-2026-7KQ4M"
        );
        assert_eq!(
            Reference::parse("TSS-2026-O1LI2").unwrap().as_str(),
            "TSS-2026-01112"
        );
        for bad in [
            "TSS-2026-7KQ4",
            "TSS-26-7KQ4M",
            "ABC-2026-7KQ4M",
            "TSS-2026-7KQ4U",
            "TSS-2026-7KQ4M-1",
        ] {
            assert!(Reference::parse(bad).is_none(), "{bad}");
        }
    }
}
