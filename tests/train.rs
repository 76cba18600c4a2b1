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
        "30",
        "--patience",
        "30",
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
    // 30 epochs: at 15 two training seeds of 1-16 (5 and 7) stayed under 0.5; at 30 none of 1-24.
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

/// The label `stance classify` gives each line of `data` with `model`.
fn labels_by(model: &str, data: &str) -> Vec<String> {
    classify_jsonl(model, data, &[])
        .iter()
        .map(|v| v["label"].as_str().unwrap().to_string())
        .collect()
}

/// The label after a row's gold label, round the fixed order (a consistent wrong reading).
fn next_label(gold: &serde_json::Value) -> strait_stance::Label {
    let gold: strait_stance::Label = gold.as_str().unwrap().parse().unwrap();
    let all = strait_stance::Label::ALL;
    all[(gold.index() + 1) % all.len()]
}

#[test]
fn a_distilled_student_follows_its_teacher_over_wrong_gold_labels() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    write_tiny_examples(&dir.path().join("train.jsonl"), 8);
    write_tiny_examples(&dir.path().join("dev.jsonl"), 2);
    let train = |data: &str, out: &str, lr: &str, extra: &[&str]| {
        let args = [&["--lr", lr], extra].concat();
        train_tiny(dir.path(), data, "dev.jsonl", out, &args)
    };
    let o = train(
        "train.jsonl",
        "teacher",
        "1e-3",
        &["--epochs", "40", "--patience", "40"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The student's gold labels are all wrong (each label moved to the next one). With the
    // whole weight on the teacher it learns the teacher's readings; with none (the control),
    // the wrong labels. The pool is the training texts again, unlabelled.
    let mut wrong = Vec::new();
    let mut pool = Vec::new();
    for line in std::fs::read_to_string(p("train.jsonl")).unwrap().lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        pool.push(serde_json::json!({"text": v["text"]}).to_string());
        v["label"] = next_label(&v["label"]).as_str().into();
        wrong.push(v.to_string());
    }
    std::fs::write(p("wrong.jsonl"), wrong.join("\n") + "\n").unwrap();
    std::fs::write(p("pool.jsonl"), pool.join("\n") + "\n").unwrap();
    let (teacher, pool) = (p("teacher"), p("pool.jsonl"));
    let student = |out: &str, weight: &str| {
        let extra = [
            "--teacher",
            &teacher,
            "--pool",
            &pool,
            "--distill-weight",
            weight,
            "--distill-temperature",
            "1",
            "--epochs",
            "40",
            "--patience",
            "40",
        ];
        let o = train("wrong.jsonl", out, "2e-3", &extra);
        assert!(o.status.success(), "{}", stderr(&o));
        let (t, s) = (
            labels_by(&teacher, &p("train.jsonl")),
            labels_by(&p(out), &p("train.jsonl")),
        );
        t.iter().zip(&s).filter(|(a, b)| a == b).count() as f64 / t.len() as f64
    };
    // Teacher and students 40 epochs, students at 2e-3: with 15 and 20 epochs at 3e-4 the test
    // passed on 4 of training seeds 1-16 (the teacher half-learnt, the student moved too
    // little); as now its margin was at least 0.48 on seeds 1-40.
    let distilled = student("student", "1");
    let control = student("control", "0");
    assert!(
        distilled >= control + 0.3,
        "agreement with the teacher: distilled {distilled:.2}, control {control:.2}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("student/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["info"]["teacher"]["name"], "teacher");
    assert_eq!(m["info"]["data"]["pool"]["examples"], 48);
    assert_eq!(m["info"]["hyperparameters"]["distill"]["weight"], 1.0);

    // A weight outside [0, 1] is refused before any work.
    let o = train(
        "wrong.jsonl",
        "bad",
        "3e-4",
        &["--teacher", &teacher, "--distill-weight", "1.5"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("weight in [0, 1]"), "{}", stderr(&o));
}

#[test]
fn a_student_learns_from_a_readings_file_a_teacher_wrote_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    write_tiny_examples(&dir.path().join("train.jsonl"), 8);
    write_tiny_examples(&dir.path().join("dev.jsonl"), 2);
    // The "teacher" (e.g. an encoder fine-tuned in Python) reads every text as the next label
    // round from its gold one: a student with the whole weight on these readings learns them
    // over the (correct) gold labels; the control, with none, learns the gold labels.
    let mut readings = Vec::new();
    let mut rotated = Vec::new();
    for line in std::fs::read_to_string(p("train.jsonl")).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let next = next_label(&v["label"]);
        let probs: serde_json::Map<String, serde_json::Value> = strait_stance::Label::ALL
            .iter()
            .map(|l| {
                (
                    l.as_str().to_string(),
                    if *l == next { 0.95 } else { 0.01 }.into(),
                )
            })
            .collect();
        readings.push(serde_json::json!({"text": v["text"], "probs": probs}).to_string());
        rotated.push(next.as_str().to_string());
    }
    std::fs::write(p("readings.jsonl"), readings.join("\n") + "\n").unwrap();
    // Dev follows the readings too, so the epoch kept is the one nearest the teacher's world.
    let dev: Vec<String> = std::fs::read_to_string(p("dev.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["label"] = next_label(&v["label"]).as_str().into();
            v.to_string()
        })
        .collect();
    std::fs::write(p("dev-rotated.jsonl"), dev.join("\n") + "\n").unwrap();
    let student = |out: &str, readings: &str, weight: &str| {
        let extra = [
            "--epochs",
            "40",
            "--patience",
            "40",
            "--teacher-readings",
            readings,
            "--distill-weight",
            weight,
            "--distill-temperature",
            "1",
        ];
        let args = [&["--lr", "2e-3"][..], &extra].concat();
        train_tiny(dir.path(), "train.jsonl", "dev-rotated.jsonl", out, &args)
    };
    let agreement = |out: &str| {
        let got = labels_by(&p(out), &p("train.jsonl"));
        got.iter().zip(&rotated).filter(|(a, b)| a == b).count() as f64 / got.len() as f64
    };
    for (out, weight) in [("student", "1"), ("control", "0")] {
        let o = student(out, &p("readings.jsonl"), weight);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // 40 epochs at 2e-3: at 30 and 1e-3 seed 4 of 1-16 fell short (0.62 against 0.38); now 1-24 pass.
    let (distilled, control) = (agreement("student"), agreement("control"));
    assert!(
        distilled >= control + 0.3,
        "agreement with the readings: distilled {distilled:.2}, control {control:.2}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("student/manifest.json")).unwrap())
            .unwrap();
    assert!(
        m["info"]["teacher"]["readings"]["sha256"].is_string(),
        "{m}"
    );
    assert!(std::fs::read_to_string(p("student/README.md"))
        .unwrap()
        .contains("a teacher's readings in"));

    // A statement the readings do not cover is refused, naming the file.
    std::fs::write(p("partial.jsonl"), readings[..3].join("\n") + "\n").unwrap();
    let o = student("partial", &p("partial.jsonl"), "1");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("partial.jsonl") && err.contains("no reading of the statement"),
        "{err}"
    );
}

