#!/usr/bin/env python3
"""Build the long-document evaluation set datasets/longdocs/test.jsonl (standard library only).

    python3 scripts/build_longdocs.py            # needs datasets/stance/test.jsonl (build_corpus.py first)

Each document is a realistic press-conference transcript, communique or news article of 150 to
1,500 words made of off-topic sentences (trade, logistics, climate, health, visits, culture,
technology; many mention Taiwan or China without taking any stance) plus zero, one or two
stance sentences taken verbatim from single-sentence statements of the TEST split of the stance
corpus.  Two stance sentences in one document always share a label, so the document label is
that label; documents without a stance sentence (about 15%) are labelled off_topic.  Stance
sentences are placed at varied depths, including near the end and beyond the first 512 tokens.

Fields: id, text, label, evidence (list of {start, end, text}; Python str offsets, i.e. Unicode
code points), evidence_bytes (the same spans as UTF-8 byte offsets), n_words, source_ids (ids of
the test statements used), doc_type, position (where the first stance sentence starts, as a
fraction of the document's words).  Deterministic (seeded); offsets are verified with asserts.
"""
import collections
import itertools
import json
import os
import random
import re
import sys

SEED = 20240520
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_PATH = os.path.join(ROOT, "datasets", "stance", "test.jsonl")
OUT_PATH = os.path.join(ROOT, "datasets", "longdocs", "test.jsonl")
README = os.path.join(ROOT, "datasets", "README.md")
LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]
N_DOCS = 140

# --------------------------------------------------------------------------------------------
# Off-topic sentence pool.  Templates with {slots}; every expansion is a complete sentence with no
# position on Taiwan's status.  Expanded and de-duplicated to well over 300 distinct sentences.
# --------------------------------------------------------------------------------------------
SLOTS = {
    "port": ["Kaohsiung", "Keelung", "Xiamen", "Busan", "Yokohama", "Singapore", "Rotterdam", "Manila"],
    "city": ["Taipei", "Shanghai", "Tokyo", "Seoul", "Jakarta", "Hanoi", "Bangkok", "Canberra", "Berlin",
             "Paris", "Brussels", "Geneva", "Nairobi", "Santiago", "Lima", "Asunción"],
    "pct": ["3.2", "4.5", "6", "7.8", "9", "11", "12.5", "15"],
    "num": ["twelve", "fifteen", "twenty", "thirty", "forty", "sixty"],
    "month": ["March", "April", "June", "July", "September", "October", "November"],
    "product": ["soybeans", "beef", "coffee", "shrimp", "pineapples", "orchids", "steel coils", "solar panels",
                "machine tools", "bicycles", "wine", "dairy products"],
    "sector": ["semiconductors", "green hydrogen", "offshore wind", "battery recycling", "medical devices",
               "artificial intelligence", "aerospace components", "precision agriculture"],
    "disease": ["dengue fever", "measles", "avian influenza", "tuberculosis", "malaria", "mpox"],
}

