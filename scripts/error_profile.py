#!/usr/bin/env python3
"""Where a model errs on a labelled split: the kinds of error and how they track confidence.

Joins gold rows (JSONL with `id` and `label`, e.g. datasets/real/dev.jsonl) to a model's
predictions (the JSONL `stance classify FILE --out -` writes: `id`, `label`, `confidence`) and
prints:

- every error in one kind: the off-topic boundary (exactly one side `off_topic`), a polarity
  flip (gold and prediction on opposite sides of neutral), neutral against a side, or the same
  side one step off (opposes <-> does_not_support, leans_supports <-> supports);
- the most frequent (gold, predicted) pairs;
- accuracy by confidence band, so an analyst knows what a row's confidence is worth.

    target/release/stance classify datasets/real/dev.jsonl --out - -q > target/dev-pred.jsonl
    python3 scripts/error_profile.py datasets/real/dev.jsonl target/dev-pred.jsonl [--markdown]

Read dev splits with it, not test splits: what it shows is what the next model is tuned
against. Standard library only.
"""
import argparse
import collections
import json
import sys

from stance_labels import SCORES
KINDS = ["off-topic boundary", "polarity flip", "neutral against a side", "same side, one step"]
BANDS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.0)]


def kind(gold, pred):
    """The kind of the error `gold` read as `pred` (two different labels)."""
    if "off_topic" in (gold, pred):
        return "off-topic boundary"
    g, p = SCORES[gold], SCORES[pred]
    if g * p < 0:
        return "polarity flip"
    if g == 0 or p == 0:
        return "neutral against a side"
    return "same side, one step"


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def profile(gold_rows, pred_rows):
    """Counts of the joined rows: errors by kind and pair, and (rows, right) per band."""
    gold = {r["id"]: r["label"] for r in gold_rows}
    kinds, pairs = collections.Counter(), collections.Counter()
    bands = [[0, 0] for _ in BANDS]
    joined = 0
    for p in pred_rows:
        if p.get("status", "ok") != "ok" or p.get("id") not in gold:
            continue
        joined += 1
        g, label = gold[p["id"]], p["label"]
        right = g == label
        for i, (lo, hi) in enumerate(BANDS):
            if lo <= p["confidence"] < hi or (hi == 1.0 and p["confidence"] == 1.0):
                bands[i][0] += 1
                bands[i][1] += right
        if not right:
            kinds[kind(g, label)] += 1
            pairs[(g, label)] += 1
    return {"rows": joined, "missing": len(gold) - joined, "kinds": kinds, "pairs": pairs,
            "bands": bands}


def render(p, markdown):
    errors = sum(p["kinds"].values())
    lines = [f"{p['rows']} rows joined ({p['missing']} gold rows without a prediction), "
             f"{errors} errors"]
    table = [("kind of error", "errors", "share")]
    table += [(k, p["kinds"][k], f"{p['kinds'][k] / errors:.0%}" if errors else "-")
              for k in KINDS]
    table += [("most frequent pairs (gold -> predicted)", "", "")]
    table += [(f"{g} -> {q}", n, "") for (g, q), n in p["pairs"].most_common(6)]
    table += [("confidence band", "rows", "accuracy")]
    table += [(f"{lo:.2f}-{hi:.2f}", n, f"{ok / n:.3f}" if n else "-")
              for (lo, hi), (n, ok) in zip(BANDS, p["bands"])]
    for row in table:
        if markdown:
            lines.append("| " + " | ".join(str(c) for c in row) + " |")
            if row is table[0]:
                lines.append("|---|---|---|")
        else:
            lines.append(f"{row[0]:<48} {row[1]!s:>7} {row[2]!s:>8}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", help="labelled JSONL (id, label)")
    ap.add_argument("predictions", help="stance classify JSONL output (id, label, confidence)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    a = ap.parse_args(argv)
    p = profile(read_jsonl(a.gold), read_jsonl(a.predictions))
    if p["rows"] == 0:
        sys.exit(f"error: no prediction id of {a.predictions} is in {a.gold}")
    print(render(p, a.markdown))


if __name__ == "__main__":
    main()
