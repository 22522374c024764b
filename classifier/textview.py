"""A text plus, for each of its characters, where it came from in the caller's original text.

Normalisation and masking change lengths; red-flag spans must still point into the text the
operator typed, so every transformation carries the offsets along.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextView:
    text: str
    origin: tuple[int, ...]  # origin[i] = index in the original text of text[i]
    original_length: int

    @classmethod
    def of(cls, text: str) -> "TextView":
        return cls(text, tuple(range(len(text))), len(text))

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) of this text to the smallest covering span of the original."""
        if start >= end or not self.text:
            return (0, 0)
        first = self.origin[start]
        last = self.origin[end - 1] + 1
        return (first, min(last, self.original_length))
