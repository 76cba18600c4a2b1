//! Building Polars frames for the three tables from rows, column by column as
//! [`super::schema`] describes them (values from [`super::cells`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use polars::prelude::*;
use serde_json::Value;

use super::cells::{self, Cell};
use super::schema::{ColumnSpec, ColumnType, TableSpec, PREDICTIONS, REJECTS, SENTENCES};
use crate::actors::ActorRule;
use crate::input::{Passthrough, Reject};
use crate::labels::{Label, NUM_LABELS};
use crate::language::Lang;
use crate::model::ModelId;

/// One document's prediction.
#[derive(Debug, Clone)]
pub struct PredictionRow {
    /// Input id, else derived from the text hash.
    pub id: String,
    /// The statement.
    pub text: String,
    /// Hex sha256 of the text's UTF-8 bytes.
    pub text_sha256: String,
    /// The language it was routed by (which decides the model).
    pub lang: Lang,
    /// Calibrated probabilities in [`Label::ALL`] order.
    pub probs: [f32; NUM_LABELS],
    /// Date, if known.
    pub date: Option<NaiveDate>,
    /// Actor, if known.
    pub actor: Option<String>,
    /// Speaker, if known.
    pub speaker: Option<String>,
    /// Source, if known.
    pub source: Option<String>,
    /// The deciding sentence.
    pub evidence: Option<String>,
    /// Its start, in characters (Unicode scalars) into `text`.
    pub evidence_start: Option<i64>,
    /// Its end (exclusive), in characters.
    pub evidence_end: Option<i64>,
    /// Sentences the document was split into.
    pub n_sentences: i32,
    /// A non-fatal input problem (e.g. an unparseable date stored as null).
    pub warning: Option<String>,
    /// The guide rule that decided the label instead of the model, if one did.
    pub rule: Option<ActorRule>,
    /// Passthrough columns.
    pub passthrough: Passthrough,
}

impl PredictionRow {
    /// The predicted label and its probability.
    pub fn label(&self) -> (Label, f32) {
        crate::labels::argmax(&self.probs)
    }
}

/// One sentence's prediction (the drill-down table).
#[derive(Debug, Clone)]
pub struct SentenceRow {
    /// Document id.
    pub id: String,
    /// Document text hash (joins to predictions).
    pub text_sha256: String,
    /// 0-based position in the document.
    pub sentence_index: i32,
    /// Start in characters into the document text.
    pub start: i64,
    /// End (exclusive) in characters.
    pub end: i64,
    /// The sentence.
    pub text: String,
    /// Calibrated probabilities in [`Label::ALL`] order.
    pub probs: [f32; NUM_LABELS],
    /// Whether this sentence decided the document's label.
    pub is_evidence: bool,
    /// The document's routing language.
    pub lang: Lang,
}

/// Values every row of a run shares.
#[derive(Debug, Clone)]
pub struct RowContext {
    /// The model that reads everything not routed elsewhere.
    pub model: ModelId,
    /// The model Chinese statements are routed to, if any.
    pub chinese_model: Option<ModelId>,
    /// Run id.
    pub run_id: String,
    /// When the run classified (UTC).
    pub classified_at: DateTime<Utc>,
}

impl RowContext {
    /// The model that read a statement routed by `lang`.
    pub fn model_for(&self, lang: Lang) -> &ModelId {
        match (lang, &self.chinese_model) {
            (Lang::Zh, Some(m)) => m,
            _ => &self.model,
        }
    }
}

/// Passthrough column types, fixed by a column's first non-null chunk so every part file of a
/// run has the same schema.
#[derive(Debug, Default)]
pub struct PassthroughTypes {
    fixed: HashMap<String, DataType>,
    /// Values that did not fit their column's fixed type and were stored as null.
    pub coerced_to_null: u64,
}

/// A Date column from optional dates.
pub(crate) fn date_col(name: &str, v: &[Option<NaiveDate>]) -> PolarsResult<Column> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<Option<i32>> = v
        .iter()
        .map(|d| d.map(|d| (d - epoch).num_days() as i32))
        .collect();
    Column::new(name.into(), days).cast(&DataType::Date)
}

/// Type a JSON column would get on its own.
fn infer(values: &[Option<&Value>]) -> Option<DataType> {
    let mut t: Option<DataType> = None;
    for v in values.iter().flatten() {
        let this = match v {
            Value::Null => continue,
            Value::Bool(_) => DataType::Boolean,
            Value::Number(n) if n.is_i64() => DataType::Int64,
            Value::Number(_) => DataType::Float64,
            _ => DataType::String,
        };
        t = Some(match (t, this) {
            (None, x) => x,
            (Some(a), b) if a == b => a,
            (Some(DataType::Int64), DataType::Float64)
            | (Some(DataType::Float64), DataType::Int64) => DataType::Float64,
            _ => DataType::String,
        });
    }
    t
}

