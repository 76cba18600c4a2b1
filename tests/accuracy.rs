//! The shipped model: accuracy on the real and synthetic test splits and the behavioural suite,
//! and a long transcript whose only stance sentence sits far beyond the first 512 tokens.
//! Each gate sits a little under the measured figure (README, "The model"), so a real regression
//! fails while run-to-run noise does not.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use strait_stance::classify::{classify_documents, ClassifierSettings};
use strait_stance::eval::{evaluate, render};
use strait_stance::input::labelled::read_labelled;
use strait_stance::model::{LoadOptions, StanceModel};
use strait_stance::report::Silent;
use strait_stance::Label;

// Gates: a little under the measured figures of the shipped model stance-minilm-v2 (README,
// "The model": real test macro-F1 0.737, polarity flips 7.2%, ECE 0.041; synthetic test 0.942,
// held-out 0.896; suite 84.9% overall, lowest capability 70.8%).
const REAL_F1: f64 = 0.72;
const REAL_FLIPS: f64 = 0.085;
const REAL_ECE: f64 = 0.07;
const SYNTH_F1: f64 = 0.92;
const SYNTH_HELD_OUT_F1: f64 = 0.87;
const SUITE_OVERALL: f64 = 0.82;
const SUITE_CAPABILITY: f64 = 0.68;

fn shipped() -> StanceModel {
    StanceModel::load(&shipped_model(), &LoadOptions::default())
        .expect("the shipped model loads and passes its manifest check")
}

fn eval_file(model: &StanceModel, rel: &str) -> strait_stance::eval::EvalReport {
    let ex = read_labelled(&root().join(rel), "text", "label").unwrap();
    let r = evaluate(
        model,
        &ex,
        &ClassifierSettings::default(),
        &AtomicBool::new(false),
        &Silent,
    )
    .unwrap();
    println!("{rel}\n{}", render(&r.metrics));
    r
}

#[test]
fn shipped_model_on_the_real_test_split() {
    let r = eval_file(&shipped(), "datasets/real/test.jsonl");
    let m = &r.metrics;
    assert!(m.n >= 400, "the real test split has {} passages", m.n);
    assert!(
        m.macro_f1 >= REAL_F1,
        "real macro-F1 {:.4} < {REAL_F1}",
        m.macro_f1
    );
    assert!(
        m.polarity_flip_rate <= REAL_FLIPS,
        "real polarity flips {:.4} > {REAL_FLIPS}",
        m.polarity_flip_rate
    );
    // Calibrated (temperature fit on the real dev split) for real text.
    assert!(m.ece <= REAL_ECE, "real ECE {:.4} > {REAL_ECE}", m.ece);
}

#[test]
fn shipped_model_on_the_synthetic_test_split() {
    let r = eval_file(&shipped(), "datasets/stance/test.jsonl");
    let m = &r.metrics;
    assert!(m.n >= 500);
    let held_out = r.by_phrasing.get("held_out").expect("held_out rows");
    println!("held_out macro-F1 {:.4}", held_out.macro_f1);
    assert!(
        held_out.macro_f1 >= SYNTH_HELD_OUT_F1,
        "synthetic held-out macro-F1 {:.4} < {SYNTH_HELD_OUT_F1}",
        held_out.macro_f1
    );
    assert!(
        m.macro_f1 >= SYNTH_F1,
        "macro-F1 {:.4} < {SYNTH_F1}",
        m.macro_f1
    );
}

#[test]
fn shipped_model_passes_the_behavioural_suite() {
    let r = eval_file(&shipped(), "datasets/suite/behaviour.jsonl");
    assert!(r.by_capability.len() >= 5);
    for (cap, m) in &r.by_capability {
        println!("{cap}: {:.4} of {}", m.accuracy, m.n);
    }
    assert!(
        r.metrics.accuracy >= SUITE_OVERALL,
        "suite pass rate {:.4} < {SUITE_OVERALL}",
        r.metrics.accuracy
    );
    for (cap, m) in &r.by_capability {
        assert!(
            m.accuracy >= SUITE_CAPABILITY,
            "capability {cap}: pass rate {:.4} < {SUITE_CAPABILITY}",
            m.accuracy
        );
    }
}

