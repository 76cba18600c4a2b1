//! Tokenization with the model's own `tokenizer.json`: ids without special tokens plus each
//! token's byte range (for sentence bounds and evidence offsets), and the special tokens a
//! single-sequence classifier wraps them in — `[CLS] … [SEP]` for BERT vocabularies,
//! `<s> … </s>` for XLM-R (SentencePiece) ones. A model that reads the actor too
//! ([`InputFormat::ActorText`]) gets a sentence pair, `[CLS] actor [SEP] text [SEP]`, the
//! actor's tokens as token type 0 and the text's as type 1 (as `transformers` encodes a pair).

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

/// What a classifier reads (`stance_input` in its `config.json`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum InputFormat {
    /// The text alone: `[CLS] text [SEP]`.
    #[default]
    Text,
    /// Whose words they are, then the text: `[CLS] actor [SEP] text [SEP]`. A statement
    /// without an actor reads as `[CLS] [SEP] text [SEP]`.
    ActorText,
}

impl InputFormat {
    /// Whether this is [`InputFormat::Text`] (the format `config.json` leaves unsaid).
    pub fn is_text(&self) -> bool {
        *self == InputFormat::Text
    }
}

/// The most tokens an actor takes in a pair input; a longer name is cut.
pub const MAX_ACTOR_TOKENS: usize = 16;

/// A tokenizer for classification inputs: `[CLS] tokens [SEP]`, or an actor–text pair.
pub struct TextTokenizer {
    inner: Tokenizer,
    path: PathBuf,
    cls: i64,
    sep: i64,
    pad: i64,
    /// Whether the specials are BERT's `[CLS]`/`[SEP]` (pairs are then `[CLS] a [SEP] b [SEP]`).
    bert_specials: bool,
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
        let (cls, sep, pad, bert_specials) = SPECIALS
            .iter()
            .enumerate()
            .find_map(|(k, (c, s, p))| Some((id(c)?, id(s)?, id(p)?, k == 0)))
            .ok_or_else(|| {
                err("vocabulary has neither [CLS]/[SEP]/[PAD] nor <s>/</s>/<pad> tokens".into())
            })?;
        Ok(TextTokenizer {
            cls,
            sep,
            pad,
            bert_specials,
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
        self.wrap(None, ids, max_tokens)
    }

    /// The classifier input of `ids`: `[CLS] ids [SEP]` without an actor prefix,
    /// `[CLS] actor [SEP] ids [SEP]` with one (from [`TextTokenizer::actor_prefix`]); `ids` are
    /// cut so the whole fits in `max_tokens`.
    pub fn wrap(&self, actor: Option<&[i64]>, ids: &[i64], max_tokens: usize) -> Vec<i64> {
        let keep = ids.len().min(self.content_len(actor, max_tokens));
        let mut v = Vec::with_capacity(keep + 3 + actor.map_or(0, <[i64]>::len));
        v.push(self.cls);
        if let Some(a) = actor {
            v.extend_from_slice(a);
            v.push(self.sep);
        }
        v.extend_from_slice(&ids[..keep]);
        v.push(self.sep);
        v
    }

    /// How many text tokens fit in `max_tokens` beside the specials and the actor prefix.
    pub fn content_len(&self, actor: Option<&[i64]>, max_tokens: usize) -> usize {
        let fixed = 2 + actor.map_or(0, |a| a.len() + 1);
        max_tokens.saturating_sub(fixed).max(1)
    }

    /// The actor segment each format needs: `None` for [`InputFormat::Text`]; for
    /// [`InputFormat::ActorText`] the actor's tokens (at most [`MAX_ACTOR_TOKENS`]; empty when
    /// there is no actor).
    pub fn actor_prefixes(
        &self,
        format: InputFormat,
        actors: &[Option<&str>],
    ) -> Result<Vec<Option<Vec<i64>>>, TokenizeError> {
        if format.is_text() {
            return Ok(vec![None; actors.len()]);
        }
        let names: Vec<&str> = actors.iter().map(|a| a.unwrap_or("").trim()).collect();
        Ok(self
            .tokenize(&names)?
            .into_iter()
            .map(|t| {
                let mut ids = t.ids;
                ids.truncate(MAX_ACTOR_TOKENS);
                Some(ids)
            })
            .collect())
    }

    /// Refuses a format this vocabulary cannot encode as `transformers` would: actor–text
    /// pairs are written BERT's way, which XLM-R vocabularies (`<s> a </s></s> b </s>`) do not
    /// share.
    pub fn check_format(&self, format: InputFormat) -> Result<(), TokenizeError> {
        if format == InputFormat::ActorText && !self.bert_specials {
            return Err(TokenizeError::Load {
                path: self.path.clone(),
                message: "actor_text inputs need a BERT vocabulary ([CLS]/[SEP]); this one \
                          has <s>/</s>"
                    .into(),
            });
        }
        Ok(())
    }

    /// The separator id (token types of a pair change after the first one).
    pub fn sep_id(&self) -> i64 {
        self.sep
    }

    /// The padding id.
    pub fn pad_id(&self) -> i64 {
        self.pad
    }
}
