"""Building correct RFC 5322 messages, and reading received ones back.

The builder exists so a test mail never arrives broken: no injected headers, no
raw 8-bit bytes where a server expects 7-bit, no missing Subject or body.  The
reader exists for the other side — the demo server — to show a learner what
arrived *and* what is wrong with it (no blank line after the headers, bare LFs,
8-bit bytes without MIME headers...).  Only the stdlib ``email`` package is used.

Callers import from here; the submodules are :mod:`.addresses` (field checks),
:mod:`.build` (drafts to bytes) and :mod:`.received` (bytes to a summary).
"""

from __future__ import annotations

from smtptui.message.addresses import (
    MessageError,
    is_internationalised,
    parse_address_list,
    parse_header_line,
    parse_mailbox,
    validate_address,
)
from smtptui.message.build import (
    DEFAULT_BODY,
    POLICY_7BIT,
    POLICY_UTF8,
    AddressField,
    BuiltMessage,
    MessageDraft,
    build_message,
)
from smtptui.message.received import (
    DEFECT_TEXT,
    Attachment,
    Defect,
    ReceivedSummary,
    html_to_text,
    parse_received,
)
from smtptui.protocol.envelope import Envelope

__all__ = [
    "DEFAULT_BODY",
    "DEFECT_TEXT",
    "POLICY_7BIT",
    "POLICY_UTF8",
    "AddressField",
    "Attachment",
    "BuiltMessage",
    "Defect",
    "Envelope",
    "MessageDraft",
    "MessageError",
    "ReceivedSummary",
    "build_message",
    "html_to_text",
    "is_internationalised",
    "parse_address_list",
    "parse_header_line",
    "parse_mailbox",
    "parse_received",
    "validate_address",
]
