#!/usr/bin/env python3
"""Build the strait-stance labelled corpus (datasets/stance/*.jsonl) and the bundled sample.

Deterministic: everything is drawn from a single seeded ``random.Random(SEED)``; rerunning the
script reproduces the committed files byte for byte.  Standard library only.

    python3 scripts/build_corpus.py            # build corpus + sample, run checks, print tables
    python3 scripts/build_corpus.py --check    # only validate the committed files and print tables

The labels, decision rules and hard-case rulings are documented in datasets/GUIDE.md; the
datasheet is datasets/README.md (its statistics block is rewritten by this script).

How it works
------------
* Every label has a pool of *core expressions* (>= 40 each): clause templates with a subject
  slot ``{S}``, possessive ``{its}``, back-reference pronoun ``{it}``, verbs in brackets that are
  conjugated for the subject (``[oppose]`` -> "opposes" / "oppose"), and alternations ``<a|b>``.
  Each expression is restricted to the actor blocs that would plausibly say it.
* About a third of each pool is *held out*: those expressions only ever appear in dev/test rows
  (``phrasing = "held_out"``), so the test set measures paraphrase generalisation.
* A *group* is one underlying statement (actor + expression(s) + optional distractor); it is
  rendered 1-3 times in different register frames (news lead, briefing Q&A, communique,
  parliamentary motion, social post, interview, speech, joint statement).  Splits are by group.
* Mixed clauses combine two expressions of different labels; the gold label follows the guide's
  precedence rule (the most explicit position on independence itself wins).
* ``public_record`` rows are hand-written paraphrases of real, dated positions (never quotes).
* Generic off-topic rows (groups ``g-gen-*``, tag ``generic``: no Taiwan/China content at all) and
  short Taiwan-mention transcript lines (groups ``g-otm-*``) are generated afterwards with their own
  RNG (``GENERIC_SEED``) and appended to each split, so the original rows (st-000001..st-004307)
  stay byte-identical and in place; new ids continue the sequence.  ``--check`` also verifies that
  no corpus sentence reuses the long-document filler of scripts/build_longdocs.py.
"""
import argparse
import collections
import json
import os
import random
import re
import sys
import unicodedata

SEED = 20250213
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STANCE_DIR = os.path.join(ROOT, "datasets", "stance")
README = os.path.join(ROOT, "datasets", "README.md")

from stance_labels import LABELS
REGISTERS = ["communique", "briefing", "parliament", "news_lead", "social_post", "interview",
             "joint_statement", "speech"]
TAGS = ["negation", "reported_speech", "mixed_clause", "question", "hypothetical", "historical",
        "recognition", "reunification", "status_quo", "distractor", "sarcasm", "generic"]
FIELDS = ["id", "text", "label", "actor", "date", "origin", "source", "group", "register", "tags"]

# Rough size of the corpus: number of groups generated per label (public-record groups come on top).
GROUPS_PER_LABEL = 352
EXTRA_GROUPS = {"off_topic": 40, "does_not_support": 12, "supports": 8}
HELD_OUT_GROUP_RATE = 0.15   # share of a label's synthetic groups built on held-out expressions
HELD_OUT_EXPR_SHARE = 1 / 3  # share of each label's expressions reserved for dev/test

# --------------------------------------------------------------------------------------------
# Actors
# --------------------------------------------------------------------------------------------
# Blocs (letters):  P = PRC party-state organs, A = governments aligned with Beijing on Taiwan,
# X = governments that switched recognition from Taipei to Beijing, K = Kuomintang,
# M = Taiwan People's Party, D = pro-independence-leaning Taiwan parties, T = Taiwan government,
# L = Taiwan's diplomatic allies, W = Western/like-minded executives, S = U.S. executive (also W),
# N = hedging governments and groupings, U = international organisations,
# G = legislatures and legislators outside the PRC.
BLOC_WEIGHTS = {
    "P": {"opposes": 8, "neutral": 1, "off_topic": 3},
    "A": {"opposes": 6, "neutral": 2, "off_topic": 3},
    "X": {"opposes": 5, "neutral": 1, "off_topic": 2},
    "K": {"opposes": 4, "does_not_support": 3, "neutral": 3, "leans_supports": 1, "off_topic": 2},
    "M": {"neutral": 4, "does_not_support": 3, "leans_supports": 3, "off_topic": 2},
    "D": {"leans_supports": 4, "supports": 3, "neutral": 2, "off_topic": 1},
    "T": {"neutral": 3, "leans_supports": 4, "supports": 3, "off_topic": 2},
    "L": {"supports": 6, "leans_supports": 3, "neutral": 2, "off_topic": 2},
    "W": {"does_not_support": 4, "neutral": 5, "leans_supports": 3, "off_topic": 3},
    "N": {"neutral": 5, "does_not_support": 2, "off_topic": 3},
    "U": {"neutral": 4, "off_topic": 3},
    "G": {"leans_supports": 5, "supports": 3, "neutral": 2, "does_not_support": 1, "off_topic": 2},
}

# kind: exec | leader | leg | party | intl | embassy | multi
ALL_REGS = {
    "exec": ["news_lead", "briefing", "social_post", "interview", "speech", "parliament", "communique"],
    "leader": ["news_lead", "speech", "interview", "social_post", "joint_statement"],
    "leg": ["parliament", "news_lead", "social_post", "speech", "interview"],
    "party": ["news_lead", "social_post", "speech", "interview", "briefing"],
    "intl": ["news_lead", "briefing", "communique", "speech"],
    "embassy": ["social_post", "news_lead", "interview"],
    "multi": ["communique", "news_lead", "joint_statement"],
}


NO_PARLIAMENT = {"American Institute in Taiwan", "U.S. National Security Council", "The White House"}
NO_TARGET = {"PLA Eastern Theater Command", "PRC Ministry of National Defense"}
# Expressions that make no sense for some actors (keyword in the template -> excluded actors).
EXPR_EXCLUDE = {"beaches": {"Holy See", "Government of Paraguay", "Government of Eswatini"}}


class Actor:
    def __init__(self, name, bloc, kind, inst, pers, selfs, weights=None, side=None, partners=None):
        self.name = name
        self.bloc = bloc
        self.kind = kind
        self.inst = inst            # institutional intros ("China's Foreign Ministry")
        self.pers = pers or inst    # person intros ("A Chinese Foreign Ministry spokesperson")
        self.selfs = []             # (noun phrase, person)
        for s in selfs:
            np_, _, person = s.partition("|")
            self.selfs.append((np_, person or "3sg"))
        w = dict(BLOC_WEIGHTS[bloc[0]])
        if weights:
            w.update(weights)
        self.weights = {k: v for k, v in w.items() if v > 0}
        self.side = side
        self.partners = partners
        regs = list(ALL_REGS[kind])
        if (bloc[0] == "P" and kind == "exec") or name in NO_PARLIAMENT:
            regs.remove("parliament")
        if side and "joint_statement" not in regs:
            regs.append("joint_statement")
        self.regs = regs


def _actors():
    A = Actor
    out = [
        # ---- PRC ------------------------------------------------------------------------
        A("PRC Ministry of Foreign Affairs", "P", "exec",
          ["China's Foreign Ministry", "China's Ministry of Foreign Affairs", "The Chinese Foreign Ministry"],
          ["A Chinese Foreign Ministry spokesperson", "China's foreign ministry spokesperson",
           "The spokesperson for China's Foreign Ministry"],
          ["China", "Beijing", "the Chinese government"]),
        A("PRC Taiwan Affairs Office", "P", "exec",
          ["Beijing's Taiwan Affairs Office", "The Taiwan Affairs Office of China's State Council"],
          ["A spokesperson for Beijing's Taiwan Affairs Office", "The Taiwan Affairs Office spokesperson"],
          ["the mainland", "Beijing"]),
        A("PRC Ministry of National Defense", "P", "exec",
          ["China's Defence Ministry", "China's Ministry of National Defense"],
          ["A Chinese Defence Ministry spokesperson", "China's defence ministry spokesman"],
          ["China", "Beijing"], weights={"neutral": 0}),
        A("PLA Eastern Theater Command", "P", "exec",
          ["The PLA's Eastern Theater Command", "China's Eastern Theater Command"],
          ["A spokesperson for the PLA Eastern Theater Command"],
          ["China", "the People's Liberation Army"], weights={"neutral": 0, "off_topic": 1}),
        A("PRC President", "P", "leader", ["China's president", "The Chinese president"],
          ["China's president", "The Chinese leader"], ["China", "Beijing"],
          side="the Chinese side", partners=["Russia", "Pakistan", "Serbia", "Cambodia"]),
        A("PRC Foreign Minister", "P", "leader", ["China's foreign minister"],
          ["China's foreign minister", "The Chinese foreign minister"], ["China", "Beijing"],
          side="the Chinese side", partners=["Russia", "Laos", "Iran"]),
        A("PRC Premier", "P", "leader", ["China's premier"], ["China's premier", "The Chinese premier"],
          ["China", "Beijing"]),
        A("National People's Congress (PRC)", "P", "leg",
          ["China's National People's Congress", "The Standing Committee of China's National People's Congress"],
          ["A spokesperson for China's National People's Congress"], ["China", "the country"]),
        A("PRC Embassy in the United States", "P", "embassy",
          ["The Chinese Embassy in Washington", "China's embassy in the United States"],
          ["A spokesperson for the Chinese Embassy in Washington"], ["China", "Beijing"]),
        A("PRC Embassy in the Philippines", "P", "embassy",
          ["The Chinese Embassy in Manila", "China's embassy in the Philippines"],
          ["A spokesperson for the Chinese Embassy in Manila"], ["China", "Beijing"]),
        A("PRC Embassy in Australia", "P", "embassy",
          ["The Chinese Embassy in Canberra", "China's embassy in Australia"],
          ["A spokesperson for the Chinese Embassy in Canberra"], ["China", "Beijing"]),
        A("PRC State Council Information Office", "P", "exec",
          ["China's State Council Information Office"], ["A State Council Information Office official"],
          ["China", "the Chinese government"], weights={"neutral": 0}),
        # ---- Beijing-aligned governments ------------------------------------------------
        A("Russian Ministry of Foreign Affairs", "A", "exec",
          ["Russia's Foreign Ministry", "The Russian Foreign Ministry"],
          ["A Russian Foreign Ministry spokeswoman", "Russia's foreign minister"],
          ["Russia", "Moscow"], side="the Russian side", partners=["China"]),
        A("Kremlin (Russian Presidency)", "A", "leader", ["The Kremlin"],
          ["Russia's president", "A Kremlin spokesman"], ["Russia", "Moscow"],
          side="the Russian side", partners=["China"]),
        A("Pakistan Ministry of Foreign Affairs", "A", "exec",
          ["Pakistan's Foreign Office", "Pakistan's Ministry of Foreign Affairs"],
          ["A spokesperson for Pakistan's Foreign Office"], ["Pakistan", "Islamabad"],
          side="the Pakistani side", partners=["China"]),
        A("Government of Cambodia", "A", "exec",
          ["Cambodia's Foreign Ministry", "The Cambodian government"],
          ["Cambodia's foreign minister", "A Cambodian government spokesman"], ["Cambodia", "Phnom Penh"],
          side="the Cambodian side", partners=["China"]),
        A("Government of Serbia", "A", "exec", ["The Serbian government", "Serbia's Foreign Ministry"],
          ["Serbia's foreign minister", "Serbia's president"], ["Serbia", "Belgrade"],
          side="the Serbian side", partners=["China"]),
        A("Government of Iran", "A", "exec", ["Iran's Foreign Ministry", "The Iranian Foreign Ministry"],
          ["A spokesman for Iran's Foreign Ministry"], ["Iran", "Tehran"],
          side="the Iranian side", partners=["China"]),
        A("Government of Belarus", "A", "exec", ["Belarus's Foreign Ministry"],
          ["A Belarusian Foreign Ministry spokesman"], ["Belarus", "Minsk"],
          side="the Belarusian side", partners=["China"]),
        A("Government of Laos", "A", "exec", ["The Lao government", "Laos's Foreign Ministry"],
          ["A Lao Foreign Ministry official"], ["Laos", "Vientiane"], side="the Lao side",
          partners=["China"]),
        A("Government of Venezuela", "A", "exec", ["Venezuela's Foreign Ministry"],
          ["Venezuela's foreign minister"], ["Venezuela", "Caracas"], side="the Venezuelan side",
          partners=["China"]),
        A("Government of Cuba", "A", "exec", ["Cuba's Foreign Ministry"], ["Cuba's foreign minister"],
          ["Cuba", "Havana"], side="the Cuban side", partners=["China"]),
        # ---- recognition switchers ------------------------------------------------------
        A("Government of Nicaragua", "XA", "exec", ["Nicaragua's government", "The Nicaraguan Foreign Ministry"],
          ["Nicaragua's foreign minister"], ["Nicaragua", "Managua"], side="the Nicaraguan side",
          partners=["China"]),
        A("Government of Honduras", "XA", "exec", ["The Honduran government", "Honduras's Foreign Ministry"],
          ["Honduras's foreign minister"], ["Honduras", "Tegucigalpa"], side="the Honduran side",
          partners=["China"]),
        A("Government of Nauru", "XA", "exec", ["Nauru's government", "The Nauruan government"],
          ["Nauru's president", "A Nauruan government spokesperson"], ["Nauru"], side="the Nauruan side",
          partners=["China"]),
        A("Government of Solomon Islands", "XA", "exec", ["The Solomon Islands government"],
          ["The Solomon Islands prime minister"], ["Solomon Islands", "Honiara"],
          side="the Solomon Islands side", partners=["China"]),
        A("Government of Kiribati", "XA", "exec", ["Kiribati's government"], ["Kiribati's president"],
          ["Kiribati", "Tarawa"], side="the Kiribati side", partners=["China"]),
        A("Government of Panama", "XA", "exec", ["Panama's Foreign Ministry"], ["Panama's foreign minister"],
          ["Panama", "Panama City"], side="the Panamanian side", partners=["China"]),
        A("Government of El Salvador", "XA", "exec", ["El Salvador's Foreign Ministry"],
          ["El Salvador's foreign minister"], ["El Salvador", "San Salvador"], side="the Salvadoran side",
          partners=["China"]),
        # ---- Taiwan ---------------------------------------------------------------------
        A("Kuomintang (KMT)", "K", "party",
          ["The Kuomintang", "Taiwan's main opposition Kuomintang", "The KMT"],
          ["A KMT spokesperson", "The KMT chairman", "A senior Kuomintang official"],
          ["the KMT", "the party"]),
        A("Taiwan People's Party (TPP)", "M", "party",
          ["The Taiwan People's Party", "Taiwan's People's Party"],
          ["A Taiwan People's Party spokesperson", "The TPP chairman"], ["the TPP", "the party"]),
        A("Democratic Progressive Party (DPP)", "D", "party",
          ["The Democratic Progressive Party", "Taiwan's Democratic Progressive Party", "The DPP"],
          ["A DPP spokesperson", "A senior Democratic Progressive Party official"], ["the DPP", "the party"]),
        A("New Power Party (Taiwan)", "D", "party", ["Taiwan's New Power Party"],
          ["A New Power Party legislator"], ["the party", "the New Power Party"],
          weights={"neutral": 0}),
        A("Taiwan Statebuilding Party", "D", "party", ["The Taiwan Statebuilding Party"],
          ["A Taiwan Statebuilding Party spokesperson"], ["the party"], weights={"neutral": 0}),
        A("Office of the President (Taiwan)", "T", "leader",
          ["Taiwan's Presidential Office", "The Presidential Office in Taipei"],
          ["Taiwan's president", "A spokesperson for Taiwan's Presidential Office"],
          ["the government", "the administration"]),
        A("Taiwan Ministry of Foreign Affairs", "T", "exec",
          ["Taiwan's Foreign Ministry", "Taiwan's Ministry of Foreign Affairs"],
          ["A Taiwanese Foreign Ministry spokesperson", "Taiwan's foreign minister"],
          ["the ministry", "the government"]),
        A("Mainland Affairs Council (Taiwan)", "T", "exec",
          ["Taiwan's Mainland Affairs Council", "The Mainland Affairs Council in Taipei"],
          ["A Mainland Affairs Council spokesperson", "The head of Taiwan's Mainland Affairs Council"],
          ["the council", "the government"]),
        A("Taiwan Ministry of National Defense", "T", "exec",
          ["Taiwan's Defence Ministry", "Taiwan's Ministry of National Defense"],
          ["Taiwan's defence minister", "A Taiwanese Defence Ministry spokesperson"],
          ["the ministry", "the government"], weights={"supports": 1}),
        A("Executive Yuan (Taiwan)", "T", "exec", ["Taiwan's Executive Yuan", "Taiwan's cabinet"],
          ["Taiwan's premier", "A cabinet spokesperson in Taipei"], ["the government", "the cabinet"]),
        A("Legislative Yuan (Taiwan)", "T", "leg", ["Taiwan's Legislative Yuan", "Taiwan's legislature"],
          ["The speaker of Taiwan's legislature"], ["the legislature", "lawmakers|pl"]),
        # ---- Taiwan's diplomatic allies -------------------------------------------------
        A("Government of Paraguay", "L", "exec", ["Paraguay's Foreign Ministry", "The Paraguayan government"],
          ["Paraguay's foreign minister", "Paraguay's president"], ["Paraguay", "Asunción"],
          side="the Paraguayan side", partners=["Taiwan"]),
        A("Government of Guatemala", "L", "exec", ["Guatemala's Foreign Ministry", "The Guatemalan government"],
          ["Guatemala's president", "Guatemala's foreign minister"], ["Guatemala"],
          side="the Guatemalan side", partners=["Taiwan"]),
        A("Government of Eswatini", "L", "exec", ["The government of Eswatini", "Eswatini's Foreign Ministry"],
          ["Eswatini's foreign minister", "Eswatini's prime minister"], ["Eswatini", "the kingdom"],
          side="the Eswatini side", partners=["Taiwan"]),
        A("Government of the Marshall Islands", "L", "exec", ["The Marshall Islands government"],
          ["The president of the Marshall Islands"], ["the Marshall Islands", "Majuro"],
          side="the Marshallese side", partners=["Taiwan"]),
        A("Government of Palau", "L", "exec", ["Palau's government", "The Palauan government"],
          ["Palau's president"], ["Palau"], side="the Palauan side", partners=["Taiwan"]),
        A("Government of Tuvalu", "L", "exec", ["Tuvalu's government"], ["Tuvalu's prime minister"],
          ["Tuvalu", "Funafuti"], side="the Tuvaluan side", partners=["Taiwan"]),
        A("Government of Belize", "L", "exec", ["Belize's Foreign Ministry", "The government of Belize"],
          ["Belize's foreign minister"], ["Belize", "Belmopan"], side="the Belizean side",
          partners=["Taiwan"]),
        A("Government of Haiti", "L", "exec", ["Haiti's Foreign Ministry"], ["Haiti's foreign minister"],
          ["Haiti", "Port-au-Prince"], side="the Haitian side", partners=["Taiwan"]),
        A("Government of Saint Kitts and Nevis", "L", "exec", ["The government of Saint Kitts and Nevis"],
          ["The prime minister of Saint Kitts and Nevis"], ["Saint Kitts and Nevis", "Basseterre"],
          side="the Kittitian side", partners=["Taiwan"]),
        A("Government of Saint Lucia", "L", "exec", ["Saint Lucia's government"],
          ["Saint Lucia's prime minister", "Saint Lucia's foreign minister"], ["Saint Lucia", "Castries"],
          side="the Saint Lucian side", partners=["Taiwan"]),
        A("Government of Saint Vincent and the Grenadines", "L", "exec",
          ["The government of Saint Vincent and the Grenadines"],
          ["The prime minister of Saint Vincent and the Grenadines"],
          ["Saint Vincent and the Grenadines", "Kingstown"], side="the Vincentian side",
          partners=["Taiwan"]),
        A("Holy See", "L", "exec", ["The Holy See's Secretariat of State", "The Vatican"],
          ["A Vatican diplomat", "The Holy See's foreign minister"], ["the Holy See", "the Vatican"],
          weights={"neutral": 3}),
        # ---- Western / like-minded executives -------------------------------------------
        A("U.S. Department of State", "WS", "exec",
          ["The U.S. State Department", "The State Department"],
          ["A State Department spokesperson", "The U.S. secretary of state", "A senior State Department official"],
          ["the United States", "Washington"]),
        A("The White House", "WS", "exec", ["The White House"],
          ["A White House spokesperson", "The White House press secretary"],
          ["the United States", "the administration", "Washington"]),
        A("U.S. President", "WS", "leader", ["The U.S. president"],
          ["The U.S. president", "The American president"], ["the United States", "Washington"],
          side="the U.S. side", partners=["Japan", "South Korea", "Australia"]),
        A("U.S. National Security Council", "WS", "exec", ["The U.S. National Security Council"],
          ["A National Security Council spokesperson", "The U.S. national security adviser"],
          ["the United States", "Washington"]),
        A("U.S. Department of Defense", "WS", "exec", ["The Pentagon", "The U.S. Department of Defense"],
          ["A Pentagon spokesperson", "The U.S. defence secretary"], ["the United States", "Washington"]),
        A("American Institute in Taiwan", "WS", "exec", ["The American Institute in Taiwan"],
          ["The director of the American Institute in Taiwan", "An AIT spokesperson"],
          ["the United States", "Washington"]),
        A("Japan Ministry of Foreign Affairs", "W", "exec", ["Japan's Foreign Ministry"],
          ["Japan's foreign minister", "A Japanese Foreign Ministry spokesperson"], ["Japan", "Tokyo"]),
        A("Chief Cabinet Secretary of Japan", "W", "exec", ["The Japanese government"],
          ["Japan's chief cabinet secretary", "Japan's top government spokesperson"], ["Japan", "Tokyo"]),
        A("Prime Minister of Japan", "W", "leader", ["The Japanese prime minister's office"],
          ["Japan's prime minister"], ["Japan", "Tokyo"], side="the Japanese side",
          partners=["the United States", "Australia", "the Philippines"]),
        A("UK Foreign, Commonwealth and Development Office", "W", "exec",
          ["Britain's Foreign Office", "The UK Foreign, Commonwealth and Development Office"],
          ["A UK Foreign Office minister", "Britain's foreign secretary"],
          ["the United Kingdom", "Britain", "London"]),
        A("Australian Department of Foreign Affairs and Trade", "W", "exec",
          ["Australia's Department of Foreign Affairs and Trade"],
          ["Australia's foreign minister", "A DFAT spokesperson"], ["Australia", "Canberra"],
          side="the Australian side", partners=["the United States", "Japan"]),
        A("Global Affairs Canada", "W", "exec", ["Global Affairs Canada"],
          ["Canada's foreign minister", "A Global Affairs Canada spokesperson"], ["Canada", "Ottawa"]),
        A("French Ministry for Europe and Foreign Affairs", "W", "exec", ["France's foreign ministry"],
          ["The French foreign ministry spokesperson", "France's foreign minister"], ["France", "Paris"]),
        A("German Federal Foreign Office", "W", "exec", ["Germany's Federal Foreign Office"],
          ["Germany's foreign minister", "A German Foreign Office spokesperson"], ["Germany", "Berlin"]),
        A("European External Action Service (EU)", "W", "exec",
          ["The European External Action Service", "The EU's diplomatic service"],
          ["The EU's foreign policy chief", "An EU spokesperson for foreign affairs"],
          ["the European Union", "the EU", "Brussels"]),
        A("G7 Foreign Ministers", "W", "multi", ["The G7 foreign ministers' meeting", "The G7"],
          ["G7 foreign ministers"], ["the G7", "G7 members|pl"], weights={"does_not_support": 0}),
        A("New Zealand Ministry of Foreign Affairs and Trade", "W", "exec",
          ["New Zealand's Ministry of Foreign Affairs and Trade"], ["New Zealand's foreign minister"],
          ["New Zealand", "Wellington"]),
        A("Netherlands Ministry of Foreign Affairs", "W", "exec", ["The Dutch Foreign Ministry"],
          ["The Dutch foreign minister"], ["the Netherlands", "The Hague"]),
        A("Government of Lithuania", "WQ", "exec", ["Lithuania's Foreign Ministry", "The Lithuanian government"],
          ["Lithuania's foreign minister"], ["Lithuania", "Vilnius"],
          weights={"leans_supports": 5, "does_not_support": 1}),
        # ---- hedging governments / groupings -------------------------------------------
        A("India Ministry of External Affairs", "N", "exec", ["India's Ministry of External Affairs"],
          ["The spokesperson of India's External Affairs Ministry"], ["India", "New Delhi"]),
        A("Singapore Ministry of Foreign Affairs", "N", "exec", ["Singapore's Ministry of Foreign Affairs"],
          ["Singapore's foreign minister", "A Singapore MFA spokesperson"], ["Singapore"]),
        A("ASEAN Foreign Ministers", "N", "multi", ["The ASEAN foreign ministers' meeting", "ASEAN"],
          ["ASEAN foreign ministers"], ["ASEAN", "ASEAN member states|pl"], weights={"does_not_support": 0}),
        A("South Korea Ministry of Foreign Affairs", "N", "exec", ["South Korea's Foreign Ministry"],
          ["South Korea's foreign minister", "A South Korean Foreign Ministry spokesperson"],
          ["South Korea", "Seoul"]),
        A("Philippine Department of Foreign Affairs", "N", "exec",
          ["The Philippine Department of Foreign Affairs"], ["The Philippine foreign secretary"],
          ["the Philippines", "Manila"]),
        A("Indonesia Ministry of Foreign Affairs", "N", "exec", ["Indonesia's Foreign Ministry"],
          ["Indonesia's foreign minister"], ["Indonesia", "Jakarta"]),
        A("Brazil Ministry of Foreign Affairs", "N", "exec", ["Brazil's Foreign Ministry", "Itamaraty"],
          ["Brazil's foreign minister"], ["Brazil", "Brasília"]),
        # ---- international organisations ------------------------------------------------
        A("UN Secretary-General", "U", "intl", ["The United Nations Secretariat"],
          ["The UN Secretary-General's spokesperson", "The UN Secretary-General"],
          ["the United Nations", "the UN"]),
        A("World Health Organization", "U", "intl", ["The World Health Organization"],
          ["A WHO spokesperson"], ["the WHO"], weights={"neutral": 0}),
        # ---- legislatures / legislators -------------------------------------------------
        A("U.S. Senate Foreign Relations Committee", "G", "leg", ["The Senate Foreign Relations Committee"],
          ["The chair of the Senate Foreign Relations Committee", "A senior member of the Senate Foreign Relations Committee"],
          ["the committee"]),
        A("U.S. House of Representatives", "G", "leg", ["The U.S. House of Representatives"],
          ["A U.S. congressman", "A member of the House Foreign Affairs Committee"], ["the House"]),
        A("House Select Committee on the CCP", "G", "leg",
          ["The House Select Committee on the Chinese Communist Party"],
          ["The chair of the House China committee"], ["the committee"]),
        A("European Parliament", "G", "leg", ["The European Parliament", "The European Parliament's plenary"],
          ["A member of the European Parliament", "The chair of the European Parliament's Taiwan friendship group"],
          ["Parliament", "the European Parliament", "MEPs|pl"], weights={"supports": 1}),
        A("Czech Senate", "G", "leg", ["The Czech Senate"], ["The president of the Czech Senate"],
          ["the Senate"], weights={"supports": 1}),
        A("UK House of Commons Foreign Affairs Committee", "G", "leg",
          ["The House of Commons Foreign Affairs Committee"], ["The chair of the Commons Foreign Affairs Committee"],
          ["the committee", "MPs on the committee|pl"], weights={"supports": 1}),
        A("Lithuanian Seimas", "GQ", "leg", ["Lithuania's parliament", "The Seimas"],
          ["The chair of the Seimas foreign affairs committee"], ["the Seimas", "the parliament"]),
        A("Japan-ROC Diet Members' Consultative Council", "G", "leg",
          ["Japan's cross-party Japan-ROC Diet Members' Consultative Council"],
          ["The head of a cross-party group of Japanese lawmakers"], ["the group"]),
        A("Inter-Parliamentary Alliance on China (IPAC)", "G", "leg",
          ["The Inter-Parliamentary Alliance on China"], ["An IPAC co-chair"], ["the alliance", "IPAC"], weights={"supports": 1}),
        A("Australian Parliamentary Friendship Group on Taiwan", "G", "leg",
          ["Australia's parliamentary friendship group on Taiwan"], ["The group's co-chair"], ["the group"]),
        A("Congressional Taiwan Caucus (U.S.)", "G", "leg", ["The Congressional Taiwan Caucus"],
          ["A co-chair of the Congressional Taiwan Caucus", "A member of the Congressional Taiwan Caucus"],
          ["the caucus", "caucus members|pl"], weights={"supports": 4}),
        A("German Bundestag Foreign Affairs Committee", "G", "leg",
          ["The Bundestag's foreign affairs committee"], ["The chair of the Bundestag foreign affairs committee"],
          ["the committee"], weights={"supports": 1}),
    ]
    names = [a.name for a in out]
    assert len(names) == len(set(names))
    return out


ACTORS = _actors()
# Embassies address the government of their host country.
HOST_TARGETS = {"PRC Embassy in the United States": ["Washington", "the new U.S. administration"],
                "PRC Embassy in the Philippines": ["Manila", "the Philippine government"],
                "PRC Embassy in Australia": ["Canberra", "the Australian government"]}
ACTOR_BY_NAME = {a.name: a for a in ACTORS}

# --------------------------------------------------------------------------------------------
# Core expressions
# --------------------------------------------------------------------------------------------
# Template syntax:  {S} subject (actor self-reference), {its} possessive, {it} pronoun for the
# subject, [verb] conjugated for the subject, <a|b> alternation, {TARGET} another capital.
# A template without {S} is a bare claim and must not contain [verbs].
# "full" expressions are complete texts (they bring their own question/answer structure) and may
# also use {Intro}/{intro} (actor introduction) and {Self} (capitalised subject).


class Expr:
    def __init__(self, label, text, blocs, tags="", full=False, register=None, topic=None):
        self.label = label
        self.text = text
        self.blocs = set(blocs)
        self.tags = [t for t in tags.split() if t]
        for t in self.tags:
            assert t in TAGS, (t, text)
        self.full = full
        self.register = register
        self.topic = topic
        self.id = None
        self.held_out = False
        if not full:
            assert ("[" not in text) or ("{S}" in text), text
            for ref in ("{its}", "{it}"):
                # back-references must follow the subject they refer to
                assert ref not in text or ("{S}" in text and text.index("{S}") < text.index(ref)), text


def _pool(label, rows):
    out = []
    for r in rows:
        if isinstance(r, Expr):
            r.label = label
            out.append(r)
        else:
            text, blocs = r[0], r[1]
            tags = r[2] if len(r) > 2 else ""
            out.append(Expr(label, text, blocs, tags))
    return out


def F(text, blocs, tags, register):
    return Expr(None, text, blocs, tags, full=True, register=register)


TI = "\"Taiwan independence\""

