//! Fitting: the learning-rate schedule (linear warmup, then linear decay), class-balanced
//! cross-entropy, AdamW with decoupled weight decay and gradient clipping, epochs over
//! shuffled length-sorted batches, dev macro-F1 after every epoch and early stopping on it.
//! With a teacher ([`super::distill`]) the loss adds the soft term and the epochs also run over
//! the unlabelled pool. The model ends holding the weights of its best epoch.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use tch::nn::OptimizerConfig;
use tch::{Kind, Reduction, Tensor};

use super::distill::{self, Distillation};
use super::{EpochLog, Splits, Start, TrainError, TrainSettings};
use crate::batch::make_batch;
use crate::classify::Statement;
use crate::eval::{self, Metrics};
use crate::input::labelled::{Example, Unlabelled};
use crate::labels::{Label, NUM_LABELS};
use crate::model::{ModelError, ReferenceBert};
use crate::report::Reporter;
use crate::tokenize::{InputFormat, TextTokenizer};

/// What fitting produced: the epochs run and the one whose weights the model now holds.
pub(super) struct Fitted {
    /// Per-epoch log.
    pub logs: Vec<EpochLog>,
    /// The epoch kept (best dev macro-F1).
    pub best_epoch: usize,
}

/// Fits `start.model` on the training split, evaluating on dev after every epoch; stops early
/// after `patience` epochs without improvement and restores the best epoch's weights.
pub(super) fn fit(
    s: &TrainSettings,
    start: &Start,
    data: &Splits,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<Fitted, TrainError> {
    let max_tokens = s
        .max_tokens
        .min(start.config.max_position_embeddings as usize);
    let train = training_rows(s, start, data, max_tokens, reporter, cancel)?;
    let mut trainer = Trainer::new(s, start, train)?;
    let dev_docs: Vec<Statement> = data.dev.iter().map(Example::statement).collect();
    let dev_labels = data.dev.iter().map(|e| e.label.index() as i64).collect();
    let dev = encode(
        &start.tok,
        start.config.stance_input,
        &dev_docs,
        dev_labels,
        max_tokens,
    )?;
    let mut logs = Vec::new();
    let mut stop = EarlyStop::new(s.patience);
    for epoch in 1..=s.epochs {
        let t_epoch = Instant::now();
        let train_loss = trainer.epoch(epoch, reporter, cancel)?;
        let reading = dev_metrics(&start.model, &dev, trainer.pad);
        let dev = &reading.metrics;
        let log = EpochLog {
            epoch,
            train_loss,
            dev_macro_f1: dev.macro_f1,
            dev_accuracy: dev.accuracy,
            seconds: t_epoch.elapsed().as_secs_f64(),
        };
        reporter.note(&format!(
            "epoch {epoch}: train loss {:.4}, dev macro-F1 {:.4}, dev accuracy {:.4} ({:.0}s)",
            log.train_loss, log.dev_macro_f1, log.dev_accuracy, log.seconds
        ));
        logs.push(log);
        if stop.record(&start.model, epoch, dev.macro_f1, reading.nll) {
            reporter.note(&format!(
                "early stop: no dev improvement for {} epoch(s)",
                s.patience
            ));
            break;
        }
    }
    let best = stop
        .best
        .ok_or_else(|| TrainError::Output("no epoch ran".into()))?;
    best.restore(&start.model);
    Ok(Fitted {
        logs,
        best_epoch: best.epoch,
    })
}

/// The label index of a row without a gold label (a distillation pool row); the hard loss
/// ignores it.
const UNLABELLED: i64 = -100;

/// Token ids (specials included), label indices ([`UNLABELLED`] for pool rows) and, when
/// distilling, the teacher's soft targets of a set of rows.
struct Encoded {
    seqs: Vec<Vec<i64>>,
    labels: Vec<i64>,
    soft: Vec<[f32; NUM_LABELS]>,
}

/// Classifier inputs of `docs` in the model's input format, as `stance classify` forms a
/// whole-text unit.
fn encode(
    tok: &TextTokenizer,
    format: InputFormat,
    docs: &[Statement<'_>],
    labels: Vec<i64>,
    max_tokens: usize,
) -> Result<Encoded, ModelError> {
    let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
    let actors: Vec<Option<&str>> = docs.iter().map(|d| d.actor).collect();
    let toks = tok.tokenize(&texts)?;
    let prefixes = tok.actor_prefixes(format, &actors)?;
    Ok(Encoded {
        seqs: toks
            .iter()
            .zip(&prefixes)
            .map(|(t, p)| tok.wrap(p.as_deref(), &t.ids, max_tokens))
            .collect(),
        labels,
        soft: Vec::new(),
    })
}

/// The training examples then the pool rows as statements. A seeded `actor_swap` share of
/// the labelled rows is read with another row's actor ([`ActorSwaps`]), and a seeded
/// `actor_dropout` share of all rows without one, so the text outweighs an actor's usual line
/// and statements without an actor still read well. Text-only models ignore both.
fn training_statements<'a>(
    s: &TrainSettings,
    train: &'a [Example],
    pool: &'a [Unlabelled],
) -> Vec<Statement<'a>> {
    let mut rng = StdRng::seed_from_u64(s.seed ^ ACTOR_DROPOUT_STREAM);
    let mut swap_rng = StdRng::seed_from_u64(s.seed ^ ACTOR_SWAP_STREAM);
    let swaps = ActorSwaps::of(train);
    let labelled = train.iter().map(|e| {
        let mut st = e.statement();
        // No draw at all when swapping is off, so runs without it stay as they were.
        if s.actor_swap > 0.0 && swap_rng.gen::<f64>() < s.actor_swap {
            st.actor = swaps.draw(e.label, &mut swap_rng).or(st.actor);
        }
        st
    });
    let rows = labelled.chain(pool.iter().map(Unlabelled::statement));
    rows.map(|mut st| {
        if rng.gen::<f64>() < s.actor_dropout {
            st.actor = None;
        }
        st
    })
    .collect()
}

