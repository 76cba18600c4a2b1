//! How informative a statement would be to label: one score per strategy, higher first.
//!
//! Every function takes probabilities in [`Label::ALL`] order and returns a score in [0, 1]
//! (committee: in nats, see [`committee`]).
//!
//! - [`margin`]: 1 − (p₁ − p₂), the gap between the two most probable labels (small-text and
//!   modAL's margin sampling).
//! - [`entropy`]: Shannon entropy divided by ln 6.
//! - [`ordinal`]: the expected distance between the two most probable readings on the stance
//!   scale, so that `supports` read as `opposes` counts far more than `neutral` read as
//!   `leans_supports` (see [`label_distance`]).
//! - [`committee`]: disagreement between the model versions that classified the statement.

use serde::Serialize;

use crate::labels::{Label, NUM_LABELS};

/// A selection strategy of `stance sample`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Smallest gap between the two most probable labels.
    Margin,
    /// Highest entropy of the label distribution.
    Entropy,
    /// Largest expected distance on the stance scale between the two top readings.
    Ordinal,
    /// Most disagreement between the model versions stored in the dataset.
    Committee,
    /// Uniformly at random (seeded).
    Random,
    /// The default mix: ordinal-led with entropy and committee shares, plus the random slice.
    #[default]
    Mix,
}

impl Strategy {
    /// The name used in outputs (`meta.strategy`).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Margin => "margin",
            Strategy::Entropy => "entropy",
            Strategy::Ordinal => "ordinal",
            Strategy::Committee => "committee",
            Strategy::Random => "random",
            Strategy::Mix => "mix",
        }
    }
}

/// Height of the `off_topic` axis: `off_topic` sits at (0, 2) while the stance labels sit at
/// (score, 0) on the −2..+2 line, so reading a statement as off-topic instead of `neutral`
/// costs 2 (two steps of the scale), instead of `supports` or `opposes` √8 ≈ 2.83.
pub const OFF_TOPIC_AXIS: f64 = 2.0;

/// The largest [`label_distance`]: `opposes` ↔ `supports`.
pub const MAX_DISTANCE: f64 = 4.0;

/// Distance between two labels: stance labels lie on the −2..+2 line at their scores and
/// `off_topic` lies on its own axis, [`OFF_TOPIC_AXIS`] above `neutral`; the distance is the
/// Euclidean one between those points.
pub fn label_distance(a: Label, b: Label) -> f64 {
    let point = |l: Label| match l.score() {
        Some(s) => (f64::from(s), 0.0),
        None => (0.0, OFF_TOPIC_AXIS),
    };
    let (pa, pb) = (point(a), point(b));
    ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt()
}

/// The two most probable labels with their probabilities (first wins on ties).
pub fn top_two(p: &[f32; NUM_LABELS]) -> ((Label, f64), (Label, f64)) {
    let mut order: Vec<usize> = (0..NUM_LABELS).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    let pick = |i: usize| (Label::ALL[order[i]], f64::from(p[order[i]]));
    (pick(0), pick(1))
}

/// Margin sampling: 1 − (p₁ − p₂).
pub fn margin(p: &[f32; NUM_LABELS]) -> f64 {
    let ((_, p1), (_, p2)) = top_two(p);
    (1.0 - (p1 - p2)).clamp(0.0, 1.0)
}

/// Entropy of the distribution divided by ln 6 (1 for the uniform distribution).
pub fn entropy(p: &[f32; NUM_LABELS]) -> f64 {
    let h: f64 = p
        .iter()
        .map(|&x| f64::from(x))
        .filter(|&x| x > 0.0)
        .map(|x| -x * x.ln())
        .sum();
    (h / (NUM_LABELS as f64).ln()).clamp(0.0, 1.0)
}

/// Ordinal sampling: with a and b the two most probable labels and q = p_b / (p_a + p_b) the
/// chance that the runner-up is the right one of the two, the expected distance of labelling
/// by a is q · d(a, b) ([`label_distance`]). Divided by its largest value (0.5 · 4) it lies in
/// [0, 1]: 1 for an even split between `opposes` and `supports`; an even split between
/// `neutral` and `leans_supports` scores 0.25, one between `neutral` and `off_topic` 0.5.
pub fn ordinal(p: &[f32; NUM_LABELS]) -> f64 {
    let ((a, pa), (b, pb)) = top_two(p);
    if pa + pb <= 0.0 {
        return 0.0;
    }
    let q = pb / (pa + pb);
    (q * label_distance(a, b) / (0.5 * MAX_DISTANCE)).clamp(0.0, 1.0)
}

