//! Trend analysis over a predictions dataset: per actor and period, the mean stance score with a
//! confidence interval, label shares and the dominant label; shifts between an actor's
//! consecutive periods; the first date each actor used each label; and a chart.
//!
//! Off-topic statements are counted (`n_off_topic`) but never move a score or a share: means,
//! intervals and shares are over stance-bearing statements only. Statements without an actor
//! are grouped under `unknown`; statements without a date fall in the period `unknown`
//! (`period_start` null), which is reported but never part of a shift.

pub mod chart;
pub mod fonts;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use serde::Serialize;

use crate::labels::Label;
use crate::output::dataset::part_files;
use crate::output::frames::date_col;

/// Length of a trend period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    #[default]
    Quarter,
    /// Calendar years.
    Year,
}

impl Period {
    /// The period's name, as the command line spells it (`month`, `quarter`, `year`).
    pub fn name(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// First day of the period containing `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        let (y, m) = (d.year(), d.month());
        let m0 = match self {
            Period::Month => m,
            Period::Quarter => (m - 1) / 3 * 3 + 1,
            Period::Year => 1,
        };
        NaiveDate::from_ymd_opt(y, m0, 1).unwrap_or(d)
    }

    /// Human label of the period starting at `d` (`2024-03`, `2024-Q1`, `2024`).
    pub fn label(self, d: NaiveDate) -> String {
        match self {
            Period::Month => d.format("%Y-%m").to_string(),
            Period::Quarter => format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Period::Year => d.year().to_string(),
        }
    }
}

/// Settings of `stance trends`.
#[derive(Debug, Clone)]
pub struct TrendSettings {
    /// Dataset root (or its `predictions` folder).
    pub predictions: PathBuf,
    /// Column to group by (default `actor`).
    pub by: String,
    /// Period length.
    pub period: Period,
    /// Stance-bearing statements a period needs to take part in a shift.
    pub min_statements: u64,
    /// Model digest (or prefix) to analyse; default: the model of the most recent run.
    pub model: Option<String>,
    /// Mean-score move that counts as a shift even when the dominant label stays.
    pub shift_threshold: f64,
    /// Output folder.
    pub out: PathBuf,
    /// Actors drawn in the chart (most statements first).
    pub chart_actors: usize,
    /// A CJK font (TrueType/OpenType) for chart labels the bundled Latin font has no glyphs for,
    /// such as Chinese actor names ([`fonts::default_cjk_font`]); `None`: none.
    pub cjk_font: Option<PathBuf>,
}

/// Errors of the trend analysis.
#[derive(Debug, thiserror::Error)]
pub enum TrendError {
    /// Reading the dataset failed.
    #[error(transparent)]
    Dataset(#[from] crate::output::dataset::DatasetError),
    /// Polars failed.
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
    /// Nothing to analyse.
    #[error("{0}")]
    Empty(String),
    /// The dataset (its root folder) has no predictions: nothing was classified into it yet.
    #[error(
        "no predictions under {}; classify statements into {} first",
        .0.join("predictions").display(),
        .0.display()
    )]
    NoPredictions(PathBuf),
    /// Writing failed.
    #[error("cannot write {}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A table could not be written.
    #[error(transparent)]
    Write(crate::fsio::WriteError),
    /// The chart failed.
    #[error("cannot draw the chart: {0}")]
    Chart(String),
}

/// One statement, as the trend analysis sees it.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Statement id.
    pub id: String,
    /// Group (actor), `unknown` when missing.
    pub actor: String,
    /// Date, if known.
    pub date: Option<NaiveDate>,
    /// Predicted label.
    pub label: Label,
    /// Stance score.
    pub score: f32,
}

