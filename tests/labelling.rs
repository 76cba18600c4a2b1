//! The labelling loop end to end with the tiny model: `stance sample` proposes a diverse batch
//! (JSONL + the same rows as CSV, labelled statements and near-duplicates left out, a marked
//! random slice, a committee from the model versions in the dataset); `stance label import`
//! reads Prodigy, Argilla and CSV annotations back, resolves conflicts by majority and writes
//! a corpus `stance train` reads; malformed files name their line and leave the corpus as it
//! was.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};
use strait_stance::labelling::norm_key;
use strait_stance::model::save::{write_random_model, TinyShape};

const ACTORS: [&str; 3] = ["Beijing", "Washington", "Taipei"];

/// 60 statements over three actors and six years; s-10 and s-11 repeat s-0 and s-1 with other
/// case, punctuation and spacing (near-duplicates under other ids).
fn statements(path: &Path) {
    let mut lines = Vec::new();
    for i in 0..60 {
        let text = match i {
            10 => "  STATEMENT 0: the government spoke about cross-strait topic 0!! ".to_string(),
            11 => "statement 1 -- the government spoke about “cross-strait” topic 1".to_string(),
            _ => format!("Statement {i}: the government spoke about cross-strait topic {i}."),
        };
        lines.push(
            json!({
                "id": format!("s-{i}"),
                "text": text,
                "actor": ACTORS[i % 3],
                "date": format!("{}-03-0{}", 2018 + i % 6, 1 + i % 9),
                "doc_id": format!("doc-{}", i / 4),
            })
            .to_string(),
        );
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn classify_into(out: &Path, input: &Path, model: &Path) {
    let o = run(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sample(out: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sample",
        "--predictions",
        out.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// A dataset classified by the tiny model, in a temp folder.
fn classified(dir: &Path) -> PathBuf {
    let input = dir.join("statements.jsonl");
    statements(&input);
    let out = dir.join("out");
    classify_into(&out, &input, &tiny_model());
    out
}

#[test]
fn sample_writes_a_diverse_batch_as_jsonl_and_csv_and_never_proposes_labelled_statements() {
    let dir = tempfile::tempdir().unwrap();
    let out = classified(dir.path());
    // s-3 is labelled under its id; s-4's text is labelled under another id and other case.
    let corpus = dir.path().join("corpus.jsonl");
    write_lines(
        &corpus,
        &[
            r#"{"id": "s-3", "text": "something else entirely", "label": "neutral"}"#,
            r#"{"id": "x-9", "text": "STATEMENT 4: the government spoke about cross-strait topic 4", "label": "opposes"}"#,
        ],
    );
    let file = dir.path().join("batch.jsonl");
    let o = sample(
        &out,
        &file,
        &["--n", "20", "--exclude", corpus.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(stdout.contains("only one model version"), "{stdout}");
    assert!(
        stdout.contains("2 already labelled, 2 near-duplicates"),
        "{stdout}"
    );

    let lines = read_jsonl(&file);
    assert_eq!(lines.len(), 20);
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"s-3") && !ids.contains(&"s-4"), "{ids:?}");
    let keys: HashSet<String> = lines
        .iter()
        .map(|l| norm_key(l["text"].as_str().unwrap()))
        .collect();
    assert_eq!(keys.len(), 20, "two near-duplicates in one batch");
    let slice = lines
        .iter()
        .filter(|l| l["meta"]["random_slice"] == true)
        .count();
    assert_eq!(slice, 2, "10% random slice of 20");
    for l in &lines {
        assert_eq!(l["meta"]["id"], l["id"]);
        assert_eq!(l["accept"], json!([]));
        assert_eq!(l["options"].as_array().unwrap().len(), 6);
        assert!(
            l["meta"]["doc_id"].is_string(),
            "source fields travel in meta"
        );
        let sum: f64 = l["suggestion"]["probabilities"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-3, "{sum}");
        assert_eq!(l["suggested_label"], l["suggestion"]["label"]);
        let strategy = l["meta"]["strategy"].as_str().unwrap();
        assert!(
            ["ordinal", "entropy", "random"].contains(&strategy),
            "{strategy}"
        );
    }
    // The CSV holds the same rows in the same order, with an empty label column.
    let mut r = csv::Reader::from_path(dir.path().join("batch.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let id_col = headers.iter().position(|h| h == "id").unwrap();
    let label_col = headers.iter().position(|h| h == "label").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let csv_ids: Vec<&str> = rows.iter().map(|x| &x[id_col]).collect();
    assert_eq!(csv_ids, ids);
    assert!(rows.iter().all(|x| x[label_col].is_empty()));

    // Same seed, same batch.
    let again = dir.path().join("again.jsonl");
    let o = sample(
        &out,
        &again,
        &["--n", "20", "--exclude", corpus.to_str().unwrap()],
    );
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn committee_compares_the_model_versions_stored_in_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = classified(dir.path());
    let other = dir.path().join("other-model");
    write_random_model(&other, &tokenizer_dir(), TinyShape::default(), 8).unwrap();
    classify_into(&out, &dir.path().join("statements.jsonl"), &other);
    let file = dir.path().join("c.jsonl");
    let o = sample(
        &out,
        &file,
        &[
            "--n",
            "10",
            "--strategy",
            "committee",
            "--random-share",
            "0",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!stdout.contains("only one model version"), "{stdout}");
    assert!(stdout.contains("2 model version(s)"), "{stdout}");
    let lines = read_jsonl(&file);
    assert_eq!(lines.len(), 10);
    for l in &lines {
        assert_eq!(l["meta"]["strategy"], "committee");
        assert_eq!(l["meta"]["models_compared"], 2);
        assert!(l["meta"]["score"].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn sample_errors_name_the_flag_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = classified(dir.path());
    let file = dir.path().join("b.jsonl");
    let o = sample(&out, &file, &["--random-share", "1.5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--random-share"), "{}", stderr(&o));
    let o = sample(&out, &dir.path().join("b.txt"), &[]);
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    let o = sample(&dir.path().join("nothing"), &file, &[]);
    assert!(stderr(&o).contains("stance classify"), "{}", stderr(&o));
    assert!(!file.exists());
}

/// The gold label the simulated annotators agree on.
fn gold(i: usize) -> &'static str {
    [
        "opposes",
        "does_not_support",
        "neutral",
        "leans_supports",
        "supports",
        "off_topic",
    ][i % 6]
}

/// Annotation files made from a sample as annotators would: Prodigy (ann1 labels the first
/// third and ignores one task), Argilla 2.x nested records (ann2 and ann3 label the second
/// third; ann3 disagrees twice: once outvoted with ann5, once a tie), and the CSV (ann4 fills
/// the label column of the last third).
fn annotate(batch: &Path, dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let lines = read_jsonl(batch);
    let n = lines.len();
    let (mut prodigy, mut argilla) = (Vec::new(), Vec::new());
    for (i, l) in lines.iter().enumerate().take(2 * n / 3) {
        let mut task = l.clone();
        if i < n / 3 {
            task["accept"] = json!([gold(i)]);
            task["answer"] = json!(if i == 0 { "ignore" } else { "accept" });
            task["_annotator_id"] = json!("ner-ann1");
            task["_timestamp"] = json!(1_700_000_000 + i as i64);
            prodigy.push(task.to_string());
        } else {
            // ann3 disagrees on the first two: outvoted by ann2 and ann5, then a tie.
            let second = if i <= n / 3 + 1 { gold(i + 1) } else { gold(i) };
            let mut responses = vec![
                json!({"value": gold(i), "user_id": "ann2"}),
                json!({"value": second, "user_id": "ann3"}),
            ];
            if i == n / 3 {
                responses.push(json!({"value": gold(i), "user_id": "ann5"}));
            }
            argilla.push(
                json!({
                    "id": l["id"],
                    "fields": {"text": l["text"]},
                    "metadata": {"actor": l["actor"], "random_slice": l["random_slice"]},
                    "suggestions": {"label": {"value": l["suggested_label"], "score": l["suggested_score"], "agent": l["suggested_agent"]}},
                    "responses": {"label": responses},
                    "vectors": {},
                })
                .to_string(),
            );
        }
    }
    let p = dir.join("prodigy.jsonl");
    std::fs::write(&p, prodigy.join("\n") + "\n").unwrap();
    let a = dir.join("argilla.jsonl");
    std::fs::write(&a, argilla.join("\n") + "\n").unwrap();
    // The CSV: fill label and annotator for the last third.
    let csv_in = batch.with_extension("csv");
    let mut r = csv::Reader::from_path(&csv_in).unwrap();
    let headers = r.headers().unwrap().clone();
    let c = dir.join("sheet.csv");
    let mut w = csv::Writer::from_path(&c).unwrap();
    w.write_record(&headers).unwrap();
    for (i, rec) in r.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if i >= 2 * n / 3 {
            rec[2] = gold(i).to_string();
            rec[3] = "ann4".to_string();
        }
        w.write_record(&rec).unwrap();
    }
    w.flush().unwrap();
    (p, a, c)
}

fn import(files: &[&Path], corpus: &Path) -> std::process::Output {
    let mut args = vec!["label", "import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["--out", corpus.to_str().unwrap()]);
    run(&args)
}

#[test]
fn round_trip_sample_annotate_import_train() {
    let dir = tempfile::tempdir().unwrap();
    let out = classified(dir.path());
    let batch = dir.path().join("batch.jsonl");
    let o = sample(&out, &batch, &["--n", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (p, a, c) = annotate(&batch, dir.path());
    let corpus = dir.path().join("corpus.jsonl");
    let o = import(&[&p, &a, &c], &corpus);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    // 30 statements: 1 ignored in Prodigy, 1 tie → 28 rows; the CSV's 20 empty rows and the
    // ignored task are unanswered.
    assert!(stdout.contains("21 record(s) unanswered"), "{stdout}");
    assert!(stdout.contains("added 28 row(s)"), "{stdout}");
    assert!(stdout.contains("1 tie(s) left out"), "{stdout}");
    assert!(stdout.contains("Krippendorff's alpha"), "{stdout}");
    let rows = read_jsonl(&corpus);
    assert_eq!(rows.len(), 28);
    let lines = read_jsonl(&batch);
    let tie_id = lines[11]["id"].as_str().unwrap();
    assert!(stdout.contains(&format!("conflict {tie_id}")), "{stdout}");
    assert!(rows.iter().all(|r| r["id"] != tie_id));
    // The 2-against-1 statement took the majority label; every row kept its provenance.
    let majority = rows.iter().find(|r| r["id"] == lines[10]["id"]).unwrap();
    assert_eq!(majority["label"], gold(10));
    assert_eq!(majority["n_annotators"], 3);
    for r in &rows {
        assert!(
            r["annotator"].is_string() && r["source_file"].is_string(),
            "{r}"
        );
        assert!(r["random_slice"].is_boolean());
    }
    let from_prodigy = rows.iter().find(|r| r["id"] == lines[1]["id"]).unwrap();
    assert_eq!(from_prodigy["annotator"], "ner-ann1");
    assert!(from_prodigy["annotated_at"]
        .as_str()
        .unwrap()
        .starts_with("2023-11-14"));
    // The random-slice flag survives the round trip, from every format.
    for r in &rows {
        let line = lines.iter().find(|l| l["id"] == r["id"]).unwrap();
        assert_eq!(r["random_slice"], line["meta"]["random_slice"], "{r}");
    }
    // Importing the same files again adds nothing.
    let o = import(&[&p, &a, &c], &corpus);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("added 0 row(s)"));
    assert_eq!(read_jsonl(&corpus).len(), 28);

    // stance train reads the corpus as it is.
    let model = dir.path().join("model");
    let o = run(&[
        "train",
        "--train",
        corpus.to_str().unwrap(),
        "--dev",
        corpus.to_str().unwrap(),
        "--base",
        tiny_model().to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--epochs",
        "1",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(model.join("manifest.json").exists());
}

#[test]
fn malformed_annotations_name_the_line_and_leave_the_corpus_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let before = "{\"id\": \"old-1\", \"text\": \"An old row\", \"label\": \"neutral\"}\n";
    std::fs::write(&corpus, before).unwrap();
    let good = dir.path().join("good.jsonl");
    write_lines(
        &good,
        &[r#"{"id": "n1", "text": "Fine", "accept": ["opposes"], "answer": "accept"}"#],
    );
    let cases: [(&str, &str, &str); 4] = [
        (
            "bad_label.jsonl",
            "{\"id\": \"n2\", \"text\": \"A\", \"accept\": [\"neutral\"], \"answer\": \"accept\"}\n\n{\"id\": \"n3\", \"text\": \"B\", \"accept\": [\"pro_independence\"], \"answer\": \"accept\"}\n",
            "bad_label.jsonl:3",
        ),
        (
            "broken.jsonl",
            "{\"id\": \"n4\", \"text\": \"C\", \"responses\": {\"label\": [{\"value\": \"neutral\", \"user_id\": \"u\"}]}}\n{\"id\": \"n5\", \"text\": \n",
            "broken.jsonl:2",
        ),
        (
            "sheet.csv",
            "id,text,label,annotator\nn6,D,opposes,a\nn7,E,Opposes,a\n",
            "sheet.csv:3",
        ),
        ("nolabel.csv", "id,text\nn8,F\n", "nolabel.csv:1"),
    ];
    for (name, content, place) in cases {
        let bad = dir.path().join(name);
        std::fs::write(&bad, content).unwrap();
        let o = import(&[&good, &bad], &corpus);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = stderr(&o);
        assert!(err.contains(place), "{name}: {err}");
        assert_eq!(std::fs::read_to_string(&corpus).unwrap(), before, "{name}");
    }
    let err = stderr(&import(
        &[&good, &dir.path().join("bad_label.jsonl")],
        &corpus,
    ));
    assert!(err.contains("\"pro_independence\""), "{err}");
    // Nothing half-written beside the corpus, and no corpus created on failure.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
    let fresh = dir.path().join("fresh.jsonl");
    let o = import(&[&dir.path().join("broken.jsonl")], &fresh);
    assert_eq!(o.status.code(), Some(1));
    assert!(!fresh.exists());
    // The good file alone appends to the old rows.
    let o = import(&[&good], &corpus);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_jsonl(&corpus);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "old-1");
    assert_eq!(rows[1]["label"], "opposes");
}
