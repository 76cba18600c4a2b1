//! Evaluation metrics: accuracy, macro-F1, per-label precision/recall/F1, the confusion matrix,
//! mean absolute error of `stance_score` against the gold ordinal score, and expected
//! calibration error; and [`evaluate`], which classifies a labelled set through the classify
//! pipeline and adds evidence accuracy, metrics per phrasing and per capability, and the
//! trend table's agreement with the gold labels' ([`trends`]).

pub mod trends;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::classify::{
    classify_in_groups, ClassifierSettings, ClassifyError, DocResult, Statement,
};
use crate::defaults;
use crate::input::labelled::{Example, Span};
use crate::labels::{argmax, stance_score, Label, NUM_LABELS};
use crate::language::{self, Lang};
use crate::model::Routes;
use crate::report::Reporter;

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, Serialize)]
pub struct LabelMetrics {
    /// The label.
    pub label: String,
    /// Of predictions with this label, the share that is right.
    pub precision: f64,
    /// Of gold items with this label, the share found.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
    /// Gold items with this label.
    pub support: u64,
}

/// Metrics over a labelled set.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    /// Items.
    pub n: u64,
    /// Share predicted right.
    pub accuracy: f64,
    /// Unweighted mean of per-label F1 over labels with support or predictions.
    pub macro_f1: f64,
    /// Per label, canonical order.
    pub per_label: Vec<LabelMetrics>,
    /// `confusion[gold][predicted]`, canonical order.
    pub confusion: [[u64; NUM_LABELS]; NUM_LABELS],
    /// Mean |stance_score − gold score| over items whose gold label is a stance.
    pub stance_score_mae: Option<f64>,
    /// Expected calibration error of the top label (15 equal-width bins).
    pub ece: f64,
    /// opposes↔does_not_support confusions as a share of those two classes' items.
    pub opposes_dns_confusion_rate: f64,
    /// Polarity flips: items whose gold stance lies on one side of neutral (opposes,
    /// does_not_support vs leans_supports, supports) predicted on the other side, as a share of
    /// all items with a gold stance off neutral.
    pub polarity_flip_rate: f64,
    /// Number of polarity flips.
    pub polarity_flips: u64,
}

/// Expected calibration error: Σ_bins (|bin| / n) · |accuracy(bin) − mean confidence(bin)|.
pub fn expected_calibration_error(confidence: &[f32], correct: &[bool], bins: usize) -> f64 {
    let n = confidence.len();
    if n == 0 {
        return 0.0;
    }
    let mut count = vec![0usize; bins];
    let mut conf_sum = vec![0f64; bins];
    let mut acc_sum = vec![0f64; bins];
    for (c, ok) in confidence.iter().zip(correct) {
        let b = ((f64::from(*c) * bins as f64) as usize).min(bins - 1);
        count[b] += 1;
        conf_sum[b] += f64::from(*c);
        acc_sum[b] += if *ok { 1.0 } else { 0.0 };
    }
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| {
            let k = count[b] as f64;
            (k / n as f64) * (acc_sum[b] / k - conf_sum[b] / k).abs()
        })
        .sum()
}

/// Computes all metrics from gold labels and predicted probabilities (canonical order).
pub fn compute(gold: &[Label], probs: &[[f32; NUM_LABELS]]) -> Metrics {
    let mut confusion = [[0u64; NUM_LABELS]; NUM_LABELS];
    let mut conf = Vec::with_capacity(gold.len());
    let mut correct = Vec::with_capacity(gold.len());
    let mut abs_err = Vec::new();
    for (g, p) in gold.iter().zip(probs) {
        let (pred, c) = argmax(p);
        confusion[g.index()][pred.index()] += 1;
        conf.push(c);
        correct.push(pred == *g);
        if let Some(s) = g.score() {
            abs_err.push((f64::from(stance_score(p)) - f64::from(s)).abs());
        }
    }
    let n = gold.len() as u64;
    let right: u64 = (0..NUM_LABELS).map(|i| confusion[i][i]).sum();
    let (per_label, macro_f1) = per_label_metrics(&confusion);
    let (flips, sided) = polarity_flips(&confusion);
    Metrics {
        n,
        accuracy: share(right, n),
        macro_f1,
        per_label,
        confusion,
        stance_score_mae: mean(&abs_err),
        ece: expected_calibration_error(&conf, &correct, 15),
        opposes_dns_confusion_rate: opposes_dns_confusion_rate(&confusion),
        polarity_flip_rate: share(flips, sided),
        polarity_flips: flips,
    }
}

