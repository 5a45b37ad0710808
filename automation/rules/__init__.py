"""The framework's rules, one module per behaviour. `decide` runs them in this order."""

from . import (
    cadence,
    closure,
    comms,
    engagement,
    handoff,
    handoff_reminders,
    intake,
    lifecycle,
    pause,
    postmortem,
    resolution,
    roles,
    security,
    severity,
    validation,
)

# Security first: the issue is confidential before anything is written to it. The label-driven
# changes (state, severity, region) come before engagement, so that the triggers are evaluated on
# the new severity; resolution follows engagement, so that a role is handed back only after it
# was engaged; postmortem last, as the incident's final word.
RULES = (
    security.rule,
    intake.rule,
    roles.rule,
    lifecycle.rule,
    severity.rule,
    handoff.rule,
    engagement.rule,
    comms.rule,
    resolution.rule,
    postmortem.rule,
)

# The clock's rules (run by every reconcile, and by the scheduled scan) come last, so that a plan
# lists what the incident's state calls for before any reminder. Pause leads them: its note
# explains why reminders stop.
RULES += (
    pause.rule,
    cadence.rule,
    handoff_reminders.rule,
    closure.rule,
)

__all__ = ["RULES", "validation"]
