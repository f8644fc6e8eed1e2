//! Arbitrary UTF-8 through `Extractor::extract_text`, `find_phones` and `parse_phone`, with a
//! default region chosen by the first byte: nothing panics, and every span lies within the input
//! on character boundaries (extraction promises spans that point into what the victim wrote).
//!
//!     cargo fuzz run extract -- -max_len=4096 -max_total_time=60

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scamtrace_extract::phone::{find_phones, parse_phone};
use scamtrace_extract::{Extractor, Origin};

/// The victims' countries, plus regions libphonenumber knows little or nothing about.
const REGIONS: &[&str] = &[
    "US", "CA", "GB", "DE", "AU", "ES", "JP", "FR", "IE", "NZ", "IN", "BR", "CN", "RU", "001",
    "ZZ", "", "us", "X",
];

static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(|| Extractor::new([7; 32]));

fn assert_span(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {start}..{end} outside {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} not on char boundaries"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let region = REGIONS[usize::from(first) % REGIONS.len()];
    for indicator in EXTRACTOR.extract_text(text, region, Origin::Text) {
        let (start, end) = indicator.span;
        assert_span(text, start, end, "extract_text");
    }
    for m in find_phones(text, region) {
        assert_span(text, m.start, m.end, "find_phones");
        assert!(m.e164.starts_with('+'), "{:?}", m.e164);
    }
    if let Some(m) = parse_phone(text, region) {
        assert_span(text, m.start, m.end, "parse_phone");
    }
});
