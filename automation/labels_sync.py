"""The label taxonomy, made to exist in GitLab exactly as the configuration names it.

GitLab's `add_labels` creates any label it does not know, so a misspelt name in a configuration
or a hand-typed label would quietly become a new, colourless label. `incident-bot labels sync`
creates every label of `config.labels` up front, with a colour per group (so an issue list reads
at a glance) and a description that tells people what applying the label does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from .config import Config

# One colour family per group: states from amber to green, severities by urgency, roles in
# purple, comms requests in teal, handoffs by whether they wait for someone.
COLOURS = {
    "incident": "#dc143c",
    "drill": "#a4a4a4",
    "needs_info": "#ed9121",
    "state": {
        "triage": "#e9be74",
        "active": "#dc143c",
        "monitoring": "#1f75cb",
        "resolved": "#108548",
    },
    "severity": {"SEV1": "#8b0000", "SEV2": "#e65100", "SEV3": "#f9a825"},
    "region": {"AMER": "#3f51b5", "EMEA": "#00838f", "APAC": "#6d4c41"},
    "roles": {"cmoc": "#6f42c1", "smoc": "#8e44ad", "sirt": "#4a148c"},
    "comms": "#009688",
    "handoff": {"pending": "#ed9121", "acknowledged": "#108548"},
    "overdue": "#d9534f",
    "paused": "#828282",
    "security": "#330066",
    "action_item": "#428bca",
}

DESCRIPTIONS = {
    "incident": "A Support Response incident, run by incident-bot.",
    "drill": "A rehearsal incident: the bot runs it like a real one.",
    "needs_info": "The front-matter needs fixing: the bot's comment names the field and line.",
    "state": {
        "triage": "Incident state: being assessed (severity, impact, roles).",
        "active": "Incident state: responding. Status updates are due at the severity's cadence.",
        "monitoring": "Incident state: fix in place, watching for new impact.",
        "resolved": "Incident state: resolved. Posts the Resolution Update, exit criteria and "
        "Post-Incident Support Summary; close the issue when the exit criteria hold.",
    },
    "severity": {
        name: f"Severity {name}: status updates every {{cadence}} minutes. Changing it "
        "re-evaluates the CMOC and SMOC engagement triggers."
        for name in ("SEV1", "SEV2", "SEV3")
    },
    "region": {
        name: f"{name} support handles the incident. Changing it posts a Regional Handoff."
        for name in ("AMER", "EMEA", "APAC")
    },
    "roles": {
        "cmoc": "CMOC engaged (Communications Manager On-call). Removed when the exit criteria "
        "hold.",
        "smoc": "SMOC engaged (Support Manager On-call). Removed when the exit criteria hold.",
        "sirt": "SIRT engaged: a security incident. The issue stays confidential.",
    },
    "comms": {
        "status_update": "Apply to get a Regular Status Update draft; the bot removes the label.",
        "executive_update": "Apply to get an Executive Update draft; the bot removes the label.",
        "customer_impact_report": "Apply to get a Customer Impact Report draft; the bot removes "
        "the label.",
        "support_resources": "Apply to get a Support Resource Allocation update draft; the bot "
        "removes the label.",
        "technical_handoff": "Apply to get a Technical-to-Support Handoff draft; the bot removes "
        "the label.",
    },
    "handoff": {
        "pending": "A regional handoff waits for the incoming region to acknowledge it.",
        "acknowledged": "Apply to acknowledge a regional handoff you received.",
    },
    "overdue": "A status update is overdue for the incident's severity.",
    "paused": "Reminders paused: remove to resume them.",
    "security": "A security incident: confidential, SIRT engaged, nothing copied to public issues.",
    "action_item": "A postmortem action item opened from an incident's follow-up actions.",
}


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    description: str


@dataclass(frozen=True)
class Change:
    action: str  # "create" | "update" | "unchanged" | "group label"
    spec: LabelSpec
    label_id: int | None = None

    def describe(self, dry_run: bool) -> str:
        verb = {"create": "create", "update": "update"}.get(self.action)
        if verb is None:
            return f"{self.action:<11} {self.spec.name}"
        done = f"would {verb}" if dry_run else f"{verb}d"
        return f"{done:<11} {self.spec.name} ({self.spec.color})"


def taxonomy(config: Config) -> list[LabelSpec]:
    """Every label of the configuration with its colour and description, in `Labels.all()` order."""
    found: dict[str, LabelSpec] = {}
    labels = config.labels
    for item in fields(labels):
        group, value = item.name, getattr(labels, item.name)
        entries = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, name in entries:
            colour = _pick(COLOURS[group], key)
            text = _pick(DESCRIPTIONS[group], key)
            cadence = config.cadence_minutes.get(key, "") if group == "severity" else ""
            found.setdefault(name, LabelSpec(name, colour, text.replace("{cadence}", str(cadence))))
    return [found[name] for name in labels.all()]


def _pick(table: Any, key: str | None) -> str:
    return table[key] if isinstance(table, Mapping) else table


def plan(specs: Iterable[LabelSpec], existing: Iterable[Mapping[str, Any]]) -> list[Change]:
    """What to do for each label, given the labels the project already has."""
    current = {label["name"]: label for label in existing}
    changes = []
    for spec in specs:
        label = current.get(spec.name)
        if label is None:
            changes.append(Change("create", spec))
        elif label.get("is_project_label") is False:
            changes.append(Change("group label", spec))  # the group owns it: left as it is
        elif (str(label.get("color", "")).lower(), label.get("description") or "") == (
            spec.color.lower(),
            spec.description,
        ):
            changes.append(Change("unchanged", spec))
        else:
            changes.append(Change("update", spec, label.get("id")))
    return changes


def sync(
    changes: Iterable[Change],
    create: Callable[[str, str, str], None],
    update: Callable[[int, str, str], None],
) -> None:
    for change in changes:
        spec = change.spec
        if change.action == "create":
            create(spec.name, spec.color, spec.description)
        elif change.action == "update" and change.label_id is not None:
            update(change.label_id, spec.color, spec.description)
