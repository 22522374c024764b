"""The matter-term lexicon: a valid data file, one-pass matching, features the fast path reproduces."""
from __future__ import annotations

import numpy as np
import pytest

from classifier.lexicon import LexiconFeatures
from classifier.matter_terms import MATTER_TERMS, TermIndex, load_matter_terms
from corpus.errors import DataError
from corpus.taxonomy import load_taxonomy


def test_bundled_lexicon_covers_every_matter_type():
    taxonomy = set(load_taxonomy().matter_types)
    terms = load_matter_terms(MATTER_TERMS, known_types=taxonomy)
    assert set(terms) == taxonomy
    assert all(len(listed) >= 30 for listed in terms.values())


@pytest.mark.parametrize("content, message", [
    ("gas: [煤气味]\npower: [煤气味]\n", "also listed under gas"),
    ("gas: [气]\n", "shorter than 2 characters"),
    ("gas: 煤气味\n", "expected a list of terms"),
    ("not_a_type: [煤气味]\n", "not a matter type"),
    ("gas: [煤气味\n", "cannot read"),
])
def test_a_bad_lexicon_names_the_problem(tmp_path, content, message):
    path = tmp_path / "terms.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_matter_terms(path, known_types=set(load_taxonomy().matter_types))
    assert message in str(error.value) and str(path) in str(error.value)


@pytest.mark.parametrize("text, expected", [
    ("厨房煤气味很大，燃气管道可能漏气", {"gas": 4}),  # 燃气 inside 燃气管道 counts as a term of its own
    ("停电了，小区煤气味", {"gas": 1, "power": 1}),
    ("煤气味煤气味煤气味", {"gas": 1}),  # distinct terms, not repetitions
    ("什么都没有", {}),
    ("", {}),
])
def test_term_index_counts_distinct_terms_per_type(text, expected):
    index = TermIndex({"gas": ["煤气味", "燃气管道", "漏气", "燃气"], "power": ["停电", "电线杆"]})
    counts: dict[str, int] = {}
    for _, column in index.matches(text):
        counts[index.types[column]] = counts.get(index.types[column], 0) + 1
    assert counts == expected


def test_features_survive_pickling_and_match_the_fast_row(tmp_path):
    import pickle

    path = tmp_path / "terms.yaml"
    path.write_text("gas: [煤气味, 漏气]\npower: [停电]\n", encoding="utf-8")
    features = LexiconFeatures(path).fit(["x"])
    restored = pickle.loads(pickle.dumps(features))
    path.unlink()  # the fitted features carry their terms
    row = restored.transform(["煤气味很大还漏气，停电了"]).toarray()[0]
    assert np.allclose(row, [np.log(3), np.log(2)])
    columns, values = restored.index.row("煤气味很大还漏气，停电了")
    assert columns.tolist() == [0, 1] and np.allclose(values, row)
