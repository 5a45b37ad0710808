"""The transcript in words: for a terminal (one line per entry) and as a Markdown document."""

from __future__ import annotations

import re
import textwrap

from .transcript import ACTOR_WIDTH, WIDTH, Scene, Transcript, narration


def render_text(transcript: Transcript) -> str:
    """The transcript for a terminal: one line per entry, the notes' gist indented below."""
    out = [_title_line(transcript), ""]
    day = None
    indent = " " * (7 + ACTOR_WIDTH)
    for scene in transcript.scenes:
        step = scene.step
        if step.at.date() != day:
            day = step.at.date()
            out.append(f"-- {day:%A %Y-%m-%d} (UTC) --")
        head = f"{step.at:%H:%M}  {step.say or narration(step)}"
        out.extend(_wrap(head, " " * 7))
        for entry in scene.entries:
            first = f"       {entry.actor:<{ACTOR_WIDTH}}{entry.line()}"
            out.extend(textwrap.wrap(first, WIDTH, subsequent_indent=indent + "  ") or [first])
            for detail in entry.details:
                out.extend(
                    textwrap.wrap(
                        detail, WIDTH, initial_indent=indent + "  ", subsequent_indent=indent + "  "
                    )
                )
        out.extend(_checks_text(scene))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _wrap(line: str, indent: str) -> list[str]:
    # Label and user names hold hyphens: never break a line inside one.
    return textwrap.wrap(
        line, WIDTH, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
    ) or [line]


def _checks_text(scene: Scene) -> list[str]:
    if not scene.checks:
        return []
    failed = scene.failures
    if not failed:
        return [f"       ok: {len(scene.checks)} expectation(s) met"]
    lines = [f"       NOT MET: {len(failed)} of {len(scene.checks)} expectation(s)"]
    lines += [f"         - {check.line()}" for check in failed]
    return lines


def render_markdown(transcript: Transcript) -> str:
    """The transcript as a Markdown document: a section per day, a heading per step."""
    scenario = transcript.scenario
    out = [f"# Drill: {_md(scenario.title)}", ""]
    if scenario.description:
        out += [_md(scenario.description), ""]
    verdict = transcript.summary().split(": ", 1)[1]
    out += [
        f"Incident {transcript.reference} *{_md(transcript.title)}*, times in UTC: {verdict}.",
        "",
    ]
    day = None
    for scene in transcript.scenes:
        step = scene.step
        if step.at.date() != day:
            day = step.at.date()
            out += [f"## {day:%A %Y-%m-%d}", ""]
        out += [f"### {step.at:%H:%M}", "", f"*{_md(step.say or narration(step))}*", ""]
        for entry in scene.entries:
            out.append(f"- **{entry.actor}** {_md(entry.line())}")
            out += [f"  <br>{_md(detail)}" for detail in entry.details]
        if scene.checks:
            out.append("")
            for check in scene.checks:
                mark = "✓" if check.ok else "✗ **not met**:"
                out.append(f"> {mark} {_md(check.line())}  ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _title_line(transcript: Transcript) -> str:
    return (
        f"Drill: {transcript.scenario.title}\n"
        f'Incident {transcript.reference} "{transcript.title}", times in UTC'
    )


def _md(text: str) -> str:
    """Text shown as is in Markdown: no HTML, no emphasis, no links."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", text)


__all__ = ["render_markdown", "render_text"]
