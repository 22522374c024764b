"""Indicative terms per matter type (corpus/lexicons/matter_terms.yaml) and a one-pass matcher.

Kept free of scikit-learn: the serving scorer (classifier/scorer.py) matches terms too, and a
server should not import scikit-learn to start.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml

from corpus import DATA_DIR
from corpus.errors import DataError, Problem

MATTER_TERMS = DATA_DIR / "lexicons" / "matter_terms.yaml"
MIN_TERM_CHARS = 2


def load_matter_terms(path: Path = MATTER_TERMS, known_types: set[str] | None = None) -> dict[str, list[str]]:
    """Terms by matter type, validated: each term 2+ characters and under one type only."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError([Problem(str(path), None, f"cannot read the matter-term lexicon: {exc}")]) from None
    if not isinstance(data, dict):
        raise DataError([Problem(str(path), None, "expected a mapping of matter type → list of terms")])
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    for matter, values in data.items():
        if known_types is not None and matter not in known_types:
            problems.append(Problem(str(path), None, f"{matter!r} is not a matter type of the taxonomy"))
        if not isinstance(values, list):
            problems.append(Problem(str(path), None, "expected a list of terms", field=str(matter)))
            continue
        for value in values:
            term = str(value).strip()
            if len(term) < MIN_TERM_CHARS:
                problems.append(Problem(str(path), None, f"term {term!r} is shorter than {MIN_TERM_CHARS} characters", field=str(matter)))
            elif owner.setdefault(term, str(matter)) != matter:
                problems.append(Problem(str(path), None, f"term {term!r} is also listed under {owner[term]}", field=str(matter)))
        terms[str(matter)] = sorted({str(v).strip() for v in values})
    if problems:
        raise DataError(problems)
    return terms


class TermIndex:
    """Finds every listed term in a text in one pass: terms indexed by their first two characters."""

    def __init__(self, terms: dict[str, list[str]]):
        self.types = sorted(terms)
        position = {matter: i for i, matter in enumerate(self.types)}
        self._by_head: dict[str, list[tuple[str, int]]] = {}
        for matter, listed in terms.items():
            for term in listed:
                self._by_head.setdefault(term[:2], []).append((term, position[matter]))

    def matches(self, text: str) -> list[tuple[str, int]]:
        """(term, type position) for each distinct term present."""
        found: dict[str, int] = {}
        by_head = self._by_head
        for start in range(len(text) - 1):
            candidates = by_head.get(text[start:start + 2])
            if candidates:
                for term, column in candidates:
                    if text.startswith(term, start):
                        found[term] = column
        return list(found.items())

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values): per type, log(1 + distinct terms found)."""
        counts: dict[int, int] = {}
        for _, column in self.matches(text):
            counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        columns = np.array(sorted(counts), dtype=np.int64)
        values = np.array([math.log1p(counts[c]) for c in columns])
        return columns, values
