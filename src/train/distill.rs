//! Knowledge distillation (`stance train --teacher`): a fine-tuned teacher model reads every
//! training row, plus an optional pool of unlabelled statements, and its softened reading
//! becomes a second target for the model being trained (Hinton, Vinyals and Dean, 2015).
//!
//! The teacher reads through the classify pipeline, so its soft target is the calibrated
//! distribution `stance classify` would report, softened further by the distillation
//! temperature T: q_j ∝ p_j^(1/T). The loss of a batch is
//! (1 − w) · cross-entropy(gold) + w · T² · cross-entropy(q, softmax(logits / T)),
//! the first term over the labelled rows only (pool rows have no gold label).
//!
//! A teacher `stance` cannot load (a bigger encoder of another architecture, fine-tuned in
//! Python) gives its readings as a file instead ([`Teacher::Readings`]): one JSONL row per
//! distinct statement text, `{"text": …, "probs": {"opposes": p, …}}`, probabilities as the
//! teacher reports them (temperature 1); each training and pool statement is looked up by its
//! exact text, and one without a reading is an error.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::TrainError;
use crate::classify::{classify_in_groups, ClassifierSettings, Statement};
use crate::labels::{Label, NUM_LABELS};
use crate::model::{LoadOptions, StanceModel};
use crate::report::Reporter;

/// Who reads the statements.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Teacher {
    /// A verified stance model folder, read through the classify pipeline.
    Model(PathBuf),
    /// A JSONL file of readings computed elsewhere, keyed by statement text.
    Readings(PathBuf),
}

impl Teacher {
    /// The folder or file named.
    pub fn path(&self) -> &Path {
        match self {
            Teacher::Model(p) | Teacher::Readings(p) => p,
        }
    }
}

/// Where the soft targets come from and how much they weigh.
#[derive(Debug, Clone, Serialize)]
pub struct Distillation {
    /// The teacher: a model, or its readings.
    pub teacher: Teacher,
    /// Unlabelled statements (any input format with a text column) the teacher also reads.
    pub pool: Vec<PathBuf>,
    /// Weight w of the soft term for labelled rows (0–1); pool rows have only the soft term.
    pub weight: f64,
    /// Softening temperature T (≥ 1 flattens the teacher's reading).
    pub temperature: f64,
}