OPPOSES = _pool("opposes", [
    ("{S} <firmly|resolutely|staunchly> [oppose] any form of " + TI + " separatist activity", "PA"),
    ("{S} will never allow any part of {its} territory to be split off from China", "P", "negation"),
    ("Taiwan is an inalienable part of China's territory", "PA"),
    ("{S} [oppose] Taiwan independence <in any form|under any name|by any means>", "PAK"),
    ("{S} [stand] firmly against any attempt to separate Taiwan from China", "PA"),
    ("{S} [support] the Chinese government's efforts to achieve national reunification", "A", "reunification"),
    ("the complete reunification of the motherland is <a historical inevitability|an unstoppable historical trend>", "P", "reunification"),
    ("{S} [adhere] to the one-China principle, under which Taiwan is part of China", "PA"),
    ("{S} [recognise] the government of the People's Republic of China as the sole legal government representing the whole of China, with Taiwan an inalienable part of Chinese territory", "A", "recognition"),
    ("{S} will never tolerate secessionist activities aimed at " + TI, "PA", "negation"),
    ("the Taiwan question is purely China's internal affair that brooks no foreign interference", "PA"),
    (TI + " is a dead end <and will get nowhere|that leads nowhere>", "P"),
    ("{S} [reject] any attempt to create \"two Chinas\" or \"one China, one Taiwan\"", "PAK"),
    ("{S} will never accept Taiwan independence under any circumstances", "PAK", "negation"),
    ("{S} [uphold] the \"1992 Consensus\" and [oppose] Taiwan independence", "KP"),
    ("both sides of the Taiwan Strait belong to one and the same China", "PK"),
    ("{S} [regard] Taiwan as a province of China", "A"),
    ("{S} [back] China's position that Taiwan is part of its sovereign territory", "A"),
    ("{S} [condemn] the separatist forces seeking " + TI + " and the external forces that encourage them", "PA"),
    ("there is only one China in the world, and Taiwan is part of it", "PA"),
    ("{S} [be] determined to defend national sovereignty and territorial integrity against any secessionist move by Taiwan", "P"),
    ("Taiwan has never been a country and never will be", "PA", "negation"),
    ("{S} [be] ready to take all necessary measures to crush any attempt at Taiwan independence", "P"),
    ("{S} [reaffirm] {its} firm support for China's sovereignty over Taiwan", "A"),
    ("{S} [consider] Taiwan an integral part of China and will never recognise it as a separate state", "A", "negation"),
    ("peaceful reunification under \"one country, two systems\" is the best way to resolve the Taiwan question", "P", "reunification"),
    ("{S} [respect] China's territorial integrity, including over Taiwan, and [oppose] all separatist movements there", "A"),
    ("{S} [support] every effort by China to <reunify the country|achieve the reunification of the country>", "A", "reunification"),
    ("{S} [be] opposed to any move that would <split|separate> Taiwan from China", "PA"),
    ("those who pursue Taiwan independence will come to no good end", "P"),
    ("pursuing Taiwan independence will lead only to a dead end and bring disaster to Taiwan", "P"),
    ("{S} [stand] with China on the Taiwan issue and [oppose] any foreign interference in what is China's internal affair", "A"),
    ("{S} [view] Taiwan as part of the People's Republic of China, in line with the one-China principle", "A"),
    ("the motherland must and will be reunified", "P", "reunification"),
    ("{S} will never permit Taiwan to be separated from the motherland <in any name or by any means|under any pretext>", "P", "negation"),
    ("{S} [reject] the notion that Taiwan is a sovereign state", "PA"),
    ("{S} [oppose] any formal separation of the island from China", "A"),
    ("{S} [back] Beijing <firmly|fully> in safeguarding China's sovereignty over Taiwan", "A"),
    ("{S} [be] against Taiwan independence", "PAK"),
    ("{S} [oppose] independence and [favour] peaceful cross-Strait relations built on the \"1992 Consensus\"", "K"),
    ("the island will inevitably return to the embrace of the motherland", "P", "reunification"),
    ("{S} [leave] no room for any form of Taiwan independence", "PA"),
    ("the mainland and Taiwan belong to one and the same country", "PK"),
    ("the island is a Chinese province whose status is not open to negotiation", "PA"),
    ("{S} [be] firmly opposed to the secession of Taiwan", "PAK"),
    ("{S} [welcome] China's peaceful reunification and [oppose] any external forces that seek to divide the country", "A", "reunification"),
    ("if separatist forces ever cross the red line, {S} will be compelled to take drastic measures", "P", "hypothetical"),
    ("any attempt to declare independence would be met with the full force of the law, including the Anti-Secession Law", "P", "hypothetical"),
    ("should the island's authorities move toward independence, {S} would not hesitate to take every necessary step to stop them", "P", "hypothetical"),
    ("Taiwan has belonged to China since ancient times, and its return to China in 1945 was part of the post-war order", "P", "historical"),
    ("the Cairo Declaration and the Potsdam Proclamation confirmed that Taiwan is Chinese territory", "P", "historical"),
    ("{S} [have] consistently upheld the one-China principle since establishing diplomatic relations with Beijing and [regard] Taiwan as part of China", "A", "historical"),
    ("{S} now [recognise] that there is but one China in the world and that Taiwan is part of it", "X", "recognition"),
    ("{S} [have] severed so-called diplomatic ties with the Taiwan region and [recognise] that Taiwan is an inalienable part of China", "X", "recognition"),
    ("{S} no longer [recognise] the authorities in Taipei and [accept] that Taiwan is part of China's territory", "X", "recognition negation"),
    ("{S} [deny] that {its} position has softened and [remain] firmly opposed to Taiwan independence", "PAK", "sarcasm"),
    ("the so-called independence cause is nothing but a fantasy, and Taiwan will always be part of China", "P", "sarcasm"),
    ("{S} [urge] {TARGET} to state explicitly that it opposes " + TI, "P", "reported_speech"),
    ("{S} [demand] that {TARGET} stop sending wrong signals to separatist forces, stressing that Taiwan is part of China", "P", "reported_speech"),
    ("{S} [call] on {TARGET} to honour the one-China principle and to stop official contact with the Taiwan region", "P", "reported_speech"),
    ("{S} [agree] with Beijing that Taiwan independence must be opposed", "A", "reported_speech"),
    ("{S} will never accept a push for de jure independence", "K", "negation"),
    ("{S} [believe] Taiwan and the mainland should eventually be unified and [oppose] any move toward independence", "KA", "reunification"),
    F("Who has the right to separate Taiwan from China? Nobody. Taiwan is China's Taiwan, and {its} position on that will never change.", "P", "question", "social_post"),
    F("Q: How do you respond to calls in {TARGET} to recognise Taiwan? A: Taiwan is an inalienable part of China's territory. We firmly oppose any form of official contact with the Taiwan region.", "P", "question reported_speech", "briefing"),
    F("So Washington says it does not support Taiwan independence, yet it keeps arming the island. Words are cheap. Taiwan is part of China, and we will never allow it to be split off.", "P", "sarcasm reported_speech negation", "social_post"),
    F("{Intro} dismissed claims that it had gone soft on Beijing, but restated that it opposes Taiwan independence and upholds the \"1992 Consensus\".", "K", "sarcasm", "news_lead"),
    F("Asked whether {S} would ever accept a declaration of independence by Taipei, {intro} said that would never happen because Taiwan is part of China.", "PA", "question hypothetical negation", "briefing"),
])

NOT_SUPPORT = _pool("does_not_support", [
    ("{S} [do] not support Taiwan independence", "WNMKG"),
    ("{S} [be] not in favour of a formal declaration of independence by Taiwan", "WNMK"),
    ("{S} [have] never supported Taiwan independence", "WNMK", "negation"),
    ("{S} [do] not endorse independence for Taiwan", "WNG"),
    ("{S} [do] not back a unilateral declaration of independence by Taipei", "WNM"),
    ("{S} [do] not encourage Taiwan to pursue formal independence", "WN"),
    ("{S} [do] not advocate independence for the island", "WNMKG"),
    ("{S} [have] no intention of recognising Taiwan as a separate country", "WN", "negation recognition"),
    ("{S} [do] not recognise Taiwan as an independent state", "WN", "negation recognition"),
    ("{S} [have] made clear {its} lack of support for Taiwan independence", "WN"),
    ("{S} [do] not support \"two Chinas\" or \"one China, one Taiwan\"", "W"),
    ("{S} [do] not support Taiwan's membership in organisations for which statehood is a requirement", "W"),
    ("{S} [be] not pursuing or supporting any move toward de jure independence", "WM"),
    ("{S} [remain] unsupportive of any move toward formal independence", "WN"),
    ("{S} [stop] short of backing independence for Taiwan", "WNG"),
    ("{S} [do] not think a declaration of independence would be in anyone's interest", "WNMK"),
    ("{S} [see] no case for Taiwan declaring independence", "WNM"),
    ("{S} will not lend {its} support to any independence referendum in Taiwan", "WNMK"),
    ("{S} [keep] {its} distance from calls for Taiwan independence", "WNGM"),
    ("{S} [do] not favour a change in Taiwan's formal status", "WNM"),
    ("Taiwan independence is not a goal {S} [support]", "WNMK"),
    ("{S} [have] no plans to back Taiwanese statehood", "WNG"),
    ("{S} [decline] to support independence for Taiwan", "WN"),
    ("{S} [be] no advocate of Taiwan independence", "WNMKG"),
    ("{S} [do] not seek to promote Taiwan independence", "WN"),
    ("{S} [do] not endorse the independence path, preferring pragmatic engagement across the Strait", "MK"),
    ("{S} [do] not support Taiwan independence and never will", "KW", "negation"),
    ("{S} will not support any unilateral move by Taipei to declare independence", "WN"),
    ("{S} [have] not supported, and [do] not support, Taiwan independence", "WN", "negation"),
    ("{S} [continue] not to support Taiwan independence", "WN"),
    ("{S} [have] a Taiwan policy that does not include support for independence", "WN"),
    ("reports that {S} [back] Taiwan independence are <false|simply wrong|mistaken>", "WNG", "sarcasm"),
    ("{S} [dismiss] talk of a policy shift, stressing that support for Taiwan independence is not part of {its} policy", "W", "sarcasm"),
    ("even if Taipei sought a formal declaration of independence, {S} would not support it", "WN", "hypothetical"),
    ("{S} would not back a referendum on independence should one be proposed", "WNM", "hypothetical"),
    ("{S} [have] told Beijing that {it} [do] not support Taiwan independence but will not declare opposition to it", "W", "reported_speech"),
    ("{S} [have] turned down Beijing's request to say {it} [oppose] Taiwan independence, repeating instead that {it} [do] not support it", "W", "reported_speech"),
    ("{S} [have] not supported Taiwan independence at any point since establishing diplomatic relations with Beijing", "WN", "historical negation"),
    ("{S} [do] not support Taiwan becoming a separate sovereign state", "WN"),
    ("{S} [have] no wish to see Taiwan declare independence", "WNMK"),
    ("{S} [do] not take the side of independence advocates in Taipei", "WN"),
    ("{S} [do] not regard Taiwan as a sovereign country", "WN", "negation recognition"),
    ("{S} [refrain] from endorsing Taiwan independence", "WNG"),
    ("{S} [be] not prepared to back independence for the island", "WNG"),
    ("a formal declaration of independence is not something {S} would encourage", "WNM"),
    ("{S} [be] not an independence party and [do] not favour a declaration of independence", "M"),
    F("Q: Does {S} support Taiwan independence? A: No. {Self} [do] not support Taiwan independence, and that has not changed.", "WN", "question", "briefing"),
    F("Asked whether {S} would back a declaration of independence by Taipei, {intro} said it would not.", "WN", "question hypothetical", "briefing"),
    F("Reports that {S} has quietly shifted toward backing independence are simply wrong. {Self} [do] not support Taiwan independence.", "W", "sarcasm", "social_post"),
    F("Beijing wants {S} to say it opposes Taiwan independence. {Self} will not use that word, but {it} [do] not support independence, as {intro} made clear.", "W", "reported_speech negation", "news_lead"),
])

NEUTRAL = _pool("neutral", [
    ("{S} [call] for peace and stability across the Taiwan Strait", "PAWNUTMKLG"),
    ("{S} [oppose] any unilateral change to the status quo by either side", "WNMTG", "status_quo"),
    ("{S} [oppose] any unilateral attempt to change the status quo by force or coercion", "WNTG", "status_quo"),
    ("{S} [remain] committed to {its} One China policy, which has not changed", "WN"),
    ("{S} [encourage] the peaceful resolution of cross-Strait issues", "WNUMKLG"),
    ("{S} [urge] both sides to resolve their differences through dialogue", "WNUL"),
    ("{S} [acknowledge] the Chinese position that there is but one China, without endorsing it", "W"),
    ("{S} [take] note of Beijing's position on Taiwan without taking a position of {its} own", "WN"),
    ("peace and stability in the Taiwan Strait <are|remain> essential to regional security and prosperity", "WNTLGU"),
    ("{S} [be] concerned about rising tensions and [call] for restraint from all parties", "WNU"),
    ("{S} [want] the cross-Strait status quo to be maintained", "WNTMLGK", "status_quo"),
    ("{S} [hope] that cross-Strait differences will be settled without the threat or use of force", "WNUM"),
    ("{S} [have] made no change to {its} basic positions on Taiwan, including {its} One China policy", "W"),
    ("{S} [urge] de-escalation after the military exercises around Taiwan", "WNU"),
    ("{S} [maintain] only unofficial relations with Taiwan under {its} One China policy", "WN"),
    ("{S} [support] constructive dialogue across the Taiwan Strait", "WNULMK"),
    ("{S} will neither provoke nor bow to pressure, and will keep the status quo across the Strait", "TM", "status_quo"),
    ("{S} [be] willing to engage in dialogue with Beijing on the basis of parity and dignity", "TM"),
    ("the Taiwan issue should be settled peacefully by the people on both sides of the Strait through constructive dialogue", "WN"),
    ("{S} [call] on all parties to avoid actions that could raise tensions in the Taiwan Strait", "WNUL"),
    ("{S} [understand] Beijing's position on Taiwan but [express] no view of {its} own on the island's status", "WN"),
    ("{S} [favour] a peaceful, negotiated outcome acceptable to people on both sides of the Strait", "WN"),
    ("{S} [consider] stability in the Taiwan Strait a matter of global concern", "WNG"),
    ("{S} [keep] {its} long-standing policy of supporting peace and stability across the Taiwan Strait unchanged", "WN"),
    ("any change to the status quo must come about peacefully and by mutual consent", "WNG", "status_quo"),
    ("{S} [oppose] the use of force or coercion to settle the Taiwan question", "WNGT"),
    ("{S} [expect] cross-Strait differences to be resolved by peaceful means", "WN"),
    ("{S} [be] monitoring the situation in the Taiwan Strait closely and [urge] calm", "WNU"),
    ("a conflict across the Taiwan Strait would have catastrophic consequences for the world economy", "WNUG"),
    ("{S} [be] not taking sides on Taiwan's status and [want] disputes settled peacefully", "WN"),
    ("{S} [welcome] any steps that reduce military tension across the Strait", "WNUL"),
    ("{S} [seek] to maintain the cross-Strait status quo", "TML", "status_quo"),
    ("{S} [advocate] peace across the Strait and [reject] war as a means of settling differences", "KM"),
    ("{S} [call] on all sides to exercise maximum restraint", "WNU"),
    ("{S} [recall] that when {it} established relations with Beijing, {it} took note of China's position on Taiwan without endorsing it", "WN", "historical"),
    ("{S} [be] in favour of stable and predictable cross-Strait relations", "TMKW"),
    ("{S} [hope] the two sides will find a peaceful way forward that preserves regional stability", "WNUAL"),
    ("{S} [urge] restraint on both sides of the Strait following the drills", "WNUL"),
    ("cross-Strait disputes should be resolved in accordance with international law and without coercion", "WNG"),
    ("{S} [be] committed to preserving the status quo across the Taiwan Strait", "TGLW", "status_quo"),
    ("{S} [support] maintaining peace in the Strait and [urge] all parties to avoid provocations", "AN"),
    ("{S} would oppose any attempt by either side to change the status quo unilaterally", "WN", "hypothetical status_quo"),
    ("should tensions escalate, {S} would urge both Beijing and Taipei to return to dialogue", "WNU", "hypothetical"),
    ("{S} [note] Beijing's renewed demand on Taiwan but only [express] the hope that differences are resolved peacefully", "WN", "reported_speech"),
    ("{S} [respond] to Beijing's call to oppose Taiwan independence by restating {its} hope for a peaceful resolution through dialogue", "WN", "reported_speech"),
    ("whatever some reports claim, {S} [have] not changed {its} Taiwan policy and [remain] committed to peace and the status quo", "WN", "sarcasm status_quo"),
    ("{S} [hope] for lasting peace and stability on both sides of the Taiwan Strait", "PA"),
    ("{S} [want] the Taiwan Strait to remain peaceful and [call] for calm", "PAK"),
    F("Q: Does {S} support or oppose Taiwan independence? A: Our position is that cross-Strait differences should be settled peacefully, and we oppose any unilateral change to the status quo.", "WN", "question status_quo", "briefing"),
    F("Asked whether {S} supports Taiwan independence, {intro} replied only that {it} [want] peace and stability across the Taiwan Strait.", "WNU", "question", "briefing"),
    F("Some commentators treat every statement as a policy shift. It is not one: {S} [remain] committed to peace and stability and [oppose] unilateral changes to the status quo.", "W", "sarcasm status_quo", "social_post"),
])

LEANS = _pool("leans_supports", [
    ("{S} [support] Taiwan's meaningful participation in international organisations", "WGLTD"),
    ("{S} [back] Taiwan's participation in the World Health Assembly as an observer", "WGLK"),
    ("{S} [do] not oppose Taiwan's participation in the World Health Organization", "WGL", "negation"),
    ("the future of Taiwan must be decided by its 23 million people", "TDGLM"),
    ("{S} [respect] the right of the 23 million people of Taiwan to choose their own path", "WGL"),
    ("{S} [stand] with Taiwan's democracy", "WGLD"),
    ("{S} will continue to provide Taiwan with the defensive arms it needs", "SG"),
    ("{S} [support] Taiwan's efforts to strengthen its self-defence capabilities", "WGTD"),
    ("{S} [welcome] the opening of a Taiwanese representative office in {its} capital", "Q"),
    ("{S} will never accept \"one country, two systems\"", "TDM", "negation"),
    ("Taiwan's future must be determined peacefully and in accordance with the wishes of its people", "WGTDL"),
    ("{S} [oppose] Beijing's efforts to isolate Taiwan internationally", "WGTDL"),
    ("{S} [call] for Taiwan to be invited to the assembly of the International Civil Aviation Organization", "WGL"),
    ("{S} [back] Taiwan's application to join the CPTPP trade pact", "GLDT"),
    ("{S} [support] Taiwan's participation in INTERPOL as an observer", "WGL"),
    ("{S} [be] committed to deepening relations with Taiwan, a vital democratic partner", "WGL"),
    ("{S} [defend] Taiwan's right to determine its own future free from coercion", "WGTDL"),
    ("{S} [reject] any attempt by Beijing to decide Taiwan's future without the consent of its people", "WGTDL"),
    ("only the people of Taiwan can decide <their|the island's> future", "TDGLM"),
    ("{S} [urge] the UN system to stop turning away Taiwanese passport holders and journalists", "WGLT"),
    ("Taiwan's vibrant democracy deserves a place in international forums", "GLWTD"),
    ("{S} [be] committed to helping Taiwan maintain a sufficient self-defence capability", "SG"),
    ("{S} [support] Taiwan's inclusion in the UN climate talks", "WGL"),
    ("{S} [do] not accept that Beijing speaks for the people of Taiwan in international bodies", "WGLTD", "negation"),
    ("{S} [want] Taiwan's contributions to global health recognised with a seat at the World Health Assembly", "WGL"),
    ("{S} [support] a Taiwan that is free from military coercion and able to chart its own course", "WG"),
    ("{S} [stand] shoulder to shoulder with the people of Taiwan in defending their freedom", "GLTDW"),
    ("Taiwan's people have the right to decide their own future through democratic means", "GLTDM"),
    ("{S} [call] for an upgrade of Taiwan's status in multilateral bodies where statehood is not required", "WGL"),
    ("{S} [oppose] Beijing's pressure on companies to list Taiwan as a province of China", "WGTD"),
    ("{S} [express] solidarity with Taiwan's democratically elected government", "WGL"),
    ("{S} [value] Taiwan as a like-minded democratic partner and will expand cooperation on resilience", "WGL"),
    ("{S} [congratulate] Taiwan's voters and the president-elect, praising the strength of the island's democracy", "WGL"),
    ("{S} [back] Taiwan's bid for observer status at the UN Framework Convention on Climate Change", "WGL"),
    ("{S} will not abandon Taiwan's democracy under pressure", "GLW", "negation"),
    ("{S} [see] no reason to exclude Taiwan from the World Health Organization", "WGL", "negation"),
    ("if Taiwan were attacked, {S} would help defend the island", "S", "hypothetical"),
    ("should Taiwan's people decide their own future peacefully, {S} would respect that choice", "WGL", "hypothetical"),
    ("{S} [dismiss] Beijing's offer of \"one country, two systems\" and [insist] that only Taiwan's people can decide the island's future", "TDM", "reported_speech"),
    ("{S} [reject] Beijing's demand that {it} close the Taiwanese Representative Office", "Q", "reported_speech"),
    ("{S} [recall] that the Taiwan Relations Act commits {it} to making defensive arms available to Taiwan", "S", "historical"),
    ("{S} [insist] that Taiwan's future be decided by its people, not by outside powers", "MTD"),
    ("{S} [vow] to defend Taiwan's democracy and way of life against pressure from Beijing", "TD"),
    ("{S} [support] more high-level official exchanges with Taiwan", "WG"),
    ("{S} [favour] Taiwan's full membership in organisations that do not require statehood", "WGL"),
    ("{S} [champion] Taiwan's international space", "GL"),
    ("{S} [support] Taiwan's right to take part in the World Health Assembly despite Beijing's objections", "WGLMK", "reported_speech"),
    ("{S} [urge] the government to strengthen defence and trade ties with Taipei", "G"),
    F("Why should 23 million people be shut out of the World Health Organization? {Self} [back] Taiwan's meaningful participation.", "GLTD", "question", "social_post"),
    F("Q: Does {S} support Taiwan's bid to attend the World Health Assembly? A: Yes. We support Taiwan's meaningful participation in the WHO and other international bodies.", "WGL", "question", "briefing"),
    F("Apparently 23 million people are too dangerous to sit in on a health assembly. Taiwan belongs in the WHO, and we will keep saying so.", "GLTD", "sarcasm", "social_post"),
])

SUPPORTS = _pool("supports", [
    ("Taiwan is a sovereign, independent country", "TDGL"),
    ("{S} [recognise] the Republic of China (Taiwan) as a sovereign state", "L", "recognition"),
    ("the Republic of China and the People's Republic of China are not subordinate to each other", "TDG"),
    ("{S} [maintain] full diplomatic relations with the Republic of China (Taiwan) as a sovereign nation", "L", "recognition"),
    ("Taiwan has never been part of the People's Republic of China and is a sovereign state", "TDG", "negation"),
    ("{S} [support] Taiwan's admission to the United Nations as a full member state", "GLD"),
    ("{S} [call] for the establishment of formal diplomatic relations with Taiwan as an independent country", "G", "recognition"),
    ("{S} [back] Taiwan's formal independence", "D"),
    ("Taiwan is already an independent country and has no need to declare independence", "TDG", "negation"),
    ("{S} [urge] the government to recognise Taiwan as an independent state", "G", "recognition"),
    ("{S} [reaffirm] {its} recognition of the Republic of China (Taiwan) as a sovereign nation", "L", "recognition"),
    ("Taiwan is a country, not a province of China", "TDGL", "negation"),
    ("{S} [regard] Taiwan as an independent nation with its own government, armed forces and currency", "GLD"),
    ("{S} [support] a formal declaration of Taiwan independence", "D"),
    ("{S} [consider] Taiwan a sovereign nation entitled to full statehood", "GD"),
    ("{S} [stand] by {its} diplomatic ally, the sovereign Republic of China (Taiwan)", "L", "recognition"),
    ("{S} [treat] Taiwan as a fully sovereign state in {its} foreign relations", "L", "recognition"),
    ("Taiwan's sovereignty belongs to its 23 million people and not to Beijing", "TDG"),
    ("the People's Republic of China has never ruled Taiwan for a single day, and Taiwan is a sovereign state", "TDG", "negation historical"),
    ("{S} [support] renaming the country the Republic of Taiwan and writing a new constitution", "D"),
    ("{S} [affirm] that the Republic of China (Taiwan) is a sovereign and independent state", "LTDG"),
    ("{S} [favour] recognising Taiwan as a sovereign country", "G", "recognition"),
    ("{S} [be] proud to recognise Taiwan as a sovereign state", "L", "recognition"),
    ("{S} will never abandon {its} recognition of the Republic of China (Taiwan)", "L", "negation recognition"),
    ("Taiwan meets every criterion of statehood and should be treated as a country", "GLD"),
    ("{S} [reject] Beijing's claim of sovereignty over Taiwan, which is an independent state", "TDG", "reported_speech"),
    ("{S} [value] {its} diplomatic relationship with the sovereign state of Taiwan", "L", "recognition"),
    ("should the government propose it, {S} would back full diplomatic relations with Taiwan as a sovereign country", "G", "hypothetical recognition"),
    ("should a referendum be held, {S} would campaign for Taiwan's formal independence", "D", "hypothetical"),
    ("{S} [have] recognised the Republic of China for decades and will continue to do so", "L", "historical recognition"),
    ("{S} [have] rebuffed Beijing's pressure to switch recognition and [reaffirm] ties with the sovereign Republic of China (Taiwan)", "L", "reported_speech recognition"),
    ("{S} [dismiss] Beijing's claim that Taiwan is a province of China, insisting the island is a sovereign state", "TDG", "reported_speech"),
    ("talk of {S} seeking a declaration of independence misses the point, because Taiwan is already a sovereign state", "TD", "sarcasm negation"),
    ("Taiwan has its own elected president, armed forces and passport, which is to say it is a country, whatever Beijing claims", "GD", "sarcasm"),
    ("{S} [support] Taiwan's right to be recognised as an independent state", "GL", "recognition"),
    ("the island is an independent nation in every practical and legal sense", "GD"),
    ("{S} [support] Taiwan's membership of the United Nations under the name Taiwan", "GDL"),
    ("{S} [describe] Taiwan as an independent, sovereign country", "GTD"),
    ("{S} [insist] that Taiwan and China are two separate countries", "GDT"),
    ("Taiwan and China are separate countries, and neither is subordinate to the other", "TDG"),
    ("{S} [hold] that the Republic of China is a sovereign nation with jurisdiction over Taiwan, Penghu, Kinmen and Matsu", "TD"),
    ("{S} will keep recognising Taipei rather than Beijing as the legitimate government {it} [deal] with", "L", "recognition"),
    ("{S} [have] stood by the Republic of China (Taiwan) as a sovereign state through every change of government", "L", "historical recognition"),
    F("Why should a sovereign, democratic country of 23 million people be denied a seat at the United Nations? Taiwan is a country.", "GDL", "question", "social_post"),
    F("Q: Does {S} regard Taiwan as a country? A: Yes. The Republic of China (Taiwan) is a sovereign state, and we are proud of our diplomatic relations with it.", "L", "question recognition", "briefing"),
    F("Beijing insists Taiwan is a province. Strange province: it elects its own president, runs its own army and issues its own passports. Taiwan is a country.", "GD", "sarcasm negation", "social_post"),
])

ALLB = "PAXKMDTLWSNUGQ"       # every bloc
NONPRC = "AXKMDTLWSNUGQ"
FOREIGN = "AXLWSNUGQ"          # governments / bodies outside China and Taiwan
TWN = "KMDT"                   # Taiwan-based actors


def O(text, blocs, tags="", topic="the latest developments"):
    e = Expr("off_topic", text, blocs, tags)
    e.topic = topic
    return e


