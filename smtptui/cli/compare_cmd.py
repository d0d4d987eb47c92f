"""``smtptui compare A B`` and ``smtptui compare A --last``: two checks side by
side — outcome, TLS facts, capabilities, phase latencies — differences marked."""

from __future__ import annotations

from typing import Any

import click

from smtptui.cli.check_cmd import emit_json_line, fleet_config_hook
from smtptui.cli.common import CliFailure, load_profile, run_async
from smtptui.cli.completion import complete_profile_names

_MAX_CELL = 44
_SECTION_TITLES = {
    "outcome": "Outcome",
    "tls": "TLS",
    "capabilities": "Capabilities (EHLO)",
    "latency": "Latency",
}


@click.command()
@click.argument("first", shell_complete=complete_profile_names)
@click.argument("second", required=False, shell_complete=complete_profile_names)
@click.option(
    "--last",
    is_flag=True,
    help="Compare FIRST now with its last saved check (what changed since then).",
)
@click.option("--diff-only", is_flag=True, help="Show only the rows that differ.")
@click.option(
    "--timeout",
    "-t",
    type=click.FloatRange(0.1, 3600),
    metavar="SECONDS",
    help="Time limit for each whole check (default: 30 s).",
)
@click.option(
    "--insecure",
    "-k",
    is_flag=True,
    help="Do not verify certificates (the TLS 'verified' row then says so).",
)
@click.option(
    "--json", "json_mode", is_flag=True, help="Print one JSON object: both results and every row."
)
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False),
    envvar="SMTPTUI_PROFILES_DIR",
    help="Folder of profile TOML files.",
)
@run_async
async def compare(first: str, second: str | None, **opts: Any) -> int:
    """Check FIRST and SECOND (profiles or host[:port]) and show them side by side.

    With --last, FIRST is checked now and compared with its last saved check
    (saved by `smtptui check --all` and by `compare`).  Rows that differ are
    marked with `*`.  Like diff(1), the exit code is 0 when nothing differs,
    1 when something does, 2 when the comparison could not be made.
    """
    from smtptui.fleet import DEFAULT_TIMEOUT, ResultStore, check_many, compare_results

    if opts["last"] == (second is not None):
        raise CliFailure(
            "compare two targets (compare A B), or one with its last check (compare A --last)"
        )
    store = ResultStore()
    targets = [load_profile(first, opts["profiles_dir"])]
    if second is not None:
        targets.append(load_profile(second, opts["profiles_dir"]))
    previous = store.last(targets[0].name) if opts["last"] else None
    check_opts = {"insecure": opts["insecure"]}
    results = await check_many(
        targets,
        concurrency=2,
        timeout=opts["timeout"] or DEFAULT_TIMEOUT,
        config=fleet_config_hook(check_opts),
    )
    try:
        store.save_many(results)
    except OSError as exc:
        click.echo(click.style(f"smtptui: results not saved: {exc}", fg="yellow"), err=True)
    if opts["last"]:
        if previous is None:
            raise CliFailure(
                f"no saved check of {targets[0].name!r} to compare with; this one is saved now, "
                "so run the same command again later"
            )
        left, right = previous, results[0]
        labels = (
            f"{left.profile} ({left.started_at.astimezone():%Y-%m-%d %H:%M})",
            f"{right.profile} (now)",
        )
    else:
        left, right = results
        labels = (f"{left.profile} ({left.address})", f"{right.profile} ({right.address})")
    comparison = compare_results(left, right)
    if opts["json_mode"]:
        emit_json_line(comparison.to_dict())
    else:
        click.echo(render_comparison(comparison, labels, diff_only=opts["diff_only"]))
    return 1 if comparison.differences else 0


def render_comparison(comparison, labels: tuple[str, str], *, diff_only: bool = False) -> str:
    rows = [r for r in comparison.rows if r.differs or not diff_only]
    field_w = max([len(r.field) for r in rows] + [5]) + 2
    cell_w = min(_MAX_CELL, max([len(_cut(r.left)) for r in rows] + [len(labels[0]), 8]))
    lines = [
        click.style(
            f"  {'':<{field_w}}{_cut(labels[0]):<{cell_w}}  {_cut(labels[1])}", bold=True
        ).rstrip()
    ]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(click.style(_SECTION_TITLES.get(section, section), underline=True))
        text = f"{'*' if row.differs else ' '} {row.field:<{field_w}}{_cut(row.left):<{cell_w}}  {_cut(row.right)}"
        lines.append(
            click.style(text.rstrip(), fg="yellow", bold=True) if row.differs else text.rstrip()
        )
    count = len(comparison.differences)
    lines.append("")
    if count:
        lines.append(
            click.style(f"{count} difference{'s' if count != 1 else ''} (marked *)", bold=True)
        )
    else:
        lines.append(click.style("no differences", fg="green", bold=True))
    return "\n".join(lines)


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"
