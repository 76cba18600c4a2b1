//! The shipped model: accuracy on the real and synthetic test splits and the behavioural suite,
//! and a long transcript whose only stance sentence sits far beyond the first 512 tokens.
//! Each gate sits a little under the measured figure (README, "The model"), so a real regression
//! fails while run-to-run noise does not.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use strait_stance::classify::{classify_documents, ClassifierSettings, Statement};
use strait_stance::defaults::FAST_TIER_PRECISION;
use strait_stance::eval::{evaluate, render};
use strait_stance::input::labelled::{read_labelled, Example};
use strait_stance::model::{fast_model_dir, LoadOptions, Precision, Routes, StanceModel};
use strait_stance::report::Silent;
use strait_stance::Label;

// Gates: a little under (or over, for error rates) the measured figures of the shipped model
// stance-minilm-v3 (README, "The model"). Measured on the fresh real test split (706 passages
// from 270 pages never used before, 2026-12-02; 705 since one unverifiable passage left it on
// 2026-12-04, v3 0.764 and --fast 0.756 on the 705), read once after v3 was chosen on real dev:
// macro-F1 0.765, polarity flips 6.3%, opposes<->does_not_support swaps 4.8%, ECE 0.048, score
// MAE 0.430 (v2 had 0.721, 8.4%, 5.4%, 0.040, 0.492); the fresh synthetic test split (617 rows,
// 2026-12-04; the first one, read while a training set was designed, is retired): 0.932,
// held-out 0.868, swaps 2.1%, ECE 0.113, MAE 0.249 (on the retired split 0.955, 0.913, 4.0%,
// 0.113, 0.198); long documents 0.951, evidence 0.941 (v2: 0.950 and 0.992; the evidence gate
// was lowered with v3, README "The model"); int8 (7-bit per-channel weights, FFN outlier
// channels in fp32, per-row ranges for the FFN input, 2026-12-05) real 0.774 (1.0 above fp32)
// and fresh synthetic 0.934 (0.2 above; before the per-row ranges 0.771 and 0.925, with the
// int8 of before 2026-12-05 0.761 and 0.914);
// suite 86.7% overall, lowest capability (verb) 71.7%. On the test labels as reviewed on
// 2026-12-06 (27 of 705 changed, datasets/README.md): macro-F1 0.760, flips 6.4%, swaps 4.9%,
// ECE 0.050, MAE 0.418, --fast 0.761; after the adjudication of the review passes' disagreements
// (2 of 705 changed): 0.760, flips 6.2%, swaps 5.0%, ECE 0.050, MAE 0.410, --fast 0.759.
// With the party-state actor rule (GUIDE 5.14.88; on by default since 2026-12-07, decided on
// dev, the test read once after; the figures above are the model alone, which the rule did not
// change before): 0.764, flips 5.1% (19 of 372), swaps 5.0%, ECE 0.048, MAE 0.399; fresh
// synthetic 0.939, held-out 0.883, 4 flips (the model alone 0.932, 0.868, 9). The flip gate was
// 7.5% before the rule.
const REAL_F1: f64 = 0.75;
const REAL_FLIPS: f64 = 0.07;
const REAL_SWAPS: f64 = 0.06;
const REAL_ECE: f64 = 0.06;
const REAL_MAE: f64 = 0.48;
const SYNTH_F1: f64 = 0.92;
const SYNTH_HELD_OUT_F1: f64 = 0.85;
const SYNTH_SWAPS: f64 = 0.05;
const SYNTH_ECE: f64 = 0.15;
const SYNTH_MAE: f64 = 0.28;
const LONGDOC_F1: f64 = 0.93;
const LONGDOC_EVIDENCE: f64 = 0.93;
/// Per split: the share of labels int8 and fp32 must agree on, and how far int8's macro-F1 may
/// trail fp32's (issue 15: half a point). Measured here with 7-bit per-channel weights, the FFN
/// outlier channels in fp32 and per-row ranges for the FFN input projection (2026-12-05): real
/// test 98.3% agreeing, macro-F1 0.774 against fp32's 0.764; fresh synthetic 99.8% (1 of 617
/// labels differs), 0.934 against 0.932. Without the per-row ranges: 97.5% and 0.771; 99.4%
/// and 0.925, 0.7 under. Before, with 8-bit per-matrix weights and a range guard: 1.7 points
/// under on the synthetic split, 98.4% agreeing.
const INT8_GATES: [(&str, f64, f64); 2] = [
    ("datasets/real/test.jsonl", 0.975, 0.005),
    ("datasets/stance/test.jsonl", 0.99, 0.005),
];
// Chinese, through the default routes (stance-multilingual-v7 with the guide's reporting-actor
// rule), on the fresh test split landed 2026-12-07 (536 passages from 200 pages no model had
// read; the split of before, read for v7's and the rule's ship gates, is now
// real/zh/retired_test.jsonl). Read once, before anything was chosen on it: macro-F1 0.735,
// polarity flips 4.5% (13), ECE 0.049; Simplified 0.691 (192), Traditional 0.757 (344).
// The split of before read 0.779, 4.0% (12); Simplified 0.770, Traditional 0.785. Gates 1.5
// points under the read (flips 1.5 over), so that one passage read differently by another CPU's
// kernels does not fail them. With the party-state rule as well (GUIDE 5.14.88, 2026-12-07,
// decided on dev, the test read once after): 0.742, flips 3.5% (10), ECE 0.043; Simplified
// 0.697, Traditional 0.766. The flip gate was 6.1% before it.
const ZH_F1: f64 = 0.72;
const ZH_FLIPS: f64 = 0.05;
/// The Chinese model in int8 against itself in fp32 on the Chinese test split: label agreement
/// at least, macro-F1 drop at most (`chinese_int8_tracks_fp32_on_the_chinese_test_split`).
/// On the fresh split (2026-12-07): 97.0% agreeing, int8 0.751 against fp32's 0.735 (AVX-512
/// kernels). On the split of before: 98.4%, 0.772 against 0.772. v3 measured 97.1% and 0.8
/// points (0.803 against 0.812) with per-row ranges for the FFN input projection; 96.9% and
/// 1.5 without; 88.8% with the int8 of before 2026-12-05.
const ZH_INT8_GATE: (f64, f64) = (0.955, 0.015);
/// Each script on its own: passages at least, macro-F1 at least (2 points under the read: the
/// Chinese gate's margin, and a little more for the smaller parts). The fresh split read
/// Simplified 0.691 on 192 passages (does_not_support 11 of them, supports 17) and Traditional
/// 0.757 on 344 (does_not_support 7), so one passage of a thin label moves a script's figure by
/// up to 2-3 points. The split of before read 0.770 and 0.785.
const ZH_SCRIPT_F1: [(&str, u64, f64); 2] = [("zh-Hans", 190, 0.67), ("zh-Hant", 340, 0.735)];
/// The guide's actor rules (`strait_stance::actors`: the reporting-actor rule, GUIDE 5.14.47,
/// and the party-state rule, 5.14.88) against the model alone on the real splits: macro-F1 with
/// them at least `min_gain` above, and at least `fewer` fewer polarity flips. Measured
/// (2026-12-07, both rules; the party-state rule was decided on dev, then the test splits read
/// once): English dev 0.7445 (12 flips) against 0.7420 (13), English test 0.7643 (19) against
/// 0.7600 (23); Chinese dev 0.8020 (9) against 0.7676 (12), Chinese test 0.7424 (10) against
/// 0.7218 (13). The reporting-actor rule alone (2026-12-06/07): Chinese dev 0.797 against 0.768,
/// test 0.735 against 0.722 (the split of before: 0.779 against 0.772), flips unchanged; it
/// changes nothing in English, whose passages are recorded as governments'.
const ACTOR_RULE_GAIN: [(&str, f64, u64); 4] = [
    ("datasets/real/dev.jsonl", 0.0, 1),
    ("datasets/real/test.jsonl", 0.0, 3),
    ("datasets/real/zh/dev.jsonl", 0.02, 2),
    ("datasets/real/zh/test.jsonl", 0.01, 2),
];
// The fast tier (models/stance-minilm-fast-v3, 3 layers distilled from the default model), as
// `--fast` runs it (int8 weights), with the default two streams: on the fresh real test split
// macro-F1 0.765, 0.1 points above the default model (the goal: at most 1.5 under); fresh
// synthetic test 0.902 (before the per-row ranges: 0.761 and 0.902; with the int8 of before
// 2026-12-05: 0.755 and 0.889). The student in
// fp32: 0.760, 7.1%, fresh synthetic 0.900.
// The trend table the model's labels draw against the gold labels' (`stance eval`'s trend
// comparison: actor x year cells with at least 2 gold stance statements, README "What a trend is
// worth"), measured 2026-12-07 with the default routes, the first read of the figure: English
// test (v3) 99 cells, mean-score MAE 0.347, 76.8% within 0.5, dominant label 81.8%, 19 of the
// gold labels' 25 shifts flagged (v1: 0.517, 61.6%, 68.7%, 18); Chinese test 50 cells, 0.353,
// 66.0%, 76.0%, 9 of 15. With the party-state rule (same day, later): English 0.335, 79.8%,
// 81.8%, 19 of 25; Chinese 0.336, 68.0%, 76.0%, 9 of 15. Gates: (MAE at most, within 0.5 at
// least, dominant at least, share of gold shifts flagged at least).
const REAL_TRENDS: (f64, f64, f64, f64) = (0.40, 0.72, 0.77, 0.68);
const ZH_TRENDS: (f64, f64, f64, f64) = (0.41, 0.60, 0.70, 0.50);
const FAST_REAL_GAP: f64 = 0.015;
const FAST_REAL_FLIPS: f64 = 0.095;
const FAST_SYNTH_F1: f64 = 0.89;
/// A model that reads the actor must not let an actor's usual line decide a stance: with each
/// stance-bearing real test passage attributed to an actor from the other side of neutral, its
/// polarity flips may exceed those it makes reading the text alone by at most this much
/// (models/EXPERIMENTS.md, "Two levers": an actor prior hides exactly the switches the product exists to
/// catch). A text-only model reads all three alike.
const ACTOR_SWAP_FLIP_MARGIN: f64 = 0.015;
const SUITE_OVERALL: f64 = 0.84;
const SUITE_CAPABILITY: f64 = 0.68;
/// The verb-polarity contrast set's dev split (datasets/contrast, 84 items with verbs, objects
/// and actors no training file has): v3 reads it at accuracy 0.571 with 33.3% polarity flips,
/// its known weakness (models/EXPERIMENTS.md, "The verb-polarity contrast set"); models trained with the
/// contrast set read it at 0.81-0.93. The gates keep it from getting worse.
const CONTRAST_ACCURACY: f64 = 0.55;
const CONTRAST_FLIPS: f64 = 0.36;

