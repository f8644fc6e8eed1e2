//! Prometheus metrics, kept in atomics and rendered in the text exposition format.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use dashmap::DashMap;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// Observations per bucket (not cumulative: one atomic add per request, summed when rendered).
#[derive(Default)]
struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// Route labels are `&'static str` route templates: recording allocates nothing, and a known
/// series is found under a read lock (a write lock only for the first request of a series).
#[derive(Default)]
pub struct Metrics {
    requests: DashMap<(&'static str, &'static str, u16), AtomicU64>,
    latency: DashMap<&'static str, Histogram>,
    pub reports_accepted: AtomicU64,
    pub reports_rejected: AtomicU64,
    pub rate_limited: AtomicU64,
    pub personal_data_reads: AtomicU64,
    pub logins_failed: AtomicU64,
}

impl Metrics {
    /// Records one finished request. `route` is the matched route template, never the raw path,
    /// so ids (and anything a caller puts in a path) never become label values.
    pub fn observe(
        &self,
        method: &'static str,
        route: &'static str,
        status: u16,
        elapsed: Duration,
    ) {
        let key = (method, route, status);
        match self.requests.get(&key) {
            Some(n) => {
                n.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                self.requests
                    .entry(key)
                    .or_default()
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
        let secs = elapsed.as_secs_f64();
        let record = |h: &Histogram| {
            if let Some(i) = BUCKETS.iter().position(|bound| secs <= *bound) {
                h.counts[i].fetch_add(1, Ordering::Relaxed);
            }
            h.count.fetch_add(1, Ordering::Relaxed);
            h.sum_micros
                .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        };
        match self.latency.get(route) {
            Some(h) => record(&h),
            None => record(&self.latency.entry(route).or_default()),
        }
    }

    pub fn render(&self, reports_total: Option<u64>) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            &mut out,
            "scamtrace_reports_accepted_total",
            "Reports stored since start.",
            self.reports_accepted.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "scamtrace_reports_rejected_total",
            "Reports refused as invalid since start.",
            self.reports_rejected.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "scamtrace_rate_limited_total",
            "Requests refused by the rate limit.",
            self.rate_limited.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "scamtrace_personal_data_reads_total",
            "Audited reads of reporters' personal data.",
            self.personal_data_reads.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "scamtrace_logins_failed_total",
            "Sign-ins refused: unknown username, wrong password or disabled account.",
            self.logins_failed.load(Ordering::Relaxed),
        );
        if let Some(total) = reports_total {
            let _ = writeln!(
                out,
                "# HELP scamtrace_reports Reports in the store.\n# TYPE scamtrace_reports gauge\nscamtrace_reports {total}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP scamtrace_http_requests_total HTTP requests by route and status.\n# TYPE scamtrace_http_requests_total counter"
        );
        let mut rows: Vec<_> = self
            .requests
            .iter()
            .map(|e| (*e.key(), e.value().load(Ordering::Relaxed)))
            .collect();
        rows.sort();
        for ((method, route, status), n) in rows {
            let _ = writeln!(
                out,
                "scamtrace_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP scamtrace_http_request_duration_seconds HTTP request latency by route.\n# TYPE scamtrace_http_request_duration_seconds histogram"
        );
        let mut routes: Vec<&'static str> = self.latency.iter().map(|e| *e.key()).collect();
        routes.sort();
        for route in routes {
            let Some(h) = self.latency.get(route) else {
                continue;
            };
            let route = escape(route);
            let mut cumulative = 0;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += h.counts[i].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "scamtrace_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = h.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "scamtrace_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "scamtrace_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "scamtrace_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_histograms() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, Duration::from_micros(300));
        m.observe("GET", "/healthz", 200, Duration::from_millis(30));
        m.reports_accepted.fetch_add(2, Ordering::Relaxed);
        let text = m.render(Some(7));
        assert!(text.contains("scamtrace_reports_accepted_total 2"));
        assert!(text.contains("scamtrace_reports 7"));
        assert!(text.contains(
            "scamtrace_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.0005\"} 1"));
        assert!(text.contains("le=\"0.05\"} 2"));
        assert!(
            text.contains("scamtrace_http_request_duration_seconds_count{route=\"/healthz\"} 2")
        );
    }
}
