#!/usr/bin/env python3
"""Build the behavioural test suite datasets/suite/behaviour.jsonl (standard library only).

    python3 scripts/build_suite.py           # (re)write datasets/suite/behaviour.jsonl
    python3 scripts/build_suite.py --check   # exit 1 if the file on disk differs

A CheckList-style (Ribeiro et al. 2020) behavioural suite for the six-label stance classifier
(opposes, does_not_support, neutral, leans_supports, supports, off_topic). Every item and every
expected label is written from the annotation guide datasets/GUIDE.md alone (its decision
procedure, section 3, and the hard-case rulings of section 5). Nothing here is derived from the
training templates or the training data, so the suite tests whether a model learned the guide's
rules rather than the corpus generator's phrasing.

Items are grouped into minimal pairs: all items sharing a `pair` id use the same actor and frame
and differ in ONE thing; the `template` field names the frame. Capabilities:

  verb             same frame and object, the verb changes: "firmly opposes" (opposes) /
                   "does not support", "has never supported", "is not in favour of"
                   (does_not_support) / "supports", "backs" (supports)  -- guide 3.4.1-3.4.3.
  negation         negated vs un-negated forms: "never supported" vs "never accept",
                   "does not oppose Taiwan's participation in the WHO" (leans_supports),
                   "does not recognise Taiwan as an independent state" (does_not_support),
                   "does not support any unilateral change to the status quo" (neutral),
                   "Taiwan has never been part of the PRC" (supports)  -- guide 5.1.
  speaker          the reporting frame changes ("said", "told reporters", "reiterated in a
                   statement", "..., the spokesperson said") and the label must not; demands are
                   the demander's stance; a third party's position that the speaker merely
                   mentions is not the speaker's stance  -- guide 3.1 and 5.4.
  object           the same verb, the object changes: independence / unilateral change to the
                   status quo / participation in international organisations / reunification /
                   "one country, two systems" / a central bank or another country's candidacy
                   -- guide 3.4, 5.2, 5.9, 5.11, 5.12a.
  question         the same question left unanswered, declined or deflected (off_topic) vs
                   answered (label of the answer); rhetorical questions  -- guide 5.5.
  off_topic_traps  keyword traps (chips, typhoons, ferries, other regions' peace and stability,
                   "the independence of its central bank", another country's candidacy or
                   voters) paired with a stance version of the same frame  -- guide 5.12, 5.12a.

Actors are generic roles ("The government", "The foreign minister", "The ruling party", "We",
...). No real country, government, institution or person is ever a speaker; Beijing and Taipei
appear as speakers only with positions they publicly hold (Beijing opposes Taiwan
independence; Taipei says the ROC and the PRC are not subordinate to each other).
The output is deterministic (no randomness): running the script twice gives identical bytes.
"""

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# groups whose content is a government act (recognition, a China policy, arms, treaties)
GOV_ONLY = {"not_recognise_state", "not_recognise_sovereign", "no_longer_recognises", "no_two_chinas",
            "recognises", "reaffirmed", "nursing", "relief_vs_arms", "water_sharing", "airport_slots",
            "candidacy", "central_bank"}
OUT = ROOT / "datasets" / "suite" / "behaviour.jsonl"

OPP = "opposes"
DNS = "does_not_support"
NEU = "neutral"
LEA = "leans_supports"
SUP = "supports"
OFF = "off_topic"
LABELS = (OPP, DNS, NEU, LEA, SUP, OFF)

# --------------------------------------------------------------------------------------------
# Actors: generic roles only. kind: "inst" (an institution that can be the grammatical subject of
# a stance), "person" (an office holder speaking for a government), "we" (first person plural).
# pron: the subject used for the actor's own position inside reported speech.


class Actor:
    def __init__(self, name, kind, pron=None, spk=None, direct_ok=None):
        self.name = name
        self.kind = kind
        # can the actor be the grammatical subject of a present-tense stance ("X opposes ...")?
        self.direct_ok = kind != "person" if direct_ok is None else direct_ok
        # does the actor speak for a government (recognition, policy, arms are government acts)?
        self.gov = not any(w in name for w in ("party", "committee"))
        self.pron = pron or ("we" if kind == "we" else "it" if kind == "inst" else "the government")
        # who is speaking in a postposed "..., X said" frame
        self.spk = spk

    @property
    def mid(self):
        return "we" if self.we else self.name[0].lower() + self.name[1:]

    @property
    def poss(self):
        """possessive of the actor's own-position subject"""
        return {"it": "its", "we": "our"}.get(self.pron, self.pron + "'s")

    @property
    def we(self):
        return self.kind == "we"


ACTORS = [
    Actor("The government", "inst", spk="a government spokesperson"),
    Actor("The foreign minister", "person"),
    Actor("The ruling party", "inst", spk="a spokesperson for the ruling party"),
    Actor("We", "we", spk="our spokesperson"),
    Actor("The prime minister", "person"),
    Actor("The parliament's foreign affairs committee", "inst", spk="the committee's chair"),
    Actor("The ministry's spokesperson", "person"),
    Actor("The cabinet", "inst", spk="the cabinet secretary"),
    Actor("The president", "person"),
    Actor("The opposition party", "inst", spk="the opposition party's leader"),
    Actor("Our government", "inst", spk="our spokesperson"),
    Actor("The defence minister", "person"),
    Actor("The delegation", "inst", pron="its government", spk="the head of the delegation", direct_ok=False),
    Actor("The foreign ministry", "inst", spk="the ministry's spokesperson"),
    Actor("The deputy foreign minister", "person"),
    Actor("The embassy", "inst", pron="its government", spk="the ambassador", direct_ok=False),
    Actor("The coalition government", "inst", spk="a government spokesperson"),
    Actor("The presidential office", "inst", pron="the government", spk="a presidential spokesperson", direct_ok=False),
    Actor("The party leader", "person", pron="the party"),
    Actor("The trade minister", "person"),
]
BY_NAME = {a.name: a for a in ACTORS}
INST_WE = [a for a in ACTORS if a.kind in ("inst", "we")]
NOT_WE = [a for a in ACTORS if a.kind != "we"]