fn shipped() -> StanceModel {
    StanceModel::load(&shipped_model(), &LoadOptions::default())
        .expect("the shipped model loads and passes its manifest check")
}

/// The default routes: English on the shipped English model, Chinese on the shipped
/// multilingual model.
fn shipped_routes() -> Routes {
    Routes::with_chinese(
        shipped(),
        &strait_stance::model::default_chinese_model_dir(),
        LoadOptions::default(),
    )
    .expect("the shipped Chinese model is installed (scripts/setup.sh assembles it)")
}

fn eval_file(model: &Routes, rel: &str) -> strait_stance::eval::EvalReport {
    eval_file_with(model, rel, &ClassifierSettings::default())
}

fn eval_file_with(
    model: &Routes,
    rel: &str,
    settings: &ClassifierSettings,
) -> strait_stance::eval::EvalReport {
    let ex = read_labelled(&root().join(rel), "text", "label").unwrap();
    let r = evaluate(model, &ex, settings, &AtomicBool::new(false), &Silent).unwrap();
    println!("{rel}\n{}", render(&r.metrics));
    r
}

/// The guide's actor rules (on by default) earn their place on the real splits: macro-F1 with
/// them is above the model alone by the measured margin, and they cut polarity flips (the
/// reporting-actor rule only ever answers `off_topic`; the party-state rule only moves a PRC
/// organ's reading off the supports side).
#[test]
fn actor_rules_lift_the_real_splits_and_cut_their_polarity_flips() {
    let routes = shipped_routes();
    for (rel, min_gain, fewer) in ACTOR_RULE_GAIN {
        let ruled_report = eval_file(&routes, rel);
        let alone_report = eval_file_with(&routes, rel, &ClassifierSettings::model_only());
        assert!(alone_report.rules.is_empty(), "{:?}", alone_report.rules);
        let party_state = ruled_report.rules.get("party_state_side").copied();
        println!("{rel}: {:?}", ruled_report.rules);
        assert!(
            party_state.is_some_and(|t| t.decided >= fewer),
            "{rel}: the party-state rule decided {party_state:?}"
        );
        let (ruled, alone) = (ruled_report.metrics, alone_report.metrics);
        println!(
            "{rel}: with the rules {:.4} ({} flips), model alone {:.4} ({})",
            ruled.macro_f1, ruled.polarity_flips, alone.macro_f1, alone.polarity_flips
        );
        assert!(
            ruled.macro_f1 >= alone.macro_f1 + min_gain,
            "{rel}: the rules move macro-F1 from {:.4} to {:.4}, less than +{min_gain}",
            alone.macro_f1,
            ruled.macro_f1
        );
        assert!(
            ruled.polarity_flips + fewer <= alone.polarity_flips,
            "{rel}: {} polarity flips with the rules against {} without (at least {fewer} fewer)",
            ruled.polarity_flips,
            alone.polarity_flips
        );
    }
}

