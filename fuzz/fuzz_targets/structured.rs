//! The fuzzer's bytes as the test generator's stream of numbers: a valid scenario over the
//! whole language, through the checks of `herald_fuzz::checks`. With `HERALD_FUZZ_SHOW`
//! set, each scenario is printed before it is checked (to see what a crash input is).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = herald_fuzz::scenario(data);
    if std::env::var_os("HERALD_FUZZ_SHOW").is_some() {
        eprintln!("{text}");
    }
    herald_fuzz::checks::generated(&text);
});