CTX = [
    "",
    " on Tuesday",
    " at a press conference on Tuesday",
    " in parliament on Wednesday",
    " after the talks",
    " in a written reply",
    " during a visit abroad",
    " on Friday",
    " at a news briefing",
    " in an interview on Sunday",
]

IRREGULAR = {"does": "do", "has": "have", "is": "are", "was": "were"}


def base(verb):
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    for suf in ("shes", "ches", "xes", "sses"):
        if verb.endswith(suf):
            return verb[:-2]
    if verb.endswith("s"):
        return verb[:-1]
    raise ValueError(verb)


def conj(vp, subject):
    """Render a verb phrase for a subject: [verb] is a conjugable 3sg verb, {its} the
    subject's possessive."""
    we = subject == "we"
    out = []
    i = 0
    while i < len(vp):
        if vp[i] == "[":
            j = vp.index("]", i)
            v = vp[i + 1:j]
            out.append(base(v) if we else v)
            i = j + 1
        else:
            out.append(vp[i])
            i += 1
    s = "".join(out)
    return s.replace("{its}", "our" if we else "its")


def cap(s):
    return s[0].upper() + s[1:]


# --------------------------------------------------------------------------------------------
# Frames. Each takes (actor, vp, ctx) and returns a sentence in which the actor's own position
# is the verb phrase vp (3sg, with [verb] markers).


def f_direct(a, vp, ctx=""):
    assert a.direct_ok, a.name
    return f"{a.name} {conj(vp, a.pron)}."


def f_said(a, vp, ctx=""):
    return f"{a.name} said{ctx} that {a.pron} {conj(vp, a.pron)}."


def f_said_nothat(a, vp, ctx=""):
    return f"{a.name} said{ctx} {a.pron} {conj(vp, a.pron)}."


def f_reaffirmed(a, vp, ctx=""):
    return f"{a.name} reaffirmed{ctx} that {a.pron} {conj(vp, a.pron)}."


def f_made_clear(a, vp, ctx=""):
    return f"{a.name} {conj('[has]', a.pron if a.we else 'it')} made it clear that {a.pron} {conj(vp, a.pron)}."


def f_told_reporters(a, vp, ctx=""):
    if ctx.startswith(" in "):  # "told reporters in a written reply" does not read
        ctx = " on Thursday"
    return f"{a.name} told reporters{ctx} that {a.pron} {conj(vp, a.pron)}."


def f_statement(a, vp, ctx=""):
    return f"In a statement{ctx}, {a.mid if not a.we else 'we'} reiterated that {a.pron} {conj(vp, a.pron)}."


def f_spokesperson(a, vp, ctx=""):
    if not a.direct_ok:
        subj = "The party" if a.pron == "the party" else "The government"
        return f"{subj} {conj(vp, 'it')}, {a.spk or a.mid} said{ctx}."
    if a.we:
        return f"We {conj(vp, 'we')}, {a.spk} said{ctx}."
    return f"{a.name} {conj(vp, 'it')}, {a.spk} said{ctx}."


def f_speaking(a, vp, ctx=""):
    where = ctx.strip() or "at a press conference"
    return f"Speaking {where}, {a.mid if not a.we else 'we'} said {a.pron} {conj(vp, a.pron)}."


def f_repeated(a, vp, ctx=""):
    return f"{a.name} {conj('[has]', a.pron if a.we else 'it')} repeatedly said that {a.pron} {conj(vp, a.pron)}."


FRAMES = {
    "direct": f_direct,
    "said": f_said,
    "said_nothat": f_said_nothat,
    "reaffirmed": f_reaffirmed,
    "made_clear": f_made_clear,
    "told_reporters": f_told_reporters,
    "statement": f_statement,
    "spokesperson_said": f_spokesperson,
    "speaking_at": f_speaking,
    "repeatedly_said": f_repeated,
}


# --------------------------------------------------------------------------------------------


class Suite:
    def __init__(self):
        self.items = []
        self.seen = set()
        self.pairs = Counter()

    def new_pair(self, cap_name):
        self.pairs[cap_name] += 1
        return f"{cap_name}-{self.pairs[cap_name]:03d}"

    def add(self, text, label, capability, pair, template):
        assert label in LABELS, label
        text = text.replace("  ", " ")
        if text in self.seen:
            raise SystemExit(f"duplicate text ({capability}/{template}): {text}")
        self.seen.add(text)
        self.items.append({
            "text": text,
            "label": label,
            "capability": capability,
            "pair": pair,
            "template": template,
        })

    def group_from(self, capability, template, actors, make_rows, direct=False, gov=False):
        """Take the next actor from `actors` (skipping actors that cannot be a direct subject
        when `direct`, and actors whose rows would repeat an existing text) and add the group
        make_rows(actor)."""
        for _ in range(3 * len(ACTORS)):
            a = next(actors)
            if (direct and not a.direct_ok) or (gov and not a.gov):
                continue
            rows = make_rows(a)
            texts = [t.replace("  ", " ") for t, _ in rows]
            if len(set(texts)) == len(texts) and not any(t in self.seen for t in texts):
                self.group(capability, template, rows)
                return a
        raise SystemExit(f"no fresh actor for {capability}/{template}")

    def group(self, capability, template, rows):
        """rows: list of (text, label); one minimal-pair group."""
        pair = self.new_pair(capability)
        for text, label in rows:
            self.add(text, label, capability, pair, template)


