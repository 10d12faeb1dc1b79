//! The register of attacks (schema version 3): observables per scan, campaigns with the links that
//! explain them, their timeline, and retro-hunt hits. The decisions (what links two messages, when to
//! merge) belong to `spearwatch-register`; this module stores and queries.

use crate::scans::{row as scan_row, COLUMNS};
use crate::{ScanRecord, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// What a scan adds to its [`ScanRecord`] in the register.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanExtra {
    /// sha256 (hex) of the raw message.
    pub message_key: Option<String>,
    /// The message's Date header, unix seconds.
    pub date: Option<i64>,
    /// Blob store key of the raw message.
    pub blob: Option<String>,
    /// MinHash signature of the text (opaque here).
    pub signature: Option<Vec<u8>>,
    /// (kind, value) pairs; duplicates are ignored.
    pub observables: Vec<(String, String)>,
}

/// A stored scan with what the register added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisteredScan {
    #[serde(flatten)]
    pub scan: ScanRecord,
    pub message_key: Option<String>,
    pub date: Option<i64>,
    pub blob: Option<String>,
    pub campaign: Option<String>,
}

/// A campaign's row with counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignRow {
    pub id: String,
    pub name: String,
    pub created: i64,
    pub first_seen: i64,
    pub last_seen: i64,
    pub messages: u64,
    pub recipients: u64,
    /// The analyst's attribution (an actor id or name), when set.
    pub actor: Option<String>,
    pub actor_note: Option<String>,
}

/// Why a message is in a campaign: it shares `kind`/`value` with `other_id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignLink {
    pub scan_id: i64,
    pub other_id: i64,
    pub kind: String,
    pub value: String,
    pub detail: String,
}

/// One entry of a campaign's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignEvent {
    pub at: i64,
    pub kind: String,
    pub scan_id: Option<i64>,
    pub detail: String,
}

/// A retro-hunt finding on a stored message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HuntHit {
    pub hunt: String,
    pub at: i64,
    pub scan_id: i64,
    /// "indicator" kind (`domain`, `url`, ...) or `yara`.
    pub kind: String,
    pub value: String,
    pub source: String,
    pub detail: String,
}

/// Longest campaign-id chain followed through `merged_into` (merges form chains, never cycles; the
/// bound makes a corrupted file an error instead of a hang).
const MAX_MERGE_CHAIN: usize = 64;

