//! `stance classify` end to end: the real binary, a tiny random model with the real tokenizer,
//! every input format, the dataset layout and schema, and clear errors.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;
use polars::prelude::*;

const LINES: [&str; 4] = [
    r#"{"id": "a1", "text": "China firmly opposes Taiwan independence.", "date": "2024-05-20", "actor": "PRC", "speaker": "MFA spokesperson", "source": "briefing", "topic": "cross-strait", "priority": 3}"#,
    r#"{"id": "a2", "text": "We do not support Taiwan independence. We oppose unilateral changes to the status quo. Trade talks also continued.", "date": "2023-01-02", "actor": "USA", "label": "gold-label-column", "priority": 1}"#,
    r#"{"id": "a3", "text": "The typhoon delayed shipping in the Taiwan Strait.", "actor": "Japan", "priority": null}"#,
    r#"{"text": "Taiwan's people should decide their own future.", "date": "March 3, 2021"}"#,
];

fn classify(args: &[&str]) -> std::process::Output {
    let model = tiny_model();
    let mut all = vec!["classify"];
    all.extend_from_slice(args);
    let m = model.to_str().unwrap();
    all.extend(["--model", m, "--quiet"]);
    run(&all)
}

fn check_schema(df: &DataFrame) {
    let expect: [(&str, DataType); 20] = [
        ("id", DataType::String),
        ("text", DataType::String),
        ("text_sha256", DataType::String),
        ("label", DataType::String),
        ("confidence", DataType::Float32),
        ("stance_score", DataType::Float32),
        ("p_opposes", DataType::Float32),
        ("p_does_not_support", DataType::Float32),
        ("p_neutral", DataType::Float32),
        ("p_leans_supports", DataType::Float32),
        ("p_supports", DataType::Float32),
        ("p_off_topic", DataType::Float32),
        ("lang", DataType::String),
        ("model", DataType::String),
        ("model_sha256", DataType::String),
        (
            "classified_at",
            DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        ),
        ("date", DataType::Date),
        ("actor", DataType::String),
        ("speaker", DataType::String),
        ("source", DataType::String),
    ];
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (i, (name, dtype)) in expect.iter().enumerate() {
        assert_eq!(names[i], *name, "column {i}");
        assert_eq!(df.column(name).unwrap().dtype(), dtype, "type of {name}");
    }
    let labels = strings(df, "label");
    for l in labels.iter().flatten() {
        assert!(
            strait_stance::Label::ALL.iter().any(|x| x.as_str() == l),
            "{l}"
        );
    }
    let n = df.height();
    let mut sums = vec![0f32; n];
    for l in strait_stance::Label::ALL {
        for (s, p) in sums.iter_mut().zip(floats(df, &l.prob_column())) {
            assert!((0.0..=1.0).contains(&p));
            *s += p;
        }
    }
    for s in sums {
        assert!((s - 1.0).abs() < 1e-4, "probabilities sum to {s}");
    }
    for s in floats(df, "stance_score") {
        assert!((-2.0..=2.0).contains(&s));
    }
}