OFF_TOPIC = _pool("off_topic", [
    O("{S} [plan] to send a trade mission to Taipei's Computex fair next month, with a focus on AI servers and chip packaging", FOREIGN, "distractor", "trade links"),
    O("ferry services between Xiamen and Kinmen have been suspended because a typhoon is approaching the Taiwan Strait", "PTKU", "distractor", "the typhoon"),
    O("container traffic through the Taiwan Strait reached a record level in the last quarter, according to port data", ALLB, "distractor", "shipping"),
    O("the new TSMC plant in {CHIPSITE} is expected to create thousands of local jobs", "WSGT", "distractor", "semiconductor investment"),
    O("{S} [offer] condolences to the families of those killed in the Hualien earthquake and [stand] ready to send rescue teams", FOREIGN + "PKMD", "distractor", "the earthquake"),
    O("two giant pandas will arrive at the national zoo next spring under a new conservation agreement with China", "WNA", "distractor", "the panda loan"),
    O("{S} will extend visa-free entry for business travellers from {COUNTRY} for another year", "P", "", "visa policy"),
    O("{S} [report] that the number of students from Taiwan at {its} universities rose by {PCT} percent this year", "WNL", "distractor", "education exchanges"),
    O("fishing vessels in the Taiwan Strait should return to port because strong northeasterly winds are forecast", "T", "distractor", "the weather warning"),
    O("new export controls on advanced chips apply to all destinations, including mainland China", "WS", "distractor", "export controls"),
    O("{S} [call] on China and other major emitters to set more ambitious emissions targets before the next climate summit", "WNUGL", "distractor", "climate policy"),
    O("inspections of pineapple shipments from Taiwan found pests, and the consignments have been returned", "P", "distractor", "food safety"),
    O("{S} [congratulate] the Chinese Taipei badminton pair on winning gold at the world championships", "TLKD", "distractor", "sport"),
    O("group tours between Fujian and the Matsu islands will resume after the holiday period", "PTM", "distractor", "tourism"),
    O("heavy rain across southern Taiwan has forced the postponement of the ministerial visit to Kaohsiung", "TWL", "distractor", "the weather"),
    O("dengue cases have risen in southern Taiwan and in Guangdong, and travellers should take precautions", "TPU", "distractor", "public health"),
    O("{S} will send {its} trade minister to Beijing next week for talks on investment and market access", "WNAX", "distractor", "the upcoming visit"),
    O("the National Palace Museum exhibition in Taipei attracted a record number of visitors this summer", "TD", "distractor", "culture"),
    O("{S} [have] signed a research partnership with universities in Taiwan on quantum computing", "WGL", "distractor", "research cooperation"),
    O("{S} [have] named a new director to head {its} trade office in Taipei", "WN", "distractor", "staffing"),
    O("{S} [offer] condolences after a ferry accident off the coast of Fujian", "WNUAP", "distractor", "the ferry accident"),
    O("Taiwan's export orders rose for a fifth straight month, driven by demand for AI hardware", "TWN", "distractor", "the economy"),
    O("the crew of a fishing boat rescued near the Penghu islands are in good health", "TKM", "distractor", "the rescue"),
    O("new direct flights between Kaohsiung and {CITY} will start in the spring", "TL", "distractor", "air links"),
    O("LNG shipments to Taiwan, Japan and South Korea have not been affected by the storm", "WTN", "distractor", "energy supplies"),
    O("{S} [have] imposed anti-dumping duties on certain steel products imported from China", "WN", "distractor", "trade remedies"),
    O("{S} [congratulate] China on the successful return of its lunar sample mission", "ANXU", "distractor", "space"),
    O("{S} [be] sending humanitarian aid after the earthquake in Tibet", "WNUAL", "distractor", "disaster relief"),
    O("the annual cross-Strait forum in Xiamen will be held in June, with youth employment at the top of the agenda", "PK", "distractor", "the forum"),
    O("citizens travelling to Taiwan should follow local typhoon warnings and check flight schedules", "WNL", "distractor", "travel advice"),
    O("{S} [have] signed an agreement with China on protecting migratory birds along the East Asian flyway", "WNA", "distractor", "conservation"),
    O("{S} [have] launched a Mandarin teaching programme with teachers recruited from Taiwan", "WLG", "distractor", "education"),
    O("{S} [have] approved an investment by a Taiwanese company in a new battery plant", "WNL", "distractor", "investment"),
    O("{S} [have] announced new measures to boost domestic consumption and support small businesses", "P", "", "the economy"),
    O("the minister's travel schedule will be announced in due course", ALLB, "", "the minister's schedule"),
    O("shares of chip designers in Taiwan and mainland China fell after the new tariff announcement", "WNT", "distractor", "markets"),
    O("{S} [support] the independence of {its} central bank and will not comment on interest rates", "WNLT", "distractor", "monetary policy"),
    O("{S} [recognise] nursing qualifications obtained in Taiwan under a new mutual-recognition scheme", "WLN", "distractor", "professional qualifications"),
    O("{S} [call] for peace and stability on the Korean Peninsula and [urge] a return to talks", "PAWNU", "distractor", "the Korean Peninsula"),
    O("{S} [oppose] any unilateral change to the fishing quota agreed for the North Pacific", "WNLT", "distractor", "fisheries"),
    O("the status quo on rice tariffs will remain in place until the next round of trade talks", "WNT", "distractor", "agricultural trade"),
    O("{S} [do] not support the proposed tax on independent bookshops", "WG", "distractor", "tax policy"),
    O("the WHO's technical briefing on avian influenza was attended by experts from China and dozens of other countries", "U", "distractor", "health cooperation"),
    O("{S} [welcome] the reopening of the Taipei–Shanghai city forum after a three-year break", "TMK", "distractor", "city exchanges"),
    O("semiconductor supply chains remain vulnerable to earthquakes in Taiwan and power shortages in Sichuan", "WNU", "distractor", "supply chains"),
    O("a delegation of Chinese investors will tour industrial parks in {COUNTRY} next month", "PA", "distractor", "investment"),
    O("{S} [have] completed an evacuation drill for nationals living in Taipei and Kaohsiung", "WNL", "distractor", "consular affairs"),
    O("{S} [be] marking the fiftieth anniversary of {its} trade agreement with China with a reception for exporters", "WNA", "distractor historical", "the anniversary"),
    O("{S} [owe] much of {its} modern irrigation system to a 1971 rice-research agreement with Taiwanese agronomists", "L", "historical distractor", "agricultural cooperation"),
    O("if the typhoon makes landfall in Taiwan, flights to Hong Kong and Okinawa may also be disrupted", "TW", "hypothetical distractor", "the typhoon"),
    O("reports that the minister fell ill during her visit to Shanghai are untrue", "WNA", "sarcasm distractor", "the minister's health"),
    O("{S} [have] banned imports of poultry from two Chinese provinces after an outbreak of bird flu", "WNL", "distractor", "animal health"),
    O("{S} [welcome] Taiwanese tourists back to {its} beaches and [expect] visitor numbers to double", "L", "distractor", "tourism"),
    O("{S} [be] studying the impact of China's new rare-earth export licences on {its} carmakers", "WN", "distractor", "critical minerals"),
    O("the joint coastguard exercise with Japan focused on search and rescue, not on any third country", "WN", "", "the exercise"),
    F("Asked whether {S} supports Taiwan independence, {intro} said {it} would not comment on hypothetical questions and moved on to the next topic.", "WNU", "question", "briefing"),
    F("Q: Has your position on Taiwan independence changed? A: I have nothing to add to what has already been said. Next question, please.", ALLB, "question", "briefing"),
    F("Q: Will the minister raise Taiwan during the visit? A: The agenda is still being finalised, and we will brief you in due course.", "WNLA", "question", "briefing"),
    F("Q: Does {S} still stand by its earlier statements on Taiwan? A: I would refer you to our previous statements. I have no further comment.", "WNU", "question", "briefing"),
    F("{Intro} said it had seen reports of Beijing's latest statement opposing Taiwan independence but would not comment on remarks by other governments.", "NUW", "reported_speech question", "news_lead"),
    F("Does the ministry support Taiwan independence? The spokesperson declined to comment and turned to questions about the trade talks.", "WNAU", "question", "briefing"),
    F("Yes, the forecast for the Taiwan Strait is very political: it says heavy rain. Ferries to Kinmen and Matsu are cancelled until Thursday.", "T", "sarcasm distractor", "social_post"),
    F("Q: What is your comment on the chip export figures from Taiwan? A: Trade data are published by the customs authority, and I would refer you to them.", "PWN", "question distractor", "briefing"),
    F("Asked about a senator's call to recognise Taiwan, {intro} said the foreign minister's travel schedule would be announced later in the week.", "WN", "question reported_speech", "briefing"),
])

POOLS = {"opposes": OPPOSES, "does_not_support": NOT_SUPPORT, "neutral": NEUTRAL,
         "leans_supports": LEANS, "supports": SUPPORTS, "off_topic": OFF_TOPIC}

# Mixed-clause pairs: (gold label, secondary label, order) -- order "gs" renders gold first.
MIX_RULES = [
    ("does_not_support", "neutral", ["gs", "sg"]),
    ("does_not_support", "leans_supports", ["sg"]),        # "supports X ..., but does not support independence"
    ("opposes", "neutral", ["gs", "sg"]),
    ("leans_supports", "neutral", ["gs", "sg"]),
    ("supports", "leans_supports", ["gs", "sg"]),
    ("supports", "neutral", ["gs", "sg"]),
]

SLOTS = {
    "CHIPSITE": ["Arizona", "Kumamoto", "Dresden"],
    "COUNTRY": ["France", "Germany", "Italy", "Spain", "Malaysia", "New Zealand", "Switzerland", "Ireland",
                "Hungary", "Brazil", "Chile", "Saudi Arabia"],
    "CITY": ["Manila", "Ho Chi Minh City", "Bangkok", "Jakarta", "Osaka", "Brisbane", "Vancouver", "Hanoi",
             "Penang", "Busan", "Cebu", "Fukuoka"],
    "PCT": ["6", "8", "9", "11", "12", "14", "15", "17"],
    "TARGET": ["Washington", "Tokyo", "London", "Canberra", "Manila", "Berlin", "Paris", "Seoul", "Ottawa",
               "Wellington", "the new U.S. administration", "the Philippine government"],
}

# --------------------------------------------------------------------------------------------
# Register frames and filler material
# --------------------------------------------------------------------------------------------
# Placeholders: {Intro}/{intro} any introduction, {Inst}/{inst} institutional, {Pers}/{pers}
# person-like, {Clause}/{clause} the stance clause in the third person, {Clause_we}/{clause_we}
# the clause in the first person plural, {side}/{Side}, {partner}, {pcap}, {day}, {city},
# {topic}, {question}, {outlet}, {venue}, {audience}, {hashtag}.
FRAMES = {
    "news_lead": [
        "{Intro} said on {day} that {clause}.",
        "{Intro} reiterated on {day} that {clause}.",
        "In a statement released on {day}, {intro} said {clause}.",
        "{Clause}, {intro} said on {day}.",
        "{Pers} told reporters in {city} that {clause}.",
        "{Intro} said {clause}, according to a readout issued after talks in {city}.",
        "Speaking to reporters on {day}, {pers} said {clause}.",
        "{Intro} stressed on {day} that {clause}.",
        "{Clause}, {pers} told reporters on {day}.",
        "In remarks published on {day}, {intro} said {clause}.",
    ],
    "briefing": [
        "Asked about {topic} at a regular press briefing, {pers} said {clause}.",
        "Q: {question} A: {Clause_we}.",
        "At the press briefing on {day}, {pers} said {clause}.",
        "Responding to a question about {topic}, {pers} said {clause}.",
        "Question: {question} Answer: {Clause_we}.",
        "{Pers} told a news conference on {day} that {clause}.",
    ],
    "communique": [
        "{Clause}.",
        "A statement issued by {inst} on {day} said {clause}.",
        "In a communiqué released on {day}, {inst} affirmed that {clause}.",
        "{Clause_we}.",
        "The communiqué issued by {inst} states that {clause}.",
        "According to a statement from {inst}, {clause}.",
    ],
    "joint_statement": [
        "In a joint statement with {partner}, {side} said {clause}.",
        "{Side} reaffirmed in the joint statement signed in {pcap} that {clause}.",
        "According to the joint statement issued in {pcap}, {clause}.",
        "The joint statement released after talks with {partner} records that {clause}.",
    ],
    "parliament_exec": [
        "Answering questions from lawmakers, {pers} said {clause}.",
        "{Pers} told a parliamentary committee on {day} that {clause}.",
        "During a debate in parliament, {pers} said {clause}.",
    ],
    "parliament_leg": [
        "{Inst} adopted a resolution stating that {clause}.",
        "In a motion passed on {day}, {inst} declared that {clause}.",
        "The resolution adopted by {inst} says {clause}.",
        "During a debate on foreign policy, {pers} told the chamber that {clause}.",
        "That this chamber affirms that {clause}.",
    ],
    "social_post": [
        "{Clause_we}.",
        "{Clause_we}. {hashtag}",
        "Our position is clear: {clause_we}.",
        "Clear and consistent: {clause_we}.",
        "Once again: {clause_we}.",
        "{Clause}.",
        "Today {pers} said that {clause}.",
    ],
    "interview": [
        "In an interview with {outlet}, {pers} said {clause}.",
        "{Pers} told {outlet} that {clause}.",
        "Q: Where do you stand on Taiwan? A: {Clause_we}.",
        "Asked in an interview about cross-Strait relations, {pers} said {clause}.",
    ],
    "speech": [
        "Speaking at {venue}, {pers} said {clause}.",
        "In a speech to {audience}, {pers} declared that {clause}.",
        "Let me be clear: {clause_we}.",
        "{Pers} told an audience in {city} that {clause}.",
        "Ladies and gentlemen, {clause_we}.",
    ],
}
OFFTOPIC_INTERVIEW_Q = "Q: What can you tell us about {topic}? A: {Clause_we}."

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CITIES = ["Beijing", "Taipei", "Washington", "Tokyo", "Brussels", "Geneva", "New York", "Singapore",
          "Jakarta", "London", "Canberra", "Manila", "Berlin", "Paris", "Seoul", "Vientiane", "Kuala Lumpur"]
CAPITAL_OF = {"Russia": "Moscow", "Pakistan": "Islamabad", "Serbia": "Belgrade", "Cambodia": "Phnom Penh",
              "Laos": "Vientiane", "Iran": "Tehran", "China": "Beijing", "Taiwan": "Taipei", "the United States": "Washington", "Japan": "Tokyo",
              "Australia": "Canberra", "South Korea": "Seoul", "the Philippines": "Manila"}
HOME_CITIES = {"P": ["Beijing", "Beijing", "Shanghai"], "T": ["Taipei", "Taipei", "Kaohsiung"],
               "K": ["Taipei", "Taichung"], "M": ["Taipei", "Hsinchu"], "D": ["Taipei", "Tainan", "Kaohsiung"],
               "L": ["Taipei", "New York", "Geneva"]}
STANCE_TOPICS = ["the situation in the Taiwan Strait", "recent military activity near Taiwan",
                 "the outcome of Taiwan's election", "a congressional delegation's visit to Taipei",
                 "arms sales to Taiwan", "remarks by Taiwan's leader", "cross-Strait relations",
                 "reports of a review of its Taiwan policy", "the latest drills around Taiwan",
                 "Taiwan's bid to attend the World Health Assembly"]
STANCE_QUESTIONS = ["What is your comment on the latest developments across the Taiwan Strait?",
                    "Has your government's position on Taiwan changed?",
                    "How do you view the recent tensions around Taiwan?",
                    "What is your response to the military exercises near Taiwan?",
                    "Can you clarify your policy on Taiwan?",
                    "Some lawmakers say your Taiwan policy is shifting. Is that the case?",
                    "What message do you have after the election in Taiwan?"]
OFF_QUESTIONS = ["What is your comment on {topic}?", "Can you give us an update on {topic}?",
                 "Is there anything new on {topic}?"]
OUTLETS = ["a Japanese broadcaster", "a German newspaper", "a regional news agency", "a U.S. television network",
           "a local radio station", "a business daily", "a podcast on Asian affairs", "a French weekly"]
VENUES = ["a security forum in Singapore", "a university in Taipei",
          "an annual diplomatic reception", "a conference on Indo-Pacific security", "a business luncheon",
          "a graduation ceremony", "a parliamentary reception", "an economic forum in Davos", "a foreign policy forum"]
AUDIENCES = ["diplomats", "students", "party members", "business leaders", "visiting lawmakers", "veterans",
             "foreign journalists", "the diplomatic corps"]
HASHTAGS = ["#Taiwan", "#TaiwanStrait", "#ForeignPolicy", "#Diplomacy", "#Asia"]

DISTRACTORS = [
    "In other business, plans for a trade delegation to Kaohsiung next month were confirmed.",
    "Other topics included semiconductor supply chains and export controls.",
    "Other items on the agenda included clean energy and electric vehicles.",
    "Condolences were also offered to the victims of last week's typhoon.",
    "Plans to shorten visa processing for students were also announced.",
    "Maritime safety and search-and-rescue cooperation were also discussed.",
    "A new direct flight route is due to open in the spring.",
    "Tariffs on electric vehicles and solar panels also came up.",
    "Student and youth exchanges are set to increase next year.",
    "A joint pandemic-preparedness exercise is planned for the autumn.",
    "Agricultural exports were the subject of a separate announcement.",
    "Evacuation plans for citizens caught up in the floods were also outlined.",
    "Demand for chips made in Taiwan and South Korea remained strong, officials noted.",
    "Shipping companies reported fog-related delays in the Taiwan Strait the same day.",
    "A film week and a panda exhibition are planned for the autumn.",
    "Investment in battery and chip plants was another focus.",
    "Talks on a free trade agreement are due to resume in the autumn.",
    "A memorandum on disaster relief was signed on the sidelines.",
    "Food security, nuclear safety and cyber threats were also covered.",
    "A business delegation is due to travel to Taipei and Hsinchu in June.",
    "Rescue teams who responded to the earthquake in Hualien were praised for their work.",
    "Energy prices and the security of undersea cables were also raised.",
    "The remarks coincided with a tourism promotion in Kaohsiung.",
    "The minister is expected to attend a trade fair in Shanghai later this month.",
    "Cooperation on rice research and irrigation was also reviewed.",
    "A scholarship scheme for engineering students was announced at the same event.",
]
CONTEXT_PRE = [
    "The remarks came as {event_cl}.",
    "The comments followed {event_np}.",
    "The {day} briefing covered a range of issues, from {t1} to {t2}.",
    "The statement was issued after {event_np}.",
    "It came against the backdrop of {event_np}.",
]
EVENT_NP = ["a week of heightened military activity around Taiwan", "a visit to Taipei by foreign lawmakers",
            "the opening of the World Health Assembly in Geneva", "a regional security forum in Singapore",
            "a round of talks on trade and supply chains", "Taiwan's presidential inauguration",
            "a summit of Pacific Islands leaders", "reports of a shift in Washington's wording on Taiwan",
            "large-scale naval exercises in the region", "a meeting of G7 foreign ministers",
            "the announcement of a new arms sale to Taiwan", "a switch of diplomatic recognition in the Pacific",
            "the opening of a new trade office", "weeks of debate over semiconductor export controls"]
EVENT_CL = ["tensions rose after military drills near Taiwan", "foreign lawmakers arrived in Taipei",
            "the World Health Assembly opened in Geneva", "ministers gathered for a regional security forum",
            "trade negotiators met in Geneva", "a typhoon swept across the region",
            "diplomats prepared for a leaders' summit", "a new government took office in Taipei"]
TOPIC_PAIRS = ["tariffs", "the floods", "student visas", "chip exports", "the climate talks", "a ferry accident",
               "energy prices", "a state visit"]
NEWS_FILLERS = [
    "The remarks came during a week in which several container lines rerouted vessels away from the Taiwan Strait because of a typhoon, pushing up freight rates.",
    "Officials also used the occasion to announce a new scholarship scheme for engineering students and an expansion of direct flights between the two capitals.",
    "Much of the rest of the session was devoted to energy prices, the security of undersea cables and a planned summit on artificial intelligence later in the year.",
    "Trade officials separately confirmed that talks on a digital economy agreement would resume in the autumn after a pause of several months.",
    "The government also announced emergency assistance for farmers hit by floods, including low-interest loans and the rapid repair of damaged irrigation channels.",
    "Earlier in the day, the minister opened a semiconductor research centre built with investment from chipmakers in Taiwan, South Korea and Japan.",
    "Separately, health authorities reported a rise in dengue cases and urged residents to clear standing water around their homes.",
    "The agenda also included climate finance for small island states, fisheries enforcement and the protection of coral reefs.",
    "Reporters also asked about a ferry accident off the southern coast, and officials said all passengers had been accounted for.",
    "A business delegation of more than forty companies is expected to travel to Taipei and Shanghai next month to explore investment opportunities.",
    "The statement was released shortly before a regional summit at which leaders are expected to discuss supply chains, food security and disaster relief.",
    "Officials noted that demand for AI servers had lifted exports across East Asia, with chip shipments from Taiwan and South Korea reaching record levels.",
    "Cultural officials said a film festival and a touring exhibition of Song dynasty ceramics would open in the autumn.",
    "The ministry also warned travellers about heavy rain and possible landslides in mountainous areas over the coming days.",
    "Transport officials confirmed that a new high-speed rail link and two new port terminals would be completed by the end of next year.",
    "Much of the press conference was taken up by questions about inflation, interest rates and the cost of housing for young families.",
    "On the sidelines, officials signed a memorandum on disaster relief and agreed to hold a joint search-and-rescue exercise next spring.",
    "The minister also thanked rescue teams who had helped after the earthquake in Hualien and pledged further support for reconstruction.",
    "A spokesperson added that negotiations on a fisheries agreement were at an advanced stage and could be concluded before the end of the year.",
    "The same statement welcomed progress on a joint project to monitor air quality and reduce emissions from shipping.",
    "Officials said they expected tourist arrivals to recover fully this year, helped by new direct flights and simpler visa procedures.",
    "The briefing ended with an update on evacuation plans for citizens in areas affected by the floods.",
    "Economists noted that the announcement came as markets were watching new tariffs on electric vehicles, steel and solar panels.",
    "The remarks were made at an event that also marked the opening of a new trade office and a programme of student exchanges.",
    "Officials also outlined plans to double the number of engineers trained each year, citing shortages in the chip and battery industries.",
    "The session opened with a minute of silence for the victims of a mining accident earlier in the week.",
]
QA_FILLERS = [
    "Q: Is there any update on the trade negotiations? A: The talks are continuing, and we will release information in due course.",
    "Q: Can you confirm the dates of the minister's trip to Europe? A: The schedule is still being finalised. We will announce it in due course.",
    "Q: What is your comment on the floods in the south? A: We extend our sympathy to the people affected and stand ready to provide assistance.",
    "Q: Are there plans for new direct flights this year? A: The aviation authorities are discussing additional routes, and I would refer you to them.",
    "Q: How do you view the latest oil price rise? A: We are monitoring the market closely and hope prices will remain stable.",
    "Q: Will the summit discuss artificial intelligence? A: Digital cooperation, including AI governance, is on the agenda.",
    "Q: Any comment on the chip export figures released this morning? A: Trade data are published by the customs authority, so I would refer you to them.",
    "Q: Is the visa waiver programme being extended? A: The relevant departments are studying the matter and will announce any decision.",
    "Q: What about the ferry accident reported overnight? A: Our consulate is in touch with local authorities and no nationals are reported injured.",
    "Q: Can you tell us more about the climate conference? A: We will send a delegation and hope for progress on adaptation finance.",
]
CLOSERS = ["No further details were given.", "The full text was posted on the official website.",
           "The statement was released in several languages.", "Reporters were not allowed follow-up questions.",
           "The remarks were broadcast live.", "A summary was later published in English.",
           "Officials said more details would follow."]

# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
POSS = {"3sg": "its", "pl": "their", "1pl": "our"}
PRON = {"3sg": "it", "pl": "they", "1pl": "we"}
IRREG = {"be": "is", "have": "has", "do": "does"}
ALT_RE = re.compile(r"<([^<>]*)>")
VERB_RE = re.compile(r"\[([^\]]+)\]")
SLOT_RE = re.compile(r"\{(CHIPSITE|COUNTRY|CITY|PCT|TARGET)\}")
MIX_SAFE_TAGS = {"negation", "status_quo", "recognition", "reunification", "historical"}
NO_WE_TAGS = {"reported_speech", "sarcasm"}


def third_person(v):
    if v in IRREG:
        return IRREG[v]
    if re.search(r"(s|sh|ch|x|z|o)$", v):
        return v + "es"
    if re.search(r"[^aeiou]y$", v):
        return v[:-1] + "ies"
    return v + "s"


def conj(phrase, person):
    first, _, rest = phrase.partition(" ")
    if person == "3sg":
        first = third_person(first)
    elif first == "be":
        first = "are"
    return first + (" " + rest if rest else "")


def cap(s):
    return s[:1].upper() + s[1:]


def low_article(s):
    for art in ("The ", "A ", "An "):
        if s.startswith(art):
            return art.lower() + s[len(art):]
    return s


def expand_alts(t, rng):
    while True:
        m = ALT_RE.search(t)
        if not m:
            return t
        t = t[:m.start()] + rng.choice(m.group(1).split("|")) + t[m.end():]


def fill_slots(t, rng, fixed=None):
    fixed = fixed or {}
    return SLOT_RE.sub(lambda m: fixed.get(m.group(1)) or rng.choice(SLOTS[m.group(1)]), t)


def render_clause(text, subj, person, rng, slots):
    t = expand_alts(text, rng)
    t = t.replace("{S}", subj).replace("{its}", POSS[person]).replace("{it}", PRON[person])
    t = VERB_RE.sub(lambda m: conj(m.group(1), person), t)
    return fill_slots(t, rng, slots)


def word_count(text):
    return len(text.split())


def norm_text(text):
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


class Group:
    def __init__(self, gid, label, actor, expr, secondary=None, order="gs", connector=", and ",
                 distractors=(), slots=None):
        self.gid = gid
        self.label = label
        self.actor = actor
        self.expr = expr
        self.secondary = secondary
        self.order = order
        self.connector = connector
        self.distractors = list(distractors)
        self.slots = slots or {}
        tags = set(expr.tags)
        if secondary is not None:
            tags |= set(secondary.tags)
            tags.add("mixed_clause")
        if self.distractors:
            tags.add("distractor")
        self.tags = tags
        self.held = expr.held_out or (secondary is not None and secondary.held_out)


def _intro(actor, kind, rng):
    if kind == "inst":
        return rng.choice(actor.inst)
    if kind == "pers":
        return rng.choice(actor.pers)
    return rng.choice(actor.inst + actor.pers)


def build_clause(g, subj, person, rng):
    a, b = g.expr, g.secondary
    if b is None:
        return render_clause(a.text, subj, person, rng, g.slots)
    first, second = (a, b) if g.order == "gs" else (b, a)
    c1 = render_clause(first.text, subj, person, rng, g.slots)
    if "{S}" in first.text:
        s2 = PRON[person]
    else:
        s2 = subj
    c2 = render_clause(second.text, s2, person, rng, g.slots)
    return c1 + g.connector + c2


def fill_frame(frame, actor, clause3, clause_we, rng, topic, question, partner=None):
    home = HOME_CITIES.get(actor.bloc[0], CITIES)
    vals = {
        "day": rng.choice(DAYS), "city": rng.choice(home), "topic": topic, "question": question,
        "outlet": rng.choice(OUTLETS), "venue": rng.choice(VENUES), "audience": rng.choice(AUDIENCES),
        "hashtag": rng.choice(HASHTAGS),
    }
    out = frame
    for key, kind in (("Intro", "any"), ("Inst", "inst"), ("Pers", "pers")):
        if "{" + key + "}" in out:
            out = out.replace("{" + key + "}", cap(_intro(actor, kind, rng)))
        if "{" + key.lower() + "}" in out:
            out = out.replace("{" + key.lower() + "}", low_article(_intro(actor, kind, rng)))
    if actor.side:
        out = out.replace("{Side}", cap(actor.side)).replace("{side}", actor.side)
    if partner:
        out = out.replace("{partner}", partner).replace("{pcap}", CAPITAL_OF.get(partner, partner))
    if clause3 is not None:
        out = out.replace("{Clause}", cap(clause3)).replace("{clause}", clause3)
    if clause_we is not None:
        out = out.replace("{Clause_we}", cap(clause_we)).replace("{clause_we}", clause_we)
    for k, v in vals.items():
        out = out.replace("{" + k + "}", v)
    assert "{" not in out and "[" not in out, out
    return out


def render_full(g, rng):
    e, actor = g.expr, g.actor
    subj = rng.choice([s for s, p in actor.selfs if p == "3sg"])
    t = expand_alts(e.text, rng)
    t = t.replace("{Self}", cap(subj)).replace("{S}", subj)
    t = t.replace("{its}", "its").replace("{it}", "it")
    t = VERB_RE.sub(lambda m: conj(m.group(1), "3sg"), t)
    t = fill_slots(t, rng, g.slots)
    if "{Intro}" in t:
        t = t.replace("{Intro}", cap(_intro(actor, "inst", rng)))
    if "{intro}" in t:
        t = t.replace("{intro}", low_article(_intro(actor, "inst", rng)))
    assert "{" not in t and "[" not in t, t
    return t, e.register


def choose_register(g, rng):
    regs = list(g.actor.regs)
    if not (g.actor.side and g.actor.partners) or set(g.tags) & {"sarcasm", "question", "reported_speech"}:
        regs = [r for r in regs if r != "joint_statement"] or regs
    return rng.choice(regs)


def render_paraphrase(g, rng, long_text=False):
    actor = g.actor
    if g.expr.full:
        text, reg = render_full(g, rng)
    else:
        reg = choose_register(g, rng)
        if reg == "parliament":
            frames = FRAMES["parliament_leg" if actor.kind == "leg" else "parliament_exec"]
        else:
            frames = list(FRAMES[reg])
        no_we = bool(set(g.tags) & NO_WE_TAGS) or g.expr.text.startswith("{S} [deny]")
        if no_we:
            frames = [f for f in frames if "_we}" not in f] or frames
        if g.label == "off_topic":
            frames = [f for f in frames if "clear" not in f.lower() and "Once again" not in f] or frames
        frame = rng.choice(frames)
        if g.label == "off_topic" and reg == "interview" and frame.startswith("Q: Where"):
            frame = OFFTOPIC_INTERVIEW_Q
        if g.label == "off_topic":
            frame = frame.replace("about cross-Strait relations", "about {topic}")
            topic = g.expr.topic
            question = rng.choice(OFF_QUESTIONS).replace("{topic}", topic)
        else:
            topic = rng.choice(STANCE_TOPICS)
            question = rng.choice(STANCE_QUESTIONS)
        partner = None
        if reg == "joint_statement":
            partner = rng.choice(actor.partners)
            if "{side}" in frame.lower():
                subj, person = rng.choice(actor.selfs)
            else:
                subj, person = actor.side, "3sg"
        else:
            subj, person = rng.choice(actor.selfs)
        clause3 = build_clause(g, subj, person, rng) if ("{Clause}" in frame or "{clause}" in frame) else None
        clause_we = build_clause(g, "we", "1pl", rng) if "_we}" in frame else None
        text = fill_frame(frame, actor, clause3, clause_we, rng, topic, question, partner)
    parts = [text]
    for d in g.distractors:
        parts.append(d)
    if long_text and reg not in ("social_post",):
        goal = rng.randint(62, 115)
        if text.startswith("Q:") or text.startswith("Question:"):
            fillers = list(QA_FILLERS)
            rng.shuffle(fillers)
            parts = [x for x in [fillers.pop()] if rng.random() < 0.6] + parts
            while word_count(" ".join(parts)) < goal and fillers:
                parts.append(fillers.pop())
        else:
            pre = rng.choice(CONTEXT_PRE)
            t1, t2 = rng.sample(TOPIC_PAIRS, 2)
            pre = (pre.replace("{event_cl}", rng.choice(EVENT_CL)).replace("{event_np}", rng.choice(EVENT_NP))
                   .replace("{day}", rng.choice(DAYS)).replace("{t1}", t1).replace("{t2}", t2))
            parts.insert(0, pre)
            fillers = list(NEWS_FILLERS)
            rng.shuffle(fillers)
            while word_count(" ".join(parts)) < goal and fillers and len(parts) < 6:
                parts.append(fillers.pop())
            if word_count(" ".join(parts)) < 60 and rng.random() < 0.7:
                parts.append(rng.choice(CLOSERS))
        while word_count(" ".join(parts)) > 120 and parts[-1] != text:
            # drop a trailing filler sentence, never the stance sentence
            parts.pop()
    return " ".join(parts), reg

# --------------------------------------------------------------------------------------------
# Synthetic generation
# --------------------------------------------------------------------------------------------
P_MIX = 0.17
P_DISTRACTOR = 0.16
P_LONG = 0.17


# Indices (into each pool) of canonical expressions that are never held out.
PINNED_SEEN = {"opposes": (0, 2, 3), "does_not_support": (0, 1), "neutral": (0, 1, 3),
               "leans_supports": (0, 3), "supports": (0, 1, 2)}


def assign_expression_ids_and_holdout(rng):
    for label in LABELS:
        pool = POOLS[label]
        for i, e in enumerate(pool):
            e.id = "%s-%02d" % (label, i)
        # the most canonical wordings (which real statements use constantly) always stay "seen"
        idx = [i for i in range(len(pool)) if i not in PINNED_SEEN.get(label, ())]
        rng.shuffle(idx)
        n_held = round(len(pool) * HELD_OUT_EXPR_SHARE)
        for i in idx[:n_held]:
            pool[i].held_out = True


def eligible_actors(expr, label):
    out = []
    for a in ACTORS:
        if label not in a.weights:
            continue
        if not (set(a.bloc) & expr.blocs):
            continue
        if expr.full and not any(p == "3sg" for _, p in a.selfs):
            continue
        if "{TARGET}" in expr.text and (a.bloc[0] != "P" or a.name in NO_TARGET):
            continue
        if any(k in expr.text and a.name in names for k, names in EXPR_EXCLUDE.items()):
            continue
        out.append(a)
    return out


def weighted_choice(rng, items, weights):
    total = sum(weights)
    r = rng.random() * total
    acc = 0.0
    for it, w in zip(items, weights):
        acc += w
        if r < acc:
            return it
    return items[-1]


