//! JSON Lines reader: one object per line; CRLF and a leading UTF-8 BOM are accepted.

use std::io::BufRead;

use serde_json::Value;

use super::fields::{kind_of, record_item};
use super::{Chunk, ChunkReader, ColumnMap, InputError, Item, Reject, Stage};

/// Streams a JSONL source line by line.
pub struct JsonlReader {
    src: Box<dyn BufRead + Send>,
    columns: ColumnMap,
    ordinal: u64,
    offset: u64,
    buf: Vec<u8>,
    done: bool,
}

impl JsonlReader {
    /// Wraps a buffered source.
    pub fn new(src: Box<dyn BufRead + Send>, columns: ColumnMap) -> JsonlReader {
        JsonlReader {
            src,
            columns,
            ordinal: 0,
            offset: 0,
            buf: Vec::with_capacity(4096),
            done: false,
        }
    }

    /// Parses one line (without its line ending) into an item.
    fn item(&self, line: &[u8], ordinal: u64, offset: u64) -> Item {
        let mut line = line;
        if ordinal == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            line = &line[3..];
        }
        let rej = |stage, code, msg: String| {
            Item::Reject(Reject::new(
                ordinal,
                Some(offset),
                stage,
                code,
                msg,
                None,
                line,
            ))
        };
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                return Item::Reject(Reject::not_utf8(
                    ordinal,
                    Some(offset),
                    "line",
                    None,
                    line,
                    &e,
                    line,
                ))
            }
        };
        if text.trim().is_empty() {
            return rej(
                Stage::Parse,
                "blank_line",
                "blank line (no JSON object)".into(),
            );
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return rej(Stage::Parse, "invalid_json", format!("not valid JSON: {e}")),
        };
        let Value::Object(map) = value else {
            return rej(
                Stage::Parse,
                "not_an_object",
                format!("a JSON {} where an object was expected", kind_of(&value)),
            );
        };
        record_item(
            ordinal,
            Some(offset),
            map.into_iter().collect(),
            &self.columns,
            line,
        )
    }
}

impl ChunkReader for JsonlReader {
    fn next_chunk(&mut self, max: usize) -> Result<Option<Chunk>, InputError> {
        if self.done {
            return Ok(None);
        }
        let mut items = Vec::new();
        while items.len() < max.max(1) {
            self.buf.clear();
            let n = match self.src.read_until(b'\n', &mut self.buf) {
                Ok(n) => n,
                Err(e) => {
                    // A failed read cannot be resumed reliably: record it and stop this input.
                    self.ordinal += 1;
                    items.push(Item::Reject(Reject::new(
                        self.ordinal,
                        Some(self.offset),
                        Stage::Read,
                        "read_error",
                        format!("reading failed: {e}"),
                        None,
                        &[],
                    )));
                    self.done = true;
                    break;
                }
            };
            if n == 0 {
                self.done = true;
                break;
            }
            self.ordinal += 1;
            let start = self.offset;
            self.offset += n as u64;
            let mut line: &[u8] = &self.buf;
            if line.ends_with(b"\n") {
                line = &line[..line.len() - 1];
            }
            if line.ends_with(b"\r") {
                line = &line[..line.len() - 1];
            }
            let item = self.item(line, self.ordinal, start);
            items.push(item);
        }
        Ok(Chunk::of_items(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8]) -> Vec<Item> {
        let mut r = JsonlReader::new(
            Box::new(std::io::Cursor::new(input.to_vec())),
            ColumnMap::default(),
        );
        let mut out = Vec::new();
        while let Some(c) = r.next_chunk(2).unwrap() {
            out.extend(c.items);
        }
        out
    }

    #[test]
    fn good_bad_and_ugly_lines() {
        let input = b"\xEF\xBB\xBF{\"text\": \"a\"}\r\n{bad\n\n[1]\n{\"text\": \"\xff\"}\n{\"text\": \"b\"}";
        let items = read(input);
        assert_eq!(items.len(), 6);
        let codes: Vec<&str> = items
            .iter()
            .map(|i| match i {
                Item::Record(_) => "ok",
                Item::Reject(r) => r.code,
            })
            .collect();
        assert_eq!(
            codes,
            vec![
                "ok",
                "invalid_json",
                "blank_line",
                "not_an_object",
                "invalid_utf8",
                "ok"
            ]
        );
        if let Item::Reject(r) = &items[1] {
            assert_eq!(r.ordinal, 2);
            assert_eq!(r.byte_offset, Some(18)); // BOM (3) + 13 bytes + CRLF
            assert_eq!(r.raw, b"{bad");
        }
        if let Item::Record(r) = &items[5] {
            assert_eq!(r.text, "b");
            assert_eq!(r.ordinal, 6);
        }
    }
}
