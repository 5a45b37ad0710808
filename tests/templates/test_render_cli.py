"""`incident-bot render`: list, placeholders, data files, live incidents, Slack, mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.render import SEED_TEMPLATES
from tests.conftest import example, snapshot
from tests.templates.conftest import GOLDEN, RICH


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["render", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_the_ten_seed_templates_and_the_bots_notes() -> None:
    code, out, _ = run("--list")
    assert code == 0
    lines = out.splitlines()
    names = [line.split()[0] for line in lines]
    assert names[:10] == list(SEED_TEMPLATES)
    assert {"validation-error", "overdue-reminder", "exit-criteria", "action-items"} <= set(names)
    first = lines[0].split(None, 1)
    assert first == [
        "initial-status-update",
        "First CMOC status update, posted as a draft when an incident is filed",
    ]


def test_a_template_with_every_field_as_its_placeholder() -> None:
    code, out, _ = run("Initial Status Update")
    assert code == 0
    assert out.startswith("## Incident #_[to fill: number]_ - _[to fill: title]_\n")
    assert "**Severity:** _[to fill: SEV1/SEV2/SEV3]_" in out


def test_a_template_filled_from_a_data_file() -> None:
    code, out, _ = run("regular-status-update", "--data", str(RICH))
    assert code == 0
    assert out == (GOLDEN / "regular-status-update.md").read_text(encoding="utf-8")


def test_slack_format() -> None:
    code, out, _ = run("executive-update", "--data", str(RICH), "--format", "slack")
    assert code == 0
    assert out == (GOLDEN / "slack" / "executive-update.txt").read_text(encoding="utf-8")


def test_the_clock_can_be_set() -> None:
    code, out, _ = run("regular-status-update", "--now", "2026-12-03 09:00 UTC")
    assert code == 0
    assert "**Last Updated:** 2026-12-03 09:00 UTC" in out


def test_an_unknown_name_suggests_close_matches() -> None:
    code, out, err = run("executive-updte")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "executive-update" in err


def test_no_name_is_a_usage_error() -> None:
    code, _, err = run()
    assert code == 2
    assert "--list" in err


def test_a_template_mistake_names_the_file_and_line(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "executive-update.md.j2").write_text("ok\n{% if %}\n", encoding="utf-8")
    code, _, err = run("executive-update", "--templates", str(team))
    assert code == 1
    assert "executive-update.md.j2, line 2:" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_data_file_mistake_names_the_file_and_field(tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text("details:\n  ticket_volumes: 3\n", encoding="utf-8")
    code, _, err = run("regular-status-update", "--data", str(data))
    assert code == 1
    assert str(data) in err and "ticket_volume" in err


def test_a_data_file_that_is_not_yaml(tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text("details: [\n", encoding="utf-8")
    code, _, err = run("regular-status-update", "--data", str(data))
    assert code == 1
    assert "not valid YAML" in err


def test_a_live_incident(monkeypatch: pytest.MonkeyPatch) -> None:
    import automation.gitlab_adapter as adapter

    issue = snapshot(example("ci-runners-degraded.md"), labels=("incident", "severity::1"))
    seen = {}

    def read_snapshot(gl, project, iid, config):
        seen.update(project=project, iid=iid)
        return issue

    monkeypatch.setattr(adapter, "connect", lambda *a, **k: object())
    monkeypatch.setattr(adapter, "read_snapshot", read_snapshot)
    code, out, _ = run(
        "initial-status-update", "--project", "7", "--issue", "42", "--now", "2026-12-03 15:00 UTC"
    )
    assert code == 0, out
    assert seen == {"project": 7, "iid": 42}
    assert out.startswith(
        "## Incident #42 - CI jobs stuck in pending\n**Status:** In Progress\n**Severity:** SEV1\n"
    )
    assert "Next status update expected by 2026-12-03 15:30 UTC" in out


def test_a_data_file_error_names_the_file_once(tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text("details: [\n", encoding="utf-8")
    _, _, err = run("regular-status-update", "--data", str(data))
    assert err.count(str(data)) == 1


def test_a_missing_data_file_is_a_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "missing.yaml"
    code, _, err = run("regular-status-update", "--data", str(data))
    assert code == 2
    assert err == f"error: {data}: cannot read (No such file or directory)\n"
