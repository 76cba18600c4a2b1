//! Packed model folders: `stance model pack` keeps only the tensors fine-tuning changed,
//! `stance model assemble` rebuilds the very same bytes from the base, a different or missing
//! base is refused, a tensor that differs from the base is never dropped, and the assembled
//! files of a packed folder are the ones git ignores.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use strait_stance::model::assembly::{Assembly, ASSEMBLY_FILE, DELTA_FILE};
use strait_stance::model::save::{serialize_stored, StoredTensor};
use strait_stance::model::{LoadOptions, Manifest, ModelError, StanceModel};

const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// A scratch folder under target/tmp (inside the repository, like the tiny base).
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

/// A model fine-tuned from the tiny base with the word-embedding table frozen (fp16, as
/// `stance train` writes by default); trained once per test binary.
fn frozen_model() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("frozen-model-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let data = work.join("data.jsonl");
        write_tiny_examples(&data, 4);
        let out = work.join("model");
        let o = run(&[
            "train",
            "--train",
            data.to_str().unwrap(),
            "--dev",
            data.to_str().unwrap(),
            "--base",
            tiny_model().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--epochs",
            "2",
            "--batch-size",
            "8",
            "--lr",
            "1e-3",
            "--freeze-word-embeddings",
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    })
    .clone()
}

fn copy_dir(src: &Path, dest: &Path) -> PathBuf {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dest.join(p.file_name().unwrap())).unwrap();
    }
    dest.to_path_buf()
}

fn sha(path: &Path) -> String {
    strait_stance::hash::sha256_file(path).unwrap().0
}

