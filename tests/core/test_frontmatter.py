"""Reading the front-matter people write: tolerant of editors, precise about mistakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from automation import frontmatter
from automation.resources import issue_template_path
from tests.conftest import example

VALID = example("ci-runners-degraded.md")


def test_the_shipped_template_is_valid() -> None:
    result = frontmatter.parse(issue_template_path().read_text(encoding="utf-8"))
    assert result.valid, result.errors


def test_a_filled_incident_parses_into_an_incident() -> None:
    incident = frontmatter.parse(VALID).incident
    assert incident.severity == "SEV2"
    assert incident.detected_at == datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert incident.roles.cmoc == "alice"
    assert incident.roles.contact("infrastructure") == "dave"
    assert incident.cmoc_triggers == ("multiple_customers_affected", "bulk_communications_needed")
    assert incident.smoc_triggers == ("sla_risk",)
    assert incident.follow_up_actions[0].owner == "dave"


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\n\n" + text, id="blank-lines-before"),
        pytest.param(lambda text: "\ufeff" + text, id="byte-order-mark"),
        pytest.param(lambda text: text + "\n---\nmore text after a rule\n", id="text-after"),
        pytest.param(
            lambda text: "\n".join(
                "    " + line for line in text.split("---", 2)[1].split("\n")
            ).join(["    ---", "    ---\n"]),
            id="re-indented",
        ),
    ],
)
def test_what_editors_do_to_descriptions_is_tolerated(mangle) -> None:
    result = frontmatter.parse(mangle(VALID))
    assert result.valid, result.errors
    assert result.incident.severity == "SEV2"


@pytest.mark.parametrize("text", ["", "Just a bug report.", "# Heading\n---\na: 1\n---", None])
def test_no_block_means_not_an_incident(text) -> None:
    assert not frontmatter.parse(text).present
    assert not frontmatter.has_front_matter(text)


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("2026-12-03 14:05 UTC", datetime(2026, 12, 3, 14, 5, tzinfo=UTC)),
        ("2026-12-03T14:05:00Z", datetime(2026, 12, 3, 14, 5, tzinfo=UTC)),
        ("2026-12-03 14:05:40 UTC", datetime(2026, 12, 3, 14, 5, 40, tzinfo=UTC)),
        ("2026-12-03T14:05:00.123Z", datetime(2026, 12, 3, 14, 5, 0, 123000, tzinfo=UTC)),
        ("2026-12-03T14:05:00+00:00", datetime(2026, 12, 3, 14, 5, tzinfo=UTC)),
    ],
)
def test_both_gitlab_time_formats_parse(time, expected) -> None:
    text = VALID.replace("detected_at: 2026-12-03 14:05 UTC", f"detected_at: {time}")
    assert frontmatter.parse(text).incident.detected_at == expected


def _errors(text: str) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in frontmatter.parse(text).errors]


def test_every_error_names_the_field_and_its_line() -> None:
    errors = frontmatter.parse(example("broken-incident.md")).errors
    found = {(e.path, e.line) for e in errors}
    assert found == {
        ("severity", 2),
        ("detected_at", 3),
        ("affected_services", 5),
        ("impact_type", 6),
        ("roles.imoc", 10),
    }
    messages = {e.path: e.message for e in errors}
    assert "SEV1, SEV2, SEV3" in messages["severity"]
    assert "list" in messages["affected_services"]


def test_missing_required_facts_are_named() -> None:
    text = "---\nseverity: SEV1\n---\n"
    paths = {e.path for e in frontmatter.parse(text).errors}
    assert {"detected_at", "summary", "affected_services", "impact_type", "region"} <= paths


def test_a_misspelt_field_gets_a_suggestion() -> None:
    text = VALID.replace("zendesk_tag:", "zendsk_tag:")
    (error,) = frontmatter.parse(text).errors
    assert error.path == "zendsk_tag"
    assert "did you mean `zendesk_tag`" in error.message
    assert error.line == VALID.splitlines().index("zendesk_tag: incident-2026-12-03-ci-pending") + 1


def test_bad_yaml_reports_the_line() -> None:
    text = "---\nseverity: SEV1\nsummary: [unclosed\nregion: EMEA\n---\n"
    (error,) = frontmatter.parse(text).errors
    assert error.line in (3, 4, 5)
    assert "YAML" in error.message


def test_duplicate_keys_are_an_error() -> None:
    (error,) = frontmatter.parse("---\nseverity: SEV1\nseverity: SEV2\n---").errors
    assert "twice" in error.message and error.line == 3


def test_alias_bombs_are_refused_quickly() -> None:
    bomb = (
        "---\n"
        + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
            for i in range(1, 30)
        )
        + "---\n"
    )
    (error,) = frontmatter.parse(bomb).errors
    assert "aliases" in error.message


def test_huge_values_are_errors_not_crashes() -> None:
    text = VALID.replace("summary: >-", "summary: " + "x" * 5000 + "\nold_summary: >-")
    paths = {e.path for e in frontmatter.parse(text).errors}
    assert "summary" in paths
    giant = "---\n" + "k: " + "y" * 100_000 + "\n---\n"
    (error,) = frontmatter.parse(giant).errors
    assert "too long" in error.message


@pytest.mark.parametrize(
    "junk",
    [
        "---\n\x00\x01\x02\xff binary\n---\n",
        "---\n" + "[" * 500 + "\n---\n",
        "---\n- just\n- a list\n---\n",
        "---\n!!python/object/apply:os.system [echo hi]\n---\n",
        "---\n" + "a:\n " * 40 + "b: 1\n---\n",
    ],
)
def test_hostile_blocks_give_errors(junk) -> None:
    result = frontmatter.parse(junk)
    assert result.present and result.errors and result.incident is None


def test_times_stay_strings_so_the_schema_sees_what_was_typed() -> None:
    result = frontmatter.parse(VALID.replace("due: 2026-12-17", "due: 2026-02-30"))
    (error,) = result.errors
    assert error.path == "follow_up_actions[0].due" and "real date" in error.message
