"""`incident-bot plan --from-file examples/<x>.yml`: each transition's actions, offline."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.resources import examples_dir

EXPECTED = {
    "severity-escalation.yml": [
        "RemoveLabels severity::2",
        "PostNote severity-change:1",
        "AddLabels smoc::engaged",
        "PostNote support-resource-allocation:1",
    ],
    "comms-request.yml": [
        "PostNote status-update:request-4",
        "RemoveLabels comms::status-update",
        "PostNote executive-update:request-5",
        "RemoveLabels comms::executive-update",
    ],
    "region-handoff.yml": [
        "RemoveLabels region::EMEA",
        "AddLabels handoff::pending",
        "PostNote handoff:1",
        "PostNote handoff-ack-request:1",
    ],
    "handoff-acknowledged.yml": [
        "PostNote handoff-acknowledged:1",
        "RemoveLabels handoff::pending",
    ],
    "resolution.yml": [
        "RemoveLabels incident::monitoring",
        "PostNote lifecycle:3",
        "PostNote resolution-update:1",
        "PostNote exit-criteria:1",
        "PostNote post-incident-support-summary:1",
    ],
    "closed-open-criteria.yml": ["PostNote lifecycle:2", "PostNote closed-with-open-criteria:1"],
    "closed-follow-ups.yml": [
        "PostNote lifecycle:2",
        "RemoveLabels cmoc::engaged",
        "PostNote role-released:cmoc-1",
        "RemoveLabels smoc::engaged",
        "PostNote role-released:smoc-1",
        "CreateIssue Add a runner queue-depth alert to the support dashboard",
        'CreateIssue Write a macro for "pipelines pending" tickets',
        "CreateIssue Document the runner autoscaling limits in the support runbook",
        "CreateIssue Raise the shared-runner queue alert threshold",
        "PostNote action-items:",
    ],
    "security-closed.yml": [
        "PostNote lifecycle:2",
        "PostNote closed-with-open-criteria:1",
        "CreateIssue Review export permission checks with SIRT (confidential)",
        "PostNote action-items:",
    ],
}


def plan_of(name: str) -> dict:
    path = examples_dir() / name
    now = re.search(r'--now "([^"]+)"', path.read_text(encoding="utf-8")).group(1)
    result = CliRunner().invoke(main, ["plan", "--from-file", str(path), "--now", now, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def line(action: dict) -> str:
    kind = action["type"]
    if kind in ("AddLabels", "RemoveLabels"):
        return f"{kind} {','.join(action['labels'])}"
    if kind == "PostNote":
        return f"PostNote {action['kind']}:{action['key']}"
    if kind == "CreateIssue":
        return f"CreateIssue {action['title']}" + (
            " (confidential)" if action["confidential"] else ""
        )
    return kind


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_transition_plans_its_actions_in_order(name: str) -> None:
    got = [line(action) for action in plan_of(name)["actions"]]
    wanted = EXPECTED[name]
    # In this order, possibly with other rules' actions in between (a reminder, an assignee).
    position = 0
    for expected in wanted:
        matches = [i for i in range(position, len(got)) if got[i].startswith(expected)]
        assert matches, f"{expected!r} missing (after position {position}) in {got}"
        position = matches[0] + 1


def test_the_examples_ship_with_the_package() -> None:
    assert set(EXPECTED) <= {path.name for path in examples_dir().glob("*.yml")}


def test_the_text_plan_shows_the_drafts() -> None:
    path = examples_dir() / "region-handoff.yml"
    result = CliRunner().invoke(
        main, ["plan", "--from-file", str(path), "--now", "2026-12-03 16:30 UTC"]
    )
    assert "post internal note handoff:1" in result.output
    assert "| ## Incident #42 - CI jobs stuck in pending - HANDOFF" in result.output


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("description: x\nlabels: 5\n", "not in the expected shape"),
        ("description: x\nlabel_events: [{user: alice}]\n", "missing 'label'"),
        ("description: x\nlabels: [\n", "not valid YAML"),
    ],
)
def test_a_broken_snapshot_file_is_one_line_naming_the_file(tmp_path, text, words) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "--from-file", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: ") and words in result.stderr
    assert result.stderr.count("\n") == 1
