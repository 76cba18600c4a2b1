//! Cross-fitting (`stance train --folds K`): the corpus is split into K folds, K models are
//! trained with [`super::train`], each without one fold, and each model classifies only the
//! fold it never saw. The result is an out-of-fold probability for every row — what
//! `stance audit` ranks label errors by.
//!
//! Folds keep a source document together: rows are grouped by `doc_id` when they have one,
//! else by their id (else by their line), groups are shuffled with the seed and dealt, largest
//! first, to the fold with the fewest rows so far. Each fold model needs a dev set for early
//! stopping and calibration: the dev file when one is given (it must not hold corpus rows),
//! else a seeded tenth of the fold's own training groups, never the held-out fold.
//!
//! Rows given apart from the corpus (`also_train`: say an established corpus while the corpus
//! audited is a new batch of labels) train every fold model and are scored by none; a row
//! whose text is also in the corpus is refused, since it would put held-out text in training.
//!
//! The output folder holds `data/fold-N.train.jsonl` (and `.dev.jsonl` when carved), the
//! models `fold-1` … `fold-K`, `oof.parquet` (id, text, label, group, fold, the six `p_*`) and,
//! written last, `folds.json` (settings, corpus digests, per-fold numbers).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use polars::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::Serialize;
use serde_json::json;

use super::{train, TrainError, TrainSettings};
use crate::classify::{classify_in_groups, ClassifierSettings, Statement};
use crate::eval::{compute, Metrics};
use crate::input::labelled::{read_labelled, Example};
use crate::labels::{Label, NUM_LABELS};
use crate::model::{LoadOptions, StanceModel};
use crate::report::Reporter;

/// The file a finished cross-fitting writes last.
pub const FOLDS_JSON: &str = "folds.json";
/// The out-of-fold probabilities.
pub const OOF_PARQUET: &str = "oof.parquet";

/// Share of a fold's training rows carved out as its dev set when no dev file is given.
pub const CARVED_DEV_SHARE: f64 = 0.1;

/// One corpus row with the probabilities of the model that never saw it.
#[derive(Debug, Clone)]
pub struct OofRow {
    /// Row id (`id` column, else `row-<line>`).
    pub id: String,
    /// The text.
    pub text: String,
    /// The corpus label.
    pub label: Label,
    /// The group that decided its fold (`doc_id`, else the id).
    pub group: String,
    /// 1-based fold.
    pub fold: usize,
    /// Out-of-fold probabilities in [`Label::ALL`] order.
    pub probs: [f32; NUM_LABELS],
}

/// One fold's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct FoldSummary {
    /// 1-based fold.
    pub fold: usize,
    /// Training rows.
    pub train: usize,
    /// Dev rows (carved or the dev file's).
    pub dev: usize,
    /// Rows it scored.
    pub held_out: usize,
    /// Dev macro-F1 of the kept epoch.
    pub dev_macro_f1: f64,
    /// Macro-F1 on the held-out fold.
    pub held_out_macro_f1: f64,
}

/// What cross-fitting produced.
#[derive(Debug, Clone)]
pub struct CrossFit {
    /// The output folder.
    pub out: PathBuf,
    /// Every corpus row with its out-of-fold probabilities, in corpus order.
    pub rows: Vec<OofRow>,
    /// Per-fold numbers.
    pub folds: Vec<FoldSummary>,
    /// Metrics of the out-of-fold predictions over the whole corpus.
    pub metrics: Metrics,
}

/// Deals rows to `k` folds by group: groups (first-seen order) are shuffled with `seed`, then,
/// largest first, each goes to the fold with the fewest rows so far (ties: the lower fold).
/// Returns each row's fold, 0-based.
pub fn assign_folds(groups: &[String], k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<&str> = Vec::new();
    let mut size: HashMap<&str, usize> = HashMap::new();
    for g in groups {
        let e = size.entry(g.as_str()).or_insert(0);
        if *e == 0 {
            order.push(g.as_str());
        }
        *e += 1;
    }
    order.shuffle(&mut StdRng::seed_from_u64(seed));
    order.sort_by_key(|g| std::cmp::Reverse(size[g]));
    let mut rows = vec![0usize; k.max(1)];
    let mut fold_of: HashMap<&str, usize> = HashMap::new();
    for g in order {
        let f = (0..rows.len()).min_by_key(|&f| (rows[f], f)).unwrap_or(0);
        rows[f] += size[g];
        fold_of.insert(g, f);
    }
    groups.iter().map(|g| fold_of[g.as_str()]).collect()
}

