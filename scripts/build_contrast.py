#!/usr/bin/env python3
"""Build the verb-polarity contrast set datasets/contrast/{train,dev}.jsonl (standard library only).

    python3 scripts/build_contrast.py           # (re)write both files and print the counts
    python3 scripts/build_contrast.py --check   # exit 1 if a file on disk differs
    python3 scripts/build_contrast.py --verb-only DIR   # DIR/train.jsonl without the object family

Why it exists. In the real corpus "Taiwan independence" occurs almost only in opposing or
distancing clauses ("firmly opposes", "does not support"), and the synthetic corpus states
support for independence in 21 of its 3,413 training rows. A model trained on both learns the
phrase as a cue for the opposing side: "The government supports Taiwan independence." reads
`opposes`. This set gives the model minimal pairs in which one thing changes, so the verb
and its object have to decide:

    the verb      one actor, frame and object; one item per label:
                  supports          "supports", "backs", "is in favour of", "has always supported", ...
                  opposes           "opposes", "rejects", "will never accept", "is against", ...
                  does_not_support  "does not support", "has never supported", "is not in favour of", ...
                  leans_supports    "does not oppose", "is not opposed to" (GUIDE.md 5.1, last row)
    demands       "... called on the national government to support / oppose ..." (GUIDE 5.4)
    the object    one actor, frame and verb; the object changes and takes its own label:
                  "rejects Taiwan independence" (opposes) / "rejects “one country, two systems”
                  for Taiwan" (leans_supports) / "rejects Beijing's claim that Taiwan is part of
                  China" (supports); "supports China's peaceful reunification" (opposes) ...

Every label follows datasets/GUIDE.md (clause tests 4.1-4.5, rulings 5.1, 5.4 and 5.14.19, and
step 6: an off-topic trailing sentence does not change the label). Actors are generic, unnamed
roles ("The alliance", "The senator", ...): no real government, institution or person is ever a
speaker, so no one is given a position they do not hold.

Kept apart from every evaluation set: none of this file's actors or frames is one of the
behavioural suite's (build_suite.py), and the script (and `--check`) fails if a text equals, or
shares a run of 8 or more words with, an item of the suite, the synthetic or real (English and
Chinese) dev and test splits, or the long-document sets.

Train and dev share nothing but the labels: dev has its own actors, frames, objects and verbs
(e.g. "champions", "is firmly opposed to", "doesn't support", "has no objection to"), so dev
accuracy measures whether the verb polarity generalises beyond the training phrasing. Output is
deterministic (no randomness) and byte-identical on every run.
"""
import json
import sys
from itertools import cycle
from math import gcd
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "datasets" / "contrast"
HELD_OUT = [ROOT / "datasets" / p for p in (
    "suite/behaviour.jsonl", "stance/dev.jsonl", "stance/test.jsonl", "real/dev.jsonl",
    "real/test.jsonl", "real/zh/dev.jsonl", "real/zh/test.jsonl", "longdocs/dev.jsonl",
    "longdocs/test.jsonl")]
SHINGLE = 8  # words; a train text may not share a run this long with a suite item


class Actor:
    """A generic speaker. `subj` starts a sentence, `pron` refers back to it in a that-clause
    and `first` is how it speaks in a direct quote ("we" for bodies, "I" for people)."""

    def __init__(self, subj, pron, first):
        self.subj, self.pron, self.first = subj, pron, first

    @property
    def lower(self):
        return self.subj[0].lower() + self.subj[1:]


def body(subj):
    return Actor(subj, "it", "we")


def person(subj, pron):
    return Actor(subj, pron, "I")


TRAIN_ACTORS = [
    body("The alliance"), person("The senator", "she"), body("The city council"),
    body("The caucus"), person("The movement's chairwoman", "she"), body("The minor party"),
    person("The legislator", "he"), body("The advocacy group"), person("The mayor", "she"),
    body("The youth league"), person("The congressman", "he"), body("The provincial assembly"),
    body("The veterans' association"), person("The former envoy", "he"), body("The student union"),
    person("The party's chairman", "he"), body("The trade union federation"),
    person("The independent candidate", "she"),
]
DEV_ACTORS = [
    body("The regional council"), person("The activist", "he"), body("The cultural association"),
    person("The coalition's whip", "she"), body("The farmers' league"),
    person("The retired general", "he"),
]