/// Committee disagreement between model versions: the mean Kullback-Leibler divergence of each
/// member's distribution from the members' average ("KL to the mean", the generalised
/// Jensen-Shannon divergence), in nats; 0 when all agree, at most ln(members). `None` with
/// fewer than two members.
pub fn committee(members: &[[f32; NUM_LABELS]]) -> Option<f64> {
    if members.len() < 2 {
        return None;
    }
    let m = members.len() as f64;
    let mut mean = [0f64; NUM_LABELS];
    for p in members {
        for (k, v) in p.iter().enumerate() {
            mean[k] += f64::from(*v) / m;
        }
    }
    let kl: f64 = members
        .iter()
        .map(|p| {
            p.iter()
                .zip(&mean)
                .map(|(&x, &q)| (f64::from(x), q))
                .filter(|&(x, q)| x > 0.0 && q > 0.0)
                .map(|(x, q)| x * (x / q).ln())
                .sum::<f64>()
        })
        .sum();
    Some((kl / m).max(0.0))
}

/// The score of one strategy for a statement with probabilities `p` and, for the committee,
/// the distributions of every model version that classified it. `None` when the strategy has
/// nothing to say (random; committee with a single version).
pub fn score(s: Strategy, p: &[f32; NUM_LABELS], members: &[[f32; NUM_LABELS]]) -> Option<f64> {
    match s {
        Strategy::Margin => Some(margin(p)),
        Strategy::Entropy => Some(entropy(p)),
        Strategy::Ordinal => Some(ordinal(p)),
        Strategy::Committee => committee(members),
        Strategy::Random | Strategy::Mix => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two(a: Label, pa: f32, b: Label, pb: f32) -> [f32; NUM_LABELS] {
        let rest = (1.0 - pa - pb) / 4.0;
        let mut p = [rest; NUM_LABELS];
        p[a.index()] = pa;
        p[b.index()] = pb;
        p
    }

    #[test]
    fn distances_put_off_topic_on_its_own_axis() {
        assert_eq!(label_distance(Label::Opposes, Label::Supports), 4.0);
        assert_eq!(label_distance(Label::Neutral, Label::LeansSupports), 1.0);
        assert_eq!(label_distance(Label::Neutral, Label::OffTopic), 2.0);
        assert!((label_distance(Label::Supports, Label::OffTopic) - 8f64.sqrt()).abs() < 1e-12);
        assert_eq!(label_distance(Label::OffTopic, Label::OffTopic), 0.0);
    }

    #[test]
    fn ordinal_ranks_a_polarity_doubt_above_a_neighbour_doubt_of_equal_margin() {
        let far = two(Label::Opposes, 0.45, Label::Supports, 0.45);
        let near = two(Label::Neutral, 0.45, Label::LeansSupports, 0.45);
        assert!((margin(&far) - margin(&near)).abs() < 1e-9);
        assert!((entropy(&far) - entropy(&near)).abs() < 1e-9);
        assert!((ordinal(&far) - 1.0).abs() < 1e-6);
        assert!((ordinal(&near) - 0.25).abs() < 1e-6);
        let off = two(Label::Neutral, 0.45, Label::OffTopic, 0.45);
        assert!((ordinal(&off) - 0.5).abs() < 1e-6);
        // A confident reading scores low whatever the runner-up.
        let sure = two(Label::Opposes, 0.95, Label::Supports, 0.05);
        assert!(ordinal(&sure) < 0.11);
    }

    #[test]
    fn margin_and_entropy_are_highest_for_doubt() {
        let sure = two(Label::Opposes, 0.96, Label::Neutral, 0.04);
        let doubt = two(Label::Opposes, 0.5, Label::Neutral, 0.5);
        assert!(margin(&doubt) > margin(&sure));
        assert!((margin(&doubt) - 1.0).abs() < 1e-6);
        assert!(entropy(&doubt) > entropy(&sure));
        let uniform = [1.0 / 6.0; NUM_LABELS];
        assert!((entropy(&uniform) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn committee_is_zero_when_versions_agree_and_grows_with_disagreement() {
        let a = two(Label::Opposes, 0.8, Label::Neutral, 0.1);
        let b = two(Label::Supports, 0.8, Label::Neutral, 0.1);
        assert_eq!(committee(&[a]), None);
        assert!(committee(&[a, a]).unwrap() < 1e-12);
        let split = committee(&[a, b]).unwrap();
        assert!(split > 0.3 && split <= 2f64.ln() + 1e-9, "{split}");
        let c = two(Label::Opposes, 0.6, Label::Neutral, 0.3);
        assert!(committee(&[a, c]).unwrap() < split);
    }
}
