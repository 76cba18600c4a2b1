//! Packed model folders: a fine-tuned model that ships only the weights fine-tuning changed.
//!
//! A model fine-tuned from a large multilingual encoder with the word-embedding table frozen
//! keeps most of its bytes identical to the base. [`crate::model::pack`] writes
//! `model.delta.safetensors` (every tensor that differs from the base's) and `assembly.json`
//! (the base folder, the sha256 of the base files it needs, the tensors and files taken from
//! the base, and the sha256 the assembled `model.safetensors` must have). [`assemble`] rebuilds
//! `model.safetensors` from the base and the delta with the serializer training uses
//! ([`crate::model::save::serialize_stored`]) and copies the base's tokenizer files, so every
//! assembled file has the bytes the manifest lists; the folder then loads and verifies like any
//! other.
//!
//! The base folder is named by its path relative to the repository root (e.g.
//! `models/multilingual-e5-small`) and found again from the model folder upwards.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use safetensors::{Dtype, SafeTensors};
use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

use crate::hash::{sha256_file, sha256_hex};
use crate::model::manifest::FileEntry;
use crate::model::save::{serialize_stored, stored_tensor, StoredTensor};
use crate::model::weights::as_loaded;
use crate::model::{ModelError, WEIGHTS_FILE};

/// File name of the assembly record inside a packed model folder.
pub const ASSEMBLY_FILE: &str = "assembly.json";
/// File name of the tensors that differ from the base.
pub const DELTA_FILE: &str = "model.delta.safetensors";
/// Identifier of the assembly record's format.
pub const ASSEMBLY_FORMAT: &str = "strait-stance-assembly/1";

/// Why a model folder could not be packed or assembled.
#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    /// The model folder itself is unusable (manifest, weights).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A file could not be read or written.
    #[error("cannot access {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The folder has no `assembly.json`.
    #[error("{} is not a packed model folder (it has no {ASSEMBLY_FILE})", .0.display())]
    NotPacked(PathBuf),
    /// A file did not parse.
    #[error("cannot read {}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The base folder named in `assembly.json` is not there.
    #[error("base folder {name} (named in {ASSEMBLY_FILE}) not found in {} or any folder above it", model.display())]
    BaseNotFound {
        /// The base folder's name, relative to the repository root.
        name: String,
        /// The model folder searched from.
        model: PathBuf,
    },
    /// A base file is missing or not the one the model was packed against.
    #[error("base file {} is not the one this model was packed against: {problem}", file.display())]
    BaseMismatch {
        /// The base file.
        file: PathBuf,
        /// What differs.
        problem: String,
    },
    /// A file of the packed folder does not match `assembly.json`.
    #[error("{} does not match {ASSEMBLY_FILE}: {problem}", file.display())]
    Corrupt {
        /// The file.
        file: PathBuf,
        /// What differs.
        problem: String,
    },
    /// Packing: a tensor that must come from the base differs from the base's.
    #[error("tensor {tensor} cannot be taken from the base: {problem}")]
    TensorDiffers {
        /// The tensor's name.
        tensor: String,
        /// How it differs.
        problem: String,
    },
    /// The assembled bytes are not the original's.
    #[error("assembling {} gives sha256 {found}, but it must be {expected} (the manifest's)", file.display())]
    Reconstruction {
        /// The file being assembled.
        file: PathBuf,
        /// The sha256 it must have.
        expected: String,
        /// The sha256 assembling gave.
        found: String,
    },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> AssemblyError + '_ {
    move |source| AssemblyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where the base is and which of its files the model needs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaseRef {
    /// The base folder relative to the repository root, `/`-separated.
    pub dir: String,
    /// Every base file assembling reads, with its sha256 and size.
    pub files: BTreeMap<String, FileEntry>,
}

/// A tensor of the assembled weights that comes from the base.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaseTensor {
    /// Its name in the model's `model.safetensors`.
    pub name: String,
    /// Its name in the base's `model.safetensors` (often without the `bert.` prefix).
    pub base_name: String,
    /// The dtype it is stored in (the base's values converted as the checkpoint writer does).
    pub dtype: Dtype,
    /// Its shape.
    pub shape: Vec<usize>,
    /// sha256 of its stored bytes.
    pub sha256: String,
}

