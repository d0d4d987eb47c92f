"""Messages of the command line itself: the launcher, completion, --version, help (English)."""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "cli.no_terminal": (
        "the dashboard needs a terminal and {stream} is not one; in scripts, use a command: "
        "{commands} (smtptui --help tells more)"
    ),
    "cli.stream.stdin": "standard input",
    "cli.stream.stdout": "standard output",
    "cli.version.missing": "not installed",
    "cli.completion.demo": "built-in demo server",
    "cli.help.unknown": "no command '{command}': see smtptui --help",
    "cli.skipped": "skipped: {error}",
    "cli.not_saved": "results not saved: {error}",
    "cli.check.scan_needs_all": "--scan goes with --all; for one server use: smtptui tls TARGET --scan",
    "cli.check.target_and_all": "give either a TARGET or --all, not both",
    "cli.check.no_target": "name a TARGET (a profile, host[:port] or @domain), or use --all",
    "cli.check.passed": "check passed: {summary}",
    "cli.check.authenticated": "authenticated as {user}",
    "cli.check.none": "no profiles to check (see: smtptui profiles list)",
    "cli.check.none_tagged": "no profiles tagged {tags} to check (see: smtptui profiles list)",
    "cli.check.single_options": "{options} names one server or login; with --all each profile's own is used",
    "cli.check.progress": "checked {count}/{total}{failed}",
    "cli.check.progress_failed": ", {n} failed",
    "cli.check.col.profile": "PROFILE",
    "cli.check.col.address": "ADDRESS",
    "cli.check.col.result": "RESULT",
    "cli.check.col.total": "TOTAL",
    "cli.check.col.cert": "CERT",
    "cli.check.col.extensions": "EXTENSIONS",
    "cli.check.col.scan": "TLS SCAN",
    "cli.check.summary": "{n} profiles: {ok} ok, {failed} failed ({s} s)",
    "cli.check.scan_heading": "{profile} ({address}) TLS scan:",
    "cli.check.untrusted": "{days} untrusted",
    "cli.check.unverified": "{days} unverified",
    "cli.check.helo_only": "HELO only",
    "cli.compare.usage": "compare two targets (compare A B), or one with its last check (compare A --last)",
    "cli.compare.no_saved": "no saved check of {name!r} to compare with; this one is saved now, so run the same command again later",
}
