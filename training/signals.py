"""Signals between features, so lower layers need not import higher ones.

``activity_completed`` is sent by quizzes (after a graded attempt) and role-plays (at an
ending) with ``user`` and ``course_slug``; the certificates feature listens and issues a
certificate once the course's completion rules hold.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

activity_completed = _signals.signal("activity-completed")
