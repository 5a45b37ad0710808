"""Engaging the CMOC, the SMOC and SIRT, as the framework's engagement triggers say.

- CMOC: multiple customers affected OR bulk communications needed OR support resource
  coordination required.
- SMOC: complex customer impact OR resource conflicts OR SLA risk OR SIRT involvement (and, where
  the configuration says so, any SEV1).

A role is engaged by its triggers in the front-matter, or by a person applying its label. When
engaged: the role label, the role holder assigned, and the role's template posted once: CMOC
Activation for the CMOC, Support Resource Allocation for the SMOC. The exit criteria hand a role
back (resolution.py); after that only a person applying the label engages it again, so a trigger
left true in the front-matter does not re-engage a released role.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..actions import Action, AddLabels, Assign
from ..facts import Facts
from ..incident import TRIGGER_WORDING
from ..snapshot import same_user

TEMPLATES = {"cmoc": "cmoc-activation", "smoc": "support-resource-allocation"}


def cycle(facts: Facts, role: str) -> int:
    """1 for the first engagement of a role, 2 after it was handed back once, and so on."""
    released = [
        n for n in facts.snapshot.bot_notes("role-released") if n.marker.key.startswith(f"{role}-")
    ]
    return len(released) + 1


def triggers(facts: Facts, role: str) -> list[str]:
    incident = facts.incident
    if role == "cmoc":
        met = [TRIGGER_WORDING[name] for name in incident.cmoc_triggers]
    else:
        met = [TRIGGER_WORDING[name] for name in incident.smoc_triggers]
        if facts.security and "SIRT involvement" not in met:
            met.append("SIRT involvement")
        if facts.config.smoc_on_sev1 and facts.severity == "SEV1":
            met.append("SEV1 incident")
    return met


def requested_by(facts: Facts, label: str) -> str | None:
    event = facts.snapshot.latest_label_add(label)
    if event and event.user and not same_user(event.user, facts.config.bot_username):
        return event.user
    return None


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed:
        return
    for role in ("cmoc", "smoc"):
        yield from _engage(facts, role)
    yield from _engage_sirt(facts)


def _engage(facts: Facts, role: str) -> Iterable[Action]:
    label = facts.config.labels.roles[role]
    number = cycle(facts, role)
    template = TEMPLATES[role]
    if facts.has(template, number):
        return
    met = triggers(facts, role) if number == 1 else []
    if label not in facts.labels and not met:
        return
    person = requested_by(facts, label)
    criteria = met or [f"{role.upper()} label applied by a person"]
    if label not in facts.labels:
        yield AddLabels((label,), reason=f"{role.upper()} engagement triggers met")
    holder = getattr(facts.incident.roles, role)
    # Intake assigns every role holder; assign here only when a role is engaged later on.
    if holder and holder not in facts.snapshot.assignees and facts.has("initial-status-update", 1):
        yield Assign((holder,), reason=f"{role.upper()} engaged")
    extra = {"activation": {"criteria": criteria, "requested_by": person}}
    if role == "smoc":
        extra["resource_request_type"] = "Initial" if number == 1 else "Update"
    yield facts.note(template, number, reason=f"{role.upper()} engaged", **extra)


def _engage_sirt(facts: Facts) -> Iterable[Action]:
    if not facts.security:
        return
    label = facts.config.labels.roles["sirt"]
    if label not in facts.labels:
        yield AddLabels((label,), reason="security incident: SIRT engaged")
    if not facts.has("role-engaged", "sirt-1"):
        yield facts.note(
            "role-engaged",
            "sirt-1",
            reason="security incident",
            engagement={
                "role": "SIRT",
                "holder": facts.incident.roles.contact("sirt"),
                "criteria": ["Security incident"],
            },
        )
