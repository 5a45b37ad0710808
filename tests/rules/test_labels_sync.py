"""`incident-bot labels sync`: the whole taxonomy created or updated from the configuration."""

from __future__ import annotations

import json
import re

import pytest
import responses
from click.testing import CliRunner

from automation.cli import main
from automation.labels_sync import plan, taxonomy

API = "http://localhost/api/v4"
HEX = re.compile(r"^#[0-9a-f]{6}$")


@pytest.fixture
def env(monkeypatch) -> None:
    monkeypatch.setenv("GITLAB_URL", "http://localhost")
    monkeypatch.setenv("GITLAB_TOKEN", "token")
    monkeypatch.delenv("CI_PROJECT_ID", raising=False)


def test_every_configured_label_has_a_colour_and_a_description(config) -> None:
    specs = taxonomy(config)
    assert [spec.name for spec in specs] == list(config.labels.all())
    for spec in specs:
        assert HEX.match(spec.color), spec
        assert len(spec.description) > 20, spec
    by_name = {spec.name: spec for spec in specs}
    assert "every 30 minutes" in by_name["severity::1"].description
    assert "removes the label" in by_name["comms::status-update"].description
    # One colour for the comms requests, one per state.
    comms = {by_name[name].color for name in config.labels.comms.values()}
    states = {by_name[name].color for name in config.labels.state.values()}
    assert len(comms) == 1 and len(states) == 4


def test_plan_creates_updates_and_leaves_group_labels(config) -> None:
    specs = taxonomy(config)
    first, second, third = specs[:3]
    existing = [
        {
            "id": 1,
            "name": first.name,
            "color": first.color.upper(),
            "description": first.description,
            "is_project_label": True,
        },
        {
            "id": 2,
            "name": second.name,
            "color": "#000000",
            "description": "",
            "is_project_label": True,
        },
        {
            "id": 3,
            "name": third.name,
            "color": "#000000",
            "description": "",
            "is_project_label": False,
        },
    ]
    actions = [change.action for change in plan(specs, existing)]
    assert actions[:3] == ["unchanged", "update", "group label"]
    assert set(actions[3:]) == {"create"}


def labels_json(config) -> list[dict]:
    specs = taxonomy(config)
    out = [
        {
            "id": n,
            "name": s.name,
            "color": s.color,
            "description": s.description,
            "is_project_label": True,
        }
        for n, s in enumerate(specs, 1)
    ]
    out[0]["color"] = "#ffffff"  # changed by hand
    return out[:-1]  # the last one is missing


@responses.activate
def test_sync_creates_the_missing_and_fixes_the_changed(config, env) -> None:
    responses.get(f"{API}/user", json={"id": 1, "username": "incident-bot"})
    responses.get(f"{API}/projects/7/labels", json=labels_json(config))
    create = responses.post(f"{API}/projects/7/labels", status=201, json={})
    update = responses.put(f"{API}/projects/7/labels/1", json={})
    result = CliRunner().invoke(main, ["labels", "sync", "--project", "7"])
    assert result.exit_code == 0, result.output
    specs = taxonomy(config)
    assert json.loads(create.calls[0].request.body) == {
        "name": specs[-1].name,
        "color": specs[-1].color,
        "description": specs[-1].description,
    }
    assert json.loads(update.calls[0].request.body) == {
        "color": specs[0].color,
        "description": specs[0].description,
    }
    assert f"created     {specs[-1].name}" in result.output
    assert "changed 1 new, 1 updated" in result.output


@responses.activate
def test_a_dry_run_writes_nothing(config, env) -> None:
    responses.get(f"{API}/user", json={"id": 1, "username": "incident-bot"})
    responses.get(f"{API}/projects/7/labels", json=labels_json(config))
    result = CliRunner().invoke(main, ["labels", "sync", "--project", "7", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert all(call.request.method == "GET" for call in responses.calls)
    assert "would create" in result.output and "would change 1 new, 1 updated" in result.output


@responses.activate
def test_errors_are_one_line(config, env) -> None:
    responses.get(f"{API}/user", json={"id": 1, "username": "incident-bot"})
    responses.get(f"{API}/projects/8/labels", status=404, json={"message": "404 Project Not Found"})
    result = CliRunner().invoke(main, ["labels", "sync", "--project", "8"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith(
        "error: GitLab has no project 8"
    )


def test_no_project_is_a_usage_error(env) -> None:
    result = CliRunner().invoke(main, ["labels", "sync"])
    assert result.exit_code == 2 and "--project" in result.output


def test_a_broken_configuration_is_one_line(tmp_path, env) -> None:
    path = tmp_path / "bot.yml"
    path.write_text("labels: [not, a, mapping]\n")
    result = CliRunner().invoke(main, ["labels", "sync", "--project", "7", "--config", str(path)])
    assert result.exit_code == 1 and result.output.startswith("error:")
    assert result.output.count("\n") == 1
