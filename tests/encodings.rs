//! Input that is not UTF-8 (Chinese text saved as GB18030 or Big5) is rejected record by record
//! with a reason that names the likely encoding and the conversion; good records around it are
//! classified, and no U+FFFD (lossy decoding) reaches a table.

mod common;

use common::*;
use encoding_rs::{BIG5, GB18030};
use polars::prelude::*;

const SIMPLIFIED: [&str; 3] = [
    "中华人民共和国外交部发言人表示，中方坚决反对任何形式的“台独”分裂行径。",
    "台湾是中国领土不可分割的一部分，这是不容改变的事实。",
    "双方同意继续加强经贸合作，扩大人文交流。",
];
const TRADITIONAL: &str = "中華民國外交部表示，臺灣是主權獨立的國家，與中華人民共和國互不隸屬。";

fn encode(enc: &'static encoding_rs::Encoding, s: &str) -> Vec<u8> {
    let (b, _, unmappable) = enc.encode(s);
    assert!(!unmappable);
    b.into_owned()
}

/// A JSONL line `{"id": id, "text": text, "actor": actor}` in `enc` (`None`: UTF-8).
fn line(id: &str, text: &str, enc: Option<&'static encoding_rs::Encoding>) -> Vec<u8> {
    let json = serde_json::json!({"id": id, "text": text, "actor": "外交部"}).to_string() + "\n";
    match enc {
        None => json.into_bytes(),
        Some(e) => encode(e, &json),
    }
}

fn classify(input: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    let model = tiny_model();
    run(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ])
}

/// Every string cell of every table under `out`, for the no-U+FFFD check.
fn no_replacement_characters(out: &std::path::Path) {
    for table in ["predictions", "rejects"] {
        if !out.join(table).exists() {
            continue;
        }
        let df = read_table(out, table);
        for c in df.columns() {
            if c.dtype() == &DataType::String {
                for v in c.str().unwrap().iter().flatten() {
                    assert!(!v.contains('\u{FFFD}'), "{table}.{}: {v}", c.name());
                }
            }
        }
    }
}

#[test]
fn a_gb18030_file_gives_one_gb18030_reject_per_line_and_a_summary_with_the_conversion() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mfa_gb.jsonl");
    let bytes: Vec<u8> = SIMPLIFIED
        .iter()
        .enumerate()
        .flat_map(|(i, t)| line(&format!("z{i}"), t, Some(GB18030)))
        .collect();
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out");
    let o = classify(&input, &out);
    // Everything rejected: above the reject-rate limit (exit 3), and the run still completes.
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    let iconv = format!(
        "iconv -f GB18030 -t UTF-8 {} > {}",
        input.display(),
        dir.path().join("mfa_gb.utf8.jsonl").display()
    );
    assert!(
        err.contains("3 record(s) are not UTF-8") && err.contains(&iconv),
        "{err}"
    );
    let rej = read_table(&out, "rejects");
    assert_eq!(rej.height(), 3);
    for (code, msg) in strings(&rej, "error_code")
        .into_iter()
        .zip(strings(&rej, "error_message"))
    {
        let msg = msg.unwrap();
        assert_eq!(code.as_deref(), Some("invalid_utf8"));
        assert!(
            msg.contains("GB18030 (Simplified Chinese)")
                && msg.contains("iconv -f GB18030 -t UTF-8"),
            "{msg}"
        );
        assert!(!msg.contains("--"), "a reason never names a flag: {msg}");
    }
    assert!(strings(&rej, "stage")
        .iter()
        .all(|s| s.as_deref() == Some("utf8")));
    // The raw bytes are kept without loss: every byte that is not UTF-8 spelled out.
    let raw = strings(&rej, "raw");
    assert!(raw.iter().flatten().all(|r| r.contains("\\x")), "{raw:?}");
    no_replacement_characters(&out);
    let m = run_manifest(&out);
    assert_eq!(m["inputs"][0]["not_utf8"], 3);
    assert_eq!(m["inputs"][0]["likely_encoding"], "GB18030");
    assert_eq!(m["counts"]["predictions"], 0);
}

