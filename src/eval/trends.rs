//! What a trend is worth: the trend table `stance trends` draws from a model's labels, set
//! against the one the gold labels draw from the same statements.
//!
//! Analysts read the product per actor and period (the mean stance score, the dominant label,
//! the shifts between periods), not per statement. A labelled set whose rows carry an actor and
//! a date is grouped twice with the trend analysis's own code ([`crate::trends::trend_rows`],
//! [`crate::trends::find_shifts`]): once with the gold labels (each statement scoring its
//! label's score) and once with the model's (its label and its `stance_score`, as `stance
//! classify` writes them). The cells compared are those where the gold labels give at least
//! the trend analysis's minimum of stance-bearing statements, the ones a shift can be read from.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::defaults;
use crate::input::labelled::Example;
use crate::labels::{argmax, stance_score, Label, NUM_LABELS};
use crate::trends::{find_shifts, trend_rows, Period, Statement, TrendError, TrendRow};

/// How far the model's trend cells are from the gold labels' (absolute mean scores, −2..+2),
/// within which a cell counts as read right.
pub const CLOSE: f64 = 0.5;

/// The model's trend table against the gold labels'.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendAgreement {
    /// Period of the cells.
    pub period: Period,
    /// Stance-bearing gold statements a cell needs to be compared (the trend analysis's
    /// minimum for a shift).
    pub min_statements: u64,
    /// Statements with an actor and a date (the others cannot be placed in a cell).
    pub statements: u64,
    /// (actor, period) cells with at least `min_statements` stance-bearing gold statements.
    pub cells: u64,
    /// Of those, cells where the model labels no statement stance-bearing (no mean to read).
    pub cells_without_stance: u64,
    /// Mean |model mean score − gold mean score| over the cells the model gives a mean.
    pub mean_score_mae: Option<f64>,
    /// Share of `cells` whose model mean lies within [`CLOSE`] of the gold mean (cells without
    /// a model mean count as misses).
    pub within_close: f64,
    /// Share of `cells` with the same dominant label.
    pub dominant_agreement: f64,
    /// Shifts the gold labels flag (the trend analysis's rule, its default threshold).
    pub gold_shifts: u64,
    /// Shifts the model's labels flag.
    pub model_shifts: u64,
    /// Shifts both flag: same actor, same period.
    pub shifts_in_both: u64,
}

/// Compares the trend tables of the gold labels and of `probs` (one row per example, canonical
/// order) per `period`. `None` when no cell has `min_statements` stance-bearing gold
/// statements (a set without actors or dates among them).
pub fn trend_agreement(
    examples: &[Example],
    probs: &[[f32; NUM_LABELS]],
    period: Period,
    min_statements: u64,
) -> Result<Option<TrendAgreement>, TrendError> {
    let (gold, model) = statements(examples, probs);
    let gold_rows = trend_rows(&gold, period)?;
    let model_rows = trend_rows(&model, period)?;
    let model_cells: BTreeMap<(&str, NaiveDate), &TrendRow> = model_rows
        .iter()
        .filter_map(|r| Some(((r.actor.as_str(), r.period_start?), r)))
        .collect();
    let mut cells = 0u64;
    let (mut without, mut close, mut same) = (0u64, 0u64, 0u64);
    let mut errors = Vec::new();
    for g in &gold_rows {
        let (Some(start), Some(gold_mean)) = (g.period_start, g.mean_stance_score) else {
            continue;
        };
        if g.n_stance < min_statements.max(1) {
            continue;
        }
        cells += 1;
        let m = model_cells.get(&(g.actor.as_str(), start));
        match m.and_then(|m| m.mean_stance_score) {
            Some(model_mean) => {
                let e = (model_mean - gold_mean).abs();
                close += u64::from(e <= CLOSE);
                errors.push(e);
            }
            None => without += 1,
        }
        same += u64::from(m.is_some_and(|m| m.dominant_label == g.dominant_label));
    }
    if cells == 0 {
        return Ok(None);
    }
    let shifts = |rows: &[TrendRow], st: &[Statement]| -> BTreeSet<(String, NaiveDate)> {
        find_shifts(rows, st, period, min_statements, defaults::SHIFT_THRESHOLD)
            .into_iter()
            .map(|s| (s.actor, s.period_start))
            .collect()
    };
    let gold_shifts = shifts(&gold_rows, &gold);
    let model_shifts = shifts(&model_rows, &model);
    Ok(Some(TrendAgreement {
        period,
        min_statements,
        statements: gold.len() as u64,
        cells,
        cells_without_stance: without,
        mean_score_mae: (!errors.is_empty())
            .then(|| errors.iter().sum::<f64>() / errors.len() as f64),
        within_close: close as f64 / cells as f64,
        dominant_agreement: same as f64 / cells as f64,
        gold_shifts: gold_shifts.len() as u64,
        model_shifts: model_shifts.len() as u64,
        shifts_in_both: gold_shifts.intersection(&model_shifts).count() as u64,
    }))
}

