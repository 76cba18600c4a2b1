#!/usr/bin/env python3
"""Keyword/regex baseline for the strait-stance labels (standard library only).

    python3 scripts/baseline.py datasets/stance/test.jsonl [--json]
    python3 scripts/baseline.py datasets/longdocs/test.jsonl

Reads JSONL rows with ``text`` and gold ``label`` and prints accuracy, macro-F1, per-label
precision/recall/F1 and a confusion matrix (``--json`` prints the same as one JSON object).

The rules are the ordered keyword rules an analyst would write after reading datasets/GUIDE.md
once: an explicit negated "support ... independence" is does_not_support; active opposition to
independence, "part of China", reunification or the one-China principle is opposes; recognition
of the Republic of China or "sovereign/independent country" is supports; WHO / international
participation / democracy / "decide their future" / defence is leans_supports; status quo,
peace and stability is neutral; texts that never mention Taiwan, China or the Strait, or that
match no rule, are off_topic.  The first matching rule wins.
"""
import argparse
import collections
import json
import re
import signal
import sys

from stance_labels import LABELS

TOPIC = re.compile(r"taiwan|taipei|strait|\bchina\b|chinese|beijing|\bROC\b|\bPRC\b|one.china|"
                   r"reunif|independen|mainland|republic of china|1992 consensus", re.I)

RULES = [
    ("does_not_support", re.compile(
        r"\b(not|never|no|nor)\b[^.;]{0,25}\b(support|endorse|back|advocat|favou?r|encourag|promot|recogni[sz])\w*"
        r"[^.;]{0,40}(independen|separate (country|state)|sovereign|statehood|two chinas)|"
        r"(lack of|short of|declin\w* to|refrain\w* from|no (case|wish|plans?|intention))[^.;]{0,30}"
        r"(support|back|endors|see|recogni|independen)[^.;]{0,30}(independen|statehood|separate)", re.I)),
    ("opposes", re.compile(
        r"oppos\w*[^.;]{0,40}independen|against[^.;]{0,20}independen|never (accept|allow|tolerate|permit)[^.;]{0,40}"
        r"(independen|split|separat)|inalienable part|part of (china|the people's republic)|province of china|"
        r"reunif|motherland|one-china principle|separatis|secession|internal affair|never been a country|"
        r"separat\w*[^.;]{0,30}from china|sovereignty over taiwan|dead end", re.I)),
    ("supports", re.compile(
        r"(?<!no longer )recogni[sz]\w*[^.;]{0,40}(republic of china|taiwan|taipei)|sovereign[^.;]{0,25}(country|state|nation)|"
        r"independent (country|state|nation)|not subordinate|separate countries|taiwan is a country|"
        r"formal independence|declaration of (taiwan )?independence|statehood|republic of taiwan|"
        r"(united nations|\bUN\b)[^.;]{0,30}member|diplomatic (relations|ties) with (the republic of china|taiwan)", re.I)),
    ("leans_supports", re.compile(
        r"world health|\bWHO\b|\bICAO\b|interpol|international (organi[sz]ations|bodies|space|forums)|"
        r"meaningful participation|democra|23 million|(decide|determine|choose|chart)[^.;]{0,30}(future|path|course)|"
        r"taiwan's future|future of taiwan|self-defen[cs]e|defensive arms|defend (the island|taiwan)|"
        r"one country, two systems|isolate taiwan|representative office|CPTPP|ties with taipei", re.I)),
    ("neutral", re.compile(
        r"status quo|peace|stabilit|dialogue|one china policy|restraint|tension|calm|de-escalat|unilateral|"
        r"coercion|use of force|(take|took|takes) note|acknowledg", re.I)),
]


def predict(text):
    if not TOPIC.search(text):
        return "off_topic"
    for label, rx in RULES:
        if rx.search(text):
            return label
    return "off_topic"