fn registered(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegisteredScan> {
    Ok(RegisteredScan {
        scan: scan_row(r)?,
        message_key: r.get(12)?,
        date: r.get(13)?,
        blob: r.get(14)?,
        campaign: r.get(15)?,
    })
}

impl Store {
    /// Records one scan with its observables in one transaction; returns its id.
    pub fn record_registered(&self, s: &ScanRecord, x: &ScanExtra) -> Result<i64, StoreError> {
        let err = self.ctx.err("recording a scan");
        let tx = self.begin().map_err(err)?;
        self.conn
            .prepare_cached(
                "INSERT INTO scans (received_at, source, queue_id, message_id, sender, subject, verdict, score,
                   action, quarantine, report, message_key, date, blob, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    s.received_at,
                    s.source,
                    s.queue_id,
                    s.message_id,
                    s.sender,
                    s.subject,
                    s.verdict,
                    f64::from(s.score),
                    s.action,
                    s.quarantine,
                    s.report,
                    x.message_key,
                    x.date,
                    x.blob,
                    x.signature
                ])
            })
            .map_err(err)?;
        let id = self.conn.last_insert_rowid();
        self.add_observables(id, &x.observables)?;
        tx.commit().map_err(err)?;
        Ok(id)
    }

    /// Scans that carried `kind`/`value`, oldest first, at most `limit` (the retro-hunt's look-up).
    pub fn scans_with(
        &self,
        kind: &str,
        value: &str,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        self.rows(
            "looking up an observable",
            "SELECT scan_id FROM observables WHERE kind = ?1 AND value = ?2 ORDER BY scan_id LIMIT ?3",
            params![kind, value, limit.min(i64::MAX as usize) as i64],
            |r| r.get(0),
        )
    }

    /// Marks values as seen in clean mail.
    pub fn add_clean_values(&self, pairs: &[(String, String)]) -> Result<(), StoreError> {
        let err = self.ctx.err("recording clean values");
        let mut st = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO clean_values (kind, value) VALUES (?1, ?2)")
            .map_err(err)?;
        for (k, v) in pairs {
            st.execute(params![k, v]).map_err(err)?;
        }
        Ok(())
    }

    /// Whether the value was seen in clean mail.
    pub fn is_clean_value(&self, kind: &str, value: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT 1 FROM clean_values WHERE kind = ?1 AND value = ?2")
            .and_then(|mut st| st.exists(params![kind, value]))
            .map_err(self.ctx.err("looking up clean values"))
    }

    /// Indexes a campaign member's linkable values.
    pub fn add_campaign_values(
        &self,
        scan_id: i64,
        pairs: &[(String, String)],
    ) -> Result<(), StoreError> {
        let err = self.ctx.err("indexing a campaign member");
        let mut st = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO campaign_values (kind, value, scan_id) VALUES (?1, ?2, ?3)",
            )
            .map_err(err)?;
        for (k, v) in pairs {
            st.execute(params![k, v, scan_id]).map_err(err)?;
        }
        Ok(())
    }

    /// Campaign members that carried `kind`/`value`, oldest first, with their campaign (as stored:
    /// resolve merges with [`Store::resolve_campaign`]).
    pub fn campaign_scans_with(
        &self,
        kind: &str,
        value: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.rows(
            "looking up campaign values",
            "SELECT v.scan_id, s.campaign FROM campaign_values v JOIN scans s ON s.id = v.scan_id
             WHERE v.kind = ?1 AND v.value = ?2 AND s.campaign IS NOT NULL ORDER BY v.scan_id LIMIT ?3",
            params![kind, value, limit.min(i64::MAX as usize) as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Distinct values of one kind (for matching networks and suffixes outside SQL).
    pub fn observable_values(&self, kind: &str) -> Result<Vec<String>, StoreError> {
        self.rows(
            "listing observables",
            "SELECT DISTINCT value FROM observables WHERE kind = ?1",
            [kind],
            |r| r.get(0),
        )
    }

    pub fn observables_of(&self, scan_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        self.rows(
            "reading observables",
            "SELECT kind, value FROM observables WHERE scan_id = ?1 ORDER BY kind, value",
            [scan_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Adds observables to a stored scan (a retro-hunt hit, text bands when it joins a campaign).
    pub fn add_observables(
        &self,
        scan_id: i64,
        obs: &[(String, String)],
    ) -> Result<(), StoreError> {
        let err = self.ctx.err("adding observables");
        let mut st = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO observables (kind, value, scan_id) VALUES (?1, ?2, ?3)",
            )
            .map_err(err)?;
        for (k, v) in obs {
            st.execute(params![k, v, scan_id]).map_err(err)?;
        }
        Ok(())
    }

    /// The first scan recorded of the raw message with this key.
    pub fn scan_by_key(&self, message_key: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached("SELECT min(id) FROM scans WHERE message_key = ?1")
            .and_then(|mut st| st.query_row([message_key], |r| r.get(0)))
            .map_err(self.ctx.err("looking up a message"))
    }

    pub fn registered_scan(&self, id: i64) -> Result<Option<RegisteredScan>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, message_key, date, blob, campaign FROM scans WHERE id = ?1"
            ))
            .and_then(|mut st| st.query_row([id], registered).optional())
            .map_err(self.ctx.err("reading a scan"))
    }

    pub fn signature(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn
            .prepare_cached("SELECT signature FROM scans WHERE id = ?1")
            .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
            .map(Option::flatten)
            .map_err(self.ctx.err("reading a signature"))
    }

    /// Ids of scans with a blob, received in `[since, until)`, oldest first, after `after_id`.
    pub fn scans_with_blob(
        &self,
        since: i64,
        until: i64,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.rows(
            "listing stored messages",
            "SELECT id, blob FROM scans WHERE blob IS NOT NULL AND received_at >= ?1 AND received_at < ?2
             AND id > ?3 ORDER BY id LIMIT ?4",
            params![since, until, after_id, limit.min(i64::MAX as usize) as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Drops the blob reference of scans received before `cutoff`; returns the keys no scan refers to
    /// any more (the caller deletes those files).
    pub fn expire_blobs(&self, cutoff: i64) -> Result<Vec<String>, StoreError> {
        let err = self.ctx.err("expiring stored messages");
        let tx = self.begin().map_err(err)?;
        let keys: Vec<String> = {
            let mut st = self
                .conn
                .prepare(
                    "SELECT DISTINCT blob FROM scans WHERE blob IS NOT NULL AND received_at < ?1",
                )
                .map_err(err)?;
            let rows = st.query_map([cutoff], |r| r.get(0)).map_err(err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(err)?
        };
        self.conn
            .execute(
                "UPDATE scans SET blob = NULL WHERE blob IS NOT NULL AND received_at < ?1",
                [cutoff],
            )
            .map_err(err)?;
        let mut orphans = Vec::new();
        for k in keys {
            let still: i64 = self
                .conn
                .query_row("SELECT count(*) FROM scans WHERE blob = ?1", [&k], |r| {
                    r.get(0)
                })
                .map_err(err)?;
            if still == 0 {
                orphans.push(k);
            }
        }
        tx.commit().map_err(err)?;
        Ok(orphans)
    }

    /// Follows `merged_into` to the campaign that holds an id now.
    pub fn resolve_campaign(&self, id: &str) -> Result<Option<String>, StoreError> {
        let err = self.ctx.err("reading a campaign");
        let mut cur = id.to_string();
        for _ in 0..MAX_MERGE_CHAIN {
            let next: Option<Option<String>> = self
                .conn
                .prepare_cached("SELECT merged_into FROM campaigns WHERE id = ?1")
                .and_then(|mut st| st.query_row([&cur], |r| r.get(0)).optional())
                .map_err(err)?;
            match next {
                None => return Ok(None),
                Some(None) => return Ok(Some(cur)),
                Some(Some(n)) => cur = n,
            }
        }
        Err(StoreError::Inconsistent {
            path: self.ctx.path.clone(),
            detail: format!("campaign {id}: merge chain longer than {MAX_MERGE_CHAIN}"),
        })
    }

    /// Creates a campaign holding one scan.
    pub fn create_campaign(
        &self,
        id: &str,
        name: &str,
        at: i64,
        scan_id: i64,
        seen: i64,
        detail: &str,
    ) -> Result<(), StoreError> {
        let err = self.ctx.err("creating a campaign");
        let tx = self.begin().map_err(err)?;
        self.conn.execute(
            "INSERT INTO campaigns (id, name, created, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![id, name, at, seen],
        )
        .map_err(err)?;
        self.conn
            .execute(
                "UPDATE scans SET campaign = ?1 WHERE id = ?2",
                params![id, scan_id],
            )
            .map_err(err)?;
        event(&self.conn, id, at, "created", Some(scan_id), detail).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Puts a scan into a campaign with the links that justify it.
    pub fn join_campaign(
        &self,
        id: &str,
        scan_id: i64,
        at: i64,
        seen: i64,
        links: &[CampaignLink],
        detail: &str,
    ) -> Result<(), StoreError> {
        let err = self.ctx.err("adding to a campaign");
        let tx = self.begin().map_err(err)?;
        self.conn
            .execute(
                "UPDATE scans SET campaign = ?1 WHERE id = ?2",
                params![id, scan_id],
            )
            .map_err(err)?;
        self.conn.execute(
            "UPDATE campaigns SET first_seen = min(first_seen, ?2), last_seen = max(last_seen, ?2) WHERE id = ?1",
            params![id, seen],
        )
        .map_err(err)?;
        insert_links(&self.conn, id, links).map_err(err)?;
        event(&self.conn, id, at, "joined", Some(scan_id), detail).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Moves every message of `from` into `into`; `from` keeps its row with `merged_into` set.
    pub fn merge_campaigns(
        &self,
        into: &str,
        from: &str,
        at: i64,
        detail: &str,
    ) -> Result<(), StoreError> {
        let err = self.ctx.err("merging campaigns");
        let tx = self.begin().map_err(err)?;
        self.conn
            .execute(
                "UPDATE scans SET campaign = ?1 WHERE campaign = ?2",
                params![into, from],
            )
            .map_err(err)?;
        self.conn
            .execute(
                "UPDATE campaign_links SET campaign = ?1 WHERE campaign = ?2",
                params![into, from],
            )
            .map_err(err)?;
        self.conn
            .execute(
                "UPDATE campaigns SET
               first_seen = min(first_seen, (SELECT first_seen FROM campaigns WHERE id = ?2)),
               last_seen = max(last_seen, (SELECT last_seen FROM campaigns WHERE id = ?2)),
               actor = coalesce(actor, (SELECT actor FROM campaigns WHERE id = ?2)),
               actor_note = coalesce(actor_note, (SELECT actor_note FROM campaigns WHERE id = ?2))
             WHERE id = ?1",
                params![into, from],
            )
            .map_err(err)?;
        self.conn
            .execute(
                "UPDATE campaigns SET merged_into = ?1 WHERE id = ?2",
                params![into, from],
            )
            .map_err(err)?;
        event(&self.conn, into, at, "merged", None, detail).map_err(err)?;
        event(&self.conn, from, at, "merged", None, detail).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Moves `scans` out of campaign `id` into a new campaign `new_id` (an analyst's split). Links
    /// between the two parts are dropped: they no longer explain either side.
    pub fn split_campaign(
        &self,
        id: &str,
        new_id: &str,
        scans: &[i64],
        at: i64,
        detail: &str,
    ) -> Result<usize, StoreError> {
        let err = self.ctx.err("splitting a campaign");
        let tx = self.begin().map_err(err)?;
        let (name, first, last): (String, i64, i64) = self
            .conn
            .query_row(
                "SELECT name, first_seen, last_seen FROM campaigns WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(err)?;
        self.conn.execute(
            "INSERT INTO campaigns (id, name, created, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new_id, format!("{name} (split)"), at, first, last],
        )
        .map_err(err)?;
        let mut moved = 0;
        for s in scans {
            moved += self
                .conn
                .execute(
                    "UPDATE scans SET campaign = ?1 WHERE id = ?2 AND campaign = ?3",
                    params![new_id, s, id],
                )
                .map_err(err)?;
        }
        // Links inside the new part move with it; links across the cut are dropped.
        self.conn
            .execute(
                "UPDATE campaign_links SET campaign = ?1 WHERE campaign = ?2
               AND scan_id IN (SELECT id FROM scans WHERE campaign = ?1)
               AND other_id IN (SELECT id FROM scans WHERE campaign = ?1)",
                params![new_id, id],
            )
            .map_err(err)?;
        self.conn
            .execute(
                "DELETE FROM campaign_links WHERE campaign = ?1
               AND (scan_id IN (SELECT id FROM scans WHERE campaign = ?2)
                    OR other_id IN (SELECT id FROM scans WHERE campaign = ?2))",
                params![id, new_id],
            )
            .map_err(err)?;
        for c in [id, new_id] {
            self.conn.execute(
                "UPDATE campaigns SET
                   first_seen = coalesce((SELECT min(coalesce(date, received_at)) FROM scans WHERE campaign = ?1), first_seen),
                   last_seen = coalesce((SELECT max(coalesce(date, received_at)) FROM scans WHERE campaign = ?1), last_seen)
                 WHERE id = ?1",
                [c],
            )
            .map_err(err)?;
        }
        event(&self.conn, id, at, "split", None, detail).map_err(err)?;
        event(&self.conn, new_id, at, "split", None, detail).map_err(err)?;
        self.conn
            .execute(
                "INSERT OR IGNORE INTO campaign_blocks (a, b) VALUES (min(?1, ?2), max(?1, ?2))",
                params![id, new_id],
            )
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(moved)
    }

    /// Whether an analyst split these two campaigns apart (they are then never merged).
    pub fn merge_blocked(&self, a: &str, b: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT 1 FROM campaign_blocks WHERE a = min(?1, ?2) AND b = max(?1, ?2)",
            )
            .and_then(|mut st| st.exists(params![a, b]))
            .map_err(self.ctx.err("reading campaign blocks"))
    }

    /// Sets (or with `None`, clears) the analyst's attribution.
    pub fn set_campaign_actor(
        &self,
        id: &str,
        actor: Option<&str>,
        note: Option<&str>,
        at: i64,
    ) -> Result<bool, StoreError> {
        let err = self.ctx.err("attributing a campaign");
        let tx = self.begin().map_err(err)?;
        let n = self
            .conn
            .execute(
                "UPDATE campaigns SET actor = ?2, actor_note = ?3 WHERE id = ?1",
                params![id, actor, note],
            )
            .map_err(err)?;
        if n > 0 {
            let detail = match actor {
                Some(a) => format!(
                    "analyst attributed the campaign to {a}{}",
                    note.map(|n| format!(": {n}")).unwrap_or_default()
                ),
                None => "analyst cleared the attribution".to_string(),
            };
            event(&self.conn, id, at, "attributed", None, &detail).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(n > 0)
    }

    pub fn rename_campaign(&self, id: &str, name: &str) -> Result<bool, StoreError> {
        self.conn
            .execute(
                "UPDATE campaigns SET name = ?2 WHERE id = ?1",
                params![id, name],
            )
            .map(|n| n > 0)
            .map_err(self.ctx.err("renaming a campaign"))
    }

    /// Campaigns not merged away with at least `min_messages`, most recent activity first.
    pub fn list_campaigns(&self, min_messages: u64) -> Result<Vec<CampaignRow>, StoreError> {
        let mut rows = self.rows(
            "listing campaigns",
            &format!(
                "{CAMPAIGN_SELECT} WHERE c.merged_into IS NULL ORDER BY c.last_seen DESC, c.id"
            ),
            [],
            campaign_row,
        )?;
        rows.retain(|r| r.messages >= min_messages);
        Ok(rows)
    }

    pub fn campaign(&self, id: &str) -> Result<Option<CampaignRow>, StoreError> {
        let Some(id) = self.resolve_campaign(id)? else {
            return Ok(None);
        };
        Ok(self
            .rows(
                "reading a campaign",
                &format!("{CAMPAIGN_SELECT} WHERE c.id = ?1"),
                [&id],
                campaign_row,
            )?
            .pop())
    }

    /// When the campaign was created (`None`: no such campaign).
    pub fn campaign_created(&self, id: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached("SELECT created FROM campaigns WHERE id = ?1")
            .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
            .map_err(self.ctx.err("reading a campaign"))
    }

    /// The campaign's messages in time order.
    pub fn campaign_members(&self, id: &str) -> Result<Vec<RegisteredScan>, StoreError> {
        self.rows(
            "reading a campaign's messages",
            &format!(
                "SELECT {COLUMNS}, message_key, date, blob, campaign FROM scans WHERE campaign = ?1
                 ORDER BY coalesce(date, received_at), id"
            ),
            [id],
            registered,
        )
    }

    pub fn campaign_links(&self, id: &str) -> Result<Vec<CampaignLink>, StoreError> {
        self.rows(
            "reading a campaign's links",
            "SELECT scan_id, other_id, kind, value, detail FROM campaign_links WHERE campaign = ?1
             ORDER BY rowid",
            [id],
            |r| {
                Ok(CampaignLink {
                    scan_id: r.get(0)?,
                    other_id: r.get(1)?,
                    kind: r.get(2)?,
                    value: r.get(3)?,
                    detail: r.get(4)?,
                })
            },
        )
    }

    pub fn campaign_events(&self, id: &str) -> Result<Vec<CampaignEvent>, StoreError> {
        self.rows(
            "reading a campaign's timeline",
            "SELECT at, kind, scan_id, detail FROM campaign_events WHERE campaign = ?1 ORDER BY id",
            [id],
            |r| {
                Ok(CampaignEvent {
                    at: r.get(0)?,
                    kind: r.get(1)?,
                    scan_id: r.get(2)?,
                    detail: r.get(3)?,
                })
            },
        )
    }

    /// Adds a timeline entry (a hunt hit, a note).
    pub fn campaign_event(
        &self,
        id: &str,
        at: i64,
        kind: &str,
        scan_id: Option<i64>,
        detail: &str,
    ) -> Result<(), StoreError> {
        event(&self.conn, id, at, kind, scan_id, detail).map_err(self.ctx.err("adding an event"))
    }

    /// Records a hunt hit; false when the same hit was recorded before.
    pub fn record_hunt_hit(&self, h: &HuntHit) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO hunt_hits (hunt, at, scan_id, kind, value, source, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    h.hunt, h.at, h.scan_id, h.kind, h.value, h.source, h.detail
                ])
            })
            .map(|n| n > 0)
            .map_err(self.ctx.err("recording a hunt hit"))
    }

    pub fn hunt_hits_of(&self, scan_id: i64) -> Result<Vec<HuntHit>, StoreError> {
        self.rows(
            "reading hunt hits",
            "SELECT hunt, at, scan_id, kind, value, source, detail FROM hunt_hits WHERE scan_id = ?1 ORDER BY id",
            [scan_id],
            |r| {
                Ok(HuntHit {
                    hunt: r.get(0)?,
                    at: r.get(1)?,
                    scan_id: r.get(2)?,
                    kind: r.get(3)?,
                    value: r.get(4)?,
                    source: r.get(5)?,
                    detail: r.get(6)?,
                })
            },
        )
    }

    /// Raises a stored scan's verdict (a retro-hunt found it bad); never lowers one.
    pub fn raise_verdict(
        &self,
        scan_id: i64,
        verdict: &str,
        rank: &[&str],
    ) -> Result<bool, StoreError> {
        let Some(cur) = self.get_scan(scan_id)? else {
            return Ok(false);
        };
        let pos = |v: &str| rank.iter().position(|r| *r == v);
        if pos(verdict) <= pos(&cur.verdict) {
            return Ok(false);
        }
        self.conn
            .execute(
                "UPDATE scans SET verdict = ?2 WHERE id = ?1",
                params![scan_id, verdict],
            )
            .map(|n| n > 0)
            .map_err(self.ctx.err("raising a verdict"))
    }

    /// Number of stored scans.
    pub fn scan_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM scans", [], |r| r.get::<_, i64>(0))
            .map(i64::unsigned_abs)
            .map_err(self.ctx.err("counting scans"))
    }

    /// Opens a transaction that [`Store::commit_batch`] ends, for bulk recording by a caller that
    /// cannot hold a closure open (the CLI's result loop). Calls inside it join it.
    pub fn begin_batch(&self) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(self.ctx.err("starting a batch"))?;
        }
        Ok(())
    }

    /// Commits the transaction of [`Store::begin_batch`] (nothing when none is open).
    pub fn commit_batch(&self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn
                .execute_batch("COMMIT")
                .map_err(self.ctx.err("committing a batch"))?;
        }
        Ok(())
    }

    /// Runs `f` in one transaction (bulk recording).
    pub fn in_transaction<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let err = self.ctx.err("a transaction");
        let tx = self.begin().map_err(err)?;
        let out = f(self)?;
        tx.commit().map_err(err)?;
        Ok(out)
    }
}

/// A transaction when none is open; inside [`Store::in_transaction`] the outer one covers the work.
pub(crate) struct Tx<'a>(Option<rusqlite::Transaction<'a>>);

