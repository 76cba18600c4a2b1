#!/usr/bin/env python3
"""polars / pandas (pyarrow) / duckdb read a `stance classify` dataset the same way.

Usage: .venv/bin/python tests/python/test_readers.py [--model DIR] [--stance-bin PATH] [--keep]

Classifies the bundled sample (datasets/samples/statements.jsonl) twice into a
temporary dataset (the second run must add no rows), then runs scripts/check_readers.py on it,
and on trends files (`stance trends` when the binary has it, else small stand-ins written with
polars). Prints `readers: N passed, M failed` last; exit 0 only when nothing failed, 77 when
the reader libraries are not installed (run scripts/setup.sh --dev).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "datasets", "samples", "statements.jsonl")
with open(SAMPLE, encoding="utf-8") as _f:
    EXPECTED = sum(1 for line in _f if line.strip())
CHECK = os.path.join(REPO, "scripts", "check_readers.py")
SKIP = 77

results: list = []


def check(name: str, fn):
    t = time.monotonic()
    try:
        detail = fn()
        results.append((name, True, ""))
        print(f"  PASS {name} ({time.monotonic() - t:.1f}s){': ' + detail if detail else ''}", flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
        msg = f"{type(e).__name__}: {e}" if str(e) else "".join(traceback.format_exception(e))
        results.append((name, False, msg))
        print(f"  FAIL {name}: {msg}", flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=os.environ.get("STANCE_MODEL")
                   or os.path.join(REPO, "models", "stance-minilm-v3"))
    p.add_argument("--stance-bin", default=os.environ.get("STANCE_BIN")
                   or os.path.join(REPO, "target", "release", "stance"))
    p.add_argument("--keep", action="store_true", help="keep the temporary dataset")
    a = p.parse_args()

    try:
        import duckdb  # noqa: F401
        import pandas  # noqa: F401
        import polars as pl
        import pyarrow.dataset as ds
    except ImportError as e:
        print(f"readers: SKIPPED — {e.name} is not installed (run scripts/setup.sh --dev)")
        return SKIP
    for what, path in (("stance binary", a.stance_bin), ("model folder", a.model)):
        if not os.path.exists(path):
            print(f"readers: error: {what} {path} not found (pass --stance-bin / --model)")
            print("readers: 0 passed, 1 failed")
            return 1

    tmp = tempfile.mkdtemp(prefix="stance-readers-")
    out = os.path.join(tmp, "out")
    print(f"readers: dataset {out}, model {a.model}")
    # The sample plus two bad lines, classified sentence by sentence, so that all three
    # tables (predictions, sentences, rejects) exist for the readers to load.
    inp = os.path.join(tmp, "input.jsonl")
    with open(SAMPLE, encoding="utf-8") as src, open(inp, "w", encoding="utf-8") as dst:
        dst.write(src.read().rstrip("\n") + "\n")
        dst.write('{"id": "bad-1", "text": ""}\n{broken json\n')
    classify = [a.stance_bin, "classify", inp, "--out", out, "--model", a.model,
                "--threads", "2", "--quiet", "--segmentation", "sentences",
                "--max-reject-rate", "1"]

    def pred_rows():
        files = glob.glob(f"{out}/predictions/**/*.parquet", recursive=True)
        return ds.dataset(files, format="parquet").count_rows() if files else 0

    def first_run():
        r = run(classify)
        assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()[-2000:]}"
        n = pred_rows()
        assert n == EXPECTED, f"{n} prediction rows after the first run, expected {EXPECTED}"
        return f"{EXPECTED} predictions"

    def second_run():
        before = sorted(glob.glob(f"{out}/predictions/**/*.parquet", recursive=True))
        r = run(classify)
        assert r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()[-2000:]}"
        n = pred_rows()
        assert n == EXPECTED, f"{n} prediction rows after the second run, expected still {EXPECTED}"
        after = sorted(glob.glob(f"{out}/predictions/**/*.parquet", recursive=True))
        assert after == before, f"second run added part files: {sorted(set(after) - set(before))}"
        runs = sorted(glob.glob(f"{out}/_runs/*.json"))
        assert len(runs) == 2, f"{len(runs)} run manifests, expected 2"
        last = max((json.load(open(f)) for f in runs), key=lambda m: m.get("started_at", ""))
        c = last.get("counts", {})
        assert c.get("predictions") == 0, f"second run manifest counts {c}"
        return f"no new rows; second manifest skipped_existing={c.get('skipped_existing')}"

    def readers_agree():
        r = run([sys.executable, CHECK, "--stance-bin", a.stance_bin, out])
        sys.stdout.write("".join("    | " + l + "\n" for l in r.stdout.splitlines()))
        assert r.returncode == 0, f"check_readers exit {r.returncode}: {r.stderr.strip()[-2000:]}"
        assert "polars/pandas/duckdb agree" in r.stdout, "no OK line"
        for t in ("predictions", "sentences"):
            assert f"{t}: row count" in r.stdout, f"{t} not checked"
        want = f"{{'polars': {EXPECTED}, 'pandas': {EXPECTED}, 'duckdb': {EXPECTED}}}"
        assert want in r.stdout, f"predictions rows != {EXPECTED}"
        return ""

    tdir = os.path.join(tmp, "trends")

    def trends_agree():
        help_ = run([a.stance_bin, "--help"]).stdout
        if any(l.strip().startswith("trends") for l in help_.splitlines()):
            r = run([a.stance_bin, "trends", "--predictions", out, "--out", tdir, "--quiet"])
            assert r.returncode == 0, f"stance trends exit {r.returncode}: {r.stderr.strip()[-2000:]}"
            how = "from `stance trends`"
        else:
            # Stand-ins with the kinds of columns the real files have (this binary has no `trends`).
            os.makedirs(tdir, exist_ok=True)
            preds = pl.scan_parquet(f"{out}/predictions/**/*.parquet", hive_partitioning=True,
                                    missing_columns="insert", extra_columns="ignore").collect()
            per = preds.with_columns(period_start=pl.col("date").dt.truncate("1y"))
            trends = (per.group_by("actor", "period_start")
                      .agg(n=pl.len().cast(pl.Int64), mean_stance=pl.col("stance_score").mean(),
                           dominant=pl.col("label").mode().first())
                      .sort("actor", "period_start"))
            trends.write_parquet(f"{tdir}/trends.parquet")
            trends.filter(pl.col("n") > 1).select(
                "actor", "period_start", "dominant", delta=pl.col("mean_stance")).write_parquet(
                f"{tdir}/shifts.parquet")
            per.group_by("actor").agg(first_date=pl.col("date").min(),
                                      first_id=pl.col("id").first()).write_parquet(
                f"{tdir}/first_use.parquet")
            how = "stand-ins (binary has no `trends` subcommand)"
        r = run([sys.executable, CHECK, "--stance-bin", a.stance_bin, out, "--trends", tdir, "--quiet"])
        sys.stdout.write("".join("    | " + l + "\n" for l in r.stdout.splitlines()))
        assert r.returncode == 0, f"check_readers --trends exit {r.returncode}: {r.stderr.strip()[-2000:]}"
        return how

    def detects_disagreement():
        # A passthrough column int in one part file and string in another: the readers cannot
        # all load it the same way, and check_readers must say so (exit 1), not pass.
        bad = os.path.join(tmp, "bad", "predictions", "run_date=2026-01-01")
        os.makedirs(bad)
        src = sorted(glob.glob(f"{out}/predictions/**/*.parquet", recursive=True))[0]
        base = pl.read_parquet(src, hive_partitioning=False)
        base.head(3).with_columns(x=pl.lit(1)).write_parquet(f"{bad}/part-a.parquet")
        base.tail(3).with_columns(x=pl.lit("abc")).write_parquet(f"{bad}/part-b.parquet")
        r = run([sys.executable, CHECK, "--stance-bin", a.stance_bin, os.path.join(tmp, "bad"), "--quiet"])
        assert r.returncode == 1, f"expected exit 1, got {r.returncode}: {r.stdout[-1500:]}"
        r = run([sys.executable, CHECK, "--stance-bin", a.stance_bin, os.path.join(tmp, "nothing-here")])
        assert r.returncode == 2, f"missing DIR: expected exit 2, got {r.returncode}"
        return "conflicting types -> exit 1, missing dataset -> exit 2"

    def old_pyarrow_opens_every_table():
        # pyarrow 14 predates Arrow's view types: it fails ("Unrecognized type: 24") on any
        # file whose stored Arrow schema says string_view. Every table must open there too.
        old = os.path.join(REPO, ".venv-oldarrow", "bin", "python")
        assert os.path.exists(old), f"{old} missing: scripts/setup.sh --dev creates it"
        files = sorted(glob.glob(f"{out}/**/*.parquet", recursive=True)
                       + glob.glob(f"{tdir}/**/*.parquet", recursive=True))
        tables = {os.path.relpath(f, tmp).split(os.sep)[1] for f in files}
        for t in ("predictions", "sentences", "rejects", "trends.parquet", "shifts.parquet"):
            assert t in tables, f"no {t} file to check (have {sorted(tables)})"
        code = textwrap.dedent("""
            import sys, pyarrow, pyarrow.parquet as pq
            assert pyarrow.__version__.startswith("14."), pyarrow.__version__
            n = 0
            for f in sys.argv[1:]:
                t = pq.read_table(f)
                assert not any("view" in str(x.type) for x in t.schema), (f, t.schema)
                n += t.num_rows
            print(pyarrow.__version__, len(sys.argv) - 1, n)
        """)
        r = run([old, "-c", code, *files])
        assert r.returncode == 0, f"pyarrow 14 failed: {r.stderr.strip()[-2000:]}"
        ver, nfiles, nrows = r.stdout.split()
        return f"pyarrow {ver} read {nfiles} files ({nrows} rows) from {len(tables)} tables"

    check(f"first classify run writes {EXPECTED} predictions", first_run)
    check("second classify run adds no rows", second_run)
    check("check_readers: polars/pandas/duckdb agree", readers_agree)
    check("check_readers --trends: trends/shifts/first_use agree", trends_agree)
    check("check_readers fails loudly on disagreement", detects_disagreement)
    check("pyarrow 14 opens every table", old_pyarrow_opens_every_table)

    if a.keep:
        print(f"readers: kept {tmp}")
    else:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(ok for _, ok, _ in results)
    failed = len(results) - passed
    print(f"readers: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
