"""Labelled calls (JSONL, the schema of shared/spec/interfaces.md): load, validate, locate errors.

A file with one bad line is refused whole, with every bad line named, so nothing is half
imported. The bundled corpus lives in corpus/calls/*.jsonl.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from corpus import DATA_DIR
from corpus.errors import DataError, Problem
from corpus.taxonomy import load_taxonomy

CALLS_DIR = DATA_DIR / "calls"
SPLIT_FILE = DATA_DIR / "splits" / "test_scenarios.json"  # the fixed test scenarios (training/split.py)
MAX_TEXT_CHARS = 5000


class LabelledCall(BaseModel):
    """One labelled call. Extra keys are kept (trainers' files may carry their own ids)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    matter_type: str
    tier: Literal["emergency", "urgent", "routine"]
    scenario: str | None = Field(default=None, min_length=1, max_length=200)
    style: str | None = None
    source: str | None = None
    profile: str | None = None
    department: str | None = None
    boundary: str | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank")
        return value

    @field_validator("matter_type", "boundary")
    @classmethod
    def _known_matter(cls, value: str | None) -> str | None:
        if value is not None and value not in load_taxonomy().matter_types:
            raise ValueError(f'"{value}" is not a matter type code (see corpus/taxonomy.yaml)')
        return value

    @property
    def is_hand_written(self) -> bool:
        return (self.source or "hand") == "hand"


@dataclass
class LoadedCall:
    call: LabelledCall
    path: str
    line: int


@dataclass
class CorpusLoad:
    calls: list[LoadedCall] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _problems_of(exc: ValidationError, path: str, line: int) -> list[Problem]:
    out = []
    for item in exc.errors():
        name = ".".join(str(p) for p in item["loc"]) or None
        message = {"missing": "is missing"}.get(item["type"], item["msg"].removeprefix("Value error, "))
        if item["type"] == "literal_error":
            message = f'"{item.get("input")}" is not one of emergency, urgent, routine'
        out.append(Problem(path, line, message, name))
    return out


def parse_lines(lines: Iterable[str], path: str, require_scenario: bool = False) -> CorpusLoad:
    """Parse JSONL lines into calls, collecting every problem with its line number."""
    result = CorpusLoad()
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            result.problems.append(Problem(path, number, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(data, dict):
            result.problems.append(Problem(path, number, "each line must be a JSON object"))
            continue
        try:
            call = LabelledCall.model_validate(data)
        except ValidationError as exc:
            result.problems.extend(_problems_of(exc, path, number))
            continue
        if require_scenario and not call.scenario:
            result.problems.append(Problem(path, number, "is missing (required in the bundled corpus)", "scenario"))
            continue
        result.calls.append(LoadedCall(call, path, number))
    return result


def read_file(path: Path, require_scenario: bool = False) -> CorpusLoad:
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        return CorpusLoad(problems=[Problem(str(path), None, "file not found")])
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        return CorpusLoad(problems=[Problem(str(path), line, "not UTF-8 text")])
    return parse_lines(text.splitlines(), str(path), require_scenario)


def load_files(paths: Iterable[Path], require_scenario: bool = False) -> list[LoadedCall]:
    """Calls from several files; raises DataError listing every problem if any line is bad."""
    calls: list[LoadedCall] = []
    problems: list[Problem] = []
    for path in paths:
        loaded = read_file(path, require_scenario)
        calls.extend(loaded.calls)
        problems.extend(loaded.problems)
    if problems:
        raise DataError(problems)
    return calls


def bundled_files() -> list[Path]:
    return sorted(CALLS_DIR.glob("*.jsonl"))


@dataclass(frozen=True)
class BaseCorpus:
    """The corpus every training starts from and its fixed test split (the bundled ones by default)."""

    files: tuple[Path, ...] | None = None
    split_file: Path = SPLIT_FILE

    def paths(self) -> list[Path]:
        return list(self.files) if self.files is not None else bundled_files()


def load_bundled() -> list[LoadedCall]:
    return load_files(bundled_files(), require_scenario=True)
