"""Many servers at once: health checks, saved results, comparisons, load tests
and swaks export.  Domain code for the CLI and the TUI's dashboard alike.

No Textual or Rich here, and nothing heavy at import time (aiosmtpd,
cryptography and platformdirs load when they are needed); a test imports this
package in a subprocess and checks.

* :func:`check_many` / :func:`stream_checks` / :func:`check_profile` -> :class:`CheckResult`
* :class:`ResultStore` -- saved results per profile, for ``--last`` and sparklines
* :func:`compare_results` -> :class:`Comparison` of two results
* :class:`LoadTest` / :func:`run_load` -> :class:`LoadReport`
* :func:`swaks_command` -> :class:`SwaksCommand`
"""

from __future__ import annotations

from smtptui.fleet.batch import (
    DEFAULT_CONCURRENCY,
    DEFAULT_PER_SERVER,
    check_many,
    stream_checks,
)
from smtptui.fleet.compare import Comparison, Row, compare_results
from smtptui.fleet.health import DEFAULT_TIMEOUT, check_profile, phase_latencies
from smtptui.fleet.history import ResultStore
from smtptui.fleet.load import LoadPlan, LoadProgress, LoadReport, LoadTest, run_load
from smtptui.fleet.results import (
    EXPIRY_WARNING_DAYS,
    PHASES,
    CapabilityFacts,
    CheckResult,
    Explained,
    PhaseLatencies,
    ReplyFacts,
    TlsFacts,
)
from smtptui.fleet.swaks import (
    SwaksAuth,
    SwaksCommand,
    SwaksExportError,
    SwaksMessage,
    swaks_command,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PER_SERVER",
    "DEFAULT_TIMEOUT",
    "EXPIRY_WARNING_DAYS",
    "PHASES",
    "CapabilityFacts",
    "CheckResult",
    "Comparison",
    "Explained",
    "LoadPlan",
    "LoadProgress",
    "LoadReport",
    "LoadTest",
    "PhaseLatencies",
    "ReplyFacts",
    "ResultStore",
    "Row",
    "SwaksAuth",
    "SwaksCommand",
    "SwaksExportError",
    "SwaksMessage",
    "TlsFacts",
    "check_many",
    "check_profile",
    "compare_results",
    "phase_latencies",
    "run_load",
    "stream_checks",
    "swaks_command",
]
