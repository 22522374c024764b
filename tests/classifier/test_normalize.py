"""Normalisation: one form for width, whitespace, punctuation and case, offsets kept."""
from __future__ import annotations

import pytest

from classifier.normalize import is_usable, normalize, normalize_view
from classifier.textview import TextView


@pytest.mark.parametrize("raw, expected", [
    ("３号楼　停水", "3号楼 停水"),
    ("ＡＢＣ小区", "abc小区"),
    ("喂，你好！！", "喂,你好!!"),
    ("  多个   空格\t\n换行 ", "多个 空格 换行"),
    ("零宽\u200b字符\u0007控制", "零宽字符控制"),
    ("（东门）“路口”", '(东门)"路口"'),
])
def test_normalize_folds_variants(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["３号楼　停水！", "  a\u200bＢ  c ", "煤气味，，很大。", ""])
def test_normalize_is_idempotent(raw):
    assert normalize(normalize(raw)) == normalize(raw)


def test_offsets_point_into_the_original():
    raw = "　　３号楼　煤气味"
    view = normalize_view(TextView.of(raw))
    start = view.text.index("煤气味")
    first, last = view.span_in_original(start, start + 3)
    assert raw[first:last] == "煤气味"


@pytest.mark.parametrize("text, usable", [("停水", True), ("12栋", True), ("!!!", False), ("hello", False), ("", False)])
def test_usable_needs_chinese_or_digits(text, usable):
    assert is_usable(normalize(text)) is usable
