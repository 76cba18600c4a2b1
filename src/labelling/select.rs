//! Choosing a batch from scored statements: the random slice first, then strategy slots filled
//! under diversity quotas. Pure: it sees groups and scores, never files.
//!
//! 1. **Random slice.** round(`random_share` · n) statements drawn uniformly (seeded) before
//!    any strategy runs, marked `random_slice`: an unbiased sample for evaluation that no
//!    strategy's preferences touched.
//! 2. **Slots.** The other n_s = n − slice picks are slots, each owned by a strategy in
//!    proportion to its share (for `mix`: ordinal 1/2, entropy 1/4, committee 1/4; without a
//!    committee, ordinal 2/3 and entropy 1/3), interleaved so every strategy gets its turn.
//!    A slot takes its strategy's highest-scoring statement that is still eligible; a
//!    committee slot with no statement left that two model versions classified falls back to
//!    ordinal.
//! 3. **Quotas.** No actor, year or predicted label may hold more than ⌈2 · n_s / G⌉ slot
//!    picks, with G its number of distinct values in the pool (twice its fair share), and
//!    every predicted label the pool holds first gets ⌈n_s / 12⌉ picks (half the fair share
//!    of six labels, when n_s ≥ 6), rarest label first — so rare labels are reached even when
//!    the model is unsure only about common ones. When the caps leave slots empty (a narrow
//!    pool), the rest is filled without them and a note says so.
//! 4. **Near-duplicates.** Two statements with the same normalised-text key never share a
//!    batch.

use std::collections::{HashMap, HashSet};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::strategy::Strategy;
use crate::labels::{Label, NUM_LABELS};

/// A statement as selection sees it.
#[derive(Debug, Clone)]
pub struct Item {
    /// Near-duplicate key.
    pub key: String,
    /// Actor (`unknown` when missing).
    pub actor: String,
    /// Year of the statement, if dated.
    pub year: Option<i32>,
    /// Predicted label.
    pub label: Label,
    /// Score of each scoring strategy (margin, entropy, ordinal, committee).
    pub scores: Scores,
}

/// Scores of the four scoring strategies; `None` where a strategy has nothing to say.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    /// Margin score.
    pub margin: Option<f64>,
    /// Entropy score.
    pub entropy: Option<f64>,
    /// Ordinal score.
    pub ordinal: Option<f64>,
    /// Committee score.
    pub committee: Option<f64>,
}

impl Scores {
    /// Every strategy's score for probabilities `p` and committee `members`.
    pub fn of(p: &[f32; NUM_LABELS], members: &[[f32; NUM_LABELS]]) -> Scores {
        use super::strategy::score;
        Scores {
            margin: score(Strategy::Margin, p, members),
            entropy: score(Strategy::Entropy, p, members),
            ordinal: score(Strategy::Ordinal, p, members),
            committee: score(Strategy::Committee, p, members),
        }
    }

    /// The score of one strategy.
    pub fn get(&self, s: Strategy) -> Option<f64> {
        match s {
            Strategy::Margin => self.margin,
            Strategy::Entropy => self.entropy,
            Strategy::Ordinal => self.ordinal,
            Strategy::Committee => self.committee,
            Strategy::Random | Strategy::Mix => None,
        }
    }
}

/// Settings of a selection.
#[derive(Debug, Clone, Copy)]
pub struct SelectSettings {
    /// Batch size.
    pub n: usize,
    /// Strategy (or the mix).
    pub strategy: Strategy,
    /// Share of the batch drawn at random before any strategy.
    pub random_share: f64,
    /// Seed of every random choice.
    pub seed: u64,
}

/// One chosen statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pick {
    /// Index into the items.
    pub index: usize,
    /// The strategy that chose it (`random` for the random slice).
    pub strategy: Strategy,
    /// That strategy's score (none for random picks).
    pub score: Option<f64>,
    /// Whether it belongs to the random slice.
    pub random_slice: bool,
}

