"""`incident-bot drill` as people run it: from any directory, with no GitLab and no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from automation.cli import main
from tests.conftest import ROOT


def test_the_default_drill_prints_the_thread_and_writes_the_transcript(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["drill"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert 'drill "Full incident": 22 steps' in out and "all met" in out
    # Who did what, when: the filing, label changes, the bot's notes, people's comments, items.
    for seen in (
        "14:05  Detection",
        'erin         filed #1 "CI jobs stuck in pending on shared runners"',
        "incident-bot added ~incident ~incident::triage ~severity::2",
        "internal note: CMOC ACTIVATION",
        "dave         comment: Runner autoscaling",
        "incident-bot internal note: @alice the status update due at",
        "ticked: Documented final status, Handback to regular support flow",
        'opened action item support/incidents#2 "Add a runner queue-depth alert',
    ):
        assert seen in out
    # The README shows an excerpt of this very output.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(excerpt) >= 10
    assert all(line in out.splitlines() for line in excerpt if line != "[...]")
    markdown = tmp_path / "drill-out" / "transcript.md"
    page = tmp_path / "drill-out" / "transcript.html"
    assert markdown.read_text().startswith("# Drill: Full incident")
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "<style>" in html
    # Standalone: nothing is loaded from elsewhere.
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "@import" not in html and "url(" not in html


def test_quiet_and_out(tmp_path):
    target = tmp_path / "reports"
    result = CliRunner().invoke(main, ["drill", "quick-sev3", "--quiet", "--out", str(target)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith('drill "Quick SEV3": 14 steps') and "all met" in lines[0]
    assert lines[1] == f"transcript: {target / 'transcript.md'}, {target / 'transcript.html'}"
    assert len(lines) == 2


def test_the_teams_configuration_is_used(tmp_path, monkeypatch):
    """From a checkout of the team's repository: its `.gitlab/incident-bot.yml` applies."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitlab").mkdir()
    (tmp_path / ".gitlab" / "incident-bot.yml").write_text(
        "bot_username: our-bot\nlabels:\n  drill: rehearsal\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["drill", "quick-sev3"])
    assert result.exit_code == 0, result.output
    assert 'filed #1 "Pages deployments delayed" with ~rehearsal' in result.output
    # The sandbox's bot account answers, whatever the team's bot is called.
    assert "incident-bot added ~incident" in result.output


def test_list_names_every_shipped_scenario():
    result = CliRunner().invoke(main, ["drill", "--list"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines() if not line.startswith(" ")]
    assert names == ["full-incident", "quick-sev3", "security-incident"]


def test_unmet_expectations_exit_1_and_are_listed(tmp_path):
    scenario = tmp_path / "ours.yml"
    scenario.write_text(
        """
name: Our exercise
start: 2026-12-03 14:05 UTC
steps:
  - as: alice
    file:
      title: A small incident
      front_matter: {severity: SEV3, summary: x, affected_services: [Docs],
                     impact_type: degraded performance, region: EMEA, roles: {cmoc: "@alice"}}
    expect:
      posts: [cmoc-activation]
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["drill", str(scenario), "--quiet", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "1 NOT MET" in result.output
    assert "  not met: step 1 at 14:05: the bot posts cmoc-activation: it posted" in result.output
    assert (tmp_path / "transcript.html").is_file()


def test_an_unreadable_scenario_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("start: 2026-12-03 14:05 UTC\nsteps:\n  - {as: alice, label: x}\n")
    result = CliRunner().invoke(main, ["drill", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {bad}: step 1: the incident is not filed yet: start with a `file` step\n"
    )
    unknown = CliRunner().invoke(main, ["drill", "no-such-scenario"])
    assert unknown.exit_code == 2 and "the shipped ones are full-incident" in unknown.stderr


RUN_MAIN = "from automation.cli import main; main()"


def test_the_installed_command_runs_from_any_directory(tmp_path):
    """The console script in a clean directory, without the checkout on the path."""
    script = Path(sys.executable).with_name("incident-bot")
    command = [str(script)] if script.exists() else [sys.executable, "-c", RUN_MAIN]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.pop("GITLAB_URL", None)
    env.pop("GITLAB_TOKEN", None)
    done = subprocess.run(
        [*command, "drill", "security-incident", "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all met" in done.stdout
    assert (tmp_path / "drill-out" / "transcript.html").is_file()


def test_a_scenario_that_is_not_text_is_one_line_exit_2(tmp_path):
    scenario = tmp_path / "junk.yml"
    scenario.write_bytes(b"\x00\xff\xfe binary")
    result = CliRunner().invoke(main, ["drill", str(scenario)])
    assert result.exit_code == 2
    assert "not a text file" in result.stderr and "Traceback" not in result.output


def test_a_directory_given_as_scenario_says_so(tmp_path):
    folder = tmp_path / "scenario.yml"
    folder.mkdir()
    result = CliRunner().invoke(main, ["drill", str(folder)])
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_an_out_directory_that_cannot_be_made_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "transcripts"
    result = CliRunner().invoke(main, ["drill", "quick-sev3", "--quiet", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"--out {out}: cannot write the transcript" in result.stderr
    assert result.stderr.count("\n") == 1
