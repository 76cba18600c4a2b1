//! Agreement between annotators on nominal labels: Cohen's κ for two annotators, Krippendorff's
//! α (nominal) for any number, both chance-corrected (1 = perfect, 0 = chance level).

use std::collections::HashMap;

use crate::labels::{Label, NUM_LABELS};

/// Cohen's κ over items both annotators labelled: (p_o − p_e) / (1 − p_e), with p_o the
/// observed agreement and p_e the agreement expected from each annotator's own label
/// frequencies. `None` without items or when chance agreement is already 1 (both always gave
/// the same single label).
pub fn cohen_kappa(pairs: &[(Label, Label)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let mut a = [0f64; NUM_LABELS];
    let mut b = [0f64; NUM_LABELS];
    let mut agree = 0f64;
    for (x, y) in pairs {
        a[x.index()] += 1.0;
        b[y.index()] += 1.0;
        if x == y {
            agree += 1.0;
        }
    }
    let po = agree / n;
    let pe: f64 = (0..NUM_LABELS).map(|k| (a[k] / n) * (b[k] / n)).sum();
    if (1.0 - pe).abs() < 1e-12 {
        return None;
    }
    Some((po - pe) / (1.0 - pe))
}

/// Krippendorff's α for nominal data over units (statements) each holding the labels its
/// annotators gave; units with fewer than two labels carry no information and are skipped.
/// α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k, with o the coincidence matrix
/// (each unit's ordered label pairs weighted 1 / (m_u − 1)) and n_c its margins. `None` when
/// fewer than two labels are pairable or every pairable label is the same.
pub fn krippendorff_alpha(units: &[Vec<Label>]) -> Option<f64> {
    let mut o = [[0f64; NUM_LABELS]; NUM_LABELS];
    for unit in units.iter().filter(|u| u.len() >= 2) {
        let w = 1.0 / (unit.len() as f64 - 1.0);
        for (i, a) in unit.iter().enumerate() {
            for (j, b) in unit.iter().enumerate() {
                if i != j {
                    o[a.index()][b.index()] += w;
                }
            }
        }
    }
    let margins: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = margins.iter().sum();
    if n < 2.0 {
        return None;
    }
    let mut observed = 0f64;
    let mut expected = 0f64;
    for c in 0..NUM_LABELS {
        for k in 0..NUM_LABELS {
            if c != k {
                observed += o[c][k];
                expected += margins[c] * margins[k];
            }
        }
    }
    if expected <= 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed / expected)
}

/// Agreement over a set of statements labelled by several annotators.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Distinct annotators.
    pub annotators: usize,
    /// Statements labelled by at least two annotators.
    pub units: usize,
    /// Share of those statements on which every annotator gave the same label.
    pub unanimous: f64,
    /// Cohen's κ (exactly two annotators).
    pub cohen_kappa: Option<f64>,
    /// Krippendorff's α, nominal (any number of annotators).
    pub krippendorff_alpha: Option<f64>,
}

/// Agreement over statements given as (annotator, label) lists, one list per statement.
pub fn measure(statements: &[Vec<(String, Label)>]) -> Agreement {
    let mut names: HashMap<&str, usize> = HashMap::new();
    for s in statements {
        for (a, _) in s {
            let next = names.len();
            names.entry(a.as_str()).or_insert(next);
        }
    }
    let multi: Vec<&Vec<(String, Label)>> = statements.iter().filter(|s| s.len() >= 2).collect();
    let unanimous = multi
        .iter()
        .filter(|s| s.iter().all(|(_, l)| *l == s[0].1))
        .count();
    let kappa = if names.len() == 2 {
        let pairs: Vec<(Label, Label)> = multi
            .iter()
            .filter_map(|s| {
                let of = |k: usize| s.iter().find(|(a, _)| names[a.as_str()] == k).map(|x| x.1);
                Some((of(0)?, of(1)?))
            })
            .collect();
        cohen_kappa(&pairs)
    } else {
        None
    };
    let units: Vec<Vec<Label>> = multi
        .iter()
        .map(|s| s.iter().map(|(_, l)| *l).collect())
        .collect();
    Agreement {
        annotators: names.len(),
        units: multi.len(),
        unanimous: if multi.is_empty() {
            0.0
        } else {
            unanimous as f64 / multi.len() as f64
        },
        cohen_kappa: kappa,
        krippendorff_alpha: krippendorff_alpha(&units),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::*;

    #[test]
    fn kappa_matches_a_worked_example() {
        // 10 items, two annotators: 7 agreements (4 opposes, 3 neutral), 3 disagreements.
        let mut pairs = vec![(Opposes, Opposes); 4];
        pairs.extend(vec![(Neutral, Neutral); 3]);
        pairs.push((Opposes, Neutral));
        pairs.push((Neutral, Opposes));
        pairs.push((Opposes, Neutral));
        // a: opposes 6, neutral 4; b: opposes 5, neutral 5 → pe = .6*.5 + .4*.5 = .5
        let k = cohen_kappa(&pairs).unwrap();
        assert!((k - (0.7 - 0.5) / 0.5).abs() < 1e-12, "{k}");
        assert_eq!(cohen_kappa(&[(Neutral, Neutral)]), None);
        assert!(
            (cohen_kappa(&[(Opposes, Opposes), (Neutral, Neutral)]).unwrap() - 1.0).abs() < 1e-12
        );
    }

    #[test]
    fn alpha_matches_krippendorffs_textbook_value() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example:
        // 4 coders, 12 units with missing values; alpha = 0.743. Values 1..5 mapped to labels.
        let v = |x: u8| Label::ALL[x as usize - 1];
        let data: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let units: Vec<Vec<Label>> = (0..12)
            .map(|u| {
                data.iter()
                    .map(|r| r[u])
                    .filter(|&x| x > 0)
                    .map(v)
                    .collect()
            })
            .collect();
        let a = krippendorff_alpha(&units).unwrap();
        assert!((a - 0.743).abs() < 0.0005, "{a}");
    }

    #[test]
    fn measure_reports_kappa_for_two_and_alpha_for_more() {
        let st = |xs: &[(&str, Label)]| xs.iter().map(|(a, l)| (a.to_string(), *l)).collect();
        let two = vec![
            st(&[("a", Opposes), ("b", Opposes)]),
            st(&[("a", Neutral), ("b", Supports)]),
            st(&[("a", Supports), ("b", Supports)]),
            st(&[("a", Neutral)]),
        ];
        let m = measure(&two);
        assert_eq!((m.annotators, m.units), (2, 3));
        assert!((m.unanimous - 2.0 / 3.0).abs() < 1e-12);
        assert!(m.cohen_kappa.is_some() && m.krippendorff_alpha.is_some());
        let three = vec![
            st(&[("a", Opposes), ("b", Opposes), ("c", Opposes)]),
            st(&[("a", Neutral), ("c", Neutral)]),
        ];
        let m = measure(&three);
        assert_eq!(m.cohen_kappa, None);
        assert_eq!(m.annotators, 3);
    }
}
