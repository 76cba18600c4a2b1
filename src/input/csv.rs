//! CSV reader: header row required; quoted fields, CRLF and a UTF-8 BOM are handled by the
//! `csv` crate. Ragged rows and rows with a field that is not UTF-8 become rejects; a header
//! that is not UTF-8 stops the input (its columns cannot be named).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::fields::record_item;
use super::{Chunk, ChunkReader, ColumnMap, InputError, Item, Reject, Stage};

/// Streams a CSV file.
pub struct CsvReader {
    rdr: csv::Reader<std::fs::File>,
    headers: Vec<String>,
    columns: ColumnMap,
    ordinal: u64,
    done: bool,
    path: PathBuf,
}

impl CsvReader {
    /// Opens the file and reads its header.
    pub fn open(path: &Path, columns: ColumnMap) -> Result<CsvReader, InputError> {
        let f = std::fs::File::open(path).map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(f);
        let raw_headers = rdr
            .byte_headers()
            .map_err(|source| InputError::CsvHeader {
                path: path.to_path_buf(),
                source,
            })?
            .clone();
        let headers = header_names(path, &raw_headers)?;
        let headers = columns.require_text_column(path, headers)?;
        Ok(CsvReader {
            rdr,
            headers,
            columns,
            ordinal: 0,
            done: false,
            path: path.to_path_buf(),
        })
    }
}

/// The header's column names (a BOM on the first is dropped, names are trimmed). A header
/// that is not UTF-8 stops the input: its columns cannot be named.
fn header_names(path: &Path, rec: &csv::ByteRecord) -> Result<Vec<String>, InputError> {
    let mut names = Vec::with_capacity(rec.len());
    for (i, h) in rec.iter().enumerate() {
        let name = std::str::from_utf8(h).map_err(|e| {
            let (reason, _) = super::encoding::not_utf8_reason(&format!("column {}", i + 1), h, &e);
            InputError::CsvHeaderNotUtf8 {
                path: path.to_path_buf(),
                reason,
            }
        })?;
        // The csv crate leaves a BOM on the first header.
        let name = if i == 0 {
            name.trim_start_matches('\u{feff}')
        } else {
            name
        };
        names.push(name.trim().to_string());
    }
    Ok(names)
}

/// A row's bytes for a reject: its fields joined by commas (quotes are not restored), stopping
/// once past [`super::RAW_CAP`].
fn raw_of(rec: &csv::ByteRecord) -> Vec<u8> {
    let mut raw = Vec::new();
    for (i, f) in rec.iter().enumerate() {
        if i > 0 {
            raw.push(b',');
        }
        raw.extend_from_slice(f);
        if raw.len() > super::RAW_CAP {
            break;
        }
    }
    raw
}

/// Pairs each header with its field as a string; the first field that is not UTF-8 gives its
/// column, its index and the decoding error instead.
fn utf8_fields(
    headers: &[String],
    rec: &csv::ByteRecord,
) -> Result<Vec<(String, Value)>, (String, usize, std::str::Utf8Error)> {
    let mut fields = Vec::with_capacity(rec.len());
    for (i, (h, f)) in headers.iter().zip(rec.iter()).enumerate() {
        match std::str::from_utf8(f) {
            Ok(s) => fields.push((h.clone(), Value::String(s.to_string()))),
            Err(e) => return Err((h.clone(), i, e)),
        }
    }
    Ok(fields)
}

impl CsvReader {
    /// The reject for a row the `csv` crate could not read (counted as the next record).
    fn read_error_item(&mut self, e: &csv::Error) -> Item {
        self.ordinal += 1;
        let offset = e.position().map(|p| p.byte());
        Item::Reject(Reject::new(
            self.ordinal,
            offset,
            Stage::Read,
            "read_error",
            format!("{}: reading failed: {e}", self.path.display()),
            None,
            &[],
        ))
    }

    /// The row just read, as the next record: checked for shape and UTF-8, then validated.
    fn row_item(&mut self, rec: &csv::ByteRecord) -> Item {
        self.ordinal += 1;
        let offset = rec.position().map(|p| p.byte());
        let raw = raw_of(rec);
        if rec.len() != self.headers.len() {
            return Item::Reject(Reject::new(
                self.ordinal,
                offset,
                Stage::Parse,
                "ragged_row",
                format!(
                    "row has {} fields, the header has {}",
                    rec.len(),
                    self.headers.len()
                ),
                None,
                &raw,
            ));
        }
        match utf8_fields(&self.headers, rec) {
            Ok(fields) => record_item(self.ordinal, offset, fields, &self.columns, &raw),
            Err((col, i, e)) => Item::Reject(Reject::not_utf8(
                self.ordinal,
                offset,
                &format!("field {col:?}"),
                Some(&col),
                rec.get(i).unwrap_or_default(),
                &e,
                &raw,
            )),
        }
    }
}

impl ChunkReader for CsvReader {
    fn next_chunk(&mut self, max: usize) -> Result<Option<Chunk>, InputError> {
        if self.done {
            return Ok(None);
        }
        let mut items = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while items.len() < max.max(1) {
            match self.rdr.read_byte_record(&mut rec) {
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => items.push(self.row_item(&rec)),
                Err(e) => {
                    items.push(self.read_error_item(&e));
                    // An I/O error cannot be read past; a malformed row can.
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                        break;
                    }
                }
            }
        }
        Ok(Chunk::of_items(items))
    }
}
