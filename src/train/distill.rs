//! Knowledge distillation (`stance train --teacher`): a fine-tuned teacher model reads every
//! training row, plus an optional pool of unlabelled statements, and its softened reading
//! becomes a second target for the model being trained (Hinton, Vinyals and Dean, 2015).
//!
//! The teacher reads through the classify pipeline, so its soft target is the calibrated
//! distribution `stance classify` would report, softened further by the distillation
//! temperature T: q_j ∝ p_j^(1/T). The loss of a batch is
//! (1 − w) · cross-entropy(gold) + w · T² · cross-entropy(q, softmax(logits / T)),
//! the first term over the labelled rows only (pool rows have no gold label).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::TrainError;
use crate::classify::{classify_in_groups, ClassifierSettings, Statement};
use crate::labels::NUM_LABELS;
use crate::model::{LoadOptions, StanceModel};
use crate::report::Reporter;

/// Where the soft targets come from and how much they weigh.
#[derive(Debug, Clone, Serialize)]
pub struct Distillation {
    /// The teacher: a verified stance model folder.
    pub teacher: PathBuf,
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
    let teacher = StanceModel::load(&d.teacher, &LoadOptions::default())?;
    reporter.begin("teacher", Some(docs.len() as u64));
    let results = classify_in_groups(
        &teacher,
        docs,
        &ClassifierSettings::default(),
        cancel,
        |n| reporter.advance(n as u64),
    );
    reporter.end();
    Ok(results?
        .iter()
        .map(|r| soften(&r.probs, d.temperature))
        .collect())
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
}
