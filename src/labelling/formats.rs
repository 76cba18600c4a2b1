//! Reading annotation files: what Prodigy and Argilla export, the CSV `stance sample` wrote
//! (with its `label` column filled in), and plain labelled JSONL.
//!
//! Every JSONL line is recognised by its keys:
//!
//! | format | recognised by | label | annotator | time |
//! |---|---|---|---|---|
//! | Prodigy (`prodigy db-out`) | `answer` | `accept: [label]` (choice), else `label`; only `answer: "accept"` counts | `_annotator_id`, else `_session_id` | `_timestamp` (Unix seconds) |
//! | Argilla 2.x nested (`records.to_json`, `to_list()`) | `responses` object | `responses.label[].value` | `user_id` | – |
//! | Argilla 2.x flat (`to_list(flatten=True)`) | `label.responses` | `label.responses[i]` | `label.responses.users[i]` | – |
//! | Argilla 1.x (`FeedbackDataset`) | `responses` array | `responses[].values.label.value` | `user_id` | `updated_at`, else `inserted_at` |
//! | plain labelled JSONL | `label` | `label` | `annotator` | `annotated_at` |
//!
//! Argilla responses count when their status is `submitted` (or absent); drafts and discarded
//! ones do not. The text is `text` or `fields.text`; the id is `id`, `external_id` or
//! `meta.id`/`metadata.id`; `random_slice` comes from `meta`, `metadata` or the top level, as
//! a boolean or the strings `true`/`false`. A line that is not JSON, has no text, or carries a
//! label that is not one of the six is an error naming the file and line.

use std::path::Path;

use serde_json::{Map, Value};

use crate::labels::Label;

/// One label given by one annotator to one statement.
#[derive(Debug, Clone)]
pub struct Annotation {
    /// Statement id, if the file has one.
    pub id: Option<String>,
    /// The statement.
    pub text: String,
    /// The label.
    pub label: Label,
    /// Who gave it (`unknown` when the file does not say).
    pub annotator: String,
    /// When, if the file says (RFC 3339 or as written).
    pub annotated_at: Option<String>,
    /// The file it came from.
    pub source_file: String,
    /// 1-based line (JSONL) or record line (CSV).
    pub line: u64,
    /// Whether the statement belongs to a sample's random slice.
    pub random_slice: bool,
    /// Source fields to carry into the corpus (actor, date, doc_id, …).
    pub meta: Map<String, Value>,
}

/// What one record of an annotation file holds.
#[derive(Debug)]
pub enum Parsed {
    /// Labels (one per annotator who answered).
    Labelled(Vec<Annotation>),
    /// A record nobody labelled (rejected, ignored, skipped, a draft, or an empty label).
    Unanswered,
}

/// Where a record sits: file and line.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// The file.
    pub file: &'a Path,
    /// 1-based line.
    pub line: u64,
}

type Res<T> = Result<T, String>;

fn label_of(v: &Value) -> Res<Label> {
    match v {
        Value::String(s) => s.trim().parse::<Label>().map_err(|e| e.to_string()),
        other => Err(format!("label {other} is not one of the six label names")),
    }
}

fn string_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn flag_of(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The metadata object of a record (`meta` for Prodigy, `metadata` for Argilla).
fn meta_of(obj: &Map<String, Value>) -> Map<String, Value> {
    for key in ["meta", "metadata"] {
        if let Some(Value::Object(m)) = obj.get(key) {
            return m.clone();
        }
    }
    Map::new()
}

/// A record's statement (id, text, random slice, source fields) as an annotation still
/// waiting for its label and annotator.
fn statement(obj: &Map<String, Value>, at: At) -> Res<Annotation> {
    let fields = obj.get("fields").and_then(Value::as_object);
    let text = string_of(obj.get("text"))
        .or_else(|| string_of(fields.and_then(|f| f.get("text"))))
        .ok_or("no text (expected a non-empty \"text\" or \"fields.text\")")?;
    let meta = meta_of(obj);
    let id = string_of(obj.get("id"))
        .or_else(|| string_of(obj.get("external_id")))
        .or_else(|| string_of(meta.get("id")));
    let random_slice = flag_of(meta.get("random_slice"))
        .or_else(|| flag_of(obj.get("random_slice")))
        .unwrap_or(false);
    Ok(Annotation {
        id,
        text,
        label: Label::OffTopic,
        annotator: "unknown".into(),
        annotated_at: None,
        source_file: at.file.display().to_string(),
        line: at.line,
        random_slice,
        meta,
    })
}

/// Parses one JSONL line.
pub fn parse_json_line(line: &str, at: At) -> Res<Parsed> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(obj) = v else {
        return Err("not a JSON object".into());
    };
    let base = statement(&obj, at)?;
    if obj.contains_key("answer") {
        prodigy(&obj, base)
    } else if obj.contains_key("responses") || obj.contains_key("label.responses") {
        argilla(&obj, base)
    } else if obj.get("label").is_some_and(|l| !l.is_null()) {
        plain(&obj, base)
    } else {
        Ok(Parsed::Unanswered)
    }
}

