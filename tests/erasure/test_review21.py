"""Review of issue 21: defects found after the features were merged, each with its test."""

from __future__ import annotations

from sqlalchemy import select

from cohorts.replies import ReflectionReply, save_reply
from courses import roleplay_debrief
from courses.overrides import Override
from courses.roleplay_models import RoleplayRun
from privacy import erasure
from tests.erasure.conftest import EMAIL, complete_everything
from tests.erasure.test_erasure_scan import lived_in, personal_data_left  # noqa: F401
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


def test_other_peoples_free_text_naming_the_erased_learner_is_scrubbed(
    app,
    lived_in,  # noqa: F811 - the imported fixture
    trainer,
    cohort,
    course,
    make_user,
):
    other = make_user("learner", email="bob.other@example.test", full_name="Bob Other")
    complete_everything(other, course)
    run = db.session.execute(select(RoleplayRun).where(RoleplayRun.user_id == other.id)).scalar()
    roleplay_debrief.save_reflection(
        other, run.id, "I did as Zéphy Quillebeuf showed me.", course=course
    )
    save_reply(run, trainer, "Yes, Zéphyrine Quillebeuf-Arnaudet's way works.", cohort.id)
    db.session.add(Override(user_id=other.id, course_slug=course.slug, kind="excuse",
                            target="roleplay", key="noise", amount=0, granted_by_id=trainer.id,
                            granted_by_label=trainer.email, cohort_id=cohort.id,
                            reason="Bob and Zéphy Quillebeuf were both ill."))  # fmt: skip
    audit.record("user.note", actor=trainer, subject_user_id=other.id,
                 reason=f"Asked about {EMAIL}.")  # fmt: skip
    db.session.commit()
    before = personal_data_left()
    assert {"roleplay_runs.reflection", "reflection_replies.body", "overrides.reason",
            "audit_events.reason"} <= set(before), sorted(before)  # fmt: skip
    erasure.erase_user(lived_in.id, actor_id=None, reason=None, keep_certificates=False)
    db.session.expire_all()
    assert personal_data_left() == {}
    kept = db.session.get(RoleplayRun, run.id)
    assert kept.reflection == "I did as Erased account showed me."
