"""The TLS view: one server's certificate chain, verdict and DANE (and, when
given, its configuration scan), as the ``smtptui tls`` command prints them.

Self-contained on purpose: it takes plain data — a
:class:`~smtptui.inspection.report.TlsReport`, optionally a
:class:`~smtptui.inspection.scan.ScanReport`, and the language — and knows
nothing about sessions or profiles, so whoever opens it (a key on the current
session, the fleet view) only gathers the report.  The sentences come from
:func:`~smtptui.inspection.report.report_lines` and
:func:`~smtptui.inspection.report.scan_lines`, so the screen and the CLI never
disagree.  ``l`` switches English / 中文, ``p`` shows the chain as PEM,
``escape`` closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from smtptui.i18n import t
from smtptui.ui.widgets.indented_text import IndentedText

if TYPE_CHECKING:
    from smtptui.inspection.report import TlsReport
    from smtptui.inspection.scan import ScanReport

_STYLES = {"head": "bold", "ok": "green", "warn": "dark_orange", "bad": "bold red"}


def report_text(report: TlsReport, scan: ScanReport | None, lang: str, *, pem: bool) -> Text:
    """The whole view as one Rich text (also what the Pilot test reads)."""
    from smtptui.inspection.report import report_lines, scan_lines

    text = Text()
    if pem:
        text.append(report.pem())
        return text
    lines = report_lines(report, lang)
    if scan is not None:
        lines = [*lines, ("", ""), *scan_lines(scan, lang)]
    for i, (style, line) in enumerate(lines):
        if i:
            text.append("\n")
        text.append(line, style=_STYLES.get(style, ""))
    return text


class TlsViewScreen(ModalScreen[None]):
    """See the module docstring."""

    DEFAULT_CSS = """
    TlsViewScreen { align: center middle; }
    TlsViewScreen > #tls-frame {
        width: 92%; height: 92%; min-width: 60; max-width: 160;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    TlsViewScreen #tls-title { text-style: bold; width: 1fr; padding: 0 1; background: $boost; }
    TlsViewScreen #tls-scroll { height: 1fr; }
    TlsViewScreen #tls-keys { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="tls_view.close"),
        Binding("l", "language", "English / 中文", id="tls_view.language"),
        Binding("p", "toggle_pem", "PEM", id="tls_view.pem"),
    ]

    def __init__(
        self, report: TlsReport, *, lang: str = "en", scan: ScanReport | None = None
    ) -> None:
        super().__init__()
        self.report = report
        self.scan = scan
        self.lang = lang
        self.pem = False

    def compose(self) -> ComposeResult:
        with Vertical(id="tls-frame"):
            yield Label(self._title(), id="tls-title")
            with VerticalScroll(id="tls-scroll"):
                yield IndentedText(self._body(), id="tls-body")
            yield Label(t("inspect.view.keys", self.lang), id="tls-keys")

    def _title(self) -> str:
        return t("inspect.view.title", self.lang, target=self.report.target)

    def _body(self) -> Text:
        return report_text(self.report, self.scan, self.lang, pem=self.pem)

    def _refresh(self) -> None:
        self.query_one("#tls-title", Label).update(self._title())
        self.query_one("#tls-body", IndentedText).update(self._body())
        self.query_one("#tls-keys", Label).update(t("inspect.view.keys", self.lang))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self._refresh()

    def action_toggle_pem(self) -> None:
        self.pem = not self.pem
        self._refresh()
