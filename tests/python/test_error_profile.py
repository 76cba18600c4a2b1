#!/usr/bin/env python3
"""scripts/error_profile.py: every error lands in the one kind the README's table names, and
confidence bands count rows and right answers.

A tiny gold split and predictions with one error of each kind (and a second off-topic one),
a reject row and a gold row without a prediction; checks the kinds, the pairs, the bands, the
join counts, and that the script refuses predictions that share no id with the gold file.

Usage: python3 tests/python/test_error_profile.py   (exit 0 when every check passes)
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import error_profile  # noqa: E402

GOLD = [("a", "supports"), ("b", "opposes"), ("c", "neutral"), ("d", "leans_supports"),
        ("e", "off_topic"), ("f", "neutral"), ("g", "does_not_support"), ("h", "opposes")]
PRED = [("a", "opposes", 0.9),           # polarity flip
        ("b", "neutral", 0.6),           # neutral against a side
        ("c", "off_topic", 0.3),         # off-topic boundary
        ("d", "supports", 0.75),         # same side, one step
        ("e", "neutral", 0.95),          # off-topic boundary
        ("f", "neutral", 1.0),           # right, top of the last band
        ("g", "does_not_support", 0.5)]  # right; h has no prediction


def main():
    gold = [{"id": i, "label": lab} for i, lab in GOLD]
    pred = [{"status": "ok", "id": i, "label": lab, "confidence": c} for i, lab, c in PRED]
    pred.append({"status": "rejected", "id": "h", "label": None, "confidence": None})
    p = error_profile.profile(gold, pred)
    assert p["rows"] == 7 and p["missing"] == 1, p
    assert dict(p["kinds"]) == {"polarity flip": 1, "neutral against a side": 1,
                                "off-topic boundary": 2, "same side, one step": 1}, p["kinds"]
    assert p["pairs"][("supports", "opposes")] == 1
    assert p["bands"] == [[1, 0], [2, 1], [1, 0], [3, 1]], p["bands"]
    with tempfile.TemporaryDirectory() as d:
        g, q = Path(d, "gold.jsonl"), Path(d, "pred.jsonl")
        g.write_text("".join(json.dumps(r) + "\n" for r in gold))
        q.write_text("".join(json.dumps(r) + "\n" for r in pred))
        out = subprocess.run([sys.executable, str(REPO / "scripts/error_profile.py"), str(g),
                              str(q), "--markdown"], capture_output=True, text=True, check=True)
        assert "| off-topic boundary | 2 | 40% |" in out.stdout, out.stdout
        q.write_text(json.dumps({"status": "ok", "id": "zz", "label": "neutral",
                                 "confidence": 0.9}) + "\n")
        bad = subprocess.run([sys.executable, str(REPO / "scripts/error_profile.py"), str(g),
                              str(q)], capture_output=True, text=True)
        assert bad.returncode != 0 and "no prediction id" in bad.stderr, bad
    print("test_error_profile: all checks passed")


if __name__ == "__main__":
    main()
