"""The GitLab CI entry points: `.gitlab-ci.yml` and `.ci/run`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

CI = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))


def check_jsonschema() -> str:
    found = Path(sys.executable).with_name("check-jsonschema")
    return str(found) if found.exists() else shutil.which("check-jsonschema") or ""


@pytest.mark.skipif(not check_jsonschema(), reason="check-jsonschema is not installed")
def test_the_pipeline_validates_against_gitlabs_schema():
    done = subprocess.run(
        [check_jsonschema(), "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def rule_ifs(job: str) -> list[str]:
    return [rule.get("if", "") for rule in CI[job]["rules"]]


def test_the_tests_run_the_readme_command_and_the_linters():
    script = CI["test"]["script"]
    assert script[0] == "pip install '.[test]'"
    assert {"pytest", "ruff check .", "ruff format --check ."} <= set(script)
    assert CI["test"]["rules"][0]["when"] == "never"  # not on every webhook delivery


def test_a_triggered_pipeline_routes_its_payload_to_a_child_pipeline():
    route, event = CI["incident:route"], CI["incident:event"]
    for job in ("incident:route", "incident:event"):
        assert rule_ifs(job) == ['$CI_PIPELINE_SOURCE == "trigger"']
    assert route["script"] == [
        'incident-bot handle-event --payload-file "$TRIGGER_PAYLOAD" '
        "--child-pipeline child-pipeline.yml"
    ]
    assert set(route["artifacts"]["paths"]) == {"child-pipeline.yml", "payload.json"}
    assert event["trigger"]["include"] == [
        {"artifact": "child-pipeline.yml", "job": "incident:route"}
    ]
    assert event["variables"]["PARENT_PIPELINE_ID"] == "$CI_PIPELINE_ID"


def _child(tmp_path: Path, fixture: str) -> tuple[subprocess.CompletedProcess, Path]:
    target = tmp_path / "child-pipeline.yml"
    payload = ROOT / "tests" / "fixtures" / "webhooks" / f"{fixture}.json"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from automation.cli import main; main()",
            "handle-event",
            "--payload-file",
            str(payload),
            "--child-pipeline",
            str(target),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done, target


def test_each_incident_gets_a_child_pipeline_in_its_own_resource_group(tmp_path):
    done, target = _child(tmp_path, "issue_open")
    assert done.returncode == 0, done.stderr
    child = yaml.safe_load(target.read_text(encoding="utf-8"))
    (job,) = child.values()
    payload = yaml.safe_load((ROOT / "tests/fixtures/webhooks/issue_open.json").read_text())
    project, iid = payload["project"]["id"], payload["object_attributes"]["iid"]
    assert job["resource_group"] == f"incident-{project}-{iid}"
    assert job["script"][-1] == 'incident-bot handle-event --payload-file "$PAYLOAD_FILE"'
    assert job["needs"] == [{"pipeline": "$PARENT_PIPELINE_ID", "job": "incident:route"}]
    assert (tmp_path / "payload.json").read_bytes() == (
        ROOT / "tests/fixtures/webhooks/issue_open.json"
    ).read_bytes()
    if check_jsonschema():
        checked = subprocess.run(
            [check_jsonschema(), "--builtin-schema", "vendor.gitlab-ci", str(target)],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_event_not_about_an_incident_gets_a_child_pipeline_that_says_so(tmp_path):
    done, target = _child(tmp_path, "issue_not_incident")
    assert done.returncode == 0 and done.stdout.startswith("ignored:")
    child = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert list(child) == ["incident:ignored"]
    assert "resource_group" not in child["incident:ignored"]


def test_the_schedule_scans_and_a_person_can_dry_run_it():
    assert rule_ifs("incident:scan") == ['$CI_PIPELINE_SOURCE == "schedule"']
    assert CI["incident:scan"]["script"] == ["incident-bot scan"]
    dry_run = CI["incident:scan:dry-run"]
    assert dry_run["script"] == ["incident-bot scan --dry-run"]
    assert any(rule.get("when") == "manual" for rule in dry_run["rules"])


def test_ci_run_is_strict_bash():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    for step in (
        'bash -c "$test_command"',
        "ruff check .",
        "ruff format --check .",
        "vendor.gitlab-ci",
        'bash -c "$main_command',
    ):
        assert step in text
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


def test_ci_run_runs_the_readmes_two_commands_as_written():
    """.ci/run takes the README's first two `python3 -m venv` lines: main job, then tests."""
    lines = [
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("python3 -m venv ")
    ][:2]
    assert lines[0].endswith("incident-bot drill")
    assert lines[1].endswith("pytest") and "'.[test]'" in lines[1]
