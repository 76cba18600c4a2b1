//! `stance audit`: likely label errors in a corpus, from out-of-fold probabilities (every row
//! scored by a model that never saw it, [`crate::train::folds`]).
//!
//! **Per-label thresholds** (the confident-learning idea of Northcutt, Jiang and Chuang, 2021,
//! re-derived here, no code taken): each label j gets a threshold t_j, the mean probability of
//! j over the rows labelled j (its average self-confidence), so a label the model is shy about
//! is not held to the standard of an easy one. A row is *confidently* of label j when
//! p_j ≥ t_j; when the most probable of its confident labels is not its given label, it is
//! flagged ("confident disagreement") and that label is suggested.
//!
//! **Inconsistent near-duplicates**: rows with the same normalised text
//! ([`super::norm_key`]) and different labels are all flagged, whatever the model says; so are
//! rows with the same formula ([`super::formula`]: the wording with names and numbers masked)
//! and different labels, which a reviewer then reads side by side (a formula that changes
//! stance with its subject is legitimate, one that changes with the date is not).
//!
//! **Ordinal severity and the ranking.** The reading is put on each label's own scale,
//! q_j ∝ p_j / t_j (renormalised), and a row's severity is the expected distance between its
//! given label and that reading, Σ_j q_j · d(given, j) on the −2..+2 scale with `off_topic` on
//! its own axis ([`super::strategy::label_distance`]; 0 to 4). Rows whose reading lies mostly
//! across neutral from their given label (more than half of q on the other side: a polarity
//! flip) come first; within each tier, the row whose given label is least *believed* comes
//! first, severity breaking ties.
//!
//! **Belief in the given label.** The fold models confuse some labels with each other far more
//! than others (on the real corpus: `leans_supports` with `supports`, `neutral` with
//! `off_topic`), so a low probability of the given label means less when the model's reading is
//! one the corpus often labels that way. The corpus says how often: the *companion matrix*
//! C\[k\]\[g\] = Σ p_k·\[given = g\] / Σ p_k over all rows is the share of the model's reading k
//! that carries the label g (confident learning's joint of readings and given labels, in soft
//! counts). A row's belief is b = Σ_k p_k · C\[k\]\[given\]: the chance, judged from how this
//! corpus labels what the model reads, that its label is the one given. A label that never goes
//! with the reading scores low, one the model often mistakes for it is spared. On the check of
//! `scripts/audit_check.py` it put more planted flips in the top 10% than the plain
//! self-confidence (lowest p of the given label) it replaces on all five sets of fold models
//! measured: 45–51 of 66 against 41–44, and on the one set held out from the choice 45 against
//! 44; the share of cross-neutral flips moved by at most two rows either way. Ranking by severity
//! instead put 53–56% there. Every row is ranked, flagged or not, so "the top 10%" is well
//! defined.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use polars::prelude::*;
use serde::Serialize;

use super::strategy::label_distance;
use super::{formula_key, norm_key};
use crate::labels::{Label, NUM_LABELS};
use crate::report::Reporter;
use crate::train::folds::{self, cross_fit, FoldSettings, OofRow};
use crate::train::{TrainError, TrainSettings};

/// How bad a disagreement between the given and the suggested label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Given and suggested on opposite sides of neutral (e.g. `supports` vs `opposes`).
    PolarityFlip,
    /// One of them is `off_topic`.
    OffTopic,
    /// Both on the stance scale, not across neutral (neighbours, or to/from `neutral`).
    Ordinal,
    /// No disagreement.
    None,
}

impl Severity {
    /// The class of a (given, suggested) pair.
    pub fn of(given: Label, suggested: Label) -> Severity {
        match (given.score(), suggested.score()) {
            _ if given == suggested => Severity::None,
            (Some(a), Some(b)) if a * b < 0.0 => Severity::PolarityFlip,
            (Some(_), Some(_)) => Severity::Ordinal,
            _ => Severity::OffTopic,
        }
    }

    /// Its name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::PolarityFlip => "polarity_flip",
            Severity::OffTopic => "off_topic",
            Severity::Ordinal => "ordinal",
            Severity::None => "none",
        }
    }
}

