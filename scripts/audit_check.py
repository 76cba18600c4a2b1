#!/usr/bin/env python3
"""The `stance audit` acceptance check on the real train corpus (issue 14).

Copies datasets/real/train.jsonl, flips 5% of its labels at random (seeded; half of the flips
cross neutral, i.e. move a stance to the other side of the scale, the other half do not),
runs `stance audit --folds 5` on the copy, and prints the share of flipped rows in the audit's
top 10% and the share of cross-neutral flips there (targets: >= 70% and >= 90%).

Usage (from the checkout, after `cargo build --release`; about 30 minutes on 2 cores):

    .venv/bin/python scripts/audit_check.py [--seed 13] [--folds 5] [--out target/audit-check]
        [--models DIR]            # reuse fold models instead of training (same flipped copy)
        [-- EXTRA STANCE AUDIT ARGS]

Without extra arguments the fold models are trained from models/all-minilm-l6-v2 with
--epochs 4 --label-smoothing 0.1, the real dev split (never part of the audited corpus) for
early stopping and calibration, and the retired real test split (625 passages, disjoint from
train) as --also-train rows that every fold model reads and none is ranked. Writes
OUT/flipped.jsonl, OUT/flips.json, OUT/audit/ (the audit) and OUT/result.json. Exit code 0
when both targets are met, 1 otherwise.
"""

import argparse
import json
import math
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from stance_labels import AGAINST, FOR, LABELS, side
DEFAULT_TRAINING = [
    "--base", str(ROOT / "models/all-minilm-l6-v2"),
    "--epochs", "4",
    "--label-smoothing", "0.1",
    "--dev", str(ROOT / "datasets/real/dev.jsonl"),
    "--also-train", str(ROOT / "datasets/real/retired_test.jsonl"),
]


def flip(rows, share, seed):
    """Flips round(share * len(rows)) labels: half across neutral, half not. Returns the flips."""
    rng = random.Random(seed)
    n = round(share * len(rows))
    n_cross = n // 2
    order = list(range(len(rows)))
    rng.shuffle(order)
    polar = [i for i in order if side(rows[i]["label"])]
    cross = polar[:n_cross]
    taken = set(cross)
    rest = [i for i in order if i not in taken][: n - n_cross]
    flips = []
    for i in cross:
        old = rows[i]["label"]
        new = rng.choice(FOR if side(old) < 0 else AGAINST)
        flips.append({"id": rows[i]["id"], "old": old, "new": new, "cross_neutral": True})
        rows[i]["label"] = new
    for i in rest:
        old = rows[i]["label"]
        # Any other label that stays on the same side (neutral and off_topic are allowed).
        choices = [l for l in LABELS if l != old and (side(l) or 0) * (side(old) or 0) >= 0]
        new = rng.choice(choices)
        flips.append({"id": rows[i]["id"], "old": old, "new": new, "cross_neutral": False})
        rows[i]["label"] = new
    return flips


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--share", type=float, default=0.05, help="share of labels flipped")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--top", type=float, default=0.10, help="share of the ranking checked")
    ap.add_argument("--data", default=str(ROOT / "datasets/real/train.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "target/audit-check"))
    ap.add_argument("--models", help="fold models of an earlier run on the same flipped copy")
    ap.add_argument("--stance", default=str(ROOT / "target/release/stance"))
    ap.add_argument("extra", nargs="*", help="after --: extra `stance audit` arguments")
    a = ap.parse_args()

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(l) for l in open(a.data, encoding="utf-8") if l.strip()]
    flips = flip(rows, a.share, a.seed)
    flipped = out / "flipped.jsonl"
    with open(flipped, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "flips.json").write_text(json.dumps(flips, indent=1))

    audit_dir = out / "audit"
    cmd = [a.stance, "audit", "--data", str(flipped), "--folds", str(a.folds),
           "--out", str(audit_dir), "--seed", str(a.seed)]
    if a.models:
        cmd += ["--models", a.models]
    else:
        cmd += a.extra or DEFAULT_TRAINING
    print("running:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)

    import pyarrow.parquet as pq

    table = pq.read_table(audit_dir / "audit.parquet", columns=["rank", "id"]).to_pylist()
    table.sort(key=lambda r: r["rank"])
    k = math.ceil(a.top * len(table))
    top = {r["id"] for r in table[:k]}
    all_ids = {f["id"] for f in flips}
    cross_ids = {f["id"] for f in flips if f["cross_neutral"]}
    share_all = len(all_ids & top) / max(1, len(all_ids))
    share_cross = len(cross_ids & top) / max(1, len(cross_ids))
    result = {
        "rows": len(table),
        "top_rows": k,
        "flipped": len(all_ids),
        "cross_neutral_flips": len(cross_ids),
        "flipped_in_top": len(all_ids & top),
        "cross_neutral_in_top": len(cross_ids & top),
        "share_flipped_in_top": share_all,
        "share_cross_neutral_in_top": share_cross,
        "targets": {"share_flipped_in_top": 0.70, "share_cross_neutral_in_top": 0.90},
        "seed": a.seed,
        "command": cmd,
    }
    (out / "result.json").write_text(json.dumps(result, indent=1))
    ok = share_all >= 0.70 and share_cross >= 0.90
    print(
        f"top {a.top:.0%} of {len(table)} rows ({k}): {len(all_ids & top)}/{len(all_ids)} flipped "
        f"rows ({share_all:.1%}, target 70%), {len(cross_ids & top)}/{len(cross_ids)} cross-neutral "
        f"flips ({share_cross:.1%}, target 90%): {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
