#!/usr/bin/env python3
"""Build the long-document sets datasets/longdocs/test.jsonl and dev.jsonl (standard library only).

    python3 scripts/build_longdocs.py            # rebuilds the stance splits it draws from in memory

Each document is a realistic press-conference transcript, communique or news article of 150 to
1,500 words made of off-topic sentences (trade, logistics, climate, health, visits, culture,
technology; many mention Taiwan or China without taking any stance) plus zero, one or two
stance sentences taken verbatim from single-sentence statements of one split of the stance
corpus.  Two stance sentences in one document always share a label, so the document label is
that label; documents without a stance sentence (about 15%) are labelled off_topic.  Stance
sentences are placed at varied depths, including near the end and beyond the first 512 tokens.

* ``test.jsonl`` (140 documents, seed 20240520): stance sentences from the first TEST split (now retired_test.jsonl), off-topic
  sentences from ``POOL_TEMPLATES`` and the structural lines of ``TEST_STYLE``.  Unchanged since
  it was first built; the script reproduces it byte for byte.
* ``dev.jsonl`` (120 documents, seed 20240521): the same recipe and length distribution, stance
  sentences from the DEV split, and a disjoint off-topic pool (``DEV_POOL_TEMPLATES``) and
  structural lines (``DEV_STYLE``), so that a roll-up threshold can be tuned on dev without
  seeing any test filler.  The script asserts that the two pools share no sentence.

Stance sentences are taken only from the original (non-``generic``) stance rows; the generic
off-topic rows added to the corpus later are off_topic and never used here.  The corpus script
(``build_corpus.py --check``) imports ``filler_universe``/``structural_lines`` from this file to
assert that no corpus text reuses a filler sentence.

Fields: id, text, label, evidence (list of {start, end, text}; Python str offsets, i.e. Unicode
code points), evidence_bytes (the same spans as UTF-8 byte offsets), n_words, source_ids (ids of
the statements used), doc_type, position (where the first stance sentence starts, as a
fraction of the document's words).  Deterministic (seeded); offsets are verified with asserts.
"""
import collections
import functools
import itertools
import json
import os
import random
import re
import sys
import unicodedata

SEED = 20240520
DEV_SEED = 20240521
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "datasets", "longdocs", "test.jsonl")
DEV_OUT_PATH = os.path.join(ROOT, "datasets", "longdocs", "dev.jsonl")
README = os.path.join(ROOT, "datasets", "README.md")
from stance_labels import LABELS
N_DOCS = 140
N_DEV_DOCS = 120

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

TEST_STYLE = {
    "heads": {"transcript": TRANSCRIPT_HEADS, "communique": COMMUNIQUE_HEADS, "article": ARTICLE_HEADS},
    "opener": "SPOKESPERSON: Good afternoon. I have a few announcements before taking your questions.",
    "closer": "SPOKESPERSON: That concludes today's briefing. Thank you.",
    "questions": QUESTIONS, "q_topics": Q_TOPICS, "stance_questions": STANCE_QUESTIONS,
    "decoy_questions": DECOY_QUESTIONS, "id": "ld-%04d",
}

