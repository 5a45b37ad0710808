"""Every shipped drill scenario plays through `serve` against the sandbox and meets its
expectations; a broken scenario file is refused with one line naming the file and the step."""

from __future__ import annotations

import pytest

from automation import drill
from automation.config import default_config
from automation.drill_scenario import ScenarioError, load, parse

SHIPPED = drill.shipped()


def test_three_scenarios_ship_inside_the_package() -> None:
    names = {path.stem for path in SHIPPED}
    assert {"full-incident", "security-incident", "quick-sev3"} <= names
    assert all(path.is_relative_to(drill.SCENARIOS) for path in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_a_shipped_scenario_meets_every_expectation(path) -> None:
    result = drill.run(load(path), default_config())
    failures = [
        f"step {step.number} ({step.at:%H:%M}): {check.line()}"
        for step, check in result.transcript.failures()
    ]
    assert not failures, "\n".join(failures)
    assert result.transcript.checked >= 30
    # Every step shows what happened: the person's action or the scan, and the bot's answer.
    assert all(scene.entries for scene in result.transcript.scenes)


def test_the_full_incident_follows_the_seed_sequence() -> None:
    scenario = load(drill.find(None))
    actions = [step.action for step in scenario.steps]
    assert actions[0] == "file" and actions[-2:] == ["close", "scan"]
    for needed in ("label", "comment", "tick", "edit", "scan", "close"):
        assert needed in actions
    posted = {kind for step in scenario.steps for kind in step.expect.posts}
    assert {
        "cmoc-activation",
        "severity-change",
        "overdue-reminder",
        "handoff",
        "handoff-acknowledged",
        "resolution-update",
        "role-released",
        "action-items",
    } <= posted


def test_an_expectation_that_is_not_met_is_reported_with_its_step() -> None:
    scenario = parse(
        """
        name: Wrong on purpose
        start: 2026-12-03 14:05 UTC
        steps:
          - as: alice
            file:
              title: A quiet incident
              front_matter:
                severity: SEV3
                summary: Nothing much.
                affected_services: [Docs]
                impact_type: degraded performance
                region: EMEA
                roles: {cmoc: "@alice"}
            expect:
              posts: [cmoc-activation]
              labels: [severity::1]
          - at: +5m
            as: bob
            label: incident::active
        """,
        source="wrong.yml",
    )
    failures = drill.run(scenario, default_config()).transcript.failures()
    assert [(step.number, check.expected) for step, check in failures] == [
        (1, "label ~severity::1 on the issue"),
        (1, "the bot posts cmoc-activation"),
    ]
    assert "it posted initial-status-update:1" in failures[1][1].line()


def test_a_step_that_cannot_be_done_is_a_failure_not_a_crash() -> None:
    scenario = parse(
        """
        start: 2026-12-03 14:05 UTC
        steps:
          - as: alice
            file:
              title: Incident
              front_matter: {severity: SEV3, summary: x, affected_services: [Docs],
                             impact_type: degraded performance, region: EMEA, roles: {}}
          - as: alice
            tick: [a criterion nobody wrote]
        """,
        source="tick.yml",
    )
    failures = drill.run(scenario, default_config()).transcript.failures()
    assert len(failures) == 1
    step, check = failures[0]
    assert step.number == 2
    assert "no unticked exit criterion reads 'a criterion nobody wrote'" in check.line()


BROKEN = [
    ("steps: [", "broken.yml: line 1: not valid YAML"),
    ("name: x\nsteps: []\nstart: 2026-12-03 14:05 UTC", "broken.yml: `steps` must be a non-empty"),
    ("steps: [{as: alice, label: x}]", "broken.yml: `start` is missing"),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, label: x}",
        "broken.yml: step 1: the incident is not filed yet",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: zoe, file: {title: t}}",
        "broken.yml: step 1: `as: zoe` is not a drill participant (alice, bob, carol, dave, erin)",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {at: +1x, as: bob, label: x}",
        "broken.yml: step 2: `at: +1x` is not an offset such as +15m",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {at: +1h, as: alice, file: {title: t}}\n"
        "  - {at: +5m, as: bob, close: true}",
        "broken.yml: step 2: `at` is 2026-12-03 14:10 UTC, before the step above",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {as: bob, label: x, close: true}",
        "broken.yml: step 2: one action per step, found label, close",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {as: bob, scan: true}",
        "broken.yml: step 2: `scan` runs as the bot; drop `as`",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {as: bob, label: x, expect: {labels: [x], post: [y]}}",
        "broken.yml: step 2: unknown key `post` in `expect`",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {as: bob, close: true, expect: {action_items: many}}",
        "broken.yml: step 2: `expect.action_items` is a number",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {as: bob, file: {title: again}}",
        "broken.yml: step 2: `file` again: a scenario plays one incident",
    ),
    (
        "start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, file: {title: t}}\n"
        "  - {as: bob, edit: {section: Follow-up Actions}}",
        "broken.yml: step 2: `edit.section` and `edit.add` go together",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_scenario_is_one_line_naming_file_and_step(text, message) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse(text, source="broken.yml")
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
    assert raised.value.exit_code == 2
