"""Messages the dashboard's panes and screens send to the app.

Widgets and screens never reach into the app: they post one of these (with
the data the app needs) and the app — the only module that knows every
pane — acts on the workspace and repaints.  This module imports nothing of
the UI, so any widget can use it without an import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from smtptui.message import BuiltMessage
    from smtptui.profiles import Profile
    from smtptui.workspace.draft import ComposerFields


class DraftChanged(Message):
    """The composer's fields changed (debounced): the workspace keeps the draft."""

    def __init__(self, fields: ComposerFields) -> None:
        super().__init__()
        self.fields = fields


class PreviewRequested(Message):
    """Show exactly the bytes that follow ``354``."""

    def __init__(self, built: BuiltMessage, bcc: list[str]) -> None:
        super().__init__()
        self.built = built
        self.bcc = bcc


class AuthHelperRequested(Message):
    """Open the AUTH helper for the current session."""


class OpenProfile(Message):
    """Show ``name``'s session (from the fleet view), with a finished check's
    conversation as its transcript when no session of it is live."""

    def __init__(self, name: str, check_events: tuple = ()) -> None:
        super().__init__()
        self.name = name
        self.check_events = check_events


class SwaksRequested(Message):
    """Show the swaks command line for ``profile`` (``None``: the current one)."""

    def __init__(self, profile: Profile | None = None) -> None:
        super().__init__()
        self.profile = profile


__all__ = [
    "AuthHelperRequested",
    "DraftChanged",
    "OpenProfile",
    "PreviewRequested",
    "SwaksRequested",
]