/// The shipped model on the real test split, read once for every test that needs it.
fn shipped_on_real_test() -> &'static strait_stance::eval::EvalReport {
    static REPORT: std::sync::OnceLock<strait_stance::eval::EvalReport> =
        std::sync::OnceLock::new();
    REPORT.get_or_init(|| eval_file(&Routes::single(shipped()), "datasets/real/test.jsonl"))
}

#[test]
fn shipped_model_on_the_real_test_split() {
    let r = shipped_on_real_test();
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
    assert!(
        m.opposes_dns_confusion_rate <= REAL_SWAPS,
        "real opposes<->does_not_support swaps {:.4} > {REAL_SWAPS}",
        m.opposes_dns_confusion_rate
    );
    let mae = m.stance_score_mae.expect("stance-score MAE");
    assert!(
        mae <= REAL_MAE,
        "real stance-score MAE {mae:.4} > {REAL_MAE}"
    );
    trends_hold(r, 90, REAL_TRENDS);
}

/// The trend cells drawn from the model's labels stay as close to the gold labels' as measured.
fn trends_hold(
    r: &strait_stance::eval::EvalReport,
    min_cells: u64,
    (max_mae, min_close, min_dominant, min_shifts): (f64, f64, f64, f64),
) {
    let t = r.trends.as_ref().expect("the split has actors and dates");
    println!("{t:?}");
    assert!(t.cells >= min_cells, "{} trend cells", t.cells);
    let mae = t.mean_score_mae.expect("cells with a model mean");
    assert!(mae <= max_mae, "trend-cell MAE {mae:.4} > {max_mae}");
    assert!(
        t.within_close >= min_close,
        "cells within 0.5 of gold {:.4} < {min_close}",
        t.within_close
    );
    assert!(
        t.dominant_agreement >= min_dominant,
        "same dominant label {:.4} < {min_dominant}",
        t.dominant_agreement
    );
    let flagged = t.shifts_in_both as f64 / t.gold_shifts.max(1) as f64;
    assert!(
        flagged >= min_shifts,
        "{} of {} gold shifts flagged",
        t.shifts_in_both,
        t.gold_shifts
    );
}

