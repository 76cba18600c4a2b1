//! `stance label import`: annotation files back into a training corpus.
//!
//! 1. Every file is read whole ([`super::formats`]); the first bad line stops the import with
//!    the file, the line and the bad value, before anything is written.
//! 2. Annotations are grouped by statement (its id, else its normalised text). Each annotator
//!    counts once per statement (their last answer). The label is the majority; a tie is left
//!    out of the corpus and listed. Statements with more than one label are conflicts.
//! 3. Agreement over statements with two or more annotators: Cohen's κ when there are exactly
//!    two annotators, Krippendorff's α (nominal) always.
//! 4. New statements are appended to the corpus (one JSON object per line with at least `id`,
//!    `text` and `label`, which `stance train` reads as it is). A statement already in the
//!    corpus (same id or same normalised text) keeps its corpus row; a different new label
//!    for it is reported. The corpus is replaced atomically: old rows + new rows, or nothing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::agreement::{measure, Agreement};
use super::formats::{parse_csv_row, parse_json_line, Annotation, At, Parsed};
use super::norm_key;
use crate::labels::Label;

/// Settings of `stance label import`.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Annotation files: `.jsonl`/`.ndjson` (Prodigy, Argilla, plain) or `.csv`.
    pub files: Vec<PathBuf>,
    /// The corpus to append to (JSONL; created when missing).
    pub out: PathBuf,
}

/// Why an import failed. Nothing is written when it does.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Invalid settings.
    #[error("invalid settings: {0}")]
    Settings(String),
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A record of an annotation file (or of the existing corpus) is unusable.
    #[error("{}:{line}: {message}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The corpus could not be written (the old one is untouched).
    #[error("cannot write {}", path.display())]
    Write {
        /// The corpus.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A statement whose annotators disagreed.
#[derive(Debug, Clone)]
pub struct Conflict {
    /// Statement id.
    pub id: String,
    /// (annotator, label), one per annotator.
    pub votes: Vec<(String, Label)>,
    /// The majority label; `None` for a tie (left out of the corpus).
    pub resolved: Option<Label>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// Files read.
    pub files: usize,
    /// Labels read.
    pub annotations: usize,
    /// Records nobody labelled (rejected, ignored, drafts, empty labels).
    pub unanswered: usize,
    /// Distinct statements labelled.
    pub statements: usize,
    /// Rows appended to the corpus.
    pub added: usize,
    /// Of them, rows from a sample's random slice.
    pub added_random_slice: usize,
    /// Statements already in the corpus (kept as they were).
    pub already_in_corpus: usize,
    /// Statements already in the corpus with another label: (id, corpus label, new label).
    pub corpus_disagreements: Vec<(String, String, Label)>,
    /// Statements whose annotators disagreed.
    pub conflicts: Vec<Conflict>,
    /// Agreement between annotators.
    pub agreement: Agreement,
    /// Rows in the corpus after the import.
    pub corpus_rows: usize,
}

impl ImportReport {
    /// Ids of statements left out because their vote was a tie.
    pub fn ties(&self) -> Vec<&str> {
        self.conflicts
            .iter()
            .filter(|c| c.resolved.is_none())
            .map(|c| c.id.as_str())
            .collect()
    }
}

/// Imports the files and appends to the corpus.
pub fn run(s: &ImportSettings) -> Result<ImportReport, ImportError> {
    validate(s).map_err(ImportError::Settings)?;
    let mut annotations = Vec::new();
    let mut unanswered = 0;
    for f in &s.files {
        let (a, u) = read_file(f)?;
        annotations.extend(a);
        unanswered += u;
    }
    let corpus = Corpus::read(&s.out)?;
    let statements = group(&annotations)?;
    let votes: Vec<Vec<(String, Label)>> = statements.iter().map(|st| st.votes()).collect();
    let agreement = measure(&votes);
    let mut report = ImportReport {
        files: s.files.len(),
        annotations: annotations.len(),
        unanswered,
        statements: statements.len(),
        added: 0,
        added_random_slice: 0,
        already_in_corpus: 0,
        corpus_disagreements: Vec::new(),
        conflicts: Vec::new(),
        agreement,
        corpus_rows: corpus.rows,
    };
    let rows = resolve(&statements, &corpus, &mut report)?;
    if !rows.is_empty() {
        write_corpus(&s.out, &corpus.text, &rows)?;
    }
    report.corpus_rows = corpus.rows + rows.len();
    Ok(report)
}

fn validate(s: &ImportSettings) -> Result<(), String> {
    if s.files.is_empty() {
        return Err("no annotation files given".into());
    }
    let ext = s.out.extension().and_then(|e| e.to_str());
    if !matches!(ext, Some("jsonl" | "ndjson")) {
        return Err(format!(
            "the corpus {} must be a .jsonl file",
            s.out.display()
        ));
    }
    for f in &s.files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(
            ext.to_ascii_lowercase().as_str(),
            "jsonl" | "ndjson" | "csv"
        ) {
            return Err(format!(
                "cannot tell the format of {}: use a .jsonl/.ndjson or .csv extension",
                f.display()
            ));
        }
    }
    Ok(())
}