/// `assembly.json`: how a packed folder's assembled files are rebuilt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Assembly {
    /// Always [`ASSEMBLY_FORMAT`].
    pub format: String,
    /// The base folder and the base files it needs.
    pub base: BaseRef,
    /// The assembled `model.safetensors` (the manifest's entry).
    pub weights: FileEntry,
    /// `model.delta.safetensors`.
    pub delta: FileEntry,
    /// Tensors of the assembled weights taken from the base.
    pub tensors_from_base: Vec<BaseTensor>,
    /// Files copied unchanged from the base (their entries are in `base.files`).
    pub files_from_base: Vec<String>,
}

impl Assembly {
    /// Reads `dir/assembly.json`.
    pub fn read(dir: &Path) -> Result<Assembly, AssemblyError> {
        let path = dir.join(ASSEMBLY_FILE);
        if !path.is_file() {
            return Err(AssemblyError::NotPacked(dir.to_path_buf()));
        }
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let a: Assembly = serde_json::from_str(&text).map_err(|e| AssemblyError::Format {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if a.format != ASSEMBLY_FORMAT {
            return Err(AssemblyError::Format {
                path,
                message: format!(
                    "unknown format {:?} (expected {ASSEMBLY_FORMAT:?})",
                    a.format
                ),
            });
        }
        Ok(a)
    }

    /// The assembled files with the entry each must match: `model.safetensors` first, then the
    /// files copied from the base.
    pub fn assembled_files(&self) -> Vec<(String, FileEntry)> {
        let mut v = vec![(WEIGHTS_FILE.to_string(), self.weights.clone())];
        for f in &self.files_from_base {
            if let Some(e) = self.base.files.get(f) {
                v.push((f.clone(), e.clone()));
            }
        }
        v
    }
}

/// A safetensors file held in memory.
pub(crate) struct RawFile {
    /// Where it came from (for messages).
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl RawFile {
    /// Reads a file.
    pub fn read(path: &Path) -> Result<RawFile, AssemblyError> {
        let bytes = std::fs::read(path).map_err(io(path))?;
        Ok(RawFile {
            path: path.to_path_buf(),
            bytes,
        })
    }

    fn format_error(&self, e: safetensors::SafeTensorError) -> AssemblyError {
        AssemblyError::Format {
            path: self.path.clone(),
            message: format!("not a valid safetensors file ({e:?})"),
        }
    }

    /// The tensors.
    pub fn tensors(&self) -> Result<SafeTensors<'_>, AssemblyError> {
        SafeTensors::deserialize(&self.bytes).map_err(|e| self.format_error(e))
    }

    /// The header's `__metadata__`.
    pub fn metadata(&self) -> Result<Option<HashMap<String, String>>, AssemblyError> {
        let (_, m) = SafeTensors::read_metadata(&self.bytes).map_err(|e| self.format_error(e))?;
        Ok(m.metadata().clone())
    }

    /// The tensor `name`.
    pub fn view<'a>(
        &self,
        st: &'a SafeTensors<'a>,
        name: &str,
    ) -> Result<safetensors::tensor::TensorView<'a>, AssemblyError> {
        st.tensor(name).map_err(|e| AssemblyError::Format {
            path: self.path.clone(),
            message: format!("tensor {name}: {e:?}"),
        })
    }
}

/// libtorch's kind for a stored dtype the checkpoint writer can convert.
fn kind_of(dtype: Dtype) -> Option<Kind> {
    match dtype {
        Dtype::F16 => Some(Kind::Half),
        Dtype::BF16 => Some(Kind::BFloat16),
        Dtype::F32 => Some(Kind::Float),
        Dtype::F64 => Some(Kind::Double),
        Dtype::I64 => Some(Kind::Int64),
        _ => None,
    }
}

/// The base tensor `view` as the checkpoint writer stores it in `dtype`, named `name`: read as
/// training reads it (fp32), then converted as the writer converts it. `None` when the writer
/// cannot store it in that dtype.
pub(crate) fn base_as_stored(
    name: &str,
    view: &safetensors::tensor::TensorView,
    dtype: Dtype,
) -> Result<Option<StoredTensor>, ModelError> {
    let Some(kind) = kind_of(view.dtype()) else {
        return Ok(None);
    };
    let shape: Vec<i64> = view.shape().iter().map(|&d| d as i64).collect();
    let numel: usize = view.shape().iter().product();
    if view.data().len() != numel * kind.elt_size_in_bytes() {
        return Err(ModelError::Invalid(format!(
            "tensor {name}: {} bytes for shape {shape:?}",
            view.data().len()
        )));
    }
    let t = Tensor::f_from_data_size(view.data(), &shape, kind)
        .map_err(|e| ModelError::Invalid(format!("tensor {name}: {e}")))?;
    let stored = stored_tensor(name, &as_loaded(t), dtype == Dtype::F16)?;
    Ok(Some(stored).filter(|s| s.dtype == dtype))
}

