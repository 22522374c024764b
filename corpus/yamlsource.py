"""YAML loading that remembers the line of every value, so errors can name file and line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from corpus.errors import DataError, Problem

LinePath = tuple[Any, ...]


def _to_python(node: yaml.Node, path: LinePath, lines: dict[LinePath, int], file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node)) if not isinstance(key_node, yaml.ScalarNode) else key_node.value
            if key in out:
                raise DataError([Problem(file, key_node.start_mark.line + 1, f'duplicate key "{key}"')])
            out[key] = _to_python(value_node, path + (key,), lines, file)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), lines, file) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


class LocatedYaml:
    """A parsed YAML document plus a map from key paths to 1-based line numbers."""

    def __init__(self, path: Path):
        self.path = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataError([Problem(self.path, None, "file not found")]) from None
        except UnicodeDecodeError as exc:
            raise DataError([Problem(self.path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise DataError([Problem(self.path, line, f"broken YAML syntax: {exc.problem}")]) from None
        self.lines: dict[LinePath, int] = {}
        self.data: Any = _to_python(node, (), self.lines, self.path) if node is not None else None

    def line_of(self, path: LinePath) -> int | None:
        """The line of the deepest known prefix of `path` (pydantic locations may go deeper)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())
