"""Indicative terms per matter type as features: domain knowledge that does not depend on how
many example calls the corpus happens to hold for a type.

The terms live in corpus/lexicons/matter_terms.yaml (written from the taxonomy and the county
regulations, not from the example calls). Each matter type contributes one feature: how many
distinct terms of that type occur in the text, log-scaled. The linear model learns how much to
trust each type's terms; the terms are copied into the fitted model, so a saved model does not
depend on the file it was trained with.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.base import BaseEstimator, TransformerMixin

from classifier.matter_terms import MATTER_TERMS, TermIndex, load_matter_terms


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """One feature per matter type: log(1 + distinct indicative terms found)."""

    def __init__(self, path: Path | None = None):
        self.path = path

    def fit(self, texts, y=None) -> "LexiconFeatures":
        self.terms_ = load_matter_terms(Path(self.path) if self.path else MATTER_TERMS)
        self.__dict__.pop("_index", None)
        return self

    @property
    def index(self) -> TermIndex:
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = TermIndex(self.terms_)
        return index

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_index", None)
        return state

    def transform(self, texts) -> csr_matrix:
        indptr, columns, values = [0], [], []
        for text in texts:
            c, v = self.index.row(text)
            columns.append(c)
            values.append(v)
            indptr.append(indptr[-1] + len(c))
        return csr_matrix((np.concatenate(values) if values else np.empty(0),
                           np.concatenate(columns) if columns else np.empty(0, dtype=np.int64), indptr),
                          shape=(len(texts), len(self.index.types)), dtype=np.float32)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"〔词表:{matter}〕" for matter in self.index.types], dtype=object)
