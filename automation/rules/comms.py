"""Comms requests: one label per template; the bot posts the template, then removes the label.

The framework gives the CMOC and SMOC "Handover Summary Templates ... for various communication
scenarios". A person asks for one by applying its request label (`comms::status-update`, ...);
the bot posts the draft as an internal note and removes the label, so the next request posts the
next draft. A Regular Status Update is numbered: 1 + the status updates posted before it.

Each request is answered once: its note carries the id of the label event that made the request
(`request-<event id>`). If the label removal failed after the note landed, the next run only
removes the label. The key never collides with engagement's `support-resource-allocation:<n>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..actions import Action, RemoveLabels
from ..facts import Facts

# config.labels.comms key -> (template, marker kind, extra context)
REQUESTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "status_update": ("regular-status-update", "status-update", {}),
    "executive_update": ("executive-update", "executive-update", {}),
    "customer_impact_report": ("customer-impact-report", "customer-impact-report", {}),
    "support_resources": (
        "support-resource-allocation",
        "support-resource-allocation",
        {"resource_request_type": "Update"},
    ),
    "technical_handoff": ("technical-to-support-handoff", "technical-to-support-handoff", {}),
}


def request_key(facts: Facts, label: str) -> str:
    """`request-<id>` of the label event that applied `label` last.

    Without label events (a file without them) every request of that kind shares `request-0`:
    the draft is posted at most once rather than repeated.
    """
    event = facts.snapshot.latest_label_add(label)
    return f"request-{event.id if event else 0}"


def rule(facts: Facts) -> Iterable[Action]:
    for name, label in facts.config.labels.comms.items():
        if label not in facts.labels or name not in REQUESTS:
            continue
        template, kind, extra = REQUESTS[name]
        key = request_key(facts, label)
        if not facts.has(kind, key):
            event = facts.snapshot.latest_label_add(label)
            context = dict(extra)
            attrs = {}
            if kind == "status-update":
                context["update_number"] = facts.count(kind) + 1
                attrs["number"] = context["update_number"]
            who = f" by @{event.user}" if event and event.user else ""
            yield facts.note(
                template,
                key,
                kind=kind,
                attrs=attrs,
                reason=f"{label} applied{who}",
                **context,
            )
        yield RemoveLabels((label,), reason="request answered")
