//! The HWP 5 record parser and what reads records (text, fields, controls, DocInfo, distribution
//! decryption, scripts, EPS), on arbitrary bytes taken as a decompressed section and as DocInfo.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spearwatch_content::hwp::fuzz_records(data);
});
