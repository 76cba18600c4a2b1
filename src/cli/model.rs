//! `stance model pack` and `stance model assemble`: packed model folders that ship only the
//! weights fine-tuning changed.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use strait_stance::defaults;
use strait_stance::model::assembly::{assemble, AssembleSettings, AssemblyError};
use strait_stance::model::pack::{pack, PackSettings};

/// Arguments of `stance model`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Write model.delta.safetensors (the tensors that differ from the base) and assembly.json,
    /// after checking that assembling them gives back model.safetensors byte for byte.
    Pack(PackArgs),
    /// Rebuild model.safetensors (and copy the base's tokenizer files) in packed folders from
    /// the base and the delta; a folder already assembled is only re-checked.
    Assemble(AssembleArgs),
}

/// Arguments of `stance model pack`.
#[derive(clap::Args)]
#[command(after_long_help = "Example:
  stance model pack models/stance-multilingual-v7 --base models/multilingual-e5-small")]
pub struct PackArgs {
    /// Fine-tuned model folder (with manifest.json).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Base encoder the model was fine-tuned from (recorded relative to the repository root).
    #[arg(long, value_name = "DIR")]
    base: PathBuf,
    /// Tensor that must be taken from the base; packing fails when it differs from the base's.
    /// Repeat for several. Every other tensor identical to the base's is taken from it too.
    #[arg(long, value_name = "TENSOR", default_value = defaults::PACK_FROM_BASE)]
    from_base: Vec<String>,
}

/// Arguments of `stance model assemble`.
#[derive(clap::Args)]
#[command(
    after_long_help = "Example (scripts/setup.sh runs this for every models/*/assembly.json):
  stance model assemble models/stance-multilingual-v7"
)]
pub struct AssembleArgs {
    /// Packed model folder(s) (with assembly.json).
    #[arg(value_name = "DIR", required = true)]
    dirs: Vec<PathBuf>,
    /// Base folder to read instead of the one assembly.json names (found from the model folder
    /// upwards).
    #[arg(long, value_name = "DIR")]
    base: Option<PathBuf>,
}

/// Runs `stance model`.
pub fn run(a: Args) -> Result<i32> {
    match a.command {
        Command::Pack(p) => run_pack(p),
        Command::Assemble(p) => run_assemble(p),
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn run_pack(a: PackArgs) -> Result<i32> {
    let t = Instant::now();
    let settings = PackSettings {
        dir: a.dir.clone(),
        base: a.base.clone(),
        from_base: a.from_base,
    };
    let r = pack(&settings).map_err(|e| {
        let hint = match &e {
            AssemblyError::TensorDiffers { .. } => {
                " (train with --freeze-word-embeddings, or name other tensors with --from-base)"
            }
            _ => "",
        };
        anyhow::Error::new(e).context(format!("cannot pack {}{hint}", a.dir.display()))
    })?;
    let tensors = match r.tensors_from_base.as_slice() {
        [one] => format!("1 tensor ({one})"),
        many => format!(
            "{} tensors ({}{})",
            many.len(),
            many.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if many.len() > 3 {
                ", … listed in assembly.json"
            } else {
                ""
            }
        ),
    };
    let files = if r.files_from_base.is_empty() {
        "no files".to_string()
    } else {
        r.files_from_base.join(", ")
    };
    eprintln!(
        "packed {} in {:.1}s: model.delta.safetensors holds {} of {} tensors; from {}: {tensors} and {files}",
        a.dir.display(),
        t.elapsed().as_secs_f64(),
        r.delta_tensors,
        r.total_tensors,
        r.base_name,
    );
    eprintln!(
        "to commit: {} ({}) instead of {} for the full folder",
        mb(r.shipped_bytes()),
        r.shipped.keys().cloned().collect::<Vec<_>>().join(", "),
        mb(r.full_bytes)
    );
    Ok(super::EXIT_OK)
}

fn run_assemble(a: AssembleArgs) -> Result<i32> {
    for dir in &a.dirs {
        let t = Instant::now();
        let settings = AssembleSettings {
            dir: dir.clone(),
            base: a.base.clone(),
        };
        let r = assemble(&settings).with_context(|| {
            let hint = if a.base.is_some() {
                ""
            } else {
                " (build the base with scripts/setup.sh, or give its folder with --base)"
            };
            format!("cannot assemble {}{hint}", dir.display())
        })?;
        let secs = t.elapsed().as_secs_f64();
        match &r.base {
            None => eprintln!(
                "{}: already assembled ({} checked by sha256) in {secs:.1}s",
                dir.display(),
                r.unchanged.join(", ")
            ),
            Some(base) => eprintln!(
                "assembled {} from {} in {secs:.1}s: wrote {} (sha256 as in the manifest)",
                dir.display(),
                base.display(),
                r.written.join(", ")
            ),
        }
    }
    Ok(super::EXIT_OK)
}
