"""The controls a test or a drill uses: the clock, the request log, the admin endpoints, the CLI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import gitlab
import pytest
import requests
from click.testing import CliRunner

from automation.cli import main
from automation.sandbox import BOT_TOKEN, PEOPLE, Sandbox

from .conftest import Receiver
from .support import START, project_of


def _admin(sandbox: Sandbox, method: str, path: str, **body: object) -> requests.Response:
    return requests.request(method, f"{sandbox.url}/-/sandbox{path}", json=body or None, timeout=5)


def test_people_act_with_their_own_tokens(sandbox: Sandbox) -> None:
    assert sandbox.bot_token == BOT_TOKEN
    for person in PEOPLE:
        client = sandbox.client_for(person)
        client.auth()
        assert client.user is not None and client.user.username == person
    assert set(sandbox.tokens()) == {"incident-bot", *PEOPLE}


def test_clock_over_http(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    answer = _admin(sandbox, "POST", "/clock", now="2026-12-24T09:00:00Z").json()
    assert answer == {"now": "2026-12-24T09:00:00.000Z", "frozen": True}
    assert (
        _admin(sandbox, "POST", "/clock", advance_seconds=90)
        .json()["now"]
        .startswith("2026-12-24T09:01:30")
    )
    assert project_of(bot).issues.create({"title": "x"}).created_at == "2026-12-24T09:01:30.000Z"
    assert _admin(sandbox, "POST", "/clock", real=True).json()["frozen"] is False


def test_request_log_counts_api_calls(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issue = project_of(bot).issues.create({"title": "x"})
    issue.notes.create({"body": "hi"})
    logged = [(entry.method, entry.path, entry.status) for entry in sandbox.requests()]
    assert logged == [
        ("POST", "/api/v4/projects/1/issues", 201),
        ("POST", f"/api/v4/projects/1/issues/{issue.iid}/notes", 201),
    ]
    assert sandbox.requests()[0].username == "incident-bot"
    over_http = _admin(sandbox, "GET", "/requests").json()
    assert over_http["count"] == 2  # admin calls are not logged
    last = over_http["requests"][-1]["seq"]
    project_of(bot).issues.get(issue.iid)
    assert [
        e["method"] for e in _admin(sandbox, "GET", f"/requests?since={last}").json()["requests"]
    ] == ["GET"]
    assert _admin(sandbox, "DELETE", "/requests").status_code == 204
    assert sandbox.requests() == []


def test_webhook_controls_over_http(
    sandbox: Sandbox, bot: gitlab.Gitlab, receiver: Receiver
) -> None:
    assert _admin(sandbox, "POST", "/webhook", url=receiver.url, secret="x").json() == {
        "url": receiver.url,
        "secret_set": True,
    }
    project_of(bot).issues.create({"title": "x"})
    assert _admin(sandbox, "POST", "/webhooks/flush", timeout=5).json() == {"drained": True}
    deliveries = _admin(sandbox, "GET", "/webhooks/deliveries").json()
    assert [d["status"] for d in deliveries] == ["delivered"]
    again = _admin(sandbox, "POST", f"/webhooks/deliveries/{deliveries[0]['id']}/redeliver")
    assert again.status_code == 201
    _admin(sandbox, "POST", "/webhooks/flush")
    assert receiver.events() == ["Issue Hook", "Issue Hook"]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    database = str(tmp_path / "sandbox.db")
    with Sandbox(db=database) as first:
        first.clock.set(START)
        project_of(first.client()).issues.create({"title": "kept", "labels": "incident"})
    with Sandbox(db=database) as second:
        issues = project_of(second.client()).issues.list(get_all=True)
        assert [(issue.title, issue.labels) for issue in issues] == [("kept", ["incident"])]


def test_starts_and_stops_cleanly() -> None:
    with Sandbox() as sandbox:
        url = sandbox.url
        assert requests.get(f"{url}/api/v4/version", timeout=5).status_code == 401
    # Stopped: the port no longer answers.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{url}/api/v4/version", timeout=5)


def test_cli_lists_the_sandbox_command() -> None:
    result = CliRunner().invoke(main, ["sandbox", "serve", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--db", "--tier", "--webhook-url", "--webhook-secret", "--note-rate"):
        assert option in result.output


def test_clock_advance_moves_reminders(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issue = project_of(bot).issues.create({"title": "x"})
    sandbox.clock.advance(timedelta(hours=1))
    assert issue.notes.create({"body": "later"}).created_at == "2026-12-03T15:05:00.000Z"


def test_serve_prints_its_url_and_tokens_then_stops_on_ctrl_c() -> None:
    import signal
    import subprocess
    import sys

    command = [
        sys.executable,
        "-c",
        "from automation.cli import main; main()",
        "sandbox",
        "serve",
        "--tier",
        "premium",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("GitLab sandbox at http://127.0.0.1:") and "premium" in first
        url = first.split()[3]
        lines = [process.stdout.readline() for _ in range(8)]
        assert any("sandbox-bot-token" in line for line in lines)
        assert any("sandbox-token-alice" in line for line in lines)
        answer = requests.get(
            f"{url}/api/v4/user", headers={"PRIVATE-TOKEN": "sandbox-token-erin"}, timeout=5
        )
        assert answer.json()["username"] == "erin"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_parallel_clients_get_distinct_iids(sandbox: Sandbox) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def file_issues(person: str) -> list[int]:
        issues = project_of(sandbox.client_for(person)).issues
        return [issues.create({"title": f"{person} {n}"}).iid for n in range(8)]

    with ThreadPoolExecutor(max_workers=len(PEOPLE)) as pool:
        iids = [iid for batch in pool.map(file_issues, PEOPLE) for iid in batch]
    assert sorted(iids) == list(range(1, 8 * len(PEOPLE) + 1))


def test_serve_on_a_busy_port_or_a_bad_db_is_one_line() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["sandbox", "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port} (")
    assert result.stderr.count("\n") == 1
    result = CliRunner().invoke(main, ["sandbox", "serve", "--db", "/nonexistent/dir/x.db"])
    assert result.exit_code == 1
    assert "--db /nonexistent/dir/x.db: cannot open the database" in result.stderr
    result = CliRunner().invoke(main, ["sandbox", "serve", "--port", "70000"])
    assert result.exit_code == 2
