"""Finding the lazily mounted panes (they may not exist yet during first paint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches

if TYPE_CHECKING:
    from textual.app import App

    from smtptui.ui.widgets.composer import ComposerPane
    from smtptui.ui.widgets.reference_pane import ReferencePane
    from smtptui.ui.widgets.session_panel import SessionPanel
    from smtptui.ui.widgets.transcript_pane import TranscriptPane


def _find(app: App, selector: str):
    """The pane, once it is mounted *and* has composed its children; None before."""
    try:
        widget = app.screen_stack[0].query_one(selector)
    except (NoMatches, IndexError):
        return None
    return widget if widget.is_mounted and widget.children else None


def transcript_pane(app: App) -> TranscriptPane | None:
    return _find(app, "TranscriptPane")


def composer_pane(app: App) -> ComposerPane | None:
    return _find(app, "ComposerPane")


def reference_pane(app: App) -> ReferencePane | None:
    return _find(app, "ReferencePane")


def session_panel(app: App) -> SessionPanel | None:
    return _find(app, "SessionPanel")
