"""Building correct RFC 5322 messages, and reading received ones back.

The builder exists so a test mail never arrives broken: no injected headers, no
raw 8-bit bytes where a server expects 7-bit, no missing Subject or body.  The
reader exists for the other side — the demo server — to show a learner what
arrived *and* what is wrong with it (no blank line after the headers, bare LFs,
8-bit bytes without MIME headers...).  Only the stdlib ``email`` package is used.

Callers import from here; the submodules are :mod:`.addresses` (field checks),
:mod:`.build` (drafts to bytes) and :mod:`.received` (bytes to a summary).  Each
is loaded when one of its names is first used: checking an address must not
pay for the ``email`` package (the composer's first drawing does not need it).
"""

from __future__ import annotations

from smtptui.protocol.lazy import lazy_exports

#: name -> module that defines it, loaded on first access.
_EXPORTS: dict[str, str] = {
    "AddressField": "smtptui.message.build",
    "Attachment": "smtptui.message.received",
    "BuiltMessage": "smtptui.message.build",
    "DEFAULT_BODY": "smtptui.message.build",
    "DEFECT_TEXT": "smtptui.message.received",
    "Defect": "smtptui.message.received",
    "Envelope": "smtptui.protocol.envelope",
    "MessageDraft": "smtptui.message.build",
    "MessageError": "smtptui.message.addresses",
    "POLICY_7BIT": "smtptui.message.build",
    "POLICY_UTF8": "smtptui.message.build",
    "ReceivedSummary": "smtptui.message.received",
    "build_message": "smtptui.message.build",
    "html_to_text": "smtptui.message.received",
    "is_internationalised": "smtptui.message.addresses",
    "parse_address_list": "smtptui.message.addresses",
    "parse_header_line": "smtptui.message.addresses",
    "parse_mailbox": "smtptui.message.addresses",
    "parse_received": "smtptui.message.received",
    "validate_address": "smtptui.message.addresses",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
