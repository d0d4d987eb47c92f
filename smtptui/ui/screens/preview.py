"""The DATA preview: exactly the bytes that go on the wire after ``354``.

The payload comes from :func:`smtptui.protocol.data.data_payload` — the same
function the engine sends with — so the headers, the blank line, the
dot-stuffed body and the final ``.`` shown here are the real thing.  Line ends
are marked with a dim ``\\r\\n`` and a few lines carry a short note for learners;
``c`` hides both to show the bare text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.widgets import Static

from smtptui.i18n import t
from smtptui.protocol.data import data_payload
from smtptui.ui.keys import bindings

if TYPE_CHECKING:
    from smtptui.message import BuiltMessage
    from smtptui.protocol.capabilities import Capabilities

CRLF_MARK = "\\r\\n"
MAX_LINE = 998  # RFC 5321 §4.5.3.1.6, without the CRLF
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class PayloadLine:
    """One wire line (without its CRLF): its text for display and what it is."""

    text: str
    kind: str  # header | blank | body | stuffed | end
    size: int  # bytes on the wire, CRLF excluded

    def note(self, lang: str = "en") -> str:
        """The learner's note for this line ("" for none), in ``lang``."""
        if self.size > MAX_LINE:
            return t("screen.preview.note.long", lang, size=self.size)
        if self.kind in ("blank", "stuffed", "end"):
            return t(f"screen.preview.note.{self.kind}", lang)
        return ""


