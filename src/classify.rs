//! Document classification: segment → tokenize → length-bucketed batches → model → roll-up.
//!
//! With the default [`Segmentation::Auto`], a statement that fits in the token window is read
//! whole — exactly the input the model was trained on, and what other tools do — and is its own
//! evidence. A longer document is cut into sentences; a sentence longer than the window is cut
//! into overlapping windows. All units of a group of documents are classified together in
//! length-sorted batches. A segmented document then takes the probabilities of its deciding
//! sentence:
//!
//! 1. sentences whose top label is `off_topic` carry no stance;
//! 2. among the others, those that take an explicit position on independence (`opposes`,
//!    `does_not_support`, `supports`) win over status-quo or agency language (`neutral`,
//!    `leans_supports`) — the mixed-clause rule of the annotation guide, applied across
//!    sentences;
//! 3. the most confident of those is the evidence, and its probabilities are the document's.
//!
//! A sentence is stance-bearing only if its top stance probability reaches
//! `min_stance_confidence` (default 0.5): among hundreds of sentences, one doubtful reading
//! must not decide. A document with no stance-bearing sentence is `off_topic` with the
//! probabilities of its most stance-like off-topic sentence. A statement that fits in the
//! window is classified exactly as a whole text would be.

use std::ops::Range;
use std::sync::atomic::AtomicBool;

use crate::actors::{is_party_state_actor, is_reporting_actor, ActorRule};
use crate::batch::{plan_batches, windows, BatchLimits};
use crate::labels::{argmax, Label, NUM_LABELS};
use crate::memo::{Memo, Plan};
use crate::model::{ModelError, StanceModel};
use crate::tokenize::Tokens;

/// How documents are cut into classification units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Segmentation {
    /// Whole text when it fits in the token window, else sentences rolled up per document.
    #[default]
    Auto,
    /// Always sentences (windows for over-long ones), rolled up per document: every sentence
    /// gets probabilities and the evidence is always one sentence (about twice the work for
    /// short multi-sentence statements compared with `auto`).
    Sentences,
    /// The whole text truncated to the token window (what most pipelines do; loses stance
    /// sentences beyond the window).
    Truncate,
}

/// Settings of the document classifier.
#[derive(Debug, Clone, Copy)]
pub struct ClassifierSettings {
    /// Longest unit in tokens, specials included.
    pub max_tokens: usize,
    /// Batch limits.
    pub limits: BatchLimits,
    /// Tokens shared by consecutive windows of an over-long sentence.
    pub window_overlap: usize,
    /// Units.
    pub segmentation: Segmentation,
    /// In a segmented document, a sentence takes part in the roll-up only if its top stance
    /// label has at least this probability (guards against one doubtful sentence among
    /// hundreds deciding a long document).
    pub min_stance_confidence: f32,
    /// Classify identical units (same token ids) once per run and reuse the result
    /// ([`crate::memo`]).
    pub reuse: bool,
    /// Batches in flight at once, each on its own inference stream with an equal share of the
    /// intra-op threads ([`crate::streams`]); 1 = one stream using every thread. Default: one
    /// per thread, at most [`crate::defaults::MAX_AUTO_STREAMS`].
    pub streams: usize,
    /// Apply the annotation guide's actor rules after the model ([`crate::actors`]): a
    /// statement whose recorded actor is a news outlet, journalist or commentator is
    /// `off_topic` (GUIDE 5.14.47). Training, calibration and distillation turn it off: they
    /// measure the model.
    pub actor_rules: bool,
}

impl Default for ClassifierSettings {
    fn default() -> Self {
        ClassifierSettings {
            max_tokens: crate::defaults::MAX_TOKENS,
            limits: BatchLimits::default(),
            window_overlap: crate::defaults::MAX_TOKENS / 8,
            segmentation: Segmentation::Auto,
            min_stance_confidence: crate::defaults::MIN_STANCE_CONFIDENCE,
            reuse: true,
            streams: crate::defaults::streams(tch::get_num_threads().max(1) as usize),
            actor_rules: crate::defaults::ACTOR_RULES,
        }
    }
}

