"""Personal data masking: phone, ID, licence plate and bank card numbers become placeholders.

Detection runs on normalised text (full-width digits, spaces and case folded), so `１３９…`
is caught like `139…`. `mask_view` feeds the classifier (a fitted vocabulary keeps every
training token, so nothing personal may reach it); `mask` rewrites the caller's own text in
place, for storing and logging.
"""
from __future__ import annotations

import re

from classifier.normalize import normalize_view
from classifier.textview import TextView

PLACEHOLDERS = {"id_number": "〔身份证号〕", "bank_card": "〔银行卡号〕", "phone": "〔电话〕", "plate": "〔车牌〕"}
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Tried in this order; a later pattern never matches inside an earlier match.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", re.compile(r"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx](?![\dx])")),
    ("bank_card", re.compile(r"(?<!\d)(?:62|4\d|5[1-5])\d{14,17}(?!\d)|(?<!\d)\d{4}(?: \d{4}){3}(?: \d{1,3})?(?!\d)")),
    ("phone", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")),
    ("plate", re.compile(rf"[{_PROVINCES}][a-z] ?[·.]? ?[a-z0-9]{{5,6}}(?![a-z0-9])")),
)


def find_personal_data(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) spans of personal data in a normalised text, without overlaps."""
    found: list[tuple[str, int, int]] = []
    taken = bytearray(len(text))  # characters inside an earlier match: overlap test in O(match length)
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(taken[start:end]):
                found.append((kind, start, end))
                taken[start:end] = b"\x01" * (end - start)
    return sorted(found, key=lambda item: item[1])


def mask_view(view: TextView) -> TextView:
    """Replace personal data in a normalised view; a placeholder keeps its span's origin."""
    spans = find_personal_data(view.text)
    if not spans:
        return view
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for kind, start, end in spans:
        pieces.append(view.text[last:start])
        origin.extend(view.origin[last:start])
        placeholder = PLACEHOLDERS[kind]
        pieces.append(placeholder)
        origin.extend([view.origin[start]] * (len(placeholder) - 1) + [view.origin[end - 1]])
        last = end
    pieces.append(view.text[last:])
    origin.extend(view.origin[last:])
    return TextView("".join(pieces), tuple(origin), view.original_length)


def mask(text: str) -> str:
    """The caller's text with personal data replaced in place (punctuation and spacing kept)."""
    view = normalize_view(TextView.of(text))
    spans = find_personal_data(view.text)
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for kind, start, end in spans:
        first, stop = view.span_in_original(start, end)
        out.append(text[last:first])
        out.append(PLACEHOLDERS[kind])
        last = stop
    out.append(text[last:])
    return "".join(out)