/// One (actor, period) cell.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    /// Actor.
    pub actor: String,
    /// Period label, `unknown` for undated statements.
    pub period: String,
    /// First day of the period.
    pub period_start: Option<NaiveDate>,
    /// All statements.
    pub n: u64,
    /// Stance-bearing statements.
    pub n_stance: u64,
    /// Off-topic statements.
    pub n_off_topic: u64,
    /// Mean stance score over stance-bearing statements.
    pub mean_stance_score: Option<f64>,
    /// 95% t-interval of the mean (null with fewer than two statements).
    pub ci_low: Option<f64>,
    /// Upper end.
    pub ci_high: Option<f64>,
    /// Shares of the five stance labels among stance-bearing statements.
    pub shares: [f64; 5],
    /// Most frequent stance label (ties: the more explicit, then the lower score), or
    /// `off_topic` when the period has no stance-bearing statement.
    pub dominant_label: String,
}

/// A change in an actor's stance between two periods.
#[derive(Debug, Clone, Serialize)]
pub struct Shift {
    /// Actor.
    pub actor: String,
    /// The period where the change shows.
    pub period_start: NaiveDate,
    /// The actor's previous period with enough statements.
    pub previous_period_start: NaiveDate,
    /// Dominant label before.
    pub previous_dominant_label: String,
    /// Dominant label now.
    pub dominant_label: String,
    /// Mean score before.
    pub previous_score: f64,
    /// Mean score now.
    pub score: f64,
    /// score − previous_score.
    pub delta: f64,
    /// Statements of the new period that drove the change.
    pub evidence_ids: Vec<String>,
}

/// Everything `trends` computes.
#[derive(Debug, Clone, Serialize)]
pub struct TrendReport {
    /// The model analysed.
    pub model_sha256: String,
    /// Statements after de-duplication.
    pub statements: usize,
    /// Trend rows.
    pub trends: Vec<TrendRow>,
    /// Shifts.
    pub shifts: Vec<Shift>,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// What a person should know (e.g. chart labels drawn as boxes for want of a font).
    pub warnings: Vec<String>,
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
fn t975(df: u64) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df as usize - 1],
        31..=60 => 2.00,
        61..=120 => 1.98,
        _ => 1.96,
    }
}

