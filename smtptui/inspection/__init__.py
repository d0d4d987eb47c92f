"""The mail admin's inspector: where a domain's mail goes (MX routing), what its
servers present over TLS (the whole certificate chain, verified and
explained), whether DNS pins it (DANE), and how the servers' TLS is configured
(a scan of versions, cipher suites and groups).

Textual-free, like the protocol engine it builds on: the CLI and the TUI both
render what these modules find.  Heavy imports (pyOpenSSL, cryptography,
dnspython) happen inside the functions that need them, never at import time.
"""

from __future__ import annotations
