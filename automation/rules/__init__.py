"""The framework's rules, one module per behaviour. `decide` runs them in this order."""

from . import engagement, intake, security, validation

# Security first: the issue is confidential before anything is written to it.
RULES = (
    security.rule,
    intake.rule,
    engagement.rule,
)

__all__ = ["RULES", "validation"]
