"""`decide` on tables of snapshots: no mocks, no network, a fixed clock."""

from __future__ import annotations

import pytest

from automation.actions import PostNote
from automation.decide import decide
from tests.conftest import T0, bot_note, example, label_event, snapshot

FILED = example("ci-runners-degraded.md")
SECURITY = example("security-incident.md")
BROKEN = example("broken-incident.md")
PLAIN = FILED.replace("multiple_customers_affected: true", "multiple_customers_affected: false")
PLAIN = PLAIN.replace("bulk_communications_needed: true", "bulk_communications_needed: false")
PLAIN = PLAIN.replace("sla_risk: true", "sla_risk: false")
LABELLED = ("incident", "incident::triage", "severity::2", "region::EMEA")
INTAKE_DONE = (bot_note("initial-status-update", 1),)


def summary(plan) -> list[str]:
    lines = []
    for action in plan.actions:
        name = type(action).__name__
        if hasattr(action, "labels") and name in ("AddLabels", "RemoveLabels"):
            lines.append(f"{name} {','.join(action.labels)}")
        elif name == "Assign":
            lines.append(f"Assign {','.join(action.usernames)}")
        elif name in ("PostNote", "CreateIssue"):
            lines.append(f"{name} {action.kind}:{action.key}")
        else:
            lines.append(name)
    return lines