/// The values as `T`: null stays null; a value `pick` cannot read as `T` becomes null and is
/// counted in `lost`.
fn typed<T>(
    values: &[Option<&Value>],
    lost: &mut u64,
    pick: impl Fn(&Value) -> Option<T>,
) -> Vec<Option<T>> {
    values
        .iter()
        .map(|v| match v {
            Some(Value::Null) | None => None,
            Some(v) => {
                let out = pick(v);
                *lost += u64::from(out.is_none());
                out
            }
        })
        .collect()
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl PassthroughTypes {
    /// Builds one passthrough column from JSON values, in the column's fixed type.
    fn json_column(&mut self, name: &str, values: &[Option<&Value>]) -> PolarsResult<Column> {
        let dtype = match self.fixed.get(name) {
            Some(t) => t.clone(),
            None => match infer(values) {
                Some(t) => {
                    self.fixed.insert(name.to_string(), t.clone());
                    t
                }
                None => DataType::String,
            },
        };
        let mut lost = 0u64;
        let col = match dtype {
            DataType::Boolean => Column::new(name.into(), typed(values, &mut lost, Value::as_bool)),
            DataType::Int64 => Column::new(name.into(), typed(values, &mut lost, Value::as_i64)),
            DataType::Float64 => Column::new(name.into(), typed(values, &mut lost, Value::as_f64)),
            _ => Column::new(
                name.into(),
                typed(values, &mut lost, |v| Some(json_text(v))),
            ),
        };
        self.coerced_to_null += lost;
        Ok(col)
    }
}

/// Renames a passthrough column that collides with an output column: `input_<name>` (more
/// prefixes if that collides too). Never drops it. Comparison ignores case, since some readers
/// (duckdb) treat `ID` and `id` as the same column.
pub fn passthrough_name(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut n = name.to_string();
    while taken(&n) {
        n = format!("input_{n}");
    }
    n
}

/// Output names for passthrough columns `names` (in order): each avoids the core columns,
/// the other passthrough columns' own names and names already given.
pub fn passthrough_names(names: &[String], core: &[&str]) -> Vec<String> {
    let lower = |s: &str| s.to_lowercase();
    let mut assigned: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let taken = |n: &str| {
            let n = lower(n);
            core.iter().any(|c| lower(c) == n)
                || names
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && lower(o) == n)
                || assigned.iter().any(|a| lower(a) == n)
        };
        let renamed = if core.iter().any(|c| lower(c) == lower(name)) {
            passthrough_name(&format!("input_{name}"), &taken)
        } else {
            passthrough_name(name, &taken)
        };
        assigned.push(renamed);
    }
    assigned
}

