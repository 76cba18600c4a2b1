//! # strait-stance
//!
//! Labels diplomatic statements with their stance toward Taiwan independence — `opposes`,
//! `does_not_support`, `neutral`, `leans_supports`, `supports` or `off_topic` — using a
//! fine-tuned BERT classifier run through libtorch, and writes Parquet datasets that analysts
//! load into dataframes.
//!
//! The `classify` pipeline, stage by stage:
//!
//! 1. **read** ([`input`]): JSONL, CSV or Parquet inputs are streamed in chunks; each record
//!    becomes a [`input::Record`] or a [`input::Reject`] with a reason, never a crash.
//! 2. **tokenize** ([`segment`], [`tokenize`], [`batch`]): each text is split into sentences,
//!    tokenized with the model's `tokenizer.json`, sorted by length into buckets and padded per
//!    batch with an explicit attention mask.
//! 3. **classify** ([`model`], [`classify`]): a verified Hugging Face checkpoint computes
//!    calibrated probabilities for every sentence; documents take the label of their deciding
//!    sentence, which is kept as evidence. A unit the model already read in this run is not
//!    read again ([`memo`]); batches run on one stream per thread, at most 4 ([`streams`]).
//!    The annotation guide's actor rules then apply ([`actors`]): a statement recorded as a
//!    news outlet's or a journalist's is `off_topic`, as the guide labels it.
//! 4. **write** ([`output`], [`run`]): predictions, sentences and rejects are committed to a
//!    Hive-partitioned Parquet dataset chunk by chunk (temp file → fsync → rename), with a run
//!    manifest that accounts for every record; or streamed as JSON lines.
//!
//! Around it: [`train`] fine-tunes and calibrates models, [`eval`] measures them, and
//! [`trends`] turns a predictions dataset into per-actor time series, shift alerts and charts.
//! The library never prints; long operations report through [`report::Reporter`].

pub mod actors;
pub mod batch;
pub mod classify;
pub mod defaults;
pub mod eval;
pub mod fsio;
pub mod hash;
pub mod input;
pub mod labelling;
pub mod labels;
pub mod language;
pub mod memo;
pub mod model;
pub mod output;
pub mod report;
pub mod run;
pub mod segment;
pub mod streams;
pub mod tokenize;
pub mod train;
pub mod trends;

pub use labels::Label;