#[test]
fn one_big5_line_among_good_ones_is_rejected_and_the_rest_are_classified() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    let mut bytes = line("g1", SIMPLIFIED[0], None);
    bytes.extend(line("b1", TRADITIONAL, Some(BIG5)));
    bytes.extend(line("g2", TRADITIONAL, None));
    bytes.extend(line("g3", "China opposes Taiwan independence.", None));
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out");
    let o = classify(&input, &out);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("they read as Big5"), "{}", stderr(&o));
    let preds = read_table(&out, "predictions");
    let mut ids: Vec<String> = strings(&preds, "id").into_iter().flatten().collect();
    ids.sort();
    assert_eq!(ids, ["g1", "g2", "g3"]);
    assert!(strings(&preds, "text").contains(&Some(TRADITIONAL.to_string())));
    let rej = read_table(&out, "rejects");
    assert_eq!(rej.height(), 1);
    let msg = strings(&rej, "error_message")[0].clone().unwrap();
    assert!(
        msg.starts_with("line is not valid UTF-8 (byte 0x")
            && msg.contains("Big5 (Traditional Chinese)")
            && msg.contains("iconv -f BIG5 -t UTF-8"),
        "{msg}"
    );
    let ord = rej.column("record_ordinal").unwrap().i64().unwrap().get(0);
    assert_eq!(ord, Some(2));
    no_replacement_characters(&out);
}

#[test]
fn a_csv_field_in_gb18030_is_a_reject_naming_its_column_and_a_gb18030_header_stops_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let mut bytes = format!("id,text,actor\nc1,\"{}\",PRC\n", SIMPLIFIED[1]).into_bytes();
    bytes.extend(b"c2,China opposes Taiwan independence.,");
    bytes.extend(encode(GB18030, "中华人民共和国外交部\n"));
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out");
    let o = classify(&input, &out);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(read_table(&out, "predictions").height(), 1);
    let rej = read_table(&out, "rejects");
    assert_eq!(strings(&rej, "column"), [Some("actor".to_string())]);
    let msg = strings(&rej, "error_message")[0].clone().unwrap();
    assert!(
        msg.starts_with("field \"actor\" is not valid UTF-8") && msg.contains("GB18030"),
        "{msg}"
    );
    no_replacement_characters(&out);

    let header = dir.path().join("header.csv");
    std::fs::write(&header, encode(GB18030, "编号,text\n1,台湾\n")).unwrap();
    let o = classify(&header, &dir.path().join("out2"));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("cannot read the CSV header: column 1 is not valid UTF-8")
            && err.contains("GB18030")
            && !err.contains('\u{FFFD}'),
        "{err}"
    );
}

#[test]
fn parquet_rows_that_are_not_utf8_are_rejected_and_the_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    // A binary text column (as some writers store strings): each value is checked as UTF-8.
    let binary = dir.path().join("binary.parquet");
    let texts: Vec<Vec<u8>> = vec![
        SIMPLIFIED[0].as_bytes().to_vec(),
        encode(BIG5, TRADITIONAL),
        b"China opposes Taiwan independence.".to_vec(),
    ];
    let mut df = DataFrame::new(
        3,
        vec![
            Column::new("id".into(), ["p1", "p2", "p3"]),
            Column::new(
                "text".into(),
                texts.iter().map(|t| t.as_slice()).collect::<Vec<_>>(),
            ),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&binary).unwrap())
        .finish(&mut df)
        .unwrap();
    let out = dir.path().join("out");
    let o = classify(&binary, &out);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let mut ids: Vec<String> = strings(&read_table(&out, "predictions"), "id")
        .into_iter()
        .flatten()
        .collect();
    ids.sort();
    assert_eq!(ids, ["p1", "p3"]);
    let rej = read_table(&out, "rejects");
    let msg = strings(&rej, "error_message")[0].clone().unwrap();
    assert!(msg.contains("Big5 (Traditional Chinese)"), "{msg}");
    no_replacement_characters(&out);

    // A string column holding GB18030 bytes (out of the Parquet specification; written by
    // pyarrow without validation): the rows around the bad one are still read.
    let fixture = root().join("tests/data/string_column_not_utf8.parquet");
    let out = dir.path().join("out2");
    let o = classify(&fixture, &out);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let mut ids: Vec<String> = strings(&read_table(&out, "predictions"), "id")
        .into_iter()
        .flatten()
        .collect();
    ids.sort();
    assert_eq!(ids, ["p1", "p3", "p4"]);
    let rej = read_table(&out, "rejects");
    assert_eq!(strings(&rej, "column"), [Some("text".to_string())]);
    assert_eq!(
        rej.column("record_ordinal").unwrap().i64().unwrap().get(0),
        Some(2)
    );
    no_replacement_characters(&out);
}
