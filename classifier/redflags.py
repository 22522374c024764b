"""Red flags: danger signals in a call text, with negation, returned as spans.

The lexicon is data (corpus/lexicons/redflags.yaml). Matching runs on the normalised, masked
text; spans are mapped back to the caller's original text. A flag keeps the tier at least
`urgent`; a life-threat flag forces `emergency` (see `tier_floor`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from classifier.textview import TextView
from corpus import DATA_DIR

LEXICON_FILE = DATA_DIR / "lexicons" / "redflags.yaml"
AFTER_REACH = 40  # characters after a flag searched for a trailing negation ("…，现在已经没有了")
_CLAUSE_BREAK = re.compile(r"[,。;!?.\n:]|但是|但|不过|可是")


@dataclass(frozen=True, slots=True)
class RedFlag:
    code: str
    text: str
    start: int
    end: int
    life_threat: bool

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "start": self.start, "end": self.end, "life_threat": self.life_threat}


class RedFlagLexicon:
    def __init__(self, path: Path = LEXICON_FILE):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        self.window: int = int(data["negation"]["window"])
        self.before = tuple(sorted(data["negation"]["before"], key=len, reverse=True))
        self.after = tuple(data["negation"]["after"])
        self.code_of: dict[str, str] = {}
        self.life_threat: dict[str, bool] = {}
        self.names: dict[str, str] = {}
        for flag in data["flags"]:
            self.life_threat[flag["code"]] = bool(flag["life_threat"])
            self.names[flag["code"]] = flag["name"]
            for term in flag["terms"]:
                self.code_of.setdefault(term, flag["code"])
        # Longer harmless phrases that contain a term ("还在打桩" ⊃ "还在打") win the match and
        # are dropped in find().
        not_danger = {str(phrase) for phrase in data.get("not_danger") or []}
        terms = sorted(set(self.code_of) | not_danger, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(t) for t in terms))

    def _clause_bounds(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The clause around a match, looked for only as far as negation can reach: bounded work
        per flag, so a long text with many flags stays linear."""
        reach_left = max(0, start - self.window - 8)
        left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, reach_left, start)), default=reach_left)
        reach_right = min(len(text), end + AFTER_REACH)
        right_match = _CLAUSE_BREAK.search(text, end, reach_right)
        return left, right_match.start() if right_match else reach_right

    def _negated(self, text: str, start: int, end: int) -> bool:
        left, right = self._clause_bounds(text, start, end)
        before = text[max(left, start - self.window - 3):start]
        for cue in self.before:
            position = before.rfind(cue)
            if position != -1 and len(before) - (position + len(cue)) <= self.window:
                return True
        after = text[end:right]
        return any(cue in after for cue in self.after)

    def find(self, view: TextView, original: str) -> list[RedFlag]:
        """Flags in a normalised view, as spans of the original text."""
        flags = []
        for match in self.pattern.finditer(view.text):
            code = self.code_of.get(match.group())
            if code is None or self._negated(view.text, match.start(), match.end()):
                continue
            start, end = view.span_in_original(match.start(), match.end())
            flags.append(RedFlag(code, original[start:end], start, end, self.life_threat[code]))
        return flags


@lru_cache(maxsize=1)
def default_lexicon() -> RedFlagLexicon:
    return RedFlagLexicon()


def tier_floor(flags: list[RedFlag]) -> str | None:
    """The lowest tier the flags allow: emergency for a life threat, urgent for any flag."""
    if any(f.life_threat for f in flags):
        return "emergency"
    return "urgent" if flags else None
