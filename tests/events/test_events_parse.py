"""events.py: deliveries to Event or Ignored, and the errors the web layer maps to statuses."""

from __future__ import annotations

import dataclasses
import json

import pytest

from automation import events
from tests.conftest import BOT
from tests.events.conftest import SECRET, encode, headers_for, payload


def parse(name_or_body, **header_options):
    body = payload(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return events.from_http(
        headers_for(body, **header_options), encode(body), secret=SECRET, bot_username=BOT
    )


def test_an_incident_issue_becomes_an_event_with_its_fields():
    event = parse("issue_open", key="f3b1c2d4-0000-4000-8000-000000000001")
    assert event == events.Event(
        kind="issue",
        hook="Issue Hook",
        project_id=7,
        iid=42,
        issue_id=1042,
        confidential=False,
        internal_note=False,
        labels=("incident", "severity::2"),
        looks_like_incident=True,
        username="alice",
        action="open",
        dedup_key="idempotency:f3b1c2d4-0000-4000-8000-000000000001",
    )
    assert event.issue_key == (7, 42)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.iid = 1  # type: ignore[misc]


def test_a_comment_names_the_issue_by_iid_and_global_id():
    event = parse("note_on_issue")
    assert (event.kind, event.iid, event.issue_id, event.action) == ("note", 42, 1042, "create")
    assert event.labels == ("incident", "severity::2")


@pytest.mark.parametrize(
    ("name", "hook", "confidential", "internal_note"),
    [
        ("issue_confidential", "Confidential Issue Hook", True, False),
        ("note_on_confidential_issue", "Confidential Note Hook", True, False),
        # An internal note comes as a confidential note even on a public issue.
        ("note_internal", "Confidential Note Hook", False, True),
    ],
)
def test_the_confidential_hooks_are_handled(name, hook, confidential, internal_note):
    event = parse(name)
    assert isinstance(event, events.Event)
    assert (event.hook, event.confidential, event.internal_note) == (
        hook,
        confidential,
        internal_note,
    )


def test_a_label_change_is_an_event():
    event = parse("issue_label_change")
    assert event.action == "update"
    assert "comms::status-update" in event.labels


@pytest.mark.parametrize("name", ["issue_by_bot", "note_by_bot"])
def test_the_bots_own_events_are_ignored(name):
    outcome = parse(name)
    assert isinstance(outcome, events.Ignored)
    assert outcome.code == "own-event"


def test_the_bot_is_recognised_whatever_the_case_of_its_name():
    body = payload("note_by_bot")
    body["user"]["username"] = "Incident-Bot"
    assert parse(body).code == "own-event"


@pytest.mark.parametrize("name", ["issue_not_incident", "note_not_incident"])
def test_plainly_not_an_incident_is_ignored(name):
    outcome = parse(name)
    assert isinstance(outcome, events.Ignored)
    assert outcome.code == "not-incident"
    assert "no front-matter" in outcome.reason


def test_the_incident_label_alone_makes_an_incident():
    body = payload("issue_not_incident")
    body["labels"] = [{"title": "incident::active"}]
    assert isinstance(parse(body), events.Event)


def test_front_matter_alone_makes_an_incident():
    body = payload("issue_open")
    body["labels"] = body["object_attributes"]["labels"] = []
    assert parse(body).looks_like_incident


def test_removing_the_incident_label_still_concerns_an_incident():
    body = payload("issue_label_change")
    body["object_attributes"]["description"] = "no block here"
    body["labels"] = []
    assert isinstance(parse(body), events.Event)


def test_a_similar_label_is_not_the_incident_label():
    body = payload("issue_not_incident")
    body["labels"] = [{"title": "incidental"}, {"title": "incidents::old"}]
    assert parse(body).code == "not-incident"


@pytest.mark.parametrize(
    ("name", "code"), [("note_on_merge_request", "not-issue"), ("push", "event-type")]
)
def test_other_deliveries_are_acknowledged_and_ignored(name, code):
    assert parse(name).code == code


def test_a_missing_event_header_is_ignored_not_refused():
    body = payload("issue_open")
    headers = headers_for(body)
    del headers["X-Gitlab-Event"]
    outcome = events.from_http(headers, encode(body), secret=SECRET, bot_username=BOT)
    assert outcome.code == "event-type"


def test_work_items_that_are_not_issues_are_ignored():
    body = payload("issue_open")
    body["object_kind"] = "work_item"
    body["object_attributes"]["type"] = "Task"
    assert parse(body).code == "not-issue"
    body["object_attributes"]["type"] = "Incident"
    assert isinstance(parse(body), events.Event)


# Tokens


def test_the_right_token_in_any_header_case_is_accepted():
    body = payload("issue_open")
    headers = {k.lower(): v for k, v in headers_for(body).items()}
    assert isinstance(
        events.from_http(headers, encode(body), secret=SECRET, bot_username=BOT), events.Event
    )


@pytest.mark.parametrize("token", [None, "", "wrong", SECRET + "x", SECRET[:-1], "ünïcode"])
def test_a_missing_or_wrong_token_is_refused_before_the_body_is_read(token):
    with pytest.raises(events.InvalidToken) as caught:
        events.from_http(
            headers_for(payload("issue_open"), token=token),
            b"not even json",
            secret=SECRET,
            bot_username=BOT,
        )
    assert caught.value.status == 401
    assert SECRET not in str(caught.value)


def test_an_empty_secret_accepts_nothing():
    with pytest.raises(events.InvalidToken):
        events.verify_token({"X-Gitlab-Token": ""}, "")


def test_the_token_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = events.hmac.compare_digest
    monkeypatch.setattr(events.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    events.verify_token({"X-Gitlab-Token": SECRET}, SECRET)
    assert calls == [1]


# Size and shape


def test_a_body_over_the_limit_is_refused():
    body = payload("issue_open")
    with pytest.raises(events.PayloadTooLarge) as caught:
        events.from_http(
            headers_for(body), encode(body), secret=SECRET, bot_username=BOT, max_body_bytes=100
        )
    assert caught.value.status == 413


def test_the_default_limit_is_no_lower_than_gitlabs_25_mb():
    assert events.DEFAULT_MAX_BODY_BYTES >= 25 * 1024 * 1024


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"\xff\xfe", b"[1, 2]", b'"text"', b"null"],
    ids=["empty", "truncated", "not-utf8", "array", "string", "null"],
)
def test_a_body_that_is_not_a_json_object_is_malformed(raw):
    with pytest.raises(events.MalformedPayload) as caught:
        events.from_http(headers_for(payload("issue_open")), raw, secret=SECRET, bot_username=BOT)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b.pop("object_attributes"),
        lambda b: b["object_attributes"].pop("iid"),
        lambda b: b["object_attributes"].update(iid="42"),
        lambda b: b["object_attributes"].update(iid=True),
        lambda b: b.update(labels="incident"),
        lambda b: b.update(labels=[{"id": 1}]),
        lambda b: (b.pop("project"), b["object_attributes"].pop("project_id")),
    ],
    ids=[
        "no-attributes",
        "no-iid",
        "iid-text",
        "iid-bool",
        "labels-text",
        "label-untitled",
        "no-project",
    ],
)
def test_an_incident_payload_missing_what_the_bot_needs_is_malformed(damage):
    body = payload("issue_open")
    damage(body)
    with pytest.raises(events.MalformedPayload):
        parse(body)


