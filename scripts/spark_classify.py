#!/usr/bin/env python3
"""Classify statements with Spark: each partition is piped through `stance classify - --out -`.

Usage (local, from the repository root):

    spark-submit --master 'local[4]' scripts/spark_classify.py \\
        --input datasets/stance/test.jsonl --output out/spark \\
        [--stance-bin target/release/stance] [--model models/stance-minilm-v3] \\
        [--threads-per-task 1] [--partitions N] [--run-date YYYY-MM-DD] \\
        [--torch-lib DIR] [--stance-args '--precision int8']

    (or without spark-submit: .venv/bin/python scripts/spark_classify.py ... --master 'local[4]')

What it does
  * reads statements from Parquet (a file or a folder) or JSON lines (.jsonl/.ndjson/.json); a
    `text` column is required; `id`, `date`, `actor`, `speaker`, `source` are used by the model
    run, every other column is passed through to the output;
  * serialises every partition to JSON lines and pipes it through
        stance classify - --out - --model M --threads N --quiet --max-reject-rate 1
    in a subprocess per task (mapPartitions, not RDD.pipe: we need the binary's exit status with
    0 and 3 accepted, its stderr in the task error, a per-partition line-count check and the
    child killed when the task dies). Any other exit status, a line count that differs from the
    input, an output line that is not JSON, or an id out of order fails the task loudly;
  * lines of JSONL input that are not valid JSON (Spark's `_corrupt_record`) are sent to the
    binary as they are, so they become `invalid_json` rejects exactly as with the CLI;
  * parses the binary's output with an explicit Spark schema (FAILFAST) and writes
        OUTPUT/predictions/run_date=YYYY-MM-DD/part-*.parquet   (status "ok")
        OUTPUT/rejects/run_date=YYYY-MM-DD/part-*.parquet       (status "rejected", if any)
    with the CLI's predictions schema: the core columns in the CLI's order and types
    (Float32 probabilities, classified_at timestamp[us, UTC], date Date32, evidence_* Int64,
    n_sentences Int32), then the passthrough columns named as the CLI names them (a passthrough
    that collides with a core column gets an `input_` prefix; `run_date` becomes
    `input_run_date`). Passthrough types follow the CLI: for JSONL input nested values are kept
    as JSON text (the CLI's JSONL reader does the same), for Parquet input the input's Spark
    types are kept. The job appends: it does not skip statements already in OUTPUT (unlike
    `stance classify --out DIR`), so point it at a fresh folder or accept duplicates.
    The whole job uses one run_date (today in UTC unless --run-date); each task is its own
    `stance` run with its own run_id. Rejects carry the CLI's rejects columns, with
    `input_path` = --input, `record_ordinal` counted within the Spark partition (see
    `spark_partition`) and a `reject_key` that is NOT comparable with the CLI's keys.

Running on a real cluster (YARN, Kubernetes, standalone)
  The executors run the `stance` binary themselves, so three things have to travel with the job:

  1. The binary: `--files target/release/stance` (lands as ./stance in each executor's working
     folder; pass `--stance-bin stance`; the job restores the executable bit if the cluster
     dropped it). Executors must be x86_64 Linux with a glibc/libstdc++ at least as new as the
     build host's.
  2. The model folder (Hugging Face checkpoint + manifest.json; the binary verifies the hashes):
         tar -C models -czf stance-model.tgz stance-minilm-v3
         --archives stance-model.tgz#stance-model   and   --model stance-model/stance-minilm-v3
  3. libtorch. The binary links libtorch_cpu.so / libc10.so dynamically and its RUNPATH is the
     ABSOLUTE path of the build checkout's venv,
         <checkout>/.venv/lib/python3.11/site-packages/torch/lib
     which does not exist on the executors. Ship the libraries and put them on LD_LIBRARY_PATH
     (searched before RUNPATH). Keep the site-packages layout: libtorch_cpu.so finds libcudart /
     libcupti through its own $ORIGIN/../../nvidia/... RPATH (this is a CUDA wheel of torch even
     though the binary only uses the CPU). About 550 MB instead of the venv's 5+ GB:
         (cd .venv/lib/python3.11/site-packages && tar -czf "$OLDPWD/libtorch.tgz" \\
             torch/lib/libtorch_cpu.so torch/lib/libc10.so torch/lib/libgomp-*.so.1 \\
             nvidia/cuda_runtime/lib nvidia/cuda_cupti/lib)
         --archives libtorch.tgz#libtorch   and   --torch-lib libtorch/torch/lib
     (`--torch-lib` is prepended to LD_LIBRARY_PATH of the child process only; the equivalent
     without it is `--conf spark.executorEnv.LD_LIBRARY_PATH=./libtorch/torch/lib`. Shipping
     the whole venv with `--archives venv.tgz#venv` works too: `--torch-lib
     venv/lib/python3.11/site-packages/torch/lib`.)

  Example (YARN, 8 executors x 4 cores, 1 libtorch thread per task):
      spark-submit --master yarn --deploy-mode cluster \\
        --num-executors 8 --executor-cores 4 --executor-memory 4g \\
        --conf spark.pyspark.python=python3 \\
        --files target/release/stance \\
        --archives stance-model.tgz#stance-model,libtorch.tgz#libtorch \\
        scripts/spark_classify.py \\
        --input hdfs:///data/statements/ --output hdfs:///data/stance/ \\
        --stance-bin stance --model stance-model/stance-minilm-v3 \\
        --torch-lib libtorch/torch/lib --threads-per-task 1 --partitions 64

  Relative --stance-bin / --model / --torch-lib paths are looked up on each executor in its
  working folder, then in SparkFiles' root, then as resolved on the driver (local mode).
  Threads: each task runs one `stance` process with --threads-per-task libtorch threads, so
  set `--conf spark.task.cpus=N` together with `--threads-per-task N` (default: spark.task.cpus)
  to avoid oversubscribing the executor's cores. Each process loads the model once (~0.2 s,
  ~250 MB RSS), so prefer few large partitions (thousands of rows) over many small ones.
  The Python workers need only the standard library (no polars/pyarrow on executors).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import hashlib
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The CLI's table descriptions come from `stance schema --json` (src/output/schema.rs, the one
# source of column names, order and types): use_schema() fills these on the driver and in
# every task.
PREDICTION_COLUMNS: list = []
# The rejects columns + where Spark had the row.
REJECT_COLUMNS: list = []
COLUMN_TYPES: dict = {}  # (table, column) -> schema type name
STREAM_TAKEN: set = set()  # names the CLI's streaming mode treats as taken (+ its status field)
DATASET_TAKEN: set = set()
# Input columns the CLI consumes (its default --*-col names); everything else is passthrough.
CONSUMED = {"text", "id", "date", "actor", "speaker", "source"}
SPARK_TYPES = {"string": "StringType", "float32": "FloatType", "int32": "IntegerType",
               "int64": "LongType", "bool": "BooleanType", "date": "DateType",
               "timestamp_utc": "TimestampType"}


def read_schema(stance_bin: str, torch_lib: str | None = None) -> dict:
    """`stance schema --json` from the binary on the driver (never a `stance` found on PATH)."""
    hint = ("pass --schema-json FILE (the output of `stance schema --json`) when the binary "
            "cannot run on the driver")
    if not os.path.isfile(stance_bin):
        raise SystemExit(f"spark_classify: stance binary {stance_bin!r} is not on the driver; {hint}")
    env = dict(os.environ)
    if torch_lib:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            p for p in (os.path.abspath(torch_lib), env.get("LD_LIBRARY_PATH")) if p)
    try:
        r = subprocess.run([_executable(os.path.abspath(stance_bin)), "schema", "--json"],
                           capture_output=True, text=True, env=env)
    except OSError as e:
        raise SystemExit(f"spark_classify: cannot run {stance_bin!r} on the driver ({e}); {hint}")
    if r.returncode != 0:
        raise SystemExit(f"spark_classify: `{stance_bin} schema --json` failed "
                         f"({r.stderr.strip()[-500:]}); {hint}")
    return json.loads(r.stdout)


def use_schema(desc: dict) -> None:
    """Fills the module's column lists from a `stance schema --json` description."""
    tables = {t["name"]: t for t in desc["tables"]}
    pred = tables["predictions"]["columns"]
    rej = tables["rejects"]["columns"]
    PREDICTION_COLUMNS[:] = [c["name"] for c in pred]
    REJECT_COLUMNS[:] = [c["name"] for c in rej] + ["spark_partition"]
    COLUMN_TYPES.clear()
    COLUMN_TYPES.update({("predictions", c["name"]): c["type"] for c in pred})
    COLUMN_TYPES.update({("rejects", c["name"]): c["type"] for c in rej})
    COLUMN_TYPES[("rejects", "spark_partition")] = "int32"
    DATASET_TAKEN.clear()
    DATASET_TAKEN.update(PREDICTION_COLUMNS)
    STREAM_TAKEN.clear()
    STREAM_TAKEN.update(PREDICTION_COLUMNS + [desc["stream_status_field"]])


