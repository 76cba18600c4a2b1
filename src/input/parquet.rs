//! Parquet reader: reads the file in row slices (so memory stays bounded), keeps the
//! passthrough columns with their own Arrow types.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

use super::fields::{capped, date_or_warning, non_blank, require_non_blank, FieldProblem};
use super::{Chunk, ChunkReader, ColumnMap, InputError, Item, Passthrough, Record};

/// Streams a Parquet file in slices of rows.
pub struct ParquetInput {
    path: PathBuf,
    columns: ColumnMap,
    rows: usize,
    next: usize,
}

impl ParquetInput {
    /// Opens the file and checks it has the text column.
    pub fn open(path: &Path, columns: ColumnMap) -> Result<ParquetInput, InputError> {
        let perr = |source| InputError::Parquet {
            path: path.to_path_buf(),
            source,
        };
        let f = std::fs::File::open(path).map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = ParquetReader::new(f);
        let rows = reader.num_rows().map_err(perr)?;
        let schema = reader.schema().map_err(perr)?;
        let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        columns.require_text_column(path, names)?;
        Ok(ParquetInput {
            path: path.to_path_buf(),
            columns,
            rows,
            next: 0,
        })
    }

    /// Reads rows `offset..offset + len` (opening the file again: a slice is read on its own).
    fn read_slice(&self, offset: usize, len: usize) -> PolarsResult<DataFrame> {
        let f = std::fs::File::open(&self.path).map_err(|e| PolarsError::IO {
            error: std::sync::Arc::new(e),
            msg: None,
        })?;
        ParquetReader::new(f)
            .with_slice(Some((offset, len)))
            .read_parallel(ParallelStrategy::None)
            .finish()
    }
}

/// A column as optional strings (any type cast to text), or `None` if absent.
fn text_values(df: &DataFrame, name: &str) -> Option<Vec<Option<String>>> {
    let col = df.column(name).ok()?;
    let s = col.as_materialized_series();
    let cast = if s.dtype() == &DataType::String {
        s.clone()
    } else {
        s.cast(&DataType::String).ok()?
    };
    let ca = cast.str().ok()?;
    Some(ca.iter().map(|v| v.map(str::to_string)).collect())
}

/// The mapped columns of one slice of rows, as text.
struct MappedColumns {
    /// The text column, when it holds strings (`None` for any other type).
    texts: Option<Vec<Option<String>>>,
    /// The text column's type.
    text_dtype: DataType,
    /// The id column, if any.
    ids: Option<Vec<Option<String>>>,
    /// The date column as text, if any.
    dates: Option<Vec<Option<String>>>,
    /// The date column's type, as warnings name it (empty when there is no date column).
    dates_dtype: String,
    /// The actor column, if any.
    actors: Option<Vec<Option<String>>>,
    /// The speaker column, if any.
    speakers: Option<Vec<Option<String>>>,
    /// The source column, if any.
    sources: Option<Vec<Option<String>>>,
}

impl MappedColumns {
    /// Reads the mapped columns of `df`; the text column must exist.
    fn of(df: &DataFrame, c: &ColumnMap) -> PolarsResult<MappedColumns> {
        let text_dtype = df.column(&c.text)?.dtype().clone();
        let texts = if text_dtype == DataType::String {
            text_values(df, &c.text)
        } else {
            None
        };
        Ok(MappedColumns {
            texts,
            text_dtype,
            ids: text_values(df, &c.id),
            dates_dtype: df
                .column(&c.date)
                .ok()
                .map(|s| s.dtype().to_string())
                .unwrap_or_default(),
            dates: text_values(df, &c.date),
            actors: text_values(df, &c.actor),
            speakers: text_values(df, &c.speaker),
            sources: text_values(df, &c.source),
        })
    }

    /// Row `i` of an optional column, when present and not blank.
    fn get(v: &Option<Vec<Option<String>>>, i: usize) -> Option<String> {
        non_blank(v.as_ref().and_then(|v| v[i].clone()))
    }

    /// Row `i`'s text as it is in the file (for the reject's raw bytes), if a string.
    fn raw_text(&self, i: usize) -> Option<String> {
        self.texts.as_ref().and_then(|t| t[i].clone())
    }

    /// Row `i`'s statement text: a non-null, non-blank string.
    fn text(&self, i: usize, c: &ColumnMap) -> Result<String, FieldProblem> {
        let problem = |code, message| FieldProblem {
            code,
            message,
            column: c.text.clone(),
        };
        match (&self.texts, self.raw_text(i)) {
            (None, _) => Err(problem(
                "text_not_string",
                format!(
                    "column {:?} has type {}, not a string",
                    c.text, self.text_dtype
                ),
            )),
            (Some(_), None) => Err(problem("missing_text", format!("{:?} is null", c.text))),
            (Some(_), Some(t)) => require_non_blank(t, c),
        }
    }

    /// Row `i`'s date, and the warning of a date that does not parse.
    fn date(&self, i: usize, c: &ColumnMap) -> (Option<NaiveDate>, Option<String>) {
        match Self::get(&self.dates, i) {
            None => (None, None),
            Some(s) => match date_or_warning(&s, c, Some(&self.dates_dtype)) {
                Ok(d) => (Some(d), None),
                Err(w) => (None, Some(w)),
            },
        }
    }

    /// Row `i` (1-based `ordinal` in the file) as a record, or the reject that replaces it.
    fn item(&self, i: usize, ordinal: u64, c: &ColumnMap) -> Item {
        let text = match self.text(i, c) {
            Ok(t) => t,
            Err(p) => {
                let raw = self.raw_text(i).unwrap_or_default();
                return Item::Reject(p.into_reject(ordinal, None, raw.as_bytes()));
            }
        };
        let (date, warning) = self.date(i, c);
        Item::Record(Box::new(Record {
            ordinal,
            byte_offset: None,
            id: Self::get(&self.ids, i),
            date,
            actor: Self::get(&self.actors, i),
            speaker: Self::get(&self.speakers, i),
            source: Self::get(&self.sources, i),
            warning,
            passthrough: Passthrough::Row(i),
            raw: capped(text.as_bytes()),
            text,
        }))
    }
}

/// The columns of `df` that are not mapped: they pass through with their own types.
fn passthrough_frame(df: &DataFrame, c: &ColumnMap) -> PolarsResult<DataFrame> {
    let keep: Vec<PlSmallStr> = df
        .get_column_names()
        .into_iter()
        .filter(|n| !c.is_mapped(n.as_str()))
        .cloned()
        .collect();
    df.select(keep)
}

impl ChunkReader for ParquetInput {
    fn next_chunk(&mut self, max: usize) -> Result<Option<Chunk>, InputError> {
        if self.next >= self.rows {
            return Ok(None);
        }
        let perr = |source| InputError::Parquet {
            path: self.path.clone(),
            source,
        };
        let len = max.max(1).min(self.rows - self.next);
        let df = self.read_slice(self.next, len).map_err(perr)?;
        let base = self.next as u64;
        self.next += len;
        let c = &self.columns;
        let mapped = MappedColumns::of(&df, c).map_err(perr)?;
        let frame = passthrough_frame(&df, c).map_err(perr)?;
        let items = (0..len)
            .map(|i| mapped.item(i, base + i as u64 + 1, c))
            .collect();
        Ok(Some(Chunk {
            items,
            frame: Some(frame),
        }))
    }
}