# --------------------------------------------------------------------------------------------
# Dev set: a second, disjoint off-topic pool and structural lines, written separately from the
# test pool (same categories, same register, about the same share of Taiwan/China mentions).
# --------------------------------------------------------------------------------------------
DEV_POOL_TEMPLATES = {
    "trade": [
        "Customs data showed that imports of {product} fell by {pct} percent as buyers ran down their stocks.",
        "A trade promotion office in {city} will help local firms find distributors for {product}.",
        "Officials said revised rules of origin would make it easier for exporters of {product} to claim lower duties.",
        "The two delegations exchanged market access offers for services and agreed to meet again in {month}.",
        "The exporters' association expects orders for {sector} equipment to keep rising next year.",
        "A study commissioned by the ministry found that paperwork still adds two days to most export shipments.",
        "The government will reimburse part of the cost of trade fair stands for first-time exporters.",
        "Semiconductor packaging firms in Taiwan and Malaysia announced new investments to meet demand for AI chips.",
        "Importers in mainland China placed larger orders for {product} after prices fell.",
        "Wholesale prices of {product} rose sharply after a poor season in several producing countries.",
        "A panel of trade experts will review complaints about slow refunds of import duties.",
        "The commerce ministry published guidance on the new due diligence rules for supply chains.",
        "Retailers said consumers were switching to cheaper brands of {product} as household budgets tightened.",
        "The export council wants a single online window for permits, certificates and customs declarations.",
        "Investors from {city} and the Gulf are studying a joint fund for {sector}.",
        "A buyers' mission from {city} signed letters of intent worth several million dollars for {product}.",
    ],
    "logistics": [
        "The port of {port} introduced an appointment system for trucks to shorten queues at the gates.",
        "Two shipping alliances announced a new weekly service calling at {port} and the Red Sea ports.",
        "Warehouse rents near {port} have climbed as online retailers compete for space.",
        "Air freight rates eased after airlines added capacity on routes to Europe.",
        "Container ships waited up to three days at anchor outside {port} during the peak season.",
        "A landslide blocked the main railway line to the coast, and freight trains were diverted.",
        "The customs agency began using scanners that can inspect a container in under a minute.",
        "Ferry operators in the Taiwan Strait cancelled sailings as the northeast monsoon strengthened.",
        "The airport authority in {city} plans a second cargo apron to handle e-commerce parcels.",
        "Logistics firms said a shortage of refrigerated containers was delaying fruit shipments.",
        "The national railway will electrify the freight line to {port} by the end of the decade.",
        "Barge traffic on the river resumed after water levels rose following the rains.",
        "A pilot scheme lets small exporters share container space to cut shipping costs.",
        "Coastal shipping between {port} and the outlying islands will increase to four sailings a week.",
        "Dock workers at {port} agreed to a new contract, ending a week of slowdowns.",
        "A feeder service linking {port} with smaller harbours along the coast will start in {month}.",
    ],
    "climate": [
        "A cold snap brought frost to highland farms and snow to the highest peaks.",
        "The environment ministry released a plan to restore wetlands along the river estuary.",
        "Engineers finished raising the sea wall that protects the fishing harbour from storm surges.",
        "The meteorological agency said this year's monsoon had delivered less rain than average.",
        "A solar farm built on a former landfill outside {city} began supplying power to the grid.",
        "Officials in {city} introduced a low-emission zone for heavy vehicles in the city centre.",
        "Researchers warned that warmer seas were pushing fish stocks further north.",
        "The utilities regulator approved a plan to bury power lines in areas prone to storms.",
        "Air pollution readings in {city} improved after a nearby coal plant switched to gas.",
        "A typhoon passed east of Taiwan without making landfall, sending heavy swells to the coast.",
        "The government will pay farmers to plant trees along riverbanks to reduce erosion.",
        "Firefighters contained a forest fire that had burned several hundred hectares of pine.",
        "A new geothermal plant will supply heat and power to an industrial park.",
        "The climate agency said last month was the warmest {month} since records began.",
        "City authorities in {city} will paint school roofs white to keep classrooms cooler in summer.",
        "Monitoring stations recorded unusually high levels of dust blown in from the desert.",
        "Hydrologists in {city} said groundwater levels had recovered after two wet winters.",
    ],
    "health": [
        "Hospitals postponed some routine surgery as a wave of respiratory infections filled emergency wards.",
        "The ministry will train pharmacists to give vaccinations at neighbourhood pharmacies.",
        "A children's hospital in {city} opened a ward for patients with rare genetic disorders.",
        "Health officials confirmed a small cluster of {disease} cases and traced all close contacts.",
        "Blood banks appealed for donors after stocks fell below the level needed for a week.",
        "A mobile screening unit will tour rural areas to check residents for eye disease.",
        "The regulator approved a cheaper generic version of a widely used diabetes medicine.",
        "Doctors in mainland China and Southeast Asia shared data on a new strain of influenza.",
        "Nursing homes were told to review their plans for protecting residents during heatwaves.",
        "A national survey found that fewer young people smoke than a decade ago.",
        "The health insurance agency will pay for home visits by nurses after major surgery.",
        "Scientists at a university in {city} developed a rapid test for {disease}.",
        "The ministry launched an app that lets patients book appointments at public clinics.",
        "A campaign against {disease} in border villages will distribute bed nets and test kits.",
        "Volunteers in {city} will go door to door to explain how to recognise the early signs of {disease}.",
    ],
    "visits": [
        "The visiting president addressed a joint session of parliament and laid flowers at the national cemetery.",
        "The trade minister will lead a delegation of exporters to {city} at the end of {month}.",
        "Both ministers stressed the importance of people-to-people ties and tourism.",
        "The delegation met provincial officials to discuss cooperation in disaster preparedness.",
        "The foreign minister held talks with her counterpart over lunch and then visited a vocational school.",
        "Young diplomats from {num} countries completed a training course at the foreign ministry.",
        "The governor of a neighbouring province led a delegation to study the city's waste management.",
        "The two interior ministers discussed border management and cooperation on disaster relief.",
        "Officials confirmed that the royal couple would stop in {city} during their tour of the region.",
        "A bilateral investment forum will be held on the margins of the prime minister's visit.",
        "The speaker of parliament hosted a lunch for visiting lawmakers from {num} countries.",
        "A delegation from Taipei visited a water treatment plant and a vocational college.",
        "The minister's trip to Beijing for the trade expo is expected to focus on farm exports.",
        "The mayor of {city} signed a sister-city agreement covering culture, tourism and urban planning.",
    ],
    "culture": [
        "The opera house reopened after a two-year renovation with a new production of a classic work.",
        "A documentary about island fishing communities won the top prize at the festival in {city}.",
        "The national museum returned {num} artefacts to the communities they were taken from.",
        "An exhibition of contemporary photography from Taiwan opened at a gallery in {city}.",
        "Organisers said the jazz festival had drawn its largest audience in a decade.",
        "Table tennis championships in {city} drew players from more than {num} countries.",
        "A new translation prize will reward literary works translated from Asian languages.",
        "Heritage officials completed the restoration of a nineteenth-century lighthouse.",
        "The basketball league signed a broadcasting deal that will bring games to more viewers.",
        "Students from {num} universities took part in a debating competition on climate policy.",
        "Dancers from Taiwan and Japan performed together at the opening of the arts festival.",
        "A campaign to promote reading among children handed out free books at railway stations.",
        "The city's symphony orchestra will give open-air concerts in parks throughout {month}.",
        "A youth theatre company from {city} will stage a bilingual play at the national arts centre in {month}.",
        "A dragon boat race on the river attracted thousands of spectators.",
    ],
    "tech": [
        "The statistics office revised its estimate of quarterly growth up by 0.3 percentage points.",
        "A domestic chip design company listed its shares on the stock exchange.",
        "The government will offer tax credits to companies that invest in research on {sector}.",
        "Banks reported rising demand for loans from small manufacturers.",
        "The competition authority fined two delivery platforms for restricting their drivers.",
        "Household savings rose as consumers remained cautious about spending.",
        "Analysts said exports of electronic components from Taiwan had reached a new high.",
        "The economy ministry set up a helpline for firms struggling with energy costs.",
        "A robotics company in {city} unveiled a machine that can pick strawberries.",
        "The country's first quantum computer was installed at the national research institute.",
        "Manufacturing output slowed as orders from Europe weakened.",
        "The securities regulator proposed stricter disclosure rules for listed companies.",
        "Venture capital investment in {sector} reached a record in the first quarter.",
        "Software exporters said they were struggling to recruit experienced engineers.",
        "Factories in mainland China reported lower costs for raw materials this quarter.",
        "Inflation slowed to {pct} percent, according to the latest figures.",
        "A university spin-off in {city} raised capital to commercialise its research on {sector}.",
    ],
    "agri": [
        "Tea growers expect higher prices after frost reduced the spring harvest.",
        "The agriculture ministry is testing drones to spray crops on steep hillsides.",
        "Dairy farmers received emergency payments after feed prices doubled.",
        "A seed bank in the mountains will store samples of {num} thousand plant varieties.",
        "Fishermen reported a good season for squid after cooler waters returned.",
        "The government will buy surplus {product} from farmers to stabilise prices.",
        "Orchard owners are switching to fruit varieties that need less water.",
        "A cooperative of rice farmers began selling directly to supermarkets in {city}.",
        "Exports of {product} to the Middle East doubled after a new quarantine protocol was agreed.",
    ],
    "services": [
        "The capital's subway will run all night on weekends from next month.",
        "A new library and community centre opened in a district that had none.",
        "The tax office extended the deadline for filing returns by two weeks.",
        "Police in {city} set up a unit to tackle online investment scams.",
        "The government will hire more social workers to support elderly people who live alone.",
        "Electricity was restored to most homes within a day of the storm.",
        "A programme to replace lead water pipes in older buildings will be completed next year.",
        "The justice ministry launched an online service for small claims.",
        "City officials in {city} approved bicycle lanes on three main avenues.",
        "The pension fund reported higher returns after a strong year for bond markets.",
        "Commuters faced delays after a signal failure on the main railway line.",
        "The immigration office will open on Saturdays to reduce waiting times.",
        "A single emergency number will connect callers to ambulance, fire and police services.",
        "Municipal authorities opened cooling centres for residents during the hot weather.",
        "The housing authority began a lottery for {num} hundred subsidised apartments.",
        "Rubbish collection in {city} will follow a new timetable from {month}.",
        "The road safety agency reported fewer traffic deaths than in any year on record.",
        "Free public transport for students will be extended for another year.",
        "The weather service will send typhoon alerts by text message to every phone in affected areas.",
        "Trade unions and employers agreed on new rules for working from home.",
        "A ferry terminal at {port} reopened after repairs to its passenger bridge.",
    ],
}
DEV_Q_TOPICS = {
    "trade": ["the export data", "the market access talks", "the trade fair", "import duties"],
    "logistics": ["delays at the ports", "air cargo", "the rail freight line", "container shortages"],
    "climate": ["the cold snap", "the wetland plan", "air pollution", "the forest fire"],
    "health": ["the flu season", "the blood supply", "the new clinic app"],
    "visits": ["the president's visit", "the trade mission", "the investment forum"],
    "culture": ["the arts festival", "the museum returns", "the championships"],
    "tech": ["growth figures", "the quantum computer", "manufacturing output", "the stock listing"],
    "agri": ["the tea harvest", "dairy prices", "the seed bank"],
    "services": ["the night subway", "waiting times at the immigration office", "the tax deadline"],
}
DEV_STYLE = {
    "heads": {
        "transcript": ["Regular press conference: transcript", "Transcript of the spokesperson's daily briefing",
                       "Media briefing, full transcript"],
        "communique": ["Joint statement issued after the ministerial consultations",
                       "Outcome document of the regional foreign ministers' meeting",
                       "Joint communiqué of the bilateral commission", "Press statement by the co-chairs"],
        "article": ["News digest: economy, weather and foreign affairs", "The week in the region",
                    "Around the region: policy and markets", "Regional news summary",
                    "Diplomacy and business: weekly digest"],
    },
    "opener": "SPOKESPERSON: Welcome. I will begin with a few items of news and then take questions.",
    "closer": "SPOKESPERSON: Thank you all, and see you at the next briefing.",
    "questions": ["Do you have an update on {topic}?", "Any news on {topic}?", "Could you say a word about {topic}?",
                  "How would you describe {topic}?", "Is there progress on {topic}?",
                  "There are reports about {topic}. Would you like to comment?"],
    "q_topics": DEV_Q_TOPICS,
    "stance_questions": [
        "What is your view on recent events involving Taiwan?",
        "Could you set out your government's position on Taiwan?",
        "Is there any change in how you approach the Taiwan issue?",
        "Several commentators say your Taiwan policy is evolving. Is that right?",
        "What would you like to say about Taiwan today?",
    ],
    "decoy_questions": [
        "Any news on Taiwan this week?",
        "Is there anything to report on practical contacts with Taipei and Beijing?",
        "Anything to say about shipping in the Taiwan Strait today?",
    ],
    "id": "ld-dev-%04d",
}