CORRUPT = "_corrupt_record"
REJECT_FIELD = "__stance_reject"  # reject payload nested here so it never collides with passthrough
TS_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"  # what `stance` prints for classified_at
OK_EXIT = (0, 3)  # 3 = reject rate above the limit; the output is still complete


class StanceTaskError(RuntimeError):
    """A partition's `stance` run failed or its output does not match its input."""


# ----------------------------------------------------------------------------- naming / schema

def quote(name: str) -> str:
    """A column name for F.col, taken literally (dots, backticks)."""
    return "`" + name.replace("`", "``") + "`"


def passthrough_name(name: str, taken) -> str:
    """Prefixes `input_` until `name` is free (case-insensitively, as the CLI compares)."""
    low = {t.lower() for t in taken}
    while name.lower() in low:
        name = f"input_{name}"
    return name


def passthrough_names(names: list, core) -> list:
    """The CLI's collision rule (src/output/frames.rs passthrough_names), ported exactly: each
    passthrough name avoids the core columns, the other passthrough columns' own names and the
    names already given, comparing case-insensitively; a core name starts from `input_<name>`.
    `stance schema --json` carries the rule's test vector (`passthrough_example`)."""
    core_l = {c.lower() for c in core}
    out = []
    for i, name in enumerate(names):
        def taken(n, i=i):
            n = n.lower()
            return (n in core_l
                    or any(j != i and o.lower() == n for j, o in enumerate(names))
                    or any(a.lower() == n for a in out))
        n = f"input_{name}" if name.lower() in core_l else name
        while taken(n):
            n = f"input_{n}"
        out.append(n)
    return out


