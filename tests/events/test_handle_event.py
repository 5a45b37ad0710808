"""`incident-bot handle-event`: the pipeline-trigger job."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from automation.cli import main
from tests.events.conftest import payload


@pytest.fixture
def write_payload(tmp_path):
    """Write a fixture payload by name, or any `text=`, where TRIGGER_PAYLOAD would point."""

    def write(name: str | None = None, *, text: str | None = None) -> str:
        path = tmp_path / "TRIGGER_PAYLOAD"
        path.write_text(json.dumps(payload(name)) if name else text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def fake_gitlab(monkeypatch):
    """Stand in for connect() and reconcile(), recording what reconcile was asked."""
    calls = []
    outcome = SimpleNamespace(ok=True, message="")

    def reconcile(gl, project_id, iid, config, *, dry_run=False, now=None):
        calls.append((gl, project_id, iid, dry_run))
        return SimpleNamespace(
            plan="add labels incident::triage", ok=outcome.ok, message=outcome.message, done=[]
        )

    monkeypatch.setattr("automation.gitlab_adapter.connect", lambda *a, **k: "gl")
    monkeypatch.setattr("automation.reconcile.reconcile", reconcile)
    return SimpleNamespace(calls=calls, outcome=outcome)


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["handle-event", *args], env=env)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("issue_not_incident", "not an incident"),
        ("note_by_bot", "the bot's own account"),
        ("push", "push events are not handled"),
    ],
)
def test_a_payload_not_for_the_bot_exits_0_with_one_line(write_payload, fake_gitlab, name, why):
    result = run("--payload-file", write_payload(name), "--dry-run")
    assert result.exit_code == 0
    assert result.output.count("\n") == 1 and why in result.output
    assert result.output.startswith("ignored: ")
    assert fake_gitlab.calls == []


def test_an_incident_payload_is_reconciled(write_payload, fake_gitlab):
    result = run("--payload-file", write_payload("note_on_confidential_issue"))
    assert result.exit_code == 0, result.output
    assert fake_gitlab.calls == [("gl", 7, 43, False)]
    assert "project 7 issue #43" in result.output
    assert "add labels incident::triage" in result.output


def test_dry_run_is_passed_on(write_payload, fake_gitlab):
    assert run("--payload-file", write_payload("issue_open"), "--dry-run").exit_code == 0
    assert fake_gitlab.calls == [("gl", 7, 42, True)]


def test_the_payload_file_defaults_to_trigger_payload(write_payload, fake_gitlab):
    result = run("--dry-run", env={"TRIGGER_PAYLOAD": write_payload("issue_open")})
    assert result.exit_code == 0, result.output
    assert fake_gitlab.calls[0][2] == 42


def test_a_failed_reconcile_exits_1(write_payload, fake_gitlab):
    fake_gitlab.outcome.ok, fake_gitlab.outcome.message = False, "GitLab answered 500"
    result = run("--payload-file", write_payload("issue_open"))
    assert result.exit_code == 1
    assert "GitLab answered 500" in result.stderr


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2]"])
def test_a_payload_that_is_not_a_json_object_exits_2_with_one_line(write_payload, text):
    result = run("--payload-file", write_payload(text=text))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "TRIGGER_PAYLOAD" in result.stderr


def test_a_missing_payload_file_exits_2(tmp_path):
    result = run("--payload-file", str(tmp_path / "absent.json"))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_an_empty_payload_path_exits_2_with_one_line():
    result = run("--payload-file", "")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "TRIGGER_PAYLOAD" in result.stderr


def test_without_a_payload_file_the_usage_says_so():
    result = run(env={"TRIGGER_PAYLOAD": None})
    assert result.exit_code == 2
    assert "--payload-file" in result.output


def test_an_ignored_payload_imports_nothing_heavy(write_payload):
    """The trigger job starts a fresh process per delivery: most are ignored, so cheaply."""
    script = (
        "import sys\n"
        "from automation.cli import main\n"
        "try:\n"
        "    main(['handle-event', '--dry-run', '--payload-file', sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'gitlab', 'requests', 'starlette', 'uvicorn', 'prometheus_client', 'jinja2',\n"
        "         'httpx', 'automation.server', 'automation.reconcile'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, write_payload("issue_not_incident")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "ignored: not an incident: no front-matter and no incident label",
        "[]",
    ]


def test_without_a_payload_file_or_trigger_payload_one_line_names_both():
    result = run(env={"TRIGGER_PAYLOAD": None})
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--payload-file" in result.stderr and "TRIGGER_PAYLOAD" in result.stderr
