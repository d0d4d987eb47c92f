"""Pictures of an SMTP conversation, free of any screen: the sequence diagram
(:mod:`.diagram`, exported by :mod:`.export` as Mermaid or text), the waterfall
of where the time went (:mod:`.waterfall`) and the state machine lit by a live
session (:mod:`.statechart`), all read from a session's events through one
pairing of commands and replies (:mod:`.conversation`).  The dashboard's
widgets draw these models; nothing here imports Textual or Rich.
"""
