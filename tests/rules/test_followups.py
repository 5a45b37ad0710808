"""followups.py and tasklists.py on the Markdown people write in a hurry."""

from __future__ import annotations

from datetime import date

import pytest

from automation import followups
from automation.followups import Action

MESSY = """---
severity: SEV2
# Follow-up Actions  (a YAML comment in the front-matter, not a heading)
---
Some intro text.

### Follow-up actions:
<!-- One per line: - [ ] what needs doing @owner due:YYYY-MM-DD -->
- [ ] Write a macro for pending pipelines @alice due:2026-12-10
- [x] Tag the tickets in Zendesk @bob
  - [ ] a step of a finished item
* [ ] Add a dashboard panel (due 2026-12-11)
  - covering shared and group runners
+ [ ] Update the runbook by 10 Dec 2026, owner: @carol.
1. [ ] Numbered item 2026/12/12
2) [X] Numbered and done
- [ ] Review the 2026-12-03 outage timeline
- [ ] An item wrapped
  over two lines @dave Dec 13, 2026
- [ ] Mentions \\@erin with \\_escaped\\_ text
- [ ] A date that is not one due 2026-02-30
- A plain bullet: a remark, not an action

```
- [ ] inside a code fence
```

#### A sub-heading stays in the section
- [ ] Still a follow-up @frank deadline: 2027-01-05

## Timeline
- [ ] After the section: not a follow-up

**Follow-up Actions**
- [ ] Under a bold line @gus
"""


def test_messy_markdown() -> None:
    assert followups.parse(MESSY) == [
        Action("Write a macro for pending pipelines", "alice", date(2026, 12, 10)),
        Action(
            "Add a dashboard panel",
            None,
            date(2026, 12, 11),
            ("covering shared and group runners",),
        ),
        Action("Update the runbook", "carol", date(2026, 12, 10)),
        Action("Numbered item", None, date(2026, 12, 12)),
        Action("Review the 2026-12-03 outage timeline"),
        Action("An item wrapped over two lines", "dave", date(2026, 12, 13)),
        Action("Mentions with _escaped_ text", "erin"),
        Action("A date that is not one due 2026-02-30"),
        Action("Still a follow-up", "frank", date(2027, 1, 5)),
        Action("Under a bold line", "gus"),
    ]


@pytest.mark.parametrize(
    ("item", "action", "owner", "due"),
    [
        ("- [ ] Do it due:2026-12-10", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it due: 2026-12-10", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it (due 2026-12-10)", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it by 10 Dec 2026", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it by 10th December 2026", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it due by Dec 10, 2026", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it 2026/12/10", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it [2026-12-10]", "Do it", None, date(2026, 12, 10)),
        ("- [ ] Do it", "Do it", None, None),
        ("- [ ] Do it @alice", "Do it", "alice", None),
        ("- [ ] @alice to do it", "to do it", "alice", None),
        ("- [ ] Ask @erin for logs @dave", "Ask @erin for logs", "dave", None),
        ("- [ ] Ask @erin for logs, owner: @bob", "Ask @erin for logs", "bob", None),
        ("- [ ] Mail ops@example.com", "Mail ops@example.com", None, None),
        ("- [ ] Fix it (owner: @dave, due 2026-12-15)", "Fix it", "dave", date(2026, 12, 15)),
        (
            "- [ ] Fix it (see runbook) due 2026-12-15",
            "Fix it (see runbook)",
            None,
            date(2026, 12, 15),
        ),
        ("- [ ] Alert when queue &gt; 100", "Alert when queue > 100", None, None),
    ],
)
def test_one_item(item: str, action: str, owner: str | None, due: date | None) -> None:
    (found,) = followups.parse(f"## Follow-up Actions\n{item}\n")
    assert (found.action, found.owner, found.due) == (action, owner, due)


@pytest.mark.parametrize(
    "heading",
    ["# Follow-up Actions", "###### follow up actions", "## Follow-ups", "**Follow-up Actions:**"],
)
def test_the_heading_at_any_level(heading: str) -> None:
    assert followups.parse(f"{heading}\n- [ ] Do it\n") == [Action("Do it")]


def test_a_heading_that_only_mentions_follow_ups_is_not_the_section() -> None:
    assert followups.parse("## Why we follow up quickly\n- [ ] Do it\n") == []


def test_the_section_ends_at_a_heading_of_the_same_level() -> None:
    text = "### Follow-up Actions\n- [ ] in\n#### deeper\n- [ ] still in\n### Other\n- [ ] out\n"
    assert [a.action for a in followups.parse(text)] == ["in", "still in"]


def test_merge_keeps_one_per_action_and_fills_gaps() -> None:
    merged = followups.merge(
        [Action("Add an alert", None, None)],
        [Action("add an  ALERT.", "dave", date(2026, 12, 17)), Action("Other")],
    )
    assert merged == [Action("Add an alert", "dave", date(2026, 12, 17)), Action("Other")]


def test_crlf_and_tabs() -> None:
    text = "## Follow-up Actions\r\n-\t[ ] Tabbed @alice\r\n\t- detail\r\n"
    assert followups.parse(text) == [Action("Tabbed", "alice", None, ("detail",))]
