"""The team's configuration: `.gitlab/incident-bot.yml` over the shipped defaults, validated."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .errors import UserError
from .resources import default_config_path, schema_path

DEFAULT_PATH = ".gitlab/incident-bot.yml"
SEVERITIES = ("SEV1", "SEV2", "SEV3")
REGIONS = ("AMER", "EMEA", "APAC")
STATES = ("triage", "active", "monitoring", "resolved")


@dataclass(frozen=True)
class Labels:
    incident: str
    drill: str
    needs_info: str
    state: Mapping[str, str]
    severity: Mapping[str, str]
    region: Mapping[str, str]
    roles: Mapping[str, str]
    comms: Mapping[str, str]
    handoff: Mapping[str, str]
    overdue: str
    paused: str
    security: str
    action_item: str

    def all(self) -> tuple[str, ...]:
        """Every label of the taxonomy, in a stable order."""
        names = [self.incident, self.drill, self.needs_info]
        for group in (self.state, self.severity, self.region, self.roles, self.comms, self.handoff):
            names.extend(group.values())
        names += [self.overdue, self.paused, self.security, self.action_item]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class RegionHours:
    timezone: ZoneInfo
    start: time
    end: time


@dataclass(frozen=True)
class Config:
    bot_username: str
    tier: str
    action_items_project: int | str | None
    labels: Labels
    cadence_minutes: Mapping[str, int]
    smoc_after_missed: int
    regions: Mapping[str, RegionHours]
    handoff_escalate_after_minutes: int
    closure_nudge_after_hours: int
    smoc_on_sev1: bool
    allow_group_mentions: bool
    notes_per_minute: int

    @property
    def premium(self) -> bool:
        return self.tier == "premium"


def load_config(path: str | Path | None = None) -> Config:
    """Load the team's file (default `.gitlab/incident-bot.yml` when it exists) over the defaults.

    Raises UserError with one line naming the file, the setting and what is expected.
    """
    defaults = _read(default_config_path())
    explicit = path is not None
    target = Path(path) if explicit else Path(DEFAULT_PATH)
    if explicit and not target.is_file():
        raise UserError(f"{target}: configuration file not found")
    overrides = _read(target) if target.is_file() else {}
    return from_mapping(_merge(defaults, overrides), source=str(target))


def from_mapping(data: Mapping[str, Any], source: str = "configuration") -> Config:
    import jsonschema

    schema = json.loads(schema_path("config.schema.json").read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data)
    )
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            known = error.schema.get("properties", {})
            unknown = sorted(str(key) for key in error.instance if key not in known) or ["?"]
            prefix = f"{where}." if where else ""
            raise UserError(
                f"{source}: `{prefix}{unknown[0]}` is not a known setting; the settings here are "
                + ", ".join(sorted(known))
            )
        raise UserError(f"{source}: `{where or '(top level)'}` {error.message}")
    labels = data["labels"]
    try:
        regions = {
            name: RegionHours(
                ZoneInfo(spec["timezone"]),
                time.fromisoformat(spec["start"]),
                time.fromisoformat(spec["end"]),
            )
            for name, spec in data["regions"].items()
        }
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UserError(f"{source}: `regions` has an unknown time zone: {error}") from None
    return Config(
        bot_username=data["bot_username"],
        tier=data["tier"],
        action_items_project=data.get("action_items_project"),
        labels=Labels(
            **{
                key: MappingProxyType(dict(value)) if isinstance(value, dict) else value
                for key, value in labels.items()
            }
        ),
        cadence_minutes=MappingProxyType(dict(data["cadence_minutes"])),
        smoc_after_missed=data["reminders"]["smoc_after_missed"],
        regions=MappingProxyType(regions),
        handoff_escalate_after_minutes=data["handoff"]["escalate_after_minutes"],
        closure_nudge_after_hours=data["closure"]["nudge_after_hours"],
        smoc_on_sev1=data["engagement"]["smoc_on_sev1"],
        allow_group_mentions=data["mentions"]["allow_group_mentions"],
        notes_per_minute=data["notes_per_minute"],
    )


def default_config() -> Config:
    return from_mapping(_read(default_config_path()), source="default configuration")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark else ""
        raise UserError(f"{path}:{line} not valid YAML") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text (the configuration is a YAML file)") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: must be a set of `key: value` settings")
    return data


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged
