//! Routing by language: Chinese statements go to the Chinese model, everything else to the
//! English one; the `lang`, `model` and `model_sha256` columns say which read each row, and
//! routing changes nothing for English rows.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use strait_stance::model::save::{write_random_model, TinyShape};

const INPUT: &[&str] = &[
    r#"{"id":"en-1","text":"We do not support Taiwan independence.","actor":"United States"}"#,
    r#"{"id":"zh-hans","text":"我们坚决反对任何形式的“台独”分裂图谋。","actor":"中华人民共和国外交部"}"#,
    r#"{"id":"en-2","text":"Trade talks resume next week in Geneva.","actor":"United States"}"#,
    r#"{"id":"zh-hant","text":"中華民國與中華人民共和國互不隸屬。","actor":"中華民國總統府"}"#,
];

/// A tiny random model reading the multilingual tokenizer (the Chinese route).
fn tiny_chinese_model() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("tiny-zh-model-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let tok = root().join("models/multilingual-e5-small");
        assert!(
            tok.join("tokenizer.json").exists(),
            "models/multilingual-e5-small is missing: run scripts/setup.sh first"
        );
        write_random_model(&dir, &tok, TinyShape::default(), 11).expect("tiny Chinese model");
        dir
    })
    .clone()
}

fn classify(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "classify",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn digest(dir: &Path) -> String {
    let m = strait_stance::model::Manifest::read(dir).unwrap();
    strait_stance::model::manifest::model_digest(&m.files)
}

fn by_id(dir: &Path, col: &str) -> Vec<(String, String)> {
    let df = read_table(dir, "predictions");
    let mut rows: Vec<(String, String)> = strings(&df, "id")
        .into_iter()
        .zip(strings(&df, col))
        .map(|(a, b)| (a.unwrap(), b.unwrap()))
        .collect();
    rows.sort();
    rows
}

#[test]
fn chinese_rows_are_read_by_the_chinese_model_and_say_so() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in.jsonl");
    write_lines(&input, INPUT);
    let (en, zh) = (tiny_model(), tiny_chinese_model());
    let out = t.path().join("out");
    let zh_arg = zh.to_str().unwrap().to_string();
    let en_arg = en.to_str().unwrap().to_string();
    classify(
        &input,
        &out,
        &[
            "--model",
            &en_arg,
            "--chinese-model",
            &zh_arg,
            "--segmentation",
            "sentences",
        ],
    );
    let langs = by_id(&out, "lang");
    assert_eq!(
        langs,
        vec![
            ("en-1".into(), "en".into()),
            ("en-2".into(), "en".into()),
            ("zh-hans".into(), "zh".into()),
            ("zh-hant".into(), "zh".into()),
        ]
    );
    let (d_en, d_zh) = (digest(&en), digest(&zh));
    assert_ne!(d_en, d_zh);
    for (id, sha) in by_id(&out, "model_sha256") {
        let want = if id.starts_with("zh") { &d_zh } else { &d_en };
        assert_eq!(&sha, want, "{id}");
    }
    // The sentences table names the same model as its statement.
    let s = read_table(&out, "sentences");
    assert_eq!(s.height(), 4, "one sentence per statement");
    for (id, sha) in strings(&s, "id")
        .into_iter()
        .zip(strings(&s, "model_sha256"))
    {
        let want = if id.unwrap().starts_with("zh") {
            &d_zh
        } else {
            &d_en
        };
        assert_eq!(sha.as_ref(), Some(want));
    }
    // The run manifest records both routes.
    let m = run_manifest(&out);
    assert_eq!(m["routes"].as_array().unwrap().len(), 2, "{m}");
    assert_eq!(m["chinese_model"]["sha256"].as_str(), Some(d_zh.as_str()));
}

#[test]
fn routing_leaves_english_rows_exactly_as_the_english_model_alone() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in.jsonl");
    write_lines(&input, INPUT);
    let (en, zh) = (tiny_model(), tiny_chinese_model());
    let (a, b) = (t.path().join("routed"), t.path().join("alone"));
    let en_arg = en.to_str().unwrap().to_string();
    let zh_arg = zh.to_str().unwrap().to_string();
    classify(
        &input,
        &a,
        &["--model", &en_arg, "--chinese-model", &zh_arg],
    );
    classify(&input, &b, &["--model", &en_arg]);
    let pa = by_id(&a, "label");
    let pb = by_id(&b, "label");
    let df_a = read_table(&a, "predictions");
    let df_b = read_table(&b, "predictions");
    let conf = |df: &polars::prelude::DataFrame, id: &str| {
        let ids = strings(df, "id");
        let i = ids.iter().position(|x| x.as_deref() == Some(id)).unwrap();
        floats(df, "confidence")[i]
    };
    for id in ["en-1", "en-2"] {
        assert_eq!(pa.iter().find(|r| r.0 == id), pb.iter().find(|r| r.0 == id));
        assert!((conf(&df_a, id) - conf(&df_b, id)).abs() < 1e-5, "{id}");
    }
    // Without a Chinese model named, --model reads everything (lang is still recorded).
    let d_en = digest(&en);
    assert!(by_id(&b, "model_sha256").iter().all(|(_, s)| *s == d_en));
    assert_eq!(by_id(&b, "lang")[2], ("zh-hans".into(), "zh".into()));
}

#[test]
fn a_second_routed_run_classifies_nothing_again() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in.jsonl");
    write_lines(&input, INPUT);
    let out = t.path().join("out");
    let en_arg = tiny_model().to_str().unwrap().to_string();
    let zh_arg = tiny_chinese_model().to_str().unwrap().to_string();
    let args = [
        "--model",
        en_arg.as_str(),
        "--chinese-model",
        zh_arg.as_str(),
    ];
    classify(&input, &out, &args);
    classify(&input, &out, &args);
    assert_eq!(read_table(&out, "predictions").height(), 4);
}

/// `--fast` alone is the whole fast tier: the shipped 3-layer student with int8 weights. The
/// Chinese model keeps fp32 (the fast tier is an English model), and an explicit `--precision`
/// applies to both.
#[test]
fn the_fast_tier_reads_english_in_int8_and_leaves_chinese_in_fp32() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in.jsonl");
    write_lines(&input, INPUT);
    let zh_arg = tiny_chinese_model().to_str().unwrap().to_string();
    let precisions = |name: &str, extra: &[&str]| {
        let out = t.path().join(name);
        let mut args = vec!["--chinese-model", zh_arg.as_str()];
        args.extend_from_slice(extra);
        classify(&input, &out, &args);
        let m = run_manifest(&out);
        let p = |key: &str| m[key]["precision"].as_str().unwrap_or("-").to_string();
        (
            m["model"]["name"].as_str().unwrap().to_string(),
            p("model"),
            p("chinese_model"),
        )
    };
    let fast = strait_stance::defaults::FAST_MODEL_NAME.to_string();
    let (name, en, zh) = precisions("fast", &["--fast"]);
    assert_eq!(
        (name.as_str(), en.as_str(), zh.as_str()),
        (fast.as_str(), "int8", "fp32")
    );
    let (_, en, zh) = precisions("fast-fp32", &["--fast", "--precision", "fp32"]);
    assert_eq!((en.as_str(), zh.as_str()), ("fp32", "fp32"));
    let (_, en, zh) = precisions("int8", &["--precision", "int8"]);
    assert_eq!((en.as_str(), zh.as_str()), ("int8", "int8"));
    // The default model stays exact.
    let (name, en, _) = precisions("default", &[]);
    assert_ne!(name, fast);
    assert_eq!(en, "fp32");
}
