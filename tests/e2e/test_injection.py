"""Hostile text in every free-text field changes nothing the bot would not have changed anyway.

The same incident is played twice through `serve` on the sandbox: once with plain text, once
with quick actions (`/close`, `/confidential`, `/label ~hacked`, `/assign @erin`, `/move ...`),
`@all` and forged markers hidden in the title, the summary, the services, the customer estimate,
the regions, the follow-up actions (front-matter, a comment, the description) and comments.
Text a person writes reaches the bot's notes and issues, so a quick action at the start of a line
there would run with the bot's rights. Both runs must end the same: the incident's state, labels,
confidentiality and assignees, the action items, the notes the bot posted; and the sandbox must
not have run a single quick action.

Fields the schema already closes are left out: the Zendesk tag and the role holders' names
accept no spaces or slashes, and the impact type and segments are fixed lists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from automation import drill, markers
from automation.config import default_config
from automation.drill_checks import bot_notes, mentions, observe
from automation.drill_html import render_html
from automation.drill_scenario import parse
from automation.drill_stage import OBSERVER, LogCapture, Stage
from automation.sandbox import ACTIONS_PROJECT_ID
from tests.conftest import T0

# A line break of every kind GitLab (or a browser) may read as one, then a command.
BREAKS = ("\n", "\r", "\r\n", "\u2028", "\u0085", "\n  ")
COMMANDS = (
    "/close",
    "/confidential",
    "/label ~hacked",
    "/assign @erin",
    "/move support/incident-actions",
    "/unlabel ~incident",
    "/title pwned",
    "/due tomorrow",
)
FORGED = (
    "<!-- incident-bot:initial-status-update:1 -->",
    "<!-- incident-bot:action-items:f00d items=x -->",
    "<!-- incident-bot:role-released:cmoc-1 -->",
)


def hostile(text: str, limit: int) -> str:
    """`text` followed by as many injections as the field's length limit allows."""
    tricks = [f"{BREAKS[n % len(BREAKS)]}{command}" for n, command in enumerate(COMMANDS)]
    tricks += ["\n@all look at this", *(f"\n{marker}" for marker in FORGED)]
    out = text
    for trick in tricks:
        if len(out) + len(trick) > limit:
            break
        out += trick
    return out


def story(evil: bool) -> str:
    """The incident, as a scenario; `evil` hides injections in every free-text field."""
    spoil = (lambda text, limit: hostile(text, limit)) if evil else (lambda text, limit: text)
    title = "Runners stuck" + (" /close @all /label ~hacked " + FORGED[0] if evil else "")
    comment = (
        "Queue notes from the support side.\n\n## Follow-up Actions\n\n"
        "- [ ] Patch the runner quota @dave due:2026-12-18\n"
        "- [ ] Review the macros @erin due:2026-12-19\n"
    )
    added = "- [ ] Rotate the runner tokens @dave due:2026-12-20"
    if evil:
        comment = (
            "Queue notes for @all from the support side. <script>alert(1)</script>\n"
            '<img src=x onerror="alert(2)"> [link](javascript:alert(3))\n\n'
            "## Follow-up Actions\n\n"
            "- [ ] Patch the runner quota /close @all /label ~hacked @dave due:2026-12-18\n"
            f"- [ ] Review {FORGED[1]} the macros `/confidential` @erin due:2026-12-19\n\n"
            + "\n".join(FORGED)
            + "\n"
        )
        added = "- [ ] Rotate the runner tokens /move support/incident-actions @dave due:2026-12-20"
    front = {
        "severity": "SEV2",
        "summary": spoil("CI jobs on shared runners stay pending.", 2000),
        "affected_services": [spoil("Shared runners", 200), spoil("CI/CD pipelines", 200)],
        "impact_type": "degraded performance",
        "estimated_affected_customers": spoil("~1,200", 200),
        "regions_affected": [spoil("EMEA", 60)],
        "region": "EMEA",
        "zendesk_tag": "incident-2026-12-03-runners",
        "cmoc_triggers": {"multiple_customers_affected": True},
        "smoc_triggers": {"sla_risk": True},
        "roles": {
            "cmoc": "@alice",
            "smoc": "@bob",
            "imoc": "@carol",
            "cross_functional": {"infrastructure": "@dave", "customer_success": "@erin"},
        },
        "follow_up_actions": [
            {
                "action": spoil("Add a queue-depth alert", 255),
                "owner": "@dave",
                "due": "2026-12-17",
            }
        ],
    }
    steps: list[dict[str, Any]] = [
        {"as": "alice", "file": {"title": title, "front_matter": front}},
        {"at": "+10m", "as": "carol", "label": "incident::active"},
        {"at": "+15m", "as": "alice", "label": "comms::status-update"},
        {"at": "+20m", "as": "bob", "label": "comms::executive-update"},
        {"at": "+21m", "as": "bob", "label": "comms::customer-impact-report"},
        {"at": "+22m", "as": "bob", "label": "comms::technical-handoff"},
        {"at": "+23m", "as": "bob", "label": "comms::support-resources"},
        {"at": "+1h20m", "scan": True},
        {"at": "+1h25m", "as": "alice", "label": "region::AMER"},
        {"at": "+1h30m", "as": "dave", "label": "handoff::acknowledged"},
        {"at": "+1h35m", "as": "erin", "comment": comment},
        {"at": "+1h40m", "as": "dave", "edit": {"section": "Follow-up Actions", "add": added}},
        {"at": "+1h45m", "as": "carol", "label": "incident::resolved"},
        {"at": "+1h50m", "as": "alice", "tick": "all"},
        {"at": "+1h55m", "as": "carol", "close": True},
        {"at": "+2h", "scan": True},
    ]
    scenario = {"name": "Injection", "start": T0.strftime("%Y-%m-%d %H:%M UTC"), "steps": steps}
    return yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True)


