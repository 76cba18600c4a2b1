//! Within-run reuse: a model input already classified is not classified again.
//!
//! Briefings repeat their boilerplate and governments their formulas, so across one run's
//! documents many sentences are the same. A unit (whole text, sentence or window) is keyed by
//! its exact token ids, so two units share a result only when the model would read the same
//! input — no normalisation can make two different inputs collide. A memo belongs to one
//! model: the key does not name the model, so keep one memo per model.

use std::collections::HashMap;

use crate::labels::NUM_LABELS;

/// Results of the units one model has read in this run, keyed by their token ids.
#[derive(Debug, Default)]
pub struct Memo {
    map: HashMap<Box<[u32]>, [f32; NUM_LABELS]>,
    capacity: usize,
}

impl Memo {
    /// A memo holding at most `capacity` results (the first ones seen; later units are still
    /// deduplicated within their group of documents). Capacity 0 turns reuse off.
    pub fn new(capacity: usize) -> Memo {
        Memo {
            map: HashMap::new(),
            capacity,
        }
    }

    /// A memo that reuses nothing: every unit goes to the model.
    pub fn off() -> Memo {
        Memo::new(0)
    }

    /// Whether identical units are classified once.
    pub fn is_on(&self) -> bool {
        self.capacity > 0
    }

    /// The stored result of a unit, if any.
    pub fn get(&self, ids: &[i64]) -> Option<[f32; NUM_LABELS]> {
        if self.map.is_empty() {
            return None;
        }
        self.map.get(key(ids).as_slice()).copied()
    }

    /// Stores a unit's result (nothing once full).
    pub fn insert(&mut self, ids: &[i64], probs: [f32; NUM_LABELS]) {
        if self.map.len() < self.capacity {
            self.map.insert(key(ids).into_boxed_slice(), probs);
        }
    }

    /// Results stored.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Token ids as a compact key (vocabularies are far below 2³²).
fn key(ids: &[i64]) -> Vec<u32> {
    ids.iter().map(|&i| i as u32).collect()
}

/// Which of `seqs` the model must read. `known[i]` is the stored result of unit i, if the memo
/// has it; of the rest, the first of each distinct input is read (`read`, in input order) and
/// `from[i]` is the unit whose result unit i takes (itself when it is read or known). With the
/// memo off, every unit is read.
pub struct Plan {
    /// Units to run through the model.
    pub read: Vec<usize>,
    /// Stored results.
    pub known: Vec<Option<[f32; NUM_LABELS]>>,
    /// The unit each unit copies.
    pub from: Vec<usize>,
}

impl Plan {
    /// Plans `seqs` against `memo`.
    pub fn new(seqs: &[Vec<i64>], memo: &Memo) -> Plan {
        if !memo.is_on() {
            return Plan {
                read: (0..seqs.len()).collect(),
                known: vec![None; seqs.len()],
                from: (0..seqs.len()).collect(),
            };
        }
        let mut first: HashMap<&[i64], usize> = HashMap::new();
        let mut plan = Plan {
            read: Vec::new(),
            known: Vec::with_capacity(seqs.len()),
            from: Vec::with_capacity(seqs.len()),
        };
        for (i, s) in seqs.iter().enumerate() {
            let stored = memo.get(s);
            plan.known.push(stored);
            if stored.is_some() {
                plan.from.push(i);
                continue;
            }
            let f = *first.entry(s.as_slice()).or_insert(i);
            if f == i {
                plan.read.push(i);
            }
            plan.from.push(f);
        }
        plan
    }

    /// Units answered without the model.
    pub fn reused(&self) -> usize {
        self.from.len() - self.read.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_units_are_read_once_and_stored_ones_not_at_all() {
        let seqs = vec![vec![1, 5, 2], vec![1, 6, 2], vec![1, 5, 2], vec![1, 7, 2]];
        let mut memo = Memo::new(10);
        memo.insert(&[1, 7, 2], [0.5; NUM_LABELS]);
        let plan = Plan::new(&seqs, &memo);
        assert_eq!(plan.read, vec![0, 1]);
        assert_eq!(plan.from, vec![0, 1, 0, 3]);
        assert_eq!(plan.known[3], Some([0.5; NUM_LABELS]));
        assert_eq!(plan.reused(), 2);
        // A prefix is another input.
        assert_eq!(memo.get(&[1, 7]), None);
    }

    #[test]
    fn an_off_memo_reads_everything_and_a_full_one_stores_no_more() {
        let seqs = vec![vec![1, 5, 2], vec![1, 5, 2]];
        let plan = Plan::new(&seqs, &Memo::off());
        assert_eq!((plan.read, plan.from), (vec![0, 1], vec![0, 1]));
        let mut memo = Memo::new(1);
        memo.insert(&[1], [0.1; NUM_LABELS]);
        memo.insert(&[2], [0.2; NUM_LABELS]);
        assert_eq!(memo.len(), 1);
        assert_eq!(memo.get(&[2]), None);
    }
}
