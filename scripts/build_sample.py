#!/usr/bin/env python3
"""The bundled sample (datasets/samples/): real, dated statements for the nightly job and trends.

    python3 scripts/build_sample.py             # rewrite samples/* from the pinned corpus passages
    python3 scripts/build_sample.py --check     # exit 1 if the committed files differ from that
    python3 scripts/build_sample.py --reselect  # run the selection below afresh over the corpus

The selection is pinned: `expected_labels.jsonl` lists, per sample row, the corpus passage it
is (`real_id`), and a plain run or `--check` rebuilds the sample from those passages, so a
train top-up of the corpus does not reshuffle the demo, its trend shifts or the README's tables.
`--check` also fails when a pinned passage has left train/dev, lost its day-precise date or
left the followed governments. `--reselect` is a deliberate refresh: it re-runs the selection
and moves every number that depends on the sample (tests/accuracy.rs, the README tables).

Every row is a passage of the real-statement corpus (datasets/real/train.jsonl and dev.jsonl;
never the test split) whose statement date is known to the day, whose actor belongs to one of
the governments the sample follows, and which dates from 2016 or later. Agencies are merged into
the government they speak for (the PRC Foreign Ministry and Taiwan Affairs Office → People's
Republic of China; the State Department, White House, Pentagon and AIT → United States), so
`stance trends` follows one line per government. The gold label is the corpus's adjudicated label.

The sample is curated to tell each government's documented story clearly: for every actor-year
in STORY it keeps the statements whose gold label is that year's characteristic wording (and up
to OFF_TOPIC_PER_YEAR off-topic statements of the same actor-year, so the demo also shows the
model setting aside trade, visits and procedure). Real governments mix wordings within a year
(Washington said both "does not support Taiwan independence" and "opposes unilateral changes to
the status quo" in 2024); the full record, unselected, is in datasets/real/.
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "datasets" / "real"
OUT = ROOT / "datasets" / "samples"

# Corpus actor → the government the sample tracks.
ACTORS = {
    "PRC Ministry of Foreign Affairs": "People's Republic of China",
    "PRC Taiwan Affairs Office": "People's Republic of China",
    "PRC Government": "People's Republic of China",
    "PRC Ministry of National Defense": "People's Republic of China",
    "U.S. Department of State": "United States",
    "The White House": "United States",
    "U.S. Department of Defense": "United States",
    "American Institute in Taiwan": "United States",
    "Government of Nicaragua": "Nicaragua",
    "Government of Honduras": "Honduras",
    "Government of Nauru": "Nauru",
    "Government of Paraguay": "Paraguay",
    "Taiwan Presidential Office": "Taiwan (ROC) government",
    "Taiwan Ministry of Foreign Affairs": "Taiwan (ROC) government",
    "Taiwan Mainland Affairs Council": "Taiwan (ROC) government",
    "European Union": "European Union",
    "G7": "G7",
    "Government of Russia": "Russia",
    "Russian Ministry of Foreign Affairs": "Russia",
    "Kremlin (Government of Russia)": "Russia",
}
FIRST_YEAR = "2016"
OFF_TOPIC_PER_YEAR = 2
PER_YEAR = 8  # at most this many stance statements per actor-year (the earliest ones)

# actor -> {year: gold labels kept}. The documented shifts: Nicaragua recognised the PRC in
# December 2021, Honduras in March 2023, Nauru in January 2024; the United States dropped "does
# not support Taiwan independence" from its fact sheet in February 2025.
ALL_YEARS = [str(y) for y in range(2016, 2027)]
STORY = {
    "People's Republic of China": {y: {"opposes"} for y in ALL_YEARS},
    "Russia": {y: {"opposes"} for y in ALL_YEARS},
    "Taiwan (ROC) government": {y: {"supports"} for y in ALL_YEARS},
    "Paraguay": {y: {"supports"} for y in ALL_YEARS},
    "European Union": {y: {"neutral"} for y in ALL_YEARS},
    "G7": {y: {"neutral"} for y in ALL_YEARS},
    "Nicaragua": {"2018": {"supports"}, "2019": {"supports"},
                  "2021": {"opposes", "does_not_support"}, "2022": {"opposes"}, "2023": {"opposes"}},
    "Honduras": {"2021": {"supports"}, "2022": {"supports"},
                 "2023": {"supports", "does_not_support", "opposes"}},
    "Nauru": {"2022": {"supports"}, "2023": {"supports"}, "2024": {"opposes", "does_not_support"}},
    "United States": {"2021": {"does_not_support"}, "2022": {"does_not_support"},
                      "2023": {"does_not_support"}, "2024": {"does_not_support"},
                      "2025": {"neutral"}, "2026": {"neutral"}},
}


def corpus():
    """Every train/dev passage of a followed government dated to the day from FIRST_YEAR on."""
    out = []
    for split in ("train", "dev"):
        with open(REAL / f"{split}.jsonl", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                actor = ACTORS.get(r["actor"])
                date = r["date"] or ""
                if actor and len(date) == 10 and date >= FIRST_YEAR:
                    out.append((date, r["id"], actor, r))
    out.sort()
    return out


def select(out):
    """The STORY selection over `corpus()`, in date order."""
    kept, per_year = [], {}
    for date, rid, actor, r in out:
        allowed = STORY.get(actor, {}).get(date[:4])
        if allowed is None:
            continue
        key = (actor, date[:4], r["label"] == "off_topic")
        cap = OFF_TOPIC_PER_YEAR if key[2] else PER_YEAR
        if (key[2] or r["label"] in allowed) and per_year.get(key, 0) < cap:
            per_year[key] = per_year.get(key, 0) + 1
            kept.append((date, rid, actor, r))
    return kept


def pinned(out, path):
    """The passages the committed sample pins, in its order; an error names any that are gone."""
    by_id = {rid: (date, rid, actor, r) for date, rid, actor, r in out}
    kept, missing = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rid = json.loads(line)["real_id"]
            if rid in by_id:
                kept.append(by_id[rid])
            else:
                missing.append(f"{path.name} line {n}: {rid}")
    if missing:
        sys.exit("pinned passages no longer eligible (not in train/dev with a day-precise date "
                 "and a followed actor):\n  " + "\n  ".join(missing)
                 + "\nrun scripts/build_sample.py --reselect and update the numbers that depend on the sample")
    return kept


def render_rows(out):
    statements, labels = [], []
    for n, (date, rid, actor, r) in enumerate(out, 1):
        sid = f"smp-{n:03d}"
        statements.append({"id": sid, "text": r["text"], "date": date, "actor": actor,
                            "speaker": r["speaker"], "source": r["source_title"],
                            "source_url": r["source_url"]})
        labels.append({"id": sid, "label": r["label"], "real_id": rid, "corpus_actor": r["actor"]})
    return statements, labels


def render(rs):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--reselect", action="store_true")
    a = ap.parse_args()
    out = corpus()
    chosen = select(out) if a.reselect else pinned(out, OUT / "expected_labels.jsonl")
    statements, labels = render_rows(chosen)
    files = {OUT / "statements.jsonl": render(statements), OUT / "expected_labels.jsonl": render(labels)}
    if a.check:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run scripts/build_sample.py", file=sys.stderr)
        sys.exit(1 if stale else 0)
    for p, text in files.items():
        p.write_text(text, encoding="utf-8")
    print(f"{len(statements)} statements", file=sys.stderr)


if __name__ == "__main__":
    main()
