//! Durable file writes, used by every stage that writes files: whole files replaced atomically
//! (temp file → fsync → rename → fsync the folder) and Parquet encoded for every reader.
//!
//! Parquet files are written at the *oldest* Arrow compatibility level: the Arrow schema stored
//! in the file's metadata says `large_string` / `large_binary`, never the `string_view` /
//! `binary_view` types that polars uses in memory. Readers that predate view types (pyarrow 14,
//! the Arrow in many Spark and notebook images) fail on a file whose schema mentions them.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::{
    CompatLevel, DataFrame, KeyValueMetadata, ParquetCompression, ParquetWriter, PolarsError,
    SchemaExt,
};

/// A file that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file system refused.
    #[error("cannot write {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Polars could not encode the table.
    #[error("cannot encode {} as Parquet", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// Polars' error.
        #[source]
        source: PolarsError,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, fsync the
/// folder. Readers see the old file or the new one, never a torn one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path)?;
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(parent(path))
}

/// fsyncs a directory so a rename in it survives a power cut.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temp name next to `path` (same folder, so the rename is atomic); creates the folder.
fn temp_path(path: &Path) -> std::io::Result<PathBuf> {
    let dir = parent(path);
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok(dir.join(format!(".{name}.tmp-{}", std::process::id())))
}

/// Encodes `df` as Parquet (zstd) at the oldest Arrow compatibility level into `w`.
pub fn encode_parquet<W: Write>(w: W, df: &mut DataFrame) -> Result<u64, PolarsError> {
    let schema = df.schema().to_arrow(CompatLevel::oldest());
    let key = polars_parquet::write::schema_to_metadata_key(&schema);
    // polars writes the schema it was given under ARROW:schema and only adds its own (newest
    // level) one when the key is missing.
    let metadata = KeyValueMetadata::from_static(vec![(key.key, key.value.unwrap_or_default())]);
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(metadata))
        .finish(df)
}

/// Writes `df` to a new Parquet file at `path` and fsyncs it (no rename: callers that stage
/// files, like the dataset's commit protocol, rename themselves).
pub fn write_parquet_file(path: &Path, df: &mut DataFrame) -> Result<(), WriteError> {
    let f = File::create(path).map_err(io_err(path))?;
    let mut w = std::io::BufWriter::new(f);
    encode_parquet(&mut w, df).map_err(|source| WriteError::Parquet {
        path: path.to_path_buf(),
        source,
    })?;
    let f = w.into_inner().map_err(|e| WriteError::Io {
        path: path.to_path_buf(),
        source: e.into_error(),
    })?;
    f.sync_all().map_err(io_err(path))
}

/// Replaces `path` with a Parquet file of `df` atomically (see [`atomic_write`]).
pub fn atomic_write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), WriteError> {
    let tmp = temp_path(path).map_err(io_err(path))?;
    write_parquet_file(&tmp, df)?;
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    sync_dir(parent(path)).map_err(io_err(path))
}