/// Where a swapped actor comes from: for a row below neutral, the actors of the training rows
/// above it, and the other way round; for a neutral or off-topic row, any row's actor.
struct ActorSwaps<'a> {
    below: Vec<&'a str>,
    above: Vec<&'a str>,
    any: Vec<&'a str>,
}

impl<'a> ActorSwaps<'a> {
    fn of(train: &'a [Example]) -> ActorSwaps<'a> {
        let mut out = ActorSwaps {
            below: Vec::new(),
            above: Vec::new(),
            any: Vec::new(),
        };
        for e in train {
            let Some(actor) = e.statement().actor else {
                continue;
            };
            match e.label.score() {
                Some(x) if x < 0.0 => out.below.push(actor),
                Some(x) if x > 0.0 => out.above.push(actor),
                _ => {}
            }
            out.any.push(actor);
        }
        out
    }

    /// Another actor for a row labelled `label` (`None` when there is none to draw from).
    fn draw(&self, label: Label, rng: &mut StdRng) -> Option<&'a str> {
        let from = match label.score() {
            Some(x) if x < 0.0 => &self.above,
            Some(x) if x > 0.0 => &self.below,
            _ => &self.any,
        };
        from.choose(rng).copied()
    }
}

/// Mixed into the seed so actor swap draws differ from the dropout's and the shuffling's.
const ACTOR_SWAP_STREAM: u64 = 0x5a4b_ac70;

/// Mixed into the seed so actor dropout draws differ from the shuffling's.
const ACTOR_DROPOUT_STREAM: u64 = 0xac70_d50f;

