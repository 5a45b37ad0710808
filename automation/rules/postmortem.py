"""Postmortem action items: one issue per follow-up action, opened when the incident closes.

The framework: "Incidents generate standardized postmortem analysis with tracked action items."
The follow-ups come from the front-matter's `follow_up_actions`, and from the open tasks under a
"Follow-up Actions" heading in the description, in the Post-Incident Support Summary note (the
bot's draft, as people edited it) and in people's own notes (followups.py says what counts).

Each becomes an issue in `action_items_project` (default: the incident's project) with its owner,
due date and `labels.action_item`, linked `relates_to` to the incident, and confidential when
the incident is. It is created once, across close → reopen → close, retried jobs and two runs at
once: its marker `action-item:<project>-<iid>-<hash of the normalised action>` is searched for
before creating (gitlab_adapter.py). The incident gets one `action-items:<digest>` note listing
the new ones; its `items=` attribute records which are done, so later runs plan nothing for them.

Security: nothing of a confidential incident is copied into an issue others can read. Its action
items are confidential, and in another project (where other people are members) neither their
title nor their description carries the incident's title or summary.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from .. import followups
from ..actions import Action, CreateIssue
from ..facts import Facts
from ..snapshot import same_user
from ..textsafety import clean, issue_title

KIND = "action-item"
NOTE = "action-items"
SUMMARY = "post-incident-support-summary"


def collect(facts: Facts) -> list[followups.Action]:
    groups = [
        followups.from_front_matter(facts.incident.follow_up_actions),
        followups.parse(facts.snapshot.description),
    ]
    for note in facts.snapshot.notes:
        if note.system:
            continue
        mine = same_user(note.author, facts.config.bot_username)
        if (note.marker is not None and note.marker.kind == SUMMARY) or not mine:
            groups.append(followups.parse(note.body))
    # A blank action would make a blank title, which GitLab refuses on every run.
    return [item for item in followups.merge(*groups) if clean(item.action)]


def item_hash(facts: Facts, item: followups.Action) -> str:
    snapshot = facts.snapshot
    text = f"{snapshot.project_id}#{snapshot.iid}#{item.normalised}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def target_project(facts: Facts) -> tuple[int | str, bool]:
    """Where action items go, and whether that is another project than the incident's."""
    wanted = facts.config.action_items_project
    here = facts.snapshot.project_id
    if wanted is None or str(wanted) in (str(here), facts.snapshot.project_path):
        return here, False
    return wanted, True


def rule(facts: Facts) -> Iterable[Action]:
    if not facts.snapshot.closed:
        return
    done = {
        value
        for note in facts.snapshot.bot_notes(NOTE)
        for value in note.marker.attrs.get("items", "").split(".")
    }
    new = [(h, item) for item in collect(facts) if (h := item_hash(facts, item)) not in done]
    if not new:
        return
    project, elsewhere = target_project(facts)
    confidential = facts.security or facts.snapshot.confidential
    private = confidential and elsewhere  # other people's project: no incident detail
    for h, item in new:
        yield CreateIssue(
            kind=KIND,
            key=f"{facts.snapshot.project_id}-{facts.snapshot.iid}-{h}",
            project=project,
            title=issue_title(_title(facts, item, private), limit=followups.MAX_TITLE),
            description=_description(facts, item, private),
            labels=(facts.config.labels.action_item,),
            assignee=item.owner,
            due_date=item.due,
            confidential=confidential,
            link_to_incident=True,
            reason="postmortem follow-up action",
        )
    hashes = [h for h, _ in new]
    yield facts.note(
        NOTE,
        hashlib.sha256(".".join(sorted(hashes)).encode()).hexdigest()[:12],
        attrs={"items": ".".join(hashes)},
        reason=f"{len(new)} action item(s) opened",
        action_items=[_listed(facts, item, private) for _, item in new],
    )


def _title(facts: Facts, item: followups.Action, private: bool) -> str:
    title = _scrub(facts, item.action, private)
    return " ".join(title.split())[: followups.MAX_TITLE]


def _scrub(facts: Facts, text: str, private: bool) -> str:
    """`text` with the incident's title, however spaced or cased, said as "the incident"."""
    words = facts.snapshot.title.split()
    if not private or not words:
        return text
    pattern = r"\s+".join(re.escape(word) for word in words)
    return re.sub(pattern, "the incident", text, flags=re.I)


def _listed(facts: Facts, item: followups.Action, private: bool) -> dict[str, Any]:
    return {
        "title": _title(facts, item, private),
        "reference": None,  # known once GitLab has created it: see the incident's linked items
        "url": None,
        "owner": item.owner,
        "due": item.due,
        "details": [_scrub(facts, detail, private) for detail in item.details],
        # What the action-item issue says about its incident: only the link when private.
        "incident_title": None if private else (facts.snapshot.title or None),
        "incident_url": facts.snapshot.web_url or None,
    }


def _description(facts: Facts, item: followups.Action, private: bool) -> str:
    from ..render import render

    context = facts.context(action_items=[_listed(facts, item, private)])
    return render("action-item", context, allow_group_mentions=facts.config.allow_group_mentions)