def test_a_comment_without_its_issue_is_malformed():
    body = payload("note_on_issue")
    del body["issue"]
    with pytest.raises(events.MalformedPayload):
        parse(body)


# Deduplication keys


def test_the_idempotency_key_is_the_dedup_key():
    first = parse("issue_open", key="k-1")
    again = parse("issue_open", key="k-1")
    other = parse("issue_open", key="k-2")
    assert first.dedup_key == again.dedup_key != other.dedup_key


def test_without_an_idempotency_key_the_event_uuid_object_and_time_make_the_key():
    body = payload("issue_open")
    key = parse(body).dedup_key
    assert key.startswith("object:13792a34-cac6-4fda-95a8-c58e00a3954e:")
    assert "1042" in key and "2026-12-03T14:06:12Z" in key
    # The same event fires the issue hook and a note hook: they must not collide.
    assert parse("note_on_issue").dedup_key != key
    # A later update of the same issue is a new delivery.
    body["object_attributes"]["updated_at"] = "2026-12-03T14:07:00Z"
    assert parse(body).dedup_key != key
    # Another event on the same object at the same second is too.
    assert parse("issue_open", **{"X-Gitlab-Event-UUID": "another"}).dedup_key != key


# Pipeline-trigger mode: a body without headers


@pytest.mark.parametrize(
    ("name", "hook"),
    [
        ("issue_open", "Issue Hook"),
        ("issue_confidential", "Confidential Issue Hook"),
        ("note_on_issue", "Note Hook"),
        ("note_internal", "Confidential Note Hook"),
    ],
)
def test_a_trigger_payload_tells_its_kind_from_the_body(name, hook):
    event = events.from_payload(encode(payload(name)), bot_username=BOT)
    assert event.hook == hook


@pytest.mark.parametrize(
    ("name", "confidential", "hook"),
    [
        ("issue_open", False, "Issue Hook"),
        ("issue_confidential", True, "Confidential Issue Hook"),
        ("note_on_issue", False, "Note Hook"),
        ("note_on_confidential_issue", True, "Confidential Note Hook"),
    ],
)
def test_an_older_payload_without_event_type_uses_object_kind(name, confidential, hook):
    body = payload(name)
    del body["event_type"]
    event = events.from_payload(encode(body), bot_username=BOT)
    assert (event.hook, event.confidential) == (hook, confidential)


def test_a_trigger_payload_of_another_kind_is_ignored():
    outcome = events.from_payload(encode(payload("push")), bot_username=BOT)
    assert outcome.code == "event-type"
    assert "push" in outcome.reason


def test_a_trigger_payload_that_is_not_json_is_malformed():
    with pytest.raises(events.MalformedPayload):
        events.from_payload(b"{'single': 'quotes'}", bot_username=BOT)


def test_a_trigger_payload_applies_the_same_rules():
    assert events.from_payload(encode(payload("note_by_bot")), bot_username=BOT).code == (
        "own-event"
    )
    assert events.from_payload(
        json.dumps(payload("issue_not_incident")).encode(), bot_username=BOT
    ).code == ("not-incident")
