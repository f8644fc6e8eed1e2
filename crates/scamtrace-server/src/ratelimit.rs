//! Per-client token buckets for public POSTs, so one network cannot flood intake.

use std::net::IpAddr;
use std::time::Instant;

use dashmap::DashMap;

/// Refills `per_minute` tokens a minute up to `burst`. `per_minute == 0` turns limiting off (for
/// load tests, or behind a proxy that limits already).
pub struct RateLimiter {
    per_minute: u32,
    burst: u32,
    buckets: DashMap<IpAddr, (f64, Instant)>,
}

/// Buckets beyond this many are pruned of full (idle) ones.
const PRUNE_ABOVE: usize = 100_000;

impl RateLimiter {
    pub fn new(per_minute: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            burst: burst.max(1),
            buckets: DashMap::new(),
        }
    }

    /// IPv6 clients are keyed by their /64, which one subscriber usually owns whole.
    fn key(ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
            v4 => v4,
        }
    }

    /// Takes one token for `ip`. `Err(seconds)` says how long until the next one.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        self.check_at(ip, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let rate = f64::from(self.per_minute) / 60.0;
        let burst = f64::from(self.burst);
        if self.buckets.len() > PRUNE_ABOVE {
            self.buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let mut entry = self.buckets.entry(Self::key(ip)).or_insert((burst, now));
        let (tokens, at) = *entry;
        let tokens = (tokens + now.saturating_duration_since(at).as_secs_f64() * rate).min(burst);
        if tokens >= 1.0 {
            *entry = (tokens - 1.0, now);
            Ok(())
        } else {
            *entry = (tokens, now);
            Err(((1.0 - tokens) / rate).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bursts_then_refills() {
        let limiter = RateLimiter::new(60, 3);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(ip, t0).is_ok());
        }
        assert_eq!(limiter.check_at(ip, t0), Err(1));
        assert!(
            limiter.check_at("192.0.2.2".parse().unwrap(), t0).is_ok(),
            "other clients unaffected"
        );
        assert!(
            limiter
                .check_at(ip, t0 + Duration::from_millis(1100))
                .is_ok()
        );
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let limiter = RateLimiter::new(60, 1);
        let t0 = Instant::now();
        assert!(limiter.check_at("2001:db8::1".parse().unwrap(), t0).is_ok());
        assert!(
            limiter
                .check_at("2001:db8::2".parse().unwrap(), t0)
                .is_err()
        );
    }

    #[test]
    fn zero_disables() {
        let limiter = RateLimiter::new(0, 1);
        for _ in 0..100 {
            assert!(limiter.check("192.0.2.1".parse().unwrap()).is_ok());
        }
    }
}