def expand_pool(rng, templates=None):
    """Return {category: [(template_id, sentence), ...]} with up to four expansions per template."""
    templates = POOL_TEMPLATES if templates is None else templates
    out = collections.OrderedDict()
    seen = set()
    for cat, temps in templates.items():
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


# The two sets: seed, source split, size, length bins (the dev bins scale the test bins 42/40/36/22
# to 120 documents), filler templates and structural lines.
SETS = collections.OrderedDict([
    ("test", {"seed": SEED, "src": "test", "out": OUT_PATH, "n": N_DOCS,
              "bins": [(150, 400)] * 42 + [(400, 600)] * 40 + [(600, 1200)] * 36 + [(1200, 1500)] * 22,
              "templates": POOL_TEMPLATES, "style": TEST_STYLE, "readme": "LONGDOCS STATS"}),
    ("dev", {"seed": DEV_SEED, "src": "dev", "out": DEV_OUT_PATH, "n": N_DEV_DOCS,
             "bins": [(150, 400)] * 36 + [(400, 600)] * 34 + [(600, 1200)] * 31 + [(1200, 1500)] * 19,
             "templates": DEV_POOL_TEMPLATES, "style": DEV_STYLE, "readme": "LONGDOCS DEV STATS"}),
])


@functools.lru_cache(maxsize=None)
def corpus_as_first_built():
    """build_corpus.py's splits as they stood when these sets were built: before its December
    2026 defect fixes (which rewrote or dropped some rows) and before the first test split was
    retired (2026-12-04, now stance/retired_test.jsonl); rebuilt in memory, so this script
    reproduces both sets byte for byte whatever the committed stance files hold."""
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import build_corpus
    return build_corpus.add_generic(build_corpus.build(random.Random(build_corpus.SEED)))