POOL_TEMPLATES = {
    "trade": [
        "Exports of {product} rose by {pct} percent in the first half of the year, driven by strong demand in Asia.",
        "The trade ministry said a new customs portal had cut clearance times for {product} by almost half.",
        "Negotiators will meet again in {city} in {month} to discuss tariff schedules and rules of origin.",
        "A delegation of {num} companies will visit {city} next month to explore joint ventures in {sector}.",
        "Officials signed a memorandum to simplify sanitary checks on {product}, which had faced long delays at the border.",
        "The government expects the new free trade agreement to lift bilateral trade by about {pct} percent within five years.",
        "Importers of {product} have asked for a longer transition period before the new labelling rules take effect.",
        "The ministry launched a fund to help small exporters obtain certification for markets in Europe and Japan.",
        "Chipmakers in Taiwan and South Korea reported record orders from data-centre operators this quarter.",
        "Shipments of {product} to mainland China resumed after inspectors cleared a backlog of containers.",
        "The chamber of commerce said its members wanted clearer rules on data transfers before expanding their operations.",
        "A trade fair in {city} attracted buyers from more than {num} countries, with {sector} drawing the largest crowds.",
        "The finance ministry said revenue from customs duties had fallen because of lower prices for {product}.",
        "Officials expect the anti-dumping investigation into imported {product} to conclude before the end of {month}.",
        "Exporters welcomed a decision to accept electronic certificates of origin from January.",
    ],
    "logistics": [
        "Port authorities in {port} said container throughput had reached its highest level in three years.",
        "Shipping lines added extra capacity on routes between {port} and the west coast of North America.",
        "A shortage of truck drivers has slowed deliveries from the port of {port}, according to the logistics association.",
        "Freight rates on routes through the Taiwan Strait eased after the typhoon season ended.",
        "The airport in {city} opened a new cargo terminal designed to handle temperature-sensitive medicines.",
        "Rail operators plan to run a direct freight service between {city} and the coast by the end of the year.",
        "The transport ministry will spend more on dredging to allow larger vessels to call at {port}.",
        "Fog disrupted ferry services across the Taiwan Strait for a second day, stranding hundreds of passengers.",
        "Customs officers at {port} seized a shipment of counterfeit car parts hidden among legitimate cargo.",
        "A new warehouse complex near {port} will use robots to sort parcels for online retailers.",
        "Insurers said premiums for vessels sailing near the typhoon belt had risen slightly this season.",
        "The logistics association called for common standards on electronic bills of lading across the region.",
        "Direct flights between Kaohsiung and {city} will increase to daily services from {month}.",
        "The coastguard rescued {num} fishermen after their boat lost power in rough seas off Penghu.",
    ],
    "climate": [
        "The energy ministry approved {num} new offshore wind projects, which together could power a million homes.",
        "Heavy rain triggered landslides in mountainous areas, and several roads remain closed.",
        "Forecasters warned that a strong typhoon could bring gusts of more than 150 kilometres an hour to coastal areas.",
        "The environment agency said air quality had improved after stricter limits on emissions from ships in port.",
        "A drought in the south has forced farmers to leave some rice paddies fallow this season.",
        "Scientists recorded the highest sea-surface temperatures on record in the waters east of Taiwan.",
        "The city of {city} will plant a million trees over the next decade to reduce summer heat.",
        "Officials unveiled a plan to phase out single-use plastics in government offices by {month} next year.",
        "Coral bleaching has been reported at several reefs, prompting calls for tighter controls on coastal development.",
        "The government will subsidise rooftop solar panels for households in rural areas.",
        "A new battery storage plant is expected to smooth out supply from wind and solar farms.",
        "Delegates at the climate talks in {city} agreed to work on a framework for adaptation finance.",
        "Electricity demand hit a record during the heatwave, but the grid operator said supplies were sufficient.",
        "The weather bureau said the plum rain season had brought welcome relief to reservoirs.",
        "Emissions from the power sector fell by {pct} percent last year as coal plants were retired.",
    ],
    "health": [
        "Health authorities reported a rise in cases of {disease} and urged residents to seek early treatment.",
        "The health ministry will offer free vaccinations against influenza to everyone over sixty-five.",
        "Hospitals in {city} are testing an artificial intelligence tool to read chest X-rays.",
        "A new cancer centre funded by public and private donors opened its doors this week.",
        "Officials said the national health insurance system would cover two additional drugs for rare diseases.",
        "Doctors warned that the heatwave posed a particular risk to elderly people living alone.",
        "The disease control agency held a tabletop exercise to prepare for a possible new pandemic.",
        "Medical schools will admit more students next year to ease a shortage of nurses and doctors.",
        "The ministry signed an agreement with a pharmaceutical company to produce vaccines locally.",
        "Researchers published a study showing that mosquito control had cut cases of {disease} by a third.",
        "A shipment of medical supplies arrived to help clinics affected by the earthquake.",
        "Public health officials launched a campaign to encourage teenagers to spend less time on their phones.",
    ],
    "visits": [
        "The foreign minister will travel to {city} next week for talks on trade and investment.",
        "The prime minister thanked the host government for its hospitality at the end of a three-day visit.",
        "A parliamentary delegation will visit {city} to study its public transport system.",
        "The two sides agreed to expand youth exchanges and working-holiday schemes.",
        "The state visit will include a banquet, a tour of a technology park and a meeting with students.",
        "Officials are finalising the programme for the leaders' summit, which will focus on infrastructure and digital trade.",
        "The new ambassador presented her credentials and pledged to deepen cultural and economic ties.",
        "A business forum held on the sidelines of the visit drew more than {num} chief executives.",
        "The minister laid a wreath at a war memorial before holding talks with her counterpart.",
        "Consular officials said they had helped {num} nationals return home after flights were cancelled.",
        "The two governments agreed to hold their next round of strategic dialogue in {city} in {month}.",
        "The minister's visit to the Shanghai trade fair was postponed because of a scheduling conflict.",
        "A group of mayors from across the region met in {city} to share experience on flood defences.",
        "The visiting delegation toured a semiconductor plant in Hsinchu and a wind farm off the west coast.",
    ],
    "culture": [
        "A film festival in {city} will screen works from Taiwan, Japan, South Korea and mainland China.",
        "The national orchestra will tour {num} cities next season, performing works by Asian composers.",
        "Museum officials said a touring exhibition of Song dynasty ceramics had drawn record crowds.",
        "Universities reported a rise in the number of international students enrolling in engineering courses.",
        "A new scholarship programme will allow {num} students a year to study abroad.",
        "The Chinese Taipei team won three gold medals at the regional athletics championships.",
        "A panda cub born at the zoo last month made its first public appearance over the holiday weekend.",
        "Publishers at the book fair in Taipei reported strong sales of translated fiction.",
        "The ministry of culture will fund the restoration of a historic temple damaged by the earthquake.",
        "Organisers of the marathon said more than {num} thousand runners had registered.",
        "A festival of indigenous music and dance will be held in Taitung in {month}.",
        "Language schools in {city} report growing demand for Mandarin classes among adult learners.",
        "The baseball league announced that the new season would open with a game in Taichung.",
        "A choir from {city} performed at the opening ceremony of the cultural week.",
    ],
    "tech": [
        "The central bank kept its benchmark interest rate unchanged, citing moderate inflation.",
        "Unemployment fell to its lowest level in a decade, according to official figures.",
        "A start-up in {city} raised funding to develop sensors for autonomous ships.",
        "The government will invest in a national supercomputer to support research in {sector}.",
        "Engineers completed the first test of a domestically designed satellite.",
        "The stock market rose after chip designers reported better-than-expected earnings.",
        "Officials said the semiconductor talent programme would train several hundred engineers a year.",
        "A cyberattack briefly disrupted the websites of several hospitals, but patient data were not affected.",
        "Telecom operators agreed to share infrastructure to extend fast broadband to remote villages.",
        "The science ministry announced grants for research on quantum computing and new materials.",
        "Retail sales grew by {pct} percent, helped by tourism and strong consumer confidence.",
        "The housing ministry plans to build more social housing for young families in {city}.",
        "Economists expect growth of around {pct} percent this year, supported by exports of AI servers.",
        "The statistics office said industrial production had risen for a fourth consecutive month.",
        "A new regulation requires large companies to report their energy use and emissions.",
        "Investment in {sector} has doubled over the past three years, according to the industry association.",
        "Mainland Chinese tourists returned in larger numbers to the coastal resorts this summer.",
        "A Taiwanese electronics company announced plans to build a factory outside {city}.",
        "Regulators approved the merger of two regional banks after a lengthy review.",
        "The government launched a digital identity card that can be stored on a mobile phone.",
    ],
    "agri": [
        "Farmers expect a good harvest of {product} after favourable weather in the spring.",
        "The fisheries agency set new quotas for tuna to protect declining stocks.",
        "An outbreak of avian influenza among poultry on {num} farms led to the culling of thousands of birds.",
        "The agriculture ministry will help farmers install drip irrigation to save water.",
        "Rice prices have stabilised after the government released stocks from its reserves.",
        "Fishing boats returned to port early as strong winds swept the Taiwan Strait.",
        "A new cold-chain facility will allow growers to export fresh fruit to more distant markets.",
        "Agronomists from Taiwan are helping local farmers improve yields of vegetables and fruit.",
    ],
    "services": [
        "The metro authority said a new line linking the airport to the city centre would open ahead of schedule.",
        "Water utilities asked residents to save water as reservoir levels dropped below seasonal averages.",
        "The postal service will trial drone deliveries to outlying islands from next spring.",
        "A new bridge over the river will cut commuting times for tens of thousands of workers.",
        "The labour ministry raised the minimum wage by 4 percent, effective from January.",
        "Police launched a campaign against telephone fraud targeting elderly people.",
        "The education ministry will introduce coding classes in all primary schools by next year.",
        "Tourism officials said hotel occupancy had returned to levels last seen before the pandemic.",
        "A wildfire in the hills outside {city} was brought under control after two days.",
        "The civil aviation authority approved a new low-cost carrier to operate regional routes.",
        "The government will extend subsidies for electric scooters for another two years.",
        "Officials opened a new border inspection station designed to speed up truck crossings.",
        "The national library is digitising its collection of historical maps and newspapers.",
        "A survey found that most small businesses expect to hire more staff next year.",
        "Rescue teams held a joint drill simulating a large earthquake in a densely populated district.",
        "Fuel prices fell for the third week in a row, following lower international crude prices.",
        "The ministry said the new tax filing system had processed returns faster than expected.",
        "Engineers began work on a desalination plant to secure water supplies for industrial parks.",
        "A new hospital ship will provide basic medical care to remote coastal communities.",
        "Authorities in {city} are testing driverless buses on a short route near the university.",
        "Consumer prices rose by 2.1 percent from a year earlier, slightly above forecasts.",
        "A government review recommended merging several small agencies to cut administrative costs.",
        "The football federation confirmed that the national team would host a friendly match in {month}.",
        "The national park service closed several hiking trails after heavy rain loosened rocks.",
        "A record number of cruise ships are expected to call at {port} this year.",
        "Officials inaugurated a vocational training centre for workers in the chip and battery industries.",
        "The central weather bureau upgraded its radar network to improve typhoon forecasts.",
        "The city council approved a plan to turn an old railway yard into a public park.",
        "An international conference on ocean science opened in {city} with delegates from {num} countries.",
        "The government will issue green bonds to finance flood defences and public transport.",
        "A cross-border e-commerce platform reported strong sales of snacks and cosmetics from Taiwan and Japan.",
        "Trade officials from mainland China and Southeast Asia met to discuss upgrading their free trade area.",
        "The ministry of digital affairs will host a hackathon on public data and open government.",
        "A new undersea cable linking the region to North America is expected to be completed next year.",
        "Researchers in Tainan developed a faster method for detecting contaminated seafood.",
    ],
}

