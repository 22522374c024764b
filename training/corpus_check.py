"""Corpus rules beyond the schema: duplicates, near-duplicates across scenarios, coherent scenarios.

Near-duplicates are found with character 5-gram Jaccard similarity through an inverted index
of 5-grams, so the whole bundled corpus is checked in seconds.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Callable

from classifier.normalize import normalize
from corpus.errors import Problem
from training.corpus import LoadedCall

NEAR_DUPLICATE_JACCARD = 0.8
FRAGMENT_CHARS = (4, 15)
_NOT_WORD = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Texts that differ only in spacing or punctuation count as the same text."""
    return _NOT_WORD.sub("", normalize(text))


def _grams(text: str, n: int = 5) -> frozenset[str]:
    return frozenset(text[i:i + n] for i in range(max(1, len(text) - n + 1)))


def exact_duplicates(calls: list[LoadedCall]) -> list[Problem]:
    seen: dict[str, LoadedCall] = {}
    problems = []
    for item in calls:
        key = _key(item.call.text)
        if key in seen:
            first = seen[key]
            problems.append(Problem(item.path, item.line, f"duplicate text (same as {first.path}:{first.line})", "text"))
        else:
            seen[key] = item
    return problems


PairFilter = Callable[[LoadedCall, LoadedCall], bool]


def near_duplicates(calls: list[LoadedCall], threshold: float = NEAR_DUPLICATE_JACCARD, max_gram_df: int = 400,
                    counts: PairFilter | None = None) -> list[Problem]:
    """Pairs of texts from different scenarios whose 5-gram Jaccard similarity is >= threshold
    (only the pairs `counts` accepts, when given)."""
    keyed = [(item, _grams(_key(item.call.text))) for item in calls if len(_key(item.call.text)) >= 8]
    index: dict[str, list[int]] = defaultdict(list)
    for position, (_, grams) in enumerate(keyed):
        for gram in grams:
            index[gram].append(position)
    problems = []
    for position, (item, grams) in enumerate(keyed):
        shared: Counter[int] = Counter()
        for gram in grams:
            postings = index[gram]
            if len(postings) > max_gram_df:
                continue  # too common to discriminate; Jaccard >= 0.8 is still caught by the rest
            for other in postings:
                if other > position:
                    shared[other] += 1
        for other, count in shared.items():
            other_item, other_grams = keyed[other]
            if other_item.call.scenario == item.call.scenario:
                continue
            if counts is not None and not counts(item, other_item):
                continue
            if count / len(grams | other_grams) >= threshold:
                problems.append(Problem(other_item.path, other_item.line,
                                        f"near-duplicate of {item.path}:{item.line} from another scenario "
                                        f"({item.call.scenario}); write it differently or give both the same scenario", "text"))
    return problems


def scenario_problems(calls: list[LoadedCall]) -> list[Problem]:
    first_type: dict[str, LoadedCall] = {}
    problems = []
    for item in calls:
        scenario = item.call.scenario
        if scenario is None:
            continue
        first = first_type.setdefault(scenario, item)
        if first.call.matter_type != item.call.matter_type:
            problems.append(Problem(item.path, item.line,
                                    f'scenario "{scenario}" is {first.call.matter_type} at {first.path}:{first.line} '
                                    f"but {item.call.matter_type} here; one scenario is one situation", "scenario"))
    return problems


def fragment_problems(calls: list[LoadedCall]) -> list[Problem]:
    low, high = FRAGMENT_CHARS
    return [Problem(i.path, i.line, f"a fragment has {low}–{high} characters, this one {len(i.call.text)}", "text")
            for i in calls if i.call.style == "fragment" and not low <= len(i.call.text) <= high]


def check_calls(calls: list[LoadedCall], near_duplicate_pairs: PairFilter | None = None) -> list[Problem]:
    """Every rule problem in a set of calls, sorted by file and line."""
    problems = (exact_duplicates(calls) + near_duplicates(calls, counts=near_duplicate_pairs)
                + scenario_problems(calls) + fragment_problems(calls))
    return sorted(problems, key=lambda p: (p.path, p.line or 0))
