"""The dialogs' and screens' words (English)."""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "screen.password.title": "Password for [b]$user[/b] at $where",
    "screen.password.hint": "Sent only inside TLS, never shown, never written to disk. QQ / 163 mail: use the authorization code (授权码), not the account password.",
    "screen.password.instead": "The profile's password source failed: {reason}. Type the password instead (for this run only).",
    "screen.password.placeholder": "password",
    "screen.password.remember": "Remember for this session (memory only)",
    "screen.password.cancel": "Cancel",
    "screen.password.connect": "Connect",
    "screen.confirm.delete": "Delete",
    "screen.confirm.cancel": "Cancel",
    "screen.help.title": "smtptui — every key",
    "screen.help.hint": "Escape, q or F1 closes. Remap any key by its id in keymap.toml (see the README); ctrl+p searches every action by name.",
    "screen.palette.connect": "Connect {name}",
    "screen.palette.show": "Show {name}",
    "screen.palette.show_help": "switch to {name}'s session",
    "screen.palette.edit": "Edit profile {name}",
}
