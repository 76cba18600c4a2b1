//! Labelled data for training and evaluation: any input format with a text and a label column.
//! Unlike `classify`, these readers are strict: a bad line is an error naming the line, since a
//! silently dropped training example changes the model.

use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, DataType};
use serde_json::Value;

use super::{read_all, ColumnMap, InputError, InputSpec, Passthrough, Record};
use crate::labels::Label;

/// A gold span: the sentence(s) that carry a long document's stance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Start, in characters.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
}

/// A labelled example.
#[derive(Debug, Clone)]
pub struct Example {
    /// 1-based record number in the file.
    pub ordinal: u64,
    /// The text.
    pub text: String,
    /// The gold label.
    pub label: Label,
    /// Gold evidence spans (long-document sets), if the file has an `evidence` column.
    pub evidence: Option<Vec<Span>>,
    /// The `phrasing` column (`seen`/`held_out`) if present.
    pub phrasing: Option<String>,
    /// The `capability` column (behavioural suite) if present.
    pub capability: Option<String>,
    /// The record's id (`id` column), if present.
    pub id: Option<String>,
    /// The source document (`doc_id` column), if present: rows of one document stay together
    /// when a corpus is split into folds.
    pub doc_id: Option<String>,
    /// Whose words the text records (`actor` column), if present.
    pub actor: Option<String>,
    /// When (`date` column), if present and parseable: places the example in a trend cell.
    pub date: Option<chrono::NaiveDate>,
}

impl Example {
    /// The example as classifier input.
    pub fn statement(&self) -> crate::classify::Statement<'_> {
        crate::classify::Statement::new(&self.text, self.actor.as_deref())
    }
}

/// Why a labelled file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LabelledError {
    /// The file as a whole.
    #[error(transparent)]
    Input(#[from] InputError),
    /// One record.
    #[error("{}: record {ordinal}: {message}", path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based record number (the line for JSONL).
        ordinal: u64,
        /// What is wrong.
        message: String,
    },
    /// No examples.
    #[error("{} holds no examples", .0.display())]
    Empty(PathBuf),
}

fn spans(v: &Value) -> Option<Vec<Span>> {
    let arr = v.as_array()?;
    arr.iter()
        .map(|e| {
            Some(Span {
                start: e.get("start")?.as_u64()? as usize,
                end: e.get("end")?.as_u64()? as usize,
            })
        })
        .collect()
}

/// The optional fields of one labelled record.
#[derive(Default)]
struct Fields {
    label: Option<String>,
    evidence: Option<Vec<Span>>,
    phrasing: Option<String>,
    capability: Option<String>,
    doc_id: Option<String>,
}

impl Fields {
    /// From a JSON record's (name, value) pairs.
    fn of_values(v: &[(String, Value)], label_col: &str) -> Fields {
        let get = |k: &str| v.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        let text_of = |k: &str| match get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        let string = |k: &str| get(k).and_then(|v| v.as_str()).map(str::to_string);
        Fields {
            label: text_of(label_col),
            evidence: get("evidence").and_then(spans),
            phrasing: string("phrasing"),
            capability: string("capability"),
            doc_id: text_of(DOC_ID_COL),
        }
    }
}

/// The column naming a labelled row's source document.
pub const DOC_ID_COL: &str = "doc_id";

