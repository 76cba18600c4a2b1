//! Turning one record's named values into a [`Record`] or a [`Reject`]: the validation shared
//! by the JSONL and CSV readers (Parquet maps its typed columns onto the same rules).

use chrono::NaiveDate;
use serde_json::Value;

use super::{ColumnMap, Passthrough, Record, Reject, Stage, RAW_CAP};

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
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Validates one record given as `(column, value)` pairs in input order.
pub(crate) fn build_record(
    ordinal: u64,
    byte_offset: Option<u64>,
    fields: Vec<(String, Value)>,
    columns: &ColumnMap,
    raw: &[u8],
) -> Result<Record, Box<Reject>> {
    let reject = |code: &'static str, msg: String, col: Option<&str>| {
        Box::new(Reject::new(
            ordinal,
            byte_offset,
            Stage::Validate,
            code,
            msg,
            col,
            raw,
        ))
    };
    let mut text = None;
    let mut id = None;
    let mut date = None;
    let mut actor = None;
    let mut speaker = None;
    let mut source = None;
    let mut warning = None;
    let mut extra = Vec::new();
    for (name, value) in fields {
        if name == columns.text {
            text = Some(value);
        } else if name == columns.id {
            id = match value {
                Value::Null => None,
                Value::String(s) if s.trim().is_empty() => None,
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                other => {
                    return Err(reject(
                        "invalid_id",
                        format!(
                            "column {:?} must be a string or a number, found {}",
                            columns.id,
                            kind_of(&other)
                        ),
                        Some(&columns.id),
                    ))
                }
            };
        } else if name == columns.date {
            match &value {
                Value::Null => {}
                Value::String(s) if s.trim().is_empty() => {}
                Value::String(s) => match parse_date(s) {
                    Some(d) => date = Some(d),
                    None => {
                        warning = Some(format!(
                            "unparseable {} {:?} stored as null",
                            columns.date,
                            truncate(s, 64)
                        ))
                    }
                },
                other => {
                    warning = Some(format!(
                        "{} is a {}, not a date string; stored as null",
                        columns.date,
                        kind_of(other)
                    ))
                }
            }
        } else if name == columns.actor {
            actor = as_text(&value);
        } else if name == columns.speaker {
            speaker = as_text(&value);
        } else if name == columns.source {
            source = as_text(&value);
        } else {
            extra.push((name, value));
        }
    }
    let text = match text {
        None | Some(Value::Null) => {
            return Err(reject(
                "missing_text",
                format!("no {:?} field", columns.text),
                Some(&columns.text),
            ))
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(reject(
                "text_not_string",
                format!(
                    "{:?} must be a string, found {}",
                    columns.text,
                    kind_of(&other)
                ),
                Some(&columns.text),
            ))
        }
    };
    if text.trim().is_empty() {
        return Err(reject(
            "empty_text",
            format!("{:?} is empty or only whitespace", columns.text),
            Some(&columns.text),
        ));
    }
    Ok(Record {
        ordinal,
        byte_offset,
        text,
        id,
        date,
        actor,
        speaker,
        source,
        warning,
        passthrough: Passthrough::Values(extra),
        raw: raw[..raw.len().min(RAW_CAP)].to_vec(),
    })
}

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