# Short structural lines used by the document templates (not counted in the pool).
TRANSCRIPT_HEADS = [
    "Transcript of the regular press conference",
    "Press briefing, edited transcript",
    "Transcript: spokesperson's remarks to the media",
]
QUESTIONS = [
    "Can you give us an update on {topic}?", "What is your comment on {topic}?",
    "Could you tell us more about {topic}?", "Is there anything new on {topic}?",
    "Reports today mention {topic}. Can you say more?", "How do you assess {topic}?",
]
Q_TOPICS = {
    "trade": ["the trade negotiations", "the new export figures", "the investment forum", "tariffs"],
    "logistics": ["port congestion", "shipping disruption", "the new flight routes", "freight costs"],
    "climate": ["the typhoon", "the climate talks", "energy prices", "the heatwave"],
    "health": ["the health situation", "the vaccination campaign", "hospital capacity"],
    "visits": ["the minister's travel plans", "the upcoming state visit", "the leaders' summit"],
    "culture": ["the film festival", "the student exchange programme", "cultural cooperation"],
    "tech": ["the economy", "the chip industry", "the digital economy", "inflation"],
    "agri": ["fisheries quotas", "the harvest", "food prices"],
    "services": ["public services", "transport plans", "the budget"],
}
STANCE_QUESTIONS = [
    "What is your comment on the latest developments concerning Taiwan?",
    "Has your position on the Taiwan question changed?",
    "How do you view the situation across the Taiwan Strait?",
    "Can you respond to questions about your Taiwan policy?",
    "There has been a lot of commentary on cross-Strait relations this week. What is your view?",
]
DECOY_QUESTIONS = [
    "Is there any update on the situation around Taiwan?",
    "Anything on the Taiwan Strait this week?",
    "Can you tell us about your contacts with Taipei and Beijing on practical matters?",
]
DECOY_CATS = ["logistics", "climate", "trade", "culture"]
ARTICLE_HEADS = [
    "Regional round-up: trade, weather and diplomacy",
    "Week in review: ministers focus on supply chains",
    "Asia-Pacific briefing",
    "Diplomatic and economic news from the region",
    "Business and politics: the week's main stories",
]
COMMUNIQUE_HEADS = [
    "Joint communiqué issued at the conclusion of the ministerial meeting",
    "Chair's statement of the regional ministers' meeting",
    "Communiqué of the annual bilateral consultations",
    "Joint press statement following the leaders' talks",
]


