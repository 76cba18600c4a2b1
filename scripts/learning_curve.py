#!/usr/bin/env python3
"""Simulated labelling loop (issue 14): does `stance sample --strategy ordinal` reach a given
real-dev macro-F1 with fewer labels than `--strategy random`?

For each seed: 300 statements of the real train split, drawn at random, are the labelled start;
the rest of the split is the pool. Each round trains a model on the labelled rows, starting
from `models/stance-minilm-v1` (trained on the synthetic corpus only, so it has never seen a
real statement: the position of a team that has the synthetic model and starts labelling its
own statements), classifies the pool with it, lets `stance sample` propose the next 100
(`--random-share 0`, `--exclude` the labelled rows), and "labels" them with their gold labels.
The round-0 model is shared by both strategies of a seed, so both curves start at one point.

The real dev split is divided by source document, once, with a fixed seed: `stop` (early
stopping and calibration of every model) and `score` (the curve's macro-F1). Neither is ever in
the labelled set or the pool, and the test split is not read.

Usage (after `cargo build --release`; about 15 minutes per seed with one thread):

    .venv/bin/python scripts/learning_curve.py [--seeds 1 2 3] [--rounds 4] [--start 300]
        [--step 100] [--strategies ordinal random] [--epochs 2] [--threads 2] [--init-from DIR]
        [--out target/learning-curve] [--report-only]

Writes OUT/curves.json (every point), OUT/curves.md (the table: mean and per-seed macro-F1 per
label count, and labels needed to reach each F1 level) and OUT/curves.png. Re-running resumes:
a round whose model and sample exist is not redone.
"""

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STANCE = ROOT / "target/release/stance"
INIT = ROOT / "models/stance-minilm-v1"
TRAIN = ROOT / "datasets/real/train.jsonl"
DEV = ROOT / "datasets/real/dev.jsonl"
DEV_SPLIT_SEED = 2026