/// The examples with an actor and a date, as the trend analysis sees them: once with their
/// gold labels, once with the model's.
fn statements(
    examples: &[Example],
    probs: &[[f32; NUM_LABELS]],
) -> (Vec<Statement>, Vec<Statement>) {
    let mut gold = Vec::new();
    let mut model = Vec::new();
    for (e, p) in examples.iter().zip(probs) {
        let (Some(actor), Some(date)) = (e.actor.as_deref(), e.date) else {
            continue;
        };
        let actor = actor.trim();
        if actor.is_empty() {
            continue;
        }
        let id = e.id.clone().unwrap_or_else(|| e.ordinal.to_string());
        let statement = |label: Label, score: f32| Statement {
            id: id.clone(),
            actor: actor.to_string(),
            date: Some(date),
            label,
            score,
        };
        gold.push(statement(e.label, e.label.score().unwrap_or(0.0)));
        model.push(statement(argmax(p).0, stance_score(p)));
    }
    (gold, model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(i: u64, actor: &str, date: &str, label: Label) -> Example {
        Example {
            ordinal: i,
            text: format!("statement {i}"),
            label,
            evidence: None,
            phrasing: None,
            capability: None,
            id: Some(format!("s{i}")),
            doc_id: None,
            actor: Some(actor.into()),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
        }
    }

    fn onehot(l: Label) -> [f32; NUM_LABELS] {
        let mut p = [0.0; NUM_LABELS];
        p[l.index()] = 1.0;
        p
    }

    /// Nauru: two `supports` in 2022, two `opposes` in 2024 (a shift); Japan: two `neutral`
    /// in 2023; one undated and one actorless statement that no cell can hold.
    fn set() -> Vec<Example> {
        let mut v = vec![
            example(1, "Nauru", "2022-03-01", Label::Supports),
            example(2, "Nauru", "2022-09-01", Label::Supports),
            example(3, "Nauru", "2024-01-15", Label::Opposes),
            example(4, "Nauru", "2024-02-01", Label::Opposes),
            example(5, "Japan", "2023-05-01", Label::Neutral),
            example(6, "Japan", "2023-06-01", Label::Neutral),
            example(7, "Japan", "2023-06-02", Label::OffTopic),
        ];
        let mut undated = example(8, "Japan", "2023-06-03", Label::Supports);
        undated.date = None;
        let mut actorless = example(9, "Japan", "2023-06-04", Label::Supports);
        actorless.actor = None;
        v.extend([undated, actorless]);
        v
    }

    #[test]
    fn gold_labels_as_predictions_agree_everywhere() {
        let ex = set();
        let probs: Vec<_> = ex.iter().map(|e| onehot(e.label)).collect();
        let a = trend_agreement(&ex, &probs, Period::Year, 2)
            .unwrap()
            .unwrap();
        assert_eq!(
            a.statements, 7,
            "the undated and the actorless statement are left out"
        );
        assert_eq!(a.cells, 3);
        assert_eq!(a.cells_without_stance, 0);
        assert_eq!(a.mean_score_mae, Some(0.0));
        assert_eq!(a.within_close, 1.0);
        assert_eq!(a.dominant_agreement, 1.0);
        assert_eq!((a.gold_shifts, a.model_shifts, a.shifts_in_both), (1, 1, 1));
    }

    #[test]
    fn a_misread_year_costs_its_cell_and_the_shift() {
        let ex = set();
        // The model reads Nauru's 2024 statements as `supports`: no shift, one cell off by 4.
        let probs: Vec<_> = ex
            .iter()
            .map(|e| match e.label {
                Label::Opposes => onehot(Label::Supports),
                l => onehot(l),
            })
            .collect();
        let a = trend_agreement(&ex, &probs, Period::Year, 2)
            .unwrap()
            .unwrap();
        assert_eq!(a.cells, 3);
        assert_eq!(a.mean_score_mae, Some(4.0 / 3.0));
        assert!((a.within_close - 2.0 / 3.0).abs() < 1e-12);
        assert!((a.dominant_agreement - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!((a.gold_shifts, a.model_shifts, a.shifts_in_both), (1, 0, 0));
    }

    #[test]
    fn a_cell_the_model_reads_as_off_topic_is_a_miss() {
        let ex = set();
        let probs: Vec<_> = ex
            .iter()
            .map(|e| match e.actor.as_deref() {
                Some("Japan") => onehot(Label::OffTopic),
                _ => onehot(e.label),
            })
            .collect();
        let a = trend_agreement(&ex, &probs, Period::Year, 2)
            .unwrap()
            .unwrap();
        assert_eq!((a.cells, a.cells_without_stance), (3, 1));
        assert_eq!(
            a.mean_score_mae,
            Some(0.0),
            "over the cells with a model mean"
        );
        assert!((a.within_close - 2.0 / 3.0).abs() < 1e-12);
        assert!((a.dominant_agreement - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_set_without_dates_has_no_trend_cells() {
        let mut ex = set();
        for e in &mut ex {
            e.date = None;
        }
        let probs: Vec<_> = ex.iter().map(|e| onehot(e.label)).collect();
        assert_eq!(trend_agreement(&ex, &probs, Period::Year, 2).unwrap(), None);
    }
}
