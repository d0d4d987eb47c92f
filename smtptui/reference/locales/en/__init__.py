"""English reference texts."""

from smtptui.reference.locales.en import codes, commands, defects, enhanced, session, ui, vendors

MESSAGES: dict[str, str | tuple[str, ...]] = {
    **codes.MESSAGES,
    **enhanced.MESSAGES,
    **vendors.MESSAGES,
    **commands.MESSAGES,
    **session.MESSAGES,
    **ui.MESSAGES,
    **defects.MESSAGES,
}