/// A chosen batch with what a person should know about it.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Picks, in the order they were made.
    pub picks: Vec<Pick>,
    /// Notes: fallbacks, relaxed quotas, a pool smaller than asked.
    pub notes: Vec<String>,
}

/// The default mix: (strategy, share of the slots).
pub const MIX: [(Strategy, f64); 3] = [
    (Strategy::Ordinal, 0.5),
    (Strategy::Entropy, 0.25),
    (Strategy::Committee, 0.25),
];

/// The mix when no statement has a committee: ordinal keeps twice entropy's share.
pub const MIX_WITHOUT_COMMITTEE: [(Strategy, f64); 2] = [
    (Strategy::Ordinal, 2.0 / 3.0),
    (Strategy::Entropy, 1.0 / 3.0),
];

/// Chooses a batch; see the module documentation for the rules.
pub fn select(items: &[Item], s: &SelectSettings) -> Selection {
    let mut rng = StdRng::seed_from_u64(s.seed);
    let mut state = State::new(items, &mut rng);
    let mut notes = Vec::new();
    let n = s.n.min(items.len());
    if n < s.n {
        notes.push(format!(
            "the pool holds only {} statement(s) that may be proposed; all are in the batch",
            items.len()
        ));
    }
    let slice = if s.strategy == Strategy::Random {
        n
    } else {
        ((s.random_share * n as f64).round() as usize).min(n)
    };
    state.random_slice(slice, &mut rng);
    let shares = shares(items, s.strategy, &mut notes);
    let slots = slot_order(&shares, n - state.picks.len());
    state.fill(&slots, &mut notes);
    Selection {
        picks: state.picks,
        notes,
    }
}

/// The strategies' shares of the slots, with a note when the committee has nothing to go on.
fn shares(items: &[Item], strategy: Strategy, notes: &mut Vec<String>) -> Vec<(Strategy, f64)> {
    let has_committee = items.iter().any(|i| i.scores.committee.is_some());
    let wants_committee = matches!(strategy, Strategy::Mix | Strategy::Committee);
    if wants_committee && !has_committee {
        notes.push(
            "only one model version classified these statements: no committee; its share goes \
             to the mix without it (ordinal 2/3, entropy 1/3)"
                .into(),
        );
        return MIX_WITHOUT_COMMITTEE.to_vec();
    }
    match strategy {
        Strategy::Mix => MIX.to_vec(),
        Strategy::Random => Vec::new(),
        s => vec![(s, 1.0)],
    }
}

/// `n` slots dealt to strategies in proportion to their shares: each slot goes to the
/// strategy furthest below its share so far (ties: the earlier strategy).
pub fn slot_order(shares: &[(Strategy, f64)], n: usize) -> Vec<Strategy> {
    let mut dealt = vec![0usize; shares.len()];
    let mut out = Vec::with_capacity(n);
    for k in 1..=n {
        let mut best: Option<(usize, f64)> = None;
        for (i, (_, share)) in shares.iter().enumerate() {
            let deficit = share * k as f64 - dealt[i] as f64;
            if best.is_none_or(|(_, d)| deficit > d + 1e-12) {
                best = Some((i, deficit));
            }
        }
        let Some((i, _)) = best else { break };
        dealt[i] += 1;
        out.push(shares[i].0);
    }
    out
}

/// A group dimension of the quotas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dim {
    Actor,
    Year,
    Label,
}

fn group(item: &Item, d: Dim) -> String {
    match d {
        Dim::Actor => item.actor.clone(),
        Dim::Year => item
            .year
            .map_or_else(|| "unknown".into(), |y| y.to_string()),
        Dim::Label => item.label.as_str().to_string(),
    }
}

/// The selection in progress.
struct State<'a> {
    items: &'a [Item],
    /// A seeded random rank of every item: ties in a score go to the lower rank.
    tiebreak: Vec<usize>,
    taken: HashSet<usize>,
    keys: HashSet<&'a str>,
    counts: HashMap<(Dim, String), usize>,
    picks: Vec<Pick>,
}

