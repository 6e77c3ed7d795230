"""Review of issue 21: defects found after the features were merged, each with its test."""

from __future__ import annotations

from sqlalchemy import select

from cohorts.replies import ReflectionReply, save_reply
from courses import roleplay_debrief
from courses.roleplay_models import RoleplayRun
from tests.erasure.conftest import complete_everything
from training.extensions import db


def test_a_reply_is_saved_by_a_trainer_object_expired_by_a_commit(
    app, learner, trainer, cohort, course
):
    complete_everything(learner, course)
    run = db.session.execute(select(RoleplayRun).where(RoleplayRun.user_id == learner.id)).scalar()
    roleplay_debrief.save_reflection(learner, run.id, "I listened first.", course=course)
    db.session.commit()  # the trainer object is expired, as after any earlier commit
    reply = save_reply(run, trainer, "Well listened.", cohort.id)
    db.session.expire_all()
    saved = db.session.get(ReflectionReply, reply.id)
    assert (saved.trainer_id, saved.trainer_label, saved.body) == (
        trainer.id,
        trainer.display_name,
        "Well listened.",
    )
