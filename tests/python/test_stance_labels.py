#!/usr/bin/env python3
"""scripts/stance_labels.py says what src/labels.rs says: the labels' order (`Label::ALL`),
their names (`as_str`), their scores (`score`); and its `side` and `is_flip` count a polarity
flip as `eval.rs` does (gold on one side of neutral, reading on the other).

Usage: python3 tests/python/test_stance_labels.py   (exit 0 when every check passes)
"""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import stance_labels as sl  # noqa: E402


def rust_labels():
    """(variant order of Label::ALL, variant -> name, variant -> score or None) from labels.rs."""
    src = (REPO / "src/labels.rs").read_text(encoding="utf-8")
    block = re.search(r"pub const ALL: \[Label; NUM_LABELS\] = \[(.*?)\];", src, re.S).group(1)
    order = re.findall(r"Label::(\w+)", block)
    as_str = re.search(r"fn as_str\(self\).*?\{(.*?)\n    \}", src, re.S).group(1)
    names = dict(re.findall(r'Label::(\w+) => "(\w+)"', as_str))
    score_fn = re.search(r"fn score\(self\).*?\{(.*?)\n    \}", src, re.S).group(1)
    scores = {v: (None if s == "None" else float(re.sub(r"Some\((.*)\)", r"\1", s)))
              for v, s in re.findall(r"Label::(\w+) => (None|Some\([-0-9.]+\))", score_fn)}
    return order, names, scores


def main():
    order, names, scores = rust_labels()
    problems = []
    if len(order) != 6 or set(order) != set(names) or set(order) != set(scores):
        problems.append(f"could not read six labels from src/labels.rs: {order} {names} {scores}")
    rust_names = [names.get(v) for v in order]
    if rust_names != sl.LABELS:
        problems.append(f"order/names: labels.rs {rust_names}, stance_labels.py {sl.LABELS}")
    for v in order:
        name = names.get(v)
        if scores.get(v) != (None if sl.score(name) is None else float(sl.score(name))):
            problems.append(f"score of {name}: labels.rs {scores.get(v)}, stance_labels.py {sl.score(name)}")
    if sl.STANCES != [n for n in sl.LABELS if sl.score(n) is not None]:
        problems.append(f"STANCES {sl.STANCES}")
    expect_sides = {"opposes": -1, "does_not_support": -1, "neutral": 0, "leans_supports": 1,
                    "supports": 1, "off_topic": None}
    for n, s in expect_sides.items():
        if sl.side(n) != s:
            problems.append(f"side({n}) = {sl.side(n)}, expected {s}")
    if set(sl.AGAINST) != {n for n in sl.LABELS if sl.side(n) == -1} or \
            set(sl.FOR) != {n for n in sl.LABELS if sl.side(n) == 1}:
        problems.append(f"AGAINST {sl.AGAINST} / FOR {sl.FOR}")
    flips = {(g, p) for g in sl.LABELS for p in sl.LABELS if sl.is_flip(g, p)}
    expected = {(g, p) for g in sl.AGAINST for p in sl.FOR} | {(g, p) for g in sl.FOR for p in sl.AGAINST}
    if flips != expected:
        problems.append(f"is_flip pairs {sorted(flips ^ expected)} differ")
    for p in problems:
        print("FAIL", p)
    if problems:
        sys.exit(1)
    print("stance_labels: OK (6 labels, scores, sides and flips as src/labels.rs)")


if __name__ == "__main__":
    main()
