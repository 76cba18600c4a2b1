//! Routing one chunk of input: each item becomes a document to classify, a reject, or nothing
//! (another shard's, already classified by this model, or a repeat within this run), and the
//! counts say which.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use super::{Counts, RunSettings};
use crate::hash::sha256_hex;
use crate::input::{InputSpec, Item, Record, Reject, Stage};
use crate::language::Lang;
use crate::output::dataset::prediction_key;
use crate::output::frames::RejectRow;
use crate::output::ExistingKeys;

/// Where an input item went, in input order (the JSON stream answers every line in order).
pub(super) enum Slot {
    /// Index into [`Routed::docs`].
    Pred(usize),
    /// Index into [`Routed::rejects`].
    Rej(usize),
}

/// A record to classify, with the identity its rows carry.
pub(super) struct Doc {
    /// The record.
    pub record: Box<Record>,
    /// Its id (given, or derived from the text hash).
    pub id: String,
    /// sha256 of its text.
    pub text_sha256: String,
    /// The language it is routed by (which decides the model that reads it).
    pub lang: Lang,
}

/// A routed chunk.
#[derive(Default)]
pub(super) struct Routed {
    pub slots: Vec<Slot>,
    pub docs: Vec<Doc>,
    pub rejects: Vec<RejectRow>,
}

/// An input's names: for rows (as given) and for reject keys (canonical path, so reruns from
/// another folder still match).
pub(super) struct InputNames {
    display: String,
    key: String,
}

impl InputNames {
    pub fn of(spec: &InputSpec) -> InputNames {
        InputNames {
            display: spec.display_name(),
            key: spec
                .path
                .as_ref()
                .and_then(|p| p.canonicalize().ok())
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "-".into()),
        }
    }
}

/// Routing state that lives for the whole run.
pub(super) struct Router<'a> {
    settings: &'a RunSettings,
    stream_mode: bool,
    existing: ExistingKeys,
    run_keys: HashSet<[u8; 16]>,
    id_texts: HashMap<u64, u64>,
}

fn short_hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl<'a> Router<'a> {
    /// A router that skips what `existing` already holds.
    pub fn new(settings: &'a RunSettings, existing: ExistingKeys) -> Router<'a> {
        Router {
            settings,
            stream_mode: settings.output == super::OutputTarget::Stdout,
            existing,
            run_keys: HashSet::new(),
            id_texts: HashMap::new(),
        }
    }

    /// Routes a chunk's items.
    pub fn route(&mut self, items: Vec<Item>, input: &InputNames, counts: &mut Counts) -> Routed {
        let mut out = Routed::default();
        for item in items {
            match item {
                Item::Reject(r) => self.reject(r, input, &mut out, counts),
                Item::Record(rec) => self.record(rec, input, &mut out, counts),
            }
        }
        out
    }

    fn reject(&self, r: Reject, input: &InputNames, out: &mut Routed, counts: &mut Counts) {
        let key = sha256_hex(
            format!("{}\x1f{}\x1f{}", input.key, r.ordinal, sha256_hex(&r.raw)).as_bytes(),
        );
        if let Some(s) = self.settings.shard {
            if !s.owns(&key) {
                counts.outside_shard += 1;
                return;
            }
        }
        counts.rejected += 1;
        if !self.stream_mode && self.existing.rejects.contains(&key) {
            counts.rejects_already_recorded += 1;
            return;
        }
        out.rejects.push(RejectRow {
            input_path: input.display.clone(),
            key,
            reject: r,
        });
        out.slots.push(Slot::Rej(out.rejects.len() - 1));
    }

    fn record(
        &mut self,
        rec: Box<Record>,
        input: &InputNames,
        out: &mut Routed,
        counts: &mut Counts,
    ) {
        let text_sha256 = sha256_hex(rec.text.as_bytes());
        if let Some(s) = self.settings.shard {
            if !s.owns(&text_sha256) {
                counts.outside_shard += 1;
                return;
            }
        }
        if let Some(r) = self.id_conflict(&rec, &text_sha256) {
            return self.reject(r, input, out, counts);
        }
        let id = rec
            .id
            .clone()
            .unwrap_or_else(|| format!("sha-{}", &text_sha256[..16]));
        if !self.stream_mode {
            let key = prediction_key(&id, &text_sha256);
            if self.existing.predictions.contains(&key) {
                counts.skipped_existing += 1;
                return;
            }
            if !self.run_keys.insert(key) {
                counts.skipped_duplicate += 1;
                return;
            }
        }
        if rec.warning.is_some() {
            counts.warnings += 1;
        }
        out.slots.push(Slot::Pred(out.docs.len()));
        out.docs.push(Doc {
            lang: crate::language::detect(&rec.text),
            record: rec,
            id,
            text_sha256,
        });
    }

    /// A reject when the record's id was used earlier in this run for a different text.
    fn id_conflict(&mut self, rec: &Record, text_sha256: &str) -> Option<Reject> {
        let id = rec.id.as_ref()?;
        let text_h = short_hash(text_sha256);
        match self.id_texts.get(&short_hash(id)) {
            Some(h) if *h != text_h => Some(Reject::new(
                rec.ordinal,
                rec.byte_offset,
                Stage::Validate,
                "duplicate_id",
                format!("id {id:?} was already used for a different text earlier in this run"),
                Some(&self.settings.columns.id),
                &rec.raw,
            )),
            Some(_) => None,
            None => {
                self.id_texts.insert(short_hash(id), text_h);
                None
            }
        }
    }
}
