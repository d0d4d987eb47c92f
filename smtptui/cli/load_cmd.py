"""``smtptui load TARGET --count N --connections K``: send N messages over K
connections to one server and measure it."""

from __future__ import annotations

import sys
import time
import uuid
from typing import Any

import click

from smtptui.cli.check_cmd import emit_json_line
from smtptui.cli.common import (
    CliFailure,
    apply_overrides,
    connection_options,
    credentials,
    lang_option,
    load_profile,
    run_async,
    session_config,
)
from smtptui.cli.completion import complete_profile_names

#: Above these the command wants --force: a load test is real mail to a real server.
MAX_COUNT = 10_000
MAX_CONNECTIONS = 20
DEFAULT_SIZE = 1000
#: Per-command timeout when none is given (RFC 5321's 5-10 minutes would hide a stall).
DEFAULT_COMMAND_TIMEOUT = 30.0


@click.command()
@click.argument("target", shell_complete=complete_profile_names)
@click.option(
    "--count",
    "-n",
    type=click.IntRange(1, 10_000_000),
    help="How many messages to send (required: nothing is sent without it).",
)
@click.option(
    "--connections",
    "-c",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="How many connections send at the same time.",
)
@click.option("--from", "-f", "from_", metavar="ADDRESS", help="Sender (default: the profile's).")
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="ADDRESS",
    help="Recipient (repeatable; default: the profile's).",
)
@click.option(
    "--size",
    type=click.IntRange(0, 100 * 1024 * 1024),
    default=DEFAULT_SIZE,
    show_default=True,
    metavar="BYTES",
    help="Size of each message's body.",
)
@click.option("--subject", metavar="TEXT", help="Subject (default: 'smtptui load test').")
@click.option(
    "--pipelining/--no-pipelining",
    default=None,
    help="Use PIPELINING (default: when the server offers it).",
)
@click.option(
    "--force",
    is_flag=True,
    help=f"Allow more than {MAX_COUNT:,} messages or {MAX_CONNECTIONS} connections.",
)
@connection_options
@run_async
async def load(target: str, **opts: Any) -> int:
    """Send --count messages to TARGET (a profile or host[:port]) over
    --connections connections, and report msgs/s, latency percentiles and
    counts per reply code.

    Only TARGET is contacted (no MX lookup).  Each message is the same
    --size-byte test message; PIPELINING is used when offered.  Exit code: 0
    when every message was accepted, 1 when some were not, 20-28 when no
    connection could be set up (as for `smtptui check`), 2 for usage errors.
    """
    from smtptui.fleet.load import LoadPlan, run_load

    count, connections = opts["count"], opts["connections"]
    if count is None:
        raise CliFailure(
            "a load test sends real messages: say how many with --count N (and --connections K)"
        )
    if not opts["force"] and (count > MAX_COUNT or connections > MAX_CONNECTIONS):
        raise CliFailure(
            f"--count {count:,} --connections {connections} is above the limit of "
            f"{MAX_COUNT:,} messages and {MAX_CONNECTIONS} connections; add --force if you mean it"
        )
    if opts["timeout"] is None:
        opts["timeout"] = DEFAULT_COMMAND_TIMEOUT
    profile = apply_overrides(load_profile(target, opts["profiles_dir"]), opts)
    built = _build(profile, opts)
    plan = LoadPlan(
        count=count,
        connections=connections,
        envelope=built.envelope,
        message=built.data,
        pipelining=opts["pipelining"],
        credentials=await credentials(profile, opts),
    )
    cfg = session_config(profile, opts)
    progress = _Progress(enabled=not opts["quiet"])
    builtin = None
    if profile.builtin_server:
        from smtptui.builtin import BuiltinServer

        builtin = BuiltinServer()
        cfg = await builtin.retarget(cfg)
    try:
        if not (opts["quiet"] or opts["json_mode"]):
            click.echo(
                f"=== sending {count:,} messages of {len(built.data):,} bytes over "
                f"{connections} connection(s) to {cfg.host}:{cfg.port}"
            )
        report = await run_load(cfg, plan, on_progress=progress)
        received = builtin.server.received_count if builtin and builtin.server else None
    finally:
        progress.clear()
        if builtin is not None:
            await builtin.stop()
    if opts["json_mode"]:
        data = report.to_dict()
        if received is not None:
            data["server_received"] = received
        emit_json_line(data)
    elif not opts["quiet"]:
        click.echo(render_report(report, received))
    elif report.exit_code:
        click.echo(f"{report.accepted:,} of {report.count:,} messages accepted", err=True)
    return report.exit_code


