//! `config.json` of a Hugging Face BERT checkpoint, mirrored field by field (as candle's BERT
//! example does), plus the checks that make a checkpoint a *stance* model.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::labels::{Label, NUM_LABELS};
use crate::model::ModelError;
use crate::tokenize::InputFormat;

/// Hugging Face `BertConfig`, as written in `config.json`. Unknown keys are kept in `extra`
/// so a config read and written again loses nothing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BertConfig {
    /// Size of the WordPiece vocabulary.
    pub vocab_size: i64,
    /// Width of every hidden state.
    pub hidden_size: i64,
    /// Number of transformer layers.
    pub num_hidden_layers: i64,
    /// Attention heads per layer.
    pub num_attention_heads: i64,
    /// Width of the feed-forward layer.
    pub intermediate_size: i64,
    /// Activation in the feed-forward layer (`gelu` for every checkpoint we ship).
    #[serde(default = "default_act")]
    pub hidden_act: String,
    /// Dropout on hidden states during training.
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f64,
    /// Dropout on attention probabilities during training.
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f64,
    /// Longest sequence the position embeddings cover.
    pub max_position_embeddings: i64,
    /// Number of token types (segments).
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: i64,
    /// Standard deviation for weight initialisation.
    #[serde(default = "default_init_range")]
    pub initializer_range: f64,
    /// Epsilon of every layer norm.
    #[serde(default = "default_ln_eps")]
    pub layer_norm_eps: f64,
    /// Padding token id.
    #[serde(default)]
    pub pad_token_id: i64,
    /// Class index → label name (JSON object with string keys, as transformers writes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id2label: Option<BTreeMap<String, String>>,
    /// Label name → class index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label2id: Option<BTreeMap<String, i64>>,
    /// What the classifier reads: the text alone (every model before stance-minilm-v4; the key
    /// is then absent) or the statement's actor and its text as a sentence pair. Not a
    /// `transformers` key: Python callers pass the pair themselves.
    #[serde(default, skip_serializing_if = "InputFormat::is_text")]
    pub stance_input: InputFormat,
    /// Which token states the head reads: `[CLS]` through BERT's pooler (every shipped model;
    /// the key is then absent, and `transformers`' `BertForSequenceClassification` computes
    /// the same) or the mean of the text's token states. Not a `transformers` key: Python
    /// callers average the encoder's last hidden states themselves (`tests/python`).
    #[serde(default, skip_serializing_if = "Pooling::is_cls")]
    pub stance_pooling: Pooling,
    /// Everything else (`architectures`, `model_type`, `problem_type`, …), preserved.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Which token states the classification head reads (`stance_pooling` in `config.json`).
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
pub enum Pooling {
    /// The `[CLS]` state, as BERT's sequence classifier reads it.
    #[default]
    Cls,
    /// The mean of the token states over the text's tokens (padding excluded), as
    /// sentence-embedding encoders (all-MiniLM-L6-v2, multilingual-e5) were trained to be
    /// read; BERT's pooler and classifier then read that mean.
    Mean,
}

impl Pooling {
    /// Whether this is [`Pooling::Cls`] (the pooling `config.json` leaves unsaid).
    pub fn is_cls(&self) -> bool {
        *self == Pooling::Cls
    }
}

fn default_act() -> String {
    "gelu".into()
}
fn default_dropout() -> f64 {
    0.1
}
fn default_type_vocab() -> i64 {
    2
}
fn default_init_range() -> f64 {
    0.02
}
fn default_ln_eps() -> f64 {
    1e-12
}

impl BertConfig {
    /// Reads and parses `config.json`.
    pub fn from_file(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let cfg: BertConfig = serde_json::from_str(&text).map_err(|source| ModelError::Config {
            path: path.to_path_buf(),
            source,
        })?;
        cfg.check()?;
        Ok(cfg)
    }

    /// Refuses shapes and inputs the engines cannot run.
    pub fn check(&self) -> Result<(), ModelError> {
        if self.hidden_size <= 0
            || self.num_attention_heads <= 0
            || self.hidden_size % self.num_attention_heads != 0
        {
            return Err(ModelError::Invalid(format!(
                "hidden_size {} is not a positive multiple of num_attention_heads {}",
                self.hidden_size, self.num_attention_heads
            )));
        }
        if self.stance_input == InputFormat::ActorText && self.type_vocab_size < 2 {
            return Err(ModelError::Invalid(format!(
                "stance_input \"actor_text\" needs two token types, but type_vocab_size is {}",
                self.type_vocab_size
            )));
        }
        if self.hidden_act != "gelu" {
            return Err(ModelError::Invalid(format!(
                "hidden_act {:?} is not supported (only \"gelu\")",
                self.hidden_act
            )));
        }
        Ok(())
    }