/// `part / whole`, 0 when `whole` is 0.
fn share(part: u64, whole: u64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

/// The mean, `None` for no values.
fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// Precision, recall and F1 of every label (canonical order) from `confusion[gold][predicted]`,
/// and their macro-F1: the unweighted mean F1 over labels with support or predictions.
fn per_label_metrics(confusion: &[[u64; NUM_LABELS]; NUM_LABELS]) -> (Vec<LabelMetrics>, f64) {
    let mut per_label = Vec::new();
    let mut f1s = Vec::new();
    for l in Label::ALL {
        let i = l.index();
        let tp = confusion[i][i] as f64;
        let support: u64 = confusion[i].iter().sum();
        let predicted: u64 = (0..NUM_LABELS).map(|g| confusion[g][i]).sum();
        let precision = if predicted > 0 {
            tp / predicted as f64
        } else {
            0.0
        };
        let recall = if support > 0 {
            tp / support as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if support > 0 || predicted > 0 {
            f1s.push(f1);
        }
        per_label.push(LabelMetrics {
            label: l.as_str().into(),
            precision,
            recall,
            f1,
            support,
        });
    }
    (per_label, mean(&f1s).unwrap_or(0.0))
}

/// opposes↔does_not_support confusions as a share of those two classes' items.
fn opposes_dns_confusion_rate(confusion: &[[u64; NUM_LABELS]; NUM_LABELS]) -> f64 {
    let o = Label::Opposes.index();
    let d = Label::DoesNotSupport.index();
    let od_items: u64 = confusion[o].iter().sum::<u64>() + confusion[d].iter().sum::<u64>();
    share(confusion[o][d] + confusion[d][o], od_items)
}

/// Polarity flips (gold on one side of neutral, predicted on the other) and the items with a
/// gold stance off neutral.
fn polarity_flips(confusion: &[[u64; NUM_LABELS]; NUM_LABELS]) -> (u64, u64) {
    let mut sided = 0u64;
    let mut flips = 0u64;
    for g in Label::ALL {
        let Some(gs) = g.side().filter(|s| *s != 0) else {
            continue;
        };
        for p in Label::ALL {
            let c = confusion[g.index()][p.index()];
            sided += c;
            if p.side() == Some(-gs) {
                flips += c;
            }
        }
    }
    (flips, sided)
}

/// A readable report: headline numbers, per-label table and confusion matrix.
pub fn render(m: &Metrics) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "items {}   accuracy {:.4}   macro-F1 {:.4}   ECE {:.4}   stance-score MAE {}   opposes<->does_not_support confusion {:.2}%   polarity flips {:.2}% ({})\n\n",
        m.n,
        m.accuracy,
        m.macro_f1,
        m.ece,
        m.stance_score_mae
            .map(|x| format!("{x:.4}"))
            .unwrap_or_else(|| "n/a".into()),
        100.0 * m.opposes_dns_confusion_rate,
        100.0 * m.polarity_flip_rate,
        m.polarity_flips
    ));
    s.push_str(&format!(
        "{:<18} {:>9} {:>9} {:>9} {:>9}\n",
        "label", "precision", "recall", "f1", "support"
    ));
    for l in &m.per_label {
        s.push_str(&format!(
            "{:<18} {:>9.4} {:>9.4} {:>9.4} {:>9}\n",
            l.label, l.precision, l.recall, l.f1, l.support
        ));
    }
    s.push_str("\nconfusion (rows: gold, columns: predicted)\n");
    let short = ["opp", "dns", "neu", "lea", "sup", "off"];
    s.push_str(&format!("{:<18}", ""));
    for h in short {
        s.push_str(&format!("{h:>7}"));
    }
    s.push('\n');
    for l in Label::ALL {
        s.push_str(&format!("{:<18}", l.as_str()));
        for c in m.confusion[l.index()] {
            s.push_str(&format!("{c:>7}"));
        }
        s.push('\n');
    }
    s
}

/// Evaluation of a model on a labelled set, with optional evidence accuracy.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// The model's name.
    pub model: String,
    /// The model's digest.
    pub model_sha256: String,
    /// Metrics over all examples.
    pub metrics: Metrics,
    /// Metrics per `phrasing` value (e.g. `seen` / `held_out`), when the data has it.
    pub by_phrasing: BTreeMap<String, Metrics>,
    /// Metrics per `capability` value (the behavioural suite), when the data has it; the pass
    /// rate of a capability is its accuracy.
    pub by_capability: BTreeMap<String, Metrics>,
    /// Metrics per routing language (`en`, `zh`) and, for Chinese, per script (`zh-Hans`,
    /// `zh-Hant`), when the data has more than one of them or any Chinese.
    pub by_language: BTreeMap<String, Metrics>,
    /// Share of stance-bearing gold documents whose deciding sentence overlaps a gold evidence
    /// span, when the data has spans.
    pub evidence_accuracy: Option<f64>,
    /// Documents evaluated for evidence.
    pub evidence_n: u64,
    /// The trend table drawn from the model's labels against the gold labels' (per actor and
    /// year), when the data has actors and dates.
    pub trends: Option<trends::TrendAgreement>,
    /// Per guide rule that decided a statement instead of the model (the `rule` column of
    /// `stance classify`): how many it decided and how many of those match the gold label.
    pub rules: BTreeMap<String, RuleTally>,
    /// Seconds spent classifying.
    pub seconds: f64,
}

