//! Command-line front end: clap structs are turned into validated library settings; errors are
//! printed as `error:` with `Caused by:` lines; exit codes are documented in the README.

mod audit;
mod classify;
mod common;
mod eval;
mod label;
mod model;
mod progress;
mod sample;
mod schema;
mod train;
mod trends;

use clap::{Parser, Subcommand};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: an error stopped the command.
pub const EXIT_ERROR: i32 = 1;
/// Exit code: bad command-line usage (clap's own).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the run committed its output but rejected more records than `--max-reject-rate`.
pub const EXIT_REJECT_RATE: i32 = 3;
/// Exit code: interrupted by SIGINT.
pub const EXIT_SIGINT: i32 = 130;
/// Exit code: interrupted by SIGTERM.
pub const EXIT_SIGTERM: i32 = 143;

/// Labels diplomatic statements' stance toward Taiwan independence and writes Parquet datasets.
#[derive(Parser)]
#[command(name = "stance", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify statements (JSONL, CSV, Parquet or stdin) into a Parquet dataset or JSON lines.
    Classify(classify::Args),
    /// Fine-tune a stance model on a labelled corpus (writes a Hugging Face checkpoint + manifest).
    Train(train::Args),
    /// Evaluate a model on a labelled file: accuracy, macro-F1, confusion, MAE, ECE.
    Eval(eval::Args),
    /// Per-actor stance time series, shift alerts, first use of each label, and a chart.
    Trends(trends::Args),
    /// Pack a fine-tuned model folder to ship only what differs from its base; assemble it back.
    Model(model::Args),
    /// Choose statements to label next from a predictions dataset (JSONL for Prodigy/Argilla + CSV).
    Sample(sample::Args),
    /// Labels from annotators: `stance label import` reads Prodigy/Argilla exports and CSVs into a corpus.
    Label(label::Args),
    /// Rank likely label errors in a corpus from out-of-fold probabilities (K fold models).
    Audit(audit::Args),
    /// Describe the output tables: columns, types and meaning (--json for scripts).
    Schema(schema::Args),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    tune_malloc();
    limit_onednn_cache();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Classify(a) => classify::run(a),
        Command::Train(a) => train::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Trends(a) => trends::run(a),
        Command::Model(a) => model::run(a),
        Command::Sample(a) => sample::run(a),
        Command::Label(a) => label::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Schema(a) => schema::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            EXIT_ERROR
        }
    }
}

/// Prints an error chain the way cargo does.
pub fn report_error(e: &anyhow::Error) {
    let mut msg = format!("error: {e}");
    let causes: Vec<String> = e.chain().skip(1).map(|c| c.to_string()).collect();
    if !causes.is_empty() {
        msg.push_str("\n\nCaused by:");
        for c in causes {
            msg.push_str(&format!("\n  {c}"));
        }
    }
    eprintln!("{msg}");
}

/// glibc malloc settings for a process that allocates and frees activations of tens of MB per
/// layer, applied before any thread starts. A setting whose `MALLOC_*` environment variable is
/// set is left to that variable.
/// - One arena per core, at least 2 and at most 4 (the most streams `auto` starts;
///   `M_ARENA_MAX`). glibc's default (8 per core) gave each inference stream
///   ([`strait_stance::streams`]) an arena that keeps the freed activations of its largest
///   batch: 886 MB peak RSS with two streams of full-size batches. One arena kept that to
///   642 MB but made every thread take one lock for every allocation: the tokenizer's two
///   threads then took 0.39–0.49 s for 4,000 mixed statements instead of 0.16–0.28 s, and
///   inference was slower too. With 2 arenas on 2 cores (4 alternating runs on the
///   mixed corpus): int8 11.38 s median against 11.84 s, `--fast` 12.0 s against 12.64 s,
///   faster in every pair, for 30–130 MB more peak RSS (at most 784 MB).
/// - Freed activations stay in the heap instead of going back to the kernel
///   (`M_MMAP_THRESHOLD` 32 MiB, its maximum; `M_TRIM_THRESHOLD` 1 GiB; `M_TOP_PAD` 256 MiB).
///   With glibc's defaults every batch mapped fresh pages for its activations and the kernel
///   zeroed them again: 15% of int8's CPU samples were page faults. On 1,500 mixed statements
///   (2 threads, 4 alternating runs) int8 took 9.4 s instead of 12.0 s and fp32 about 11%
///   less, for 50–80 MB more peak RSS.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MIB: libc::c_int = 1 << 20;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = cores.clamp(2, strait_stance::defaults::MAX_AUTO_STREAMS) as libc::c_int;
        let settings = [
            (libc::M_ARENA_MAX, "MALLOC_ARENA_MAX", arenas),
            (libc::M_MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_", 32 * MIB),
            (libc::M_TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_", 1024 * MIB),
            (libc::M_TOP_PAD, "MALLOC_TOP_PAD_", 256 * MIB),
        ];
        for (param, env, value) in settings {
            if std::env::var_os(env).is_none() {
                // SAFETY: mallopt only sets an allocator parameter; it is called before any
                // thread starts.
                unsafe {
                    libc::mallopt(param, value);
                }
            }
        }
    }
}

/// Caps oneDNN's primitive cache ([`strait_stance::defaults::ONEDNN_PRIMITIVES_PER_STREAM`])
/// unless `ONEDNN_PRIMITIVE_CACHE_CAPACITY` is set; before any thread starts, as oneDNN reads
/// the variable when it builds its first primitive.
fn limit_onednn_cache() {
    const VAR: &str = "ONEDNN_PRIMITIVE_CACHE_CAPACITY";
    if std::env::var_os(VAR).is_none() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let streams = cores.clamp(1, strait_stance::defaults::MAX_AUTO_STREAMS);
        let capacity = streams * strait_stance::defaults::ONEDNN_PRIMITIVES_PER_STREAM;
        std::env::set_var(VAR, capacity.to_string());
    }
}

/// Sets libtorch's thread pools; returns the intra-op thread count used.
pub fn set_threads(threads: Option<usize>) -> usize {
    let n = threads
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    tch::set_num_threads(n as i32);
    // Inter-op parallelism only helps graphs with independent branches; BERT is a chain.
    tch::set_num_interop_threads(1);
    n
}
