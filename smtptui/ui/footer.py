"""The footer, in the dashboard's language.

Textual's footer shows each binding's description, which is fixed when the
binding is made.  This one shows the label the key table
(:mod:`smtptui.ui.keys`) has for the binding's id in the current language,
so pressing ``l`` switches the footer along with everything else.
"""

from __future__ import annotations

from textual.widgets import Footer

from smtptui.ui.compat import FooterKey, footer_keys_known
from smtptui.ui.keys import BY_ID


class DashboardFooter(Footer):
    def __init__(self, *, lang: str = "en") -> None:
        # ctrl+p is an ordinary key of the table (``app.palette``): drawn like
        # the others, in the app's language, instead of Textual's own corner
        super().__init__(show_command_palette=False)
        self.lang = lang
        self._composed: tuple | None = None
        # built after the first frame, when the keys are known: drawn with
        # them (and at the terminal's width) at once, not laid out again
        footer_keys_known(self)
        self.compact = self._compact_at(self.app.size.width)

    @staticmethod
    def _compact_at(width: int) -> bool:
        # at 80 columns every key still fits, a space apart
        return width < 110

    def on_resize(self, event) -> None:
        self.compact = self._compact_at(event.size.width)

    def set_language(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self.refresh(recompose=True)

    def _shown_keys(self) -> tuple:
        """What the footer would show: its keys, whether each is enabled, and
        the language of their labels."""
        return (
            self.lang,
            self.compact,
            tuple(
                (binding.key, binding.action, enabled, binding.id)
                for _node, binding, enabled, _tooltip in self.screen.active_bindings.values()
                if binding.show
            ),
        )

    def bindings_changed(self, screen) -> None:
        # Textual recomposes the footer — a layout of the whole screen — every
        # time the focus moves (twice: at once and after the next refresh);
        # most moves change none of the keys shown
        if self.is_attached and screen is self.screen:
            keys = self._shown_keys()
            if keys == self._composed:
                return
            if screen.app.app_focus:
                self._composed = keys  # what the recompose scheduled now will show
        super().bindings_changed(screen)

    def compose(self):
        self._composed = self._shown_keys()
        active = self.screen.active_bindings
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                found = active.get(widget.key)
                key = BY_ID.get(found.binding.id or "") if found is not None else None
                if key is not None:
                    widget.description = key.label(self.lang)
                    widget.tooltip = key.help(self.lang)
            yield widget
