"""The shared audit log: events land with the caller's transaction and filter as documented."""

from __future__ import annotations

from datetime import timedelta

from training import audit
from training.extensions import db
from training.timeutil import utcnow


def test_record_lands_with_the_commit_and_filters(app, make_user):
    trainer = make_user("trainer")
    learner = make_user()
    audit.record("cohort.remove", actor=trainer, subject_user_id=learner.id, reason="Left")
    audit.record("user.role", actor=None, actor_label=audit.CLI_ACTOR, subject_user_id=trainer.id)
    db.session.rollback()
    assert audit.events() == []  # not committed: nothing

    audit.record("cohort.remove", actor=trainer, subject_user_id=learner.id, reason="Left")
    audit.record("user.role", actor=None, actor_label=audit.CLI_ACTOR, subject_user_id=trainer.id)
    db.session.commit()
    [removal] = audit.events(subject_user_id=learner.id)
    assert (removal.action, removal.actor_label, removal.reason) == (
        "cohort.remove",
        trainer.email,
        "Left",
    )
    assert [e.action for e in audit.events(action_prefix="user.")] == ["user.role"]
    assert [e.actor_label for e in audit.events(newest_first=True)] == ["CLI", trainer.email]
    assert audit.events(since=utcnow() + timedelta(minutes=1)) == []
