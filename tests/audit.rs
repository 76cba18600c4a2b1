//! `stance audit` end to end on a tiny corpus with planted label errors: fold models trained
//! with the real training code never see the rows they score, documents stay in one fold, the
//! planted flips rank near the top (the cross-neutral ones nearest), and `stance train --folds`
//! writes fold models that `stance audit --models` reuses.
//!
//! The fold models start from a tiny model first trained on other statements of the same
//! templates (as a real audit starts from a pretrained encoder): a random tiny model needs
//! hundreds of steps per fold to learn them, which would make this test take many minutes.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::*;
use polars::prelude::*;
use serde_json::json;

/// Planted errors: (row, wrong label). Rows 0, 7, 16 cross neutral; 14, 27, 35 do not.
const FLIPS: [(usize, &str); 6] = [
    (0, "supports"),       // opposes → supports
    (7, "leans_supports"), // does_not_support → leans_supports
    (16, "opposes"),       // supports → opposes
    (14, "off_topic"),     // neutral → off_topic
    (27, "supports"),      // leans_supports → supports
    (35, "neutral"),       // off_topic → neutral
];

/// Rows of the six templates with item numbers `items`, labelled correctly.
fn clean(path: &Path, items: std::ops::Range<usize>) {
    let mut lines = Vec::new();
    for item in items {
        for (label, text) in TINY_TEMPLATES {
            lines.push(
                json!({"text": format!("{text} (item {item})."), "label": label}).to_string(),
            );
        }
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// The tiny model trained on clean statements of the templates (items 100-107), with a clean
/// dev file (items 200-201) for the fold models.
fn pretrained(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (pre, dev, model) = (
        dir.join("pre.jsonl"),
        dir.join("dev.jsonl"),
        dir.join("pre-model"),
    );
    clean(&pre, 100..108);
    clean(&dev, 200..202);
    let base = tiny_model();
    let o = run(&[
        "train",
        "--train",
        pre.to_str().unwrap(),
        "--dev",
        dev.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--epochs",
        "25",
        "--patience",
        "25",
        "--lr",
        "3e-3",
        "--batch-size",
        "4",
        "--warmup",
        "0",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (model, dev)
}

/// 72 rows (12 per label), three per document, with the planted flips.
fn corpus(path: &Path) {
    let flips: HashMap<usize, &str> = FLIPS.iter().copied().collect();
    let mut lines = Vec::new();
    for i in 0..72 {
        let (label, text) = TINY_TEMPLATES[i % 6];
        let label = flips.get(&i).copied().unwrap_or(label);
        lines.push(
            json!({
                "id": format!("r{i}"),
                "text": format!("{text} (item {}).", i / 6),
                "label": label,
                "doc_id": format!("d{}", i / 3),
            })
            .to_string(),
        );
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

const TRAINING: [&str; 8] = [
    "--epochs",
    "12",
    "--patience",
    "12",
    "--lr",
    "1e-3",
    "--batch-size",
    "8",
];

fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

#[test]
fn audit_ranks_planted_flips_first_and_fold_models_never_see_their_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("corpus.jsonl");
    corpus(&data);
    let out = dir.path().join("audit");
    let (base, dev) = pretrained(dir.path());
    let mut args = vec![
        "audit",
        "--data",
        data.to_str().unwrap(),
        "--folds",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
        "--dev",
        dev.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(TRAINING);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));

    // Every row is scored by the one fold model that did not train or stop early on it.
    let oof = read_parquet(&out.join("folds/oof.parquet"));
    let ids = strings(&oof, "id");
    let folds: Vec<i32> = oof
        .column("fold")
        .unwrap()
        .i32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(ids.len(), 72);
    let mut doc_fold: HashMap<usize, i32> = HashMap::new();
    for (id, f) in ids.iter().zip(&folds) {
        let row: usize = id.as_ref().unwrap()[1..].parse().unwrap();
        assert_eq!(
            *doc_fold.entry(row / 3).or_insert(*f),
            *f,
            "document split across folds"
        );
    }
    for k in 1..=3 {
        let held: HashSet<String> = ids
            .iter()
            .zip(&folds)
            .filter(|(_, f)| **f == k)
            .map(|(id, _)| id.clone().unwrap())
            .collect();
        // The dev file is shared and outside the corpus; the training rows are the other folds.
        assert!(!out.join(format!("folds/data/fold-{k}.dev.jsonl")).exists());
        let f = out.join(format!("folds/data/fold-{k}.train.jsonl"));
        let seen: Vec<String> = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            seen.len() + held.len(),
            72,
            "fold {k} trains on every other row"
        );
        assert!(
            seen.iter().all(|id| !held.contains(id)),
            "fold {k} trained on a row it scores"
        );
        assert!(out.join(format!("folds/fold-{k}/manifest.json")).exists());
    }

    // The ranking: the planted flips rank near the top, the cross-neutral ones nearest. The
    // bounds leave room for the tiny fold models' noise: over training seeds 1-24 the six
    // flips ranked within the top 8 of 72 and the three cross-neutral ones within the top 4
    // (exactly the top six on 17 of 24 seeds); six random rows all in the top 9 would happen
    // about once in two million.
    let table = read_parquet(&out.join("audit.parquet"));
    let ranked: Vec<String> = strings(&table, "id")
        .into_iter()
        .map(Option::unwrap)
        .collect();
    // Each planted flip's 0-based row in the ranked table.
    let at: Vec<usize> = FLIPS
        .iter()
        .map(|(row, _)| ranked.iter().position(|x| *x == format!("r{row}")).unwrap())
        .collect();
    let ranks: Vec<usize> = at.iter().map(|i| i + 1).collect();
    assert!(
        ranks[..3].iter().all(|&r| r <= 4),
        "cross-neutral flips first: ranks {ranks:?}"
    );
    assert!(
        ranks.iter().all(|&r| r <= 9),
        "the six flips are in the top 9 of 72: ranks {ranks:?}"
    );
    let classes = strings(&table, "severity_class");
    let flagged: Vec<bool> = table
        .column("flagged")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    for (i, ((row, _), &a)) in FLIPS.iter().zip(&at).enumerate() {
        assert!(flagged[a], "flip r{row} is flagged");
        if i < 3 {
            assert_eq!(classes[a].as_deref(), Some("polarity_flip"), "r{row}");
        }
    }
    let suggested = strings(&table, "suggested_label");
    let r0 = ranked.iter().position(|x| x == "r0").unwrap();
    assert_eq!(suggested[r0].as_deref(), Some("opposes"));
    for col in [
        "given_label",
        "p_opposes",
        "p_off_topic",
        "severity",
        "reason",
        "across_neutral",
    ] {
        assert!(table.column(col).is_ok(), "{col}");
    }
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains("Per-label thresholds") && summary.contains("| r0 |"),
        "{summary}"
    );
}

#[test]
fn train_folds_writes_fold_models_that_audit_reuses_for_the_same_corpus_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("corpus.jsonl");
    corpus(&data);
    let models = dir.path().join("folds");
    let base = tiny_model();
    let mut args = vec![
        "train",
        "--train",
        data.to_str().unwrap(),
        "--folds",
        "2",
        "--out",
        models.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(["--epochs", "2", "--batch-size", "16"]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("out-of-fold: macro-F1"),
        "{}",
        stderr(&o)
    );
    for f in [
        "fold-1/manifest.json",
        "fold-2/manifest.json",
        "oof.parquet",
        "folds.json",
    ] {
        assert!(models.join(f).exists(), "{f}");
    }
    // A carved dev set comes from the fold's own training documents, never from the rows the
    // fold model scores.
    let oof = read_parquet(&models.join("oof.parquet"));
    let folds: Vec<i32> = oof
        .column("fold")
        .unwrap()
        .i32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let ids = strings(&oof, "id");
    for k in 1..=2 {
        let dev = std::fs::read_to_string(models.join(format!("data/fold-{k}.dev.jsonl"))).unwrap();
        for line in dev.lines() {
            let id = serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            let i = ids
                .iter()
                .position(|x| x.as_deref() == Some(id.as_str()))
                .unwrap();
            assert_ne!(folds[i], k, "fold {k}'s dev row {id} is one it scores");
        }
    }
    let audit = |data: &Path, k: &str| {
        run(&[
            "audit",
            "--data",
            data.to_str().unwrap(),
            "--folds",
            k,
            "--models",
            models.to_str().unwrap(),
            "--out",
            dir.path().join("audit").to_str().unwrap(),
            "--quiet",
        ])
    };
    let o = audit(&data, "2");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read_parquet(&dir.path().join("audit/audit.parquet")).height(),
        72
    );
    // Another corpus, or another fold count, is refused.
    let o = audit(&data, "3");
    assert!(stderr(&o).contains("2 folds, not 3"), "{}", stderr(&o));
    let other = dir.path().join("other.jsonl");
    std::fs::write(
        &other,
        std::fs::read_to_string(&data)
            .unwrap()
            .replace("item 1)", "item one)"),
    )
    .unwrap();
    let o = audit(&other, "2");
    assert!(stderr(&o).contains("another corpus"), "{}", stderr(&o));
    // Fold models are never overwritten.
    let o = run(&args);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn also_train_rows_train_every_fold_model_and_are_never_scored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("corpus.jsonl");
    corpus(&data);
    let extra = dir.path().join("extra.jsonl");
    clean(&extra, 300..302);
    let base = tiny_model();
    let fit = |also: &Path, out: &Path| {
        run(&[
            "train",
            "--train",
            data.to_str().unwrap(),
            "--also-train",
            also.to_str().unwrap(),
            "--folds",
            "2",
            "--out",
            out.to_str().unwrap(),
            "--base",
            base.to_str().unwrap(),
            "--epochs",
            "1",
            "--batch-size",
            "16",
            "--quiet",
        ])
    };
    let models = dir.path().join("folds");
    let o = fit(&extra, &models);
    assert!(o.status.success(), "{}", stderr(&o));
    // Only corpus rows are scored.
    let oof = read_parquet(&models.join("oof.parquet"));
    assert_eq!(oof.height(), 72);
    let extra_text = std::fs::read_to_string(&extra).unwrap();
    assert!(strings(&oof, "text")
        .iter()
        .all(|t| !extra_text.contains(t.as_deref().unwrap())));
    // Every fold model trained on its folds' corpus rows and on every extra row.
    let folds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(models.join("folds.json")).unwrap()).unwrap();
    assert_eq!(folds["also_train"].as_array().unwrap().len(), 1);
    for k in 1..=2 {
        let m: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(models.join(format!("fold-{k}/manifest.json"))).unwrap(),
        )
        .unwrap();
        let train = &m["info"]["data"]["train"];
        let fold_rows = folds["folds"][k - 1]["train"].as_u64().unwrap();
        assert_eq!(train["examples"].as_u64().unwrap(), fold_rows + 12, "{m}");
        assert!(train["files"].to_string().contains("extra.jsonl"), "{m}");
    }
    // A file sharing a text with the corpus is refused before any training.
    let leaky = dir.path().join("leaky.jsonl");
    let first = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&leaky, first.lines().next().unwrap().to_string() + "\n").unwrap();
    let out = dir.path().join("leaky-folds");
    let o = fit(&leaky, &out);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("leaky.jsonl: 1 row(s) have the same text as a corpus row"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("fold-1").exists());
}
