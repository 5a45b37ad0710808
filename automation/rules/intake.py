"""A newly filed incident: its labels, its roles assigned, and the Initial Status Update draft.

The draft's marker (`initial-status-update:1`) records that intake is done, so roles are assigned
once: a person who later changes the assignees is not overruled.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..actions import Action, AddLabels, Assign
from ..facts import Facts
from .roles import holders as role_holders

KIND = "initial-status-update"


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed:
        return
    labels = facts.config.labels
    wanted = [labels.incident]
    if facts.state is None:
        wanted.append(labels.state["triage"])
    if not any(label in facts.labels for label in labels.severity.values()):
        wanted.append(labels.severity[facts.severity])
    if not any(label in facts.labels for label in labels.region.values()):
        wanted.append(labels.region[facts.region])
    missing = tuple(label for label in wanted if label not in facts.labels)
    if missing:
        yield AddLabels(missing, reason="labels from the front-matter")
    if facts.has(KIND, 1):
        return
    roles = facts.incident.roles
    holders = tuple(dict.fromkeys(name for name in (roles.cmoc, roles.smoc, roles.imoc) if name))
    if holders:
        yield Assign(holders, reason="role holders from the front-matter")
    # The markers record who held each role, so that a later change is noticed (roles.py).
    recorded = role_holders(roles)
    yield facts.note("initial-status-update", 1, reason="new incident", attrs=recorded)
    # The free tier keeps one assignee: name and notify the other role holders in a note.
    if not facts.config.premium and (len(holders) > 1 or roles.cross_functional):
        yield facts.note(
            "roles", 1, reason="role holders the free tier cannot assign", attrs=recorded
        )
