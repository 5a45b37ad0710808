"""Failures answer with GitLab's status codes and bodies; the notes limit answers 429."""

from __future__ import annotations

from datetime import timedelta

import gitlab
import pytest
import requests

from automation.sandbox import Sandbox
from automation.sandbox.ratelimit import THROTTLED_MESSAGE

from .support import START, project_of


def _get(sandbox: Sandbox, path: str, token: str | None = None) -> requests.Response:
    headers = {"PRIVATE-TOKEN": token} if token else {}
    return requests.get(f"{sandbox.url}/api/v4{path}", headers=headers, timeout=5)


def test_bad_token_is_401(sandbox: Sandbox) -> None:
    answer = _get(sandbox, "/projects/1/issues", token="wrong")
    assert (answer.status_code, answer.json()) == (401, {"message": "401 Unauthorized"})
    with pytest.raises(gitlab.GitlabAuthenticationError):
        gitlab.Gitlab(sandbox.url, private_token="wrong").auth()


def test_no_token_hides_the_private_project(sandbox: Sandbox) -> None:
    assert _get(sandbox, "/user").status_code == 401
    answer = _get(sandbox, "/projects/1/issues")
    assert (answer.status_code, answer.json()) == (404, {"message": "404 Project Not Found"})


def test_bearer_token_works(sandbox: Sandbox) -> None:
    answer = requests.get(
        f"{sandbox.url}/api/v4/user",
        headers={"Authorization": f"Bearer {sandbox.token_for('dave')}"},
        timeout=5,
    )
    assert answer.json()["username"] == "dave"


def test_unknown_project_and_issue(sandbox: Sandbox) -> None:
    token = sandbox.bot_token
    missing_project = _get(sandbox, "/projects/99/issues/1", token)
    assert (missing_project.status_code, missing_project.json()) == (
        404,
        {"message": "404 Project Not Found"},
    )
    missing_issue = _get(sandbox, "/projects/support%2Fincidents/issues/7", token)
    assert (missing_issue.status_code, missing_issue.json()) == (
        404,
        {"message": "404 Issue Not Found"},
    )
    assert _get(sandbox, "/nothing/here", token).json() == {"error": "404 Not Found"}


def test_bad_parameters_are_400(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    with pytest.raises(gitlab.GitlabHttpError) as failure:
        bot.http_post("/projects/1/issues", post_data={"description": "no title"})
    assert (failure.value.response_code, failure.value.error_message) == (400, "title is missing")
    issue = project_of(bot).issues.create({"title": "x"})
    with pytest.raises(gitlab.GitlabUpdateError) as failure:
        project_of(bot).issues.update(issue.iid, {"state_event": "archive"})
    assert failure.value.response_code == 400
    with pytest.raises(gitlab.GitlabHttpError) as failure:
        bot.http_put(f"/projects/1/issues/{issue.iid}", post_data={})
    assert failure.value.response_code == 400


def test_guests_cannot_edit_other_peoples_issues(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    sandbox.add_user("gus", access_level=10)
    issue = project_of(bot).issues.create({"title": "x"})
    with pytest.raises(gitlab.GitlabUpdateError) as failure:
        project_of(sandbox.client_for("gus")).issues.update(issue.iid, {"title": "mine"})
    assert (failure.value.response_code, failure.value.error_message) == (403, "403 Forbidden")


def test_confidential_issues_are_hidden_from_guests(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    sandbox.add_user("gus", access_level=10)
    secret = project_of(bot).issues.create({"title": "security", "confidential": True})
    answer = _get(sandbox, f"/projects/1/issues/{secret.iid}", sandbox.token_for("gus"))
    assert (answer.status_code, answer.json()) == (404, {"message": "404 Issue Not Found"})


def test_notes_limit_answers_429_with_retry_after() -> None:
    with Sandbox(note_rate_per_minute=2) as sandbox:
        sandbox.clock.set(START + timedelta(seconds=15))
        issue = project_of(sandbox.client()).issues.create({"title": "x"})
        url = f"{sandbox.url}/api/v4/projects/1/issues/{issue.iid}/notes"
        headers = {"PRIVATE-TOKEN": sandbox.bot_token}
        answers = [
            requests.post(url, json={"body": f"note {n}"}, headers=headers, timeout=5)
            for n in range(3)
        ]
        assert [answer.status_code for answer in answers] == [201, 201, 429]
        assert answers[1].headers["RateLimit-Remaining"] == "0"
        throttled = answers[2]
        assert throttled.json() == {"message": {"error": THROTTLED_MESSAGE}}
        assert throttled.headers["Retry-After"] == "45"
        reset = int(throttled.headers["RateLimit-Reset"])
        assert reset == int((START + timedelta(minutes=1)).timestamp())
        # Other people have their own budget.
        alice = {"PRIVATE-TOKEN": sandbox.token_for("alice")}
        assert requests.post(url, json={"body": "hi"}, headers=alice, timeout=5).status_code == 201


def test_python_gitlab_waits_for_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(note_rate_per_minute=1) as sandbox:
        sandbox.clock.set(START)
        slept: list[float] = []

        def sleep_in_sandbox_time(seconds: float) -> None:
            # python-gitlab sleeps Retry-After seconds; spend them on the sandbox clock instead.
            slept.append(seconds)
            sandbox.clock.advance(timedelta(seconds=seconds))

        monkeypatch.setattr(gitlab.utils.time, "sleep", sleep_in_sandbox_time)
        issue = project_of(sandbox.client()).issues.create({"title": "x"})
        issue.notes.create({"body": "first"})
        issue.notes.create({"body": "second"})
        assert slept == [60]
        assert [note.body for note in issue.notes.list(get_all=True)] == ["second", "first"]
