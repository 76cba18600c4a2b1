//! Tokenization, length buckets and padded batches with an explicit attention mask.
//!
//! Texts are tokenized once (in parallel) with the model's own `tokenizer.json`; each document
//! is cut into *units* (whole text, sentences, or overlapping windows of a long sentence), and
//! units from many documents are sorted by length and packed into batches that are padded only
//! to their own longest unit, under a token budget. The attention mask is always passed, so a
//! text scores the same alone or in a padded batch.

use std::ops::Range;
use std::path::{Path, PathBuf};

use tch::Tensor;
use tokenizers::Tokenizer;

use crate::model::ModelError;

/// A tokenizer for single-sequence classification inputs: `[CLS] tokens [SEP]`.
pub struct TextTokenizer {
    inner: Tokenizer,
    path: PathBuf,
    cls: i64,
    sep: i64,
    pad: i64,
}

/// Token ids of a text (no special tokens) with each token's byte range in the text.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// WordPiece ids.
    pub ids: Vec<i64>,
    /// Byte range of each token in the text.
    pub offsets: Vec<(usize, usize)>,
}

impl TextTokenizer {
    /// Loads `tokenizer.json`, switching off its own truncation and padding (we do both).
    pub fn from_file(path: &Path) -> Result<TextTokenizer, ModelError> {
        let err = |message: String| ModelError::Tokenizer {
            path: path.to_path_buf(),
            message,
        };
        if !path.exists() {
            return Err(err("file not found".into()));
        }
        let mut inner = Tokenizer::from_file(path).map_err(|e| err(e.to_string()))?;
        inner
            .with_truncation(None)
            .map_err(|e| err(e.to_string()))?;
        inner.with_padding(None);
        let id = |tok: &str| -> Result<i64, ModelError> {
            inner
                .token_to_id(tok)
                .map(i64::from)
                .ok_or_else(|| err(format!("vocabulary has no {tok} token")))
        };
        Ok(TextTokenizer {
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            pad: id("[PAD]")?,
            path: path.to_path_buf(),
            inner,
        })
    }

    /// Tokenizes texts in parallel, without special tokens, keeping byte offsets.
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Tokens>, ModelError> {
        let encodings = self
            .inner
            .encode_batch(texts.to_vec(), false)
            .map_err(|e| ModelError::Tokenizer {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        Ok(encodings
            .into_iter()
            .map(|e| Tokens {
                ids: e.get_ids().iter().map(|&i| i64::from(i)).collect(),
                offsets: e.get_offsets().to_vec(),
            })
            .collect())
    }

    /// Tokenizes one text.
    pub fn tokenize_one(&self, text: &str) -> Result<Tokens, ModelError> {
        let e = self
            .inner
            .encode(text, false)
            .map_err(|e| ModelError::Tokenizer {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        Ok(Tokens {
            ids: e.get_ids().iter().map(|&i| i64::from(i)).collect(),
            offsets: e.get_offsets().to_vec(),
        })
    }

    /// `[CLS] ids [SEP]`, truncating `ids` so the whole fits in `max_tokens`.
    pub fn with_specials(&self, ids: &[i64], max_tokens: usize) -> Vec<i64> {
        let keep = ids.len().min(max_tokens.saturating_sub(2));
        let mut v = Vec::with_capacity(keep + 2);
        v.push(self.cls);
        v.extend_from_slice(&ids[..keep]);
        v.push(self.sep);
        v
    }

    /// The padding id.
    pub fn pad_id(&self) -> i64 {
        self.pad
    }
}

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
