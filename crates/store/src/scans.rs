//! Scan records: what the gateway decided for each message (schema version 2, table `scans`).

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

/// One scanned message as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanRecord {
    /// Assigned by the store ([`Store::record_scan`] ignores the value given).
    pub id: i64,
    pub received_at: i64,
    /// "milter", "api", "scan".
    pub source: String,
    pub queue_id: Option<String>,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub verdict: String,
    pub score: f32,
    /// What was done: "accept", "tag", "quarantine", "reject", "tempfail".
    pub action: String,
    /// Quarantine id when the message was quarantined.
    pub quarantine: Option<String>,
    /// The report, JSON (`spearwatch.report/1`).
    pub report: String,
}

/// Which records to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct ScanFilter {
    pub verdict: Option<String>,
    pub since: Option<i64>,
    pub limit: usize,
    pub offset: usize,
}

/// Most records one listing returns.
pub const MAX_LIST: usize = 1_000;

pub(crate) fn row(r: &Row<'_>) -> rusqlite::Result<ScanRecord> {
    Ok(ScanRecord {
        id: r.get(0)?,
        received_at: r.get(1)?,
        source: r.get(2)?,
        queue_id: r.get(3)?,
        message_id: r.get(4)?,
        sender: r.get(5)?,
        subject: r.get(6)?,
        verdict: r.get(7)?,
        score: r.get::<_, f64>(8)? as f32,
        action: r.get(9)?,
        quarantine: r.get(10)?,
        report: r.get(11)?,
    })
}

pub(crate) const COLUMNS: &str = "id, received_at, source, queue_id, message_id, sender, subject, verdict, score, action, quarantine, report";

impl Store {
    /// Records one scan; returns its id.
    pub fn record_scan(&self, s: &ScanRecord) -> Result<i64, StoreError> {
        self.record_registered(s, &crate::ScanExtra::default())
    }

    /// Records, newest first (at most [`MAX_LIST`]).
    pub fn list_scans(&self, f: &ScanFilter) -> Result<Vec<ScanRecord>, StoreError> {
        let limit = if f.limit == 0 {
            100
        } else {
            f.limit.min(MAX_LIST)
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM scans WHERE (?1 IS NULL OR verdict = ?1) AND (?2 IS NULL OR received_at >= ?2)
             ORDER BY received_at DESC, id DESC LIMIT ?3 OFFSET ?4"
        );
        let mut st = self
            .conn
            .prepare_cached(&sql)
            .map_err(self.ctx.err("listing scans"))?;
        let rows = st
            .query_map(
                params![f.verdict, f.since, limit as i64, f.offset as i64],
                row,
            )
            .map_err(self.ctx.err("listing scans"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(self.ctx.err("listing scans"))
    }

    pub fn get_scan(&self, id: i64) -> Result<Option<ScanRecord>, StoreError> {
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM scans WHERE id = ?1"))
            .and_then(|mut st| st.query_row([id], row).optional())
            .map_err(self.ctx.err("reading a scan"))
    }

    /// Counts per verdict, for metrics and summaries.
    pub fn count_scans(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT verdict, count(*) FROM scans GROUP BY verdict ORDER BY verdict")
            .map_err(self.ctx.err("counting scans"))?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.unsigned_abs()))
            })
            .map_err(self.ctx.err("counting scans"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(self.ctx.err("counting scans"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(at: i64, verdict: &str) -> ScanRecord {
        ScanRecord {
            id: 0,
            received_at: at,
            source: "milter".into(),
            queue_id: Some(format!("Q{at}")),
            message_id: Some(format!("{at}@x")),
            sender: Some("a@example.com".into()),
            subject: Some("hello".into()),
            verdict: verdict.into(),
            score: 1.5,
            action: "accept".into(),
            quarantine: None,
            report: "{}".into(),
        }
    }

    #[test]
    fn record_list_get_count() {
        let s = Store::open_in_memory().unwrap();
        assert_eq!(s.schema_version().unwrap(), 3);
        for (at, v) in [(10, "clean"), (20, "phishing"), (30, "clean")] {
            s.record_scan(&rec(at, v)).unwrap();
        }
        let all = s.list_scans(&ScanFilter::default()).unwrap();
        assert_eq!(
            all.iter().map(|r| r.received_at).collect::<Vec<_>>(),
            [30, 20, 10]
        );
        let clean = s
            .list_scans(&ScanFilter {
                verdict: Some("clean".into()),
                since: Some(15),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(clean.len(), 1);
        let got = s.get_scan(all[1].id).unwrap().unwrap();
        assert_eq!(got.verdict, "phishing");
        assert_eq!(got.score, 1.5);
        assert!(s.get_scan(999).unwrap().is_none());
        assert_eq!(
            s.count_scans().unwrap(),
            [("clean".to_string(), 2), ("phishing".to_string(), 1)]
        );
    }
}
