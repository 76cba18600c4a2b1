//! What a classify run is asked to do, and the rules its settings must follow together.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use crate::classify::{ClassifierSettings, Segmentation};
use crate::input::{ColumnMap, InputSpec};

/// Where results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    /// A Parquet dataset folder.
    Dataset(PathBuf),
    /// JSON lines on stdout, one per input line, in order.
    Stdout,
}

/// What the `predictions` table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// One row per document (sentences go to the `sentences` table).
    #[default]
    Document,
    /// One row per sentence.
    Sentence,
}

/// `--shard K/N`: this worker handles texts whose hash falls in bucket K of N (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// This worker's bucket, `0..count`.
    pub index: u32,
    /// Number of workers.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("shard {s:?} is not K/N (e.g. 0/4)"))?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("bad shard index {k:?}"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("bad shard count {n:?}"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: need 0 <= K < N (shards are numbered from 0)"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a hex sha256 falls in this shard.
    pub fn owns(&self, sha_hex: &str) -> bool {
        let prefix = u64::from_str_radix(&sha_hex[..16.min(sha_hex.len())], 16).unwrap_or(0);
        prefix % u64::from(self.count) == u64::from(self.index)
    }
}

/// Settings of one classify run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Inputs, read in order.
    pub inputs: Vec<InputSpec>,
    /// Column names.
    pub columns: ColumnMap,
    /// Destination.
    pub output: OutputTarget,
    /// Document classifier settings.
    pub classifier: ClassifierSettings,
    /// Records per chunk (the unit of commit and of length-sorting).
    pub chunk_rows: usize,
    /// Classify even statements already in the dataset.
    pub reclassify: bool,
    /// Shard of the input this worker handles.
    pub shard: Option<Shard>,
    /// Rejected / read above which the run reports failure (exit code 3).
    pub max_reject_rate: f64,
    /// What `predictions` holds.
    pub granularity: Granularity,
    /// Write the `sentences` table.
    pub write_sentences: bool,
    /// Overrides the run id (tests).
    pub run_id: Option<String>,
    /// Overrides the partition date (tests, backfills).
    pub run_date: Option<NaiveDate>,
    /// libtorch intra-op threads used (recorded in the manifest).
    pub threads: usize,
}

impl RunSettings {
    /// Checks the settings against each other; every rule about how they combine lives here.
    /// Also resolves one dependency: sentence rows need every sentence classified, so
    /// `Auto` segmentation becomes `Sentences` at sentence granularity.
    pub fn validate(&mut self) -> Result<(), String> {
        self.classifier.validate()?;
        if self.output == OutputTarget::Stdout && self.shard.is_some() {
            return Err("sharding needs a dataset output: a JSON stream gives every input line an output line".into());
        }
        if self.inputs.iter().filter(|s| s.path.is_none()).count() > 1 {
            return Err("standard input can be read only once".into());
        }
        if !(0.0..=1.0).contains(&self.max_reject_rate) {
            return Err(format!(
                "the maximum reject rate must be between 0 and 1 (got {})",
                self.max_reject_rate
            ));
        }
        if self.chunk_rows == 0 {
            return Err("chunks need at least 1 record".into());
        }
        if self.granularity == Granularity::Sentence
            && self.classifier.segmentation == Segmentation::Auto
        {
            self.classifier.segmentation = Segmentation::Sentences;
        }
        Ok(())
    }

    /// Whether sentence rows are built at all (for the sentences table or as predictions).
    pub fn needs_sentence_rows(&self) -> bool {
        self.write_sentences || self.granularity == Granularity::Sentence
    }
}