#[test]
fn previous_model_stays_loadable() {
    let v1 = StanceModel::load(
        &root().join("models/stance-minilm-v1"),
        &LoadOptions::default(),
    )
    .expect("v1 loads");
    let (res, _) = classify_documents(
        &v1,
        &["Beijing firmly opposes any form of Taiwan independence."],
        &ClassifierSettings::default(),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(
        strait_stance::labels::argmax(&res[0].probs).0,
        Label::Opposes
    );
}

#[test]
fn stance_sentence_beyond_the_window_is_found_and_shown() {
    let model = shipped();
    let filler = [
        "The delegation reviewed progress on port logistics and customs digitalisation.",
        "Officials discussed a joint study on coastal erosion and fisheries management.",
        "Both sides welcomed the growth of tourism and student exchanges last year.",
        "Q: Can you give an update on the vaccine donation programme?",
        "A: The second shipment arrived on schedule and was distributed to clinics.",
        "The ministers also exchanged views on energy security and grid investment.",
    ];
    let mut text = String::new();
    let mut i = 0;
    while text.split_whitespace().count() < 1400 {
        text.push_str(filler[i % filler.len()]);
        text.push(' ');
        i += 1;
    }
    let stance = "The United States does not support Taiwan independence.";
    text.push_str(stance);
    text.push_str(" The press conference ended at noon. Thank you all for coming.");
    let tokens = model.tokenizer.tokenize_one(&text).unwrap();
    let stance_byte = text.find(stance).unwrap();
    let before = tokens.offsets.iter().filter(|o| o.0 < stance_byte).count();
    assert!(
        before > 512,
        "the stance sentence must start beyond 512 tokens ({before})"
    );

    let (res, _) = classify_documents(
        &model,
        &[text.as_str()],
        &ClassifierSettings::default(),
        &AtomicBool::new(false),
    )
    .unwrap();
    let (label, _) = strait_stance::labels::argmax(&res[0].probs);
    assert_eq!(label, Label::DoesNotSupport);
    let ev = res[0].evidence.clone().expect("evidence");
    assert_eq!(&text[ev], stance);
    assert!(res[0].sentences.len() > 100);

    // Truncating at the window loses it.
    let trunc = ClassifierSettings {
        segmentation: strait_stance::classify::Segmentation::Truncate,
        ..Default::default()
    };
    let (res, _) =
        classify_documents(&model, &[text.as_str()], &trunc, &AtomicBool::new(false)).unwrap();
    assert_eq!(
        strait_stance::labels::argmax(&res[0].probs).0,
        Label::OffTopic
    );
}

#[test]
fn evidence_offsets_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let long = format!(
        "{} Beijing firmly opposes any form of “Taiwan independence”. {}",
        "Über den Handel wurde gesprochen. Trade and shipping were discussed at length. "
            .repeat(120),
        "Next question, please."
    );
    write_lines(
        &input,
        &[
            &serde_json::json!({"id": "d1", "text": long}).to_string(),
            r#"{"id": "d2", "text": "Taiwan is a sovereign and independent country."}"#,
        ],
    );
    let out = dir.path().join("out");
    let o = run(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_table(&out, "predictions");
    let texts = strings(&df, "text");
    let evidence = strings(&df, "evidence");
    let starts = df.column("evidence_start").unwrap().i64().unwrap().clone();
    let ends = df.column("evidence_end").unwrap().i64().unwrap().clone();
    for i in 0..df.height() {
        let t: Vec<char> = texts[i].as_ref().unwrap().chars().collect();
        let (s, e) = (
            starts.get(i).unwrap() as usize,
            ends.get(i).unwrap() as usize,
        );
        let slice: String = t[s..e].iter().collect();
        assert_eq!(
            Some(slice),
            evidence[i],
            "text[start..end] == evidence (characters)"
        );
    }
    let labels = strings(&df, "label");
    let ids = strings(&df, "id");
    let d1 = ids.iter().position(|x| x.as_deref() == Some("d1")).unwrap();
    assert_eq!(labels[d1].as_deref(), Some("opposes"));
    assert!(evidence[d1]
        .as_deref()
        .unwrap()
        .starts_with("Beijing firmly opposes"));
    // The long document's sentences are in the drill-down table.
    let sentences = read_table(&out, "sentences");
    assert!(sentences.height() > 200);
}