/// The rows the epochs run over: the training examples, then the pool (empty unless
/// distilling), with the teacher's soft targets for all of them when distilling.
fn training_rows(
    s: &TrainSettings,
    start: &Start,
    data: &Splits,
    max_tokens: usize,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<Encoded, TrainError> {
    let docs = training_statements(s, &data.train, &data.pool);
    let labels = data
        .train
        .iter()
        .map(|e| e.label.index() as i64)
        .chain(std::iter::repeat_n(UNLABELLED, data.pool.len()))
        .collect();
    let format = start.config.stance_input;
    let mut enc = encode(&start.tok, format, &docs, labels, max_tokens)?;
    if let Some(d) = &s.distill {
        // The teacher reads every statement as it is, actor included.
        let whole: Vec<Statement> = data
            .train
            .iter()
            .map(Example::statement)
            .chain(data.pool.iter().map(Unlabelled::statement))
            .collect();
        enc.soft = distill::soft_targets(d, &whole, reporter, cancel)?;
    }
    Ok(enc)
}

/// Loss weights per class: inverse frequency over the labelled rows, normalised to mean 1 (all
/// 1 unless `balanced`).
fn class_weights(labels: &[i64], balanced: bool) -> Tensor {
    let mut counts = [0f64; NUM_LABELS];
    for &l in labels.iter().filter(|&&l| l != UNLABELLED) {
        counts[l as usize] += 1.0;
    }
    let n: f64 = counts.iter().sum();
    let class_w: Vec<f32> = counts
        .iter()
        .map(|&c| {
            if balanced && c > 0.0 {
                (n / (NUM_LABELS as f64 * c)) as f32
            } else {
                1.0
            }
        })
        .collect();
    Tensor::from_slice(&class_w)
}

/// Linear warmup to the peak learning rate, then linear decay to zero at the last step.
struct Schedule {
    peak: f64,
    warmup_steps: usize,
    total_steps: usize,
}

impl Schedule {
    fn new(s: &TrainSettings, steps_per_epoch: usize) -> Schedule {
        let total_steps = (steps_per_epoch * s.epochs).max(1);
        Schedule {
            peak: s.lr,
            warmup_steps: ((total_steps as f64) * s.warmup).round() as usize,
            total_steps,
        }
    }

    /// The learning rate of the 0-based `step`.
    fn lr_at(&self, step: usize) -> f64 {
        if step < self.warmup_steps {
            self.peak * (step + 1) as f64 / self.warmup_steps.max(1) as f64
        } else {
            let rest = (self.total_steps - self.warmup_steps).max(1) as f64;
            self.peak * ((self.total_steps - step) as f64 / rest).max(0.0)
        }
    }
}

/// Whether weight decay applies to a variable (not to biases and layer norms).
fn is_decayed(name: &str) -> bool {
    !(name.ends_with(".bias") || name.contains("LayerNorm"))
}

/// Batches for one epoch: shuffle, then sort by length within pools of 50 batches so batches
/// are dense without losing randomness, then shuffle the batch order.
fn epoch_batches(lengths: &[usize], batch: usize, rng: &mut StdRng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..lengths.len()).collect();
    idx.shuffle(rng);
    let pool = batch * 50;
    let mut batches = Vec::new();
    for chunk in idx.chunks(pool) {
        let mut c = chunk.to_vec();
        c.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
        for b in c.chunks(batch) {
            batches.push(b.to_vec());
        }
    }
    batches.shuffle(rng);
    batches
}

/// The optimisation state of a run: encoded training data, loss weights, schedule, AdamW,
/// the shuffling generator and the step counter.
struct Trainer<'a> {
    s: &'a TrainSettings,
    model: &'a ReferenceBert,
    train: Encoded,
    lengths: Vec<usize>,
    pad: i64,
    class_w: Tensor,
    steps_per_epoch: usize,
    schedule: Schedule,
    opt: tch::nn::Optimizer,
    /// Variables under decoupled weight decay.
    decayed: Vec<Tensor>,
    rng: StdRng,
    step: usize,
}

