"""`incident-bot scan` on the command line: its lines, its JSON and its exit code."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from automation.cli import main
from tests.conftest import example
from tests.scan.fake_gitlab import PROJECT_PATH, URL
from tests.scan.support import description


@pytest.fixture
def invoke(fake, monkeypatch):
    monkeypatch.setenv("GITLAB_URL", URL)
    monkeypatch.setenv("GITLAB_TOKEN", "secret-token")
    monkeypatch.delenv("CI_PROJECT_PATH", raising=False)
    monkeypatch.delenv("CI_PROJECT_ID", raising=False)

    def run(*args: str):
        return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)

    return run


def test_one_line_per_incident_acted_on_and_a_summary(invoke, fake) -> None:
    fake.file(1, description())
    fake.file(2, "Not an incident: the printer is on fire.")
    now = "--now=2026-12-03 14:05 UTC"
    result = invoke("--project", PROJECT_PATH, now)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("#1 Incident 1: ") and "initial-status-update:1" in lines[0]
    assert lines[-1].startswith(f"scan of {PROJECT_PATH} at 2026-12-03 14:05 UTC: 1 incident(s)")
    again = invoke("--project", PROJECT_PATH, now)
    assert again.output.strip().splitlines() == [again.output.strip().splitlines()[-1]]
    assert "acted on 0" in again.output and "0 write(s)" in again.output


def test_the_exit_code_says_whether_every_incident_was_handled(invoke, fake) -> None:
    fake.file(1, description())
    fake.file(2, example("broken-incident.md"), labels=["incident"])
    result = invoke("--project", PROJECT_PATH, "--json", "--now=2026-12-03 14:05 UTC")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["summary"]["acted"] == 1 and report["summary"]["needs-info"] == 1
    assert {item["issue"]: item["status"] for item in report["incidents"]} == {
        1: "acted",
        2: "needs-info",
    }


def test_a_dry_run_changes_nothing(invoke, fake) -> None:
    fake.file(1, description())
    result = invoke("--project", PROJECT_PATH, "--dry-run", "--now=2026-12-03 14:05 UTC")
    assert result.exit_code == 0
    assert "would add labels incident" in result.output
    assert not fake.bot_notes() and fake.issues[1].labels == []


def test_no_project_is_a_usage_error(invoke) -> None:
    result = invoke()
    assert result.exit_code == 2 and "no project" in result.output
