#!/usr/bin/env python3
"""scripts/encoder_probe.py scores dev the way `stance eval` does.

Its figures are compared with the README's `stance eval` figures, so its macro-F1 and
polarity flips must follow src/eval.rs: the two cases below are that file's unit tests
`known_confusion` and `polarity_flips_count_only_crossings_of_neutral`. It also refuses a
test split as dev.

Usage: .venv/bin/python tests/python/test_encoder_probe.py   (exit 0 when every check passes)
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import encoder_probe as probe  # noqa: E402


def main():
    gold = ["opposes", "opposes", "does_not_support", "off_topic"]
    pred = ["opposes", "does_not_support", "does_not_support", "off_topic"]
    want = (2 / 3 + 2 / 3 + 1) / 3
    assert abs(probe.macro_f1(gold, pred) - want) < 1e-9, probe.macro_f1(gold, pred)

    gold = ["opposes", "does_not_support", "supports", "leans_supports", "neutral", "off_topic"]
    pred = ["supports", "opposes", "neutral", "does_not_support", "supports", "opposes"]
    assert abs(probe.polarity_flips(gold, pred) - 0.5) < 1e-9, probe.polarity_flips(gold, pred)

    run = subprocess.run([sys.executable, str(REPO / "scripts/encoder_probe.py"), "--base", "x",
                          "--train", "x", "--dev", "datasets/real/test.jsonl", "--out", "x"],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "never reads a test split" in run.stderr, run.stderr
    print("test_encoder_probe: ok")


if __name__ == "__main__":
    main()