impl<'a> Trainer<'a> {
    fn new(
        s: &'a TrainSettings,
        start: &'a Start,
        train: Encoded,
    ) -> Result<Trainer<'a>, TrainError> {
        let model = &start.model;
        let lengths: Vec<usize> = train.seqs.iter().map(Vec::len).collect();
        let class_w = class_weights(&train.labels, s.balanced);
        let steps_per_epoch = lengths.len().div_ceil(s.batch_size.max(1));
        let opt = tch::nn::AdamW {
            beta1: 0.9,
            beta2: 0.999,
            wd: 0.0,
            eps: 1e-8,
            amsgrad: false,
        }
        .build(&model.vs, s.lr)
        .map_err(|e| ModelError::Invalid(format!("cannot build the optimizer: {e}")))?;
        let decayed: Vec<Tensor> = model
            .vs
            .variables()
            .into_iter()
            .filter(|(n, t)| is_decayed(n) && t.requires_grad())
            .map(|(_, t)| t)
            .collect();
        Ok(Trainer {
            s,
            model,
            train,
            lengths,
            pad: start.tok.pad_id(),
            class_w,
            steps_per_epoch,
            schedule: Schedule::new(s, steps_per_epoch),
            opt,
            decayed,
            rng: StdRng::seed_from_u64(s.seed),
            step: 0,
        })
    }

    /// One pass over the training data; returns the mean training loss.
    fn epoch(
        &mut self,
        epoch: usize,
        reporter: &dyn Reporter,
        cancel: &AtomicBool,
    ) -> Result<f64, TrainError> {
        reporter.begin(
            &format!("epoch {epoch}/{}", self.s.epochs),
            Some(self.steps_per_epoch as u64),
        );
        let mut loss_sum = 0.0;
        let mut loss_n = 0usize;
        for rows in epoch_batches(&self.lengths, self.s.batch_size, &mut self.rng) {
            if cancel.load(Ordering::Relaxed) {
                reporter.end();
                return Err(TrainError::Interrupted);
            }
            let (loss, lr) = self.step(&rows);
            loss_sum += loss;
            loss_n += 1;
            reporter.advance(1);
            reporter.message(&format!(
                "loss {:.4} lr {:.2e}",
                loss_sum / loss_n as f64,
                lr
            ));
        }
        reporter.end();
        Ok(loss_sum / loss_n.max(1) as f64)
    }

    /// One optimisation step on the training examples `rows`; returns the loss and the
    /// learning rate used.
    fn step(&mut self, rows: &[usize]) -> (f64, f64) {
        let s = self.s;
        let b = make_batch(&self.train.seqs, rows, self.pad);
        let logits = self.model.logits(&b.ids, &b.mask, true);
        let mut loss = match &s.distill {
            None => self.hard_loss(&logits, rows),
            Some(d) => self.distilled_loss(&logits, rows, d),
        };
        if s.flip_penalty > 0.0 {
            let gold: Vec<i64> = rows.iter().map(|&r| self.train.labels[r]).collect();
            if let Some(flip) = flip_loss(&logits, &gold) {
                loss += flip * s.flip_penalty;
            }
        }
        let lr = self.schedule.lr_at(self.step);
        self.opt.set_lr(lr);
        self.opt.backward_step_clip_norm(&loss, s.clip_norm);
        if s.weight_decay > 0.0 {
            // Decoupled weight decay (AdamW), skipping biases and layer norms.
            tch::no_grad(|| {
                for t in &self.decayed {
                    let mut t = t.shallow_clone();
                    let _ = t.f_mul_(&Tensor::from(1.0 - lr * s.weight_decay));
                }
            });
        }
        let l = loss.double_value(&[]);
        self.step += 1;
        (l, lr)
    }
}

