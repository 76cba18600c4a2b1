#!/usr/bin/env python3
"""scripts/real_corpus.py refresh-test and add-train: new documents join the corpus.

refresh-test: a fresh test split replaces the old one, which is retired.

Builds a tiny corpus in a temporary folder (train, dev, test), a pool of new passages with two
passes and an adjudication, and checks that refresh-test
- retires every old test row (split `retired_test`) and writes the new documents as `test`;
- leaves out a new passage that repeats a sentence of 8+ words from another split (either way
  round), and keeps one that shares only a shorter phrase;
- refuses a pool that holds a passage the corpus already has, writing nothing.

add-train: new documents join train; one that shares a sentence with the test or dev split
(either way round), or 8+ word 6-grams, is left out, as is every passage of a page carrying the
same report as a guarded passage (30+ 6-grams); a page the corpus already cites is refused. add-dev: the same for dev,
guarding test, train and the retired split. add-test: the same for test, guarding train, dev and the
retired split; the test rows already there stay.

relabel: a review's rows change labels and, with `actor_after`, re-record actors, each noted in
`adjudication`.

join-pages: a page whose passages ended up in two splits under two doc_ids is put in one; the
Chinese repeat rule counts whole sentences of 20+ characters, compared in one script (OpenCC), and
a page reposting a guarded passage in the other script goes whole.

Usage: .venv/bin/python tests/python/test_real_corpus.py   (exit 0 when every check passes; the
Chinese checks need opencc from scripts/requirements-dev.txt, hence the venv's Python)
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import real_corpus as rc  # noqa: E402

FORMULA = "There is but one China in the world and Taiwan is an inalienable part of China's territory."


def row(i, text, label, split, doc):
    return {"id": i, "text": text, "label": label, "lang": "en", "actor": "X", "speaker": None,
            "date": "2024", "register": "statement", "source_url": "https://example.org/" + doc,
            "source_title": "t", "doc_id": doc, "labels_a": label, "labels_b": label,
            "adjudication": None, "split": split}


def pooled(i, text, doc):
    return {"id": i, "text": text, "actor": "Y", "speaker": None, "date": "2025",
            "register": "news_report", "source_url": "https://example.org/" + doc,
            "source_title": "t", "doc_id": doc, "lang": "en"}


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def setup(d, pool_rows, labels):
    write(d / "train.jsonl", [row("tr1", FORMULA + " We will never allow it.", "opposes", "train", "a")])
    write(d / "dev.jsonl", [row("dv1", "The talks covered trade and tariffs this week.", "off_topic", "dev", "b")])
    write(d / "test.jsonl", [row("te1", "We do not support Taiwan independence, the spokesman said.",
                                 "does_not_support", "test", "c")])
    write(d / "pool.jsonl", pool_rows)
    for name in ("a", "b"):
        (d / f"{name}.tsv").write_text("".join(f"{i}\t{lab}\n" for i, lab in labels[name].items()))
    write(d / "adj.jsonl", [{"id": i, "label": lab, "reason": "test"} for i, lab in labels["adj"].items()])


def run(d, cmd=rc.cmd_refresh_test):
    rc.LANGS["en"]["dir"] = d
    args = argparse.Namespace(pool=str(d / "pool.jsonl"), a=[str(d / "a.tsv")], b=[str(d / "b.tsv")],
                              adjudication=[str(d / "adj.jsonl")], lang="en")
    cmd(args)


def read(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def main():
    failed = 0

    def check(cond, what):
        nonlocal failed
        print(("ok   " if cond else "FAIL ") + what)
        failed += not cond

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        pool = [
            pooled("n1", "Taiwan is a sovereign and independent country, the minister said on Monday.", "p1"),
            # Repeats the 8+-word formula of a train passage: left out.
            pooled("n2", "The spokesperson stressed it again. " + FORMULA, "p2"),
            # Shares only a short phrase ("Taiwan is an inalienable part"): kept.
            pooled("n3", "Beijing insists Taiwan is an inalienable part, but Taipei rejects that.", "p3"),
            # The passes differ; adjudicated.
            pooled("n4", "We support Taiwan's meaningful participation in the World Health Assembly.", "p4"),
        ]
        labels = {"a": {"n1": "supports", "n2": "opposes", "n3": "off_topic", "n4": "leans_supports"},
                  "b": {"n1": "supports", "n2": "opposes", "n3": "off_topic", "n4": "neutral"},
                  "adj": {"n4": "leans_supports"}}
        setup(d, pool, labels)
        run(d)
        test = read(d / "test.jsonl")
        retired = read(d / f"{rc.RETIRED}.jsonl")
        check([r["id"] for r in retired] == ["te1"] and retired[0]["split"] == rc.RETIRED,
              "the old test rows are retired, with split retired_test")
        check(sorted(r["id"] for r in test) == ["n1", "n3", "n4"] and all(r["split"] == "test" for r in test),
              "new documents become the test split")
        check("n2" not in {r["id"] for r in test}, "a passage repeating an 8+-word sentence of train is left out")
        n4 = next(r for r in test if r["id"] == "n4")
        check(n4["label"] == "leans_supports" and n4["labels_b"] == "neutral" and n4["adjudication"] == "test",
              "an adjudicated disagreement keeps both passes and the reason")
        check([r["id"] for r in read(d / "train.jsonl")] == ["tr1"], "train is untouched")
        shared = rc.shared_sentence([{"id": "x", "text": "Seven words only: Taiwan is an inalienable part."}],
                                    [{"id": "y", "text": FORMULA}])
        check(shared == {}, "a phrase shorter than a whole 8+-word sentence is not a repeat")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        pool = [pooled("n1", "We do not support Taiwan independence, the spokesman said.", "p9")]
        setup(d, pool, {"a": {"n1": "does_not_support"}, "b": {"n1": "does_not_support"}, "adj": {}})
        before = {p.name: p.read_bytes() for p in d.iterdir()}
        try:
            run(d)
            refused = False
        except SystemExit as e:
            refused = "already in the corpus" in str(e)
        check(refused, "a pool passage the corpus already has is refused")
        check({p.name: p.read_bytes() for p in d.iterdir()} == before, "nothing is written when refused")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        pool = [
            pooled("n1", "Taiwan is a sovereign and independent country, the minister said on Monday.", "p1"),
            # Repeats the whole test sentence: left out, so the test split stays unseen text.
            pooled("n2", "Asked again, he replied. We do not support Taiwan independence, the spokesman said.", "p2"),
            # Repeats a train sentence: fine for train.
            pooled("n3", "The spokesperson stressed it again. " + FORMULA, "p3"),
        ]
        labels = {"a": {"n1": "supports", "n2": "does_not_support", "n3": "opposes"},
                  "b": {"n1": "supports", "n2": "does_not_support", "n3": "opposes"}, "adj": {}}
        setup(d, pool, labels)
        test_before = (d / "test.jsonl").read_bytes()
        run(d, rc.cmd_add_train)
        train = read(d / "train.jsonl")
        check(sorted(r["id"] for r in train) == ["n1", "n3", "tr1"] and all(r["split"] == "train" for r in train),
              "add-train: new documents join train")
        check("n2" not in {r["id"] for r in train}, "add-train: a passage repeating a test sentence is left out")
        check((d / "test.jsonl").read_bytes() == test_before and not (d / f"{rc.RETIRED}.jsonl").exists(),
              "add-train: the test split is untouched")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        quoted = "Taipei would keep every channel of dialogue with Beijing open"
        pool = [
            # Its first sentence sits inside a longer sentence of a test passage, so the test
            # passage holds no whole sentence of it: only the check the other way round finds it.
            pooled("n1", quoted + ". Nothing else was said about the talks.", "p1"),
            pooled("n2", "Taiwan is a sovereign and independent country, the minister said on Monday.", "p2"),
            # Repeats a train sentence: fine for train, not for dev.
            pooled("n3", "The spokesperson stressed it again. " + FORMULA, "p3"),
            # Repeats the dev sentence: not for train (dev must stay unseen), fine for dev.
            pooled("n4", "Officials met again in Brussels. The talks covered trade and tariffs this week.", "p4"),
        ]
        labels = {"a": {"n1": "neutral", "n2": "supports", "n3": "opposes", "n4": "off_topic"},
                  "b": {"n1": "neutral", "n2": "supports", "n3": "opposes", "n4": "off_topic"}, "adj": {}}
        quoting = [row("te1", "The ministry said " + quoted + ", the spokesman added.", "neutral", "test", "c")]
        setup(d, pool, labels)
        write(d / "test.jsonl", quoting)
        run(d, rc.cmd_add_train)
        check(sorted(r["id"] for r in read(d / "train.jsonl")) == ["n2", "n3", "tr1"],
              "add-train: passages sharing a sentence with test (either way round) or dev are left out")
        setup(d, pool, labels)
        write(d / "test.jsonl", quoting)
        run(d, rc.cmd_add_dev)
        check(sorted(r["id"] for r in read(d / "dev.jsonl")) == ["dv1", "n2", "n4"],
              "add-dev: passages repeating a sentence of test or train are left out; the rest join dev")
        check([r["id"] for r in read(d / "train.jsonl")] == ["tr1"], "add-dev: train is untouched")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        retired = "Officials reviewed the fisheries accord with Manila at length on Tuesday."
        pool = [
            pooled("n1", "Taiwan is a sovereign and independent country, the minister said on Monday.", "p1"),
            # Repeats a train sentence, the dev sentence, a retired sentence: left out of test.
            pooled("n2", "The spokesperson stressed it again. " + FORMULA, "p2"),
            pooled("n3", "Officials met again in Brussels. The talks covered trade and tariffs this week.", "p3"),
            pooled("n4", retired + " Nothing more was said.", "p4"),
            # Repeats the test sentence: fine, test guards the other splits, not itself.
            pooled("n5", "Asked again, he replied. We do not support Taiwan independence, the spokesman said.", "p5"),
        ]
        labels = {"a": {"n1": "supports", "n2": "opposes", "n3": "off_topic", "n4": "off_topic",
                        "n5": "does_not_support"},
                  "b": {"n1": "supports", "n2": "opposes", "n3": "off_topic", "n4": "off_topic",
                        "n5": "does_not_support"}, "adj": {}}
        setup(d, pool, labels)
        write(d / f"{rc.RETIRED}.jsonl", [row("rt1", retired, "off_topic", rc.RETIRED, "r")])
        others = {f: (d / f).read_bytes() for f in ("train.jsonl", "dev.jsonl", f"{rc.RETIRED}.jsonl")}
        run(d, rc.cmd_add_test)
        test = read(d / "test.jsonl")
        check(sorted(r["id"] for r in test) == ["n1", "n5", "te1"] and all(r["split"] == "test" for r in test),
              "add-test: the test rows stay and new documents join them; passages repeating a sentence "
              "of train, dev or the retired split are left out")
        check(all((d / f).read_bytes() == b for f, b in others.items()),
              "add-test: train, dev and the retired split are untouched")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        quoted = "We will never allow anyone to separate Taiwan from China"
        pool = [
            # Its first sentence sits inside a longer train sentence: found only the other way round.
            pooled("n1", quoted + ". The briefing then moved on.", "p1"),
            pooled("n2", "Taiwan is a sovereign and independent country, the minister said on Monday.", "p2"),
        ]
        labels = {"a": {"n1": "opposes", "n2": "supports"}, "b": {"n1": "opposes", "n2": "supports"}, "adj": {}}
        setup(d, pool, labels)
        write(d / "train.jsonl", [row("tr1", "The minister said: " + quoted + ", whatever it costs.",
                                      "opposes", "train", "a")])
        run(d)
        check(sorted(r["id"] for r in read(d / "test.jsonl")) == ["n2"],
              "refresh-test: a passage sharing a sentence with train the other way round is left out")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        # A new passage from a page the corpus already cites (doc "a"'s URL under another doc_id).
        p = pooled("n1", "A new sentence from a page the corpus already has, about Taiwan.", "zz")
        p["source_url"] = "https://example.org/a"
        setup(d, [p], {"a": {"n1": "neutral"}, "b": {"n1": "neutral"}, "adj": {}})
        before = {q.name: q.read_bytes() for q in d.iterdir()}
        try:
            run(d, rc.cmd_add_train)
            refused = False
        except SystemExit as e:
            refused = "known document or page" in str(e)
        check(refused, "add-train: a page the corpus already cites is refused")
        check({q.name: q.read_bytes() for q in d.iterdir()} == before, "add-train: nothing is written when refused")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        # A long test quote; new passages re-punctuate or re-attribute parts of it, so no whole
        # sentence of either sits in the other and only the word 6-gram rule can find them.
        report = ("the ministers said they would keep working together on supply chains, health, "
                  "climate and the safety of shipping lanes across the region in the coming years, and "
                  "that their officials would meet again before the summit in the spring to review "
                  "every commitment made at the meeting")
        words = report.split()
        pool = [
            # 14 words of the quote running (9 shared 6-grams) inside its own sentence: left out.
            pooled("n1", "Officials said " + " ".join(words[5:19]) + ", in remarks on Monday.", "p1"),
            # 10 words running (5 shared 6-grams): kept.
            pooled("n2", "Officials said " + " ".join(words[5:15]) + ", in remarks on Monday.", "p2"),
            # Most of the report again (the same report from another outlet), and a sibling
            # passage of that page that shares nothing: both left out.
            pooled("n3", "According to the statement, " + " ".join(words[:40]) + ", a spokesman added.", "p3"),
            pooled("n4", "The foreign minister then flew on to Manila for talks on fisheries.", "p3"),
        ]
        labels = {"a": {i: "off_topic" for i in ("n1", "n2", "n3", "n4")},
                  "b": {i: "off_topic" for i in ("n1", "n2", "n3", "n4")}, "adj": {}}
        setup(d, pool, labels)
        write(d / "test.jsonl", [row("te1", "In a statement, " + report + ".", "off_topic", "test", "c")])
        check(rc.shared_sentence([pool[0]], read(d / "test.jsonl")) == {}
              and rc.shared_sentence(read(d / "test.jsonl"), [pool[0]]) == {},
              "the sentence rule alone misses a re-punctuated quote")
        run(d, rc.cmd_add_train)
        check(sorted(r["id"] for r in read(d / "train.jsonl")) == ["n2", "tr1"],
              "add-train: a passage sharing 8+ word 6-grams with test is left out, one sharing 5 kept, "
              "and every passage of a page carrying the same report as a test passage is left out")
        check(len(rc.word_ngrams(" ".join(words[5:19]))) == 9, "14 running words are 9 word 6-grams")

    zh_test = "外交部发言人表示，美方重申不支持台独，这一立场没有改变。"
    shared = rc.shared_sentence([{"id": "x", "text": "记者问及此事。外交部发言人表示,美方重申不支持“台独”,这一立场没有改变!"}],
                                [{"id": "y", "text": zh_test}], "zh")
    check(shared == {"x": "y"}, "zh: a passage repeating a whole 20+-character test sentence is a repeat "
                                "(punctuation width and quote style ignored)")
    shared = rc.shared_sentence([{"id": "x", "text": "美方重申不支持台独。"}], [{"id": "y", "text": zh_test}], "zh")
    check(shared == {}, "zh: a shorter phrase is not a repeat")
    # Across scripts: a Simplified repost of a Traditional dev passage, and a sentence of one.
    dev_trad = {"id": "dv", "doc_id": "d", "text": "對於兩岸關係，蔡英文總統過去八年來說維持現狀，也持續提升台灣的國際合作。"}
    fresh = [{"id": "x1", "doc_id": "p", "text": "对于两岸关系,蔡英文总统过去八年来说维持现状,也持续提升台湾的国际合作。"},
             {"id": "x2", "doc_id": "p", "text": "记者问及选举结果时,发言人说选民会做出明智的决定,一切如常。"},
             {"id": "y1", "doc_id": "q", "text": "外交部表示欢迎。外交部发言人表示,美方重申不支持台独,这一立场没有改变。"},
             {"id": "y2", "doc_id": "q", "text": "这是另一段与台湾政治地位无关的文字,谈的是贸易与关税。"}]
    left = rc.repeats(fresh, [dev_trad, {"id": "te", "doc_id": "t", "text": "外交部發言人表示，美方重申不支持台獨，這一立場沒有改變。"}], "zh")
    check(set(left) == {"x1", "x2", "y1"} and "reposts passage dv" in left["x2"],
          "zh: a Simplified copy of a Traditional guarded passage is a repeat and its page goes whole; "
          "a passage holding a guarded sentence in the other script is a repeat, its page's other passages stay")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        setup(d, [], {"a": {}, "b": {}, "adj": {}})
        # The test passage's page, under another doc_id, also in dev and in train.
        dv = row("dv2", "A second passage of the test page, about the Strait.", "neutral", "dev", "c2")
        tr = row("tr2", "A third passage of the test page, about tariffs.", "off_topic", "train", "c3")
        dv["source_url"] = tr["source_url"] = "https://example.org/c"
        write(d / "dev.jsonl", read(d / "dev.jsonl") + [dv])
        write(d / "train.jsonl", read(d / "train.jsonl") + [tr])
        rc.LANGS["en"]["dir"] = d
        rows = [r for _, f in rc.split_files(d) for r in read(f)]
        check(set(rc.pages_in_two_groups(rows)) == {"https://example.org/c"},
              "a page whose passages are in two splits under two doc_ids is found")
        rc.cmd_join_pages(argparse.Namespace(lang="en"))
        train = {r["id"]: r for r in read(d / "train.jsonl")}
        check({"te1", "dv2", "tr2"} <= set(train) and not read(d / "test.jsonl")
              and {train[i]["doc_id"] for i in ("te1", "dv2", "tr2")} == {"c3"}
              and all(r["split"] == "train" for r in train.values()),
              "join-pages moves the page's test and dev passages to train, under one doc_id")
        rows = [r for _, f in rc.split_files(d) for r in read(f)]
        check(rc.pages_in_two_groups(rows) == {}, "after join-pages no page is in two splits")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        setup(d, [], {"a": {}, "b": {}, "adj": {}})
        fixes = [{"id": "tr1", "label": "opposes", "actor_after": "Ma Ying-jeou (former ROC President, KMT)",
                  "reason": "his office's words", "review": "r1"},
                 {"id": "te1", "label": "neutral", "reason": "a ruling", "review": "r1"}]
        write(d / "review.jsonl", fixes)
        rc.LANGS["en"]["dir"] = d
        rc.cmd_relabel(argparse.Namespace(lang="en", review=[str(d / "review.jsonl")]))
        tr1, te1 = read(d / "train.jsonl")[0], read(d / "test.jsonl")[0]
        check(tr1["actor"] == "Ma Ying-jeou (former ROC President, KMT)" and tr1["label"] == "opposes"
              and tr1["adjudication"] == "Review r1: actor X -> Ma Ying-jeou (former ROC President, KMT); his office's words",
              "relabel re-records an actor with actor_after and notes it, the label unchanged")
        check(te1["label"] == "neutral" and te1["labels_a"] == "does_not_support"
              and te1["adjudication"] == "Review r1: does_not_support -> neutral; a ruling",
              "relabel changes a label, keeps the passes' labels and notes the reason")

    print(f"real_corpus: {'all passed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
