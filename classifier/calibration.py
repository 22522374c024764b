"""Probability calibration and decision thresholds chosen on out-of-fold predictions."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature T minimising the negative log-likelihood of softmax(logits / T)."""
    rows = np.arange(len(labels))

    def nll(log_t: float) -> float:
        return float(-log_softmax(logits / np.exp(log_t), axis=1)[rows, labels].mean())

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def calibrated(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(logits / temperature, axis=-1)


def confidence_threshold(confidence: np.ndarray, correct: np.ndarray, target: float, min_share: float = 0.05) -> float:
    """The lowest confidence t such that suggestions with confidence >= t are right at least
    `target` of the time: the largest share of calls a suggestion may stand alone for, at that
    precision (selective classification). Cuts covering less than `min_share` of the data do
    not count, so a few lucky calls cannot set it. Returns 1.0 (always ask a human) when no
    cut reaches the target."""
    order = np.argsort(-confidence, kind="stable")
    accuracy = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    floor = max(1, int(min_share * len(order)))
    meets = np.flatnonzero(accuracy[floor - 1:] >= target)
    if len(meets) == 0:
        return 1.0
    return float(confidence[order[meets[-1] + floor - 1]])


def recall_threshold(scores: np.ndarray, positive: np.ndarray, forced: np.ndarray, target: float) -> float:
    """Highest threshold on `scores` keeping recall of `positive` >= target, given `forced` hits."""
    need = positive & ~forced
    total = int(positive.sum())
    if total == 0 or not need.any():
        return 1.0
    already = int((positive & forced).sum())
    required = int(np.ceil(target * total)) - already
    if required <= 0:
        return 1.0
    candidates = np.sort(scores[need])[::-1]
    return float(candidates[min(required, len(candidates)) - 1])
