//! The whole path from a file to its pages and downloads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gongshi::fuzzing::file_to_page(data);
});
