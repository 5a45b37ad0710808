"""Compare a response with a documented example: same keys, same JSON types."""

from __future__ import annotations

from typing import Any


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def shape_errors(
    documented: Any, actual: Any, *, ignore: frozenset[str] = frozenset(), path: str = ""
) -> list[str]:
    """Where `actual` lacks a documented key or holds another type (null matches anything).

    `ignore` names dotted paths (`author.email`, `assignees.name`) the sandbox does not send on
    purpose; extra keys in `actual` are allowed.
    """
    errors: list[str] = []
    if documented is None or actual is None:
        return errors
    if _kind(documented) != _kind(actual):
        return [f"{path or '<root>'}: documented {_kind(documented)}, got {_kind(actual)}"]
    if isinstance(documented, dict):
        for key, value in documented.items():
            where = f"{path}.{key}" if path else key
            if where in ignore:
                continue
            if key not in actual:
                errors.append(f"{where}: missing")
                continue
            errors += shape_errors(value, actual[key], ignore=ignore, path=where)
    elif isinstance(documented, list) and documented and actual:
        errors += shape_errors(documented[0], actual[0], ignore=ignore, path=path)
    return errors
