"""Message catalogues, one package per language (see :mod:`smtptui.i18n`).

Every language package has one module per domain, each exposing
``MESSAGES: dict[str, str | tuple[str, ...]]`` with exactly the keys of the
English module; a test enforces it.
"""
