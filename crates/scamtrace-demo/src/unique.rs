//! Values that must never collide between operations and one-off reports (callback numbers,
//! remote-access ids, one-off domains): each is the image of a distinct serial under a keyed
//! permutation, so it can be computed lazily for report 900,000 without remembering the others.

use crate::phones::NumberPlan;

/// The splitmix64 finaliser: a cheap bijective mixer of 64-bit words.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A keyed pseudo-random permutation of `0..domain`: a balanced four-round Feistel network over
/// the smallest even bit width that covers the domain, with cycle-walking back into range.
#[derive(Clone, Debug)]
pub(crate) struct Permutation {
    domain: u64,
    half_bits: u32,
    mask: u64,
    keys: [u64; 4],
}

impl Permutation {
    pub(crate) fn new(domain: u64, key: u64) -> Permutation {
        let domain = domain.max(1);
        let bits = 64 - (domain - 1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let keys = std::array::from_fn(|round| mix64(key ^ mix64(round as u64 + 0x5eed)));
        Permutation {
            domain,
            half_bits,
            mask: (1u64 << half_bits) - 1,
            keys,
        }
    }

    /// The image of `x`. Inputs past the domain wrap around (only absurd report counts get there).
    pub(crate) fn apply(&self, x: u64) -> u64 {
        let mut value = x % self.domain;
        // Terminates: the walk follows x's cycle, which comes back into the domain at x at worst,
        // and on average within 4 steps since the domain fills over a quarter of the bit space.
        loop {
            value = self.feistel(value);
            if value < self.domain {
                return value;
            }
        }
    }

    fn feistel(&self, value: u64) -> u64 {
        let mut left = value >> self.half_bits;
        let mut right = value & self.mask;
        for key in self.keys {
            let next = left ^ (mix64(right ^ key) & self.mask);
            left = right;
            right = next;
        }
        (left << self.half_bits) | right
    }
}

/// Where a serial is drawn from. Each namespace is its own value space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Namespace {
    Phone(NumberPlan),
    /// AnyDesk, TeamViewer, UltraViewer and RustDesk ids (9 or 10 digits).
    RemoteNumeric,
    /// ScreenConnect and LogMeIn session codes (6 digits).
    RemoteCode,
    /// Quick Assist security codes (6 characters).
    QuickAssist,
    OneOffDomain,
}

const NAMESPACES: usize = 9;

impl Namespace {
    fn slot(self) -> usize {
        match self {
            Namespace::Phone(plan) => plan as usize,
            Namespace::RemoteNumeric => 5,
            Namespace::RemoteCode => 6,
            Namespace::QuickAssist => 7,
            Namespace::OneOffDomain => 8,
        }
    }

    fn capacity(self) -> u64 {
        match self {
            Namespace::Phone(plan) => plan.capacity(),
            Namespace::RemoteNumeric => crate::remote::NUMERIC_IDS,
            Namespace::RemoteCode => crate::remote::SESSION_CODES,
            Namespace::QuickAssist => crate::remote::QUICK_ASSIST_CODES,
            Namespace::OneOffDomain => crate::sites::ONE_OFF_DOMAINS,
        }
    }

    fn all() -> [Namespace; NAMESPACES] {
        let p = NumberPlan::ALL;
        [
            Namespace::Phone(p[0]),
            Namespace::Phone(p[1]),
            Namespace::Phone(p[2]),
            Namespace::Phone(p[3]),
            Namespace::Phone(p[4]),
            Namespace::RemoteNumeric,
            Namespace::RemoteCode,
            Namespace::QuickAssist,
            Namespace::OneOffDomain,
        ]
    }
}

/// Hands out serials: operations take them in order while planning; report `j` among the one-offs
/// then uses serial `taken + j`, which no operation and no other one-off can hold.
#[derive(Clone, Debug)]
pub(crate) struct Serials {
    permutations: Vec<Permutation>,
    taken: [u64; NAMESPACES],
}

impl Serials {
    pub(crate) fn new(seed: u64) -> Serials {
        let permutations = Namespace::all()
            .iter()
            .map(|ns| Permutation::new(ns.capacity(), mix64(seed ^ ((ns.slot() as u64 + 1) << 40))))
            .collect();
        Serials {
            permutations,
            taken: [0; NAMESPACES],
        }
    }

    /// The next fresh value of `namespace` (0-based, below its capacity) for an operation.
    pub(crate) fn take(&mut self, namespace: Namespace) -> u64 {
        let slot = namespace.slot();
        let serial = self.taken[slot];
        self.taken[slot] += 1;
        self.permutations[slot].apply(serial)
    }

    /// The value of `namespace` reserved for the `j`-th one-off report.
    pub(crate) fn one_off(&self, namespace: Namespace, j: u64) -> u64 {
        let slot = namespace.slot();
        self.permutations[slot].apply(self.taken[slot] + j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn permutations_are_bijections() {
        for domain in [1u64, 2, 3, 10, 17, 1000, 4097] {
            let p = Permutation::new(domain, 99);
            let images: BTreeSet<u64> = (0..domain).map(|x| p.apply(x)).collect();
            assert_eq!(images.len() as u64, domain);
            assert!(images.iter().all(|v| *v < domain));
        }
    }

    #[test]
    fn keys_change_the_order() {
        let a = Permutation::new(1_000_000, 1);
        let b = Permutation::new(1_000_000, 2);
        assert!((0..10).any(|x| a.apply(x) != b.apply(x)));
    }

    #[test]
    fn serials_never_repeat_between_operations_and_one_offs() {
        let mut serials = Serials::new(5);
        let ns = Namespace::RemoteCode;
        let mut seen: BTreeSet<u64> = (0..500).map(|_| serials.take(ns)).collect();
        for j in 0..5000 {
            assert!(seen.insert(serials.one_off(ns, j)));
        }
    }
}
