"""Signals between features, so lower layers need not import higher ones.

- ``activity_completed`` is sent by quizzes (after a graded attempt) and role-plays (at an
  ending) with ``user`` and ``course_slug``; the certificates feature listens and issues a
  certificate once the course's completion rules hold.
- ``certificate_issued`` is sent by the certificates feature after a certificate (or a block
  attestation) is committed, with ``certificate``; mail and credential features listen.
- ``second_chance_granted`` is sent after a trainer grants extra quiz attempts, reopens a
  role-play or excuses a requirement, with ``learner``, ``trainer``, ``course_slug``, ``kind``
  (``"extra_attempts"`` | ``"reopen_roleplay"`` | ``"excuse"``), ``key`` (quiz stem or role-play
  slug) and ``reason``; the mail feature tells the learner.
- ``reflection_replied`` is sent after a trainer replies to a role-play reflection, with
  ``run``, ``trainer`` and ``reply``; the mail feature tells the learner.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

activity_completed = _signals.signal("activity-completed")
certificate_issued = _signals.signal("certificate-issued")
second_chance_granted = _signals.signal("second-chance-granted")
reflection_replied = _signals.signal("reflection-replied")
