"""The fixed test split: about a fifth of each matter type's scenarios, hand-written records only.

The scenario ids are chosen once by a seeded hash and recorded in corpus/splits/test_scenarios.json;
every later training and evaluation reads that file, so the split never drifts when the corpus
grows. Augmented records of a test scenario are used on neither side (they paraphrase it).
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from training.corpus import SPLIT_FILE, LoadedCall

TEST_SHARE = 0.2
SEED = "fenliu-split-1"


def _rank(scenario: str) -> str:
    return hashlib.sha256(f"{SEED}:{scenario}".encode()).hexdigest()


def _scenarios_by_type(calls: list[LoadedCall]) -> dict[str, set[str]]:
    by_type: dict[str, set[str]] = defaultdict(set)
    for item in calls:
        if item.call.is_hand_written and item.call.scenario:
            by_type[item.call.matter_type].add(item.call.scenario)
    return by_type


def choose_test_scenarios(calls: list[LoadedCall], share: float = TEST_SHARE,
                          previous: tuple[frozenset[str], frozenset[str]] | None = None) -> tuple[list[str], list[str]]:
    """(test scenarios, every scenario assigned). With a previous split (test, assigned), its
    assignments never change: only scenarios new since then are placed, by rank, so that each
    type's test share comes back to `share`. An earlier model never sees a test scenario."""
    old_test, old_known = previous or (frozenset(), frozenset())
    test: set[str] = set(old_test)
    for matter, scenarios in sorted(_scenarios_by_type(calls).items()):
        new = sorted(scenarios - old_known, key=_rank)
        wanted = max(1, round(share * len(scenarios))) - len(scenarios & old_test)
        test.update(new[: max(0, wanted)])
    known = old_known | {s for group in _scenarios_by_type(calls).values() for s in group}
    return sorted(test), sorted(known)


def write_split(calls: list[LoadedCall], path: Path = SPLIT_FILE) -> list[str]:
    """Create the split, or extend it to scenarios added since (existing assignments kept)."""
    previous = None
    if Path(path).is_file():
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        old_test = frozenset(data["test_scenarios"])
        if "assigned_scenarios" in data:
            old_known = frozenset(data["assigned_scenarios"])
        else:  # a first version that listed only test scenarios: their types were assigned whole
            types = {s.rsplit("-", 1)[0] for s in old_test}
            old_known = frozenset(s for m, group in _scenarios_by_type(calls).items() if m in types for s in group)
        previous = (old_test, old_known)
    scenarios, known = choose_test_scenarios(calls, previous=previous)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seed": SEED, "share": TEST_SHARE,
                                "rule": "per matter type, scenarios ranked by sha256(seed:scenario); scenarios added later "
                                        "are placed without moving earlier ones",
                                "test_scenarios": scenarios, "assigned_scenarios": known},
                               ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return scenarios


def read_split(path: Path = SPLIT_FILE) -> frozenset[str]:
    return frozenset(json.loads(Path(path).read_text(encoding="utf-8"))["test_scenarios"])


@dataclass
class Split:
    train: list[LoadedCall]
    test: list[LoadedCall]


def split_calls(calls: list[LoadedCall], test_scenarios: frozenset[str] | None = None) -> Split:
    """Train: every record of other scenarios. Test: hand-written records of test scenarios."""
    test_scenarios = read_split() if test_scenarios is None else test_scenarios
    train, test = [], []
    for item in calls:
        if item.call.scenario in test_scenarios:
            if item.call.is_hand_written:
                test.append(item)
        else:
            train.append(item)
    return Split(train, test)
