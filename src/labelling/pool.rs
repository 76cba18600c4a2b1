//! The pool `stance sample` chooses from: the statements of a predictions dataset as one model
//! version classified them, with every other version's probabilities for the same text (the
//! committee), minus statements already labelled, one per near-duplicate group.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::Value;

use super::norm_key;
use crate::input::{read_all, ColumnMap, InputError, InputSpec};
use crate::labels::{Label, NUM_LABELS};
use crate::output::dataset::{part_files, DatasetError};
use crate::output::schema::{PARTITION_COLUMN, PREDICTIONS};

/// Why the pool cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The dataset could not be listed.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// The folder holds no predictions.
    #[error("no predictions under {}", .0.join("predictions").display())]
    NoPredictions(PathBuf),
    /// A part file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The part file.
        path: PathBuf,
        /// Polars' error.
        #[source]
        source: PolarsError,
    },
    /// A part file lacks a column or has it with the wrong type.
    #[error("{}: column {column:?}: {message}", path.display())]
    Column {
        /// The part file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// The model asked for is not in the dataset, or is ambiguous.
    #[error("{0}")]
    Model(String),
    /// A labelled corpus to exclude could not be read.
    #[error("cannot read the labelled corpus {}", path.display())]
    Exclude {
        /// The corpus.
        path: PathBuf,
        /// Why.
        #[source]
        source: InputError,
    },
}

/// One row of the predictions table.
#[derive(Debug, Clone)]
pub struct Prediction {
    /// Statement id.
    pub id: String,
    /// The statement.
    pub text: String,
    /// sha256 of the text.
    pub text_sha256: String,
    /// Calibrated probabilities in [`Label::ALL`] order.
    pub probs: [f32; NUM_LABELS],
    /// Predicted label.
    pub label: Label,
    /// Probability of the label.
    pub confidence: f32,
    /// Model name.
    pub model: String,
    /// Model digest.
    pub model_sha256: String,
    /// When it was classified (µs since the epoch, UTC).
    pub classified_at: i64,
    /// Statement date.
    pub date: Option<NaiveDate>,
    /// Actor.
    pub actor: Option<String>,
    /// Speaker.
    pub speaker: Option<String>,
    /// Source document.
    pub source: Option<String>,
    /// Every passthrough column of the input (name, JSON value), nulls left out.
    pub extra: Vec<(String, Value)>,
}

/// A statement that may be proposed for labelling.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The chosen model's latest prediction for it.
    pub pred: Prediction,
    /// The latest probabilities of every model version that classified the same text, the
    /// chosen model's first.
    pub members: Vec<[f32; NUM_LABELS]>,
    /// Near-duplicate key ([`norm_key`]).
    pub key: String,
}

/// Ids and near-duplicate keys of statements that are already labelled.
#[derive(Debug, Clone, Default)]
pub struct Labelled {
    /// Statement ids.
    pub ids: HashSet<String>,
    /// Near-duplicate keys of their texts.
    pub keys: HashSet<String>,
}

impl Labelled {
    /// Reads labelled corpora (JSONL, CSV or Parquet with a `text` and, optionally, an `id`
    /// column). Records without a text are ignored: they cannot match anything.
    pub fn read(paths: &[PathBuf]) -> Result<Labelled, PoolError> {
        let mut out = Labelled::default();
        for p in paths {
            let err = |source| PoolError::Exclude {
                path: p.clone(),
                source,
            };
            let spec = InputSpec::parse(p).map_err(err)?;
            let all = read_all(&spec, &ColumnMap::default()).map_err(err)?;
            for r in all.records {
                out.keys.insert(norm_key(&r.text));
                if let Some(id) = r.id {
                    out.ids.insert(id);
                }
            }
        }
        Ok(out)
    }

    /// Whether a statement is already labelled (same id or same normalised text).
    pub fn contains(&self, id: &str, key: &str) -> bool {
        self.ids.contains(id) || self.keys.contains(key)
    }
}

/// The pool and how it was built.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Digest of the model whose predictions are proposed.
    pub model_sha256: String,
    /// Model versions in the dataset.
    pub models: usize,
    /// Candidates, one per near-duplicate group, ordered by id.
    pub candidates: Vec<Candidate>,
    /// Statements left out because they are already labelled.
    pub excluded: usize,
    /// Statements left out as near-duplicates of a candidate.
    pub duplicates: usize,
}

