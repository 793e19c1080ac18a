"""YAML reading that reports the line of every problem.

The fast C loader parses; line numbers are recovered from a second, composed
pass only when something is wrong, so the happy path pays nothing for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """The safe loader, except that a date-shaped value which is no real date
    (2024-13-45) stays text, so the caller reports it at its key's line, and
    that a key given twice is an error (YAML would silently keep the last)."""


def _timestamp(loader: Any, node: yaml.Node) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _mapping(loader: Any, node: yaml.MappingNode) -> dict:
    first: dict[Any, yaml.Mark] = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in first:
            raise yaml.constructor.ConstructorError("first given", first[key], f"`{key}` is given twice", key_node.start_mark)
        first[key] = key_node.start_mark
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=True)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load_yaml(text: str, path: Path | str, first_line: int = 1, what: str = "YAML") -> Any:
    """Parse YAML; malformed input raises ContentError at its path:line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + first_line != line:
            # An unclosed bracket or quote is found where the text ends: say where it opened.
            reason += f" ({context} on line {first_line + context_mark.line})"
        twice = "given twice" in reason
        raise ContentError(
            Problem(
                f"{path}:{line}",
                f"{'duplicate key in' if twice else 'malformed'} {what}: {reason}",
                "keep one of the two" if twice else "check indentation and quoting; a value holding ':' or '#' needs quotes",
            )
        ) from None


def key_lines(text: str, first_line: int = 1) -> dict[tuple[str, ...], int]:
    """Map each key path of a YAML mapping to its 1-based line number."""
    lines: dict[tuple[str, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = prefix + (str(key.value),)
                lines[path] = first_line + key.start_mark.line
                walk(value, path)

    if root is not None:
        walk(root, ())
    return lines
