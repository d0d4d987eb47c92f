"""``smtptui explain``: the reply-code reference on the command line.

A renderer of :mod:`smtptui.reference` and nothing more. Human output wraps
to the terminal (CJK-aware) only when stdout is a terminal; piped output keeps
one field per line so it can be grepped. ``--json`` prints one object (or, with
``--list``, one object per line).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from typing import TYPE_CHECKING, NoReturn

import click

from smtptui.cli.common import display_width
from smtptui.i18n import LANGUAGES, resolve_lang, t

if TYPE_CHECKING:
    from smtptui.reference.explanation import Explanation

_KIND_COLOURS = {
    "success": "green",
    "intermediate": "cyan",
    "transient": "yellow",
    "permanent": "red",
}


@click.command("explain")
@click.argument("reply", required=False, metavar='CODE | ENHANCED | "REPLY LINE"')
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language (default: SMTPTUI_LANG, then the locale).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--command",
    "command",
    metavar="VERB",
    help="The command the reply answered: EHLO, MAIL, RCPT, AUTH, DATA, '.' (end of DATA), connect.",
)
@click.option(
    "--host",
    metavar="HOST",
    help="The server that sent it (e.g. smtp.qq.com), for vendor-specific meanings.",
)
@click.option(
    "--list",
    "list_all",
    is_flag=True,
    help="Print the whole table: basic, enhanced and vendor codes.",
)
@click.pass_context
def explain(
    ctx: click.Context,
    reply: str | None,
    lang: str | None,
    as_json: bool,
    command: str | None,
    host: str | None,
    list_all: bool,
) -> None:
    """Explain an SMTP reply code, an enhanced status code or a whole reply line.

    \b
    Examples:
      smtptui explain 535 --lang zh
      smtptui explain 5.7.8
      smtptui explain "550 5.1.1 <x@example.com>: Recipient address rejected" --command RCPT
      smtptui explain "535 Login Fail. Please enter your authorization code to login." --host smtp.qq.com
      smtptui explain --list --json
    """
    from smtptui.reference.explanation import ExplainContext, InputError
    from smtptui.reference.explanation import explain as explain_reply

    root_lang = ctx.find_root().params.get("lang")
    language = resolve_lang(lang or root_lang)
    if list_all:
        if reply is not None:
            _fail(ctx, "give either a code or --list, not both")
        _print_list(language, as_json)
        return
    if reply is None:
        _fail(ctx, 'missing CODE: try "smtptui explain 535" or "smtptui explain --list"')
    context = ExplainContext(command=command, host=host) if (command or host) else None
    try:
        result = explain_reply(reply, context, language)
    except InputError as exc:
        _fail(ctx, exc.message(language))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for line in render(result, width=_width()):
            click.echo(line)


def _fail(ctx: click.Context, message: str) -> NoReturn:
    click.echo(f"smtptui explain: {message}", err=True)
    ctx.exit(2)


def _width() -> int | None:
    """Wrap width for a terminal; ``None`` (no wrapping) when piped."""
    if not sys.stdout.isatty():
        return None
    return max(40, min(shutil.get_terminal_size((100, 24)).columns, 110))


# -- layout -------------------------------------------------------------------


_TOKEN = re.compile(r"[\w.,:;/@<>\-=+'\"()\[\]%#?!&*«»]+|\s+|.", re.ASCII)
_NO_LINE_START = set("，。、；：）」』》！？」·,.;:)»")


def wrap(text: str, width: int | None, indent: int) -> list[str]:
    """Wrap mixed Latin/CJK ``text`` to ``width`` columns, continuation lines
    indented by ``indent`` spaces; Chinese punctuation never starts a line."""
    if width is None:
        return [text]
    avail = max(20, width - indent)
    lines: list[str] = []
    cur, cur_w = "", 0
    for tok in _TOKEN.findall(text):
        w = display_width(tok)
        if tok.isspace():
            if cur:
                cur, cur_w = cur + " ", cur_w + 1
            continue
        if cur_w + w > avail and cur.strip() and tok[0] not in _NO_LINE_START:
            lines.append(cur.rstrip())
            cur, cur_w = "", 0
        cur, cur_w = cur + tok, cur_w + w
    if cur.strip():
        lines.append(cur.rstrip())
    pad = " " * indent
    return [lines[0], *(pad + ln for ln in lines[1:])] if lines else [""]


def _field(label: str, value: str, label_w: int, width: int | None) -> list[str]:
    head = "  " + label + " " * (label_w - display_width(label)) + "  "
    body = wrap(value, width, display_width(head))
    return [head + body[0], *body[1:]]


def render(e: Explanation, width: int | None = None) -> list[str]:
    """The human form of an :class:`~smtptui.reference.explanation.Explanation`."""
    lang = e.lang
    code = " ".join(str(x) for x in (e.code, e.enhanced) if x is not None)
    colour = _KIND_COLOURS.get(e.kind)
    out = [click.style(code, fg=colour, bold=True) + "  " + click.style(e.title, bold=True)]
    sep = t("ui.sep", lang)
    phases = sep.join(t(f"ui.phase.{p}", lang) for p in e.phases)
    kind = t(f"kind.{e.kind}", lang)
    if phases:
        kind += " · " + t("ui.phases_inline", lang, phases=phases)
    fields: list[tuple[str, str | list[str]]] = [("kind", kind)]
    if e.text:
        fields.append(("server_text", e.text))
    if e.decoded:
        fields.append(("decoded", e.decoded))
    fields.append(("explanation", e.explanation))
    if e.enhanced_title and e.enhanced_explanation:
        fields.append(("enhanced", [f"{e.enhanced} {e.enhanced_title}", e.enhanced_explanation]))
    if e.vendor and e.vendor_title and e.vendor_note:
        note = t("ui.vendor_inline", lang, vendor=e.vendor)
        fields.append(("vendor", [e.vendor_title, e.vendor_note, note]))
    if e.hint:
        fields.append(("hint", e.hint))
    if e.mismatch:
        fields.append(("mismatch", e.mismatch))
    if e.next_steps:
        fields.append(("next_steps", [f"• {s}" for s in e.next_steps]))
    if not e.registered and e.structure:
        fields.append(("structure", list(e.structure)))
    fields.append(("rfc", sep.join(e.rfc)))
    labels = {k: t(f"ui.label.{k}", lang) for k, _ in fields}
    label_w = max(display_width(v) for v in labels.values())
    for key, value in fields:
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            label = labels[key] if i == 0 else ""
            lines = _field(label, item, label_w, width)
            if key == "mismatch":
                lines = [click.style(ln, fg="red") for ln in lines]
            out.extend(lines)
    return out


def _print_list(lang: str, as_json: bool) -> None:
    from smtptui.reference.table import reference_table

    rows = reference_table(lang)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row.to_dict(), ensure_ascii=False))
        return
    headings = {
        "basic": "ui.heading.basic",
        "class": "ui.heading.classes",
        "subject": "ui.heading.subjects",
        "enhanced": "ui.heading.enhanced",
        "vendor": "ui.heading.vendor",
    }
    current = None
    for row in rows:
        if row.table != current:
            current = row.table
            if rows[0] is not row:
                click.echo("")
            click.echo(click.style(t(headings[current], lang), bold=True))
        label_w = {"basic": 34, "vendor": 20, "enhanced": 8}.get(row.table, 11)
        label = row.label + " " * max(1, label_w - display_width(row.label))
        sep = t("ui.sep", lang)
        extra = ""
        if row.table == "enhanced":
            extra = "  " + t("ui.assoc_inline", lang, codes=row.associated, rfc=sep.join(row.rfc))
        elif row.table == "basic":
            extra = f"  [{sep.join(row.rfc)}]"
        elif row.table == "vendor" and row.sample:
            sample = row.sample if len(row.sample) <= 72 else row.sample[:71] + "…"
            extra = f"  «{sample}»"
        elif row.table == "vendor":
            extra = "  " + t("ui.any_text_from", lang, hosts=sep.join(row.hosts))
        colour = _KIND_COLOURS.get(row.kind or "")
        click.echo(f"  {click.style(label, fg=colour)}{row.title}{extra}")
