"""The dashboard's panes that are built after the first frame, as the app knows them.

Each of these panes is recorded here the moment it is mounted (the
placeholder's ``built`` callback, :mod:`smtptui.ui.deferred`), and the app
shows the current session in it before it is first drawn.  Until
then its slot is ``None`` (the first frame draws only the profiles list), so
the app asks ``if (pane := app.panes.composer) is not None`` — never a lookup
by class name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.widget import Widget

    from smtptui.ui.widgets.composer import ComposerPane
    from smtptui.ui.widgets.reference_pane import ReferencePane
    from smtptui.ui.widgets.session_panel import SessionPanel
    from smtptui.ui.widgets.transcript_pane import TranscriptPane

#: Every pane of the main screen, in the order keys 1–5 and the tabs show them.
PANES: tuple[str, ...] = ("profiles", "transcript", "reference", "composer", "session")


@dataclass(slots=True)
class Panes:
    transcript: TranscriptPane | None = None
    reference: ReferencePane | None = None
    composer: ComposerPane | None = None
    session: SessionPanel | None = None

    def register(self, pane: Widget) -> str | None:
        """Record a pane that has just mounted; returns its slot name."""
        slot = pane.id
        if slot in ("transcript", "reference", "composer", "session"):
            setattr(self, slot, pane)
            return slot
        return None