/// Cross-fitting settings: the corpus and folder come from `hyper.train` and `hyper.out`; its
/// other fields are the hyper-parameters every fold model is trained with (`dev`, `test` and
/// `name` are set per fold).
#[derive(Debug, Clone)]
pub struct FoldSettings {
    /// Training settings: corpus files, output folder, hyper-parameters.
    pub hyper: TrainSettings,
    /// Number of folds (at least 2).
    pub k: usize,
    /// A dev file for every fold; `None` carves one from each fold's training rows.
    pub dev: Option<PathBuf>,
    /// Labelled files every fold model also trains on; none of their rows is scored.
    pub also_train: Vec<PathBuf>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
    move |source| TrainError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The corpus rows with their ids and groups.
struct Corpus {
    examples: Vec<Example>,
    /// Row ids (`id`, else `row-<n>`).
    ids: Vec<String>,
    /// Fold groups (`doc_id`, else the id).
    groups: Vec<String>,
}

fn read_corpus(s: &FoldSettings) -> Result<Corpus, TrainError> {
    let mut examples = Vec::new();
    for p in &s.hyper.train {
        examples.extend(read_labelled(p, &s.hyper.text_col, &s.hyper.label_col)?);
    }
    let ids: Vec<String> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| e.id.clone().unwrap_or_else(|| format!("row-{}", i + 1)))
        .collect();
    let groups = examples
        .iter()
        .zip(&ids)
        .map(|(e, id)| e.doc_id.clone().unwrap_or_else(|| id.clone()))
        .collect();
    Ok(Corpus {
        examples,
        ids,
        groups,
    })
}

