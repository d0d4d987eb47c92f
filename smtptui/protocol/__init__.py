"""smtptui's own asyncio SMTP client.  No Textual or Rich here: a test imports this
package in a subprocess and checks that neither is loaded."""

from __future__ import annotations

from smtptui.protocol.lazy import lazy_exports

#: name -> module that defines it, loaded on first access (the TUI's first
#: frame needs none of the engine).
_EXPORTS: dict[str, str] = {
    "AuthError": "smtptui.protocol.errors",
    "Capabilities": "smtptui.protocol.capabilities",
    "ConnectError": "smtptui.protocol.errors",
    "DEFAULT_PORTS": "smtptui.protocol.config",
    "EnhancedCode": "smtptui.protocol.reply",
    "Phase": "smtptui.protocol.errors",
    "ProtocolError": "smtptui.protocol.errors",
    "Reply": "smtptui.protocol.reply",
    "ReplyError": "smtptui.protocol.errors",
    "ReplyParser": "smtptui.protocol.reply",
    "SECURITY_MODES": "smtptui.protocol.config",
    "Secret": "smtptui.protocol.secret",
    "SessionConfig": "smtptui.protocol.config",
    "SmtpError": "smtptui.protocol.errors",
    "SmtpTimeout": "smtptui.protocol.errors",
    "TlsConfig": "smtptui.protocol.config",
    "TlsError": "smtptui.protocol.errors",
    "UsageError": "smtptui.protocol.errors",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