impl Trainer<'_> {
    /// Class-weighted, label-smoothed cross-entropy against the gold labels of `rows` (pool
    /// rows ignored); `None` when the batch has no labelled row.
    fn gold_loss(&self, logits: &Tensor, rows: &[usize]) -> Option<Tensor> {
        let y: Vec<i64> = rows.iter().map(|&r| self.train.labels[r]).collect();
        if y.iter().all(|&l| l == UNLABELLED) {
            return None;
        }
        Some(logits.cross_entropy_loss::<Tensor>(
            &Tensor::from_slice(&y),
            Some(self.class_w.shallow_clone()),
            Reduction::Mean,
            UNLABELLED,
            self.s.label_smoothing,
        ))
    }

    /// The loss without a teacher.
    fn hard_loss(&self, logits: &Tensor, rows: &[usize]) -> Tensor {
        self.gold_loss(logits, rows)
            .unwrap_or_else(|| logits.sum(Kind::Float) * 0.0)
    }

    /// (1 − w) · gold cross-entropy + w · T² · cross-entropy of the softened student against
    /// the teacher's soft targets ([`distill`]).
    fn distilled_loss(&self, logits: &Tensor, rows: &[usize], d: &Distillation) -> Tensor {
        let t = d.temperature;
        let q: Vec<f32> = rows.iter().flat_map(|&r| self.train.soft[r]).collect();
        let q = Tensor::from_slice(&q).reshape([rows.len() as i64, NUM_LABELS as i64]);
        let log_p = (logits / t).log_softmax(-1, Kind::Float);
        let soft = -(q * log_p)
            .sum_dim_intlist(-1, false, Kind::Float)
            .mean(Kind::Float)
            * (t * t);
        match self.gold_loss(logits, rows) {
            Some(gold) => gold * (1.0 - d.weight) + soft * d.weight,
            None => soft,
        }
    }
}

/// −log(1 − p(other side of neutral)), averaged over the rows whose gold label (an index
/// into [`Label::ALL`]; anything else counts as unlabelled) lies on one side of neutral;
/// `None` when no row does. Zero for a reading that keeps all its weight on gold's side,
/// neutral and `off_topic`; it grows without bound as the reading moves to the other side, so
/// confident flips cost most.
fn flip_loss(logits: &Tensor, gold: &[i64]) -> Option<Tensor> {
    let masks: Vec<[f32; NUM_LABELS]> = gold
        .iter()
        .map(|&g| {
            usize::try_from(g)
                .ok()
                .and_then(Label::from_index)
                .map_or([0.0; NUM_LABELS], other_side_mask)
        })
        .collect();
    let sided: Vec<i64> = (0..masks.len())
        .filter(|&k| masks[k].iter().any(|&m| m > 0.0))
        .map(|k| k as i64)
        .collect();
    if sided.is_empty() {
        return None;
    }
    let mask = Tensor::from_slice(&masks.concat()).reshape([masks.len() as i64, NUM_LABELS as i64]);
    let p_other = (logits.softmax(-1, Kind::Float) * mask).sum_dim_intlist(-1, false, Kind::Float);
    let per_row = -(p_other.neg() + 1.0).clamp_min(1e-6).log();
    Some(
        per_row
            .index_select(0, &Tensor::from_slice(&sided))
            .mean(Kind::Float),
    )
}

/// 1.0 at the labels on the other side of neutral from `gold`; all zero for a gold label
/// without a side (neutral, `off_topic`).
fn other_side_mask(gold: Label) -> [f32; NUM_LABELS] {
    let mut m = [0.0; NUM_LABELS];
    if let Some(g) = gold.side().filter(|&g| g != 0) {
        for l in Label::ALL {
            if l.side() == Some(-g) {
                m[l.index()] = 1.0;
            }
        }
    }
    m
}

/// How the model being trained reads dev: its metrics and the mean negative log-likelihood of
/// the gold labels, which breaks ties between epochs of equal macro-F1.
struct DevReading {
    metrics: Metrics,
    nll: f64,
}