/// Polarity flips of `model` on the stance-bearing passages of the real test split read with
/// their own actors, with none, and each with an actor from the other side of neutral (taken
/// in turn from the real train split's passages on that side; what scripts/actor_swap_probe.py
/// writes with a seeded draw).
fn flips_with_own_no_and_swapped_actors(model: &Routes, settings: &ClassifierSettings) -> [f64; 3] {
    let read = |rel: &str| read_labelled(&root().join(rel), "text", "label").unwrap();
    let side = |l: Label| l.score().map_or(0.0, f32::signum);
    let (mut below, mut above) = (Vec::new(), Vec::new());
    for e in read("datasets/real/train.jsonl") {
        match (side(e.label), e.actor) {
            (s, Some(a)) if s < 0.0 => below.push(a),
            (s, Some(a)) if s > 0.0 => above.push(a),
            _ => {}
        }
    }
    let own: Vec<_> = read("datasets/real/test.jsonl")
        .into_iter()
        .filter(|e| side(e.label) != 0.0)
        .collect();
    let none: Vec<_> = own
        .iter()
        .map(|e| Example {
            actor: None,
            ..e.clone()
        })
        .collect();
    let swapped: Vec<_> = own
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let from = if side(e.label) < 0.0 { &above } else { &below };
            let actor = Some(from[k * 7919 % from.len()].clone());
            Example { actor, ..e.clone() }
        })
        .collect();
    [own, none, swapped].map(|ex| {
        let r = evaluate(model, &ex, settings, &AtomicBool::new(false), &Silent).unwrap();
        r.metrics.polarity_flip_rate
    })
}