fn line_error(path: &Path, line: u64) -> impl FnOnce(String) -> ImportError + '_ {
    move |message| ImportError::Line {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Reads one annotation file: its labels and how many records nobody labelled.
pub fn read_file(path: &Path) -> Result<(Vec<Annotation>, usize), ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let parsed = if is_csv {
        read_csv(path, text)?
    } else {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = At {
                file: path,
                line: i as u64 + 1,
            };
            out.push(parse_json_line(line, at).map_err(line_error(path, at.line))?);
        }
        out
    };
    let mut annotations = Vec::new();
    let mut unanswered = 0;
    for p in parsed {
        match p {
            Parsed::Labelled(a) => annotations.extend(a),
            Parsed::Unanswered => unanswered += 1,
        }
    }
    Ok((annotations, unanswered))
}

fn read_csv(path: &Path, text: &str) -> Result<Vec<Parsed>, ImportError> {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| line_error(path, 1)(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for needed in ["text", "label"] {
        if !headers.iter().any(|h| h == needed) {
            return Err(line_error(path, 1)(format!(
                "the header has no {needed:?} column (columns: {})",
                headers.join(", ")
            )));
        }
    }
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            line_error(path, line)(format!("bad CSV record: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let cells: Vec<(&str, &str)> = headers.iter().map(String::as_str).zip(rec.iter()).collect();
        out.push(parse_csv_row(&cells, At { file: path, line }).map_err(line_error(path, line))?);
    }
    Ok(out)
}

/// One statement and every label given to it.
#[derive(Debug)]
struct Statement<'a> {
    id: String,
    /// Each annotator's last answer, in first-seen order.
    answers: Vec<&'a Annotation>,
}

impl Statement<'_> {
    fn votes(&self) -> Vec<(String, Label)> {
        self.answers
            .iter()
            .map(|a| (a.annotator.clone(), a.label))
            .collect()
    }

    /// The majority label, `None` on a tie.
    fn majority(&self) -> Option<Label> {
        let mut counts: BTreeMap<Label, usize> = BTreeMap::new();
        for a in &self.answers {
            *counts.entry(a.label).or_default() += 1;
        }
        let max = counts.values().copied().max()?;
        let top: Vec<Label> = counts
            .iter()
            .filter(|(_, c)| **c == max)
            .map(|(l, _)| *l)
            .collect();
        (top.len() == 1).then(|| top[0])
    }
}

/// Groups annotations by statement: its id, else its normalised text. Two different texts
/// under one id are an error naming both places.
fn group(annotations: &[Annotation]) -> Result<Vec<Statement<'_>>, ImportError> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Statement> = Vec::new();
    for a in annotations {
        let id = a.id.clone().unwrap_or_else(|| {
            format!("sha-{}", &crate::hash::sha256_hex(a.text.as_bytes())[..16])
        });
        let i = *index.entry(id.clone()).or_insert_with(|| {
            out.push(Statement {
                id: id.clone(),
                answers: Vec::new(),
            });
            out.len() - 1
        });
        let st = &mut out[i];
        if let Some(first) = st.answers.first() {
            if norm_key(&first.text) != norm_key(&a.text) {
                return Err(line_error(Path::new(&a.source_file), a.line)(format!(
                    "id {id:?} has another text here than in {}:{}",
                    first.source_file, first.line
                )));
            }
        }
        match st.answers.iter_mut().find(|x| x.annotator == a.annotator) {
            Some(prev) => *prev = a,
            None => st.answers.push(a),
        }
    }
    Ok(out)
}

/// The existing corpus: its text, row count, and labels by id and by normalised text.
struct Corpus {
    text: String,
    rows: usize,
    by_id: HashMap<String, (String, String)>,
    by_key: HashMap<String, String>,
}

