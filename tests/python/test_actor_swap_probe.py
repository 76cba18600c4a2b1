#!/usr/bin/env python3
"""scripts/actor_swap_probe.py writes the three copies the README's actor table reads.

On a small labelled file: only stance-bearing passages are kept, in order, with their labels;
`.own` keeps each actor, `.none` drops it, `.swapped` gives each passage an actor from the
training passages on the other side of neutral (never its own side's, never a neutral one's),
and the same seed writes the same file.

Usage: python3 tests/python/test_actor_swap_probe.py   (exit 0 when every check passes)
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def read(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def probe(tmp, name, seed):
    out = tmp / name
    subprocess.run([sys.executable, str(REPO / "scripts/actor_swap_probe.py"), str(tmp / "data.jsonl"),
                    "--actors-from", str(tmp / "train.jsonl"), "--out", str(out),
                    "--seed", str(seed)], check=True, capture_output=True)
    return {k: read(Path(f"{out}.{k}.jsonl")) for k in ("own", "none", "swapped")}


def main():
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        write(tmp / "train.jsonl", [
            {"text": "t", "label": "opposes", "actor": "Beijing"},
            {"text": "t", "label": "does_not_support", "actor": "Washington"},
            {"text": "t", "label": "supports", "actor": "Taipei"},
            {"text": "t", "label": "neutral", "actor": "Brussels"},
            {"text": "t", "label": "off_topic", "actor": "Canberra"},
        ])
        data = [
            {"id": "a", "text": "We oppose it.", "label": "opposes", "actor": "Beijing"},
            {"id": "b", "text": "Peace matters.", "label": "neutral", "actor": "Brussels"},
            {"id": "c", "text": "It is a country.", "label": "supports", "actor": "Taipei"},
            {"id": "d", "text": "Trade rose.", "label": "off_topic", "actor": "Canberra"},
            {"id": "e", "text": "We do not support it.", "label": "does_not_support"},
            {"id": "f", "text": "Its people decide.", "label": "leans_supports", "actor": "X"},
        ]
        write(tmp / "data.jsonl", data)
        got = probe(tmp, "p", 7)
        polar = [r for r in data if r["label"] not in ("neutral", "off_topic")]
        assert got["own"] == polar, got["own"]
        assert got["none"] == [{k: v for k, v in r.items() if k != "actor"} for r in polar]
        below, above = {"Beijing", "Washington"}, {"Taipei"}
        for r, s in zip(polar, got["swapped"]):
            assert {k: v for k, v in s.items() if k != "actor"} == \
                {k: v for k, v in r.items() if k != "actor"}, s
            want = above if r["label"] in ("opposes", "does_not_support") else below
            assert s["actor"] in want, (r, s)
        assert probe(tmp, "q", 7)["swapped"] == got["swapped"], "the same seed, another file"
    print("test_actor_swap_probe: ok")


if __name__ == "__main__":
    main()
