"""The plain baseline every figure is compared with: jieba.lcut words + TfidfVectorizer +
LogisticRegression, scikit-learn defaults, one model for the matter type and one for the tier."""
from __future__ import annotations

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline


def _lcut(text: str) -> list[str]:
    return jieba.lcut(text)


class PlainBaseline:
    def fit(self, texts: list[str], matter_types: list[str], tiers: list[str]) -> "PlainBaseline":
        self.matter_ = Pipeline([("tfidf", TfidfVectorizer(tokenizer=_lcut, token_pattern=None)),
                                 ("clf", LogisticRegression())]).fit(texts, matter_types)
        self.tier_ = Pipeline([("tfidf", TfidfVectorizer(tokenizer=_lcut, token_pattern=None)),
                               ("clf", LogisticRegression())]).fit(texts, tiers)
        return self

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(matter types, tiers, top-3 matter types) for raw texts."""
        probabilities = self.matter_.predict_proba(texts)
        classes = self.matter_.classes_
        top3 = classes[np.argsort(-probabilities, axis=1)[:, :3]]
        return classes[probabilities.argmax(axis=1)], self.tier_.predict(texts), top3
