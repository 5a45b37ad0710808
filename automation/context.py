"""The context templates are rendered with: from a live issue, from a data file, or all unknown.

Every context has the same shape (docs/architecture.md, "The template context"): each key is
always present, and what nobody knows is None or an empty list, which a template shows as a
visible placeholder. The shape is fixed so that a misspelt key in a template is an error rather
than a silently empty field.

`details` holds what only people know (ticket counts, CSAT trend, workarounds...): a data file
(`incident-bot render NAME --data FILE`) fills them, the bot never guesses them.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from . import exit_criteria
from .config import Config, default_config
from .exit_criteria import CRITERIA
from .incident import TRIGGER_WORDING, Incident
from .snapshot import IssueSnapshot

# The framework's exit criteria, in the seed's wording and order.
EXIT_CRITERIA = tuple(name for name, _words in CRITERIA)

# What only people know, by name, with the question each answers. Lists are marked [list].
DETAILS: dict[str, str] = {
    "current_actions": "what the team is doing now [list]",
    "current_status": "the current state, 1-2 sentences",
    "progress": "actions taken and progress since the last update [list]",
    "impact_assessment": "the updated impact assessment",
    "ticket_volume": "current incident ticket volume",
    "notable_patterns": "patterns in customer reports",
    "next_steps": "planned actions [list]",
    "resolution_summary": "how the issue was resolved",
    "total_customers_impacted": "total customers impacted",
    "total_tickets": "total incident tickets received",
    "customer_actions": "post-incident actions customers should take [list]",
    "customer_monitoring": "monitoring customers should perform [list]",
    "current_situation": "current status for the incoming region, 2-3 sentences",
    "active_tickets": "active incident tickets",
    "pending_responses": "tickets waiting for a response",
    "escalated_issues": "escalated issues",
    "last_statusio_update": "time of the last status.io update",
    "draft_status_update": "link to or text of the draft status update",
    "priority_actions": "priority actions for the next shift [list]",
    "key_stakeholders": "key contacts, when not just the role holders [list]",
    "current_response_time": "current first-response time",
    "queue_health": "Healthy, Strained or Critical",
    "engineers_amer": "AMER engineers allocated",
    "engineers_emea": "EMEA engineers allocated",
    "engineers_apac": "APAC engineers allocated",
    "priority_guidelines": "ticket priorities, highest first [list]",
    "special_handling": "special routing or customer-specific handling [list]",
    "action_team_leads": "action requested from team leads",
    "action_regional_managers": "action requested from regional managers",
    "action_other_stakeholders": "action requested from other stakeholders",
    "duration_estimate": "how long the resource allocation lasts",
    "impact_summary": "customer impact, 2-3 sentences (default: the summary)",
    "customers_reporting": "customers reporting issues",
    "customer_base_percentage": "estimated percentage of the customer base",
    "common_issues": "most reported issues, as {issue, reports} [list]",
    "csat_trend": "Stable, Declining or Improving",
    "customer_concerns": "major themes of customer concerns",
    "recommend_technical": "recommended action for the technical team",
    "recommend_communications": "recommended action for the communications team",
    "recommend_customer_success": "recommended action for customer success",
    "additional_information": "other relevant details about customer impact",
    "initial_cmoc_actions": "the CMOC's first actions [list]",
    "personnel_needed": "roles and numbers needed",
    "tools_access_needed": "tools and access needed",
    "stakeholder_engagement_needed": "teams to engage",
    "action_technical_teams": "action requested from technical teams",
    "initial_communication_by": "when the first customer communication goes out",
    "coordination_meeting_at": "when the coordination meeting is",
    "support_response_summary": "the support response, 3-4 sentences",
    "peak_tickets_per_hour": "peak tickets per hour",
    "average_response_time": "average response time",
    "support_resources_utilized": "number of staff involved",
    "workarounds_provided": "common workarounds provided [list]",
    "what_worked_well": "what worked well [list]",
    "improvement_areas": "what to improve [list]",
    "tool_process_gaps": "tool or process gaps [list]",
    "lessons_learned": "key takeaways",
    "technical_summary": "the issue in simple, customer-focused terms",
    "observable_symptoms": "what customers see (default: the summary)",
    "scope_of_impact": "broad, limited or specific customers",
    "workaround": "step-by-step workaround [list]",
    "key_points": "points to communicate [list]",
    "points_to_avoid": "points to avoid [list]",
    "verified_by": "who verified the technical accuracy",
    "estimated_time_to_resolution": "estimated time to resolution",
    "fix_delivery_method": "hotfix, regular release, ...",
    "action_support_team": "guidance on ticket handling",
    "action_cmoc": "guidance on status.io messaging",
    "action_other_teams": "other coordination needed",
    "situation_overview": "the incident in 1-2 sentences (default: the summary)",
    "customer_impact_level": "High, Medium or Low",
    "customer_impact_description": "customer impact, briefly",
    "revenue_impact": "Yes, No or Unknown",
    "revenue_impact_description": "revenue impact, briefly",
    "reputation_risk": "High, Medium or Low",
    "reputation_risk_description": "reputation risk, briefly",
    "technical_response": "On track, Delayed or Blocked",
    "technical_response_status": "technical response, briefly",
    "support_response": "On track, Delayed or Blocked",
    "support_response_status": "support response, briefly",
    "communications_response": "On track, Delayed or Blocked",
    "communications_status": "communications, briefly",
    "critical_decisions": "decisions needing executive input [list]",
    "next_executive_update": "when the next executive update is",
}
LIST_DETAILS = frozenset(name for name, text in DETAILS.items() if text.endswith("[list]"))
TIME_DETAILS = frozenset(
    {
        "last_statusio_update",
        "initial_communication_by",
        "coordination_meeting_at",
        "next_executive_update",
    }
)


def incident_fields() -> dict[str, Any]:
    """The `incident` mapping with nothing known."""
    return {
        "number": None,
        "title": None,
        "url": None,
        "severity": None,
        "status": None,
        "state": None,
        "detected_at": None,
        "resolved_at": None,
        "summary": None,
        "impact_type": None,
        "estimated_affected_customers": None,
        "region": None,
        "zendesk_tag": None,
        "affected_services": [],
        "customer_segments": [],
        "regions_affected": [],
        "security": False,
        "roles": {"cmoc": None, "smoc": None, "imoc": None, "cross_functional": {}},
        "cmoc_triggers": [],
        "smoc_triggers": [],
        "follow_up_actions": [],
    }


def _skeleton(config: Config) -> dict[str, Any]:
    return {
        "incident": incident_fields(),
        "now": None,
        "update_number": None,
        "last_update_at": None,
        "next_update_at": None,
        "cadence_minutes": None,
        "severity_change": {"from_severity": None, "to_severity": None, "escalated": False},
        "handoff": {
            "from_region": None,
            "to_region": None,
            "requested_at": None,
            "acknowledged_by": None,
            "acknowledged_at": None,
        },
        "activation": {"criteria": [], "requested_by": None},
        "engagement": {"role": None, "holder": None, "criteria": []},
        "resource_request_type": None,
        "reminder": {
            "overdue_minutes": None,
            "missed_slots": None,
            "due_at": None,
            "mention_smoc": False,
        },
        "transition": {"from_state": None, "to_state": None, "skipped": [], "backward": False},
        "validation": {"errors": []},
        "exit_criteria": [{"name": name, "done": False} for name in EXIT_CRITERIA],
        "action_items": [],
        "details": dict.fromkeys(DETAILS),
        "labels": label_names(config),
    }


def label_names(config: Config) -> dict[str, Any]:
    """The configuration's label names, for notes that tell people which label to apply."""
    labels = config.labels
    return {
        item.name: dict(value) if isinstance(value, Mapping) else value
        for item in dataclasses.fields(labels)
        for value in [getattr(labels, item.name)]
    }