def _build(profile: Any, opts: dict[str, Any]) -> Any:
    from smtptui.message import MessageDraft, MessageError, build_message

    defaults = profile.message
    sender = opts["from_"] or defaults.sender
    to = list(opts["to"]) or list(defaults.to)
    if not sender:
        raise CliFailure("no sender: add --from ADDRESS (or set from in the profile's [message])")
    if not to:
        raise CliFailure("no recipient: add --to ADDRESS (or set to in the profile's [message])")
    try:
        return build_message(
            MessageDraft(
                from_=sender,
                to=to,
                subject=opts["subject"] or "smtptui load test",
                body=filler(opts["size"]),
                headers=[("X-Smtptui-Load", uuid.uuid4().hex)],
            )
        )
    except MessageError as exc:
        raise CliFailure(exc.text(lang_option())) from exc


def filler(size: int) -> str:
    """``size`` bytes of plain ASCII text in 78-byte lines (with CRLF)."""
    line = "smtptui load test: the quick brown fox jumps over the lazy dog 0123456789 "
    if size <= 2:
        return "."
    lines, left = [], size
    while left > 0:
        take = min(len(line), max(1, left - 2))
        lines.append(line[:take])
        left -= take + 2
    return "\r\n".join(lines) + "\r\n"


class _Progress:
    """A progress bar on a terminal's stderr; a line every few seconds otherwise."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.last_line = 0.0
        self.shown = False

    def __call__(self, p: Any) -> None:
        if not self.enabled:
            return
        done = p.done / p.total if p.total else 1.0
        bar = "#" * int(done * 20)
        failed = f"  {p.failed:,} failed" if p.failed else ""
        text = (
            f"[{bar:<20}] {p.done:,}/{p.total:,}  {p.rate:,.0f} msgs/s  "
            f"{p.connections} conn{failed}"
        )
        if self.tty:
            click.echo(f"\r{text}   ", nl=False, err=True)
            self.shown = True
        elif time.monotonic() - self.last_line >= 5 or p.done == p.total:
            self.last_line = time.monotonic()
            click.echo(text, err=True)

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[2K", nl=False, err=True)


def render_report(report: Any, received: int | None = None) -> str:
    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f} ms"

    lines = [
        f"accepted  {report.accepted:>10,}",
        f"refused   {report.refused:>10,}",
        f"errors    {report.errors:>10,}",
        f"not sent  {report.not_sent:>10,}",
        f"time      {report.duration:>10.2f} s   {report.rate:,.0f} msgs/s"
        + ("  (PIPELINING)" if report.pipelined else ""),
        f"latency   p50 {ms(report.latency(50))}   p95 {ms(report.latency(95))}   "
        f"p99 {ms(report.latency(99))}   max {ms(report.latency(100))}",
        "replies   " + ("   ".join(f"{code}: {n:,}" for code, n in report.codes) or "—"),
    ]
    for sentence, times in report.error_sentences[:5]:
        lines.append(click.style(f"*** {times:,}× {sentence}", fg="red"))
    if received is not None:
        lines.append(f"=== the built-in server received {received:,} messages")
    ok = report.exit_code == 0
    lines.append(
        click.style(
            f"{report.accepted:,} of {report.count:,} messages accepted",
            fg="green" if ok else "red",
            bold=True,
        )
    )
    return "\n".join(lines)


# --json here prints one summary object, not one object per event.
for _param in load.params:
    if _param.name == "json_mode":
        _param.help = "Print the summary as one JSON object (progress goes to stderr)."
