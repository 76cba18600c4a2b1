//! Training on a tiny model: the loss falls, the checkpoint round-trips (identical logits after
//! reload, without Python), retraining continues from a fine-tuned model, bad data is refused
//! with the line named.

mod common;

use common::*;
use strait_stance::batch::make_batch;
use strait_stance::model::save::write_checkpoint;
use strait_stance::model::{BertConfig, EngineKind, LoadOptions, ReferenceBert, StanceModel};

#[test]
fn tiny_training_run_learns_and_writes_a_verifiable_model() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.jsonl");
    let dev = dir.path().join("dev.jsonl");
    write_tiny_examples(&train, 8);
    write_tiny_examples(&dev, 2);
    let out = dir.path().join("model");
    let o = run(&[
        "train",
        "--train",
        train.to_str().unwrap(),
        "--dev",
        dev.to_str().unwrap(),
        "--test",
        dev.to_str().unwrap(),
        "--base",
        tiny_model().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--epochs",
        "15",
        "--patience",
        "15",
        "--lr",
        "1e-3",
        "--batch-size",
        "8",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let epochs = m["info"]["epochs"].as_array().unwrap();
    let first = epochs[0]["train_loss"].as_f64().unwrap();
    let last = epochs.last().unwrap()["train_loss"].as_f64().unwrap();
    assert!(last < first * 0.7, "loss did not fall: {first} -> {last}");
    for f in [
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "calibration.json",
    ] {
        assert!(
            m["files"][f]["sha256"].as_str().unwrap().len() == 64,
            "{f} in manifest"
        );
    }
    let f1 = m["info"]["metrics"]["test"]["macro_f1"].as_f64().unwrap();
    assert!(f1 > 0.5, "test macro-F1 {f1}; epochs {epochs:?}");
    assert!(m["info"]["data"]["train"]["files"][0]["sha256"].is_string());
    // The written model loads (manifest verified) and classifies.
    let model = StanceModel::load(&out, &LoadOptions::default()).unwrap();
    assert!(model.info.verified);
    assert_eq!(model.info.stored_kind, "Half");

    // Retraining continues from the fine-tuned model.
    let out2 = dir.path().join("model2");
    let o = run(&[
        "train",
        "--train",
        train.to_str().unwrap(),
        "--dev",
        dev.to_str().unwrap(),
        "--init-from",
        out.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--epochs",
        "1",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Never overwrites.
    let o = run(&[
        "train",
        "--train",
        train.to_str().unwrap(),
        "--dev",
        dev.to_str().unwrap(),
        "--base",
        tiny_model().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"));
}

#[test]
fn bad_training_data_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.jsonl");
    std::fs::write(
        &train,
        "{\"text\": \"ok\", \"label\": \"neutral\"}\n{\"text\": \"x\", \"label\": \"pro_independence\"}\n",
    )
    .unwrap();
    let o = run(&[
        "train",
        "--train",
        train.to_str().unwrap(),
        "--dev",
        train.to_str().unwrap(),
        "--base",
        tiny_model().to_str().unwrap(),
        "--out",
        dir.path().join("m").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("record 2") && e.contains("pro_independence"),
        "{e}"
    );
    std::fs::write(&train, "{\"text\": \"\", \"label\": \"neutral\"}\n").unwrap();
    let o = run(&[
        "train",
        "--train",
        train.to_str().unwrap(),
        "--dev",
        train.to_str().unwrap(),
        "--base",
        tiny_model().to_str().unwrap(),
        "--out",
        dir.path().join("m").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("record 1"), "{}", stderr(&o));
}

#[test]
fn checkpoint_round_trip_gives_identical_logits() {
    let dir = tempfile::tempdir().unwrap();
    let src = tiny_model();
    let cfg = BertConfig::from_file(&src.join("config.json")).unwrap();
    tch::manual_seed(3);
    let model = ReferenceBert::new(&cfg).unwrap();
    let texts = [
        "Taiwan is part of China.",
        "We hope for peace across the Taiwan Strait, and trade.",
    ];
    let tok =
        strait_stance::tokenize::TextTokenizer::from_file(&src.join("tokenizer.json")).unwrap();
    let seqs: Vec<Vec<i64>> = tok
        .tokenize(&texts)
        .unwrap()
        .iter()
        .map(|t| tok.with_specials(&t.ids, 64))
        .collect();
    let b = make_batch(&seqs, &[0, 1], tok.pad_id());
    let before = tch::no_grad(|| model.logits(&b.ids, &b.mask, false));
    let out = dir.path().join("rt");
    write_checkpoint(&out, &cfg, &model, &src, false, None).unwrap();
    for engine in [EngineKind::RustBert, EngineKind::Fast] {
        let reloaded = StanceModel::load(
            &out,
            &LoadOptions {
                engine,
                allow_unverified: true,
                ..Default::default()
            },
        )
        .unwrap();
        let after = reloaded.logits(&b.ids, &b.mask);
        let d = (&before - after).abs().max().double_value(&[]);
        assert!(
            d < 1e-5,
            "{engine:?}: logits differ by {d} after a round trip"
        );
    }
}