def placeholder_context(config: Config | None = None) -> dict[str, Any]:
    """A context in which every field is unknown, so that every field shows its placeholder."""
    return _skeleton(config or default_config())


def context_for(
    snapshot: IssueSnapshot,
    incident: Incident | None,
    config: Config,
    now: datetime,
    **extra: Any,
) -> dict[str, Any]:
    """The context for a note on a live issue.

    Labels win over the front-matter for severity, region and state (people change labels to
    escalate or hand off). `extra` sets or completes any top-level key: a mapping is merged into
    the key's mapping, so `handoff={"to_region": "APAC"}` keeps the other handoff fields.
    """
    context = _skeleton(config)
    known = context["incident"]
    if incident is not None:
        known.update(_from_incident(incident))
    labels = config.labels
    severity = snapshot.labelled(labels.severity) or known["severity"]
    state = snapshot.labelled(labels.state)
    resolved = state == "resolved" or snapshot.closed
    known.update(
        number=snapshot.iid,
        title=snapshot.title or None,
        url=snapshot.web_url or None,
        severity=severity,
        region=snapshot.labelled(labels.region) or known["region"],
        state=state,
        status="Resolved" if resolved else "In Progress",
        security=bool(
            known["security"]
            or snapshot.has_label(labels.security)
            or snapshot.has_label(labels.roles["sirt"])
        ),
        resolved_at=_resolved_at(snapshot, config, now) if resolved else None,
    )
    updates = snapshot.bot_notes("status-update")
    earlier = sorted(
        note.created_at for note in updates + snapshot.bot_notes("initial-status-update")
    )
    cadence = config.cadence_minutes.get(severity) if severity else None
    context.update(
        now=now,
        update_number=len(updates) + 1,
        last_update_at=earlier[-1] if earlier else None,
        cadence_minutes=cadence,
        next_update_at=now + timedelta(minutes=cadence) if cadence else None,
        exit_criteria=exit_criteria.as_context(exit_criteria.read(snapshot.description or "")),
    )
    for key, value in extra.items():
        if key not in context:
            raise ValueError(f"unknown context key {key!r}{did_you_mean(key, context)}")
        context[key] = merge(context[key], value)
    return context