/// Mean −ln p(gold) over rows (probabilities floored at 1e-12).
fn mean_nll(gold: &[Label], probs: &[[f32; NUM_LABELS]]) -> f64 {
    if gold.is_empty() {
        return 0.0;
    }
    let total: f64 = gold
        .iter()
        .zip(probs)
        .map(|(g, p)| -f64::from(p[g.index()]).max(1e-12).ln())
        .sum();
    total / gold.len() as f64
}

/// Dev metrics of the model being trained: whole texts through the reference model, no
/// dropout.
fn dev_metrics(model: &ReferenceBert, enc: &Encoded, pad: i64) -> DevReading {
    let lengths: Vec<usize> = enc.seqs.iter().map(Vec::len).collect();
    let mut probs = vec![[0f32; NUM_LABELS]; enc.seqs.len()];
    let plan = crate::batch::plan_batches(&lengths, crate::batch::BatchLimits::default());
    tch::no_grad(|| {
        for rows in plan {
            let b = make_batch(&enc.seqs, &rows, pad);
            let p = model
                .logits(&b.ids, &b.mask, false)
                .softmax(-1, Kind::Float)
                .contiguous();
            let flat: Vec<f32> = Vec::try_from(p.reshape([-1])).unwrap_or_default();
            for (k, r) in rows.iter().enumerate() {
                probs[*r].copy_from_slice(&flat[k * NUM_LABELS..(k + 1) * NUM_LABELS]);
            }
        }
    });
    let gold: Vec<Label> = enc
        .labels
        .iter()
        .filter_map(|&l| Label::from_index(l as usize))
        .collect();
    DevReading {
        nll: mean_nll(&gold, &probs),
        metrics: eval::compute(&gold, &probs),
    }
}

/// The best epoch so far: its dev macro-F1 and loss, its number and a copy of its weights.
struct Best {
    macro_f1: f64,
    nll: f64,
    epoch: usize,
    weights: Vec<(String, Tensor)>,
}

impl Best {
    fn snapshot(model: &ReferenceBert, epoch: usize, macro_f1: f64, nll: f64) -> Best {
        let weights = model
            .named_tensors()
            .into_iter()
            .map(|(n, t)| (n, t.detach().copy()))
            .collect();
        Best {
            macro_f1,
            nll,
            epoch,
            weights,
        }
    }

    /// Puts the saved weights back into the model.
    fn restore(&self, model: &ReferenceBert) {
        tch::no_grad(|| {
            let vars = model.vs.variables();
            for (name, t) in &self.weights {
                if let Some(v) = vars.get(name) {
                    let mut v = v.shallow_clone();
                    v.copy_(t);
                }
            }
        });
    }
}

/// Early stopping on dev macro-F1: keeps the best epoch and counts epochs since. An epoch of
/// the same macro-F1 as the best with a lower dev loss counts as better: on a small dev set the
/// first epoch to reach the top score is often one whose predictions barely cross, and a later
/// epoch reads the same rows as surely right.
struct EarlyStop {
    patience: usize,
    best: Option<Best>,
    since_best: usize,
}

impl EarlyStop {
    fn new(patience: usize) -> EarlyStop {
        EarlyStop {
            patience,
            best: None,
            since_best: 0,
        }
    }

    /// Records an epoch's dev macro-F1 and loss (snapshotting the model when it is the best so
    /// far); true when `patience` epochs have passed without improvement.
    fn record(&mut self, model: &ReferenceBert, epoch: usize, macro_f1: f64, nll: f64) -> bool {
        if self
            .best
            .as_ref()
            .is_none_or(|b| improves(macro_f1, nll, b))
        {
            self.best = Some(Best::snapshot(model, epoch, macro_f1, nll));
            self.since_best = 0;
            false
        } else {
            self.since_best += 1;
            self.since_best >= self.patience
        }
    }
}