/// The bytes of the assembled `model.safetensors`: the delta's tensors and the base tensors
/// named in `a`, converted and serialized exactly as the checkpoint writer does, with the
/// delta's metadata (the original file's).
pub(crate) fn build_weights(
    delta: &RawFile,
    base: &RawFile,
    a: &Assembly,
) -> Result<Vec<u8>, AssemblyError> {
    let metadata = delta.metadata()?;
    let d = delta.tensors()?;
    let mut all: Vec<StoredTensor> = d
        .tensors()
        .into_iter()
        .map(|(name, v)| StoredTensor {
            name,
            dtype: v.dtype(),
            shape: v.shape().to_vec(),
            bytes: v.data().to_vec(),
        })
        .collect();
    let b = base.tensors()?;
    for bt in &a.tensors_from_base {
        let view = base.view(&b, &bt.base_name)?;
        let stored = base_as_stored(&bt.name, &view, bt.dtype)?
            .filter(|s| s.shape == bt.shape)
            .ok_or_else(|| AssemblyError::BaseMismatch {
                file: base.path.clone(),
                problem: format!(
                    "tensor {} cannot be stored as {:?} {:?}",
                    bt.base_name, bt.dtype, bt.shape
                ),
            })?;
        let sha = sha256_hex(&stored.bytes);
        if sha != bt.sha256 {
            return Err(AssemblyError::BaseMismatch {
                file: base.path.clone(),
                problem: format!(
                    "tensor {} converts to sha256 {sha}, {ASSEMBLY_FILE} says {}",
                    bt.base_name, bt.sha256
                ),
            });
        }
        all.push(stored);
    }
    Ok(serialize_stored(&all, &metadata)?)
}

/// `path` made absolute and cleaned of `.` and `..` without following symlinks (a base
/// folder that is a symlink keeps its own name).
pub(crate) fn lexical_absolute(path: &Path) -> Result<PathBuf, AssemblyError> {
    let abs = std::path::absolute(path).map_err(io(path))?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Finds the base folder `name` from the model folder upwards: the first of `model/name`,
/// `model/../name`, … that is a folder (for `models/x`, the repository root's `name`).
pub fn resolve_base(model: &Path, name: &str) -> Result<PathBuf, AssemblyError> {
    let abs = lexical_absolute(model)?;
    abs.ancestors()
        .map(|a| a.join(name))
        .find(|c| c.is_dir())
        .ok_or_else(|| AssemblyError::BaseNotFound {
            name: name.to_string(),
            model: model.to_path_buf(),
        })
}

/// Checks that a file has the size and sha256 of `entry`; `Err(problem)` says how it differs.
fn check_entry(path: &Path, entry: &FileEntry) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read ({e})"))?;
    if meta.len() != entry.size {
        return Err(format!(
            "size is {} bytes, expected {}",
            meta.len(),
            entry.size
        ));
    }
    let (sha, _) = sha256_file(path).map_err(|e| format!("cannot be read ({e})"))?;
    if sha != entry.sha256 {
        return Err(format!("sha256 is {sha}, expected {}", entry.sha256));
    }
    Ok(())
}

/// What [`assemble`] is asked to do.
#[derive(Debug, Clone)]
pub struct AssembleSettings {
    /// The packed model folder.
    pub dir: PathBuf,
    /// The base folder, when not the one `assembly.json` names (found from the model folder
    /// upwards).
    pub base: Option<PathBuf>,
}

/// What [`assemble`] did.
#[derive(Debug, Clone, Serialize)]
pub struct AssembleReport {
    /// The model folder.
    pub dir: PathBuf,
    /// The base folder read (`None` when nothing had to be rebuilt).
    pub base: Option<PathBuf>,
    /// Files written, `model.safetensors` first.
    pub written: Vec<String>,
    /// Files found already assembled (sha256 checked).
    pub unchanged: Vec<String>,
}