/// One ranked row.
#[derive(Debug, Clone)]
pub struct Finding {
    /// 1-based rank.
    pub rank: usize,
    /// The row.
    pub row: OofRow,
    /// The label the evidence points to: the confident label, else the near-duplicates'
    /// other label, else the top label of the adjusted reading (the given label when the
    /// model agrees).
    pub suggested: Label,
    /// Expected distance between the given label and the threshold-adjusted reading (0–4).
    pub severity: f64,
    /// Whether more than half of that reading lies across neutral from the given label.
    pub across_neutral: bool,
    /// Belief in the given label, judged from how the corpus labels the model's reading (0–1).
    pub belief: f64,
    /// Class of (given, suggested); `None` when they agree.
    pub class: Severity,
    /// Whether the row is a likely error.
    pub flagged: bool,
    /// Why it was flagged (empty when not).
    pub reasons: Vec<String>,
}

/// The ranking of a corpus.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Every row, best candidates for an error first.
    pub findings: Vec<Finding>,
    /// Per-label thresholds t_j (`None` for a label no row has).
    pub thresholds: [Option<f64>; NUM_LABELS],
    /// Groups of near-duplicates (same normalised text) with different labels.
    pub duplicate_groups: usize,
    /// Groups of rows with the same formula (and not the same normalised text) with different
    /// labels.
    pub formula_groups: usize,
}

/// Per-label thresholds: the mean out-of-fold probability of each label over the rows given it.
pub fn thresholds(rows: &[OofRow]) -> [Option<f64>; NUM_LABELS] {
    let mut sum = [0f64; NUM_LABELS];
    let mut n = [0usize; NUM_LABELS];
    for r in rows {
        let k = r.label.index();
        sum[k] += f64::from(r.probs[k]);
        n[k] += 1;
    }
    std::array::from_fn(|k| (n[k] > 0).then(|| sum[k] / n[k] as f64))
}

/// The companion matrix: row k is how the corpus labels the model's reading k, C\[k\]\[g\] =
/// Σ p_k·\[given = g\] / Σ p_k over `rows` (a row never read as k stays uniform).
pub fn companions(rows: &[OofRow]) -> [[f64; NUM_LABELS]; NUM_LABELS] {
    let mut c = [[0f64; NUM_LABELS]; NUM_LABELS];
    for r in rows {
        for (k, row) in c.iter_mut().enumerate() {
            row[r.label.index()] += f64::from(r.probs[k]);
        }
    }
    c.map(|row| {
        let sum: f64 = row.iter().sum();
        if sum > 0.0 {
            row.map(|x| x / sum)
        } else {
            [1.0 / NUM_LABELS as f64; NUM_LABELS]
        }
    })
}

/// Belief in `given` for a row read as `p`: Σ_k p_k · C\[k\]\[given\].
pub fn belief(given: Label, p: &[f32; NUM_LABELS], c: &[[f64; NUM_LABELS]; NUM_LABELS]) -> f64 {
    (0..NUM_LABELS)
        .map(|k| f64::from(p[k]) * c[k][given.index()])
        .sum()
}

/// The reading on each label's own scale: q_j ∝ p_j / t_j (a label without a threshold, which
/// no row is given, keeps p_j), renormalised.
pub fn adjusted(p: &[f32; NUM_LABELS], t: &[Option<f64>; NUM_LABELS]) -> [f64; NUM_LABELS] {
    let raw: [f64; NUM_LABELS] =
        std::array::from_fn(|k| f64::from(p[k]) / t[k].unwrap_or(1.0).max(1e-3));
    let sum: f64 = raw.iter().sum();
    if sum <= 0.0 {
        return [1.0 / NUM_LABELS as f64; NUM_LABELS];
    }
    raw.map(|x| x / sum)
}

/// Expected distance between `given` and the reading `q`.
pub fn severity(given: Label, q: &[f64; NUM_LABELS]) -> f64 {
    Label::ALL
        .iter()
        .map(|&l| q[l.index()] * label_distance(given, l))
        .sum()
}

/// Whether more than half of the reading lies across neutral from `given`.
pub fn reads_across_neutral(given: Label, q: &[f64; NUM_LABELS]) -> bool {
    let Some(g) = given.score().filter(|s| *s != 0.0) else {
        return false;
    };
    let across: f64 = Label::STANCES
        .iter()
        .filter(|l| l.score().is_some_and(|s| s * g < 0.0))
        .map(|l| q[l.index()])
        .sum();
    across > 0.5
}

