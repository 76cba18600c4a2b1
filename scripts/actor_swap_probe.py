#!/usr/bin/env python3
"""Counterfactual actors: does a model that reads the actor let an actor's usual line override
what a statement says?

Writes three copies of a labelled file's stance-bearing passages (gold score != 0; neutral and
off-topic ones are left out): PREFIX.own.jsonl with their own actors, PREFIX.none.jsonl with
none, and PREFIX.swapped.jsonl, in which every passage is attributed to an actor from the other
side of neutral: a passage labelled `opposes` or `does_not_support` gets the actor of a training
passage labelled `leans_supports` or `supports`, and the other way round (draws weighted by how
often each actor occurs there, seeded). The gold label stays: by the annotation guide the label
follows what the passage says. This is what a government's first statements after a switch
look like to the model (Nauru's 2024 "one China" under an actor whose training passages mostly
recognised Taiwan). `stance eval --data P.own.jsonl --data P.none.jsonl --data P.swapped.jsonl`
then shows how much of the model's reading the actor decides: polarity flips under the swap
against flips with the true actor and without one. A text-only model reads all three alike.

    python3 scripts/actor_swap_probe.py datasets/real/dev.jsonl --out target/probe/dev \\
        [--actors-from datasets/real/train.jsonl] [--seed 7]

Standard library only.
"""
import argparse
import json
import random
import sys
from pathlib import Path

from stance_labels import score


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def write(path, rows):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="labelled JSONL (text, label, actor)")
    ap.add_argument("--out", required=True, help="prefix of the three JSONL files")
    ap.add_argument("--actors-from", action="append",
                    help="labelled JSONL the actors are drawn from (repeatable; default "
                         "datasets/real/train.jsonl)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    sources = a.actors_from or [str(Path(__file__).resolve().parent.parent
                                    / "datasets/real/train.jsonl")]
    below, above = [], []
    for p in sources:
        for r in read(p):
            s, actor = score(r.get("label")) or 0, (r.get("actor") or "").strip()
            if actor and s < 0:
                below.append(actor)
            elif actor and s > 0:
                above.append(actor)
    if not below or not above:
        sys.exit("actor_swap_probe: the --actors-from files need actors on both sides of neutral")
    rng = random.Random(a.seed)
    polar, swapped = [], []
    for r in read(a.data):
        s = score(r.get("label")) or 0
        if s == 0:
            continue
        polar.append(r)
        swapped.append({**r, "actor": rng.choice(above if s < 0 else below)})
    files = {"own": polar, "none": [{k: v for k, v in r.items() if k != "actor"} for r in polar],
             "swapped": swapped}
    for name, rows in files.items():
        write(f"{a.out}.{name}.jsonl", rows)
    print(f"wrote {len(polar)} stance-bearing passages to {a.out}.{{own,none,swapped}}.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
