"""The footer, in the dashboard's language.

Textual's footer shows each binding's description, which is fixed when the
binding is made.  This one shows the label the key table
(:mod:`smtptui.ui.keys`) has for the binding's id in the current language,
so pressing ``l`` switches the footer along with everything else.
"""

from __future__ import annotations

from textual.widgets import Footer

from smtptui.ui.compat import FooterKey
from smtptui.ui.keys import BY_ID


class DashboardFooter(Footer):
    def __init__(self, *, lang: str = "en") -> None:
        # ctrl+p is an ordinary key of the table (``app.palette``): drawn like
        # the others, in the app's language, instead of Textual's own corner
        super().__init__(show_command_palette=False)
        self.lang = lang

    def on_resize(self, event) -> None:
        # at 80 columns every key still fits, a space apart
        self.compact = event.size.width < 110

    def set_language(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self.refresh(recompose=True)

    def compose(self):
        active = self.screen.active_bindings
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                found = active.get(widget.key)
                key = BY_ID.get(found.binding.id or "") if found is not None else None
                if key is not None:
                    widget.description = key.label(self.lang)
                    widget.tooltip = key.help(self.lang)
            yield widget