#[test]
fn a_mean_pooled_model_trains_records_its_pooling_and_keeps_it_when_continued() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    write_tiny_examples(&dir.path().join("train.jsonl"), 8);
    write_tiny_examples(&dir.path().join("dev.jsonl"), 2);
    let train = |out: &str, start: &[&str], extra: &[&str]| {
        let (train, dev, out) = (p("train.jsonl"), p("dev.jsonl"), p(out));
        let mut args = vec!["train", "--train", &train, "--dev", &dev, "--out", &out];
        args.extend_from_slice(start);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--lr", "1e-3", "--batch-size", "8", "--quiet"]);
        run(&args)
    };
    let base = tiny_model().to_str().unwrap().to_string();
    let o = train(
        "mean",
        &["--base", &base],
        &["--pooling", "mean", "--epochs", "15", "--patience", "15"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let config = std::fs::read_to_string(dir.path().join("mean/config.json")).unwrap();
    assert!(config.contains(r#""stance_pooling": "mean""#), "{config}");
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("mean/manifest.json")).unwrap(),
    )
    .unwrap();
    let card = std::fs::read_to_string(dir.path().join("mean/README.md")).unwrap();
    assert!(card.contains("## Pooling"), "{card}");
    let dev_f1 = m["info"]["metrics"]["dev"]["macro_f1"].as_f64().unwrap();
    assert!(dev_f1 > 0.5, "dev macro-F1 {dev_f1}");
    // Continued, it stays mean-pooled; asked to switch, it refuses and names both.
    let mean = p("mean");
    let o = train("again", &["--init-from", &mean], &["--epochs", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let config = std::fs::read_to_string(dir.path().join("again/config.json")).unwrap();
    assert!(config.contains(r#""stance_pooling": "mean""#), "{config}");
    let o = train("cls", &["--init-from", &mean], &["--pooling", "cls"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot pool Cls"), "{}", stderr(&o));
}

#[test]
fn a_flip_penalty_enters_the_loss_and_is_recorded_and_a_negative_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // One row per label: six rows, one batch of 8.
    write_tiny_examples(&dir.path().join("train.jsonl"), 1);
    write_tiny_examples(&dir.path().join("dev.jsonl"), 2);
    let train = |out: &str, penalty: &str| {
        let penalty = format!("--flip-penalty={penalty}");
        let extra = [penalty.as_str(), "--epochs", "1", "--lr", "1e-3"];
        train_tiny(dir.path(), "train.jsonl", "dev.jsonl", out, &extra)
    };
    let first_loss = |out: &str| {
        let m: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(out).join("manifest.json")).unwrap(),
        )
        .unwrap();
        let loss = m["info"]["epochs"][0]["train_loss"].as_f64().unwrap();
        (loss, m["info"]["hyperparameters"]["flip_penalty"].as_f64())
    };
    for (out, penalty) in [("plain", "0"), ("penalised", "5")] {
        let o = train(out, penalty);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // One step (six rows, one batch), same seed: the loss is read before the update, so only
    // the flip term can part the two.
    let (plain, recorded_plain) = first_loss("plain");
    let (penalised, recorded) = first_loss("penalised");
    assert_eq!(recorded_plain, Some(0.0));
    assert_eq!(recorded, Some(5.0));
    assert!(penalised > plain + 1e-3, "{plain} -> {penalised}");
    let card = std::fs::read_to_string(dir.path().join("penalised/README.md")).unwrap();
    assert!(card.contains("polarity-flip penalty 5"), "{card}");
    let o = train("negative", "-1");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--flip-penalty"), "{}", stderr(&o));
    assert!(!dir.path().join("negative").exists());
}

#[test]
fn leaving_out_reporting_actors_drops_their_rows_from_train_and_dev_and_records_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let with_actors = |name: &str, n_per_label: usize, actors: &[&str]| {
        let path = dir.path().join(name);
        write_tiny_examples(&path, n_per_label);
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (i, actor) in actors.iter().enumerate() {
            let row = serde_json::json!({"text": format!("Xinhua commentary {i}."), "label": "off_topic", "actor": actor});
            text.push_str(&format!("{row}\n"));
        }
        std::fs::write(&path, text).unwrap();
    };
    // Three reporting actors and one ministry in train, two reporting actors in dev.
    let train_actors = [
        "Xinhua News Agency",
        "人民日报",
        "Global Times",
        "Ministry of Foreign Affairs",
    ];
    with_actors("train.jsonl", 1, &train_actors);
    with_actors("dev.jsonl", 1, &["Reuters", "中央通讯社"]);
    let examples = |out: &str| {
        let m: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(out).join("manifest.json")).unwrap(),
        )
        .unwrap();
        m["info"]["data"].clone()
    };
    let quick = ["--epochs", "1", "--lr", "1e-3"];
    let o = train_tiny(dir.path(), "train.jsonl", "dev.jsonl", "all", &quick);
    assert!(o.status.success(), "{}", stderr(&o));
    let all = examples("all");
    assert_eq!(all["train"]["examples"], 10);
    assert_eq!(all["dev"]["examples"], 8);
    assert!(all["left_out_reporting_actors"].is_null(), "{all}");

    let flagged = [&quick[..], &["--leave-out-reporting-actors"]].concat();
    let o = train_tiny(dir.path(), "train.jsonl", "dev.jsonl", "less", &flagged);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("left out 3 train and 2 dev rows"),
        "{}",
        stderr(&o)
    );
    let less = examples("less");
    assert_eq!(less["train"]["examples"], 7, "the ministry's row stays");
    assert_eq!(less["dev"]["examples"], 6);
    assert_eq!(less["left_out_reporting_actors"]["train"], 3);
    assert_eq!(less["left_out_reporting_actors"]["dev"], 2);
    let card = std::fs::read_to_string(dir.path().join("less/README.md")).unwrap();
    assert!(card.contains("3 train and 2 dev rows"), "{card}");

    // A dev file of reporting actors only leaves nothing to choose an epoch on: refused.
    let only = dir.path().join("only.jsonl");
    let row = serde_json::json!({"text": "Commentary.", "label": "off_topic", "actor": "Reuters"});
    std::fs::write(&only, format!("{row}\n")).unwrap();
    let o = train_tiny(dir.path(), "train.jsonl", "only.jsonl", "none", &flagged);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("every row of the dev data"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("none").exists());
}