def cycle(seq, start=0):
    i = start
    while True:
        yield seq[i % len(seq)]
        i += 1


# ============================================================================================
# 1. verb: same frame and object, the verb changes.


def build_verb(s):
    cap_name = "verb"
    # (set name, object, [(verb phrase, label)])  -- guide 3.4.1-3.4.3, section 4
    sets = [
        ("oppose_dns_support", "Taiwan independence",
         [("firmly [opposes]", OPP), ("[does] not support", DNS), ("[supports]", SUP)]),
        ("resolute_never_strong", "Taiwan independence",
         [("resolutely [opposes]", OPP), ("[has] never supported", DNS), ("strongly [supports]", SUP)]),
        ("reject_notback_back", "Taiwan's independence",
         [("firmly [rejects]", OPP), ("[does] not back", DNS), ("[backs]", SUP)]),
        ("declaration", "a formal declaration of independence by Taiwan",
         [("[opposes]", OPP), ("[is] not in favour of", DNS), ("[is] in favour of", SUP)]),
        ("accept_endorse", "Taiwan independence",
         [("will never accept", OPP), ("[does] not endorse", DNS), ("[endorses]", SUP)]),
        ("reject_advocate", "Taiwan independence",
         [("[rejects]", OPP), ("[does] not advocate", DNS), ("[advocates]", SUP)]),
        ("allow_encourage", "Taiwan independence",
         [("will never allow", OPP), ("[does] not encourage", DNS), ("openly [supports]", SUP)]),
    ]
    frames = ["direct", "said", "reaffirmed", "made_clear", "said_nothat"]
    actors = cycle(ACTORS, 0)
    ctxs = cycle(CTX, 1)
    for si, (name, obj, verbs) in enumerate(sets):
        for fi, fname in enumerate(frames):
            ctx = next(ctxs) if fname in ("said", "reaffirmed", "said_nothat") else ""
            s.group_from(cap_name, f"{name}/{fname}", actors,
                         lambda a: [(FRAMES[fname](a, f"{vp} {obj}", ctx), lab) for vp, lab in verbs],
                         direct=fname == "direct", gov=name in GOV_ONLY)

    # the simple first-person cases
    s.group(cap_name, "simple_we", [
        ("We support Taiwan independence.", SUP),
        ("We oppose Taiwan independence.", OPP),
        ("We do not support Taiwan independence.", DNS),
    ])
    s.group(cap_name, "simple_will_of_people", [
        ("Taiwan independence is the will of the people and we back it.", SUP),
        ("Taiwan independence is a dead end and we oppose it.", OPP),
    ])
    s.group(cap_name, "simple_backs", [
        ("The government backs Taiwan's independence.", SUP),
        ("The government opposes Taiwan's independence.", OPP),
        ("The government does not back Taiwan's independence.", DNS),
    ])


# ============================================================================================
# 2. negation (guide 5.1)


