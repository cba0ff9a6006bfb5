//! The whole `map` pipeline (reading, segmenting, matching, recognizing,
//! resolving, claims, the map, the GeoJSON writer) on arbitrary bytes read
//! as a text file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::map(data, false));
