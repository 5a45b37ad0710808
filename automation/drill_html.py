"""The drill's transcript as one standalone HTML page: inline CSS, no script, no external assets.

The page can be opened from disk, attached to a ticket or shown at a tabletop exercise. Every
value is escaped; the bot's notes and people's comments are rendered from Markdown with
markdown-it-py, a CommonMark renderer, with raw HTML turned off (it is shown as text) and its
link validation on (no `javascript:` links), so a hostile comment stays text on the page too.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from .labels_sync import taxonomy
from .transcript import Entry, Scene, Transcript, narration

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TASK = re.compile(r"<li>(<p>)?\[([ xX])\] ")
DEFAULT_COLOUR = "#6699cc"  # GitLab's colour for a label made on the fly

CSS = """
:root { --fg: #1f1e24; --muted: #626168; --line: #dcdcde; --bg: #fff; --panel: #f6f6f8;
  --bot: #6f42c1; --ok: #108548; --bad: #dd2b0e; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececef; --muted: #a4a3a8; --line: #434248; --bg: #18171d; --panel: #232128;
    --bot: #ac8fe6; --ok: #52b87a; --bad: #f57f6c; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Noto Sans", Ubuntu, sans-serif; }
header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; }
h1 { font-size: 1.6rem; margin: 0 0 6px; }
.lede { color: var(--muted); margin: 0 0 10px; }
.meta { margin: 0 0 16px; }
.verdict { font-weight: 600; }
.verdict.ok { color: var(--ok); } .verdict.bad { color: var(--bad); }
.failures { border: 1px solid var(--bad); border-radius: 6px; padding: 8px 16px; margin: 0 0 18px; }
.failures h2 { font-size: 1rem; margin: 4px 0; color: var(--bad); }
ol.timeline { list-style: none; margin: 0; padding: 0; border-left: 2px solid var(--line); }
.scene { position: relative; padding: 4px 0 18px 84px; }
.scene time { position: absolute; left: 12px; top: 6px; font-variant-numeric: tabular-nums;
  font-weight: 600; color: var(--muted); }
.scene time small { display: block; font-weight: 400; font-size: .75rem; }
.say { margin: 2px 0 8px; font-style: italic; }
ul.entries, ul.checks { list-style: none; margin: 0; padding: 0; }
.entry { padding: 6px 10px; margin: 0 0 6px; border-radius: 6px; background: var(--panel); }
.entry.bot { border-left: 3px solid var(--bot); }
.entry.person { border-left: 3px solid var(--line); }
.entry.problem { border-left: 3px solid var(--bad); }
.actor { font-weight: 600; margin-right: 6px; }
.entry.bot .actor { color: var(--bot); }
.internal { font-size: .75rem; border: 1px solid var(--muted); border-radius: 3px;
  padding: 0 4px; margin-right: 6px; color: var(--muted); }
.details { color: var(--muted); font-size: .9rem; }
.label { display: inline-block; border-radius: 999px; padding: 0 8px; margin: 1px 2px;
  font-size: .8rem; line-height: 1.5rem; white-space: nowrap; }
.label.removed { text-decoration: line-through; opacity: .65; }
details { margin-top: 4px; }
summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
.note { border-top: 1px solid var(--line); margin-top: 6px; padding-top: 4px; overflow-x: auto; }
.note h2 { font-size: 1.05rem; } .note h3 { font-size: .95rem; margin-bottom: 2px; }
.note table { border-collapse: collapse; } .note td, .note th { border: 1px solid var(--line);
  padding: 2px 6px; }
