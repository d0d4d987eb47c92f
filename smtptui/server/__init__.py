"""The built-in demo SMTP server (``smtptui serve`` and the app's demo profile).

Importing this package is cheap: aiosmtpd and cryptography load only when a
server starts.  No Textual or Rich here.
"""

from smtptui.server.config import ReceivedMessage, ServerConfig, ServerStartError
from smtptui.server.demo import DemoServer

__all__ = ["DemoServer", "ReceivedMessage", "ServerConfig", "ServerStartError"]
