"""Fit a model on the bundled corpus plus trainers' files, and measure it on the fixed test split."""
from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from classifier.model import RouteModel
from classifier.prepare import prepare_view
from classifier.redflags import default_lexicon, tier_floor
from classifier.route import Router
from corpus.jurisdiction import load_profile
from training.corpus import LoadedCall
from training.evaluate import evaluate
from training.split import SPLIT_FILE, read_split, split_calls

log = logging.getLogger("fenliu.training")
PARAMS_FILE = Path(__file__).resolve().parent / "params.yaml"
Progress = Callable[[str], None]


def default_params() -> dict:
    params = yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8"))
    params["char_ngrams"] = tuple(params["char_ngrams"])
    return params


def fingerprint(calls: list[LoadedCall]) -> str:
    """Same records (in any order, from any files) → same fingerprint."""
    digests = sorted(hashlib.sha256(c.call.model_dump_json().encode()).hexdigest() for c in calls)
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


@dataclass
class TrainingResult:
    model: RouteModel
    metrics: dict
    counts: dict
    data_fingerprint: str
    test_split_fingerprint: str
    timings: dict = field(default_factory=dict)


class _Timer:
    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    def step(self, name: str, action: Callable):
        if self.progress:
            self.progress(name)
        started = time.perf_counter()
        result = action()
        self.timings[name] = round(time.perf_counter() - started, 2)
        log.info("%s took %.2f s", name, self.timings[name])
        return result


def train(calls: list[LoadedCall], params: dict | None = None, progress: Progress | None = None,
          evaluation_profile: str = "default", model_version: str = "candidate", split_file: Path = SPLIT_FILE) -> TrainingResult:
    """Split by scenario, fit on the training side, evaluate on the fixed test split."""
    params = params or default_params()
    timer = _Timer(progress)
    test_scenarios = read_split(split_file)
    split = split_calls(calls, test_scenarios)
    if not split.train:
        raise ValueError("no training records after the split")
    lexicon = default_lexicon()

    def prepared():
        views = [prepare_view(c.call.text) for c in split.train]
        forced = [tier_floor(lexicon.find(v, c.call.text)) == "emergency" for v, c in zip(views, split.train)]
        return [v.text for v in views], forced

    texts, forced = timer.step("prepare texts", prepared)
    model = RouteModel(**params)

    def fit():
        return model.fit(texts, [c.call.matter_type for c in split.train], [c.call.tier for c in split.train],
                         [c.call.scenario or f"line:{c.path}:{c.line}" for c in split.train], forced,
                         progress=(lambda message: progress(f"fit: {message}")) if progress else None)

    timer.step("fit model", fit)
    router = Router(model, model_version)
    metrics = timer.step("evaluate on test split", lambda: evaluate(
        router, [c.call.text for c in split.test], [c.call.matter_type for c in split.test],
        [c.call.tier for c in split.test], load_profile(evaluation_profile),
        styles=[c.call.style for c in split.test])) if split.test else {}
    counts = {"train": len(split.train), "test": len(split.test), "total": len(calls),
              "sources": dict(Counter(c.call.source or "hand" for c in calls)),
              "matter_types": len({c.call.matter_type for c in split.train})}
    split_digest = hashlib.sha256(Path(split_file).read_bytes()).hexdigest()
    return TrainingResult(model, metrics, counts, fingerprint(calls), split_digest, timer.timings)
