//! Parquet reader: reads the file in row slices (so memory stays bounded), keeps the
//! passthrough columns with their own Arrow types.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

use super::fields::{capped, date_or_warning, non_blank, require_non_blank, FieldProblem};
use super::{Chunk, ChunkReader, ColumnMap, InputError, Item, Passthrough, Record, Reject};

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

/// A mapped value that is not UTF-8 (a binary column's bytes): it costs its row.
struct NotUtf8 {
    /// The column.
    column: String,
    /// The value's bytes.
    bytes: Vec<u8>,
    /// Where decoding failed.
    err: std::str::Utf8Error,
}

/// A column as optional strings, or `None` if absent: any type cast to text, except binary
/// values, which are decoded as UTF-8 (never lossily: a value that is not UTF-8 reads as null
/// and is noted in `bad`, the first per row).
fn text_values(
    df: &DataFrame,
    name: &str,
    bad: &mut [Option<NotUtf8>],
) -> Option<Vec<Option<String>>> {
    let col = df.column(name).ok()?;
    let s = col.as_materialized_series();
    if s.dtype() == &DataType::Binary {
        let ca = s.binary().ok()?;
        let mut out = Vec::with_capacity(ca.len());
        for (i, v) in ca.iter().enumerate() {
            out.push(v.and_then(|b| match std::str::from_utf8(b) {
                Ok(t) => Some(t.to_string()),
                Err(err) => {
                    bad[i].get_or_insert_with(|| NotUtf8 {
                        column: name.to_string(),
                        bytes: b.to_vec(),
                        err,
                    });
                    None
                }
            }));
        }
        return Some(out);
    }
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
    /// The text column, when it holds strings or bytes (`None` for any other type).
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
    /// Per row, the first mapped binary value that is not UTF-8.
    bad: Vec<Option<NotUtf8>>,
}

impl MappedColumns {
    /// Reads the mapped columns of `df`; the text column must exist.
    fn of(df: &DataFrame, c: &ColumnMap) -> PolarsResult<MappedColumns> {
        let text_dtype = df.column(&c.text)?.dtype().clone();
        let mut bad: Vec<Option<NotUtf8>> = (0..df.height()).map(|_| None).collect();
        let texts = if matches!(text_dtype, DataType::String | DataType::Binary) {
            text_values(df, &c.text, &mut bad)
        } else {
            None
        };
        Ok(MappedColumns {
            texts,
            text_dtype,
            ids: text_values(df, &c.id, &mut bad),
            dates_dtype: df
                .column(&c.date)
                .ok()
                .map(|s| s.dtype().to_string())
                .unwrap_or_default(),
            dates: text_values(df, &c.date, &mut bad),
            actors: text_values(df, &c.actor, &mut bad),
            speakers: text_values(df, &c.speaker, &mut bad),
            sources: text_values(df, &c.source, &mut bad),
            bad,
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
        if let Some(b) = &self.bad[i] {
            return Item::Reject(Reject::not_utf8(
                ordinal,
                None,
                &format!("column {:?}", b.column),
                Some(&b.column),
                &b.bytes,
                &b.err,
                &b.bytes,
            ));
        }
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

/// Whether polars refused a slice because a string column holds bytes that are not UTF-8.
fn is_invalid_utf8(e: &PolarsError) -> bool {
    e.to_string().contains("invalid UTF-8")
}

/// A run of rows read together, or one row no column read of which succeeds.
enum Piece {
    /// Rows from `offset`, read as one frame.
    Rows(usize, DataFrame),
    /// Row `offset`, whose `column` (a string column) is not UTF-8.
    NotUtf8(usize, String),
}

impl ParquetInput {
    /// Reads rows `offset..offset + len` as pieces: whole when polars can, else split in halves
    /// until the rows with a string value that is not UTF-8 stand alone (the Parquet format
    /// requires UTF-8 strings, and polars refuses a slice holding one; the other rows are kept).
    fn read_pieces(&self, offset: usize, len: usize, out: &mut Vec<Piece>) -> PolarsResult<()> {
        match self.read_slice(offset, len) {
            Ok(df) => out.push(Piece::Rows(offset, df)),
            Err(e) if is_invalid_utf8(&e) && len > 1 => {
                let half = len / 2;
                self.read_pieces(offset, half, out)?;
                self.read_pieces(offset + half, len - half, out)?;
            }
            Err(e) if is_invalid_utf8(&e) => {
                out.push(Piece::NotUtf8(offset, self.bad_column(offset)?))
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// The first column of row `row` that polars cannot read as UTF-8.
    fn bad_column(&self, row: usize) -> PolarsResult<String> {
        let f = std::fs::File::open(&self.path).map_err(|e| PolarsError::IO {
            error: std::sync::Arc::new(e),
            msg: None,
        })?;
        let names: Vec<String> = ParquetReader::new(f)
            .schema()?
            .iter_names()
            .map(|n| n.to_string())
            .collect();
        for name in names {
            let f = std::fs::File::open(&self.path).map_err(|e| PolarsError::IO {
                error: std::sync::Arc::new(e),
                msg: None,
            })?;
            let read = ParquetReader::new(f)
                .with_columns(Some(vec![name.clone()]))
                .with_slice(Some((row, 1)))
                .finish();
            if read.is_err_and(|e| is_invalid_utf8(&e)) {
                return Ok(name);
            }
        }
        Ok(String::new())
    }
}

/// The reject of a Parquet row that cannot be read because its string `column` holds bytes
/// that are not UTF-8 in the page the row lies in. polars refuses the whole page, so the reject
/// carries no raw bytes and no encoding guess, and the page's other rows are rejected too.
fn not_utf8_row(ordinal: u64, column: &str) -> Item {
    Item::Reject(Reject::new(
        ordinal,
        None,
        super::Stage::Utf8,
        "invalid_utf8",
        format!(
            "column {column:?} is not valid UTF-8 in the Parquet page holding this row (Parquet \
             strings must be UTF-8; the page's other rows cannot be read either); write the \
             file again with the text as UTF-8, or with the column as binary, whose values are \
             then checked one by one"
        ),
        Some(column),
        &[],
    ))
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
        let mut pieces = Vec::new();
        self.read_pieces(self.next, len, &mut pieces)
            .map_err(perr)?;
        self.next += len;
        let c = &self.columns;
        let mut items = Vec::with_capacity(len);
        let mut frame: Option<DataFrame> = None;
        for piece in pieces {
            let (offset, df) = match piece {
                Piece::Rows(offset, df) => (offset, df),
                Piece::NotUtf8(row, column) => {
                    items.push(not_utf8_row(row as u64 + 1, &column));
                    continue;
                }
            };
            let base = frame.as_ref().map(|f| f.height()).unwrap_or(0);
            let mapped = MappedColumns::of(&df, c).map_err(perr)?;
            for i in 0..df.height() {
                let mut item = mapped.item(i, (offset + i) as u64 + 1, c);
                if let Item::Record(r) = &mut item {
                    r.passthrough = Passthrough::Row(base + i);
                }
                items.push(item);
            }
            let part = passthrough_frame(&df, c).map_err(perr)?;
            match &mut frame {
                None => frame = Some(part),
                Some(f) => {
                    f.vstack_mut(&part).map_err(perr)?;
                }
            }
        }
        Ok(Some(Chunk { items, frame }))
    }
}
