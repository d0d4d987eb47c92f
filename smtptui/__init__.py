"""smtptui — a terminal dashboard for talking SMTP and seeing every byte of it."""

__version__ = "0.1.0"
