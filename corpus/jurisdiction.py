"""Jurisdiction profiles: which local unit takes each matter type in one county.

A profile file names its units once (local name, canonical department, duty) and maps every
matter type to one of them, citing the clause of the county's regulation. `validate_profile`
reports every problem with file and line, so a county writing its own profile can fix them
all in one pass.
"""
from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus import DATA_DIR
from corpus.errors import DataError, Problem
from corpus.taxonomy import Taxonomy, load_taxonomy
from corpus.validation import problems_from
from corpus.yamlsource import LocatedYaml

PROFILE_DIR = DATA_DIR / "profiles"
Duty = Literal["24h", "phone"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(_Frozen):
    title: str
    number: str | None = None
    year: int | None = None
    seed: str | None = None


class Limits(_Frozen):
    handover_minutes: int = Field(gt=0)
    handover_source: str
    closing_working_days: int = Field(gt=0)
    closing_special_working_days: int = Field(gt=0)
    closing_source: str
    major_event_phone_minutes: int | None = Field(default=None, gt=0)
    major_event_written_minutes: int | None = Field(default=None, gt=0)
    major_event_to: str | None = None
    major_event_source: str | None = None


class Arbiter(_Frozen):
    unit: str
    clause: str | None = None
    how: str


class FollowUp(_Frozen):
    method: str
    clause: str


class Unit(_Frozen):
    department: str
    clause: str | None = None
    duty: Duty | None = None
    duty_clause: str | None = None
    in_document: bool = True


class MatterRoute(_Frozen):
    unit: str
    clause: str | None = None
    named_in_document: bool = True
    note: str | None = None


class _ProfileFile(_Frozen):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    region: str
    document: Document
    limits: Limits
    dispatch_rule: str
    disputed_jurisdiction: Arbiter
    follow_up: FollowUp | None = None
    quarterly_report: str | None = None
    units: dict[str, Unit]
    matters: dict[str, MatterRoute]


class Route(_Frozen):
    """What the router needs for one matter type in one county."""

    matter_type: str
    unit: str
    department: str
    named_in_document: bool
    clause: str | None
    duty: Duty | None
    note: str | None


class Profile:
    """A validated profile; build it with `load_profile` or `parse_profile`."""

    def __init__(self, parsed: _ProfileFile, path: str):
        self.path = path
        self.code = parsed.code
        self.name = parsed.name
        self.region = parsed.region
        self.document = parsed.document
        self.limits = parsed.limits
        self.dispatch_rule = parsed.dispatch_rule
        self.disputed_jurisdiction = parsed.disputed_jurisdiction
        self.follow_up = parsed.follow_up
        self.quarterly_report = parsed.quarterly_report
        self.units = parsed.units
        self.routes: dict[str, Route] = {
            matter: Route(matter_type=matter, unit=entry.unit, department=parsed.units[entry.unit].department,
                          named_in_document=entry.named_in_document, clause=entry.clause,
                          duty=parsed.units[entry.unit].duty, note=entry.note)
            for matter, entry in parsed.matters.items()
        }

    def route(self, matter_type: str) -> Route:
        return self.routes[matter_type]


def _did_you_mean(word: str, known: object) -> str:
    close = difflib.get_close_matches(str(word), list(known), n=1)
    return f' (did you mean "{close[0]}"?)' if close else " (see corpus/taxonomy.yaml for the codes)"


def _cross_check(data: dict, source: LocatedYaml, taxonomy: Taxonomy) -> list[Problem]:
    """Reference checks on the raw mapping, so they run even when other fields are broken."""
    def at(*path: object) -> int | None:
        return source.line_of(path)

    units = data.get("units") if isinstance(data.get("units"), dict) else {}
    matters = data.get("matters") if isinstance(data.get("matters"), dict) else {}
    problems = []
    for name, unit in units.items():
        department = unit.get("department") if isinstance(unit, dict) else None
        if isinstance(department, str) and department not in taxonomy.departments:
            problems.append(Problem(source.path, at("units", name, "department"),
                                    f'unit "{name}" has unknown department code "{department}"'
                                    f"{_did_you_mean(department, taxonomy.departments)}", f"units.{name}.department"))
    for matter, entry in matters.items():
        if matter not in taxonomy.matter_types:
            problems.append(Problem(source.path, at("matters", matter),
                                    f'unknown matter type "{matter}"{_did_you_mean(matter, taxonomy.matter_types)}', f"matters.{matter}"))
        unit_name = entry.get("unit") if isinstance(entry, dict) else None
        if not isinstance(unit_name, str):
            continue
        if unit_name not in units:
            problems.append(Problem(source.path, at("matters", matter, "unit"),
                                    f'matter type "{matter}" names unit "{unit_name}", which is not listed under units',
                                    f"matters.{matter}.unit"))
        elif entry.get("named_in_document", True) and isinstance(units[unit_name], dict) \
                and units[unit_name].get("in_document", True) is False:
            problems.append(Problem(source.path, at("matters", matter),
                                    f'matter type "{matter}" is named_in_document but unit "{unit_name}" is marked in_document: false',
                                    f"matters.{matter}.named_in_document"))
    if "matters" in data:
        missing = [code for code in taxonomy.matter_types if code not in matters]
        if missing:
            problems.append(Problem(source.path, at("matters"),
                                    f"{len(missing)} matter type(s) missing: {', '.join(missing)} "
                                    f"(a profile must map all {len(taxonomy.matter_types)})", "matters"))
    arbiter = data.get("disputed_jurisdiction")
    if isinstance(arbiter, dict) and isinstance(arbiter.get("unit"), str) and arbiter["unit"] not in units:
        problems.append(Problem(source.path, at("disputed_jurisdiction", "unit"),
                                f'arbiter "{arbiter["unit"]}" is not listed under units', "disputed_jurisdiction.unit"))
    return problems


def validate_profile(path: Path, taxonomy: Taxonomy | None = None) -> list[Problem]:
    """Every problem in a profile file (empty when it is valid)."""
    taxonomy = taxonomy or load_taxonomy()
    try:
        source = LocatedYaml(path)
    except DataError as exc:
        return exc.problems
    if not isinstance(source.data, dict):
        return [Problem(source.path, 1, "a profile must be a YAML mapping with code, name, units, matters, …")]
    problems: list[Problem] = []
    try:
        _ProfileFile.model_validate(source.data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, source))
    problems.extend(_cross_check(source.data, source, taxonomy))
    return sorted(problems, key=lambda p: p.line or 0)


