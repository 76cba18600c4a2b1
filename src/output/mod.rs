//! Output tables: the predictions, sentences and rejects schemas, the Hive-partitioned Parquet
//! dataset with its commit protocol, and the JSONL stream for `--out -`.

pub mod dataset;
pub mod frames;
pub mod stream;

use std::fs::File;
use std::io::Write;
use std::path::Path;

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

/// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, fsync the
/// folder. Readers see the old file or the new one, never a torn one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// fsyncs a directory so a rename in it survives a power cut.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}
