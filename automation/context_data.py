"""Contexts from data files: `incident-bot render NAME --data FILE`.

A data file has the context's shape (docs/architecture.md), and may also write the incident's
fields as the front-matter does: `roles: {cmoc: "@alice"}`, `security_incident: true`, triggers
as true/false, under `incident:` or at the top level. Every unknown key is an error that names
it and the nearest known one, so a typo never silently leaves a placeholder.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .config import Config
from .context import (
    DETAILS,
    EXIT_CRITERIA,
    LIST_DETAILS,
    TIME_DETAILS,
    did_you_mean,
    incident_fields,
    merge,
    placeholder_context,
)
from .errors import UserError
from .incident import TRIGGER_WORDING, handle
from .timefmt import parse_time

# Front-matter names that differ from the context's.
_FRONT_MATTER_ALIASES = {"security_incident": "security"}
_TIMES = {"now", "last_update_at", "next_update_at"}
_NESTED_TIMES = {"handoff": {"requested_at", "acknowledged_at"}, "reminder": {"due_at"}}


def from_data(
    data: Mapping[str, Any],
    *,
    config: Config,
    now: datetime | None = None,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """See context.context_from_data."""
    context = copy.deepcopy(dict(base)) if base is not None else placeholder_context(config)
    if not isinstance(data, Mapping):
        raise UserError("the data must be a set of `key: value` fields")
    data = dict(data)
    incident = data.pop("incident", None) or {}
    if not isinstance(incident, Mapping):
        raise UserError("`incident` must be a set of fields")
    known = set(incident_fields()) | set(_FRONT_MATTER_ALIASES)
    loose = {key: data.pop(key) for key in list(data) if key in known and key not in context}
    context["incident"] = merge(context["incident"], _incident_data({**loose, **incident}))
    for key, value in data.items():
        if key not in context:
            raise UserError(f"`{key}` is not a known field{did_you_mean(key, context)}")
        if key == "details":
            value = _details(value)
        elif key in _TIMES:
            value = _time(value, key)
        elif key in _NESTED_TIMES and isinstance(value, Mapping):
            value = {
                k: _time(v, f"{key}.{k}") if k in _NESTED_TIMES[key] else v
                for k, v in value.items()
            }
        elif key == "exit_criteria":
            value = _exit_criteria(value)
        context[key] = merge(context[key], value)
    _complete(context, config, now)
    return context


def _complete(context: dict[str, Any], config: Config, now: datetime | None) -> None:
    """Derive what the data implies: the clock, the cadence, the next update."""
    if context["now"] is None and now is not None:
        context["now"] = now
    severity = context["incident"]["severity"]
    if context["cadence_minutes"] is None and severity in config.cadence_minutes:
        context["cadence_minutes"] = config.cadence_minutes[severity]
    if context["next_update_at"] is None and context["now"] and context["cadence_minutes"]:
        context["next_update_at"] = context["now"] + timedelta(minutes=context["cadence_minutes"])


def _incident_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Incident fields from a data file, in the context's shape."""
    known = incident_fields()
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = _FRONT_MATTER_ALIASES.get(key, key)
        if name not in known:
            raise UserError(f"`incident.{key}` is not a known field{did_you_mean(name, known)}")
        if name in ("detected_at", "resolved_at"):
            value = _time(value, f"incident.{key}")
        elif name in ("affected_services", "customer_segments", "regions_affected"):
            value = _listed(value)
        elif name in ("cmoc_triggers", "smoc_triggers"):
            value = _triggers(value)
        elif name == "roles":
            value = _roles(value)
        elif name == "follow_up_actions":
            value = [_follow_up(item) for item in _listed(value)]
        elif name == "estimated_affected_customers" and value is not None:
            value = str(value)
        out[name] = value
    return out


def _roles(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise UserError("`incident.roles` must be a set of fields (cmoc, smoc, imoc, ...)")
    roles: dict[str, Any] = {}
    for key, person in value.items():
        if key == "cross_functional":
            roles[key] = {team: handle(str(who)) for team, who in (person or {}).items() if who}
        elif key in ("cmoc", "smoc", "imoc"):
            roles[key] = handle(str(person)) if person else None
        else:
            raise UserError(f"`incident.roles.{key}` is not a known role")
    return roles


def _triggers(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [TRIGGER_WORDING.get(name, str(name)) for name, on in value.items() if on]
    return [TRIGGER_WORDING.get(str(name), str(name)) for name in _listed(value)]


def _follow_up(item: Any) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        return {"action": str(item), "owner": None, "due": None}
    owner = item.get("owner")
    return {
        "action": item.get("action"),
        "owner": handle(str(owner)) if owner else None,
        "due": item.get("due"),
    }


def _details(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise UserError("`details` must be a set of fields")
    out = {}
    for key, item in value.items():
        if key not in DETAILS:
            raise UserError(f"`details.{key}` is not a known field{did_you_mean(key, DETAILS)}")
        if key in LIST_DETAILS:
            item = _listed(item)
        if key == "common_issues":
            item = [_issue(entry) for entry in item]
        elif key in TIME_DETAILS and item is not None:
            item = _time(item, f"details.{key}", free_text=True)
        out[key] = item
    return out


def _issue(entry: Any) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        return {"issue": entry.get("issue"), "reports": entry.get("reports")}
    return {"issue": entry, "reports": None}


def _exit_criteria(value: Any) -> list[dict[str, Any]]:
    """Either a list of {name, done} or a mapping of criterion -> done."""
    if isinstance(value, Mapping):
        done = {_normal(str(name)): bool(on) for name, on in value.items()}
        return [{"name": name, "done": done.get(_normal(name), False)} for name in EXIT_CRITERIA]
    return [
        {"name": item.get("name"), "done": bool(item.get("done"))}
        if isinstance(item, Mapping)
        else {"name": str(item), "done": False}
        for item in _listed(value)
    ]


def _time(value: Any, where: str, free_text: bool = False) -> Any:
    if value is None or isinstance(value, datetime):
        return parse_time(value) if value is not None else None
    if isinstance(value, date):
        return parse_time(f"{value.isoformat()} 00:00")
    try:
        return parse_time(str(value))
    except ValueError:
        if free_text:
            return str(value)
        raise UserError(f"`{where}` must be a UTC time like 2026-12-03 14:05 UTC") from None


def _listed(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _normal(text: str) -> str:
    return " ".join(text.lower().split())
