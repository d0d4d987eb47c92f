"""``smtptui compare A B`` and ``smtptui compare A --last``: two checks side by
side — outcome, TLS facts, transport security (chain, DANE, MTA-STS), the TLS
scan with ``--scan``, capabilities, phase latencies — differences marked."""

from __future__ import annotations

from typing import Any

import click

from smtptui.cli.check_cmd import emit_json_line, fleet_config_hook, transport_lookups
from smtptui.cli.common import (
    CliFailure,
    display_width,
    lang_option,
    ljust,
    load_profile,
    run_async,
    say,
)
from smtptui.cli.completion import complete_profile_names

_MAX_CELL = 44


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
    "--inspect/--no-inspect",
    default=True,
    show_default=True,
    help="Also compare the chain's verification, DANE and MTA-STS (see check --inspect).",
)
@click.option("--scan", is_flag=True, help="Also scan both TLS configurations and compare them.")
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
        raise CliFailure(say("cli.compare.usage"))
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
        transport=transport_lookups() if opts["inspect"] else False,
    )
    if opts["scan"]:
        from smtptui.fleet.tls_scan import scan_fleet

        results = await scan_fleet(targets, results, config=fleet_config_hook(check_opts))
    try:
        store.save_many(results)
    except OSError as exc:
        click.echo(
            click.style(f"smtptui: {say('cli.not_saved', error=exc)}", fg="yellow"), err=True
        )
    if opts["last"]:
        if previous is None:
            raise CliFailure(say("cli.compare.no_saved", name=targets[0].name))
        left, right = previous, results[0]
        labels = (
            f"{left.profile} ({left.started_at.astimezone():%Y-%m-%d %H:%M})",
            f"{right.profile} ({say('fleet.compare.now')})",
        )
    else:
        left, right = results
        labels = (f"{left.profile} ({left.address})", f"{right.profile} ({right.address})")
    # JSON keeps English values whatever the language: scripts read it
    comparison = compare_results(left, right, "en" if opts["json_mode"] else _lang())
    if opts["json_mode"]:
        emit_json_line(comparison.to_dict())
    else:
        click.echo(render_comparison(comparison, labels, diff_only=opts["diff_only"]))
    return 1 if comparison.differences else 0


def _lang() -> str:
    from smtptui.i18n import resolve_lang

    return resolve_lang(lang_option())


def render_comparison(comparison, labels: tuple[str, str], *, diff_only: bool = False) -> str:
    """The rows side by side, in the words of ``--lang`` (the same as the TUI's
    compare screen: ``fleet.compare.*``)."""
    from smtptui.fleet.compare import field_label, section_title
    from smtptui.i18n import tn

    lang = _lang()
    rows = [r for r in comparison.rows if r.differs or not diff_only]
    names = {r.field: field_label(r.field, lang) for r in rows}
    field_w = max([display_width(n) for n in names.values()] + [5]) + 2
    cell_w = min(
        _MAX_CELL,
        max([display_width(_cut(r.left)) for r in rows] + [display_width(labels[0]), 8]),
    )
    lines = [
        click.style(
            f"  {' ' * field_w}{ljust(_cut(labels[0]), cell_w)}  {_cut(labels[1])}", bold=True
        ).rstrip()
    ]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(click.style(section_title(section, lang), underline=True))
        mark = "*" if row.differs else " "
        text = f"{mark} {ljust(names[row.field], field_w)}{ljust(_cut(row.left), cell_w)}  {_cut(row.right)}"
        lines.append(
            click.style(text.rstrip(), fg="yellow", bold=True) if row.differs else text.rstrip()
        )
    count = len(comparison.differences)
    lines.append("")
    if count:
        lines.append(click.style(tn("fleet.compare.differences", count, lang), bold=True))
    else:
        lines.append(click.style(say("fleet.compare.none"), fg="green", bold=True))
    return "\n".join(lines)


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"
