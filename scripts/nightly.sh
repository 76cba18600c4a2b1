#!/usr/bin/env bash
# The README's main job — what a nightly batch run does, on the bundled sample by default:
#   1. set up (idempotent: seconds after the first time) and build the release binary;
#   2. classify the statements into the Parquet dataset (only statements not yet classified by
#      this model are processed; rerunning adds nothing);
#   3. rebuild the trend tables, print the shift alerts and point at the chart.
#
# Usage: scripts/nightly.sh [--out DIR] [INPUT ...]       (default: datasets/samples/statements.jsonl → out/)
# Extra settings via env: PERIOD (year|quarter|month, default year), MIN_STATEMENTS (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=out
inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
[ ${#inputs[@]} -gt 0 ] || inputs=(datasets/samples/statements.jsonl)

scripts/setup.sh
cargo build --release --quiet
stance=target/release/stance

set +e
"$stance" classify "${inputs[@]}" --out "$out"
rc=$?
set -e
# 3 = committed, but more rejects than --max-reject-rate: report trends anyway, then fail.
if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then exit "$rc"; fi

"$stance" trends --predictions "$out" --period "${PERIOD:-year}" \
  --min-statements "${MIN_STATEMENTS:-2}" --out "$out/trends"
echo
echo "dataset: $out/predictions (Parquet, Hive-partitioned by run_date); chart: $out/trends/stance_trends.png"
exit "$rc"