/// Whether an epoch of dev macro-F1 `macro_f1` and loss `nll` is better than `best`: a higher
/// macro-F1, or the same with a lower loss.
fn improves(macro_f1: f64, nll: f64, best: &Best) -> bool {
    macro_f1 > best.macro_f1 || (macro_f1 == best.macro_f1 && nll < best.nll)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(macro_f1: f64, nll: f64) -> Best {
        Best {
            macro_f1,
            nll,
            epoch: 1,
            weights: Vec::new(),
        }
    }

    #[test]
    fn an_epoch_of_equal_macro_f1_and_lower_dev_loss_is_kept() {
        assert!(improves(0.8, 0.9, &best(0.7, 0.1)), "higher macro-F1 wins");
        assert!(!improves(0.7, 0.1, &best(0.8, 0.9)), "lower macro-F1 loses");
        assert!(
            improves(1.0, 0.05, &best(1.0, 0.69)),
            "a tie goes to the surer epoch"
        );
        assert!(!improves(1.0, 0.69, &best(1.0, 0.05)));
        assert!(
            !improves(1.0, 0.69, &best(1.0, 0.69)),
            "an exact repeat is no improvement"
        );
    }

    #[test]
    fn mean_nll_is_the_mean_of_minus_log_gold_probabilities() {
        let mut p = [[0f32; NUM_LABELS]; 2];
        p[0][Label::Opposes.index()] = 0.5;
        p[1][Label::Supports.index()] = 1.0;
        let nll = mean_nll(&[Label::Opposes, Label::Supports], &p);
        assert!((nll - 0.5f64.ln().abs() / 2.0).abs() < 1e-9, "{nll}");
        let zero = mean_nll(&[Label::Neutral], &[[0f32; NUM_LABELS]]);
        assert!(
            (zero - 1e-12f64.ln().abs()).abs() < 1e-6,
            "a zero probability is floored"
        );
    }

    /// Logits putting most of the weight on `label`.
    fn leaning(label: Label) -> Vec<f32> {
        let mut l = vec![0.0f32; NUM_LABELS];
        l[label.index()] = 4.0;
        l
    }

    fn loss(rows: &[(Label, Label)]) -> Option<f64> {
        let logits: Vec<f32> = rows.iter().flat_map(|(_, p)| leaning(*p)).collect();
        let logits = Tensor::from_slice(&logits).reshape([rows.len() as i64, NUM_LABELS as i64]);
        let gold: Vec<i64> = rows.iter().map(|(g, _)| g.index() as i64).collect();
        flip_loss(&logits, &gold).map(|t| t.double_value(&[]))
    }

    #[test]
    fn flip_loss_charges_readings_on_the_other_side_of_neutral() {
        let flipped = loss(&[(Label::Opposes, Label::Supports)]).unwrap();
        let same_side = loss(&[(Label::Opposes, Label::DoesNotSupport)]).unwrap();
        let to_neutral = loss(&[(Label::LeansSupports, Label::Neutral)]).unwrap();
        assert!(flipped > 2.0, "{flipped}");
        assert!(
            same_side < 0.1 && to_neutral < 0.1,
            "{same_side} {to_neutral}"
        );
    }

    #[test]
    fn flip_loss_ignores_rows_without_a_side() {
        assert!(loss(&[(Label::Neutral, Label::Supports)]).is_none());
        assert!(loss(&[(Label::OffTopic, Label::Opposes)]).is_none());
        let mixed = loss(&[
            (Label::Supports, Label::Opposes),
            (Label::Neutral, Label::Opposes),
            (Label::OffTopic, Label::Supports),
        ])
        .unwrap();
        let alone = loss(&[(Label::Supports, Label::Opposes)]).unwrap();
        assert!((mixed - alone).abs() < 1e-6, "{mixed} {alone}");
        let unlabelled = Tensor::from_slice(&leaning(Label::Opposes)).reshape([1, 6]);
        assert!(flip_loss(&unlabelled, &[-100]).is_none());
    }
}
