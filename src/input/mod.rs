//! Reading statements: JSONL, CSV and Parquet files, or JSONL on stdin.
//!
//! Readers stream: they hand out chunks of at most N records, so memory does not grow with the
//! input. A bad record never stops a reader: it becomes a [`Reject`] saying where (ordinal,
//! byte offset), at which stage and why. Only problems with the input as a whole (missing file,
//! unknown format, no text column) are errors.

mod csv;
pub mod encoding;
mod fields;
mod jsonl;
pub mod labelled;
mod parquet;

use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;
use serde::Serialize;

pub use encoding::LegacyEncoding;
pub use fields::parse_date;

/// Raw bytes kept in a reject row, at most.
pub const RAW_CAP: usize = 4096;

/// Errors that stop reading an input altogether.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The input.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The extension does not name a format we read.
    #[error("cannot tell the format of {}: use a .jsonl/.ndjson, .csv or .parquet extension, or - for JSONL on stdin", .0.display())]
    UnknownFormat(PathBuf),
    /// The input lacks the text column.
    #[error("{} has no text column {column:?} (columns: {}); set the text column to one of them", path.display(), available.join(", "))]
    MissingTextColumn {
        /// The input.
        path: PathBuf,
        /// The expected column.
        column: String,
        /// Columns the input has.
        available: Vec<String>,
    },
    /// The CSV header could not be read.
    #[error("{}: cannot read the CSV header", path.display())]
    CsvHeader {
        /// The input.
        path: PathBuf,
        /// The CSV error.
        #[source]
        source: ::csv::Error,
    },
    /// The CSV header is not UTF-8.
    #[error("{}: cannot read the CSV header: {reason}", path.display())]
    CsvHeaderNotUtf8 {
        /// The input.
        path: PathBuf,
        /// Which column, the first bad byte, and the encoding it most likely is in.
        reason: String,
    },
    /// The Parquet file could not be read.
    #[error("{}: cannot read Parquet", path.display())]
    Parquet {
        /// The input.
        path: PathBuf,
        /// Polars' error.
        #[source]
        source: polars::error::PolarsError,
    },
}

/// Input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// One input: a file or stdin, and its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    /// Format, from the extension (`-` is JSONL).
    pub format: Format,
}

impl InputSpec {
    /// Parses a command-line input: `-` is JSONL on stdin; otherwise the extension decides.
    pub fn parse(arg: &Path) -> Result<InputSpec, InputError> {
        if arg.as_os_str() == "-" {
            return Ok(InputSpec {
                path: None,
                format: Format::Jsonl,
            });
        }
        let ext = arg
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let format = match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Format::Jsonl,
            "csv" => Format::Csv,
            "parquet" | "pq" => Format::Parquet,
            _ => return Err(InputError::UnknownFormat(arg.to_path_buf())),
        };
        Ok(InputSpec {
            path: Some(arg.to_path_buf()),
            format,
        })
    }

    /// How the input is named in rejects and manifests (`-` for stdin).
    pub fn display_name(&self) -> String {
        match &self.path {
            None => "-".into(),
            Some(p) => p.display().to_string(),
        }
    }
}

/// Names of the columns that carry meaning; every other column passes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// The statement text (required).
    pub text: String,
    /// A stable identifier (optional; else derived from the text).
    pub id: String,
    /// Date of the statement (optional).
    pub date: String,
    /// Government, party or body whose stance it is (optional).
    pub actor: String,
    /// Person who spoke (optional).
    pub speaker: String,
    /// Document or occasion (optional).
    pub source: String,
}

impl Default for ColumnMap {
    fn default() -> Self {
        use crate::defaults as d;
        ColumnMap {
            text: d::TEXT_COL.into(),
            id: d::ID_COL.into(),
            date: d::DATE_COL.into(),
            actor: d::ACTOR_COL.into(),
            speaker: d::SPEAKER_COL.into(),
            source: d::SOURCE_COL.into(),
        }
    }
}

impl ColumnMap {
    /// Checks that an input's columns (`available`, in file order) include the text column,
    /// and hands them back.
    pub(crate) fn require_text_column(
        &self,
        path: &Path,
        available: Vec<String>,
    ) -> Result<Vec<String>, InputError> {
        if available.contains(&self.text) {
            return Ok(available);
        }
        Err(InputError::MissingTextColumn {
            path: path.to_path_buf(),
            column: self.text.clone(),
            available,
        })
    }

