"""Guided lessons (``smtptui learn``): the telnet tutorial done right.

A :class:`~smtptui.learn.model.Lesson` is data — steps with an instruction, a
hint and a check against what the learner really sent and the server really
replied (:mod:`.checks`); :mod:`.lessons` holds the lessons; a
:class:`~smtptui.learn.runner.LessonRun` plays one against the built-in
server; :mod:`.progress` remembers where the learner is.  No Textual here: the
lesson screen in ``smtptui.ui`` draws a run.
"""
