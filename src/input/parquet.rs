//! Parquet reader: reads the file in row slices (so memory stays bounded), keeps the
//! passthrough columns with their own Arrow types.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::fields::{parse_date, truncate};
use super::{Chunk, ChunkReader, ColumnMap, InputError, Item, Passthrough, Record, Reject, Stage};

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
        if !names.contains(&columns.text) {
            return Err(InputError::MissingTextColumn {
                path: path.to_path_buf(),
                column: columns.text.clone(),
                available: names,
            });
        }
        Ok(ParquetInput {
            path: path.to_path_buf(),
            columns,
            rows,
            next: 0,
        })
    }

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

impl ChunkReader for ParquetInput {
    fn next_chunk(&mut self, max: usize) -> Result<Option<Chunk>, InputError> {
        if self.next >= self.rows {
            return Ok(None);
        }
        let len = max.max(1).min(self.rows - self.next);
        let df = self
            .read_slice(self.next, len)
            .map_err(|source| InputError::Parquet {
                path: self.path.clone(),
                source,
            })?;
        let base = self.next as u64;
        self.next += len;
        let c = &self.columns;
        let text_col = df.column(&c.text).map_err(|source| InputError::Parquet {
            path: self.path.clone(),
            source,
        })?;
        let text_dtype = text_col.dtype().clone();
        let texts: Option<Vec<Option<String>>> = if text_dtype == DataType::String {
            text_values(&df, &c.text)
        } else {
            None
        };
        let ids = text_values(&df, &c.id);
        let dates_dtype = df.column(&c.date).ok().map(|s| s.dtype().clone());
        let dates = text_values(&df, &c.date);
        let actors = text_values(&df, &c.actor);
        let speakers = text_values(&df, &c.speaker);
        let sources = text_values(&df, &c.source);
        let keep: Vec<PlSmallStr> = df
            .get_column_names()
            .into_iter()
            .filter(|n| !c.is_mapped(n.as_str()))
            .cloned()
            .collect();
        let frame = df.select(keep).map_err(|source| InputError::Parquet {
            path: self.path.clone(),
            source,
        })?;
        let get = |v: &Option<Vec<Option<String>>>, i: usize| -> Option<String> {
            v.as_ref()
                .and_then(|v| v[i].clone())
                .filter(|s| !s.trim().is_empty())
        };
        let mut items = Vec::with_capacity(len);
        for i in 0..len {
            let ordinal = base + i as u64 + 1;
            let raw_text = texts.as_ref().and_then(|t| t[i].clone());
            let rej = |code, msg: String| {
                Item::Reject(Reject::new(
                    ordinal,
                    None,
                    Stage::Validate,
                    code,
                    msg,
                    Some(&c.text),
                    raw_text.as_deref().unwrap_or("").as_bytes(),
                ))
            };
            let text = match (&texts, raw_text.clone()) {
                (None, _) => {
                    items.push(rej(
                        "text_not_string",
                        format!("column {:?} has type {text_dtype}, not a string", c.text),
                    ));
                    continue;
                }
                (Some(_), None) => {
                    items.push(rej("missing_text", format!("{:?} is null", c.text)));
                    continue;
                }
                (Some(_), Some(t)) => t,
            };
            if text.trim().is_empty() {
                items.push(rej(
                    "empty_text",
                    format!("{:?} is empty or only whitespace", c.text),
                ));
                continue;
            }
            let mut warning = None;
            let date = match get(&dates, i) {
                None => None,
                Some(s) => match parse_date(&s) {
                    Some(d) => Some(d),
                    None => {
                        warning = Some(format!(
                            "unparseable {} {:?} (type {}) stored as null",
                            c.date,
                            truncate(&s, 64),
                            dates_dtype
                                .as_ref()
                                .map(|d| d.to_string())
                                .unwrap_or_default()
                        ));
                        None
                    }
                },
            };
            items.push(Item::Record(Box::new(Record {
                ordinal,
                byte_offset: None,
                id: get(&ids, i),
                date,
                actor: get(&actors, i),
                speaker: get(&speakers, i),
                source: get(&sources, i),
                warning,
                passthrough: Passthrough::Row(i),
                raw: text.as_bytes()[..text.len().min(super::RAW_CAP)].to_vec(),
                text,
            })));
        }
        Ok(Some(Chunk {
            items,
            frame: Some(frame),
        }))
    }
}
