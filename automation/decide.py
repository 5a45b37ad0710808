"""`decide(snapshot, config, now) -> Plan`: the framework's rules, with no I/O and no clock.

Each rule is a small module in `automation/rules/` with one function `rule(facts)` that returns
the actions it wants. Rules run in the order below; the Plan is their concatenation. Everything a
rule needs is in `Facts`, so a rule can be tested with a table of snapshots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from .actions import Action, Plan
from .config import Config
from .facts import Facts
from .rules import RULES, validation
from .snapshot import IssueSnapshot

Rule = Callable[[Facts], Iterable[Action]]


def decide(snapshot: IssueSnapshot, config: Config, now: datetime) -> Plan:
    facts = Facts(snapshot, config, now)
    plan = Plan(snapshot.project_id, snapshot.iid)
    if not facts.is_incident:
        return Plan(
            snapshot.project_id, snapshot.iid, remarks=("not an incident: no front-matter block",)
        )
    actions = list(validation.rule(facts))
    if not facts.front.valid:
        return Plan(plan.project_id, plan.iid, tuple(actions), ("front-matter needs fixing",))
    for rule in RULES:
        actions.extend(rule(facts))
    return Plan(plan.project_id, plan.iid, tuple(_dedupe(actions)))


def _dedupe(actions: list[Action]) -> list[Action]:
    """Two rules may ask for the same thing (a label, a note); do it once."""
    seen: set[Action] = set()
    unique = []
    for action in actions:
        try:
            if action in seen:
                continue
            seen.add(action)
        except TypeError:  # an action holding a mapping is not hashable; keep it
            pass
        unique.append(action)
    return unique
