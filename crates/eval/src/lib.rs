//! Evaluation statistics: how a labelled set of messages was judged, and how fast.
//!
//! The `spearwatch eval` command feeds one [`Sample`] per scanned message into a [`SetStats`] per
//! labelled set; [`SetStats::summary`] turns them into a [`SetSummary`] (verdict shares, flagged and
//! suspicious-or-worse rates, the most frequent findings, throughput and latency percentiles) that
//! renders as a table for people or as JSON. No I/O here: the command measures, this crate counts.

use serde::Serialize;
use spearwatch_core::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What eval keeps of one scanned message.
#[derive(Debug, Clone)]
pub struct Sample {
    pub verdict: Verdict,
    /// Distinct finding ids that scored (weight > 0).
    pub finding_ids: Vec<String>,
    /// Wall time of the scan, microseconds.
    pub elapsed_us: u64,
    /// CPU time of the scanning thread, microseconds.
    pub cpu_us: u64,
    pub bytes: usize,
}

/// Accumulates samples of one set.
#[derive(Debug, Default)]
pub struct SetStats {
    pub label: String,
    samples: Vec<Sample>,
    /// Inputs that could not be read.
    pub errors: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingShare {
    pub id: String,
    pub messages: usize,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetSummary {
    pub label: String,
    pub messages: usize,
    pub errors: usize,
    /// Share of messages per verdict (0..1), keyed by verdict name.
    pub verdicts: BTreeMap<&'static str, f64>,
    /// Share judged phishing or malicious.
    pub flagged: f64,
    /// Share judged suspicious, phishing or malicious.
    pub suspicious_or_worse: f64,
    pub top_findings: Vec<FindingShare>,
    pub wall_seconds: f64,
    pub messages_per_second: f64,
    pub megabytes_per_second: f64,
    pub cpu_ms_per_message_mean: f64,
    pub cpu_ms_per_message_median: f64,
    pub cpu_ms_per_message_p99: f64,
    pub latency_us_p50: u64,
    pub latency_us_p99: u64,
    pub latency_us_max: u64,
    pub peak_rss_mib: Option<f64>,
}

impl SetStats {
    pub fn new(label: impl Into<String>) -> Self {
        SetStats {
            label: label.into(),
            ..Default::default()
        }
    }

    pub fn add(&mut self, s: Sample) {
        self.samples.push(s);
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Summarises the set. `wall_seconds` is the elapsed time of the whole set (all threads), and
    /// `peak_rss_mib` the process's peak resident memory when known.
    pub fn summary(&self, wall_seconds: f64, peak_rss_mib: Option<f64>, top: usize) -> SetSummary {
        let n = self.samples.len();
        let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        let mut verdicts = BTreeMap::new();
        for v in Verdict::ALL {
            verdicts.insert(
                v.as_str(),
                share(self.samples.iter().filter(|s| s.verdict == v).count()),
            );
        }
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &self.samples {
            for id in &s.finding_ids {
                *ids.entry(id.as_str()).or_default() += 1;
            }
        }
        let mut top_findings: Vec<FindingShare> = ids
            .into_iter()
            .map(|(id, m)| FindingShare {
                id: id.to_string(),
                messages: m,
                share: share(m),
            })
            .collect();
        top_findings.sort_by(|a, b| b.messages.cmp(&a.messages).then_with(|| a.id.cmp(&b.id)));
        top_findings.truncate(top);

        let mut lat: Vec<u64> = self.samples.iter().map(|s| s.elapsed_us).collect();
        lat.sort_unstable();
        let mut cpu: Vec<u64> = self.samples.iter().map(|s| s.cpu_us).collect();
        cpu.sort_unstable();
        let bytes: usize = self.samples.iter().map(|s| s.bytes).sum();
        let wall = wall_seconds.max(1e-9);
        SetSummary {
            label: self.label.clone(),
            messages: n,
            errors: self.errors,
            verdicts,
            flagged: share(
                self.samples
                    .iter()
                    .filter(|s| s.verdict.is_flagged())
                    .count(),
            ),
            suspicious_or_worse: share(
                self.samples
                    .iter()
                    .filter(|s| s.verdict >= Verdict::Suspicious)
                    .count(),
            ),
            top_findings,
            wall_seconds,
            messages_per_second: n as f64 / wall,
            megabytes_per_second: bytes as f64 / 1e6 / wall,
            cpu_ms_per_message_mean: if n == 0 {
                0.0
            } else {
                cpu.iter().sum::<u64>() as f64 / n as f64 / 1000.0
            },
            cpu_ms_per_message_median: percentile(&cpu, 50.0) as f64 / 1000.0,
            cpu_ms_per_message_p99: percentile(&cpu, 99.0) as f64 / 1000.0,
            latency_us_p50: percentile(&lat, 50.0),
            latency_us_p99: percentile(&lat, 99.0),
            latency_us_max: lat.last().copied().unwrap_or(0),
            peak_rss_mib,
        }
    }
}

/// Nearest-rank percentile of sorted values (0 for none).
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl SetSummary {
    /// A block of text for people.
    pub fn render(&self) -> String {
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "== {} ({} messages, {} unreadable)",
            self.label, self.messages, self.errors
        );
        let _ = writeln!(
            s,
            "   verdicts:  clean {}  suspicious {}  phishing {}  malicious {}",
            pct(self.verdicts["clean"]),
            pct(self.verdicts["suspicious"]),
            pct(self.verdicts["phishing"]),
            pct(self.verdicts["malicious"])
        );
        let _ = writeln!(
            s,
            "   flagged (phishing|malicious): {}   suspicious-or-worse: {}",
            pct(self.flagged),
            pct(self.suspicious_or_worse)
        );
        let _ = writeln!(
            s,
            "   speed:     {:.0} msg/s, {:.1} MB/s, CPU/msg median {:.3} ms, mean {:.3} ms, p99 {:.3} ms",
            self.messages_per_second, self.megabytes_per_second, self.cpu_ms_per_message_median, self.cpu_ms_per_message_mean, self.cpu_ms_per_message_p99
        );
        let _ = writeln!(
            s,
            "   latency:   p50 {} us, p99 {} us, max {} us{}",
            self.latency_us_p50,
            self.latency_us_p99,
            self.latency_us_max,
            self.peak_rss_mib
                .map(|m| format!("; peak RSS {m:.0} MiB"))
                .unwrap_or_default()
        );
        let _ = writeln!(s, "   top findings:");
        for f in &self.top_findings {
            let _ = writeln!(s, "     {:>6}  {:<40} {}", pct(f.share), f.id, f.messages);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(v: Verdict, ids: &[&str], us: u64) -> Sample {
        Sample {
            verdict: v,
            finding_ids: ids.iter().map(|s| s.to_string()).collect(),
            elapsed_us: us,
            cpu_us: us,
            bytes: 1000,
        }
    }

    #[test]
    fn shares_percentiles_and_top_findings() {
        let mut st = SetStats::new("phish");
        st.add(sample(Verdict::Phishing, &["a", "b"], 100));
        st.add(sample(Verdict::Malicious, &["a"], 200));
        st.add(sample(Verdict::Suspicious, &["c"], 300));
        st.add(sample(Verdict::Clean, &[], 400));
        let s = st.summary(2.0, None, 2);
        assert_eq!(s.flagged, 0.5);
        assert_eq!(s.suspicious_or_worse, 0.75);
        assert_eq!(s.verdicts["clean"], 0.25);
        assert_eq!(s.top_findings[0].id, "a");
        assert_eq!(s.top_findings[0].messages, 2);
        assert_eq!(s.top_findings.len(), 2);
        assert_eq!(s.latency_us_p50, 200);
        assert_eq!(s.latency_us_p99, 400);
        assert_eq!(s.messages_per_second, 2.0);
        assert!(s.render().contains("flagged (phishing|malicious): 50.0%"));
        assert_eq!(percentile(&[], 50.0), 0);
    }
}
