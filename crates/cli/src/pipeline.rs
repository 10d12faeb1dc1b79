//! Runs the engine over many inputs on all cores, delivering results in input order.
//!
//! One reader thread walks the sources and reads messages (I/O); worker threads scan them (CPU); the
//! calling thread receives results in input order, so output is deterministic whatever the thread
//! count. The queue between reader and workers is bounded, so a large mbox is never read into memory
//! ahead of the scanners.

use spearwatch_engine::{Engine, Report};
use spearwatch_input::{InputError, Item, Limits, Source};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

/// One outcome, in input order.
pub enum Event {
    Scanned {
        report: Box<Report>,
        cpu_us: u64,
    },
    /// An input that could not be read, or a message the engine could not finish. `error` starts
    /// with the path it concerns (`"{path}: {what}"`).
    Failed {
        error: String,
    },
}

pub fn run(
    engine: &Engine,
    sources: &[Source],
    limits: &Limits,
    threads: usize,
    mut on_event: impl FnMut(Event),
) {
    map(
        sources,
        limits,
        threads,
        |item| {
            let cpu = cpu_time::ThreadTime::try_now().ok();
            let report = engine.scan(&item.bytes, &item.path);
            let cpu_us = cpu
                .and_then(|c| c.try_elapsed().ok())
                .map_or(0, |d| d.as_micros() as u64);
            (Box::new(report), cpu_us)
        },
        |r| {
            on_event(match r {
                Ok((report, cpu_us)) => Event::Scanned { report, cpu_us },
                Err(error) => Event::Failed { error },
            })
        },
    );
}

/// Runs `work` over every message of `sources` on `threads` workers and hands the results to
/// `on_result` in input order. An input that cannot be read, or a message on which `work` panics, is
/// an `Err` naming its path (`"{path}: {what}"`); the batch goes on.
pub fn map<T: Send>(
    sources: &[Source],
    limits: &Limits,
    threads: usize,
    work: impl Fn(&Item) -> T + Sync,
    mut on_result: impl FnMut(Result<T, String>),
) {
    let threads = threads.max(1);
    let (item_tx, item_rx) = sync_channel::<(usize, Result<Item, InputError>)>(threads * 4);
    // Bounded too: a collector slower than the workers (recording into the store) holds them back
    // instead of queueing every parsed message in memory.
    let (out_tx, out_rx) = sync_channel::<(usize, Result<T, String>)>(threads * 8);
    let item_rx = Arc::new(Mutex::new(item_rx));
    let work = &work;

    std::thread::scope(|s| {
        s.spawn(move || {
            let mut idx = 0usize;
            for src in sources {
                let tx = &item_tx;
                let mut send = |r: Result<Item, InputError>| {
                    // The receiving side lives until every worker is done, so a send only fails
                    // if the workers are gone; there is nobody left to tell.
                    let _ = tx.send((idx, r));
                    idx += 1;
                };
                // Per-message errors of a source (an oversized message in an mbox) are reported after
                // that source's messages: `read` holds the item callback while it reports them.
                let mut errors = Vec::new();
                let res = src.read(limits, &mut |item| send(Ok(item)), &mut |e| errors.push(e));
                for e in errors {
                    send(Err(e));
                }
                if let Err(e) = res {
                    send(Err(e));
                }
            }
        });
        for _ in 0..threads {
            let rx = Arc::clone(&item_rx);
            let tx = out_tx.clone();
            s.spawn(move || worker(work, &rx, &tx));
        }
        drop(out_tx);

        let mut pending: BTreeMap<usize, Result<T, String>> = BTreeMap::new();
        let mut next = 0usize;
        for (idx, ev) in out_rx {
            pending.insert(idx, ev);
            while let Some(ev) = pending.remove(&next) {
                on_result(ev);
                next += 1;
            }
        }
        // Anything left (cannot happen unless a worker died) is delivered in order.
        for (_, ev) in pending {
            on_result(ev);
        }
    });
}

fn worker<T>(
    work: &(impl Fn(&Item) -> T + Sync),
    rx: &Mutex<Receiver<(usize, Result<Item, InputError>)>>,
    tx: &std::sync::mpsc::SyncSender<(usize, Result<T, String>)>,
) {
    loop {
        let next = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok((idx, item)) = next else { return };
        let res = match item {
            // InputError's message names its path already.
            Err(e) => Err(e.to_string()),
            // The engine contains detector panics itself; this catches a panic in parsing so that
            // one hostile message cannot stop a batch.
            Ok(item) => catch_unwind(AssertUnwindSafe(|| work(&item))).map_err(|_| {
                format!(
                    "{}: internal error while reading this message (please report it)",
                    item.path
                )
            }),
        };
        if tx.send((idx, res)).is_err() {
            return;
        }
    }
}