impl ClassifierSettings {
    /// The defaults without the guide's actor rules: the model's own readings, which training,
    /// calibration, distillation and cross-fitting measure and learn from.
    pub fn model_only() -> ClassifierSettings {
        ClassifierSettings {
            actor_rules: false,
            ..ClassifierSettings::default()
        }
    }

    /// Checks the settings' ranges (messages name settings, not command-line flags).
    pub fn validate(&self) -> Result<(), String> {
        if self.max_tokens < 8 {
            return Err(format!(
                "the token window must be at least 8 tokens (got {})",
                self.max_tokens
            ));
        }
        if self.limits.max_rows == 0 || self.limits.max_tokens == 0 {
            return Err("batches need room for at least 1 row and 1 token".into());
        }
        if self.streams == 0 {
            return Err("at least 1 inference stream is needed".into());
        }
        if !(0.0..=1.0).contains(&self.min_stance_confidence) {
            return Err(format!(
                "the minimum stance confidence must be between 0 and 1 (got {})",
                self.min_stance_confidence
            ));
        }
        Ok(())
    }

    /// A fresh memo for one model under these settings (off when reuse is).
    pub fn memo(&self) -> Memo {
        if self.reuse {
            Memo::new(crate::defaults::MEMO_UNITS)
        } else {
            Memo::off()
        }
    }
}

/// One sentence's result.
#[derive(Debug, Clone)]
pub struct SentenceResult {
    /// Byte range in the document.
    pub range: Range<usize>,
    /// Calibrated probabilities, canonical order; `None` when the document was read whole.
    pub probs: Option<[f32; NUM_LABELS]>,
}

/// One document's result.
#[derive(Debug, Clone)]
pub struct DocResult {
    /// Document probabilities (whole text, or those of the deciding sentence).
    pub probs: [f32; NUM_LABELS],
    /// The document's sentences (with probabilities when it was segmented).
    pub sentences: Vec<SentenceResult>,
    /// Byte range of the evidence — the deciding sentence, or the whole statement when it was
    /// read whole — if the document takes a stance.
    pub evidence: Option<Range<usize>>,
    /// Index of the deciding sentence, when the document was segmented and takes a stance.
    pub evidence_sentence: Option<usize>,
    /// The guide rule that decided the label instead of the model, if one did (the sentences
    /// keep the model's readings).
    pub rule: Option<ActorRule>,
}

/// Work counters, for throughput reports.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Work {
    /// Sequences run through the model.
    pub sequences: u64,
    /// Batches.
    pub batches: u64,
    /// Real tokens.
    pub tokens: u64,
    /// Tokens including padding.
    pub padded_tokens: u64,
    /// Units answered without the model: identical to one read earlier in the run.
    pub reused: u64,
    /// Floating-point operations (fast engine).
    pub flops: f64,
    /// Seconds tokenizing and segmenting.
    pub tokenize_s: f64,
    /// Seconds in the model.
    pub infer_s: f64,
}

impl Work {
    /// Adds another counter.
    pub fn add(&mut self, o: &Work) {
        self.sequences += o.sequences;
        self.batches += o.batches;
        self.tokens += o.tokens;
        self.padded_tokens += o.padded_tokens;
        self.reused += o.reused;
        self.flops += o.flops;
        self.tokenize_s += o.tokenize_s;
        self.infer_s += o.infer_s;
    }
}

/// Classification was interrupted (SIGINT/SIGTERM).
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    /// A signal asked us to stop.
    #[error("interrupted")]
    Interrupted,
    /// The model failed.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Maps sentence byte ranges to the token ranges whose tokens start inside them.
fn token_ranges(tokens: &Tokens, sentences: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(sentences.len());
    let mut t = 0usize;
    for s in sentences {
        while t < tokens.offsets.len() && tokens.offsets[t].0 < s.start {
            t += 1;
        }
        let start = t;
        while t < tokens.offsets.len() && tokens.offsets[t].0 < s.end {
            t += 1;
        }
        out.push(start..t);
    }
    out
}

fn off_topic() -> [f32; NUM_LABELS] {
    let mut p = [0f32; NUM_LABELS];
    p[Label::OffTopic.index()] = 1.0;
    p
}