/// The confident label of a row: the most probable label j with p_j ≥ t_j.
fn confident_label(p: &[f32; NUM_LABELS], t: &[Option<f64>; NUM_LABELS]) -> Option<Label> {
    Label::ALL
        .iter()
        .copied()
        .filter(|l| t[l.index()].is_some_and(|tj| f64::from(p[l.index()]) >= tj))
        .max_by(|a, b| {
            p[a.index()]
                .total_cmp(&p[b.index()])
                .then(b.index().cmp(&a.index()))
        })
}

/// Ranks every row; see the module documentation.
pub fn rank(rows: &[OofRow]) -> Ranking {
    let t = thresholds(rows);
    let c = companions(rows);
    let dups = inconsistent_duplicates(rows);
    let mut findings: Vec<Finding> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| finding(r, &t, &c, dups.get(&i)))
        .collect();
    findings.sort_by(|a, b| {
        b.across_neutral
            .cmp(&a.across_neutral)
            .then(a.belief.total_cmp(&b.belief))
            .then(b.severity.total_cmp(&a.severity))
            .then(a.row.id.cmp(&b.row.id))
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.rank = i + 1;
    }
    let groups = |kind: Twin| {
        let keys: std::collections::HashSet<&String> = dups
            .values()
            .filter(|d| d.kind == kind)
            .map(|d| &d.key)
            .collect();
        keys.len()
    };
    Ranking {
        findings,
        thresholds: t,
        duplicate_groups: groups(Twin::SameText),
        formula_groups: groups(Twin::SameFormula),
    }
}

/// How two rows of a disagreeing group are alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Twin {
    /// The same normalised text.
    SameText,
    /// The same formula (wording up to names and numbers).
    SameFormula,
}

/// A row's place in a group of near-duplicates that disagree.
#[derive(Debug, Clone)]
struct Duplicate {
    kind: Twin,
    key: String,
    /// The other rows: (id, label).
    others: Vec<(String, Label)>,
}

/// Rows whose normalised text is shared by a row with another label, then (for the rest) rows
/// whose formula is.
fn inconsistent_duplicates(rows: &[OofRow]) -> HashMap<usize, Duplicate> {
    let mut out = disagreeing_groups(rows, Twin::SameText, |r| Some(norm_key(&r.text)));
    let formulas = disagreeing_groups(rows, Twin::SameFormula, |r| formula_key(&r.text));
    for (i, d) in formulas {
        out.entry(i).or_insert(d);
    }
    out
}

/// Rows grouped by `key` (rows without one stay alone), for groups holding two labels.
fn disagreeing_groups(
    rows: &[OofRow],
    kind: Twin,
    key: impl Fn(&OofRow) -> Option<String>,
) -> HashMap<usize, Duplicate> {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(k) = key(r) {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut out = HashMap::new();
    for (key, members) in by_key {
        if members
            .iter()
            .all(|&i| rows[i].label == rows[members[0]].label)
        {
            continue;
        }
        for &i in &members {
            let others = members
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| (rows[j].id.clone(), rows[j].label))
                .collect();
            out.insert(
                i,
                Duplicate {
                    kind,
                    key: key.clone(),
                    others,
                },
            );
        }
    }
    out
}

