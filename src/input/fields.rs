//! Turning one record's named values into a [`Record`] or a [`Reject`]: the validation shared
//! by the JSONL and CSV readers (Parquet maps its typed columns onto the same rules, with the
//! helpers here for the blank-text check, dates and raw bytes).

use chrono::NaiveDate;
use serde_json::Value;

use super::{ColumnMap, Item, Passthrough, Record, Reject, Stage, RAW_CAP};

/// Parses the date formats statements come with: `2024-01-15`, `2024/01/15`, RFC 3339
/// timestamps (`2024-01-15T09:30:00Z`, date part taken), `15 January 2024`,
/// `January 15, 2024`, `15 Jan 2024`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    if s.len() >= 10 && s.is_char_boundary(10) {
        if let Ok(d) = NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d") {
            if s[10..].starts_with(['T', ' ']) {
                return Some(d);
            }
        }
    }
    for fmt in [
        "%Y/%m/%d",
        "%d %B %Y",
        "%B %d, %Y",
        "%d %b %Y",
        "%b %d, %Y",
        "%B %d %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

/// A metadata value as text: strings as they are, numbers and booleans printed, nested values
/// as JSON. Null and empty strings are absent.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => non_blank(Some(s.clone())),
        other => Some(other.to_string()),
    }
}

/// A text value, or `None` when it is absent, empty or only whitespace.
pub(crate) fn non_blank(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// The first [`RAW_CAP`] bytes of a record's bytes.
pub(crate) fn capped(raw: &[u8]) -> Vec<u8> {
    raw[..raw.len().min(RAW_CAP)].to_vec()
}

/// A problem with one field that costs its record: the reject's code, message and column.
pub(crate) struct FieldProblem {
    /// Stable reason (e.g. `empty_text`).
    pub code: &'static str,
    /// What a person needs to know.
    pub message: String,
    /// The column at fault.
    pub column: String,
}

impl FieldProblem {
    /// The validation-stage reject of record `ordinal` for this problem.
    pub fn into_reject(self, ordinal: u64, byte_offset: Option<u64>, raw: &[u8]) -> Reject {
        Reject::new(
            ordinal,
            byte_offset,
            Stage::Validate,
            self.code,
            self.message,
            Some(&self.column),
            raw,
        )
    }
}

/// Checks that a statement text has something besides whitespace (the rule every reader
/// applies once it has the text as a string).
pub(crate) fn require_non_blank(text: String, columns: &ColumnMap) -> Result<String, FieldProblem> {
    if text.trim().is_empty() {
        return Err(FieldProblem {
            code: "empty_text",
            message: format!("{:?} is empty or only whitespace", columns.text),
            column: columns.text.clone(),
        });
    }
    Ok(text)
}

/// Parses a non-blank date value; an unparseable one gives the warning that the record carries
/// instead (the date is stored as null). `type_name` names the column's type where the input
/// has column types (Parquet).
pub(crate) fn date_or_warning(
    s: &str,
    columns: &ColumnMap,
    type_name: Option<&str>,
) -> Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| {
        let typed = type_name
            .map(|t| format!(" (type {t})"))
            .unwrap_or_default();
        format!(
            "unparseable {} {:?}{typed} stored as null",
            columns.date,
            truncate(s, 64)
        )
    })
}

/// What a date value gives a record.
enum DateField {
    /// Null or blank: nothing.
    Absent,
    /// A parsed date.
    Date(NaiveDate),
    /// A value that is not a date: a warning, and the date stays null.
    Warning(String),
}

/// Reads the date column's value (a string in one of the [`parse_date`] formats).
fn date_field(value: &Value, columns: &ColumnMap) -> DateField {
    match value {
        Value::Null => DateField::Absent,
        Value::String(s) if s.trim().is_empty() => DateField::Absent,
        Value::String(s) => match date_or_warning(s, columns, None) {
            Ok(d) => DateField::Date(d),
            Err(w) => DateField::Warning(w),
        },
        other => DateField::Warning(format!(
            "{} is a {}, not a date string; stored as null",
            columns.date,
            kind_of(other)
        )),
    }
}

/// Reads the id column's value: a string or a number; null or blank is no id.
fn id_field(value: Value, columns: &ColumnMap) -> Result<Option<String>, FieldProblem> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(FieldProblem {
            code: "invalid_id",
            message: format!(
                "column {:?} must be a string or a number, found {}",
                columns.id,
                kind_of(&other)
            ),
            column: columns.id.clone(),
        }),
    }
}

