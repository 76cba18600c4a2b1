//! Row building: a classified document becomes one prediction row (with its evidence, offsets in
//! characters as Python counts them) and, when asked for, one row per classified sentence.

use std::collections::BTreeMap;

use super::route::Doc;
use crate::classify::DocResult;
use crate::output::{PredictionRow, SentenceRow};
use crate::segment::CharCursor;

/// The rows of one chunk.
#[derive(Default)]
pub(super) struct Rows {
    pub predictions: Vec<PredictionRow>,
    pub sentences: Vec<SentenceRow>,
}

/// Builds the rows of classified documents, counting predictions per label and per guide rule
/// that decided one.
pub(super) fn build_rows(
    docs: Vec<Doc>,
    results: Vec<DocResult>,
    sentence_rows: bool,
    labels: &mut BTreeMap<String, u64>,
    rules: &mut BTreeMap<String, u64>,
) -> Rows {
    let mut rows = Rows::default();
    for (doc, res) in docs.into_iter().zip(results) {
        let (label, _) = crate::labels::argmax(&res.probs);
        *labels.entry(label.as_str().to_string()).or_insert(0) += 1;
        if let Some(rule) = res.rule {
            *rules.entry(rule.as_str().to_string()).or_insert(0) += 1;
        }
        let row = document_row(doc, &res, sentence_rows, &mut rows.sentences);
        rows.predictions.push(row);
    }
    rows
}

/// Evidence text with its character range.
type Evidence = (String, i64, i64);

fn document_row(
    doc: Doc,
    res: &DocResult,
    sentence_rows: bool,
    sentences: &mut Vec<SentenceRow>,
) -> PredictionRow {
    let rec = *doc.record;
    let text = rec.text.as_str();
    let mut at = CharCursor::new(text);
    let mut evidence: Option<Evidence> = match (&res.evidence, res.evidence_sentence) {
        (Some(r), None) => Some((
            text[r.clone()].to_string(),
            at.at(r.start) as i64,
            at.at(r.end) as i64,
        )),
        _ => None,
    };
    for (i, s) in res.sentences.iter().enumerate() {
        let (start, end) = (at.at(s.range.start) as i64, at.at(s.range.end) as i64);
        let is_evidence = res.evidence_sentence == Some(i);
        if is_evidence {
            evidence = Some((text[s.range.clone()].to_string(), start, end));
        }
        let Some(probs) = s.probs else { continue };
        if sentence_rows {
            sentences.push(SentenceRow {
                id: doc.id.clone(),
                text_sha256: doc.text_sha256.clone(),
                sentence_index: i as i32,
                start,
                end,
                text: text[s.range.clone()].to_string(),
                probs,
                is_evidence,
                lang: doc.lang,
            });
        }
    }
    let (ev_text, ev_start, ev_end) = match evidence {
        Some((t, s, e)) => (Some(t), Some(s), Some(e)),
        None => (None, None, None),
    };
    PredictionRow {
        id: doc.id,
        text_sha256: doc.text_sha256,
        lang: doc.lang,
        probs: res.probs,
        date: rec.date,
        actor: rec.actor,
        speaker: rec.speaker,
        source: rec.source,
        evidence: ev_text,
        evidence_start: ev_start,
        evidence_end: ev_end,
        n_sentences: res.sentences.len() as i32,
        warning: rec.warning,
        rule: res.rule,
        passthrough: rec.passthrough,
        text: rec.text,
    }
}