/// Reads every row of `root/predictions` (the root may also be given as its `predictions`
/// folder).
pub fn read_predictions(root: &Path) -> Result<Vec<Prediction>, PoolError> {
    let root = if root.join("predictions").is_dir() {
        root.to_path_buf()
    } else if root.file_name().is_some_and(|n| n == "predictions") {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        root.to_path_buf()
    };
    let files = part_files(&root, "predictions")?;
    if files.is_empty() {
        return Err(PoolError::NoPredictions(root));
    }
    let mut out = Vec::new();
    for f in &files {
        let file = std::fs::File::open(f).map_err(|e| PoolError::Read {
            path: f.clone(),
            source: e.into(),
        })?;
        let df = ParquetReader::new(file)
            .finish()
            .map_err(|source| PoolError::Read {
                path: f.clone(),
                source,
            })?;
        out.extend(PartColumns::of(&df, f)?.rows());
    }
    Ok(out)
}

/// The columns of one part file, typed.
struct PartColumns {
    strings: HashMap<&'static str, Vec<Option<String>>>,
    probs: Vec<Vec<Option<f32>>>,
    classified_at: Vec<Option<i64>>,
    dates: Vec<Option<i32>>,
    extra: Vec<(String, Column)>,
    height: usize,
}

const STRING_COLUMNS: [&str; 9] = [
    "id",
    "text",
    "text_sha256",
    "label",
    "model",
    "model_sha256",
    "actor",
    "speaker",
    "source",
];

impl PartColumns {
    fn of(df: &DataFrame, path: &Path) -> Result<PartColumns, PoolError> {
        let bad = |column: &str, e: PolarsError| PoolError::Column {
            path: path.to_path_buf(),
            column: column.to_string(),
            message: e.to_string(),
        };
        let get = |name: &str, dtype: &DataType| -> Result<Column, PoolError> {
            df.column(name)
                .and_then(|c| c.cast(dtype))
                .map_err(|e| bad(name, e))
        };
        let mut strings = HashMap::new();
        for name in STRING_COLUMNS {
            let c = get(name, &DataType::String)?;
            let s = c.str().map_err(|e| bad(name, e))?;
            strings.insert(name, s.iter().map(|v| v.map(str::to_string)).collect());
        }
        let mut probs = Vec::new();
        for l in Label::ALL {
            let name = l.prob_column();
            let c = get(&name, &DataType::Float32)?;
            probs.push(c.f32().map_err(|e| bad(&name, e))?.iter().collect());
        }
        let ts = get("classified_at", &DataType::Int64)?;
        let dates = get("date", &DataType::Date)?;
        let dates = dates.date().map_err(|e| bad("date", e))?;
        let core = PREDICTIONS.names();
        let extra = df
            .columns()
            .iter()
            .filter(|c| !core.contains(&c.name().as_str()) && c.name() != PARTITION_COLUMN)
            .map(|c| (c.name().to_string(), c.clone()))
            .collect();
        Ok(PartColumns {
            strings,
            probs,
            classified_at: ts
                .i64()
                .map_err(|e| bad("classified_at", e))?
                .iter()
                .collect(),
            dates: dates.phys.iter().collect(),
            extra,
            height: df.height(),
        })
    }

    fn string(&self, name: &str, i: usize) -> Option<String> {
        self.strings.get(name).and_then(|v| v[i].clone())
    }

    /// Rows with a known label (rows whose label is not one of the six are skipped).
    fn rows(&self) -> Vec<Prediction> {
        (0..self.height).filter_map(|i| self.row(i)).collect()
    }

    fn row(&self, i: usize) -> Option<Prediction> {
        let label: Label = self.string("label", i)?.parse().ok()?;
        let mut probs = [0f32; NUM_LABELS];
        for (k, p) in probs.iter_mut().enumerate() {
            *p = self.probs[k][i].unwrap_or(0.0);
        }
        let extra = self
            .extra
            .iter()
            .filter_map(|(name, c)| {
                let v = any_to_json(c.get(i).ok()?);
                (!v.is_null()).then(|| (name.clone(), v))
            })
            .collect();
        Some(Prediction {
            id: self.string("id", i)?,
            text: self.string("text", i)?,
            text_sha256: self.string("text_sha256", i).unwrap_or_default(),
            confidence: probs[label.index()],
            probs,
            label,
            model: self.string("model", i).unwrap_or_default(),
            model_sha256: self.string("model_sha256", i).unwrap_or_default(),
            classified_at: self.classified_at[i].unwrap_or(0),
            date: self.dates[i].map(from_epoch_days),
            actor: self.string("actor", i),
            speaker: self.string("speaker", i),
            source: self.string("source", i),
            extra,
        })
    }
}

