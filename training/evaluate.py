"""Metrics for evaluators: matter-type quality, misrouting under profiles, triage, calibration.

Misrouting compares the unit the call would reach with the unit it should reach under a
profile: two matter types may share a unit, so it is lower than the matter-type error.
Under-triage is a true emergency predicted lower: the costly error.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from classifier.prepare import UnusableText
from classifier.route import Router
from corpus.jurisdiction import Profile, load_profile, bundled_profile_codes
from corpus.taxonomy import TIER_ORDER

PREFIX_CHARS = 8


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> tuple[float, list[dict]]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece, table = 0.0, []
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            gap = abs(confidence[inside].mean() - correct[inside].mean())
            ece += inside.mean() * gap
            table.append({"low": round(float(low), 3), "high": round(float(high), 3), "count": int(inside.sum()),
                          "confidence": round(float(confidence[inside].mean()), 4), "accuracy": round(float(correct[inside].mean()), 4)})
    return float(ece), table


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def by_style(styles: list[str | None], correct: np.ndarray, prefix_hit: dict[int, bool]) -> dict:
    """Accuracy and prefix top-3 per style; `prefix_hit` maps a call's position to whether its
    prefix's top 3 held the right type (calls too short for a prefix are absent)."""
    out = {}
    for style in sorted({s or "-" for s in styles}):
        rows = [i for i, s in enumerate(styles) if (s or "-") == style]
        prefixed = [prefix_hit[i] for i in rows if i in prefix_hit]
        out[style] = {"calls": len(rows), "accuracy": _rate(int(correct[rows].sum()), len(rows)),
                      "prefix_top3_accuracy": _rate(sum(prefixed), len(prefixed))}
    return out


def evaluate(router: Router, texts: list[str], matter_types: list[str], tiers: list[str], profile: Profile,
             all_profiles: bool = True, examples_per_confusion: int = 3, styles: list[str | None] | None = None) -> dict:
    """Every metric of `fenliu evaluate` for labelled calls under one profile (plus all bundled).

    With `styles` (each call's `style`, or None), accuracy and prefix top-3 are also given per
    style: an operator's note, a caller's words and a typed fragment are different problems.
    """
    predictions, kept, skipped = [], [], []
    for index, text in enumerate(texts):
        try:
            predictions.append(router.suggest(text, profile))
            kept.append(index)
        except UnusableText:
            skipped.append(index)
    truth = np.array([matter_types[i] for i in kept])
    true_tiers = [tiers[i] for i in kept]
    predicted = np.array([p["matter_type"] for p in predictions])
    predicted_tiers = [p["tier"] for p in predictions]
    confidence = np.array([p["confidence"] for p in predictions])
    correct = predicted == truth
    needs_human = np.array([p["needs_human"] for p in predictions])

    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    per_class = {label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "support": int(s)}
                 for label, p, r, f, s in zip(labels, precision, recall, f1, support)}

    rank = {t: TIER_ORDER.index(t) for t in TIER_ORDER}
    true_emergency = [i for i, t in enumerate(true_tiers) if t == "emergency"]
    under = sum(1 for i in true_emergency if predicted_tiers[i] != "emergency")
    not_emergency = [i for i, t in enumerate(true_tiers) if t != "emergency"]
    over = sum(1 for i in not_emergency if rank[predicted_tiers[i]] > rank[true_tiers[i]])

    def misrouting(p: Profile) -> dict:
        wrong_by_unit: Counter = Counter()
        total_by_unit: Counter = Counter()
        for t, pr in zip(truth, predicted):
            unit = p.route(t).unit
            total_by_unit[unit] += 1
            if p.route(pr).unit != unit:
                wrong_by_unit[unit] += 1
        wrong = sum(wrong_by_unit.values())
        return {"misrouting_rate": _rate(wrong, len(truth)), "department_accuracy": _rate(len(truth) - wrong, len(truth)),
                "per_unit": {u: {"calls": n, "misrouted": wrong_by_unit[u], "rate": _rate(wrong_by_unit[u], n)}
                             for u, n in sorted(total_by_unit.items())}}

    routing = misrouting(profile)
    confusions: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i, (t, pr) in enumerate(zip(truth, predicted)):
        if t != pr:
            confusions[(t, pr)].append(texts[kept[i]])
    top_confusions = [{"true": t, "predicted": pr, "count": len(ex), "examples": ex[:examples_per_confusion]}
                      for (t, pr), ex in sorted(confusions.items(), key=lambda kv: -len(kv[1]))[:15]]
    ece, reliability = expected_calibration_error(confidence, correct)
    wrong = np.flatnonzero(~correct)
    hardest = [{"text": texts[kept[i]], "true": str(truth[i]), "predicted": str(predicted[i]), "confidence": float(confidence[i]),
                "true_tier": true_tiers[i], "predicted_tier": predicted_tiers[i]}
               for i in wrong[np.argsort(-confidence[wrong])][:25]]

    prefix_hit: dict[int, bool] = {}
    for i, index in enumerate(kept):
        text = texts[index]
        if len(text) <= PREFIX_CHARS:
            continue
        try:
            prefix_prediction = router.suggest(text[:PREFIX_CHARS], profile)
        except UnusableText:
            prefix_hit[i] = False
            continue
        top3 = [prefix_prediction["matter_type"]] + [a["matter_type"] for a in prefix_prediction["alternatives"][:2]]
        prefix_hit[i] = bool(truth[i] in top3)
    prefix_hits, prefix_total = sum(prefix_hit.values()), len(prefix_hit)

    result = {
        "records": len(texts),
        "scored": len(kept),
        "unusable": len(skipped),
        "profile": profile.code,
        "model_version": router.model_version,
        "accuracy": round(float(correct.mean()), 4) if len(kept) else None,
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4) if len(kept) else None,
        "misrouting_rate": routing["misrouting_rate"],
        "department_accuracy": routing["department_accuracy"],
        "tier_accuracy": _rate(sum(a == b for a, b in zip(true_tiers, predicted_tiers)), len(kept)),
        "emergency_recall": _rate(len(true_emergency) - under, len(true_emergency)),
        "under_triage_rate": _rate(under, len(true_emergency)),
        "over_triage_rate": _rate(over, len(not_emergency)),
        "needs_human_rate": round(float(needs_human.mean()), 4) if len(kept) else None,
        "alone_accuracy": round(float(correct[~needs_human].mean()), 4) if (~needs_human).any() else None,
        "expected_calibration_error": round(ece, 4),
        "prefix_top3_accuracy": _rate(prefix_hits, prefix_total),
        "prefix_chars": PREFIX_CHARS,
        "per_class": per_class,
        "per_unit": routing["per_unit"],
        "top_confusions": top_confusions,
        "hardest_calls": hardest,
        "reliability": reliability,
        "confusion_matrix": {"labels": labels,
                             "counts": confusion_matrix(truth, predicted, labels=labels).tolist() if len(kept) else []},
        "tier_confusion": {t: dict(Counter(p for tt, p in zip(true_tiers, predicted_tiers) if tt == t)) for t in TIER_ORDER},
    }
    if styles is not None:
        result["by_style"] = by_style([styles[i] for i in kept], correct, prefix_hit)
    if all_profiles:
        result["misrouting_by_profile"] = {code: misrouting(load_profile(code))["misrouting_rate"] for code in bundled_profile_codes()}
    return result