def source_rows(split):
    return corpus_as_first_built()[split]


def is_candidate(r):
    """A stance sentence usable in a long document: an original (non-generic) stance row that is a
    single sentence of at most 60 words."""
    return (r["label"] != "off_topic" and "generic" not in r.get("tags", []) and is_single_sentence(r["text"])
            and words(r["text"]) <= 60 and not r["text"].startswith("Ladies and gentlemen"))


def build(which="test"):
    cfg = SETS[which]
    rng = random.Random(cfg["seed"])
    pool = expand_pool(rng, cfg["templates"])
    style = cfg["style"]
    n_docs = cfg["n"]
    n_pool = sum(len(v) for v in pool.values())
    assert n_pool >= 300, n_pool
    test = source_rows(cfg["src"])
    cands = collections.defaultdict(list)
    for r in test:
        if is_candidate(r):
            cands[r["label"]].append(r)
    for l in cands:
        rng.shuffle(cands[l])
    used = set()

    stance_labels = LABELS[:5]
    n_off = round(n_docs * 0.15)
    plan_labels = ["off_topic"] * n_off
    i = 0
    while len(plan_labels) < n_docs:
        plan_labels.append(stance_labels[i % 5])
        i += 1
    rng.shuffle(plan_labels)
    length_bins = list(cfg["bins"])
    assert len(length_bins) == n_docs
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
            doc = compose(random.Random(seed), pool, dtype, target, label, stance, n, mode, style)
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


