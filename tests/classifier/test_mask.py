"""Personal data never reaches features, storage or logs."""
from __future__ import annotations

import pytest

from classifier.mask import mask
from classifier.prepare import prepare


@pytest.mark.parametrize("raw, placeholder, secret", [
    ("我的电话是13912345678，快来", "〔电话〕", "13912345678"),
    ("回拨 139 1234 5678 找我", "〔电话〕", "1234 5678"),
    ("电话１３９１２３４５６７８", "〔电话〕", "１３９１２３４５６７８"),
    ("座机0376-3919110有人接", "〔电话〕", "3919110"),
    ("+86 13812345678", "〔电话〕", "13812345678"),
    ("身份证410526199003154321丢了", "〔身份证号〕", "410526199003154321"),
    ("身份证号码32010219851231123X", "〔身份证号〕", "1231123X"),
    ("车牌豫S·12345撞了人就跑", "〔车牌〕", "12345"),
    ("一辆川A3B45C停在消防通道", "〔车牌〕", "A3B45C"),
    ("银行卡6222021234567890123被盗刷", "〔银行卡号〕", "6222021234567890123"),
    ("卡号6222 0212 3456 7890", "〔银行卡号〕", "0212 3456"),
])
def test_each_personal_data_pattern_is_masked(raw, placeholder, secret):
    masked = mask(raw)
    assert placeholder in masked
    assert secret not in masked
    assert secret.replace(" ", "") not in prepare(raw).replace(" ", "")


@pytest.mark.parametrize("raw", ["拨打110报警", "3号楼2单元501室", "今天下午3点", "停水已经2天了", "12栋电梯"])
def test_ordinary_numbers_are_kept(raw):
    assert mask(raw) == raw


def test_mask_keeps_the_operator_punctuation():
    assert mask("喂，我电话13912345678。") == "喂，我电话〔电话〕。"
