"""What is wrong with a received message, for the demo inbox (the English texts
are the message parser's own)."""

from smtptui.message.received import DEFECT_TEXT

MESSAGES: dict[str, str | tuple[str, ...]] = {
    f"defect.{code}": text for code, text in DEFECT_TEXT.items()
}
