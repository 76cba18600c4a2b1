#!/usr/bin/env python3
"""Check that polars, pandas (via pyarrow) and duckdb read a strait-stance dataset the same way.

Usage: check_readers.py DIR [--trends TDIR] [--quiet]

DIR is a dataset written by `stance classify --out DIR` (or scripts/spark_classify.py):
DIR/predictions/run_date=YYYY-MM-DD/*.parquet, and DIR/sentences, DIR/rejects when present.
Each table is loaded with the three readers and they must agree on: row count, column names,
compatible column types (the predictions' core columns must have the CLI's types), `run_date`
read as a date, the label (rejects: error_code) counts, the number of distinct ids, and for
predictions the min/max of classified_at (as epoch µs, so a time-zone or INT96 slip shows)
and of date. With --trends TDIR it also loads TDIR/trends.parquet, TDIR/shifts.parquet and
TDIR/first_use.parquet with all three and checks rows, columns and types agree.

Datasets may mix part files with different passthrough columns (runs over different inputs,
Spark-written files next to CLI-written ones): the readers below are set up to take the union
of the columns. Prints the exact one-liners it used. Exit status: 0 all agree, 1 disagreement,
2 usage error (e.g. no DIR/predictions).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import glob
import json
import os
import subprocess
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

# The CLI's predictions core columns and their type family: from `stance schema --json`
# (src/output/schema.rs), filled in main().
PREDICTION_TYPES: dict = {}


def load_prediction_types(stance_bin: str, schema_json: str | None) -> dict:
    """Predictions column -> type, from `stance schema --json` (or a saved copy of it)."""
    try:
        if schema_json:
            with open(schema_json, encoding="utf-8") as f:
                desc = json.load(f)
        else:
            r = subprocess.run([stance_bin, "schema", "--json"], capture_output=True, text=True)
            if r.returncode != 0:
                raise OSError(f"exit {r.returncode}: {r.stderr.strip()[-500:]}")
            desc = json.loads(r.stdout)
    except (OSError, ValueError) as e:
        print(f"check_readers: error: cannot read the table schema from "
              f"{schema_json or stance_bin + ' schema --json'}: {e} (pass --stance-bin or --schema-json)")
        sys.exit(2)
    tables = {t["name"]: t for t in desc["tables"]}
    return {c["name"]: c["type"] for c in tables["predictions"]["columns"]}


COUNT_COLUMN = {"predictions": "label", "sentences": "label", "rejects": "error_code"}
TABLES = ["predictions", "sentences", "rejects"]
TREND_FILES = ["trends.parquet", "shifts.parquet", "first_use.parquet"]

ONE_LINERS = {
    "polars": 'pl.scan_parquet(f"{DIR}/{TABLE}/**/*.parquet", hive_partitioning=True, '
              'missing_columns="insert", extra_columns="ignore").collect()',
    "polars (all columns)": 'pl.concat([pl.scan_parquet(f, hive_partitioning=True) for f in '
                            'sorted(glob.glob(f"{DIR}/{TABLE}/**/*.parquet", recursive=True))], '
                            'how="diagonal_relaxed").collect()',
    "pandas": 'ds.dataset(f"{DIR}/{TABLE}", format="parquet", partitioning=ds.partitioning('
              'pa.schema([("run_date", pa.date32())]), flavor="hive")).to_table().to_pandas()',
    "pandas (all columns)": 'ds.dataset(f"{DIR}/{TABLE}", format="parquet", partitioning=..., '
                            'schema=<union of the part files\' schemas, string_view->string, '
                            '+ run_date date32>).to_table().to_pandas()',
    "duckdb": "duckdb.sql(f\"SELECT * FROM read_parquet('{DIR}/{TABLE}/**/*.parquet', "
              "hive_partitioning=true, union_by_name=true)\")",
    "trends": 'pl.read_parquet(f"{TDIR}/trends.parquet"); pd.read_parquet(f"{TDIR}/trends.parquet"); '
              "duckdb.sql(f\"SELECT * FROM read_parquet('{TDIR}/trends.parquet')\")",
}
RUN_DATE_NOTE = ("run_date: polars Date (inferred from the hive path, try_parse_hive_dates), "
                 "duckdb DATE (inferred, hive_types_autocast), pandas/pyarrow date32 only because "
                 "the partitioning schema declares it (partitioning=\"hive\" alone gives string)")


# ----------------------------------------------------------------------------- type families

def fam_polars(dtype) -> str:
    if dtype == pl.String:
        return "string"
    if dtype == pl.Datetime:
        return "timestamp_utc" if getattr(dtype, "time_zone", None) in ("UTC", "Etc/UTC") else "timestamp"
    table = {pl.Float32: "float32", pl.Float64: "float64", pl.Int64: "int64", pl.Int32: "int32",
             pl.Int16: "int16", pl.Int8: "int8", pl.UInt32: "uint32", pl.UInt64: "uint64",
             pl.Date: "date", pl.Boolean: "bool", pl.Null: "null", pl.Binary: "binary"}
    for k, v in table.items():
        if dtype == k:
            return v
    if isinstance(dtype, pl.List) or isinstance(dtype, pl.Array):
        return "list"
    if isinstance(dtype, pl.Struct):
        return "struct"
    if isinstance(dtype, pl.Categorical) or isinstance(dtype, pl.Enum):
        return "string"
    return str(dtype)


def fam_duckdb(t: str) -> str:
    t = str(t).upper()
    if t.endswith("[]") or t.startswith("LIST"):
        return "list"
    if t.startswith("STRUCT"):
        return "struct"
    return {"VARCHAR": "string", "FLOAT": "float32", "DOUBLE": "float64", "BIGINT": "int64",
            "INTEGER": "int32", "SMALLINT": "int16", "TINYINT": "int8", "UINTEGER": "uint32",
            "UBIGINT": "uint64", "DATE": "date", "TIMESTAMP WITH TIME ZONE": "timestamp_utc",
            "TIMESTAMP": "timestamp", "BOOLEAN": "bool", "BLOB": "binary",
            "\"NULL\"": "null", "NULL": "null"}.get(t, t.lower())


def fam_pandas(s: pd.Series) -> str:
    d = s.dtype
    if isinstance(d, pd.DatetimeTZDtype):
        return "timestamp_utc" if str(d.tz) in ("UTC", "Etc/UTC") else "timestamp"
    if pd.api.types.is_datetime64_dtype(d):
        return "timestamp"
    if isinstance(d, pd.StringDtype):
        return "string"
    if pd.api.types.is_bool_dtype(d):
        return "bool"
    if pd.api.types.is_float_dtype(d):
        return str(d)  # float32 / float64
    if pd.api.types.is_integer_dtype(d):
        return str(d).lower()
    if d == object:
        v = s.dropna()
        if v.empty:
            return "null"
        x = v.iloc[0]
        if isinstance(x, str):
            return "string"
        if isinstance(x, dt.datetime):
            return "timestamp"
        if isinstance(x, dt.date):
            return "date"
        if isinstance(x, bytes):
            return "binary"
        if isinstance(x, dict):
            return "struct"
        if hasattr(x, "__len__"):
            return "list"
        return type(x).__name__
    return str(d)


def compatible(fams: dict, pandas_has_nulls: bool) -> bool:
    vals = {v for v in fams.values() if v != "null"}
    if len(vals) <= 1:
        return True
    # pandas stores an integer column with nulls as float64.
    if pandas_has_nulls and fams.get("pandas") == "float64":
        rest = {v for k, v in fams.items() if k != "pandas" and v != "null"}
        return len(rest) == 1 and next(iter(rest)).startswith(("int", "uint"))
    return False


# ----------------------------------------------------------------------------- loading

def part_files(tdir: str) -> list:
    """Parquet files under tdir, skipping `_`/`.` paths (Spark's _temporary, hidden temp files)."""
    out = []
    for f in glob.glob(os.path.join(tdir, "**", "*.parquet"), recursive=True):
        rel = os.path.relpath(f, tdir)
        if any(p.startswith(("_", ".")) for p in rel.split(os.sep)):
            continue
        out.append(f)
    return sorted(out)


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def arrow_union_dataset(tdir: str):
    part = ds.partitioning(pa.schema([("run_date", pa.date32())]), flavor="hive")
    d = ds.dataset(tdir, format="parquet", partitioning=part)
    fields: dict = {}
    for frag in d.get_fragments():
        for f in frag.physical_schema:
            t = f.type
            if pa.types.is_string_view(t) or pa.types.is_large_string(t):
                t = pa.string()
            elif pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
                t = pa.binary()
            if f.name not in fields or pa.types.is_null(fields[f.name]):
                fields[f.name] = t
    fields["run_date"] = pa.date32()
    return ds.dataset(tdir, format="parquet", partitioning=part, schema=pa.schema(list(fields.items())))


class Table:
    """One table as seen by one reader: rows, {column: family}, nulls per column, aggregates."""

    def __init__(self, rows, fams, nulls, counts, n_ids, extra):
        self.rows, self.fams, self.nulls, self.counts, self.n_ids, self.extra = (
            rows, fams, nulls, counts, n_ids, extra)


def norm_counts(pairs) -> dict:
    return {("<null>" if k is None else str(k)): int(v) for k, v in pairs}


def _iso(x):
    if x is None or (isinstance(x, float) and x != x) or x is pd.NaT:
        return None
    if isinstance(x, (dt.datetime, pd.Timestamp)):
        x = pd.Timestamp(x)
        if x.tzinfo is None:
            x = x.tz_localize("UTC")
        return int(x.value // 1000)  # epoch µs
    if isinstance(x, dt.date):
        return x.isoformat()
    return str(x)


def via_polars(df: pl.DataFrame, table: str) -> Table:
    fams = {c: fam_polars(t) for c, t in df.schema.items()}
    nulls = {c: df[c].null_count() for c in df.columns}
    cc = COUNT_COLUMN.get(table)
    counts = norm_counts(df[cc].value_counts().rows()) if cc in df.columns else {}
    n_ids = df["id"].n_unique() if "id" in df.columns else None
    extra = {}
    if table == "predictions":
        for c in ("classified_at", "date", "run_date"):
            if c in df.columns:
                extra[f"min({c})"] = _iso(df[c].min())
                extra[f"max({c})"] = _iso(df[c].max())
    return Table(df.height, fams, nulls, counts, n_ids, extra)


def via_pandas(pdf: pd.DataFrame, table: str) -> Table:
    fams = {c: fam_pandas(pdf[c]) for c in pdf.columns}
    nulls = {c: int(pdf[c].isna().sum()) for c in pdf.columns}
    cc = COUNT_COLUMN.get(table)
    counts = norm_counts(pdf[cc].value_counts(dropna=False).items()) if cc in pdf.columns else {}
    counts = {("<null>" if k in ("nan", "None") else k): v for k, v in counts.items()}
    n_ids = int(pdf["id"].nunique(dropna=True)) if "id" in pdf.columns else None
    extra = {}
    if table == "predictions":
        for c in ("classified_at", "date", "run_date"):
            if c in pdf.columns:
                v = pdf[c].dropna()
                extra[f"min({c})"] = _iso(v.min()) if len(v) else None
                extra[f"max({c})"] = _iso(v.max()) if len(v) else None
    return Table(len(pdf), fams, nulls, counts, n_ids, extra)


def via_duckdb(con, src: str, table: str) -> Table:
    rel = con.sql(f"SELECT * FROM {src}")
    fams = {c: fam_duckdb(t) for c, t in zip(rel.columns, rel.types)}
    rows = con.sql(f"SELECT count(*) FROM {src}").fetchone()[0]
    nulls = {}
    if rel.columns:
        exprs = ", ".join(f'count(*) - count("{c}")' for c in rel.columns)
        nulls = dict(zip(rel.columns, con.sql(f"SELECT {exprs} FROM {src}").fetchone()))
    cc = COUNT_COLUMN.get(table)
    counts = (norm_counts(con.sql(f'SELECT "{cc}", count(*) FROM {src} GROUP BY 1').fetchall())
              if cc in rel.columns else {})
    n_ids = (con.sql(f'SELECT count(DISTINCT "id") FROM {src}').fetchone()[0]
             if "id" in rel.columns else None)
    extra = {}
    if table == "predictions":
        for c in ("classified_at", "date", "run_date"):
            if c in rel.columns:
                if fams[c].startswith("timestamp"):
                    lo, hi = con.sql(f'SELECT epoch_us(min("{c}")), epoch_us(max("{c}")) FROM {src}').fetchone()
                else:
                    lo, hi = con.sql(f'SELECT min("{c}"), max("{c}") FROM {src}').fetchone()
                    lo, hi = _iso(lo), _iso(hi)
                extra[f"min({c})"], extra[f"max({c})"] = lo, hi
    return Table(rows, fams, nulls, counts, n_ids, extra)


# ----------------------------------------------------------------------------- checking

class Report:
    def __init__(self, quiet=False):
        self.failures: list = []
        self.checks = 0
        self.quiet = quiet

    def check(self, ok: bool, what: str, detail: str = ""):
        self.checks += 1
        if not ok:
            self.failures.append(f"{what}: {detail}")
        if not self.quiet or not ok:
            print(f"    {'ok  ' if ok else 'FAIL'} {what}{(' — ' + detail) if detail else ''}")

    def note(self, msg: str):
        if not self.quiet:
            print(f"    note {msg}")


def compare(rep: Report, name: str, views: dict, expected_types: dict | None = None,
            want_run_date: bool = False):
    """views: reader -> Table. Checks they agree."""
    rows = {k: v.rows for k, v in views.items()}
    rep.check(len(set(rows.values())) == 1, f"{name}: row count", _fmt(rows))
    cols = {k: set(v.fams) for k, v in views.items()}
    union = set().union(*cols.values())
    missing = {k: sorted(union - c) for k, c in cols.items() if union - c}
    hint = ""
    lower = collections.Counter(c.lower() for c in cols.get("polars", union))
    if missing and any(n > 1 for n in lower.values()):
        hint = (" (columns differing only in case, e.g. a passthrough `ID` next to `id`: duckdb "
                "identifiers are case-insensitive, so it renames one to `ID_1`)")
    rep.check(not missing, f"{name}: same columns ({len(union)})",
              "" if not missing else "missing " + _fmt(missing) + hint)
    if expected_types:
        for reader, t in views.items():
            absent = [c for c in expected_types if c not in t.fams]
            wrong = {c: t.fams[c] for c, f in expected_types.items()
                     if c in t.fams and t.fams[c] not in (f, "null")
                     and not (reader == "pandas" and t.fams[c] == "float64" and f.startswith("int")
                              and t.nulls.get(c))}
            rep.check(not absent and not wrong, f"{name}: {reader} core columns/types",
                      f"absent {absent}" if absent else (f"unexpected {wrong}" if wrong else ""))
    bad_types = {}
    for c in sorted(union):
        fams = {k: v.fams[c] for k, v in views.items() if c in v.fams}
        pandas_nulls = bool(views["pandas"].nulls.get(c)) if "pandas" in views else False
        if not compatible(fams, pandas_nulls):
            bad_types[c] = fams
    rep.check(not bad_types, f"{name}: compatible types across readers",
              _fmt(bad_types) if bad_types else "")
    if want_run_date:
        rd = {k: v.fams.get("run_date") for k, v in views.items()}
        rep.check(all(x == "date" for x in rd.values()), f"{name}: run_date is a date", _fmt(rd))
    counts = {k: v.counts for k, v in views.items()}
    if any(counts.values()):
        first = next(iter(counts.values()))
        rep.check(all(c == first for c in counts.values()),
                  f"{name}: {COUNT_COLUMN.get(name.split('/')[-1], 'value')} counts",
                  _fmt(dict(sorted(first.items()))) if all(c == first for c in counts.values())
                  else _fmt(counts))
    ids = {k: v.n_ids for k, v in views.items() if v.n_ids is not None}
    if ids:
        rep.check(len(set(ids.values())) == 1, f"{name}: distinct ids", _fmt(ids))
    extras = {k: v.extra for k, v in views.items() if v.extra}
    if extras:
        first = next(iter(extras.values()))
        same = all(e == first for e in extras.values())
        rep.check(same, f"{name}: min/max of classified_at (epoch µs), date, run_date",
                  "" if same else _fmt(extras))


def _fmt(x) -> str:
    s = str(x)
    return s if len(s) <= 400 else s[:400] + "…"


def check_table(rep: Report, con, root: str, table: str) -> bool:
    tdir = os.path.join(root, table)
    files = part_files(tdir) if os.path.isdir(tdir) else []
    print(f"  {table}: {len(files)} part file(s)" + ("" if files else " — absent, skipped"))
    if not files:
        return table != "predictions"
    glob_path = f"{tdir}/**/*.parquet"
    views, sizes = {}, {}

    def attempt(what, fn):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - a reader that cannot load the table is a failure
            msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
            rep.check(False, f"{table}: {what} loads it", f"{type(e).__name__}: {msg[:300]}")
            return None

    # polars: the one-liner (schema of the first file, missing columns inserted, extras ignored)
    one = attempt("polars one-liner", lambda: pl.scan_parquet(
        glob_path, hive_partitioning=True, missing_columns="insert",
        extra_columns="ignore").collect())
    # polars: all columns of all files
    allc = attempt("polars all-columns", lambda: pl.concat(
        [pl.scan_parquet(f, hive_partitioning=True) for f in files],
        how="diagonal_relaxed").collect())
    if allc is not None:
        views["polars"] = via_polars(allc, table)
    if one is not None and allc is not None:
        rep.check(one.height == allc.height,
                  f"{table}: polars one-liner rows = polars all-columns rows",
                  f"{one.height} vs {allc.height}")
        if set(one.columns) != set(allc.columns):
            rep.note(f"{table}: the polars one-liner takes the first file's columns and misses "
                     f"{sorted(set(allc.columns) - set(one.columns))} (part files differ in "
                     "passthrough columns); the all-columns form sees them")
    part = ds.partitioning(pa.schema([("run_date", pa.date32())]), flavor="hive")
    plain = attempt("pandas one-liner", lambda: ds.dataset(
        tdir, format="parquet", partitioning=part).to_table())
    union_tbl = attempt("pandas all-columns", lambda: arrow_union_dataset(tdir).to_table())
    if union_tbl is not None:
        pdf = attempt("pandas (to_pandas)", union_tbl.to_pandas)
        if pdf is not None:
            views["pandas"] = via_pandas(pdf, table)
    if plain is not None and union_tbl is not None:
        rep.check(plain.num_rows == union_tbl.num_rows,
                  f"{table}: pandas one-liner rows = pandas all-columns rows",
                  f"{plain.num_rows} vs {union_tbl.num_rows}")
    src = f"read_parquet({sql_str(glob_path)}, hive_partitioning=true, union_by_name=true)"
    duck = attempt("duckdb", lambda: via_duckdb(con, src, table))
    if duck is not None:
        views["duckdb"] = duck
    if len(views) >= 2:
        compare(rep, table, views, PREDICTION_TYPES if table == "predictions" else None,
                want_run_date=True)
    if table == "predictions" and views:
        cols = next(iter(views.values())).fams
        core = [c for c in PREDICTION_TYPES if c in cols]
        passthrough = [c for c in cols if c not in PREDICTION_TYPES and c != "run_date"]
        conflicts = {}
        for f in files:  # say which part files disagree on a column's type
            try:
                for name, t in pl.read_parquet_schema(f).items():
                    conflicts.setdefault(name, {}).setdefault(str(t), []).append(
                        os.path.relpath(f, tdir))
            except Exception:  # noqa: BLE001
                pass
        conflicts = {k: {t: len(v) for t, v in d.items()} for k, d in conflicts.items()
                     if len({t.replace("View", "") for t in d}) > 1}
        rep.note(f"predictions: {len(core)} core columns, passthrough {passthrough or 'none'}")
        if conflicts:
            rep.note(f"predictions: part files disagree on column types (type: files) {conflicts}")
    return True


def check_trends(rep: Report, con, tdir: str):
    for name in TREND_FILES:
        path = os.path.join(tdir, name)
        print(f"  trends/{name}")
        if not os.path.isfile(path):
            rep.check(False, f"trends/{name}: exists", path)
            continue
        views = {
            "polars": via_polars(pl.read_parquet(path), name),
            "pandas": via_pandas(pd.read_parquet(path, engine="pyarrow"), name),
            "duckdb": via_duckdb(con, f"read_parquet({sql_str(path)})", name),
        }
        compare(rep, f"trends/{name}", views)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir", help="dataset folder (holds predictions/)")
    p.add_argument("--trends", metavar="TDIR", help="folder with trends/shifts/first_use.parquet")
    p.add_argument("--quiet", action="store_true", help="print failures and the summary only")
    p.add_argument("--stance-bin", default=os.environ.get("STANCE_BIN") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "target", "release", "stance"),
        help="the stance binary whose `schema --json` describes the tables")
    p.add_argument("--schema-json", help="a saved `stance schema --json` (instead of --stance-bin)")
    a = p.parse_args(argv)
    root = a.dir.rstrip("/") or "/"
    if not os.path.isdir(os.path.join(root, "predictions")):
        print(f"check_readers: error: {root}/predictions not found", file=sys.stderr)
        return 2
    PREDICTION_TYPES.update(load_prediction_types(a.stance_bin, a.schema_json))
    print(f"check_readers: {root} (polars {pl.__version__}, pandas {pd.__version__}, "
          f"pyarrow {pa.__version__}, duckdb {duckdb.__version__})")
    rep = Report(a.quiet)
    con = duckdb.connect()
    for table in TABLES:
        try:
            present = check_table(rep, con, root, table)
            if not present:
                rep.check(False, f"{table}: has part files", f"no *.parquet under {root}/{table}")
        except Exception as e:  # noqa: BLE001 - a reader that cannot load the table is a failure
            rep.check(False, f"{table}: all readers load it", f"{type(e).__name__}: {e}")
    if a.trends:
        try:
            check_trends(rep, con, a.trends.rstrip("/"))
        except Exception as e:  # noqa: BLE001
            rep.check(False, "trends: all readers load them", f"{type(e).__name__}: {e}")
    if not a.quiet:
        print("  " + RUN_DATE_NOTE)
        print("one-liners (DIR = dataset folder, TABLE = predictions | sentences | rejects):")
        print("  import glob, polars as pl, pandas as pd, pyarrow as pa, pyarrow.dataset as ds, duckdb")
        for k, v in ONE_LINERS.items():
            if k == "trends" and not a.trends:
                continue
            print(f"  {k + ':':22} {v}")
    if rep.failures:
        print(f"check_readers: FAILED {len(rep.failures)} of {rep.checks} checks: "
              + "; ".join(rep.failures))
        return 1
    print(f"check_readers: OK, {rep.checks} checks, polars/pandas/duckdb agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
