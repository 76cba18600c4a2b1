//! Models that read whose words a statement records (`stance_input` = `actor_text`): the pair
//! input and its token types, both engines alike, the actor reaching every unit (long documents
//! too) and the memo, training (and distilling) that learns from the actor, and text-only models
//! unchanged.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use strait_stance::batch::make_batch;
use strait_stance::classify::{classify_documents, ClassifierSettings, Segmentation, Statement};
use strait_stance::model::{EngineKind, LoadOptions, StanceModel, TokenTypes};
use strait_stance::tokenize::{InputFormat, TextTokenizer, MAX_ACTOR_TOKENS};

const TEXT: &str = "We have made our position on the Taiwan question clear many times.";

fn load(dir: &std::path::Path, engine: EngineKind) -> StanceModel {
    StanceModel::load(
        dir,
        &LoadOptions {
            engine,
            ..Default::default()
        },
    )
    .unwrap()
}

fn probs(model: &StanceModel, docs: &[Statement], settings: &ClassifierSettings) -> Vec<[f32; 6]> {
    let (res, _) = classify_documents(model, docs, settings, &AtomicBool::new(false)).unwrap();
    res.iter().map(|r| r.probs).collect()
}

fn max_diff(a: &[f32; 6], b: &[f32; 6]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn a_pair_is_actor_then_text_with_token_type_one_after_the_first_separator() {
    let tok = TextTokenizer::from_file(&tokenizer_dir().join("tokenizer.json")).unwrap();
    let actors = [Some("Ministry of Foreign Affairs"), None];
    let prefixes = tok.actor_prefixes(InputFormat::ActorText, &actors).unwrap();
    let actor = prefixes[0].clone().unwrap();
    assert!(!actor.is_empty());
    assert_eq!(
        prefixes[1],
        Some(vec![]),
        "no actor: an empty first segment"
    );
    let text = tok.tokenize_one(TEXT).unwrap().ids;
    let seq = tok.wrap(Some(&actor), &text, 512);
    let (cls, sep) = (seq[0], tok.sep_id());
    let mut expected = vec![cls];
    expected.extend(&actor);
    expected.push(sep);
    expected.extend(&text);
    expected.push(sep);
    assert_eq!(seq, expected);
    // Text-only models get no prefix at all.
    assert_eq!(
        tok.actor_prefixes(InputFormat::Text, &actors).unwrap(),
        vec![None, None]
    );
    // Token types: 0 through the first separator, then 1.
    let ids = tch::Tensor::from_slice(&seq).reshape([1, -1]);
    let types: Vec<i64> = TokenTypes::Pair { sep }
        .ids(&ids)
        .unwrap()
        .reshape([-1])
        .try_into()
        .unwrap();
    let first = actor.len() + 2;
    assert!(types[..first].iter().all(|&t| t == 0), "{types:?}");
    assert!(types[first..].iter().all(|&t| t == 1), "{types:?}");
    assert!(TokenTypes::Single.ids(&ids).is_none());
    // The window still holds: a long actor is cut, the text fills what is left.
    let long = "the Ministry of Foreign Affairs of the People's Republic of China and its \
                spokesperson and deputy spokesperson at the regular press conference";
    let p = tok
        .actor_prefixes(InputFormat::ActorText, &[Some(long)])
        .unwrap();
    let p = p[0].clone().unwrap();
    assert_eq!(p.len(), MAX_ACTOR_TOKENS);
    let many: Vec<i64> = text.iter().cycle().take(600).copied().collect();
    assert_eq!(tok.wrap(Some(&p), &many, 64).len(), 64);
    assert_eq!(tok.content_len(Some(&p), 64), 64 - 3 - MAX_ACTOR_TOKENS);
}

#[test]
fn both_engines_read_actor_text_pairs_alike() {
    let dir = tiny_actor_model();
    let fast = load(&dir, EngineKind::Fast);
    let reference = load(&dir, EngineKind::RustBert);
    let actors = [
        Some("PRC Ministry of Foreign Affairs"),
        Some("Taiwan MOFA"),
        None,
    ];
    let prefixes = fast
        .tokenizer
        .actor_prefixes(InputFormat::ActorText, &actors)
        .unwrap();
    let text = fast.tokenizer.tokenize_one(TEXT).unwrap().ids;
    let seqs: Vec<Vec<i64>> = prefixes
        .iter()
        .map(|p| fast.tokenizer.wrap(p.as_deref(), &text, 512))
        .collect();
    let b = make_batch(&seqs, &[0, 1, 2], fast.tokenizer.pad_id());
    let lf = fast.logits(&b.ids, &b.mask);
    let lr = reference.logits(&b.ids, &b.mask);
    let d = (lf - lr).abs().max().double_value(&[]);
    assert!(d < 1e-4, "fast vs rust-bert logits differ by {d}");
}

#[test]
fn an_actor_reading_model_reads_the_actor_and_a_text_model_ignores_it() {
    let settings = ClassifierSettings::model_only();
    let docs = [
        Statement::new(TEXT, Some("PRC Ministry of Foreign Affairs")),
        Statement::new(TEXT, Some("Taiwan Ministry of Foreign Affairs")),
        Statement::new(TEXT, None),
        Statement::new(TEXT, Some("   ")),
    ];
    let pair = probs(
        &load(&tiny_actor_model(), EngineKind::Fast),
        &docs,
        &settings,
    );
    assert!(max_diff(&pair[0], &pair[1]) > 1e-4, "{pair:?}");
    assert!(max_diff(&pair[0], &pair[2]) > 1e-4, "{pair:?}");
    assert_eq!(pair[2], pair[3], "a blank actor is no actor");
    let text = probs(&load(&tiny_model(), EngineKind::Fast), &docs, &settings);
    assert!(text.iter().all(|p| *p == text[0]), "{text:?}");
}

#[test]
fn the_memo_reuses_a_reading_only_for_the_same_actor() {
    let model = load(&tiny_actor_model(), EngineKind::Fast);
    let docs = [
        Statement::new(TEXT, Some("Beijing")),
        Statement::new(TEXT, Some("Taipei")),
        Statement::new(TEXT, Some("Beijing")),
    ];
    let (res, work) = classify_documents(
        &model,
        &docs,
        &ClassifierSettings::model_only(),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(work.sequences, 2, "two actors, two readings");
    assert_eq!(work.reused, 1);
    assert_eq!(res[0].probs, res[2].probs);
    assert_ne!(res[0].probs, res[1].probs);
}

#[test]
fn every_sentence_of_a_long_document_is_read_with_the_documents_actor() {
    let model = load(&tiny_actor_model(), EngineKind::Fast);
    let sentences = [
        "The talks covered fisheries and port logistics.",
        "Taiwan is part of China and we oppose separatism.",
        "The meeting ended at noon.",
    ];
    let doc = sentences.join(" ");
    let settings = ClassifierSettings {
        segmentation: Segmentation::Sentences,
        ..ClassifierSettings::model_only()
    };
    let actor = Some("Taiwan Affairs Office");
    let (res, _) = classify_documents(
        &model,
        &[Statement::new(&doc, actor)],
        &settings,
        &AtomicBool::new(false),
    )
    .unwrap();
    let alone: Vec<Statement> = sentences.iter().map(|s| Statement::new(s, actor)).collect();
    let alone = probs(&model, &alone, &settings);
    assert_eq!(res[0].sentences.len(), 3);
    for (s, p) in res[0].sentences.iter().zip(&alone) {
        let d = max_diff(&s.probs.unwrap(), p);
        assert!(
            d < 1e-5,
            "sentence {:?} differs by {d}",
            &doc[s.range.clone()]
        );
    }
}

/// The same sentence, labelled by who says it: only a model that reads the actor can learn it.
fn write_actor_task(path: &std::path::Path, copies: usize) {
    write_actor_rows(path, copies, ["opposes", "supports"]);
}

/// `copies` pairs of one sentence, Beijing's then Taipei's, labelled `labels`.
fn write_actor_rows(path: &std::path::Path, copies: usize, labels: [&str; 2]) {
    let lines: Vec<String> = (0..copies)
        .flat_map(|i| {
            [("Beijing", labels[0]), ("Taipei", labels[1])].map(|(actor, label)| {
                serde_json::json!({
                    "id": format!("{actor}-{i}"),
                    "text": format!("Our position on this question is clear ({i})."),
                    "actor": actor,
                    "label": label,
                })
                .to_string()
            })
        })
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// `stance train` on the tiny model in `dir`: files named relative to it, 40 epochs at a high
/// learning rate, actors never withheld, plus `extra`. Measured over seeds (the seed stands
/// in for the CPU's and the load's rounding): 40 epochs learnt the task on seeds 1–48 plain and
/// 1–32 swapped (smallest margin 0.55), where 20 left one seed in 16 unlearnt. The dev pairs
/// are 6 rows, so several epochs read them all right; training used to keep the first of them,
/// whose readings can barely cross (a CI run under load kept one at margin 0.05), and keeps the
/// one with the lowest dev loss since 2026-12-07: swapped margins 0.998 or more on seeds 1–24.
fn train_actor(
    dir: &std::path::Path,
    train: &str,
    out: &str,
    extra: &[&str],
) -> std::process::Output {
    let fixed = [
        "--actor-dropout",
        "0",
        "--epochs",
        "40",
        "--patience",
        "40",
        "--lr",
        "1e-3",
    ];
    train_tiny(dir, train, "dev.jsonl", out, &[&fixed[..], extra].concat())
}

/// (p_opposes, p_supports) per row of `data` as `stance classify` reads it with `model`, the
/// model alone (`--no-actor-rules`: the guide's party-state rule would keep "Beijing" off the
/// supports side whatever the model reads, and these tests are about the model).
fn readings(model: &str, data: &str) -> Vec<(f64, f64)> {
    classify_jsonl(model, data, &["--no-actor-rules"])
        .iter()
        .map(|v| {
            let p = |k: &str| v[k].as_f64().unwrap();
            (p("p_opposes"), p("p_supports"))
        })
        .collect()
}

/// Each dev pair (one sentence, Beijing's then Taipei's) read apart: Beijing opposes more,
/// Taipei supports more.
fn assert_tells_the_actors_apart(pairs: &[(f64, f64)], model: &str) {
    for (k, w) in pairs.chunks(2).enumerate() {
        let (beijing, taipei) = (w[0], w[1]);
        assert!(
            beijing.0 > taipei.0 + 0.2 && taipei.1 > beijing.1 + 0.2,
            "{model}, dev pair {k}: Beijing {beijing:?}, Taipei {taipei:?}"
        );
    }
}

#[test]
fn training_with_actor_input_learns_what_the_text_alone_cannot_tell() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    write_actor_task(&dir.path().join("train.jsonl"), 16);
    write_actor_task(&dir.path().join("dev.jsonl"), 3);
    let train =
        |out: &str, input: &str| train_actor(dir.path(), "train.jsonl", out, &["--input", input]);
    for (out, input) in [("pair", "actor_text"), ("text", "text")] {
        let o = train(out, input);
        assert!(o.status.success(), "{input}: {}", stderr(&o));
    }
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("pair/config.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(config["stance_input"], "actor_text");
    let config = std::fs::read_to_string(dir.path().join("text/config.json")).unwrap();
    assert!(
        !config.contains("stance_input"),
        "text models keep v1's config"
    );
    // `stance classify` reads the actor column: the pair model tells the two apart (each dev
    // pair is one sentence, Beijing's then Taipei's); the text model cannot.
    assert_tells_the_actors_apart(&readings(&p("pair"), &p("dev.jsonl")), "pair");
    let text = readings(&p("text"), &p("dev.jsonl"));
    for (k, w) in text.chunks(2).enumerate() {
        let d = (w[0].0 - w[1].0).abs().max((w[0].1 - w[1].1).abs());
        assert!(
            d < 1e-6,
            "dev pair {k}: the text model reads the actor ({d})"
        );
    }
    // A model continued from a text model cannot switch format.
    let o = run(&[
        "train",
        "--train",
        &p("train.jsonl"),
        "--dev",
        &p("dev.jsonl"),
        "--init-from",
        &p("text"),
        "--input",
        "actor_text",
        "--out",
        &p("switched"),
        "--epochs",
        "1",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn a_distilled_student_learns_the_actor_from_an_unlabelled_pool() {
    // The teacher learns the actor task; the student's labelled rows say nothing about actors
    // (the tiny templates), so what it knows of them comes from the teacher's readings of the
    // pool, which must reach both with each row's actor.
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    write_actor_task(&dir.path().join("task.jsonl"), 16);
    write_actor_task(&dir.path().join("dev.jsonl"), 3);
    write_tiny_examples(&dir.path().join("templates.jsonl"), 4);
    let pool: Vec<String> = std::fs::read_to_string(p("task.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::json!({"text": v["text"], "actor": v["actor"]}).to_string()
        })
        .collect();
    std::fs::write(p("pool.jsonl"), pool.join("\n") + "\n").unwrap();
    let o = train_actor(
        dir.path(),
        "task.jsonl",
        "teacher",
        &["--input", "actor_text"],
    );
    assert!(o.status.success(), "teacher: {}", stderr(&o));
    let (teacher, pool) = (p("teacher"), p("pool.jsonl"));
    let extra = [
        "--input",
        "actor_text",
        "--teacher",
        &teacher,
        "--pool",
        &pool,
        "--distill-weight",
        "1",
        "--distill-temperature",
        "1",
    ];
    let o = train_actor(dir.path(), "templates.jsonl", "student", &extra);
    assert!(o.status.success(), "student: {}", stderr(&o));
    assert_tells_the_actors_apart(&readings(&p("student"), &p("dev.jsonl")), "student");
}

#[test]
fn an_actor_swap_share_of_one_reads_every_row_with_an_actor_from_the_other_side() {
    // Every Beijing row (`opposes`) is read with Taipei, the only actor above neutral, and every
    // Taipei row (`supports`) with Beijing, labels kept: the model learns the task the other
    // way round. Dev is written that way too, so the epoch kept is the one that learnt it.
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    write_actor_task(&dir.path().join("train.jsonl"), 16);
    write_actor_rows(&dir.path().join("dev.jsonl"), 3, ["supports", "opposes"]);
    let extra = ["--input", "actor_text", "--actor-swap", "1"];
    let o = train_actor(dir.path(), "train.jsonl", "swapped", &extra);
    assert!(o.status.success(), "{}", stderr(&o));
    let taipei_first: Vec<(f64, f64)> = readings(&p("swapped"), &p("dev.jsonl"))
        .chunks(2)
        .flat_map(|w| [w[1], w[0]])
        .collect();
    assert_tells_the_actors_apart(&taipei_first, "swapped (each pair read Taipei first)");
}
