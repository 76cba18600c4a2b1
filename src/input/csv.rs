//! CSV reader: header row required; quoted fields, CRLF and a UTF-8 BOM are handled by the
//! `csv` crate. Ragged rows and invalid UTF-8 become rejects.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::fields::build_record;
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
        let headers: Vec<String> = rdr
            .byte_headers()
            .map_err(|source| InputError::CsvHeader {
                path: path.to_path_buf(),
                source,
            })?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = String::from_utf8_lossy(h).to_string();
                // The csv crate leaves a BOM on the first header.
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}').to_string()
                } else {
                    h
                };
                h.trim().to_string()
            })
            .collect();
        if !headers.contains(&columns.text) {
            return Err(InputError::MissingTextColumn {
                path: path.to_path_buf(),
                column: columns.text.clone(),
                available: headers,
            });
        }
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
                Ok(true) => {}
                Err(e) => {
                    self.ordinal += 1;
                    let offset = e.position().map(|p| p.byte());
                    items.push(Item::Reject(Reject::new(
                        self.ordinal,
                        offset,
                        Stage::Read,
                        "read_error",
                        format!("{}: reading failed: {e}", self.path.display()),
                        None,
                        &[],
                    )));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                        break;
                    }
                    continue;
                }
            }
            self.ordinal += 1;
            let offset = rec.position().map(|p| p.byte());
            let raw = raw_of(&rec);
            if rec.len() != self.headers.len() {
                items.push(Item::Reject(Reject::new(
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
                )));
                continue;
            }
            let mut fields = Vec::with_capacity(rec.len());
            let mut bad = None;
            for (h, f) in self.headers.iter().zip(rec.iter()) {
                match std::str::from_utf8(f) {
                    Ok(s) => fields.push((h.clone(), Value::String(s.to_string()))),
                    Err(e) => {
                        bad = Some((h.clone(), e));
                        break;
                    }
                }
            }
            if let Some((col, e)) = bad {
                items.push(Item::Reject(Reject::new(
                    self.ordinal,
                    offset,
                    Stage::Utf8,
                    "invalid_utf8",
                    format!("field {col:?} is not valid UTF-8 ({e})"),
                    Some(&col),
                    &raw,
                )));
                continue;
            }
            items.push(
                match build_record(self.ordinal, offset, fields, &self.columns, &raw) {
                    Ok(r) => Item::Record(Box::new(r)),
                    Err(r) => Item::Reject(*r),
                },
            );
        }
        if items.is_empty() {
            return Ok(None);
        }
        Ok(Some(Chunk { items, frame: None }))
    }
}