def evaluate(gold, pred):
    labels = [l for l in LABELS if l in set(gold) | set(pred)]
    conf = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, pred):
        conf[g][p] += 1
    per = {}
    for l in labels:
        tp = conf[l][l]
        fp = sum(conf[g][l] for g in labels if g != l)
        fn = sum(conf[l][p] for p in labels if p != l)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[l] = {"precision": prec, "recall": rec, "f1": f1, "support": sum(conf[l].values())}
    gold_labels = [l for l in labels if per[l]["support"] > 0]
    macro = sum(per[l]["f1"] for l in gold_labels) / len(gold_labels) if gold_labels else 0.0
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0
    # Polarity flips: a gold stance on one side of neutral predicted on the other side.
    side = {"opposes": -1, "does_not_support": -1, "leans_supports": 1, "supports": 1}
    sided = [(side[g], side.get(p, 0)) for g, p in zip(gold, pred) if g in side]
    flips = sum(1 for g, p in sided if p == -g)
    return {"n": len(gold), "accuracy": acc, "macro_f1": macro, "per_label": per,
            "labels": labels, "confusion": conf,
            "polarity_flip_rate": flips / len(sided) if sided else 0.0, "polarity_flips": flips}


def main():
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    ap = argparse.ArgumentParser(description="keyword baseline for strait-stance")
    ap.add_argument("path", help="JSONL file with text and label fields")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    ap.add_argument("--markdown", action="store_true", help="print the per-label table as Markdown")
    args = ap.parse_args()
    rows = [json.loads(l) for l in open(args.path, encoding="utf-8") if l.strip()]
    gold = [r["label"] for r in rows]
    pred = [predict(r["text"]) for r in rows]
    res = evaluate(gold, pred)
    by_phrasing = {}
    if rows and "phrasing" in rows[0]:
        for ph in ("seen", "held_out"):
            idx = [i for i, r in enumerate(rows) if r.get("phrasing") == ph]
            if idx:
                sub = evaluate([gold[i] for i in idx], [pred[i] for i in idx])
                by_phrasing[ph] = {"n": sub["n"], "accuracy": sub["accuracy"], "macro_f1": sub["macro_f1"]}
    res["by_phrasing"] = by_phrasing
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    if args.markdown:
        print("`%s` (%d rows): accuracy **%.3f**, macro-F1 **%.3f**" % (args.path, res["n"], res["accuracy"], res["macro_f1"])
              + "".join("; %s: accuracy %.3f, macro-F1 %.3f (n=%d)" % (ph, v["accuracy"], v["macro_f1"], v["n"])
                        for ph, v in by_phrasing.items()) + "\n")
        print("| label | precision | recall | F1 | support |\n|---|---|---|---|---|")
        for l in res["labels"]:
            p = res["per_label"][l]
            print("| %s | %.3f | %.3f | %.3f | %d |" % (l, p["precision"], p["recall"], p["f1"], p["support"]))
        print()
        print("| gold \\ predicted | " + " | ".join(res["labels"]) + " |")
        print("|---|" + "---|" * len(res["labels"]))
        for g in res["labels"]:
            print("| %s | " % g + " | ".join(str(res["confusion"][g][p]) for p in res["labels"]) + " |")
        return 0
    print("file: %s (%d rows)" % (args.path, res["n"]))
    print("accuracy: %.4f   macro-F1: %.4f   polarity flips: %.2f%% (%d)" % (
        res["accuracy"], res["macro_f1"], 100 * res["polarity_flip_rate"], res["polarity_flips"]))
    for ph, v in by_phrasing.items():
        print("  phrasing=%-8s n=%-4d accuracy %.4f  macro-F1 %.4f" % (ph, v["n"], v["accuracy"], v["macro_f1"]))
    print()
    print("%-18s %9s %9s %9s %8s" % ("label", "precision", "recall", "f1", "support"))
    for l in res["labels"]:
        p = res["per_label"][l]
        print("%-18s %9.3f %9.3f %9.3f %8d" % (l, p["precision"], p["recall"], p["f1"], p["support"]))
    print()
    labels = res["labels"]
    short = {"opposes": "opp", "does_not_support": "dns", "neutral": "neu", "leans_supports": "lean",
             "supports": "sup", "off_topic": "off"}
    print("confusion (rows = gold, columns = predicted)")
    print("%-18s" % "" + "".join("%7s" % short[l] for l in labels))
    for g in labels:
        print("%-18s" % g + "".join("%7d" % res["confusion"][g][p] for p in labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
