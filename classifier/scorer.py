"""The serving scorer: a fitted model's TF-IDF transform, linear scores, calibration and
thresholds as plain numpy arrays, with no scikit-learn or SciPy objects.

Why: a server that unpickles a scikit-learn model imports scikit-learn and SciPy first (over a
second of a start that must stay under three), and a pickle can run code when loaded. The
export written next to each model (`LinearScorer.save`, an `.npz` of arrays read with
`allow_pickle=False`) loads in milliseconds and can only ever be data. It is also the one-text
fast path for the fitted model itself: built from a RouteModel and checked against it
(tests/classifier/test_scorer.py), so the two can never disagree.
"""
from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from classifier.matter_terms import TermIndex
from classifier.segment import Segmenter

TIERS = ("emergency", "urgent", "routine")
FORMAT = "fenliu-linear-scorer/1"
_WHITESPACE = re.compile(r"\s\s+")


class SparseRow(NamedTuple):
    """One text's feature row: sorted column indices and their values."""
    indices: np.ndarray
    data: np.ndarray


@dataclass(frozen=True, slots=True)
class ModelOutput:
    matter_probabilities: np.ndarray  # aligned with matter_classes_
    tier_probabilities: np.ndarray    # aligned with TIERS
    row: Any                          # the text's feature row (.indices, .data), for evidence


class ScorerFileError(ValueError):
    """The serving export cannot be read (wrong format, missing arrays)."""


def softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def compose_tiers(three: np.ndarray, emergency: np.ndarray | None) -> np.ndarray:
    """Tier probabilities (aligned with TIERS) from the three-way model and the emergency head.

    The emergency head is a separate yes/no model: at the recall the contract asks for it flags
    far fewer non-emergencies than the three-way model's emergency column (docs/model.md). Its
    probability is the emergency share; the three-way model splits the rest between urgent and
    routine. Without a head (models saved before it existed) the three-way model decides alone.
    """
    if emergency is None:
        return three
    rest = three[..., 1:] / np.maximum(three[..., 1:].sum(axis=-1, keepdims=True), 1e-12)
    emergency = np.asarray(emergency, dtype=np.float64)[..., None]
    return np.concatenate([emergency, (1.0 - emergency) * rest], axis=-1)


def emergency_column(classes) -> int:
    """Which of the emergency head's two columns (its `classes_`) means "is an emergency"."""
    return list(classes).index(True)


def sigmoid(value):
    return 1.0 / (1.0 + np.exp(-value))


def decide_tier(tier_probabilities: np.ndarray, emergency_threshold: float) -> str:
    """Emergency above the recall-chosen threshold, else the likelier of urgent and routine."""
    if tier_probabilities[0] >= emergency_threshold:
        return "emergency"
    return "urgent" if tier_probabilities[1] >= tier_probabilities[2] else "routine"


def _shows_as_evidence(term: str) -> bool:
    """An operator reads evidence: only words of two or more letters/digits, no punctuation or masks."""
    return len(term) >= 2 and all(unicodedata.category(ch)[0] in "LN" for ch in term)


class _TfidfBlock:
    """One fitted TF-IDF vectorizer (sublinear tf, l2 norm): vocabulary, idf, place in the row."""

    def __init__(self, kind: str, terms: list[str], idf: np.ndarray, offset: int, weight: float,
                 ngram_range: tuple[int, int] = (1, 1), segmenter: Segmenter | None = None):
        self.kind = kind
        self.terms = terms
        self.vocabulary = {term: i for i, term in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.offset = offset
        self.weight = weight
        self.ngram_range = ngram_range
        self.segmenter = segmenter

    @property
    def width(self) -> int:
        return len(self.terms)

    @property
    def names(self) -> list[str]:
        return self.terms

    def tokens(self, text: str) -> list[str]:
        if self.segmenter is not None:
            return self.segmenter(text)
        text = _WHITESPACE.sub(" ", text)
        low, high = self.ngram_range
        length = len(text)
        return [text[i:i + n] for n in range(low, high + 1) for i in range(length - n + 1)]

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self.tokens(text))
        vocabulary = self.vocabulary
        columns = [(vocabulary[t], c) for t, c in counts.items() if t in vocabulary]
        if not columns:
            return np.empty(0, dtype=np.int64), np.empty(0)
        index = np.fromiter((c for c, _ in columns), dtype=np.int64, count=len(columns))
        values = (np.log(np.fromiter((n for _, n in columns), dtype=np.float64, count=len(columns))) + 1.0) * self.idf[index]
        values *= self.weight / np.sqrt(np.dot(values, values))
        return index + self.offset, values

    def header(self) -> dict:
        return {"kind": self.kind, "weight": self.weight, "ngram_range": list(self.ngram_range),
                "dictionary": str(self.segmenter.dictionary) if self.segmenter and self.segmenter.dictionary else None}

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}terms": np.array(self.terms, dtype=str), f"{prefix}idf": self.idf}


