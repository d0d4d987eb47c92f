"""English texts: one module per domain (see :mod:`smtptui.i18n`)."""