def spark_struct(table: str, columns: list):
    from pyspark.sql import types as T

    return T.StructType([T.StructField(c, getattr(T, SPARK_TYPES[COLUMN_TYPES[(table, c)]])(), True)
                         for c in columns])


def prediction_core_schema():
    return spark_struct("predictions", PREDICTION_COLUMNS)


def reject_schema():
    return spark_struct("rejects", REJECT_COLUMNS)


def plan_passthrough(input_schema, nested_as_json: bool):
    """[(stream_name, table_name, spark_type)] for the passthrough columns, in input order.

    stream_name: the key `stance ... --out -` prints; table_name: the column in the written
    table (the name `stance classify --out DIR` would use, `run_date` moved out of the way).
    """
    from pyspark.sql import types as T

    fields = [f for f in input_schema.fields if f.name not in CONSUMED and f.name != CORRUPT]
    names = [f.name for f in fields]
    stream_names = passthrough_names(names, STREAM_TAKEN)
    table_names = passthrough_names(names, DATASET_TAKEN)
    plan = []
    for field, stream, table in zip(fields, stream_names, table_names):
        if table == "run_date":  # the partition column
            table = passthrough_name("input_run_date", DATASET_TAKEN | set(names) | set(table_names))
        dtype = field.dataType
        if nested_as_json and isinstance(dtype, (T.ArrayType, T.MapType, T.StructType)):
            dtype = T.StringType()  # the CLI's JSONL reader keeps nested values as JSON text
        plan.append((stream, table, dtype))
    return plan


