"""`incident-bot serve`: what it needs to start, and the handle it gives the receiver."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.commands.serve import ReconcileFailed, reconciler
from tests.events.conftest import SECRET


def test_it_refuses_to_start_without_the_webhook_secret():
    result = CliRunner().invoke(main, ["serve"], env={"INCIDENT_BOT_WEBHOOK_SECRET": None})
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "INCIDENT_BOT_WEBHOOK_SECRET is not set" in result.stderr


def test_it_refuses_to_start_without_gitlab():
    env = {"INCIDENT_BOT_WEBHOOK_SECRET": SECRET, "GITLAB_URL": None, "GITLAB_TOKEN": None}
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "GITLAB_URL" in result.stderr
    assert SECRET not in result.output


@pytest.fixture
def fake_gitlab(monkeypatch):
    record = SimpleNamespace(clients=[], calls=[], ok=True)

    def connect():
        client = object()
        record.clients.append(client)
        return client

    def reconcile(gl, project_id, iid, config, *, pacer=None):
        record.calls.append((gl, project_id, iid, pacer))
        return SimpleNamespace(ok=record.ok, message="GitLab answered 500")

    monkeypatch.setattr("automation.gitlab_adapter.connect", connect)
    monkeypatch.setattr("automation.reconcile.reconcile", reconcile)
    return record


def test_each_worker_thread_has_its_own_client_and_all_share_one_note_pacer(fake_gitlab, config):
    handle = reconciler(config)
    event = SimpleNamespace(project_id=7, iid=42)
    handle(event)
    handle(event)
    worker = threading.Thread(target=handle, args=(event,))
    worker.start()
    worker.join()
    assert len(fake_gitlab.clients) == 2
    first, second, third = fake_gitlab.calls
    assert first[0] is second[0] is not third[0]
    assert first[1:3] == (7, 42)
    assert first[3] is third[3] is not None


def test_a_reconcile_that_did_not_finish_is_a_failure(fake_gitlab, config):
    fake_gitlab.ok = False
    with pytest.raises(ReconcileFailed, match="GitLab answered 500"):
        reconciler(config)(SimpleNamespace(project_id=7, iid=42))


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_a_port_out_of_range_is_a_usage_error(port):
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output and "Traceback" not in result.output
