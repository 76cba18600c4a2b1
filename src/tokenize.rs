//! Tokenization with the model's own `tokenizer.json`: ids without special tokens plus each
//! token's byte range (for sentence bounds and evidence offsets), and the special tokens a
//! single-sequence classifier wraps them in — `[CLS] … [SEP]` for BERT vocabularies,
//! `<s> … </s>` for XLM-R (SentencePiece) ones.

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

/// A tokenizer that could not load or encode.
#[derive(Debug, thiserror::Error)]
pub enum TokenizeError {
    /// `tokenizer.json` is missing, unreadable or lacks a needed token.
    #[error("tokenizer {}: {message}", path.display())]
    Load {
        /// `tokenizer.json`.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Encoding failed.
    #[error("tokenizer {}: cannot encode: {message}", path.display())]
    Encode {
        /// `tokenizer.json`.
        path: PathBuf,
        /// The tokenizer's error.
        message: String,
    },
}

/// Special tokens by vocabulary family: (classification start, separator, padding).
const SPECIALS: [(&str, &str, &str); 2] = [("[CLS]", "[SEP]", "[PAD]"), ("<s>", "</s>", "<pad>")];

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
    pub fn from_file(path: &Path) -> Result<TextTokenizer, TokenizeError> {
        let err = |message: String| TokenizeError::Load {
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
        let id = |tok: &str| inner.token_to_id(tok).map(i64::from);
        let (cls, sep, pad) = SPECIALS
            .iter()
            .find_map(|(c, s, p)| Some((id(c)?, id(s)?, id(p)?)))
            .ok_or_else(|| {
                err("vocabulary has neither [CLS]/[SEP]/[PAD] nor <s>/</s>/<pad> tokens".into())
            })?;
        Ok(TextTokenizer {
            cls,
            sep,
            pad,
            path: path.to_path_buf(),
            inner,
        })
    }

    /// Tokenizes texts in parallel, without special tokens, keeping byte offsets.
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Tokens>, TokenizeError> {
        let encodings = self
            .inner
            .encode_batch(texts.to_vec(), false)
            .map_err(|e| self.encode_error(e))?;
        Ok(encodings
            .into_iter()
            .map(|e| Tokens {
                ids: e.get_ids().iter().map(|&i| i64::from(i)).collect(),
                offsets: e.get_offsets().to_vec(),
            })
            .collect())
    }

    /// Tokenizes one text.
    pub fn tokenize_one(&self, text: &str) -> Result<Tokens, TokenizeError> {
        let e = self
            .inner
            .encode(text, false)
            .map_err(|e| self.encode_error(e))?;
        Ok(Tokens {
            ids: e.get_ids().iter().map(|&i| i64::from(i)).collect(),
            offsets: e.get_offsets().to_vec(),
        })
    }

    fn encode_error(&self, e: tokenizers::Error) -> TokenizeError {
        TokenizeError::Encode {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Size of the vocabulary, added tokens included.
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
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
