#!/usr/bin/env python3
"""scripts/build_contrast.py: the committed contrast set is what the script writes, every group
changes one thing, labels are the six stance labels, and the leakage guard catches a text that
repeats an evaluation item. Standard library only: python3 tests/python/test_build_contrast.py"""
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_contrast as bc  # noqa: E402

LABELS = {"opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"}


def read(name):
    with open(ROOT / "datasets" / "contrast" / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_committed_files_are_what_the_script_writes():
    assert bc.main(["--check"]) == 0


def test_labels_and_texts():
    rows = read("train.jsonl") + read("dev.jsonl")
    assert {r["label"] for r in rows} <= LABELS
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "a text is written twice"
    assert len({r["id"] for r in rows}) == len(rows), "an id is written twice"


def train_groups(prefix):
    groups = collections.defaultdict(list)
    for r in read("train.jsonl"):
        if r["group"].startswith(prefix):
            groups[r["group"]].append(r)
    return groups


def test_each_verb_group_changes_only_the_verb():
    groups = train_groups("ct-g")
    assert len(groups) == 126
    for rows in groups.values():
        assert len({r["object"] for r in rows}) == 1 and len({r["frame"] for r in rows}) == 1
        labels = [r["label"] for r in rows]
        assert len(set(labels)) == len(labels), "one item per label"
        # Take the verb out and the sentences are the same (third-person frames; the quote
        # frame conjugates the verb, and "opposes … in any form" wraps the object).
        if rows[0]["frame"] == "quote":
            continue
        stripped = {r["text"].replace(f' {r["verb"]} ', " VERB ", 1) for r in rows
                    if " … " not in r["verb"]}
        assert len(stripped) == 1, stripped


def test_each_object_group_changes_only_the_object():
    groups = train_groups("ct-o")
    assert len(groups) == 100
    for rows in groups.values():
        assert len({r["verb"] for r in rows}) == 1 and len({r["frame"] for r in rows}) == 1
        assert len({r["object"] for r in rows}) == len(rows)


def test_dev_shares_no_verb_object_or_actor_with_train():
    train, dev = read("train.jsonl"), read("dev.jsonl")
    assert not {r["verb"] for r in train} & {r["verb"] for r in dev}
    assert not {r["object"] for r in train} & {r["object"] for r in dev}
    train_actors = {a.lower for a in bc.TRAIN_ACTORS}
    for r in dev:
        assert not any(a in r["text"] for a in train_actors), r["text"]


def test_the_leakage_guard_catches_a_repeated_evaluation_text():
    suite = [json.loads(line)["text"] for line in open(ROOT / "datasets/suite/behaviour.jsonl")]
    planted = {"text": f"The alliance said that {suite[0][0].lower()}{suite[0][1:]}"}
    assert bc.suite_overlap([planted]) == [planted["text"]]
    assert bc.suite_overlap(read("train.jsonl")) == []


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t()
        print(f"ok {t.__name__}")
    print(f"{len(tests)} passed")