def context_from_data(
    data: Mapping[str, Any],
    *,
    config: Config | None = None,
    now: datetime | None = None,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A context from a data file, over `base` (default: every field unknown).

    The file has the context's shape; the incident's fields may also be written the way the
    front-matter writes them (`roles: {cmoc: "@alice"}`, `security_incident`, triggers as
    true/false), under `incident:` or at the top level. Raises UserError naming a wrong key.
    """
    from .context_data import from_data

    return from_data(data, config=config or default_config(), now=now, base=base)


def _from_incident(incident: Incident) -> dict[str, Any]:
    roles = incident.roles
    return {
        "severity": incident.severity,
        "detected_at": incident.detected_at,
        "summary": incident.summary,
        "impact_type": incident.impact_type,
        "estimated_affected_customers": incident.estimated_affected_customers,
        "region": incident.region,
        "zendesk_tag": incident.zendesk_tag,
        "affected_services": list(incident.affected_services),
        "customer_segments": list(incident.customer_segments),
        "regions_affected": list(incident.regions_affected),
        "security": incident.security_incident,
        "roles": {
            "cmoc": roles.cmoc,
            "smoc": roles.smoc,
            "imoc": roles.imoc,
            "cross_functional": dict(roles.cross_functional),
        },
        "cmoc_triggers": [TRIGGER_WORDING[name] for name in incident.cmoc_triggers],
        "smoc_triggers": [TRIGGER_WORDING[name] for name in incident.smoc_triggers],
        "follow_up_actions": [
            {"action": item.action, "owner": item.owner, "due": item.due}
            for item in incident.follow_up_actions
        ],
    }


def merge(current: Any, value: Any) -> Any:
    """`value` over `current`; mappings are merged key by key, anything else replaced."""
    if isinstance(current, dict) and isinstance(value, Mapping):
        merged = dict(current)
        for key, item in value.items():
            merged[key] = merge(current.get(key), item)
        return merged
    return value


def _resolved_at(snapshot: IssueSnapshot, config: Config, now: datetime) -> datetime:
    """When the resolved label was applied (label events are not always read); else when the
    bot recorded the move to resolved; else when the issue closed; else now, which is right
    for the Resolution Update posted as the label appears."""
    event = snapshot.latest_label_add(config.labels.state["resolved"])
    if event is not None:
        return event.created_at
    recorded = [
        note.created_at
        for note in snapshot.bot_notes("lifecycle")
        if note.marker is not None and note.marker.attrs.get("state") == "resolved"
    ]
    if recorded:
        return recorded[-1]
    return snapshot.closed_at or now


def did_you_mean(name: str, known: Any) -> str:
    """`; did you mean `x`?` for the nearest known name, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


__all__ = [
    "DETAILS",
    "EXIT_CRITERIA",
    "context_for",
    "context_from_data",
    "label_names",
    "placeholder_context",
]
