"""One error type for bad data files, carrying where the problem is."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a data file: where it is and what is wrong, in plain words."""

    path: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f'field "{self.field}": ' if self.field else ""
        return f"{where}: {what}{self.message}"


class DataError(Exception):
    """Raised when a data file is unusable; holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
