//! Whole pipeline: raw bytes -> parse -> every detector -> policy -> report -> JSON.
//!
//! The engine contains detector panics with `catch_unwind`, but libfuzzer-sys installs a panic hook
//! that aborts, so a panic anywhere (parser, detector, scoring) is reported as a crash here.
//!
//! One exception: mail-parser's MIME state machine has `debug_assert!(false, ...)`s (cargo fuzz
//! builds with debug assertions) that hostile MIME trips, e.g. "Invalid part ID, could not find
//! multipart". `spearwatch_message::parse` wraps `MessageParser::parse` in `catch_unwind` and falls
//! back to the header section for exactly this, and release builds never panic there. Those panics
//! are let unwind into that `catch_unwind` so the fuzzer can get past them and exercise the
//! fallback. If they ever escaped `parse`, libfuzzer-sys would still abort on the unwind (its
//! `catch_unwind` around the target aborts), so nothing uncontained is hidden.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_engine::Engine;
use std::sync::OnceLock;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fn engine() -> &'static Engine {
    ENGINE.get_or_init(|| {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let contained = info.location().is_some_and(|l| {
                let f = l.file().replace('\\', "/");
                f.contains("/mail-parser-") && f.ends_with("/src/parsers/message.rs")
            });
            if !contained {
                abort_hook(info);
            }
        }));
        Engine::default()
    })
}

fuzz_target!(|data: &[u8]| {
    let report = engine().scan(data, "fuzz");
    // The JSON form is the stable output schema; it must always serialise.
    serde_json::to_vec(&report).expect("report serialises to JSON");
});