/// Runs the cross-fitting; see the module documentation.
pub fn cross_fit(
    s: &FoldSettings,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<CrossFit, TrainError> {
    check(s)?;
    let Corpus {
        examples,
        ids,
        groups,
    } = read_corpus(s)?;
    check_also_train(s, &examples)?;
    if groups
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len()
        < s.k
    {
        return Err(TrainError::Output(format!(
            "the corpus has fewer groups (documents or rows) than the {} folds asked for",
            s.k
        )));
    }
    let fold_of = assign_folds(&groups, s.k, s.hyper.seed);
    let out = &s.hyper.out;
    std::fs::create_dir_all(out.join("data")).map_err(io_err(out))?;
    let mut probs = vec![[0f32; NUM_LABELS]; examples.len()];
    let mut folds = Vec::new();
    for f in 0..s.k {
        reporter.note(&format!("fold {} of {}", f + 1, s.k));
        let plan = FoldPlan::new(s, f, &fold_of, &groups);
        let summary = plan.run(s, &examples, &ids, &mut probs, reporter, cancel)?;
        folds.push(summary);
    }
    let rows: Vec<OofRow> = (0..examples.len())
        .map(|i| OofRow {
            id: ids[i].clone(),
            text: examples[i].text.clone(),
            label: examples[i].label,
            group: groups[i].clone(),
            fold: fold_of[i] + 1,
            probs: probs[i],
        })
        .collect();
    let gold: Vec<Label> = rows.iter().map(|r| r.label).collect();
    let metrics = compute(&gold, &probs);
    let mut df = oof_frame(&rows).map_err(|e| TrainError::Output(format!("polars: {e}")))?;
    crate::fsio::atomic_write_parquet(&out.join(OOF_PARQUET), &mut df)
        .map_err(|e| TrainError::Output(e.to_string()))?;
    write_folds_json(s, &folds, &metrics, rows.len())?;
    Ok(CrossFit {
        out: out.clone(),
        rows,
        folds,
        metrics,
    })
}

fn check(s: &FoldSettings) -> Result<(), TrainError> {
    if s.k < 2 {
        return Err(TrainError::Output(
            "cross-fitting needs at least 2 folds".into(),
        ));
    }
    if s.hyper.out.exists() {
        return Err(TrainError::Output(format!(
            "{} already exists; choose a new folder (models are never overwritten)",
            s.hyper.out.display()
        )));
    }
    if s.hyper.train.is_empty() {
        return Err(TrainError::Output("no training data given".into()));
    }
    Ok(())
}

/// Refuses an `also_train` row whose text (trimmed) is a corpus row's: the fold model that
/// scores that row would have trained on it.
fn check_also_train(s: &FoldSettings, corpus: &[Example]) -> Result<(), TrainError> {
    let texts: std::collections::HashSet<&str> = corpus.iter().map(|e| e.text.trim()).collect();
    for p in &s.also_train {
        let rows = read_labelled(p, &s.hyper.text_col, &s.hyper.label_col)?;
        let shared = rows
            .iter()
            .filter(|e| texts.contains(e.text.trim()))
            .count();
        if shared > 0 {
            return Err(TrainError::Output(format!(
                "{}: {shared} row(s) have the same text as a corpus row; rows trained on by \
                 every fold model must not be ones a fold model scores",
                p.display()
            )));
        }
    }
    Ok(())
}

/// Which rows one fold model trains on, stops early on, and scores.
struct FoldPlan {
    fold: usize,
    train: Vec<usize>,
    dev: Vec<usize>,
    held: Vec<usize>,
}

impl FoldPlan {
    fn new(s: &FoldSettings, fold: usize, fold_of: &[usize], groups: &[String]) -> FoldPlan {
        let held: Vec<usize> = (0..fold_of.len()).filter(|&i| fold_of[i] == fold).collect();
        let rest: Vec<usize> = (0..fold_of.len()).filter(|&i| fold_of[i] != fold).collect();
        if s.dev.is_some() {
            return FoldPlan {
                fold,
                train: rest,
                dev: Vec::new(),
                held,
            };
        }
        // A seeded tenth of the training groups (at least one, never all) becomes the dev set.
        let mut seen = std::collections::HashSet::new();
        let mut unique: Vec<&str> = rest
            .iter()
            .map(|&i| groups[i].as_str())
            .filter(|g| seen.insert(*g))
            .collect();
        unique.shuffle(&mut StdRng::seed_from_u64(
            s.hyper.seed.wrapping_add(fold as u64 + 1),
        ));
        let target = ((rest.len() as f64 * CARVED_DEV_SHARE).ceil() as usize).max(1);
        let mut dev_groups = std::collections::HashSet::new();
        let mut n = 0;
        for g in unique.iter().take(unique.len().saturating_sub(1)) {
            if n >= target {
                break;
            }
            dev_groups.insert(*g);
            n += rest.iter().filter(|&&i| groups[i] == *g).count();
        }
        let (dev, train) = rest
            .into_iter()
            .partition(|&i| dev_groups.contains(groups[i].as_str()));
        FoldPlan {
            fold,
            train,
            dev,
            held,
        }
    }

    /// Writes the fold's data, trains its model, and scores the held-out rows into `probs`.
    fn run(
        &self,
        s: &FoldSettings,
        examples: &[Example],
        ids: &[String],
        probs: &mut [[f32; NUM_LABELS]],
        reporter: &dyn Reporter,
        cancel: &AtomicBool,
    ) -> Result<FoldSummary, TrainError> {
        let n = self.fold + 1;
        let data = s.hyper.out.join("data");
        let train_file = data.join(format!("fold-{n}.train.jsonl"));
        write_rows(&train_file, &self.train, examples, ids)?;
        let dev_file = match &s.dev {
            Some(d) => d.clone(),
            None => {
                let p = data.join(format!("fold-{n}.dev.jsonl"));
                write_rows(&p, &self.dev, examples, ids)?;
                p
            }
        };
        let settings = TrainSettings {
            train: std::iter::once(train_file)
                .chain(s.also_train.iter().cloned())
                .collect(),
            dev: dev_file,
            test: None,
            out: s.hyper.out.join(format!("fold-{n}")),
            name: format!("{}-fold-{n}", s.hyper.name),
            ..s.hyper.clone()
        };
        let report = train(&settings, reporter, cancel)?;
        let model = StanceModel::load(&settings.out, &LoadOptions::default())?;
        let docs: Vec<Statement> = self.held.iter().map(|&i| examples[i].statement()).collect();
        let results = classify_in_groups(
            &model,
            &docs,
            &ClassifierSettings::model_only(),
            cancel,
            |_| {},
        )?;
        for (&i, r) in self.held.iter().zip(&results) {
            probs[i] = r.probs;
        }
        let gold: Vec<Label> = self.held.iter().map(|&i| examples[i].label).collect();
        let held: Vec<[f32; NUM_LABELS]> = results.iter().map(|r| r.probs).collect();
        Ok(FoldSummary {
            fold: n,
            train: self.train.len(),
            dev: if s.dev.is_some() {
                report.dev.n as usize
            } else {
                self.dev.len()
            },
            held_out: self.held.len(),
            dev_macro_f1: report.dev.macro_f1,
            held_out_macro_f1: compute(&gold, &held).macro_f1,
        })
    }
}

/// Rows as training JSONL: id, text, label.
fn write_rows(
    path: &Path,
    rows: &[usize],
    examples: &[Example],
    ids: &[String],
) -> Result<(), TrainError> {
    let mut out = String::new();
    for &i in rows {
        let line =
            json!({"id": ids[i], "text": examples[i].text, "label": examples[i].label.as_str()});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    crate::fsio::atomic_write(path, out.as_bytes()).map_err(io_err(path))
}

/// The out-of-fold table.
pub fn oof_frame(rows: &[OofRow]) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&OofRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let mut cols = vec![
        Column::new("id".into(), text(&|r| r.id.clone())),
        Column::new("text".into(), text(&|r| r.text.clone())),
        Column::new("label".into(), text(&|r| r.label.as_str().to_string())),
        Column::new("group".into(), text(&|r| r.group.clone())),
        Column::new(
            "fold".into(),
            rows.iter().map(|r| r.fold as i32).collect::<Vec<_>>(),
        ),
    ];
    for l in Label::ALL {
        cols.push(Column::new(
            l.prob_column().into(),
            rows.iter().map(|r| r.probs[l.index()]).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new(rows.len(), cols)
}

/// sha256 of every corpus file, for `folds.json`.
pub fn corpus_digests(files: &[PathBuf]) -> Result<Vec<serde_json::Value>, TrainError> {
    files
        .iter()
        .map(|p| {
            let (sha, size) = crate::hash::sha256_file(p).map_err(io_err(p))?;
            Ok(json!({"file": p, "sha256": sha, "bytes": size}))
        })
        .collect()
}

fn write_folds_json(
    s: &FoldSettings,
    folds: &[FoldSummary],
    metrics: &Metrics,
    rows: usize,
) -> Result<(), TrainError> {
    let v = json!({
        "k": s.k,
        "seed": s.hyper.seed,
        "rows": rows,
        "corpus": corpus_digests(&s.hyper.train)?,
        "also_train": corpus_digests(&s.also_train)?,
        "dev": s.dev.as_ref().map(|d| d.display().to_string()),
        "carved_dev_share": if s.dev.is_none() { Some(CARVED_DEV_SHARE) } else { None },
        "folds": folds,
        "oof_macro_f1": metrics.macro_f1,
        "oof_accuracy": metrics.accuracy,
    });
    let path = s.hyper.out.join(FOLDS_JSON);
    let text = serde_json::to_string_pretty(&v).map_err(|e| TrainError::Output(e.to_string()))?;
    crate::fsio::atomic_write(&path, text.as_bytes()).map_err(io_err(&path))
}

/// Reads the out-of-fold table a cross-fitting wrote.
pub fn read_oof(dir: &Path) -> Result<Vec<OofRow>, TrainError> {
    let path = dir.join(OOF_PARQUET);
    let file = std::fs::File::open(&path).map_err(io_err(&path))?;
    let bad = |e: PolarsError| TrainError::Output(format!("{}: {e}", path.display()));
    let df = ParquetReader::new(file).finish().map_err(bad)?;
    let strings = |name: &str| -> Result<Vec<String>, TrainError> {
        let c = df.column(name).map_err(bad)?;
        Ok(c.str()
            .map_err(bad)?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    };
    let (ids, texts, labels, groups) = (
        strings("id")?,
        strings("text")?,
        strings("label")?,
        strings("group")?,
    );
    let folds: Vec<i32> = df
        .column("fold")
        .map_err(bad)?
        .i32()
        .map_err(bad)?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let mut p: Vec<Vec<f32>> = Vec::new();
    for l in Label::ALL {
        let c = df.column(&l.prob_column()).map_err(bad)?;
        p.push(
            c.f32()
                .map_err(bad)?
                .iter()
                .map(|v| v.unwrap_or(0.0))
                .collect(),
        );
    }
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let label = labels[i]
            .parse()
            .map_err(|e| TrainError::Output(format!("{}: row {}: {e}", path.display(), i + 1)))?;
        rows.push(OofRow {
            id: ids[i].clone(),
            text: texts[i].clone(),
            label,
            group: groups[i].clone(),
            fold: folds[i] as usize,
            probs: std::array::from_fn(|k| p[k][i]),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_documents_together_and_balance_rows() {
        let groups: Vec<String> = (0..100).map(|i| format!("doc-{}", i / 4)).collect();
        let f = assign_folds(&groups, 5, 13);
        for i in 0..100 {
            assert_eq!(f[i], f[i / 4 * 4], "a document split across folds");
        }
        let mut sizes = [0; 5];
        for x in &f {
            sizes[*x] += 1;
        }
        assert!(sizes.iter().all(|&s| s == 20), "{sizes:?}");
        assert_eq!(f, assign_folds(&groups, 5, 13), "seeded");
        assert_ne!(f, assign_folds(&groups, 5, 14));
    }
}
