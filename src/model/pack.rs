//! Packing a fine-tuned model folder so it ships without what it shares with its base encoder
//! (see [`crate::model::assembly`] for the format and for assembling it back).
//!
//! [`pack`] verifies the folder against its manifest, compares every tensor with the base's
//! after the conversion the checkpoint writer applies, checks that assembling the result gives
//! back the manifest's `model.safetensors` byte for byte, and only then writes
//! `model.delta.safetensors` and, last, `assembly.json` (both atomically). The full files stay
//! in place; a packed folder is told apart by its `assembly.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use safetensors::SafeTensors;
use serde::Serialize;

use crate::hash::{sha256_file, sha256_hex};
use crate::model::assembly::{
    base_as_stored, build_weights, io, lexical_absolute, Assembly, AssemblyError, BaseRef,
    BaseTensor, RawFile, ASSEMBLY_FILE, ASSEMBLY_FORMAT, DELTA_FILE,
};
use crate::model::manifest::FileEntry;
use crate::model::save::{serialize_stored, StoredTensor};
use crate::model::weights::canonical_name;
use crate::model::{verify_dir, ModelError, MANIFEST_FILE, WEIGHTS_FILE};

/// What [`pack`] is asked to do.
#[derive(Debug, Clone)]
pub struct PackSettings {
    /// The fine-tuned model folder (with its manifest).
    pub dir: PathBuf,
    /// The base encoder it was fine-tuned from.
    pub base: PathBuf,
    /// Tensors that must be taken from the base: packing fails when one differs from it.
    pub from_base: Vec<String>,
}

/// What [`pack`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct PackReport {
    /// The base folder as `assembly.json` names it.
    pub base_name: String,
    /// Tensors in the delta.
    pub delta_tensors: usize,
    /// Tensors in the full weights.
    pub total_tensors: usize,
    /// Tensors taken from the base.
    pub tensors_from_base: Vec<String>,
    /// Files copied from the base at assembly.
    pub files_from_base: Vec<String>,
    /// Files a repository needs to hold the packed folder, with their sizes.
    pub shipped: BTreeMap<String, u64>,
    /// Bytes of the full folder (every manifest file and the manifest).
    pub full_bytes: u64,
}

impl PackReport {
    /// Bytes of the files a repository holds for the packed folder.
    pub fn shipped_bytes(&self) -> u64 {
        self.shipped.values().sum()
    }
}

/// The model's tensors split into those that differ from the base and those taken from it.
struct Split {
    delta: Vec<StoredTensor>,
    from_base: Vec<BaseTensor>,
}

/// The base tensor names by canonical (`bert.`-prefixed) name.
fn canonical_index(st: &SafeTensors) -> BTreeMap<String, String> {
    st.names()
        .into_iter()
        .map(|n| (canonical_name(n), n.clone()))
        .collect()
}

/// Splits the model's tensors; fails when a tensor in `required` is not bit-identical to the
/// base's (after the writer's conversion) or is not in the model.
fn split(model: &RawFile, base: &RawFile, required: &[String]) -> Result<Split, AssemblyError> {
    let m = model.tensors()?;
    let b = base.tensors()?;
    let index = canonical_index(&b);
    let required: Vec<String> = required.iter().map(|r| canonical_name(r)).collect();
    let mut out = Split {
        delta: Vec::new(),
        from_base: Vec::new(),
    };
    let mut names: Vec<&String> = m.names();
    names.sort();
    for name in names {
        let view = model.view(&m, name)?;
        let canon = canonical_name(name);
        let candidate = match index.get(&canon) {
            Some(bname) => base_as_stored(name, &base.view(&b, bname)?, view.dtype())?
                .map(|s| (bname.clone(), s)),
            None => None,
        };
        match candidate {
            Some((base_name, s)) if s.shape == view.shape() && s.bytes == view.data() => {
                out.from_base.push(BaseTensor {
                    name: name.clone(),
                    base_name,
                    dtype: s.dtype,
                    shape: s.shape,
                    sha256: sha256_hex(&s.bytes),
                });
            }
            other => {
                if required.contains(&canon) {
                    return Err(AssemblyError::TensorDiffers {
                        tensor: name.clone(),
                        problem: difference(other.map(|(_, s)| s), &view),
                    });
                }
                out.delta.push(StoredTensor {
                    name: name.clone(),
                    dtype: view.dtype(),
                    shape: view.shape().to_vec(),
                    bytes: view.data().to_vec(),
                });
            }
        }
    }
    let in_model: Vec<String> = m.names().into_iter().map(|n| canonical_name(n)).collect();
    if let Some(r) = required.iter().find(|r| !in_model.contains(r)) {
        return Err(AssemblyError::TensorDiffers {
            tensor: r.clone(),
            problem: "the model has no such tensor".into(),
        });
    }
    Ok(out)
}

/// How a model tensor differs from the base's stored form (`None`: the base has none).
fn difference(base: Option<StoredTensor>, view: &safetensors::tensor::TensorView) -> String {
    let Some(b) = base else {
        return format!(
            "the base has no tensor of that name storable as {:?}",
            view.dtype()
        );
    };
    if b.shape != view.shape() {
        return format!("its shape is {:?}, the base's {:?}", view.shape(), b.shape);
    }
    let width = view.dtype().size().max(1);
    let differing = b
        .bytes
        .chunks(width)
        .zip(view.data().chunks(width))
        .filter(|(x, y)| x != y)
        .count();
    format!(
        "{differing} of {} values differ from the base's (compared as {:?}; was the table \
         frozen during fine-tuning?)",
        b.bytes.len() / width,
        view.dtype()
    )
}

