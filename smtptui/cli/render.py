"""The CLI's renderer of session events: a swaks-like transcript, or JSON lines."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

from smtptui.protocol import events as ev
from smtptui.transcript import DATA_PREVIEW_LINES, Line, event_json, event_lines

_STYLES = {
    "server": {"fg": "cyan"},
    "client": {"fg": "green"},
    "note": {"dim": True},
    "error": {"fg": "red", "bold": True},
}


class CliRenderer:
    """Prints events as they happen.  ``--json`` prints one object per event;
    ``--quiet`` prints only errors (to stderr).  Secrets are never in an event,
    and user names stay visible here as they do in swaks (the user typed them)."""

    def __init__(
        self,
        *,
        json_mode: bool = False,
        quiet: bool = False,
        show_data: bool = False,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self.data_limit = None if show_data else DATA_PREVIEW_LINES
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.start: float | None = None

    def __call__(self, event: ev.Event) -> None:
        if self.start is None:
            self.start = event.at
        if self.json_mode:
            if not self.quiet or isinstance(event, ev.Failed):
                click.echo(
                    json.dumps(
                        event_json(event, start=self.start, redact=False), ensure_ascii=False
                    ),
                    file=self.out,
                )
            return
        for line in event_lines(event, start=self.start, data_limit=self.data_limit):
            self.line(line)

    def line(self, line: Line) -> None:
        if self.quiet and line.direction != "error":
            return
        stream = self.err if line.direction == "error" else self.out
        style = dict(_STYLES.get(line.direction, {}))
        if line.kind == "warning":
            style = {"fg": "yellow"}
        click.echo(click.style(line.plain(), **style), file=stream)

    def note(self, text: str) -> None:
        """A closing summary line (not an engine event)."""
        if self.json_mode:
            click.echo(
                json.dumps({"event": "summary", "text": text}, ensure_ascii=False), file=self.out
            )
        elif not self.quiet:
            click.echo(click.style(f"=== {text}", bold=True), file=self.out)

    def error(self, text: str) -> None:
        if self.json_mode:
            click.echo(
                json.dumps({"event": "error", "text": text}, ensure_ascii=False), file=self.out
            )
        else:
            click.echo(click.style(f"*** {text}", fg="red", bold=True), file=self.err)
