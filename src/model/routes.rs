//! Routing by language: which model reads which statement.
//!
//! With one model (`--model` given, or no Chinese model installed) every statement goes to it.
//! By default English and other non-Han text stays on the fast English model and Chinese text
//! ([`crate::language::detect`]) goes to the multilingual model, which is loaded the first
//! time a Chinese statement arrives: an English-only run never pays for it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::manifest::{self, Manifest};
use super::{LoadOptions, ModelError, Precision, StanceModel};
use crate::language::Lang;

/// Name and digest of a model, known before its weights are loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelId {
    /// Manifest name.
    pub name: String,
    /// Digest over the predictive files (`model_sha256`).
    pub sha256: String,
}

/// The Chinese route: a verified model folder, loaded on first use.
struct Lazy {
    dir: PathBuf,
    opts: LoadOptions,
    id: ModelId,
    model: OnceLock<StanceModel>,
}

/// The models of a run and which language each reads.
pub struct Routes {
    primary: StanceModel,
    chinese: Option<Lazy>,
}

impl Routes {
    /// Every statement goes to `model`.
    pub fn single(model: StanceModel) -> Routes {
        Routes {
            primary: model,
            chinese: None,
        }
    }

    /// English (and everything not Chinese) goes to `primary`, Chinese to the model in `dir`.
    /// Reads `dir`'s manifest now (its name and digest); the weights are verified and loaded
    /// when the first Chinese statement arrives.
    pub fn with_chinese(
        primary: StanceModel,
        dir: &Path,
        opts: LoadOptions,
    ) -> Result<Routes, ModelError> {
        let m = Manifest::read(dir)?;
        let id = ModelId {
            name: m.name.clone(),
            sha256: manifest::model_digest(&m.files),
        };
        Ok(Routes {
            primary,
            chinese: Some(Lazy {
                dir: dir.to_path_buf(),
                opts,
                id,
                model: OnceLock::new(),
            }),
        })
    }

    /// The model that reads everything without a route of its own.
    pub fn primary(&self) -> &StanceModel {
        &self.primary
    }

    /// Whether Chinese statements go to a model of their own.
    pub fn is_routed(&self) -> bool {
        self.chinese.is_some()
    }

    /// Groups item indices by the model that reads them: `(lang, indices)` per non-empty
    /// group, the primary model's first. `langs[i]` is item `i`'s language.
    pub fn partition(&self, langs: &[Lang]) -> Vec<(Lang, Vec<usize>)> {
        let groups: Vec<(Lang, Vec<usize>)> = if self.is_routed() {
            [Lang::En, Lang::Zh]
                .into_iter()
                .map(|l| (l, (0..langs.len()).filter(|&i| langs[i] == l).collect()))
                .collect()
        } else {
            vec![(Lang::En, (0..langs.len()).collect())]
        };
        groups.into_iter().filter(|(_, g)| !g.is_empty()).collect()
    }

    /// The model that reads statements in `lang` (loading it on first use).
    pub fn model_for(&self, lang: Lang) -> Result<&StanceModel, ModelError> {
        match (lang, &self.chinese) {
            (Lang::Zh, Some(z)) => {
                if let Some(m) = z.model.get() {
                    return Ok(m);
                }
                let loaded = StanceModel::load(&z.dir, &z.opts)?;
                if loaded.info.sha256 != z.id.sha256 {
                    return Err(ModelError::Integrity {
                        file: z.dir.join(manifest::MANIFEST_FILE),
                        problem: "the model changed while the run was starting".into(),
                    });
                }
                let _ = z.model.set(loaded);
                z.model
                    .get()
                    .ok_or_else(|| ModelError::Invalid("the Chinese model did not load".into()))
            }
            _ => Ok(&self.primary),
        }
    }

    /// Name and digest of the model that reads `lang`.
    pub fn id_for(&self, lang: Lang) -> ModelId {
        match (lang, &self.chinese) {
            (Lang::Zh, Some(z)) => z.id.clone(),
            _ => ModelId {
                name: self.primary.info.name.clone(),
                sha256: self.primary.info.sha256.clone(),
            },
        }
    }

    /// Every model of the run with the languages it reads, primary first.
    pub fn ids(&self) -> Vec<(ModelId, &'static str)> {
        match &self.chinese {
            None => vec![(self.id_for(Lang::En), "all")],
            Some(z) => vec![(self.id_for(Lang::En), "en"), (z.id.clone(), "zh")],
        }
    }

    /// The Chinese model, if one was loaded during the run.
    pub fn loaded_chinese(&self) -> Option<&StanceModel> {
        self.chinese.as_ref().and_then(|z| z.model.get())
    }

    /// A short description for summaries: `name` or `name (en) + name (zh)`, each name
    /// followed by ` int8` when its linear layers are int8.
    pub fn describe(&self) -> String {
        let named = |name: &str, precision: Precision| match precision {
            Precision::Fp32 => name.to_string(),
            Precision::Int8 => format!("{name} int8"),
        };
        let primary = named(&self.primary.info.name, self.primary.info.precision);
        match &self.chinese {
            None => primary,
            Some(z) => format!(
                "{primary} (en) + {} (zh)",
                named(&z.id.name, z.opts.precision)
            ),
        }
    }
}