def make_group(rng, gid, label, expr, is_held, pools=None):
    """One group around ``expr``: an eligible actor, maybe a mixed secondary clause (from
    ``pools``, held-out expressions only in held-out groups), distractors and slot values;
    ``None`` when no actor may say it."""
    pools = pools or POOLS
    actors = eligible_actors(expr, label)
    if not actors:
        return None
    actor = weighted_choice(rng, actors, [a.weights[label] for a in actors])
    rules = [r for r in MIX_RULES if r[0] == label]
    secondary, order, connector = None, "gs", ", and "
    if (rules and not expr.full and set(expr.tags) <= MIX_SAFE_TAGS and rng.random() < P_MIX):
        rule = rng.choice(rules)
        sec_pool = [e for e in pools[rule[1]]
                    if not e.full and set(e.tags) <= {"status_quo", "negation"}
                    and (set(actor.bloc) & e.blocs) and (is_held or not e.held_out)
                    and "{TARGET}" not in e.text]
        if sec_pool:
            secondary = rng.choice(sec_pool)
            order = rng.choice(rule[2])
            if rule[1] == "leans_supports" and label == "does_not_support":
                connector = rng.choice([", but ", ", but ", "; however, "])
            else:
                connector = rng.choice([", and ", ", and ", "; ", ", while "])
    distractors = []
    if rng.random() < P_DISTRACTOR and not expr.full:
        distractors = rng.sample(DISTRACTORS, rng.choice([1, 1, 2]))
    slots = {k: rng.choice(v) for k, v in SLOTS.items()}
    if actor.name in HOST_TARGETS:
        slots["TARGET"] = rng.choice(HOST_TARGETS[actor.name])
    return Group(gid, label, actor, expr, secondary, order, connector, distractors, slots)


def least_used(rng, cand, usage):
    """An expression among the least-used ones, so every expression gets exercised."""
    m = min(usage[e.id] for e in cand)
    return rng.choice([e for e in cand if usage[e.id] <= m + 2])


def make_groups(rng):
    groups = []
    usage = collections.Counter()
    for label in LABELS:
        pool = POOLS[label]
        seen = [e for e in pool if not e.held_out]
        held = [e for e in pool if e.held_out]
        for _ in range(GROUPS_PER_LABEL + EXTRA_GROUPS.get(label, 0)):
            is_held = rng.random() < HELD_OUT_GROUP_RATE
            expr = least_used(rng, held if is_held else seen, usage)
            g = make_group(rng, "g-%05d" % (len(groups) + 1), label, expr, is_held)
            if g is None:
                continue
            usage[expr.id] += 1
            groups.append(g)
    return groups


def render_groups(groups, rng, seen_norm):
    rows = []
    for g in groups:
        n_para = 1 if g.expr.full else rng.choice([1, 2, 2, 2, 3])
        made = 0
        for attempt in range(n_para * 6):
            if made >= n_para:
                break
            long_text = rng.random() < P_LONG
            text, reg = render_paraphrase(g, rng, long_text)
            n = word_count(text)
            if n < 5 or n > 120:
                continue
            key = norm_text(text)
            if key in seen_norm:
                continue
            seen_norm.add(key)
            tags = set(g.tags)
            if any(d in text for d in DISTRACTORS + NEWS_FILLERS + QA_FILLERS):
                tags.add("distractor")
            rows.append({
                "text": text, "label": g.label, "actor": g.actor.name, "date": None,
                "origin": "synthetic", "source": None, "group": g.gid, "register": reg,
                "tags": [t for t in TAGS if t in tags],
                "_held": g.held, "_expr": g.expr.id,
            })
            made += 1
    return rows

# --------------------------------------------------------------------------------------------
# Public-record paraphrases (real, dated positions; paraphrased, never quoted)
# --------------------------------------------------------------------------------------------
# Each entry: actor, date (YYYY-MM-DD or None when the exact day is not certain), source,
# label, register, tags, and 2-3 paraphrases.  Paraphrases of one entry form one group.


def PR(actor, date, source, label, register, tags, *texts):
    return {"actor": actor, "date": date, "source": source, "label": label, "register": register,
            "tags": tags.split(), "texts": list(texts)}


PUBLIC_RECORD = [
    # ---------------- PRC ----------------
    PR("National People's Congress (PRC)", "2005-03-14", "Anti-Secession Law, adopted by the 3rd Session of the 10th National People's Congress",
       "opposes", "parliament", "hypothetical reunification",
       "China's National People's Congress adopted the Anti-Secession Law, which states that Taiwan is part of China and that the state will never allow separatist forces to make Taiwan secede from China under any name or by any means.",
       "Under the Anti-Secession Law passed by the National People's Congress in March 2005, Beijing may employ non-peaceful means if secessionist forces cause Taiwan's secession from China or if possibilities for peaceful reunification are completely exhausted.",
       "The Anti-Secession Law adopted by China's legislature commits the state to pursuing peaceful reunification while reserving non-peaceful means should Taiwan move toward secession."),
    PR("PRC Taiwan Affairs Office", "2022-08-10", "White paper: The Taiwan Question and China's Reunification in the New Era (Taiwan Affairs Office and State Council Information Office)",
       "opposes", "communique", "reunification historical",
       "A white paper issued by Beijing's Taiwan Affairs Office and the State Council Information Office said that Taiwan has belonged to China since ancient times and that complete reunification is a historical inevitability.",
       "China's August 2022 white paper on the Taiwan question says Beijing will work for peaceful reunification with the greatest sincerity but will not renounce the use of force.",
       "According to the 2022 white paper on the Taiwan question, realising the complete reunification of China is a shared aspiration of all Chinese people and separatist activities for Taiwan independence must be firmly opposed."),
    PR("PRC President", "2019-01-02", "Speech at the meeting marking the 40th anniversary of the Message to Compatriots in Taiwan",
       "opposes", "speech", "reunification",
       "In a speech marking the 40th anniversary of the Message to Compatriots in Taiwan, China's president said that reunification is a historical necessity and that Beijing makes no promise to renounce the use of force.",
       "Speaking in Beijing in January 2019, China's president said Taiwan independence runs against the trend of history and that China must and will be reunified, proposing to explore a Taiwan model of one country, two systems."),
    PR("PRC President", "2023-12-31", "New Year address for 2024",
       "opposes", "speech", "reunification",
       "In his New Year address at the end of 2023, China's president said that China will surely be reunified and called on compatriots on both sides of the Strait to work together.",
       "China's president used his New Year message for 2024 to restate that the reunification of the motherland is a historical inevitability."),
    PR("PRC President", "2024-12-31", "New Year address for 2025",
       "opposes", "speech", "reunification",
       "In his New Year message for 2025, China's president said people on both sides of the Taiwan Strait are one family and that no one can stop the historical trend of national reunification.",
       "China's leader said in his 2025 New Year address that nobody can sever the family bond across the Taiwan Strait or halt the trend toward reunification."),
    PR("PRC President", "2022-10-16", "Report to the 20th National Congress of the Communist Party of China",
       "opposes", "speech", "reunification",
       "Opening the Communist Party's 20th National Congress, China's president said Beijing would continue to strive for peaceful reunification but would never promise to renounce the use of force, an option directed at outside interference and a small number of separatists.",
       "In his report to the 20th Party Congress, China's leader said the complete reunification of the country must be realised and that Beijing reserves the option of taking all measures necessary."),
    PR("PRC Ministry of Foreign Affairs", "2022-08-02", "Statement of the PRC Ministry of Foreign Affairs on the U.S. House Speaker's visit to Taiwan",
       "opposes", "communique", "",
       "China's Foreign Ministry said in a statement on the day the U.S. House Speaker arrived in Taipei that the visit gravely violated the one-China principle and that China firmly opposes and strongly condemns it.",
       "Beijing's foreign ministry said the Speaker's trip sent a seriously wrong signal to separatist forces seeking Taiwan independence and reiterated that Taiwan is an inalienable part of China's territory."),
    PR("PLA Eastern Theater Command", "2024-05-23", "Announcement of the Joint Sword-2024A exercises around Taiwan",
       "opposes", "news_lead", "",
       "The PLA's Eastern Theater Command said its joint drills around Taiwan, launched days after the island's new leader took office, were a strong punishment for the separatist acts of Taiwan independence forces.",
       "Announcing the Joint Sword-2024A exercises, China's Eastern Theater Command described them as a stern warning against provocation by separatist forces and interference by external forces."),
    PR("PRC Taiwan Affairs Office", "2024-01-13", "Taiwan Affairs Office spokesperson's remarks on the results of Taiwan's 2024 elections",
       "opposes", "briefing", "reunification",
       "After Taiwan's January 2024 election, Beijing's Taiwan Affairs Office said the result could not change the basic fact that Taiwan is part of China or stop the trend toward reunification.",
       "The Taiwan Affairs Office said the Democratic Progressive Party did not represent mainstream public opinion on the island and that Beijing would keep firmly opposing separatist activities aimed at Taiwan independence."),
    PR("PRC Ministry of Foreign Affairs", "2024-01-15", "PRC Ministry of Foreign Affairs response to Nauru's decision to resume diplomatic relations with China",
       "opposes", "briefing", "recognition",
       "China's Foreign Ministry welcomed Nauru's decision to resume diplomatic relations with Beijing, saying the one-China principle is a prevailing consensus of the international community and that Taiwan is part of China.",
       "Beijing said Nauru's move to cut ties with Taipei showed once again that adhering to the one-China principle, under which Taiwan is an inalienable part of China, is the trend of the times."),
    PR("PRC Ministry of Foreign Affairs", "2021-11-21", "PRC Ministry of Foreign Affairs statement on downgrading diplomatic relations with Lithuania",
       "opposes", "communique", "",
       "Beijing downgraded its diplomatic relations with Lithuania to the level of chargé d'affaires after a Taiwanese Representative Office opened in Vilnius, saying the move violated the one-China principle.",
       "China's Foreign Ministry said Lithuania's decision to let Taiwan open an office under the name Taiwanese undermined China's sovereignty and territorial integrity and breached the one-China principle."),
    PR("PRC Foreign Minister", "2020-08-31", "Remarks by the PRC foreign minister during a visit to Germany on the Czech Senate president's trip to Taiwan",
       "opposes", "news_lead", "",
       "China's foreign minister warned that the president of the Czech Senate would pay a heavy price for visiting Taiwan, saying that challenging the one-China principle made him an enemy of the Chinese people.",
       "During a European tour, China's top diplomat said the Czech Senate president's trip to Taipei was a provocation against the one-China principle that Beijing would not tolerate."),
    PR("PRC Ministry of National Defense", "2021-01-28", "PRC Ministry of National Defense monthly press conference",
       "opposes", "briefing", "",
       "China's Defence Ministry spokesperson warned in January 2021 that Taiwan independence means war, after Chinese military aircraft flew near the island.",
       "A Chinese defence ministry spokesman said the PLA's activities near Taiwan were a response to provocation by separatists and that seeking Taiwan independence would mean war."),
    PR("PRC President", "2022-11-14", "Chinese readout of the Xi-Biden meeting in Bali",
       "opposes", "news_lead", "",
       "At his meeting with the U.S. president in Bali, China's leader said the Taiwan question is at the very core of China's core interests and the first red line that must not be crossed in China–U.S. relations.",
       "According to Beijing's readout of the Bali summit, China's president told his U.S. counterpart that anyone seeking to split Taiwan from China would be going against the fundamental interests of the Chinese nation."),
    PR("PRC President", "2023-11-15", "Chinese readout of the Xi-Biden meeting at Woodside, California",
       "opposes", "news_lead", "reunification reported_speech",
       "According to China's readout of the Woodside summit, China's president urged Washington to stop arming Taiwan and to support China's peaceful reunification.",
       "China's leader told the U.S. president at their California meeting that China will be reunified and that the United States should translate its stated position of not supporting Taiwan independence into concrete actions."),
    # ---------------- United States ----------------
    PR("The White House", "2022-11-14", "White House readout of President Biden's meeting with President Xi in Bali",
       "neutral", "news_lead", "status_quo",
       "According to the White House readout of the Bali meeting, the U.S. president said the One China policy had not changed and that Washington opposes any unilateral changes to the status quo by either side.",
       "The U.S. president told China's leader in Bali that the United States opposes unilateral changes to the status quo from either side and that the world has an interest in peace and stability across the Taiwan Strait."),
    PR("U.S. Government", None, "Joint Communiqué of the United States of America and the People's Republic of China (Shanghai Communiqué)",
       "neutral", "joint_statement", "historical",
       "In the 1972 Shanghai Communiqué, the United States acknowledged that all Chinese on either side of the Taiwan Strait maintain there is but one China and that Taiwan is a part of China, and said it does not challenge that position.",
       "The Shanghai Communiqué recorded Washington's interest in a peaceful settlement of the Taiwan question by the Chinese themselves.",
       "Under the 1972 communiqué signed in Shanghai, the U.S. side acknowledged the Chinese position on Taiwan without endorsing it and reaffirmed its interest in a peaceful settlement."),
    PR("U.S. Government", "1979-01-01", "Joint Communiqué on the Establishment of Diplomatic Relations between the United States and the People's Republic of China",
       "neutral", "joint_statement", "historical recognition",
       "In the joint communiqué establishing diplomatic relations, the United States recognised the government of the People's Republic of China as the sole legal government of China and said Americans would maintain cultural, commercial and other unofficial relations with the people of Taiwan.",
       "Under the 1979 normalisation communiqué, Washington acknowledged the Chinese position that there is but one China and Taiwan is part of China."),
    PR("U.S. Government", "1982-08-17", "Joint Communiqué of the United States and the People's Republic of China of August 17, 1982",
       "does_not_support", "joint_statement", "historical",
       "In the August 1982 communiqué, the United States reiterated that it has no intention of pursuing a policy of two Chinas or one China, one Taiwan.",
       "The third U.S.–China communiqué, issued in August 1982, stated that Washington does not seek to pursue a two Chinas or one China, one Taiwan policy."),
    PR("U.S. Congress", "1979-04-10", "Taiwan Relations Act (Public Law 96-8), policy provisions on peaceful resolution",
       "neutral", "parliament", "historical",
       "The Taiwan Relations Act declares that U.S. diplomatic relations with Beijing rest on the expectation that the future of Taiwan will be determined by peaceful means.",
       "Under the Taiwan Relations Act, any effort to determine Taiwan's future by other than peaceful means, including boycotts or embargoes, is considered a threat to the peace and security of the Western Pacific and of grave concern to the United States."),
    PR("U.S. Congress", "1979-04-10", "Taiwan Relations Act (Public Law 96-8), provisions on defence articles",
       "leans_supports", "parliament", "historical",
       "The Taiwan Relations Act commits the United States to make available to Taiwan such defence articles and services as may be necessary for it to maintain a sufficient self-defence capability.",
       "Under the Taiwan Relations Act, U.S. policy is to provide Taiwan with arms of a defensive character and to maintain the capacity to resist any resort to force or coercion that would jeopardise the security of the people on Taiwan."),
    PR("U.S. President", "1998-06-30", "Remarks by President Clinton at a roundtable in Shanghai (the three noes)",
       "does_not_support", "speech", "",
       "Speaking in Shanghai in June 1998, the U.S. president said Washington does not support independence for Taiwan, or two Chinas, or one Taiwan, one China, and does not believe Taiwan should be a member of organisations for which statehood is a requirement.",
       "Bill Clinton set out what became known as the three noes: no support for Taiwan independence, none for two Chinas or one Taiwan, one China, and none for Taiwan's membership in organisations that require statehood."),
    PR("U.S. President", "2003-12-09", "Remarks by President George W. Bush with Premier Wen Jiabao at the White House",
       "neutral", "news_lead", "status_quo",
       "Standing beside China's premier at the White House in December 2003, the U.S. president said Washington opposes any unilateral decision by either China or Taiwan to change the status quo.",
       "George W. Bush said in December 2003 that the United States opposes unilateral moves by either side of the Taiwan Strait to alter the status quo."),
    PR("U.S. Department of State", "2022-05-26", "Secretary Blinken's speech on the administration's approach to the People's Republic of China",
       "does_not_support", "speech", "mixed_clause status_quo",
       "In a speech on China policy, the U.S. secretary of state said Washington opposes any unilateral changes to the status quo from either side, does not support Taiwan independence and expects cross-Strait differences to be resolved by peaceful means.",
       "Washington's top diplomat said in May 2022 that U.S. policy on Taiwan had not changed: the United States does not support Taiwan independence and opposes unilateral changes to the status quo by either side."),
    PR("U.S. President", "2024-01-13", "President Biden's remarks to reporters on Taiwan's election",
       "does_not_support", "news_lead", "",
       "Asked by reporters about the result of Taiwan's election, the U.S. president said the United States does not support independence.",
       "The U.S. president told reporters at the White House on the day of Taiwan's January 2024 election that Washington does not support Taiwan independence."),
    PR("U.S. President", "2022-09-18", "President Biden's interview with CBS 60 Minutes",
       "leans_supports", "interview", "hypothetical",
       "In a television interview aired in September 2022, the U.S. president said American forces would defend Taiwan in the event of an unprecedented attack.",
       "The U.S. president said in a September 2022 interview that U.S. troops would help defend Taiwan if China launched an unprecedented attack on the island."),
    PR("U.S. Department of State", "2025-02-13", "U.S. Department of State fact sheet on U.S. relations with Taiwan (February 2025 update)",
       "leans_supports", "communique", "",
       "The State Department's updated fact sheet on relations with Taiwan dropped the line saying the United States does not support Taiwan independence and said Washington would support Taiwan's membership in international organisations where applicable.",
       "In February 2025 the State Department revised its Taiwan fact sheet, removing the statement that it does not support Taiwan independence and adding support for Taiwan's participation in international organisations."),
    PR("U.S. Department of State", "2025-02-13", "U.S. Department of State fact sheet on U.S. relations with Taiwan (February 2025 update), status quo passage",
       "neutral", "communique", "status_quo",
       "The revised State Department fact sheet on Taiwan says the United States opposes any unilateral changes to the status quo from either side and expects cross-Strait differences to be resolved by peaceful means.",
       "After its February 2025 update, the State Department's Taiwan fact sheet no longer mentions independence and instead stresses opposition to unilateral changes to the status quo."),
    PR("U.S. Secretary of State", None, "Secretary Pompeo's radio interview, November 2020",
       "supports", "interview", "negation",
       "In a radio interview in November 2020, the U.S. secretary of state said that Taiwan has not been a part of China.",
       "Mike Pompeo told a radio host in November 2020 that Taiwan has not been part of China, a remark that went beyond official U.S. policy."),
    PR("U.S. Department of State", "2021-01-09", "Statement by Secretary Pompeo lifting self-imposed restrictions on the U.S.–Taiwan relationship",
       "leans_supports", "communique", "",
       "The U.S. secretary of state announced in January 2021 that he was lifting self-imposed restrictions on contacts between American officials and their Taiwanese counterparts, calling Taiwan a vibrant democracy and reliable partner.",
       "In early January 2021, the State Department scrapped internal guidelines limiting official contacts with Taiwan, describing the island as a reliable partner and a democracy."),
    PR("U.S. Congress", "2020-03-26", "Taiwan Allies International Protection and Enhancement Initiative (TAIPEI) Act of 2019",
       "leans_supports", "parliament", "",
       "The TAIPEI Act, signed into law in March 2020, directs the U.S. government to support Taiwan's diplomatic relationships and its participation in international organisations.",
       "Under the TAIPEI Act of 2020, Washington is to help Taiwan strengthen its official diplomatic ties and to advocate for its membership or observer status in international organisations."),
    PR("U.S. Congress", "2018-03-16", "Taiwan Travel Act (Public Law 115-135)",
       "leans_supports", "parliament", "",
       "The Taiwan Travel Act, signed in March 2018, says it should be U.S. policy to allow officials at all levels to travel to Taiwan to meet their Taiwanese counterparts.",
       "The Taiwan Travel Act encourages visits between U.S. and Taiwanese officials at all levels, including cabinet-level national security officials."),
    PR("United States and Japan", "2021-04-16", "U.S.–Japan Joint Leaders' Statement: U.S.–Japan Global Partnership for a New Era",
       "neutral", "joint_statement", "",
       "In their April 2021 joint statement, the leaders of the United States and Japan underscored the importance of peace and stability across the Taiwan Strait and encouraged the peaceful resolution of cross-Strait issues.",
       "Washington and Tokyo said in a 2021 summit statement that peace and stability across the Taiwan Strait matter and that cross-Strait issues should be resolved peacefully."),
    PR("United States and Japan", "2024-04-10", "U.S.–Japan Joint Leaders' Statement, April 2024",
       "neutral", "joint_statement", "",
       "Japan and the United States said in their April 2024 summit statement that their basic positions on Taiwan were unchanged and stressed the importance of peace and stability across the Taiwan Strait.",
       "The 2024 U.S.–Japan leaders' statement reaffirmed that maintaining peace and stability across the Taiwan Strait is indispensable to international security."),
    PR("United States and South Korea", "2021-05-21", "U.S.–ROK Leaders' Joint Statement, May 2021",
       "neutral", "joint_statement", "",
       "In their May 2021 joint statement, the U.S. and South Korean presidents emphasised the importance of preserving peace and stability in the Taiwan Strait.",
       "Seoul and Washington agreed in a 2021 leaders' statement on the importance of peace and stability in the Taiwan Strait."),
    # ---------------- G7 / EU / Europe ----------------
    PR("G7 Leaders", "2021-06-13", "G7 Carbis Bay Summit Communiqué",
       "neutral", "communique", "",
       "The G7 leaders' communiqué from Carbis Bay underscored the importance of peace and stability across the Taiwan Strait and encouraged the peaceful resolution of cross-Strait issues.",
       "Meeting in Cornwall in June 2021, G7 leaders stressed the importance of peace and stability across the Taiwan Strait for the first time in a summit communiqué."),
    PR("G7 Foreign Ministers", "2022-08-03", "G7 Foreign Ministers' Statement on Preserving Peace and Stability Across the Taiwan Strait",
       "neutral", "communique", "",
       "G7 foreign ministers said there was no change in their respective One China policies and no justification for using a visit as a pretext for aggressive military activity in the Taiwan Strait.",
       "In their August 2022 statement, G7 foreign ministers urged China not to change the status quo by force unilaterally and to resolve cross-Strait differences by peaceful means."),
    PR("G7 Foreign Ministers", "2023-04-18", "G7 Foreign Ministers' Communiqué, Karuizawa",
       "leans_supports", "communique", "mixed_clause",
       "The G7 foreign ministers' communiqué from Karuizawa reaffirmed the importance of peace and stability across the Taiwan Strait and voiced support for Taiwan's meaningful participation in international organisations, including the World Health Assembly.",
       "Meeting in Karuizawa in April 2023, G7 foreign ministers backed Taiwan's meaningful participation in international organisations while calling for a peaceful resolution of cross-Strait issues."),
    PR("G7 Leaders", "2023-05-20", "G7 Hiroshima Leaders' Communiqué",
       "neutral", "communique", "",
       "The Hiroshima leaders' communiqué stated that there is no change in the basic positions of G7 members on Taiwan, including stated One China policies, and called for a peaceful resolution of cross-Strait issues.",
       "G7 leaders meeting in Hiroshima in May 2023 reaffirmed the importance of peace and stability across the Taiwan Strait and said their basic positions on Taiwan had not changed."),
    PR("European External Action Service (EU)", None, "EEAS spokesperson statements on cross-Strait tensions",
       "neutral", "communique", "status_quo",
       "The EU's diplomatic service reiterated that the European Union has a One China policy and opposes any unilateral change of the status quo by force or coercion.",
       "Brussels said its One China policy remained unchanged and that tensions across the Taiwan Strait should be resolved peacefully through dialogue."),
    PR("European Parliament", "2021-10-21", "European Parliament recommendation on EU–Taiwan political relations and cooperation",
       "leans_supports", "parliament", "",
       "The European Parliament adopted its first report on EU–Taiwan political relations, calling for closer ties with Taiwan and support for its meaningful participation in international organisations.",
       "MEPs voted in October 2021 for a recommendation urging the EU to deepen its partnership with Taiwan and to back the island's participation in bodies such as the World Health Organization."),
    PR("Government of Lithuania", "2021-11-18", "Opening of the Taiwanese Representative Office in Vilnius",
       "leans_supports", "news_lead", "",
       "Lithuania allowed Taiwan to open a representative office in Vilnius under the name Taiwanese rather than Taipei, a step toward closer ties that stopped short of diplomatic recognition.",
       "Vilnius went ahead with the opening of a Taiwanese Representative Office in November 2021 despite Beijing's objections, deepening economic and political ties with Taiwan."),
    PR("Czech Senate", "2020-09-01", "Speech by the President of the Czech Senate to Taiwan's Legislative Yuan",
       "leans_supports", "speech", "",
       "Addressing Taiwan's legislature in September 2020, the president of the Czech Senate declared himself a Taiwanese, echoing John F. Kennedy's Berlin speech as a gesture of solidarity with Taiwan's democracy.",
       "The Czech Senate president told lawmakers in Taipei that he stood with Taiwan's people and their democracy, drawing a parallel with Kennedy's solidarity with West Berlin."),
    PR("German Federal Foreign Office", None, "Statements by the German foreign minister on the Taiwan Strait, 2022-2023",
       "neutral", "news_lead", "status_quo",
       "Germany's foreign minister said the status quo in the Taiwan Strait may only be changed peacefully and by mutual consent.",
       "Berlin said any change to the situation across the Taiwan Strait must come about peacefully and with the agreement of both sides."),
    PR("UK Foreign, Commonwealth and Development Office", None, "UK government statements on Taiwan in Parliament",
       "neutral", "parliament", "",
       "The UK government says the Taiwan issue should be settled peacefully by the people on both sides of the Taiwan Strait through constructive dialogue, without the threat or use of force or coercion.",
       "British ministers have told Parliament that London's long-standing position is that cross-Strait differences should be resolved peacefully through dialogue by the people on both sides."),
    PR("Australian Department of Foreign Affairs and Trade", None, "Australian government statements on the Taiwan Strait",
       "neutral", "communique", "status_quo",
       "Australia says it does not support any unilateral change to the status quo across the Taiwan Strait and wants differences resolved peacefully.",
       "Canberra has repeatedly said it opposes any unilateral change to the cross-Strait status quo and maintains its one China policy."),
    # ---------------- Japan / Canada / Asia ----------------
    PR("Government of Japan", "1972-09-29", "Joint Communiqué of the Government of Japan and the Government of the People's Republic of China",
       "neutral", "joint_statement", "historical recognition",
       "In the 1972 Japan–China Joint Communiqué, Japan recognised the People's Republic of China as the sole legal government of China and said it fully understands and respects Beijing's stand that Taiwan is an inalienable part of its territory.",
       "Under the joint communiqué signed in Beijing in September 1972, Tokyo stated that it fully understands and respects China's position on Taiwan, in keeping with the Potsdam Proclamation, without itself recognising Chinese sovereignty over the island."),
    PR("Government of Canada", "1970-10-13", "Joint communiqué on the establishment of diplomatic relations between Canada and the People's Republic of China",
       "neutral", "joint_statement", "historical recognition",
       "When Canada recognised the People's Republic of China in 1970, Ottawa said it takes note of Beijing's statement that Taiwan is an inalienable part of Chinese territory, without endorsing that claim.",
       "Canada's 1970 recognition of Beijing used the formula that it takes note of the Chinese position on Taiwan, a wording later copied by other countries."),
    PR("India Ministry of External Affairs", "2022-08-12", "India MEA weekly media briefing remarks on developments in the Taiwan Strait",
       "neutral", "briefing", "status_quo",
       "India's External Affairs Ministry urged restraint, the avoidance of unilateral actions to change the status quo, de-escalation of tensions and efforts to keep peace and stability in the region.",
       "New Delhi said in August 2022 that, like many countries, it was concerned about developments around Taiwan and called for restraint and de-escalation."),
    PR("ASEAN Foreign Ministers", "2022-08-03", "ASEAN Foreign Ministers' Statement on the Cross Strait Development",
       "neutral", "communique", "",
       "ASEAN foreign ministers reiterated their member states' support for their respective One-China Policy and called for maximum restraint amid tensions across the Taiwan Strait.",
       "In an August 2022 statement, ASEAN foreign ministers warned that the situation around Taiwan could lead to miscalculation and urged all parties to refrain from provocative action."),
    PR("Philippine Department of Foreign Affairs", None, "Philippine DFA statement after the 2024 Taiwan election, January 2024",
       "neutral", "communique", "",
       "The Philippine foreign ministry reaffirmed the country's One China Policy after the president's message to Taiwan's president-elect drew a protest from Beijing.",
       "Manila said it remained committed to its One China Policy and explained that the president's congratulations were a way of thanking Taiwan for hosting Filipino workers."),
    PR("President of the Philippines", None, "Social media message by the Philippine president after Taiwan's 2024 election",
       "leans_supports", "social_post", "",
       "The Philippine president congratulated Taiwan's president-elect on his election victory and said he looked forward to close collaboration.",
       "After Taiwan's January 2024 election, the Philippine president publicly congratulated the winner and welcomed closer cooperation with Taiwan."),
    PR("President of South Korea", None, "Interview of the South Korean president with Reuters, April 2023",
       "neutral", "interview", "status_quo",
       "In an April 2023 interview, South Korea's president described the Taiwan issue as a global issue, like North Korea, and said Seoul opposes attempts to change the status quo by force.",
       "South Korea's president said tensions over Taiwan arise from attempts to change the status quo by force, which Seoul together with the international community opposes."),
    PR("Shinzo Abe (former Prime Minister of Japan)", "2021-12-01", "Video address by former Japanese prime minister Shinzo Abe to a forum in Taipei",
       "leans_supports", "speech", "hypothetical",
       "Former Japanese prime minister Shinzo Abe told a Taipei forum by video link that an emergency for Taiwan would also be an emergency for Japan and for the Japan–U.S. alliance.",
       "Japan's former prime minister said in December 2021 that Tokyo and Washington could not stand by if Taiwan faced a military emergency."),
    PR("UN General Assembly", "1971-10-25", "UN General Assembly Resolution 2758 (XXVI)",
       "neutral", "communique", "historical",
       "General Assembly resolution 2758 of October 1971 recognised the representatives of the People's Republic of China as the only lawful representatives of China to the United Nations and expelled those of Chiang Kai-shek.",
       "In 1971 the UN General Assembly voted to restore the rights of the People's Republic of China and give its representatives China's seat at the United Nations."),
    PR("UN Secretary-General", None, "Remarks by the UN Secretary-General's spokesperson on Taiwan",
       "neutral", "briefing", "historical",
       "The UN Secretary-General's spokesperson said the United Nations' position on Taiwan remains guided by General Assembly resolution 2758 of 1971.",
       "Asked about Taiwan, the UN spokesperson referred reporters to General Assembly resolution 2758, which he said guides the organisation's position."),
    # ---------------- Taiwan ----------------
    PR("Office of the President (Taiwan)", "2016-05-20", "Inaugural address of President Tsai Ing-wen",
       "neutral", "speech", "status_quo",
       "In her May 2016 inaugural address, Taiwan's president pledged to conduct cross-Strait affairs in accordance with the ROC Constitution and to maintain existing mechanisms for dialogue, preserving peace and stability.",
       "Taiwan's new president said at her 2016 inauguration that she would work to maintain the status quo of peace and stability across the Taiwan Strait."),
    PR("Office of the President (Taiwan)", "2021-10-10", "National Day address of President Tsai Ing-wen (the four commitments)",
       "supports", "speech", "",
       "In her National Day address in October 2021, Taiwan's president set out four commitments, including that the Republic of China and the People's Republic of China should not be subordinate to each other and that Taiwan's future must be decided by the will of its people.",
       "Taiwan's president said on National Day 2021 that the Republic of China and the People's Republic of China are not subordinate to each other and that Taiwan would resist annexation."),
    PR("Office of the President (Taiwan)", "2019-01-02", "President Tsai Ing-wen's response to the PRC president's speech on Taiwan",
       "leans_supports", "speech", "negation reported_speech",
       "Responding to Beijing's call for unification, Taiwan's president said Taiwan will never accept one country, two systems and that the vast majority of Taiwanese resolutely oppose it.",
       "Hours after China's leader spoke in January 2019, Taiwan's president rejected his one country, two systems proposal, saying Taiwan's future must be decided by its people."),
    PR("Office of the President (Taiwan)", None, "President Tsai Ing-wen's interview with the BBC, January 2020",
       "supports", "interview", "negation",
       "In an interview with the BBC in January 2020, Taiwan's president said there was no need to declare independence because Taiwan is already an independent country called the Republic of China (Taiwan).",
       "Taiwan's president told the BBC after her re-election that Taiwan did not need to declare itself an independent state because it already is one."),
    PR("Office of the President (Taiwan)", "2024-05-20", "Inaugural address of President Lai Ching-te",
       "supports", "speech", "mixed_clause status_quo",
       "In his inaugural address, Taiwan's new president said the Republic of China and the People's Republic of China are not subordinate to each other and urged Beijing to stop its political and military intimidation.",
       "Taiwan's president used his May 2024 inauguration speech to pledge to maintain the status quo while stating that neither side of the Strait is subordinate to the other."),
    PR("Office of the President (Taiwan)", "2024-10-10", "National Day address of President Lai Ching-te",
       "supports", "speech", "negation",
       "On National Day 2024, Taiwan's president said the People's Republic of China has no right to represent Taiwan and that the two sides are not subordinate to each other.",
       "Taiwan's president said in his October 2024 National Day speech that the Republic of China has taken root in Taiwan and that the PRC has no right to represent it."),
    PR("Mainland Affairs Council (Taiwan)", None, "Mainland Affairs Council statements rejecting one country, two systems",
       "leans_supports", "briefing", "",
       "Taiwan's Mainland Affairs Council said the island's public overwhelmingly rejects one country, two systems and that Taiwan's future can only be decided by its 23 million people.",
       "The Mainland Affairs Council said Beijing's unification formula had no support in Taiwan and that only the Taiwanese people can determine the island's future."),
    PR("Kuomintang (KMT)", None, "KMT party platform and statements on cross-Strait policy",
       "opposes", "news_lead", "",
       "Taiwan's Kuomintang reaffirmed its adherence to the 1992 Consensus and its opposition to Taiwan independence as the basis for cross-Strait engagement.",
       "The KMT said peaceful cross-Strait relations rest on the 1992 Consensus and on opposing Taiwan independence."),
    # ---------------- Beijing-aligned governments ----------------
    PR("Russian Ministry of Foreign Affairs", "2022-02-04", "Joint Statement of the Russian Federation and the People's Republic of China on International Relations Entering a New Era",
       "opposes", "joint_statement", "",
       "In the joint statement issued in Beijing on 4 February 2022, the Russian side reaffirmed its support for the one-China principle, confirmed that Taiwan is an inalienable part of China and said it opposes any form of Taiwan independence.",
       "Moscow's joint statement with Beijing in February 2022 recorded Russia's opposition to any form of independence for Taiwan."),
    PR("Kremlin (Russian Presidency)", "2023-03-21", "Russia–China joint statement on deepening the comprehensive strategic partnership, Moscow",
       "opposes", "joint_statement", "",
       "During the Chinese president's March 2023 visit to Moscow, Russia reaffirmed that Taiwan is an inalienable part of China's territory and that it opposes any form of Taiwan independence.",
       "In a joint statement signed in Moscow in March 2023, Russia said it firmly supports China's measures to safeguard its sovereignty and territorial integrity with regard to Taiwan."),
    PR("Kremlin (Russian Presidency)", "2024-05-16", "Russia–China joint statement, Beijing, May 2024",
       "opposes", "joint_statement", "reunification",
       "In the May 2024 joint statement signed in Beijing, Russia reiterated its adherence to the one-China principle, opposed any form of Taiwan independence and backed China's efforts to achieve national reunification.",
       "Russia's president and his Chinese counterpart agreed in May 2024 that Taiwan is part of China, with Moscow supporting Beijing's measures to achieve reunification."),
    PR("Pakistan Ministry of Foreign Affairs", None, "Pakistan–China joint statements",
       "opposes", "joint_statement", "",
       "In a joint statement with China, Pakistan reaffirmed its firm commitment to the one-China principle and its firm support for China on the Taiwan issue.",
       "Islamabad reiterated in its joint statement with Beijing that it adheres to the one-China principle and firmly backs China's position on Taiwan."),
    PR("Government of Cambodia", None, "Cambodia–China joint statements",
       "opposes", "joint_statement", "reunification",
       "Cambodia reaffirmed in a joint statement with China that it firmly adheres to the one-China principle, regards Taiwan as an inalienable part of China's territory and supports China's efforts to achieve national reunification.",
       "Phnom Penh said in its joint statement with Beijing that it opposes any form of Taiwan independence and supports China's reunification."),
    PR("Government of Serbia", None, "Serbia–China joint statement during the Chinese president's 2024 visit to Belgrade",
       "opposes", "joint_statement", "",
       "In the joint statement issued during the Chinese president's 2024 visit to Belgrade, Serbia reaffirmed its adherence to the one-China principle and its view that Taiwan is an inalienable part of China.",
       "Belgrade restated in its 2024 joint statement with Beijing that it considers Taiwan part of China's territory and adheres to the one-China principle."),
    PR("Government of Iran", None, "Iran–China joint statement during the Iranian president's February 2023 state visit to China",
       "opposes", "joint_statement", "",
       "Iran reiterated its firm support for the one-China principle in the joint statement issued during its president's 2023 state visit to Beijing.",
       "In a 2023 joint statement with China, the Iranian side reaffirmed its commitment to the one-China principle."),
    # ---------------- recognition switches ----------------
    PR("Government of Nicaragua", "2021-12-09", "Nicaraguan government statement on breaking relations with Taiwan and recognising the PRC",
       "opposes", "communique", "recognition",
       "Nicaragua's government announced that it was breaking diplomatic relations with Taiwan and recognised that there is only one China, with the People's Republic of China as the sole legitimate government and Taiwan an inalienable part of Chinese territory.",
       "Managua said in December 2021 that it recognises the People's Republic of China as the only legitimate government representing all of China and Taiwan as part of China's territory, ending its ties with Taipei."),
    PR("Government of Honduras", "2023-03-25", "Honduran government statement and joint communiqué on establishing relations with the PRC",
       "opposes", "communique", "recognition",
       "Honduras announced that it recognises the government of the People's Republic of China as the sole legal government representing the whole of China and that Taiwan is an inalienable part of China's territory, severing ties with Taipei.",
       "In March 2023 the Honduran foreign ministry said Honduras had ended its diplomatic relationship with Taiwan and would have no further official contact with it, in line with the one-China principle."),
    PR("Government of Nauru", "2024-01-15", "Nauru government statement on resuming diplomatic relations with the PRC",
       "opposes", "communique", "recognition negation",
       "Nauru's government said it would no longer recognise the Republic of China (Taiwan) as a separate country but as an inalienable part of China's territory, switching recognition to Beijing.",
       "Two days after Taiwan's January 2024 election, Nauru announced that it was cutting diplomatic ties with Taipei and recognising the People's Republic of China, accepting that Taiwan is part of China."),
    PR("Government of Solomon Islands", "2019-09-16", "Solomon Islands cabinet decision to switch recognition to the PRC",
       "opposes", "news_lead", "recognition",
       "The Solomon Islands government decided in September 2019 to switch diplomatic recognition from Taipei to Beijing, recognising the People's Republic of China as the sole legal government of China under the one-China principle.",
       "Honiara cut ties with Taiwan in 2019 and said it would abide by the one-China principle in its relations with Beijing."),
    PR("Government of Kiribati", "2019-09-20", "Kiribati government decision to establish relations with the PRC",
       "opposes", "news_lead", "recognition",
       "Kiribati cut diplomatic ties with Taiwan in September 2019 and recognised the People's Republic of China under the one-China principle.",
       "Days after Solomon Islands, Kiribati switched recognition from Taipei to Beijing, accepting the one-China principle."),
    PR("Government of Panama", None, "Joint communiqué on the establishment of diplomatic relations between Panama and the PRC, June 2017",
       "opposes", "joint_statement", "recognition",
       "Panama established diplomatic relations with the People's Republic of China in 2017, recognising that there is only one China in the world and that Taiwan is an inalienable part of Chinese territory, and broke off ties with Taipei.",
       "In June 2017 Panama switched recognition to Beijing, stating that it recognises only one China, of which Taiwan is a part."),
    PR("Government of the Dominican Republic", "2018-05-01", "Dominican Republic government announcement on establishing relations with the PRC",
       "opposes", "news_lead", "recognition",
       "The Dominican Republic switched recognition from Taipei to Beijing in May 2018, stating that it recognises only one China, with Taiwan an inalienable part of Chinese territory.",
       "Santo Domingo established ties with the People's Republic of China in 2018 and accepted the one-China principle, ending decades of relations with Taiwan."),
    PR("Government of El Salvador", "2018-08-21", "El Salvador government announcement on establishing relations with the PRC",
       "opposes", "news_lead", "recognition",
       "El Salvador broke ties with Taiwan in August 2018 and established relations with Beijing, recognising the one-China principle.",
       "San Salvador announced in August 2018 that it would recognise only the People's Republic of China, under the one-China principle, ending its relationship with Taipei."),
    # ---------------- Taiwan's diplomatic allies ----------------
    PR("Government of Paraguay", "2024-05-20", "Paraguay's president at the inauguration of Taiwan's president",
       "supports", "news_lead", "recognition",
       "Paraguay's president attended the May 2024 inauguration in Taipei and reaffirmed his country's diplomatic relations with the Republic of China (Taiwan).",
       "Paraguay, Taiwan's only diplomatic ally in South America, sent its president to the 2024 inauguration in Taipei as a sign of its recognition of the Republic of China (Taiwan)."),
    PR("Government of Paraguay", None, "Statements by Paraguay's government on relations with Taiwan",
       "supports", "interview", "recognition",
       "Paraguay's president said his country would maintain its recognition of the Republic of China (Taiwan) rather than switching to Beijing.",
       "Asunción has said it will keep its diplomatic ties with Taiwan, which it recognises as a sovereign state, despite pressure from agricultural exporters to switch."),
    PR("Government of Guatemala", None, "Statements by Guatemala's government on relations with Taiwan, 2024",
       "supports", "news_lead", "recognition",
       "Guatemala's president reaffirmed in 2024 that his country would maintain diplomatic relations with the Republic of China (Taiwan).",
       "Guatemala, Taiwan's largest remaining diplomatic ally by population, confirmed it would keep recognising Taipei."),
    PR("Government of Eswatini", None, "Eswatini government statements on relations with Taiwan",
       "supports", "news_lead", "recognition",
       "Eswatini, Taiwan's only diplomatic ally in Africa, maintains formal diplomatic relations with the Republic of China (Taiwan).",
       "The kingdom of Eswatini has kept its recognition of the Republic of China (Taiwan) even as other African states switched to Beijing."),
    PR("Government of the Marshall Islands", None, "Marshall Islands government statements on relations with Taiwan",
       "supports", "news_lead", "recognition",
       "The Marshall Islands maintains full diplomatic relations with the Republic of China (Taiwan) and has reaffirmed its support at the United Nations.",
       "Majuro recognises the Republic of China (Taiwan) and has repeatedly spoken up for it in international forums."),
    PR("Government of Palau", None, "Statements by Palau's president on relations with Taiwan",
       "supports", "interview", "recognition",
       "Palau's president has said that his country will continue to recognise the Republic of China (Taiwan) and will not switch to Beijing despite pressure.",
       "Palau maintains diplomatic relations with the Republic of China (Taiwan), which it recognises as a sovereign state."),
    PR("Government of Tuvalu", None, "Tuvalu government statement after the 2024 general election",
       "supports", "news_lead", "recognition",
       "Tuvalu's new government said after its 2024 election that it would maintain diplomatic relations with the Republic of China (Taiwan).",
       "Tuvalu confirmed in 2024 that it would keep recognising Taipei, dispelling speculation that it might switch to Beijing."),
    PR("Government of Belize", None, "Belize government statements on relations with Taiwan",
       "supports", "news_lead", "recognition",
       "Belize maintains formal diplomatic relations with the Republic of China (Taiwan), which it recognises as a sovereign state.",
       "The government of Belize has reaffirmed its diplomatic ties with Taiwan and its support for Taiwan's international participation."),
    PR("Government of Haiti", None, "Haitian government statements on relations with Taiwan",
       "supports", "news_lead", "recognition",
       "Haiti recognises the Republic of China (Taiwan) and maintains formal diplomatic relations with Taipei.",
       "Port-au-Prince remains one of the governments that recognise the Republic of China (Taiwan) as a state."),
    PR("Government of Saint Kitts and Nevis", None, "Saint Kitts and Nevis government statements on relations with Taiwan",
       "supports", "news_lead", "recognition",
       "Saint Kitts and Nevis maintains diplomatic relations with the Republic of China (Taiwan) and has backed its participation in UN agencies.",
       "The Kittitian government recognises the Republic of China (Taiwan) and has spoken in its favour at the UN General Assembly."),
    PR("Government of Saint Lucia", None, "Saint Lucia government statements on relations with Taiwan",
       "supports", "news_lead", "recognition",
       "Saint Lucia recognises the Republic of China (Taiwan) and maintains formal diplomatic relations with Taipei.",
       "Castries has kept its diplomatic ties with the Republic of China (Taiwan), which it recognises as a state."),
    PR("Government of Saint Vincent and the Grenadines", None, "Statements by the government of Saint Vincent and the Grenadines on relations with Taiwan",
       "supports", "speech", "recognition",
       "Saint Vincent and the Grenadines maintains diplomatic relations with the Republic of China (Taiwan), and its prime minister has called for Taiwan's inclusion in the UN system.",
       "The Vincentian government recognises the Republic of China (Taiwan) as a sovereign state and has spoken up for Taiwan's participation in the UN system."),
    PR("Holy See", None, "Diplomatic relations between the Holy See and the Republic of China",
       "supports", "news_lead", "recognition",
       "The Holy See is the only European state that maintains formal diplomatic relations with the Republic of China (Taiwan).",
       "The Vatican continues to recognise the Republic of China (Taiwan), whose embassy to the Holy See is the island's only embassy in Europe."),
    PR("Taiwan's diplomatic allies (WHA proposal)", None, "Proposals by Taiwan's diplomatic allies to invite Taiwan to the World Health Assembly",
       "leans_supports", "communique", "",
       "Several of Taiwan's diplomatic allies again proposed at the World Health Assembly that Taiwan be invited to attend as an observer.",
       "A group of Taiwan's allies tabled a motion asking the World Health Assembly to invite Taiwan as an observer, arguing its exclusion harms global health."),
]

