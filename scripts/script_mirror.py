#!/usr/bin/env python3
"""Write the other-script mirror of a Chinese training split (a training augmentation).

    .venv/bin/python scripts/script_mirror.py datasets/real/zh/train.jsonl --out target/zh-mirror/train.jsonl

Why it exists. In the real Chinese corpus the script and the side go together: Simplified
passages are mostly Beijing's (opposes, off_topic), Traditional ones mostly Taipei's and its
press. A model trained on them can read the script as a cue. Measured on the Chinese dev split
(2026-12-06), stance-multilingual-v7 scores macro-F1 0.778 with 3.0% polarity flips on the
Traditional passages as written, and 0.722 with 5.5% on the same passages converted to
Simplified characters. This script writes each training passage once more in the other script
(OpenCC's `t2s` for Traditional, `s2t` for Simplified: a character and phrase mapping, the same
words in the other script, not a translation), with the same label, so the script stops
predicting the label. Measured on 2026-12-06 with v7's recipe: the model then reads both
scripts alike, but 4 points under v7 on the dev split as written, so it did not ship
(models/EXPERIMENTS.md, "The other-script mirror").

What it is not. The mirror is derived text for training only: it is written under `target/`,
never into `datasets/real/`, never used as a dev or test passage, and it carries no claim
that anyone wrote it in that script. Each row keeps the original's fields, with `id` suffixed
`-t2s` or `-s2t`, `script` set to the new script, `origin` set to `script_mirror` and
`mirror_of` holding the original id. Rows without a `script` field of `simplified` or
`traditional` are left out (and counted). A row whose `split` is set to anything but `train`
stops the script (with its line number): dev and test passages are never mirrored. Output is
deterministic.

Needs `opencc-python-reimplemented` (scripts/requirements-dev.txt).
"""
import argparse
import json
import sys
from pathlib import Path

from opencc import OpenCC

from real_corpus import write_jsonl

CONVERSIONS = {"traditional": ("t2s", "simplified"), "simplified": ("s2t", "traditional")}


def mirror_rows(rows):
    """The mirror of each row that has a known script, and how many rows had none."""
    converters = {name: OpenCC(name) for name, _ in CONVERSIONS.values()}
    mirrored, skipped = [], 0
    for row in rows:
        script = row.get("script")
        if script not in CONVERSIONS:
            skipped += 1
            continue
        name, target = CONVERSIONS[script]
        mirrored.append({**row, "id": f"{row['id']}-{name}",
                         "text": converters[name].convert(row["text"]), "script": target,
                         "origin": "script_mirror", "mirror_of": row["id"]})
    return mirrored, skipped


def read_train_rows(path):
    """The rows of a JSONL training split; exits naming the line of any row of another split."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split", "train") != "train":
                raise SystemExit(f"{path}:{n}: a {row['split']} row; only training rows are mirrored")
            rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", type=Path, help="a Chinese JSONL split with `script` per row")
    ap.add_argument("--out", type=Path, required=True, help="the mirror JSONL to write")
    args = ap.parse_args()
    rows = read_train_rows(args.train)
    mirrored, skipped = mirror_rows(rows)
    write_jsonl(args.out, mirrored)
    print(f"{args.out}: {len(mirrored)} mirrored rows from {len(rows)} ({skipped} without a script)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