# A verb phrase in three persons: third singular, plural ("we"), first singular ("I"). "{o}"
# marks where the object goes; without it the object follows the phrase.
def vp(third, plural=None, first=None):
    plural = plural or third
    forms = (third, plural, first or plural)
    return tuple(f if "{o}" in f else f + " {o}" for f in forms)


def fill(form, obj):
    return form.replace("{o}", obj)


TRAIN_VERBS = {
    "supports": [
        vp("supports", "support"), vp("backs", "back"), vp("endorses", "endorse"),
        vp("is in favour of", "are in favour of", "am in favour of"),
        vp("strongly supports", "strongly support"), vp("has always supported", "have always supported"),
        vp("advocates", "advocate"), vp("fully supports", "fully support"),
        vp("stands for", "stand for"), vp("will keep fighting for"),
        vp("calls for", "call for"), vp("is campaigning for", "are campaigning for", "am campaigning for"),
        vp("has long campaigned for", "have long campaigned for"),
    ],
    "opposes": [
        vp("opposes", "oppose"), vp("firmly opposes", "firmly oppose"), vp("rejects", "reject"),
        vp("will never accept"), vp("resolutely opposes", "resolutely oppose"),
        vp("is against", "are against", "am against"), vp("will never tolerate"),
        vp("has always opposed", "have always opposed"), vp("will never allow"),
        vp("opposes {o} in any form", "oppose {o} in any form"), vp("will never permit"),
        vp("is resolutely against", "are resolutely against", "am resolutely against"),
    ],
    "does_not_support": [
        vp("does not support", "do not support"), vp("has never supported", "have never supported"),
        vp("is not in favour of", "are not in favour of", "am not in favour of"),
        vp("does not back", "do not back"), vp("does not endorse", "do not endorse"),
        vp("will not support"), vp("does not advocate", "do not advocate"),
        vp("will neither back {o} nor recognise Taiwan as a state"),
        vp("has no intention of supporting", "have no intention of supporting"),
        vp("does not and will not support", "do not and will not support"),
    ],
    "leans_supports": [
        vp("does not oppose", "do not oppose"),
        vp("is not opposed to", "are not opposed to", "am not opposed to"),
        vp("has never opposed", "have never opposed"),
    ],
}
DEV_VERBS = {
    "supports": [vp("champions", "champion"), vp("wholeheartedly backs", "wholeheartedly back"),
                 vp("is firmly behind", "are firmly behind", "am firmly behind")],
    "opposes": [vp("is firmly opposed to", "are firmly opposed to", "am firmly opposed to"),
                vp("categorically rejects", "categorically reject"), vp("will never countenance")],
    "does_not_support": [vp("doesn't support", "don't support"), vp("has never backed", "have never backed"),
                         vp("is not supportive of", "are not supportive of", "am not supportive of")],
    "leans_supports": [vp("has no objection to", "have no objection to"),
                       vp("does not object to", "do not object to")],
}

TRAIN_OBJECTS = [
    "Taiwan independence", "Taiwan's independence", "independence for Taiwan",
    "the independence of Taiwan", "Taiwan formally declaring independence",
    "formal independence for Taiwan", "an independent Taiwan",
]
DEV_OBJECTS = ["Taiwanese independence", "Taiwan becoming an independent country",
               "a Taiwanese declaration of independence"]

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TRAILERS = [  # GUIDE step 6: off-topic material does not change the label
    " {P} also announced a review of the city's bus routes.",
    " {P} then took questions on the pension reform bill.",
    " The rest of the session dealt with flood defences.",
]


def cap(s):
    return s[0].upper() + s[1:]


def f_direct(a, v, obj, i):
    return f"{a.subj} {fill(v[0], obj)}."


def f_told_supporters(a, v, obj, i):
    return f"{a.subj} told a meeting of supporters that {a.pron} {fill(v[0], obj)}."


def f_released(a, v, obj, i):
    return f"In a statement released on {DAYS[i % 7]}, {a.lower} said {a.pron} {fill(v[0], obj)}."


def f_quote(a, v, obj, i):
    first = v[2] if a.first == "I" else v[1]
    return f"\"{cap(a.first)} {fill(first, obj)},\" {a.lower} said."


def f_interview(a, v, obj, i):
    return f"Speaking in a radio interview, {a.lower} made it plain that {a.pron} {fill(v[0], obj)}."


def f_rally(a, v, obj, i):
    return f"At a rally on {DAYS[i % 7]} evening, {a.lower} declared that {a.pron} {fill(v[0], obj)}."


TRAIN_FRAMES = {"direct": f_direct, "told_supporters": f_told_supporters, "released": f_released,
                "quote": f_quote, "interview": f_interview, "rally": f_rally}


