"""Held-out quality of fenliu against the plain baseline, both trained on the same split in this run.

    python -m benchmarks.quality [--quick] [--json out.json]

Prints macro-F1, department accuracy under every profile, emergency recall and the top-3
accuracy on 8-character prefixes (fragments) of the test calls, for both models; then accuracy
and prefix top-3 per style of record (operator_note, caller_speech, fragment).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.metrics import f1_score

from benchmarks.common import corpus_split, machine, write_json
from classifier.model import RouteModel
from classifier.prepare import prepare
from classifier.route import Router
from corpus.jurisdiction import bundled_profile_codes, load_profile
from training.baseline import PlainBaseline
from training.evaluate import PREFIX_CHARS, by_style, evaluate
from training.fit import default_params

QUICK_TYPES = 8


def _department_accuracy(truth, predicted) -> dict:
    out = {}
    for code in bundled_profile_codes():
        profile = load_profile(code)
        out[code] = round(float(np.mean([profile.route(t).unit == profile.route(p).unit for t, p in zip(truth, predicted)])), 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK_TYPES} matter types, 2 folds (for tests)")
    parser.add_argument("--json", type=str, default=None, help="write the result as JSON here")
    args = parser.parse_args()
    split = corpus_split()
    train, test = split.train, split.test
    params = default_params()
    if args.quick:
        keep = sorted({c.call.matter_type for c in train})[:QUICK_TYPES]
        train = [c for c in train if c.call.matter_type in keep]
        test = [c for c in test if c.call.matter_type in keep][:200]
        params.update(cv_folds=2)
    texts, matters, tiers = [c.call.text for c in test], [c.call.matter_type for c in test], [c.call.tier for c in test]
    styles = [c.call.style or "-" for c in test]

    started = time.perf_counter()
    prepared = [prepare(c.call.text) for c in train]
    from classifier.prepare import prepare_view
    from classifier.redflags import default_lexicon, tier_floor

    lexicon = default_lexicon()
    forced = [tier_floor(lexicon.find(prepare_view(c.call.text), c.call.text)) == "emergency" for c in train]
    model = RouteModel(**params).fit(prepared, [c.call.matter_type for c in train], [c.call.tier for c in train],
                                     [c.call.scenario for c in train], forced)
    fenliu_seconds = time.perf_counter() - started
    metrics = evaluate(Router(model, "benchmark"), texts, matters, tiers, load_profile("default"), styles=styles)

    started = time.perf_counter()
    baseline = PlainBaseline().fit([c.call.text for c in train], [c.call.matter_type for c in train], [c.call.tier for c in train])
    baseline_seconds = time.perf_counter() - started
    b_matter, b_tier, _ = baseline.predict(texts)
    emergencies = [i for i, t in enumerate(tiers) if t == "emergency"]
    prefixed = [i for i, t in enumerate(texts) if len(t) > PREFIX_CHARS]
    _, _, b_top3 = baseline.predict([texts[i][:PREFIX_CHARS] for i in prefixed])
    b_prefix_hit = {i: matters[i] in top for i, top in zip(prefixed, b_top3)}
    result = {
        "machine": machine(), "train_records": len(train), "test_records": len(test),
        "fenliu": {"macro_f1": metrics["macro_f1"], "accuracy": metrics["accuracy"],
                   "department_accuracy": {code: round(1 - rate, 4) for code, rate in metrics["misrouting_by_profile"].items()},
                   "emergency_recall": metrics["emergency_recall"], "under_triage_rate": metrics["under_triage_rate"],
                   "prefix_top3_accuracy": metrics["prefix_top3_accuracy"], "needs_human_rate": metrics["needs_human_rate"],
                   "alone_accuracy": metrics["alone_accuracy"], "by_style": metrics["by_style"], "fit_seconds": round(fenliu_seconds, 1)},
        "baseline": {"macro_f1": round(float(f1_score(matters, b_matter, average="macro", zero_division=0)), 4),
                     "accuracy": round(float(np.mean(np.array(matters) == b_matter)), 4),
                     "department_accuracy": _department_accuracy(matters, b_matter),
                     "emergency_recall": round(float(np.mean([b_tier[i] == "emergency" for i in emergencies])), 4) if emergencies else None,
                     "prefix_top3_accuracy": round(float(np.mean(list(b_prefix_hit.values()))), 4),
                     "by_style": by_style(styles, np.array(matters) == b_matter, b_prefix_hit),
                     "fit_seconds": round(baseline_seconds, 1)},
    }
    print(f"{'metric':<28}{'fenliu':>10}{'baseline':>10}")
    for key in ("macro_f1", "accuracy", "emergency_recall", "prefix_top3_accuracy"):
        print(f"{key:<28}{result['fenliu'][key]!s:>10}{result['baseline'][key]!s:>10}")
    for code in result["fenliu"]["department_accuracy"]:
        print(f"{'department_accuracy ' + code:<28}{result['fenliu']['department_accuracy'][code]!s:>10}"
              f"{result['baseline']['department_accuracy'][code]!s:>10}")
    for style, row in metrics["by_style"].items():
        base = result["baseline"]["by_style"][style]
        print(f"{'accuracy ' + style:<28}{row['accuracy']!s:>10}{base['accuracy']!s:>10}")
        print(f"{'prefix_top3 ' + style:<28}{row['prefix_top3_accuracy']!s:>10}{base['prefix_top3_accuracy']!s:>10}")
    print(f"{'needs_human_rate':<28}{result['fenliu']['needs_human_rate']!s:>10}")
    print(f"{'alone_accuracy':<28}{result['fenliu']['alone_accuracy']!s:>10}")
    write_json(result, args.json)


if __name__ == "__main__":
    main()
