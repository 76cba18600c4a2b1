#!/usr/bin/env python3
"""scripts/build_corpus.py: rebuilding reproduces the committed synthetic splits byte for byte
(the first test split retired unchanged, the fresh one after it), and the fresh split's guard
catches a text or an expression that repeats train, dev or the retired split; and
scripts/build_longdocs.py, which draws on the corpus as first built, reproduces both
long-document sets.
Standard library only: python3 tests/python/test_build_corpus.py"""
import copy
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_corpus as bc  # noqa: E402
import build_longdocs as bl  # noqa: E402

SPLITS = ("train", "dev", "retired_test", "test")


def committed():
    return {sp: bc.read_jsonl(str(ROOT / "datasets" / "stance" / f"{sp}.jsonl")) for sp in SPLITS}


def rebuilt():
    data = bc.build(random.Random(bc.SEED))
    data = bc.fix_defects(bc.add_generic(data))
    return bc.add_fresh_test(data)


def test_rebuilding_reproduces_the_committed_splits():
    ours, theirs = rebuilt(), committed()
    for sp in SPLITS:
        lines = [json.dumps(r, ensure_ascii=False) for r in ours[sp]]
        assert lines == [json.dumps(r, ensure_ascii=False) for r in theirs[sp]], sp


def test_the_long_document_sets_rebuild_byte_for_byte():
    for which, cfg in bl.SETS.items():
        docs, _ = bl.build(which)
        with open(cfg["out"], encoding="utf-8") as f:
            committed_lines = f.read().splitlines()
        assert [json.dumps(d, ensure_ascii=False) for d in docs] == committed_lines, which


def test_the_fresh_split_follows_every_other_id_and_shares_no_group():
    data = committed()
    before = [r for sp in SPLITS[:3] for r in data[sp]]
    last = max(int(r["id"].split("-")[1]) for r in before)
    assert min(int(r["id"].split("-")[1]) for r in data["test"]) == last + 1
    assert not {r["group"] for r in before} & {r["group"] for r in data["test"]}
    assert {r["phrasing"] for r in data["test"]} == {"seen", "held_out"}


def test_the_guard_passes_the_committed_split_and_catches_a_copied_train_text():
    data = committed()
    assert bc.check_fresh(data) == []
    planted = copy.deepcopy(data)
    planted["test"][0]["text"] = data["train"][5]["text"]
    errors = bc.check_fresh(planted)
    assert any("already in train" in e for e in errors), errors


def test_the_guard_catches_a_fresh_expression_that_repeats_train_words():
    data = committed()
    pool = bc.FRESH_POOLS["opposes"]
    pool.append(bc.Expr("opposes", "{S} [say] " + data["train"][0]["text"], "P"))
    try:
        errors = bc.check_fresh(data)
    finally:
        pool.pop()
    assert any("repeats train/dev words" in e for e in errors), errors


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t()
        print(f"ok {t.__name__}")
    print(f"{len(tests)} passed")