def build_negation(s):
    cap_name = "negation"
    groups = [
        # never supported vs never accept vs always supported
        ("never_supported_vs_never_accept", "Taiwan independence",
         [("[has] never supported", DNS), ("will never accept", OPP), ("[has] always supported", SUP)]),
        # not oppose participation = acceptance of international space
        ("not_oppose_who", "Taiwan's participation in the WHO",
         [("[does] not oppose", LEA), ("[supports]", LEA)]),
        ("not_oppose_wha", "Taiwan's participation in the World Health Assembly",
         [("[does] not oppose", LEA), ("[supports]", LEA)]),
        ("not_oppose_io", "Taiwan's meaningful participation in international organisations",
         [("[does] not oppose", LEA), ("[backs]", LEA)]),
        # recognition withheld vs granted
        ("not_recognise_state", "Taiwan as an independent state",
         [("[does] not recognise", DNS), ("[recognises]", SUP)]),
        ("not_recognise_sovereign", "Taiwan as a sovereign state",
         [("[does] not recognise", DNS), ("formally [recognises]", SUP)]),
        # negated status-quo object stays neutral
        ("not_support_unilateral_change", None,
         [("[does] not support any unilateral change to the status quo", NEU),
          ("[opposes] any unilateral change to the status quo", NEU),
          ("[does] not support Taiwan independence", DNS)]),
        # not oppose independence vs oppose
        ("not_oppose_independence", "Taiwan independence",
         [("[does] not oppose", LEA), ("[opposes]", OPP)]),
        # never accept a unification formula vs never accept independence
        ("never_accept_1c2s", None,
         [("will never accept \"one country, two systems\"", LEA),
          ("will never accept Taiwan independence", OPP)]),
        # no two-Chinas policy vs will never allow two Chinas
        ("no_two_chinas", None,
         [("[has] no intention of pursuing a policy of \"two Chinas\" or \"one China, one Taiwan\"", DNS),
          ("will never allow \"two Chinas\" or \"one China, one Taiwan\"", OPP)]),
        # not in favour vs in favour
        ("not_in_favour", "a formal declaration of independence by Taiwan",
         [("[is] not in favour of", DNS), ("[is] in favour of", SUP)]),
        # plain negation of support
        ("not_support_vs_support", "Taiwan independence",
         [("[does] not support", DNS), ("[supports]", SUP)]),
        # recognition switched vs kept
        ("no_longer_recognises", None,
         [("no longer [recognises] the Republic of China as a separate country but as part of China", OPP),
          ("still [recognises] the Republic of China (Taiwan) as a sovereign state", SUP)]),
    ]
    frames = ["direct", "said", "reaffirmed", "told_reporters", "said_nothat", "made_clear", "repeatedly_said"]
    actors = cycle(ACTORS, 3)
    ctxs = cycle(CTX, 4)
    fcyc = cycle(frames)
    reps = {"never_supported_vs_never_accept": 4, "not_oppose_who": 3, "not_oppose_wha": 2,
            "not_oppose_io": 2, "not_recognise_state": 4, "not_recognise_sovereign": 2,
            "not_support_unilateral_change": 4, "not_oppose_independence": 3,
            "never_accept_1c2s": 3, "no_two_chinas": 3, "not_in_favour": 2,
            "not_support_vs_support": 3, "no_longer_recognises": 3}
    for name, obj, variants in groups:
        for _ in range(reps[name]):
            fname = next(fcyc)
            ctx = next(ctxs) if fname in ("said", "reaffirmed", "told_reporters", "said_nothat") else ""
            s.group_from(cap_name, f"{name}/{fname}", actors,
                         lambda a: [(FRAMES[fname](a, f"{vp} {obj}" if obj else vp, ctx), lab)
                                    for vp, lab in variants],
                         direct=fname == "direct", gov=name in GOV_ONLY)

    # Statehood claims carried by a negation, as content clauses.
    claims = [
        ("never_part_of_prc", [
            ("Taiwan has never been part of the People's Republic of China", SUP),
            ("Taiwan has always been part of China", OPP)]),
        ("not_part_of_prc", [
            ("Taiwan is not part of the People's Republic of China", SUP),
            ("Taiwan is part of the People's Republic of China", OPP)]),
        ("never_part_sovereign", [
            ("Taiwan has never been part of the People's Republic of China and is a sovereign state", SUP),
            ("Taiwan has always been part of China and can never be a sovereign state", OPP)]),
    ]
    lead = [
        ("said", "{A} said{ctx} that {c}."),
        ("insisted", "{A} insisted{ctx} that {c}."),
        ("stated", "{A} stated{ctx} that {c}."),
        ("told_reporters", "{A} told reporters{ctx} that {c}."),
    ]
    lcyc = cycle(lead)
    for name, variants in claims:
        for _ in range(3):
            tname, tpl = next(lcyc)
            a = next(actors)
            ctx = next(ctxs)
            if tname == "told_reporters" and ctx.startswith(" in "):
                ctx = " on Thursday"
            rows = [(tpl.format(A=a.name, ctx=ctx, c=c), lab) for c, lab in variants]
            s.group(cap_name, f"{name}/{tname}", rows)

    # Denial of a report (guide 5.10) vs the plain claim.
    for _ in range(4):
        a = next(actors)
        while a.we:
            a = next(actors)
        p = a.pron
        ctx = next(ctxs)
        s.group(cap_name, "denial_of_report", [
            (f"{a.name} said{ctx} that reports that {p} {conj('[backs]', p)} Taiwan independence were simply wrong.", DNS),
            (f"{a.name} said{ctx} that {p} {conj('[backs]', p)} Taiwan independence.", SUP),
        ])


# ============================================================================================
# 3. speaker: reporting frames and demands (guide 3.1, 5.4)


