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
}
