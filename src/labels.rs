//! The six stance labels, their ordinal scores and the derived `stance_score`.
//!
//! Label names are a fixed contract: they appear in model configs (`id2label`), in every output
//! table and in the training data. The order of [`Label::ALL`] is the canonical column order of
//! the `p_*` probability columns.

use std::fmt;
use std::str::FromStr;

/// A stance toward Taiwan independence, or `OffTopic` for statements that say nothing about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// Opposes/rejects Taiwan independence; Taiwan is part of China; backs reunification (-2).
    Opposes,
    /// Distances itself from independence without active opposition (-1).
    DoesNotSupport,
    /// Status quo, peace and stability, "no unilateral change by either side" (0).
    Neutral,
    /// Backs Taiwan's agency (international space, democracy, self-determination) (+1).
    LeansSupports,
    /// Taiwan is, or should be, a sovereign independent state (+2).
    Supports,
    /// Says nothing about Taiwan's status.
    OffTopic,
}

/// Number of labels a stance model must predict.
pub const NUM_LABELS: usize = 6;

/// Error for a label name that is not one of the six.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown label {0:?} (expected one of: opposes, does_not_support, neutral, leans_supports, supports, off_topic)")]
pub struct UnknownLabel(pub String);

impl Label {
    /// All labels in canonical order (the order of the `p_*` columns).
    pub const ALL: [Label; NUM_LABELS] = [
        Label::Opposes,
        Label::DoesNotSupport,
        Label::Neutral,
        Label::LeansSupports,
        Label::Supports,
        Label::OffTopic,
    ];

    /// The five ordinal stance labels (everything but `off_topic`).
    pub const STANCES: [Label; 5] = [
        Label::Opposes,
        Label::DoesNotSupport,
        Label::Neutral,
        Label::LeansSupports,
        Label::Supports,
    ];

    /// The label's fixed name as it appears in data and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Opposes => "opposes",
            Label::DoesNotSupport => "does_not_support",
            Label::Neutral => "neutral",
            Label::LeansSupports => "leans_supports",
            Label::Supports => "supports",
            Label::OffTopic => "off_topic",
        }
    }

    /// Ordinal score in [-2, 2]; `None` for `off_topic`.
    pub fn score(self) -> Option<f32> {
        match self {
            Label::Opposes => Some(-2.0),
            Label::DoesNotSupport => Some(-1.0),
            Label::Neutral => Some(0.0),
            Label::LeansSupports => Some(1.0),
            Label::Supports => Some(2.0),
            Label::OffTopic => None,
        }
    }

    /// Which side of neutral the label lies on: -1 (against independence), 0 (neutral), 1
    /// (for); `None` for `off_topic`. A polarity flip is a reading on the other side of gold.
    pub fn side(self) -> Option<i8> {
        // Not `f32::signum`: it gives 1.0 for 0.0.
        self.score().map(|s| match s {
            s if s < 0.0 => -1,
            s if s > 0.0 => 1,
            _ => 0,
        })
    }

    /// Position in [`Label::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Label at position `i` of [`Label::ALL`].
    pub fn from_index(i: usize) -> Option<Label> {
        Label::ALL.get(i).copied()
    }

    /// Name of this label's probability column, e.g. `p_opposes`.
    pub fn prob_column(self) -> String {
        format!("p_{}", self.as_str())
    }

    /// Whether the label takes an explicit position on independence itself. When clauses or
    /// sentences mix, an explicit position wins over status-quo or agency language.
    pub fn is_explicit(self) -> bool {
        matches!(
            self,
            Label::Opposes | Label::DoesNotSupport | Label::Supports
        )
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = UnknownLabel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Label::ALL
            .iter()
            .copied()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| UnknownLabel(s.to_string()))
    }
}

/// Expected ordinal score over the five stance labels, renormalised without `off_topic`.
///
/// `probs` is in [`Label::ALL`] order. When the stance mass is zero (a degenerate distribution
/// that is all `off_topic`), the score is 0: no evidence either way.
pub fn stance_score(probs: &[f32; NUM_LABELS]) -> f32 {
    let mut mass = 0.0f64;
    let mut total = 0.0f64;
    for label in Label::STANCES {
        let p = f64::from(probs[label.index()]);
        mass += p;
        total += p * f64::from(label.score().unwrap_or(0.0));
    }
    if mass <= f64::EPSILON {
        0.0
    } else {
        (total / mass).clamp(-2.0, 2.0) as f32
    }
}

/// Index and value of the largest probability (first wins on ties, so results are stable).
pub fn argmax(probs: &[f32; NUM_LABELS]) -> (Label, f32) {
    let mut best = 0;
    for i in 1..NUM_LABELS {
        if probs[i] > probs[best] {
            best = i;
        }
    }
    (Label::ALL[best], probs[best])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for l in Label::ALL {
            assert_eq!(l.as_str().parse::<Label>().unwrap(), l);
            assert_eq!(Label::from_index(l.index()), Some(l));
        }
        assert!("Opposes".parse::<Label>().is_err());
    }

    #[test]
    fn score_is_renormalised_without_off_topic() {
        // All stance mass on opposes, lots of off_topic: still -2.
        let p = [0.1, 0.0, 0.0, 0.0, 0.0, 0.9];
        assert!((stance_score(&p) + 2.0).abs() < 1e-6);
        // Even split between opposes and supports: 0.
        let p = [0.25, 0.0, 0.0, 0.0, 0.25, 0.5];
        assert!(stance_score(&p).abs() < 1e-6);
        // Expected value.
        let p = [0.0, 0.5, 0.5, 0.0, 0.0, 0.0];
        assert!((stance_score(&p) + 0.5).abs() < 1e-6);
        // Degenerate.
        let p = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        assert_eq!(stance_score(&p), 0.0);
    }

    #[test]
    fn argmax_first_on_ties() {
        let p = [0.3, 0.3, 0.1, 0.1, 0.1, 0.1];
        assert_eq!(argmax(&p).0, Label::Opposes);
    }
}
