//! A corrupted or tampered model is refused with a message naming the file; only safetensors
//! are ever loaded.

mod common;

use common::*;

fn classify_with(model: &std::path::Path) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_lines(
        &input,
        &[r#"{"text": "China opposes Taiwan independence."}"#],
    );
    run(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--quiet",
    ])
}

#[test]
fn one_flipped_byte_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let m = tiny_model_copy(&dir.path().join("m"));
    let w = m.join("model.safetensors");
    let mut bytes = std::fs::read(&w).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&w, &bytes).unwrap();
    let o = classify_with(&m);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("integrity check failed")
            && e.contains("model.safetensors")
            && e.contains("sha256"),
        "{e}"
    );
    // eval refuses it too.
    let o = run(&[
        "eval",
        "--model",
        m.to_str().unwrap(),
        "--data",
        root().join("datasets/stance/dev.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("integrity check failed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn truncated_and_missing_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let m = tiny_model_copy(&dir.path().join("m"));
    let w = m.join("model.safetensors");
    let bytes = std::fs::read(&w).unwrap();
    std::fs::write(&w, &bytes[..bytes.len() - 100]).unwrap();
    let e = stderr(&classify_with(&m));
    assert!(
        e.contains("model.safetensors") && e.contains("truncated"),
        "{e}"
    );

    let m2 = tiny_model_copy(&dir.path().join("m2"));
    std::fs::remove_file(m2.join("tokenizer.json")).unwrap();
    let e = stderr(&classify_with(&m2));
    assert!(e.contains("tokenizer.json"), "{e}");

    let m3 = tiny_model_copy(&dir.path().join("m3"));
    std::fs::remove_file(m3.join("manifest.json")).unwrap();
    let e = stderr(&classify_with(&m3));
    assert!(e.contains("no manifest.json"), "{e}");
}

#[test]
fn pickle_weights_are_never_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let m = tiny_model_copy(&dir.path().join("m"));
    std::fs::remove_file(m.join("manifest.json")).unwrap();
    std::fs::rename(m.join("model.safetensors"), m.join("pytorch_model.bin")).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let input = dir2.path().join("in.jsonl");
    write_lines(&input, &[r#"{"text": "x"}"#]);
    let o = run(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        dir2.path().join("out").to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--allow-unverified-model",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pickle"), "{}", stderr(&o));
}