/// Picks the deciding sentence (see the module docs); sentences whose top stance probability
/// is below `min_conf` carry no stance.
pub fn decide(sentences: &[[f32; NUM_LABELS]], min_conf: f32) -> (Option<usize>, usize) {
    let off = Label::OffTopic.index();
    let mut best: Option<(usize, bool, f32)> = None;
    // Fallbacks: the most stance-like off-topic sentence, and the most confident doubtful one.
    let mut off_pick: Option<usize> = None;
    let mut doubtful: Option<(usize, f32)> = None;
    for (i, p) in sentences.iter().enumerate() {
        let (label, conf) = argmax(p);
        if label == Label::OffTopic {
            if off_pick.is_none_or(|j| p[off] < sentences[j][off]) {
                off_pick = Some(i);
            }
            continue;
        }
        if conf < min_conf {
            if doubtful.is_none_or(|(_, c)| conf > c) {
                doubtful = Some((i, conf));
            }
            continue;
        }
        let explicit = label.is_explicit();
        let better = match best {
            None => true,
            Some((_, be, bc)) => (explicit, conf) > (be, bc),
        };
        if better {
            best = Some((i, explicit, conf));
        }
    }
    match (best, off_pick, doubtful) {
        (Some((i, _, _)), _, _) => (Some(i), i),
        (None, Some(i), _) => (None, i),
        // Every sentence is a doubtful stance: the least doubtful decides.
        (None, None, Some((i, _))) => (Some(i), i),
        (None, None, None) => (None, 0),
    }
}

/// One document to classify: its text and whose words it records (the `actor` column), which
/// only a model with `stance_input` = `actor_text` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The text.
    pub text: &'a str,
    /// The actor, if known.
    pub actor: Option<&'a str>,
}

impl<'a> Statement<'a> {
    /// A statement with its actor (empty or blank actors count as unknown).
    pub fn new(text: &'a str, actor: Option<&'a str>) -> Statement<'a> {
        let actor = actor.filter(|a| !a.trim().is_empty());
        Statement { text, actor }
    }

    /// A statement whose actor is unknown.
    pub fn text(text: &'a str) -> Statement<'a> {
        Statement { text, actor: None }
    }
}

/// The units of a chunk of documents: token sequences (with specials) and who owns each.
struct Units {
    /// Token ids of each unit, `[CLS] … [SEP]`.
    seqs: Vec<Vec<i64>>,
    /// (document, sentence) of each unit; sentence `usize::MAX` = the whole document.
    owner: Vec<(usize, usize)>,
    /// Each document's sentence byte ranges.
    sentences: Vec<Vec<Range<usize>>>,
    /// Whether each document was read whole.
    whole: Vec<bool>,
}

/// A sentence owner that stands for "the whole document".
const WHOLE: usize = usize::MAX;

/// Byte range of `text` without leading and trailing whitespace.
fn trimmed(text: &str) -> Range<usize> {
    let start = text.len() - text.trim_start().len();
    start..text.trim_end().len().max(start)
}