def parse_schema(passthrough):
    """Schema for one output line of `stance --out -` (ok and rejected lines share it)."""
    from pyspark.sql import types as T

    fields = [T.StructField("status", T.StringType(), True)]
    fields += list(prediction_core_schema().fields)
    fields += [T.StructField(s, d, True) for s, _, d in passthrough]
    fields.append(T.StructField(REJECT_FIELD, reject_schema(), True))
    return T.StructType(fields)


# ----------------------------------------------------------------------------- executor side

def _sparkfiles_root():
    try:
        from pyspark import SparkFiles

        return SparkFiles.getRootDirectory()
    except Exception:  # noqa: BLE001 - no SparkFiles outside a task
        return None


def resolve_path(given: str, driver_abs: str | None, kind: str) -> str:
    """Finds a shipped file/folder on the executor (see module docstring)."""
    if os.path.isabs(given):
        cands = [given]
    else:
        cands = [os.path.join(os.getcwd(), given)]
        root = _sparkfiles_root()
        if root:
            cands.append(os.path.join(root, given))
            cands.append(os.path.join(root, os.path.basename(given)))
        if driver_abs:
            cands.append(driver_abs)
    for c in cands:
        if os.path.exists(c):
            return c
    raise StanceTaskError(f"{kind} {given!r} not found on executor (tried: {', '.join(cands)})")


def _executable(path: str) -> str:
    if os.access(path, os.X_OK):
        return path
    try:
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path
    except OSError:
        copy = os.path.join(tempfile.mkdtemp(prefix="stance-bin-"), os.path.basename(path))
        shutil.copy2(path, copy)
        os.chmod(copy, 0o755)
        return copy


def _tail(f, limit=4000) -> str:
    try:
        f.flush()
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - limit))
        return f.read().decode("utf-8", "replace").strip()
    except Exception:  # noqa: BLE001
        return ""


