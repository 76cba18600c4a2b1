#!/usr/bin/env python3
"""The model folder `stance train` writes is a standard Hugging Face checkpoint.

Loads the shipped model with `transformers.AutoModelForSequenceClassification.from_pretrained`
(unchanged, offline), computes logits for a few statements, applies the model's calibration
temperature, and checks the probabilities equal those `stance classify --segmentation truncate`
writes (within 1e-5) — same weights, same tokenizer, same arithmetic, no Python in the Rust path.

Usage: .venv/bin/python tests/python/test_hf_compat.py [--model DIR] [--stance-bin PATH]
Prints `hf_compat: N passed, M failed` last.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "China firmly opposes Taiwan independence and will never allow any part of its territory to be split off.",
    "The United States does not support Taiwan independence; we oppose unilateral changes to the status quo from either side.",
    "We support Taiwan's meaningful participation in the World Health Assembly.",
    "Paraguay recognises the Republic of China (Taiwan) as a sovereign state.",
    "The typhoon delayed container shipping through the Taiwan Strait.",
    "Peace and stability across the Taiwan Strait matter to the whole world.",
]
LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models/stance-minilm-v2"))
    ap.add_argument("--stance-bin", default=str(ROOT / "target/release/stance"))
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    results: list[tuple[str, bool]] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        results.append((name, ok))
        print(f"hf_compat: {'ok  ' if ok else 'FAIL'} {name}{(' — ' + detail) if detail else ''}")

    model = AutoModelForSequenceClassification.from_pretrained(a.model)
    model.eval()
    tok = AutoTokenizer.from_pretrained(a.model)
    check("config id2label is the six stance labels",
          [model.config.id2label[i] for i in range(6)] == LABELS)
    temperature = json.loads((Path(a.model) / "calibration.json").read_text())["temperature"]
    with torch.no_grad():
        enc = tok(TEXTS, padding=True, truncation=True, max_length=256, return_tensors="pt")
        logits = model(**enc).logits
        hf = torch.softmax(logits.double() / temperature, dim=-1).numpy()

    lines = "\n".join(json.dumps({"id": f"t{i}", "text": t}) for i, t in enumerate(TEXTS)) + "\n"
    out = subprocess.run(
        [a.stance_bin, "classify", "-", "--out", "-", "--model", a.model, "--quiet",
         "--segmentation", "truncate"],
        input=lines.encode(), capture_output=True, check=False,
    )
    check("stance classify ran", out.returncode == 0, out.stderr.decode()[-500:])
    if out.returncode == 0:
        rows = [json.loads(l) for l in out.stdout.decode().splitlines()]
        worst = 0.0
        for i, r in enumerate(rows):
            for j, lab in enumerate(LABELS):
                worst = max(worst, abs(r[f"p_{lab}"] - hf[i][j]))
        check("transformers and stance give the same probabilities", worst < 1e-5,
              f"max |diff| = {worst:.2e}")
        same = all(r["label"] == LABELS[int(hf[i].argmax())] for i, r in enumerate(rows))
        check("same labels", same)
    passed = sum(ok for _, ok in results)
    print(f"hf_compat: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