    /// Whether `name` is one of the mapped (consumed) columns.
    pub fn is_mapped(&self, name: &str) -> bool {
        [
            &self.text,
            &self.id,
            &self.date,
            &self.actor,
            &self.speaker,
            &self.source,
        ]
        .iter()
        .any(|c| c.as_str() == name)
    }
}

/// Stage at which a record was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Reading bytes failed.
    Read,
    /// The bytes are not UTF-8.
    Utf8,
    /// The record is not well-formed (JSON, CSV row shape).
    Parse,
    /// A field is missing or has the wrong type or value.
    Validate,
    /// The tokenizer failed on the text.
    Tokenize,
}

impl Stage {
    /// The stage's name in the rejects table.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Utf8 => "utf8",
            Stage::Parse => "parse",
            Stage::Validate => "validate",
            Stage::Tokenize => "tokenize",
        }
    }
}

/// A record that could not be classified, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    /// 1-based position of the record in its input (line for JSONL, row for CSV/Parquet).
    pub ordinal: u64,
    /// Byte offset of the record's start, where known.
    pub byte_offset: Option<u64>,
    /// Where it failed.
    pub stage: Stage,
    /// Stable, machine-readable reason (e.g. `invalid_json`).
    pub code: &'static str,
    /// What a person needs to know.
    pub message: String,
    /// The column at fault, if one is.
    pub column: Option<String>,
    /// The record's bytes, at most [`RAW_CAP`].
    pub raw: Vec<u8>,
    /// Full length of the record's bytes.
    pub raw_len: u64,
    /// For a record that is not UTF-8: the legacy Chinese encoding its bytes most likely are in.
    pub encoding: Option<LegacyEncoding>,
}

impl Reject {
    /// Builds a reject, capping `raw`.
    pub fn new(
        ordinal: u64,
        byte_offset: Option<u64>,
        stage: Stage,
        code: &'static str,
        message: impl Into<String>,
        column: Option<&str>,
        raw: &[u8],
    ) -> Reject {
        Reject {
            ordinal,
            byte_offset,
            stage,
            code,
            message: message.into(),
            column: column.map(str::to_string),
            raw: fields::capped(raw),
            raw_len: raw.len() as u64,
            encoding: None,
        }
    }

    /// The reject of a record whose bytes `checked` (named by `what`: "line", "field \"text\"")
    /// are not UTF-8: the reason names the first bad byte and, when the bytes read as GB18030 or
    /// Big5, the encoding and how to convert the input.
    pub(crate) fn not_utf8(
        ordinal: u64,
        byte_offset: Option<u64>,
        what: &str,
        column: Option<&str>,
        checked: &[u8],
        err: &std::str::Utf8Error,
        raw: &[u8],
    ) -> Reject {
        let (message, guess) = encoding::not_utf8_reason(what, checked, err);
        let mut r = Reject::new(
            ordinal,
            byte_offset,
            Stage::Utf8,
            "invalid_utf8",
            message,
            column,
            raw,
        );
        r.encoding = guess;
        r
    }
}

/// Where a record's passthrough columns live.
#[derive(Debug, Clone, PartialEq)]
pub enum Passthrough {
    /// Extra JSON fields (JSONL) or CSV cells (as strings), by column name.
    Values(Vec<(String, serde_json::Value)>),
    /// A row of the chunk's passthrough frame (Parquet keeps its column types).
    Row(usize),
}

/// A readable statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based position in its input.
    pub ordinal: u64,
    /// Byte offset of the record's start, where known.
    pub byte_offset: Option<u64>,
    /// The statement (non-empty).
    pub text: String,
    /// Input id, if given.
    pub id: Option<String>,
    /// Date, if given and parseable.
    pub date: Option<chrono::NaiveDate>,
    /// Actor, if given.
    pub actor: Option<String>,
    /// Speaker, if given.
    pub speaker: Option<String>,
    /// Source, if given.
    pub source: Option<String>,
    /// A problem that did not cost the record (e.g. an unparseable date, stored as null).
    pub warning: Option<String>,
    /// Other columns, passed through unchanged.
    pub passthrough: Passthrough,
    /// The record's bytes when a later stage may still reject it (capped; empty for Parquet).
    pub raw: Vec<u8>,
}

/// A record or a reject, in input order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A readable record.
    Record(Box<Record>),
    /// A rejected one.
    Reject(Reject),
}