def f_replied(a, v, obj, i):
    return f"Asked about the island's future, {a.lower} replied that {a.pron} {fill(v[0], obj)}."


def f_position(a, v, obj, i):
    return f"{a.subj}'s position is simple: {a.pron} {fill(v[0], obj)}."


DEV_FRAMES = {"replied": f_replied, "position": f_position}

LABEL_ORDER = ["supports", "opposes", "does_not_support", "leans_supports"]


def verb_name(form):
    """The verb phrase without its object: "opposes … in any form", "supports"."""
    return form[:-len(" {o}")] if form.endswith(" {o}") else form.replace("{o}", "…")


# Demands (GUIDE 5.4): the content of the demand is the demander's stance. Only the two verbs
# whose demand is unambiguous; "urged X not to support" is left out (rule 10 reads Beijing's
# as `opposes`, which is about Beijing, not about the verb).
DEMAND_VERBS = {"supports": ["support", "back", "endorse", "stand up for"],
                "opposes": ["oppose", "reject", "firmly oppose", "resist"]}
DEMAND_FRAMES = ["{A} called on the national government to {v} {o}.",
                 "{A} pressed lawmakers to {v} {o}.",
                 "In an open letter, {a} asked the country's leaders to {v} {o}."]


def build_demands(prefix, actors, objects, n_groups, start):
    rows = []
    combos = [(a, f, o) for a in actors for f in DEMAND_FRAMES for o in objects]
    stride = spread_stride(len(combos))
    verb_its = {label: cycle(DEMAND_VERBS[label]) for label in DEMAND_VERBS}
    for g in range(n_groups):
        actor, frame, obj = combos[(g * stride) % len(combos)]
        for label in DEMAND_VERBS:
            v = next(verb_its[label])
            text = frame.format(A=actor.subj, a=actor.lower, v=v, o=obj)
            rows.append({
                "id": f"{prefix}-{start + len(rows) + 1:04d}", "text": text, "label": label,
                "group": f"{prefix}-d{g + 1:03d}", "frame": "demand", "verb": f"urges to {v}",
                "object": obj, "origin": "synthetic_contrast",
            })
    return rows


# The object decides too (GUIDE 3, step 4, and 5.1): the same verb on another object takes that
# object's label, so "rejects" or "supports" alone never decides. One group: one actor, frame
# and verb; the object changes.
OTHER_OBJECTS = {
    "opposes": [  # an opposing verb on ...
        ("unilateral moves by either side to alter the status quo", "neutral"),       # 4.5
        ("“one country, two systems” for Taiwan", "leans_supports"),                  # 4.4
        ("Beijing's efforts to isolate Taiwan internationally", "leans_supports"),     # 4.4
        ("Beijing's claim that Taiwan is part of China", "supports"),                  # 5.14.19
    ],
    "supports": [  # a supporting verb on ...
        ("Taiwan's participation in international organisations", "leans_supports"),  # 4.4
        ("a peaceful, negotiated settlement between Beijing and Taipei", "neutral"),  # 4.5
        ("China's peaceful reunification", "opposes"),                                # 4.1
    ],
    "does_not_support": [  # a distancing verb on ...
        ("unilateral moves by either side to alter the status quo", "neutral"),       # 5.1
    ],
}


def build_objects(prefix, verb_label, n_groups, taken):
    """`taken`: the texts already written; a group skips an item that would repeat one."""
    rows = []
    start = len(taken)
    combos = [(a, f) for a in TRAIN_ACTORS for f in sorted(TRAIN_FRAMES)]
    stride = spread_stride(len(combos))
    verb_it = cycle(TRAIN_VERBS[verb_label])
    obj_it = cycle(TRAIN_OBJECTS)
    for g in range(n_groups):
        actor, frame = combos[(g * stride + 7) % len(combos)]
        v = next(verb_it)
        others = OTHER_OBJECTS[verb_label]
        # Every group has the independence object and two others (all others when fewer).
        picks = [(next(obj_it), verb_label)] + [others[(g + k) % len(others)]
                                                for k in range(min(2, len(others)))]
        for obj, label in picks:
            text = TRAIN_FRAMES[frame](actor, v, obj, g)
            if text in taken:
                continue
            taken.add(text)
            rows.append({
                "id": f"{prefix}-{start + len(rows) + 1:04d}",
                "text": text, "label": label,
                "group": f"{prefix}-o{verb_label[:3]}{g + 1:03d}", "frame": frame,
                "verb": verb_name(v[0]), "object": obj, "origin": "synthetic_contrast",
            })
    return rows


