//! Output tables: the predictions, sentences and rejects schemas, the Hive-partitioned Parquet
//! dataset with its commit protocol, and the JSONL stream for `--out -`.

pub mod dataset;
pub mod frames;
pub mod stream;

pub use dataset::{DatasetWriter, ExistingKeys};
pub use frames::{PassthroughTypes, PredictionRow, RowContext, SentenceRow};

/// The predictions table's fixed columns, in order (passthrough columns follow). Later work
/// may add columns; these are never renamed.
pub const PREDICTION_COLUMNS: &[&str] = &[
    "id",
    "text",
    "text_sha256",
    "label",
    "confidence",
    "stance_score",
    "p_opposes",
    "p_does_not_support",
    "p_neutral",
    "p_leans_supports",
    "p_supports",
    "p_off_topic",
    "model",
    "model_sha256",
    "classified_at",
    "date",
    "actor",
    "speaker",
    "source",
    "evidence",
    "evidence_start",
    "evidence_end",
    "n_sentences",
    "warning",
    "run_id",
];