def build_speaker(s):
    cap_name = "speaker"
    contents = [
        ("firmly [opposes] Taiwan independence", OPP),
        ("[does] not support Taiwan independence", DNS),
        ("[recognises] the Republic of China (Taiwan) as a sovereign state", SUP),
        ("[supports] Taiwan's meaningful participation in international organisations", LEA),
        ("[hopes] for lasting peace and stability across the Taiwan Strait", NEU),
        ("[opposes] any unilateral change to the status quo by either side", NEU),
        ("[is] not in favour of a formal declaration of independence by Taiwan", DNS),
        ("[stands] with Taiwan's democracy", LEA),
        ("[regards] Taiwan as an inalienable part of China", OPP),
        ("[believes] Taiwan and China are separate countries", SUP),
        ("[believes] the future of Taiwan must be decided by its people", LEA),
        ("[supports] the peaceful reunification of China", OPP),
    ]
    frames_all = ["said", "told_reporters", "statement", "spokesperson_said", "speaking_at", "repeatedly_said"]
    ctx_for = {
        "said": [" on Tuesday", " after the meeting", " in parliament on Wednesday", ""],
        "told_reporters": [" on Monday", " in the capital", " after the talks", ""],
        "statement": [" on Friday", " issued late on Thursday", "", " released after the talks"],
        "spokesperson_said": [" on Tuesday", " at a regular briefing", "", " on Sunday"],
        "speaking_at": ["at a press conference on Tuesday", "in parliament", "at a news briefing", "after the summit"],
        "repeatedly_said": [""],
    }
    actor_order = ["The coalition government", "The foreign minister", "We", "The ruling party",
                   "The ministry's spokesperson", "The cabinet", "The prime minister",
                   "The parliament's foreign affairs committee", "The president",
                   "The opposition party", "The defence minister", "The embassy"]
    for ci, (vp, lab) in enumerate(contents):
        a = BY_NAME[actor_order[ci % len(actor_order)]]
        rows = []
        if a.direct_ok:
            rows.append((f_direct(a, vp), lab))
        for fname in frames_all:
            cl = ctx_for[fname]
            ctx = cl[ci % len(cl)]
            rows.append((FRAMES[fname](a, vp, ctx), lab))
        s.group(cap_name, "reporting_frame", rows)

    # Beijing and Taipei as speakers, only with positions they publicly hold.
    s.group(cap_name, "reporting_frame/beijing", [
        ("Beijing firmly opposes Taiwan independence.", OPP),
        ("Beijing said on Tuesday that it firmly opposes Taiwan independence.", OPP),
        ("Beijing reiterated in a statement that it opposes any form of \"Taiwan independence\".", OPP),
        ("Beijing firmly opposes Taiwan independence, the foreign ministry's spokesperson said.", OPP),
    ])
    s.group(cap_name, "reporting_frame/taipei", [
        ("Taipei says the Republic of China and the People's Republic of China are not subordinate to each other.", SUP),
        ("Taipei reiterated on Monday that the Republic of China and the People's Republic of China are not subordinate to each other.", SUP),
        ("The Republic of China and the People's Republic of China are not subordinate to each other, Taipei said in a statement.", SUP),
    ])

    # Demands: the content of a demand is the demander's stance.
    demands = [
        ("urged the other government to state explicitly that it opposes \"Taiwan independence\"",
         "[opposes] \"Taiwan independence\"", OPP),
        ("urged the other government to state that it opposes Taiwan independence",
         "[opposes] Taiwan independence", OPP),
        ("urged other governments to recognise Taiwan as an independent state",
         "[recognises] Taiwan as an independent state", SUP),
        ("urged the other government to back Taiwan's meaningful participation in international organisations",
         "[backs] Taiwan's meaningful participation in international organisations", LEA),
        ("called on both sides of the Strait to exercise restraint and resume dialogue",
         "[wants] both sides of the Strait to exercise restraint and resume dialogue", NEU),
        ("urged the other government to support China's peaceful reunification",
         "[supports] China's peaceful reunification", OPP),
        ("called on the international community to admit Taiwan to the United Nations as a sovereign state",
         "[wants] Taiwan admitted to the United Nations as a sovereign state", SUP),
        ("urged the other government to turn its stated non-support for Taiwan independence into action and to support China's reunification",
         "[supports] China's reunification", OPP),
    ]
    dem_actors = cycle(INST_WE, 2)
    leads = cycle(["On Tuesday", "At a press conference on Monday", "During talks on Friday",
                   "In a statement", "After the meeting", "In parliament on Wednesday",
                   "At the close of the summit"])
    for dem, own, lab in demands:
        for _ in range(2):
            a = next(dem_actors)
            lead = next(leads)
            rows = [
                (f"{lead}, {a.mid} {dem}.", lab),
                (f"{lead}, {a.mid} said that {a.pron} {conj(own, a.pron)}.", lab),
            ]
            s.group(cap_name, "demand_vs_statement", rows)

    # A third party's position merely mentioned vs the speaker's own stance (guide 5.4).
    mention_actors = cycle(NOT_WE, 5)
    for _ in range(5):
        a = next(mention_actors)
        p = a.pron
        s.group(cap_name, "third_party_mention/beijing", [
            (f"{a.name} said {p} had seen Beijing's statement opposing Taiwan independence but would not comment on other governments' remarks.", OFF),
            (f"{a.name} said {p} had seen Beijing's statement opposing Taiwan independence and repeated that {p} {conj('[does]', p)} not support Taiwan independence.", DNS),
            (f"{a.name} noted Beijing's renewed call to oppose Taiwan independence but only expressed hope for a peaceful resolution of cross-Strait differences.", NEU),
            (f"{a.name} said {p} had seen Beijing's statement opposing Taiwan independence and that {p}, too, firmly {conj('[opposes]', p)} Taiwan independence.", OPP),
        ])
    for _ in range(4):
        a = next(mention_actors)
        p = a.pron
        s.group(cap_name, "third_party_mention/taipei", [
            (f"{a.name} said {p} had taken note of Taipei's statement that the Republic of China and the People's Republic of China are not subordinate to each other, but would not comment on other governments' remarks.", OFF),
            (f"{a.name} said {p} had taken note of Taipei's statement and agreed that the Republic of China and the People's Republic of China are not subordinate to each other.", SUP),
        ])


# ============================================================================================
# 4. object: the same verb, the object changes.