fn finding(
    r: &OofRow,
    t: &[Option<f64>; NUM_LABELS],
    c: &[[f64; NUM_LABELS]; NUM_LABELS],
    dup: Option<&Duplicate>,
) -> Finding {
    let p = &r.probs;
    let given = r.label;
    let q = adjusted(p, t);
    let mut reasons = Vec::new();
    // The reading's top label on the adjusted scale, unless a confident label says otherwise.
    let mut suggested = Label::ALL
        .iter()
        .copied()
        .max_by(|a, b| {
            q[a.index()]
                .total_cmp(&q[b.index()])
                .then(b.index().cmp(&a.index()))
        })
        .unwrap_or(given);
    let confident = confident_label(p, t).filter(|l| *l != given);
    if let Some(j) = confident {
        suggested = j;
        reasons.push(format!(
            "confident disagreement: p({j}) {:.2} >= threshold {:.2}; p({given}) {:.2}",
            p[j.index()],
            t[j.index()].unwrap_or(0.0),
            p[given.index()]
        ));
    }
    if let Some(d) = dup {
        if confident.is_none() {
            // The other label of the group the model believes most.
            let other = d
                .others
                .iter()
                .filter(|(_, l)| *l != given)
                .max_by(|a, b| q[a.1.index()].total_cmp(&q[b.1.index()]));
            if let Some((_, l)) = other {
                suggested = *l;
            }
        }
        let others: Vec<String> = d
            .others
            .iter()
            .map(|(id, l)| format!("{id} ({l})"))
            .collect();
        let how = match d.kind {
            Twin::SameText => "same normalised text",
            Twin::SameFormula => "same wording up to names and numbers",
        };
        reasons.push(format!(
            "inconsistent near-duplicate: {how} as {}",
            others.join(", ")
        ));
    }
    Finding {
        rank: 0,
        row: r.clone(),
        suggested,
        severity: severity(given, &q),
        across_neutral: reads_across_neutral(given, &q),
        belief: belief(given, p, c),
        class: Severity::of(given, suggested),
        flagged: !reasons.is_empty(),
        reasons,
    }
}

/// Settings of `stance audit`.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    /// The labelled corpus.
    pub data: PathBuf,
    /// Folds.
    pub k: usize,
    /// Output folder (`audit.parquet`, `summary.md`, and `folds/` when training).
    pub out: PathBuf,
    /// Fold models from `stance train --folds` to reuse instead of training.
    pub models: Option<PathBuf>,
    /// Dev file for every fold model (default: carved from each fold's training rows).
    pub dev: Option<PathBuf>,
    /// Labelled files every fold model also trains on, never ranked (an established corpus
    /// while `data` is a new batch of labels).
    pub also_train: Vec<PathBuf>,
    /// Training hyper-parameters of the fold models (`train`, `out`, `dev` are set here).
    pub hyper: TrainSettings,
    /// Top rows of the ranking listed in `summary.md`.
    pub top: usize,
}

/// Why an audit failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Cross-fitting failed.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// The fold models were made for another corpus or fold count.
    #[error("{0}")]
    Mismatch(String),
    /// An output could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What an audit found.
#[derive(Debug, Clone)]
pub struct AuditReport {
    /// The ranking.
    pub ranking: Ranking,
    /// Out-of-fold macro-F1 against the given labels.
    pub oof_macro_f1: f64,
    /// Files written.
    pub files: Vec<PathBuf>,
}

impl AuditReport {
    /// Flagged rows per severity class.
    pub fn flagged_by_class(&self) -> BTreeMap<Severity, usize> {
        let mut m = BTreeMap::new();
        for f in self.ranking.findings.iter().filter(|f| f.flagged) {
            *m.entry(f.class).or_insert(0) += 1;
        }
        m
    }
}

/// Cross-fits (or reuses fold models), ranks and writes `audit.parquet` and `summary.md`.
pub fn run(
    s: &AuditSettings,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<AuditReport, AuditError> {
    let rows = match &s.models {
        Some(dir) => reuse(dir, s)?,
        None => {
            let settings = FoldSettings {
                hyper: TrainSettings {
                    train: vec![s.data.clone()],
                    out: s.out.join("folds"),
                    ..s.hyper.clone()
                },
                k: s.k,
                dev: s.dev.clone(),
                also_train: s.also_train.clone(),
            };
            cross_fit(&settings, reporter, cancel)?.rows
        }
    };
    let gold: Vec<Label> = rows.iter().map(|r| r.label).collect();
    let probs: Vec<[f32; NUM_LABELS]> = rows.iter().map(|r| r.probs).collect();
    let oof_macro_f1 = crate::eval::compute(&gold, &probs).macro_f1;
    let ranking = rank(&rows);
    let files = write(s, &ranking, oof_macro_f1)?;
    Ok(AuditReport {
        ranking,
        oof_macro_f1,
        files,
    })
}

/// The out-of-fold rows of earlier fold models, checked against the corpus and fold count.
fn reuse(dir: &Path, s: &AuditSettings) -> Result<Vec<OofRow>, AuditError> {
    let path = dir.join(folds::FOLDS_JSON);
    let text = std::fs::read_to_string(&path).map_err(|source| {
        AuditError::Train(TrainError::Io {
            path: path.clone(),
            source,
        })
    })?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| AuditError::Mismatch(format!("{}: {e}", path.display())))?;
    let want = folds::corpus_digests(std::slice::from_ref(&s.data))?;
    let corpus = v["corpus"].as_array().cloned().unwrap_or_default();
    let same_corpus = corpus.len() == 1 && corpus[0]["sha256"] == want[0]["sha256"];
    if !same_corpus {
        return Err(AuditError::Mismatch(format!(
            "the fold models in {} were trained on another corpus than {} (sha256 differs)",
            dir.display(),
            s.data.display()
        )));
    }
    if v["k"].as_u64() != Some(s.k as u64) {
        return Err(AuditError::Mismatch(format!(
            "the fold models in {} use {} folds, not {}",
            dir.display(),
            v["k"],
            s.k
        )));
    }
    Ok(folds::read_oof(dir)?)
}