class _LexiconBlock:
    """The matter-term counts (classifier/matter_terms.py) and their place in the row."""

    def __init__(self, terms: dict[str, list[str]], offset: int, weight: float):
        self.terms = terms
        self.index = TermIndex(terms)
        self.offset = offset
        self.weight = weight

    @property
    def width(self) -> int:
        return len(self.index.types)

    @property
    def names(self) -> list[str]:
        return [f"〔词表:{matter}〕" for matter in self.index.types]

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        columns, values = self.index.row(text)
        return columns + self.offset, values * self.weight

    def header(self) -> dict:
        return {"kind": "lexicon", "weight": self.weight}

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        types = self.index.types
        listed = [(term, i) for i, matter in enumerate(types) for term in self.terms[matter]]
        return {f"{prefix}types": np.array(types, dtype=str),
                f"{prefix}terms": np.array([t for t, _ in listed], dtype=str),
                f"{prefix}term_types": np.array([i for _, i in listed], dtype=np.int64)}


class LinearScorer:
    """Text (prepared) → calibrated matter probabilities, tier probabilities, evidence."""

    def __init__(self, blocks: list, matter_classes: np.ndarray, matter_weights: np.ndarray, matter_bias: np.ndarray,
                 tier_weights: np.ndarray, tier_bias: np.ndarray, tier_columns: list[int], temperature: float,
                 confidence_threshold: float, emergency_threshold: float):
        self.blocks = blocks
        self.width = sum(block.width for block in blocks)
        self.matter_classes_ = np.asarray(matter_classes)
        self.matter_weights = np.ascontiguousarray(matter_weights)  # width × classes, float32
        self.matter_bias = np.asarray(matter_bias, dtype=np.float64)
        self.tier_weights = np.ascontiguousarray(tier_weights)
        self.tier_bias = np.asarray(tier_bias, dtype=np.float64)
        self.tier_columns_ = list(tier_columns)
        # A fourth tier column, when present, is the emergency head's logit (see compose_tiers).
        self.emergency_head = self.tier_weights.shape[1] == len(TIERS) + 1
        self.temperature_ = float(temperature)
        self.confidence_threshold_ = float(confidence_threshold)
        self.emergency_threshold_ = float(emergency_threshold)
        self.feature_names_ = [name for block in blocks for name in block.names]

    # -- building from a fitted model --------------------------------------------------------
    @classmethod
    def from_model(cls, model) -> "LinearScorer":
        """From a fitted classifier.model.RouteModel (its FeatureUnion and two linear models)."""
        from classifier.lexicon import LexiconFeatures

        blocks, offset = [], 0
        weights = model.features_.transformer_weights or {}
        for name, part in model.features_.transformer_list:
            weight = float(weights.get(name, 1.0))
            if isinstance(part, LexiconFeatures):
                block = _LexiconBlock(part.terms_, offset, weight)
            else:
                terms = part.get_feature_names_out().tolist()
                segmenter = part.analyzer if callable(part.analyzer) else None
                block = _TfidfBlock(name, terms, part.idf_, offset, weight, tuple(part.ngram_range), segmenter)
            blocks.append(block)
            offset += block.width
        tier_weights, tier_bias = model.tier_clf_.coef_.T, model.tier_clf_.intercept_
        head = getattr(model, "emergency_clf_", None)
        if head is not None:
            sign = 1.0 if emergency_column(head.classes_) == 1 else -1.0  # logit of "is an emergency"
            tier_weights = np.hstack([tier_weights, sign * head.coef_.T]).astype(tier_weights.dtype)
            tier_bias = np.concatenate([tier_bias, sign * head.intercept_])
        # Views on the estimators' own (float32) weights, not float64 copies: 15 MB less per worker.
        return cls(blocks, model.matter_classes_, model.matter_clf_.coef_.T, model.matter_clf_.intercept_,
                   tier_weights, tier_bias, model.tier_columns_, model.temperature_,
                   model.confidence_threshold_, model.emergency_threshold_)

    # -- the serving export ------------------------------------------------------------------
    def save(self, path: Path) -> None:
        header = {"format": FORMAT, "blocks": [block.header() for block in self.blocks],
                  "tier_columns": self.tier_columns_, "temperature": self.temperature_,
                  "confidence_threshold": self.confidence_threshold_, "emergency_threshold": self.emergency_threshold_}
        arrays: dict[str, np.ndarray] = {"header": np.array(json.dumps(header, ensure_ascii=False))}
        for i, block in enumerate(self.blocks):
            arrays.update(block.arrays(f"block{i}_"))
        arrays.update(matter_classes=np.array(self.matter_classes_, dtype=str), matter_weights=self.matter_weights,
                      matter_bias=self.matter_bias, tier_weights=self.tier_weights, tier_bias=self.tier_bias)
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> "LinearScorer":
        """Read an export; only arrays of numbers and strings (never pickles) are accepted."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            header = json.loads(str(arrays["header"]))
            if header.get("format") != FORMAT:
                raise ScorerFileError(f"{path}: format {header.get('format')!r}, this fenliu reads {FORMAT!r}")
            blocks, offset = [], 0
            for i, spec in enumerate(header["blocks"]):
                prefix = f"block{i}_"
                if spec["kind"] == "lexicon":
                    types = arrays[prefix + "types"].tolist()
                    terms: dict[str, list[str]] = {matter: [] for matter in types}
                    for term, position in zip(arrays[prefix + "terms"].tolist(), arrays[prefix + "term_types"].tolist()):
                        terms[types[position]].append(term)
                    block = _LexiconBlock(terms, offset, spec["weight"])
                else:
                    dictionary = spec.get("dictionary")
                    segmenter = Segmenter(Path(dictionary) if dictionary else None) if spec["kind"] == "words" else None
                    block = _TfidfBlock(spec["kind"], arrays[prefix + "terms"].tolist(), arrays[prefix + "idf"], offset,
                                        spec["weight"], tuple(spec["ngram_range"]), segmenter)
                blocks.append(block)
                offset += block.width
            return cls(blocks, arrays["matter_classes"], arrays["matter_weights"], arrays["matter_bias"],
                       arrays["tier_weights"], arrays["tier_bias"], header["tier_columns"], header["temperature"],
                       header["confidence_threshold"], header["emergency_threshold"])
        except ScorerFileError:
            raise
        except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise ScorerFileError(f"{path}: not a readable fenliu scorer export ({type(exc).__name__}: {exc})") from None

    # -- machine-local set-up ----------------------------------------------------------------
    @property
    def segmenters(self) -> list[Segmenter]:
        return [block.segmenter for block in self.blocks if getattr(block, "segmenter", None) is not None]

    def use_cache_dir(self, folder) -> None:
        """Point jieba's dictionary cache at this machine's FENLIU_HOME."""
        for segmenter in self.segmenters:
            segmenter.cache_dir = folder

    def warm(self) -> None:
        """Build the jieba dictionary now, before a server says it is ready, not on the first call."""
        for segmenter in self.segmenters:
            segmenter.warm()

    # -- scoring -----------------------------------------------------------------------------
    def row(self, text: str) -> SparseRow:
        parts = [block.features(text) for block in self.blocks]
        index = np.concatenate([p[0] for p in parts])
        values = np.concatenate([p[1] for p in parts])
        order = np.argsort(index, kind="stable")
        return SparseRow(index[order], values[order])

    def scores(self, row: SparseRow) -> tuple[np.ndarray, np.ndarray]:
        """(matter logits, tier logits) for one row, as the linear models compute them."""
        columns, values = row.indices, row.data
        matter = values @ self.matter_weights[columns] + self.matter_bias
        tier = values @ self.tier_weights[columns] + self.tier_bias
        return matter, tier

    def score_one(self, text: str) -> ModelOutput:
        row = self.row(text)
        matter_logits, tier_logits = self.scores(row)
        three = softmax(tier_logits[:len(TIERS)])[self.tier_columns_]
        emergency = sigmoid(tier_logits[len(TIERS)]) if self.emergency_head else None
        return ModelOutput(softmax(matter_logits / self.temperature_), compose_tiers(three, emergency), row)

    def score_texts(self, prepared_texts: list[str]) -> list[ModelOutput]:
        return [self.score_one(text) for text in prepared_texts]

    def decide_tier(self, tier_probabilities: np.ndarray) -> str:
        return decide_tier(tier_probabilities, self.emergency_threshold_)

    def evidence(self, row, matter_index: int, top: int = 6) -> list[tuple[str, float]]:
        """Terms that pushed the chosen class most: tf-idf value × (class weight − mean weight)."""
        columns = row.indices
        if len(columns) == 0:
            return []
        weights = self.matter_weights[columns]
        contribution = row.data * (weights[:, matter_index] - weights.mean(axis=1))
        order = np.argsort(-contribution)
        picked: list[tuple[str, float]] = []
        for position in order:
            if contribution[position] <= 0 or len(picked) >= top:
                break
            term = str(self.feature_names_[columns[position]])
            if not _shows_as_evidence(term) or any(term in chosen for chosen, _ in picked):
                continue
            picked = [(t, w) for t, w in picked if t not in term] + [(term, float(contribution[position]))]
        return sorted(picked, key=lambda item: -item[1])
