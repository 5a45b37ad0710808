"""textsafety: what an echoed value becomes, one rule at a time."""

from __future__ import annotations

import pytest

from automation.textsafety import (
    MAX_VALUE_CHARS,
    Trusted,
    clean,
    code_span,
    disarm_quick_actions,
    is_plausible_username,
    markdown_inline,
    placeholder,
    slack_inline,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/close", "\\/close"),
        ("  /confidential", "\\/confidential"),
        ("fine\n/label ~x", "fine /label \\~x"),
        ("@all hands", "`@all` hands"),
        ("cc @group/sub", "cc `@group/sub`"),
        ("é@all", "é`@all`"),
        ("bob@example.com", "bob\\@example.com"),
        ("<!-- incident-bot:status-update:9 -->", "&lt;\\!-- incident-bot:status-update:9 --&gt;"),
        ("<script>", "&lt;script&gt;"),
        ("# heading", "\\# heading"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("> quote", "&gt; quote"),
        ("a | b", "a \\| b"),
        ("```", "\\`\\`\\`"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
        ("[x](https://e.example)", "\\[x\\](https://e.example)"),
        ("&#64;all", "\\&\\#64;all"),
        ("\\@all", "\\\\`@all`"),
        ("~label %milestone $snippet !1 #2", "\\~label \\%milestone \\$snippet \\!1 \\#2"),
        ("plain words, 50% fewer.", "plain words, 50\\% fewer."),
    ],
)
def test_markdown_inline(value: str, expected: str) -> None:
    assert markdown_inline(value) == expected


def test_invisible_and_control_characters_are_dropped() -> None:
    assert clean("a\u202eb\u200bc\u2066d\u2069e\ufefff\u061cg") == "abcdefg"
    assert clean("bell\x07 nul\x00 esc\x1b") == "bell nul esc"
    assert clean("line\r\nbreak\u2028and\ttab") == "line break and tab"


def test_long_values_are_capped_with_an_ellipsis() -> None:
    text = clean("y" * 10_000)
    assert len(text) == MAX_VALUE_CHARS
    assert text.endswith("…")


def test_slack_escapes_its_own_way() -> None:
    assert slack_inline("a & b <!here> `x` @channel") == "a &amp; b &lt;!here&gt; 'x' `@channel`"


def test_code_span_cannot_be_closed_early() -> None:
    assert code_span("a`b") == "`a'b`"


def test_placeholder_is_trusted_and_visible() -> None:
    text = placeholder("current actions")
    assert isinstance(text, Trusted)
    assert text == "_[to fill: current actions]_"


def test_trust_does_not_survive_concatenation() -> None:
    assert not isinstance(Trusted("a") + "/close", Trusted)


@pytest.mark.parametrize(
    ("name", "plausible"),
    [
        ("alice", True),
        ("alice.smith-2", True),
        ("all", False),
        ("ALL", False),
        ("here", False),
        # GitLab's reference pattern ends a name on a letter, digit, `_` or `-`, so it reads
        # `@all.` as `@all` followed by a full stop: everyone would be pinged.
        ("all.", False),
        ("ALL..", False),
        ("alice.", False),
        ("group/sub", False),
        ("a b", False),
        ("", False),
    ],
)
def test_plausible_usernames(name: str, plausible: bool) -> None:
    assert is_plausible_username(name) is plausible


def test_quick_action_lines_are_disarmed_outside_fences() -> None:
    text = "ok\n/close\n  /label ~x\n```\n/kept\n```"
    assert disarm_quick_actions(text) == "ok\n\\/close\n  \\/label ~x\n```\n/kept\n```"


def test_issue_titles_keep_mentions_in_code_spans_within_the_limit() -> None:
    from automation.textsafety import issue_title

    title = issue_title("x" * 240 + " ping @all and `@bob`", limit=255)
    assert len(title) <= 255
    assert "@all" not in title.replace("`@all`", "")
    assert issue_title("`a @all`") == "'a `@all`'"