def expand_pool(rng):
    """Return {category: [(template_id, sentence), ...]} with up to four expansions per template."""
    out = collections.OrderedDict()
    seen = set()
    for cat, temps in POOL_TEMPLATES.items():
        out[cat] = []
        for ti, t in enumerate(temps):
            keys = re.findall(r"\{(\w+)\}", t)
            want = 1 if not keys else 4
            got = 0
            for _ in range(30):
                s = t
                for k in keys:
                    s = s.replace("{" + k + "}", rng.choice(SLOTS[k]), 1)
                if s not in seen:
                    seen.add(s)
                    out[cat].append(("%s-%d" % (cat, ti), s))
                    got += 1
                if got >= want:
                    break
    return out


def is_single_sentence(text):
    if "\n" in text or "Q:" in text or "Question:" in text:
        return False
    inner = text[:-1]
    return not re.search(r"[.!?][\"”]?\s+[A-Z]", inner) and text.endswith((".", "!", "?"))


FIRST_PERSON = re.compile(r"(We |Our |Let me )")


def fits(dtype, text):
    """Transcripts take first-person statements, articles third-person ones, communiques either."""
    fp = bool(FIRST_PERSON.match(text))
    if dtype == "transcript":
        return fp
    if dtype == "article":
        return not fp
    return True


