"""Second chances on the record: a trainer grants extra attempts or excuses a requirement, with
a reason; it is in the audit log, on the learner page, in the gradebook, counted by the
completion rule, and the learner is told (the signal)."""

from __future__ import annotations

import csv
import io

import pytest

from certificates import completion
from certificates import services as certificates
from certificates.progress_data import progress_for
from cohorts import dashboard
from cohorts.second_chances import (
    SecondChanceError,
    grant,
    learners_needing_extra_attempt,
    options_for,
)
from courses.overrides import Override
from quizzes import services as quizzes
from tests.cohorts.conftest import SLUG, module_done, quiz_attempt, roleplay_run
from tests.cohorts.test_dashboard import BEST  # the bundled noise-dispute's best path
from training import audit
from training.extensions import db
from training.signals import second_chance_granted

RIGHT = {"capital": 0, "round": True}
WRONG = {"capital": 1, "round": False}


@pytest.fixture
def out_of_attempts(member):
    """A learner who used both attempts at quiz 01-intro (max_attempts 2) without passing."""
    bob = member(full_name="Bob Failer", email="bob@example.test")
    quiz_attempt(bob, "01-intro", WRONG, number=1)
    quiz_attempt(bob, "01-intro", WRONG, number=2)
    return bob


@pytest.fixture
def told():
    """What the mail feature would receive: every second_chance_granted, in order."""
    received: list[dict] = []

    def receiver(sender, **kwargs):  # noqa: ANN001, ANN003
        received.append(kwargs)

    second_chance_granted.connect(receiver)
    yield received
    second_chance_granted.disconnect(receiver)


def learner_url(cohort, learner, suffix: str = "") -> str:
    return f"/cohorts/{cohort.id}/learners/{learner.id}{suffix}"


def test_out_of_attempts_is_flagged_and_told_what_happens_next(
    client, login, trainer, cohort, course, out_of_attempts
):
    row = next(r for r in dashboard.build(cohort, course).rows if r.user == out_of_attempts)
    assert row.needs_second_chance and row.second_chances == [("quiz", "01-intro")]
    ((user, items),) = learners_needing_extra_attempt(cohort, course)
    assert user == out_of_attempts and [(i.kind, i.key) for i in items] == [("quiz", "01-intro")]
    login(out_of_attempts)
    page = client.get(f"/courses/{SLUG}/01-intro/quiz").get_data(as_text=True)
    assert "No attempt left" in page and "Your trainer has been told" in page
    assert "Start attempt" not in page


