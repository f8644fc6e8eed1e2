//! Deterministic randomness: table picks, weights, and the few distributions the generator needs.
//!
//! The float helpers use only IEEE-754 basic operations (no platform `libm`), so a seed draws the
//! same numbers on every platform and the generated JSON stays byte-identical everywhere.

use rand::Rng;
pub(crate) use rand_chacha::ChaCha8Rng as DemoRng;

/// One entry of a table. Tables are non-empty `const` data (a unit test walks them all).
pub(crate) fn pick<'a, T>(rng: &mut DemoRng, table: &'a [T]) -> &'a T {
    &table[rng.random_range(0..table.len())]
}

/// One entry of a non-empty table of `(item, weight)`; an all-zero table yields its first entry.
pub(crate) fn pick_weighted<'a, T>(rng: &mut DemoRng, table: &'a [(T, u32)]) -> &'a T {
    let total: u64 = table.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return &table[0].0;
    }
    let mut roll = rng.random_range(0..total);
    for (item, weight) in table {
        let weight = u64::from(*weight);
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    &table[table.len() - 1].0
}

/// An entry of `items`, earlier ones more often (weight 1/(i+1)): an operation's main callback
/// number shows up in far more reports than its spares, which is what makes reports link up.
pub(crate) fn skewed<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    // 720720 is divisible by 1..=16, so small pools get exact 1/(i+1) weights.
    let weights: Vec<u64> = (0..items.len()).map(|i| 720_720 / (i as u64 + 1)).collect();
    let mut roll = rng.random_range(0..weights.iter().sum::<u64>());
    for (item, weight) in items.iter().zip(&weights) {
        if roll < *weight {
            return Some(item);
        }
        roll -= weight;
    }
    items.last()
}

pub(crate) fn chance(rng: &mut DemoRng, probability: f64) -> bool {
    rng.random::<f64>() < probability
}

pub(crate) fn unit(rng: &mut DemoRng) -> f64 {
    rng.random::<f64>()
}

/// `n` random decimal digits (leading zeros allowed).
pub(crate) fn digits(rng: &mut DemoRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// A standard normal draw (Marsaglia's polar method: needs only `ln` and `sqrt`).
pub(crate) fn normal(rng: &mut DemoRng) -> f64 {
    loop {
        let u = 2.0 * rng.random::<f64>() - 1.0;
        let v = 2.0 * rng.random::<f64>() - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * ln(s) / s).sqrt();
        }
    }
}

/// A log-normal draw with the given median and log-scale spread.
pub(crate) fn lognormal(rng: &mut DemoRng, median: f64, sigma: f64) -> f64 {
    median * exp(sigma * normal(rng))
}

/// Natural logarithm of a positive, finite, normal `x`.
pub(crate) fn ln(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return f64::NEG_INFINITY;
    }
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut mantissa = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023 << 52));
    if mantissa > std::f64::consts::SQRT_2 {
        mantissa /= 2.0;
        exponent += 1;
    }
    // ln(m) = 2 * atanh((m - 1) / (m + 1)); |t| <= 0.172, so 20 terms are far past f64 precision.
    let t = (mantissa - 1.0) / (mantissa + 1.0);
    let t2 = t * t;
    let (mut term, mut sum, mut k) = (t, 0.0, 1.0);
    for _ in 0..20 {
        sum += term / k;
        term *= t2;
        k += 2.0;
    }
    exponent as f64 * std::f64::consts::LN_2 + 2.0 * sum
}

/// `e^x`, clamped to the range where the result stays a normal f64.
pub(crate) fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;
    let (mut term, mut sum) = (1.0, 1.0);
    for i in 1..25 {
        term *= r / f64::from(i);
        sum += term;
    }
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn portable_math_matches_std() {
        for x in [1e-9, 0.001, 0.5, 1.0, 2.0, 10.0, 12345.678] {
            assert!((ln(x) - x.ln()).abs() < 1e-12, "ln {x}");
        }
        for x in [-20.0, -1.0, 0.0, 0.3, 1.0, 5.5, 30.0] {
            assert!(((exp(x) - x.exp()) / x.exp()).abs() < 1e-13, "exp {x}");
        }
    }

    #[test]
    fn skewed_prefers_the_first_entries() {
        let mut rng = DemoRng::seed_from_u64(1);
        let items = [0, 1, 2, 3, 4, 5];
        let mut counts = [0; 6];
        for _ in 0..6000 {
            counts[*skewed(&mut rng, &items).unwrap_or(&0)] += 1;
        }
        assert!(
            counts[0] > 2 * counts[2] && counts[2] > counts[5],
            "{counts:?}"
        );
        assert!(skewed::<u8>(&mut rng, &[]).is_none());
    }

    #[test]
    fn normal_draws_are_centred() {
        let mut rng = DemoRng::seed_from_u64(2);
        let mean = (0..20_000).map(|_| normal(&mut rng)).sum::<f64>() / 20_000.0;
        assert!(mean.abs() < 0.05, "{mean}");
    }
}
