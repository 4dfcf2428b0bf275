"""The labelled corpus (`verdict_corpus`): each real-world page shape lands in its class.

`benchmarks/verdicts_corpus.py` prints the same corpus's precision and recall per class.
"""

from __future__ import annotations

import pytest
from verdict_corpus import CASES, LABELS, Case, judge_case

KNOWN = [c for c in CASES if not c.known_miss]
MISSES = [c for c in CASES if c.known_miss]


@pytest.mark.parametrize("case", KNOWN, ids=[c.name for c in KNOWN])
def test_each_page_lands_in_its_class(case: Case) -> None:
    assert judge_case(case) == case.label


@pytest.mark.parametrize("case", MISSES, ids=[c.name for c in MISSES])
def test_known_misses_are_still_misses_and_never_worse(case: Case) -> None:
    # A known miss is called a living page (the harmless way to be wrong); when one lands in its
    # class, the crawler got better: drop its known_miss note.
    assert judge_case(case) == "live", case.known_miss


def test_no_living_page_is_called_dead_lost_or_a_stand_in() -> None:
    wrong = {c.name: judge_case(c) for c in CASES if c.label == "live" and judge_case(c) != "live"}
    assert wrong == {}


def test_the_corpus_covers_every_class_in_many_shapes() -> None:
    per_label = {label: [c for c in CASES if c.label == label] for label in LABELS}
    assert all(len(cases) >= 2 for cases in per_label.values()), {k: len(v) for k, v in per_label.items()}
    live_encodings = {c.content_type.rsplit("=", 1)[-1] for c in per_label["live"]}
    assert len(live_encodings) >= 10, live_encodings
    assert len(per_label["live"]) >= 30 and len(CASES) >= 100