def test_granting_extra_attempts(client, login, trainer, cohort, course, out_of_attempts, told):
    login(trainer)
    page = client.get(learner_url(cohort, out_of_attempts)).get_data(as_text=True)
    assert "Needs an extra attempt" in page
    assert 'value="extra_attempts:quiz:01-intro"' in page
    response = client.post(
        learner_url(cohort, out_of_attempts, "/second-chances"),
        data={
            "action": "extra_attempts:quiz:01-intro",
            "attempts": "1",
            "reason": "Ill during the first two; went over module 1 with me.",
        },
    )
    assert response.status_code == 302 and response.location.endswith("#second-chances")

    (override,) = db.session.scalars(db.select(Override)).all()
    assert (override.kind, override.target, override.key, override.amount) == (
        "extra_attempts", "quiz", "01-intro", 1,
    )  # fmt: skip
    assert override.granted_by_label == trainer.email and override.cohort_id == cohort.id
    (event,) = audit.events(action="override.extra_attempts")
    assert event.actor_id == trainer.id and event.subject_user_id == out_of_attempts.id
    assert event.cohort_id == cohort.id and event.course_slug == SLUG
    assert event.reason == "Ill during the first two; went over module 1 with me."
    assert event.detail == {"target": "quiz", "key": "01-intro", "amount": 1}
    (message,) = told
    assert message["learner"] == out_of_attempts and message["trainer"] == trainer
    assert (message["kind"], message["key"], message["course_slug"]) == (
        "extra_attempts", "01-intro", SLUG,
    )  # fmt: skip
    assert message["reason"] == override.reason

    # On the record: the learner page, the gradebook; the flag is gone.
    page = client.get(learner_url(cohort, out_of_attempts)).get_data(as_text=True)
    assert "1 extra attempt: Quiz: Module 01-intro" in page and override.reason in page
    body = client.get(f"/cohorts/{cohort.id}/gradebook.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    bob = dict(zip(rows[0], rows[1], strict=True))
    assert "1 extra attempt at the quiz Module 01-intro" in bob["Second chances"]
    assert override.reason in bob["Second chances"] and trainer.email in bob["Second chances"]
    assert bob["Needs an extra attempt"] == "no"
    assert not dashboard.build(cohort, course).rows[0].needs_second_chance

    # It counts: the learner may take a third attempt, and only one.
    standing = quizzes.standing(out_of_attempts.id, course, "01-intro", course.quiz("01-intro"))
    assert (standing.attempts_allowed, standing.extra_attempts) == (3, 1)
    attempt = quizzes.start_or_resume(out_of_attempts, course, "01-intro")
    assert attempt.number == 3
    quizzes.submit(out_of_attempts, course, attempt.id, RIGHT)
    with pytest.raises(quizzes.NoAttemptsLeft):
        quizzes.start_or_resume(out_of_attempts, course, "01-intro")
    assert progress_for(out_of_attempts.id, course).item("quiz", "01-intro").passed


def test_a_reason_is_required_and_nothing_is_recorded_without_one(
    client, login, trainer, cohort, out_of_attempts, told
):
    login(trainer)
    response = client.post(
        learner_url(cohort, out_of_attempts, "/second-chances"),
        data={"action": "extra_attempts:quiz:01-intro", "attempts": "1", "reason": " "},
    )
    assert response.status_code == 422
    assert "Please correct the following" in response.get_data(as_text=True)
    too_many = client.post(
        learner_url(cohort, out_of_attempts, "/second-chances"),
        data={"action": "extra_attempts:quiz:01-intro", "attempts": "50", "reason": "Because."},
    )
    assert too_many.status_code == 422
    assert db.session.scalars(db.select(Override)).all() == [] and told == []
    assert audit.events(action_prefix="override.") == []


def test_an_excuse_counts_in_the_completion_rule_and_can_complete_the_course(
    trainer, cohort, course, member, told
):
    learner = member(full_name="Eve Excused", email="eve@example.test")
    module_done(learner, "01-intro")
    module_done(learner, "02-practice")
    quiz_attempt(learner, "01-intro", RIGHT)
    roleplay_run(learner, BEST)
    status = completion.evaluate(learner, course)
    assert [(r.kind, r.key) for r in status.missing] == [("quiz", "02-practice")]
    value = "excuse:quiz:02-practice"
    assert value in [o.value for o in options_for(course, progress_for(learner.id, course))]

    grant(trainer, cohort, course, learner.id, value, "Recognised prior learning (RPL file 12).")

    status = completion.evaluate(learner, course)
    assert status.complete
    excused = next(r for r in status.requirements if r.key == "02-practice" and r.kind == "quiz")
    assert excused.done and excused.excused
    assert excused.detail == "Excused by your trainer: Recognised prior learning (RPL file 12)."
    # the certificate followed (activity_completed after the commit)
    assert certificates.find_current(learner.id, SLUG) is not None
    assert told[0]["kind"] == "excuse" and told[0]["key"] == "02-practice"
    # an excused requirement cannot be excused twice, and a met one offers nothing
    with pytest.raises(SecondChanceError):
        grant(trainer, cohort, course, learner.id, value, "Again.")
    assert [e.action for e in audit.events(action_prefix="override.")] == ["override.excuse"]


def test_only_what_makes_sense_is_offered(trainer, cohort, course, member, out_of_attempts):
    newcomer = member()
    options = {o.value for o in options_for(course, progress_for(newcomer.id, course))}
    # quiz 01-intro has an attempt limit; 02-practice has none (nothing to grant there)
    assert "extra_attempts:quiz:01-intro" in options
    assert "extra_attempts:quiz:02-practice" not in options
    assert not any(v.startswith("reopen_roleplay:") for v in options)  # runs are not limited
    assert "excuse:module:01-intro" in options and "excuse:roleplay:noise-dispute" in options
    quiz_attempt(newcomer, "01-intro", RIGHT)
    options = {o.value for o in options_for(course, progress_for(newcomer.id, course))}
    assert "extra_attempts:quiz:01-intro" not in options  # passed
    with pytest.raises(SecondChanceError):
        grant(trainer, cohort, course, newcomer.id, "extra_attempts:quiz:01-intro", "Why not.")


def test_another_trainer_cannot_grant_and_non_members_are_404(
    client, login, make_user, cohort, course, out_of_attempts, trainer
):
    login(make_user("trainer"))
    data = {"action": "extra_attempts:quiz:01-intro", "attempts": "1", "reason": "Hijack."}
    url = learner_url(cohort, out_of_attempts, "/second-chances")
    assert client.post(url, data=data).status_code == 404
    outsider = make_user("learner")
    login(trainer)
    assert (
        client.post(learner_url(cohort, outsider, "/second-chances"), data=data).status_code == 404
    )
    with pytest.raises(LookupError):
        grant(trainer, cohort, course, outsider.id, "excuse:module:01-intro", "Not a member.")
    assert db.session.scalars(db.select(Override)).all() == []
