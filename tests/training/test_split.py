"""The fixed test split: about a fifth of each type's scenarios, and never moved when the corpus grows."""
from __future__ import annotations

import json
from pathlib import Path

from training.corpus import LabelledCall, LoadedCall
from training.split import split_calls, write_split, read_split


def _calls(matter: str, scenarios: range, source: str = "hand") -> list[LoadedCall]:
    return [LoadedCall(LabelledCall(text=f"{matter} 第{n}个情形 第{k}种说法", matter_type=matter, tier="routine",
                                    scenario=f"{matter}-{n:03d}", style="operator_note", source=source), Path("x.jsonl"), n)
            for n in scenarios for k in range(3)]


def test_about_a_fifth_of_each_types_scenarios(tmp_path):
    calls = _calls("price", range(1, 46)) + _calls("salt", range(1, 41))
    chosen = write_split(calls, tmp_path / "split.json")
    assert sum(s.startswith("price-") for s in chosen) == 9 and sum(s.startswith("salt-") for s in chosen) == 8


def test_growing_the_corpus_never_moves_an_earlier_assignment(tmp_path):
    path = tmp_path / "split.json"
    first = set(write_split(_calls("gas", range(1, 21)), path))
    grown = _calls("gas", range(1, 46)) + _calls("power", range(1, 46))
    second = set(write_split(grown, path))
    assert first <= second                                             # earlier test scenarios stay test
    earlier_train = {f"gas-{n:03d}" for n in range(1, 21)} - first
    assert not earlier_train & second                                 # earlier train scenarios stay train
    assert sum(s.startswith("gas-") for s in second) == 9              # the share comes back to a fifth
    assert sum(s.startswith("power-") for s in second) == 9
    assert set(json.loads(path.read_text())["assigned_scenarios"]) >= {f"gas-{n:03d}" for n in range(1, 46)}


def test_no_scenario_straddles_the_split_and_augmented_test_records_are_dropped(tmp_path):
    path = tmp_path / "split.json"
    calls = _calls("gas", range(1, 21))
    write_split(calls, path)
    augmented = _calls("gas", range(1, 21), source="augmented:truncation")
    split = split_calls(calls + augmented, read_split(path))
    train_scenarios = {c.call.scenario for c in split.train}
    test_scenarios = {c.call.scenario for c in split.test}
    assert not train_scenarios & test_scenarios
    assert all(c.call.source == "hand" for c in split.test)
