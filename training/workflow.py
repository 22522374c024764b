"""The trainer's workflow: check data, fit, store in the registry, promote only if not worse.

Shared by `fenliu train`, `fenliu serve` (first start with an empty registry) and the
trainers' HTTP route, so all three apply the same rules.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from classifier.route import Router
from corpus.errors import DataError
from corpus.jurisdiction import load_profile
from corpus.taxonomy import load_taxonomy
from training.corpus import SPLIT_FILE, BaseCorpus, LoadedCall, load_files
from training.corpus_check import check_calls
from training.evaluate import evaluate
from training.fit import Progress, TrainingResult, default_params, train
from training.registry import Registry
from training.split import SEED, read_split, split_calls

log = logging.getLogger("fenliu.training")
MACRO_F1_TOLERANCE = 0.01


@dataclass
class TrainOutcome:
    version: str
    promoted: bool
    reason: str
    result: TrainingResult
    active_metrics: dict | None


def load_training_calls(extra: list[Path], base: BaseCorpus = BaseCorpus()) -> list[LoadedCall]:
    """Base corpus plus trainers' files; every schema and corpus rule problem, or nothing."""
    calls = load_files(base.paths(), require_scenario=True) + load_files(extra)
    extra_paths = {str(p) for p in extra}
    test_scenarios = read_split(base.split_file)

    def leaks_into_test(a: LoadedCall, b: LoadedCall) -> bool:
        # A trainer's record may resemble training records; resembling a test record would leak.
        return any(x.path in extra_paths and y.call.scenario in test_scenarios for x, y in ((a, b), (b, a)))

    problems = check_calls(calls, near_duplicate_pairs=leaks_into_test)
    if problems:
        raise DataError(problems)
    return calls


def _gate(new: dict, old: dict) -> tuple[bool, str]:
    new_under, old_under = new.get("under_triage_rate") or 0.0, old.get("under_triage_rate") or 0.0
    if new_under > old_under:
        return False, f"under-triage would rise from {old_under:.2%} to {new_under:.2%}"
    if new["macro_f1"] < old["macro_f1"] - MACRO_F1_TOLERANCE:
        return False, f"macro-F1 would fall from {old['macro_f1']:.4f} to {new['macro_f1']:.4f} (more than 1 point)"
    return True, (f"macro-F1 {old['macro_f1']:.4f} → {new['macro_f1']:.4f}, "
                  f"under-triage {old_under:.2%} → {new_under:.2%}")


def active_metrics_on_split(registry: Registry, calls: list[LoadedCall], split_file: Path = SPLIT_FILE,
                            profile: str = "default") -> dict | None:
    """The active model re-measured on today's fixed test split (so both sides see the same calls)."""
    if registry.active_version() is None:
        return None
    loaded = registry.load()
    test = split_calls(calls, read_split(split_file)).test
    router = Router(loaded.model, loaded.version)
    return evaluate(router, [c.call.text for c in test], [c.call.matter_type for c in test],
                    [c.call.tier for c in test], load_profile(profile), all_profiles=False,
                    styles=[c.call.style for c in test])


def train_and_register(registry: Registry, extra: list[Path] | None = None, promote: bool = False, force: bool = False,
                       progress: Progress | None = None, params: dict | None = None,
                       base: BaseCorpus = BaseCorpus()) -> TrainOutcome:
    extra = list(extra or [])
    if progress:
        progress("load and check corpus")
    calls = load_training_calls(extra, base)
    log.info("loaded %d labelled calls (%d from %d extra file(s))", len(calls),
             sum(1 for c in calls if c.path in {str(p) for p in extra}), len(extra))
    params = params or default_params()
    result = train(calls, params, progress, split_file=base.split_file)
    details = {
        "kind": "fenliu-route-model",
        "taxonomy_version": load_taxonomy().version,
        "labels": [str(c) for c in result.model.matter_classes_],
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "data_fingerprint": result.data_fingerprint,
        "record_counts": result.counts,
        "extra_corpora": [str(p) for p in extra],
        "split": {"seed": SEED, "file_sha256": result.test_split_fingerprint},
        "metrics": {k: v for k, v in result.metrics.items() if k not in ("per_unit",)},
        "calibration": result.model.oof_summary_,
        "timings_seconds": result.timings,
    }
    if progress:
        progress("save to registry")
    version = registry.save(result.model, details)
    if not promote:
        return TrainOutcome(version, False, "not promoted (run with --promote, or `fenliu registry promote`)", result, None)
    if progress:
        progress("compare with the active model")
    old = active_metrics_on_split(registry, calls, base.split_file)
    if old is None:
        registry.promote(version)
        return TrainOutcome(version, True, "first model: promoted", result, None)
    ok, reason = _gate(result.metrics, old)
    if ok or force:
        registry.promote(version)
        return TrainOutcome(version, True, ("forced: " if not ok else "") + reason, result, old)
    return TrainOutcome(version, False, f"kept unpromoted: {reason} (use --force to promote anyway)", result, old)
