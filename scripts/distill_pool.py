#!/usr/bin/env python3
"""The unlabelled pool the fast tier is distilled on (`stance train --teacher ... --pool`).

Splits every passage of the training text (datasets/real/train.jsonl, the retired first real
test split datasets/real/retired_test.jsonl, and datasets/stance/train.jsonl: what the
default model stance-minilm-v3 trained on) into sentences and keeps those that are not a whole training row
already, with 4-120 words. Only training text is read, so no dev or test statement can enter
the pool; as a guard, any sentence whose normalised form occurs inside a dev or test file
(real, synthetic, long-document, behaviour suite, bundled sample) is dropped too. The teacher
labels the pool at training time; the student learns its readings of single sentences, which
is what `stance classify` sends it from long documents. Each sentence keeps its passage's
`actor`, which a teacher and student reading actor-text pairs (`--input actor_text`) use and
text-only models ignore.

    python3 scripts/distill_pool.py [--out target/distill-pool.jsonl]

Deterministic (sorted by first occurrence); standard library only.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The retired first test split (2026-12-02) is training text since stance-minilm-v3; the pool
# of stance-minilm-fast-v2 (distilled from v2) held it out.
SOURCES = ["datasets/real/train.jsonl", "datasets/real/retired_test.jsonl",
           "datasets/stance/train.jsonl"]
HELD_OUT = [
    "datasets/real/dev.jsonl", "datasets/real/test.jsonl",
    "datasets/stance/dev.jsonl", "datasets/stance/test.jsonl",
    "datasets/longdocs/dev.jsonl", "datasets/longdocs/test.jsonl",
    "datasets/suite/behaviour.jsonl", "datasets/samples/statements.jsonl",
    "datasets/contrast/dev.jsonl",
]
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace and an upper-case letter, a digit or an opening quote.
SPLIT = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[A-Z0-9\"“‘(])")


def norm(t):
    return " ".join(re.sub(r"[^\w\s]", " ", t.lower()).split())


def sentences(text):
    return [s.strip() for s in SPLIT.split(text) if s.strip()]


def read(path):
    with open(ROOT / path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "target/distill-pool.jsonl"))
    a = ap.parse_args()
    held = " \n ".join(norm(r["text"]) for p in HELD_OUT for r in read(p))
    rows = [r for p in SOURCES for r in read(p)]
    whole = {norm(r["text"]) for r in rows}
    seen, pool, dropped = set(), [], 0
    for r in rows:
        parts = sentences(r["text"])
        if len(parts) < 2:
            continue
        for s in parts:
            k = norm(s)
            if k in whole or k in seen or not 4 <= len(k.split()) <= 120:
                continue
            seen.add(k)
            if k in held:
                dropped += 1
                continue
            row = {"id": f"pool-{len(pool) + 1:05d}", "text": s, "from": r.get("id")}
            if r.get("actor"):
                row["actor"] = r["actor"]  # a teacher that reads actor-text pairs needs it
            pool.append(row)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for p in pool:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"wrote {len(pool)} sentences to {a.out} ({dropped} dropped: found in a dev/test file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
