//! The fast engine against rust-bert's reference implementation, padding invariance, int8,
//! and checkpoint-loading rules — on a tiny random model with the real tokenizer.

mod common;

use strait_stance::batch::make_batch;
use strait_stance::model::weights::expected_names;
use strait_stance::model::{EngineKind, LoadOptions, Precision, StanceModel, Weights};
use strait_stance::tokenize::TextTokenizer;

const TEXTS: [&str; 5] = [
    "China firmly opposes Taiwan independence.",
    "The United States does not support Taiwan independence and opposes any unilateral change to the status quo from either side.",
    "Trade talks went well.",
    "We support Taiwan's meaningful participation in the World Health Assembly, its vibrant democracy and the right of its 23 million people to decide their own future without coercion.",
    "Taiwan is a sovereign, independent country.",
];

/// Largest int8 probability change from batch mates (measured 0.0050 on the five texts; 0.0084
/// with 8-bit weights and the range guard before 2026-12-05).
const INT8_BATCH_MATES: f32 = 0.02;

fn seqs(m: &StanceModel) -> Vec<Vec<i64>> {
    m.tokenizer
        .tokenize(&TEXTS)
        .unwrap()
        .iter()
        .map(|t| m.tokenizer.with_specials(&t.ids, 256))
        .collect()
}

fn max_diff(a: &[[f32; 6]], b: &[[f32; 6]]) -> f32 {
    a.iter()
        .zip(b)
        .flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()))
        .fold(0.0, f32::max)
}

/// Both heads: `[CLS]` through the pooler, and the mean of the token states.
fn tiny_models() -> [std::path::PathBuf; 2] {
    [common::tiny_model(), common::tiny_mean_model()]
}

#[test]
fn fast_engine_matches_rust_bert_on_a_padded_batch() {
    for dir in tiny_models() {
        fast_engine_matches_rust_bert(&dir);
    }
}

fn fast_engine_matches_rust_bert(dir: &std::path::Path) {
    let fast = StanceModel::load(dir, &LoadOptions::default()).unwrap();
    let reference = StanceModel::load(
        dir,
        &LoadOptions {
            engine: EngineKind::RustBert,
            ..Default::default()
        },
    )
    .unwrap();
    let s = seqs(&fast);
    let rows: Vec<usize> = (0..s.len()).collect();
    let b = make_batch(&s, &rows, fast.tokenizer.pad_id());
    assert!(
        b.real_tokens < b.len * rows.len(),
        "the batch must contain padding"
    );
    let lf = fast.logits(&b.ids, &b.mask);
    let lr = reference.logits(&b.ids, &b.mask);
    let d = (lf - lr).abs().max().double_value(&[]);
    assert!(
        d < 1e-4,
        "{}: fast vs rust-bert logits differ by {d}",
        dir.display()
    );
}