def classify_partition(cfg: dict, index: int, rows):
    """mapPartitionsWithIndex body: rows are (input id or None, JSON line); yields output lines."""
    it = iter(rows)
    try:
        first = next(it)
    except StopIteration:
        return  # empty partition: no process, no model load
    started = time.monotonic()
    use_schema(cfg["schema"])
    binary = _executable(resolve_path(cfg["stance_bin"], cfg["stance_bin_driver"], "stance binary"))
    model = resolve_path(cfg["model"], cfg["model_driver"], "model folder")
    env = dict(os.environ)
    if cfg.get("torch_lib"):
        lib = resolve_path(cfg["torch_lib"], cfg.get("torch_lib_driver"), "torch lib folder")
        env["LD_LIBRARY_PATH"] = lib + (
            os.pathsep + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    threads = str(cfg["threads"])
    env["STANCE_MODEL"] = model
    env.setdefault("OMP_NUM_THREADS", threads)
    env.setdefault("MKL_NUM_THREADS", threads)
    cmd = [binary, "classify", "-", "--out", "-", "--model", model, "--threads", threads,
           "--quiet", "--max-reject-rate", "1", "--run-date", cfg["run_date"]] + cfg["stance_args"]

    stderr = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                            env=env, bufsize=1 << 16)
    expected_ids: collections.deque = collections.deque()  # ids fed but not yet read back
    fed = {"n": 0, "error": None}

    def feed():
        try:
            for rid, line in _chain(first, it):
                if "\n" in line:
                    raise StanceTaskError(f"partition {index}: input line {fed['n'] + 1} holds a newline")
                expected_ids.append(rid)
                proc.stdin.write(line.encode("utf-8") + b"\n")
                fed["n"] += 1
        except BrokenPipeError:
            fed["error"] = "stance closed its stdin early"
        except BaseException as e:  # noqa: BLE001 - reported by the reading side
            fed["error"] = repr(e)
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    writer = threading.Thread(target=feed, name=f"stance-feed-{index}", daemon=True)
    writer.start()
    n_out = n_rej = 0
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def fail(msg):
        raise StanceTaskError(
            f"partition {index}: {msg} [cmd: {shlex.join(cmd)}; exit {proc.poll()}; "
            f"stderr: {_tail(stderr) or '(empty)'}]")

    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8").rstrip("\n")
            try:
                obj = json.loads(line)
            except ValueError:
                fail(f"output line {n_out + 1} is not JSON: {line[:200]!r}")
            if not expected_ids:
                fail(f"more output lines than input lines fed so far ({n_out + 1} > {fed['n']})")
            status = obj.get("status")
            want = expected_ids.popleft()
            n_out += 1
            if status == "ok":
                if want is not None and want.strip() and obj.get("id") != want:
                    fail(f"output line {n_out} has id {obj.get('id')!r}, input line had {want!r}")
                yield line
            elif status == "rejected":
                if obj.get("record_ordinal") != n_out:
                    fail(f"reject on output line {n_out} has record_ordinal {obj.get('record_ordinal')}")
                n_rej += 1
                rej = {c: obj.get(c) for c in REJECT_COLUMNS}
                rej["input_path"] = cfg["input"]
                raw_hash = hashlib.sha256((obj.get("raw") or "").encode("utf-8")).hexdigest()
                rej["reject_key"] = hashlib.sha256(
                    f"spark:{cfg['input']}\x1f{index}\x1f{n_out}\x1f{raw_hash}".encode()).hexdigest()
                rej["rejected_at"] = now
                rej["spark_partition"] = index
                yield json.dumps({"status": "rejected", REJECT_FIELD: rej}, ensure_ascii=False)
            else:
                fail(f"output line {n_out} has unknown status {status!r}")
        writer.join()
        rc = proc.wait()
        if rc not in OK_EXIT:
            fail(f"stance exited with status {rc}")
        if fed["error"]:
            fail(f"feeding stdin failed: {fed['error']}")
        if n_out != fed["n"]:
            fail(f"count check failed: {fed['n']} input lines, {n_out} output lines")
        elapsed = time.monotonic() - started
        if cfg.get("acc_rows") is not None:
            cfg["acc_rows"].add(n_out)
            cfg["acc_rejects"].add(n_rej)
            cfg["acc_seconds"].add(elapsed)
            cfg["acc_tasks"].add(1)
        print(f"spark_classify: partition {index}: {n_out} lines ({n_rej} rejected) in "
              f"{elapsed:.1f}s, {n_out / max(elapsed, 1e-9):.1f} statements/s", file=sys.stderr)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        writer.join(timeout=5)
        stderr.close()


def _chain(first, rest):
    yield first
    yield from rest


# ----------------------------------------------------------------------------- driver side

def read_input(spark, path: str, fmt: str = "auto"):
    if fmt == "auto":
        low = path.rstrip("/").lower()
        fmt = "jsonl" if low.endswith((".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz")) else "parquet"
    if fmt == "jsonl":
        df = (spark.read.option("mode", "PERMISSIVE")
              .option("columnNameOfCorruptRecord", CORRUPT).json(path))
    elif fmt == "parquet":
        df = spark.read.parquet(path)
    else:
        raise SystemExit(f"spark_classify: unknown --format {fmt!r}")
    return df, fmt


def default_model() -> str:
    return os.environ.get("STANCE_MODEL") or os.path.join(REPO, "models", "stance-minilm-v3")