/// The model's own reading, without the guide's actor rules: the party-state rule (GUIDE
/// 5.14.88) reads the actor on purpose and keeps a PRC organ off the supports side, so with the
/// rules on, the swapped attributions (Taipei's words given to Beijing's organs among them) flip
/// 21.0% of stance passages (2026-12-07; 6.2% read without an actor), which is the rule working
/// on attributions that cannot occur, not the model overriding the text.
#[test]
fn a_change_of_line_is_read_from_the_text_not_from_the_actor() {
    let model = Routes::single(shipped());
    let [own, none, swapped] =
        flips_with_own_no_and_swapped_actors(&model, &ClassifierSettings::model_only());
    println!("polarity flips: own actors {own:.4}, none {none:.4}, swapped {swapped:.4}");
    assert!(
        swapped <= none + ACTOR_SWAP_FLIP_MARGIN,
        "actors from the other side of neutral flip {swapped:.4} of stance passages against \
         {none:.4} read without an actor: the actor overrides the text"
    );
    assert!(
        own <= REAL_FLIPS,
        "own actors: flips {own:.4} > {REAL_FLIPS}"
    );
}

#[test]
fn shipped_model_on_the_synthetic_test_split() {
    let r = eval_file(&Routes::single(shipped()), "datasets/stance/test.jsonl");
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
    assert!(
        m.opposes_dns_confusion_rate <= SYNTH_SWAPS,
        "synthetic swaps {:.4} > {SYNTH_SWAPS}",
        m.opposes_dns_confusion_rate
    );
    assert!(
        m.ece <= SYNTH_ECE,
        "synthetic ECE {:.4} > {SYNTH_ECE}",
        m.ece
    );
    let mae = m.stance_score_mae.expect("stance-score MAE");
    assert!(
        mae <= SYNTH_MAE,
        "synthetic stance-score MAE {mae:.4} > {SYNTH_MAE}"
    );
}

#[test]
fn fast_tier_on_the_real_and_synthetic_test_splits() {
    let default = &shipped_on_real_test().metrics;
    // The tier as `--fast` runs it (int8 weights) and the student in fp32 (`--precision fp32`).
    for precision in [FAST_TIER_PRECISION, Precision::Fp32] {
        let options = LoadOptions {
            precision,
            ..Default::default()
        };
        let fast = StanceModel::load(&fast_model_dir(), &options)
            .expect("the fast tier is installed (scripts/setup.sh assembles it)");
        assert_eq!(fast.config.num_hidden_layers, 3);
        let routes = Routes::single(fast);
        let real = eval_file(&routes, "datasets/real/test.jsonl").metrics;
        assert!(
            real.macro_f1 >= default.macro_f1 - FAST_REAL_GAP,
            "fast tier ({precision:?}) real macro-F1 {:.4}, more than {FAST_REAL_GAP} under the default model's {:.4}",
            real.macro_f1,
            default.macro_f1
        );
        assert!(
            real.polarity_flip_rate <= FAST_REAL_FLIPS,
            "fast tier ({precision:?}) real polarity flips {:.4} > {FAST_REAL_FLIPS}",
            real.polarity_flip_rate
        );
        let synth = eval_file(&routes, "datasets/stance/test.jsonl").metrics;
        assert!(
            synth.macro_f1 >= FAST_SYNTH_F1,
            "fast tier ({precision:?}) synthetic macro-F1 {:.4} < {FAST_SYNTH_F1}",
            synth.macro_f1
        );
    }
}

