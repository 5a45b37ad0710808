"""Cold start of the commands a CI job runs, against the imports any such job pays anyway.

`incident-bot handle-event --dry-run` on a payload that is not about an incident (most webhook
deliveries) is timed against `python -c "import gitlab, jinja2, yaml, jsonschema, click"` (the
libraries the bot is built on), alternating the two so that both see the same machine load;
the figure is the ratio of the medians. `incident-bot --help` is timed on its own. Prints a
Markdown section.

    python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = ROOT / "tests/fixtures/webhooks/issue_not_incident.json"
SCRIPT = Path(sys.executable).with_name("incident-bot")
BASELINE = [sys.executable, "-c", "import gitlab, jinja2, yaml, jsonschema, click"]
HANDLE_EVENT = [str(SCRIPT), "handle-event", "--dry-run", "--payload-file", str(PAYLOAD)]
HELP = [str(SCRIPT), "--help"]
TARGET_RATIO = 1.3
TARGET_HELP_MS = 150.0


def timed(command: list[str]) -> float:
    """Milliseconds from start to exit of `command`, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not SCRIPT.exists():
        sys.exit(f"{SCRIPT} not found: install the project in this Python's environment")

    for command in (BASELINE, HANDLE_EVENT, HELP):  # warm the file cache
        timed(command)
    samples: dict[str, list[float]] = {"baseline": [], "handle-event": [], "help": []}
    for _ in range(args.runs):
        samples["baseline"].append(timed(BASELINE))
        samples["handle-event"].append(timed(HANDLE_EVENT))
        samples["help"].append(timed(HELP))
    median = {name: statistics.median(values) for name, values in samples.items()}
    ratio = median["handle-event"] / median["baseline"]

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
    print(f"\nRatio handle-event / baseline: **{ratio:.2f}** (target ≤ {TARGET_RATIO}).")
    print(f"\nReproduce: `python benchmarks/bench_startup.py --runs {args.runs}`")


if __name__ == "__main__":
    main()
