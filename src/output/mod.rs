//! Output tables: the predictions, sentences and rejects schemas, the Hive-partitioned Parquet
//! dataset with its commit protocol, and the JSONL stream for `--out -`.

pub mod cells;
pub mod dataset;
pub mod frames;
pub mod schema;
pub mod stream;

pub use dataset::{DatasetWriter, ExistingKeys};
pub use frames::{PassthroughTypes, PredictionRow, RowContext, SentenceRow};
