//! Every default value in one place. The command line (clap's `default_value_t`), the library's
//! `Default` impls and the README's option table all come from these; `tests/defaults.rs`
//! checks the README table against `stance <command> --help`.

/// Most sequences per inference batch.
pub const BATCH_SIZE: usize = 64;
/// Most padded tokens (rows × length) per inference batch.
pub const MAX_BATCH_TOKENS: usize = 8192;
/// Most inference streams `auto` picks (batches in flight at once, each worker on its share of
/// the threads): one per thread up to this many, so a many-core machine does not hold a batch's
/// activations per core.
pub const MAX_AUTO_STREAMS: usize = 4;

/// Inference streams for `threads` intra-op threads: one per thread, at most
/// [`MAX_AUTO_STREAMS`]. On 2 cores two single-threaded streams were 4–23% faster than one
/// stream splitting every GEMM (scripts/bench/HISTORY.md, "What changed").
pub fn streams(threads: usize) -> usize {
    threads.clamp(1, MAX_AUTO_STREAMS)
}

/// oneDNN primitives kept per inference stream (the CLI sets `ONEDNN_PRIMITIVE_CACHE_CAPACITY`
/// to this times the most streams `auto` starts on the machine, unless it is set). The fp32
/// engine's primitives ([`crate::model::onednn`]) are built per batch shape and each keeps a
/// scratch buffer for its activations: with oneDNN's default of 1,024 the 4,000 mixed
/// statements peaked at 1.00 GB RSS, with 4 per stream (8 on 2 cores) at 664 MB and no slower;
/// with none kept, 617 MB and about 4% slower (every call builds its primitive).
pub const ONEDNN_PRIMITIVES_PER_STREAM: usize = 4;

/// Most unit results one model's memo keeps within a run (about 25 MB at sentence lengths);
/// later repeats are still found within their group of documents.
pub const MEMO_UNITS: usize = 100_000;
/// Longest unit (statement, sentence or window) in tokens, specials included; capped by the
/// model's own limit.
pub const MAX_TOKENS: usize = 256;
/// In segmented documents, the probability a sentence's top stance label needs to decide the
/// document (tuned on the long-document dev set).
pub const MIN_STANCE_CONFIDENCE: f32 = 0.5;
/// Apply the annotation guide's actor rules after the model (a statement recorded as a news
/// outlet's, journalist's or commentator's is `off_topic`, GUIDE 5.14.47; one recorded as an
/// organ of the PRC party-state is never on the supports side, GUIDE 5.14.88;
/// `--no-actor-rules` turns them off).
pub const ACTOR_RULES: bool = true;
/// Records per chunk: the unit of length sorting and of commit.
pub const CHUNK_ROWS: usize = 4096;
/// Rejected / read above which a run reports failure (exit code 3).
pub const MAX_REJECT_RATE: f64 = 0.05;

/// Input column holding the statement text.
pub const TEXT_COL: &str = "text";
/// Input column holding a stable statement id.
pub const ID_COL: &str = "id";
/// Input column holding the statement date.
pub const DATE_COL: &str = "date";
/// Input column holding the actor.
pub const ACTOR_COL: &str = "actor";
/// Input column holding the speaker.
pub const SPEAKER_COL: &str = "speaker";
/// Input column holding the source document.
pub const SOURCE_COL: &str = "source";
/// Labelled corpora's label column.
pub const LABEL_COL: &str = "label";

/// Trends: column statements are grouped by.
pub const TRENDS_BY: &str = "actor";
/// Trends: stance-bearing statements a period needs on each side of a shift.
pub const MIN_STATEMENTS: u64 = 2;
/// Trends: move of the mean stance score (−2..+2) that counts as a shift even when the
/// dominant label stays the same.
pub const SHIFT_THRESHOLD: f64 = 1.0;
/// `stance eval`: the period of the trend cells it compares with the gold labels' (a labelled
/// split holds few statements per actor, so years, as the bundled sample's trends are read).
pub const EVAL_TRENDS_PERIOD: crate::trends::Period = crate::trends::Period::Year;
/// Trends: actors drawn in the chart.
pub const CHART_ACTORS: usize = 8;
/// Trends: the CJK font for chart labels (Chinese actor names), relative to the checkout;
/// `scripts/setup.sh` fetches it (Noto Sans SC Regular, SIL OFL 1.1). `$STANCE_CJK_FONT`
/// overrides it.
pub const CJK_FONT: &str = ".venv/fonts/NotoSansSC-Regular.otf";

