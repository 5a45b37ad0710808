"""The child pipeline that gives each incident its own CI resource group.

GitLab picks a job's `resource_group` when it creates the pipeline, before any job could read
the webhook body in `TRIGGER_PAYLOAD`, and a trigger URL carries only fixed variables. So the
triggered pipeline runs one quick routing job, `incident-bot handle-event --child-pipeline`,
which reads the payload (no GitLab request) and writes this child pipeline: one job, in the
resource group `incident-<project>-<iid>`, that handles the event. Jobs of one incident then
never overlap, while different incidents go in parallel. A payload that is not about an
incident gets a child pipeline whose one job only says why it was ignored (a child pipeline
needs at least one job).
"""

from __future__ import annotations

import re

import yaml

# Image and install step of the handling job: the same as `.incident-bot` in .gitlab-ci.yml.
IMAGE = "python:3.12-slim"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def resource_group(project_id: int | str, iid: int) -> str:
    """`incident-<project>-<iid>`; a project path's `/` and other signs become `-`."""
    return f"incident-{_UNSAFE.sub('-', str(project_id)).strip('-')}-{int(iid)}"


def for_event(project_id: int | str, iid: int, *, dry_run: bool = False) -> str:
    """The child pipeline handling one incident's event, serialised per incident."""
    command = 'incident-bot handle-event --payload-file "$PAYLOAD_FILE"'
    job = {
        "image": IMAGE,
        "resource_group": resource_group(project_id, iid),
        # The payload comes as the routing job's artifact: the child pipeline does not get the
        # parent's TRIGGER_PAYLOAD.
        "needs": [{"pipeline": "$PARENT_PIPELINE_ID", "job": "incident:route"}],
        "variables": {"PAYLOAD_FILE": "payload.json", "GITLAB_URL": "$CI_SERVER_URL"},
        "interruptible": False,
        "script": ["pip install .", command + (" --dry-run" if dry_run else "")],
    }
    return _dump({"incident:handle": job})


def ignored(reason: str) -> str:
    """A child pipeline that only records why the event was ignored."""
    job = {
        "image": IMAGE,
        "variables": {"GIT_STRATEGY": "none", "REASON": reason[:500]},
        "script": ['echo "ignored: $REASON"'],
    }
    return _dump({"incident:ignored": job})


def _dump(jobs: dict) -> str:
    header = (
        "# Written by `incident-bot handle-event --child-pipeline`; see automation/ci_child.py.\n"
    )
    return header + yaml.safe_dump(jobs, sort_keys=False, width=100)
