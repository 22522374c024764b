"""The keystroke fast path: the fitted TF-IDF transform and linear scores for one text, without
scikit-learn's per-call validation and sparse-matrix assembly (most of a 2 ms prediction).

Built from a fitted RouteModel and checked against it: `CompiledScorer.row` equals
`features_.transform([text])` and the scores equal the estimators' (tests/classifier/test_fastpath.py).
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
from scipy.sparse import csr_matrix

from classifier.lexicon import LexiconFeatures

_WHITESPACE = re.compile(r"\s\s+")


class _Block:
    """One fitted TfidfVectorizer: vocabulary, idf and its place in the combined feature row."""

    def __init__(self, vectorizer, offset: int, weight: float):
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float64)
        self.offset = offset
        self.weight = weight
        self.analyzer = vectorizer.analyzer
        self.ngram_range = vectorizer.ngram_range

    def terms(self, text: str) -> list[str]:
        if callable(self.analyzer):
            return self.analyzer(text)
        text = _WHITESPACE.sub(" ", text)
        low, high = self.ngram_range
        length = len(text)
        return [text[i:i + n] for n in range(low, high + 1) for i in range(length - n + 1)]

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self.terms(text))
        columns = [(self.vocabulary[t], c) for t, c in counts.items() if t in self.vocabulary]
        if not columns:
            return np.empty(0, dtype=np.int64), np.empty(0)
        index = np.fromiter((c for c, _ in columns), dtype=np.int64, count=len(columns))
        values = (np.log(np.fromiter((n for _, n in columns), dtype=np.float64, count=len(columns))) + 1.0) * self.idf[index]
        values *= self.weight / np.sqrt(np.dot(values, values))
        return index + self.offset, values


class _LexiconBlock:
    """The matter-term counts (classifier/lexicon.py) and their place in the feature row."""

    def __init__(self, lexicon, offset: int, weight: float):
        self.index = lexicon.index
        self.offset = offset
        self.weight = weight

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        columns, values = self.index.row(text)
        return columns + self.offset, values * self.weight


class CompiledScorer:
    def __init__(self, model):
        blocks, offset = [], 0
        weights = model.features_.transformer_weights or {}
        for name, part in model.features_.transformer_list:
            weight = float(weights.get(name, 1.0))
            if isinstance(part, LexiconFeatures):
                blocks.append(_LexiconBlock(part, offset, weight))
                offset += len(part.index.types)
            else:
                blocks.append(_Block(part, offset, weight))
                offset += len(part.vocabulary_)
        self.blocks = blocks
        self.width = offset
        # Views on the estimators' own (float32) weights, not float64 copies: 15 MB less per worker.
        self.matter_weights = np.ascontiguousarray(model.matter_clf_.coef_.T)
        self.matter_bias = model.matter_clf_.intercept_.astype(np.float64)
        self.tier_weights = np.ascontiguousarray(model.tier_clf_.coef_.T)
        self.tier_bias = model.tier_clf_.intercept_.astype(np.float64)

    def row(self, text: str) -> csr_matrix:
        parts = [block.features(text) for block in self.blocks]
        index = np.concatenate([p[0] for p in parts])
        values = np.concatenate([p[1] for p in parts])
        order = np.argsort(index, kind="stable")
        index, values = index[order], values[order]
        return csr_matrix((values, index, np.array([0, len(index)])), shape=(1, self.width))

    def scores(self, row: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(matter logits, tier logits) for one row, as the linear models compute them."""
        columns, values = row.indices, row.data
        matter = values @ self.matter_weights[columns] + self.matter_bias
        tier = values @ self.tier_weights[columns] + self.tier_bias
        return matter, tier
