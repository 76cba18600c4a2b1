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
per text in the first file's order (scripts/readings.py has the format).

`average --mask-other-side FILE` (repeatable; labelled training files): a text whose gold
labels in those files all lie on one side of neutral gets no probability on the other side
(set to 0, then renormalised), so a student is never taught the polarity flip its teacher made
on a labelled text. A text labelled on both sides, or without a side, is left as read.
Standard library only.
"""
import argparse
import json
import sys

from readings import distinct_texts, jsonl_rows, write_readings
from stance_labels import LABELS, side


def cmd_texts(args):
    texts = distinct_texts(args.data)
    with open(args.out, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts, 1):
            f.write(json.dumps({"id": f"t{i}", "text": text}, ensure_ascii=False) + "\n")
    print(f"ensemble_readings: {len(texts)} distinct texts -> {args.out}", file=sys.stderr)


def member_probs(path):
    """{text: [p per label]} from one `stance classify --out -` file."""
    out = {}
    for n, row in jsonl_rows(path):
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


def gold_sides(paths):
    """{text: the one side (-1 or 1) its gold labels lie on} over labelled JSONL files; texts
    with no sided label, or labels on both sides, are left out."""
    sides = {}
    for path in paths:
        for n, row in jsonl_rows(path):
            if "label" not in row:
                raise SystemExit(f"{path} line {n}: no label (--mask-other-side reads labelled files)")
            s = side(row["label"])
            if s:
                sides.setdefault(row["text"], set()).add(s)
    return {t: next(iter(s)) for t, s in sides.items() if len(s) == 1}


def mask_other_side(texts, probs, sides):
    """Zeroes the other side of each sided text's reading and renormalises; returns how many
    readings read the text on the other side (the teacher's own flips) and the mass removed."""
    other_side = {s: [l for l in LABELS if side(l) == -s] for s in (-1, 1)}
    flips, removed = 0, 0.0
    for text, p in zip(texts, probs):
        s = sides.get(text)
        if not s:
            continue
        other = other_side[s]
        flips += max(LABELS, key=p.get) in other
        removed += sum(p[l] for l in other)
        for l in other:
            p[l] = 0.0
        total = sum(p.values())
        for l in LABELS:
            p[l] /= total
    return flips, removed


def cmd_average(args):
    members = [(p, member_probs(p)) for p in args.pred]
    texts, probs = average(members)
    note = ""
    if args.mask_other_side:
        sides = gold_sides(args.mask_other_side)
        n = sum(t in sides for t in texts)
        flips, removed = mask_other_side(texts, probs, sides)
        note = (f"; other side masked on {n} sided texts ({flips} read on the other side, "
                f"mean mass removed {removed / max(n, 1):.4f})")
    write_readings(args.out, texts, probs)
    print(f"ensemble_readings: {len(texts)} texts, {len(members)} members{note} -> {args.out}",
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
    p.add_argument("--mask-other-side", action="append", default=[], metavar="LABELLED",
                   help="labelled file: no reading mass on the other side of neutral from gold")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_average)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
