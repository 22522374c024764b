"""Red flags: danger words found as spans of the original text, negated mentions ignored."""
from __future__ import annotations

import pytest

from classifier.prepare import prepare_view
from classifier.redflags import default_lexicon, tier_floor


def flags(text: str):
    return default_lexicon().find(prepare_view(text), text)


@pytest.mark.parametrize("text, code", [
    ("家里厨房有很大的煤气味", "gas_leak"),
    ("三楼着火了，浓烟滚滚", "fire"),
    ("电梯关人了，里面有个老人", "trapped"),
    ("有个人晕倒在路边叫不醒", "unconscious"),
    ("他拿着刀在小区里追人", "weapon"),
    ("有人站在楼顶说要跳楼", "self_harm"),
    ("小孩掉进河里了", "drowning"),
    ("电线掉在地上还在冒火花", "live_wire"),
    ("河水水位上涨快漫过堤了", "flood_rising"),
    ("后山滑坡了，石头滚下来", "landslide"),
    ("车撞了，司机流血不止", "bleeding"),
    ("孩子被锁在车里了", "child_danger"),
    ("楼上邻居家里在打架，有人喊救命，还有刀", "weapon"),
    ("楼上邻居家里在打架，有人喊救命，还有刀", "violence_ongoing"),
    ("河边有人在喊救命", "cry_for_help"),
])
def test_danger_is_flagged(text, code):
    assert code in {f.code for f in flags(text)}


@pytest.mark.parametrize("text", [
    "没有人受伤，就是车刮了一下",
    "不是着火，是邻居在烧烤",
    "没有煤气味，就是停气了",
    "担心会着火，消防通道堵了",
    "火已经灭了",
    "小区停水了",
    "老板拖欠工资三个月",
    # harmless phrases that contain a flag term
    "工地晚上十二点还在打桩，吵得睡不着",
    "物业的人还在打扫楼道",
    "我把钥匙锁在车里了，开锁师傅要三百",
    "水龙头拧开水出不来，一滴都没有",
    "机顶盒没反应，电视没信号",
    "车胎漏气了，路边补胎店乱收费",
    "老板拖了半年，这是我们的救命钱",
])
def test_negated_or_absent_danger_is_not_flagged(text):
    assert flags(text) == []


def test_spans_point_into_the_original_text():
    text = "喂？？　我家　煤气味好大，电话13912345678"
    found = flags(text)
    assert [(f.code, text[f.start:f.end]) for f in found] == [("gas_leak", "煤气味")]
    assert found[0].text == "煤气味"


def test_negation_does_not_cross_clauses():
    assert {f.code for f in flags("没有人管，现在着火了")} == {"fire"}


@pytest.mark.parametrize("text, floor", [("有煤气味", "emergency"), ("墙上有裂缝", "urgent"), ("小区停水", None)])
def test_tier_floor(text, floor):
    assert tier_floor(flags(text)) == floor