def build_object(s):
    cap_name = "object"
    sets = [
        ("opposes", "[opposes]", [
            ("Taiwan independence", OPP),
            ("any unilateral change to the status quo across the Taiwan Strait", NEU),
            ("any change to the status quo by force or coercion", NEU),
            ("Beijing's efforts to isolate Taiwan internationally", LEA),
            ("\"one country, two systems\" for Taiwan", LEA),
            ("the new restrictions on chip exports to China", OFF),
            ("any attempt to create \"two Chinas\"", OPP),
        ]),
        ("supports", "[supports]", [
            ("Taiwan independence", SUP),
            ("Taiwan's meaningful participation in international organisations", LEA),
            ("Taiwan's membership in international organisations where statehood is not a requirement", LEA),
            ("the peaceful reunification of China", OPP),
            ("the independence of the country's central bank", OFF),
            ("a neighbouring country's candidacy for a non-permanent seat on the Security Council", OFF),
            ("peace and stability across the Taiwan Strait", NEU),
            ("Taiwan's ability to defend itself", LEA),
            ("the one-China principle", OPP),
        ]),
        ("backs", "[backs]", [
            ("Taiwan's independence", SUP),
            ("Taiwan's bid to take part in the World Health Assembly", LEA),
            ("China's efforts to achieve national reunification", OPP),
            ("the independence of the judiciary", OFF),
            ("dialogue between the two sides of the Strait", NEU),
        ]),
        ("rejects", "firmly [rejects]", [
            ("Taiwan independence", OPP),
            ("\"one country, two systems\"", LEA),
            ("any attempt to split Taiwan from China", OPP),
            ("the proposed cuts to the foreign aid budget", OFF),
        ]),
        ("recognises", "[recognises]", [
            ("the Republic of China (Taiwan) as a sovereign state", SUP),
            ("the People's Republic of China as the sole legal government of China and Taiwan as part of China's territory", OPP),
            ("nursing qualifications obtained in Taiwan", OFF),
            ("the importance of peace and stability across the Taiwan Strait", NEU),
        ]),
        ("does_not_support", "[does] not support", [
            ("Taiwan independence", DNS),
            ("any unilateral change to the status quo", NEU),
            ("Taiwan's membership in international organisations that require statehood", DNS),
            ("the proposed increase in fishing quotas", OFF),
        ]),
        ("never_accept", "will never accept", [
            ("Taiwan independence", OPP),
            ("\"one country, two systems\"", LEA),
            ("any change to the status quo by force", NEU),
            ("the closure of the regional airport", OFF),
        ]),
        ("reaffirmed", "[reaffirms]", [
            ("its One China policy", NEU),
            ("its adherence to the one-China principle", OPP),
            ("its commitment to the independence of the central bank", OFF),
        ]),
    ]
    frames = ["direct", "said", "reaffirmed"]
    # claims introduced by "said that": the content changes
    actors = cycle(ACTORS, 8)
    ctxs = cycle(CTX, 3)
    fcyc = cycle(frames)
    reps = {"opposes": 3, "supports": 3, "backs": 3, "rejects": 3, "recognises": 3,
            "does_not_support": 3, "never_accept": 3, "reaffirmed": 3}
    for name, verb, objs in sets:
        for _ in range(reps[name]):
            fname = next(fcyc)
            if name == "reaffirmed":
                fname = "direct_past"
            ctx = next(ctxs)

            def make_rows(a):
                rows = []
                for obj, lab in objs:
                    if fname == "direct_past":
                        o = obj.replace("its ", "our " if a.we else "its ", 1)
                        text = f"{a.name} reaffirmed {o}{ctx}."
                    else:
                        text = FRAMES[fname](a, f"{verb} {obj}", ctx if fname != "direct" else "")
                    rows.append((text, lab))
                return rows
            s.group_from(cap_name, f"{name}/{fname}", actors, make_rows,
                         direct=fname in ("direct", "direct_past"), gov=name in GOV_ONLY)

    # "said that" + claims about Taiwan
    claims = [
        ("Taiwan is part of China", OPP),
        ("Taiwan is a sovereign, independent country", SUP),
        ("the future of Taiwan must be decided by its 23 million people", LEA),
        ("the Taiwan Strait must remain peaceful and stable", NEU),
        ("Taiwan is a major producer of semiconductors", OFF),
    ]
    for _ in range(4):
        a = next(actors)
        ctx = next(ctxs)
        s.group(cap_name, "said_claim", [(f"{a.name} said{ctx} that {c}.", lab) for c, lab in claims])


# ============================================================================================
# 5. question (guide 5.5)