def words(s):
    return len(s.split())


def build():
    rng = random.Random(SEED)
    pool = expand_pool(rng)
    n_pool = sum(len(v) for v in pool.values())
    assert n_pool >= 300, n_pool
    test = [json.loads(l) for l in open(TEST_PATH, encoding="utf-8") if l.strip()]
    cands = collections.defaultdict(list)
    for r in test:
        if (r["label"] != "off_topic" and is_single_sentence(r["text"]) and words(r["text"]) <= 60
                and not r["text"].startswith("Ladies and gentlemen")):
            cands[r["label"]].append(r)
    for l in cands:
        rng.shuffle(cands[l])
    used = set()

    stance_labels = LABELS[:5]
    n_off = round(N_DOCS * 0.15)
    plan_labels = ["off_topic"] * n_off
    i = 0
    while len(plan_labels) < N_DOCS:
        plan_labels.append(stance_labels[i % 5])
        i += 1
    rng.shuffle(plan_labels)
    length_bins = ([(150, 400)] * 42 + [(400, 600)] * 40 + [(600, 1200)] * 36 + [(1200, 1500)] * 22)
    rng.shuffle(length_bins)
    doc_types = ["transcript", "communique", "article"]

    docs = []
    for n, label in enumerate(plan_labels):
        lo, hi = length_bins[n]
        target = rng.randint(lo + 20, hi - 40)
        dtype = doc_types[n % 3]
        stance = []
        if label != "off_topic":
            k = 2 if rng.random() < 0.3 else 1
            avail = [r for r in cands[label] if r["id"] not in used]
            first = next((r for r in avail if fits(dtype, r["text"])), avail[0])
            used.add(first["id"])
            stance.append(first)
            if k == 2:
                same_actor = [r for r in cands[label] if r["id"] not in used and r["actor"] == first["actor"]
                              and fits(dtype, r["text"])]
                other = [r for r in cands[label] if r["id"] not in used and fits(dtype, r["text"])]
                other = other or [r for r in cands[label] if r["id"] not in used]
                second = (same_actor or other)[0]
                used.add(second["id"])
                stance.append(second)
        mode = rng.choice(["early", "middle", "late", "late", "end", "deep", "deep"])
        seed = rng.random()
        for _attempt in range(25):
            doc = compose(random.Random(seed), pool, dtype, target, label, stance, n, mode)
            over = doc["n_words"] - (hi - 5)
            under = (lo + 5) - doc["n_words"]
            if over > 0:
                target -= over + 5
            elif under > 0:
                target += under + 5
            else:
                break
        docs.append(doc)
    return docs, pool


