"""An invalid front-matter gets one comment naming each field, line and what is expected, and the
needs-info label; once the description is fixed the label goes and the incident carries on."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..actions import Action, AddLabels, RemoveLabels
from ..facts import Facts
from ..frontmatter import FieldError


def rule(facts: Facts) -> Iterable[Action]:
    needs_info = facts.config.labels.needs_info
    errors = facts.front.errors
    if not facts.front.present:
        errors = (
            FieldError(
                "",
                None,
                "the Support Response front-matter block is missing: "
                "start the description with the block from the template",
            ),
        )
    if not errors:
        if needs_info in facts.labels:
            yield RemoveLabels((needs_info,), reason="front-matter is valid again")
        return
    if needs_info not in facts.labels:
        yield AddLabels((needs_info,), reason="front-matter is invalid")
    # One comment per distinct set of errors: a re-run, or an unrelated edit, never repeats it.
    text = "\n".join(str(error) for error in errors)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    if facts.has("validation-error", digest):
        return
    yield facts.note(
        "validation-error",
        digest,
        reason=f"{len(errors)} front-matter error(s)",
        validation={
            "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in errors]
        },
    )
