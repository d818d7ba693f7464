//! Any bytes, as a user's scenario file: load, fmt, run, trials, analyze and explore, with
//! the checks of `herald_fuzz::checks`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    herald_fuzz::checks::bytes(data);
});