impl Corpus {
    fn read(path: &Path) -> Result<Corpus, ImportError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ImportError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let mut c = Corpus {
            text,
            rows: 0,
            by_id: HashMap::new(),
            by_key: HashMap::new(),
        };
        for (i, line) in c.text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let err = line_error(path, i as u64 + 1);
            let v: Value = serde_json::from_str(line)
                .map_err(|e| err(format!("the corpus line is not JSON: {e}")))?;
            let text = v.get("text").and_then(Value::as_str).unwrap_or_default();
            let label = v.get("label").and_then(Value::as_str).unwrap_or_default();
            let key = norm_key(text);
            if let Some(id) = v.get("id").and_then(Value::as_str) {
                c.by_id
                    .insert(id.to_string(), (key.clone(), label.to_string()));
            }
            c.by_key.insert(key, label.to_string());
            c.rows += 1;
        }
        Ok(c)
    }

    /// The corpus label of a statement already in it.
    fn label_of(&self, id: &str, key: &str) -> Option<&str> {
        self.by_id
            .get(id)
            .map(|(_, l)| l.as_str())
            .or_else(|| self.by_key.get(key).map(String::as_str))
    }
}

/// Resolves each statement to a corpus row (or a conflict, a tie, or a statement the corpus
/// already holds).
fn resolve(
    statements: &[Statement],
    corpus: &Corpus,
    report: &mut ImportReport,
) -> Result<Vec<Value>, ImportError> {
    let mut rows = Vec::new();
    for st in statements {
        let resolved = st.majority();
        let votes = st.votes();
        if votes.iter().any(|(_, l)| *l != votes[0].1) {
            report.conflicts.push(Conflict {
                id: st.id.clone(),
                votes,
                resolved,
            });
        }
        let Some(label) = resolved else { continue };
        let first = st.answers[0];
        let key = norm_key(&first.text);
        if let Some((corpus_key, _)) = corpus.by_id.get(&st.id) {
            if *corpus_key != key {
                return Err(line_error(Path::new(&first.source_file), first.line)(
                    format!("id {:?} is already in the corpus with another text", st.id),
                ));
            }
        }
        if let Some(old) = corpus.label_of(&st.id, &key) {
            report.already_in_corpus += 1;
            if old != label.as_str() {
                report
                    .corpus_disagreements
                    .push((st.id.clone(), old.to_string(), label));
            }
            continue;
        }
        report.added += 1;
        if st.answers.iter().any(|a| a.random_slice) {
            report.added_random_slice += 1;
        }
        rows.push(corpus_row(st, label));
    }
    Ok(rows)
}

/// Source fields of a sample that describe how it was chosen, not the statement: they stay out
/// of the corpus.
const SAMPLING_FIELDS: [&str; 11] = [
    "text_sha256",
    "model",
    "model_sha256",
    "score",
    "predicted_label",
    "models_compared",
    "suggested_label",
    "suggested_score",
    "suggested_agent",
    "options",
    "suggestion",
];

/// The corpus row of a resolved statement.
fn corpus_row(st: &Statement, label: Label) -> Value {
    let first = st.answers[0];
    let mut annotators: Vec<&str> = st.answers.iter().map(|a| a.annotator.as_str()).collect();
    annotators.sort_unstable();
    let mut files: Vec<&str> = st.answers.iter().map(|a| a.source_file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let latest = st
        .answers
        .iter()
        .filter_map(|a| a.annotated_at.as_deref())
        .max();
    let mut row = Map::new();
    row.insert("id".into(), json!(st.id));
    row.insert("text".into(), json!(first.text));
    row.insert("label".into(), json!(label.as_str()));
    row.insert("annotator".into(), json!(annotators.join(",")));
    row.insert("n_annotators".into(), json!(st.answers.len()));
    row.insert("annotated_at".into(), json!(latest));
    row.insert("imported_at".into(), json!(chrono::Utc::now().to_rfc3339()));
    row.insert("source_file".into(), json!(files.join(",")));
    row.insert(
        "random_slice".into(),
        json!(st.answers.iter().any(|a| a.random_slice)),
    );
    for (k, v) in &first.meta {
        if !row.contains_key(k) && !SAMPLING_FIELDS.contains(&k.as_str()) && !v.is_null() {
            row.insert(k.clone(), v.clone());
        }
    }
    Value::Object(row)
}

/// Old corpus text + new rows, replaced atomically.
fn write_corpus(path: &Path, old: &str, rows: &[Value]) -> Result<(), ImportError> {
    let mut out = String::with_capacity(old.len() + rows.len() * 256);
    out.push_str(old);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for r in rows {
        out.push_str(&r.to_string());
        out.push('\n');
    }
    crate::fsio::atomic_write(path, out.as_bytes()).map_err(|source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    })
}
