//! `manifest.json`: checksums, sizes and provenance of a model folder.
//!
//! `classify` and `eval` verify every listed file (size, then sha256) before loading anything,
//! so a flipped byte, a truncated download or a missing file is refused with the file's name
//! rather than producing quietly wrong labels.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::ModelError;

/// File name of the manifest inside a model folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Identifier of the manifest format.
pub const MANIFEST_FORMAT: &str = "strait-stance-model/1";

/// Size and digest of one file in a model folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// The manifest of a model folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Model name, e.g. `stance-minilm-v3`.
    pub name: String,
    /// When the manifest was written (RFC 3339).
    pub created: String,
    /// Every file of the folder but the manifest itself.
    pub files: BTreeMap<String, FileEntry>,
    /// Provenance and quality: base model, data checksums, hyper-parameters, metrics.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub info: serde_json::Map<String, serde_json::Value>,
}

pub use crate::hash::{sha256_file, sha256_hex};

impl Manifest {
    /// Builds a manifest over every regular file in `dir` (except the manifest).
    pub fn build(
        dir: &Path,
        name: &str,
        info: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Manifest, ModelError> {
        let mut files = BTreeMap::new();
        let entries = std::fs::read_dir(dir).map_err(|source| ModelError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ModelError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let path = entry.path();
            let fname = entry.file_name().to_string_lossy().to_string();
            if fname == MANIFEST_FILE || fname.starts_with('.') || !path.is_file() {
                continue;
            }
            let (sha256, size) = sha256_file(&path).map_err(|source| ModelError::Io {
                path: path.clone(),
                source,
            })?;
            files.insert(fname, FileEntry { sha256, size });
        }
        Ok(Manifest {
            format: MANIFEST_FORMAT.into(),
            name: name.into(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            files,
            info,
        })
    }

    /// Reads `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<Manifest, ModelError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| ModelError::Io {
            path: path.clone(),
            source,
        })?;
        let m: Manifest = serde_json::from_str(&text).map_err(|source| ModelError::Config {
            path: path.clone(),
            source,
        })?;
        if m.format != MANIFEST_FORMAT {
            return Err(ModelError::Invalid(format!(
                "{}: unknown manifest format {:?} (expected {MANIFEST_FORMAT:?})",
                path.display(),
                m.format
            )));
        }
        Ok(m)
    }

    /// Writes `dir/manifest.json` (pretty-printed, atomically).
    pub fn write(&self, dir: &Path) -> Result<PathBuf, ModelError> {
        let path = dir.join(MANIFEST_FILE);
        let text = serde_json::to_string_pretty(self).map_err(|source| ModelError::Config {
            path: path.clone(),
            source,
        })?;
        crate::fsio::atomic_write(&path, format!("{text}\n").as_bytes()).map_err(|source| {
            ModelError::Io {
                path: path.clone(),
                source,
            }
        })?;
        Ok(path)
    }

    /// Checks every listed file against its size and sha256. The cheap size check runs first
    /// for all files so a truncated file is reported without hashing gigabytes.
    pub fn verify(&self, dir: &Path) -> Result<(), ModelError> {
        for (name, entry) in &self.files {
            let path = dir.join(name);
            let meta = std::fs::metadata(&path).map_err(|source| ModelError::Integrity {
                file: path.clone(),
                problem: format!("listed in {MANIFEST_FILE} but cannot be read: {source}"),
            })?;
            if meta.len() != entry.size {
                return Err(ModelError::Integrity {
                    file: path.clone(),
                    problem: format!(
                        "size is {} bytes, manifest says {} (truncated or replaced)",
                        meta.len(),
                        entry.size
                    ),
                });
            }
        }
        for (name, entry) in &self.files {
            let path = dir.join(name);
            let (sha, _) = sha256_file(&path).map_err(|source| ModelError::Io {
                path: path.clone(),
                source,
            })?;
            if sha != entry.sha256 {
                return Err(ModelError::Integrity {
                    file: path,
                    problem: format!(
                        "sha256 is {sha}, manifest says {} (the file was modified or corrupted)",
                        entry.sha256
                    ),
                });
            }
        }
        Ok(())
    }
}

/// One digest for the files that decide a model's predictions. Stable across folder moves and
/// unrelated files (a README), different whenever weights, tokenizer, config or calibration change.
pub fn model_digest(files: &BTreeMap<String, FileEntry>) -> String {
    let mut h = Sha256::new();
    for (name, entry) in files {
        if crate::model::PREDICTIVE_FILES.contains(&name.as_str()) {
            h.update(name.as_bytes());
            h.update([0u8]);
            h.update(entry.sha256.as_bytes());
            h.update([b'\n']);
        }
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_catches_flips_truncation_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.bin"), b"hello world").unwrap();
        std::fs::write(dir.path().join("b.json"), b"{}").unwrap();
        let m = Manifest::build(dir.path(), "t", Default::default()).unwrap();
        m.write(dir.path()).unwrap();
        let m = Manifest::read(dir.path()).unwrap();
        m.verify(dir.path()).unwrap();

        std::fs::write(dir.path().join("a.bin"), b"hello worle").unwrap();
        let e = m.verify(dir.path()).unwrap_err().to_string();
        assert!(e.contains("a.bin") && e.contains("sha256"), "{e}");

        std::fs::write(dir.path().join("a.bin"), b"hello").unwrap();
        let e = m.verify(dir.path()).unwrap_err().to_string();
        assert!(e.contains("a.bin") && e.contains("size"), "{e}");

        std::fs::remove_file(dir.path().join("b.json")).unwrap();
        std::fs::write(dir.path().join("a.bin"), b"hello world").unwrap();
        let e = m.verify(dir.path()).unwrap_err().to_string();
        assert!(e.contains("b.json"), "{e}");
    }

    #[test]
    fn digest_ignores_non_predictive_files() {
        let mut files = BTreeMap::new();
        files.insert(
            "model.safetensors".to_string(),
            FileEntry {
                sha256: "aa".into(),
                size: 1,
            },
        );
        let d1 = model_digest(&files);
        files.insert(
            "README.md".to_string(),
            FileEntry {
                sha256: "bb".into(),
                size: 1,
            },
        );
        assert_eq!(d1, model_digest(&files));
        files.insert(
            "calibration.json".to_string(),
            FileEntry {
                sha256: "cc".into(),
                size: 1,
            },
        );
        assert_ne!(d1, model_digest(&files));
    }
}
