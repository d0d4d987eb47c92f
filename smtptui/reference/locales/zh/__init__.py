"""简体中文参考文本（Simplified Chinese reference texts）."""

from smtptui.reference.locales.zh import codes, commands, defects, enhanced, session, ui, vendors

MESSAGES: dict[str, str | tuple[str, ...]] = {
    **codes.MESSAGES,
    **enhanced.MESSAGES,
    **vendors.MESSAGES,
    **commands.MESSAGES,
    **session.MESSAGES,
    **ui.MESSAGES,
    **defects.MESSAGES,
}
