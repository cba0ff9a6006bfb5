//! The zip reader of `gazetteer refresh` on arbitrary bytes saved where a
//! GeoNames archive was expected: it must extract `cities500.txt` or say
//! why not, within its limits, and never panic.
#![no_main]

use geomention::refresh::unzip::{check_looks_like_text, extract_entry, Limits};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let archive = common::file("cities500.zip", data);
    let out = common::scratch().join("cities500.txt");
    let limits = Limits {
        max_bytes: 1 << 20,
        max_ratio: 100,
    };
    if let Ok(n) = extract_entry(&archive, "cities500.zip", "cities500.txt", &out, limits) {
        assert!(n <= limits.max_bytes);
    }
    let _ = check_looks_like_text(&archive, "cities500.zip");
});
