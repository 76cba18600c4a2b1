//! Temperature scaling (Guo et al., 2017): one scalar T that divides the logits, fit on dev by
//! minimising the negative log-likelihood of the gold labels. It changes confidence, never the
//! argmax. The dev probabilities come from the classify pipeline, the units `stance classify`
//! reads, so the temperature fits what users will see.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::TrainError;
use crate::classify::{classify_in_groups, ClassifierSettings, Statement};
use crate::eval;
use crate::input::labelled::Example;
use crate::labels::{Label, NUM_LABELS};
use crate::model::{Calibration, CALIBRATION_FILE};

/// Probabilities after scaling log-probabilities (≡ logits up to a constant) by 1/T.
pub fn rescale(p: &[f32; NUM_LABELS], t: f64) -> [f32; NUM_LABELS] {
    let logs: Vec<f64> = p
        .iter()
        .map(|&x| f64::from(x.max(1e-12)).ln() / t)
        .collect();
    let m = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = logs.iter().map(|l| (l - m).exp()).sum();
    let mut out = [0f32; NUM_LABELS];
    for (o, l) in out.iter_mut().zip(&logs) {
        *o = ((l - m).exp() / z) as f32;
    }
    out
}

/// Mean negative log-likelihood of the gold labels at temperature `t`.
pub fn nll(probs: &[[f32; NUM_LABELS]], gold: &[Label], t: f64) -> f64 {
    let n = probs.len().max(1) as f64;
    probs
        .iter()
        .zip(gold)
        .map(|(p, g)| -f64::from(rescale(p, t)[g.index()].max(1e-12)).ln())
        .sum::<f64>()
        / n
}

/// Finds the temperature minimising dev NLL by golden-section search over log T in
/// [ln 0.05, ln 20] (NLL is unimodal in T for a fixed model).
pub fn fit_temperature(probs: &[[f32; NUM_LABELS]], gold: &[Label]) -> f64 {
    let f = |lt: f64| nll(probs, gold, lt.exp());
    let (mut a, mut b) = ((0.05f64).ln(), (20.0f64).ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    ((a + b) / 2.0).exp()
}

/// Fits the temperature of the uncalibrated model staged in `dir` on the dev examples, read
/// through the classify pipeline (the units `stance classify` uses), and writes the folder's
/// `calibration.json`; `dev_file` is recorded as the data it was fitted on.
pub(super) fn calibrate_staged(
    dir: &Path,
    dev: &[Example],
    dev_file: &Path,
    cancel: &AtomicBool,
) -> Result<Calibration, TrainError> {
    let uncalibrated = super::load_staged(dir)?;
    let docs: Vec<Statement> = dev.iter().map(Example::statement).collect();
    let settings = ClassifierSettings::model_only();
    let probs: Vec<[f32; NUM_LABELS]> =
        classify_in_groups(&uncalibrated, &docs, &settings, cancel, |_| {})?
            .into_iter()
            .map(|r| r.probs)
            .collect();
    drop(uncalibrated);
    let gold: Vec<Label> = dev.iter().map(|e| e.label).collect();
    let cal = calibration(&probs, &gold, dev_file);
    let path = dir.join(CALIBRATION_FILE);
    let text = serde_json::to_string_pretty(&cal).unwrap_or_default();
    crate::fsio::atomic_write(&path, format!("{text}\n").as_bytes())
        .map_err(|source| TrainError::Io { path, source })?;
    Ok(cal)
}

/// The fitted temperature with the expected calibration error before and after it.
fn calibration(probs: &[[f32; NUM_LABELS]], gold: &[Label], fitted_on: &Path) -> Calibration {
    let before = eval::compute(gold, probs);
    let t = fit_temperature(probs, gold);
    let scaled: Vec<_> = probs.iter().map(|p| rescale(p, t)).collect();
    let after = eval::compute(gold, &scaled);
    Calibration {
        temperature: t,
        ece_before: Some(before.ece),
        ece_after: Some(after.ece),
        fitted_on: Some(fitted_on.display().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overconfident_model_gets_t_above_one() {
        // 70% right but always 99% sure: the fitted T must soften (T > 1).
        let mut probs = Vec::new();
        let mut gold = Vec::new();
        for i in 0..100 {
            let mut p = [0.002f32; NUM_LABELS];
            p[0] = 0.99;
            probs.push(p);
            gold.push(if i < 70 {
                Label::Opposes
            } else {
                Label::Neutral
            });
        }
        let t = fit_temperature(&probs, &gold);
        assert!(t > 1.5, "t = {t}");
        assert!(nll(&probs, &gold, t) < nll(&probs, &gold, 1.0));
        // Argmax never changes.
        assert_eq!(
            crate::labels::argmax(&rescale(&probs[0], t)).0,
            Label::Opposes
        );
    }

    #[test]
    fn rescale_at_one_is_identity() {
        let p = [0.1, 0.2, 0.3, 0.1, 0.2, 0.1];
        let q = rescale(&p, 1.0);
        for (a, b) in p.iter().zip(q) {
            assert!((a - b).abs() < 1e-6);
        }
    }
}
