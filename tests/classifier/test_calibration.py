"""Thresholds chosen on held-out predictions: they decide when a suggestion needs a human."""
from __future__ import annotations

import numpy as np
import pytest

from classifier.calibration import confidence_threshold


def test_the_threshold_keeps_the_largest_share_that_meets_the_target():
    confidence = np.linspace(1.0, 0.01, 100)
    correct = np.array([True] * 60 + [False, True, True, True] * 10)   # 60 right, then one in four wrong
    t = confidence_threshold(confidence, correct, target=0.97)
    chosen = confidence >= t
    assert correct[chosen].mean() >= 0.97
    assert chosen.sum() >= 60                       # everything above the first errors stands alone


def test_one_confident_mistake_does_not_send_every_call_to_a_human():
    confidence = np.linspace(1.0, 0.01, 200)
    correct = np.ones(200, dtype=bool)
    correct[0] = False                              # the single most confident call was wrong
    correct[150:] = False
    t = confidence_threshold(confidence, correct, target=0.97)
    assert t < 1.0 and correct[confidence >= t].mean() >= 0.97


@pytest.mark.parametrize("accuracy", [0.5, 0.9])
def test_an_unreachable_target_sends_every_call_to_a_human(accuracy):
    rng = np.random.default_rng(0)
    confidence = rng.random(500)
    correct = rng.random(500) < accuracy
    assert confidence_threshold(confidence, correct, target=0.99) == 1.0