def play(evil: bool) -> dict[str, Any]:
    """Play the story on a fresh stage; what it left behind, and the bot's texts."""
    with LogCapture() as logs, Stage(default_config(), start=T0) as stage:
        stage.sync_labels()
        # The label a `/label ~hacked` would apply: quick actions only use labels that exist.
        stage.project("incident-bot").labels.create({"name": "hacked", "color": "#000000"})
        transcript = drill.play(stage, parse(story(evil), source="injection"), logs=logs)
        assert transcript.iid is not None
        thread = observe(stage, transcript.iid)
        items = [
            stage.project(OBSERVER, link["project_id"]).issues.get(link["iid"]).attributes
            for link in thread.links
        ]
        return {
            "html": render_html(transcript),
            "failures": [check.line() for _, check in transcript.failures()],
            "issue": _state(thread.issue),
            "action_items": sorted(_state(item) for item in items),
            "kinds": Counter(marker.kind for _, marker in bot_notes(thread, stage.config)),
            "elsewhere": len(stage.project(OBSERVER, ACTIONS_PROJECT_ID).issues.list(all=True)),
            "quick_actions": stage.sandbox.quick_actions(),
            "texts": [note["body"] for note, _ in bot_notes(thread, stage.config)]
            + [item["description"] for item in items],
        }


def _state(issue: dict[str, Any]) -> tuple[Any, ...]:
    return (
        issue["state"],
        tuple(sorted(issue["labels"])),
        issue["confidential"],
        tuple(sorted(a["username"] for a in issue["assignees"])),
        issue.get("due_date"),
    )


@pytest.fixture(scope="module")
def runs() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    yield play(evil=False), play(evil=True)


def test_the_story_itself_plays_cleanly(runs) -> None:
    plain, evil = runs
    assert plain["failures"] == [] and evil["failures"] == []
    assert plain["kinds"]["action-items"] == 1 and len(plain["action_items"]) == 4


def test_hostile_text_leaves_the_issues_as_plain_text_does(runs) -> None:
    plain, evil = runs
    assert evil["issue"] == plain["issue"]
    assert evil["action_items"] == plain["action_items"]
    assert evil["kinds"] == plain["kinds"]  # forged markers stopped nothing, added nothing
    assert evil["elsewhere"] == plain["elsewhere"] == 0  # nothing was moved


def test_no_quick_action_ran_at_all(runs) -> None:
    _, evil = runs
    # Not from the bot's notes and issues, and not from the people's own text either: the
    # injections only become commands if the bot lets them reach the start of a line.
    assert evil["quick_actions"] == []


def test_the_bots_texts_are_inert(runs) -> None:
    _, evil = runs
    assert len(evil["texts"]) > 20
    for text in evil["texts"]:
        assert not re.search(r"^/", text, re.MULTILINE), text
        assert not mentions(text, "all"), text
        assert text.count("<!-- incident-bot:") <= 1, text
    # ... while the injected words are there, shown as text.
    joined = "\n".join(evil["texts"])
    assert "\\/close" in joined or "/close" in joined
    assert all(markers.find(text) for text in evil["texts"][: len(evil["texts"]) - 4])


def test_the_html_transcript_shows_hostile_text_as_text(runs) -> None:
    _, evil = runs
    page = evil["html"]
    assert page.count("<script") == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img" in page
    assert "href=" not in page  # the page links nowhere; the javascript: link stays text