def compose(rng, pool, dtype, target, label, stance, n, mode, style=None):
    """Assemble one document from category paragraphs; returns the record with verified offsets."""
    style = TEST_STYLE if style is None else style
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
        emit("%s\n\n%s" % (rng.choice(style["heads"]["transcript"]), style["opener"]))
    elif dtype == "communique":
        emit(rng.choice(style["heads"]["communique"]))
    else:
        emit(rng.choice(style["heads"]["article"]))
    for i, para in enumerate(paras):
        emit("\n\n")
        if dtype == "transcript":
            if i == 0 and not para["stance"] and not para.get("decoy"):
                emit("SPOKESPERSON: ")
            else:
                if para["stance"]:
                    q = rng.choice(style["stance_questions"])
                elif para.get("decoy"):
                    q = rng.choice(style["decoy_questions"])
                else:
                    q = rng.choice(style["questions"]).replace("{topic}", rng.choice(style["q_topics"][para["cat"]]))
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
        emit("\n\n" + style["closer"])
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
        ("id", style["id"] % (n + 1)), ("text", text), ("label", doc_label), ("evidence", ev),
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


def check(docs, pool, which="test"):
    src_ids = {r["id"]: r for r in source_rows(SETS[which]["src"])}
    assert len(docs) >= (120 if which == "test" else 100)
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
            assert sid in src_ids, sid
            assert src_ids[sid]["label"] == d["label"]
            assert is_candidate(src_ids[sid]), sid
        if d["label"] == "off_topic":
            assert not d["evidence"]
        else:
            assert 1 <= len(d["evidence"]) <= 2
    off = sum(1 for d in docs if d["label"] == "off_topic") / len(docs)
    assert 0.1 <= off <= 0.2, off


