"""Reading scenario YAML: the one error type, and the checks steps and expectations share.

Every mistake in a scenario file becomes a ScenarioError whose message is one line naming the
file, the step and what is wrong (`where` carries "file: step N").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .errors import UsageError
from .timefmt import format_time, parse_time


class ScenarioError(UsageError):
    """A scenario file the drill cannot play; the message is one line with file and step."""


def only(data: Mapping[str, Any], known: tuple[str, ...], where: str, what: str) -> None:
    """Refuse a key that is not one of `known`, listing those that are."""
    for key in data:
        if key not in known:
            raise ScenarioError(
                f"{where}: unknown key `{key}` in {what} (known: {', '.join(known)})"
            )


def names(value: Any, where: str, what: str) -> tuple[str, ...]:
    """A name or a list of names, as text."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item.strip() for item in items):
        raise ScenarioError(f"{where}: {what} must be a name or a list of names")
    return tuple(item.strip() for item in items)


def plain(value: Any) -> Any:
    """YAML's dates and times as the text a person types into the front-matter."""
    if isinstance(value, datetime):
        return format_time(parse_time(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


__all__ = ["ScenarioError", "names", "only", "plain"]
