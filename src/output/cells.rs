//! Row values by column name: the one place that says which field of a row fills which column of
//! [`super::schema`]. The frame builders and the JSON-lines stream both read rows through here.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::frames::{PredictionRow, RejectRow, RowContext, SentenceRow};
use crate::labels::{Label, NUM_LABELS};

/// One cell, typed as its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Str(Option<String>),
    /// 32-bit float.
    F32(f32),
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(Option<i64>),
    /// Boolean.
    Bool(bool),
    /// Date.
    Date(Option<NaiveDate>),
    /// Instant (UTC).
    Ts(DateTime<Utc>),
}

fn text(s: &str) -> Cell {
    Cell::Str(Some(s.to_string()))
}

/// `label`, `confidence`, `stance_score` and `p_<label>`.
fn label_cell(name: &str, probs: &[f32; NUM_LABELS]) -> Option<Cell> {
    Some(match name {
        "label" => text(crate::labels::argmax(probs).0.as_str()),
        "confidence" => Cell::F32(crate::labels::argmax(probs).1),
        "stance_score" => Cell::F32(crate::labels::stance_score(probs)),
        _ => {
            let l = Label::ALL
                .iter()
                .find(|l| name.strip_prefix("p_") == Some(l.as_str()))?;
            Cell::F32(probs[l.index()])
        }
    })
}

/// A predictions-table cell (`None`: not a predictions column).
pub fn prediction(name: &str, r: &PredictionRow, ctx: &RowContext) -> Option<Cell> {
    Some(match name {
        "id" => text(&r.id),
        "text" => text(&r.text),
        "text_sha256" => text(&r.text_sha256),
        "lang" => text(r.lang.as_str()),
        "model" => text(&ctx.model_for(r.lang).name),
        "model_sha256" => text(&ctx.model_for(r.lang).sha256),
        "classified_at" => Cell::Ts(ctx.classified_at),
        "date" => Cell::Date(r.date),
        "actor" => Cell::Str(r.actor.clone()),
        "speaker" => Cell::Str(r.speaker.clone()),
        "source" => Cell::Str(r.source.clone()),
        "evidence" => Cell::Str(r.evidence.clone()),
        "evidence_start" => Cell::I64(r.evidence_start),
        "evidence_end" => Cell::I64(r.evidence_end),
        "n_sentences" => Cell::I32(r.n_sentences),
        "warning" => Cell::Str(r.warning.clone()),
        "rule" => Cell::Str(r.rule.map(|x| x.as_str().to_string())),
        "run_id" => text(&ctx.run_id),
        other => return label_cell(other, &r.probs),
    })
}

/// A sentences-table cell.
pub fn sentence(name: &str, r: &SentenceRow, ctx: &RowContext) -> Option<Cell> {
    Some(match name {
        "id" => text(&r.id),
        "text_sha256" => text(&r.text_sha256),
        "sentence_index" => Cell::I32(r.sentence_index),
        "start" => Cell::I64(Some(r.start)),
        "end" => Cell::I64(Some(r.end)),
        "text" => text(&r.text),
        "is_evidence" => Cell::Bool(r.is_evidence),
        "model_sha256" => text(&ctx.model_for(r.lang).sha256),
        "classified_at" => Cell::Ts(ctx.classified_at),
        "run_id" => text(&ctx.run_id),
        other => return label_cell(other, &r.probs),
    })
}

/// A rejects-table cell.
pub fn reject(name: &str, r: &RejectRow, ctx: &RowContext) -> Option<Cell> {
    let j = &r.reject;
    Some(match name {
        "run_id" => text(&ctx.run_id),
        "input_path" => text(&r.input_path),
        "record_ordinal" => Cell::I64(Some(j.ordinal as i64)),
        "byte_offset" => Cell::I64(j.byte_offset.map(|b| b as i64)),
        "stage" => text(j.stage.as_str()),
        "error_code" => text(j.code),
        "error_message" => text(&j.message),
        "column" => Cell::Str(j.column.clone()),
        "raw" => Cell::Str(Some(crate::input::encoding::escape_non_utf8(&j.raw))),
        "raw_len" => Cell::I64(Some(j.raw_len as i64)),
        "reject_key" => text(&r.key),
        "rejected_at" => Cell::Ts(ctx.classified_at),
        _ => return None,
    })
}

fn round6(x: f32) -> Value {
    let v = (f64::from(x) * 1e6).round() / 1e6;
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

impl Cell {
    /// The cell in the JSON-lines stream: floats rounded to 6 decimals, dates `YYYY-MM-DD`,
    /// instants RFC 3339 with microseconds.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Str(s) => s.clone().into(),
            Cell::F32(x) => round6(*x),
            Cell::I32(x) => (*x).into(),
            Cell::I64(x) => (*x).into(),
            Cell::Bool(b) => (*b).into(),
            Cell::Date(d) => d
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                .unwrap_or(Value::Null),
            Cell::Ts(t) => t
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .into(),
        }
    }
}
