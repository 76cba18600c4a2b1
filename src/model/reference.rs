//! rust-bert's `BertForSequenceClassification`: the reference implementation and the model
//! that `stance train` fine-tunes (it carries dropout and gradients).

use tch::nn::VarStore;
use tch::{Device, Tensor};

use rust_bert::bert::BertForSequenceClassification;

use crate::model::bert::TokenTypes;
use crate::model::config::BertConfig;
use crate::model::weights::Weights;
use crate::model::ModelError;

/// rust-bert's classifier with the variable store that owns its weights.
pub struct ReferenceBert {
    /// Owns every trainable tensor (names as in Hugging Face checkpoints, `bert.` prefixed).
    pub vs: VarStore,
    /// The model; `forward_t(.., train)` switches dropout.
    pub model: BertForSequenceClassification,
    /// How token types are formed from the ids.
    token_types: TokenTypes,
}

impl ReferenceBert {
    /// Builds rust-bert's model (random weights, seeded by the caller through `tch::manual_seed`).
    pub fn new(cfg: &BertConfig) -> Result<ReferenceBert, ModelError> {
        let vs = VarStore::new(Device::Cpu);
        let model = BertForSequenceClassification::new(vs.root(), &cfg.to_rust_bert())
            .map_err(|e| ModelError::Invalid(format!("rust-bert refused the config: {e}")))?;
        Ok(ReferenceBert {
            vs,
            model,
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
        self.model
            .forward_t(Some(ids), Some(mask), types.as_ref(), None, None, train)
            .logits
    }

    /// All variables with canonical names, for saving a checkpoint.
    pub fn named_tensors(&self) -> Vec<(String, Tensor)> {
        let mut v: Vec<(String, Tensor)> = self.vs.variables().into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}
