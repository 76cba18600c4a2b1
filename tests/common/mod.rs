//! Shared helpers for the integration tests: a tiny random model with the real tokenizer,
//! the `stance` binary, and dataset readers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use polars::prelude::*;
use strait_stance::model::save::{write_random_model, TinyShape};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Folder with the real all-MiniLM-L6-v2 tokenizer (set up by scripts/setup.sh).
pub fn tokenizer_dir() -> PathBuf {
    let d = root().join("models/all-minilm-l6-v2");
    assert!(
        d.join("tokenizer.json").exists(),
        "models/all-minilm-l6-v2/tokenizer.json is missing: run scripts/setup.sh first"
    );
    d
}

/// A tiny random six-label model (built once per test binary).
pub fn tiny_model() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| write_tiny("tiny-model", TinyShape::default()))
        .clone()
}

/// A tiny random model that reads actor–text pairs (`stance_input` = `actor_text`).
pub fn tiny_actor_model() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let shape = TinyShape {
        input: strait_stance::tokenize::InputFormat::ActorText,
        ..TinyShape::default()
    };
    DIR.get_or_init(|| write_tiny("tiny-actor-model", shape))
        .clone()
}

/// A tiny random model whose head reads the mean of the token states (`stance_pooling` =
/// `mean`).
pub fn tiny_mean_model() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let shape = TinyShape {
        pooling: strait_stance::model::config::Pooling::Mean,
        ..TinyShape::default()
    };
    DIR.get_or_init(|| write_tiny("tiny-mean-model", shape))
        .clone()
}

/// Writes a tiny random model of `shape` (seed 7) under target/tmp, so test runs leave nothing
/// in the system temp folder; one folder per test process.
fn write_tiny(name: &str, shape: TinyShape) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_random_model(&dir, &tokenizer_dir(), shape, 7).expect(name);
    dir
}

/// A fresh copy of the tiny model that a test may damage.
pub fn tiny_model_copy(dest: &Path) -> PathBuf {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(tiny_model()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dest.join(p.file_name().unwrap())).unwrap();
    }
    dest.to_path_buf()
}

/// The shipped model folder.
pub fn shipped_model() -> PathBuf {
    root().join("models/stance-minilm-v3")
}

/// `stance` with arguments.
pub fn stance(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stance"));
    c.args(args);
    c.env_remove("STANCE_MODEL");
    c
}

/// Runs `stance` and returns its output.
pub fn run(args: &[&str]) -> Output {
    stance(args).output().expect("run stance")
}

/// `stance train` from the tiny model in batches of 8, quiet; `train`, `dev` and `out` are
/// named relative to `dir`, and `extra` adds the rest (learning rate, epochs, ...).
pub fn train_tiny(dir: &Path, train: &str, dev: &str, out: &str, extra: &[&str]) -> Output {
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    let (train, dev, out, base) = (p(train), p(dev), p(out), tiny_model());
    let mut args = vec![
        "train",
        "--train",
        &train,
        "--dev",
        &dev,
        "--out",
        &out,
        "--quiet",
        "--base",
        base.to_str().unwrap(),
        "--batch-size",
        "8",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Text of stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// `stance classify --model MODEL DATA --out - EXTRA…`: one JSON object per output row.
pub fn classify_jsonl(model: &str, data: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let args = [
        &["classify", "--model", model, data, "--out", "-"][..],
        extra,
    ]
    .concat();
    json_lines(&run(&args))
}

/// The JSON objects a successful `--out -` run printed, one per line.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    assert!(o.status.success(), "{}", stderr(o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The run manifest in `out/_runs` of a dataset written by one run (the first `.json` there).
pub fn run_manifest(out: &Path) -> serde_json::Value {
    let run = std::fs::read_dir(out.join("_runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    serde_json::from_str(&std::fs::read_to_string(run).unwrap()).unwrap()
}

/// Every part file of a table, concatenated (empty frame if none).
pub fn read_table(dir: &Path, table: &str) -> DataFrame {
    let mut files: Vec<PathBuf> = Vec::new();
    let t = dir.join(table);
    if t.is_dir() {
        for part in std::fs::read_dir(&t).unwrap() {
            let part = part.unwrap().path();
            assert!(part.is_dir(), "only partition folders in {}", t.display());
            assert!(
                part.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("run_date="),
                "Hive partition name"
            );
            for f in std::fs::read_dir(&part).unwrap() {
                let f = f.unwrap().path();
                let name = f.file_name().unwrap().to_string_lossy().to_string();
                assert!(
                    name.starts_with("part-") && name.ends_with(".parquet"),
                    "unexpected file {name} in {}",
                    part.display()
                );
                files.push(f);
            }
        }
    }
    files.sort();
    let mut out: Option<DataFrame> = None;
    for f in files {
        let df = ParquetReader::new(std::fs::File::open(&f).unwrap())
            .finish()
            .unwrap();
        match &mut out {
            None => out = Some(df),
            Some(o) => {
                o.vstack_mut(&df).unwrap();
            }
        }
    }
    out.unwrap_or_default()
}

/// A column as strings.
pub fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

/// A Float32 column.
pub fn floats(df: &DataFrame, col: &str) -> Vec<f32> {
    df.column(col)
        .unwrap()
        .f32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect()
}

/// Writes lines to a file.
pub fn write_lines(path: &Path, lines: &[&str]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// One clear statement per label: the tiny corpora the training tests learn from.
pub const TINY_TEMPLATES: [(&str, &str); 6] = [
    ("opposes", "China firmly opposes Taiwan independence"),
    (
        "does_not_support",
        "Washington does not support Taiwan independence",
    ),
    (
        "neutral",
        "We call for peace and stability across the Strait",
    ),
    (
        "leans_supports",
        "Taiwan should take part in the World Health Assembly",
    ),
    ("supports", "Taiwan is a sovereign and independent country"),
    (
        "off_topic",
        "The trade fair opened with a record number of visitors",
    ),
];

/// Writes `n_per_label` numbered copies of every [`TINY_TEMPLATES`] statement as labelled JSONL.
pub fn write_tiny_examples(path: &Path, n_per_label: usize) {
    let mut lines = Vec::new();
    for i in 0..n_per_label {
        for (label, t) in TINY_TEMPLATES {
            lines.push(
                serde_json::json!({"text": format!("{t} (item {i})."), "label": label}).to_string(),
            );
        }
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}
