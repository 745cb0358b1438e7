//! Front matter, YAML and figures: any bytes as a report and as a profile.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gongshi::fuzzing::front_matter(data);
});
