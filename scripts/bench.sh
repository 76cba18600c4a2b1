#!/usr/bin/env bash
# Throughput benchmark: `stance classify` vs the Hugging Face transformers pipeline, plain torch
# and ONNX Runtime fp32/int8 (length-sorted batches), side by side, on three deterministic corpora
# (mixed statements + paragraphs; single statements; long transcripts), 3 paired runs each, with
# peak RSS, label agreement, model load time and GFLOP/s against this machine's fp32 matmul peak.
# Results: a markdown table on stdout, target/bench/results.md and target/bench/results.json.
#
# Usage: scripts/bench.sh [--threads T] [--n N] [--model DIR] [--quick] [--reps R] [--stance-arg=ARG]
#   --threads T   threads for both tools (default: all available cores)
#   --n N         statements per corpus (default 4000)
#   --model DIR   model folder (default models/stance-minilm-v3)
#   --quick       smoke run, 300 statements per corpus
#   --reps R      paired runs per configuration, median and min-max shown (default 3)
#   --corpora C   comma-separated subset of mixed,single,longdocs (default all)
#   --tools T     comma-separated subset of pipeline,stance,torch,ort (default all)
# Run it on an otherwise idle machine; `--help` lists every option.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

vpy="$root/.venv/bin/python"
if [ ! -x "$vpy" ] || ! "$vpy" -c 'import torch, transformers, pyarrow, onnxruntime, onnx' 2>/dev/null; then
  echo "bench: setting up the venv (scripts/setup.sh --dev)" >&2
  scripts/setup.sh --dev
fi

bin="${STANCE_BIN:-$root/target/release/stance}"
if [ ! -x "$bin" ]; then
  echo "bench: building the release binary (cargo build --release)" >&2
  cargo build --release
fi

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec "$vpy" "$root/scripts/bench/bench.py" --binary "$bin" "$@"