/// A batch of items from one input.
pub struct Chunk {
    /// Items in input order.
    pub items: Vec<Item>,
    /// Passthrough columns of Parquet rows (for [`Passthrough::Row`]).
    pub frame: Option<DataFrame>,
}

impl Chunk {
    /// A chunk of items without a passthrough frame (JSONL, CSV); `None` when there are none.
    fn of_items(items: Vec<Item>) -> Option<Chunk> {
        if items.is_empty() {
            return None;
        }
        Some(Chunk { items, frame: None })
    }
}

/// A streaming reader over one input.
pub trait ChunkReader: Send {
    /// Up to `max` items; `None` at the end of the input.
    fn next_chunk(&mut self, max: usize) -> Result<Option<Chunk>, InputError>;
}

/// Opens an input for streaming.
pub fn open(spec: &InputSpec, columns: &ColumnMap) -> Result<Box<dyn ChunkReader>, InputError> {
    match (&spec.path, spec.format) {
        (None, _) => Ok(Box::new(jsonl::JsonlReader::new(
            Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin())),
            columns.clone(),
        ))),
        (Some(p), Format::Jsonl) => {
            let f = std::fs::File::open(p).map_err(|source| InputError::Io {
                path: p.clone(),
                source,
            })?;
            Ok(Box::new(jsonl::JsonlReader::new(
                Box::new(std::io::BufReader::with_capacity(1 << 16, f)),
                columns.clone(),
            )))
        }
        (Some(p), Format::Csv) => Ok(Box::new(csv::CsvReader::open(p, columns.clone())?)),
        (Some(p), Format::Parquet) => {
            Ok(Box::new(parquet::ParquetInput::open(p, columns.clone())?))
        }
    }
}

/// A whole input in memory.
pub struct AllRecords {
    /// Readable records, in order.
    pub records: Vec<Record>,
    /// Rejects, in order.
    pub rejects: Vec<Reject>,
    /// Passthrough columns of Parquet inputs (rows indexed by [`Passthrough::Row`]).
    pub frame: Option<DataFrame>,
}

/// Reads a whole input into memory (for training and evaluation data, which are small).
pub fn read_all(spec: &InputSpec, columns: &ColumnMap) -> Result<AllRecords, InputError> {
    let mut reader = open(spec, columns)?;
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    let mut frames: Vec<DataFrame> = Vec::new();
    let mut offset = 0usize;
    while let Some(chunk) = reader.next_chunk(4096)? {
        let height = chunk.frame.as_ref().map(|f| f.height()).unwrap_or(0);
        for item in chunk.items {
            match item {
                Item::Record(mut r) => {
                    if let Passthrough::Row(i) = r.passthrough {
                        r.passthrough = Passthrough::Row(i + offset);
                    }
                    records.push(*r)
                }
                Item::Reject(r) => rejects.push(r),
            }
        }
        if let Some(f) = chunk.frame {
            frames.push(f);
        }
        offset += height;
    }
    let frame = if frames.is_empty() {
        None
    } else {
        let mut it = frames.into_iter();
        let mut first = it.next().unwrap_or_default();
        for f in it {
            first.vstack_mut(&f).map_err(|source| InputError::Parquet {
                path: spec.path.clone().unwrap_or_default(),
                source,
            })?;
        }
        Some(first)
    };
    Ok(AllRecords {
        records,
        rejects,
        frame,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        assert_eq!(
            InputSpec::parse(Path::new("-")).unwrap().format,
            Format::Jsonl
        );
        assert_eq!(
            InputSpec::parse(Path::new("a/b.JSONL")).unwrap().format,
            Format::Jsonl
        );
        assert_eq!(
            InputSpec::parse(Path::new("x.csv")).unwrap().format,
            Format::Csv
        );
        assert_eq!(
            InputSpec::parse(Path::new("x.parquet")).unwrap().format,
            Format::Parquet
        );
        let e = InputSpec::parse(Path::new("x.xlsx"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.xlsx"), "{e}");
    }

    #[test]
    fn reject_raw_is_capped() {
        let raw = vec![b'a'; RAW_CAP * 2];
        let r = Reject::new(1, None, Stage::Parse, "x", "m", None, &raw);
        assert_eq!(r.raw.len(), RAW_CAP);
        assert_eq!(r.raw_len, (RAW_CAP * 2) as u64);
    }
}