/// The ranking as a table.
pub fn ranking_frame(r: &Ranking) -> PolarsResult<DataFrame> {
    let f = &r.findings;
    let strings = |g: &dyn Fn(&Finding) -> String| f.iter().map(g).collect::<Vec<_>>();
    let mut cols = vec![
        Column::new(
            "rank".into(),
            f.iter().map(|x| x.rank as i64).collect::<Vec<_>>(),
        ),
        Column::new("id".into(), strings(&|x| x.row.id.clone())),
        Column::new("text".into(), strings(&|x| x.row.text.clone())),
        Column::new(
            "given_label".into(),
            strings(&|x| x.row.label.as_str().into()),
        ),
        Column::new(
            "suggested_label".into(),
            strings(&|x| x.suggested.as_str().into()),
        ),
    ];
    for l in Label::ALL {
        cols.push(Column::new(
            l.prob_column().into(),
            f.iter().map(|x| x.row.probs[l.index()]).collect::<Vec<_>>(),
        ));
    }
    cols.extend([
        Column::new(
            "severity".into(),
            f.iter().map(|x| x.severity).collect::<Vec<_>>(),
        ),
        Column::new(
            "across_neutral".into(),
            f.iter().map(|x| x.across_neutral).collect::<Vec<_>>(),
        ),
        Column::new(
            "belief".into(),
            f.iter().map(|x| x.belief).collect::<Vec<_>>(),
        ),
        Column::new(
            "severity_class".into(),
            strings(&|x| x.class.as_str().into()),
        ),
        Column::new(
            "flagged".into(),
            f.iter().map(|x| x.flagged).collect::<Vec<_>>(),
        ),
        Column::new(
            "reason".into(),
            f.iter()
                .map(|x| (!x.reasons.is_empty()).then(|| x.reasons.join("; ")))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "fold".into(),
            f.iter().map(|x| x.row.fold as i32).collect::<Vec<_>>(),
        ),
        Column::new("group".into(), strings(&|x| x.row.group.clone())),
    ]);
    DataFrame::new(f.len(), cols)
}

