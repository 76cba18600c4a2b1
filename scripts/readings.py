"""Teacher readings: the file `stance train --teacher-readings` reads, one JSONL row per text,

    {"text": "...", "probs": {"opposes": 0.91, "does_not_support": 0.04, ...}}

and the distinct texts a teacher reads (training data and distillation pools, never a test
split). Shared by scripts/teacher_readings.py (a Python classifier as teacher) and
scripts/ensemble_readings.py (the averaged readings of several `stance` models). Standard
library only.
"""
import json
import os

from stance_labels import LABELS


def jsonl_rows(path):
    """(line number, row) for every non-blank line of a JSONL file."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield n, json.loads(line)


def distinct_texts(paths):
    """Every distinct `text` of the JSONL files, in order of first appearance. Refuses a test
    split (a file whose name has "test" and not "retired")."""
    seen, texts = set(), []
    for path in paths:
        name = os.path.basename(path)
        if "test" in name and "retired" not in name:
            raise SystemExit(f"{path}: teacher readings never read a test split")
        for n, row in jsonl_rows(path):
            text = row.get("text")
            if not isinstance(text, str):
                raise SystemExit(f"{path} line {n}: no text")
            if text not in seen:
                seen.add(text)
                texts.append(text)
    return texts


def write_readings(path, texts, probs):
    """Writes one readings row per text; `probs[i]` maps each stance label to a probability."""
    with open(path, "w", encoding="utf-8") as f:
        for text, p in zip(texts, probs):
            f.write(json.dumps({"text": text, "probs": {l: p[l] for l in LABELS}},
                               ensure_ascii=False) + "\n")
