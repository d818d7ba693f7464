//! The checks of herald's fuzz targets ([`checks`]), and the test generator's scenario
//! builder (`tests/common/generator/text.rs`, std only), included from the root crate so
//! that the structured target writes the same language the equivalence tests do.

pub mod checks;

#[path = "../../tests/common/generator/text.rs"]
mod text;

/// The valid scenario the generator writes from a fuzzer's bytes (read as its stream of
/// numbers, [`checks::stream`]).
pub fn scenario(data: &[u8]) -> String {
    text::build(&checks::stream(data))
}
