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

from corpus import DATA_DIR
from training.corpus import LoadedCall

SPLIT_FILE = DATA_DIR / "splits" / "test_scenarios.json"
TEST_SHARE = 0.2
SEED = "fenliu-split-1"


def _rank(scenario: str) -> str:
    return hashlib.sha256(f"{SEED}:{scenario}".encode()).hexdigest()


def choose_test_scenarios(calls: list[LoadedCall], share: float = TEST_SHARE) -> list[str]:
    by_type: dict[str, set[str]] = defaultdict(set)
    for item in calls:
        if item.call.is_hand_written and item.call.scenario:
            by_type[item.call.matter_type].add(item.call.scenario)
    chosen: list[str] = []
    for matter in sorted(by_type):
        scenarios = sorted(by_type[matter], key=_rank)
        chosen.extend(sorted(scenarios[: max(1, round(share * len(scenarios)))]))
    return chosen


def write_split(calls: list[LoadedCall], path: Path = SPLIT_FILE) -> list[str]:
    scenarios = choose_test_scenarios(calls)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seed": SEED, "share": TEST_SHARE, "rule": "per matter type, scenarios ranked by sha256(seed:scenario)",
                                "test_scenarios": scenarios}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
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
