//! Whole pipeline: raw bytes -> parse -> every detector -> policy -> report -> JSON.
//!
//! The engine contains detector panics with `catch_unwind`, but libfuzzer-sys installs a panic hook
//! that aborts, so a panic anywhere (parser, detector, scoring) is reported as a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_engine::Engine;
use std::sync::OnceLock;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(Engine::default);
    let report = engine.scan(data, "fuzz");
    // The JSON form is the stable output schema; it must always serialise.
    serde_json::to_vec(&report).expect("report serialises to JSON");
});
