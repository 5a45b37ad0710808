"""Reading request parameters the way GitLab's API accepts them.

Clients send the same parameter in several forms: python-gitlab puts lists in JSON bodies as
arrays and in query strings as `key[]=a&key[]=b` or `a,b`; curl users send form data. GitLab
accepts all of them, so the sandbox does too, and rejects values of the wrong type with
GitLab's `{"error": "<name> is invalid"}`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from .clock import parse_time
from .errors import bad_request, invalid

_TRUE = {"true", "1", "yes", "t", "on"}
_FALSE = {"false", "0", "no", "f", "off", ""}


def collect(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Query or form pairs to a dict: `key[]` repeated becomes a list under `key`."""
    params: dict[str, Any] = {}
    for key, value in pairs:
        if key.endswith("[]"):
            params.setdefault(key[:-2], []).append(value)
        else:
            params[key] = value
    return params


def read_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """A JSON object or form-encoded body (an empty body is no parameters)."""
    if not raw:
        return {}
    if "application/json" in content_type:
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise bad_request(f"invalid JSON: {error}") from error
        if not isinstance(data, dict):
            raise bad_request("the body must be a JSON object")
        return data
    return collect(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def as_bool(params: dict[str, Any], name: str) -> bool | None:
    if name not in params or params[name] is None:
        return None
    value = params[name]
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise invalid(name)


def as_int(params: dict[str, Any], name: str) -> int | None:
    if name not in params or params[name] in (None, ""):
        return None
    value = params[name]
    if isinstance(value, bool):
        raise invalid(name)
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise invalid(name) from error


def as_list(params: dict[str, Any], name: str) -> list[str] | None:
    """A list of names: a JSON array, repeated `name[]`, or a comma-separated string."""
    if name not in params or params[name] is None:
        return None
    value = params[name]
    items = [str(item) for item in value] if isinstance(value, list) else str(value).split(",")
    return [item.strip() for item in items if item.strip()]


def as_int_list(params: dict[str, Any], name: str) -> list[int] | None:
    """A list of ids; `0`, `""` and `[]` mean an empty list (GitLab's "unassign everyone")."""
    if name not in params or params[name] is None:
        return None
    value = params[name]
    items = value if isinstance(value, list) else str(value).split(",")
    result = []
    for item in items:
        if isinstance(item, bool):
            raise invalid(name)
        text = str(item).strip()
        if not text:
            continue
        try:
            number = int(text)
        except ValueError as error:
            raise invalid(name) from error
        if number:
            result.append(number)
    return result


def as_time(params: dict[str, Any], name: str) -> datetime | None:
    if name not in params or params[name] in (None, ""):
        return None
    try:
        return parse_time(str(params[name]))
    except ValueError as error:
        raise invalid(name) from error


def as_date(params: dict[str, Any], name: str) -> str | None:
    """A due date `YYYY-MM-DD`; an empty value means "no date"."""
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as error:
        raise invalid(name) from error


def as_choice(params: dict[str, Any], name: str, choices: tuple[str, ...]) -> str | None:
    if name not in params or params[name] in (None, ""):
        return None
    value = str(params[name])
    if value not in choices:
        raise invalid(name, "does not have a valid value")
    return value