fn from_epoch_days(days: i32) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch + chrono::Duration::days(i64::from(days))
}

/// A passthrough cell as JSON (numbers, booleans and strings keep their type; anything else
/// is written as text).
fn any_to_json(v: AnyValue) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(x) => x.into(),
        AnyValue::Int16(x) => x.into(),
        AnyValue::Int32(x) => x.into(),
        AnyValue::Int64(x) => x.into(),
        AnyValue::UInt8(x) => x.into(),
        AnyValue::UInt16(x) => x.into(),
        AnyValue::UInt32(x) => x.into(),
        AnyValue::UInt64(x) => x.into(),
        AnyValue::Float32(x) => {
            serde_json::Number::from_f64(f64::from(x)).map_or(Value::Null, Value::Number)
        }
        AnyValue::Float64(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
        other => Value::String(other.to_string()),
    }
}

/// The digest of the model to sample from: the one whose sha256 starts with `prefix`, else the
/// model of the most recent classification.
fn choose_model(preds: &[Prediction], prefix: Option<&str>) -> Result<String, PoolError> {
    let shas: std::collections::BTreeSet<&str> =
        preds.iter().map(|p| p.model_sha256.as_str()).collect();
    match prefix {
        Some(prefix) => {
            let found: Vec<&&str> = shas.iter().filter(|s| s.starts_with(prefix)).collect();
            match found.as_slice() {
                [one] => Ok(one.to_string()),
                [] => Err(PoolError::Model(format!(
                    "no predictions by a model whose sha256 starts with {prefix:?}"
                ))),
                _ => Err(PoolError::Model(format!(
                    "{prefix:?} matches several models; give more of the sha256"
                ))),
            }
        }
        None => Ok(preds
            .iter()
            .max_by_key(|p| p.classified_at)
            .map(|p| p.model_sha256.clone())
            .unwrap_or_default()),
    }
}

/// Builds the pool: the latest prediction of each statement by the chosen model, with the
/// committee of every version's latest probabilities for its text; statements already
/// labelled are left out, and of near-duplicates (same [`norm_key`]) the one with the
/// smallest id stays.
pub fn build(
    mut preds: Vec<Prediction>,
    model: Option<&str>,
    labelled: &Labelled,
) -> Result<Pool, PoolError> {
    let model_sha256 = choose_model(&preds, model)?;
    preds.sort_by_key(|p| std::cmp::Reverse(p.classified_at));
    // Latest probabilities per (text, model version).
    let mut versions: HashMap<&str, BTreeMap<&str, [f32; NUM_LABELS]>> = HashMap::new();
    for p in &preds {
        versions
            .entry(p.text_sha256.as_str())
            .or_default()
            .entry(p.model_sha256.as_str())
            .or_insert(p.probs);
    }
    let models = preds
        .iter()
        .map(|p| p.model_sha256.as_str())
        .collect::<HashSet<_>>()
        .len();
    let mut seen = HashSet::new();
    let mut latest: Vec<&Prediction> = preds
        .iter()
        .filter(|p| p.model_sha256 == model_sha256)
        .filter(|p| seen.insert((p.id.as_str(), p.text_sha256.as_str())))
        .collect();
    latest.sort_by(|a, b| a.id.cmp(&b.id).then(a.text_sha256.cmp(&b.text_sha256)));
    let (mut excluded, mut duplicates) = (0, 0);
    let mut keys = HashSet::new();
    let mut candidates = Vec::new();
    for p in latest {
        let key = norm_key(&p.text);
        if labelled.contains(&p.id, &key) {
            excluded += 1;
        } else if !keys.insert(key.clone()) {
            duplicates += 1;
        } else {
            let mut members = vec![p.probs];
            if let Some(v) = versions.get(p.text_sha256.as_str()) {
                members.extend(
                    v.iter()
                        .filter(|(m, _)| **m != model_sha256)
                        .map(|(_, q)| *q),
                );
            }
            candidates.push(Candidate {
                pred: p.clone(),
                members,
                key,
            });
        }
    }
    Ok(Pool {
        model_sha256,
        models,
        candidates,
        excluded,
        duplicates,
    })
}
