"""The trainer's loop: train, add calls the model gets wrong, retrain, promote, roll back."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.route import Router
from corpus.errors import DataError
from corpus.jurisdiction import load_profile
from training.registry import Registry
from training.corpus import BaseCorpus
from training.workflow import train_and_register

SMALL = {"cv_folds": 2, "max_iter": 500, "matter_c": 20.0, "tier_c": 4.0, "char_ngrams": (1, 3), "char_weight": 1.0,
         "target_precision": 0.97, "emergency_recall": 0.985}
# A phrasing the tiny corpus never uses: 占道 slang for vendors ("练摊", "出摊") in a new scenario.
NEW_PHRASING = ["练摊的把步行街中间都占满了", "步行街上一排练摊的，过都过不去", "又有人在步行街出摊，占了大半条街",
                "步行街晚上出摊的太多了，城管管一管"]


def _predict_all(registry: Registry, texts: list[str]) -> list[dict]:
    loaded = registry.load()
    router = Router(loaded.model, loaded.version)
    return [router.suggest(t, load_profile("default")) for t in texts]


def test_trainers_loop(tmp_path: Path, tiny_split: Path):
    from tests.conftest import TINY_CALLS

    registry = Registry(tmp_path / "home")
    base = BaseCorpus(files=(TINY_CALLS,), split_file=tiny_split)
    first = train_and_register(registry, [], promote=True, params=SMALL, base=base)
    assert first.promoted and registry.active_version() == first.version
    before = _predict_all(registry, NEW_PHRASING)
    assert any(p["matter_type"] != "street_vending" for p in before), "the old model should miss the new phrasing"

    extra = tmp_path / "county_calls.jsonl"
    texts = ["步行街上练摊的一个挨一个，人都挤不过去", "报警人称步行街有多名练摊人员占道", "步行街又被出摊的占满了，推婴儿车都过不去",
             "来电反映步行街夜间出摊占用通道", "练摊的小贩把步行街入口堵死了", "群众称步行街口有人练摊卖衣服占道",
             "出摊的三轮车停在步行街正中间", "步行街两边练摊的越来越多，消防车都进不来"]
    rows = [{"text": t, "matter_type": "street_vending", "tier": "routine", "scenario": f"county-sv-{i // 2}", "source": "hand"}
            for i, t in enumerate(texts)]
    extra.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    second = train_and_register(registry, [extra], promote=True, force=True, params=SMALL, base=base)
    assert second.promoted and registry.active_version() == second.version
    after = _predict_all(registry, NEW_PHRASING)
    assert all(p["matter_type"] == "street_vending" for p in after)

    registry.rollback()
    assert registry.active_version() == first.version
    restored = _predict_all(registry, NEW_PHRASING)
    assert [{k: v for k, v in p.items()} for p in restored] == before


def test_a_bad_line_in_a_trainers_file_stops_training(tmp_path: Path, tiny_split: Path):
    from tests.conftest import TINY_CALLS

    extra = tmp_path / "bad.jsonl"
    good = json.dumps({"text": "步行街练摊的占道", "matter_type": "street_vending", "tier": "routine"}, ensure_ascii=False)
    bad = json.dumps({"text": "有人摆摊", "matter_type": "street_vendor", "tier": "routine"}, ensure_ascii=False)
    extra.write_text("\n".join([good] * 0 + [good, bad]) + "\n", encoding="utf-8")
    registry = Registry(tmp_path / "home")
    with pytest.raises(DataError) as caught:
        train_and_register(registry, [extra], params=SMALL, base=BaseCorpus(files=(TINY_CALLS,), split_file=tiny_split))
    assert f"{extra}:2:" in str(caught.value) and "street_vendor" in str(caught.value)
    assert registry.versions() == []


def test_worse_model_is_kept_unpromoted_with_the_reason(tmp_path: Path, tiny_split: Path):
    from tests.conftest import TINY_CALLS

    registry = Registry(tmp_path / "home")
    base = BaseCorpus(files=(TINY_CALLS,), split_file=tiny_split)
    first = train_and_register(registry, [], promote=True, params=SMALL, base=base)
    crippled = dict(SMALL, matter_c=1e-6, tier_c=1e-6, char_weight=0.0)
    second = train_and_register(registry, [], promote=True, params=crippled, base=base)
    assert second.result.metrics["macro_f1"] < first.result.metrics["macro_f1"] - 0.01
    assert not second.promoted
    assert "kept unpromoted" in second.reason and "--force" in second.reason
    assert registry.active_version() == first.version


@pytest.mark.parametrize("new, old, promoted, words", [
    ({"macro_f1": 0.90, "under_triage_rate": 0.01}, {"macro_f1": 0.90, "under_triage_rate": 0.01}, True, "macro-F1"),
    ({"macro_f1": 0.895, "under_triage_rate": 0.01}, {"macro_f1": 0.90, "under_triage_rate": 0.01}, True, "macro-F1"),
    ({"macro_f1": 0.88, "under_triage_rate": 0.01}, {"macro_f1": 0.90, "under_triage_rate": 0.01}, False, "more than 1 point"),
    ({"macro_f1": 0.95, "under_triage_rate": 0.02}, {"macro_f1": 0.90, "under_triage_rate": 0.01}, False, "under-triage would rise"),
])
def test_promotion_gate(new, old, promoted, words):
    from training.workflow import _gate

    ok, reason = _gate(new, old)
    assert ok is promoted and words in reason