#[test]
fn the_pooling_in_config_decides_what_the_head_reads() {
    // The mean model's weights read as a [CLS] model (the config key removed) give other
    // probabilities: the key is what makes the engines average.
    let dir = common::tiny_mean_model();
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
    assert!(config.contains(r#""stance_pooling": "mean""#), "{config}");
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    let cls_config = config.replace(r#""stance_pooling": "mean","#, "");
    assert_ne!(cls_config, config);
    std::fs::write(tmp.path().join("config.json"), cls_config).unwrap();
    std::fs::remove_file(tmp.path().join(strait_stance::model::MANIFEST_FILE)).unwrap();
    let unverified = LoadOptions {
        allow_unverified: true,
        ..Default::default()
    };
    let mean = StanceModel::load(&dir, &LoadOptions::default()).unwrap();
    let cls = StanceModel::load(tmp.path(), &unverified).unwrap();
    let s = seqs(&mean);
    let rows: Vec<usize> = (0..s.len()).collect();
    let b = make_batch(&s, &rows, mean.tokenizer.pad_id());
    let pm = mean.probabilities(&b.ids, &b.mask).unwrap();
    let pc = cls.probabilities(&b.ids, &b.mask).unwrap();
    assert!(max_diff(&pm, &pc) > 1e-3, "{pm:?} {pc:?}");
}

#[test]
fn a_text_scores_the_same_alone_and_inside_a_padded_batch() {
    for (dir, engine) in tiny_models()
        .into_iter()
        .flat_map(|d| [(d.clone(), EngineKind::Fast), (d, EngineKind::RustBert)])
    {
        let m = StanceModel::load(
            &dir,
            &LoadOptions {
                engine,
                ..Default::default()
            },
        )
        .unwrap();
        let s = seqs(&m);
        let all: Vec<usize> = (0..s.len()).collect();
        let batch = make_batch(&s, &all, m.tokenizer.pad_id());
        let together = m.probabilities(&batch.ids, &batch.mask).unwrap();
        for i in 0..s.len() {
            let alone = make_batch(&s, &[i], m.tokenizer.pad_id());
            let p = m.probabilities(&alone.ids, &alone.mask).unwrap();
            let d = max_diff(&p, &together[i..i + 1]);
            assert!(d < 1e-4, "{engine:?}: text {i} differs by {d} when padded");
        }
        // Sanity: the random model does not give every text the same distribution.
        assert!(max_diff(&together[0..1], &together[3..4]) > 1e-3);
    }
}

#[test]
fn int8_stays_close_to_fp32() {
    let dir = common::tiny_model();
    let fp = StanceModel::load(&dir, &LoadOptions::default()).unwrap();
    let q = StanceModel::load(
        &dir,
        &LoadOptions {
            precision: Precision::Int8,
            ..Default::default()
        },
    )
    .unwrap();
    let s = seqs(&fp);
    let rows: Vec<usize> = (0..s.len()).collect();
    let b = make_batch(&s, &rows, fp.tokenizer.pad_id());
    let d = max_diff(
        &fp.probabilities(&b.ids, &b.mask).unwrap(),
        &q.probabilities(&b.ids, &b.mask).unwrap(),
    );
    // 0.48 on an AVX2-only CPU when 8-bit weights let fbgemm's i16 pair sums clip (0.056 with
    // the range guard that 7-bit weights replaced on 2026-12-05).
    println!("int8: largest probability difference from fp32 {d:.5}");
    assert!(d < 0.1, "int8 probabilities differ by {d}");
}

/// int8 quantises a call's activations over the range of the whole call, so a text's int8
/// probabilities move a little with the other texts in its batch (fp32's do not: see
/// `a_text_scores_the_same_alone_and_inside_a_padded_batch`). Documented in the README; this
/// bounds how much, on the shipped model, and requires the label to stay.
#[test]
fn int8_batch_mates_move_probabilities_only_slightly() {
    let q = StanceModel::load(
        &common::shipped_model(),
        &LoadOptions {
            precision: Precision::Int8,
            ..Default::default()
        },
    )
    .unwrap();
    let s = seqs(&q);
    let all: Vec<usize> = (0..s.len()).collect();
    let together = {
        let b = make_batch(&s, &all, q.tokenizer.pad_id());
        q.probabilities(&b.ids, &b.mask).unwrap()
    };
    let mut worst = 0f32;
    for i in 0..s.len() {
        let b = make_batch(&s, &[i], q.tokenizer.pad_id());
        let alone = q.probabilities(&b.ids, &b.mask).unwrap();
        worst = worst.max(max_diff(&alone, &together[i..i + 1]));
        let top = |p: &[f32; 6]| (0..6).max_by(|&a, &b| p[a].total_cmp(&p[b]));
        assert_eq!(
            top(&alone[0]),
            top(&together[i]),
            "text {i} changes label with its batch"
        );
    }
    println!("int8: largest probability change from batch mates {worst:.5}");
    assert!(
        worst < INT8_BATCH_MATES,
        "int8 probabilities move by {worst} with batch mates"
    );
}

#[test]
fn probabilities_sum_to_one() {
    let m = StanceModel::load(&common::tiny_model(), &LoadOptions::default()).unwrap();
    let s = seqs(&m);
    let rows: Vec<usize> = (0..s.len()).collect();
    let b = make_batch(&s, &rows, m.tokenizer.pad_id());
    for p in m.probabilities(&b.ids, &b.mask).unwrap() {
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");
    }
}

#[test]
fn base_encoder_names_without_bert_prefix_are_normalised() {
    let w = Weights::read(&common::tokenizer_dir()).unwrap();
    let (missing, unused) = w.diff(expected_names(6).iter().map(|s| s.as_str()));
    assert_eq!(missing, vec!["classifier.bias", "classifier.weight"]);
    assert!(unused.is_empty(), "{unused:?}");
}

#[test]
fn tokenizer_truncates_with_specials() {
    let t = TextTokenizer::from_file(&common::tokenizer_dir().join("tokenizer.json")).unwrap();
    let toks = t.tokenize_one(&"word ".repeat(400)).unwrap();
    let s = t.with_specials(&toks.ids, 16);
    assert_eq!(s.len(), 16);
    assert_eq!(s[0], 101); // [CLS]
    assert_eq!(s[15], 102); // [SEP]
}

/// The multilingual base encoder's XLM-R tokenizer (built by `scripts/setup.sh`) loads with its
/// own specials (`<s>` 0, `</s>` 2, `<pad>` 1) and reads Chinese in both scripts without `<unk>`.
#[test]
fn xlmr_tokenizer_uses_its_own_specials_and_reads_chinese() {
    let path = common::root().join("models/multilingual-e5-small/tokenizer.json");
    let t = TextTokenizer::from_file(&path)
        .expect("models/multilingual-e5-small is built by scripts/setup.sh");
    assert_eq!(t.pad_id(), 1);
    for text in [
        "中方坚决反对任何形式的“台独”分裂行径。",
        "中華民國與中華人民共和國互不隸屬。",
    ] {
        let toks = t.tokenize_one(text).unwrap();
        assert!(toks.ids.len() >= 5, "{text}: {:?}", toks.ids);
        assert!(!toks.ids.contains(&3), "{text}: <unk> in {:?}", toks.ids);
        let s = t.with_specials(&toks.ids, 64);
        assert_eq!((s[0], s[s.len() - 1]), (0, 2), "{text}: <s> … </s>");
        // Byte offsets land on character boundaries of the text.
        for (a, b) in &toks.offsets {
            assert!(text.is_char_boundary(*a) && text.is_char_boundary(*b));
        }
    }
}
