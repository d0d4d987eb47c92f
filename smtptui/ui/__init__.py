"""The Textual dashboard: a thin renderer of session events, profiles and the reference."""
