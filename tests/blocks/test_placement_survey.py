"""Placement never counts; the survey stores answers apart from names; the trainer sees only
the aggregate, and only from the threshold."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from certificates.progress_data import progress_for
from cohorts import services as cohorts
from quizzes import services as quizzes
from surveys import placement, services
from surveys.models import SurveyParticipation, SurveyResponse
from tests.certificates.conftest import complete_everything, enrol
from training.extensions import db


def take_placement(user, course, right: int) -> None:  # noqa: ANN001
    quiz = course.placement
    attempt = quizzes.start_or_resume(user, course, "placement")
    answers = {
        q.id: (q.answer if n < right else not q.answer) for n, q in enumerate(quiz.questions)
    }
    quizzes.submit(user, course, attempt.id, answers)


def cohort_with(trainer, *learners):  # noqa: ANN001, ANN201
    cohort = cohorts.create_cohort(
        trainer, cohorts.CohortFields("Spring", "mini", None, None, "", ())
    )
    for learner in learners:
        cohorts.join(learner, cohort)
    return cohort


def test_the_placement_quiz_never_counts_toward_completion(make_user, course):
    learner = make_user()
    enrol(learner, course)
    before = progress_for(learner.id, course)
    take_placement(learner, course, right=2)
    after = progress_for(learner.id, course)
    assert (after.met_count, after.total) == (before.met_count, before.total) == (0, 5)
    assert after.item("quiz", "placement") is None
    assert placement.placement_taken(learner.id, course.slug)


def test_the_trainer_sees_each_result_and_the_cohorts(client, auth, make_user, course):
    trainer, other_trainer = make_user("trainer"), make_user("trainer")
    ada, bob, cy = (make_user(full_name=n) for n in ("Ada P", "Bob P", "Cy P"))
    cohort = cohort_with(trainer, ada, bob, cy)
    cohort_with(other_trainer)
    take_placement(ada, course, right=2)  # 100 %
    take_placement(bob, course, right=1)  # 50 %
    summary = placement.cohort_placement(cohort)
    assert [(r.user.full_name, r.percent) for r in summary.rows] == [
        ("Ada P", 100.0),
        ("Bob P", 50.0),
        ("Cy P", None),
    ]
    assert (summary.taken, summary.mean, summary.median) == (2, 75.0, 75.0)
    assert summary.bands == [(0, 40, 0), (40, 60, 1), (60, 80, 0), (80, 100, 1)]
    auth.login(trainer.email)
    page = client.get(f"/cohorts/{cohort.id}/placement").get_data(as_text=True)
    assert "Ada P" in page and "100%" in page and "not taken" in page and "75%" in page
    auth.logout()
    auth.login(other_trainer.email)
    assert client.get(f"/cohorts/{cohort.id}/placement").status_code == 404


def test_the_course_page_offers_the_placement_until_taken(client, auth, make_user, course):
    learner = make_user()
    enrol(learner, course)
    auth.login(learner.email)
    assert "Take the positioning test" in client.get("/courses/mini").get_data(as_text=True)
    start = client.get("/courses/mini/placement/quiz").get_data(as_text=True)
    assert "Where do you start?" in start and "there is no pass mark" in start
    take_placement(learner, course, right=1)
    assert "Take the positioning test" not in client.get("/courses/mini").get_data(as_text=True)


def test_answers_are_stored_without_identity_and_once(client, auth, make_user, course):
    learner = make_user()
    enrol(learner, course)
    auth.login(learner.email)
    assert client.get("/courses/mini/survey").status_code == 404  # not at the end yet
    complete_everything(learner, course)
    assert "Answer the survey" in client.get("/courses/mini").get_data(as_text=True)

    missing = client.post("/courses/mini/survey", data={"clear": "4"})
    assert missing.status_code == 422 and "Please rate every statement" in missing.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0

    answers = {"clear": "4", "useful": "5", "improve": "More role-plays"}
    assert client.post("/courses/mini/survey", data=answers).status_code == 302
    assert client.post("/courses/mini/survey", data=answers).status_code == 302  # double click
    stored = db.session.scalars(select(SurveyResponse)).all()
    assert len(stored) == 1
    assert stored[0].answers == {"clear": 4, "useful": 5, "improve": "More role-plays"}
    columns = {c["name"] for c in inspect(db.engine).get_columns("survey_responses")}
    assert columns == {"id", "course_slug", "cohort_id", "year", "answers"}  # no user, no time
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1
    assert "Thank you" in client.get("/courses/mini/survey").get_data(as_text=True)


def test_the_aggregate_is_hidden_below_the_threshold(client, auth, make_user, course, app):
    app.config["SURVEY_MIN_RESPONSES"] = 3
    trainer = make_user("trainer")
    learners = [make_user() for _ in range(3)]
    cohort = cohort_with(trainer, *learners)
    comments = ["zebra crossings example", "Add a glossary", ""]
    for n, (learner, comment) in enumerate(zip(learners, comments, strict=True)):
        complete_everything(learner, course)
        form = {"clear": str(3 + n), "useful": "5", "improve": comment}
        assert services.submit(learner, course, form)
        result = services.aggregate(course.survey, services.responses_of("mini", [cohort.id]))
        assert result.shown is (n == 2)
        if not result.shown:
            assert result.likert == () and result.comments == ()
    assert [r.counts for r in result.likert] == [(0, 0, 1, 1, 1), (0, 0, 0, 0, 3)]
    assert result.likert[0].mean == 4.0 and result.satisfaction == 4.5
    assert round(result.satisfied_share, 1) == 83.3
    # Alphabetical, not the order they came in; the empty answer is no comment.
    assert result.comments == (
        ("What should we improve?", ("Add a glossary", "zebra crossings example")),
    )
    auth.login(trainer.email)
    page = client.get(f"/cohorts/{cohort.id}/survey").get_data(as_text=True)
    assert "Add a glossary" in page and "3 answers." in page
    for learner in learners:
        assert learner.full_name not in page and learner.email not in page


def test_the_survey_opens_when_the_cohort_has_ended(make_user, course):
    from datetime import timedelta

    from training.timeutil import utcnow

    trainer, learner = make_user("trainer"), make_user()
    cohort = cohort_with(trainer, learner)
    assert not services.may_answer(learner, course)  # not complete, cohort still running
    cohort.ends_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert services.may_answer(learner, course)
    assert services.submit(learner, course, {"clear": "2", "useful": "3"})
    assert not services.may_answer(learner, course)  # once