/// Training: maximum epochs.
pub const EPOCHS: usize = 6;
/// Training: peak learning rate.
pub const LEARNING_RATE: f64 = 1e-4;
/// Training: examples per step.
pub const TRAIN_BATCH_SIZE: usize = 32;
/// Training: share of steps used for linear warmup.
pub const WARMUP: f64 = 0.1;
/// Training: decoupled weight decay.
pub const WEIGHT_DECAY: f64 = 0.01;
/// Training: gradient-norm clipping threshold.
pub const CLIP_NORM: f64 = 1.0;
/// Training: longest training sequence in tokens.
pub const TRAIN_MAX_TOKENS: usize = 256;
/// Training: random seed.
pub const SEED: u64 = 13;
/// Training: epochs without dev macro-F1 improvement before stopping.
pub const PATIENCE: usize = 2;
/// Training: label smoothing of the cross-entropy.
pub const LABEL_SMOOTHING: f64 = 0.0;
/// Training, for models that read the actor: share of training rows read without it.
pub const ACTOR_DROPOUT: f64 = 0.2;
/// Training, for models that read the actor: share of training rows read with another row's
/// actor (off unless asked for; see models/EXPERIMENTS.md, "Two levers").
pub const ACTOR_SWAP: f64 = 0.0;
/// Training: weight of the polarity-flip term (off unless asked for; see
/// models/EXPERIMENTS.md).
pub const FLIP_PENALTY: f64 = 0.0;
/// Distillation: weight of the teacher's term for labelled rows.
pub const DISTILL_WEIGHT: f64 = 0.5;
/// Distillation: softening temperature.
pub const DISTILL_TEMPERATURE: f64 = 2.0;

/// Routing: share of a statement's letters that must be Han characters for it to be read as
/// Chinese (by the multilingual model) rather than English.
pub const HAN_SHARE: f64 = 0.3;
/// The English model folder in `models/` read when no model is named (`--model`,
/// `$STANCE_MODEL`), and the default `--name` of a trained model.
pub const DEFAULT_MODEL_NAME: &str = "stance-minilm-v3";
/// The fast tier's model folder in `models/` (`classify --fast`): a 3-layer student distilled
/// from the default model.
pub const FAST_MODEL_NAME: &str = "stance-minilm-fast-v3";
/// The fast tier's arithmetic when none is named: int8 on top of the student (issue 15: "int8 on
/// top if it pays"). On the bench's mixed corpus it doubles the student's speed (about 6x ONNX
/// Runtime fp32 with AVX-512 VNNI, 4x with AVX2, against about 3x in fp32) and, since the int8
/// of 2026-12-05, costs nothing on the real test split (macro-F1 0.765 against the student's
/// 0.760 in fp32 and the default model's 0.764).
pub const FAST_TIER_PRECISION: crate::model::Precision = crate::model::Precision::Int8;
/// The model Chinese statements are routed to when no model is named.
pub const CHINESE_MODEL_NAME: &str = "stance-multilingual-v7";
/// Packing: the tensor a packed model folder must take from its base (the word-embedding table
/// that `--freeze-word-embeddings` keeps at the base weights).
pub const PACK_FROM_BASE: &str = crate::train::WORD_EMBEDDINGS;
/// Sampling: statements proposed per batch.
pub const SAMPLE_N: usize = 200;
/// Sampling: share of the batch drawn uniformly at random before any strategy (kept apart for
/// unbiased evaluation).
pub const RANDOM_SHARE: f64 = 0.10;

/// Audit: folds of the cross-fitting (each fold's model scores only the rows it never saw).
pub const AUDIT_FOLDS: usize = 5;
/// Audit: top rows of the ranking listed in `summary.md`.
pub const AUDIT_SUMMARY_ROWS: usize = 50;