/// The teacher's softened reading of every statement, in order.
pub(super) fn soft_targets(
    d: &Distillation,
    docs: &[Statement<'_>],
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<Vec<[f32; NUM_LABELS]>, TrainError> {
    let probs = match &d.teacher {
        Teacher::Model(dir) => model_readings(dir, docs, reporter, cancel)?,
        Teacher::Readings(file) => looked_up(file, docs)?,
    };
    Ok(probs.iter().map(|p| soften(p, d.temperature)).collect())
}

/// A stance model's reading of every statement, in order.
fn model_readings(
    dir: &Path,
    docs: &[Statement<'_>],
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<Vec<[f32; NUM_LABELS]>, TrainError> {
    let teacher = StanceModel::load(dir, &LoadOptions::default())?;
    reporter.begin("teacher", Some(docs.len() as u64));
    let results = classify_in_groups(
        &teacher,
        docs,
        &ClassifierSettings::model_only(),
        cancel,
        |n| reporter.advance(n as u64),
    );
    reporter.end();
    Ok(results?.iter().map(|r| r.probs).collect())
}

/// Every statement's reading from a readings file, in order.
fn looked_up(file: &Path, docs: &[Statement<'_>]) -> Result<Vec<[f32; NUM_LABELS]>, TrainError> {
    let readings = read_readings(file)?;
    docs.iter()
        .map(|doc| {
            readings.get(doc.text).copied().ok_or_else(|| {
                let start: String = doc.text.chars().take(60).collect();
                TrainError::Readings {
                    path: file.to_path_buf(),
                    line: None,
                    message: format!("no reading of the statement \"{start}…\""),
                }
            })
        })
        .collect()
}

/// One row of a readings file.
#[derive(serde::Deserialize)]
struct ReadingRow {
    text: String,
    probs: HashMap<String, f64>,
}

/// A readings file as text → probabilities (checked: every label once, non-negative, sum 1).
pub fn read_readings(file: &Path) -> Result<HashMap<String, [f32; NUM_LABELS]>, TrainError> {
    let io = |source| TrainError::Io {
        path: file.to_path_buf(),
        source,
    };
    let reader = std::io::BufReader::new(std::fs::File::open(file).map_err(io)?);
    let mut out: HashMap<String, [f32; NUM_LABELS]> = HashMap::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| TrainError::Readings {
            path: file.to_path_buf(),
            line: Some(i + 1),
            message,
        };
        let row: ReadingRow = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        let probs = reading_probs(&row.probs).map_err(bad)?;
        match out.get(&row.text) {
            Some(seen) if seen != &probs => {
                return Err(bad("a second, different reading of the same text".into()))
            }
            _ => {
                out.insert(row.text, probs);
            }
        }
    }
    Ok(out)
}

/// The probability vector of one reading, in label order.
fn reading_probs(probs: &HashMap<String, f64>) -> Result<[f32; NUM_LABELS], String> {
    let mut out = [0f32; NUM_LABELS];
    for label in Label::ALL {
        let p = *probs
            .get(label.as_str())
            .ok_or_else(|| format!("no probability for `{label}`"))?;
        if !(0.0..=1.0).contains(&p) {
            return Err(format!(
                "the probability of `{label}` is {p}, not in [0, 1]"
            ));
        }
        out[label.index()] = p as f32;
    }
    if let Some(other) = probs.keys().find(|k| k.parse::<Label>().is_err()) {
        return Err(format!("`{other}` is not a label"));
    }
    let sum: f32 = out.iter().sum();
    if (sum - 1.0).abs() > 1e-3 {
        return Err(format!("the probabilities sum to {sum}, not 1"));
    }
    Ok(out)
}

/// q_j ∝ p_j^(1/T): the distribution of logits divided by T, from probabilities.
pub fn soften(p: &[f32; NUM_LABELS], temperature: f64) -> [f32; NUM_LABELS] {
    let inv = 1.0 / temperature.max(1e-6);
    let mut q = [0f64; NUM_LABELS];
    for (qj, &pj) in q.iter_mut().zip(p) {
        *qj = f64::from(pj.max(1e-12)).powf(inv);
    }
    let sum: f64 = q.iter().sum();
    let mut out = [0f32; NUM_LABELS];
    for (o, qj) in out.iter_mut().zip(q) {
        *o = (qj / sum) as f32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softening_keeps_the_order_and_flattens_the_reading() {
        let p = [0.7, 0.2, 0.05, 0.03, 0.01, 0.01];
        let q = soften(&p, 2.0);
        assert!((q.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(q[0] > q[1] && q[1] > q[2]);
        assert!(q[0] < p[0] && q[5] > p[5]);
        // T = 1 is the identity.
        let same = soften(&p, 1.0);
        assert!(same.iter().zip(&p).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    fn readings_file(lines: &[&str]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readings.jsonl");
        std::fs::write(&path, lines.join("\n")).unwrap();
        (dir, path)
    }

    const GOOD: &str = r#"{"text": "We oppose Taiwan independence.", "probs": {"opposes": 0.9, "does_not_support": 0.05, "neutral": 0.02, "leans_supports": 0.01, "supports": 0.01, "off_topic": 0.01}}"#;

    #[test]
    fn a_readings_file_gives_each_text_its_probabilities_in_label_order() {
        let (_d, path) = readings_file(&[GOOD, GOOD]);
        let r = read_readings(&path).unwrap();
        let p = r["We oppose Taiwan independence."];
        assert_eq!(p[Label::Opposes.index()], 0.9);
        assert_eq!(p[Label::OffTopic.index()], 0.01);
    }

    #[test]
    fn a_bad_reading_is_an_error_naming_the_file_and_line() {
        let missing = r#"{"text": "x", "probs": {"opposes": 1.0}}"#;
        let unnormalised = GOOD.replace("0.9", "0.5");
        let conflicting = GOOD.replace("0.9", "0.8").replace("0.05", "0.15");
        for (lines, want) in [
            (
                vec![missing],
                "line 1: no probability for `does_not_support`",
            ),
            (vec![&unnormalised[..]], "line 1: the probabilities sum to"),
            (
                vec![GOOD, &conflicting[..]],
                "line 2: a second, different reading",
            ),
            (vec!["not json"], "line 1: "),
        ] {
            let (_d, path) = readings_file(&lines);
            let err = read_readings(&path).unwrap_err().to_string();
            assert!(
                err.contains("readings.jsonl") && err.contains(want),
                "{err}"
            );
        }
    }
}