impl Tx<'_> {
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self.0 {
            Some(t) => t.commit(),
            None => Ok(()),
        }
    }
}

impl Store {
    pub(crate) fn begin(&self) -> rusqlite::Result<Tx<'_>> {
        if self.conn.is_autocommit() {
            Ok(Tx(Some(self.conn.unchecked_transaction()?)))
        } else {
            Ok(Tx(None))
        }
    }
}

/// A campaign's row with its counts (recipients through the campaign's scans: filtering all
/// recipient rows by campaign instead costs a scan of every message).
const CAMPAIGN_SELECT: &str = "SELECT c.id, c.name, c.created, c.first_seen, c.last_seen,
    (SELECT count(*) FROM scans s WHERE s.campaign = c.id),
    (SELECT count(DISTINCT o.value) FROM observables o
       WHERE +o.kind = 'recipient' AND o.scan_id IN (SELECT id FROM scans WHERE campaign = c.id)),
    c.actor, c.actor_note
  FROM campaigns c";

impl Store {
    /// Runs a query and collects its rows; errors name `context`.
    fn rows<T>(
        &self,
        context: &'static str,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let err = self.ctx.err(context);
        let mut st = self.conn.prepare_cached(sql).map_err(err)?;
        let rows = st.query_map(params, map).map_err(err)?;
        rows.collect::<Result<Vec<T>, _>>().map_err(err)
    }
}

fn campaign_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CampaignRow> {
    Ok(CampaignRow {
        id: r.get(0)?,
        name: r.get(1)?,
        created: r.get(2)?,
        first_seen: r.get(3)?,
        last_seen: r.get(4)?,
        messages: r.get::<_, i64>(5)?.unsigned_abs(),
        recipients: r.get::<_, i64>(6)?.unsigned_abs(),
        actor: r.get(7)?,
        actor_note: r.get(8)?,
    })
}

fn event(
    conn: &rusqlite::Connection,
    id: &str,
    at: i64,
    kind: &str,
    scan_id: Option<i64>,
    detail: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO campaign_events (campaign, at, kind, scan_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, at, kind, scan_id, detail])?;
    Ok(())
}

fn insert_links(
    conn: &rusqlite::Connection,
    id: &str,
    links: &[CampaignLink],
) -> rusqlite::Result<()> {
    let mut st = conn.prepare_cached(
        "INSERT INTO campaign_links (campaign, scan_id, other_id, kind, value, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for l in links {
        st.execute(params![
            id, l.scan_id, l.other_id, l.kind, l.value, l.detail
        ])?;
    }
    Ok(())
}
