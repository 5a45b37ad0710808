"""`incident-bot drill`: a whole incident played against the embedded sandbox.

A scenario (drill_scenario.py) tells the story; the stage (drill_stage.py) is the sandbox with
the webhook receiver attached, reconciling with the production handler. For each step the drill
sets the sandbox's clock, has the person act through the API (or runs the scheduled scan), waits
until every webhook is delivered and every reconcile is done, reads the thread as a team member
sees it, and checks what the scenario expects. The result is a transcript (transcript.py) and
the list of expectations that were not met.

The shipped scenarios live in `automation/scenarios/`, inside the package, so a regular install
finds them from any directory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from gitlab import exceptions as gitlab_errors

from .config import Config
from .drill_actions import ActionError, perform
from .drill_checks import Check, Checker, Thread, observe
from .drill_scenario import Scenario, ScenarioError, Step, load
from .drill_stage import LogCapture, Stage, StageError
from .errors import UserError
from .transcript import Entry, Scene, Transcript, entries_for

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
DEFAULT_SCENARIO = "full-incident"


@dataclass
class Result:
    transcript: Transcript
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.transcript.failures()


def shipped() -> list[Path]:
    """The scenarios that come with incident-bot, by name."""
    return sorted(SCENARIOS.glob("*.yml"))


def find(name: str | None) -> Path:
    """A shipped scenario by name (default: the full incident), or a scenario file's path."""
    name = name or DEFAULT_SCENARIO
    path = Path(name)
    if path.suffix in (".yml", ".yaml") or path.is_file():
        if path.is_dir():
            raise ScenarioError(f"{name}: is a directory, not a scenario file")
        if not path.is_file():
            raise ScenarioError(f"{name}: no such scenario file")
        return path
    candidate = SCENARIOS / f"{name}.yml"
    if not candidate.is_file():
        known = ", ".join(item.stem for item in shipped())
        raise ScenarioError(
            f"no scenario named {name!r}: the shipped ones are {known}; or give a .yml file"
        )
    return candidate


def run(
    scenario: Scenario,
    config: Config,
    *,
    on_scene: Callable[[Scene], None] | None = None,
) -> Result:
    """Play `scenario` on a fresh stage; never raises for a step that goes wrong."""
    started = time.monotonic()
    with LogCapture() as logs, Stage(config, start=scenario.start, tier=scenario.tier) as stage:
        stage.sync_labels()
        transcript = play(stage, scenario, logs=logs, on_scene=on_scene)
    return Result(transcript, time.monotonic() - started)


def play(
    stage: Stage,
    scenario: Scenario,
    *,
    logs: LogCapture | None = None,
    on_scene: Callable[[Scene], None] | None = None,
) -> Transcript:
    """Play `scenario` on a running stage (tests keep the stage to look at it afterwards)."""
    transcript = Transcript(scenario, stage.config)
    player = _Player(stage, logs or LogCapture())
    for step in scenario.steps:
        scene = player.play(step)
        transcript.scenes.append(scene)
        if on_scene is not None:
            on_scene(scene)
    if player.last is not None:
        issue = player.last.issue
        transcript.title = issue.get("title") or ""
        transcript.reference = (issue.get("references") or {}).get("full") or ""
        transcript.url = issue.get("web_url") or ""
        transcript.iid = int(issue["iid"])
    return transcript


class _Player:
    """Plays steps one after another, remembering the thread as it was after the last one."""

    def __init__(self, stage: Stage, logs: LogCapture) -> None:
        self.stage = stage
        self.logs = logs
        self.iid: int | None = None
        self.last: Thread | None = None

    def play(self, step: Step) -> Scene:
        stage = self.stage
        scene = Scene(step)
        stage.set_time(step.at)
        failed_before = stage.reconcile_failures()
        report = None
        try:
            if step.action == "scan":
                report = stage.scan()
            else:
                self.iid = perform(stage, step, self.iid)
            stage.settle()
        except ActionError as error:
            scene.checks.append(Check("the step can be done as written", False, str(error)))
        except gitlab_errors.GitlabError as error:
            found = f"GitLab answered {error.response_code}: {error.error_message}"
            scene.checks.append(Check(f"{step.actor} can {step.action}", False, found))
        except StageError as error:
            scene.checks.append(Check("the bot finishes in time", False, str(error)))
        except requests.exceptions.RequestException as error:
            scene.checks.append(Check("the sandbox answers", False, f"{type(error).__name__}"))
        except UserError as error:  # the scan could not read its first page
            scene.checks.append(Check("the scan runs", False, str(error)))
        if self.iid is None:
            return scene
        after = observe(stage, self.iid)
        new = after.since(self.last)
        bot = stage.config.bot_username
        scene.entries = entries_for(step, new, stage.config, report, self.last)
        scene.entries += [Entry(step.at, bot, "problem", text) for text in self.logs.take()]
        if stage.reconcile_failures() > failed_before:
            scene.checks.append(
                Check("the bot handles every event", False, "a reconcile failed (see above)")
            )
        if report is not None and not report.ok:
            lines = [o.line() for o in report.outcomes if not o.ok] + report.errors
            scene.checks.append(Check("the scan handles every incident", False, "; ".join(lines)))
        if step.action == "file":
            # Drill incidents never count as real ones: they carry the drill label.
            drill = stage.config.labels.drill
            scene.checks.append(
                Check(f"label ~{drill} on the issue", drill in after.issue["labels"], "it is not")
            )
        scene.checks += Checker(stage.config).run(step.expect, after, new)
        self.last = after
        return scene


def write(result: Result, out: Path) -> list[Path]:
    """The transcript as Markdown and as a standalone HTML page, in `out`."""
    from .drill_html import render_html
    from .drill_render import render_markdown

    out.mkdir(parents=True, exist_ok=True)
    markdown = out / "transcript.md"
    page = out / "transcript.html"
    markdown.write_text(render_markdown(result.transcript), encoding="utf-8")
    page.write_text(render_html(result.transcript), encoding="utf-8")
    return [markdown, page]


__all__ = [
    "DEFAULT_SCENARIO",
    "SCENARIOS",
    "Result",
    "find",
    "load",
    "play",
    "run",
    "shipped",
    "write",
]
