//! rust-bert's `BertForSequenceClassification`: the reference implementation and the model
//! that `stance train` fine-tunes (it carries dropout and gradients). A mean-pooled model
//! ([`Pooling::Mean`]) is rust-bert's `BertModel` with the same head over the mean of the token
//! states, its variables named as in the `[CLS]` form.

use tch::nn::{self, Module, VarStore};
use tch::{Device, Tensor};

use rust_bert::bert::{BertEmbeddings, BertForSequenceClassification, BertModel};

use crate::model::bert::{mean_over_tokens, TokenTypes};
use crate::model::config::{BertConfig, Pooling};
use crate::model::weights::Weights;
use crate::model::ModelError;

/// rust-bert's classifier with the variable store that owns its weights.
pub struct ReferenceBert {
    /// Owns every trainable tensor (names as in Hugging Face checkpoints, `bert.` prefixed).
    pub vs: VarStore,
    /// The model.
    head: Head,
    /// How token types are formed from the ids.
    token_types: TokenTypes,
}

/// What reads the encoder's output.
enum Head {
    /// rust-bert's classifier: pooler over `[CLS]`, dropout, linear.
    Cls(BertForSequenceClassification),
    /// The same head over the mean of the token states.
    Mean {
        bert: BertModel<BertEmbeddings>,
        pooler: nn::Linear,
        classifier: nn::Linear,
        dropout: f64,
    },
}

impl ReferenceBert {
    /// Builds rust-bert's model (random weights, seeded by the caller through `tch::manual_seed`).
    pub fn new(cfg: &BertConfig) -> Result<ReferenceBert, ModelError> {
        let vs = VarStore::new(Device::Cpu);
        let rb = cfg.to_rust_bert();
        let head = match cfg.stance_pooling {
            Pooling::Cls => Head::Cls(
                BertForSequenceClassification::new(vs.root(), &rb).map_err(|e| {
                    ModelError::Invalid(format!("rust-bert refused the config: {e}"))
                })?,
            ),
            Pooling::Mean => {
                let root = vs.root();
                let h = cfg.hidden_size;
                let labels = rb.id2label.as_ref().map_or(0, |m| m.len()) as i64;
                if labels == 0 {
                    return Err(ModelError::Invalid("config.json has no id2label".into()));
                }
                Head::Mean {
                    bert: BertModel::new_with_optional_pooler(&root / "bert", &rb, false),
                    pooler: nn::linear(
                        &root / "bert" / "pooler" / "dense",
                        h,
                        h,
                        nn::LinearConfig::default(),
                    ),
                    classifier: nn::linear(
                        &root / "classifier",
                        h,
                        labels,
                        nn::LinearConfig::default(),
                    ),
                    dropout: cfg.hidden_dropout_prob,
                }
            }
        };
        Ok(ReferenceBert {
            vs,
            head,
            token_types: TokenTypes::Single,
        })
    }

    /// The same model, reading inputs whose token types are formed as `token_types` says.
    pub fn with_token_types(mut self, token_types: TokenTypes) -> ReferenceBert {
        self.token_types = token_types;
        self
    }

    /// Copies checkpoint tensors into the variable store. Returns the names the store expects
    /// that the checkpoint lacks (left at their initial values) and the checkpoint names it did
    /// not use. Shapes must match.
    pub fn load(&mut self, w: &Weights) -> Result<(Vec<String>, Vec<String>), ModelError> {
        let vars = self.vs.variables();
        let (missing, unused) = w.diff(vars.keys().map(|s| s.as_str()));
        tch::no_grad(|| -> Result<(), ModelError> {
            for (name, mut var) in vars {
                if let Some(t) = w.tensors.get(&name) {
                    if t.size() != var.size() {
                        return Err(ModelError::Invalid(format!(
                            "tensor {name} has shape {:?}, the model expects {:?}",
                            t.size(),
                            var.size()
                        )));
                    }
                    var.copy_(t);
                }
            }
            Ok(())
        })?;
        Ok((missing, unused))
    }

    /// Logits for a batch; `train` enables dropout.
    pub fn logits(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let types = self.token_types.ids(ids);
        match &self.head {
            Head::Cls(model) => {
                model
                    .forward_t(Some(ids), Some(mask), types.as_ref(), None, None, train)
                    .logits
            }
            Head::Mean {
                bert,
                pooler,
                classifier,
                dropout,
            } => {
                let states = bert
                    .forward_t(
                        Some(ids),
                        Some(mask),
                        types.as_ref(),
                        None,
                        None,
                        None,
                        None,
                        train,
                    )
                    .expect("ids are given, so rust-bert's shape check passes")
                    .hidden_state;
                let pooled = pooler.forward(&mean_over_tokens(&states, mask)).tanh();
                classifier.forward(&pooled.dropout(*dropout, train))
            }
        }
    }

    /// All variables with canonical names, for saving a checkpoint.
    pub fn named_tensors(&self) -> Vec<(String, Tensor)> {
        let mut v: Vec<(String, Tensor)> = self.vs.variables().into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}