# --------------------------------------------------------------------------------------------
# Assembly, splits, output
# --------------------------------------------------------------------------------------------
SPLIT_TARGET = {"test": 0.16, "dev": 0.15}


def public_record_rows(seen_norm):
    rows = []
    for i, pr in enumerate(PUBLIC_RECORD):
        gid = "g-pr-%03d" % (i + 1)
        for t in pr["texts"]:
            assert 5 <= word_count(t) <= 120, t
            key = norm_text(t)
            assert key not in seen_norm, t
            seen_norm.add(key)
            rows.append({
                "text": t, "label": pr["label"], "actor": pr["actor"], "date": pr["date"],
                "origin": "public_record", "source": pr["source"], "group": gid,
                "register": pr["register"], "tags": [x for x in TAGS if x in pr["tags"]],
                "_held": False, "_expr": None,
            })
    return rows


def assign_splits(rows, rng):
    by_group = collections.OrderedDict()
    for r in rows:
        by_group.setdefault(r["group"], []).append(r)
    split_of = {}
    for label in LABELS:
        gids = [g for g, rs in by_group.items() if rs[0]["label"] == label]
        total = sum(len(by_group[g]) for g in gids)
        held = [g for g in gids if by_group[g][0]["_held"]]
        seen = [g for g in gids if not by_group[g][0]["_held"]]
        rng.shuffle(held)
        rng.shuffle(seen)
        count = {"train": 0, "dev": 0, "test": 0}
        for i, g in enumerate(held):
            sp = "test" if i % 2 == 0 else "dev"
            split_of[g] = sp
            count[sp] += len(by_group[g])
        for g in seen:
            if count["test"] < SPLIT_TARGET["test"] * total:
                sp = "test"
            elif count["dev"] < SPLIT_TARGET["dev"] * total:
                sp = "dev"
            else:
                sp = "train"
            split_of[g] = sp
            count[sp] += len(by_group[g])
    return split_of


def build(rng):
    assign_expression_ids_and_holdout(rng)
    seen_norm = set()
    pr_rows = public_record_rows(seen_norm)
    groups = make_groups(rng)
    syn_rows = render_groups(groups, rng, seen_norm)
    rows = pr_rows + syn_rows
    split_of = assign_splits(rows, rng)
    splits = {"train": [], "dev": [], "test": []}
    for r in rows:
        splits[split_of[r["group"]]].append(r)
    n = 0
    out = {}
    for sp in ("train", "dev", "test"):
        rs = splits[sp]
        rng.shuffle(rs)
        final = []
        for r in rs:
            n += 1
            o = collections.OrderedDict()
            o["id"] = "st-%06d" % n
            for f in FIELDS[1:]:
                o[f] = r[f]
            o["phrasing"] = "held_out" if (sp != "train" and r["_held"]) else "seen"
            final.append(o)
        out[sp] = final
    return out


# --------------------------------------------------------------------------------------------
# Generic off-topic statements (added after the first release)
# --------------------------------------------------------------------------------------------
# Two families of new off_topic rows, generated *after* the original corpus with their own RNG
# (GENERIC_SEED) and appended to the split files, so every original row stays byte-identical and
# in place and the new ids continue the sequence:
#
# * ``generic`` (groups ``g-gen-NNNN``, tag ``generic``): statements with no Taiwan/China content
#   at all -- visits, trade, climate, health, housing, education, culture, sport, disaster relief,
#   consular services, infrastructure, energy, agriculture, science, logistics, the economy,
#   procedural briefing talk, greetings, agenda and list items, headlines, social posts -- and
#   diplomatic keyword traps that are not about Taiwan ("supports the candidacy of ...",
#   "sovereignty over its fisheries", "the status quo on landing slots", "the right of the people
#   of ... to choose their leaders", "peace and stability in the Sahel / the region" for other
#   regions).  Every off_topic row of the original corpus mentions Taiwan or China, so without
#   these a model learns that any diplomatic-sounding sentence carries a stance.
# * ``otm`` (groups ``g-otm-NNNN``): short transcript-style lines that mention Taiwan or China
#   without a stance ("Q: Any comment on the typhoon in Taiwan?").
#
# This pool was written separately from the long-document filler in build_longdocs.py (test and
# dev); ``--check`` asserts that no corpus sentence equals a filler sentence and that the new rows
# share no 8-word shingle with the filler or the long documents' structural lines.
GENERIC_SEED = 20250917
ORIGINAL_ROWS = 4307         # rows st-000001 .. st-004307 predate the generic rows
GENERIC_HELD_SHARE = 0.15    # share of generic expressions reserved for dev/test (phrasing held_out)
GENERIC_ROW_TARGET = 590     # generic rows (the otm family adds about 100 more)
GENERIC_MIN_WORDS = 5        # like every corpus row (the corpus rule is 5 to 120 words)
MAX_SHORT_ROWS = 40          # at most this many rows under 5 words
GEN_SPLIT_TARGET = {"test": 0.16, "dev": 0.15}
P_GEN_LONG = 0.3

# Taiwan/China content: generic rows must not match.
TW_CN_RE = re.compile(
    r"taiwan|taipei|formosa|strait|china|chinese|beijing|\bprc\b|\broc\b|mainland|kaohsiung|hsinchu|"
    r"taichung|tainan|keelung|hualien|taitung|penghu|kinmen|matsu|fujian|xiamen|shanghai|guangdong|"
    r"guangzhou|shenzhen|sichuan|tibet|xinjiang|hong kong|macau|macao|mandarin|kuomintang|\bkmt\b|"
    r"\bdpp\b|tsmc|panda|\byuan\b|lunar new year|one country|one.china|1992 consensus", re.I)

GSLOTS = {
    "GCITY": ["Nairobi", "Lima", "Accra", "Lisbon", "Oslo", "Montevideo", "Dakar", "Almaty", "Amman", "Suva",
              "Warsaw", "Quito", "Colombo", "Rabat", "Helsinki", "Kigali", "Bogotá", "Tbilisi"],
    "GCOUNTRY": ["Kenya", "Ghana", "Peru", "Chile", "Morocco", "Vietnam", "Mongolia", "Jordan", "Fiji", "Samoa",
                 "Uruguay", "Portugal", "Norway", "Finland", "Poland", "Senegal", "Bangladesh", "Sri Lanka",
                 "Tanzania", "Zambia", "Costa Rica", "Ecuador", "Mozambique", "Kazakhstan", "Malawi", "Jamaica"],
    "GREGION": ["East Africa", "the Andes", "the Gulf", "the Nordic countries", "the Caribbean", "Central Europe",
                "the Pacific islands", "West Africa", "Central Asia", "the Balkans"],
    "NUMW": ["two", "three", "four", "five", "six", "eight", "ten", "twelve"],
    "NUMBIG": ["1,200", "2,500", "4,000", "6,500", "10,000", "25,000", "40,000"],
    "GPCT": ["1.8", "2.4", "3.1", "4.2", "5.5", "6.7"],
    "GMONTH": ["January", "February", "May", "August", "December"],
    "GDAY": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "GINDEP": ["Ghana", "Kenya", "Jamaica", "Namibia", "Botswana", "Mexico", "Chile", "Senegal"],
    "GROYAL": ["Norway", "Sweden", "Denmark", "Jordan", "Bhutan", "Tonga"],
}
GSLOT_RE = re.compile(r"\{(" + "|".join(GSLOTS) + r")\}")


class GActor:
    """An actor of the original corpus with Taiwan/China-free introductions for generic rows."""

    def __init__(self, name, bloc, inst, pers, selfs, cities, weight=1, side=None, partners=None, cats=None):
        self.name, self.bloc, self.inst, self.pers = name, bloc, inst, pers
        self.cats = cats            # restrict to these expression categories (None: any)
        self.selfs = []
        for s in selfs:
            np_, _, person = s.partition("|")
            self.selfs.append((np_, person or "3sg"))
        self.cities, self.weight, self.side, self.partners = cities, weight, side, partners


GA = GActor
GENERIC_ACTORS = [
    GA("U.S. Department of State", "WS", ["The U.S. State Department", "The State Department"],
       ["A State Department spokesperson", "The U.S. secretary of state"], ["the United States", "Washington"],
       ["Washington"], 3, "the U.S. side", ["Mexico", "Kenya", "Canada"]),
    GA("The White House", "WS", ["The White House"], ["The White House press secretary", "A White House spokesperson"],
       ["the administration", "the United States"], ["Washington"], 2),
    GA("Japan Ministry of Foreign Affairs", "W", ["Japan's Foreign Ministry"],
       ["Japan's foreign minister", "A Japanese Foreign Ministry spokesperson"], ["Japan", "Tokyo"], ["Tokyo"], 3,
       "the Japanese side", ["India", "Vietnam", "Brazil"]),
    GA("Chief Cabinet Secretary of Japan", "W", ["The Japanese government"], ["Japan's chief cabinet secretary"],
       ["Japan", "the government"], ["Tokyo"], 2),
    GA("UK Foreign, Commonwealth and Development Office", "W", ["Britain's Foreign Office"],
       ["A UK Foreign Office minister", "Britain's foreign secretary"], ["the United Kingdom", "Britain"],
       ["London"], 3, "the British side", ["Ghana", "Norway", "Canada"]),
    GA("Australian Department of Foreign Affairs and Trade", "W", ["Australia's Department of Foreign Affairs and Trade"],
       ["Australia's foreign minister", "A DFAT spokesperson"], ["Australia", "Canberra"], ["Canberra", "Sydney"], 3,
       "the Australian side", ["Fiji", "Indonesia", "New Zealand"]),
    GA("Global Affairs Canada", "W", ["Global Affairs Canada"], ["Canada's foreign minister", "A Global Affairs Canada spokesperson"],
       ["Canada", "Ottawa"], ["Ottawa"], 2),
    GA("French Ministry for Europe and Foreign Affairs", "W", ["France's foreign ministry"],
       ["The French foreign ministry spokesperson", "France's foreign minister"], ["France", "Paris"], ["Paris"], 2,
       "the French side", ["Senegal", "Morocco", "Germany"]),
    GA("German Federal Foreign Office", "W", ["Germany's Federal Foreign Office"],
       ["Germany's foreign minister", "A German Foreign Office spokesperson"], ["Germany", "Berlin"], ["Berlin"], 2),
    GA("European External Action Service (EU)", "W", ["The European External Action Service", "The EU's diplomatic service"],
       ["The EU's foreign policy chief", "An EU spokesperson for foreign affairs"], ["the European Union", "the EU"],
       ["Brussels"], 3, "the EU side", ["the African Union", "Chile", "Kenya"]),
    GA("G7 Foreign Ministers", "W", ["The G7 foreign ministers' meeting"], ["G7 foreign ministers"],
       ["the G7", "G7 members|pl"], ["Rome", "Ottawa"], 1),
    GA("New Zealand Ministry of Foreign Affairs and Trade", "W", ["New Zealand's Ministry of Foreign Affairs and Trade"],
       ["New Zealand's foreign minister"], ["New Zealand", "Wellington"], ["Wellington"], 2,
       "the New Zealand side", ["Samoa", "Tonga"]),
    GA("Netherlands Ministry of Foreign Affairs", "W", ["The Dutch Foreign Ministry"], ["The Dutch foreign minister"],
       ["the Netherlands"], ["The Hague"], 1),
    GA("Government of Lithuania", "W", ["Lithuania's Foreign Ministry"], ["Lithuania's foreign minister"],
       ["Lithuania", "Vilnius"], ["Vilnius"], 1),
    GA("India Ministry of External Affairs", "N", ["India's Ministry of External Affairs"],
       ["The spokesperson of India's External Affairs Ministry"], ["India", "New Delhi"], ["New Delhi"], 2,
       "the Indian side", ["Bangladesh", "Mauritius", "Japan"]),
    GA("Singapore Ministry of Foreign Affairs", "N", ["Singapore's Ministry of Foreign Affairs"],
       ["Singapore's foreign minister", "A Singapore MFA spokesperson"], ["Singapore"], ["Singapore"], 2),
    GA("ASEAN Foreign Ministers", "N", ["The ASEAN foreign ministers' meeting", "ASEAN"], ["ASEAN foreign ministers"],
       ["ASEAN", "ASEAN member states|pl"], ["Jakarta", "Kuala Lumpur"], 1),
    GA("South Korea Ministry of Foreign Affairs", "N", ["South Korea's Foreign Ministry"],
       ["South Korea's foreign minister", "A South Korean Foreign Ministry spokesperson"], ["South Korea", "Seoul"],
       ["Seoul"], 2, "the Korean side", ["Vietnam", "Poland"]),
    GA("Philippine Department of Foreign Affairs", "N", ["The Philippine Department of Foreign Affairs"],
       ["The Philippine foreign secretary"], ["the Philippines", "Manila"], ["Manila"], 1),
    GA("Indonesia Ministry of Foreign Affairs", "N", ["Indonesia's Foreign Ministry"], ["Indonesia's foreign minister"],
       ["Indonesia", "Jakarta"], ["Jakarta"], 1),
    GA("Brazil Ministry of Foreign Affairs", "N", ["Brazil's Foreign Ministry", "Itamaraty"], ["Brazil's foreign minister"],
       ["Brazil", "Brasília"], ["Brasília"], 1, "the Brazilian side", ["Argentina", "Angola"]),
    GA("UN Secretary-General", "U", ["The United Nations Secretariat"],
       ["The UN Secretary-General's spokesperson", "The UN Secretary-General"], ["the United Nations", "the UN"],
       ["New York", "Geneva"], 2),
    GA("World Health Organization", "U", ["The World Health Organization"], ["A WHO spokesperson"], ["the WHO"],
       ["Geneva"], 1, cats={"health", "procedural", "greetings", "agenda"}),
    GA("Russian Ministry of Foreign Affairs", "A", ["Russia's Foreign Ministry"], ["A Russian Foreign Ministry spokeswoman"],
       ["Russia", "Moscow"], ["Moscow"], 2, "the Russian side", ["India", "Brazil"]),
    GA("Pakistan Ministry of Foreign Affairs", "A", ["Pakistan's Foreign Office"], ["A spokesperson for Pakistan's Foreign Office"],
       ["Pakistan", "Islamabad"], ["Islamabad"], 1),
    GA("Government of Serbia", "A", ["The Serbian government"], ["Serbia's foreign minister"], ["Serbia", "Belgrade"],
       ["Belgrade"], 1),
    GA("Government of Cambodia", "A", ["Cambodia's Foreign Ministry"], ["Cambodia's foreign minister"],
       ["Cambodia", "Phnom Penh"], ["Phnom Penh"], 1),
    GA("Government of Honduras", "X", ["The Honduran government"], ["Honduras's foreign minister"], ["Honduras"],
       ["Tegucigalpa"], 1),
    GA("Government of Solomon Islands", "X", ["The Solomon Islands government"], ["The Solomon Islands prime minister"],
       ["Solomon Islands"], ["Honiara"], 1),
    GA("Government of Nauru", "X", ["Nauru's government"], ["Nauru's president"], ["Nauru"], ["Yaren"], 1),
    GA("Government of Paraguay", "L", ["Paraguay's Foreign Ministry"], ["Paraguay's foreign minister"],
       ["Paraguay", "Asunción"], ["Asunción"], 1),
    GA("Government of Guatemala", "L", ["Guatemala's Foreign Ministry"], ["Guatemala's foreign minister"], ["Guatemala"],
       ["Guatemala City"], 1),
    GA("Government of Eswatini", "L", ["The government of Eswatini"], ["Eswatini's prime minister"], ["Eswatini"],
       ["Mbabane"], 1),
    GA("Government of the Marshall Islands", "L", ["The Marshall Islands government"],
       ["The president of the Marshall Islands"], ["the Marshall Islands"], ["Majuro"], 1),
    GA("Government of Palau", "L", ["Palau's government"], ["Palau's president"], ["Palau"], ["Koror"], 1),
    GA("Government of Saint Lucia", "L", ["Saint Lucia's government"], ["Saint Lucia's prime minister"],
       ["Saint Lucia"], ["Castries"], 1),
    # PRC and Taiwan actors speak here about unrelated matters, with country-free introductions.
    GA("PRC Ministry of Foreign Affairs", "P", ["The foreign ministry"],
       ["The foreign ministry spokesperson", "The ministry's spokesperson"], ["the government", "the ministry"], [], 2),
    GA("Taiwan Ministry of Foreign Affairs", "T", ["The foreign ministry"],
       ["The ministry's spokesperson", "The foreign minister"], ["the ministry", "the government"], [], 2),
    GA("Executive Yuan (Taiwan)", "T", ["The cabinet"], ["The cabinet spokesperson", "The premier"],
       ["the government", "the cabinet"], [], 1),
    GA("Kuomintang (KMT)", "K", ["The opposition party"], ["A party spokesperson", "The party chairman"], ["the party"], [], 1),
    # legislatures
    GA("European Parliament", "G", ["The European Parliament"], ["A member of the European Parliament"],
       ["Parliament", "MEPs|pl"], ["Strasbourg", "Brussels"], 1),
    GA("UK House of Commons Foreign Affairs Committee", "G", ["The House of Commons Foreign Affairs Committee"],
       ["The chair of the Commons Foreign Affairs Committee"], ["the committee"], ["London"], 1),
    GA("U.S. House of Representatives", "G", ["The U.S. House of Representatives"], ["A U.S. congressman"],
       ["the House"], ["Washington"], 1),
]
GEN_VENUES = ["a business luncheon", "an annual diplomatic reception", "a graduation ceremony", "a foreign policy forum",
              "a regional development conference", "a chamber of commerce dinner", "a meeting of mayors"]