def run_job(spark, input_path: str, output: str, stance_bin: str | None = None,
            model: str | None = None, threads_per_task: int | None = None,
            partitions: int | None = None, run_date: str | None = None,
            torch_lib: str | None = None, stance_args: list | None = None,
            input_format: str = "auto", schema_json: str | None = None) -> dict:
    """Runs the whole job on `spark`; returns counts and timings. Raises on any mismatch."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    t0 = time.monotonic()
    sc = spark.sparkContext
    # Timestamps as instants in UTC everywhere; Parquet INT64 micros (not INT96) like the CLI.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    # `ID` next to `id`, `Label` next to `label`: distinct columns for the CLI, so for us too.
    spark.conf.set("spark.sql.caseSensitive", "true")
    if __name__ != "__main__":  # imported (tests): executors must be able to import this module
        sc.addPyFile(os.path.abspath(__file__))

    stance_bin = stance_bin or os.path.join(REPO, "target", "release", "stance")
    model = model or default_model()
    if threads_per_task is None:
        threads_per_task = int(sc.getConf().get("spark.task.cpus", "1"))
    run_date = run_date or dt.datetime.now(dt.timezone.utc).date().isoformat()
    dt.date.fromisoformat(run_date)

    def driver_abs(p):
        return os.path.abspath(p) if p and os.path.exists(p) else None

    for what, path in (("model folder", model), ("stance binary", stance_bin)):
        if not driver_abs(path):  # fine when shipped with --files/--archives; tasks check again
            print(f"spark_classify: note: {what} {path!r} is not on the driver; expecting it on "
                  "the executors (--files/--archives)", file=sys.stderr)

    if schema_json:
        with open(schema_json, encoding="utf-8") as f:
            schema_desc = json.load(f)
    else:
        schema_desc = read_schema(stance_bin, torch_lib)
    use_schema(schema_desc)

    df, fmt = read_input(spark, input_path, input_format)
    if "text" not in df.columns:
        raise SystemExit(f"spark_classify: input {input_path} has no `text` column "
                         f"(columns: {', '.join(df.columns)})")
    if partitions:
        df = df.repartition(int(partitions))
    passthrough = plan_passthrough(df.schema, nested_as_json=(fmt == "jsonl"))

    payload = [c for c in df.columns if c != CORRUPT]
    # Null fields stay in the line: the CLI renames colliding passthrough keys per line, from
    # the keys the line has, so every line must carry every column.
    line = F.to_json(F.struct(*[F.col(quote(c)) for c in payload]),
                     {"timestampFormat": TS_FORMAT, "ignoreNullFields": "false"})
    if CORRUPT in df.columns:  # JSONL lines Spark could not parse go to `stance` verbatim
        line = F.when(F.col(CORRUPT).isNotNull(), F.col(CORRUPT)).otherwise(line)
    id_col = F.col("id") if "id" in df.columns and isinstance(
        df.schema["id"].dataType, T.StringType) else F.lit(None).cast("string")
    pairs = df.select(id_col.alias("i"), line.alias("l")).rdd.map(lambda r: (r[0], r[1]))

    cfg = {
        "stance_bin": stance_bin, "stance_bin_driver": driver_abs(stance_bin),
        "model": model, "model_driver": driver_abs(model),
        "torch_lib": torch_lib, "torch_lib_driver": driver_abs(torch_lib),
        "threads": int(threads_per_task), "run_date": run_date, "input": input_path,
        "stance_args": list(stance_args or []), "schema": schema_desc,
        "acc_rows": sc.accumulator(0), "acc_rejects": sc.accumulator(0),
        "acc_seconds": sc.accumulator(0.0), "acc_tasks": sc.accumulator(0),
    }
    lines = pairs.mapPartitionsWithIndex(functools.partial(classify_partition, cfg))

    parsed = spark.read.json(lines, schema=parse_schema(passthrough), mode="FAILFAST",
                             timestampFormat=TS_FORMAT, dateFormat="yyyy-MM-dd")
    parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        t1 = time.monotonic()
        n_out = parsed.count()  # runs the classification once; the writes reuse the cache
        t_classify = time.monotonic() - t1
        n_in = df.count()
        if n_out != n_in:
            raise StanceTaskError(f"count check failed: {n_in} input rows, {n_out} output rows")
        status_counts = {r["status"]: r["count"] for r in parsed.groupBy("status").count().collect()}
        unknown = set(status_counts) - {"ok", "rejected"}
        if unknown:
            raise StanceTaskError(f"unexpected status values {unknown}")

        rd = F.lit(run_date).cast("date").alias("run_date")
        ok = parsed.where(F.col("status") == "ok").select(
            *[F.col(c) for c in PREDICTION_COLUMNS],
            *[F.col(quote(s)).alias(t) for s, t, _ in passthrough], rd)
        n_ok = status_counts.get("ok", 0)
        n_rej = status_counts.get("rejected", 0)
        pred_dir = output.rstrip("/") + "/predictions"
        rej_dir = output.rstrip("/") + "/rejects"
        if n_ok:
            ok.write.mode("append").partitionBy("run_date").parquet(pred_dir)
        if n_rej:
            rej = parsed.where(F.col("status") == "rejected").select(f"{REJECT_FIELD}.*", rd)
            rej.write.mode("append").partitionBy("run_date").parquet(rej_dir)
        labels = {r["label"]: r["count"] for r in
                  parsed.where(F.col("status") == "ok").groupBy("label").count().collect()}
    finally:
        parsed.unpersist()
    stats = {
        "input": input_path, "output": output, "run_date": run_date, "rows": n_in,
        "ok": n_ok, "rejected": n_rej, "labels": labels,
        "tasks": cfg["acc_tasks"].value, "task_seconds": cfg["acc_seconds"].value,
        "classify_wall_s": t_classify, "total_wall_s": time.monotonic() - t0,
        "threads_per_task": int(threads_per_task),
        "passthrough": [t for _, t, _ in passthrough],
    }
    stats["per_task_rate"] = n_in / stats["task_seconds"] if stats["task_seconds"] else 0.0
    stats["wall_rate"] = n_in / t_classify if t_classify else 0.0
    return stats


def build_session(master: str | None = None):
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName("strait-stance-classify")
    if master:
        b = b.master(master)
    return (b.config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .getOrCreate())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="See the top of scripts/spark_classify.py for cluster use.")
    p.add_argument("--input", required=True, help="Parquet file/folder or JSON lines file(s)")
    p.add_argument("--output", required=True, help="dataset folder (predictions/, rejects/)")
    p.add_argument("--stance-bin", default=None, help="stance binary (default target/release/stance)")
    p.add_argument("--model", default=None,
                   help="model folder (default $STANCE_MODEL, else models/stance-minilm-v3)")
    p.add_argument("--threads-per-task", type=int, default=None,
                   help="libtorch threads per stance process (default spark.task.cpus)")
    p.add_argument("--partitions", type=int, default=None, help="repartition the input to N")
    p.add_argument("--run-date", default=None, help="partition date (default today, UTC)")
    p.add_argument("--torch-lib", default=None,
                   help="folder with libtorch_cpu.so for LD_LIBRARY_PATH on executors")
    p.add_argument("--stance-args", default="", help="extra `stance classify` options (one string)")
    p.add_argument("--format", default="auto", choices=["auto", "jsonl", "parquet"])
    p.add_argument("--schema-json", default=None,
                   help="output of `stance schema --json` (default: run the driver's stance binary)")
    p.add_argument("--master", default=None, help="Spark master when not run via spark-submit")
    a = p.parse_args(argv)
    spark = build_session(a.master)
    try:
        s = run_job(spark, a.input, a.output, stance_bin=a.stance_bin, model=a.model,
                    threads_per_task=a.threads_per_task, partitions=a.partitions,
                    run_date=a.run_date, torch_lib=a.torch_lib,
                    stance_args=shlex.split(a.stance_args), input_format=a.format,
                    schema_json=a.schema_json)
    finally:
        spark.stop()
    print(f"spark_classify: {s['rows']} rows -> {s['ok']} predictions, {s['rejected']} rejects "
          f"in {s['output']} (run_date={s['run_date']}); {s['tasks']} tasks; "
          f"classify stage {s['classify_wall_s']:.1f}s ({s['wall_rate']:.1f} statements/s), "
          f"{s['per_task_rate']:.1f} statements/s per task at {s['threads_per_task']} thread(s)")
    print("spark_classify: labels " + json.dumps(dict(sorted(s["labels"].items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
