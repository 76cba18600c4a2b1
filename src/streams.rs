//! Independent inference streams: several batches in flight at once, each on its share of the
//! threads (one thread each on up to 4 cores, the default).
//!
//! With one stream, libtorch splits every GEMM of a batch across the intra-op threads, and on
//! a small encoder (matrices of a few hundred columns) those threads spend much of their time
//! waiting for each other at the barriers between short ops (layer norms, GELU, softmax). With
//! `n` streams, `n` worker threads each take the next whole batch from a shared queue and run
//! it single-threaded, so the cores stay busy without synchronising.
//!
//! The caller plans the batches ([`crate::batch::BatchLimits::per_stream`]: with `n` streams
//! each batch gets `1/n` of the padded-token budget, so the activations in flight are those of
//! one stream). A unit's fp32 probabilities do not depend on its batch mates, so they are
//! those of the single-stream run up to rounding; results come back in plan order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::batch::make_batch;
use crate::classify::ClassifyError;
use crate::labels::NUM_LABELS;
use crate::model::{ModelError, StanceModel};

/// What one batch gave: its rows (indices into the sequences), padded length, real tokens
/// and each row's probabilities.
pub struct BatchResult {
    /// Index of each row's sequence.
    pub rows: Vec<usize>,
    /// Padded length of the batch.
    pub len: usize,
    /// Real (unpadded) tokens in the batch.
    pub real_tokens: usize,
    /// Probabilities, one array per row.
    pub probs: Vec<[f32; NUM_LABELS]>,
}

/// A model shared by the worker threads.
struct Shared<'a>(&'a StanceModel);

// SAFETY: the workers only call `StanceModel::probabilities`, which reads the weight tensors
// (under `no_grad`) and allocates its own activations; libtorch allows concurrent forward
// passes over the same parameters. `tch::Tensor` is not `Sync` only because it does not know
// how it will be used; nothing here mutates a shared tensor.
unsafe impl Sync for Shared<'_> {}

/// Runs one batch.
fn run_batch(
    model: &StanceModel,
    seqs: &[Vec<i64>],
    rows: &[usize],
) -> Result<BatchResult, ClassifyError> {
    let batch = make_batch(seqs, rows, model.tokenizer.pad_id());
    let probs = model.probabilities(&batch.ids, &batch.mask)?;
    Ok(BatchResult {
        rows: batch.rows,
        len: batch.len,
        real_tokens: batch.real_tokens,
        probs,
    })
}

/// Runs `batches` (row lists into `seqs`) on `streams` worker threads, each with an equal
/// share of the caller's intra-op threads (at least one), or in this thread when `streams` is
/// 1; results in `batches` order.
pub fn run(
    model: &StanceModel,
    seqs: &[Vec<i64>],
    batches: &[Vec<usize>],
    streams: usize,
    cancel: &AtomicBool,
) -> Result<Vec<BatchResult>, ClassifyError> {
    let all: Vec<usize> = (0..batches.len()).collect();
    let mut done = if streams <= 1 {
        let mut done = Vec::with_capacity(batches.len());
        for i in all {
            if cancel.load(Ordering::Relaxed) {
                return Err(ClassifyError::Interrupted);
            }
            done.push((i, run_batch(model, seqs, &batches[i])?));
        }
        done
    } else {
        run_on_streams(model, seqs, batches, &all, streams, cancel)?
    };
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

/// Runs the batches numbered `which` on `streams` worker threads; `(number, result)` pairs.
fn run_on_streams(
    model: &StanceModel,
    seqs: &[Vec<i64>],
    batches: &[Vec<usize>],
    which: &[usize],
    streams: usize,
    cancel: &AtomicBool,
) -> Result<Vec<(usize, BatchResult)>, ClassifyError> {
    if which.is_empty() {
        return Ok(Vec::new());
    }
    let streams = streams.clamp(1, which.len());
    let shared = Shared(model);
    let next = AtomicUsize::new(0);
    let caller_threads = tch::get_num_threads();
    let per_stream = (caller_threads.max(1) as usize / streams).max(1) as i32;
    let queue = Queue {
        seqs,
        batches,
        which,
        next: &next,
        cancel,
    };
    let results = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..streams)
            .map(|_| scope.spawn(|| worker(&shared, &queue, per_stream)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(ModelError::Invalid("an inference stream panicked".into()).into())
                })
            })
            .collect::<Vec<_>>()
    });
    // A worker's thread count is also libtorch's default for threads it has not met yet:
    // give it back to the caller's setting.
    tch::set_num_threads(caller_threads);
    let mut done = Vec::with_capacity(which.len());
    for r in results {
        done.extend(r?);
    }
    Ok(done)
}

/// The batches the streams share, and the next one to take.
struct Queue<'a> {
    seqs: &'a [Vec<i64>],
    batches: &'a [Vec<usize>],
    which: &'a [usize],
    next: &'a AtomicUsize,
    cancel: &'a AtomicBool,
}

/// One stream: takes the next batch until none is left, on `threads` intra-op threads.
fn worker(
    shared: &Shared<'_>,
    q: &Queue<'_>,
    threads: i32,
) -> Result<Vec<(usize, BatchResult)>, ClassifyError> {
    tch::set_num_threads(threads);
    let mut out = Vec::new();
    loop {
        let k = q.next.fetch_add(1, Ordering::Relaxed);
        let Some(&i) = q.which.get(k) else {
            return Ok(out);
        };
        if q.cancel.load(Ordering::Relaxed) {
            return Err(ClassifyError::Interrupted);
        }
        out.push((i, run_batch(shared.0, q.seqs, &q.batches[i])?));
    }
}