    /// Maps class index → [`Label`], refusing a checkpoint whose labels are not exactly the six
    /// stance labels. Returns, for each class index of the checkpoint, its canonical label.
    pub fn stance_labels(&self) -> Result<[Label; NUM_LABELS], ModelError> {
        let id2label = self.id2label.as_ref().ok_or_else(|| ModelError::Labels {
            found: vec![],
            reason: "config.json has no id2label".into(),
        })?;
        let found: Vec<String> = id2label.values().cloned().collect();
        let bad = |reason: String| ModelError::Labels {
            found: found.clone(),
            reason,
        };
        if id2label.len() != NUM_LABELS {
            return Err(bad(format!(
                "expected {NUM_LABELS} labels, found {}",
                id2label.len()
            )));
        }
        let mut out = [Label::OffTopic; NUM_LABELS];
        let mut seen = [false; NUM_LABELS];
        for (k, name) in id2label {
            let idx: usize = k
                .parse()
                .ok()
                .filter(|i| *i < NUM_LABELS)
                .ok_or_else(|| bad(format!("class index {k:?} is not in 0..{NUM_LABELS}")))?;
            let label: Label = name
                .parse()
                .map_err(|_| bad(format!("{name:?} is not a stance label")))?;
            if seen[label.index()] {
                return Err(bad(format!("label {name:?} appears twice")));
            }
            seen[label.index()] = true;
            out[idx] = label;
        }
        Ok(out)
    }

    /// Sets `id2label`/`label2id` to the six stance labels in canonical order, as `train`
    /// writes them, and marks the config as a sequence classifier.
    pub fn set_stance_labels(&mut self) {
        let mut id2label = BTreeMap::new();
        let mut label2id = BTreeMap::new();
        for l in Label::ALL {
            id2label.insert(l.index().to_string(), l.as_str().to_string());
            label2id.insert(l.as_str().to_string(), l.index() as i64);
        }
        self.id2label = Some(id2label);
        self.label2id = Some(label2id);
        self.extra.insert(
            "architectures".into(),
            serde_json::json!(["BertForSequenceClassification"]),
        );
        self.extra
            .insert("model_type".into(), serde_json::json!("bert"));
        self.extra.insert(
            "problem_type".into(),
            serde_json::json!("single_label_classification"),
        );
    }

    /// The same config in rust-bert's type, for its `BertForSequenceClassification`.
    pub fn to_rust_bert(&self) -> rust_bert::bert::BertConfig {
        let id2label = self.id2label.as_ref().map(|m| {
            m.iter()
                .filter_map(|(k, v)| k.parse::<i64>().ok().map(|k| (k, v.clone())))
                .collect()
        });
        let label2id = self
            .label2id
            .as_ref()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect());
        rust_bert::bert::BertConfig {
            hidden_act: rust_bert::Activation::gelu,
            attention_probs_dropout_prob: self.attention_probs_dropout_prob,
            hidden_dropout_prob: self.hidden_dropout_prob,
            hidden_size: self.hidden_size,
            initializer_range: self.initializer_range as f32,
            intermediate_size: self.intermediate_size,
            max_position_embeddings: self.max_position_embeddings,
            num_attention_heads: self.num_attention_heads,
            num_hidden_layers: self.num_hidden_layers,
            type_vocab_size: self.type_vocab_size,
            vocab_size: self.vocab_size,
            output_attentions: None,
            output_hidden_states: None,
            is_decoder: None,
            id2label,
            label2id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BertConfig {
        serde_json::from_str(
            r#"{"vocab_size": 100, "hidden_size": 8, "num_hidden_layers": 1,
                "num_attention_heads": 2, "intermediate_size": 16,
                "max_position_embeddings": 32, "architectures": ["BertModel"]}"#,
        )
        .unwrap()
    }

    #[test]
    fn stance_labels_accepts_any_order() {
        let mut c = base();
        let mut m = BTreeMap::new();
        for (i, l) in Label::ALL.iter().rev().enumerate() {
            m.insert(i.to_string(), l.as_str().to_string());
        }
        c.id2label = Some(m);
        let labels = c.stance_labels().unwrap();
        assert_eq!(labels[0], Label::OffTopic);
        assert_eq!(labels[5], Label::Opposes);
    }

    #[test]
    fn wrong_label_sets_are_refused() {
        let mut c = base();
        assert!(c.stance_labels().is_err());
        let mut m = BTreeMap::new();
        m.insert("0".into(), "POSITIVE".into());
        m.insert("1".into(), "NEGATIVE".into());
        c.id2label = Some(m);
        let err = c.stance_labels().unwrap_err().to_string();
        assert!(err.contains("expected 6 labels"), "{err}");
    }

    #[test]
    fn unknown_keys_survive_a_round_trip() {
        let mut c = base();
        c.set_stance_labels();
        let text = serde_json::to_string(&c).unwrap();
        let back: BertConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c);
        assert!(text.contains("BertForSequenceClassification"));
        assert_eq!(back.stance_labels().unwrap(), Label::ALL);
    }

    #[test]
    fn pooling_is_written_only_when_it_is_not_cls() {
        let mut c = base();
        assert_eq!(c.stance_pooling, Pooling::Cls);
        assert!(!serde_json::to_string(&c)
            .unwrap()
            .contains("stance_pooling"));
        c.stance_pooling = Pooling::Mean;
        let text = serde_json::to_string(&c).unwrap();
        assert!(text.contains(r#""stance_pooling":"mean""#), "{text}");
        let back: BertConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back.stance_pooling, Pooling::Mean);
    }
}
