"""Find a mail domain's SMTP servers from an email address.

Mozilla autoconfig (the domain's own, then the Thunderbird ISPDB), MX records and
MTA-STS, all at once and each bounded in time, size and redirects; see
:mod:`smtptui.discovery.core`.  httpx and dnspython are imported only when
:func:`discover` runs, so importing this package is cheap (a test checks).
No Textual or Rich here.
"""

from __future__ import annotations

from smtptui.discovery.autoconfig import parse_autoconfig
from smtptui.discovery.core import (
    DEFAULT_ISPDB_URL,
    DEFAULT_TIMEOUT,
    discover,
    ispdb_location,
    split_address,
)
from smtptui.discovery.fetch import MAX_BYTES, MAX_REDIRECTS
from smtptui.discovery.model import (
    Candidate,
    DiscoveryError,
    DiscoveryResult,
    MtaStsPolicy,
    SourceReport,
)
from smtptui.discovery.mtasts import parse_policy, parse_sts_txt, policy_warnings

__all__ = [
    "DEFAULT_ISPDB_URL",
    "DEFAULT_TIMEOUT",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "Candidate",
    "DiscoveryError",
    "DiscoveryResult",
    "MtaStsPolicy",
    "SourceReport",
    "discover",
    "ispdb_location",
    "parse_autoconfig",
    "parse_policy",
    "parse_sts_txt",
    "policy_warnings",
    "split_address",
]
