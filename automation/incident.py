"""`Incident`: the validated front-matter of a Support Response issue, as a frozen value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .timefmt import parse_time

CMOC_TRIGGERS = (
    "multiple_customers_affected",
    "bulk_communications_needed",
    "support_resource_coordination_required",
)
SMOC_TRIGGERS = ("complex_customer_impact", "resource_conflicts", "sla_risk", "sirt_involvement")

# How the seed words each trigger, for notes that say why a role was engaged.
TRIGGER_WORDING = {
    "multiple_customers_affected": "Multiple customers affected",
    "bulk_communications_needed": "Bulk communications needed",
    "support_resource_coordination_required": "Support resource coordination required",
    "complex_customer_impact": "Complex customer impact",
    "resource_conflicts": "Resource conflicts",
    "sla_risk": "SLA risk",
    "sirt_involvement": "SIRT involvement",
}


def handle(value: str | None) -> str | None:
    """A username without its leading `@`."""
    if not value:
        return None
    return value[1:] if value.startswith("@") else value


@dataclass(frozen=True)
class FollowUp:
    action: str
    owner: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class Roles:
    cmoc: str | None = None
    smoc: str | None = None
    imoc: str | None = None
    cross_functional: tuple[tuple[str, str], ...] = ()

    def contact(self, team: str) -> str | None:
        return dict(self.cross_functional).get(team)


@dataclass(frozen=True)
class Incident:
    severity: str
    detected_at: datetime
    summary: str
    affected_services: tuple[str, ...]
    impact_type: str
    region: str
    roles: Roles = field(default_factory=Roles)
    estimated_affected_customers: str | None = None
    customer_segments: tuple[str, ...] = ()
    regions_affected: tuple[str, ...] = ()
    zendesk_tag: str | None = None
    security_incident: bool = False
    cmoc_triggers: tuple[str, ...] = ()  # the names of the triggers that are true
    smoc_triggers: tuple[str, ...] = ()
    follow_up_actions: tuple[FollowUp, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Incident:
        """Build from front-matter that has already passed the schema."""
        roles = data.get("roles") or {}
        cross = roles.get("cross_functional") or {}
        customers = data.get("estimated_affected_customers")
        return cls(
            severity=data["severity"],
            detected_at=parse_time(data["detected_at"]),
            summary=str(data["summary"]).strip(),
            affected_services=tuple(data["affected_services"]),
            impact_type=data["impact_type"],
            region=data["region"],
            roles=Roles(
                cmoc=handle(roles.get("cmoc")),
                smoc=handle(roles.get("smoc")),
                imoc=handle(roles.get("imoc")),
                cross_functional=tuple(sorted((k, handle(v)) for k, v in cross.items() if v)),
            ),
            estimated_affected_customers=None if customers is None else str(customers),
            customer_segments=tuple(data.get("customer_segments") or ()),
            regions_affected=tuple(data.get("regions_affected") or ()),
            zendesk_tag=data.get("zendesk_tag"),
            security_incident=bool(data.get("security_incident", False)),
            cmoc_triggers=_true_keys(data.get("cmoc_triggers"), CMOC_TRIGGERS),
            smoc_triggers=_true_keys(data.get("smoc_triggers"), SMOC_TRIGGERS),
            follow_up_actions=tuple(
                FollowUp(
                    action=item["action"].strip(),
                    owner=handle(item.get("owner")),
                    due=date.fromisoformat(item["due"]) if item.get("due") else None,
                )
                for item in data.get("follow_up_actions") or ()
            ),
        )


def _true_keys(values: Mapping[str, bool] | None, order: tuple[str, ...]) -> tuple[str, ...]:
    values = values or {}
    return tuple(name for name in order if values.get(name))
