"""Pagination and the filters of `GET /projects/:id/issues`."""

from __future__ import annotations

from datetime import timedelta

import gitlab
import requests

from automation.sandbox import Sandbox

from .support import START, project_of


def _issues(client: gitlab.Gitlab, count: int) -> None:
    issues = project_of(client).issues
    for number in range(count):
        issues.create({"title": f"Issue {number}"})


def test_get_all_follows_every_page(bot: gitlab.Gitlab) -> None:
    _issues(bot, 45)
    issues = project_of(bot).issues.list(get_all=True, per_page=20)
    assert len(issues) == 45
    assert len({issue.iid for issue in issues}) == 45


def test_iterator_reads_the_totals(bot: gitlab.Gitlab) -> None:
    _issues(bot, 25)
    listing = project_of(bot).issues.list(iterator=True, per_page=10)
    assert listing.total == 25
    assert listing.total_pages == 3
    assert len(list(listing)) == 25


def test_pagination_headers(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    _issues(bot, 5)
    answer = requests.get(
        f"{sandbox.url}/api/v4/projects/1/issues",
        params={"per_page": 2, "page": 2, "state": "opened"},
        headers={"PRIVATE-TOKEN": sandbox.bot_token},
        timeout=5,
    )
    headers = answer.headers
    assert (headers["X-Page"], headers["X-Per-Page"], headers["X-Total"]) == ("2", "2", "5")
    assert (headers["X-Total-Pages"], headers["X-Next-Page"], headers["X-Prev-Page"]) == (
        "3",
        "3",
        "1",
    )
    assert 'rel="next"' in headers["Link"] and "state=opened" in answer.links["next"]["url"]
    last = requests.get(
        answer.links["last"]["url"], headers={"PRIVATE-TOKEN": sandbox.bot_token}, timeout=5
    )
    assert last.headers["X-Next-Page"] == "" and len(last.json()) == 1


def test_per_page_is_capped_at_100(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    answer = bot.http_request("get", "/projects/1/issues", query_data={"per_page": 500})
    assert answer.headers["X-Per-Page"] == "100"


def test_label_filters_are_and_and_not(bot: gitlab.Gitlab) -> None:
    issues = project_of(bot).issues
    issues.create({"title": "both", "labels": "incident,severity::1"})
    issues.create({"title": "one", "labels": "incident"})
    issues.create({"title": "drill", "labels": "incident,incident::drill"})
    issues.create({"title": "none"})

    def titles(**filters: object) -> set[str]:
        return {issue.title for issue in issues.list(get_all=True, **filters)}

    assert titles(labels=["incident", "severity::1"]) == {"both"}
    assert titles(labels="incident") == {"both", "one", "drill"}
    assert titles(labels=["incident"], **{"not": {"labels": "incident::drill"}}) == {"both", "one"}
    assert titles(labels="None") == {"none"}
    assert titles(labels="Any") == {"both", "one", "drill"}


def test_state_search_iids_and_order(bot: gitlab.Gitlab) -> None:
    issues = project_of(bot).issues
    first = issues.create({"title": "Checkout outage", "description": "payments down"})
    second = issues.create({"title": "Login slow"})
    issues.update(second.iid, {"state_event": "close"})

    assert [i.iid for i in issues.list(state="opened", get_all=True)] == [first.iid]
    assert [i.iid for i in issues.list(state="closed", get_all=True)] == [second.iid]
    assert [i.iid for i in issues.list(search="PAYMENTS", get_all=True)] == [first.iid]
    assert [i.iid for i in issues.list(iids=[second.iid], get_all=True)] == [second.iid]
    ordered = issues.list(order_by="created_at", sort="asc", get_all=True)
    assert [i.iid for i in ordered] == [first.iid, second.iid]
    assert [i.iid for i in issues.list(get_all=True)] == [second.iid, first.iid]


def test_updated_after_follows_the_clock(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issues = project_of(bot).issues
    old = issues.create({"title": "old"})
    issues.create({"title": "quiet"})
    sandbox.clock.advance(timedelta(hours=2))
    old.notes.create({"body": "a comment touches the issue"})
    after = (START + timedelta(hours=1)).isoformat()
    assert [i.title for i in issues.list(updated_after=after, get_all=True)] == ["old"]


def test_users_by_username(bot: gitlab.Gitlab) -> None:
    users = bot.users.list(username="carol")
    assert [user.username for user in users] == ["carol"]
    assert bot.users.get(users[0].id).name == "Carol Chen"
    assert bot.users.list(username="nobody") == []


def test_project_by_path(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    project = bot.projects.get("support/incidents")
    assert project.id == 1
    assert project.web_url == f"{sandbox.url}/support/incidents"
    assert bot.projects.get(2).path_with_namespace == "support/incident-actions"
