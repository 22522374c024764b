"""The one text preparation used at training and prediction time: normalise, then mask."""
from __future__ import annotations

from classifier.mask import mask_view
from classifier.normalize import is_usable, normalize_view
from classifier.textview import TextView


class UnusableText(ValueError):
    """The text has nothing to classify (empty, only punctuation, no Chinese and no digits)."""

    code = "unusable_text"


def prepare_view(text: str) -> TextView:
    return mask_view(normalize_view(TextView.of(text)))


def prepare(text: str) -> str:
    """Normalised, masked text: what the features see."""
    return prepare_view(text).text


def require_usable(view: TextView) -> None:
    if not view.text:
        raise UnusableText("文本为空（归一化后没有内容）/ the text is empty after normalisation")
    if not is_usable(view.text):
        raise UnusableText("文本没有汉字或数字，无法判断 / the text has no Chinese characters or digits to classify")
