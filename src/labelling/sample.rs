//! `stance sample`: which statements to label next, written for annotation tools.
//!
//! One JSON object per line, which Prodigy reads as a task and Argilla 2.x as a record (the
//! README's "Labelling loop" gives the exact mapping):
//!
//! ```json
//! {"id": "smp-001", "text": "…",
//!  "meta": {"id": "smp-001", "text_sha256": "…", "actor": "…", "date": "2016-10-27",
//!           "model": "stance-minilm-v3", "model_sha256": "…", "strategy": "ordinal",
//!           "score": 0.61, "random_slice": false, "predicted_label": "supports", …},
//!  "options": [{"id": "opposes", "text": "opposes (-2)"}, …],
//!  "accept": [],
//!  "suggestion": {"label": "supports", "score": 0.52, "agent": "stance-minilm-v3@8d5ef16aa4f3",
//!                 "probabilities": {"opposes": 0.01, …}},
//!  "suggested_label": "supports", "suggested_score": 0.52, "suggested_agent": "…",
//!  "actor": "…", "date": "2016-10-27", "strategy": "ordinal", "random_slice": "false",
//!  "model_sha256": "…"}
//! ```
//!
//! `meta` carries every source field (passthrough columns such as `doc_id` or `source_url`);
//! `accept` is left empty so annotators choose without the model's answer pre-selected. The
//! flat keys at the end are for Argilla, whose importer reads top-level keys only. The CSV
//! beside it (same stem, `.csv`) has one row per statement and an empty `label` column to fill.

use std::path::PathBuf;

use chrono::Datelike;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::{json, Map, Value};

use super::pool::{self, Candidate, Labelled, Pool, PoolError};
use super::select::{select, Item, Pick, Scores, SelectSettings};
use super::strategy::Strategy;
use crate::labels::Label;
use crate::report::Reporter;

/// Settings of `stance sample`.
#[derive(Debug, Clone)]
pub struct SampleSettings {
    /// Dataset written by `stance classify` (or its `predictions` folder).
    pub predictions: PathBuf,
    /// Statements to propose.
    pub n: usize,
    /// The JSONL file to write (the CSV goes beside it).
    pub out: PathBuf,
    /// Strategy.
    pub strategy: Strategy,
    /// Share of the batch drawn at random first.
    pub random_share: f64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Model digest (or prefix) whose predictions to propose; default: the latest run's.
    pub model: Option<String>,
    /// Labelled corpora whose statements are never proposed.
    pub exclude: Vec<PathBuf>,
}

impl SampleSettings {
    /// Checks the settings; the message names the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.n == 0 {
            return Err("the batch size must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.random_share) {
            return Err(format!(
                "the random share must be in [0, 1], not {}",
                self.random_share
            ));
        }
        let ext = self.out.extension().and_then(|e| e.to_str());
        if !matches!(ext, Some("jsonl" | "ndjson")) {
            return Err(format!(
                "the output file {} must end in .jsonl or .ndjson (the CSV is written beside it)",
                self.out.display()
            ));
        }
        Ok(())
    }

    /// The CSV written beside the JSONL file.
    pub fn csv_path(&self) -> PathBuf {
        self.out.with_extension("csv")
    }
}

/// Why sampling failed.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// Invalid settings.
    #[error("invalid settings: {0}")]
    Settings(String),
    /// The pool could not be built.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// An output file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What `stance sample` did.
