//! `--out -`: one JSON line per input line, in input order, flushed chunk by chunk.

use std::io::Write;

use polars::prelude::{AnyValue, DataFrame};
use serde_json::{Map, Value};

use crate::input::Passthrough;
use crate::labels::Label;
use crate::output::frames::{passthrough_names, PredictionRow, RejectRow, RowContext};
use crate::output::PREDICTION_COLUMNS;

fn any_to_json(v: &AnyValue) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(x) => (*x).into(),
        AnyValue::Int16(x) => (*x).into(),
        AnyValue::Int32(x) => (*x).into(),
        AnyValue::Int64(x) => (*x).into(),
        AnyValue::UInt8(x) => (*x).into(),
        AnyValue::UInt16(x) => (*x).into(),
        AnyValue::UInt32(x) => (*x).into(),
        AnyValue::UInt64(x) => (*x).into(),
        AnyValue::Float32(x) => serde_json::Number::from_f64(f64::from(*x))
            .map(Value::Number)
            .unwrap_or(Value::Null),
        AnyValue::Float64(x) => serde_json::Number::from_f64(*x)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        other => Value::String(other.to_string()),
    }
}

fn round6(x: f32) -> Value {
    let v = (f64::from(x) * 1e6).round() / 1e6;
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// The JSON object for one prediction (same column names as the Parquet table).
pub fn prediction_json(r: &PredictionRow, ctx: &RowContext, frame: Option<&DataFrame>) -> Value {
    let (label, conf) = r.label();
    let mut m = Map::new();
    m.insert("status".into(), "ok".into());
    m.insert("id".into(), r.id.clone().into());
    m.insert("text".into(), r.text.clone().into());
    m.insert("text_sha256".into(), r.text_sha256.clone().into());
    m.insert("label".into(), label.as_str().into());
    m.insert("confidence".into(), round6(conf));
    m.insert(
        "stance_score".into(),
        round6(crate::labels::stance_score(&r.probs)),
    );
    for l in Label::ALL {
        m.insert(l.prob_column(), round6(r.probs[l.index()]));
    }
    m.insert("model".into(), ctx.model.clone().into());
    m.insert("model_sha256".into(), ctx.model_sha256.clone().into());
    m.insert(
        "classified_at".into(),
        ctx.classified_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .into(),
    );
    m.insert(
        "date".into(),
        r.date
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .unwrap_or(Value::Null),
    );
    m.insert("actor".into(), r.actor.clone().into());
    m.insert("speaker".into(), r.speaker.clone().into());
    m.insert("source".into(), r.source.clone().into());
    m.insert("evidence".into(), r.evidence.clone().into());
    m.insert("evidence_start".into(), r.evidence_start.into());
    m.insert("evidence_end".into(), r.evidence_end.into());
    m.insert("n_sentences".into(), r.n_sentences.into());
    m.insert("warning".into(), r.warning.clone().into());
    m.insert("run_id".into(), ctx.run_id.clone().into());
    let mut core: Vec<&str> = PREDICTION_COLUMNS.to_vec();
    core.push("status");
    match &r.passthrough {
        Passthrough::Values(v) => {
            let names: Vec<String> = v.iter().map(|(k, _)| k.clone()).collect();
            for ((_, val), name) in v.iter().zip(passthrough_names(&names, &core)) {
                m.insert(name, val.clone());
            }
        }
        Passthrough::Row(i) => {
            if let Some(f) = frame {
                let names: Vec<String> = f.columns().iter().map(|c| c.name().to_string()).collect();
                for (col, name) in f.columns().iter().zip(passthrough_names(&names, &core)) {
                    let v = col.get(*i).map(|a| any_to_json(&a)).unwrap_or(Value::Null);
                    m.insert(name, v);
                }
            }
        }
    }
    Value::Object(m)
}

/// The JSON object for a reject.
pub fn reject_json(r: &RejectRow, ctx: &RowContext) -> Value {
    serde_json::json!({
        "status": "rejected",
        "run_id": ctx.run_id,
        "input_path": r.input_path,
        "record_ordinal": r.reject.ordinal,
        "byte_offset": r.reject.byte_offset,
        "stage": r.reject.stage.as_str(),
        "error_code": r.reject.code,
        "error_message": r.reject.message,
        "column": r.reject.column,
        "raw": String::from_utf8_lossy(&r.reject.raw),
        "raw_len": r.reject.raw_len,
    })
}

/// Writes one JSON value as a line.
pub fn write_line(out: &mut dyn Write, v: &Value) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}
