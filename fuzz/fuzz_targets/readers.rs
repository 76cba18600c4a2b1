//! Fuzzes the JSONL and CSV readers: any bytes must be read without panicking, and every
//! record must come out exactly once, as a record or a reject, in order.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strait_stance::input::{open, ColumnMap, InputSpec, Item};

fn check(bytes: &[u8], ext: &str) {
    let dir = std::env::temp_dir().join(format!("stance-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("input.{ext}"));
    std::fs::write(&path, bytes).expect("write fuzz input");
    let spec = InputSpec::parse(&path).expect("known extension");
    // A file without a usable header is a clean error, not a panic.
    let Ok(mut reader) = open(&spec, &ColumnMap::default()) else {
        return;
    };
    let mut last = 0u64;
    while let Ok(Some(chunk)) = reader.next_chunk(7) {
        for item in chunk.items {
            let ordinal = match item {
                Item::Record(r) => {
                    assert!(!r.text.trim().is_empty(), "records always have text");
                    r.ordinal
                }
                Item::Reject(r) => {
                    assert!(r.raw.len() <= strait_stance::input::RAW_CAP);
                    r.ordinal
                }
            };
            assert_eq!(ordinal, last + 1, "records come out once, in order");
            last = ordinal;
        }
    }
    if ext == "jsonl" {
        let lines = bytes.split(|b| *b == b'\n').count() as u64
            - u64::from(bytes.ends_with(b"\n") || bytes.is_empty());
        assert_eq!(last, lines, "one item per JSONL line");
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, "jsonl");
    // CSV: give it a header with a text column so rows are actually parsed.
    let mut csv = b"id,text,actor\n".to_vec();
    csv.extend_from_slice(data);
    check(&csv, "csv");
});
