#!/usr/bin/env python3
"""scripts/teacher_readings.py writes what `stance train --teacher-readings` reads.

With a small randomly initialised BERT classifier (the English base's tokenizer): every
distinct text of the given files appears once, in order of first appearance; each row's
`probs` names the six labels and sums to 1; the probabilities are the model's own softmax
(checked against a direct forward pass); the same inputs give the same bytes; a model whose
labels are not the stance labels, and a test split, are refused.

Usage: .venv/bin/python tests/python/test_teacher_readings.py   (exit 0 when every check passes)
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

REPO = Path(__file__).resolve().parent.parent.parent
LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]


def tiny_model(folder, labels):
    torch.manual_seed(3)
    base = REPO / "models/all-minilm-l6-v2"
    tok = AutoTokenizer.from_pretrained(base)
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, num_labels=len(labels),
                        id2label=dict(enumerate(labels)),
                        label2id={l: i for i, l in enumerate(labels)})
    model = BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return model, tok


def run(args):
    return subprocess.run([sys.executable, str(REPO / "scripts/teacher_readings.py")] + args,
                          capture_output=True, text=True)


def main():
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        model, tok = tiny_model(tmp / "model", LABELS)
        a = ["We oppose Taiwan independence.", "Trade talks resume next week.",
             "We oppose Taiwan independence."]
        b = ["Taiwan's people will decide their future.", "Trade talks resume next week."]
        (tmp / "a.jsonl").write_text("".join(json.dumps({"text": t, "label": "opposes"}) + "\n"
                                             for t in a))
        (tmp / "b.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in b) + "\n")
        args = ["--model", str(tmp / "model"), "--data", str(tmp / "a.jsonl"),
                "--data", str(tmp / "b.jsonl"), "--threads", "1"]
        r = run(args + ["--out", str(tmp / "one.jsonl")])
        assert r.returncode == 0, r.stderr
        rows = [json.loads(l) for l in (tmp / "one.jsonl").read_text().splitlines()]
        assert [r["text"] for r in rows] == [a[0], a[1], b[0]], rows
        model.eval()
        for row in rows:
            assert list(row["probs"]) == LABELS, row
            assert abs(sum(row["probs"].values()) - 1) < 1e-9, row
            with torch.inference_mode():
                want = torch.softmax(model(**tok(row["text"], return_tensors="pt")).logits
                                     .double(), -1)[0].tolist()
            got = [row["probs"][l] for l in LABELS]
            assert max(abs(x - y) for x, y in zip(got, want)) < 1e-5, (got, want)
        r = run(args + ["--out", str(tmp / "two.jsonl")])
        assert (tmp / "one.jsonl").read_bytes() == (tmp / "two.jsonl").read_bytes()

        shutil.rmtree(tmp / "model")
        tiny_model(tmp / "model", ["LABEL_%d" % i for i in range(6)])
        r = run(args + ["--out", str(tmp / "bad.jsonl")])
        assert r.returncode != 0 and "not the six stance labels" in r.stderr, r.stderr
        r = run(["--model", "x", "--data", "datasets/real/test.jsonl", "--out", "x"])
        assert r.returncode != 0 and "never read a test split" in r.stderr, r.stderr
    print("test_teacher_readings: ok")


if __name__ == "__main__":
    main()