.checks li { font-size: .9rem; }
.checks .ok { color: var(--ok); } .checks .bad { color: var(--bad); }
footer { color: var(--muted); font-size: .8rem; padding: 12px 20px 28px; }
"""


def render_html(transcript: Transcript) -> str:
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    colours = {spec.name: spec.color for spec in taxonomy(transcript.config)}
    page = _Page(markdown, colours, transcript.bot)
    return page.render(transcript)


class _Page:
    def __init__(self, markdown: Any, colours: dict[str, str], bot: str) -> None:
        self.markdown = markdown
        self.colours = colours
        self.bot = bot

    def render(self, transcript: Transcript) -> str:
        scenario = transcript.scenario
        failures = transcript.failures()
        verdict = "all expectations met" if not failures else f"{len(failures)} not met"
        head = [
            f"<h1>Drill: {escape(scenario.title)}</h1>",
            f'<p class="lede">{escape(scenario.description)}</p>' if scenario.description else "",
            f'<p class="meta">Incident {escape(transcript.reference)}'
            + f" <strong>{escape(transcript.title)}</strong> · times in UTC · "
            + f"{len(transcript.scenes)} steps · {transcript.checked} expectations · "
            + f'<span class="verdict {"bad" if failures else "ok"}">{verdict}</span></p>',
        ]
        if failures:
            items = "".join(
                f'<li><a href="#step-{step.number}">step {step.number}</a> '
                f"({step.at:%H:%M}): {escape(check.line())}</li>"
                for step, check in failures
            )
            head.append(f'<section class="failures"><h2>Not met</h2><ul>{items}</ul></section>')
        scenes = "\n".join(self._scene(scene) for scene in transcript.scenes)
        return (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Drill: {escape(scenario.title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n<header>{''.join(head)}</header>\n"
            f'<main>\n<ol class="timeline">\n{scenes}\n</ol>\n</main>\n'
            f"<footer>Played by <code>incident-bot drill</code> against the embedded sandbox "
            f"from {escape(scenario.source)}.</footer>\n</body>\n</html>\n"
        )

    def _scene(self, scene: Scene) -> str:
        step = scene.step
        entries = "".join(self._entry(entry) for entry in scene.entries)
        checks = "".join(
            f'<li class="{"ok" if check.ok else "bad"}">'
            f"{'✓' if check.ok else '✗ not met:'} {escape(check.line())}</li>"
            for check in scene.checks
        )
        if scene.checks and not scene.failures:
            # All met: one line, the list folded away; anything not met stays in view.
            count = len(scene.checks)
            checks = (
                f'<li class="ok"><details><summary>✓ {count} expectation'
                f'{"s" if count > 1 else ""} met</summary><ul class="checks">{checks}</ul>'
                "</details></li>"
            )
        return (
            f'<li class="scene" id="step-{step.number}">'
            f'<time datetime="{step.at.isoformat()}">{step.at:%H:%M}'
            f"<small>{step.at:%b %d}</small></time>"
            f'<p class="say">{escape(step.say or narration(step))}</p>'
            f'<ul class="entries">{entries}</ul><ul class="checks">{checks}</ul></li>'
        )

    def _entry(self, entry: Entry) -> str:
        side = "bot" if entry.actor == self.bot else "person"
        if entry.kind == "problem":
            side = "problem"
        badge = '<span class="internal">internal</span>' if entry.internal else ""
        if entry.kind == "labels":
            text = self._labels(entry)
        else:
            text = escape(entry.text)
            if entry.added:
                text += " " + "".join(self._chip(name) for name in entry.added)
        details = "".join(f'<div class="details">{escape(line)}</div>' for line in entry.details)
        body = ""
        # A short note is already shown whole by its text; only longer ones fold out.
        if len([line for line in _COMMENT.sub("", entry.body).split("\n") if line.strip()]) > 2:
            rendered = self._markdown(entry.body)
            body = (
                f'<details><summary>full text</summary><div class="note">{rendered}</div></details>'
            )
        return (
            f'<li class="entry {side} kind-{entry.kind}">{badge}'
            f'<span class="actor">{escape(entry.actor)}</span>{text}{details}{body}</li>'
        )

    def _labels(self, entry: Entry) -> str:
        parts = []
        if entry.added:
            parts.append("added " + "".join(self._chip(name) for name in entry.added))
        if entry.removed:
            parts.append("removed " + "".join(self._chip(name, True) for name in entry.removed))
        return ", ".join(parts)

    def _chip(self, name: str, removed: bool = False) -> str:
        colour = self.colours.get(name, DEFAULT_COLOUR)
        style = f"background:{colour};color:{_ink(colour)}"
        kind = "label removed" if removed else "label"
        return f'<span class="{kind}" style="{style}">{escape(name)}</span>'

    def _markdown(self, body: str) -> str:
        html = self.markdown.render(_COMMENT.sub("", body))
        return _TASK.sub(_checkbox, html)


def _checkbox(match: re.Match[str]) -> str:
    """A task list's `[ ]` and `[x]` as the boxes GitLab draws."""
    box = "☐" if match.group(2) == " " else "☑"
    return f"<li>{match.group(1) or ''}{box} "


def _ink(colour: str) -> str:
    """Dark or light text, whichever reads better on `colour` (a `#rrggbb` value)."""
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", colour)
    if not match:
        return "#fff"
    red, green, blue = (int(match.group(1)[i : i + 2], 16) for i in (0, 2, 4))
    return "#1f1e24" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#fff"


__all__ = ["render_html"]