def compose(rng, pool, dtype, target, label, stance, n, mode):
    """Assemble one document from category paragraphs; returns the record with verified offsets."""
    used_t = set()
    cats = list(pool.keys())
    paras = []
    total = sum(words(st["text"]) for st in stance) + 15
    prev = None
    while total < target:
        options = [c for c in cats if c != prev and any(t not in used_t for t, _ in pool[c])]
        c = rng.choice(options)
        prev = c
        k = rng.randint(2, 4) if dtype == "communique" else rng.randint(2, 5)
        avail = [(t, x) for t, x in pool[c] if t not in used_t]
        rng.shuffle(avail)
        chosen = []
        for t, x in avail:
            if t in used_t:
                continue
            used_t.add(t)
            chosen.append(x)
            if len(chosen) >= k:
                break
        para = {"cat": c, "items": [("f", x) for x in chosen], "stance": False}
        paras.append(para)
        total += sum(words(x) for x in chosen) + (12 if dtype == "transcript" else 1)
    # stance placement: paragraph index by depth, then a random slot inside the paragraph
    n_p = len(paras)
    if mode == "early":
        frac = rng.uniform(0.0, 0.2)
    elif mode == "middle":
        frac = rng.uniform(0.35, 0.65)
    elif mode == "late":
        frac = rng.uniform(0.7, 0.9)
    elif mode == "end":
        frac = 1.0
    else:
        frac = rng.uniform(0.55, 1.0)
    p_idx = min(n_p - 1, int(frac * n_p))
    slots = [p_idx]
    if len(stance) == 2:
        slots.append(p_idx if rng.random() < 0.5 or p_idx == n_p - 1 else min(n_p - 1, p_idx + rng.randint(1, 3)))
    if dtype == "communique":
        # communiques: the stance sentence sits inside a numbered paragraph
        for st, pi in zip(stance, slots):
            items = paras[pi]["items"]
            pos = len(items) if (mode == "end" or paras[pi]["stance"]) else rng.randint(0, len(items))
            items.insert(pos, ("s", st))
            paras[pi]["stance"] = True
    elif stance:
        # transcripts: a dedicated answer to a Taiwan question; articles: a paragraph of its own,
        # sometimes followed by one or two sentences on the same visit/meeting
        groups = [[stance[0]]] if len(stance) == 1 else ([stance] if slots[0] == slots[1] else [[stance[0]], [stance[1]]])
        offsets = [slots[0] + (1 if mode == "end" else 0), (slots[1] if len(slots) > 1 else 0) + 1]
        for g_i, grp in enumerate(groups):
            items = [("s", st) for st in grp]
            if dtype == "article" and rng.random() < 0.5:
                extra = [(t, x) for t, x in pool["visits"] if t not in used_t][:rng.randint(1, 2)]
                for t, x in extra:
                    used_t.add(t)
                    items.append(("f", x))
            at = min(len(paras), offsets[g_i] + g_i)
            paras.insert(at, {"cat": "visits", "items": items, "stance": True})
    decoy = (dtype == "transcript" and label == "off_topic" and rng.random() < 0.6)
    if decoy:
        # an off-topic answer to a Taiwan-related question (no stance is taken)
        pi = rng.randrange(n_p)
        paras[pi]["decoy"] = True

    parts, evidence = [], []
    cursor = 0

    def emit(x):
        nonlocal cursor
        parts.append(x)
        cursor += len(x)

    if dtype == "transcript":
        emit("%s\n\nSPOKESPERSON: Good afternoon. I have a few announcements before taking your questions." % rng.choice(TRANSCRIPT_HEADS))
    elif dtype == "communique":
        emit(rng.choice(COMMUNIQUE_HEADS))
    else:
        emit(rng.choice(ARTICLE_HEADS))
    for i, para in enumerate(paras):
        emit("\n\n")
        if dtype == "transcript":
            if i == 0 and not para["stance"] and not para.get("decoy"):
                emit("SPOKESPERSON: ")
            else:
                if para["stance"]:
                    q = rng.choice(STANCE_QUESTIONS)
                elif para.get("decoy"):
                    q = rng.choice(DECOY_QUESTIONS)
                else:
                    q = rng.choice(QUESTIONS).replace("{topic}", rng.choice(Q_TOPICS[para["cat"]]))
                emit("Q: %s\n\nSPOKESPERSON: " % q)
        elif dtype == "communique":
            emit("%d. " % (i + 1))
        for j, (kind, x) in enumerate(para["items"]):
            if j > 0:
                emit(" ")
            if kind == "s":
                start = cursor
                emit(x["text"])
                evidence.append((start, cursor, x))
            else:
                emit(x)
    if dtype == "transcript":
        emit("\n\nSPOKESPERSON: That concludes today's briefing. Thank you.")
    text = "".join(parts)
    ev, evb = [], []
    raw = text.encode("utf-8")
    for start, end, x in evidence:
        assert text[start:end] == x["text"], (start, end)
        bstart = len(text[:start].encode("utf-8"))
        bend = bstart + len(x["text"].encode("utf-8"))
        assert raw[bstart:bend].decode("utf-8") == x["text"]
        ev.append({"start": start, "end": end, "text": x["text"]})
        evb.append({"start": bstart, "end": bend, "text": x["text"]})
    nw = words(text)
    pos = round(words(text[:ev[0]["start"]]) / nw, 3) if ev else None
    labels = set(x["label"] for _, _, x in evidence)
    assert len(labels) <= 1
    doc_label = labels.pop() if labels else "off_topic"
    assert doc_label == label
    return collections.OrderedDict([
        ("id", "ld-%04d" % (n + 1)), ("text", text), ("label", doc_label), ("evidence", ev),
        ("evidence_bytes", evb), ("n_words", nw), ("source_ids", [x["id"] for _, _, x in evidence]),
        ("doc_type", dtype), ("position", pos),
    ])


