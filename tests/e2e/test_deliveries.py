"""Webhooks as GitLab really sends them: twice (a resend), and out of order.

Everything goes through the receiver over real HTTP: a resend carries the same Idempotency-Key
and must be recognised without a reconcile; an older event arriving after a newer one is
reconciled against the issue as it is now (level-triggered), so it finds nothing left to do.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from automation.drill_actions import file_incident
from automation.drill_checks import bot_notes, observe
from automation.drill_scenario import Filing
from automation.drill_stage import Stage

FRONT = {
    "severity": "SEV2",
    "detected_at": "2026-12-03 14:05 UTC",
    "summary": "CI jobs stay pending.",
    "affected_services": ["Shared runners"],
    "impact_type": "degraded performance",
    "region": "EMEA",
    "roles": {"cmoc": "@alice", "smoc": "@bob", "imoc": "@carol"},
}


def metric(stage: Stage, name: str) -> float:
    return stage.receiver.metrics.registry.get_sample_value(name) or 0.0


def kinds(stage: Stage, iid: int) -> Counter[str]:
    thread = observe(stage, iid)
    return Counter(marker.kind for _, marker in bot_notes(thread, stage.config))


def bot_requests(stage: Stage, since: int) -> list[Any]:
    return [
        entry
        for entry in stage.sandbox.requests(since)
        if entry.username == stage.config.bot_username
    ]


def last_seq(stage: Stage) -> int:
    entries = stage.sandbox.requests()
    return entries[-1].seq if entries else 0


def deliveries_by(stage: Stage, username: str) -> list[Any]:
    return [
        delivery
        for delivery in stage.sandbox.deliveries()
        if delivery.payload.get("user", {}).get("username") == username
    ]


def file_and_settle(stage: Stage) -> int:
    iid = file_incident(stage, "alice", Filing("CI jobs stuck", FRONT))
    stage.settle()
    return iid


def test_a_delivery_sent_twice_is_reconciled_once(stage: Stage) -> None:
    iid = file_and_settle(stage)
    stage.set_time(stage.now + timedelta(minutes=10))
    stage.project("alice").issues.update(iid, {"add_labels": "comms::status-update"})
    stage.settle()
    assert kinds(stage, iid)["status-update"] == 1
    processed = metric(stage, "incident_bot_events_processed_total")
    request = deliveries_by(stage, "alice")[-1]

    since = last_seq(stage)
    resent = stage.sandbox.redeliver(request.id)
    stage.settle()

    delivery = next(d for d in stage.sandbox.deliveries() if d.id == resent)
    assert delivery.status == "delivered" and delivery.redelivery_of == request.id
    assert metric(stage, "incident_bot_deliveries_duplicate_total") == 1
    assert metric(stage, "incident_bot_events_processed_total") == processed
    assert bot_requests(stage, since) == []  # not even a read
    assert kinds(stage, iid)["status-update"] == 1


def test_every_delivery_of_a_filing_resent_changes_nothing(stage: Stage) -> None:
    iid = file_and_settle(stage)
    before = kinds(stage, iid)
    since = last_seq(stage)
    for delivery in stage.sandbox.deliveries():
        stage.sandbox.redeliver(delivery.id)
    stage.settle()
    # The people's deliveries are duplicates; the bot's own are ignored as its own events.
    assert bot_requests(stage, since) == []
    assert kinds(stage, iid) == before


def test_an_older_event_after_a_newer_one_has_one_effect_each(stage: Stage) -> None:
    iid = file_and_settle(stage)
    hook = (stage.sandbox.webhooks.url, stage.sandbox.webhooks.secret)
    # GitLab sends in order; a proxy, a retry or a second receiver may not. Hold both back...
    stage.sandbox.set_webhook(None)
    stage.set_time(stage.now + timedelta(minutes=10))
    stage.project("carol").issues.update(iid, {"add_labels": "severity::1"})
    stage.set_time(stage.now + timedelta(minutes=1))
    stage.project("bob").issues.update(iid, {"add_labels": "comms::executive-update"})
    older, newer = deliveries_by(stage, "carol")[-1], deliveries_by(stage, "bob")[-1]
    assert older.status == newer.status == "skipped"
    stage.sandbox.set_webhook(*hook)
    processed = metric(stage, "incident_bot_events_processed_total")

    # ... then deliver the newer one first: its reconcile sees both changes.
    stage.sandbox.redeliver(newer.id)
    stage.settle()
    after_newer = kinds(stage, iid)
    assert after_newer["severity-change"] == 1
    assert after_newer["executive-update"] == 1
    assert after_newer["support-resource-allocation"] == 1  # SEV1 engages the SMOC

    # The older one arrives last: reconciled, but nothing is left to do.
    since = last_seq(stage)
    stage.sandbox.redeliver(older.id)
    stage.settle()
    assert metric(stage, "incident_bot_events_processed_total") == processed + 2
    late = bot_requests(stage, since)
    assert late and all(entry.method == "GET" for entry in late)  # it read, and wrote nothing
    assert kinds(stage, iid) == after_newer
    labels = observe(stage, iid).issue["labels"]
    assert "severity::1" in labels and "severity::2" not in labels
    assert "comms::executive-update" not in labels


def test_a_burst_on_one_issue_posts_each_note_once(stage: Stage) -> None:
    """Deliveries that pile up for one issue are reconciled one after another, never at once."""
    iid = file_and_settle(stage)
    alice = stage.project("alice")
    for minutes, label in enumerate(
        ("incident::active", "comms::status-update", "comms::executive-update", "severity::1"), 1
    ):
        stage.set_time(stage.now + timedelta(minutes=minutes))
        alice.issues.update(iid, {"add_labels": label})
    stage.settle()
    found = kinds(stage, iid)
    assert found["lifecycle"] == 1
    assert found["status-update"] == 1
    assert found["executive-update"] == 1
    assert found["severity-change"] == 1
    assert all(count == 1 for count in found.values()), found
    assert stage.reconcile_failures() == 0