# --------------------------------------------------------------------------------------------
# Filler universes (for leakage checks here and in build_corpus.py --check)
# --------------------------------------------------------------------------------------------
def norm(text):
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


def filler_universe(templates):
    """Every sentence a filler template can produce (all slot combinations), not only the sampled ones."""
    out = set()
    for temps in templates.values():
        for t in temps:
            keys = re.findall(r"\{(\w+)\}", t)
            for combo in itertools.product(*[SLOTS[k] for k in keys]):
                x = t
                for k, v in zip(keys, combo):
                    x = x.replace("{" + k + "}", v, 1)
                out.add(x)
    return out


def structural_lines(style):
    """Headings, openers, closers and every transcript question a style can produce."""
    out = set(style["heads"]["transcript"]) | set(style["heads"]["communique"]) | set(style["heads"]["article"])
    out |= {style["opener"], style["closer"]} | set(style["stance_questions"]) | set(style["decoy_questions"])
    for q in style["questions"]:
        for topics in style["q_topics"].values():
            for t in topics:
                out.add(q.replace("{topic}", t))
    return out


def split_sentences(text):
    """Rough sentence split for overlap checks; drops speaker tags and paragraph numbers."""
    out = []
    for para in re.split(r"\n+", text):
        for s in re.split(r"(?<=[.!?])\s+(?=\S)", para):
            s = re.sub(r"^(?:\d+\.\s+|[A-Z][A-Z .'-]{0,39}:\s*|Question:\s*|Answer:\s*)+", "", s.strip())
            if s:
                out.append(s)
    return out


def shingles(text, n=8):
    w = norm(text).split()
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def pool_overlap():
    """(shared normalised sentences, shared 8-word shingles) between the test and dev filler
    universes including structural lines."""
    a = filler_universe(POOL_TEMPLATES) | structural_lines(TEST_STYLE)
    b = filler_universe(DEV_POOL_TEMPLATES) | structural_lines(DEV_STYLE)
    na = {norm(s) for x in a for s in split_sentences(x)}
    nb = {norm(s) for x in b for s in split_sentences(x)}
    sa, sb = set(), set()
    for x in a:
        sa |= shingles(x)
    for x in b:
        sb |= shingles(x)
    return na & nb, sa & sb


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
    shared, shared_sh = pool_overlap()
    print("test vs dev filler pools (all slot expansions and structural lines): %d shared sentences, "
          "%d shared 8-word shingles" % (len(shared), len(shared_sh)))
    assert not shared, sorted(shared)[:5]
    for which, cfg in SETS.items():
        docs, pool = build(which)
        check(docs, pool, which)
        os.makedirs(os.path.dirname(cfg["out"]), exist_ok=True)
        with open(cfg["out"], "w", encoding="utf-8", newline="\n") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        md = stats(docs, pool)
        print("== %s ==" % os.path.relpath(cfg["out"], ROOT))
        print(md)
        if replace_block(README, cfg["readme"], md):
            print("updated %s block in datasets/README.md" % cfg["readme"])
    print("all long-document checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