fn write(s: &AuditSettings, r: &Ranking, oof_macro_f1: f64) -> Result<Vec<PathBuf>, AuditError> {
    let werr = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AuditError::Write { path, source }
    };
    std::fs::create_dir_all(&s.out).map_err(werr(&s.out))?;
    let table = s.out.join("audit.parquet");
    let mut df = ranking_frame(r).map_err(|e| AuditError::Write {
        path: table.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    crate::fsio::atomic_write_parquet(&table, &mut df).map_err(|e| AuditError::Write {
        path: table.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let md = s.out.join("summary.md");
    let text = summary(s, r, oof_macro_f1);
    crate::fsio::atomic_write(&md, text.as_bytes()).map_err(werr(&md))?;
    Ok(vec![table, md])
}

/// `summary.md`: thresholds, counts, and the top flagged rows.
pub fn summary(s: &AuditSettings, r: &Ranking, oof_macro_f1: f64) -> String {
    let flagged: Vec<&Finding> = r.findings.iter().filter(|f| f.flagged).collect();
    let mut t = format!(
        "# Label audit of `{}`\n\n{} rows, {}-fold out-of-fold probabilities (macro-F1 against the \
         given labels {:.3}). **{} flagged** as likely errors; {} group(s) of near-duplicates \
         and {} group(s) of the same formula (wording up to names and numbers) with different \
         labels.\n\n",
        s.data.display(),
        r.findings.len(),
        s.k,
        oof_macro_f1,
        flagged.len(),
        r.duplicate_groups,
        r.formula_groups
    );
    let mut by_class: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in &flagged {
        *by_class.entry(f.class).or_insert(0) += 1;
    }
    t.push_str("| severity class | flagged |\n|---|---|\n");
    for (c, n) in &by_class {
        t.push_str(&format!("| {} | {n} |\n", c.as_str()));
    }
    t.push_str(
        "\nPer-label thresholds (mean self-confidence):\n\n| label | threshold |\n|---|---|\n",
    );
    for l in Label::ALL {
        let v = r.thresholds[l.index()].map_or("–".to_string(), |x| format!("{x:.3}"));
        t.push_str(&format!("| `{l}` | {v} |\n"));
    }
    t.push_str(&format!(
        "\n## Top {} of the ranking\n\nFlips across neutral first; within each tier, the lowest \
         belief in the given label first (its out-of-fold probabilities weighted by how the \
         corpus labels each reading), then severity (expected distance, \
         0-4, between the given label and the threshold-adjusted reading).\n\n\
         | rank | id | given | belief | suggested | p(suggested) | class | severity | reason | text |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
        s.top.min(r.findings.len())
    ));
    for f in r.findings.iter().take(s.top) {
        let text: String = f.row.text.chars().take(160).collect();
        let reason = if f.flagged {
            f.reasons.join("; ")
        } else {
            "not flagged".to_string()
        };
        t.push_str(&format!(
            "| {} | {} | `{}` | {:.2} | `{}` | {:.2} | {} | {:.2} | {} | {} |\n",
            f.rank,
            f.row.id,
            f.row.label,
            f.belief,
            f.suggested,
            f.row.probs[f.suggested.index()],
            f.class.as_str(),
            f.severity,
            reason.replace('|', "\\|"),
            text.replace('|', "\\|").replace('\n', " ")
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, text: &str, label: Label, p: [f32; NUM_LABELS]) -> OofRow {
        OofRow {
            id: id.into(),
            text: text.into(),
            label,
            group: id.into(),
            fold: 1,
            probs: p,
        }
    }

    fn peaked(l: Label, c: f32) -> [f32; NUM_LABELS] {
        let mut p = [(1.0 - c) / 5.0; NUM_LABELS];
        p[l.index()] = c;
        p
    }

    #[test]
    fn severity_classes() {
        use Label::*;
        assert_eq!(Severity::of(Supports, Opposes), Severity::PolarityFlip);
        assert_eq!(
            Severity::of(LeansSupports, DoesNotSupport),
            Severity::PolarityFlip
        );
        assert_eq!(Severity::of(Neutral, Opposes), Severity::Ordinal);
        assert_eq!(Severity::of(OffTopic, Neutral), Severity::OffTopic);
        assert_eq!(Severity::of(Neutral, Neutral), Severity::None);
    }

    /// A synthetic table: 20 clean rows per label read confidently, plus planted errors.
    fn table() -> Vec<OofRow> {
        let mut rows = Vec::new();
        for l in Label::ALL {
            for i in 0..20 {
                let c = 0.6 + 0.015 * i as f32;
                rows.push(row(
                    &format!("{l}-{i}"),
                    &format!("clean {l} {i}"),
                    l,
                    peaked(l, c),
                ));
            }
        }
        // Given supports, read as opposes: a polarity flip.
        rows.push(row(
            "flip",
            "flip",
            Label::Supports,
            peaked(Label::Opposes, 0.85),
        ));
        // Given neutral, read as leans_supports more surely: ordinal, less severe.
        rows.push(row(
            "near",
            "near",
            Label::Neutral,
            peaked(Label::LeansSupports, 0.9),
        ));
        // Given opposes, read as off_topic.
        rows.push(row(
            "off",
            "off",
            Label::Opposes,
            peaked(Label::OffTopic, 0.8),
        ));
        // Unsure, under every threshold: not flagged.
        rows.push(row(
            "unsure",
            "unsure",
            Label::Neutral,
            [0.2, 0.2, 0.15, 0.15, 0.15, 0.15],
        ));
        // The same text twice with two labels, both read as their own label weakly.
        rows.push(row(
            "dup-a",
            "Taiwan, the  island!",
            Label::Neutral,
            peaked(Label::Neutral, 0.5),
        ));
        rows.push(row(
            "dup-b",
            "taiwan the island",
            Label::LeansSupports,
            peaked(Label::Neutral, 0.5),
        ));
        rows
    }

    #[test]
    fn planted_errors_rank_first_with_flips_across_neutral_on_top() {
        let mut rows = table();
        // Given does_not_support, read as leans_supports: across neutral, distance 2.
        rows.push(row(
            "dl",
            "dl",
            Label::DoesNotSupport,
            peaked(Label::LeansSupports, 0.8),
        ));
        let r = rank(&rows);
        let pos = |id: &str| r.findings.iter().position(|f| f.row.id == id).unwrap();
        let at = |id: &str| &r.findings[pos(id)];
        // Both flips across neutral come first, though the off_topic reading's severity beats
        // the second flip's; then the other two errors, least believed first.
        assert_eq!((pos("flip"), pos("dl")), (0, 1));
        let mut rest = [pos("near"), pos("off")];
        rest.sort_unstable();
        assert_eq!(rest, [2, 3]);
        let (first, second) = if pos("near") < pos("off") {
            ("near", "off")
        } else {
            ("off", "near")
        };
        assert!(at(first).belief <= at(second).belief);
        assert!(at("off").severity > at("dl").severity);
        assert!(r.findings[..2].iter().all(|f| f.across_neutral));
        assert!(r.findings[2..].iter().all(|f| !f.across_neutral));
        let f = at("flip");
        assert_eq!(
            (f.suggested, f.class),
            (Label::Opposes, Severity::PolarityFlip)
        );
        assert!(f.reasons[0].contains("confident disagreement"));
        let near = at("near");
        assert!(near.flagged);
        assert_eq!(
            (near.suggested, near.class),
            (Label::LeansSupports, Severity::Ordinal)
        );
        assert_eq!(at("off").class, Severity::OffTopic);
        assert!(!at("unsure").flagged);
        // The near-duplicates: both flagged; the one the model disagrees with ranks higher.
        assert_eq!(r.duplicate_groups, 1);
        let (a, b) = (at("dup-a"), at("dup-b"));
        assert!(a.flagged && b.flagged);
        assert!(pos("dup-b") < pos("dup-a"));
        assert_eq!(b.suggested, Label::Neutral);
        assert!(
            b.reasons.iter().any(|x| x.contains("dup-a (neutral)")),
            "{:?}",
            b.reasons
        );
        // Clean rows are never flagged; ranks run 1..n.
        assert_eq!(r.findings.iter().filter(|f| f.flagged).count(), 6);
        assert_eq!(r.formula_groups, 0);
        let ranks: Vec<usize> = r.findings.iter().map(|f| f.rank).collect();
        assert_eq!(ranks, (1..=r.findings.len()).collect::<Vec<_>>());
    }

    #[test]
    fn one_formula_with_two_labels_flags_both_rows() {
        let mut rows = table();
        let said = |who: &str, year: u32| {
            format!("{who} does not support Taiwan independence, the spokesperson said in {year}.")
        };
        rows.push(row(
            "f-a",
            &said("Japan", 2023),
            Label::DoesNotSupport,
            peaked(Label::DoesNotSupport, 0.9),
        ));
        rows.push(row(
            "f-b",
            &said("The United Kingdom", 2024),
            Label::Neutral,
            peaked(Label::DoesNotSupport, 0.5),
        ));
        // A third row of the formula, with the first row's label.
        rows.push(row(
            "f-c",
            &said("Canada", 2022),
            Label::DoesNotSupport,
            peaked(Label::DoesNotSupport, 0.9),
        ));
        let r = rank(&rows);
        let at = |id: &str| r.findings.iter().find(|f| f.row.id == id).unwrap();
        assert_eq!((r.duplicate_groups, r.formula_groups), (1, 1));
        let b = at("f-b");
        assert!(b.flagged);
        assert!(
            b.reasons
                .iter()
                .any(|x| x.contains("same wording up to names and numbers as f-a")),
            "{:?}",
            b.reasons
        );
        // The whole group goes to the reviewer, the row agreeing with the majority included.
        assert!(at("f-a").flagged && at("f-c").flagged);
        assert_eq!(r.findings.iter().filter(|f| f.flagged).count(), 8);
        let ranks: Vec<usize> = r.findings.iter().map(|f| f.rank).collect();
        assert_eq!(ranks, (1..=r.findings.len()).collect::<Vec<_>>());
    }

    #[test]
    fn severity_is_the_expected_distance_of_the_adjusted_reading() {
        let t = [Some(0.5); NUM_LABELS];
        let q = adjusted(&peaked(Label::Opposes, 1.0), &t);
        assert!((severity(Label::Supports, &q) - 4.0).abs() < 1e-9);
        assert!(severity(Label::Opposes, &q).abs() < 1e-9);
        // A shy label (low threshold) weighs more than its raw probability.
        let mut t2 = t;
        t2[Label::DoesNotSupport.index()] = Some(0.25);
        let p = [0.4, 0.2, 0.1, 0.1, 0.1, 0.1];
        assert!(adjusted(&p, &t2)[1] > adjusted(&p, &t)[1]);
        assert!(reads_across_neutral(Label::Supports, &q));
        assert!(!reads_across_neutral(Label::Neutral, &q));
    }

    #[test]
    fn a_disagreement_the_corpus_often_makes_is_believed_more_than_one_it_never_makes() {
        use Label::*;
        // The corpus often labels `supports` what the model reads as `leans_supports`.
        let mut rows: Vec<OofRow> = (0..10)
            .map(|i| {
                row(
                    &format!("s{i}"),
                    "s",
                    Supports,
                    [0.0, 0.0, 0.0, 0.7, 0.3, 0.0],
                )
            })
            .chain((0..10).map(|i| {
                row(
                    &format!("l{i}"),
                    "l",
                    LeansSupports,
                    peaked(LeansSupports, 0.9),
                )
            }))
            .chain((0..10).map(|i| row(&format!("n{i}"), "n", Neutral, peaked(Neutral, 0.9))))
            .collect();
        // Two rows the model reads alike, with the same probability of their given label: the
        // `supports` one is a usual confusion, the `neutral` one is not.
        rows.push(row(
            "usual",
            "u",
            Supports,
            [0.0, 0.0, 0.15, 0.7, 0.15, 0.0],
        ));
        rows.push(row("odd", "o", Neutral, [0.0, 0.0, 0.15, 0.7, 0.15, 0.0]));
        let c = companions(&rows);
        for row in &c {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        let r = rank(&rows);
        let at = |id: &str| r.findings.iter().position(|f| f.row.id == id).unwrap();
        let f = |id: &str| &r.findings[at(id)];
        assert!(f("odd").belief < f("usual").belief);
        assert!(at("odd") < at("usual"));
        // Neither reads across neutral; the odd row leads the whole ranking.
        assert_eq!(at("odd"), 0);
    }

    #[test]
    fn thresholds_are_each_labels_mean_self_confidence() {
        let rows = vec![
            row("a", "a", Label::Opposes, peaked(Label::Opposes, 0.9)),
            row("b", "b", Label::Opposes, peaked(Label::Opposes, 0.5)),
            row("c", "c", Label::Neutral, peaked(Label::Neutral, 0.4)),
        ];
        let t = thresholds(&rows);
        assert!((t[Label::Opposes.index()].unwrap() - 0.7).abs() < 1e-6);
        assert!((t[Label::Neutral.index()].unwrap() - 0.4).abs() < 1e-6);
        assert_eq!(t[Label::Supports.index()], None);
        // A neutral reading of 0.45 passes neutral's low threshold (0.4) though it would fail
        // opposes' (0.7): per-label thresholds.
        let r = rank(
            &[
                rows,
                vec![row(
                    "d",
                    "d",
                    Label::Opposes,
                    [0.3, 0.05, 0.45, 0.05, 0.05, 0.1],
                )],
            ]
            .concat(),
        );
        let d = r.findings.iter().find(|f| f.row.id == "d").unwrap();
        assert!(d.flagged);
        assert_eq!(d.suggested, Label::Neutral);
    }
}