GEN_HASHTAGS = ["#Diplomacy", "#ForeignPolicy", "#Partnership"]
CAT_HASHTAGS = {"climate": "#ClimateAction", "health": "#GlobalHealth", "trade": "#Trade", "relief": "#Solidarity",
                "culture": "#CultureMatters", "education": "#Education", "energy": "#EnergyTransition"}
GOV = "WSNALXPT"   # default actors for clause templates with a subject: governments, not parties, legislatures or the UN
GEN_QUESTIONS = ["Where do things stand on {topic}?", "Do you have anything on {topic}?",
                 "Could you update us on {topic}?", "What is the latest on {topic}?",
                 "A question about {topic}: what happens next?"]
# (register, frame).  Sentence-sized units (bare sentence, numbered paragraph, speaker turn,
# question) dominate because long documents are classified sentence by sentence.
GEN_FRAMES = [
    ("communique", "{Clause}.", 4), ("news_lead", "{Clause}.", 4), ("communique", "{num}. {Clause}.", 2),
    ("briefing", "SPOKESPERSON: {Clause_we}.", 3), ("briefing", "Q: {gq} A: {Clause_we}.", 2),
    ("briefing", "Q: {gq}", 1), ("briefing", "Asked about {topic}, {pers} said {clause}.", 1),
    ("briefing", "{Pers} told the daily briefing that {clause}.", 1),
    ("news_lead", "{Intro} said on {day} that {clause}.", 2), ("news_lead", "{Clause}, {intro} said in a statement.", 1),
    ("news_lead", "According to {inst}, {clause}.", 1), ("news_lead", "In a statement released on {day}, {intro} said {clause}.", 1),
    ("social_post", "{Clause_we}.", 2), ("social_post", "{Clause_we}. {hashtag}", 1), ("social_post", "Good news: {clause_we}.", 1),
    ("speech", "Speaking at {venue}, {pers} said {clause}.", 1), ("speech", "Ladies and gentlemen, {clause_we}.", 1),
    ("interview", "In an interview with {outlet}, {pers} said {clause}.", 1), ("interview", "{Pers} told {outlet} that {clause}.", 1),
    ("parliament", "Answering questions from lawmakers, {pers} said {clause}.", 1),
    ("joint_statement", "According to the joint statement issued after talks with {partner}, {clause_pl}.", 1),
]
GEN_EXTRAS = [
    "Further details will be posted on the official website later in the day.",
    "Officials said more information would be released in the coming weeks.",
    "The announcement was made at a press conference in the capital.",
    "Reporters were handed a written summary after the event.",
    "The full statement was published in English and French.",
    "A spokesperson said the timetable could still change.",
    "Officials did not take questions afterwards.",
    "Local media carried the announcement live.",
    "The item was one of several on a long agenda.",
    "An update is expected before the end of the month.",
]


class GExpr:
    def __init__(self, family, cat, kind, text, topic=None, tags="", blocs=None, reg=None):
        self.family, self.cat, self.kind, self.text = family, cat, kind, text
        self.topic = topic
        self.tags = set(tags.split())
        self.blocs = set(blocs) if blocs else None
        self.reg = reg
        self.held_out = False
        self.id = None


def GC(cat, text, topic, tags="", blocs=None):
    """A generic clause template ({S}, [verbs], <a|b>, slots) rendered through GEN_FRAMES.  By default
    it is said by a government (the UN and WHO also for health, relief and climate)."""
    if blocs is None:
        blocs = GOV + ("U" if cat in ("health", "relief", "climate") else "")
    return GExpr("generic", cat, "clause", text, topic, tags, blocs)


def GL(cat, text, reg, tags=""):
    """A complete generic line (procedural talk, greeting, agenda item, headline)."""
    return GExpr("generic", cat, "line", text, None, tags, None, reg)


def TL(text, reg="briefing", tags=""):
    """A short line that mentions Taiwan or China without any stance (answered by a government or
    body outside China and Taiwan)."""
    return GExpr("otm", "taiwan_mention", "line", text, None, "distractor " + tags, "WSNUALXG", reg)


WEST = "WSNLUG"   # actors for whom statements about other countries' democracy or sovereignty fit
GENERIC_POOL = [
    # ---- visits and bilateral relations ----
    GC("visits", "{S} [welcome] the state visit of the president of {GCOUNTRY} and [look] forward to talks on skills, tourism and investment", "the state visit"),
    GC("visits", "the foreign minister leaves for {GCITY} on {GDAY} for the first round of political consultations in five years", "the minister's trip"),
    GC("visits", "the two foreign ministers reviewed cooperation in education, tourism and renewable energy and will hold their next meeting in the spring", "the talks"),
    GC("visits", "{S} [thank] the government and people of {GCOUNTRY} for the warm hospitality extended to the delegation", "the visit"),
    GC("visits", "the president will receive the credentials of {NUMW} newly accredited ambassadors at a ceremony on {GDAY}", "the credentials ceremony"),
    GC("visits", "the visit ended with the signing of agreements on customs cooperation, tourism and the mutual recognition of driving licences", "the agreements signed"),
    GC("visits", "{S} will host the joint economic commission with {GCOUNTRY} for the first time since the pandemic", "the joint commission"),
    GC("visits", "the vice-president will lead the delegation to the inauguration of the new president of {GCOUNTRY}", "the inauguration"),
    GC("visits", "a guard of honour and a children's choir greeted the visiting prime minister at the airport", "the arrival ceremony"),
    GC("visits", "the two leaders agreed to raise relations to a strategic partnership covering energy, health and migration", "the summit"),
    GC("visits", "the minister held a working breakfast with business leaders before flying on to {GCITY}", "the minister's schedule"),
    GC("visits", "{S} [be] honoured to welcome the king and queen of {GROYAL} on their first official visit", "the royal visit"),
    GC("visits", "the talks also covered visa facilitation for students and seasonal workers", "the talks"),
    GC("visits", "{S} [mark] sixty years of diplomatic relations with {GCOUNTRY} with a concert and a photo exhibition", "the anniversary", "distractor"),
    GC("visits", "the embassy in {GCITY} will move to a new building in the diplomatic quarter in {GMONTH}", "the embassy move"),
    GC("visits", "{S} [have] appointed a career diplomat with long experience in {GREGION} as the new ambassador to {GCOUNTRY}", "the appointment"),
    # ---- diplomatic keyword traps that say nothing about Taiwan ----
    GC("diplomacy", "{S} [congratulate] {GCOUNTRY} on its election to the Human Rights Council", "the council elections", "distractor", WEST),
    GC("diplomacy", "{S} [back] the candidacy of {GCOUNTRY} for a non-permanent seat on the Security Council", "the Security Council elections", "distractor"),
    GC("diplomacy", "{S} [support] {GCOUNTRY}'s application to join the OECD and will share {its} experience of the accession process", "the OECD accession", "distractor", WEST),
    GC("diplomacy", "{S} [respect] the right of the people of {GCOUNTRY} to choose their leaders in free and fair elections", "the elections", "distractor", WEST),
    GC("diplomacy", "{S} [congratulate] the people of {GCOUNTRY} on peaceful elections and [praise] the maturity of their democracy", "the elections", "distractor", WEST),
    GC("diplomacy", "{S} [support] the sovereignty and territorial integrity of Ukraine within its internationally recognised borders", "Ukraine", "distractor", "WSG"),
    GC("diplomacy", "the right of peoples to permanent sovereignty over their natural resources must be respected in mining contracts", "mining contracts", "distractor"),
    GC("diplomacy", "{S} [affirm] the sovereign right of {GCOUNTRY} to manage the fish stocks in its exclusive economic zone", "fisheries", "distractor"),
    GC("diplomacy", "{S} will not recognise degrees issued by unaccredited online universities", "foreign degrees", "distractor negation"),
    GC("diplomacy", "{S} [recognise] the professional qualifications of engineers trained in {GCOUNTRY} under a new agreement", "professional qualifications", "distractor"),
    GC("diplomacy", "{S} [be] not in favour of postponing the conference and [want] it held on the agreed dates", "the conference dates", "distractor negation"),
    GC("diplomacy", "{S} [have] never supported the proposal to close the regional fisheries office", "the fisheries office", "distractor negation"),
    GC("diplomacy", "{S} [do] not endorse the draft budget of the organisation in its current form", "the draft budget", "distractor negation"),
    GC("diplomacy", "the league's clubs oppose any attempt to change the rules of the championship in the middle of the season", "the championship rules", "distractor"),
    GC("diplomacy", "{S} [stand] with the people of {GCOUNTRY} as they rebuild after the floods", "the floods", "distractor"),
    GC("diplomacy", "{S} [express] solidarity with the families of the miners trapped underground in {GCOUNTRY}", "the mining accident", "distractor"),
    GC("diplomacy", "{S} [call] for peace and stability in the Sahel and [support] the mediation efforts of the African Union", "the Sahel", "distractor"),
    GC("diplomacy", "{S} [be] committed to peace and stability in the Western Balkans and to the region's European future", "the Western Balkans", "distractor", WEST),
    GC("diplomacy", "peace and stability in the Horn of Africa depend on an inclusive political process and on humanitarian access", "the Horn of Africa", "distractor"),
    GC("diplomacy", "{S} [welcome] the ceasefire in the South Caucasus and [hope] it will bring lasting peace and stability to the region", "the South Caucasus", "distractor"),
    GC("diplomacy", "the summit of West African leaders concluded that peace and stability in the region depend on a swift return to constitutional order", "West Africa", "distractor"),
    GC("diplomacy", "{S} [urge] restraint on the Korean Peninsula and [call] for the resumption of dialogue with Pyongyang", "the Korean Peninsula", "distractor"),
    GC("diplomacy", "the summit of Central Asian leaders concluded that peace and stability in the region require cooperation on water and energy", "Central Asia", "distractor"),
    GC("diplomacy", "{S} [call] on all parties in the Great Lakes region to respect the ceasefire and protect civilians", "the Great Lakes region", "distractor"),
    GC("diplomacy", "{S} [support] a peaceful settlement of the maritime boundary dispute between the two Andean neighbours at the International Court of Justice", "the boundary case", "distractor"),
    GC("diplomacy", "{S} [oppose] any unilateral change to the water-sharing arrangements on the shared river and [urge] both governments to return to the basin commission", "the river basin", "distractor"),
    GC("diplomacy", "the status quo on landing slots at the capital's airport will remain until the new rules are agreed", "airport slots", "distractor"),
    GC("diplomacy", "{S} [want] the status quo on fishing rights in the North Atlantic preserved until new scientific advice is published", "fishing rights", "distractor"),
    GC("diplomacy", "the status quo in the trade agreement's dispute settlement chapter will not change under the revised text", "the trade agreement", "distractor"),
    GC("diplomacy", "{S} [value] peace and stability in the Caribbean and will send a delegation to the regional security conference", "the Caribbean", "distractor"),
    GC("diplomacy", "{S} [call] for calm after the disputed election in {GCOUNTRY} and [urge] all sides to settle their differences in the courts", "the election dispute", "distractor"),
    GC("diplomacy", "{S} will speed up family reunification visas for refugees who already have relatives in the country", "family visas", "distractor"),
    GC("diplomacy", "{S} [support] the independence of the national statistics office and will not comment on the figures before they are published", "the statistics", "distractor"),
    GC("diplomacy", "{S} [stress] the importance of an independent judiciary and a free press in every democracy", "the rule of law", "distractor", WEST),
    GC("diplomacy", "if the talks in {GCITY} fail, the ministers would meet again before the end of the year", "the talks", "hypothetical"),
    # ---- trade and investment ----
    GC("trade", "{S} [expect] the economic partnership agreement with {GCOUNTRY} to enter into force on 1 {GMONTH}", "the partnership agreement"),
    GC("trade", "bilateral trade in goods grew by {GPCT} percent last year, led by machinery, medicines and processed food", "bilateral trade"),
    GC("trade", "the investment agency has opened a one-stop office to help foreign firms obtain permits within thirty days", "foreign investment"),
    GC("trade", "{S} [welcome] the decision of a Scandinavian carmaker to build an electric-van plant near {GCITY}", "the car plant"),
    GC("trade", "negotiators closed the chapter on public procurement and will turn to services and investment in the next round", "the negotiations"),
    GC("trade", "{S} [have] requested consultations at the World Trade Organization over new duties on olive oil and canned tomatoes", "the trade dispute"),
    GC("trade", "the export credit agency will guarantee loans for small firms selling to markets in Africa and Latin America", "export credit"),
    GC("trade", "{S} [reject] the proposed tariff on imported cheese, warning that it would push up prices for families", "the cheese tariff"),
    GC("trade", "talks on a bilateral investment treaty with {GCOUNTRY} will resume after the summer recess", "the investment treaty"),
    GC("trade", "{S} [support] the early conclusion of the digital trade agreement and [urge] negotiators to settle the last chapters", "digital trade", "distractor"),
    GC("trade", "the joint business council brought together more than {NUMW} hundred companies from both countries", "the business council"),
    GC("trade", "{S} [plan] to double exports of processed fruit to {GCOUNTRY} within five years", "fruit exports"),
    GC("trade", "a new customs agreement with {GCOUNTRY} will let trusted traders clear goods in under an hour", "the customs agreement"),
    GC("trade", "the trade minister will chair a roundtable on critical minerals with mining companies and investors", "critical minerals"),
    GC("trade", "{S} [be] lifting the remaining restrictions on beef imports from {GCOUNTRY} after a successful veterinary audit", "beef imports"),
    GC("trade", "the sovereign wealth fund will invest in ports and renewable energy projects across {GREGION}", "the wealth fund", "distractor"),
    GC("trade", "{S} [welcome] the record number of exhibitors at the agricultural show in {GCITY}", "the agricultural show"),
    # ---- climate and environment ----
    GC("climate", "{S} [pledge] to cut methane emissions from landfills and livestock by a third before 2030", "methane"),
    GC("climate", "{S} [call] for faster delivery of the finance promised to countries hit hardest by rising seas", "climate finance"),
    GC("climate", "the ministers agreed to pool resources for early-warning systems against floods and cyclones in small island states", "early warning"),
    GC("climate", "the government has declared a drought emergency in three provinces and is sending water tankers to the worst-hit villages", "the drought"),
    GC("climate", "{S} [support] the goal of protecting at least a third of the world's land and ocean by 2030", "biodiversity", "distractor"),
    GC("climate", "a heatwave warning remains in force for the river valley, where temperatures are expected to pass 40 degrees", "the heatwave warning"),
    GC("climate", "the cyclone has weakened to a tropical storm, but heavy flooding is still expected along the southern coast", "the cyclone"),
    GC("climate", "the new carbon levy will apply to cement, steel and fertiliser plants from the start of next year", "the carbon levy"),
    GC("climate", "volunteers removed more than {NUMW} tonnes of plastic from the mangroves during the clean-up week", "the clean-up week"),
    GC("climate", "{S} will phase out new petrol and diesel cars by 2035 and expand charging points along the motorways", "electric cars"),
    GC("climate", "the wildfire season started three weeks earlier than usual, and firefighters from {GCOUNTRY} are helping local crews", "the wildfires"),
    GC("climate", "{S} [welcome] the agreement to set up a fund for loss and damage and will contribute in its first year", "loss and damage"),
    GC("climate", "glacier monitoring stations recorded the fastest loss of ice since measurements began", "the glaciers"),
    GC("climate", "{S} [be] planting mangroves along {NUMW} kilometres of coastline to protect villages from storm surges", "coastal protection"),
    GC("climate", "the river authority has lifted its flood warning after water levels fell overnight", "the flood warning"),
    # ---- health ----
    GC("health", "{S} [have] donated {NUMBIG} doses of measles vaccine to the immunisation campaign in {GCOUNTRY}", "the vaccine donation"),
    GC("health", "the health minister opened a new maternity ward and neonatal unit at the district hospital", "the new maternity ward"),
    GC("health", "the cholera outbreak in the coastal districts is under control, with no new cases for two weeks", "the cholera outbreak"),
    GC("health", "{S} [welcome] the adoption of the pandemic agreement by the World Health Assembly", "the pandemic agreement", "distractor"),
    GC("health", "{S} [support] the WHO's campaign to eliminate cervical cancer and will fund screening in rural clinics", "cancer screening", "distractor"),
    GC("health", "mobile clinics will visit remote villages every fortnight to provide check-ups, vaccinations and eye tests", "mobile clinics"),
    GC("health", "the government will cap the price of insulin and {NUMW} other essential medicines", "medicine prices"),
    GC("health", "{S} [be] sending a field hospital and a team of surgeons to help those injured in the blast", "the explosion"),
    GC("health", "a nationwide campaign encourages adults over forty to check their blood pressure and blood sugar", "the screening campaign"),
    GC("health", "{S} [have] agreed with {GCOUNTRY} to train {NUMBIG} nurses and midwives over the next four years", "nurse training"),
    GC("health", "the polio vaccination drive reached more than {NUMW} million children in its first week", "the polio campaign"),
    GC("health", "hospital waiting times for hip and knee operations have fallen by a quarter since the spring", "waiting times"),
    # ---- housing and cities ----
    GC("housing", "the city will convert empty office towers into {NUMBIG} affordable flats over the next five years", "affordable housing"),
    GC("housing", "{S} [plan] to relax planning rules so that more rental homes can be built near railway stations", "rental housing"),
    GC("housing", "rents in the capital rose by {GPCT} percent last year, the sharpest increase in a decade", "rents"),
    GC("housing", "first-time buyers will be able to borrow with a five percent deposit under the new guarantee scheme", "the mortgage scheme"),
    GC("housing", "the mayor has promised to clear the waiting list for council flats within four years", "council housing"),
    GC("housing", "{S} will fund the insulation of {NUMBIG} older homes to cut heating bills this winter", "home insulation"),
    GC("housing", "a new law will limit short-term holiday lets in the historic centre to ninety nights a year", "holiday lets"),
    GC("housing", "the night bus network will be extended to the outer suburbs from {GMONTH}", "night buses"),
    # ---- education ----
    GC("education", "{S} [offer] {NUMW} hundred scholarships a year for postgraduate study in engineering and public health", "scholarships"),
    GC("education", "the new school year will begin with free lunches for all primary pupils", "school meals"),
    GC("education", "universities in the two countries signed an agreement on joint doctoral degrees in marine science", "university cooperation"),
    GC("education", "teachers' unions and the education ministry have reached a deal on pay and class sizes", "the teachers' deal"),
    GC("education", "the language institute will open a branch in {GCITY} offering evening classes for adults", "the language institute"),
    GC("education", "{S} [be] doubling the number of apprenticeships in construction, nursing and software development", "apprenticeships"),
    GC("education", "the national exam results will be published online on {GDAY} morning", "the exam results"),
    GC("education", "{S} [have] launched a summer school for young diplomats from {GREGION}", "the summer school"),
    GC("education", "the university hospital will train rural doctors in emergency medicine through a new distance-learning course", "rural doctors"),
    # ---- culture and sport ----
    GC("culture", "{S} [congratulate] the athletes who won medals at the Paralympic Games and [thank] their coaches and families", "the Paralympic Games"),
    GC("culture", "the embassy will host a jazz evening and a food fair to mark the national day", "the national day"),
    GC("culture", "an exhibition of West African textiles opens at the national museum next week", "the exhibition"),
    GC("culture", "the film archive has restored {NUMW} silent films and will screen them free of charge this summer", "the film archive"),
    GC("culture", "the cycling race will pass through {NUMW} mountain villages, and several roads will be closed on Sunday", "the cycling race"),
    GC("culture", "{S} [celebrate] the listing of the old harbour town as a UNESCO World Heritage site", "the heritage listing"),
    GC("culture", "the women's rugby team qualified for the world cup after a narrow win over {GCOUNTRY}", "the rugby team"),
    GC("culture", "tickets for the open-air opera festival sold out within an hour", "the opera festival"),
    GC("culture", "{S} [have] returned {NUMW} looted bronze sculptures to museums in {GCOUNTRY}", "the returned sculptures"),
    GC("culture", "the national library will host a week of readings by poets from {GREGION}", "the poetry week"),
    GC("culture", "{S} will co-host the regional youth games with {GCOUNTRY} in 2027", "the youth games"),
    GC("culture", "the chess olympiad opens on {GDAY} with teams from more than a hundred and eighty countries", "the chess olympiad"),
    # ---- disaster relief ----
    GC("relief", "{S} [have] sent tents, water purification kits and blankets to families displaced by the floods in {GCOUNTRY}", "flood relief"),
    GC("relief", "search teams are still looking for {NUMW} people missing after the landslide near the mining town", "the landslide"),
    GC("relief", "{S} [offer] {its} deepest condolences to the families of those killed in the earthquake in {GCOUNTRY}", "the earthquake"),
    GC("relief", "an emergency airlift of food and medicine reached the cut-off valley on {GDAY}", "the airlift"),
    GC("relief", "the relief fund will give cash grants to herders who lost livestock during the harsh winter", "the relief fund"),
    GC("relief", "{S} [stand] ready to send urban search-and-rescue teams if the authorities in {GCOUNTRY} request them", "search and rescue"),
    GC("relief", "{S} will match every donation made by the public to the cyclone appeal", "the cyclone appeal"),
    GC("relief", "the bridge destroyed by the storm will be replaced by a temporary structure within a fortnight", "storm damage"),
    GC("relief", "{S} [have] released {NUMW} million euros from {its} emergency reserve for drought victims in {GREGION}", "drought relief"),
    # ---- consular services ----
    GC("consular", "citizens travelling abroad are advised to register with the nearest consulate and to take out travel insurance", "travel advice"),
    GC("consular", "the consular section will be closed on {GDAY} for a public holiday", "consular opening hours"),
    GC("consular", "passport renewals can now be requested online and will be processed within ten working days", "passport renewals"),
    GC("consular", "{S} [be] in contact with the family of a national detained in {GCOUNTRY} and [provide] consular support", "the detained national"),
    GC("consular", "nationals in the affected area should follow the instructions of the local authorities and stay indoors", "the emergency"),
    GC("consular", "the consulate will hold a mobile service day in {GCITY} for residents who need to renew their documents", "consular services"),
    GC("consular", "{S} [have] chartered a flight to bring home citizens stranded by the airport closure in {GCITY}", "the stranded citizens"),
    GC("consular", "the emergency hotline for nationals abroad is open twenty-four hours a day", "the hotline"),
    GC("consular", "{S} [advise] against all but essential travel to the northern border districts after the recent clashes", "travel warnings"),
    GC("consular", "voters living abroad can cast their ballots at the embassy from {GDAY} to Sunday", "voting abroad"),
    # ---- infrastructure and transport ----
    GC("infrastructure", "work on the second runway is due to finish next spring, several months ahead of schedule", "the new runway"),
    GC("infrastructure", "the new ring road will divert heavy lorries away from the historic centre", "the ring road"),
    GC("infrastructure", "{S} [have] approved a loan to upgrade {NUMW} hundred kilometres of rural roads", "rural roads"),
    GC("infrastructure", "the port will install shore power so that cruise ships can switch off their engines while docked", "shore power"),
    GC("infrastructure", "the high-speed line between the two capitals will cut the journey to under three hours", "the high-speed line"),
    GC("infrastructure", "{S} will finance a second road bridge across the estuary as part of the regional connectivity programme", "the bridge project"),
    GC("infrastructure", "the tram line to the university campus will open to passengers at the end of {GMONTH}", "the tram line"),
    GC("infrastructure", "engineers are inspecting the dam after heavy rains raised the reservoir to record levels", "the dam"),
    GC("infrastructure", "a consortium of European and African firms won the contract to build the railway to the coast", "the railway contract"),
    # ---- energy ----
    GC("energy", "the new interconnector will let the two national grids trade electricity for the first time", "the interconnector"),
    GC("energy", "{S} [have] signed a memorandum on green hydrogen with {GCOUNTRY}", "green hydrogen"),
    GC("energy", "the utility will shut its last coal-fired unit by the end of next year", "coal power"),
    GC("energy", "{S} [support] the regional plan to share surplus hydropower during the dry season", "hydropower", "distractor"),
    GC("energy", "long queues formed at petrol stations after the government cut the fuel subsidy", "fuel subsidies"),
    GC("energy", "{S} [see] energy sovereignty as a priority and will expand domestic production of solar panels", "energy security", "distractor"),
    GC("energy", "the offshore gas field is due to start production in {GMONTH}", "the gas field"),
    GC("energy", "{S} [urge] oil producers to keep supplies stable ahead of the winter", "oil supplies"),
    GC("energy", "households will receive a one-off payment to help with electricity bills this winter", "energy bills"),
    # ---- agriculture and fisheries ----
    GC("agriculture", "the cocoa harvest is expected to fall by a fifth because the rains came late", "the cocoa harvest"),
    GC("agriculture", "{S} [have] lifted the ban on poultry imports from {GCOUNTRY} after the bird flu outbreak ended", "poultry imports"),
    GC("agriculture", "farmers will receive subsidised seed and fertiliser ahead of the planting season", "farm support"),
    GC("agriculture", "{S} [reaffirm] the right of every person to adequate food and [call] for more investment in small farms", "food security", "distractor"),
    GC("agriculture", "locust swarms have damaged crops across {NUMW} districts, and spraying teams have been deployed", "the locusts"),
    GC("agriculture", "the coffee cooperative will sell directly to roasters in Europe under a new fair-trade label", "coffee exports"),
    GC("agriculture", "{S} [support] the fishing communities' call for a ban on bottom trawling near the reefs", "bottom trawling", "distractor"),
    GC("agriculture", "the wheat reserve is enough to cover six months of domestic consumption", "the wheat reserve"),
    GC("agriculture", "{S} [promote] food sovereignty by helping smallholders sell at local markets", "smallholders", "distractor"),
    # ---- science, technology and the digital economy ----
    GC("science", "the two space agencies will build a satellite to monitor soil moisture and crop health", "the satellite project"),
    GC("science", "{S} [welcome] the opening of a joint research centre on tropical diseases in {GCITY}", "the research centre"),
    GC("science", "the research vessel will spend {NUMW} weeks mapping the seabed off the west coast", "the research cruise"),
    GC("science", "a new law requires online platforms to remove illegal content within twenty-four hours", "online platforms"),
    GC("science", "{S} [have] joined an international partnership to share open-source weather forecasting models", "weather forecasting"),
    GC("science", "the mountain observatory captured the sharpest images yet of a distant star-forming region", "the observatory"),
    GC("science", "{S} [be] investing in a national cyber-defence centre to protect hospitals and power plants", "cyber defence"),
    GC("science", "{S} [insist] on data sovereignty and will require public-sector data to be stored in the country", "data storage", "distractor"),
    GC("science", "the science museum will reopen in the spring with a new planetarium and hands-on galleries", "the science museum"),
    # ---- logistics ----
    GC("logistics", "the customs service will keep the land border open around the clock during the harvest season", "border opening hours"),
    GC("logistics", "the postal service will stop accepting parcels for delivery abroad on {GDAY} ahead of the holidays", "postal deadlines"),
    GC("logistics", "air cargo volumes rose sharply as growers shipped cut flowers ahead of the spring festivals", "air cargo"),
    GC("logistics", "the canal authority has lowered the maximum draught for ships because of low water levels", "the canal"),
    GC("logistics", "{S} [have] agreed with {GCOUNTRY} to set up a green shipping corridor linking the two countries' main ports", "green shipping"),
    GC("logistics", "lorry drivers will be able to use a single electronic transit document across the region from {GMONTH}", "transit documents"),
    GC("logistics", "the rail freight service across the continent now takes twelve days instead of eighteen", "rail freight"),
    # ---- the economy ----
    GC("economy", "the central bank raised its main interest rate by a quarter of a percentage point to curb inflation", "interest rates"),
    GC("economy", "{S} [expect] growth to slow to {GPCT} percent next year as exports cool", "the growth forecast"),
    GC("economy", "the budget includes a tax cut for low-income workers and more money for hospitals", "the budget"),
    GC("economy", "youth unemployment fell below ten percent for the first time since records began", "youth unemployment"),
    GC("economy", "the statistics office will publish the census results in {GMONTH}", "the census"),
    GC("economy", "{S} [welcome] the agreement between unions and employers on a higher minimum wage", "the minimum wage"),
    # ---- procedural briefing talk ----
    GL("procedural", "Next question, please.", "briefing"),
    GL("procedural", "Thank you, that's all we have for today.", "briefing"),
    GL("procedural", "SPOKESPERSON: I have nothing further on that.", "briefing"),
    GL("procedural", "Q: Can you confirm the date of the <summit|ministerial meeting>?", "briefing", "question"),
    GL("procedural", "Let's take one more question from the back of the room.", "briefing"),
    GL("procedural", "Good morning, everyone, and thank you for coming.", "briefing"),
    GL("procedural", "I will take two more questions.", "briefing"),
    GL("procedural", "Please keep your questions brief so that everyone gets a turn.", "briefing"),
    GL("procedural", "We will circulate the full text after the briefing.", "briefing"),
    GL("procedural", "The briefing will resume after a short break.", "briefing"),
    GL("procedural", "For the figures, I would refer you to the finance ministry.", "briefing"),
    GL("procedural", "The transcript will be posted on our website this evening.", "briefing"),
    GL("procedural", "Could you repeat the question, please?", "briefing", "question"),
    GL("procedural", "Sorry, my microphone was off. Let me start again.", "briefing"),
    GL("procedural", "Q: Will the minister attend the dinner tonight? A: Yes, she will.", "briefing", "question"),
    GL("procedural", "Q: Is the press conference being streamed live? A: Yes, on our official channels.", "briefing", "question"),
    GL("procedural", "That is a question for the organisers.", "briefing"),
    GL("procedural", "I don't have the numbers with me, but we will get back to you.", "briefing"),
    GL("procedural", "Thank you very much.", "briefing"),
    GL("procedural", "Over to you, Minister.", "briefing"),
    GL("procedural", "Any other questions?", "briefing", "question"),
    GL("procedural", "Last question, please.", "briefing"),
    GL("procedural", "Thank you all.", "briefing"),
    GL("procedural", "MODERATOR: We now open the floor to questions.", "briefing"),
    GL("procedural", "The minister has another engagement, so we will have to stop here.", "briefing"),
    GL("procedural", "Q: When will the joint statement be published? A: Later this afternoon.", "briefing", "question"),
    GL("procedural", "SPOKESPERSON: We will let you know once the dates are confirmed.", "briefing"),
    GL("procedural", "Q: Is the summit still going ahead next week? A: Yes, preparations are on track.", "briefing", "question"),
    GL("procedural", "I have no announcements today, so let's go straight to your questions.", "briefing"),
    GL("procedural", "Q: Who will lead the delegation? A: The deputy minister.", "briefing", "question"),
    GL("procedural", "Please wait for the microphone before asking your question.", "briefing"),
    GL("procedural", "We are running short of time, so I will take your questions together.", "briefing"),
    GL("procedural", "Q: How long will the visit last? A: Three days.", "briefing", "question"),
    GL("procedural", "SPOKESPERSON: I'm not aware of those reports.", "briefing"),
    GL("procedural", "SPOKESPERSON: I'll have to check and get back to you on that.", "briefing"),
    GL("procedural", "Q: Can you share the guest list for the reception? A: Not at this stage.", "briefing", "question"),
    GL("procedural", "That's all from me. Thank you, and see you next week.", "briefing"),
    GL("procedural", "Q: A follow-up on the same topic, if I may.", "briefing", "question"),
    GL("procedural", "Q: Has the venue for the ministerial meeting been chosen? A: Not yet.", "briefing", "question"),
    GL("procedural", "The minister will make a short statement and then take questions.", "briefing"),
    GL("procedural", "Apologies for the late start today.", "briefing"),
    GL("procedural", "Q: Is there a readout of the call? A: We will issue one shortly.", "briefing", "question"),
    GL("procedural", "SPOKESPERSON: I don't have anything to add to what the minister said this morning.", "briefing"),
    GL("procedural", "Q: Will there be a press availability after the meeting? A: Yes, at around five.", "briefing", "question"),
    GL("procedural", "Q: What time does the plenary start tomorrow? A: At nine.", "briefing", "question"),
    GL("procedural", "MINISTER: Thank you for the question, and let me answer it in two parts.", "briefing"),
    GL("procedural", "SPOKESPERSON: Before we start, two announcements. The minister will attend the regional energy conference on Thursday, and on Friday she will open the new consular office for our citizens in the south. Details are in the press release we sent out this morning.", "briefing"),
    GL("procedural", "Q: On the energy conference, will the minister sign anything? A: We expect a memorandum on grid cooperation and a joint declaration on efficiency standards, but the texts are still being negotiated, so I would not want to get ahead of the discussions.", "briefing", "question"),
    # ---- long communique paragraphs ----
    GL("paragraphs", "The ministers welcomed the progress made since their last meeting on trade facilitation, vocational training and disaster preparedness, and instructed their officials to prepare a work plan for the next two years, including a joint study on paperless customs procedures and exchanges for young entrepreneurs.", "communique"),
    GL("paragraphs", "Both sides expressed satisfaction with the growth of tourism, noted that the number of weekly flights had doubled since the air services agreement entered into force, and agreed to simplify visa procedures for business travellers, students and researchers before the end of next year.", "communique"),
    GL("paragraphs", "The meeting reviewed the situation of migrant workers in the region and called for fair recruitment practices, access to health care and portable pension rights, noting that several countries had already adopted national action plans in line with international labour standards.", "communique"),
    GL("paragraphs", "Delegates heard a presentation on the regional tsunami early-warning network, which now covers twelve coastal states, and agreed to fund two additional sensor buoys, a training course for emergency managers and an annual drill in schools along the most exposed stretches of coast.", "communique"),
    GL("paragraphs", "In his opening remarks, the chair thanked the host government for its excellent organisation, welcomed the new members of the committee and reminded delegations that comments on the draft report are due by the last Friday of the month.", "communique"),
    GL("paragraphs", "The ministers agreed that the joint commission will next meet in the first half of next year, with the date and venue to be confirmed through diplomatic channels, and that the working groups on agriculture, health and education will report on their progress before then.", "communique"),
    # ---- greetings and social posts ----
    GL("greetings", "Happy New Year to all our friends and partners around the world!", "social_post"),
    GL("greetings", "Warm congratulations to the people of {GCOUNTRY} on their National Day.", "social_post"),
    GL("greetings", "Warm wishes to the people of {GINDEP} on their Independence Day.", "social_post", "distractor"),
    GL("greetings", "Eid Mubarak to everyone celebrating in our country and around the world.", "social_post"),
    GL("greetings", "Wishing everyone a happy and peaceful Diwali.", "social_post"),
    GL("greetings", "Season's greetings from all of us at the embassy.", "social_post"),
    GL("greetings", "Great to welcome students from {GCITY} to the embassy today for a tour and a quiz!", "social_post"),
    GL("greetings", "Our thoughts are with everyone affected by the floods. #Solidarity", "social_post"),
    GL("greetings", "Proud to open our new visa application centre this morning.", "social_post"),
    GL("greetings", "Thank you to the volunteers who cleaned up the riverbank on Saturday!", "social_post"),
    GL("greetings", "Happy International Women's Day to all the women working in diplomacy.", "social_post"),
    GL("greetings", "Congratulations to our national team on a historic win!", "social_post"),
    GL("greetings", "Join us this Friday for an evening of traditional music at the residence.", "social_post"),
    GL("greetings", "Today we planted {NUMW} hundred trees with local schoolchildren.", "social_post"),
    GL("greetings", "Ramadan Kareem to all our friends observing the holy month.", "social_post"),
    GL("greetings", "Congratulations to the winners of this year's embassy photo competition!", "social_post"),
    GL("greetings", "A great turnout at today's job fair for graduates. Thank you all for coming!", "social_post"),
    GL("greetings", "Welcome to our new deputy head of mission, who arrived in {GCITY} this week.", "social_post"),
    GL("greetings", "What a match! Congratulations to both teams on a great final.", "social_post"),
    GL("greetings", "Happy World Environment Day! Every small step counts. #ClimateAction", "social_post"),
    # ---- agenda and list items ----
    GL("agenda", "Item 3: approval of the minutes of the previous meeting.", "communique"),
    GL("agenda", "Agenda: opening remarks, adoption of the agenda and any other business.", "communique"),
    GL("agenda", "4. Review of the budget for the next financial year.", "communique"),
    GL("agenda", "Any other business.", "communique"),
    GL("agenda", "Date and venue of the next meeting.", "communique"),
    GL("agenda", "Adoption of the final report.", "communique"),
    GL("agenda", "Election of the chair and vice-chair.", "communique"),
    GL("agenda", "Closing remarks by the host country.", "communique"),
    GL("agenda", "Coffee break, followed by the second working session on energy security.", "communique"),
    GL("agenda", "Working lunch hosted by the minister of trade.", "communique"),
    GL("agenda", "Side event: women in science and engineering, room B.", "communique"),
    GL("agenda", "Session 2: financing for climate adaptation in coastal cities.", "communique"),
    GL("agenda", "Welcome dinner for heads of delegation at the city hall.", "communique"),
    GL("agenda", "Health: vaccine production and the training of nurses.", "communique"),
    GL("agenda", "Energy: grid connections, storage and the phase-out of coal.", "communique"),
    GL("agenda", "Education: student mobility and the recognition of diplomas.", "communique"),
    GL("agenda", "Signing ceremony and family photo.", "communique"),
    GL("agenda", "Press conference by the co-chairs at five o'clock.", "communique"),
    GL("agenda", "Report of the working group on fisheries.", "communique"),
    GL("agenda", "Presentation of the annual report on development cooperation.", "communique"),
    GL("agenda", "Culture: museum loans and artist residencies.", "communique"),
    GL("agenda", "Agriculture: irrigation, seed banks and crop insurance.", "communique"),
    # ---- headlines ----
    GL("headlines", "Ministers agree to speed up work on regional power grid", "news_lead"),
    GL("headlines", "Flood victims receive first relief payments", "news_lead"),
    GL("headlines", "Inflation eases for third month as food prices fall", "news_lead"),
    GL("headlines", "New rail tunnel opens after eight years of work", "news_lead"),
    GL("headlines", "Port workers end strike after pay deal", "news_lead"),
    GL("headlines", "Foreign minister begins tour of {GREGION}", "news_lead"),
    GL("headlines", "Record harvest expected as rains return", "news_lead"),
    GL("headlines", "Embassy extends opening hours for visa applicants", "news_lead"),
    GL("headlines", "Leaders pledge action on plastic waste at ocean summit", "news_lead"),
    GL("headlines", "Parliament approves budget after late-night vote", "news_lead"),
]

