#!/usr/bin/env python3
"""scripts/ensemble_readings.py writes what `stance train --teacher-readings` reads from several
`stance classify` outputs.

Checks: `texts` keeps every distinct text once, in order of first appearance, with ids, and
refuses a test split; `average` gives each text the members' mean probabilities renormalised to
sum 1, in the first member's order; a member missing a text, or a row that is not `ok`, stops it
with an error naming the file; `--mask-other-side` zeroes the other side of neutral where every
gold label of a text has one side, and leaves texts labelled on both sides (or neutral) alone.

Usage: python3 tests/python/test_ensemble_readings.py   (exit 0 when every check passes)
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts" / "ensemble_readings.py"
LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def pred(text, probs, status="ok"):
    return {"status": status, "id": "x", "text": text, **{f"p_{l}": p for l, p in zip(LABELS, probs)}}


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


def main():
    failed = 0

    def check(cond, what):
        nonlocal failed
        print(("ok   " if cond else "FAIL ") + what)
        failed += not cond

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write(d / "train.jsonl", [{"text": "a", "label": "opposes"}, {"text": "b"}, {"text": "a"}])
        write(d / "pool.jsonl", [{"text": "c"}, {"text": "b"}])
        r = run("texts", "--data", str(d / "train.jsonl"), "--data", str(d / "pool.jsonl"),
                "--out", str(d / "texts.jsonl"))
        rows = [json.loads(l) for l in (d / "texts.jsonl").read_text().splitlines()]
        check(r.returncode == 0 and [x["text"] for x in rows] == ["a", "b", "c"]
              and [x["id"] for x in rows] == ["t1", "t2", "t3"],
              "texts: every distinct text once, in order of first appearance, with ids")
        write(d / "test.jsonl", [{"text": "z"}])
        r = run("texts", "--data", str(d / "test.jsonl"), "--out", str(d / "t2.jsonl"))
        check(r.returncode != 0 and "test split" in r.stderr, "texts: a test split is refused")

        write(d / "m1.jsonl", [pred("b", [0.1, 0.1, 0.2, 0.2, 0.2, 0.2]), pred("a", [0.5, 0.1, 0.1, 0.1, 0.1, 0.1])])
        write(d / "m2.jsonl", [pred("a", [0.3, 0.3, 0.1, 0.1, 0.1, 0.1]), pred("b", [0.3, 0.1, 0.2, 0.2, 0.1, 0.1])])
        r = run("average", "--pred", str(d / "m1.jsonl"), "--pred", str(d / "m2.jsonl"),
                "--out", str(d / "readings.jsonl"))
        out = [json.loads(l) for l in (d / "readings.jsonl").read_text().splitlines()]
        check(r.returncode == 0 and [x["text"] for x in out] == ["b", "a"],
              "average: one row per text, in the first member's order")
        a = out[1]["probs"]
        check(abs(a["opposes"] - 0.4) < 1e-12 and abs(a["does_not_support"] - 0.2) < 1e-12,
              "average: the members' mean probability per label")
        check(all(abs(sum(x["probs"].values()) - 1) < 1e-12 and list(x["probs"]) == LABELS for x in out),
              "average: each row names the six labels and sums to 1")
        write(d / "m3.jsonl", [pred("a", [0.5, 0.1, 0.1, 0.1, 0.1, 0.1])])
        r = run("average", "--pred", str(d / "m1.jsonl"), "--pred", str(d / "m3.jsonl"),
                "--out", str(d / "r2.jsonl"))
        check(r.returncode != 0 and "m3.jsonl" in r.stderr and "no reading" in r.stderr,
              "average: a member that did not read a text stops it, naming the file")
        write(d / "m4.jsonl", [pred("a", [0.5, 0.1, 0.1, 0.1, 0.1, 0.1], status="rejected")])
        r = run("average", "--pred", str(d / "m4.jsonl"), "--out", str(d / "r3.jsonl"))
        check(r.returncode != 0 and "m4.jsonl line 1" in r.stderr,
              "average: a rejected row stops it with file and line")

        # --mask-other-side: "a" is gold opposes (against): its for-side mass goes, the rest
        # renormalised; "b" is labelled on both sides, so it stays as averaged.
        write(d / "gold.jsonl", [{"text": "a", "label": "opposes"}, {"text": "b", "label": "supports"},
                                 {"text": "b", "label": "does_not_support"}, {"text": "c", "label": "neutral"}])
        r = run("average", "--pred", str(d / "m1.jsonl"), "--pred", str(d / "m2.jsonl"),
                "--mask-other-side", str(d / "gold.jsonl"), "--out", str(d / "r4.jsonl"))
        masked = {x["text"]: x["probs"] for x in map(json.loads, (d / "r4.jsonl").read_text().splitlines())}
        a = masked["a"]
        check(r.returncode == 0 and a["leans_supports"] == 0 and a["supports"] == 0
              and abs(a["opposes"] - 0.4 / 0.8) < 1e-12 and abs(sum(a.values()) - 1) < 1e-12,
              "mask: a sided text loses its other-side mass and is renormalised")
        check(masked["b"] == out[0]["probs"], "mask: a text labelled on both sides is left as averaged")
        write(d / "unlabelled.jsonl", [{"text": "a"}])
        r = run("average", "--pred", str(d / "m1.jsonl"), "--mask-other-side", str(d / "unlabelled.jsonl"),
                "--out", str(d / "r5.jsonl"))
        check(r.returncode != 0 and "unlabelled.jsonl line 1" in r.stderr,
              "mask: an unlabelled file is refused with file and line")

    print(f"ensemble_readings: {'all passed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
