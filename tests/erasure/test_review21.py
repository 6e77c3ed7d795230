"""Review of issue 21: defects found after the features were merged, each with its test."""

from __future__ import annotations

from sqlalchemy import select

from cohorts.replies import ReflectionReply, save_reply
from courses import roleplay_debrief
from courses.roleplay_models import RoleplayRun
from privacy import erasure
from tests.erasure.conftest import complete_everything
from training import audit
from training.extensions import db
from training.models import User


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


def test_cli_erase_refuses_a_blank_reason(app, runner, learner):
    result = runner.invoke(args=["data", "erase", learner.email, "--reason", "   "])
    assert result.exit_code != 0 and "reason" in result.output
    db.session.expire_all()
    assert not erasure.is_erased(db.session.get(User, learner.id))
    assert audit.events(action="account.erase") == []
