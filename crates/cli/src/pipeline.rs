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
use std::sync::mpsc::{channel, sync_channel, Receiver};
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
    let threads = threads.max(1);
    let (item_tx, item_rx) = sync_channel::<(usize, Result<Item, InputError>)>(threads * 4);
    let (out_tx, out_rx) = channel::<(usize, Event)>();
    let item_rx = Arc::new(Mutex::new(item_rx));

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
            s.spawn(move || worker(engine, &rx, &tx));
        }
        drop(out_tx);

        let mut pending: BTreeMap<usize, Event> = BTreeMap::new();
        let mut next = 0usize;
        for (idx, ev) in out_rx {
            pending.insert(idx, ev);
            while let Some(ev) = pending.remove(&next) {
                on_event(ev);
                next += 1;
            }
        }
        // Anything left (cannot happen unless a worker died) is delivered in order.
        for (_, ev) in pending {
            on_event(ev);
        }
    });
}

fn worker(
    engine: &Engine,
    rx: &Mutex<Receiver<(usize, Result<Item, InputError>)>>,
    tx: &std::sync::mpsc::Sender<(usize, Event)>,
) {
    loop {
        let next = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok((idx, item)) = next else { return };
        let ev = match item {
            // InputError's message names its path already.
            Err(e) => Event::Failed {
                error: e.to_string(),
            },
            Ok(item) => {
                let cpu = cpu_time::ThreadTime::try_now().ok();
                // The engine contains detector panics itself; this catches a panic in parsing so that
                // one hostile message cannot stop a batch.
                match catch_unwind(AssertUnwindSafe(|| engine.scan(&item.bytes, &item.path))) {
                    Ok(report) => Event::Scanned {
                        report: Box::new(report),
                        cpu_us: cpu
                            .and_then(|c| c.try_elapsed().ok())
                            .map_or(0, |d| d.as_micros() as u64),
                    },
                    Err(_) => Event::Failed {
                        error: format!(
                            "{}: internal error while scanning (please report this message)",
                            item.path
                        ),
                    },
                }
            }
        };
        if tx.send((idx, ev)).is_err() {
            return;
        }
    }
}