/// Reads the statements of one model from a dataset, keeping the latest prediction of each
/// (id, text) — reclassifications replace, they do not double count.
pub fn load_statements(
    root: &Path,
    by: &str,
    model: Option<&str>,
) -> Result<(String, Vec<Statement>), TrendError> {
    let all = read_predictions(&dataset_root(root), by)?;
    // Which model: the one asked for, else the one of the most recent run.
    let model_sha = match model {
        Some(prefix) => model_by_prefix(&all, prefix)?,
        None => latest_model(&all)?,
    };
    let df = all
        .filter(col("model_sha256").eq(lit(model_sha.clone())))
        .sort(
            ["classified_at"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .with_column(col(by).cast(DataType::String).alias("_by"))
        .select([
            col("id"),
            col("text_sha256"),
            col("label"),
            col("stance_score"),
            col("date"),
            col("_by"),
        ])
        .collect()?;
    Ok((model_sha, latest_statements(&df)?))
}

/// The dataset root, whether given as the root or as its `predictions` folder.
fn dataset_root(root: &Path) -> PathBuf {
    if root.join("predictions").is_dir() {
        root.to_path_buf()
    } else if root.file_name().is_some_and(|n| n == "predictions") {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        root.to_path_buf()
    }
}

/// All prediction parts of a dataset, with the columns the analysis needs and the `by` column.
fn read_predictions(root: &Path, by: &str) -> Result<LazyFrame, TrendError> {
    let files = part_files(root, "predictions")?;
    if files.is_empty() {
        return Err(TrendError::NoPredictions(root.to_path_buf()));
    }
    let mut cols = vec![
        "id",
        "text_sha256",
        "label",
        "stance_score",
        "model_sha256",
        "classified_at",
        "date",
    ];
    if !cols.contains(&by) {
        cols.push(by);
    }
    let mut frames = Vec::new();
    for f in &files {
        let file = std::fs::File::open(f).map_err(|source| TrendError::Io {
            path: f.clone(),
            source,
        })?;
        let df = ParquetReader::new(file)
            .with_columns(Some(cols.iter().map(|s| s.to_string()).collect()))
            .finish()?;
        frames.push(df.lazy());
    }
    Ok(concat(frames, UnionArgs::default())?)
}

/// The one model whose sha256 starts with `prefix`.
fn model_by_prefix(all: &LazyFrame, prefix: &str) -> Result<String, TrendError> {
    let found = all
        .clone()
        .select([col("model_sha256")])
        .unique(None, UniqueKeepStrategy::First)
        .collect()?;
    let shas: Vec<String> = found
        .column("model_sha256")?
        .str()?
        .iter()
        .flatten()
        .filter(|s| s.starts_with(prefix))
        .map(str::to_string)
        .collect();
    match shas.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(TrendError::Empty(format!(
            "no predictions by a model whose sha256 starts with {prefix:?}"
        ))),
        _ => Err(TrendError::Empty(format!(
            "{prefix:?} matches several models; give more of the sha256"
        ))),
    }
}

/// The model of the most recent classification.
fn latest_model(all: &LazyFrame) -> Result<String, TrendError> {
    let latest = all
        .clone()
        .sort(
            ["classified_at"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .select([col("model_sha256")])
        .limit(1)
        .collect()?;
    Ok(latest
        .column("model_sha256")?
        .str()?
        .get(0)
        .unwrap_or_default()
        .to_string())
}

/// A day count since 1970-01-01 (polars' physical date) as a date.
fn from_epoch_days(days: i32) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch + chrono::Duration::days(i64::from(days))
}

/// Statements from predictions sorted newest first: the first row of each (id, text) is its
/// latest classification; rows with an unknown label are skipped.
fn latest_statements(df: &DataFrame) -> Result<Vec<Statement>, TrendError> {
    let ids = df.column("id")?.str()?.clone();
    let shas = df.column("text_sha256")?.str()?.clone();
    let labels = df.column("label")?.str()?.clone();
    let scores = df.column("stance_score")?.f32()?.clone();
    let dates = df.column("date")?.date()?.clone();
    let actors = df.column("_by")?.str()?.clone();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for i in 0..df.height() {
        let id = ids.get(i).unwrap_or_default().to_string();
        let key = (id.clone(), shas.get(i).unwrap_or_default().to_string());
        if !seen.insert(key) {
            continue;
        }
        let Some(label) = labels.get(i).and_then(|l| l.parse::<Label>().ok()) else {
            continue;
        };
        out.push(Statement {
            id,
            actor: actors
                .get(i)
                .filter(|a| !a.trim().is_empty())
                .unwrap_or("unknown")
                .to_string(),
            date: dates.phys.get(i).map(from_epoch_days),
            label,
            score: scores.get(i).unwrap_or(0.0),
        });
    }
    Ok(out)
}

/// Aggregates statements into trend rows (lazy polars group-by).
pub fn trend_rows(statements: &[Statement], period: Period) -> Result<Vec<TrendRow>, TrendError> {
    let agg = aggregate(statements_frame(statements, period)?)?;
    let n = u64_column(&agg, "n")?;
    let n_off = u64_column(&agg, "n_off_topic")?;
    let counts: Vec<Vec<u64>> = Label::STANCES
        .iter()
        .map(|l| u64_column(&agg, &format!("c_{}", l.as_str())))
        .collect::<Result<_, _>>()?;
    let actors = agg.column("actor")?.str()?.clone();
    let starts = agg.column("period_start")?.date()?.clone();
    let means = agg.column("mean")?.f64()?.clone();
    let sds = agg.column("sd")?.f64()?.clone();
    let mut rows = Vec::with_capacity(agg.height());
    for i in 0..agg.height() {
        let n_stance = n[i] - n_off[i];
        let label_counts: Vec<u64> = counts.iter().map(|c| c[i]).collect();
        let (shares, dominant) = shares_and_dominant(&label_counts, n_stance);
        let mean = means.get(i).filter(|_| n_stance > 0);
        let (ci_low, ci_high) = interval(mean, sds.get(i), n_stance);
        let start = starts.phys.get(i).map(from_epoch_days);
        rows.push(TrendRow {
            actor: actors.get(i).unwrap_or("unknown").to_string(),
            period: start.map_or_else(|| "unknown".to_string(), |d| period.label(d)),
            period_start: start,
            n: n[i],
            n_stance,
            n_off_topic: n_off[i],
            mean_stance_score: mean,
            ci_low,
            ci_high,
            shares,
            dominant_label: dominant
                .map(|l| l.as_str().to_string())
                .unwrap_or_else(|| "off_topic".into()),
        });
    }
    Ok(rows)
}

/// One row per statement: actor, the start of its period (null when undated) as a date,
/// label and score.
fn statements_frame(statements: &[Statement], period: Period) -> PolarsResult<DataFrame> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<Option<i32>> = statements
        .iter()
        .map(|s| s.date.map(|d| (period.start(d) - epoch).num_days() as i32))
        .collect();
    DataFrame::new(
        statements.len(),
        vec![
            Column::new(
                "actor".into(),
                statements
                    .iter()
                    .map(|s| s.actor.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new("period_start".into(), days).cast(&DataType::Date)?,
            Column::new(
                "label".into(),
                statements
                    .iter()
                    .map(|s| s.label.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "score".into(),
                statements
                    .iter()
                    .map(|s| f64::from(s.score))
                    .collect::<Vec<_>>(),
            ),
        ],
    )
}

/// Per (actor, period), sorted with undated periods last: `n`, `n_off_topic`, the mean and
/// sample standard deviation of stance-bearing scores, and `c_<label>` counts of each stance.
fn aggregate(df: DataFrame) -> PolarsResult<DataFrame> {
    let stance = col("label").neq(lit("off_topic"));
    let mut aggs = vec![
        len().alias("n"),
        col("label").eq(lit("off_topic")).sum().alias("n_off_topic"),
        col("score").filter(stance.clone()).mean().alias("mean"),
        col("score").filter(stance.clone()).std(1).alias("sd"),
    ];
    for l in Label::STANCES {
        aggs.push(
            col("label")
                .eq(lit(l.as_str()))
                .sum()
                .alias(format!("c_{}", l.as_str())),
        );
    }
    df.lazy()
        .group_by([col("actor"), col("period_start")])
        .agg(aggs)
        .sort_by_exprs(
            [col("actor"), col("period_start")],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()
}

/// A count column as u64 (nulls as 0).
fn u64_column(df: &DataFrame, name: &str) -> Result<Vec<u64>, TrendError> {
    Ok(df
        .column(name)?
        .cast(&DataType::UInt64)?
        .u64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

/// Shares of the five stance labels among `n_stance` statements, from their counts
/// (canonical order), and the dominant label: the most frequent, ties going to the more
/// explicit, then the lower score; `None` when no stance label occurs.
fn shares_and_dominant(counts: &[u64], n_stance: u64) -> ([f64; 5], Option<Label>) {
    let mut shares = [0f64; 5];
    let mut best = None::<(u64, bool, usize)>;
    for (k, l) in Label::STANCES.iter().enumerate() {
        let c = counts[k];
        if n_stance > 0 {
            shares[k] = c as f64 / n_stance as f64;
        }
        let cand = (c, l.is_explicit(), k);
        if c > 0 && best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
            best = Some(cand);
        }
    }
    (shares, best.map(|(_, _, k)| Label::STANCES[k]))
}

/// The 95% t-interval of a mean over `n` statements with standard deviation `sd`, clamped to
/// the score scale; `(None, None)` without a mean or with fewer than two statements.
fn interval(mean: Option<f64>, sd: Option<f64>, n: u64) -> (Option<f64>, Option<f64>) {
    match (mean, sd) {
        (Some(m), Some(sd)) if n >= 2 && sd.is_finite() => {
            let h = t975(n - 1) * sd / (n as f64).sqrt();
            (Some((m - h).max(-2.0)), Some((m + h).min(2.0)))
        }
        _ => (None, None),
    }
}

/// Finds shifts: for each actor, each dated period with at least `min` stance-bearing
/// statements against the actor's previous such period.
pub fn find_shifts(
    rows: &[TrendRow],
    statements: &[Statement],
    period: Period,
    min: u64,
    threshold: f64,
) -> Vec<Shift> {
    let mut by_actor: BTreeMap<&str, Vec<&TrendRow>> = BTreeMap::new();
    for r in rows {
        if r.period_start.is_some() && r.n_stance >= min.max(1) {
            by_actor.entry(&r.actor).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for (actor, mut periods) in by_actor {
        periods.sort_by_key(|r| r.period_start);
        for w in periods.windows(2) {
            let (prev, cur) = (w[0], w[1]);
            let (Some(ps), Some(cs)) = (prev.mean_stance_score, cur.mean_stance_score) else {
                continue;
            };
            let delta = cs - ps;
            let label_changed = prev.dominant_label != cur.dominant_label;
            if !label_changed && delta.abs() < threshold {
                continue;
            }
            let (Some(start), Some(prev_start)) = (cur.period_start, prev.period_start) else {
                continue;
            };
            // Evidence: statements of the new period carrying the new dominant label, most
            // distant from the previous mean first; for a pure score move, those moving in
            // the direction of the change.
            let mut ev: Vec<&Statement> = statements
                .iter()
                .filter(|s| {
                    s.actor == actor
                        && s.label != Label::OffTopic
                        && s.date.map(|d| period.start(d)) == Some(start)
                })
                .filter(|s| {
                    if label_changed {
                        s.label.as_str() == cur.dominant_label
                    } else {
                        (f64::from(s.score) - ps) * delta > 0.0
                    }
                })
                .collect();
            ev.sort_by(|a, b| {
                let da = (f64::from(a.score) - ps).abs();
                let db = (f64::from(b.score) - ps).abs();
                db.total_cmp(&da).then_with(|| a.id.cmp(&b.id))
            });
            out.push(Shift {
                actor: actor.to_string(),
                period_start: start,
                previous_period_start: prev_start,
                previous_dominant_label: prev.dominant_label.clone(),
                dominant_label: cur.dominant_label.clone(),
                previous_score: ps,
                score: cs,
                delta,
                evidence_ids: ev.iter().take(10).map(|s| s.id.clone()).collect(),
            });
        }
    }
    out
}

/// The trends table.
pub fn trends_frame(rows: &[TrendRow]) -> PolarsResult<DataFrame> {
    let mut cols = vec![
        Column::new(
            "actor".into(),
            rows.iter().map(|r| r.actor.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "period".into(),
            rows.iter().map(|r| r.period.clone()).collect::<Vec<_>>(),
        ),
        date_col(
            "period_start",
            &rows.iter().map(|r| r.period_start).collect::<Vec<_>>(),
        )?,
        Column::new(
            "n".into(),
            rows.iter().map(|r| r.n as i64).collect::<Vec<_>>(),
        ),
        Column::new(
            "n_stance".into(),
            rows.iter().map(|r| r.n_stance as i64).collect::<Vec<_>>(),
        ),
        Column::new(
            "n_off_topic".into(),
            rows.iter()
                .map(|r| r.n_off_topic as i64)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "mean_stance_score".into(),
            rows.iter().map(|r| r.mean_stance_score).collect::<Vec<_>>(),
        ),
        Column::new(
            "ci_low".into(),
            rows.iter().map(|r| r.ci_low).collect::<Vec<_>>(),
        ),
        Column::new(
            "ci_high".into(),
            rows.iter().map(|r| r.ci_high).collect::<Vec<_>>(),
        ),
    ];
    for (k, l) in Label::STANCES.iter().enumerate() {
        cols.push(Column::new(
            format!("share_{}", l.as_str()).into(),
            rows.iter().map(|r| r.shares[k]).collect::<Vec<_>>(),
        ));
    }
    cols.push(Column::new(
        "dominant_label".into(),
        rows.iter()
            .map(|r| r.dominant_label.clone())
            .collect::<Vec<_>>(),
    ));
    DataFrame::new(rows.len(), cols)
}

/// The shifts table. `evidence_ids` is a JSON array of statement ids (text rather than a list
/// column: pandas cannot convert the list-of-string-view columns polars writes).
pub fn shifts_frame(shifts: &[Shift]) -> PolarsResult<DataFrame> {
    let evidence: Vec<String> = shifts
        .iter()
        .map(|s| serde_json::to_string(&s.evidence_ids).unwrap_or_else(|_| "[]".into()))
        .collect();
    DataFrame::new(
        shifts.len(),
        vec![
            Column::new(
                "actor".into(),
                shifts.iter().map(|s| s.actor.clone()).collect::<Vec<_>>(),
            ),
            date_col(
                "period_start",
                &shifts
                    .iter()
                    .map(|s| Some(s.period_start))
                    .collect::<Vec<_>>(),
            )?,
            date_col(
                "previous_period_start",
                &shifts
                    .iter()
                    .map(|s| Some(s.previous_period_start))
                    .collect::<Vec<_>>(),
            )?,
            Column::new(
                "previous_dominant_label".into(),
                shifts
                    .iter()
                    .map(|s| s.previous_dominant_label.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "dominant_label".into(),
                shifts
                    .iter()
                    .map(|s| s.dominant_label.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "previous_score".into(),
                shifts.iter().map(|s| s.previous_score).collect::<Vec<_>>(),
            ),
            Column::new(
                "score".into(),
                shifts.iter().map(|s| s.score).collect::<Vec<_>>(),
            ),
            Column::new(
                "delta".into(),
                shifts.iter().map(|s| s.delta).collect::<Vec<_>>(),
            ),
            Column::new("evidence_ids".into(), evidence),
        ],
    )
}

/// First date each actor used each label (undated statements ignored), with that statement.
pub fn first_use_frame(statements: &[Statement]) -> PolarsResult<DataFrame> {
    let mut first: HashMap<(String, Label), (NaiveDate, String, u64)> = HashMap::new();
    for s in statements {
        let Some(d) = s.date else { continue };
        let e = first
            .entry((s.actor.clone(), s.label))
            .or_insert((d, s.id.clone(), 0));
        e.2 += 1;
        if (d, &s.id) < (e.0, &e.1) {
            e.0 = d;
            e.1 = s.id.clone();
        }
    }
    let mut rows: Vec<_> = first.into_iter().collect();
    rows.sort_by(|a, b| (&a.0 .0, a.1 .0, a.0 .1).cmp(&(&b.0 .0, b.1 .0, b.0 .1)));
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "actor".into(),
                rows.iter().map(|r| r.0 .0.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "label".into(),
                rows.iter()
                    .map(|r| r.0 .1.as_str().to_string())
                    .collect::<Vec<_>>(),
            ),
            date_col(
                "first_date",
                &rows.iter().map(|r| Some(r.1 .0)).collect::<Vec<_>>(),
            )?,
            Column::new(
                "first_id".into(),
                rows.iter().map(|r| r.1 .1.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "n".into(),
                rows.iter().map(|r| r.1 .2 as i64).collect::<Vec<_>>(),
            ),
        ],
    )
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), TrendError> {
    crate::fsio::atomic_write_parquet(path, df).map_err(TrendError::Write)
}

/// Runs the whole analysis and writes `trends.parquet`, `shifts.parquet`, `first_use.parquet`,
/// `stance_trends.svg` and `stance_trends.png` into the output folder.
pub fn run(s: &TrendSettings) -> Result<TrendReport, TrendError> {
    let (model_sha, statements) = load_statements(&s.predictions, &s.by, s.model.as_deref())?;
    if statements.is_empty() {
        return Err(TrendError::Empty(
            "the dataset has no statements for that model".into(),
        ));
    }
    let rows = trend_rows(&statements, s.period)?;
    let shifts = find_shifts(
        &rows,
        &statements,
        s.period,
        s.min_statements,
        s.shift_threshold,
    );
    std::fs::create_dir_all(&s.out).map_err(|source| TrendError::Io {
        path: s.out.clone(),
        source,
    })?;
    let mut files = Vec::new();
    for (name, mut df) in [
        ("trends.parquet", trends_frame(&rows)?),
        ("shifts.parquet", shifts_frame(&shifts)?),
        ("first_use.parquet", first_use_frame(&statements)?),
    ] {
        let p = s.out.join(name);
        write_parquet(&p, &mut df)?;
        files.push(p);
    }
    let drawn = chart::draw(&rows, &shifts, s)?;
    files.extend(drawn.files);
    Ok(TrendReport {
        model_sha256: model_sha,
        statements: statements.len(),
        trends: rows,
        shifts,
        files,
        warnings: drawn.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(id: &str, actor: &str, date: &str, label: Label) -> Statement {
        Statement {
            id: id.into(),
            actor: actor.into(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            label,
            score: label.score().unwrap_or(0.0),
        }
    }

    #[test]
    fn periods() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 17).unwrap();
        assert_eq!(
            Period::Quarter.start(d),
            NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()
        );
        assert_eq!(Period::Quarter.label(Period::Quarter.start(d)), "2024-Q3");
        assert_eq!(Period::Month.label(d), "2024-08");
        assert_eq!(
            Period::Year.start(d),
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
        );
    }

    #[test]
    fn off_topic_is_counted_but_never_moves_a_score() {
        let s = vec![
            st("1", "A", "2024-01-05", Label::Opposes),
            st("2", "A", "2024-02-05", Label::OffTopic),
            st("3", "A", "2024-02-06", Label::DoesNotSupport),
            st("4", "", "2024-02-06", Label::Neutral),
            st("5", "B", "bad", Label::Neutral),
        ];
        let rows = trend_rows(&s, Period::Quarter).unwrap();
        let a = rows.iter().find(|r| r.actor == "A").unwrap();
        assert_eq!((a.n, a.n_stance, a.n_off_topic), (3, 2, 1));
        assert!((a.mean_stance_score.unwrap() + 1.5).abs() < 1e-9);
        assert!((a.shares[0] - 0.5).abs() < 1e-9);
        assert_eq!(a.dominant_label, "opposes"); // tie → more explicit, lower score first
        assert!(a.ci_low.unwrap() <= -1.5 && a.ci_high.unwrap() >= -1.5);
        let b = rows.iter().find(|r| r.actor == "B").unwrap();
        assert_eq!(b.period, "unknown");
        assert!(b.period_start.is_none());
    }

    #[test]
    fn shift_needs_enough_statements_on_both_sides() {
        let mut s = Vec::new();
        for (i, d) in ["2022-01-10", "2022-02-10", "2022-03-10"]
            .iter()
            .enumerate()
        {
            s.push(st(&format!("a{i}"), "X", d, Label::DoesNotSupport));
        }
        for (i, d) in ["2022-04-10", "2022-05-10", "2022-06-10"]
            .iter()
            .enumerate()
        {
            s.push(st(&format!("b{i}"), "X", d, Label::Opposes));
        }
        s.push(st("c0", "X", "2022-07-10", Label::Neutral)); // only one: ignored
        let rows = trend_rows(&s, Period::Quarter).unwrap();
        let shifts = find_shifts(&rows, &s, Period::Quarter, 3, 0.5);
        assert_eq!(shifts.len(), 1);
        assert_eq!(shifts[0].previous_dominant_label, "does_not_support");
        assert_eq!(shifts[0].dominant_label, "opposes");
        assert_eq!(shifts[0].evidence_ids, vec!["b0", "b1", "b2"]);
        assert!((shifts[0].delta + 1.0).abs() < 1e-9);
    }
}