CASES = [
    (
        "a new incident is labelled, assigned and gets its initial update",
        snapshot(PLAIN),
        [
            "AddLabels incident,incident::triage,severity::2,region::EMEA",
            "Assign alice,bob,carol",
            "PostNote initial-status-update:1",
            "PostNote roles:1",
        ],
    ),
    ("the second run changes nothing", snapshot(PLAIN, labels=LABELLED, notes=INTAKE_DONE), []),
    (
        "labels people already set are kept",
        snapshot(PLAIN, labels=("incident::active", "severity::1"), notes=INTAKE_DONE),
        [
            "AddLabels incident,region::EMEA",
            # After intake, a person moved it to active and SEV1: both are recorded.
            "PostNote lifecycle:1",
            "PostNote severity-change:1",
            "AddLabels smoc::engaged",
            "Assign bob",
            "PostNote support-resource-allocation:1",
        ],
    ),
    (
        "CMOC and SMOC triggers engage both roles once",
        snapshot(FILED, labels=LABELLED, notes=INTAKE_DONE),
        [
            "AddLabels cmoc::engaged",
            "Assign alice",
            "PostNote cmoc-activation:1",
            "AddLabels smoc::engaged",
            "Assign bob",
            "PostNote support-resource-allocation:1",
        ],
    ),
    (
        "roles engaged at filing are assigned by intake, once",
        snapshot(FILED),
        [
            "AddLabels incident,incident::triage,severity::2,region::EMEA",
            "Assign alice,bob,carol",
            "PostNote initial-status-update:1",
            "PostNote roles:1",
            "AddLabels cmoc::engaged",
            "PostNote cmoc-activation:1",
            "AddLabels smoc::engaged",
            "PostNote support-resource-allocation:1",
        ],
    ),
    (
        "engaged roles are not engaged again",
        snapshot(
            FILED,
            labels=(*LABELLED, "cmoc::engaged", "smoc::engaged"),
            notes=(
                *INTAKE_DONE,
                bot_note("cmoc-activation", 1),
                bot_note("support-resource-allocation", 1),
            ),
        ),
        [],
    ),
    (
        "a person applying the CMOC label engages the CMOC",
        snapshot(
            PLAIN,
            labels=(*LABELLED, "cmoc::engaged"),
            notes=INTAKE_DONE,
            label_events=(label_event("cmoc::engaged", user="carol"),),
        ),
        ["Assign alice", "PostNote cmoc-activation:1"],
    ),
    (
        "a released role is not re-engaged by triggers left in the front-matter",
        snapshot(
            FILED,
            labels=LABELLED,
            notes=(
                *INTAKE_DONE,
                bot_note("cmoc-activation", 1),
                bot_note("role-released", "cmoc-1"),
                bot_note("support-resource-allocation", 1),
                bot_note("role-released", "smoc-1"),
            ),
        ),
        [],
    ),
    (
        "a marker forged by a person does not count",
        snapshot(
            PLAIN, labels=LABELLED, notes=(bot_note("initial-status-update", 1, author="mallory"),)
        ),
        ["Assign alice,bob,carol", "PostNote initial-status-update:1", "PostNote roles:1"],
    ),
    (
        "a security incident is made confidential first and SIRT engaged",
        snapshot(SECURITY),
        [
            "SetConfidential",
            "AddLabels security",
            "AddLabels incident,incident::triage,severity::1,region::APAC",
            "Assign alice,bob,carol",
            "PostNote initial-status-update:1",
            "PostNote roles:1",
            "AddLabels cmoc::engaged",
            "PostNote cmoc-activation:1",
            "AddLabels smoc::engaged",
            "PostNote support-resource-allocation:1",
            "AddLabels sirt::engaged",
            "PostNote role-engaged:sirt-1",
        ],
    ),
    ("an issue without front-matter is left alone", snapshot("Printer on fire."), []),
    (
        "invalid front-matter gets the needs-info label and one comment",
        snapshot(BROKEN),
        ["AddLabels incident-bot::needs-info", "PostNote validation-error:*"],
    ),
    (
        "a fixed description clears needs-info and carries on",
        snapshot(PLAIN, labels=("incident-bot::needs-info",)),
        [
            "RemoveLabels incident-bot::needs-info",
            "AddLabels incident,incident::triage,severity::2,region::EMEA",
            "Assign alice,bob,carol",
            "PostNote initial-status-update:1",
            "PostNote roles:1",
        ],
    ),
    (
        "an incident label without a block asks for the block",
        snapshot("Someone removed the block.", labels=("incident",)),
        ["AddLabels incident-bot::needs-info", "PostNote validation-error:*"],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_decide(config, name, snap, expected) -> None:
    got = summary(decide(snap, config, T0))
    assert len(got) == len(expected), got
    for line, wanted in zip(got, expected, strict=True):
        assert line.startswith(wanted[:-1]) if wanted.endswith("*") else line == wanted, got


def test_the_same_errors_are_reported_once(config) -> None:
    first = decide(snapshot(BROKEN), config, T0)
    (note,) = first.of_type(PostNote)
    again = snapshot(
        BROKEN, labels=("incident-bot::needs-info",), notes=(bot_note(note.kind, note.key),)
    )
    assert not decide(again, config, T0)


def test_the_validation_comment_names_field_line_and_expectation(config) -> None:
    (note,) = decide(snapshot(BROKEN), config, T0).of_type(PostNote)
    assert "severity" in note.body and "SEV1, SEV2, SEV3" in note.body
    assert "line 2" in note.body.lower() or "| 2 |" in note.body


def test_the_initial_update_is_internal_and_filled(config) -> None:
    plan = decide(snapshot(PLAIN), config, T0)
    note, roles = plan.of_type(PostNote)
    assert note.internal
    assert "## Incident #42 - CI jobs stuck in pending" in note.body
    assert "**Severity:** SEV2" in note.body
    assert "2026-12-03 14:05 UTC" in note.body
    assert "None" not in note.body
    # The free tier keeps one assignee: the other role holders are named, and so notified.
    assert roles.internal and roles.kind == "roles"
    assert all(f"@{name}" in roles.body for name in ("alice", "bob", "carol", "dave", "erin"))


def test_on_premium_every_role_holder_is_assigned_and_no_roster_is_needed(config) -> None:
    from dataclasses import replace

    kinds = [
        note.kind
        for note in decide(snapshot(PLAIN), replace(config, tier="premium"), T0).of_type(PostNote)
    ]
    assert kinds == ["initial-status-update"]


def test_decide_is_pure(config) -> None:
    snap = snapshot(FILED)
    assert decide(snap, config, T0).to_json() == decide(snap, config, T0).to_json()
