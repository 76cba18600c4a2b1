#!/usr/bin/env python3
"""scripts/knn_probe.py scores dev the way `stance eval` does, votes its neighbours as said,
and refuses a test split.

The two scoring cases are src/eval/mod.rs's unit tests `known_confusion` and
`polarity_flips_count_only_crossings_of_neutral` (as in test_encoder_probe.py).

Usage: .venv/bin/python tests/python/test_knn_probe.py   (exit 0 when every check passes)
"""

import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import knn_probe as probe  # noqa: E402


def ids(labels):
    return np.array([probe.LABELS.index(l) for l in labels])


def main():
    gold = ids(["opposes", "opposes", "does_not_support", "off_topic"])
    pred = ids(["opposes", "does_not_support", "does_not_support", "off_topic"])
    f1, _ = probe.macro_f1_and_flips(gold, pred)
    assert abs(f1 - (2 / 3 + 2 / 3 + 1) / 3) < 1e-9, f1

    gold = ids(["opposes", "does_not_support", "supports", "leans_supports", "neutral", "off_topic"])
    pred = ids(["supports", "opposes", "neutral", "does_not_support", "supports", "opposes"])
    assert probe.macro_f1_and_flips(gold, pred)[1] == 2

    # Two queries, three memory rows (labels opposes, supports, supports): k = 2 takes the two
    # most similar, weighted exp(sim / t).
    sim = np.array([[0.9, 0.1, 0.8], [0.0, 0.5, 0.6]])
    q = probe.knn_distribution(sim, ids(["opposes", "supports", "supports"]), 2, 0.1)
    w_opp, w_sup = np.exp(9.0), np.exp(8.0)
    assert abs(q[0, 0] - w_opp / (w_opp + w_sup)) < 1e-9, q[0]
    assert abs(q[1, 4] - 1.0) < 1e-9 and abs(q[0].sum() - 1) < 1e-9, q

    r = subprocess.run([sys.executable, str(REPO / "scripts/knn_probe.py"), "--encoder", "x",
                        "--dev", "datasets/real/test.jsonl", "--predictions", "x"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "refusing" in r.stderr, r.stderr
    print("knn_probe: 4 checks passed")


if __name__ == "__main__":
    main()