def _printable(raw: bytes) -> str:
    text = raw.decode("utf-8", "backslashreplace").expandtabs(8)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def payload_lines(payload: bytes) -> list[PayloadLine]:
    """Split a DATA payload (CRLF everywhere, ending ``.\\r\\n``) into lines."""
    raw_lines = payload.split(b"\r\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    lines: list[PayloadLine] = []
    in_headers = True
    last = len(raw_lines) - 1
    for i, raw in enumerate(raw_lines):
        if i == last and raw == b".":
            kind = "end"
        elif raw.startswith(b"."):
            kind = "stuffed"
        elif in_headers and raw == b"":
            kind, in_headers = "blank", False
        else:
            kind = "header" if in_headers else "body"
        lines.append(PayloadLine(_printable(raw), kind, len(raw)))
    return lines


class DataView(ScrollView, can_focus=True):
    """The payload's lines; only the visible ones are rendered, so a message
    with large attachments scrolls as smoothly as a short one."""

    ALLOW_SELECT = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "data--header-name",
        "data--header",
        "data--body",
        "data--stuffed",
        "data--end",
        "data--crlf",
        "data--note",
        "data--long",
    }

    DEFAULT_CSS = """
    DataView {
        background: $surface;
        & > .data--header-name { color: $accent; text-style: bold; }
        & > .data--header { color: $foreground; }
        & > .data--body { color: $foreground; }
        & > .data--stuffed { color: $warning; text-style: bold; }
        & > .data--end { color: $success; text-style: bold; }
        & > .data--crlf { color: $text-disabled; }
        & > .data--note { color: $text-secondary; text-style: italic; }
        & > .data--long { color: $error; }
    }
    """

    def __init__(
        self, lines: list[PayloadLine], *, lang: str = "en", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.lines = lines
        self.notes = [line.note(lang) for line in lines]
        self.show_marks = True
        self._measure()

    def _measure(self) -> None:
        extra = len(CRLF_MARK) + 2 if self.show_marks else 0
        width = 0
        for line, note in zip(self.lines, self.notes, strict=True):
            w = cell_len(line.text) + extra
            if self.show_marks and note:
                w += 6 + cell_len(note)
            width = max(width, w)
        self.virtual_size = Size(width, len(self.lines))

    def toggle_marks(self) -> None:
        self.show_marks = not self.show_marks
        self._measure()
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"data--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index]
        parts: list[tuple[str, Style]] = []
        if line.kind == "header" and ":" in line.text and not line.text[:1].isspace():
            name, _, rest = line.text.partition(":")
            parts += [(name + ":", self._style("header-name")), (rest, self._style("header"))]
        elif line.kind in ("stuffed", "end"):
            parts += [(line.text[:1], self._style(line.kind)), (line.text[1:], self._style("body"))]
        else:
            parts.append((line.text, self._style("body")))
        if self.show_marks:
            parts.append((CRLF_MARK, self._style("crlf")))
            if note := self.notes[index]:
                style = self._style("long") if line.size > MAX_LINE else self._style("note")
                parts.append((f"  ← {note}", style))
        segments = [Segment(text, base + style) for text, style in parts if text]
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            segments = self._select(segments, span)
        return (
            Strip(segments)
            .crop_extend(scroll_x, scroll_x + width, base)
            .apply_offsets(scroll_x, index)
        )

    def _select(self, segments: list[Segment], span: tuple[int, int]) -> list[Segment]:
        start, end = span
        highlight = self.screen.get_component_rich_style("screen--selection")
        if end == -1:
            end = sum(len(s.text) for s in segments)
        out: list[Segment] = []
        pos = 0
        for seg in segments:
            text, style = seg.text, seg.style or Style()
            seg_end = pos + len(text)
            a, b = max(start, pos), min(end, seg_end)
            if a >= b:
                out.append(seg)
            else:
                out += [
                    Segment(text[: a - pos], style),
                    Segment(text[a - pos : b - pos], style + highlight),
                    Segment(text[b - pos :], style),
                ]
            pos = seg_end
        return [s for s in out if s.text]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """Selected text without the CRLF marks and notes (they are not bytes)."""
        return selection.extract("\n".join(line.text for line in self.lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()


def envelope_text(built: BuiltMessage, bcc: list[str], lang: str = "en") -> str:
    lines = [f"MAIL FROM:<{built.envelope.sender}>"]
    bcc_note = "   " + t("screen.preview.bcc", lang)
    for rcpt in built.envelope.recipients:
        lines.append(f"RCPT TO:<{rcpt}>" + (bcc_note if rcpt in bcc else ""))
    return "\n".join(lines)


def extension_notes(
    built: BuiltMessage, capabilities: Capabilities | None, lang: str = "en"
) -> list[str]:
    """What the message needs from the server, and whether this one offers it."""

    def offered(flag: bool) -> str:
        if capabilities is None:
            return ""
        return t("screen.preview.offered" if flag else "screen.preview.not_offered", lang)

    notes = []
    if built.needs_smtputf8:
        notes.append(
            t("screen.preview.smtputf8", lang)
            + offered(bool(capabilities and capabilities.smtputf8))
        )
    if built.eight_bit:
        notes.append(
            t("screen.preview.8bitmime", lang)
            + offered(bool(capabilities and capabilities.eightbitmime))
        )
    if not notes:
        notes.append(t("screen.preview.7bit", lang))
    if capabilities is not None and capabilities.size:
        notes.append(t("screen.preview.size_limit", lang, size=f"{capabilities.size:,}"))
    return notes


class PreviewScreen(ModalScreen[None]):
    """The bytes after 354, the envelope, and the extensions the message needs."""

    DEFAULT_CSS = """
    PreviewScreen { align: center middle; }
    PreviewScreen > Vertical {
        width: 96%; height: 94%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PreviewScreen #preview-summary { text-style: bold; }
    PreviewScreen #preview-envelope { color: $text-accent; max-height: 6; overflow-y: auto; }
    PreviewScreen #preview-notes { color: $text-muted; }
    PreviewScreen #preview-data { height: 1fr; border-top: solid $panel-lighten-2; }
    PreviewScreen #preview-keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("preview")

    def __init__(
        self,
        built: BuiltMessage,
        *,
        bcc: list[str] | None = None,
        capabilities: Capabilities | None = None,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.lang = lang
        self.built = built
        self.payload = data_payload(built.data)
        self.lines = payload_lines(self.payload)
        self.bcc = bcc or []
        self.capabilities = capabilities

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("screen.preview.title", self.lang)
            yield Static(self.summary, id="preview-summary", markup=False)
            yield Static(
                envelope_text(self.built, self.bcc, self.lang), id="preview-envelope", markup=False
            )
            yield Static(
                "\n".join(extension_notes(self.built, self.capabilities, self.lang)),
                id="preview-notes",
                markup=False,
            )
            yield DataView(self.lines, lang=self.lang, id="preview-data")
            yield Static(t("screen.preview.keys", self.lang), id="preview-keys", markup=False)

    @property
    def summary(self) -> str:
        stuffed = sum(1 for line in self.lines if line.kind == "stuffed")
        extra = t("screen.preview.stuffed", self.lang, n=stuffed) if stuffed else ""
        return t(
            "screen.preview.summary",
            self.lang,
            wire=f"{len(self.payload):,}",
            lines=f"{len(self.lines):,}",
            stuffed=extra,
            size=f"{self.built.size:,}",
        )

    def on_mount(self) -> None:
        self.query_one(DataView).focus()

    def action_toggle_marks(self) -> None:
        self.query_one(DataView).toggle_marks()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.payload.decode("utf-8", "replace"))
        self.notify(t("screen.preview.copied", self.lang, size=f"{len(self.payload):,}"), timeout=2)