/// A Prodigy task with its answer.
fn prodigy(obj: &Map<String, Value>, base: Annotation) -> Res<Parsed> {
    match obj.get("answer").and_then(Value::as_str) {
        Some("accept") => {}
        Some("reject" | "ignore") => return Ok(Parsed::Unanswered),
        _ => {
            return Err(format!(
                "answer {} is not \"accept\", \"reject\" or \"ignore\"",
                obj["answer"]
            ))
        }
    }
    let chosen = obj.get("accept").and_then(Value::as_array);
    let label = match chosen.map(Vec::as_slice) {
        Some([one]) => label_of(one)?,
        Some([_, _, ..]) => {
            return Err(format!(
                "{} labels accepted ({}); choose exactly one",
                chosen.map_or(0, Vec::len),
                obj["accept"]
            ))
        }
        _ => match obj.get("label") {
            Some(l) if !l.is_null() => label_of(l)?,
            _ => return Err("accepted without a label (empty \"accept\" and no \"label\")".into()),
        },
    };
    let annotator = string_of(obj.get("_annotator_id"))
        .or_else(|| string_of(obj.get("_session_id")))
        .unwrap_or_else(|| "unknown".into());
    let annotated_at = obj
        .get("_timestamp")
        .and_then(Value::as_i64)
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.to_rfc3339());
    Ok(Parsed::Labelled(vec![Annotation {
        label,
        annotator,
        annotated_at,
        ..base
    }]))
}

/// The question whose answers are the stance label.
pub const QUESTION: &str = "label";

/// An Argilla record (1.x or 2.x, nested or flat).
fn argilla(obj: &Map<String, Value>, base: Annotation) -> Res<Parsed> {
    let answers = match (obj.get("responses"), obj.get("label.responses")) {
        (Some(Value::Array(list)), _) => argilla_v1(list)?,
        (Some(Value::Object(by_question)), _) => argilla_v2(by_question)?,
        (_, Some(flat)) => argilla_flat(obj, flat)?,
        (Some(Value::Null), None) => Vec::new(),
        (Some(other), None) => {
            return Err(format!(
                "\"responses\" is neither a list nor an object: {other}"
            ))
        }
        (None, None) => Vec::new(),
    };
    if answers.is_empty() {
        return Ok(Parsed::Unanswered);
    }
    Ok(Parsed::Labelled(
        answers
            .into_iter()
            .map(|(label, annotator, annotated_at)| Annotation {
                label,
                annotator,
                annotated_at,
                ..base.clone()
            })
            .collect(),
    ))
}

type Answer = (Label, String, Option<String>);

fn submitted(status: Option<&Value>) -> bool {
    status
        .and_then(Value::as_str)
        .is_none_or(|s| s == "submitted")
}

/// Argilla 1.x: `responses: [{user_id, values: {label: {value}}, status, updated_at}]`.
fn argilla_v1(list: &[Value]) -> Res<Vec<Answer>> {
    let mut out = Vec::new();
    for r in list {
        if !submitted(r.get("status")) {
            continue;
        }
        let Some(value) = r.get("values").and_then(|v| v.get(QUESTION)) else {
            continue;
        };
        let value = value.get("value").unwrap_or(value);
        let user = string_of(r.get("user_id")).unwrap_or_else(|| "unknown".into());
        let time = string_of(r.get("updated_at")).or_else(|| string_of(r.get("inserted_at")));
        out.push((label_of(value)?, user, time));
    }
    Ok(out)
}