/// The base folder's name relative to the repository root: the nearest folder above the
/// model folder that holds `.git`, else the nearest folder above both.
fn base_name(model: &Path, base: &Path) -> Result<String, AssemblyError> {
    let model = lexical_absolute(model)?;
    let base = lexical_absolute(base)?;
    let root = model
        .ancestors()
        .find(|a| a.join(".git").exists() && base.starts_with(a))
        .or_else(|| model.ancestors().find(|a| base.starts_with(a)))
        .unwrap_or(Path::new("/"));
    let rel = base.strip_prefix(root).unwrap_or(&base);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    Ok(parts.join("/"))
}

/// Files of the model folder that are byte-identical to the base's file of the same name
/// (the tokenizer files training copied), with their entries.
fn files_from_base(
    files: &BTreeMap<String, FileEntry>,
    base: &Path,
) -> Result<BTreeMap<String, FileEntry>, AssemblyError> {
    let mut out = BTreeMap::new();
    for (name, entry) in files {
        if [WEIGHTS_FILE, MANIFEST_FILE, ASSEMBLY_FILE, DELTA_FILE].contains(&name.as_str()) {
            continue;
        }
        let path = base.join(name);
        if !path.is_file() {
            continue;
        }
        let (sha256, size) = sha256_file(&path).map_err(io(&path))?;
        if sha256 == entry.sha256 {
            out.insert(name.clone(), FileEntry { sha256, size });
        }
    }
    Ok(out)
}

/// Packs a fine-tuned model folder against its base (see the module documentation).
pub fn pack(s: &PackSettings) -> Result<PackReport, AssemblyError> {
    let (files, _) = verify_dir(&s.dir, false)?;
    let weights = files
        .get(WEIGHTS_FILE)
        .cloned()
        .ok_or_else(|| ModelError::Invalid(format!("{} lists no {WEIGHTS_FILE}", MANIFEST_FILE)))?;
    let model = RawFile::read(&s.dir.join(WEIGHTS_FILE))?;
    let base_weights = RawFile::read(&s.base.join(WEIGHTS_FILE))?;
    let parts = split(&model, &base_weights, &s.from_base)?;
    let total_tensors = parts.delta.len() + parts.from_base.len();
    let delta = RawFile {
        path: s.dir.join(DELTA_FILE),
        bytes: serialize_stored(&parts.delta, &model.metadata()?)?,
    };
    drop(model);
    let copied = files_from_base(&files, &s.base)?;
    let mut base_files = copied.clone();
    base_files.insert(
        WEIGHTS_FILE.into(),
        FileEntry {
            sha256: sha256_hex(&base_weights.bytes),
            size: base_weights.bytes.len() as u64,
        },
    );
    let assembly = Assembly {
        format: ASSEMBLY_FORMAT.into(),
        base: BaseRef {
            dir: base_name(&s.dir, &s.base)?,
            files: base_files,
        },
        weights: weights.clone(),
        delta: FileEntry {
            sha256: sha256_hex(&delta.bytes),
            size: delta.bytes.len() as u64,
        },
        tensors_from_base: parts.from_base,
        files_from_base: copied.keys().cloned().collect(),
    };
    let rebuilt = sha256_hex(&build_weights(&delta, &base_weights, &assembly)?);
    if rebuilt != weights.sha256 {
        return Err(AssemblyError::Reconstruction {
            file: s.dir.join(WEIGHTS_FILE),
            expected: weights.sha256,
            found: rebuilt,
        });
    }
    write_packed(&s.dir, &delta, &assembly)?;
    Ok(report(
        &s.dir,
        &files,
        &assembly,
        parts.delta.len(),
        total_tensors,
    ))
}

/// Writes the delta, then `assembly.json` (a crash in between leaves no assembly record).
fn write_packed(dir: &Path, delta: &RawFile, a: &Assembly) -> Result<(), AssemblyError> {
    crate::fsio::atomic_write(&delta.path, &delta.bytes).map_err(io(&delta.path))?;
    let path = dir.join(ASSEMBLY_FILE);
    let text = serde_json::to_string_pretty(a).map_err(|e| AssemblyError::Format {
        path: path.clone(),
        message: e.to_string(),
    })?;
    crate::fsio::atomic_write(&path, format!("{text}\n").as_bytes()).map_err(io(&path))
}

/// The report: what is shipped against what the full folder weighs.
fn report(
    dir: &Path,
    files: &BTreeMap<String, FileEntry>,
    a: &Assembly,
    delta_tensors: usize,
    total_tensors: usize,
) -> PackReport {
    let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    let full_bytes = files.values().map(|e| e.size).sum::<u64>() + size(MANIFEST_FILE);
    let mut shipped: BTreeMap<String, u64> = files
        .iter()
        .filter(|(n, _)| n.as_str() != WEIGHTS_FILE && !a.files_from_base.contains(n))
        .map(|(n, e)| (n.clone(), e.size))
        .collect();
    for name in [MANIFEST_FILE, DELTA_FILE, ASSEMBLY_FILE] {
        shipped.insert(name.to_string(), size(name));
    }
    PackReport {
        base_name: a.base.dir.clone(),
        delta_tensors,
        total_tensors,
        tensors_from_base: a.tensors_from_base.iter().map(|t| t.name.clone()).collect(),
        files_from_base: a.files_from_base.clone(),
        shipped,
        full_bytes,
    }
}
