#!/usr/bin/env python3
"""Teacher readings from an ensemble of `stance` models, for `stance train --teacher-readings`.

Two steps around `stance classify`:

    # 1. the distinct texts a teacher reads (training files and pools; never a test split)
    python3 scripts/ensemble_readings.py texts --data datasets/stance/train.jsonl \\
        --data datasets/real/train.jsonl --data datasets/real/retired_test.jsonl \\
        --data target/distill-pool.jsonl --out target/ens/texts.jsonl
    # 2. each member reads every text whole (one unit per text, as training sees it)
    target/release/stance classify target/ens/texts.jsonl --model MODEL --segmentation truncate \\
        --no-sentences --out - -q > target/ens/MEMBER.jsonl
    # 3. the members' probabilities averaged, renormalised
    python3 scripts/ensemble_readings.py average --pred target/ens/A.jsonl \\
        --pred target/ens/B.jsonl ... --out target/ens/readings.jsonl

`average` reads the `p_<label>` columns of each prediction file (rows with status `ok`),
requires every member to have read every text of the first file, and writes one readings row
per text in the first file's order (scripts/readings.py has the format). Standard library only.
"""
import argparse
import json
import sys

from readings import distinct_texts, write_readings
from stance_labels import LABELS


def cmd_texts(args):
    texts = distinct_texts(args.data)
    with open(args.out, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts, 1):
            f.write(json.dumps({"id": f"t{i}", "text": text}, ensure_ascii=False) + "\n")
    print(f"ensemble_readings: {len(texts)} distinct texts -> {args.out}", file=sys.stderr)


def member_probs(path):
    """{text: [p per label]} from one `stance classify --out -` file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            row = json.loads(line)
            if row.get("status") != "ok":
                raise SystemExit(f"{path} line {n}: status {row.get('status')!r}, not ok")
            out[row["text"]] = [row[f"p_{l}"] for l in LABELS]
    return out


def average(members):
    """The members' mean probabilities per text of the first member, renormalised to sum 1."""
    first = members[0][1]
    texts, probs = list(first), []
    for text in texts:
        total = [0.0] * len(LABELS)
        for path, m in members:
            if text not in m:
                raise SystemExit(f"{path}: no reading of the text {text[:60]!r}")
            total = [t + p for t, p in zip(total, m[text])]
        s = sum(total)
        probs.append({l: t / s for l, t in zip(LABELS, total)})
    return texts, probs


def cmd_average(args):
    members = [(p, member_probs(p)) for p in args.pred]
    texts, probs = average(members)
    write_readings(args.out, texts, probs)
    print(f"ensemble_readings: {len(texts)} texts, {len(members)} members -> {args.out}",
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("texts", help="the distinct texts of training files and pools")
    p.add_argument("--data", action="append", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_texts)
    p = sub.add_parser("average", help="average the members' classify probabilities")
    p.add_argument("--pred", action="append", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_average)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