/// Builds the passthrough columns for `rows`, renaming collisions with `core`.
fn passthrough_columns<'a>(
    rows: impl Iterator<Item = &'a Passthrough> + Clone,
    frame: Option<&DataFrame>,
    core: &[&str],
    types: &mut PassthroughTypes,
) -> PolarsResult<Vec<Column>> {
    // Parquet rows: take them from the chunk's frame, keeping Arrow types.
    let frame_rows: Vec<IdxSize> = rows
        .clone()
        .filter_map(|p| match p {
            Passthrough::Row(i) => Some(*i as IdxSize),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    if let Some(frame) = frame {
        if !frame_rows.is_empty() && frame.width() > 0 {
            let idx = IdxCa::from_vec("".into(), frame_rows);
            let taken_df = frame.take(&idx)?;
            let originals: Vec<String> = taken_df
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect();
            let renamed = passthrough_names(&originals, core);
            for (col, name) in taken_df.columns().iter().zip(renamed) {
                out.push(col.clone().with_name(name.into()));
            }
        }
        return Ok(out);
    }
    // JSON/CSV rows: union of keys in first-seen order.
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in rows.clone() {
        if let Passthrough::Values(v) = p {
            for (k, _) in v {
                if seen.insert(k.clone()) {
                    names.push(k.clone());
                }
            }
        }
    }
    let renamed = passthrough_names(&names, core);
    for (name, renamed) in names.into_iter().zip(renamed) {
        let values: Vec<Option<&Value>> = rows
            .clone()
            .map(|p| match p {
                Passthrough::Values(v) => v.iter().find(|(k, _)| *k == name).map(|(_, v)| v),
                Passthrough::Row(_) => None,
            })
            .collect();
        let col = types.json_column(&name, &values)?;
        out.push(col.with_name(renamed.into()));
    }
    Ok(out)
}

/// Builds one column of `spec` from the rows' cells.
fn spec_column<R>(
    spec: &ColumnSpec,
    rows: &[R],
    cell: &dyn Fn(&str, &R) -> Option<Cell>,
) -> PolarsResult<Column> {
    let mut cells = Vec::with_capacity(rows.len());
    for r in rows {
        cells.push(cell(spec.name, r).ok_or_else(|| {
            PolarsError::ColumnNotFound(format!("no value for column {}", spec.name).into())
        })?);
    }
    let name: PlSmallStr = spec.name.into();
    macro_rules! collect {
        ($variant:ident, $t:ty) => {
            cells
                .iter()
                .map(|c| match c {
                    Cell::$variant(v) => Ok(v.clone()),
                    other => Err(PolarsError::SchemaMismatch(
                        format!("column {} got {other:?}", spec.name).into(),
                    )),
                })
                .collect::<PolarsResult<Vec<$t>>>()?
        };
    }
    Ok(match spec.dtype {
        ColumnType::String => Column::new(name, collect!(Str, Option<String>)),
        ColumnType::Float32 => Column::new(name, collect!(F32, f32)),
        ColumnType::Int32 => Column::new(name, collect!(I32, i32)),
        ColumnType::Bool => Column::new(name, collect!(Bool, bool)),
        ColumnType::Int64 if spec.nullable => Column::new(name, collect!(I64, Option<i64>)),
        ColumnType::Int64 => {
            let v = collect!(I64, Option<i64>);
            Column::new(
                name,
                v.into_iter()
                    .map(|x| x.unwrap_or_default())
                    .collect::<Vec<i64>>(),
            )
        }
        ColumnType::Date => return date_col(spec.name, &collect!(Date, Option<NaiveDate>)),
        ColumnType::TimestampUtc => {
            let v: Vec<i64> = collect!(Ts, DateTime<Utc>)
                .iter()
                .map(|t| t.timestamp_micros())
                .collect();
            Column::new(name, v).cast(&DataType::Datetime(
                TimeUnit::Microseconds,
                Some(TimeZone::UTC),
            ))?
        }
    })
}

/// Builds a table's core columns, in the order its description gives.
fn table_frame<R>(
    table: &TableSpec,
    rows: &[R],
    cell: &dyn Fn(&str, &R) -> Option<Cell>,
) -> PolarsResult<Vec<Column>> {
    table
        .columns
        .iter()
        .map(|spec| spec_column(spec, rows, cell))
        .collect()
}

/// The predictions frame for a chunk: the core columns, then the passthrough columns.
pub fn predictions_frame(
    rows: &[PredictionRow],
    frame: Option<&DataFrame>,
    ctx: &RowContext,
    types: &mut PassthroughTypes,
) -> PolarsResult<DataFrame> {
    let mut cols = table_frame(&PREDICTIONS, rows, &|n, r| cells::prediction(n, r, ctx))?;
    cols.extend(passthrough_columns(
        rows.iter().map(|r| &r.passthrough),
        frame,
        &PREDICTIONS.names(),
        types,
    )?);
    DataFrame::new(rows.len(), cols)
}

/// The sentences frame for a chunk.
pub fn sentences_frame(rows: &[SentenceRow], ctx: &RowContext) -> PolarsResult<DataFrame> {
    let cols = table_frame(&SENTENCES, rows, &|n, r| cells::sentence(n, r, ctx))?;
    DataFrame::new(rows.len(), cols)
}

/// A reject with where it came from.
#[derive(Debug, Clone)]
pub struct RejectRow {
    /// Input as given on the command line.
    pub input_path: String,
    /// Key that identifies this bad record across runs (input, position, bytes).
    pub key: String,
    /// The reject.
    pub reject: Reject,
}

/// The rejects frame for a chunk.
pub fn rejects_frame(rows: &[RejectRow], ctx: &RowContext) -> PolarsResult<DataFrame> {
    let cols = table_frame(&REJECTS, rows, &|n, r| cells::reject(n, r, ctx))?;
    DataFrame::new(rows.len(), cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_passthrough_types_are_fixed_per_run() {
        let mut t = PassthroughTypes::default();
        let a = json!(1);
        let b = json!(2.5);
        let c = json!("x");
        let col = t.json_column("n", &[Some(&a), Some(&b), None]).unwrap();
        assert_eq!(col.dtype(), &DataType::Float64);
        // A later chunk with a string in a float column: stored as null, counted.
        let col = t.json_column("n", &[Some(&c), Some(&a)]).unwrap();
        assert_eq!(col.dtype(), &DataType::Float64);
        assert_eq!(t.coerced_to_null, 1);
        let obj = json!({"k": [1, 2]});
        let col = t.json_column("o", &[Some(&obj), Some(&c)]).unwrap();
        assert_eq!(col.dtype(), &DataType::String);
        // Integer and boolean columns lose what they cannot hold the same way; nulls are free.
        let (yes, null) = (json!(true), json!(null));
        let col = t.json_column("i", &[Some(&a), Some(&null)]).unwrap();
        assert_eq!(col.dtype(), &DataType::Int64);
        let col = t.json_column("i", &[Some(&b), Some(&a)]).unwrap();
        assert_eq!((col.null_count(), t.coerced_to_null), (1, 2));
        t.json_column("f", &[Some(&yes)]).unwrap();
        let col = t.json_column("f", &[Some(&a), None, Some(&yes)]).unwrap();
        assert_eq!(col.dtype(), &DataType::Boolean);
        assert_eq!((col.null_count(), t.coerced_to_null), (2, 3));
    }

    #[test]
    fn collisions_are_prefixed_and_never_duplicated() {
        let (names, core, renamed) = crate::output::schema::PASSTHROUGH_EXAMPLE;
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        assert_eq!(passthrough_names(&names, &core), renamed);
    }
}
