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


def test_a_triggered_pipeline_handles_its_payload_one_job_at_a_time():
    job = CI["incident:event"]
    assert any('$CI_PIPELINE_SOURCE == "trigger"' in rule for rule in rule_ifs("incident:event"))
    assert job["script"] == ['incident-bot handle-event --payload-file "$TRIGGER_PAYLOAD"']
    assert job["resource_group"] == CI["incident:scan"]["resource_group"]


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