def spread_stride(n):
    """A step through n combinations that visits each once and spreads consecutive groups
    over different actors, frames and objects: the first integer from n/3 up coprime to n."""
    step = max(1, n // 3)
    while gcd(step, n) != 1:
        step += 1
    return step


def build(prefix, actors, frames, objects, verbs, n_groups, leans_every):
    """`n_groups` minimal-pair groups: one actor, frame and object each, one item per label
    (`leans_supports` in every `leans_every`-th group), only the verb phrase differs."""
    rows = []
    frame_names = sorted(frames)
    combos = [(a, f, o) for a in actors for f in frame_names for o in objects]
    stride = spread_stride(len(combos))
    verb_its = {label: cycle(verbs[label]) for label in LABEL_ORDER}
    for g in range(n_groups):
        actor, frame, obj = combos[(g * stride) % len(combos)]
        trailer = TRAILERS[g % len(TRAILERS)].replace("{P}", cap(actor.pron)) if g % 4 == 3 else ""
        for label in LABEL_ORDER:
            if label == "leans_supports" and g % leans_every:
                continue
            v = next(verb_its[label])
            text = frames[frame](actor, v, obj, g) + trailer
            rows.append({
                "id": f"{prefix}-{len(rows) + 1:04d}", "text": text, "label": label,
                "group": f"{prefix}-g{g + 1:03d}", "frame": frame, "verb": verb_name(v[0]),
                "object": obj, "origin": "synthetic_contrast",
            })
    return rows


def words(text):
    return text.lower().replace('"', " ").replace(",", " ").replace(".", " ").split()


def shingles(text, n=SHINGLE):
    w = words(text)
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


def suite_overlap(rows):
    """Texts that share a SHINGLE-word run with an evaluation item (the suite, the synthetic
    and real dev and test splits, the long-document sets) or contain a whole shorter one."""
    items = [json.loads(line)["text"] for path in HELD_OUT if path.exists()
             for line in path.open(encoding="utf-8") if line.strip()]
    long_runs = set().union(*(shingles(t) for t in items))
    short = {" ".join(words(t)) for t in items if len(words(t)) < SHINGLE}

    def overlaps(text):
        joined = f' {" ".join(words(text))} '
        return shingles(text) & long_runs or any(f" {s} " in joined for s in short)

    return [r["text"] for r in rows if overlaps(r["text"])]


def render(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv):
    train = build("ct", TRAIN_ACTORS, TRAIN_FRAMES, TRAIN_OBJECTS, TRAIN_VERBS, 126, 3)
    train += build_demands("ct", TRAIN_ACTORS, TRAIN_OBJECTS, 36, len(train))
    if "--verb-only" in argv:  # the first two families alone (README: run c2), into a folder
        out = Path(argv[argv.index("--verb-only") + 1])
        out.mkdir(parents=True, exist_ok=True)
        (out / "train.jsonl").write_text(render(train), encoding="utf-8")
        print(f"{out / 'train.jsonl'}: {len(train)} rows")
        return 0
    for verb_label, n in (("opposes", 40), ("supports", 40), ("does_not_support", 20)):
        train += build_objects("ct", verb_label, n, {r["text"] for r in train})
    dev = build("cd", DEV_ACTORS, DEV_FRAMES, DEV_OBJECTS, DEV_VERBS, 24, 2)
    texts = [r["text"] for r in train + dev]
    if len(set(texts)) != len(texts):
        print("build_contrast.py wrote the same text twice", file=sys.stderr)
        return 1
    overlap = suite_overlap(train + dev)
    if overlap:
        print(f"{len(overlap)} contrast texts overlap an evaluation item, e.g. {overlap[0]!r}",
              file=sys.stderr)
        return 1
    outputs = {OUT / "train.jsonl": render(train), OUT / "dev.jsonl": render(dev)}
    if "--check" in argv:
        stale = [p for p, text in outputs.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p.relative_to(ROOT)} differs from what build_contrast.py writes", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for p, text in outputs.items():
        p.write_text(text, encoding="utf-8")
    for name, rows in (("train", train), ("dev", dev)):
        counts = {label: sum(r["label"] == label for r in rows)
                  for label in LABEL_ORDER + ["off_topic"]}
        print(f"{name}: {len(rows)} rows, {len({r['group'] for r in rows})} groups, {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