/// Cuts each document into units: the whole text when it fits the window (or when
/// truncating), else its sentences, each in overlapping windows when over-long. A model that
/// reads actors gets the document's actor before every unit.
fn plan_units(
    model: &StanceModel,
    docs: &[Statement<'_>],
    tokens: &[Tokens],
    settings: &ClassifierSettings,
) -> Result<Units, ModelError> {
    let actors: Vec<Option<&str>> = docs.iter().map(|d| d.actor).collect();
    let prefixes = model
        .tokenizer
        .actor_prefixes(model.config.stance_input, &actors)?;
    let mut u = Units {
        seqs: Vec::new(),
        owner: Vec::new(),
        sentences: Vec::with_capacity(docs.len()),
        whole: Vec::with_capacity(docs.len()),
    };
    for (d, ((doc, tok), prefix)) in docs.iter().zip(tokens).zip(&prefixes).enumerate() {
        let text = doc.text;
        let prefix = prefix.as_deref();
        let content = model.tokenizer.content_len(prefix, settings.max_tokens);
        let wrap = |ids: &[i64]| model.tokenizer.wrap(prefix, ids, settings.max_tokens);
        let sentences = match settings.segmentation {
            Segmentation::Truncate => vec![trimmed(text)],
            Segmentation::Auto | Segmentation::Sentences => {
                let s = crate::segment::sentences(text);
                if s.is_empty() {
                    vec![trimmed(text)]
                } else {
                    s
                }
            }
        };
        let read_whole = match settings.segmentation {
            Segmentation::Truncate => true,
            Segmentation::Auto => tok.ids.len() <= content,
            Segmentation::Sentences => false,
        };
        if read_whole {
            u.seqs.push(wrap(&tok.ids[..tok.ids.len().min(content)]));
            u.owner.push((d, WHOLE));
        } else {
            for (s, r) in token_ranges(tok, &sentences).iter().enumerate() {
                for w in windows(r.clone(), content, settings.window_overlap) {
                    u.seqs.push(wrap(&tok.ids[w]));
                    u.owner.push((d, s));
                }
            }
        }
        u.whole.push(read_whole);
        u.sentences.push(sentences);
    }
    Ok(u)
}

/// Runs every distinct unit the memo does not hold through the model in length-sorted, padded
/// batches, and stores what it read.
fn infer_units(
    model: &StanceModel,
    seqs: &[Vec<i64>],
    settings: &ClassifierSettings,
    cancel: &AtomicBool,
    work: &mut Work,
    memo: &mut Memo,
) -> Result<Vec<[f32; NUM_LABELS]>, ClassifyError> {
    let plan = Plan::new(seqs, memo);
    work.reused += plan.reused() as u64;
    let lengths: Vec<usize> = plan.read.iter().map(|&i| seqs[i].len()).collect();
    let limits = settings.limits.per_stream(settings.streams);
    let batches: Vec<Vec<usize>> = plan_batches(&lengths, limits)
        .into_iter()
        .map(|rows| rows.iter().map(|&r| plan.read[r]).collect())
        .collect();
    let mut unit_probs = plan.known;
    for b in crate::streams::run(model, seqs, &batches, settings.streams, cancel)? {
        work.batches += 1;
        work.sequences += b.rows.len() as u64;
        work.tokens += b.real_tokens as u64;
        work.padded_tokens += (b.len * b.rows.len()) as u64;
        work.flops += model.flops(b.len as i64, b.rows.len() as i64);
        for (r, p) in b.rows.iter().zip(b.probs) {
            unit_probs[*r] = Some(p);
            memo.insert(&seqs[*r], p);
        }
    }
    Ok((0..seqs.len())
        .map(|i| {
            unit_probs[i]
                .or(unit_probs[plan.from[i]])
                .unwrap_or_else(off_topic)
        })
        .collect())
}

/// Per document: its whole-text probabilities (if read whole) and each sentence's — of a
/// sentence's windows, the most stance-like one.
type UnitVotes = (
    Vec<Option<[f32; NUM_LABELS]>>,
    Vec<Vec<Option<[f32; NUM_LABELS]>>>,
);

fn gather(units: &Units, unit_probs: &[[f32; NUM_LABELS]]) -> UnitVotes {
    let mut doc_probs = vec![None; units.sentences.len()];
    let mut sent_probs: Vec<Vec<Option<[f32; NUM_LABELS]>>> = units
        .sentences
        .iter()
        .map(|s| vec![None; s.len()])
        .collect();
    for ((d, s), p) in units.owner.iter().zip(unit_probs) {
        if *s == WHOLE {
            doc_probs[*d] = Some(*p);
            continue;
        }
        let slot = &mut sent_probs[*d][*s];
        let replace = match slot {
            None => true,
            Some(old) => decide(&[*old, *p], 0.0).1 == 1,
        };
        if replace {
            *slot = Some(*p);
        }
    }
    (doc_probs, sent_probs)
}

/// A document read whole: its own probabilities; the evidence is the whole (trimmed) text.
fn whole_result(
    text: &str,
    probs: Option<[f32; NUM_LABELS]>,
    sentences: Vec<Range<usize>>,
) -> DocResult {
    let probs = probs.unwrap_or_else(off_topic);
    let stance = argmax(&probs).0 != Label::OffTopic;
    DocResult {
        probs,
        sentences: sentences
            .into_iter()
            .map(|range| SentenceResult { range, probs: None })
            .collect(),
        evidence: stance.then(|| trimmed(text)),
        evidence_sentence: None,
        rule: None,
    }
}

/// A segmented document: the deciding sentence's probabilities, and it as evidence.
fn segmented_result(
    sentence_probs: &[Option<[f32; NUM_LABELS]>],
    sentences: Vec<Range<usize>>,
    min_stance_confidence: f32,
) -> DocResult {
    // A sentence with no tokens (e.g. only punctuation the tokenizer drops) is off-topic by
    // definition.
    let probs: Vec<[f32; NUM_LABELS]> = sentence_probs
        .iter()
        .map(|p| p.unwrap_or_else(off_topic))
        .collect();
    let (evidence, pick) = decide(&probs, min_stance_confidence);
    DocResult {
        probs: probs[pick],
        evidence: evidence.map(|i| sentences[i].clone()),
        evidence_sentence: evidence,
        rule: None,
        sentences: sentences
            .into_iter()
            .zip(&probs)
            .map(|(range, p)| SentenceResult {
                range,
                probs: Some(*p),
            })
            .collect(),
    }
}

/// Classifies documents. Their texts must be non-empty after trimming. Identical units among
/// them are read once (unless the settings turn reuse off).
pub fn classify_documents(
    model: &StanceModel,
    docs: &[Statement<'_>],
    settings: &ClassifierSettings,
    cancel: &AtomicBool,
) -> Result<(Vec<DocResult>, Work), ClassifyError> {
    classify_with_memo(model, docs, settings, cancel, &mut settings.memo())
}

/// [`classify_documents`] with a memo that outlives the call: a unit any earlier call with the
/// same memo (and the same `model`) read is not read again.
pub fn classify_with_memo(
    model: &StanceModel,
    docs: &[Statement<'_>],
    settings: &ClassifierSettings,
    cancel: &AtomicBool,
    memo: &mut Memo,
) -> Result<(Vec<DocResult>, Work), ClassifyError> {
    let mut work = Work::default();
    let t0 = std::time::Instant::now();
    let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
    let tokens = model.tokenizer.tokenize(&texts).map_err(ModelError::from)?;
    let units = plan_units(model, docs, &tokens, settings)?;
    work.tokenize_s = t0.elapsed().as_secs_f64();
    let t1 = std::time::Instant::now();
    let unit_probs = infer_units(model, &units.seqs, settings, cancel, &mut work, memo)?;
    work.infer_s = t1.elapsed().as_secs_f64();
    let (doc_probs, sent_probs) = gather(&units, &unit_probs);
    let results = units
        .sentences
        .into_iter()
        .enumerate()
        .map(|(d, sentences)| {
            let result = if units.whole[d] {
                whole_result(texts[d], doc_probs[d], sentences)
            } else {
                segmented_result(&sent_probs[d], sentences, settings.min_stance_confidence)
            };
            if settings.actor_rules {
                apply_actor_rules(result, &docs[d], settings.min_stance_confidence)
            } else {
                result
            }
        })
        .collect();
    Ok((results, work))
}

/// The guide's actor rules over the model's result ([`crate::actors`]): a statement recorded as
/// a news outlet's, a journalist's or a commentator's is `off_topic` with no evidence; one
/// recorded as an organ of the PRC party-state that the model reads on the supports side is
/// read again over the other four labels. The sentences keep the model's readings.
fn apply_actor_rules(result: DocResult, doc: &Statement<'_>, min_conf: f32) -> DocResult {
    let Some(actor) = doc.actor else {
        return result;
    };
    if is_reporting_actor(actor) {
        return DocResult {
            probs: off_topic(),
            evidence: None,
            evidence_sentence: None,
            rule: Some(ActorRule::ReportingActor),
            ..result
        };
    }
    let supports_side = argmax(&result.probs).0.side() == Some(1);
    if supports_side && is_party_state_actor(actor) {
        return without_supports_side(result, doc.text, min_conf);
    }
    result
}

/// `result` decided again with the supports side's probabilities removed and the rest
/// renormalised: a document read whole takes its own probabilities so renormalised, a segmented
/// one the sentences' so renormalised, deciding afresh which sentence is the evidence.
fn without_supports_side(result: DocResult, text: &str, min_conf: f32) -> DocResult {
    let segmented = result.sentences.iter().any(|s| s.probs.is_some());
    let decided = if segmented {
        let masked: Vec<_> = result
            .sentences
            .iter()
            .map(|s| s.probs.map(|p| drop_supports_side(&p)))
            .collect();
        let ranges = result.sentences.iter().map(|s| s.range.clone()).collect();
        segmented_result(&masked, ranges, min_conf)
    } else {
        whole_result(text, Some(drop_supports_side(&result.probs)), Vec::new())
    };
    DocResult {
        probs: decided.probs,
        evidence: decided.evidence,
        evidence_sentence: decided.evidence_sentence,
        rule: Some(ActorRule::PartyStateSide),
        ..result
    }
}

/// `probs` with `leans_supports` and `supports` set to zero and the rest scaled to sum to 1.
fn drop_supports_side(probs: &[f32; NUM_LABELS]) -> [f32; NUM_LABELS] {
    let mut out = *probs;
    for label in [Label::LeansSupports, Label::Supports] {
        out[label.index()] = 0.0;
    }
    let total: f32 = out.iter().sum();
    if total > 0.0 {
        out.iter_mut().for_each(|p| *p /= total);
        out
    } else {
        off_topic()
    }
}

/// Classifies any number of documents, [`classify_documents`] on one group of 512 after
/// another (bounded memory, and the same batches whoever asks); `done` hears how many
/// documents each group held. Results are in input order.
pub fn classify_in_groups(
    model: &StanceModel,
    docs: &[Statement<'_>],
    settings: &ClassifierSettings,
    cancel: &AtomicBool,
    mut done: impl FnMut(usize),
) -> Result<Vec<DocResult>, ClassifyError> {
    let mut results = Vec::with_capacity(docs.len());
    let mut memo = settings.memo();
    for group in docs.chunks(512) {
        let (res, _) = classify_with_memo(model, group, settings, cancel, &mut memo)?;
        results.extend(res);
        done(group.len());
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(label: Label, conf: f32) -> [f32; NUM_LABELS] {
        let mut v = [(1.0 - conf) / 5.0; NUM_LABELS];
        v[label.index()] = conf;
        v
    }

    fn whole(text: &str, probs: [f32; NUM_LABELS]) -> DocResult {
        whole_result(text, Some(probs), std::iter::once(0..text.len()).collect())
    }

    #[test]
    fn a_party_state_actor_read_on_the_supports_side_takes_the_likeliest_other_label() {
        let text = "The spokesperson said the so-called 'two states' claim is a fallacy.";
        // opposes, does_not_support, neutral, leans_supports, supports, off_topic
        let probs = [0.02, 0.10, 0.07, 0.03, 0.70, 0.08];
        let doc = Statement::new(text, Some("PRC Ministry of Foreign Affairs"));
        let r = apply_actor_rules(whole(text, probs), &doc, 0.5);
        assert_eq!(r.rule, Some(ActorRule::PartyStateSide));
        assert_eq!(argmax(&r.probs).0, Label::DoesNotSupport);
        assert_eq!(r.probs[Label::Supports.index()], 0.0);
        assert_eq!(r.probs[Label::LeansSupports.index()], 0.0);
        assert!((r.probs.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(r.evidence, Some(0..text.len()));
        // Read off-topic once the supports side is gone: no evidence.
        let off = [0.01, 0.01, 0.01, 0.30, 0.40, 0.27];
        let r = apply_actor_rules(whole(text, off), &doc, 0.5);
        assert_eq!(argmax(&r.probs).0, Label::OffTopic);
        assert_eq!(r.evidence, None);
    }

    #[test]
    fn the_party_state_rule_leaves_other_actors_and_other_sides_alone() {
        let text = "Taiwan is a sovereign, independent country.";
        let supports = p(Label::Supports, 0.8);
        let taipei = Statement::new(text, Some("Taiwan Presidential Office"));
        let r = apply_actor_rules(whole(text, supports), &taipei, 0.5);
        assert_eq!((r.rule, r.probs), (None, supports));
        let nobody = Statement::new(text, None);
        assert_eq!(
            apply_actor_rules(whole(text, supports), &nobody, 0.5).rule,
            None
        );
        let opposes = p(Label::Opposes, 0.8);
        let beijing = Statement::new(text, Some("PRC Taiwan Affairs Office"));
        let r = apply_actor_rules(whole(text, opposes), &beijing, 0.5);
        assert_eq!((r.rule, r.probs), (None, opposes));
    }

    #[test]
    fn a_segmented_party_state_statement_picks_its_evidence_again_and_keeps_the_sentence_readings()
    {
        let sentences = vec![0..10, 10..20, 20..30];
        let readings = vec![
            Some(p(Label::OffTopic, 0.9)),
            Some(p(Label::Supports, 0.9)),
            Some(p(Label::Opposes, 0.6)),
        ];
        let model = segmented_result(&readings, sentences, 0.5);
        assert_eq!(
            (argmax(&model.probs).0, model.evidence_sentence),
            (Label::Supports, Some(1))
        );
        let text = "x".repeat(30);
        let doc = Statement::new(&text, Some("国台办"));
        let r = apply_actor_rules(model, &doc, 0.5);
        assert_eq!(r.rule, Some(ActorRule::PartyStateSide));
        assert_eq!(
            (argmax(&r.probs).0, r.evidence_sentence),
            (Label::Opposes, Some(2))
        );
        assert_eq!(r.evidence, Some(20..30));
        let kept: Vec<_> = r.sentences.iter().map(|s| s.probs).collect();
        assert_eq!(kept, readings);
    }

    #[test]
    fn a_reporting_actor_rule_comes_before_the_party_state_rule() {
        let text = "A reporter asked about the so-called independent country.";
        let doc = Statement::new(text, Some("国台办 (journalist question)"));
        let r = apply_actor_rules(whole(text, p(Label::Supports, 0.8)), &doc, 0.5);
        assert_eq!(r.rule, Some(ActorRule::ReportingActor));
        assert_eq!(argmax(&r.probs).0, Label::OffTopic);
    }

    #[test]
    fn explicit_positions_beat_status_quo_language() {
        let s = [
            p(Label::OffTopic, 0.9),
            p(Label::Neutral, 0.95),
            p(Label::DoesNotSupport, 0.7),
        ];
        assert_eq!(decide(&s, 0.0), (Some(2), 2));
    }

    #[test]
    fn most_confident_wins_within_a_tier() {
        let s = [p(Label::Opposes, 0.6), p(Label::Opposes, 0.8)];
        assert_eq!(decide(&s, 0.0), (Some(1), 1));
        let s = [p(Label::LeansSupports, 0.6), p(Label::Neutral, 0.9)];
        assert_eq!(decide(&s, 0.0), (Some(1), 1));
    }

    #[test]
    fn doubtful_sentences_do_not_decide() {
        let s = [p(Label::OffTopic, 0.9), p(Label::LeansSupports, 0.45)];
        assert_eq!(decide(&s, 0.5), (None, 0));
        assert_eq!(decide(&s, 0.4), (Some(1), 1));
        // Nothing but doubtful stance sentences: the least doubtful decides.
        let s = [p(Label::Neutral, 0.3), p(Label::LeansSupports, 0.45)];
        assert_eq!(decide(&s, 0.5), (Some(1), 1));
    }

    #[test]
    fn all_off_topic_takes_the_most_stance_like_sentence() {
        let mut a = p(Label::OffTopic, 0.9);
        let b = p(Label::OffTopic, 0.6);
        a[0] = 0.0;
        assert_eq!(decide(&[a, b], 0.0), (None, 1));
    }

    #[test]
    fn token_ranges_follow_sentences() {
        let tokens = Tokens {
            ids: vec![1, 2, 3, 4, 5],
            offsets: vec![(0, 2), (3, 5), (5, 6), (7, 9), (10, 11)],
        };
        let r = token_ranges(&tokens, &[0..6, 7..11]);
        assert_eq!(r, vec![0..3, 3..5]);
    }
}
