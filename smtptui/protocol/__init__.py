"""smtptui's own asyncio SMTP client.  No Textual or Rich here: a test imports this
package in a subprocess and checks that neither is loaded."""

from smtptui.protocol.capabilities import Capabilities
from smtptui.protocol.config import DEFAULT_PORTS, SECURITY_MODES, SessionConfig, TlsConfig
from smtptui.protocol.errors import (
    AuthError,
    ConnectError,
    Phase,
    ProtocolError,
    ReplyError,
    SmtpError,
    SmtpTimeout,
    TlsError,
    UsageError,
)
from smtptui.protocol.reply import EnhancedCode, Reply, ReplyParser
from smtptui.protocol.secret import Secret

__all__ = [
    "DEFAULT_PORTS",
    "SECURITY_MODES",
    "AuthError",
    "Capabilities",
    "ConnectError",
    "EnhancedCode",
    "Phase",
    "ProtocolError",
    "Reply",
    "ReplyError",
    "ReplyParser",
    "Secret",
    "SessionConfig",
    "SmtpError",
    "SmtpTimeout",
    "TlsConfig",
    "TlsError",
    "UsageError",
]
