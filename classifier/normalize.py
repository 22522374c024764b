"""Normalisation shared by training and prediction, so both see text the same way.

Full/half width and compatibility forms (NFKC), one space for any run of whitespace,
control and zero-width characters dropped, punctuation variants folded to one form, Latin
letters lower-cased. Idempotent: normalize(normalize(x)) == normalize(x).
"""
from __future__ import annotations

import unicodedata

from classifier.textview import TextView

_PUNCT_FOLD = {
    "，": ",", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")",
    "“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'",
    "．": ".", "｡": "。", "〜": "~", "～": "~", "—": "-", "–": "-", "－": "-", "―": "-",
    "【": "[", "】": "]", "《": "<", "》": ">", "〈": "<", "〉": ">", "…": "...", "·": "·", "•": "·", "・": "·",
}
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    if unicodedata.category(ch) in _DROP_CATEGORIES:
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(_PUNCT_FOLD.get(c, c) for c in folded).lower()


def normalize_view(view: TextView) -> TextView:
    """Normalise a text, keeping the origin of every kept character."""
    out: list[str] = []
    origin: list[int] = []
    for ch, src in zip(view.text, view.origin):
        for piece in _fold_char(ch):
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            origin.append(src)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return TextView("".join(out), tuple(origin), view.original_length)


def normalize(text: str) -> str:
    return normalize_view(TextView.of(text)).text


def is_usable(text: str) -> bool:
    """True when a normalised text has something to classify: a Chinese character or a digit."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch.isdigit() for ch in text)
