//! The run manifest (`_runs/<run_id>.json`): what was read (with checksums), with which model and
//! settings, and counts that account for every record.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::summary::NotUtf8Input;
use super::{RunError, RunSettings, RunSummary};
use crate::hash::sha256_file;
use crate::input::{self, LegacyEncoding};
use crate::model::{Routes, StanceModel};
use crate::output::DatasetWriter;

/// Input file facts for the manifest.
#[derive(Debug, Clone, Serialize)]
pub(super) struct InputInfo {
    path: String,
    format: input::Format,
    bytes: Option<u64>,
    sha256: Option<String>,
    pub(super) records_read: u64,
    /// Records rejected because they are not UTF-8 (whatever their shard).
    pub(super) not_utf8: u64,
    /// The legacy Chinese encoding most of those read as, if one.
    pub(super) likely_encoding: Option<LegacyEncoding>,
    /// Of the records that are not UTF-8: how many read as GB18030, and as Big5.
    #[serde(skip)]
    pub(super) guesses: [u64; 2],
}

impl InputInfo {
    /// Notes the records of a chunk that are not UTF-8.
    pub(super) fn note_not_utf8(&mut self, items: &[input::Item]) {
        for item in items {
            let input::Item::Reject(r) = item else {
                continue;
            };
            if r.stage != input::Stage::Utf8 {
                continue;
            }
            self.not_utf8 += 1;
            match r.encoding {
                Some(LegacyEncoding::Gb18030) => self.guesses[0] += 1,
                Some(LegacyEncoding::Big5) => self.guesses[1] += 1,
                None => {}
            }
        }
        self.likely_encoding = if self.guesses[0] * 2 > self.not_utf8 {
            Some(LegacyEncoding::Gb18030)
        } else if self.guesses[1] * 2 > self.not_utf8 {
            Some(LegacyEncoding::Big5)
        } else {
            None
        };
    }

    /// What the summary says about this input's records that are not UTF-8, if it has any.
    pub(super) fn not_utf8_input(&self) -> Option<NotUtf8Input> {
        (self.not_utf8 > 0).then(|| NotUtf8Input {
            input: self.path.clone(),
            records: self.not_utf8,
            likely_encoding: self.likely_encoding,
        })
    }
}

/// Hashes every input file up front, so the manifest records exactly what was read.
pub(super) fn describe_inputs(settings: &RunSettings) -> Result<Vec<InputInfo>, RunError> {
    let mut inputs = Vec::new();
    for spec in &settings.inputs {
        let (bytes, sha256) = match &spec.path {
            Some(p) => {
                let (sha, size) = sha256_file(p).map_err(|source| input::InputError::Io {
                    path: p.clone(),
                    source,
                })?;
                (Some(size), Some(sha))
            }
            None => (None, None),
        };
        inputs.push(InputInfo {
            path: spec.display_name(),
            format: spec.format,
            bytes,
            sha256,
            records_read: 0,
            not_utf8: 0,
            likely_encoding: None,
            guesses: [0; 2],
        });
    }
    Ok(inputs)
}

/// A loaded model as the manifest records it.
fn model_info(model: &StanceModel) -> serde_json::Value {
    serde_json::json!({
        "name": model.info.name,
        "dir": model.info.dir,
        "sha256": model.info.sha256,
        "verified": model.info.verified,
        "engine": model.info.engine,
        "precision": model.info.precision,
        "temperature": model.info.temperature,
    })
}

/// The run's settings as the manifest records them.
fn settings_json(settings: &RunSettings) -> serde_json::Value {
    serde_json::json!({
        "columns": {
            "text": settings.columns.text, "id": settings.columns.id,
            "date": settings.columns.date, "actor": settings.columns.actor,
            "speaker": settings.columns.speaker, "source": settings.columns.source,
        },
        "max_tokens": settings.classifier.max_tokens,
        "batch_size": settings.classifier.limits.max_rows,
        "max_batch_tokens": settings.classifier.limits.max_tokens,
        "segmentation": settings.classifier.segmentation,
        "actor_rules": settings.classifier.actor_rules,
        "chunk_rows": settings.chunk_rows,
        "reclassify": settings.reclassify,
        "shard": settings.shard,
        "granularity": settings.granularity,
        "max_reject_rate": settings.max_reject_rate,
        "threads": settings.threads,
        "streams": settings.classifier.streams,
    })
}

/// Wall-clock and throughput figures of the run.
fn timings_json(s: &RunSummary) -> serde_json::Value {
    let c = &s.counts;
    let per_s = |x: f64| {
        if s.elapsed_s > 0.0 {
            x / s.elapsed_s
        } else {
            0.0
        }
    };
    serde_json::json!({
        "elapsed_s": s.elapsed_s,
        "tokenize_s": s.work.tokenize_s,
        "infer_s": s.work.infer_s,
        "statements_per_s": per_s(c.predictions as f64),
        "tokens_per_s": per_s(s.work.tokens as f64),
        "padding_overhead": if s.work.tokens > 0 { s.work.padded_tokens as f64 / s.work.tokens as f64 - 1.0 } else { 0.0 },
        "model_gflops": s.work.flops / 1e9,
        "model_gflop_per_s": if s.work.infer_s > 0.0 { s.work.flops / 1e9 / s.work.infer_s } else { 0.0 },
    })
}

/// The manifest of run `s`: model and routes, inputs, settings, counts that account for every
/// record, timings, and the chunks and parts `written` committed.
pub(super) fn run_manifest(
    settings: &RunSettings,
    routes: &Routes,
    s: &RunSummary,
    inputs: &[InputInfo],
    started: DateTime<Utc>,
    written: &DatasetWriter,
) -> serde_json::Value {
    let c = &s.counts;
    serde_json::json!({
        "run_id": s.run_id,
        "status": if s.interrupted { "interrupted" } else { "completed" },
        "tool": {"name": "strait-stance", "version": env!("CARGO_PKG_VERSION")},
        "started_at": started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "finished_at": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "run_date": settings.run_date.unwrap_or_else(|| started.date_naive()).format("%Y-%m-%d").to_string(),
        "model": model_info(routes.primary()),
        "routes": routes.ids().into_iter().map(|(id, lang)| serde_json::json!({
            "lang": lang, "name": id.name, "sha256": id.sha256,
        })).collect::<Vec<_>>(),
        "chinese_model": routes.loaded_chinese().map(model_info),
        "inputs": inputs,
        "settings": settings_json(settings),
        "counts": c,
        "accounting": format!(
            "records_read {} = predictions {} + rejected {} + skipped {} + outside_shard {}",
            c.records_read, c.predictions, c.rejected, c.skipped(), c.outside_shard
        ),
        "labels": s.labels,
        "rules": s.rules,
        "reject_rate": c.reject_rate(),
        "reject_rate_exceeded": s.reject_rate_exceeded,
        "timings": timings_json(s),
        "work": s.work,
        "chunks_committed": written.chunks(),
        "parts": written.parts,
        "abandoned_runs_recovered": s.abandoned_runs,
    })
}