#[derive(Debug, Clone)]
pub struct SampleReport {
    /// The model whose predictions were proposed.
    pub model_sha256: String,
    /// Model versions in the dataset.
    pub models: usize,
    /// Statements that could be proposed.
    pub pool: usize,
    /// Statements left out as already labelled.
    pub excluded: usize,
    /// Statements left out as near-duplicates.
    pub duplicates: usize,
    /// Chosen statements per strategy (name, count), random slice under `random`.
    pub by_strategy: Vec<(String, usize)>,
    /// Chosen statements per predicted label.
    pub by_label: Vec<(String, usize)>,
    /// Statements written.
    pub written: usize,
    /// Notes on fallbacks and relaxed quotas.
    pub notes: Vec<String>,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Chooses the batch and writes the JSONL and CSV files.
pub fn run(s: &SampleSettings, reporter: &dyn Reporter) -> Result<SampleReport, SampleError> {
    s.validate().map_err(SampleError::Settings)?;
    reporter.begin("reading predictions", None);
    let labelled = Labelled::read(&s.exclude)?;
    let preds = pool::read_predictions(&s.predictions)?;
    reporter.advance(preds.len() as u64);
    let pool = pool::build(preds, s.model.as_deref(), &labelled)?;
    reporter.end();
    let items: Vec<Item> = pool.candidates.iter().map(item).collect();
    let selection = select(
        &items,
        &SelectSettings {
            n: s.n,
            strategy: s.strategy,
            random_share: s.random_share,
            seed: s.seed,
        },
    );
    // Present the batch in a seeded random order, so no strategy's picks come in a block.
    let mut picks = selection.picks.clone();
    picks.shuffle(&mut StdRng::seed_from_u64(s.seed.wrapping_add(1)));
    let jsonl = jsonl_lines(&pool, &picks);
    let csv = csv_text(&pool, &picks).map_err(|source| SampleError::Write {
        path: s.csv_path(),
        source,
    })?;
    let files = vec![s.out.clone(), s.csv_path()];
    for (path, bytes) in files.iter().zip([jsonl.as_bytes(), csv.as_slice()]) {
        crate::fsio::atomic_write(path, bytes).map_err(|source| SampleError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(report(&pool, &picks, selection.notes, files))
}

/// The selection's view of a candidate.
fn item(c: &Candidate) -> Item {
    Item {
        key: c.key.clone(),
        actor: c
            .pred
            .actor
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "unknown".into()),
        year: c.pred.date.map(|d| d.year()),
        label: c.pred.label,
        scores: Scores::of(&c.pred.probs, &c.members),
    }
}

fn counts<I: Iterator<Item = String>>(it: I) -> Vec<(String, usize)> {
    let mut m = std::collections::BTreeMap::new();
    for k in it {
        *m.entry(k).or_insert(0) += 1;
    }
    m.into_iter().collect()
}

fn report(pool: &Pool, picks: &[Pick], notes: Vec<String>, files: Vec<PathBuf>) -> SampleReport {
    SampleReport {
        model_sha256: pool.model_sha256.clone(),
        models: pool.models,
        pool: pool.candidates.len(),
        excluded: pool.excluded,
        duplicates: pool.duplicates,
        by_strategy: counts(picks.iter().map(|p| p.strategy.as_str().to_string())),
        by_label: counts(
            picks
                .iter()
                .map(|p| pool.candidates[p.index].pred.label.as_str().to_string()),
        ),
        written: picks.len(),
        notes,
        files,
    }
}

/// Rounds a probability or score for output (6 decimals keep files readable).
fn round6(x: f64) -> Value {
    serde_json::Number::from_f64((x * 1e6).round() / 1e6).map_or(Value::Null, Value::Number)
}

/// `meta`: the statement's identity and source fields, the model and why it was chosen.
fn meta(c: &Candidate, pick: &Pick) -> Map<String, Value> {
    let p = &c.pred;
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("text_sha256".into(), json!(p.text_sha256));
    m.insert("actor".into(), json!(p.actor));
    m.insert("date".into(), json!(p.date.map(|d| d.to_string())));
    m.insert("speaker".into(), json!(p.speaker));
    m.insert("source".into(), json!(p.source));
    m.insert("model".into(), json!(p.model));
    m.insert("model_sha256".into(), json!(p.model_sha256));
    m.insert("strategy".into(), json!(pick.strategy.as_str()));
    m.insert("score".into(), pick.score.map_or(Value::Null, round6));
    m.insert("random_slice".into(), json!(pick.random_slice));
    m.insert("predicted_label".into(), json!(p.label.as_str()));
    m.insert("models_compared".into(), json!(c.members.len()));
    for (name, v) in &p.extra {
        let name = if m.contains_key(name) {
            format!("input_{name}")
        } else {
            name.clone()
        };
        m.insert(name, v.clone());
    }
    m.retain(|_, v| !v.is_null());
    m
}

/// The model's suggestion: label, its probability, the agent and every probability.
fn suggestion(c: &Candidate) -> Value {
    let p = &c.pred;
    let probs: Map<String, Value> = Label::ALL
        .iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                round6(f64::from(p.probs[l.index()])),
            )
        })
        .collect();
    json!({
        "label": p.label.as_str(),
        "score": round6(f64::from(p.confidence)),
        "agent": agent(c),
        "probabilities": probs,
    })
}

fn agent(c: &Candidate) -> String {
    let sha = &c.pred.model_sha256;
    format!("{}@{}", c.pred.model, &sha[..12.min(sha.len())])
}

/// The six labels as Prodigy `choice` options.
fn options() -> Value {
    Value::Array(
        Label::ALL
            .iter()
            .map(|l| {
                let text = match l.score() {
                    Some(s) => format!("{} ({:+})", l.as_str(), s as i32),
                    None => l.as_str().to_string(),
                };
                json!({"id": l.as_str(), "text": text})
            })
            .collect(),
    )
}

/// One JSON line per pick.
fn jsonl_lines(pool: &Pool, picks: &[Pick]) -> String {
    let mut out = String::new();
    for pick in picks {
        let c = &pool.candidates[pick.index];
        let p = &c.pred;
        let line = json!({
            "id": p.id,
            "text": p.text,
            "meta": meta(c, pick),
            "options": options(),
            "accept": [],
            "suggestion": suggestion(c),
            "suggested_label": p.label.as_str(),
            "suggested_score": round6(f64::from(p.confidence)),
            "suggested_agent": agent(c),
            "actor": p.actor.clone().unwrap_or_default(),
            "date": p.date.map(|d| d.to_string()).unwrap_or_default(),
            "strategy": pick.strategy.as_str(),
            "random_slice": pick.random_slice.to_string(),
            "model_sha256": p.model_sha256,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 13] = [
    "id",
    "text",
    "label",
    "annotator",
    "suggested_label",
    "suggested_score",
    "strategy",
    "score",
    "random_slice",
    "actor",
    "date",
    "model",
    "model_sha256",
];

/// The CSV: one row per pick, `label` and `annotator` empty for the annotator to fill.
fn csv_text(pool: &Pool, picks: &[Pick]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    for pick in picks {
        let p = &pool.candidates[pick.index].pred;
        w.write_record([
            p.id.as_str(),
            p.text.as_str(),
            "",
            "",
            p.label.as_str(),
            &format!("{:.6}", p.confidence),
            pick.strategy.as_str(),
            &pick.score.map(|s| format!("{s:.6}")).unwrap_or_default(),
            if pick.random_slice { "true" } else { "false" },
            p.actor.as_deref().unwrap_or(""),
            &p.date.map(|d| d.to_string()).unwrap_or_default(),
            p.model.as_str(),
            p.model_sha256.as_str(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error())
}