impl<'a> State<'a> {
    fn new(items: &'a [Item], rng: &mut StdRng) -> State<'a> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.shuffle(rng);
        let mut tiebreak = vec![0; items.len()];
        for (rank, i) in order.into_iter().enumerate() {
            tiebreak[i] = rank;
        }
        State {
            items,
            tiebreak,
            taken: HashSet::new(),
            keys: HashSet::new(),
            counts: HashMap::new(),
            picks: Vec::new(),
        }
    }

    fn free(&self, i: usize) -> bool {
        !self.taken.contains(&i) && !self.keys.contains(self.items[i].key.as_str())
    }

    fn take(&mut self, pick: Pick, counted: bool) {
        let item = &self.items[pick.index];
        self.taken.insert(pick.index);
        self.keys.insert(item.key.as_str());
        if counted {
            for d in [Dim::Actor, Dim::Year, Dim::Label] {
                *self.counts.entry((d, group(item, d))).or_default() += 1;
            }
        }
        self.picks.push(pick);
    }

    /// The random slice: `k` statements in seeded random order, outside the quotas.
    fn random_slice(&mut self, k: usize, rng: &mut StdRng) {
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.shuffle(rng);
        for i in order {
            if self.picks.len() == k {
                break;
            }
            if self.free(i) {
                let pick = Pick {
                    index: i,
                    strategy: Strategy::Random,
                    score: None,
                    random_slice: true,
                };
                self.take(pick, false);
            }
        }
    }

