"""The routing taxonomy (matter types, departments, tiers) as typed, immutable objects.

The codes are the contract with outside callers; the loader refuses a file with unknown or
duplicate codes rather than letting a typo travel into a model or a report.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from corpus import DATA_DIR
from corpus.errors import DataError, Problem
from corpus.validation import problems_from
from corpus.yamlsource import LocatedYaml

TAXONOMY_FILE = DATA_DIR / "taxonomy.yaml"
TierCode = Literal["emergency", "urgent", "routine"]
TIER_ORDER: tuple[TierCode, ...] = ("routine", "urgent", "emergency")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tier(_Frozen):
    code: TierCode
    name: str
    meaning: str
    dispatch: str


class Department(_Frozen):
    code: str
    name: str


class MatterType(_Frozen):
    code: str
    name: str
    department: str
    typical_tier: TierCode
    covers: str


class _TaxonomyFile(_Frozen):
    version: int
    tiers: tuple[Tier, ...]
    departments: tuple[Department, ...]
    matter_types: tuple[MatterType, ...]


class Taxonomy:
    """Lookups over the taxonomy; built only through `load_taxonomy`, which validates it."""

    def __init__(self, parsed: _TaxonomyFile):
        self.version = parsed.version
        self.tiers = {t.code: t for t in parsed.tiers}
        self.departments = {d.code: d for d in parsed.departments}
        self.matter_types = {m.code: m for m in parsed.matter_types}

    @property
    def matter_codes(self) -> tuple[str, ...]:
        return tuple(self.matter_types)

    def matter(self, code: str) -> MatterType:
        return self.matter_types[code]


def _check_codes(parsed: _TaxonomyFile, source: LocatedYaml) -> list[Problem]:
    problems = []
    for section in ("tiers", "departments", "matter_types"):
        seen: dict[str, int] = {}
        for i, entry in enumerate(getattr(parsed, section)):
            if entry.code in seen:
                problems.append(Problem(source.path, source.line_of((section, i, "code")),
                                        f'duplicate code "{entry.code}" (first at entry {seen[entry.code] + 1})', f"{section}.{i}.code"))
            seen.setdefault(entry.code, i)
    departments = {d.code for d in parsed.departments}
    for i, matter in enumerate(parsed.matter_types):
        if matter.department not in departments:
            problems.append(Problem(source.path, source.line_of(("matter_types", i, "department")),
                                    f'matter type "{matter.code}" names unknown department "{matter.department}"',
                                    f"matter_types.{i}.department"))
    return problems


def parse_taxonomy(path: Path) -> Taxonomy:
    """Load and validate a taxonomy file; raise DataError listing every problem."""
    source = LocatedYaml(path)
    try:
        parsed = _TaxonomyFile.model_validate(source.data)
    except ValidationError as exc:
        raise DataError(problems_from(exc, source)) from None
    problems = _check_codes(parsed, source)
    if problems:
        raise DataError(problems)
    return Taxonomy(parsed)


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The bundled taxonomy, parsed once per process."""
    return parse_taxonomy(TAXONOMY_FILE)