# Short transcript-style lines that mention Taiwan or China without taking any stance.  Q&A lines
# can also appear as the bare question (a second paraphrase in the same group).
OTM_POOL = [
    TL("Q: Any comment on the <typhoon|storm> in Taiwan?", tags="question"),
    TL("Q: Is the minister still travelling to Taipei for the trade show?", tags="question"),
    TL("Q: Will flights to Taiwan resume after the storm? A: Please check with the airlines.", tags="question"),
    TL("Q: How many of our nationals are in Taiwan at the moment? A: About {NUMBIG} are registered with our office.", tags="question"),
    TL("Q: Has the fishing crew held in China been released? A: Yes, they are safe and will fly home on {GDAY}.", tags="question"),
    TL("Q: Is the chip shortage hurting carmakers? A: Deliveries from Taiwan and South Korea are improving.", tags="question"),
    TL("Q: Is the trip to China still on? A: Yes, the schedule has not changed.", tags="question"),
    TL("Q: What did the minister discuss in Beijing? A: Mainly trade, climate and student exchanges.", tags="question"),
    TL("Q: Are there Taiwanese students in the exchange programme? A: Yes, around forty this year.", tags="question"),
    TL("SPOKESPERSON: Our office in Taipei will extend its opening hours while the typhoon passes."),
    TL("Q: Any comment on the earthquake off Hualien? A: Our sympathy goes to everyone affected.", tags="question"),
    TL("Q: Are pineapple imports from Taiwan affected by the new rules? A: Please ask the agriculture ministry.", tags="question"),
    TL("Q: Will the zoo's pandas go back to China next year? A: The zoo is discussing that with its partners.", tags="question"),
    TL("Q: Does the new rule cover electric cars made in China? A: It applies to all manufacturers equally.", tags="question"),
    TL("Q: When does the new direct flight to Kaohsiung start? A: The airline will announce the schedule.", tags="question"),
    TL("Q: Anything on the ferry accident near Kinmen? A: As far as we know, none of our nationals were on board.", tags="question"),
    TL("Q: Is the EU-China summit still planned for next month?", tags="question"),
    TL("Q: What time does the minister land in Beijing? A: Early on {GDAY} morning.", tags="question"),
    TL("Q: Any travel advice for people heading to Taiwan this week? A: Watch the weather warnings and keep your phone charged.", tags="question"),
    TL("Q: Will the minister meet Chinese business leaders in Shanghai? A: The programme is still being finalised.", tags="question"),
    TL("Q: Can you confirm the date of the visit to the Taipei book fair? A: Not yet.", tags="question"),
    TL("Q: Is the embassy in Beijing open during the holiday? A: Only for emergencies.", tags="question"),
    TL("Q: Did the typhoon in the Taiwan Strait delay cargo ships bound for our ports? A: Some arrivals slipped by a day.", tags="question"),
    TL("Q: Are chip exports from Taiwan up again this month? A: I would refer you to the customs data.", tags="question"),
    TL("Q: Any update on the Chinese tourists injured in the bus crash? A: Two remain in hospital in a stable condition.", tags="question"),
    TL("Q: Will the trade mission to Taiwan go ahead? A: Yes, in {GMONTH}.", tags="question"),
    TL("Q: Is there a date for the China visit? A: We will announce it in good time.", tags="question"),
    TL("Q: Are Taiwanese companies among the bidders for the metro contract? A: The tender is confidential.", tags="question"),
    TL("Q: How is the dengue situation in southern Taiwan? A: Travellers should use insect repellent.", tags="question"),
    TL("Q: Does the ban on poultry imports include China? A: It covers the two affected provinces only.", tags="question"),
    TL("Q: Any reaction to China's lunar probe landing? A: It is an impressive scientific achievement.", tags="question"),
    TL("Q: Is the minister's Beijing stopover confirmed? A: I have nothing on that yet.", tags="question"),
    TL("SPOKESPERSON: The film week in Taipei opens on {GDAY}; details are on our website."),
    TL("Q: Are flights between Shanghai and the capital back to normal? A: Almost, according to the airlines.", tags="question"),
    TL("Q: Has the typhoon damaged the undersea cable to Taiwan? A: The operator is still assessing it.", tags="question"),
    TL("Q: What is on the agenda in Beijing? A: Trade, climate finance and visas.", tags="question"),
    TL("Q: Are you sending rescue teams to Taiwan? A: We are ready to help if asked.", tags="question"),
    TL("Q: Is the Chinese ambassador attending the reception tonight? A: All heads of mission were invited.", tags="question"),
    TL("Q: Will the minister visit the TSMC plant during the trip? A: That is not on the programme.", tags="question"),
    TL("Q: Any news on the Taiwanese fishing boat that lost power off our coast? A: The crew were rescued this morning.", tags="question"),
    TL("Q: Do you expect more Chinese visitors this summer? A: Bookings suggest so.", tags="question"),
    TL("Q: Any comment on the heavy rain in Taiwan? A: We hope for a quick recovery.", tags="question"),
    TL("Q: Is shipping in the Taiwan Strait back to normal? A: The port authority says traffic has recovered.", tags="question"),
    TL("Q: Has a date been set for the delegation to the Taiwan trade fair? A: We are aiming for the autumn.", tags="question"),
    TL("Q: Who is in the delegation to China? A: Mainly officials from the trade and agriculture ministries.", tags="question"),
    TL("SPOKESPERSON: Visa applications from Taiwan can now be made online."),
    TL("Q: Will Chinese students pay the new visa fee? A: The fee applies to all international students.", tags="question"),
    TL("Q: Were any of our nationals hurt in the Taipei fire? A: Not as far as we know.", tags="question"),
    TL("Q: Has anything changed in your Taiwan policy since the election?", tags="question"),
    TL("Q: Will the minister raise cross-Strait tensions with her counterpart?", tags="question"),
    TL("Q: What will the president say about Taiwan at the summit?", tags="question"),
    TL("Q: Is Taiwan on the agenda of the strategic dialogue?", tags="question"),
    TL("Q: A question on Taiwan, if I may.", tags="question"),
    TL("Q: Do you expect Beijing to react to the parliamentary visit to Taipei?", tags="question"),
    TL("SPOKESPERSON: On Taiwan, I have nothing to add to what we said on {GDAY}."),
    TL("SPOKESPERSON: I won't go into the Taiwan question today; let's move on to trade."),
    TL("Q: Is the Chinese premier's visit next week confirmed? A: We are still working on the dates.", tags="question"),
    TL("SPOKESPERSON: Our trade office in Taipei is closed on {GDAY} because of the typhoon."),
    TL("Q: Any comment on the drought affecting chip plants in Taiwan? A: Supply chains are holding up for now.", tags="question"),
    TL("Q: Will the minister attend the expo in Shanghai? A: The deputy minister will go instead.", tags="question"),
    TL("Q: Is the trade office branch in Kaohsiung opening this year? A: We hope so, but the building is not ready.", tags="question"),
    TL("Q: Any update on the container ship that ran aground off Taiwan? A: Salvage work is continuing.", tags="question"),
    TL("Q: Are you worried about the bird flu cases in China? A: Our veterinary services are watching closely.", tags="question"),
    TL("Q: Will the minister's flight stop over in Taipei? A: No, it is a direct flight.", tags="question"),
    TL("Q: Does the embassy in Beijing have enough staff for the visa rush? A: We have sent extra staff.", tags="question"),
    TL("Q: What is happening with the joint research project with Chinese universities? A: It continues as planned.", tags="question"),
    TL("Q: Any comment on the smog in northern China? A: That is a matter for the local authorities.", tags="question"),
    TL("SPOKESPERSON: Our thanks go to the Taiwanese search team that helped after the landslide."),
    TL("Q: How many Chinese tourists visited last year? A: Just over a million.", tags="question"),
    TL("Q: Will the Taipei marathon be affected by the storm? A: You would have to ask the organisers.", tags="question"),
    TL("Q: Is the chip plant in Taiwan that supplies our carmakers working again? A: Yes, since Monday.", tags="question"),
    TL("Q: Are there plans for a new air route to Shanghai? A: Airlines are studying it.", tags="question"),
    TL("Q: Can Chinese firms bid for the port contract? A: The tender is open to all qualified companies.", tags="question"),
]


def assign_generic_ids_and_holdout(rng):
    """Ids and held-out flags for the generic and otm pools (own RNG; the original pools are untouched)."""
    for family, pool in (("generic", GENERIC_POOL), ("otm", OTM_POOL)):
        for i, e in enumerate(pool):
            e.id = "%s-%03d" % (family, i)
            e.held_out = False
        idx = list(range(len(pool)))
        rng.shuffle(idx)
        for i in idx[:round(len(pool) * GENERIC_HELD_SHARE)]:
            pool[i].held_out = True


def _gen_slots(rng):
    slots = {k: rng.choice(v) for k, v in GSLOTS.items()}
    return slots


def _fill_gslots(text, slots):
    return GSLOT_RE.sub(lambda m: slots[m.group(1)], text)


def _gen_actor(expr, rng):
    cands = [a for a in GENERIC_ACTORS if (expr.blocs is None or set(a.bloc) & expr.blocs)
             and (a.cats is None or expr.cat in a.cats)]
    return weighted_choice(rng, cands, [a.weight for a in cands])


def _qa_question(text):
    """The question part of a 'Q: ... A: ...' line, or None."""
    m = re.match(r"(Q: .*?\?) A: ", text)
    return m.group(1) if m else None


def render_generic(expr, actor, slots, rng):
    """One rendering of a generic/otm expression: (text, register)."""
    if expr.kind == "line":
        text = _fill_gslots(expand_alts(expr.text, rng), slots)
        q = _qa_question(text)
        # the bare question is a second paraphrase (for otm lines only if it still names Taiwan/China)
        if q and rng.random() < 0.35 and (expr.family == "generic" or TW_CN_RE.search(q)):
            text = q
        return text, expr.reg
    # "Good news:" only for plain announcements, not for keyword traps, condolences or relief
    plain = not (expr.tags & {"distractor", "negation", "hypothetical"}) and expr.cat not in ("relief", "diplomacy")
    frames = [x for x in GEN_FRAMES if plain or not x[1].startswith("Good news")]
    reg, frame = weighted_choice(rng, [(r, f) for r, f, _ in frames], [w for _, _, w in frames])
    if "{partner}" in frame and not actor.partners:
        reg, frame = "news_lead", "{Clause}."
    text_t = _fill_gslots(expr.text, slots)
    subj, person = rng.choice(actor.selfs)
    clause3 = render_clause(text_t, subj, person, rng, {})
    clause_we = render_clause(text_t, "we", "1pl", rng, {})
    vals = {"day": rng.choice(DAYS), "topic": expr.topic, "outlet": rng.choice(OUTLETS),
            "venue": rng.choice(GEN_VENUES), "hashtag": rng.choice(GEN_HASHTAGS + [CAT_HASHTAGS.get(expr.cat, "#Diplomacy")] * 2),
            "num": str(rng.randint(2, 9)),
            "gq": rng.choice(GEN_QUESTIONS).replace("{topic}", expr.topic)}
    out = frame
    for key, pool in (("Intro", actor.inst + actor.pers), ("Inst", actor.inst), ("Pers", actor.pers)):
        if "{" + key + "}" in out:
            out = out.replace("{" + key + "}", cap(rng.choice(pool)))
        if "{" + key.lower() + "}" in out:
            out = out.replace("{" + key.lower() + "}", low_article(rng.choice(pool)))
    if "{partner}" in out:
        out = out.replace("{partner}", rng.choice(actor.partners))
        out = out.replace("{clause_pl}", render_clause(text_t, "the two sides", "pl", rng, {}))
    out = out.replace("{Clause}", cap(clause3)).replace("{clause}", clause3)
    out = out.replace("{Clause_we}", cap(clause_we)).replace("{clause_we}", clause_we)
    for k, v in vals.items():
        out = out.replace("{" + k + "}", v)
    assert "{" not in out and "[" not in out and "<" not in out, out
    # occasionally a longer item: one or two follow-up sentences (kept under 60 words)
    if reg in ("communique", "news_lead", "speech") and not out.startswith(("Q:", "SPOKESPERSON:")) \
            and rng.random() < P_GEN_LONG:
        for x in rng.sample(GEN_EXTRAS, rng.choice([1, 1, 2])):
            if word_count(out + " " + x) <= 60:
                out = out + " " + x
    return out, reg


def make_generic_rows(existing, rng):
    """Generate the generic and otm rows; returns {split: [row, ...]} without ids, with _held."""
    assign_generic_ids_and_holdout(rng)
    seen_norm = set(norm_text(r["text"]) for r in existing)
    fam_rows = {"generic": [], "otm": []}
    counters = {"generic": 0, "otm": 0}

    def make_group(expr, n_para):
        fam = expr.family
        slots = _gen_slots(rng)
        actor = _gen_actor(expr, rng)
        counters[fam] += 1
        gid = "g-%s-%04d" % ("gen" if fam == "generic" else "otm", counters[fam])
        made = []
        for _attempt in range(n_para * 6):
            if len(made) >= n_para:
                break
            text, reg = render_generic(expr, actor, slots, rng)
            n = word_count(text)
            lo = GENERIC_MIN_WORDS if fam == "generic" else 5
            if n < lo or n > 120:
                continue
            key = norm_text(text)
            if key in seen_norm:
                continue
            seen_norm.add(key)
            tags = set(expr.tags)
            if fam == "generic":
                tags.add("generic")
            if text.startswith("Q:") or "? A:" in text or text.endswith("?"):
                tags.add("question")
            made.append({
                "text": text, "label": "off_topic", "actor": actor.name, "date": None, "origin": "synthetic",
                "source": None, "group": gid, "register": reg, "tags": [t for t in TAGS if t in tags],
                "_held": expr.held_out, "_expr": expr.id,
            })
        fam_rows[fam].extend(made)

    def n_para_for(expr):
        if expr.kind == "clause":
            return rng.choice([1, 2, 2, 3])
        q = _qa_question(expr.text)
        if expr.family == "otm" and q and TW_CN_RE.search(q):
            return rng.choice([1, 2, 2])
        alt = "<" in expr.text or q or GSLOT_RE.search(expr.text)
        return rng.choice([1, 2]) if alt else 1

    # every expression once (pool order), then extra groups (another actor and other slot values)
    # for seen clause templates with a subject until the generic row target is reached
    for expr in GENERIC_POOL + OTM_POOL:
        make_group(expr, n_para_for(expr))
    extra = [e for e in GENERIC_POOL if e.kind == "clause" and not e.held_out and "{S}" in e.text]
    rng.shuffle(extra)
    i = 0
    while len(fam_rows["generic"]) < GENERIC_ROW_TARGET and extra:
        make_group(extra[i % len(extra)], rng.choice([1, 2]))
        i += 1
    # splits by group within each family: held-out groups alternate test/dev, the rest fill test
    # and dev to their targets, remainder train (as in assign_splits)
    out = {"train": [], "dev": [], "test": []}
    for fam in ("generic", "otm"):
        by_group = collections.OrderedDict()
        for r in fam_rows[fam]:
            by_group.setdefault(r["group"], []).append(r)
        total = len(fam_rows[fam])
        held = [g for g, rs in by_group.items() if rs[0]["_held"]]
        seen = [g for g, rs in by_group.items() if not rs[0]["_held"]]
        rng.shuffle(held)
        rng.shuffle(seen)
        count = {"train": 0, "dev": 0, "test": 0}
        split_of = {}
        for k, g in enumerate(held):
            split_of[g] = "test" if k % 2 == 0 else "dev"
            count[split_of[g]] += len(by_group[g])
        for g in seen:
            if count["test"] < GEN_SPLIT_TARGET["test"] * total:
                sp = "test"
            elif count["dev"] < GEN_SPLIT_TARGET["dev"] * total:
                sp = "dev"
            else:
                sp = "train"
            split_of[g] = sp
            count[sp] += len(by_group[g])
        for g, rs in by_group.items():
            out[split_of[g]].extend(rs)
    return out


def add_generic(data):
    """Append the generic/otm rows to the original splits; ids continue the sequence."""
    rng = random.Random(GENERIC_SEED)
    existing = [r for sp in ("train", "dev", "test") for r in data[sp]]
    new = make_generic_rows(existing, rng)
    n = max(int(r["id"].split("-")[1]) for r in existing)
    for sp in ("train", "dev", "test"):
        rs = new[sp]
        rng.shuffle(rs)
        for r in rs:
            n += 1
            o = collections.OrderedDict()
            o["id"] = "st-%06d" % n
            for f in FIELDS[1:]:
                o[f] = r[f]
            o["phrasing"] = "held_out" if (sp != "train" and r["_held"]) else "seen"
            data[sp].append(o)
    return data


# --------------------------------------------------------------------------------------------
# Fixes of known defects (applied last, with their own RNG, so all other rows stay byte-identical)
# --------------------------------------------------------------------------------------------
# 1. A stance needs a Taiwan referent (GUIDE 2, 5.12a): `neutral` rows that never refer to Taiwan,
#    the Strait or the cross-Strait relationship ("concerned about rising tensions and calls for
#    restraint from all parties") become `off_topic`.
# 2. Real institutions keep only positions they plausibly hold: synthetic `supports` rows of the
#    Holy See, the European Parliament, the Lithuanian Seimas and the Czech Senate (which have
#    recognised the ROC, backed Taiwan, or said "neither is subordinate", but never called for
#    Taiwan independence or recognition as a sovereign state in these words) are removed.
# 3. Format cues appear under every label: "SPOKESPERSON:" turns and numbered communique
#    paragraphs were off_topic-only and "Our position is clear:" never off_topic; a seeded share
#    of rows of the other labels gets the first two, and of off_topic rows the third.
# Rulings on two expressions, consistent with the public-record rows and GUIDE 5.14: "does not
# favour a change in Taiwan's formal status" stays `does_not_support` (distance from formal
# independence); "does not accept that Beijing speaks for the people of Taiwan in international
# bodies" stays `leans_supports` (the PRC does not represent Taiwan: agency, GUIDE 5.14.7).
DEFECT_SEED = 20261201
TW_REF_RE = re.compile(
    r"taiwan|taipei|formosa|strait|china|chinese|beijing|\bprc\b|\broc\b|mainland|island|"
    r"either side|both sides|two sides|status quo|independen|one country, two systems|reunif|"
    r"kinmen|matsu|kuomintang|\bkmt\b|\bdpp\b", re.I)
NO_STATEHOOD_CLAIMS = {"Holy See", "European Parliament", "Lithuanian Seimas", "Czech Senate"}
P_SPOKESPERSON = 0.7   # of first-person stance rows ("We ...")
P_NUMBERED = 0.30       # of stance rows in the communique register
P_POSITION_CLEAR = 0.08  # of off_topic rows that start with "The"/"We"/"Our"


def fix_defects(data, rng=None, splits=("train", "dev", "test")):
    rng = rng or random.Random(DEFECT_SEED)
    for sp in splits:
        kept = []
        for r in data[sp]:
            syn = r["origin"] == "synthetic"
            if syn and r["label"] == "supports" and r["actor"] in NO_STATEHOOD_CLAIMS:
                continue
            if r["label"] == "neutral" and not (TW_REF_RE.search(r["text"]) or TW_CN_RE.search(r["text"])):
                r["label"] = "off_topic"
            words = len(r["text"].split())
            if syn and words <= 110:
                t = r["text"]
                if r["label"] != "off_topic":
                    if t.startswith("We ") and rng.random() < P_SPOKESPERSON:
                        r["text"] = "SPOKESPERSON: " + t
                    elif r["register"] == "communique" and rng.random() < P_NUMBERED:
                        r["text"] = "%d. %s" % (rng.randint(2, 14), t)
                elif t.startswith(("The ", "We ", "Our ")) and rng.random() < P_POSITION_CLEAR:
                    r["text"] = "Our position is clear: " + t[0].lower() + t[1:]
            kept.append(r)
        data[sp] = kept
    return data


# --------------------------------------------------------------------------------------------
# The fresh test split (2026-12-04)
# --------------------------------------------------------------------------------------------
# The first test split (now retired_test.jsonl, byte-identical) was read while a later training
# set was designed (models/EXPERIMENTS.md, "The verb-polarity contrast set": a held-out test row informed the
# contrast set's object family), so it no longer measures unseen text.  The fresh split is built
# last, with its own RNG, from two kinds of groups:
# * held out: FRESH_POOLS, expressions written for this split from GUIDE.md and used nowhere
#   else (no 8-word run of their words occurs in train, dev or the retired split; --check);
# * seen: new groups (actor, frame, slots, mixing) of the train split's expressions.
# Train and dev are untouched, so every model trained before keeps its training data.
FRESH_SEED = 20261204
FRESH_GROUPS = {"held": 26, "seen": 24}     # groups per stance label and kind
FRESH_OFF_TOPIC_GROUPS = {"held": 40, "seen": 40}

