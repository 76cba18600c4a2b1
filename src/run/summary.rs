//! What a run did: counts that account for every record, per-label totals, and the summary line.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Shard;
use crate::classify::Work;
use crate::input::LegacyEncoding;
use crate::labels::Label;
use crate::output::dataset::AbandonedRun;

/// Counts, for the summary line and the run manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Records read from all inputs.
    pub records_read: u64,
    /// Predictions written (documents).
    pub predictions: u64,
    /// Sentence rows written.
    pub sentences: u64,
    /// Records rejected in this run.
    pub rejected: u64,
    /// … of which were already in the rejects table (not written again).
    pub rejects_already_recorded: u64,
    /// Records skipped because this model already classified them in this dataset.
    pub skipped_existing: u64,
    /// Records skipped because the same statement came earlier in this run.
    pub skipped_duplicate: u64,
    /// Records left to other shards.
    pub outside_shard: u64,
    /// Records kept with a warning (e.g. unparseable date stored as null).
    pub warnings: u64,
    /// Passthrough values that did not fit their column type and were stored as null.
    pub passthrough_nulls: u64,
}

impl Counts {
    /// Records not classified because they were already done.
    pub fn skipped(&self) -> u64 {
        self.skipped_existing + self.skipped_duplicate
    }

    /// Rejected / read.
    pub fn reject_rate(&self) -> f64 {
        if self.records_read == 0 {
            0.0
        } else {
            self.rejected as f64 / self.records_read as f64
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The run id.
    pub run_id: String,
    /// Counts.
    pub counts: Counts,
    /// Predictions per label.
    pub labels: BTreeMap<String, u64>,
    /// Predictions a guide rule decided instead of the model, per rule (`rule` column; absent
    /// rules are left out).
    pub rules: BTreeMap<String, u64>,
    /// Work done by the model.
    pub work: Work,
    /// Seconds from start to end.
    pub elapsed_s: f64,
    /// The run manifest, for dataset output.
    pub manifest: Option<PathBuf>,
    /// Stopped by SIGINT/SIGTERM.
    pub interrupted: bool,
    /// Above `--max-reject-rate`.
    pub reject_rate_exceeded: bool,
    /// Runs that had died and were cleaned up.
    pub abandoned_runs: Vec<AbandonedRun>,
    /// Inputs with records that are not UTF-8 (rejected), in input order.
    pub not_utf8: Vec<NotUtf8Input>,
}

/// An input some of whose records are not UTF-8.
#[derive(Debug, Clone, Serialize)]
pub struct NotUtf8Input {
    /// The input as named in rejects (`-` for stdin).
    pub input: String,
    /// Its records that are not UTF-8 (all rejected).
    pub records: u64,
    /// The legacy Chinese encoding most of them read as, if one.
    pub likely_encoding: Option<LegacyEncoding>,
}

impl RunSummary {
    /// Classified statements per second of wall time.
    pub fn statements_per_s(&self) -> f64 {
        if self.elapsed_s > 0.0 {
            self.counts.predictions as f64 / self.elapsed_s
        } else {
            0.0
        }
    }
}

/// A fresh run id: UTC time plus randomness, so concurrent workers never collide.
pub fn new_run_id(now: DateTime<Utc>, shard: Option<Shard>) -> String {
    let r: u32 = rand::random();
    let base = format!("{}-{r:08x}", now.format("%Y%m%dT%H%M%SZ"));
    match shard {
        Some(s) => format!("{base}-s{}of{}", s.index, s.count),
        None => base,
    }
}

/// The one-line summary printed at the end of a run.
pub fn summary_line(s: &RunSummary) -> String {
    let c = &s.counts;
    let mut per_label: Vec<String> = Vec::new();
    for l in Label::ALL {
        let n = s.labels.get(l.as_str()).copied().unwrap_or(0);
        per_label.push(format!("{} {n}", l.as_str()));
    }
    format!(
        "{} {} statements ({} rejected, {} skipped{}) in {:.1}s, {:.1} statements/s; {}",
        if s.interrupted {
            "interrupted after"
        } else {
            "classified"
        },
        c.predictions,
        c.rejected,
        c.skipped(),
        [
            (c.outside_shard, "in other shards"),
            (s.work.reused, "repeated sentences reused"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!(", {n} {what}"))
        .collect::<String>(),
        s.elapsed_s,
        s.statements_per_s(),
        per_label.join(", ")
    ) + &rules_note(&s.rules)
}

/// "; 2 decided by the guide's actor rules (party_state_side 1, reporting_actor 1)", or nothing
/// when no rule decided a prediction.
fn rules_note(rules: &BTreeMap<String, u64>) -> String {
    let total: u64 = rules.values().sum();
    if total == 0 {
        return String::new();
    }
    let each: Vec<String> = rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
    format!(
        "; {total} decided by the guide's actor rules ({})",
        each.join(", ")
    )
}

/// What a person should do about an input whose records are not UTF-8: how many there are, the
/// encoding they most likely are in, and the command that converts the file.
pub fn not_utf8_note(n: &NotUtf8Input) -> String {
    let head = format!(
        "{}: {} record(s) are not UTF-8 and were rejected",
        n.input, n.records
    );
    let Some(e) = n.likely_encoding else {
        return format!("{head}; convert the input to UTF-8 and classify it again");
    };
    let convert = if n.input == "-" {
        format!("convert the stream with `{}` before it is read", e.iconv())
    } else {
        let p = std::path::Path::new(&n.input);
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        let ext = p
            .extension()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        let out = p.with_file_name(format!("{stem}.utf8.{ext}"));
        format!(
            "convert it with `{} {} > {}` and classify the converted file",
            e.iconv(),
            n.input,
            out.display()
        )
    };
    format!(
        "{head}; they read as {} ({}): {convert}",
        e.name(),
        e.script()
    )
}