/// Reads every example of `path`; any bad record is an error.
pub fn read_labelled(
    path: &Path,
    text_col: &str,
    label_col: &str,
) -> Result<Vec<Example>, LabelledError> {
    let spec = InputSpec::parse(path)?;
    let columns = ColumnMap {
        text: text_col.to_string(),
        ..ColumnMap::default()
    };
    let all = read_all(&spec, &columns)?;
    let record_error = |ordinal: u64, message: String| LabelledError::Record {
        path: path.to_path_buf(),
        ordinal,
        message,
    };
    if let Some(r) = all.rejects.first() {
        return Err(record_error(r.ordinal, r.message.clone()));
    }
    let frame = FrameFields::of(all.frame.as_ref(), label_col);
    let out = all
        .records
        .into_iter()
        .map(|r| {
            let fields = match &r.passthrough {
                Passthrough::Values(v) => Fields::of_values(v, label_col),
                Passthrough::Row(i) => frame.row(*i),
            };
            let ordinal = r.ordinal;
            example(r, fields, label_col).map_err(|m| record_error(ordinal, m))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if out.is_empty() {
        return Err(LabelledError::Empty(path.to_path_buf()));
    }
    Ok(out)
}

/// The label and document columns of a Parquet input's passthrough frame, as strings.
struct FrameFields {
    labels: Option<Vec<Option<String>>>,
    docs: Option<Vec<Option<String>>>,
}

impl FrameFields {
    fn of(frame: Option<&DataFrame>, label_col: &str) -> FrameFields {
        let column = |name: &str| -> Option<Vec<Option<String>>> {
            let c = frame?.column(name).ok()?;
            let c = c.cast(&DataType::String).ok()?;
            let s = c.str().ok()?;
            Some(s.iter().map(|v| v.map(str::to_string)).collect())
        };
        FrameFields {
            labels: column(label_col),
            docs: column(DOC_ID_COL),
        }
    }

    /// The fields of frame row `i`.
    fn row(&self, i: usize) -> Fields {
        Fields {
            label: self.labels.as_ref().and_then(|l| l[i].clone()),
            doc_id: self.docs.as_ref().and_then(|l| l[i].clone()),
            ..Fields::default()
        }
    }
}

/// One record and its fields as an example; the error says what is wrong with the record.
fn example(r: Record, fields: Fields, label_col: &str) -> Result<Example, String> {
    let label = fields
        .label
        .ok_or_else(|| format!("no {label_col:?} field"))?;
    let label: Label = label.trim().parse().map_err(|e| format!("{e}"))?;
    Ok(Example {
        ordinal: r.ordinal,
        text: r.text,
        label,
        evidence: fields.evidence,
        phrasing: fields.phrasing,
        capability: fields.capability,
        id: r.id,
        doc_id: fields.doc_id.filter(|d| !d.trim().is_empty()),
        actor: r.actor,
        date: r.date,
    })
}

/// One unlabelled statement (a distillation pool row): its text and, if given, its actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlabelled {
    /// The statement.
    pub text: String,
    /// Whose words they are, if given.
    pub actor: Option<String>,
}

impl Unlabelled {
    /// The row as classifier input.
    pub fn statement(&self) -> crate::classify::Statement<'_> {
        crate::classify::Statement::new(&self.text, self.actor.as_deref())
    }
}

/// Reads the statements of `path` (an unlabelled pool: labels, if any, are ignored) with their
/// actors; any bad record is an error.
pub fn read_unlabelled(path: &Path, text_col: &str) -> Result<Vec<Unlabelled>, LabelledError> {
    let spec = InputSpec::parse(path)?;
    let columns = ColumnMap {
        text: text_col.to_string(),
        ..ColumnMap::default()
    };
    let all = read_all(&spec, &columns)?;
    if let Some(r) = all.rejects.first() {
        return Err(LabelledError::Record {
            path: path.to_path_buf(),
            ordinal: r.ordinal,
            message: r.message.clone(),
        });
    }
    if all.records.is_empty() {
        return Err(LabelledError::Empty(path.to_path_buf()));
    }
    Ok(all
        .records
        .into_iter()
        .map(|r| Unlabelled {
            text: r.text,
            actor: r.actor,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use polars::prelude::{Column, DataFrame};

    use super::*;

    fn parquet(dir: &Path, labels: &[&str], docs: &[Option<&str>]) -> PathBuf {
        let n = labels.len();
        let texts: Vec<String> = (0..n).map(|i| format!("Statement {i}.")).collect();
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("text".into(), texts),
                Column::new("label".into(), labels.to_vec()),
                Column::new("doc_id".into(), docs.to_vec()),
            ],
        )
        .unwrap();
        let path = dir.join("labelled.parquet");
        crate::fsio::write_parquet_file(&path, &mut df).unwrap();
        path
    }

    #[test]
    fn parquet_rows_give_their_label_and_document_and_a_blank_document_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let p = parquet(
            dir.path(),
            &["opposes", " supports "],
            &[Some("page-1"), Some("  ")],
        );
        let ex = read_labelled(&p, "text", "label").unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(
            (ex[0].label, ex[0].doc_id.as_deref()),
            (Label::Opposes, Some("page-1"))
        );
        assert_eq!(
            (ex[1].label, ex[1].doc_id.as_deref()),
            (Label::Supports, None)
        );
        assert_eq!(ex[1].ordinal, 2);
    }

    #[test]
    fn a_parquet_row_with_an_unknown_label_is_an_error_naming_its_record() {
        let dir = tempfile::tempdir().unwrap();
        let p = parquet(dir.path(), &["opposes", "maybe"], &[None, None]);
        let e = read_labelled(&p, "text", "label").unwrap_err();
        match e {
            LabelledError::Record {
                ordinal, message, ..
            } => {
                assert_eq!(ordinal, 2);
                assert!(message.contains("maybe"), "{message}");
            }
            other => panic!("{other}"),
        }
        let e = read_labelled(&p, "text", "stance").unwrap_err();
        assert!(
            e.to_string().contains("record 1: no \"stance\" field"),
            "{e}"
        );
    }
}