#[test]
fn jsonl_to_dataset_with_schema_passthrough_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_lines(&input, &LINES);
    let out = dir.path().join("out");
    let o = classify(&[input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_table(&out, "predictions");
    assert_eq!(df.height(), 4);
    check_schema(&df);
    // Passthrough: unknown columns kept with their types; a colliding one is renamed.
    assert_eq!(df.column("topic").unwrap().dtype(), &DataType::String);
    assert_eq!(df.column("priority").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        strings(&df, "input_label")[1].as_deref(),
        Some("gold-label-column")
    );
    // Ids: given, else derived from the text hash; dates parsed in several formats.
    let ids = strings(&df, "id");
    assert_eq!(ids[0].as_deref(), Some("a1"));
    assert!(ids[3].as_deref().unwrap().starts_with("sha-"));
    let dates = df.column("date").unwrap().cast(&DataType::String).unwrap();
    let dates: Vec<Option<String>> = dates
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect();
    assert_eq!(dates[0].as_deref(), Some("2024-05-20"));
    assert_eq!(dates[2], None);
    assert_eq!(dates[3].as_deref(), Some("2021-03-03"));
    // Sentences: the 3-sentence statement is split; evidence offsets point into the text.
    let n_sent: Vec<i32> = df
        .column("n_sentences")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert_eq!(n_sent, vec![1, 3, 1, 1]);
    // Short statements are read whole (default segmentation): they are their own evidence
    // and have no sentence rows.
    assert_eq!(read_table(&out, "sentences").height(), 0);
    // With --segmentation sentences every sentence is classified and drilled down.
    let out_s = dir.path().join("out_sentences");
    let o = classify(&[
        input.to_str().unwrap(),
        "--out",
        out_s.to_str().unwrap(),
        "--segmentation",
        "sentences",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sentences = read_table(&out_s, "sentences");
    assert_eq!(sentences.height(), 6);
    let ev: Vec<bool> = sentences
        .column("is_evidence")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert!(ev.iter().filter(|e| **e).count() <= 4);
    // Run manifest accounts for every record and names the inputs with their hash.
    let m = only_manifest(&out);
    assert_eq!(m["status"], "completed");
    assert_eq!(m["counts"]["records_read"], 4);
    assert_eq!(m["counts"]["predictions"], 4);
    assert_eq!(m["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["model"]["sha256"].as_str().unwrap().len(), 64);
    let label_total: u64 = m["labels"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(label_total, 4);
    // Nothing but Parquet inside predictions/, no temp files left.
    assert!(!out.join("_tmp").exists());
}

#[test]
fn csv_parquet_and_stdin_inputs() {
    let dir = tempfile::tempdir().unwrap();
    // CSV with quotes, CRLF and a BOM.
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        "\u{feff}id,body,actor,extra\r\n1,\"China opposes Taiwan independence, firmly.\",PRC,x\r\n2,\"Trade, weather and chips.\",Japan,y\r\n",
    )
    .unwrap();
    let out = dir.path().join("out_csv");
    let o = classify(&[
        csv.to_str().unwrap(),
        "--text-col",
        "body",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_table(&out, "predictions");
    assert_eq!(df.height(), 2);
    check_schema(&df);
    assert_eq!(strings(&df, "extra")[1].as_deref(), Some("y"));
    assert_eq!(
        strings(&df, "text")[0].as_deref(),
        Some("China opposes Taiwan independence, firmly.")
    );

    // Parquet input keeps typed passthrough columns.
    let pq = dir.path().join("in.parquet");
    let mut frame = df!(
        "text" => ["China opposes Taiwan independence.", "Rain in Taipei."],
        "score_in" => [1.5f64, 2.5],
        "n" => [1i32, 2]
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&pq).unwrap())
        .finish(&mut frame)
        .unwrap();
    let out = dir.path().join("out_pq");
    let o = classify(&[pq.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_table(&out, "predictions");
    assert_eq!(df.height(), 2);
    check_schema(&df);
    assert_eq!(df.column("n").unwrap().dtype(), &DataType::Int32);
    assert_eq!(df.column("score_in").unwrap().dtype(), &DataType::Float64);

    // JSONL on stdin.
    let out = dir.path().join("out_stdin");
    let model = tiny_model();
    let mut child = stance(&[
        "classify",
        "-",
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--quiet",
    ])
    .stdin(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all((LINES.join("\n") + "\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_table(&out, "predictions").height(), 4);
}

#[test]
fn streaming_mode_gives_one_line_per_input_line_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let lines = [LINES[0], "{not json", LINES[2], r#"{"text": ""}"#, LINES[3]];
    write_lines(&input, &lines);
    let o = classify(&[
        input.to_str().unwrap(),
        "--out",
        "-",
        "--max-reject-rate",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let out: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 5);
    let status: Vec<&str> = out.iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(status, vec!["ok", "rejected", "ok", "rejected", "ok"]);
    assert_eq!(out[0]["id"], "a1");
    assert_eq!(out[1]["record_ordinal"], 2);
    assert_eq!(out[1]["error_code"], "invalid_json");
    assert_eq!(out[3]["error_code"], "empty_text");
    assert_eq!(out[0]["topic"], "cross-strait");
}

/// GUIDE 5.14.47: journalists, commentators and outlets are never actors, so a statement
/// recorded as an outlet's is `off_topic` whatever its text says; the `rule` column says the
/// guide decided, the sentences keep the model's readings, and `--no-actor-rules` gives the
/// model's label back.
#[test]
fn a_statement_recorded_as_a_news_outlets_is_off_topic_by_the_guides_rule() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let text = "China firmly opposes Taiwan independence. Reunification is unstoppable.";
    let line = |id: &str, actor: &str| {
        serde_json::json!({"id": id, "text": text, "actor": actor}).to_string()
    };
    let lines = [
        line("gov", "PRC Ministry of Foreign Affairs"),
        line("agency", "Xinhua News Agency"),
        line("paper", "人民日报评论员"),
    ];
    write_lines(
        &input,
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let stream = |extra: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec![
            input.to_str().unwrap(),
            "--out",
            "-",
            "--segmentation",
            "sentences",
        ];
        args.extend_from_slice(extra);
        json_lines(&classify(&args))
    };
    let probs = |v: &serde_json::Value| -> Vec<f64> {
        strait_stance::Label::ALL
            .iter()
            .map(|l| v[l.prob_column()].as_f64().unwrap())
            .collect()
    };
    let ruled = stream(&[]);
    let model_only = stream(&["--no-actor-rules"]);
    assert_eq!(ruled[0]["rule"], serde_json::Value::Null);
    assert_eq!(
        probs(&ruled[0]),
        probs(&model_only[0]),
        "a government is read by the model"
    );
    for (r, m) in ruled[1..].iter().zip(&model_only[1..]) {
        assert_eq!(r["label"], "off_topic", "{r}");
        assert_eq!(r["confidence"], 1.0);
        assert_eq!(r["rule"], "reporting_actor");
        assert_eq!(r["evidence"], serde_json::Value::Null);
        assert_eq!(m["rule"], serde_json::Value::Null);
        assert_eq!(
            probs(m),
            probs(&ruled[0]),
            "without the rule the model reads it"
        );
    }
    // The model's label for this text must not be off_topic already, or the rule would show
    // nothing: the tiny model is seeded, so this holds for as long as the test's model does.
    let model_label = model_only[1]["label"].as_str().unwrap();
    assert_ne!(
        model_label, "off_topic",
        "pick a text the tiny model reads as a stance"
    );
    // A dataset run counts what the rules decided, in the manifest and the summary line.
    let out = dir.path().join("out");
    let model = tiny_model();
    let (i, d, m) = (
        input.to_str().unwrap(),
        out.to_str().unwrap(),
        model.to_str().unwrap(),
    );
    let o = run(&["classify", i, "--out", d, "--model", m]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        only_manifest(&out)["rules"],
        serde_json::json!({"reporting_actor": 2})
    );
    let err = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    assert!(
        err.contains("; 2 decided by the guide's actor rules (reporting_actor 2)"),
        "{err}"
    );
    let out2 = dir.path().join("out2");
    let o = classify(&[
        input.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--no-actor-rules",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(only_manifest(&out2)["rules"], serde_json::json!({}));
    assert!(!stderr(&o).contains("actor rules"), "{}", stderr(&o));
}

#[test]
fn clear_errors_and_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o_str = out.to_str().unwrap();

    let o = classify(&["/nonexistent/x.jsonl", "--out", o_str]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: input /nonexistent/x.jsonl"),
        "{}",
        stderr(&o)
    );

    let xlsx = dir.path().join("x.xlsx");
    std::fs::write(&xlsx, b"x").unwrap();
    let o = classify(&[xlsx.to_str().unwrap(), "--out", o_str]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot tell the format"),
        "{}",
        stderr(&o)
    );

    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "id,body\n1,hello\n").unwrap();
    let o = classify(&[csv.to_str().unwrap(), "--out", o_str]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("error: classify failed"), "{e}");
    assert!(
        e.contains("Caused by:") && e.contains("no text column \"text\""),
        "{e}"
    );

    // A checkpoint with the wrong label set.
    let bad = tiny_model_copy(&dir.path().join("badmodel"));
    let cfg_path = bad.join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["id2label"]["0"] = "POSITIVE".into();
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    std::fs::remove_file(bad.join("manifest.json")).unwrap();
    let input = dir.path().join("in.jsonl");
    write_lines(&input, &LINES);
    let o = run(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        o_str,
        "--model",
        bad.to_str().unwrap(),
        "--allow-unverified-model",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("not the six stance labels") && e.contains("POSITIVE"),
        "{e}"
    );
    assert!(!out.exists(), "no output on errors");
}

/// The run manifest of a dataset whose `_runs` holds exactly one file (no lock left behind).
fn only_manifest(out: &std::path::Path) -> serde_json::Value {
    let runs: Vec<_> = std::fs::read_dir(out.join("_runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    serde_json::from_str(&std::fs::read_to_string(&runs[0]).unwrap()).unwrap()
}

#[test]
fn repeated_sentences_are_read_once_across_chunks_with_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("briefings.jsonl");
    // Five briefings: three boilerplate sentences each, one of their own.
    let own = [
        "China firmly opposes Taiwan independence.",
        "We do not support Taiwan independence.",
        "Taiwan's people should decide their own future.",
        "The typhoon delayed shipping in the Taiwan Strait.",
        "Both sides should keep the peace across the Strait.",
    ];
    let lines: Vec<String> = own
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({
                "id": format!("b{i}"),
                "text": format!("Good afternoon. I have two announcements. {s} Thank you, next question."),
            })
            .to_string()
        })
        .collect();
    write_lines(
        &input,
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let run_with = |out: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--segmentation",
            "sentences",
            "--chunk-rows",
            "2",
        ];
        args.extend_from_slice(extra);
        let o = classify(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        only_manifest(out)
    };
    let (reuse, every) = (dir.path().join("reuse"), dir.path().join("every"));
    let m_reuse = run_with(&reuse, &[]);
    let m_every = run_with(&every, &["--no-reuse"]);
    // 20 sentences, 8 distinct: the model reads 8 (chunks of 2 documents share the memo).
    assert_eq!(m_every["work"]["sequences"], 20);
    assert_eq!(m_every["work"]["reused"], 0);
    assert_eq!(m_reuse["work"]["sequences"], 8);
    assert_eq!(m_reuse["work"]["reused"], 12);
    // The same labels, evidence and (up to batch-shape rounding) probabilities.
    for table in ["predictions", "sentences"] {
        let sort = |df: DataFrame| {
            let keys: Vec<&str> = if table == "predictions" {
                vec!["id"]
            } else {
                vec!["id", "sentence_index"]
            };
            df.sort(keys, Default::default()).unwrap()
        };
        let (a, b) = (
            sort(read_table(&reuse, table)),
            sort(read_table(&every, table)),
        );
        assert_eq!(a.height(), b.height());
        assert_eq!(strings(&a, "label"), strings(&b, "label"), "{table}");
        for col in ["p_opposes", "p_neutral", "p_off_topic"] {
            for (x, y) in floats(&a, col).iter().zip(floats(&b, col)) {
                assert!((x - y).abs() < 1e-5, "{table}.{col}: {x} vs {y}");
            }
        }
    }
    let (a, b) = (
        read_table(&reuse, "predictions")
            .sort(["id"], Default::default())
            .unwrap(),
        read_table(&every, "predictions")
            .sort(["id"], Default::default())
            .unwrap(),
    );
    assert_eq!(strings(&a, "evidence"), strings(&b, "evidence"));
}

#[test]
fn several_inference_streams_give_the_results_of_one_stream() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("statements.jsonl");
    let words = [
        "China firmly opposes Taiwan independence",
        "We do not support Taiwan independence",
        "Taiwan's people should decide their own future",
        "Both sides should keep the peace across the Strait",
        "The typhoon delayed shipping",
    ];
    // 30 statements of different lengths, so the batches differ in shape.
    let lines: Vec<String> = (0..30)
        .map(|i| {
            let text = (0..=i % 6)
                .map(|k| words[(i + k) % words.len()])
                .collect::<Vec<_>>()
                .join(". ");
            serde_json::json!({"id": format!("s{i:02}"), "text": text}).to_string()
        })
        .collect();
    write_lines(
        &input,
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for precision in ["fp32", "int8"] {
        let run_with = |streams: &str| {
            let out = dir.path().join(format!("{precision}-{streams}"));
            let o = classify(&[
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--precision",
                precision,
                "--batch-size",
                "3",
                "--streams",
                streams,
                "--threads",
                "2",
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            let m = only_manifest(&out);
            let df = read_table(&out, "predictions")
                .sort(["id"], Default::default())
                .unwrap();
            (m, df)
        };
        let (m1, one) = run_with("1");
        let (m3, three) = run_with("3");
        // The default: one stream per thread.
        let (ma, auto) = run_with("auto");
        assert_eq!(m1["settings"]["streams"], 1);
        assert_eq!(m3["settings"]["streams"], 3);
        assert_eq!(ma["settings"]["streams"], 2, "{precision}");
        assert_eq!(
            strings(&one, "label"),
            strings(&auto, "label"),
            "{precision}"
        );
        // The same batches were read, whoever read them (they are row-limited here, so each
        // stream's share of the token budget changes nothing).
        assert_eq!(m1["work"]["batches"], m3["work"]["batches"], "{precision}");
        assert_eq!(m1["work"]["sequences"], m3["work"]["sequences"]);
        assert!(m1["work"]["batches"].as_u64().unwrap() >= 10);
        assert_eq!(strings(&one, "id"), strings(&three, "id"));
        assert_eq!(
            strings(&one, "label"),
            strings(&three, "label"),
            "{precision}"
        );
        for col in ["p_opposes", "p_neutral", "p_supports", "p_off_topic"] {
            for other in [&three, &auto] {
                for (x, y) in floats(&one, col).iter().zip(floats(other, col)) {
                    assert!((x - y).abs() < 1e-5, "{precision} {col}: {x} vs {y}");
                }
            }
        }
    }
}

#[test]
fn zero_inference_streams_is_a_clear_settings_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("one.jsonl");
    write_lines(
        &input,
        &[r#"{"id": "a", "text": "Peace across the Strait."}"#],
    );
    let out = dir.path().join("out");
    let o = classify(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--streams",
        "0",
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("inference stream") && err.contains("--streams"),
        "{err}"
    );
}