/// Rebuilds a packed folder's `model.safetensors` and copies its base files, each written
/// atomically and only when missing or different; every file written has the sha256 the
/// manifest lists, or nothing is written. A folder already assembled is only re-checked.
pub fn assemble(s: &AssembleSettings) -> Result<AssembleReport, AssemblyError> {
    let a = Assembly::read(&s.dir)?;
    let mut report = AssembleReport {
        dir: s.dir.clone(),
        base: None,
        written: Vec::new(),
        unchanged: Vec::new(),
    };
    let mut todo = Vec::new();
    for (name, entry) in a.assembled_files() {
        match check_entry(&s.dir.join(&name), &entry) {
            Ok(()) => report.unchanged.push(name),
            Err(_) => todo.push((name, entry)),
        }
    }
    if todo.is_empty() {
        return Ok(report);
    }
    let base = match &s.base {
        Some(b) if b.is_dir() => b.clone(),
        Some(b) => {
            return Err(AssemblyError::BaseNotFound {
                name: b.display().to_string(),
                model: s.dir.clone(),
            })
        }
        None => resolve_base(&s.dir, &a.base.dir)?,
    };
    for (name, entry) in &a.base.files {
        let path = base.join(name);
        check_entry(&path, entry).map_err(|problem| AssemblyError::BaseMismatch {
            file: path,
            problem,
        })?;
    }
    for (name, entry) in todo {
        if name == WEIGHTS_FILE {
            write_weights(&s.dir, &base, &a)?;
        } else {
            copy_checked(&base.join(&name), &s.dir.join(&name), &entry)?;
        }
        report.written.push(name);
    }
    report.base = Some(base);
    Ok(report)
}

/// Assembles `dir/model.safetensors` from the delta and the base, checks its sha256, then
/// writes it atomically.
fn write_weights(dir: &Path, base: &Path, a: &Assembly) -> Result<(), AssemblyError> {
    let delta = RawFile::read(&dir.join(DELTA_FILE))?;
    let sha = sha256_hex(&delta.bytes);
    if sha != a.delta.sha256 {
        return Err(AssemblyError::Corrupt {
            file: delta.path.clone(),
            problem: format!("sha256 is {sha}, expected {}", a.delta.sha256),
        });
    }
    let base_weights = RawFile::read(&base.join(WEIGHTS_FILE))?;
    let bytes = build_weights(&delta, &base_weights, a)?;
    drop((delta, base_weights));
    let out = dir.join(WEIGHTS_FILE);
    let found = sha256_hex(&bytes);
    if found != a.weights.sha256 {
        return Err(AssemblyError::Reconstruction {
            file: out,
            expected: a.weights.sha256.clone(),
            found,
        });
    }
    crate::fsio::atomic_write(&out, &bytes).map_err(io(&out))
}

/// Copies a base file whose bytes must match `entry`, atomically.
fn copy_checked(src: &Path, dest: &Path, entry: &FileEntry) -> Result<(), AssemblyError> {
    let bytes = std::fs::read(src).map_err(io(src))?;
    let sha = sha256_hex(&bytes);
    if sha != entry.sha256 {
        return Err(AssemblyError::BaseMismatch {
            file: src.to_path_buf(),
            problem: format!("sha256 is {sha}, expected {}", entry.sha256),
        });
    }
    crate::fsio::atomic_write(dest, &bytes).map_err(io(dest))
}

/// For a packed folder whose manifest check failed on a file that assembling writes, the
/// error that says so; any other error unchanged.
pub fn explain_unassembled(dir: &Path, e: ModelError) -> ModelError {
    let ModelError::Integrity { file, .. } = &e else {
        return e;
    };
    let Ok(a) = Assembly::read(dir) else {
        return e;
    };
    let assembled = a
        .assembled_files()
        .iter()
        .any(|(name, _)| file.file_name() == Some(std::ffi::OsStr::new(name)));
    if assembled {
        ModelError::NotAssembled {
            dir: dir.to_path_buf(),
            problem: e.to_string(),
        }
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_keep_symlink_names_and_drop_dots() {
        let p = lexical_absolute(Path::new("/a/b/../c/./d")).unwrap();
        assert_eq!(p, PathBuf::from("/a/c/d"));
    }

    #[test]
    fn fp32_base_tensors_are_stored_as_the_writer_stores_them() {
        let t = Tensor::from_slice(&[0.1f32, -2.5, 65504.0, 1e-8]);
        let mut bytes = vec![0u8; 16];
        t.copy_data_u8(&mut bytes, 4);
        let view = safetensors::tensor::TensorView::new(Dtype::F32, vec![4], &bytes).unwrap();
        let half = base_as_stored("x", &view, Dtype::F16).unwrap().unwrap();
        let direct = stored_tensor("x", &t, true).unwrap();
        assert_eq!(half, direct);
        let full = base_as_stored("x", &view, Dtype::F32).unwrap().unwrap();
        assert_eq!(full.bytes, bytes);
        assert!(base_as_stored("x", &view, Dtype::I64).unwrap().is_none());
    }
}