/// Argilla 2.x nested: `responses: {label: [{value, user_id, status?}]}`.
fn argilla_v2(by_question: &Map<String, Value>) -> Res<Vec<Answer>> {
    let Some(list) = by_question.get(QUESTION) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| format!("\"responses.{QUESTION}\" is not a list"))?;
    let mut out = Vec::new();
    for r in list {
        if !submitted(r.get("status")) {
            continue;
        }
        let value = r.get("value").unwrap_or(r);
        let user = string_of(r.get("user_id")).unwrap_or_else(|| "unknown".into());
        out.push((label_of(value)?, user, None));
    }
    Ok(out)
}

/// Argilla 2.x flat: parallel lists `label.responses`, `label.responses.users`,
/// `label.responses.status`.
fn argilla_flat(obj: &Map<String, Value>, values: &Value) -> Res<Vec<Answer>> {
    let empty = Vec::new();
    let values = match values {
        Value::Null => &empty,
        v => v.as_array().ok_or("\"label.responses\" is not a list")?,
    };
    let list = |k: &str| {
        obj.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let users = list("label.responses.users");
    let status = list("label.responses.status");
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if !submitted(status.get(i)) {
            continue;
        }
        let user = string_of(users.get(i)).unwrap_or_else(|| "unknown".into());
        out.push((label_of(v)?, user, None));
    }
    Ok(out)
}