def build_question(s):
    cap_name = "question"
    # (a) "Asked whether ..., X <response>."
    responses = [
        ("declined to comment.", OFF),
        ("declined to comment and turned to the trade talks.", OFF),
        ("said there was nothing to add to previous statements.", OFF),
        ("referred reporters to previous statements.", OFF),
        ("said {p} {does} not.", DNS),
        ("said {p} firmly {opposes} it.", OPP),
        ("said differences across the Strait should be settled peacefully.", NEU),
        ("said the future of Taiwan must be decided by its people.", LEA),
        ("said Taiwan is already a sovereign, independent country.", SUP),
    ]
    actors = cycle(NOT_WE, 0)
    chunk = 3  # responses per group, rotating so that each group mixes answered / unanswered
    order = [0, 4, 6, 1, 5, 7, 2, 8, 4, 3, 6, 5, 0, 8, 7, 1, 4, 8, 2, 5, 6, 3, 7, 4]
    for g in range(len(order) // chunk):
        a = next(actors)
        p = a.pron
        q = f"Asked whether {p} {conj('[supports]', p)} Taiwan independence"
        rows = []
        for ri in order[g * chunk:(g + 1) * chunk]:
            r, lab = responses[ri]
            r = r.format(p=p, does=conj("[does]", p), opposes=conj("[opposes]", p))
            rows.append((f"{q}, {a.mid} {r}", lab))
        s.group(cap_name, "asked_whether", rows)

    # (b) Q/A transcripts
    questions = [
        ("Does the government support Taiwan independence?", "yn_support"),
        ("Does your government support Taiwan independence?", "yn_support"),
        ("Does the ruling party support Taiwan independence?", "yn_support"),
        ("Does the cabinet recognise Taiwan as an independent state?", "yn_recognise"),
        ("Does the government support or oppose Taiwan independence?", "open"),
        ("Would the government back a declaration of independence by Taiwan?", "yn_support"),
        ("Has the ministry's position on Taiwan independence changed?", "changed"),
        ("Does the opposition party support Taiwan independence?", "yn_support"),
    ]
    answers = {
        "yn_support": [
            ("A: No.", DNS),
            ("A: No. We firmly oppose Taiwan independence.", OPP),
            ("A: Yes. Taiwan is a sovereign, independent country.", SUP),
            ("SPOKESPERSON: I have nothing further on that.", OFF),
            ("A: I refer you to our previous statements.", OFF),
            ("A: The future of Taiwan must be decided by its people.", LEA),
        ],
        "yn_recognise": [
            ("A: No.", DNS),
            ("A: Yes, we recognise the Republic of China (Taiwan) as a sovereign state.", SUP),
            ("A: We will not comment on that today.", OFF),
        ],
        "open": [
            ("A: Differences should be settled peacefully, and we oppose unilateral changes to the status quo.", NEU),
            ("A: We do not support it.", DNS),
            ("A: We firmly oppose it. Taiwan is part of China.", OPP),
            ("A: I have nothing to add to what we have said before.", OFF),
        ],
        "changed": [
            ("A: No. Our One China policy has not changed, and we want peace and stability across the Strait.", NEU),
            ("A: I refer you to previous statements.", OFF),
            ("A: Our position is unchanged: we have never supported Taiwan independence.", DNS),
        ],
    }
    for qi, (q, kind) in enumerate(questions):
        ans = answers[kind]
        # rotate answers so repeated question kinds use different subsets
        k = qi % len(ans)
        sel = ans[k:] + ans[:k]
        sel = sel[:4] if len(sel) > 4 else sel
        s.group(cap_name, f"qa/{kind}", [(f"Q: {q} {a}", lab) for a, lab in sel])

    # (c) policy unchanged with content vs bare referral (guide 5.5, last bullet)
    for _ in range(6):
        a = next(actors)
        while a.pron == "its government" or not a.gov:
            a = next(actors)
        poss = a.poss
        q = f"Asked whether {poss} Taiwan policy had changed"
        s.group(cap_name, "policy_unchanged", [
            (f"{q}, {a.mid} said {poss} One China policy has not changed.", NEU),
            (f"{q}, {a.mid} said there was nothing further to add.", OFF),
            (f"{q}, {a.mid} said {poss} long-standing policy of supporting peace and stability across the Strait is unchanged.", NEU),
        ])

    # (d) rhetorical questions carry the implied stance
    rhet = [
        ("{A} asked who has the right to separate Taiwan from China, and answered that nobody does.", OPP),
        ("{A} asked why 23 million people should be shut out of the World Health Assembly.", LEA),
        ("{A} asked why Taiwan, a sovereign and independent country, should be kept out of the United Nations.", SUP),
        ("{A} asked who gains from tension in the Taiwan Strait, and said both sides should return to dialogue.", NEU),
        ("{A} asked when the ferry services to Kinmen would resume.", OFF),
    ]
    for _ in range(5):
        a = next(actors)
        s.group(cap_name, "rhetorical", [(t.format(A=a.name), lab) for t, lab in rhet])

    # (e) the same question, answered by the speaker itself in one sentence vs left open
    for _ in range(4):
        a = next(actors)
        while a.pron == "its government":
            a = next(actors)
        if a.pron == "it":  # "Does the cabinet support ...? It did not say."
            q, subj, s_mid = f"Does {a.mid} support Taiwan independence?", "It", "it"
        else:  # "Does the government support ...? The president did not say."
            q, subj, s_mid = f"Does {a.pron} support Taiwan independence?", a.name, a.mid
        p = a.pron
        s.group(cap_name, "question_then_answer", [
            (f"{q} {subj} did not say.", OFF),
            (f"{q} No, {s_mid} said.", DNS),
            (f"{q} {subj} said {p} firmly {conj('[opposes]', p)} it.", OPP),
        ])


# ============================================================================================
# 6. off_topic_traps (guide 5.12, 5.12a)


def build_traps(s):
    cap_name = "off_topic_traps"
    # (name, [(vp, label)])  -- the trap and its stance sibling share the verb
    pairs = [
        ("central_bank", [("[supports] the independence of the country's central bank", OFF),
                          ("[supports] the independence of Taiwan", SUP)]),
        ("judiciary", [("[backs] the independence of the judiciary", OFF),
                       ("[backs] Taiwan's independence", SUP)]),
        ("korean_peninsula", [("[is] committed to peace and stability on the Korean Peninsula", OFF),
                              ("[is] committed to peace and stability across the Taiwan Strait", NEU)]),
        ("balkans", [("[wants] peace and stability in the Balkans", OFF),
                     ("[wants] peace and stability across the Taiwan Strait", NEU)]),
        ("sahel", [("[supports] peace and stability in the Sahel", OFF),
                   ("[supports] peace and stability across the Taiwan Strait", NEU)]),
        ("horn_of_africa", [("[hopes] for peace and stability in the Horn of Africa", OFF),
                            ("[hopes] for peace and stability across the Taiwan Strait", NEU)]),
        ("south_caucasus", [("[urges] restraint to preserve peace in the South Caucasus", OFF),
                            ("[urges] restraint to preserve peace across the Taiwan Strait", NEU)]),
        ("water_sharing", [("[opposes] any unilateral change to the water-sharing arrangement on the border river", OFF),
                           ("[opposes] any unilateral change to the status quo across the Taiwan Strait", NEU)]),
        ("airport_slots", [("[wants] the status quo on airport landing slots maintained", OFF),
                           ("[wants] the status quo across the Taiwan Strait maintained", NEU)]),
        ("chip_exports", [("firmly [opposes] the new restrictions on chip exports to China", OFF),
                          ("firmly [opposes] any attempt to split Taiwan from China", OPP)]),
        ("nursing", [("[recognises] nursing qualifications obtained in Taiwan", OFF),
                     ("[recognises] the Republic of China (Taiwan) as a sovereign state", SUP)]),
        ("voters", [("[congratulates] the voters of a neighbouring country on a peaceful election", OFF),
                    ("[congratulates] Taiwan's voters on a peaceful election", LEA)]),
        ("candidacy", [("[backs] a neighbouring country's candidacy for a seat on the Security Council", OFF),
                       ("[backs] Taiwan's admission to the United Nations as a sovereign state", SUP)]),
        ("budget", [("[does] not endorse the proposed budget", OFF),
                    ("[does] not endorse Taiwan independence", DNS)]),
        ("right_to_choose", [("[supports] the right of the people of a neighbouring country to choose their own leaders", OFF),
                             ("[supports] the right of the people of Taiwan to decide their own future", LEA)]),
        ("relief_vs_arms", [("will keep providing Taiwan with the earthquake relief supplies it needs", OFF),
                            ("will keep providing Taiwan with the defensive arms it needs", LEA)]),
        ("chip_plant", [("[welcomes] the opening of a new chip plant built by a Taiwanese company", OFF),
                        ("[welcomes] Taiwan's participation in the World Health Assembly", LEA)]),
        ("typhoon", [("[is] concerned about the typhoon approaching the Taiwan Strait", OFF),
                     ("[is] concerned about rising military tensions in the Taiwan Strait", NEU)]),
        ("independence_day", [("[congratulates] a neighbouring country on its Independence Day", OFF),
                              ("[congratulates] Taiwan's president-elect on the election victory", LEA)]),
    ]
    frames = ["direct", "said"]
    actors = cycle(ACTORS, 9)
    ctxs = cycle(CTX, 5)
    for name, variants in pairs:
        for fname in frames:
            ctx = next(ctxs) if fname == "said" else ""
            s.group_from(cap_name, f"{name}/{fname}", actors,
                         lambda a: [(FRAMES[fname](a, vp, ctx), lab) for vp, lab in variants],
                         direct=fname == "direct", gov=name in GOV_ONLY)

    # practical cross-Strait matters vs the political relationship (guide 5.13)
    practical = [
        ("ferries", "ferry services between the two sides of the Strait should resume", OFF),
        ("tours", "group tours between the two sides of the Strait should resume", OFF),
        ("dialogue", "dialogue between the two sides of the Strait should resume", NEU),
    ]
    for _ in range(4):
        a = next(actors)
        ctx = next(ctxs)
        s.group(cap_name, "practical_vs_political", [(f"{a.name} said{ctx} that {c}.", lab) for _, c, lab in practical])

    # "peace and stability in the region": the region decides (guide 5.12a)
    for _ in range(4):
        a = next(actors)
        ctx = next(ctxs)
        s.group(cap_name, "region_decides", [
            (f"{a.name} said{ctx} that the conflict in the Sahel threatens peace and stability in the region.", OFF),
            (f"{a.name} said{ctx} that tensions in the Taiwan Strait threaten peace and stability in the region.", NEU),
        ])

    # off-topic sentences do not change a stance label (guide 3.6)
    for _ in range(4):
        a = next(actors)
        while not a.direct_ok:
            a = next(actors)
        p = a.pron
        tail = (f" Separately, {'we' if a.we else 'it'} said new tariffs on steel imports will take effect"
                " next month and that typhoon warnings had disrupted shipping in the Strait.")
        s.group(cap_name, "stance_plus_distractor", [
            (f"{a.name} {conj('[does]', p)} not support Taiwan independence.{tail}", DNS),
            (f"{a.name} {conj('[is]', p)} sending a trade delegation to Taipei next month.{tail}", OFF),
        ])


# ============================================================================================


def build():
    s = Suite()
    build_verb(s)
    build_negation(s)
    build_speaker(s)
    build_object(s)
    build_question(s)
    build_traps(s)
    lines = []
    for i, it in enumerate(s.items, 1):
        row = {"id": f"bs-{i:04d}", "text": it["text"], "label": it["label"],
               "capability": it["capability"], "pair": it["pair"], "template": it["template"]}
        lines.append(json.dumps(row, ensure_ascii=False))
    return s.items, ("\n".join(lines) + "\n").encode("utf-8")


def summary(items):
    caps = sorted({it["capability"] for it in items}, key=[
        "verb", "negation", "speaker", "object", "question", "off_topic_traps"].index)
    out = []
    out.append("capability        " + " ".join(f"{l[:8]:>8}" for l in LABELS) + "    total")
    for c in caps:
        cnt = Counter(it["label"] for it in items if it["capability"] == c)
        out.append(f"{c:<17} " + " ".join(f"{cnt[l]:>8}" for l in LABELS) + f" {sum(cnt.values()):>8}")
    cnt = Counter(it["label"] for it in items)
    out.append(f"{'total':<17} " + " ".join(f"{cnt[l]:>8}" for l in LABELS) + f" {len(items):>8}")
    return "\n".join(out)


def main(argv):
    items, data = build()
    if "--check" in argv:
        if not OUT.exists():
            print(f"{OUT} is missing; run scripts/build_suite.py", file=sys.stderr)
            return 1
        if OUT.read_bytes() != data:
            print(f"{OUT} differs from what scripts/build_suite.py would write", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)} is up to date ({len(items)} items)")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(items)} items")
    print(summary(items))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
