"""Turn pydantic validation errors into located, plain-language problems."""
from __future__ import annotations

from pydantic import ValidationError

from corpus.errors import Problem
from corpus.yamlsource import LocatedYaml


def problems_from(error: ValidationError, source: LocatedYaml, prefix: tuple = ()) -> list[Problem]:
    out = []
    for item in error.errors():
        loc = prefix + tuple(item["loc"])
        field = ".".join(str(part) for part in loc) or None
        message = item["msg"]
        if item["type"] == "missing":
            message = "is missing"
        elif item["type"] == "extra_forbidden":
            message = "is not a known field (typo?)"
        out.append(Problem(source.path, source.line_of(loc), message, field))
    return out
