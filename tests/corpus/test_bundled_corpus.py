"""The bundled corpus keeps the promises of its issue: size, coverage, boundaries, styles, a
leak-free split, no duplicates or near-duplicates. A regression in any file fails here."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from corpus.taxonomy import load_taxonomy
from training.corpus import load_bundled
from training.corpus_check import check_calls
from training.split import SPLIT_FILE, read_split, split_calls

MATTER_TYPES = sorted(load_taxonomy().matter_types)


@pytest.fixture(scope="module")
def calls():
    return load_bundled()


@pytest.fixture(scope="module")
def by_type(calls):
    grouped = defaultdict(list)
    for item in calls:
        grouped[item.call.matter_type].append(item.call)
    return grouped


def test_size_and_every_matter_type(calls, by_type):
    assert len(calls) >= 8000
    assert sorted(by_type) == MATTER_TYPES


@pytest.mark.parametrize("matter", MATTER_TYPES)
def test_each_type_has_enough_records_scenarios_boundaries_and_styles(by_type, matter):
    records = by_type[matter]
    hand = [c for c in records if c.is_hand_written]
    assert len(records) >= 150
    assert len({c.scenario for c in hand}) >= 40
    assert sum(c.boundary is not None for c in hand) >= len(hand) / 5, "boundary scenarios under a fifth"
    styles = Counter(c.style for c in hand)
    for style in ("operator_note", "caller_speech", "fragment"):
        assert styles[style] >= len(hand) / 5, f"{style} under a fifth"
    assert all(4 <= len(c.text) <= 15 for c in hand if c.style == "fragment")


def test_every_record_says_how_it_was_made_and_augmentation_stays_under_a_quarter(calls):
    assert all(c.call.source and c.call.scenario for c in calls)
    augmented = [c for c in calls if not c.call.is_hand_written]
    assert all(c.call.source.startswith("augmented:") for c in augmented)
    assert len(augmented) <= len(calls) / 4


def test_no_duplicates_near_duplicates_or_incoherent_scenarios(calls):
    problems = check_calls(calls)
    assert not problems, "\n".join(str(p) for p in problems[:20])


def test_the_split_is_a_fifth_of_each_types_scenarios_and_never_straddled(calls, by_type):
    test_scenarios = read_split(SPLIT_FILE)
    split = split_calls(calls, test_scenarios)
    train = {c.call.scenario for c in split.train}
    test = {c.call.scenario for c in split.test}
    assert not train & test
    assert all(c.call.is_hand_written for c in split.test)
    for matter in MATTER_TYPES:
        scenarios = {c.scenario for c in by_type[matter] if c.is_hand_written}
        share = len(scenarios & test_scenarios) / len(scenarios)
        assert 0.15 <= share <= 0.3, f"{matter}: {share:.0%} of scenarios in the test split"
