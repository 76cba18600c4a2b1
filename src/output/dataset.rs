//! The output dataset on disk and its commit protocol.
//!
//! ```text
//! DIR/predictions/run_date=YYYY-MM-DD/part-<run_id>-<n>.parquet
//! DIR/sentences/run_date=YYYY-MM-DD/part-<run_id>-<n>.parquet
//! DIR/rejects/run_date=YYYY-MM-DD/part-<run_id>-<n>.parquet
//! DIR/_runs/<run_id>.json      run manifest, written last
//! DIR/_runs/<run_id>.lock      held (flock) while the run is alive
//! DIR/_runs/<run_id>.commits   chunk numbers fully committed, one per line
//! DIR/_tmp/<run_id>/           files being written
//! ```
//!
//! A chunk commits as: write each table's part into `_tmp`, fsync, rename into place, fsync the
//! folder, then append the chunk number to the commit log and fsync it. A part file only ever
//! appears under its final name complete. The next run on the dataset finds runs whose lock is
//! free (the process died, even by SIGKILL) and no manifest: it deletes their parts that the
//! commit log does not list (the chunk that was in flight) and their temp folder, and records
//! them as abandoned. Together with incremental skipping this makes "kill at any moment, then
//! rerun" give exactly the rows of an uninterrupted run.

