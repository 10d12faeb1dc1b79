//! Prometheus metrics (text exposition format 0.0.4), kept in atomics: no registry crate needed for a
//! dozen series.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds of the latency histogram, seconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const VERDICTS: &[&str] = &["clean", "suspicious", "phishing", "malicious", "unscanned"];
const ACTIONS: &[&str] = &["accept", "tag", "quarantine", "reject", "tempfail"];
const SOURCES: &[&str] = &["milter", "api"];
const ERRORS: &[&str] = &[
    "scan_timeout",
    "scan_failed",
    "quarantine",
    "store",
    "protocol",
    "io",
];

#[derive(Default)]
struct Histogram {
    buckets: Vec<AtomicU64>,
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl Histogram {
    fn new() -> Self {
        Histogram {
            buckets: BUCKETS.iter().map(|_| AtomicU64::new(0)).collect(),
            ..Default::default()
        }
    }

    fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        for (b, le) in self.buckets.iter().zip(BUCKETS) {
            if s <= *le {
                b.fetch_add(1, Relaxed);
            }
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(d.as_micros() as u64, Relaxed);
    }
}

pub struct Metrics {
    /// [source][verdict]
    messages: Vec<Vec<AtomicU64>>,
    actions: Vec<AtomicU64>,
    errors: Vec<AtomicU64>,
    latency: Vec<Histogram>,
    pub milter_connections: AtomicU64,
    pub in_flight: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            messages: SOURCES
                .iter()
                .map(|_| VERDICTS.iter().map(|_| AtomicU64::new(0)).collect())
                .collect(),
            actions: ACTIONS.iter().map(|_| AtomicU64::new(0)).collect(),
            errors: ERRORS.iter().map(|_| AtomicU64::new(0)).collect(),
            latency: SOURCES.iter().map(|_| Histogram::new()).collect(),
            milter_connections: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
        }
    }
}

fn index(list: &[&str], v: &str) -> Option<usize> {
    list.iter().position(|x| *x == v)
}

impl Metrics {
    pub fn message(&self, source: &str, verdict: &str, took: Duration) {
        if let Some(s) = index(SOURCES, source) {
            if let Some(v) = index(VERDICTS, verdict) {
                self.messages[s][v].fetch_add(1, Relaxed);
            }
            self.latency[s].observe(took);
        }
    }

    pub fn action(&self, action: &str) {
        if let Some(a) = index(ACTIONS, action) {
            self.actions[a].fetch_add(1, Relaxed);
        }
    }

    pub fn error(&self, kind: &str) {
        if let Some(e) = index(ERRORS, kind) {
            self.errors[e].fetch_add(1, Relaxed);
        }
    }

    pub fn total(&self, source: &str) -> u64 {
        index(SOURCES, source).map_or(0, |s| {
            self.messages[s].iter().map(|c| c.load(Relaxed)).sum()
        })
    }

    /// The exposition text; `quarantine_held` is read from the quarantine at scrape time.
    pub fn render(&self, quarantine_held: Option<u64>) -> String {
        let mut o = String::new();
        o.push_str("# HELP spearwatch_messages_total Messages scanned, by source and verdict.\n# TYPE spearwatch_messages_total counter\n");
        for (s, src) in SOURCES.iter().enumerate() {
            for (v, verdict) in VERDICTS.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "spearwatch_messages_total{{source=\"{src}\",verdict=\"{verdict}\"}} {}",
                    self.messages[s][v].load(Relaxed)
                );
            }
        }
        o.push_str("# HELP spearwatch_actions_total Milter actions taken.\n# TYPE spearwatch_actions_total counter\n");
        for (a, action) in ACTIONS.iter().enumerate() {
            let _ = writeln!(
                o,
                "spearwatch_actions_total{{action=\"{action}\"}} {}",
                self.actions[a].load(Relaxed)
            );
        }
        o.push_str("# HELP spearwatch_errors_total Errors, by kind.\n# TYPE spearwatch_errors_total counter\n");
        for (e, kind) in ERRORS.iter().enumerate() {
            let _ = writeln!(
                o,
                "spearwatch_errors_total{{kind=\"{kind}\"}} {}",
                self.errors[e].load(Relaxed)
            );
        }
        o.push_str("# HELP spearwatch_scan_seconds Time from end of message to decision, by source.\n# TYPE spearwatch_scan_seconds histogram\n");
        for (s, src) in SOURCES.iter().enumerate() {
            let h = &self.latency[s];
            for (b, le) in h.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    o,
                    "spearwatch_scan_seconds_bucket{{source=\"{src}\",le=\"{le}\"}} {}",
                    b.load(Relaxed)
                );
            }
            let count = h.count.load(Relaxed);
            let _ = writeln!(
                o,
                "spearwatch_scan_seconds_bucket{{source=\"{src}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                o,
                "spearwatch_scan_seconds_sum{{source=\"{src}\"}} {}",
                h.sum_us.load(Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                o,
                "spearwatch_scan_seconds_count{{source=\"{src}\"}} {count}"
            );
        }
        o.push_str("# HELP spearwatch_in_flight Messages being scanned now (queue size).\n# TYPE spearwatch_in_flight gauge\n");
        let _ = writeln!(o, "spearwatch_in_flight {}", self.in_flight.load(Relaxed));
        o.push_str("# HELP spearwatch_milter_connections_total Milter connections accepted.\n# TYPE spearwatch_milter_connections_total counter\n");
        let _ = writeln!(
            o,
            "spearwatch_milter_connections_total {}",
            self.milter_connections.load(Relaxed)
        );
        if let Some(q) = quarantine_held {
            o.push_str("# HELP spearwatch_quarantine_held Messages held in the quarantine.\n# TYPE spearwatch_quarantine_held gauge\n");
            let _ = writeln!(o, "spearwatch_quarantine_held {q}");
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.message("milter", "phishing", Duration::from_micros(700));
        m.message("milter", "clean", Duration::from_millis(30));
        m.action("quarantine");
        m.error("scan_timeout");
        let t = m.render(Some(1));
        assert!(t.contains("spearwatch_messages_total{source=\"milter\",verdict=\"phishing\"} 1"));
        assert!(t.contains("spearwatch_scan_seconds_bucket{source=\"milter\",le=\"0.001\"} 1"));
        assert!(t.contains("spearwatch_scan_seconds_bucket{source=\"milter\",le=\"0.05\"} 2"));
        assert!(t.contains("spearwatch_scan_seconds_count{source=\"milter\"} 2"));
        assert!(t.contains("spearwatch_errors_total{kind=\"scan_timeout\"} 1"));
        assert!(t.contains("spearwatch_quarantine_held 1"));
        assert_eq!(m.total("milter"), 2);
    }
}
