"""Cold start of the commands a CI job runs, against the imports any such job pays anyway.

`incident-bot handle-event --dry-run` is timed against
`python -c "import gitlab, jinja2, yaml, jsonschema, click"` (the libraries the bot is built on),
alternating them so that all see the same machine load; the figure is the ratio of the medians.
Two payloads: one not about an incident (most webhook deliveries: answered without importing
python-gitlab or Jinja2), and one about an incident, which is reconciled in full (dry run: read
the issue and its notes, decide, print the plan) against the embedded sandbox on loopback, so
its time includes three HTTP reads (the token check, the issue, its notes).
`incident-bot --help` is timed on its own. Prints a Markdown section.

    python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = ROOT / "tests/fixtures/webhooks/issue_not_incident.json"
SCRIPT = Path(sys.executable).with_name("incident-bot")
BASELINE = [sys.executable, "-c", "import gitlab, jinja2, yaml, jsonschema, click"]
HANDLE_EVENT = [str(SCRIPT), "handle-event", "--dry-run", "--payload-file", str(PAYLOAD)]
HELP = [str(SCRIPT), "--help"]
INCIDENT = ROOT / "examples/ci-runners-degraded.md"
TARGET_RATIO = 1.3
TARGET_HELP_MS = 150.0


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    """Milliseconds from start to exit of `command`, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
    return (time.perf_counter() - started) * 1000


def incident_payload(sandbox: Any, folder: Path) -> Path:
    """A filed incident in the sandbox, and the Issue Hook body GitLab would send for it."""
    person = sandbox.client_for("alice")
    description = INCIDENT.read_text(encoding="utf-8")
    person.projects.get(1).issues.create({"title": "Pipelines pending", "description": description})
    sandbox.flush_webhooks(10)
    (delivery,) = [d for d in sandbox.deliveries() if d.event == "Issue Hook"][-1:]
    path = folder / "incident.json"
    path.write_text(json.dumps(delivery.payload), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not SCRIPT.exists():
        sys.exit(f"{SCRIPT} not found: install the project in this Python's environment")

    from automation.sandbox import BOT_TOKEN, Sandbox

    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as folder:
        payload = incident_payload(sandbox, Path(folder))
        env = dict(os.environ, GITLAB_URL=sandbox.url, GITLAB_TOKEN=BOT_TOKEN)
        incident = [str(SCRIPT), "handle-event", "--dry-run", "--payload-file", str(payload)]
        commands = {
            "baseline": (BASELINE, None),
            "handle-event": (HANDLE_EVENT, None),
            "handle-incident": (incident, env),
            "help": (HELP, None),
        }
        for command, command_env in commands.values():  # warm the file cache
            timed(command, command_env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (command, command_env) in commands.items():
                samples[name].append(timed(command, command_env))
    median = {name: statistics.median(values) for name, values in samples.items()}
    ratio = median["handle-event"] / median["baseline"]
    incident_ratio = median["handle-incident"] / median["baseline"]

    print("## Start-up: handle-event and --help\n")
    print(
        f"Medians of {args.runs} alternating cold starts (separate processes, same machine "
        "load), run from the checkout root.\n"
    )
    print("| command | median ms | min ms | max ms | target | met |")
    print("| --- | ---: | ---: | ---: | --- | :---: |")
    rows = [
        ('`python -c "import gitlab, jinja2, yaml, jsonschema, click"`', "baseline", "", None),
        (
            "`incident-bot handle-event --dry-run` (not an incident)",
            "handle-event",
            f"≤ {TARGET_RATIO}x baseline",
            ratio <= TARGET_RATIO,
        ),
        (
            "`incident-bot handle-event --dry-run` (an incident, 3 reads on loopback)",
            "handle-incident",
            f"≤ {TARGET_RATIO}x baseline",
            incident_ratio <= TARGET_RATIO,
        ),
        (
            "`incident-bot --help`",
            "help",
            f"≤ {TARGET_HELP_MS:.0f} ms",
            median["help"] <= TARGET_HELP_MS,
        ),
    ]
    for label, name, target, met in rows:
        values = samples[name]
        shown = "" if met is None else ("yes" if met else "no")
        print(
            f"| {label} | {median[name]:.0f} | {min(values):.0f} | {max(values):.0f} | "
            f"{target} | {shown} |"
        )
    print(
        f"\nRatio handle-event / baseline: **{ratio:.2f}** not an incident, "
        f"**{incident_ratio:.2f}** an incident (target ≤ {TARGET_RATIO})."
    )
    print(f"\nReproduce: `python benchmarks/bench_startup.py --runs {args.runs}`")


if __name__ == "__main__":
    main()