def read_jsonl(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def run(cmd, log):
    with open(log, "a", encoding="utf-8") as f:
        f.write("$ " + " ".join(map(str, cmd)) + "\n")
        f.flush()
        subprocess.run(list(map(str, cmd)), check=True, stdout=f, stderr=subprocess.STDOUT)


def split_dev(out):
    """Divides the real dev split by source document into a stopping and a scoring half."""
    rows = read_jsonl(DEV)
    docs = sorted({r["doc_id"] for r in rows})
    random.Random(DEV_SPLIT_SEED).shuffle(docs)
    stop_docs = set(docs[: len(docs) // 2])
    stop = [r for r in rows if r["doc_id"] in stop_docs]
    score = [r for r in rows if r["doc_id"] not in stop_docs]
    write_jsonl(out / "dev_stop.jsonl", stop)
    write_jsonl(out / "dev_score.jsonl", score)
    return out / "dev_stop.jsonl", out / "dev_score.jsonl"


def train(labelled, model_dir, a, dev_stop, seed, log):
    if (model_dir / "manifest.json").exists():
        return
    data = model_dir.with_suffix(".train.jsonl")
    write_jsonl(data, labelled)
    run([STANCE, "train", "--train", data, "--dev", dev_stop, "--init-from", a.init_from,
         "--epochs", a.epochs, "--label-smoothing", "0.1", "--seed", seed,
         "--threads", a.threads, "--out", model_dir, "--quiet"], log)


def score(model_dir, dev_score, a):
    path = model_dir.with_suffix(".eval.json")
    if not path.exists():
        res = subprocess.run([str(STANCE), "eval", "--model", str(model_dir), "--data",
                              str(dev_score), "--json", "--threads", str(a.threads)],
                             check=True, capture_output=True, text=True)
        path.write_text(res.stdout)
    return json.loads(path.read_text())["metrics"]["macro_f1"]


def propose(model_dir, pool, labelled, strategy, a, seed, work, log):
    """The ids `stance sample` proposes from the pool, classified by the round's model."""
    out = work / f"sample-{strategy}.jsonl"
    if not out.exists():
        write_jsonl(work / "pool.jsonl", [{k: r[k] for k in ("id", "text", "actor", "date")}
                                          for r in pool])
        write_jsonl(work / "labelled.jsonl", labelled)
        preds = work / f"preds-{strategy}"
        run([STANCE, "classify", work / "pool.jsonl", "--out", preds,
             "--model", model_dir, "--no-sentences", "--threads", a.threads, "--quiet"], log)
        run([STANCE, "sample", "--predictions", preds, "--n", a.step, "--strategy", strategy,
             "--random-share", "0", "--seed", seed, "--exclude", work / "labelled.jsonl",
             "--out", out, "--quiet"], log)
    ids = []
    for r in read_jsonl(out):
        meta = r.get("meta") or {}
        ids.append(meta.get("id", r.get("id")))
    return ids


def one_seed(seed, a, out, dev_stop, dev_score, points):
    rows = read_jsonl(TRAIN)
    by_id = {r["id"]: r for r in rows}
    order = list(by_id)
    random.Random(seed).shuffle(order)
    start = [by_id[i] for i in order[: a.start]]
    log = out / "log.txt"
    round0 = out / f"seed{seed}" / "round0"
    round0.mkdir(parents=True, exist_ok=True)
    train(start, round0 / "model", a, dev_stop, seed, log)
    f1 = score(round0 / "model", dev_score, a)
    for strategy in a.strategies:
        points.append({"seed": seed, "strategy": strategy, "labels": len(start), "macro_f1": f1})
        print(f"seed {seed} {strategy:8} {len(start):4} labels: dev-score macro-F1 {f1:.4f}", flush=True)
    for strategy in a.strategies:
        labelled, model, work = list(start), round0 / "model", round0
        for r in range(1, a.rounds + 1):
            taken = {x["id"] for x in labelled}
            pool = [x for x in rows if x["id"] not in taken]
            ids = propose(model, pool, labelled, strategy, a, seed, work, log)
            labelled += [by_id[i] for i in ids]
            work = out / f"seed{seed}" / f"{strategy}-round{r}"
            work.mkdir(parents=True, exist_ok=True)
            model = work / "model"
            train(labelled, model, a, dev_stop, seed, log)
            f1 = score(model, dev_score, a)
            points.append({"seed": seed, "strategy": strategy, "labels": len(labelled), "macro_f1": f1})
            print(f"seed {seed} {strategy:8} {len(labelled):4} labels: dev-score macro-F1 {f1:.4f}",
                  flush=True)


def labels_to_reach(curve, level):
    """Labels at which a (labels, f1) curve first reaches level, linearly interpolated."""
    prev = None
    for n, f in curve:
        if f >= level:
            if prev is None or prev[1] >= level:
                return float(n)
            (n0, f0) = prev
            return n0 + (level - f0) * (n - n0) / (f - f0)
        prev = (n, f)
    return None


def report(points, a, out):
    import statistics

    counts = sorted({p["labels"] for p in points})
    mean = {}
    lines = ["| labels | " + " | ".join(f"{s} (mean)" for s in a.strategies) + " | "
             + " | ".join(f"{s} per seed" for s in a.strategies) + " |",
             "|---|" + "---|" * (2 * len(a.strategies))]
    for n in counts:
        cells, seeds = [], []
        for s in a.strategies:
            fs = [p["macro_f1"] for p in points if p["strategy"] == s and p["labels"] == n]
            mean[(s, n)] = statistics.mean(fs)
            cells.append(f"{mean[(s, n)]:.3f}")
            seeds.append(" / ".join(f"{f:.3f}" for f in fs))
        lines.append(f"| {n} | " + " | ".join(cells) + " | " + " | ".join(seeds) + " |")
    curves = {s: [(n, mean[(s, n)]) for n in counts] for s in a.strategies}
    lo = max(c[0][1] for c in curves.values())
    hi = min(max(f for _, f in c) for c in curves.values())
    lines += ["", "| mean macro-F1 reached | " + " | ".join(f"labels, {s}" for s in a.strategies)
              + " |", "|---|" + "---|" * len(a.strategies)]
    level = round(lo + 0.01, 2)
    while level <= hi + 1e-9:
        need = [labels_to_reach(curves[s], level) for s in a.strategies]
        lines.append(f"| {level:.2f} | " + " | ".join("–" if x is None else f"{x:.0f}" for x in need)
                     + " |")
        level = round(level + 0.01, 2)
    (out / "curves.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for s, colour in zip(a.strategies, ["tab:blue", "tab:grey", "tab:orange", "tab:green"]):
        for seed in a.seeds:
            pts = sorted((p["labels"], p["macro_f1"]) for p in points
                         if p["strategy"] == s and p["seed"] == seed)
            ax.plot(*zip(*pts), color=colour, alpha=0.25, linewidth=1)
        ax.plot(*zip(*curves[s]), color=colour, linewidth=2.2, marker="o", label=f"{s} (mean of {len(a.seeds)} seeds)")
    ax.set_xlabel("labelled real statements")
    ax.set_ylabel("macro-F1, real dev (scoring half)")
    ax.set_title("Simulated labelling loop: stance sample strategies")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "curves.png")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--start", type=int, default=300)
    ap.add_argument("--step", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--init-from", default=str(INIT),
                    help="model every round retrains from (default: the synthetic-only stance-minilm-v1)")
    ap.add_argument("--threads", type=int, default=2, help="libtorch threads of every stance call")
    ap.add_argument("--strategies", nargs="+", default=["ordinal", "random"])
    ap.add_argument("--out", default=str(ROOT / "target/learning-curve"))
    ap.add_argument("--report-only", action="store_true", help="redraw from OUT/curves.json")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.report_only:
        report(json.loads((out / "curves.json").read_text()), a, out)
        return 0
    dev_stop, dev_score = split_dev(out)
    points = []
    for seed in a.seeds:
        one_seed(seed, a, out, dev_stop, dev_score, points)
        (out / "curves.json").write_text(json.dumps(points, indent=1))
    report(points, a, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
