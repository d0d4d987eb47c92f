"""简体中文文本（Simplified Chinese texts）: one module per domain (see :mod:`smtptui.i18n`)."""