/// A plain labelled line: `{"text", "label", "annotator"?, "annotated_at"?}`.
fn plain(obj: &Map<String, Value>, base: Annotation) -> Res<Parsed> {
    let label = label_of(&obj["label"])?;
    let mut meta = base.meta.clone();
    for (k, v) in obj {
        if !matches!(k.as_str(), "text" | "label" | "meta" | "metadata") {
            meta.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Ok(Parsed::Labelled(vec![Annotation {
        label,
        annotator: string_of(obj.get("annotator")).unwrap_or_else(|| "unknown".into()),
        annotated_at: string_of(obj.get("annotated_at")),
        meta,
        ..base
    }]))
}

/// Parses one CSV record given as (header, value) pairs: `text` and `label` are needed (an
/// empty `label` is an unanswered row); `id`, `annotator`, `annotated_at` and `random_slice`
/// are read when present; other non-empty cells are carried as source fields.
pub fn parse_csv_row(cells: &[(&str, &str)], at: At) -> Res<Parsed> {
    let get = |k: &str| {
        cells
            .iter()
            .find(|(h, _)| *h == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let text = cells
        .iter()
        .find(|(h, _)| *h == "text")
        .map(|(_, v)| *v)
        .filter(|v| !v.trim().is_empty())
        .ok_or("no text")?;
    let Some(label) = get("label") else {
        return Ok(Parsed::Unanswered);
    };
    let label: Label = label
        .parse()
        .map_err(|e: crate::labels::UnknownLabel| e.to_string())?;
    let meta: Map<String, Value> = cells
        .iter()
        .filter(|(h, v)| {
            !matches!(
                *h,
                "text" | "label" | "id" | "annotator" | "annotated_at" | "random_slice"
            ) && !v.trim().is_empty()
        })
        .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
        .collect();
    Ok(Parsed::Labelled(vec![Annotation {
        id: get("id").map(str::to_string),
        text: text.to_string(),
        label,
        annotator: get("annotator").unwrap_or("unknown").to_string(),
        annotated_at: get("annotated_at").map(str::to_string),
        source_file: at.file.display().to_string(),
        line: at.line,
        random_slice: flag_of(
            get("random_slice")
                .map(|s| Value::String(s.into()))
                .as_ref(),
        )
        .unwrap_or(false),
        meta,
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At<'static> {
        At {
            file: Path::new("a.jsonl"),
            line: 3,
        }
    }

    fn labels(p: Parsed) -> Vec<(Label, String)> {
        match p {
            Parsed::Labelled(v) => v.into_iter().map(|a| (a.label, a.annotator)).collect(),
            Parsed::Unanswered => Vec::new(),
        }
    }

    #[test]
    fn prodigy_choice_and_binary_answers() {
        let l = r#"{"text":"t","meta":{"id":"s1","random_slice":true},"accept":["opposes"],"answer":"accept","_annotator_id":"ds-ann1","_timestamp":1700000000}"#;
        let Parsed::Labelled(v) = parse_json_line(l, at()).unwrap() else {
            panic!()
        };
        assert_eq!(v[0].label, Label::Opposes);
        assert_eq!(v[0].id.as_deref(), Some("s1"));
        assert!(v[0].random_slice);
        assert_eq!(v[0].annotator, "ds-ann1");
        assert!(v[0]
            .annotated_at
            .as_deref()
            .unwrap()
            .starts_with("2023-11-14"));
        let l = r#"{"text":"t","label":"neutral","answer":"accept"}"#;
        assert_eq!(
            labels(parse_json_line(l, at()).unwrap())[0].0,
            Label::Neutral
        );
        let l = r#"{"text":"t","accept":["neutral"],"answer":"reject"}"#;
        assert!(matches!(
            parse_json_line(l, at()).unwrap(),
            Parsed::Unanswered
        ));
        let l = r#"{"text":"t","accept":["Neutral"],"answer":"accept"}"#;
        assert!(parse_json_line(l, at())
            .unwrap_err()
            .contains("\"Neutral\""));
        let l = r#"{"text":"t","accept":["neutral","supports"],"answer":"accept"}"#;
        assert!(parse_json_line(l, at())
            .unwrap_err()
            .contains("exactly one"));
    }

    #[test]
    fn argilla_exports_of_every_shape() {
        let v1 = r#"{"fields":{"text":"t"},"metadata":{"id":"s2","random_slice":"true"},"responses":[{"user_id":"u1","values":{"label":{"value":"supports"}},"status":"submitted"},{"user_id":"u2","values":{"label":{"value":"opposes"}},"status":"discarded"}]}"#;
        assert_eq!(
            labels(parse_json_line(v1, at()).unwrap()),
            vec![(Label::Supports, "u1".to_string())]
        );
        let v2 = r#"{"id":"s3","fields":{"text":"t"},"metadata":{},"suggestions":{"label":{"value":"neutral","score":0.5,"agent":"m"}},"responses":{"label":[{"value":"neutral","user_id":"a"},{"value":"leans_supports","user_id":"b"}]}}"#;
        assert_eq!(labels(parse_json_line(v2, at()).unwrap()).len(), 2);
        let flat = r#"{"id":"s4","text":"t","random_slice":"false","label.responses":["off_topic"],"label.responses.users":["c"],"label.responses.status":["submitted"],"label.suggestion":"neutral"}"#;
        assert_eq!(
            labels(parse_json_line(flat, at()).unwrap()),
            vec![(Label::OffTopic, "c".to_string())]
        );
        let none = r#"{"id":"s5","text":"t","responses":{}}"#;
        assert!(matches!(
            parse_json_line(none, at()).unwrap(),
            Parsed::Unanswered
        ));
        let bad = r#"{"id":"s6","text":"t","responses":{"label":[{"value":"pro","user_id":"a"}]}}"#;
        assert!(parse_json_line(bad, at()).unwrap_err().contains("\"pro\""));
    }

    #[test]
    fn csv_rows_and_unlabelled_lines() {
        let row = [
            ("id", "s7"),
            ("text", "t"),
            ("label", " supports "),
            ("annotator", "x"),
            ("actor", "A"),
            ("random_slice", "true"),
        ];
        let Parsed::Labelled(v) = parse_csv_row(&row, at()).unwrap() else {
            panic!()
        };
        assert_eq!(
            (v[0].label, v[0].annotator.as_str(), v[0].random_slice),
            (Label::Supports, "x", true)
        );
        assert_eq!(v[0].meta["actor"], "A");
        let empty = [("text", "t"), ("label", "")];
        assert!(matches!(
            parse_csv_row(&empty, at()).unwrap(),
            Parsed::Unanswered
        ));
        assert!(parse_json_line("{\"text\": \"t\"", at())
            .unwrap_err()
            .starts_with("not JSON"));
        assert!(matches!(
            parse_json_line(r#"{"text":"t","accept":[]}"#, at()).unwrap(),
            Parsed::Unanswered
        ));
    }
}
