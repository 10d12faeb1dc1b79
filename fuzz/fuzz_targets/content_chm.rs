//! One parser of the content engine on arbitrary bytes, forced whatever the magic says
//! (`analyse_as(Kind::Chm, ..)`); members it extracts are typed and analysed recursively.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_content::{analyse_as, Kind};

include!("content_common.rs");

fuzz_target!(|data: &[u8]| {
    setup();
    let node = analyse_as(Kind::Chm, data, "sample.bin", &options());
    serde_json::to_vec(&node).expect("tree serialises");
});
