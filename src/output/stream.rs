//! `--out -`: one JSON line per input line, in input order, flushed chunk by chunk.

use std::io::Write;

use polars::prelude::{AnyValue, DataFrame};
use serde_json::{Map, Value};

use crate::input::Passthrough;
use crate::output::cells;
use crate::output::frames::{passthrough_names, PredictionRow, RejectRow, RowContext};
use crate::output::schema::{PREDICTIONS, REJECTS, STREAM_STATUS};

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

/// The JSON object for one prediction: `status`, the predictions table's columns (same names),
/// then the passthrough columns.
pub fn prediction_json(r: &PredictionRow, ctx: &RowContext, frame: Option<&DataFrame>) -> Value {
    let mut m = Map::new();
    m.insert(STREAM_STATUS.into(), "ok".into());
    for c in PREDICTIONS.columns.iter().filter(|c| c.in_stream) {
        let v = cells::prediction(c.name, r, ctx).map(|c| c.to_json());
        m.insert(c.name.into(), v.unwrap_or(Value::Null));
    }
    let mut core: Vec<&str> = PREDICTIONS.names();
    core.push(STREAM_STATUS);
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

/// The JSON object for a reject: `status`, then the rejects table's stream columns.
pub fn reject_json(r: &RejectRow, ctx: &RowContext) -> Value {
    let mut m = Map::new();
    m.insert(STREAM_STATUS.into(), "rejected".into());
    for c in REJECTS.columns.iter().filter(|c| c.in_stream) {
        let v = cells::reject(c.name, r, ctx).map(|c| c.to_json());
        m.insert(c.name.into(), v.unwrap_or(Value::Null));
    }
    Value::Object(m)
}

/// Writes one JSON value as a line.
pub fn write_line(out: &mut dyn Write, v: &Value) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}
