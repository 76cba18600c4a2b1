"""The six stance labels for the Python scripts: their order, their scores and their sides.

One copy of what src/labels.rs says (the order of `Label::ALL`, `Label::score`, `Label::side`);
tests/python/test_stance_labels.py reads src/labels.rs and fails if the two part.
"""

LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]
STANCES = LABELS[:5]
SCORES = {"opposes": -2, "does_not_support": -1, "neutral": 0, "leans_supports": 1, "supports": 2}
AGAINST = ["opposes", "does_not_support"]
FOR = ["leans_supports", "supports"]


def score(label):
    """The ordinal score in [-2, 2]; None for off_topic (or any other name)."""
    return SCORES.get(label)


def side(label):
    """-1 (against independence), 0 (neutral), 1 (for); None for off_topic."""
    s = score(label)
    return None if s is None else (s > 0) - (s < 0)


def is_flip(gold, pred):
    """Whether `pred` lies on the other side of neutral from `gold` (a polarity flip)."""
    g, p = side(gold), side(pred)
    return bool(g and p and g == -p)
