"""The framework's exit criteria, as ticked in the description's `## Exit Criteria` checklist.

"Exit Criteria: Customer communications stable; Support queue normalized; No new impact
patterns; Regular ticket flow resumed; Documented final status; Handback to regular support
flow." Each criterion is recognised by its key words, so `Support queue normalised` or a
reworded line still counts. A criterion holds when its line is ticked (`[x]`); a criterion with
no line at all does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import tasklists

HEADING = re.compile(r"\bexit\s+criteria\b", re.IGNORECASE)

# The seed's wording, and the words that recognise it in a checklist line.
CRITERIA: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(words, re.IGNORECASE))
    for name, words in (
        ("Customer communications stable", r"\bcommunications?\b"),
        ("Support queue normalized", r"\bqueues?\b"),
        ("No new impact patterns", r"\bimpact\s+patterns?\b"),
        ("Regular ticket flow resumed", r"\bticket\s+flow\b"),
        ("Documented final status", r"\bfinal\s+status\b"),
        ("Handback to regular support flow", r"\bhand[\s-]?(?:back|ed\s+back)\b"),
    )
)


@dataclass(frozen=True)
class Criterion:
    name: str
    done: bool


def read(description: str) -> tuple[Criterion, ...]:
    """Each of the six criteria and whether every line naming it is ticked."""
    lines = [
        task
        for body in tasklists.sections(description, HEADING)
        for task in tasklists.tasks(body)
        if task.checked is not None
    ]
    result = []
    for name, words in CRITERIA:
        states = [task.checked for task in lines if words.search(task.text)]
        result.append(Criterion(name, bool(states) and all(states)))
    return tuple(result)


def all_done(criteria: tuple[Criterion, ...]) -> bool:
    return all(criterion.done for criterion in criteria)


def remaining(criteria: tuple[Criterion, ...]) -> list[str]:
    return [criterion.name for criterion in criteria if not criterion.done]


def as_context(criteria: tuple[Criterion, ...]) -> list[dict[str, object]]:
    """The `exit_criteria` value of the template context."""
    return [{"name": criterion.name, "done": criterion.done} for criterion in criteria]


__all__ = ["CRITERIA", "Criterion", "all_done", "as_context", "read", "remaining"]