/// Reads the text column's value: it must be present, a string, and not blank.
fn text_field(value: Option<Value>, columns: &ColumnMap) -> Result<String, FieldProblem> {
    let problem = |code, message| FieldProblem {
        code,
        message,
        column: columns.text.clone(),
    };
    match value {
        None | Some(Value::Null) => Err(problem(
            "missing_text",
            format!("no {:?} field", columns.text),
        )),
        Some(Value::String(s)) => require_non_blank(s, columns),
        Some(other) => Err(problem(
            "text_not_string",
            format!(
                "{:?} must be a string, found {}",
                columns.text,
                kind_of(&other)
            ),
        )),
    }
}

/// A record's values sorted by meaning; the text is still unchecked.
#[derive(Default)]
struct Sorted {
    text: Option<Value>,
    id: Option<String>,
    date: Option<NaiveDate>,
    actor: Option<String>,
    speaker: Option<String>,
    source: Option<String>,
    warning: Option<String>,
    extra: Vec<(String, Value)>,
}

/// Sorts `(column, value)` pairs into the mapped columns (a later duplicate column wins) and
/// the passthrough rest, in input order; an id of the wrong type stops at once.
fn sort_fields(fields: Vec<(String, Value)>, columns: &ColumnMap) -> Result<Sorted, FieldProblem> {
    let mut s = Sorted::default();
    for (name, value) in fields {
        if name == columns.text {
            s.text = Some(value);
        } else if name == columns.id {
            s.id = id_field(value, columns)?;
        } else if name == columns.date {
            match date_field(&value, columns) {
                DateField::Absent => {}
                DateField::Date(d) => s.date = Some(d),
                DateField::Warning(w) => s.warning = Some(w),
            }
        } else if name == columns.actor {
            s.actor = as_text(&value);
        } else if name == columns.speaker {
            s.speaker = as_text(&value);
        } else if name == columns.source {
            s.source = as_text(&value);
        } else {
            s.extra.push((name, value));
        }
    }
    Ok(s)
}

/// Validates one record given as `(column, value)` pairs in input order.
pub(crate) fn build_record(
    ordinal: u64,
    byte_offset: Option<u64>,
    fields: Vec<(String, Value)>,
    columns: &ColumnMap,
    raw: &[u8],
) -> Result<Record, Box<Reject>> {
    let reject = |p: FieldProblem| Box::new(p.into_reject(ordinal, byte_offset, raw));
    let s = sort_fields(fields, columns).map_err(reject)?;
    let text = text_field(s.text, columns).map_err(reject)?;
    Ok(Record {
        ordinal,
        byte_offset,
        text,
        id: s.id,
        date: s.date,
        actor: s.actor,
        speaker: s.speaker,
        source: s.source,
        warning: s.warning,
        passthrough: Passthrough::Values(s.extra),
        raw: capped(raw),
    })
}

/// [`build_record`] as a reader's item: the record, or the reject that replaces it.
pub(crate) fn record_item(
    ordinal: u64,
    byte_offset: Option<u64>,
    fields: Vec<(String, Value)>,
    columns: &ColumnMap,
    raw: &[u8],
) -> Item {
    match build_record(ordinal, byte_offset, fields, columns, raw) {
        Ok(r) => Item::Record(Box::new(r)),
        Err(r) => Item::Reject(*r),
    }
}

/// The JSON type of a value, as messages name it.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `s` cut to `max` characters, with an ellipsis when it was longer.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        for s in [
            "2024-01-15",
            "2024/01/15",
            "2024-01-15T09:30:00Z",
            "2024-01-15 09:30",
            "15 January 2024",
            "January 15, 2024",
            "15 Jan 2024",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        for s in ["", "yesterday", "2024-13-01", "32/13/2020"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    fn fields(v: serde_json::Value) -> Vec<(String, Value)> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    #[test]
    fn validation() {
        let c = ColumnMap::default();
        let r = build_record(
            1,
            Some(0),
            fields(json!({"text": "hi", "id": 7, "x": 1})),
            &c,
            b"",
        )
        .unwrap();
        assert_eq!(r.id.as_deref(), Some("7"));
        assert_eq!(
            r.passthrough,
            Passthrough::Values(vec![("x".into(), json!(1))])
        );
        let e = build_record(2, None, fields(json!({"text": 5})), &c, b"").unwrap_err();
        assert_eq!(e.code, "text_not_string");
        let e = build_record(3, None, fields(json!({"text": "  \t"})), &c, b"").unwrap_err();
        assert_eq!(e.code, "empty_text");
        let e = build_record(4, None, fields(json!({"body": "x"})), &c, b"").unwrap_err();
        assert_eq!(e.code, "missing_text");
        let r = build_record(
            5,
            None,
            fields(json!({"text": "x", "date": "soon"})),
            &c,
            b"",
        )
        .unwrap();
        assert!(r.date.is_none() && r.warning.unwrap().contains("soon"));
    }
}
