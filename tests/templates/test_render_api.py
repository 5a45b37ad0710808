"""render(): names, team overrides, template mistakes, the sandbox, mentions and formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.context import placeholder_context
from automation.errors import UsageError, UserError
from automation.render import (
    DEFAULT_OVERRIDES,
    TemplateError,
    UnknownTemplate,
    list_templates,
    render,
    resolve,
)


@pytest.mark.parametrize(
    "name",
    [
        "initial-status-update",
        "Initial Status Update",
        "initial status update template",
        "initial-status-update.md.j2",
        "  INITIAL_STATUS_UPDATE ",
    ],
)
def test_a_template_is_found_by_slug_title_or_file_name(name: str) -> None:
    assert resolve(name) == "initial-status-update"


def test_an_unknown_name_lists_close_matches() -> None:
    with pytest.raises(UnknownTemplate) as caught:
        render("inital-status-update", placeholder_context())
    message = str(caught.value)
    assert "initial-status-update" in message
    assert "\n" not in message
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2


def test_a_path_is_not_a_name() -> None:
    with pytest.raises(UnknownTemplate):
        render("../../../etc/passwd", placeholder_context())


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.md.j2"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_team_template_overrides_the_shipped_one(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, "reminders-paused", "{# purpose: Ours #}\nPaused, says {{ incident.title }}.\n")
    context = placeholder_context()
    context["incident"]["title"] = "/close"
    assert render("reminders-paused", context, overrides=team) == "Paused, says \\/close.\n"
    rows = {name: (purpose, kind) for name, purpose, kind in list_templates(team)}
    assert rows["reminders-paused"] == ("Ours", "bot")


def test_the_default_team_directory_is_used_when_present() -> None:
    write(DEFAULT_OVERRIDES, "team-only", "{# purpose: A team's own note #}\nHello.\n")
    assert render("team-only", placeholder_context()) == "Hello.\n"
    assert ("team-only", "A team's own note", "team") in list_templates()


def test_a_missing_team_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="template directory not found"):
        render("reminders-paused", placeholder_context(), overrides=tmp_path / "nope")


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "reminders-paused", "{# purpose: x #}\nline two\n{{ incident.title }\n")
    with pytest.raises(TemplateError) as caught:
        render("reminders-paused", placeholder_context(), overrides=tmp_path)
    assert "reminders-paused.md.j2, line 3:" in str(caught.value)


def test_an_undefined_variable_names_the_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "reminders-paused", "{# purpose: x #}\nfine\n\n{{ incident.tittle }}\n")
    with pytest.raises(TemplateError) as caught:
        render("reminders-paused", placeholder_context(), overrides=tmp_path)
    message = str(caught.value)
    assert "reminders-paused.md.j2, line 4:" in message
    assert "tittle" in message


def test_an_undefined_variable_inside_a_filter_is_an_error_too(tmp_path: Path) -> None:
    write(tmp_path, "reminders-paused", '{{ details.nope | fill("x") }}\n')
    with pytest.raises(TemplateError, match="line 1"):
        render("reminders-paused", placeholder_context(), overrides=tmp_path)


def test_the_sandbox_keeps_templates_away_from_python(tmp_path: Path) -> None:
    write(tmp_path, "reminders-paused", "{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(TemplateError):
        render("reminders-paused", placeholder_context(), overrides=tmp_path)


def test_a_team_template_cannot_post_a_quick_action(tmp_path: Path) -> None:
    write(tmp_path, "reminders-paused", "Paused.\n/close\n")
    assert render("reminders-paused", placeholder_context(), overrides=tmp_path) == (
        "Paused.\n\\/close\n"
    )


def mention_context(who: str) -> dict:
    context = placeholder_context()
    context["incident"]["roles"]["cmoc"] = who
    return context


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("alice", "@alice"),
        ("@alice", "@alice"),
        ("all", "`@all`"),
        ("@group/sub", "`@group/sub`"),
        ("alice smith", "`@alice` smith"),
        (None, "_[to fill: CMOC]_"),
    ],
)
def test_only_plausible_users_are_mentioned(who: str | None, shown: str) -> None:
    text = render("closure-nudge", mention_context(who))
    assert text.startswith(shown + " this incident")


def test_group_mentions_go_live_only_where_allowed() -> None:
    context = mention_context("@support/cmoc")
    text = render("closure-nudge", context, allow_group_mentions=True)
    assert text.startswith("@support/cmoc this incident")


def test_slack_output(rich: dict) -> None:
    text = render("initial-status-update", rich, fmt="slack")
    lines = text.splitlines()
    assert lines[0] == "*Incident #42 - CI jobs stuck in pending on shared runners*"
    assert "*Status:* In Progress" in lines
    assert "• Impact type: degraded performance" in lines
    assert "*Current Actions*" in lines


def test_slack_values_cannot_add_formatting(rich: dict) -> None:
    rich["incident"]["title"] = "**x** <!channel> & # y"
    text = render("initial-status-update", rich, fmt="slack")
    assert text.splitlines()[0] == "*Incident #42 - **x** &lt;!channel&gt; &amp; # y*"


def test_an_unknown_format_is_an_error() -> None:
    with pytest.raises(UsageError):
        render("initial-status-update", placeholder_context(), fmt="html")
