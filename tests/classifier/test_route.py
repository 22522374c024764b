"""The prediction object: contract fields, routing by profile, tiers, dispatch, robustness."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from classifier.prepare import UnusableText
from classifier.route import dispatch_for
from corpus.jurisdiction import load_profile

CONTRACT_FIELDS = {"matter_type", "matter_name", "department", "tier", "tier_probabilities", "dispatch", "confidence",
                   "alternatives", "red_flags", "evidence", "needs_human", "model_version", "profile"}


def test_prediction_has_every_contract_field(router):
    prediction = router.suggest("我们小区一早上都没水了，水龙头一滴水都没有", load_profile("chengkou"))
    assert CONTRACT_FIELDS <= set(prediction)
    assert set(prediction["department"]) >= {"code", "name", "named_in_document"}
    assert set(prediction["tier_probabilities"]) == {"emergency", "urgent", "routine"}
    assert abs(sum(prediction["tier_probabilities"].values()) - 1) < 1e-3
    assert len(prediction["alternatives"]) >= 2
    assert prediction["alternatives"][0]["probability"] >= prediction["alternatives"][1]["probability"]
    assert prediction["confidence"] >= prediction["alternatives"][0]["probability"]


@pytest.mark.parametrize("profile, unit", [("chengkou", "县惠民公司"), ("huangchuan", "县城市管理局"),
                                           ("yongjia", "县水务集团"), ("liangzhou", "区建设局")])
def test_department_comes_from_the_profile(router, profile, unit):
    prediction = router.suggest("报警人称小区停水一整天，水龙头不出水", load_profile(profile))
    assert prediction["matter_type"] == "water_supply"
    assert prediction["department"]["name"] == unit
    assert prediction["profile"] == profile


def test_life_threat_flag_forces_emergency_and_police_first(router):
    prediction = router.suggest("餐馆后厨液化气罐漏气，满屋子煤气味", load_profile("default"))
    assert prediction["matter_type"] == "gas"
    assert {f["code"] for f in prediction["red_flags"]} == {"gas_leak"}
    assert prediction["tier"] == "emergency"
    assert prediction["dispatch"] == "police_first"


def test_negated_danger_does_not_raise_the_tier(router):
    prediction = router.suggest("小区天然气停了，没有煤气味，就是做不了饭", load_profile("default"))
    assert prediction["red_flags"] == []
    assert prediction["tier_raised_by_red_flags"] is False


@pytest.mark.parametrize("department, tier, dispatch", [
    ("police", "emergency", "police"), ("police", "routine", "police"),
    ("gas_utility", "emergency", "police_first"), ("water_utility", "urgent", "unit_direct"),
    ("market_reg", "routine", "unit_direct"),
])
def test_dispatch_rule_of_article_eight(department, tier, dispatch):
    assert dispatch_for(department, tier) == dispatch


@pytest.mark.parametrize("text", ["", "   ", "！！！？？", "hello world", "\u200b\u200b"])
def test_unusable_text_is_a_clear_error(router, text):
    with pytest.raises(UnusableText) as caught:
        router.suggest(text, load_profile("default"))
    assert caught.value.code == "unusable_text"


def test_short_fragment_gets_a_suggestion_marked_for_a_human(router):
    prediction = router.suggest("停水", load_profile("default"))
    assert prediction["matter_type"]
    assert prediction["needs_human"] is True
    assert "short_text" in prediction["needs_human_reasons"]


def test_personal_data_does_not_change_the_answer(router):
    profile = load_profile("default")
    first = router.suggest("我电话13912345678，小区停水了", profile)
    second = router.suggest("我电话13687654321，小区停水了", profile)
    assert first == second


def test_same_text_same_answer(router):
    profile = load_profile("huangchuan")
    text = "报警人称其在工地干活三个月，包工头拖欠工资不给"
    assert all(router.suggest(text, profile) == router.suggest(text, profile) for _ in range(5))


def test_threads_give_the_same_answers_as_sequential_calls(router):
    profile = load_profile("yongjia")
    texts = ["小区停水了", "厨房煤气味很大", "电梯关人了", "老板不给工资", "人行道上全是摆摊的", "三楼着火了冒黑烟"] * 20
    sequential = [router.suggest(t, profile) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda t: router.suggest(t, profile), texts))
    assert threaded == sequential


def test_evidence_names_readable_terms(router):
    prediction = router.suggest("我在工地干了三个月，包工头拖欠工资跑路了", load_profile("default"))
    terms = [e["term"] for e in prediction["evidence"]]
    assert terms and all(len(t) >= 2 for t in terms)
    assert any("工资" in t or "拖欠" in t or "包工头" in t for t in terms)
    assert [e["weight"] for e in prediction["evidence"]] == sorted((e["weight"] for e in prediction["evidence"]), reverse=True)


def test_batch_equals_one_by_one(router):
    profile = load_profile("ziyang")
    texts = ["小区停水了", "电梯困人", "夜市烧烤摊占道"]
    assert router.suggest_many(texts, profile) == [router.suggest(t, profile) for t in texts]
