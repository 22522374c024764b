"""Features: jieba words and character n-grams, each TF-IDF weighted (sublinear tf), side by side,
plus (optionally) one count per matter type of the indicative terms in corpus/lexicons.

Words carry meaning (煤气味, 讨薪); character n-grams survive typos (煤汽味), unknown words,
invented place names and fragments cut mid-word.
"""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.lexicon import LexiconFeatures
from classifier.segment import Segmenter


def build_features(*, char_ngrams: tuple[int, int] = (1, 3), word_min_df: int = 1, char_min_df: int = 2,
                   char_weight: float = 1.0, lexicon_weight: float = 0.0,
                   segmenter: Segmenter | None = None) -> FeatureUnion:
    words = TfidfVectorizer(analyzer=segmenter or Segmenter(), token_pattern=None, lowercase=False,
                            sublinear_tf=True, min_df=word_min_df, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char", ngram_range=char_ngrams, lowercase=False,
                            sublinear_tf=True, min_df=char_min_df, dtype=np.float32)
    parts = [("words", words), ("chars", chars)]
    weights = {"words": 1.0, "chars": char_weight}
    if lexicon_weight > 0:
        parts.append(("lexicon", LexiconFeatures()))
        weights["lexicon"] = lexicon_weight
    return FeatureUnion(parts, transformer_weights=weights)

