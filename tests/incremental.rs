//! Nightly reruns: already-classified statements are skipped, grown inputs add exactly the new
//! rows, a new model version classifies everything again side by side.

mod common;

use common::*;

fn lines(n: usize, offset: usize) -> Vec<String> {
    (offset..offset + n)
        .map(|i| {
            serde_json::json!({
                "id": format!("s{i}"),
                "text": format!("Statement number {i}: the ministry commented on cross-strait relations and trade."),
                "actor": if i % 2 == 0 { "A" } else { "B" },
                "date": format!("2024-01-{:02}", 1 + i % 28),
            })
            .to_string()
        })
        .collect()
}

fn classify(
    input: &std::path::Path,
    out: &std::path::Path,
    model: &std::path::Path,
    extra: &[&str],
) -> serde_json::Value {
    let mut args = vec![
        "classify",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--quiet",
        "--chunk-rows",
        "16",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut runs: Vec<_> = std::fs::read_dir(out.join("_runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    runs.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    serde_json::from_str(&std::fs::read_to_string(runs.last().unwrap()).unwrap()).unwrap()
}

#[test]
fn reruns_add_only_new_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let out = dir.path().join("out");
    let model = tiny_model();
    std::fs::write(&input, lines(50, 0).join("\n") + "\n").unwrap();
    let m1 = classify(&input, &out, &model, &[]);
    assert_eq!(m1["counts"]["predictions"], 50);
    assert_eq!(read_table(&out, "predictions").height(), 50);

    // The nightly job writes its trend tables inside the dataset folder between runs.
    let o = run(&[
        "trends",
        "--predictions",
        out.to_str().unwrap(),
        "--out",
        out.join("trends").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Same input again: nothing new.
    let m2 = classify(&input, &out, &model, &[]);
    assert_eq!(m2["counts"]["predictions"], 0);
    assert_eq!(m2["counts"]["skipped_existing"], 50);
    assert_eq!(read_table(&out, "predictions").height(), 50);

    // Grown input: exactly the 20 new rows.
    let mut all = lines(50, 0);
    all.extend(lines(20, 50));
    std::fs::write(&input, all.join("\n") + "\n").unwrap();
    let m3 = classify(&input, &out, &model, &[]);
    assert_eq!(m3["counts"]["predictions"], 20);
    assert_eq!(m3["counts"]["records_read"], 70);
    let df = read_table(&out, "predictions");
    assert_eq!(df.height(), 70);
    let mut ids: Vec<String> = strings(&df, "id").into_iter().flatten().collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 70, "no duplicates");

    // --reclassify forces; a different model classifies everything again, side by side.
    let m4 = classify(&input, &out, &model, &["--reclassify"]);
    assert_eq!(m4["counts"]["predictions"], 70);
    let other = tempfile::tempdir().unwrap();
    let model2 = other.path().join("m2");
    strait_stance::model::save::write_random_model(
        &model2,
        &tokenizer_dir(),
        strait_stance::model::save::TinyShape::default(),
        99,
    )
    .unwrap();
    let m5 = classify(&input, &out, &model2, &[]);
    assert_eq!(m5["counts"]["predictions"], 70);
    let df = read_table(&out, "predictions");
    let mut shas: Vec<String> = strings(&df, "model_sha256").into_iter().flatten().collect();
    shas.sort();
    shas.dedup();
    assert_eq!(shas.len(), 2);
}

#[test]
fn duplicate_statements_within_an_input_are_classified_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let out = dir.path().join("out");
    let l = lines(3, 0);
    let no_id = r#"{"text": "Same text without an id."}"#.to_string();
    std::fs::write(
        &input,
        [
            l[0].clone(),
            l[1].clone(),
            l[0].clone(),
            no_id.clone(),
            no_id,
            l[2].clone(),
        ]
        .join("\n"),
    )
    .unwrap();
    let m = classify(&input, &out, &tiny_model(), &[]);
    assert_eq!(m["counts"]["predictions"], 4);
    assert_eq!(m["counts"]["skipped_duplicate"], 2);
    assert_eq!(m["counts"]["records_read"], 6);
}

#[test]
fn shards_cover_the_input_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut l = lines(60, 0);
    l.push("{broken".into());
    l.push("also broken".into());
    std::fs::write(&input, l.join("\n") + "\n").unwrap();
    let model = tiny_model();
    let single = dir.path().join("single");
    classify(&input, &single, &model, &["--max-reject-rate", "1"]);
    let sharded = dir.path().join("sharded");
    let mut outside = 0;
    for k in 0..4 {
        let shard = format!("{k}/4");
        let m = classify(
            &input,
            &sharded,
            &model,
            &["--shard", &shard, "--max-reject-rate", "1"],
        );
        outside += m["counts"]["outside_shard"].as_u64().unwrap();
    }
    assert_eq!(outside, 3 * 62);
    let a = read_table(&single, "predictions");
    let b = read_table(&sharded, "predictions");
    let key = |df: &polars::prelude::DataFrame| {
        let mut v: Vec<(String, String)> = strings(df, "id")
            .into_iter()
            .flatten()
            .zip(strings(df, "label").into_iter().flatten())
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&a), key(&b));
    assert_eq!(read_table(&sharded, "rejects").height(), 2);
}
