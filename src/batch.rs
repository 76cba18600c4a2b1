//! Length buckets and padded batches with an explicit attention mask.
//!
//! Texts are tokenized once (in parallel, [`crate::tokenize`]); each document is cut into *units* (whole text, sentences, or overlapping windows of a long sentence), and
//! units from many documents are sorted by length and packed into batches that are padded only
//! to their own longest unit, under a token budget. The attention mask is always passed, so a
//! text scores the same alone or in a padded batch.

use std::ops::Range;

use tch::Tensor;

/// Splits the token range `tokens` (indices into a token list) into windows of at most
/// `width` tokens that overlap by `overlap`, so a stance phrase cut by one window boundary is
/// whole in the next.
pub fn windows(tokens: Range<usize>, width: usize, overlap: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let n = tokens.len();
    if n <= width {
        return vec![tokens];
    }
    let stride = width.saturating_sub(overlap).max(1);
    let mut out = Vec::new();
    let mut start = tokens.start;
    loop {
        let end = (start + width).min(tokens.end);
        out.push(start..end);
        if end == tokens.end {
            break;
        }
        start += stride;
    }
    out
}

/// A padded batch ready for the model.
pub struct Batch {
    /// Token ids `[rows, len]`, int64.
    pub ids: Tensor,
    /// Attention mask `[rows, len]`, int64 (1 = token, 0 = padding).
    pub mask: Tensor,
    /// For each row, the index of the sequence it came from.
    pub rows: Vec<usize>,
    /// Padded length.
    pub len: usize,
    /// Real (unpadded) tokens in the batch.
    pub real_tokens: usize,
}

/// Limits for [`plan_batches`].
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    /// At most this many rows per batch.
    pub max_rows: usize,
    /// At most this many padded tokens (rows × padded length) per batch.
    pub max_tokens: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_rows: crate::defaults::BATCH_SIZE,
            max_tokens: crate::defaults::MAX_BATCH_TOKENS,
        }
    }
}

impl BatchLimits {
    /// The limits of each batch when `streams` batches run at once: the same rows, `1/streams`
    /// of the padded tokens, so the activations in flight are those of one full batch. (On
    /// 2 cores, int8 over 1,200 long paragraphs peaked at 1.16 GB RSS with two streams of full
    /// batches and 0.83 GB with halved ones, and halved batches were also a little faster on
    /// mixed statements.)
    pub fn per_stream(self, streams: usize) -> BatchLimits {
        BatchLimits {
            max_rows: self.max_rows,
            max_tokens: (self.max_tokens / streams.max(1)).max(1),
        }
    }
}

/// Groups sequences (given by length) into batches: longest first, each batch padded to its
/// first (longest) member, filled while rows × padded length stays within the token budget.
/// Sorting by length is what removes padding waste; returns indices into `lengths`.
pub fn plan_batches(lengths: &[usize], limits: BatchLimits) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    // Stable sort: equal lengths keep input order, so plans are deterministic.
    order.sort_by(|&a, &b| lengths[b].cmp(&lengths[a]));
    let mut batches = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut padded = 0usize;
    for i in order {
        if current.is_empty() {
            padded = lengths[i].max(1);
            current.push(i);
            continue;
        }
        let fits_rows = current.len() < limits.max_rows.max(1);
        let fits_tokens = (current.len() + 1) * padded <= limits.max_tokens.max(padded);
        if fits_rows && fits_tokens {
            current.push(i);
        } else {
            batches.push(std::mem::take(&mut current));
            padded = lengths[i].max(1);
            current.push(i);
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Builds the padded id and mask tensors for the sequences `rows` of `seqs`.
pub fn make_batch(seqs: &[Vec<i64>], rows: &[usize], pad: i64) -> Batch {
    let len = rows
        .iter()
        .map(|&r| seqs[r].len())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut ids = vec![pad; rows.len() * len];
    let mut mask = vec![0i64; rows.len() * len];
    let mut real = 0;
    for (k, &r) in rows.iter().enumerate() {
        let s = &seqs[r];
        ids[k * len..k * len + s.len()].copy_from_slice(s);
        mask[k * len..k * len + s.len()].fill(1);
        real += s.len();
    }
    let shape = [rows.len() as i64, len as i64];
    Batch {
        ids: Tensor::from_slice(&ids).reshape(shape),
        mask: Tensor::from_slice(&mask).reshape(shape),
        rows: rows.to_vec(),
        len,
        real_tokens: real,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_limits_and_cover_everything() {
        let lengths = vec![5, 50, 7, 49, 6, 120, 8, 3];
        let plan = plan_batches(
            &lengths,
            BatchLimits {
                max_rows: 3,
                max_tokens: 160,
            },
        );
        let mut all: Vec<usize> = plan.iter().flatten().copied().collect();
        all.sort();
        assert_eq!(all, (0..lengths.len()).collect::<Vec<_>>());
        for b in &plan {
            assert!(b.len() <= 3);
            let padded = b.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(b.len() == 1 || b.len() * padded <= 160, "{b:?}");
        }
        // The longest goes first and alone (120 * 2 > 160).
        assert_eq!(plan[0], vec![5]);
    }

    #[test]
    fn each_of_several_streams_gets_its_share_of_the_token_budget() {
        let full = BatchLimits {
            max_rows: 64,
            max_tokens: 8192,
        };
        let two = full.per_stream(2);
        assert_eq!((two.max_rows, two.max_tokens), (64, 4096));
        assert_eq!(full.per_stream(1).max_tokens, 8192);
        assert_eq!(full.per_stream(0).max_tokens, 8192);
        // 40 sequences of 200 tokens: 40 per batch fit one stream's budget, 20 each of two.
        let lengths = vec![200; 40];
        assert_eq!(plan_batches(&lengths, full).len(), 1);
        let halves = plan_batches(&lengths, two);
        assert_eq!(halves.iter().map(Vec::len).collect::<Vec<_>>(), [20, 20]);
        // A sequence longer than a share still gets a batch of its own.
        assert_eq!(plan_batches(&[300], full.per_stream(64)), vec![vec![0]]);
    }

    #[test]
    fn windows_overlap_and_cover() {
        assert_eq!(windows(0..5, 10, 2), vec![0..5]);
        let w = windows(0..25, 10, 4);
        assert_eq!(w, vec![0..10, 6..16, 12..22, 18..25]);
    }

    #[test]
    fn mask_marks_real_tokens() {
        let seqs = vec![vec![1, 2, 3], vec![1, 2]];
        let b = make_batch(&seqs, &[0, 1], 0);
        assert_eq!(b.len, 3);
        assert_eq!(b.real_tokens, 5);
        let m: Vec<i64> = Vec::try_from(b.mask.reshape([-1])).unwrap();
        assert_eq!(m, vec![1, 1, 1, 1, 1, 0]);
    }
}
