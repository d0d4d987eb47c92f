"""SMTP replies and the sans-I/O parser that turns server bytes into them.

The parser is deliberately strict about *bounds* and lenient about *form*:
LF-only line ends and non-UTF-8 text are tolerated (the raw bytes are kept), but
an over-long line, an endless reply or a reply mixing codes ends the session
with a :class:`ProtocolError` — a misbehaving server can never make us hang or
grow memory without limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtptui.protocol.errors import ProtocolError
from smtptui.protocol.text import escape_bytes

MAX_LINE_BYTES = 64 * 1024
MAX_REPLY_LINES = 1000
MAX_REPLY_BYTES = 1024 * 1024

_ENHANCED_RE = re.compile(rb"^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)")


@dataclass(frozen=True, slots=True)
class EnhancedCode:
    """An RFC 3463 enhanced status code: ``class.subject.detail``."""

    klass: int
    subject: int
    detail: int

    def __str__(self) -> str:
        return f"{self.klass}.{self.subject}.{self.detail}"

    @classmethod
    def parse(cls, text: str) -> EnhancedCode | None:
        """Parse ``"5.7.8"`` (surrounding text ignored); ``None`` when absent."""
        m = _ENHANCED_RE.match(text.strip().encode("ascii", "replace"))
        if not m:
            return None
        return cls(int(m[1]), int(m[2]), int(m[3]))


@dataclass(frozen=True, slots=True)
class Reply:
    """One complete server reply (possibly multi-line).

    ``lines`` holds the text after ``code`` and its separator for each line,
    decoded as UTF-8 with undecodable bytes kept as ``\\xNN`` escapes;
    ``raw`` is exactly what came off the wire.
    """

    code: int
    lines: tuple[str, ...]
    raw: bytes
    enhanced: EnhancedCode | None = None

    @property
    def text(self) -> str:
        """All lines joined with newlines (the enhanced code left in place)."""
        return "\n".join(self.lines)

    @property
    def message(self) -> str:
        """The first line's text without the enhanced code: a short summary."""
        first = self.lines[0] if self.lines else ""
        if self.enhanced is not None:
            first = first.strip()[len(str(self.enhanced)) :].strip()
        return first

    @property
    def kind(self) -> str:
        """``success``, ``intermediate``, ``transient`` or ``permanent``."""
        return {2: "success", 3: "intermediate", 4: "transient", 5: "permanent"}.get(
            self.code // 100, "unknown"
        )

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 400

    def display_lines(self) -> list[str]:
        """The reply as the server sent it, one display line per wire line,
        control characters and undecodable bytes shown escaped."""
        out = []
        for raw_line in self.raw.split(b"\n"):
            if raw_line.endswith(b"\r"):
                raw_line = raw_line[:-1]
            if raw_line or not out:
                out.append(escape_bytes(raw_line))
        while len(out) > 1 and out[-1] == "":
            out.pop()
        return out

    def summary(self) -> str:
        """The first line as sent (escaped), and how many more lines there are."""
        first = self.display_lines()[0] if self.raw else str(self.code)
        more = len(self.lines) - 1
        return first + (f" (+{more} more lines)" if more > 0 else "")

    def __str__(self) -> str:
        return "\n".join(self.display_lines())


class ReplyParser:
    """Incremental parser: ``feed(bytes)`` returns the replies completed so far.

    Any byte stream ends in a list of :class:`Reply` objects or a
    :class:`ProtocolError`; nothing else is raised and buffered memory is bounded
    by ``MAX_LINE_BYTES + MAX_REPLY_BYTES``.
    """

    __slots__ = ("_buf", "_code", "_known", "_lines", "_raw", "_size")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._lines: list[bytes] = []
        self._raw: list[bytes] = []
        self._size = 0
        self._code: bytes | None = None
        # one-line replies seen before, by their exact bytes: a bulk sender
        # gets the same few thousands of times.  Each is still a new Reply
        # (a screen may tell two identical replies apart by identity).
        self._known: dict[bytes, Reply] = {}

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a complete reply."""
        return len(self._buf) + self._size

    def feed(self, data: bytes) -> list[Reply]:
        buf = self._buf
        if buf:
            buf += data
            data = bytes(buf)
            buf.clear()
        replies: list[Reply] = []
        start = 0
        find = data.find
        known = self._known
        while True:
            nl = find(b"\n", start)
            if nl < 0:
                break
            if nl - start > MAX_LINE_BYTES:
                raise ProtocolError(
                    f"the server sent a reply line longer than {MAX_LINE_BYTES // 1024} KiB"
                )
            raw_line = data[start : nl + 1]
            start = nl + 1
            seen = known.get(raw_line) if self._code is None else None
            if seen is not None:
                reply = Reply(seen.code, seen.lines, seen.raw, seen.enhanced)
            else:
                reply = self._line(raw_line)
                if reply is None:
                    continue
            replies.append(reply)
        if start < len(data):
            if len(data) - start > MAX_LINE_BYTES:
                raise ProtocolError(
                    f"the server sent a reply line longer than {MAX_LINE_BYTES // 1024} KiB"
                )
            buf += data[start:]
        return replies

    def _line(self, raw_line: bytes) -> Reply | None:
        line = raw_line.rstrip(b"\r\n")
        if len(line) < 3 or not line[:3].isdigit() or line[0] not in b"12345":
            raise ProtocolError(
                f"malformed reply line from the server: {escape_bytes(line[:80])!r}"
            )
        sep = line[3:4]
        if sep not in (b"", b" ", b"-"):
            raise ProtocolError(
                f"malformed reply line from the server (no space or '-' after the code): "
                f"{escape_bytes(line[:80])!r}"
            )
        code = line[:3]
        if sep != b"-" and self._code is None:  # the common case: a one-line reply
            reply = _make_reply(int(code), [line[4:]], raw_line)
            if len(self._known) < 256:
                self._known[raw_line] = reply
            return reply
        if self._code is not None and code != self._code:
            raise ProtocolError(
                f"the server mixed reply codes {self._code.decode()} and {code.decode()} "
                "in one multi-line reply"
            )
        self._code = code
        self._lines.append(line[4:])
        self._raw.append(raw_line)
        self._size += len(raw_line)
        if len(self._lines) > MAX_REPLY_LINES:
            raise ProtocolError(f"the server sent a reply of more than {MAX_REPLY_LINES} lines")
        if self._size > MAX_REPLY_BYTES:
            raise ProtocolError("the server sent a reply larger than 1 MiB")
        if sep == b"-":
            return None
        return self._finish()

    def _finish(self) -> Reply:
        assert self._code is not None
        reply = _make_reply(int(self._code), self._lines, b"".join(self._raw))
        self._lines = []
        self._raw = []
        self._size = 0
        self._code = None
        return reply


def _make_reply(code: int, lines: list[bytes], raw: bytes) -> Reply:
    enhanced = None
    if code // 100 in (2, 4, 5) and lines and lines[0][:1] in b"245" and lines[0][1:2] == b".":
        m = _ENHANCED_RE.match(lines[0])
        if m:
            enhanced = EnhancedCode(int(m[1]), int(m[2]), int(m[3]))
    texts = (_decode(lines[0]),) if len(lines) == 1 else tuple(_decode(b) for b in lines)
    return Reply(code=code, lines=texts, raw=raw, enhanced=enhanced)


def _decode(b: bytes) -> str:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("utf-8", "backslashreplace")