/// Long transcripts: the sentence roll-up finds the deciding sentence (README, "Long
/// documents"); truncating them to the window would lose most stances.
#[test]
fn shipped_model_on_the_long_document_test_set() {
    let r = eval_file(&Routes::single(shipped()), "datasets/longdocs/test.jsonl");
    let m = &r.metrics;
    assert!(m.n >= 100);
    assert!(
        m.macro_f1 >= LONGDOC_F1,
        "long-document macro-F1 {:.4} < {LONGDOC_F1}",
        m.macro_f1
    );
    let ev = r
        .evidence_accuracy
        .expect("the long-document set has evidence spans");
    assert!(
        ev >= LONGDOC_EVIDENCE,
        "evidence accuracy {ev:.4} < {LONGDOC_EVIDENCE}"
    );
}

/// int8 (README, "Performance"): close to fp32's macro-F1 on the real and the synthetic test
/// split (`INT8_GATES`), and the same label for nearly every statement.
#[test]
fn int8_tracks_fp32_on_the_test_splits() {
    for (rel, min_agreement, max_drop) in INT8_GATES {
        int8_tracks_fp32(&shipped_model(), rel, min_agreement, max_drop);
    }
}

/// The Chinese model in int8 on the real Chinese test split: measured (2026-12-05, 7-bit
/// per-channel weights, FFN outlier channels in fp32) 96.9% of labels agreeing with fp32,
/// macro-F1 0.797 against 0.812; with the int8 of before, 88.8% and 0.775.
#[test]
fn chinese_int8_tracks_fp32_on_the_chinese_test_split() {
    let (min_agreement, max_drop) = ZH_INT8_GATE;
    int8_tracks_fp32(
        &strait_stance::model::default_chinese_model_dir(),
        "datasets/real/zh/test.jsonl",
        min_agreement,
        max_drop,
    );
}

