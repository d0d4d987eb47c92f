"""Message catalogues, one package per language (see :mod:`smtptui.reference.i18n`).

Every language package exposes ``MESSAGES: dict[str, str | tuple[str, ...]]``
with exactly the keys of ``en``; a test enforces it.
"""
