//! The whole `map` pipeline on arbitrary bytes read as a JSON Lines file:
//! records, fields, escapes, line lengths, then everything `map_text`
//! reaches.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::map(data, true));