use std::collections::{BTreeSet, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use fs2::FileExt;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::fsio::sync_dir;

/// Table folders inside the dataset.
pub const TABLES: [&str; 3] = ["predictions", "sentences", "rejects"];

/// Errors writing or reading the dataset.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A filesystem operation failed.
    #[error("{op} {}", path.display())]
    Io {
        /// What we were doing.
        op: &'static str,
        /// Where.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Polars failed to write or read a part.
    #[error("{op} {}", path.display())]
    Polars {
        /// What we were doing.
        op: &'static str,
        /// Where.
        path: PathBuf,
        /// Polars' error.
        #[source]
        source: PolarsError,
    },
    /// A part file could not be written.
    #[error(transparent)]
    Write(crate::fsio::WriteError),
    /// The output folder exists but is not a stance dataset.
    #[error("{} exists and is not a stance dataset (it holds {entry:?}); choose an empty or new folder", dir.display())]
    NotADataset {
        /// The folder.
        dir: PathBuf,
        /// An unexpected entry.
        entry: String,
    },
}

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> DatasetError + 'a {
    move |source| DatasetError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// 128-bit key of a prediction: the statement id and text hash (the model is filtered when
/// loading). Texts without an input id get an id derived from their hash, so for them this is
/// the (text_sha256, model_sha256) key.
pub fn prediction_key(id: &str, text_sha256: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(id.as_bytes());
    h.update([0x1f]);
    h.update(text_sha256.as_bytes());
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    k
}

/// What is already in the dataset: prediction keys for one model, and reject keys.
#[derive(Debug, Default)]
pub struct ExistingKeys {
    /// Keys of predictions made by the current model.
    pub predictions: HashSet<[u8; 16]>,
    /// Keys of rejects already recorded.
    pub rejects: HashSet<String>,
}

/// Lists `DIR/<table>/run_date=*/part-*.parquet`.
pub fn part_files(root: &Path, table: &str) -> Result<Vec<PathBuf>, DatasetError> {
    let mut out = Vec::new();
    let tdir = root.join(table);
    if !tdir.is_dir() {
        return Ok(out);
    }
    for part in std::fs::read_dir(&tdir).map_err(io("cannot list", &tdir))? {
        let part = part.map_err(io("cannot list", &tdir))?.path();
        if !part.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&part).map_err(io("cannot list", &part))? {
            let f = f.map_err(io("cannot list", &part))?.path();
            let name = f.file_name().map(|n| n.to_string_lossy().to_string());
            if let Some(name) = name {
                if name.starts_with("part-") && name.ends_with(".parquet") {
                    out.push(f);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_columns(path: &Path, cols: &[&str]) -> Result<DataFrame, DatasetError> {
    let f = File::open(path).map_err(io("cannot open", path))?;
    ParquetReader::new(f)
        .with_columns(Some(cols.iter().map(|s| s.to_string()).collect()))
        .finish()
        .map_err(|source| DatasetError::Polars {
            op: "cannot read",
            path: path.to_path_buf(),
            source,
        })
}

impl ExistingKeys {
    /// Loads keys of predictions by any of `model_sha256s` (the models of a run) and all
    /// reject keys from the dataset.
    pub fn load(root: &Path, model_sha256s: &[String]) -> Result<ExistingKeys, DatasetError> {
        let mut keys = ExistingKeys::default();
        for path in part_files(root, "predictions")? {
            let df = read_columns(&path, &["id", "text_sha256", "model_sha256"])?;
            let pe = |source| DatasetError::Polars {
                op: "cannot read",
                path: path.clone(),
                source,
            };
            let ids = df.column("id").and_then(|c| c.str().cloned()).map_err(pe)?;
            let shas = df
                .column("text_sha256")
                .and_then(|c| c.str().cloned())
                .map_err(pe)?;
            let models = df
                .column("model_sha256")
                .and_then(|c| c.str().cloned())
                .map_err(pe)?;
            for ((id, sha), m) in ids.iter().zip(shas.iter()).zip(models.iter()) {
                if let (Some(id), Some(sha), Some(m)) = (id, sha, m) {
                    if model_sha256s.iter().any(|s| s == m) {
                        keys.predictions.insert(prediction_key(id, sha));
                    }
                }
            }
        }
        for path in part_files(root, "rejects")? {
            let df = read_columns(&path, &["reject_key"])?;
            let col = df
                .column("reject_key")
                .and_then(|c| c.str().cloned())
                .map_err(|source| DatasetError::Polars {
                    op: "cannot read",
                    path: path.clone(),
                    source,
                })?;
            keys.rejects
                .extend(col.iter().flatten().map(|s| s.to_string()));
        }
        Ok(keys)
    }
}

/// A run that died before writing its manifest, as cleaned up by a later run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AbandonedRun {
    /// Its id.
    pub run_id: String,
    /// Chunks it committed (kept).
    pub committed_chunks: usize,
    /// Part files of uncommitted chunks that were removed.
    pub removed_parts: Vec<String>,
}

/// Writes one run's parts into the dataset.
pub struct DatasetWriter {
    root: PathBuf,
    run_id: String,
    run_date: NaiveDate,
    tmp: PathBuf,
    next_chunk: u32,
    commits: File,
    lock_path: PathBuf,
    commits_path: PathBuf,
    _lock: File,
    /// Part files written, relative to the root.
    pub parts: Vec<String>,
}

/// Folders a dataset may hold besides its tables: `trends/` is where the nightly job (and the
/// README) puts `stance trends` output, next to the predictions it summarises.
const COMPANIONS: [&str; 1] = ["trends"];

/// Checks that `root` is absent, empty or already a dataset (tables, `_runs`, `_tmp`,
/// [`COMPANIONS`], hidden files) — so that `--out ~` cannot scatter parts into a home folder.
fn check_root(root: &Path) -> Result<(), DatasetError> {
    if !root.exists() {
        return Ok(());
    }
    for e in std::fs::read_dir(root).map_err(io("cannot list", root))? {
        let e = e.map_err(io("cannot list", root))?;
        let name = e.file_name().to_string_lossy().to_string();
        let known = TABLES.contains(&name.as_str())
            || name == "_runs"
            || name == "_tmp"
            || COMPANIONS.contains(&name.as_str())
            || name.starts_with('.');
        if !known {
            return Err(DatasetError::NotADataset {
                dir: root.to_path_buf(),
                entry: name,
            });
        }
    }
    Ok(())
}

fn part_chunk(file_name: &str, run_id: &str) -> Option<u32> {
    file_name
        .strip_prefix(&format!("part-{run_id}-"))?
        .strip_suffix(".parquet")?
        .parse()
        .ok()
}

impl DatasetWriter {
    /// Opens (creating) the dataset at `root` for run `run_id`, after cleaning up runs that
    /// died. Returns the writer and the abandoned runs it cleaned.
    pub fn open(
        root: &Path,
        run_id: &str,
        run_date: NaiveDate,
    ) -> Result<(DatasetWriter, Vec<AbandonedRun>), DatasetError> {
        check_root(root)?;
        let runs = root.join("_runs");
        std::fs::create_dir_all(&runs).map_err(io("cannot create", &runs))?;
        let lock_path = runs.join(format!("{run_id}.lock"));
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io("cannot create", &lock_path))?;
        lock.try_lock_exclusive()
            .map_err(io("cannot lock", &lock_path))?;
        let abandoned = recover(root, run_id)?;
        let tmp = root.join("_tmp").join(run_id);
        std::fs::create_dir_all(&tmp).map_err(io("cannot create", &tmp))?;
        let commits_path = runs.join(format!("{run_id}.commits"));
        let commits = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&commits_path)
            .map_err(io("cannot create", &commits_path))?;
        sync_dir(&runs).map_err(io("cannot sync", &runs))?;
        Ok((
            DatasetWriter {
                root: root.to_path_buf(),
                run_id: run_id.to_string(),
                run_date,
                tmp,
                next_chunk: 0,
                commits,
                lock_path,
                commits_path,
                _lock: lock,
                parts: Vec::new(),
            },
            abandoned,
        ))
    }

    /// Commits one chunk: every non-empty table's part appears atomically, then the chunk is
    /// logged as committed.
    pub fn commit(&mut self, tables: &mut [(&str, DataFrame)]) -> Result<(), DatasetError> {
        let n = self.next_chunk;
        self.next_chunk += 1;
        let mut staged = Vec::new();
        for (table, df) in tables.iter_mut() {
            if df.height() == 0 {
                continue;
            }
            let tmp = self.tmp.join(format!("{table}-{n:05}.parquet"));
            crate::fsio::write_parquet_file(&tmp, df).map_err(DatasetError::Write)?;
            staged.push((table.to_string(), tmp));
        }
        // Predictions go last: a reader that sees a prediction also sees its sentences.
        staged.sort_by_key(|(t, _)| t == "predictions");
        for (table, tmp) in staged {
            let dir = self
                .root
                .join(&table)
                .join(format!("run_date={}", self.run_date.format("%Y-%m-%d")));
            std::fs::create_dir_all(&dir).map_err(io("cannot create", &dir))?;
            let name = format!("part-{}-{n:05}.parquet", self.run_id);
            let dest = dir.join(&name);
            std::fs::rename(&tmp, &dest).map_err(io("cannot rename into", &dest))?;
            sync_dir(&dir).map_err(io("cannot sync", &dir))?;
            self.parts.push(
                dest.strip_prefix(&self.root)
                    .unwrap_or(&dest)
                    .display()
                    .to_string(),
            );
        }
        writeln!(self.commits, "{n}").map_err(io("cannot write", &self.commits_path))?;
        self.commits
            .sync_all()
            .map_err(io("cannot sync", &self.commits_path))?;
        Ok(())
    }

    /// Writes the run manifest and removes the run's lock, commit log and temp folder.
    pub fn finish(self, manifest: &serde_json::Value) -> Result<PathBuf, DatasetError> {
        let path = self
            .root
            .join("_runs")
            .join(format!("{}.json", self.run_id));
        let text = serde_json::to_string_pretty(manifest).unwrap_or_default();
        crate::fsio::atomic_write(&path, format!("{text}\n").as_bytes())
            .map_err(io("cannot write", &path))?;
        let _ = std::fs::remove_dir_all(&self.tmp);
        let _ = std::fs::remove_dir(self.root.join("_tmp"));
        let _ = std::fs::remove_file(&self.commits_path);
        let _ = std::fs::remove_file(&self.lock_path);
        Ok(path)
    }

    /// Removes temp files (on interruption, before exiting).
    pub fn discard_tmp(&self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
        let _ = std::fs::remove_dir(self.root.join("_tmp"));
    }

    /// Chunks committed so far.
    pub fn chunks(&self) -> u32 {
        self.next_chunk
    }
}

/// Cleans up runs that died: parts of uncommitted chunks, temp folders, locks.
fn recover(root: &Path, me: &str) -> Result<Vec<AbandonedRun>, DatasetError> {
    let runs = root.join("_runs");
    let dead = dead_runs(&runs, me)?;
    remove_orphan_tmp(root, &runs, me, &dead)?;
    dead.into_iter()
        .map(|run_id| recover_run(root, &runs, run_id, me))
        .collect()
}

/// Runs other than `me` with a lock file whose lock is free: their process is gone.
fn dead_runs(runs: &Path, me: &str) -> Result<BTreeSet<String>, DatasetError> {
    let mut dead = BTreeSet::new();
    for e in std::fs::read_dir(runs).map_err(io("cannot list", runs))? {
        let p = e.map_err(io("cannot list", runs))?.path();
        let Some(name) = p.file_name().map(|n| n.to_string_lossy().to_string()) else {
            continue;
        };
        let Some(run_id) = name.strip_suffix(".lock") else {
            continue;
        };
        if run_id == me {
            continue;
        }
        let Ok(f) = OpenOptions::new().write(true).open(&p) else {
            continue;
        };
        if f.try_lock_exclusive().is_ok() {
            dead.insert(run_id.to_string());
        }
    }
    Ok(dead)
}

/// Removes the temp folders under `_tmp` that have no live owner (not `me`, and no held lock).
fn remove_orphan_tmp(
    root: &Path,
    runs: &Path,
    me: &str,
    dead: &BTreeSet<String>,
) -> Result<(), DatasetError> {
    let tmp_root = root.join("_tmp");
    if !tmp_root.is_dir() {
        return Ok(());
    }
    for e in std::fs::read_dir(&tmp_root).map_err(io("cannot list", &tmp_root))? {
        let p = e.map_err(io("cannot list", &tmp_root))?.path();
        let id = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let live = runs.join(format!("{id}.lock")).exists() && !dead.contains(&id);
        if id != me && !live {
            std::fs::remove_dir_all(&p).map_err(io("cannot remove", &p))?;
        }
    }
    Ok(())
}

/// Recovers one dead run: unless it finished (has a manifest), removes its uncommitted parts
/// and writes an "abandoned" manifest; then removes its commit log and lock.
fn recover_run(
    root: &Path,
    runs: &Path,
    run_id: String,
    me: &str,
) -> Result<AbandonedRun, DatasetError> {
    let commits_path = runs.join(format!("{run_id}.commits"));
    let committed = committed_chunks(&commits_path);
    let manifest = runs.join(format!("{run_id}.json"));
    let removed = if manifest.exists() {
        Vec::new()
    } else {
        let removed = remove_uncommitted_parts(root, &run_id, &committed)?;
        write_abandoned_manifest(&manifest, &run_id, committed.len(), &removed, me)?;
        removed
    };
    let _ = std::fs::remove_file(&commits_path);
    let _ = std::fs::remove_file(runs.join(format!("{run_id}.lock")));
    Ok(AbandonedRun {
        run_id,
        committed_chunks: committed.len(),
        removed_parts: removed,
    })
}

/// The chunk numbers a run's commit log lists (none when it is missing or unreadable).
fn committed_chunks(commits_path: &Path) -> BTreeSet<u32> {
    std::fs::read_to_string(commits_path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Deletes `run_id`'s part files whose chunk is not in `committed` (the chunk in flight when it
/// died), syncing each folder; returns their paths relative to `root`.
fn remove_uncommitted_parts(
    root: &Path,
    run_id: &str,
    committed: &BTreeSet<u32>,
) -> Result<Vec<String>, DatasetError> {
    let mut removed = Vec::new();
    for table in TABLES {
        for f in part_files(root, table)? {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if let Some(n) = part_chunk(&name, run_id) {
                if !committed.contains(&n) {
                    std::fs::remove_file(&f).map_err(io("cannot remove", &f))?;
                    if let Some(d) = f.parent() {
                        sync_dir(d).map_err(io("cannot sync", d))?;
                    }
                    removed.push(f.strip_prefix(root).unwrap_or(&f).display().to_string());
                }
            }
        }
    }
    Ok(removed)
}

/// Writes the manifest of a run that died, saying what was kept and removed and by whom.
fn write_abandoned_manifest(
    manifest: &Path,
    run_id: &str,
    committed_chunks: usize,
    removed: &[String],
    me: &str,
) -> Result<(), DatasetError> {
    let note = serde_json::json!({
        "run_id": run_id,
        "status": "abandoned",
        "note": "the process died before finishing; its committed chunks were kept and the chunk in flight was removed by a later run",
        "committed_chunks": committed_chunks,
        "removed_parts": removed,
        "recovered_by": me,
    });
    let text = serde_json::to_string_pretty(&note).unwrap_or_default();
    crate::fsio::atomic_write(manifest, format!("{text}\n").as_bytes())
        .map_err(io("cannot write", manifest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn df(n: usize) -> DataFrame {
        DataFrame::new(n, vec![Column::new("x".into(), vec![1i64; n])]).unwrap()
    }

    #[test]
    fn a_dataset_with_its_trends_folder_is_still_a_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        for sub in ["predictions", "_runs", "trends"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        check_root(&root).unwrap();
        std::fs::write(root.join("notes.txt"), b"mine").unwrap();
        let err = check_root(&root).unwrap_err().to_string();
        assert!(err.contains("notes.txt"), "{err}");
    }

    #[test]
    fn commit_layout_and_recovery_of_a_dead_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let date = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let (mut w, ab) = DatasetWriter::open(&root, "r1", date).unwrap();
        assert!(ab.is_empty());
        w.commit(&mut [("predictions", df(2)), ("rejects", df(0))])
            .unwrap();
        assert!(root
            .join("predictions/run_date=2026-01-02/part-r1-00000.parquet")
            .exists());
        assert!(!root.join("rejects").exists());
        // Simulate a chunk in flight when the process died: renamed but not logged.
        std::fs::copy(
            root.join("predictions/run_date=2026-01-02/part-r1-00000.parquet"),
            root.join("predictions/run_date=2026-01-02/part-r1-00001.parquet"),
        )
        .unwrap();
        std::fs::write(root.join("_tmp/r1/predictions-00002.parquet"), b"junk").unwrap();
        drop(w); // releases the lock like a dead process
        let (w2, ab) = DatasetWriter::open(&root, "r2", date).unwrap();
        assert_eq!(ab.len(), 1);
        assert_eq!(ab[0].committed_chunks, 1);
        assert_eq!(ab[0].removed_parts.len(), 1);
        assert!(!root
            .join("predictions/run_date=2026-01-02/part-r1-00001.parquet")
            .exists());
        assert!(!root.join("_tmp/r1").exists());
        assert!(root.join("_runs/r1.json").exists());
        w2.finish(&serde_json::json!({"ok": true})).unwrap();
        assert!(!root.join("_tmp").exists());
        assert!(!root.join("_runs/r2.lock").exists());
    }

    #[test]
    fn a_live_run_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let date = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let (_w1, _) = DatasetWriter::open(&root, "r1", date).unwrap();
        let (_w2, ab) = DatasetWriter::open(&root, "r2", date).unwrap();
        assert!(ab.is_empty());
        assert!(root.join("_tmp/r1").exists());
    }

    #[test]
    fn refuses_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let e = DatasetWriter::open(dir.path(), "r", date).err().unwrap();
        assert!(e.to_string().contains("notes.txt"));
    }
}
