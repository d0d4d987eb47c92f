"""The dashboard's state and its rules, free of Textual.

* :class:`~smtptui.workspace.model.Workspace` — profiles as loaded, one session
  per used profile, the selection, drafts, settings;
* :class:`~smtptui.workspace.session.SessionController` — one profile's live
  session, transcript and learner state, and the lifecycle rules (bring a
  session to what its profile requires before a transaction);
* :mod:`~smtptui.workspace.draft` — the composer's fields as values and their checks;
* :mod:`~smtptui.workspace.steps` — step mode's commands and the line each button sends.

The modules are imported by name (``from smtptui.workspace.model import
Workspace``): the session module loads the SMTP engine, which the dashboard's
first frame does not need.
"""
