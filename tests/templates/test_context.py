"""The template context: from a live issue, from a data file, or every field unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from automation import frontmatter
from automation.config import default_config
from automation.context import (
    DETAILS,
    EXIT_CRITERIA,
    context_for,
    context_from_data,
    placeholder_context,
)
from automation.errors import UserError
from tests.conftest import T0, bot_note, example, label_event, snapshot

NOW = T0 + timedelta(hours=2)


def live(**kwargs) -> dict:
    description = kwargs.pop("description", example("ci-runners-degraded.md"))
    extra = kwargs.pop("extra", {})
    issue = snapshot(description, **kwargs)
    incident = frontmatter.parse(description).incident
    return context_for(issue, incident, default_config(), NOW, **extra)


def test_placeholder_context_knows_nothing() -> None:
    context = placeholder_context()
    assert context["incident"]["number"] is None
    assert context["incident"]["roles"]["cmoc"] is None
    assert context["now"] is None and context["next_update_at"] is None
    assert set(context["details"]) == set(DETAILS)
    assert all(value is None for value in context["details"].values())
    assert [c["name"] for c in context["exit_criteria"]] == list(EXIT_CRITERIA)
    assert context["labels"]["handoff"]["acknowledged"] == "handoff::acknowledged"


def test_a_live_incident_fills_what_the_bot_knows() -> None:
    context = live(labels=("incident", "incident::active", "severity::2", "region::EMEA"))
    incident = context["incident"]
    assert incident["number"] == 42
    assert incident["title"] == "CI jobs stuck in pending"
    assert incident["url"].endswith("/issues/42")
    assert (incident["severity"], incident["region"], incident["state"]) == (
        "SEV2",
        "EMEA",
        "active",
    )
    assert incident["status"] == "In Progress"
    assert incident["detected_at"] == datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert incident["roles"]["cmoc"] == "alice"
    assert incident["roles"]["cross_functional"]["infrastructure"] == "dave"
    assert incident["cmoc_triggers"] == [
        "Multiple customers affected",
        "Bulk communications needed",
    ]
    assert context["now"] == NOW
    assert context["cadence_minutes"] == 60
    assert context["next_update_at"] == NOW + timedelta(minutes=60)
    assert context["update_number"] == 1


def test_labels_win_over_the_front_matter() -> None:
    context = live(labels=("severity::1", "region::APAC"))
    assert context["incident"]["severity"] == "SEV1"
    assert context["incident"]["region"] == "APAC"
    assert context["next_update_at"] == NOW + timedelta(minutes=30)


def test_with_two_labels_of_a_kind_the_newest_wins() -> None:
    context = live(
        labels=("severity::1", "severity::3"),
        label_events=(
            label_event("severity::3", at=T0, event_id=1),
            label_event("severity::1", at=T0 + timedelta(minutes=5), event_id=2),
        ),
    )
    assert context["incident"]["severity"] == "SEV1"


def test_the_update_number_counts_the_bots_status_updates() -> None:
    notes = (
        bot_note("initial-status-update", 1, at=T0),
        bot_note("status-update", "request-1", at=T0 + timedelta(minutes=30)),
        bot_note("status-update", "request-2", at=T0 + timedelta(minutes=60)),
        bot_note("status-update", "request-3", at=T0, author="mallory"),
    )
    context = live(notes=notes)
    assert context["update_number"] == 3
    assert context["last_update_at"] == T0 + timedelta(minutes=60)


def test_resolution_time_comes_from_the_resolved_label() -> None:
    at = T0 + timedelta(minutes=90)
    context = live(
        labels=("incident::resolved",), label_events=(label_event("incident::resolved", at=at),)
    )
    assert context["incident"]["status"] == "Resolved"
    assert context["incident"]["resolved_at"] == at


def test_exit_criteria_are_read_from_the_description() -> None:
    description = example("ci-runners-degraded.md").replace(
        "- [ ] Support queue normalized", "- [x] Support queue normalized"
    )
    context = live(description=description)
    done = {c["name"]: c["done"] for c in context["exit_criteria"]}
    assert done["Support queue normalized"] is True
    assert done["Customer communications stable"] is False


def test_extra_completes_a_mapping_and_rejects_unknown_keys() -> None:
    context = live(extra={"handoff": {"to_region": "APAC"}, "update_number": 7})
    assert context["handoff"] == {
        "from_region": None,
        "to_region": "APAC",
        "requested_at": None,
        "acknowledged_by": None,
        "acknowledged_at": None,
    }
    assert context["update_number"] == 7
    with pytest.raises(ValueError, match="handoff"):
        live(extra={"handof": {}})


def test_an_invalid_front_matter_still_gives_a_context() -> None:
    context = live(description=example("broken-incident.md"))
    assert context["incident"]["number"] == 42
    assert context["incident"]["summary"] is None


def test_data_in_the_front_matters_shape_at_the_top_level() -> None:
    context = context_from_data(
        {
            "severity": "SEV1",
            "detected_at": "2026-12-03 14:05 UTC",
            "roles": {"cmoc": "@alice", "cross_functional": {"sirt": "@sam"}},
            "security_incident": True,
            "cmoc_triggers": {
                "multiple_customers_affected": True,
                "bulk_communications_needed": False,
            },
            "now": "2026-12-03 15:00 UTC",
        }
    )
    incident = context["incident"]
    assert incident["severity"] == "SEV1"
    assert incident["roles"]["cmoc"] == "alice"
    assert incident["roles"]["cross_functional"] == {"sirt": "sam"}
    assert incident["security"] is True
    assert incident["cmoc_triggers"] == ["Multiple customers affected"]
    assert context["cadence_minutes"] == 30
    assert context["next_update_at"] == datetime(2026, 12, 3, 15, 30, tzinfo=UTC)


def test_data_in_the_contexts_shape_under_incident() -> None:
    context = context_from_data(
        {
            "incident": {"number": 7, "title": "t", "roles": {"smoc": "bob"}},
            "details": {"workaround": "Retry"},
        }
    )
    assert context["incident"]["number"] == 7
    assert context["incident"]["roles"] == {
        "cmoc": None,
        "smoc": "bob",
        "imoc": None,
        "cross_functional": {},
    }
    assert context["details"]["workaround"] == ["Retry"]


def test_data_can_complete_a_live_context() -> None:
    base = live()
    context = context_from_data({"details": {"ticket_volume": 12}}, base=base)
    assert context["details"]["ticket_volume"] == 12
    assert context["incident"]["number"] == 42


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"detials": {}}, "did you mean `details`"),
        ({"details": {"ticket_volumes": 1}}, "did you mean `ticket_volume`"),
        ({"incident": {"severty": "SEV1"}}, "did you mean `severity`"),
        ({"detected_at": "yesterday"}, "must be a UTC time"),
        ({"roles": {"boss": "x"}}, "not a known role"),
        (["a list"], "set of `key: value`"),
    ],
)
def test_data_mistakes_are_named(data: object, message: str) -> None:
    with pytest.raises(UserError, match=message):
        context_from_data(data)
