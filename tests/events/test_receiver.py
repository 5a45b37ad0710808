"""The webhook receiver over real HTTP on a loopback port, with an injected handle."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from automation.logjson import JsonFormatter
from tests.events.conftest import SECRET, encode, headers_for, payload


class Calls:
    """A handle that records the events it gets, optionally slow or gated."""

    def __init__(self, pause: float = 0.0, gate: threading.Event | None = None) -> None:
        self.pause, self.gate = pause, gate
        self.lock = threading.Lock()
        self.events: list = []
        self.running: dict = defaultdict(int)
        self.most_at_once: dict = defaultdict(int)
        self.overall = 0
        self.most_overall = 0

    def __call__(self, event) -> None:
        with self.lock:
            self.running[event.issue_key] += 1
            self.overall += 1
            self.most_at_once[event.issue_key] = max(
                self.most_at_once[event.issue_key], self.running[event.issue_key]
            )
            self.most_overall = max(self.most_overall, self.overall)
        if self.gate is not None:
            self.gate.wait(10)
        time.sleep(self.pause)
        with self.lock:
            self.running[event.issue_key] -= 1
            self.overall -= 1
            self.events.append(event)


# One client for the module: building one costs tens of milliseconds (its TLS context).
client = httpx.Client()


def post(server, name_or_body, **header_options) -> httpx.Response:
    body = payload(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return client.post(
        f"{server.url}/webhook", content=encode(body), headers=headers_for(body, **header_options)
    )


def sample(server, name: str, labels: dict | None = None) -> float:
    value = server.app.state.receiver.metrics.registry.get_sample_value(name, labels or {})
    return value or 0.0


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def test_an_incident_delivery_is_acknowledged_then_handled(start_receiver):
    calls = Calls()
    server = start_receiver(calls)
    response = post(server, "issue_open", key="one")
    assert response.status_code == 202
    assert response.json() == {"status": "queued"}
    wait_for(lambda: len(calls.events) == 1)
    assert calls.events[0].iid == 42
    wait_for(lambda: sample(server, "incident_bot_events_processed_total") == 1)


def test_the_answer_does_not_wait_for_the_work(start_receiver):
    gate = threading.Event()
    server = start_receiver(Calls(gate=gate))
    try:
        started = time.perf_counter()
        assert post(server, "issue_open").status_code == 202
        # The handle stays blocked until the gate opens below, so an answer that waited for the
        # work would not come at all: a generous bound still shows it does not wait.
        assert time.perf_counter() - started < 5
    finally:
        gate.set()


@pytest.mark.parametrize("token", [None, "wrong", SECRET + "x", SECRET.upper()])
def test_a_missing_or_wrong_token_is_401(start_receiver, token):
    calls = Calls()
    server = start_receiver(calls)
    response = post(server, "issue_open", token=token)
    assert response.status_code == 401
    assert SECRET not in response.text
    assert sample(server, "incident_bot_deliveries_rejected_total", {"status": "401"}) == 1
    assert calls.events == []


def test_a_malformed_body_is_400(start_receiver):
    server = start_receiver(Calls())
    headers = headers_for(payload("issue_open"))
    response = client.post(f"{server.url}/webhook", content=b"{not json", headers=headers)
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]


def test_a_body_over_the_limit_is_413_by_declared_length(start_receiver):
    server = start_receiver(Calls(), max_body_bytes=1024)
    body = payload("issue_open")
    body["object_attributes"]["description"] += "x" * 4096
    assert post(server, body).status_code == 413


def test_a_chunked_body_over_the_limit_is_413_while_streaming(start_receiver):
    server = start_receiver(Calls(), max_body_bytes=1024)
    raw = encode(payload("issue_open")) + b" " * 4096

    def chunks():
        for start in range(0, len(raw), 512):
            yield raw[start : start + 512]

    response = client.post(
        f"{server.url}/webhook", content=chunks(), headers=headers_for(payload("issue_open"))
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("issue_not_incident", "not-incident"),
        ("note_by_bot", "own-event"),
        ("push", "event-type"),
        ("note_on_merge_request", "not-issue"),
    ],
)
def test_deliveries_with_nothing_to_do_are_200_and_counted(start_receiver, name, reason):
    calls = Calls()
    server = start_receiver(calls)
    response = post(server, name)
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert sample(server, "incident_bot_deliveries_ignored_total", {"reason": reason}) == 1
    assert calls.events == []


def test_the_same_idempotency_key_ten_times_is_handled_once(start_receiver):
    calls = Calls()
    server = start_receiver(calls)
    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(lambda _: post(server, "issue_label_change", key="k"), range(10)))
    assert all(r.status_code in (200, 202) for r in responses)
    assert sorted(r.json()["status"] for r in responses) == ["duplicate"] * 9 + ["queued"]
    server.stop()
    assert len(calls.events) == 1
    assert sample(server, "incident_bot_deliveries_duplicate_total") == 9


def test_two_events_of_one_issue_never_run_at_once(start_receiver):
    calls = Calls(pause=0.2)
    server = start_receiver(calls, workers=4)
    barrier = threading.Barrier(3)

    def send(name, key):
        barrier.wait()
        return post(server, name, key=key)

    with ThreadPoolExecutor(3) as pool:
        sent = [
            pool.submit(send, "issue_label_change", "first"),
            pool.submit(send, "note_on_issue", "second"),  # the same issue, #42
            pool.submit(send, "issue_confidential", "third"),  # another issue, #43
        ]
        assert all(future.result().status_code == 202 for future in sent)
    server.stop()
    assert sample(server, "incident_bot_events_processed_total") == 3
    assert calls.most_at_once[(7, 42)] == 1
    assert calls.most_overall == 2  # the other issue did not wait


def test_an_event_for_a_busy_issue_waits_although_workers_are_free(start_receiver):
    gate = threading.Event()
    calls = Calls(gate=gate)
    server = start_receiver(calls, workers=4)
    receiver = server.app.state.receiver
    try:
        post(server, "issue_label_change", key="first")
        wait_for(lambda: receiver.queue.busy == 1)
        post(server, "note_on_issue", key="second")  # issue #42 again
        time.sleep(0.1)  # three idle workers had time to take it, and must not
        assert (receiver.queue.busy, receiver.queue.depth) == (1, 1)
    finally:
        gate.set()
    wait_for(lambda: sample(server, "incident_bot_events_processed_total") == 2)
    assert [e.kind for e in calls.events] == ["issue", "note"]
    assert calls.most_at_once[(7, 42)] == 1


def test_a_burst_of_1000_deliveries_is_all_acknowledged_and_none_lost(start_receiver):
    calls = Calls()
    server = start_receiver(calls, workers=4, queue_size=2000)
    template = payload("issue_label_change")

    def send(n: int) -> int:
        body = json.loads(json.dumps(template))
        body["object_attributes"]["iid"] = n % 50
        return post(server, body, key=f"burst-{n}").status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(send, range(1000)))
    assert statuses == [202] * 1000
    server.stop()
    # Each event was reconciled: alone, or with later events of its issue that waited with it.
    assert sample(server, "incident_bot_events_processed_total") == 1000
    coalesced = sample(server, "incident_bot_events_coalesced_total")
    assert len(calls.events) + coalesced == 1000
    assert {e.iid for e in calls.events} == set(range(50))
    assert all(count == 1 for count in calls.most_at_once.values())


def test_a_full_queue_is_answered_202_dropped_and_counted(start_receiver):
    gate = threading.Event()
    calls = Calls(gate=gate)
    server = start_receiver(calls, workers=1, queue_size=1)
    try:
        assert post(server, "issue_open", key="a").json()["status"] == "queued"
        wait_for(lambda: server.app.state.receiver.queue.busy == 1)
        assert post(server, "issue_confidential", key="b").json()["status"] == "queued"
        response = post(server, "note_on_issue", key="c")
        assert response.status_code == 202
        assert response.json()["status"] == "dropped"
        assert sample(server, "incident_bot_events_dropped_total", {"reason": "queue-full"}) == 1
    finally:
        gate.set()
    # A dropped delivery is not remembered: GitLab's manual resend is processed.
    wait_for(lambda: server.app.state.receiver.queue.depth == 0)
    assert post(server, "note_on_issue", key="c").json()["status"] == "queued"


def test_a_failed_event_is_counted_and_its_resend_tried_again(start_receiver):
    attempts = []

    def handle(event):
        attempts.append(event)
        if len(attempts) == 1:
            raise RuntimeError("GitLab answered 502")

    server = start_receiver(handle)
    post(server, "issue_open", key="retry-me")
    wait_for(lambda: sample(server, "incident_bot_events_failed_total") == 1)
    assert post(server, "issue_open", key="retry-me").json()["status"] == "queued"
    wait_for(lambda: sample(server, "incident_bot_events_processed_total") == 1)
    assert len(attempts) == 2


def test_shutdown_finishes_the_queued_work(start_receiver):
    gate = threading.Event()
    calls = Calls(pause=0.005, gate=gate)
    server = start_receiver(calls, workers=2, queue_size=100)
    for n in range(40):
        body = payload("note_on_issue")
        body["issue"]["iid"] = n % 4
        assert post(server, body, key=f"drain-{n}").status_code == 202
    assert calls.events == []  # every event is still waiting or blocked
    gate.set()
    server.stop()
    assert sample(server, "incident_bot_events_processed_total") == 40
    assert {e.iid for e in calls.events} == {0, 1, 2, 3}
    assert server.app.state.receiver.queue.depth == 0


def test_health_and_metrics_are_served(start_receiver):
    server = start_receiver(Calls())
    post(server, "issue_open")
    health = client.get(f"{server.url}/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    metrics = client.get(f"{server.url}/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    for name in (
        'incident_bot_deliveries_received_total{hook="Issue Hook"} 1.0',
        "incident_bot_deliveries_duplicate_total",
        "incident_bot_deliveries_ignored_total",
        "incident_bot_events_processed_total",
        "incident_bot_events_failed_total",
        "incident_bot_events_dropped_total",
        "incident_bot_queue_depth",
        "incident_bot_event_processing_seconds_bucket",
    ):
        assert name in metrics.text


def test_only_post_is_accepted_on_the_webhook(start_receiver):
    server = start_receiver(Calls())
    assert client.get(f"{server.url}/webhook").status_code == 405


def test_logs_are_json_lines_without_the_secret(start_receiver):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())  # no scrubbing: the secret must never be logged
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:

        def handle(event):
            raise RuntimeError("reconcile failed")

        server = start_receiver(handle)
        post(server, "issue_open", key="logged")
        post(server, "issue_open", token="wrong-" + SECRET)
        post(server, "issue_not_incident")
        server.stop()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    assert SECRET not in stream.getvalue()
    outcomes = [e.get("result") for e in entries if e["message"].startswith("delivery")]
    assert outcomes == ["queued", "rejected", "ignored"]
    assert any(e["message"] == "event failed" and "exception" in e for e in entries)