fn pack(dir: &Path, base: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "model",
        "pack",
        dir.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn assemble(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["model", "assemble", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

/// Tensor names in a safetensors file.
fn tensor_names(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names: Vec<String> = st.names().into_iter().cloned().collect();
    names.sort();
    names
}

/// A packed copy of the frozen model, with the assembled files removed.
fn packed_copy(dest: &Path) -> PathBuf {
    let dir = copy_dir(&frozen_model(), dest);
    let o = pack(&dir, &tiny_model(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_file(dir.join("model.safetensors")).unwrap();
    dir
}

#[test]
fn pack_then_assemble_gives_back_identical_bytes_and_a_verified_model() {
    let tmp = scratch();
    let dir = copy_dir(&frozen_model(), &tmp.path().join("model"));
    let originals: Vec<(String, String)> = ["model.safetensors", "tokenizer.json", "vocab.txt"]
        .iter()
        .map(|f| (f.to_string(), sha(&dir.join(f))))
        .collect();
    let o = pack(&dir, &tiny_model(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("to commit:"), "{}", stderr(&o));

    let a = Assembly::read(&dir).unwrap();
    let from_base: Vec<&str> = a
        .tensors_from_base
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(from_base, [WORD_EMBEDDINGS]);
    let base_rel = tiny_model()
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert_eq!(
        a.base.dir, base_rel,
        "base named relative to the repository root"
    );
    assert_eq!(a.weights.sha256, originals[0].1);
    for f in ["tokenizer.json", "vocab.txt", "special_tokens_map.json"] {
        assert!(
            a.files_from_base.contains(&f.to_string()),
            "{f} copied from the base"
        );
    }
    let delta = tensor_names(&dir.join(DELTA_FILE));
    let full = tensor_names(&dir.join("model.safetensors"));
    assert!(!delta.contains(&WORD_EMBEDDINGS.to_string()));
    assert_eq!(delta.len() + 1, full.len());
    let delta_size = std::fs::metadata(dir.join(DELTA_FILE)).unwrap().len();
    let full_size = std::fs::metadata(dir.join("model.safetensors"))
        .unwrap()
        .len();
    assert!(
        delta_size * 4 < full_size,
        "delta {delta_size} of {full_size} bytes"
    );

    for (f, _) in &originals {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    let e = match StanceModel::load(&dir, &LoadOptions::default()) {
        Err(e) => e,
        Ok(_) => panic!("an unassembled folder loaded"),
    };
    assert!(matches!(e, ModelError::NotAssembled { .. }), "{e}");
    let o = run(&[
        "classify",
        "-",
        "--out",
        "-",
        "--model",
        dir.to_str().unwrap(),
    ]);
    assert!(
        stderr(&o).contains("stance model assemble"),
        "{}",
        stderr(&o)
    );

    let o = assemble(&dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (f, want) in &originals {
        assert_eq!(&sha(&dir.join(f)), want, "{f} rebuilt byte for byte");
    }
    let model = StanceModel::load(&dir, &LoadOptions::default()).unwrap();
    assert!(model.info.verified);

    // A second run only checks: nothing is rewritten.
    let before = std::fs::metadata(dir.join("model.safetensors"))
        .unwrap()
        .modified()
        .unwrap();
    let o = assemble(&dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("already assembled"), "{}", stderr(&o));
    let after = std::fs::metadata(dir.join("model.safetensors"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn assembly_refuses_a_base_that_differs_or_is_missing() {
    let tmp = scratch();
    let dir = packed_copy(&tmp.path().join("model"));

    // A base whose weights changed by one byte.
    let base = copy_dir(&tiny_model(), &tmp.path().join("base"));
    let w = base.join("model.safetensors");
    let mut bytes = std::fs::read(&w).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&w, &bytes).unwrap();
    let o = assemble(&dir, &["--base", base.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("model.safetensors")
            && e.contains("not the one this model was packed against")
            && e.contains("sha256"),
        "{e}"
    );
    assert!(!dir.join("model.safetensors").exists(), "nothing written");

    // A base whose tokenizer differs.
    let base2 = copy_dir(&tiny_model(), &tmp.path().join("base2"));
    std::fs::write(base2.join("tokenizer.json"), b"{}").unwrap();
    let o = assemble(&dir, &["--base", base2.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("tokenizer.json"), "{}", stderr(&o));

    // No base where assembly.json says (a copy outside the repository).
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = copy_dir(&dir, &elsewhere.path().join("model"));
    let o = assemble(&moved, &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("not found") && e.contains("tiny-model"), "{e}");
    assert!(!moved.join("model.safetensors").exists());

    // The right base, named explicitly, assembles the moved copy.
    let o = assemble(&moved, &["--base", tiny_model().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        sha(&moved.join("model.safetensors")),
        sha(&frozen_model().join("model.safetensors"))
    );
}

/// Flips one bit of the first value of `tensor` in `dir/model.safetensors` and rewrites the
/// manifest so the folder still verifies.
fn flip_one_value(dir: &Path, tensor: &str) {
    let path = dir.join("model.safetensors");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let start = header[tensor]["data_offsets"][0].as_u64().unwrap() as usize;
    bytes[8 + n + start] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let m = Manifest::read(dir).unwrap();
    let mut rebuilt = Manifest::build(dir, &m.name, m.info.clone()).unwrap();
    rebuilt.created = m.created;
    rebuilt.write(dir).unwrap();
}

#[test]
fn packing_refuses_when_a_tensor_taken_from_the_base_differs() {
    let tmp = scratch();
    let dir = copy_dir(&frozen_model(), &tmp.path().join("model"));
    // The trained head is not the base's.
    let o = pack(&dir, &tiny_model(), &["--from-base", "classifier.weight"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("classifier.weight") && e.contains("values differ"),
        "{e}"
    );

    // One value of the word-embedding table no longer the base's.
    flip_one_value(&dir, WORD_EMBEDDINGS);
    let o = pack(&dir, &tiny_model(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains(WORD_EMBEDDINGS) && e.contains("1 of "), "{e}");
    assert!(!dir.join(ASSEMBLY_FILE).exists() && !dir.join(DELTA_FILE).exists());

    // A tensor the model does not have.
    let o = pack(&dir, &tiny_model(), &["--from-base", "bert.no.such.weight"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no such tensor"), "{}", stderr(&o));
}

#[test]
fn the_checkpoint_serializer_reproduces_the_shipped_model_bytes() {
    // Assembling relies on the serializer giving the bytes training wrote: the shipped model
    // (written before packing existed) must come out identical.
    let path = shipped_model().join("model.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let tensors: Vec<StoredTensor> = st
        .tensors()
        .into_iter()
        .map(|(name, v)| StoredTensor {
            name,
            dtype: v.dtype(),
            shape: v.shape().to_vec(),
            bytes: v.data().to_vec(),
        })
        .collect();
    let again = serialize_stored(&tensors, meta.metadata()).unwrap();
    assert_eq!(again.len(), bytes.len());
    assert!(
        again == bytes,
        "serializer output differs from the shipped checkpoint"
    );
}

/// `git check-ignore` on a path (pattern rules only): true when ignored.
fn ignored(path: &str) -> bool {
    let o = std::process::Command::new("git")
        .args(["check-ignore", "--no-index", "-q", path])
        .current_dir(root())
        .status()
        .expect("git");
    assert!(
        o.code() == Some(0) || o.code() == Some(1),
        "git check-ignore failed"
    );
    o.code() == Some(0)
}

#[test]
fn packed_folders_commit_the_delta_and_ignore_the_assembled_files() {
    // The shipped Chinese model, by the name the router uses, so a new version needs no edit here.
    let m = format!("models/{}", strait_stance::defaults::CHINESE_MODEL_NAME);
    for f in [
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
    ] {
        assert!(
            ignored(&format!("{m}/{f}")),
            "{m}/{f} should be git-ignored"
        );
    }
    for f in [
        DELTA_FILE,
        ASSEMBLY_FILE,
        "manifest.json",
        "config.json",
        "calibration.json",
        "README.md",
    ] {
        assert!(!ignored(&format!("{m}/{f}")), "{m}/{f} must be committed");
    }
    assert!(
        !ignored("models/stance-minilm-v3/model.safetensors"),
        "full folders stay committed"
    );
    // Every packed folder in the checkout: assembled files ignored, everything else committed.
    for e in std::fs::read_dir(root().join("models")).unwrap() {
        let dir = e.unwrap().path();
        let Ok(a) = Assembly::read(&dir) else {
            continue;
        };
        let name = format!("models/{}", dir.file_name().unwrap().to_string_lossy());
        let assembled: Vec<String> = a.assembled_files().into_iter().map(|(n, _)| n).collect();
        let manifest = Manifest::read(&dir).unwrap();
        for f in manifest.files.keys().chain([
            &"manifest.json".to_string(),
            &ASSEMBLY_FILE.to_string(),
            &DELTA_FILE.to_string(),
        ]) {
            assert_eq!(
                ignored(&format!("{name}/{f}")),
                assembled.contains(f),
                "{name}/{f}"
            );
        }
    }
}