def parse_profile(path: Path, taxonomy: Taxonomy | None = None) -> Profile:
    """Load a profile file, raising DataError with every problem if it is not valid."""
    problems = validate_profile(path, taxonomy)
    if problems:
        raise DataError(problems)
    return Profile(_ProfileFile.model_validate(LocatedYaml(path).data), str(path))


def bundled_profile_codes() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))


class UnknownProfile(KeyError):
    """A profile code that is neither bundled nor in the extra profile folder."""

    def __init__(self, code: str, known: tuple[str, ...]):
        self.code, self.known = code, known
        super().__init__(code)

    def __str__(self) -> str:
        return f'unknown profile "{self.code}"; known profiles: {", ".join(self.known)}'


@lru_cache(maxsize=64)
def load_profile(code: str, extra_dir: Path | None = None) -> Profile:
    """A profile by code: from `extra_dir` (a county's own files) first, then the bundled ones."""
    for folder in ([extra_dir] if extra_dir else []) + [PROFILE_DIR]:
        candidate = folder / f"{code}.yaml"
        if candidate.is_file():
            profile = parse_profile(candidate)
            if profile.code != code:
                raise DataError([Problem(str(candidate), 1, f'file is named "{code}" but its code is "{profile.code}"', "code")])
            return profile
    raise UnknownProfile(code, available_profiles(extra_dir))


def available_profiles(extra_dir: Path | None = None) -> tuple[str, ...]:
    codes = set(bundled_profile_codes())
    if extra_dir and extra_dir.is_dir():
        codes |= {p.stem for p in extra_dir.glob("*.yaml")}
    return tuple(sorted(codes))