    /// The best free item by `strategy` that passes `ok`.
    fn best(&self, strategy: Strategy, ok: &dyn Fn(&Item) -> bool) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for (i, item) in self.items.iter().enumerate() {
            let Some(score) = item.scores.get(strategy) else {
                continue;
            };
            if !self.free(i) || !ok(item) {
                continue;
            }
            let better = best.is_none_or(|(b, bs)| {
                score > bs || (score == bs && self.tiebreak[i] < self.tiebreak[b])
            });
            if better {
                best = Some((i, score));
            }
        }
        best
    }

    /// The best item for a slot of `strategy` (committee falls back to ordinal).
    fn best_for_slot(&self, strategy: Strategy, ok: &dyn Fn(&Item) -> bool) -> Option<Pick> {
        let found = self.best(strategy, ok).map(|b| (strategy, b)).or_else(|| {
            (strategy == Strategy::Committee)
                .then(|| {
                    self.best(Strategy::Ordinal, ok)
                        .map(|b| (Strategy::Ordinal, b))
                })
                .flatten()
        });
        found.map(|(strategy, (index, score))| Pick {
            index,
            strategy,
            score: Some(score),
            random_slice: false,
        })
    }

    /// Fills the slots: label floors, then capped picks, then (if caps left slots empty)
    /// uncapped ones.
    fn fill(&mut self, slots: &[Strategy], notes: &mut Vec<String>) {
        let caps = Caps::of(self.items, &self.taken, slots.len());
        let mut next = 0;
        for (label, floor) in caps.floors.clone() {
            while next < slots.len() && self.count(Dim::Label, label.as_str()) < floor {
                let ok = |it: &Item| it.label == label && caps.allows(&self.counts, it);
                let Some(pick) = self.best_for_slot(slots[next], &ok) else {
                    break;
                };
                self.take(pick, true);
                next += 1;
            }
        }
        let mut relaxed = 0;
        while next < slots.len() {
            let capped = self.best_for_slot(slots[next], &|it| caps.allows(&self.counts, it));
            let pick = capped.or_else(|| {
                relaxed += 1;
                self.best_for_slot(slots[next], &|_| true)
            });
            let Some(pick) = pick else { break };
            self.take(pick, true);
            next += 1;
        }
        if relaxed > 0 {
            notes.push(format!(
                "the pool is too narrow for the actor/year/label quotas: {relaxed} pick(s) made \
                 without them"
            ));
        }
    }

    fn count(&self, d: Dim, value: &str) -> usize {
        self.counts
            .get(&(d, value.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// The quotas of one selection.
struct Caps {
    /// Most slot picks per value of each dimension.
    cap: HashMap<Dim, usize>,
    /// Fewest slot picks per predicted label, rarest label first.
    floors: Vec<(Label, usize)>,
}

impl Caps {
    fn of(items: &[Item], taken: &HashSet<usize>, slots: usize) -> Caps {
        let free: Vec<&Item> = items
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken.contains(i))
            .map(|(_, it)| it)
            .collect();
        let mut cap = HashMap::new();
        for d in [Dim::Actor, Dim::Year, Dim::Label] {
            let groups: HashSet<String> = free.iter().map(|it| group(it, d)).collect();
            let g = groups.len().max(1);
            cap.insert(d, (2 * slots).div_ceil(g).max(1));
        }
        let mut per_label: HashMap<Label, usize> = HashMap::new();
        for it in &free {
            *per_label.entry(it.label).or_default() += 1;
        }
        let floor = if slots >= 6 { slots.div_ceil(12) } else { 0 };
        let mut floors: Vec<(Label, usize)> = per_label
            .iter()
            .map(|(l, c)| (*l, floor.min(*c)))
            .filter(|(_, f)| *f > 0)
            .collect();
        floors.sort_by_key(|(l, _)| (per_label[l], l.index()));
        Caps { cap, floors }
    }

    fn allows(&self, counts: &HashMap<(Dim, String), usize>, it: &Item) -> bool {
        [Dim::Actor, Dim::Year, Dim::Label].iter().all(|d| {
            let used = counts.get(&(*d, group(it, *d))).copied().unwrap_or(0);
            used < self.cap.get(d).copied().unwrap_or(usize::MAX)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(i: usize, actor: &str, label: Label, ordinal: f64) -> Item {
        Item {
            key: format!("k{i}"),
            actor: actor.into(),
            year: Some(2020 + (i % 3) as i32),
            label,
            scores: Scores {
                margin: Some(ordinal),
                entropy: Some(ordinal / 2.0),
                ordinal: Some(ordinal),
                committee: None,
            },
        }
    }

    fn settings(n: usize, strategy: Strategy) -> SelectSettings {
        SelectSettings {
            n,
            strategy,
            random_share: 0.1,
            seed: 5,
        }
    }

    #[test]
    fn slots_follow_the_shares() {
        let slots = slot_order(&MIX, 8);
        let count = |s| slots.iter().filter(|x| **x == s).count();
        assert_eq!(count(Strategy::Ordinal), 4);
        assert_eq!(count(Strategy::Entropy), 2);
        assert_eq!(count(Strategy::Committee), 2);
        assert_eq!(slots[0], Strategy::Ordinal);
    }

    #[test]
    fn the_random_slice_comes_first_and_is_marked() {
        let items: Vec<Item> = (0..200)
            .map(|i| {
                item(
                    i,
                    &format!("a{}", i % 10),
                    Label::ALL[i % 6],
                    i as f64 / 200.0,
                )
            })
            .collect();
        let sel = select(&items, &settings(50, Strategy::Ordinal));
        assert_eq!(sel.picks.len(), 50);
        let slice: Vec<&Pick> = sel.picks.iter().filter(|p| p.random_slice).collect();
        assert_eq!(slice.len(), 5);
        assert!(sel.picks[..5].iter().all(|p| p.random_slice));
        assert!(slice.iter().all(|p| p.strategy == Strategy::Random));
        // Same seed, same batch; another seed, another slice.
        let again = select(&items, &settings(50, Strategy::Ordinal));
        assert_eq!(sel.picks, again.picks);
        let other = select(
            &items,
            &SelectSettings {
                seed: 6,
                ..settings(50, Strategy::Ordinal)
            },
        );
        assert_ne!(
            sel.picks[..5].iter().map(|p| p.index).collect::<Vec<_>>(),
            other.picks[..5].iter().map(|p| p.index).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rare_labels_are_reached_and_one_actor_cannot_take_the_batch() {
        // 300 statements: the most uncertain all from one actor and labelled neutral; only
        // six are predicted supports, and they are the surest of all.
        let mut items: Vec<Item> = (0..294)
            .map(|i| {
                let actor = if i < 150 { "loud" } else { "quiet" };
                let actor = if i % 7 == 0 { "other" } else { actor };
                let label = if i < 150 {
                    Label::Neutral
                } else {
                    Label::Opposes
                };
                item(i, actor, label, 1.0 - i as f64 / 300.0)
            })
            .collect();
        for i in 294..300 {
            items.push(item(i, "quiet", Label::Supports, 0.0));
        }
        let sel = select(&items, &settings(60, Strategy::Ordinal));
        let slot: Vec<&Item> = sel
            .picks
            .iter()
            .filter(|p| !p.random_slice)
            .map(|p| &items[p.index])
            .collect();
        let supports = slot.iter().filter(|it| it.label == Label::Supports).count();
        assert!(supports >= 54usize.div_ceil(12), "supports {supports}");
        let loud = slot.iter().filter(|it| it.actor == "loud").count();
        assert!(loud <= (2 * 54usize).div_ceil(3), "loud {loud}");
        // Without the quotas ordinal would take the 54 most uncertain: all "loud"/"other".
        assert!(slot.iter().any(|it| it.actor == "quiet"));
    }

    #[test]
    fn near_duplicates_never_share_a_batch() {
        let mut items: Vec<Item> = (0..40)
            .map(|i| item(i, "a", Label::ALL[i % 6], 0.5))
            .collect();
        for it in items.iter_mut().take(20) {
            it.key = "same".into();
        }
        let sel = select(&items, &settings(30, Strategy::Margin));
        let keys: Vec<&str> = sel
            .picks
            .iter()
            .map(|p| items[p.index].key.as_str())
            .collect();
        let unique: HashSet<&str> = keys.iter().copied().collect();
        assert_eq!(keys.len(), unique.len());
        assert_eq!(keys.len(), 21);
    }

    #[test]
    fn committee_without_versions_falls_back_with_a_note() {
        let items: Vec<Item> = (0..30).map(|i| item(i, "a", Label::Neutral, 0.1)).collect();
        let sel = select(&items, &settings(10, Strategy::Mix));
        assert!(sel.notes.iter().any(|n| n.contains("one model version")));
        assert!(sel.picks.iter().all(|p| p.strategy != Strategy::Committee));
        assert_eq!(sel.picks.len(), 10);
        assert!(!sel.notes.iter().any(|n| n.contains("too narrow")));
    }

    #[test]
    fn a_pool_too_narrow_for_the_caps_fills_the_batch_with_a_note() {
        // Three actors, two of them with one statement each: the cap of ⌈2·10/3⌉ = 7 per
        // actor leaves one of the ten slots to fill without the caps.
        let items: Vec<Item> = (0..30)
            .map(|i| {
                item(
                    i,
                    ["b", "c"].get(i).copied().unwrap_or("a"),
                    Label::Neutral,
                    0.1,
                )
            })
            .collect();
        let s = SelectSettings {
            random_share: 0.0,
            ..settings(10, Strategy::Ordinal)
        };
        let sel = select(&items, &s);
        assert_eq!(sel.picks.len(), 10);
        let a = sel
            .picks
            .iter()
            .filter(|p| items[p.index].actor == "a")
            .count();
        assert_eq!(a, 8);
        assert!(
            sel.notes
                .iter()
                .any(|n| n.contains("1 pick(s) made without them")),
            "{:?}",
            sel.notes
        );
    }
}
