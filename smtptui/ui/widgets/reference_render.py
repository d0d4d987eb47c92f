"""The reference pane's words: reference rows and explanations as Rich text.

Pure rendering of :mod:`smtptui.reference` values -- table cells, the
explanation of a reply, the description of a row -- in one language, with the
styles the pane resolves from its component classes (so a theme change is the
pane's business, not this module's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from smtptui.i18n import has, t

if TYPE_CHECKING:
    from smtptui.reference.explanation import Explanation
    from smtptui.reference.table import TableRow

KIND_GLYPHS = {"success": "✓", "intermediate": "…", "transient": "↻", "permanent": "✗"}
#: Catalogue heading (``ui.heading.*``) of each table of the reference.
HEADINGS = {"basic": "basic", "class": "classes", "subject": "subjects", "enhanced": "enhanced", "vendor": "vendor"}  # fmt: skip
ENHANCED_RE = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")


def code_text(row: TableRow) -> str:
    """The code column: ``535 5.7.8`` (a basic row's variant shows in its title)."""
    if row.table == "basic":
        return f"{row.code} {row.enhanced}" if row.enhanced else str(row.code)
    return row.label


def row_matches(row: TableRow, terms: list[str]) -> bool:
    """Every filter term is in the row's text, or is an enhanced code
    (``5.7.8``) whose subject/detail or class rows this row is."""
    hay = f"{code_text(row)} {row.label} {row.title} {row.vendor or ''}".lower()
    for term in terms:
        if term in hay:
            continue
        m = ENHANCED_RE.fullmatch(term)
        if m is None:
            return False
        k, s, d = m.groups()
        if row.label.lower() not in (f"x.{s}.{d}", f"x.{s}.yyy", f"{k}.xxx.yyy"):
            return False
    return True


def row_for(rows: tuple[TableRow, ...], e: Explanation) -> str | None:
    """The most specific row for an explained reply: the vendor's own,
    else the basic variant explain chose, else the code's general row,
    else the enhanced detail, else (an unregistered code) its class."""
    if e.vendor_title:
        for i, row in enumerate(rows):
            if row.table == "vendor" and row.title == e.vendor_title:
                return str(i)
    general = None
    for i, row in enumerate(rows):
        if row.table == "basic" and row.code == e.code:
            if row.title == e.title:
                return str(i)
            general = general or str(i)
    if general is None and e.enhanced:
        _, s, d = e.enhanced.split(".")
        for i, row in enumerate(rows):
            if row.table == "enhanced" and row.label == f"X.{s}.{d}":
                return str(i)
    if general is None and e.code is not None:
        label = f"{e.code // 100}.XXX.YYY"
        general = next((str(i) for i, r in enumerate(rows) if r.label == label), None)
    return general


class ReferenceRenderer:
    """Renders rows and explanations in ``lang``; ``style`` names a
    ``reference--*`` component class and returns its Rich style."""

    def __init__(self, lang: str, style: Callable[[str], Style]) -> None:
        self.lang = lang
        self._style = style

    def cell(self, text: str, style: str | None) -> Text:
        rich_style = self._style(style) if style else Style()
        return Text(text, style=rich_style, no_wrap=True, overflow="ellipsis", end="")

    def row_cells(self, row: TableRow) -> tuple[Text, Text, Text]:
        kind = row.kind or "none"
        code_style = "vendor" if row.table == "vendor" else (kind if row.kind else None)
        return (
            self.cell(code_text(row), code_style),
            self.cell(KIND_GLYPHS.get(kind, "·"), kind),
            self.cell(row.title, None),
        )

    def heading_cells(self, section: str) -> tuple[Text, Text, Text]:
        heading = t(f"ui.heading.{HEADINGS[section]}", self.lang)
        return (Text("──", style=self._style("heading")), Text(""), self.cell(heading, "heading"))

    def _field(self, out: Text, key: str, value: str, style: str | None = None) -> None:
        colon = t("pane.reference.colon", self.lang)
        out.append(f"\n{t(f'ui.label.{key}', self.lang)}{colon}", style=self._style("label"))
        out.append(value, style=self._style(style) if style else "")

    def explanation(self, e: Explanation, origin: str) -> Text:
        lang = self.lang
        out = Text()
        phase = e.phase
        if phase:
            phase = t(f"ui.phase.{phase}", lang) if has(f"ui.phase.{phase}") else phase
        out.append(
            f"▸ {origin}" + (f" · {phase}" if phase else "") + "\n", style=self._style("muted")
        )
        code = " ".join(str(x) for x in (e.code, e.enhanced) if x is not None)
        kind_style = self._style(e.kind if e.kind in KIND_GLYPHS else "none")
        out.append(
            f"{code} {KIND_GLYPHS.get(e.kind, '·')} {t(f'kind.{e.kind}', lang)}\n",
            style=kind_style + Style(bold=True),
        )
        out.append(e.title, style=Style(bold=True))
        if e.mismatch:
            style = "mismatch" if e.mismatch_severity == "error" else "note"
            out.append("\n")
            label = t("ui.label.mismatch", lang) + t("pane.reference.colon", lang)
            out.append(f" ⚠ {label}{e.mismatch} ", style=self._style(style))
        if e.text:
            self._field(out, "server_text", e.text, "muted")
        if e.decoded:
            self._field(out, "decoded", e.decoded, "hint")
        if e.hint:
            self._field(out, "hint", e.hint, "hint")
        self._field(out, "explanation", e.explanation)
        if e.extensions:
            self._field(out, "extensions", "\n" + "\n".join(e.extensions))
        if e.enhanced_title and e.enhanced_explanation:
            self._field(
                out, "enhanced", f"{e.enhanced} {e.enhanced_title}\n{e.enhanced_explanation}"
            )
        if e.vendor and e.vendor_title:
            note = t("ui.vendor_inline", lang, vendor=e.vendor)
            parts = (e.vendor_title, e.vendor_note, note)
            self._field(out, "vendor", "\n".join(p for p in parts if p), "vendor")
        self._steps(out, e.next_steps)
        if not e.registered and e.structure:
            self._field(out, "structure", "\n".join(e.structure))
        if e.rfc:
            self._field(out, "rfc", t("ui.sep", lang).join(e.rfc), "muted")
        return out

    def _steps(self, out: Text, steps: tuple[str, ...]) -> None:
        if steps:
            colon = t("pane.reference.colon", self.lang).rstrip()
            out.append(
                f"\n{t('ui.label.next_steps', self.lang)}{colon}", style=self._style("label")
            )
            for step in steps:
                out.append(f"\n • {step}")

    def heading(self, section: str) -> Text:
        out = Text()
        if section in HEADINGS:
            out.append(
                t(f"ui.heading.{HEADINGS[section]}", self.lang), style=self._style("heading")
            )
        return out

    def row(self, row: TableRow) -> Text:
        lang = self.lang
        out = Text()
        kind = row.kind or "none"
        head = row.label
        if kind != "none":
            head += f" {KIND_GLYPHS.get(kind, '·')} {t(f'kind.{kind}', lang)}"
        out.append(head + "\n", style=self._style(kind) + Style(bold=True))
        out.append(row.title, style=Style(bold=True))
        if row.vendor:
            out.append(
                "\n" + t("ui.vendor_inline", lang, vendor=row.vendor), style=self._style("vendor")
            )
        if row.sample:
            self._field(out, "sample", row.sample, "muted")
        if row.phases:
            phases = t("ui.sep", lang).join(
                t(f"ui.phase.{p}", lang) for p in row.phases if has(f"ui.phase.{p}")
            )
            self._field(out, "phases", phases)
        self._field(out, "explanation", row.explanation)
        self._steps(out, row.next_steps)
        refs = t("ui.sep", lang).join(row.rfc)
        if row.associated:
            out.append(
                "\n" + t("ui.assoc_inline", lang, codes=row.associated, rfc=refs),
                style=self._style("muted"),
            )
        elif refs:
            self._field(out, "rfc", refs, "muted")
        return out