fn int8_tracks_fp32(dir: &std::path::Path, rel: &str, min_agreement: f64, max_drop: f64) {
    let load = |precision| {
        let opts = LoadOptions {
            precision,
            ..Default::default()
        };
        Routes::single(StanceModel::load(dir, &opts).expect("the model loads"))
    };
    let (fp, q) = (load(Precision::Fp32), load(Precision::Int8));
    let ex = read_labelled(&root().join(rel), "text", "label").unwrap();
    let docs: Vec<Statement> = ex.iter().map(|e| e.statement()).collect();
    let settings = ClassifierSettings::default();
    let cancel = AtomicBool::new(false);
    let label_of = |m: &Routes| -> Vec<Label> {
        strait_stance::classify::classify_in_groups(m.primary(), &docs, &settings, &cancel, |_| {})
            .unwrap()
            .iter()
            .map(|r| strait_stance::labels::argmax(&r.probs).0)
            .collect()
    };
    let (a, b) = (label_of(&fp), label_of(&q));
    let agree = a.iter().zip(&b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64;
    let (f_fp, f_q) = (
        eval_file(&fp, rel).metrics.macro_f1,
        eval_file(&q, rel).metrics.macro_f1,
    );
    println!("{rel}: int8 agrees with fp32 on {agree:.4}; macro-F1 fp32 {f_fp:.4} int8 {f_q:.4}");
    assert!(
        agree >= min_agreement,
        "{rel}: int8 label agreement {agree:.4} < {min_agreement}"
    );
    assert!(
        f_fp - f_q <= max_drop,
        "{rel}: int8 macro-F1 {f_q:.4} trails fp32 {f_fp:.4} by more than {max_drop}"
    );
}

#[test]
fn shipped_model_passes_the_behavioural_suite() {
    let r = eval_file(&Routes::single(shipped()), "datasets/suite/behaviour.jsonl");
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

/// "X supports Taiwan independence" against "X opposes / does not support / does not oppose
/// it", with verbs, objects and actors no training file has.
#[test]
fn shipped_model_on_the_verb_polarity_contrast_set() {
    let m = eval_file(&Routes::single(shipped()), "datasets/contrast/dev.jsonl").metrics;
    assert_eq!(m.n, 84, "the contrast dev split has 84 items");
    assert!(
        m.accuracy >= CONTRAST_ACCURACY,
        "contrast dev accuracy {:.4} < {CONTRAST_ACCURACY}",
        m.accuracy
    );
    assert!(
        m.polarity_flip_rate <= CONTRAST_FLIPS,
        "contrast dev polarity flips {:.4} > {CONTRAST_FLIPS}",
        m.polarity_flip_rate
    );
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
        &[Statement::text(
            "Beijing firmly opposes any form of Taiwan independence.",
        )],
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
        &[Statement::text(&text)],
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
    let (res, _) = classify_documents(
        &model,
        &[Statement::text(&text)],
        &trunc,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(
        strait_stance::labels::argmax(&res[0].probs).0,
        Label::OffTopic
    );
}

/// GUIDE 5.14.88 end to end, on both routes: the shipped models read "Taiwan is a sovereign
/// and independent country" on the supports side; recorded as an organ of the PRC party-state,
/// the statement takes the likeliest of the other four labels and `rule` says party_state_side;
/// recorded as Taipei's, it keeps the model's reading; `--no-actor-rules` gives the model's
/// label back.
#[test]
fn a_prc_organ_is_never_charted_on_the_supports_side() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let rows = [
        (
            "en-prc",
            "Taiwan is a sovereign and independent country.",
            "PRC Taiwan Affairs Office",
        ),
        (
            "en-roc",
            "Taiwan is a sovereign and independent country.",
            "Taiwan Presidential Office",
        ),
        ("zh-prc", "台湾是一个主权独立的国家。", "国台办"),
        (
            "zh-roc",
            "台湾是一个主权独立的国家。",
            "Taiwan Presidential Office",
        ),
    ];
    let lines: Vec<String> = rows
        .iter()
        .map(|(id, text, actor)| {
            serde_json::json!({"id": id, "text": text, "actor": actor}).to_string()
        })
        .collect();
    write_lines(
        &input,
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let stream = |extra: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec!["classify", input.to_str().unwrap(), "--out", "-", "--quiet"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        json_lines(&o)
    };
    let ruled = stream(&[]);
    let alone = stream(&["--no-actor-rules"]);
    let side = |v: &serde_json::Value| {
        v["label"]
            .as_str()
            .unwrap()
            .parse::<Label>()
            .unwrap()
            .side()
    };
    for (r, m) in ruled.iter().zip(&alone) {
        assert_eq!(
            side(m),
            Some(1),
            "the model reads it on the supports side: {m}"
        );
        assert_eq!(m["rule"], serde_json::Value::Null);
        if r["id"].as_str().unwrap().ends_with("roc") {
            assert_eq!(
                (&r["label"], &r["rule"]),
                (&m["label"], &serde_json::Value::Null)
            );
            continue;
        }
        assert_eq!(r["rule"], "party_state_side", "{r}");
        assert_ne!(side(r), Some(1), "{r}");
        assert_eq!(
            (r["p_supports"].as_f64(), r["p_leans_supports"].as_f64()),
            (Some(0.0), Some(0.0))
        );
        let p = |l: Label| m[l.prob_column()].as_f64().unwrap();
        let best = [
            Label::Opposes,
            Label::DoesNotSupport,
            Label::Neutral,
            Label::OffTopic,
        ]
        .into_iter()
        .max_by(|a, b| p(*a).total_cmp(&p(*b)))
        .unwrap();
        assert_eq!(
            r["label"],
            best.as_str(),
            "the likeliest of the other four: {m}"
        );
    }
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

/// The bundled sample through the nightly job's two commands (classify, then yearly trends with
/// 2 statements a side): exactly the shifts the README shows — the four of history, Paraguay
/// 2018 → 2023 (a change of wording the gold labels show too) and the model's one error (Nauru
/// 2022 → 2023) — and the labels agree with the gold labels on at least 275 of 325 statements
/// (README: 282 since the adjudication of 2026-12-06, 283 after the review, 304 before it).
#[test]
fn bundled_sample_nightly_output_matches_the_readme() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sample = root().join("datasets/samples/statements.jsonl");
    let o = run(&[
        "classify",
        sample.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let trends = out.join("trends");
    let o = run(&[
        "trends",
        "--predictions",
        out.to_str().unwrap(),
        "--period",
        "year",
        "--min-statements",
        "2",
        "--out",
        trends.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shifts = {
        use polars::prelude::{ParquetReader, SerReader};
        ParquetReader::new(std::fs::File::open(trends.join("shifts.parquet")).unwrap())
            .finish()
            .unwrap()
    };
    let year = |col: &str| -> Vec<String> {
        let c = shifts
            .column(col)
            .unwrap()
            .cast(&polars::prelude::DataType::String)
            .unwrap();
        c.str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("")[..4].to_string())
            .collect()
    };
    let (actors, from, to) = (
        strings(&shifts, "actor"),
        year("previous_period_start"),
        year("period_start"),
    );
    let mut got: Vec<String> = (0..shifts.height())
        .map(|i| {
            format!(
                "{} {}->{}",
                actors[i].as_deref().unwrap_or("?"),
                from[i],
                to[i]
            )
        })
        .collect();
    got.sort();
    let want = [
        "Honduras 2022->2023",
        "Nauru 2022->2023",
        "Nauru 2023->2024",
        "Nicaragua 2018->2021",
        "Paraguay 2018->2023",
        "United States 2024->2025",
    ];
    assert_eq!(got, want, "shifts on the bundled sample");

    let preds = read_table(&out, "predictions");
    let (ids, labels) = (strings(&preds, "id"), strings(&preds, "label"));
    let gold: std::collections::HashMap<String, String> =
        std::fs::read_to_string(root().join("datasets/samples/expected_labels.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["id"].as_str().unwrap().to_string(),
                    v["label"].as_str().unwrap().to_string(),
                )
            })
            .collect();
    let agree = ids
        .iter()
        .zip(&labels)
        .filter(|(i, l)| gold.get(i.as_deref().unwrap_or("")) == l.as_ref())
        .count();
    println!("sample: {agree} of {} labels agree with gold", ids.len());
    assert_eq!(ids.len(), 325);
    assert!(
        agree >= 275,
        "only {agree} of 325 sample labels agree with gold"
    );
}

#[test]
fn shipped_routes_on_the_real_chinese_test_split() {
    let r = eval_file(&shipped_routes(), "datasets/real/zh/test.jsonl");
    let m = &r.metrics;
    assert!(m.n >= 530, "the Chinese test split has {} passages", m.n);
    assert!(
        m.macro_f1 >= ZH_F1,
        "Chinese macro-F1 {:.4} < {ZH_F1}",
        m.macro_f1
    );
    assert!(
        m.polarity_flip_rate <= ZH_FLIPS,
        "Chinese polarity flips {:.4} > {ZH_FLIPS}",
        m.polarity_flip_rate
    );
    trends_hold(&r, 45, ZH_TRENDS);
    for (script, min_n, min_f1) in ZH_SCRIPT_F1 {
        let s = r
            .by_language
            .get(script)
            .expect("both scripts are reported");
        println!("{script}: {} passages, macro-F1 {:.4}", s.n, s.macro_f1);
        assert!(s.n >= min_n, "{script}: {} passages", s.n);
        assert!(
            s.macro_f1 >= min_f1,
            "{script} macro-F1 {:.4} < {min_f1}",
            s.macro_f1
        );
    }
}

#[test]
fn default_routes_leave_english_on_the_english_model() {
    let routed = eval_file(&shipped_routes(), "datasets/real/test.jsonl");
    let alone = shipped_on_real_test();
    assert!(
        routed.by_language.is_empty(),
        "an English passage was routed to Chinese"
    );
    assert_eq!(routed.metrics.macro_f1, alone.metrics.macro_f1);
    assert_eq!(routed.metrics.accuracy, alone.metrics.accuracy);
}
