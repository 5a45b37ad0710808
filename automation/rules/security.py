"""Security incidents: the issue is made confidential before anything else is written, the
security label marks it, and SIRT is engaged (see engagement.py)."""

from __future__ import annotations

from collections.abc import Iterable

from ..actions import Action, AddLabels, SetConfidential
from ..facts import Facts


def rule(facts: Facts) -> Iterable[Action]:
    if not facts.security:
        return
    if not facts.snapshot.confidential:
        yield SetConfidential(reason="security incident")
    if facts.config.labels.security not in facts.labels:
        yield AddLabels((facts.config.labels.security,), reason="security incident")