def stats(docs, pool):
    c = collections.Counter(d["label"] for d in docs)
    lens = [d["n_words"] for d in docs]
    deep = sum(1 for d in docs if d["evidence"] and words(d["text"][:d["evidence"][-1]["start"]]) > 450)
    near_end = sum(1 for d in docs if d["position"] is not None and d["position"] >= 0.85)
    two = sum(1 for d in docs if len(d["evidence"]) == 2)
    types = collections.Counter(d["doc_type"] for d in docs)
    lines = []
    lines.append("| label | documents |\n|---|---|")
    for l in LABELS:
        lines.append("| %s | %d |" % (l, c[l]))
    table = "\n".join(lines)
    bins = [(150, 400), (401, 600), (601, 1200), (1201, 1500)]
    ltab = "| words | documents |\n|---|---|\n" + "\n".join(
        "| %d-%d | %d |" % (a, b, sum(1 for n in lens if a <= n <= b)) for a, b in bins)
    summary = ("%d documents (%s); %d to %d words (median %d); %d over 600 words, %d over 1,200 words; "
               "%d with two stance sentences; %d whose last stance sentence starts after word 450 "
               "(beyond the first 512 tokens of a MiniLM/BERT tokenizer); %d whose first stance sentence is in "
               "the last 15%% of the document; off-topic sentence pool: %d distinct sentences.\n" % (
                   len(docs), ", ".join("%d %s" % (v, k) for k, v in sorted(types.items())),
                   min(lens), max(lens), sorted(lens)[len(lens) // 2],
                   sum(1 for n in lens if n > 600), sum(1 for n in lens if n > 1200), two, deep, near_end,
                   sum(len(v) for v in pool.values())))
    return summary + "\n" + table + "\n\n" + ltab + "\n"


def check(docs, pool):
    test_ids = {json.loads(l)["id"]: json.loads(l) for l in open(TEST_PATH, encoding="utf-8") if l.strip()}
    assert len(docs) >= 120
    assert sum(len(v) for v in pool.values()) >= 300
    lens = [d["n_words"] for d in docs]
    assert all(150 <= n <= 1500 for n in lens), (min(lens), max(lens))
    assert sum(1 for n in lens if n > 600) >= 30
    assert sum(1 for n in lens if n > 1200) >= 10
    ids = set()
    for d in docs:
        assert d["id"] not in ids
        ids.add(d["id"])
        b = d["text"].encode("utf-8")
        for e, eb in zip(d["evidence"], d["evidence_bytes"]):
            assert d["text"][e["start"]:e["end"]] == e["text"]
            assert b[eb["start"]:eb["end"]].decode("utf-8") == eb["text"] == e["text"]
        for sid in d["source_ids"]:
            assert sid in test_ids, sid
            assert test_ids[sid]["label"] == d["label"]
        if d["label"] == "off_topic":
            assert not d["evidence"]
        else:
            assert 1 <= len(d["evidence"]) <= 2
    off = sum(1 for d in docs if d["label"] == "off_topic") / len(docs)
    assert 0.1 <= off <= 0.2, off


def replace_block(path, name, content):
    if not os.path.exists(path):
        return False
    text = open(path, encoding="utf-8").read()
    begin, end = "<!-- BEGIN %s -->" % name, "<!-- END %s -->" % name
    if begin not in text or end not in text:
        return False
    a = text.index(begin) + len(begin)
    b = text.index(end)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text[:a] + "\n" + content + text[b:])
    return True


def main():
    if not os.path.exists(TEST_PATH):
        print("missing %s: run scripts/build_corpus.py first" % TEST_PATH, file=sys.stderr)
        return 1
    docs, pool = build()
    check(docs, pool)
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w", encoding="utf-8", newline="\n") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    md = stats(docs, pool)
    print(md)
    if replace_block(README, "LONGDOCS STATS", md):
        print("updated long-document statistics in datasets/README.md")
    print("all long-document checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