FRESH_POOLS = {
    "opposes": _pool("opposes", [
        ("{S} [hold] that Taiwan's status as part of China was settled long ago and is not up for debate", "PA"),
        ("separatist schemes for the island are doomed, since Taiwan belongs to China", "P"),
        ("{S} [stand] behind Beijing's view that Taiwan is one of China's provinces", "A"),
        ("{S} [refuse] to accept any scheme that would turn Taiwan into a separate country", "PAK", "negation"),
        ("{S} [look] forward to the day when both sides of the Strait are reunited as one country", "P", "reunification"),
        ("{S} [warn] that nobody should underestimate {its} resolve to keep Taiwan within China", "P", "negation"),
        ("{S} [side] with Beijing against those who would break Taiwan away from China", "A"),
        ("the separatist agenda of the authorities in Taipei runs against the will of all Chinese people", "P"),
        ("{S} [be] strongly against the island breaking away from China", "PAK"),
        ("{S} [pledge] to keep working with Beijing against any separatist move concerning Taiwan", "A"),
        F("Q: Is Taiwan a country? A: No. Taiwan is a part of China, and we reject every form of separatism.", "P", "question", "briefing"),
    ]),
    "does_not_support": _pool("does_not_support", [
        ("{S} [be] not backing calls in Taipei for a declaration of independence", "WNM"),
        ("independence for Taiwan is not something {S} [endorse]", "WNMK"),
        ("{S} [withhold] support from any campaign for Taiwanese independence", "WNG"),
        ("{S} [offer] no support to the cause of formal independence for Taiwan", "WNM", "negation"),
        ("{S} [be] unwilling to throw {its} weight behind Taiwan independence", "WN"),
        ("{S} [have] never been a supporter of a separate Taiwanese state", "WNMK", "negation"),
        ("{S} [make] no secret that {it} [do] not favour independence for Taiwan", "WNM"),
        ("{S} [have] declined to back Taipei on the question of formal independence", "WN"),
        ("{S} [be] not in the business of supporting Taiwan independence", "WN"),
        ("were Taipei to push for formal independence, {S} would not stand behind it", "WN", "hypothetical"),
        F("Q: Would {S} back a declaration of independence by Taiwan? A: No, that is not our policy. Independence for Taiwan is not something we support.", "WN", "question", "briefing"),
    ]),
    "neutral": _pool("neutral", [
        ("{S} [want] disputes across the Strait settled through talks rather than force", "WNUL"),
        ("{S} [take] no position on the island's sovereignty and [urge] calm on all sides", "WN"),
        ("stability between Beijing and Taipei serves the interests of the whole region", "WNULG"),
        ("{S} [caution] both Beijing and Taipei against steps that would upset the present situation", "WNU", "status_quo"),
        ("{S} [stick] to {its} existing One China policy and [seek] no change to it", "WN"),
        ("{S} [have] no view of {its} own on Taiwan's final status and [favour] a peaceful settlement", "WN"),
        ("{S} [pledge] to work for calm in the waters between Taiwan and the mainland", "WNUL"),
        ("{S} [object] to any effort by Beijing or Taipei to alter the current arrangement on its own", "WNG", "status_quo"),
        ("{S} [be] keen to see the Taiwan Strait stay calm and free of conflict", "WNULA"),
        ("{S} [urge] Beijing and Taipei to keep their channels of communication open", "WNUL"),
        F("Asked where {S} stands on Taiwan's status, {intro} said {it} [want] the matter worked out without force and to the satisfaction of both sides.", "WN", "question", "briefing"),
    ]),
    "leans_supports": _pool("leans_supports", [
        ("{S} [back] a bigger role for Taiwan in global health and aviation bodies", "WGL"),
        ("{S} [be] determined to help protect Taiwan's democratic way of life", "WGL"),
        ("the people of Taiwan alone should shape the island's future", "TDGLM"),
        ("{S} [endorse] Taiwan's request to attend the INTERPOL General Assembly", "WGL"),
        ("{S} will keep helping Taiwan build up its capacity to defend itself", "SG"),
        ("{S} [applaud] Taiwan as a beacon of democracy in Asia and [pledge] closer ties", "WGL"),
        ("{S} [refuse] to let Beijing decide who represents the people of Taiwan abroad", "WGLTD", "negation"),
        ("{S} [argue] that Taiwan should have a voice at the World Meteorological Organization", "WGL"),
        ("{S} [say] no to the \"one country, two systems\" arrangement Beijing proposes for Taiwan", "TDM"),
        ("if Beijing tried to blockade Taiwan, {S} would stand by the island's people", "SGL", "hypothetical"),
        ("{S} [want] Taiwan's people to be free to choose their future without intimidation", "WGLM"),
    ]),
    "supports": _pool("supports", [
        ("Taiwan is a nation in its own right and has never been governed from Beijing", "TDGL", "negation historical"),
        ("{S} [deal] with Taipei exactly as with any other sovereign capital", "L", "recognition"),
        ("{S} [call] for Taiwan to be accepted into the United Nations as a state", "GLD"),
        ("{S} [want] Taiwan to declare formal independence", "D"),
        ("{S} [count] the sovereign Republic of China (Taiwan) among {its} closest diplomatic partners", "L", "recognition"),
        ("Taiwan is a state in its own right, and Beijing has no claim to it", "TDG"),
        ("{S} [keep] diplomatic ties with Taipei as the capital of a sovereign country", "L", "recognition"),
        ("{S} [maintain] that Taiwan and the People's Republic are two distinct sovereign states", "TDG"),
        ("{S} [press] the government to open full diplomatic relations with Taiwan", "G", "recognition"),
        ("Taiwan has been a sovereign country for decades and needs no one's permission to remain one", "TDG", "historical"),
        F("Q: Is Taiwan an independent country? A: Yes. Taiwan is a sovereign state, and it has been one for a long time.", "TDL", "question", "briefing"),
    ]),
    "off_topic": _pool("off_topic", [
        O("{S} [plan] a festival of film and music from Taiwan next autumn", "WNLG", "distractor", "cultural exchanges"),
        O("a cold front will bring the lowest temperatures of the winter to northern Taiwan this weekend", "T", "distractor", "the weather"),
        O("{S} [welcome] a delegation of Taiwanese farmers who came to study irrigation methods", "LWN", "distractor", "agriculture"),
        O("shipping costs across the Taiwan Strait eased once the holiday season was over", ALLB, "distractor", "shipping"),
        O("{S} [have] opened a new consular section to speed up visa processing", "AXLWSN", "", "consular services"),
        O("{S} will host a regional conference on flood prevention next month", "AXLWSN", "", "the conference"),
        O("{S} [announce] a scholarship scheme for students from the Pacific islands", "WNLT", "", "scholarships"),
        O("spending by Chinese tourists abroad rose sharply over the Golden Week holiday", "PWN", "distractor", "tourism"),
        O("a Taiwanese youth orchestra will tour {COUNTRY} in the summer", "TLWN", "distractor", "the concert tour"),
        O("{S} [express] condolences over the bus crash in Guangxi", "WNUAPL", "distractor", "the accident"),
        O("{S} [be] reviewing {its} tariffs on electric vehicles made in China", "WN", "distractor", "trade"),
        O("the minister will return from Taipei on Friday after talks on semiconductor supply chains", "WNL", "distractor", "the minister's schedule"),
        O("{S} [respect] the independence of the courts and will not comment on a case under way", "WNLT", "distractor", "the court case"),
    ]),
}


def fresh_groups(rng):
    """Held-out groups on FRESH_POOLS and seen groups on the train split's expressions."""
    for label, pool in FRESH_POOLS.items():
        for i, e in enumerate(pool):
            e.id, e.held_out = "fresh-%s-%02d" % (label, i), True
    groups, usage = [], collections.Counter()
    for label in LABELS:
        counts = FRESH_OFF_TOPIC_GROUPS if label == "off_topic" else FRESH_GROUPS
        for kind in ("held", "seen"):
            cand = FRESH_POOLS[label] if kind == "held" else [e for e in POOLS[label] if not e.held_out]
            pools = FRESH_POOLS if kind == "held" else POOLS
            made = 0
            while made < counts[kind]:
                expr = least_used(rng, cand, usage)
                usage[expr.id] += 1
                g = make_group(rng, "g-f%04d" % (len(groups) + 1), label, expr, kind == "held", pools)
                if g is not None:
                    groups.append(g)
                    made += 1
    return groups


def add_fresh_test(data):
    """Retire the test split and build the fresh one; ids continue the sequence."""
    rng = random.Random(FRESH_SEED)
    data["retired_test"] = data.pop("test")
    existing = [r for sp in ("train", "dev", "retired_test") for r in data[sp]]
    before = set(norm_text(r["text"]) for r in existing)
    rows = render_groups(fresh_groups(rng), rng, set(before))
    rng.shuffle(rows)
    fixed = fix_defects({"test": rows}, rng, ("test",))["test"]
    n = max(int(r["id"].split("-")[1]) for r in existing)
    data["test"] = []
    for r in fixed:
        # the format cues change some texts: keep each text once and none already in another split
        key = norm_text(r["text"])
        if key in before:
            continue
        before.add(key)
        n += 1
        o = collections.OrderedDict(id="st-%06d" % n)
        for f in FIELDS[1:]:
            o[f] = r[f]
        o["phrasing"] = "held_out" if r["_held"] else "seen"
        data["test"].append(o)
    return data


def literal_runs(template):
    """The literal word runs of a template (slots, verbs and alternations cut it)."""
    return [p for p in re.split(r"\{[^}]*\}|\[[^\]]*\]|<[^>]*>", template) if p.strip()]


def fresh_stats_markdown(test):
    c = collections.Counter((r["label"], r["phrasing"]) for r in test)
    rows = [["test (fresh)"] + ["%d / %d" % (c[(l, "held_out")], c[(l, "seen")]) for l in LABELS]
            + ["%d / %d" % (sum(c[(l, "held_out")] for l in LABELS), sum(c[(l, "seen")] for l in LABELS))]]
    n_expr = {l: len(FRESH_POOLS[l]) for l in LABELS}
    return ("**The fresh test split (2026-12-04; held_out / seen)**: %d rows, %d groups, %d actors; "
            "held-out rows use %s expressions written for it (%s).\n\n" % (
                len(test), len(set(r["group"] for r in test)), len(set(r["actor"] for r in test)),
                sum(n_expr.values()), ", ".join("%s %d" % (l, n_expr[l]) for l in LABELS))
            + md_table(["split"] + LABELS + ["all"], rows) + "\n")


def check_fresh(data):
    """Rules of the fresh test split; the other splits are checked by check()."""
    errors = []
    test = data["test"]
    before = [r for sp in ("train", "dev", "retired_test") for r in data[sp]]
    norms = set(norm_text(r["text"]) for r in before)
    shingles = longdocs_module().shingles  # 8-word runs of normalised words
    old_shingles = set().union(*(shingles(r["text"]) for r in before))
    old_groups = set(r["group"] for r in before)
    old_ids = set(r["id"] for r in before)
    for label, pool in FRESH_POOLS.items():
        for e in pool:
            for run in literal_runs(e.text):
                hit = shingles(run) & old_shingles
                if hit:
                    errors.append("fresh %s expression repeats train/dev words: %r" % (label, " ".join(min(hit))))
    for r in test:
        rid = r["id"]
        errors.extend(row_errors(r))
        if norm_text(r["text"]) in norms:
            errors.append("%s: text already in train, dev or the retired split" % rid)
        if r["group"] in old_groups or rid in old_ids:
            errors.append("%s: group or id already used" % rid)
    counts = collections.Counter((r["label"], r["phrasing"]) for r in test)
    for label in LABELS:
        for ph in ("held_out", "seen"):
            if counts[(label, ph)] < 30:
                errors.append("fresh test: %s %s only %d rows" % (label, ph, counts[(label, ph)]))
    return errors


# --------------------------------------------------------------------------------------------
# Leakage check against the long-document filler (build_longdocs.py)
# --------------------------------------------------------------------------------------------
def longdocs_module():
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import build_longdocs
    return build_longdocs


def leakage_report(data):
    """Compare corpus texts with every sentence the long-document filler templates (test and dev
    pools, all slot combinations) and structural lines (headings, questions, openers) can produce."""
    bl = longdocs_module()
    filler = bl.filler_universe(bl.POOL_TEMPLATES) | bl.filler_universe(bl.DEV_POOL_TEMPLATES)
    struct = bl.structural_lines(bl.TEST_STYLE) | bl.structural_lines(bl.DEV_STYLE)
    filler_norm = {norm_text(s) for x in filler for s in bl.split_sentences(x)}
    struct_norm = {norm_text(s) for x in struct for s in bl.split_sentences(x)}
    filler_sh, struct_sh = set(), set()
    for x in filler:
        filler_sh |= bl.shingles(x)
    for x in struct:
        struct_sh |= bl.shingles(x)
    rep = collections.OrderedDict((k, 0) for k in (
        "filler_sentences", "filler_templates", "struct_lines", "corpus_sentence_in_filler",
        "corpus_sentence_in_struct", "new_rows", "new_sentence_in_filler", "new_sentence_in_struct",
        "new_shingle_rows_filler", "new_shingle_rows_struct", "new_shingles_shared",
        "old_shingle_rows_filler", "new_rows_with_5gram_filler"))
    rep["filler_sentences"] = len(filler)
    rep["filler_templates"] = sum(len(v) for v in bl.POOL_TEMPLATES.values()) + \
        sum(len(v) for v in bl.DEV_POOL_TEMPLATES.values())
    rep["struct_lines"] = len(struct)
    filler_5 = set()
    for x in filler:
        filler_5 |= bl.shingles(x, 5)
    examples = []
    shared = set()
    for sp in data:
        for r in data[sp]:
            new = r["group"].startswith(("g-gen-", "g-otm-"))
            sents = [norm_text(s) for s in bl.split_sentences(r["text"])]
            in_f = sum(1 for s in sents if s in filler_norm)
            in_s = sum(1 for s in sents if s in struct_norm)
            rep["corpus_sentence_in_filler"] += in_f
            rep["corpus_sentence_in_struct"] += in_s
            sh = bl.shingles(r["text"])
            if new:
                rep["new_rows"] += 1
                rep["new_sentence_in_filler"] += in_f
                rep["new_sentence_in_struct"] += in_s
                if sh & filler_sh:
                    rep["new_shingle_rows_filler"] += 1
                    examples.append(r["text"])
                if sh & struct_sh:
                    rep["new_shingle_rows_struct"] += 1
                    examples.append(r["text"])
                shared |= sh & (filler_sh | struct_sh)
                if bl.shingles(r["text"], 5) & filler_5:
                    rep["new_rows_with_5gram_filler"] += 1
            elif sh & filler_sh:
                rep["old_shingle_rows_filler"] += 1
            if in_f and len(examples) < 5:
                examples.append(r["text"])
    rep["new_shingles_shared"] = len(shared)
    return rep, examples


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                rows.append(json.loads(line, object_pairs_hook=collections.OrderedDict))
            except json.JSONDecodeError as e:
                raise SystemExit("%s:%d: invalid JSON: %s" % (path, i, e))
    return rows


# --------------------------------------------------------------------------------------------
# Validation and statistics
# --------------------------------------------------------------------------------------------
QUOTE_OK = {"Taiwan independence", "one China", "status quo", "1992 Consensus", "two Chinas",
            "one China, one Taiwan", "one country, two systems"}


def row_errors(r):
    """The rules every corpus row follows, whichever split and family it belongs to."""
    errors = []

    def err(msg):
        errors.append(msg)

    if list(r.keys()) != FIELDS + ["phrasing"]:
        err("%s: bad field order %s" % (r["id"], list(r.keys())))
    if r["label"] not in LABELS:
        err("%s: bad label" % r["id"])
    if r["register"] not in REGISTERS:
        err("%s: bad register" % r["id"])
    if any(t not in TAGS for t in r["tags"]):
        err("%s: bad tag" % r["id"])
    n = word_count(r["text"])
    lo = GENERIC_MIN_WORDS if (r["label"] == "off_topic" and "generic" in r["tags"]) else 5
    if not lo <= n <= 120:
        err("%s: %d words" % (r["id"], n))
    if r["origin"] not in ("public_record", "synthetic"):
        err("%s: bad origin" % r["id"])
    if r["origin"] == "public_record" and not r["source"]:
        err("%s: public_record without source" % r["id"])
    if r["origin"] == "synthetic" and r["source"] is not None:
        err("%s: synthetic with source" % r["id"])
    if r["date"] is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]):
        err("%s: bad date %r" % (r["id"], r["date"]))
    if r["phrasing"] not in ("seen", "held_out"):
        err("%s: bad phrasing" % r["id"])
    for q in re.findall(r'"([^"]*)"', r["text"]):
        if q not in QUOTE_OK:
            err("%s: quoted words %r" % (r["id"], q))
    if r["text"] != r["text"].strip() or "  " in r["text"]:
        err("%s: whitespace" % r["id"])
    return errors


def check(data, samples=None, leak=None):
    errors = []

    def err(msg):
        errors.append(msg)

    allrows = [r for sp in ("train", "dev", "test") for r in data[sp]]
    total = len(allrows)
    if total < 3000:
        err("total %d < 3000" % total)
    ids = [r["id"] for r in allrows]
    if len(ids) != len(set(ids)):
        err("duplicate ids")
    for r in allrows:
        errors.extend(row_errors(r))
        new_group = r["group"].startswith(("g-gen-", "g-otm-"))
        if "generic" in r["tags"] or r["group"].startswith("g-gen-"):
            if not (r["group"].startswith("g-gen-") and "generic" in r["tags"]):
                err("%s: generic tag and g-gen- group must go together" % r["id"])
            if r["label"] != "off_topic" or r["origin"] != "synthetic":
                err("%s: generic row must be synthetic off_topic" % r["id"])
            if TW_CN_RE.search(r["text"]):
                err("%s: generic row mentions Taiwan/China: %r" % (r["id"], TW_CN_RE.search(r["text"]).group(0)))
        if r["group"].startswith("g-otm-"):
            if r["label"] != "off_topic" or not TW_CN_RE.search(r["text"]) or "distractor" not in r["tags"]:
                err("%s: otm row must be an off_topic distractor that mentions Taiwan/China" % r["id"])
        if new_group and int(r["id"].split("-")[1]) <= ORIGINAL_ROWS:
            err("%s: new row with an original id" % r["id"])
        if not new_group and int(r["id"].split("-")[1]) > ORIGINAL_ROWS:
            err("%s: original row with a new id" % r["id"])
    labels = collections.Counter(r["label"] for r in allrows)
    for l in LABELS:
        if labels[l] < 350:
            err("label %s only %d" % (l, labels[l]))
    n_short = sum(1 for r in allrows if word_count(r["text"]) < 5)
    if n_short > MAX_SHORT_ROWS:
        err("%d rows under 5 words (max %d)" % (n_short, MAX_SHORT_ROWS))
    n_gen = sum(1 for r in allrows if "generic" in r["tags"])
    n_otm = sum(1 for r in allrows if r["group"].startswith("g-otm-"))
    if n_gen < 500:
        err("only %d generic rows" % n_gen)
    if n_otm < 80:
        err("only %d otm rows" % n_otm)
    # original rows: exactly the first ORIGINAL_ROWS ids, at the head of each split file
    for sp in ("train", "dev", "test"):
        flags = [r["group"].startswith(("g-gen-", "g-otm-")) for r in data[sp]]
        if True in flags and any(not f for f in flags[flags.index(True):]):
            err("%s: original rows must precede the appended generic rows" % sp)
    if leak is not None:
        if leak["corpus_sentence_in_filler"]:
            err("%d corpus sentences equal a long-document filler sentence" % leak["corpus_sentence_in_filler"])
        if leak["new_sentence_in_struct"]:
            err("%d new sentences equal a long-document structural line" % leak["new_sentence_in_struct"])
        if leak["old_shingle_rows_filler"]:
            err("%d rows share an 8-word shingle with the long-document filler" % leak["old_shingle_rows_filler"])
        if leak["new_shingle_rows_filler"] or leak["new_shingle_rows_struct"]:
            err("%d/%d new rows share an 8-word shingle with the long-document filler/structural lines" % (
                leak["new_shingle_rows_filler"], leak["new_shingle_rows_struct"]))
    actors = set(r["actor"] for r in allrows)
    if len(actors) < 60:
        err("only %d actors" % len(actors))
    group_split = {}
    for sp in ("train", "dev", "test"):
        for r in data[sp]:
            if group_split.setdefault(r["group"], sp) != sp:
                err("group %s crosses splits" % r["group"])
        if sp == "train" and any(r["phrasing"] != "seen" for r in data[sp]):
            err("train row marked held_out")
    norm_split = {}
    for sp in ("train", "dev", "test"):
        for r in data[sp]:
            k = norm_text(r["text"])
            if k in norm_split:
                err("duplicate text (%s/%s): %s" % (norm_split[k], sp, r["text"][:60]))
            norm_split[k] = sp
    if len(data["test"]) < 0.15 * total:
        err("test share %.3f < 0.15" % (len(data["test"]) / total))
    test_labels = collections.Counter(r["label"] for r in data["test"])
    for l in LABELS:
        # 14%: the defect fixes removed some test rows of one label after the split was made
        if test_labels[l] < 0.14 * labels[l]:
            err("label %s: test %d < 14%% of %d" % (l, test_labels[l], labels[l]))
    pr = sum(1 for r in allrows if r["origin"] == "public_record")
    if pr < 150:
        err("only %d public_record rows" % pr)
    tagged = sum(1 for r in allrows if r["tags"])
    if tagged < 0.25 * total:
        err("only %d tagged rows" % tagged)
    for l in LABELS:
        n_expr = len(POOLS[l])
        if n_expr < 40:
            err("label %s has only %d core expressions" % (l, n_expr))
    if samples is not None:
        stmts, gold = samples
        if not 240 <= len(stmts) <= 300:
            err("sample has %d statements" % len(stmts))
        if [s["id"] for s in stmts] != [g["id"] for g in gold]:
            err("sample ids do not match expected labels")
        for s in stmts:
            if "label" in s:
                err("sample has a label field")
            if not re.fullmatch(r"20(1[6-9]|2[0-6])-\d{2}-\d{2}", s["date"]):
                err("sample date out of range: %s" % s["date"])
        if len(set(s["actor"] for s in stmts)) < 8:
            err("sample has fewer than 8 actors")
        for g in gold:
            if g["label"] not in LABELS:
                err("sample gold label invalid")
    return errors


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(x) for x in r) + " |")
    return "\n".join(out)


def stats_markdown(data, leak=None):
    allrows = [r for sp in ("train", "dev", "test") for r in data[sp]]
    total = len(allrows)
    parts = []
    # split x label
    rows = []
    for sp in ("train", "dev", "test"):
        c = collections.Counter(r["label"] for r in data[sp])
        rows.append([sp] + [c[l] for l in LABELS] + [len(data[sp]), "%.1f%%" % (100 * len(data[sp]) / total)])
    c = collections.Counter(r["label"] for r in allrows)
    rows.append(["**total**"] + [c[l] for l in LABELS] + [total, "100%"])
    parts.append("**Statements per split and label**\n\n" + md_table(["split"] + LABELS + ["all", "share"], rows))
    # held-out phrasing
    rows = []
    for sp in ("dev", "test"):
        c = collections.Counter((r["label"], r["phrasing"]) for r in data[sp])
        rows.append([sp] + ["%d / %d" % (c[(l, "held_out")], c[(l, "seen")]) for l in LABELS]
                    + ["%d / %d" % (sum(1 for r in data[sp] if r["phrasing"] == "held_out"),
                                    sum(1 for r in data[sp] if r["phrasing"] == "seen"))])
    parts.append("**Phrasing in dev/test (held_out / seen)**\n\n" + md_table(["split"] + LABELS + ["all"], rows))
    n_expr = {l: len(POOLS[l]) for l in LABELS}
    n_held = {l: sum(1 for e in POOLS[l] if e.held_out) for l in LABELS}
    parts.append("**Core expressions per label (held out / total)**\n\n" + md_table(
        LABELS, [["%d / %d" % (n_held[l], n_expr[l]) for l in LABELS]]))
    # generic off-topic rows (appended after the original corpus)
    rows = []
    for sp in ("train", "dev", "test"):
        g = [r for r in data[sp] if r["group"].startswith("g-gen-")]
        o = [r for r in data[sp] if r["group"].startswith("g-otm-")]
        rows.append([sp, len(g), len(set(r["group"] for r in g)), sum(1 for r in g if r["phrasing"] == "held_out"),
                     len(o), len(set(r["group"] for r in o)), sum(1 for r in o if r["phrasing"] == "held_out")])
    tot = [sum(x[i] for x in rows) for i in range(1, 7)]
    rows.append(["**total**"] + tot)
    g_all = [r for r in allrows if r["group"].startswith("g-gen-")]
    g_len = sorted(word_count(r["text"]) for r in g_all) or [0]
    g_regs = collections.Counter(r["register"] for r in g_all)
    n_gc = sum(1 for e in GENERIC_POOL if e.kind == "clause")
    parts.append(
        "**Generic off-topic rows** (all `off_topic`, `origin = synthetic`, appended after the original "
        "rows; `generic` = no Taiwan/China content, `otm` = short transcript lines that mention Taiwan or "
        "China without a stance). Generic pool: %d expressions (%d clause templates, %d complete lines; %d "
        "held out), otm pool: %d lines (%d held out). Generic rows: %d to %d words (median %d), %d under 5 "
        "words; registers: %s.\n\n" % (
            len(GENERIC_POOL), n_gc, len(GENERIC_POOL) - n_gc, sum(1 for e in GENERIC_POOL if e.held_out),
            len(OTM_POOL), sum(1 for e in OTM_POOL if e.held_out), g_len[0], g_len[-1], g_len[len(g_len) // 2],
            sum(1 for n in g_len if n < 5), ", ".join("%s %d" % kv for kv in g_regs.most_common()))
        + md_table(["split", "generic rows", "generic groups", "generic held_out", "otm rows", "otm groups",
                    "otm held_out"], rows))
    if leak is not None:
        parts.append(
            "**Leakage check against the long-document filler** (`--check`; filler = every sentence the "
            "test and dev filler templates of `build_longdocs.py` can produce, %d sentences from %d templates, "
            "plus %d structural lines such as transcript questions and headings): corpus sentences equal to a "
            "filler sentence: %d (all %d rows); new rows' sentences equal to a structural line: %d; new rows "
            "sharing an 8-word shingle with the filler: %d, with the structural lines: %d (of %d new rows); "
            "original rows sharing an 8-word shingle with the filler: %d; new rows sharing a 5-word shingle "
            "with the filler (informational): %d." % (
                leak["filler_sentences"], leak["filler_templates"], leak["struct_lines"],
                leak["corpus_sentence_in_filler"], total, leak["new_sentence_in_struct"],
                leak["new_shingle_rows_filler"], leak["new_shingle_rows_struct"], leak["new_rows"],
                leak["old_shingle_rows_filler"], leak["new_rows_with_5gram_filler"]))
    # origin
    c = collections.Counter(r["origin"] for r in allrows)
    pr_groups = len(set(r["group"] for r in allrows if r["origin"] == "public_record"))
    parts.append("**Origin**\n\n" + md_table(["origin", "statements", "groups"], [
        ["public_record", c["public_record"], pr_groups],
        ["synthetic", c["synthetic"], len(set(r["group"] for r in allrows if r["origin"] == "synthetic"))]]))
    # register
    c = collections.Counter(r["register"] for r in allrows)
    parts.append("**Registers**\n\n" + md_table(["register", "statements"], [[k, v] for k, v in c.most_common()]))
    # tags
    c = collections.Counter(t for r in allrows for t in r["tags"])
    tagged = sum(1 for r in allrows if r["tags"])
    hard = sum(1 for r in allrows if set(r["tags"]) - {"distractor", "generic"})
    parts.append("**Tags** (a statement may carry several; %d statements (%.1f%%) carry at least one tag, "
                 "%d (%.1f%%) at least one hard-case tag other than `distractor` and `generic`)\n\n" % (tagged, 100 * tagged / total, hard, 100 * hard / total)
                 + md_table(["tag", "statements"], [[t, c[t]] for t in TAGS]))
    # length
    buckets = [(3, 4), (5, 11), (12, 20), (21, 30), (31, 45), (46, 60), (61, 90), (91, 120)]
    lens = [word_count(r["text"]) for r in allrows]
    rows = [["%d-%d" % b, sum(1 for n in lens if b[0] <= n <= b[1])] for b in buckets]
    lens_sorted = sorted(lens)
    med = lens_sorted[len(lens_sorted) // 2]
    parts.append("**Length in words** (min %d, median %d, mean %.1f, max %d; %.1f%% over 60 words)\n\n" % (
        min(lens), med, sum(lens) / len(lens), max(lens), 100 * sum(1 for n in lens if n > 60) / len(lens))
        + md_table(["words", "statements"], rows))
    # actors
    actors = collections.Counter(r["actor"] for r in allrows)
    labels_per_actor = collections.defaultdict(set)
    for r in allrows:
        labels_per_actor[r["actor"]].add(r["label"])
    multi = sum(1 for a in actors if len(labels_per_actor[a]) >= 2)
    multi3 = sum(1 for a in actors if len(labels_per_actor[a]) >= 3)
    rows = [[a, n, ", ".join(l for l in LABELS if l in labels_per_actor[a])] for a, n in actors.most_common(25)]
    parts.append("**Actors**: %d distinct; %d appear with 2 or more labels, %d with 3 or more. Top 25:\n\n" % (
        len(actors), multi, multi3) + md_table(["actor", "statements", "labels"], rows))
    return "\n\n".join(parts) + "\n"


def public_record_markdown(data):
    split_of = {}
    for sp in ("train", "dev", "test"):
        for r in data[sp]:
            if r["origin"] == "public_record":
                split_of[r["source"]] = sp
    rows = []
    for pr in PUBLIC_RECORD:
        rows.append([pr["date"] or "–", pr["actor"], pr["source"], "`%s`" % pr["label"], len(pr["texts"]),
                     split_of.get(pr["source"], "?")])
    rows.sort(key=lambda r: (r[0] if r[0] != "–" else "9999", r[1]))
    return md_table(["date", "actor", "document / occasion", "label", "paraphrases", "split"], rows) + "\n"


def replace_block(path, name, content):
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin, end = "<!-- BEGIN %s -->" % name, "<!-- END %s -->" % name
    if begin not in text or end not in text:
        return False
    a = text.index(begin) + len(begin)
    b = text.index(end)
    text = text[:a] + "\n" + content + text[b:]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only validate the committed files")
    args = ap.parse_args()
    splits = ("train", "dev", "retired_test", "test")
    if args.check:
        # rebuild the expression pools' held-out flags deterministically for the statistics
        assign_expression_ids_and_holdout(random.Random(SEED))
        assign_generic_ids_and_holdout(random.Random(GENERIC_SEED))
    else:
        rng = random.Random(SEED)
        data = build(rng)
        # generic off-topic rows: own RNG, appended after the original rows (which stay byte-identical)
        data = add_generic(data)
        # fixes of known defects: a deterministic last pass, so every other row stays as it was
        data = fix_defects(data)
        # the first test split retires unchanged; a fresh one is built with its own RNG
        data = add_fresh_test(data)
        for sp in splits:
            write_jsonl(os.path.join(STANCE_DIR, sp + ".jsonl"), data[sp])
    # (re)read from disk so the checks see exactly what was written
    data = {sp: read_jsonl(os.path.join(STANCE_DIR, sp + ".jsonl")) for sp in splits}
    # the corpus as first split (test = the retired split) keeps its own checks and tables
    first = {"train": data["train"], "dev": data["dev"], "test": data["retired_test"]}
    leak, leak_examples = leakage_report(data)
    errors = check(first, None, leak) + check_fresh(data)
    md = stats_markdown(first, leak) + "\n" + fresh_stats_markdown(data["test"])
    print(md)
    print("leakage check against the long-document filler: " + ", ".join("%s=%d" % kv for kv in leak.items()))
    for x in leak_examples[:5]:
        print("  overlap example:", x[:100])
    if not args.check and replace_block(README, "CORPUS STATS", md):
        print("updated statistics block in datasets/README.md")
    if not args.check and replace_block(README, "PUBLIC RECORD SOURCES", public_record_markdown(first)):
        print("updated public-record source list in datasets/README.md")
    if errors:
        for e in errors[:50]:
            print("CHECK FAILED:", e, file=sys.stderr)
        print("%d check failures" % len(errors), file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