/// What one guide rule decided in an evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RuleTally {
    /// Statements the rule decided.
    pub decided: u64,
    /// … of which the label matches gold.
    pub as_gold: u64,
}

/// Per rule, the statements it decided and how many of those match gold.
fn rule_tallies(examples: &[Example], results: &[DocResult]) -> BTreeMap<String, RuleTally> {
    let mut out: BTreeMap<String, RuleTally> = BTreeMap::new();
    for (e, r) in examples.iter().zip(results) {
        let Some(rule) = r.rule else { continue };
        let t = out.entry(rule.as_str().to_string()).or_default();
        t.decided += 1;
        t.as_gold += u64::from(argmax(&r.probs).0 == e.label);
    }
    out
}

/// Why an evaluation failed.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// Classifying the examples failed.
    #[error(transparent)]
    Classify(#[from] ClassifyError),
    /// Drawing the trend tables failed.
    #[error(transparent)]
    Trends(#[from] crate::trends::TrendError),
}

/// Classifies every example (each with the model its language is routed to) and computes the
/// report.
pub fn evaluate(
    routes: &Routes,
    examples: &[Example],
    settings: &ClassifierSettings,
    cancel: &AtomicBool,
    reporter: &dyn Reporter,
) -> Result<EvalReport, EvalError> {
    let t = std::time::Instant::now();
    reporter.begin("evaluating", Some(examples.len() as u64));
    let langs: Vec<Lang> = examples.iter().map(|e| language::detect(&e.text)).collect();
    let mut slots: Vec<Option<DocResult>> = (0..examples.len()).map(|_| None).collect();
    for (lang, idx) in routes.partition(&langs) {
        let model = routes.model_for(lang).map_err(ClassifyError::from)?;
        let docs: Vec<Statement> = idx.iter().map(|&i| examples[i].statement()).collect();
        let results = classify_in_groups(model, &docs, settings, cancel, |n| {
            reporter.advance(n as u64)
        })?;
        for (i, r) in idx.into_iter().zip(results) {
            slots[i] = Some(r);
        }
    }
    reporter.end();
    let results: Vec<DocResult> = slots.into_iter().flatten().collect();
    let probs: Vec<[f32; NUM_LABELS]> = results.iter().map(|r| r.probs).collect();
    let (evidence_hits, evidence_n) = evidence_hits(examples, &results);
    let gold: Vec<Label> = examples.iter().map(|e| e.label).collect();
    let metrics = compute(&gold, &probs);
    let trends = trends::trend_agreement(
        examples,
        &probs,
        defaults::EVAL_TRENDS_PERIOD,
        defaults::MIN_STATEMENTS,
    )?;
    let lang_keys: Vec<Vec<&str>> = examples
        .iter()
        .zip(&langs)
        .map(|(e, l)| match (l, language::script(&e.text)) {
            (Lang::Zh, Some(s)) => vec!["zh", s.tag()],
            (l, _) => vec![l.as_str()],
        })
        .collect();
    let mut by_language = BTreeMap::new();
    if langs.contains(&Lang::Zh) {
        for key in ["en", "zh", "zh-Hans", "zh-Hant"] {
            let m = metrics_by_index(examples, &probs, |i| lang_keys[i].contains(&key));
            if let Some(m) = m {
                by_language.insert(key.to_string(), m);
            }
        }
    }
    Ok(EvalReport {
        model: routes.describe(),
        model_sha256: routes.primary().info.sha256.clone(),
        metrics,
        by_phrasing: metrics_by(examples, &probs, |e| e.phrasing.as_deref()),
        by_capability: metrics_by(examples, &probs, |e| e.capability.as_deref()),
        by_language,
        evidence_accuracy: if evidence_n > 0 {
            Some(evidence_hits as f64 / evidence_n as f64)
        } else {
            None
        },
        evidence_n,
        trends,
        rules: rule_tallies(examples, &results),
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// Evidence accuracy counts: of the stance-bearing gold documents with evidence spans, how
/// many were decided by a gold stance sentence, and how many there are.
fn evidence_hits(examples: &[Example], results: &[DocResult]) -> (u64, u64) {
    let mut hits = 0u64;
    let mut n = 0u64;
    for (ex, res) in examples.iter().zip(results) {
        let Some(spans) = &ex.evidence else { continue };
        if ex.label == Label::OffTopic || spans.is_empty() {
            continue;
        }
        n += 1;
        if res
            .evidence
            .as_ref()
            .is_some_and(|r| is_gold_sentence(&ex.text, r, spans))
        {
            hits += 1;
        }
    }
    (hits, n)
}

/// Whether the deciding sentence (a byte range of `text`) is a gold stance sentence: it
/// overlaps a gold span (character offsets) by more than half of the shorter of the two.
fn is_gold_sentence(text: &str, sentence: &Range<usize>, spans: &[Span]) -> bool {
    let start = crate::segment::char_offset(text, sentence.start);
    let end = crate::segment::char_offset(text, sentence.end);
    spans.iter().any(|s| {
        let overlap = end.min(s.end).saturating_sub(start.max(s.start));
        let shorter = (end - start).min(s.end - s.start).max(1);
        overlap * 2 > shorter
    })
}

/// Metrics of the examples whose index `keep` accepts (`None` when there are none).
fn metrics_by_index(
    examples: &[Example],
    probs: &[[f32; NUM_LABELS]],
    keep: impl Fn(usize) -> bool,
) -> Option<Metrics> {
    let idx: Vec<usize> = (0..examples.len()).filter(|&i| keep(i)).collect();
    if idx.is_empty() {
        return None;
    }
    let gold: Vec<Label> = idx.iter().map(|&i| examples[i].label).collect();
    let p: Vec<[f32; NUM_LABELS]> = idx.iter().map(|&i| probs[i]).collect();
    Some(compute(&gold, &p))
}

/// Metrics per value of one optional column; examples without a value are left out.
fn metrics_by(
    examples: &[Example],
    probs: &[[f32; NUM_LABELS]],
    key: impl Fn(&Example) -> Option<&str>,
) -> BTreeMap<String, Metrics> {
    let mut groups: BTreeMap<String, (Vec<Label>, Vec<[f32; NUM_LABELS]>)> = Default::default();
    for (e, p) in examples.iter().zip(probs) {
        if let Some(k) = key(e) {
            let g = groups.entry(k.to_string()).or_default();
            g.0.push(e.label);
            g.1.push(*p);
        }
    }
    groups
        .into_iter()
        .map(|(k, (g, p))| (k, compute(&g, &p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn onehot(l: Label, c: f32) -> [f32; NUM_LABELS] {
        let mut p = [(1.0 - c) / 5.0; NUM_LABELS];
        p[l.index()] = c;
        p
    }

    #[test]
    fn perfect_predictions() {
        let gold: Vec<Label> = Label::ALL.to_vec();
        let probs: Vec<_> = gold.iter().map(|l| onehot(*l, 1.0)).collect();
        let m = compute(&gold, &probs);
        assert!((m.accuracy - 1.0).abs() < 1e-9);
        assert!((m.macro_f1 - 1.0).abs() < 1e-9);
        assert!(m.ece < 1e-6);
        assert!(m.stance_score_mae.unwrap() < 1e-6);
    }

    #[test]
    fn known_confusion() {
        let gold = vec![
            Label::Opposes,
            Label::Opposes,
            Label::DoesNotSupport,
            Label::OffTopic,
        ];
        let probs = vec![
            onehot(Label::Opposes, 0.9),
            onehot(Label::DoesNotSupport, 0.9),
            onehot(Label::DoesNotSupport, 0.9),
            onehot(Label::OffTopic, 0.9),
        ];
        let m = compute(&gold, &probs);
        assert!((m.accuracy - 0.75).abs() < 1e-9);
        assert_eq!(m.confusion[0][1], 1);
        assert!((m.opposes_dns_confusion_rate - 1.0 / 3.0).abs() < 1e-9);
        // opposes: P=1, R=.5 → F1=2/3; dns: P=.5, R=1 → 2/3; off: 1.
        assert!((m.macro_f1 - (2.0 / 3.0 + 2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-9);
    }

    #[test]
    fn polarity_flips_count_only_crossings_of_neutral() {
        let gold = vec![
            Label::Opposes,
            Label::DoesNotSupport,
            Label::Supports,
            Label::LeansSupports,
            Label::Neutral,
            Label::OffTopic,
        ];
        let probs = vec![
            onehot(Label::Supports, 0.9),       // flip
            onehot(Label::Opposes, 0.9),        // same side: no flip
            onehot(Label::Neutral, 0.9),        // to neutral: no flip
            onehot(Label::DoesNotSupport, 0.9), // flip
            onehot(Label::Supports, 0.9),       // gold neutral: not counted
            onehot(Label::Opposes, 0.9),        // gold off_topic: not counted
        ];
        let m = compute(&gold, &probs);
        assert_eq!(m.polarity_flips, 2);
        assert!((m.polarity_flip_rate - 0.5).abs() < 1e-9);
    }

    #[test]
    fn ece_of_overconfident_model() {
        let e = expected_calibration_error(&[0.9, 0.9], &[true, false], 10);
        assert!((e - 0.4).abs() < 1e-6);
    }
}
