//! Reading `model.safetensors` and matching tensor names to a BERT classifier.
//!
//! Hugging Face writes `BertForSequenceClassification` weights as `bert.encoder…` and
//! `classifier.…`, while a bare encoder (such as all-MiniLM-L6-v2) has no `bert.` prefix. Names
//! are normalised to the prefixed form, and the caller learns which tensors were missing or unused.

use std::collections::BTreeMap;
use std::path::Path;

use tch::{Kind, Tensor};

use crate::model::ModelError;

/// File name of the weights inside a model folder. Only safetensors are ever read: pickle-based
/// formats (`pytorch_model.bin`, `.pt`, `.ot`) can run code and are refused.
pub const WEIGHTS_FILE: &str = "model.safetensors";

/// Weight files we refuse to load, with the reason.
const PICKLE_FILES: [&str; 3] = ["pytorch_model.bin", "rust_model.ot", "model.pt"];

/// Tensors of a checkpoint under canonical (`bert.`-prefixed) names, as fp32.
pub struct Weights {
    /// Canonical name → tensor.
    pub tensors: BTreeMap<String, Tensor>,
    /// Storage dtype found in the file (e.g. `F16` for the shipped model).
    pub stored_kind: Option<Kind>,
}

/// Canonical name of a tensor: encoder weights get the `bert.` prefix.
pub fn canonical_name(name: &str) -> String {
    if name.starts_with("bert.") || name.starts_with("classifier.") {
        name.to_string()
    } else {
        format!("bert.{name}")
    }
}

/// Tensors that exist in some checkpoints but are not weights (buffers); never reported as unused.
fn is_buffer(name: &str) -> bool {
    name.ends_with("embeddings.position_ids")
}

fn is_floating(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Half | Kind::BFloat16 | Kind::Float | Kind::Double
    )
}

/// A stored tensor as models and training hold it: floating tensors in fp32, others unchanged.
pub fn as_loaded(t: Tensor) -> Tensor {
    if is_floating(t.kind()) {
        t.to_kind(Kind::Float)
    } else {
        t
    }
}

impl Weights {
    /// Reads `dir/model.safetensors`, converting every floating tensor to fp32.
    pub fn read(dir: &Path) -> Result<Weights, ModelError> {
        let path = dir.join(WEIGHTS_FILE);
        if !path.exists() {
            if let Some(p) = PICKLE_FILES.iter().find(|p| dir.join(p).exists()) {
                return Err(ModelError::Invalid(format!(
                    "{} holds {p}, a pickle-based format that can run code when loaded; only \
                     {WEIGHTS_FILE} is accepted (convert with safetensors' convert script)",
                    dir.display()
                )));
            }
            return Err(ModelError::Invalid(format!(
                "{} has no {WEIGHTS_FILE}",
                dir.display()
            )));
        }
        let raw = Tensor::read_safetensors(&path).map_err(|source| ModelError::Weights {
            path: path.clone(),
            source,
        })?;
        let mut tensors = BTreeMap::new();
        let mut stored_kind = None;
        for (name, t) in raw {
            if is_buffer(&name) {
                continue;
            }
            let kind = t.kind();
            if is_floating(kind) {
                stored_kind.get_or_insert(kind);
            }
            tensors.insert(canonical_name(&name), as_loaded(t));
        }
        Ok(Weights {
            tensors,
            stored_kind,
        })
    }

    /// Takes the tensor `name` (canonical), checking its shape.
    pub fn get(&self, name: &str, shape: &[i64]) -> Result<&Tensor, ModelError> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| ModelError::MissingTensors(vec![name.to_string()]))?;
        if t.size() != shape {
            return Err(ModelError::Invalid(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                t.size()
            )));
        }
        Ok(t)
    }

    /// Names a model expects that the file lacks, and names in the file that the model does not
    /// use. Both sorted.
    pub fn diff<'a>(
        &self,
        expected: impl IntoIterator<Item = &'a str>,
    ) -> (Vec<String>, Vec<String>) {
        let expected: std::collections::BTreeSet<&str> = expected.into_iter().collect();
        let missing = expected
            .iter()
            .filter(|n| !self.tensors.contains_key(**n))
            .map(|s| s.to_string())
            .collect();
        let unused = self
            .tensors
            .keys()
            .filter(|n| !expected.contains(n.as_str()))
            .cloned()
            .collect();
        (missing, unused)
    }
}

/// Every tensor name a BERT sequence classifier with `layers` layers has, canonical form.
pub fn expected_names(layers: i64) -> Vec<String> {
    let mut v: Vec<String> = [
        "bert.embeddings.word_embeddings.weight",
        "bert.embeddings.position_embeddings.weight",
        "bert.embeddings.token_type_embeddings.weight",
        "bert.embeddings.LayerNorm.weight",
        "bert.embeddings.LayerNorm.bias",
        "bert.pooler.dense.weight",
        "bert.pooler.dense.bias",
        "classifier.weight",
        "classifier.bias",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in 0..layers {
        for part in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
            "intermediate.dense",
            "output.dense",
        ] {
            v.push(format!("bert.encoder.layer.{i}.{part}.weight"));
            v.push(format!("bert.encoder.layer.{i}.{part}.bias"));
        }
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
            v.push(format!("bert.encoder.layer.{i}.{ln}.weight"));
            v.push(format!("bert.encoder.layer.{i}.{ln}.bias"));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_normalised() {
        assert_eq!(
            canonical_name("encoder.layer.0.output.dense.weight"),
            "bert.encoder.layer.0.output.dense.weight"
        );
        assert_eq!(
            canonical_name("bert.pooler.dense.bias"),
            "bert.pooler.dense.bias"
        );
        assert_eq!(canonical_name("classifier.weight"), "classifier.weight");
    }

    #[test]
    fn expected_name_count() {
        // 9 top-level + 16 per layer.
        assert_eq!(expected_names(6).len(), 9 + 16 * 6);
    }
}
