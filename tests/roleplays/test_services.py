"""Runs through the services, without HTTP: scoring, resume, stale posts, concurrency."""

from __future__ import annotations

import threading

import pytest
from werkzeug.exceptions import NotFound

from courses import roleplay_services as services
from courses.roleplay_models import RoleplayRun
from tests.roleplays.conftest import COURSE_SLUG, SCENARIO_SLUG
from training.extensions import db
from training.models import User
from training.signals import activity_completed


@pytest.fixture
def completions():
    """Every activity_completed signal sent during the test, as (user id, course slug)."""
    sent: list[tuple[int, str]] = []

    def receiver(sender, user, course_slug, **extra):  # noqa: ANN001
        sent.append((user.id, course_slug))

    activity_completed.connect(receiver)
    yield sent
    activity_completed.disconnect(receiver)


def play(user, course, run, choices: list[int]) -> RoleplayRun:
    for index in choices:
        result = services.choose(user, run.id, run.step, index, course=course)
        assert result.accepted
        run = result.run
    return run


def test_best_path_scores_100_and_resolves(learner, course, completions):
    run = services.start_run(learner, course, SCENARIO_SLUG)
    assert (run.current_node, run.step, run.path) == ("door", 0, [])
    run = play(learner, course, run, [0, 0])
    assert run.is_finished
    assert run.outcome == "resolved"
    assert run.points_total == 4
    assert run.percent == 100.0
    assert run.competency_points == {"listening": 3, "safety": 1}
    assert run.path == [["door", 0], ["calmer", 0]]
    assert run.content_version == course.version
    assert completions == [(learner.id, COURSE_SLUG)]


def test_worst_path_scores_0_and_escalates(learner, course, completions):
    run = play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [1])
    assert (run.outcome, run.points_total, run.percent) == ("escalated", 0, 0.0)
    assert run.competency_points == {"listening": 0, "safety": 0}
    assert completions == [(learner.id, COURSE_SLUG)]


def test_middle_path_is_partial(learner, course):
    run = play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [0, 1])
    assert (run.outcome, run.points_total, run.percent) == ("partial", 3, 75.0)


def test_stale_step_is_ignored_and_not_double_counted(learner, course, completions):
    run = services.start_run(learner, course, SCENARIO_SLUG)
    first = services.choose(learner, run.id, 0, 0, course=course)
    assert first.accepted and first.run.step == 1
    # The back button shows decision 1 again; posting it (even another choice) changes nothing.
    again = services.choose(learner, run.id, 0, 1, course=course)
    assert not again.accepted and again.reason == "stale"
    assert again.run.step == 1 and again.run.current_node == "calmer"
    assert again.run.path == [["door", 0]]
    # A post from the future (tampered) is just as stale.
    assert services.choose(learner, run.id, 5, 0, course=course).reason == "stale"
    done = services.choose(learner, run.id, 1, 0, course=course)
    assert done.accepted and done.ended
    late = services.choose(learner, run.id, 1, 0, course=course)
    assert not late.accepted and late.reason == "finished" and late.ended
    assert late.run.percent == 100.0 and late.run.step == 2
    assert len(completions) == 1


def test_invalid_choice_changes_nothing(learner, course):
    run = services.start_run(learner, course, SCENARIO_SLUG)
    for bad in (7, -1):
        result = services.choose(learner, run.id, 0, bad, course=course)
        assert not result.accepted and result.reason == "invalid"
    assert db.session.get(RoleplayRun, run.id).step == 0


def test_concurrent_choices_count_once(app, learner, course, completions):
    """Two posts with the same expected step at the same instant (double click, two tabs)."""
    run_id = services.start_run(learner, course, SCENARIO_SLUG).id
    user_id = learner.id
    barrier = threading.Barrier(2)
    results: list[object] = []

    def post(choice: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                results.append(services.choose(user, run_id, 0, choice, course=course))
            except Exception as exc:  # reported below, never swallowed
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post, args=(choice,)) for choice in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.accepted for r in results) == [False, True]  # type: ignore[union-attr]
    db.session.expire_all()
    run = db.session.get(RoleplayRun, run_id)
    assert run.step == 1 and len(run.path) == 1
    winner = next(r for r in results if r.accepted)  # type: ignore[union-attr]
    # Whichever post won, the run is consistent with it and the other was not applied.
    assert run.path[0] == ["door", winner.run.path[0][1]]  # type: ignore[union-attr]
    assert len(completions) == (1 if run.is_finished else 0)


def test_resume_returns_the_latest_unfinished_run(learner, course):
    assert services.current_run(learner, course, SCENARIO_SLUG) is None
    run = play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [0])
    resumed = services.current_run(learner, course, SCENARIO_SLUG)
    assert resumed is not None and resumed.id == run.id and resumed.current_node == "calmer"
    play(learner, course, resumed, [0])
    assert services.current_run(learner, course, SCENARIO_SLUG) is None


def test_start_again_keeps_old_runs(learner, course):
    first = services.start_run(learner, course, SCENARIO_SLUG)
    play(learner, course, first, [0])
    second = services.start_run(learner, course, SCENARIO_SLUG)
    assert second.id != first.id and second.step == 0
    runs = services.runs_for(learner.id, COURSE_SLUG, SCENARIO_SLUG)
    assert [r.id for r in runs] == [second.id, first.id]
    assert runs[1].step == 1  # the older run is untouched
    assert services.current_run(learner, course, SCENARIO_SLUG).id == second.id


def test_best_scores_pick_the_best_finished_run(learner, make_user, course):
    assert services.best_scores(learner.id, COURSE_SLUG) == {}
    play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [0, 1])  # 75
    play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [0, 0])  # 100
    play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [1])  # 0
    services.start_run(learner, course, SCENARIO_SLUG)  # unfinished: ignored
    assert services.best_scores(learner.id, COURSE_SLUG) == {SCENARIO_SLUG: 100.0}
    assert services.best_scores(learner.id, "other-course") == {}
    other = make_user("learner")
    assert services.best_scores(other.id, COURSE_SLUG) == {}


def test_reflection_saved_with_the_run(learner, course):
    run = services.start_run(learner, course, SCENARIO_SLUG)
    with pytest.raises(services.ReflectionError):
        services.save_reflection(learner, run.id, "Too early", course=course)
    run = play(learner, course, run, [1])
    services.save_reflection(learner, run.id, "  I would listen first.  ", course=course)
    db.session.expire_all()
    saved = db.session.get(RoleplayRun, run.id)
    assert saved.reflection == "I would listen first."
    assert saved.reflection_saved_at is not None
    with pytest.raises(services.ReflectionError):
        services.save_reflection(learner, run.id, "x" * 4001, course=course)
    assert db.session.get(RoleplayRun, run.id).reflection == "I would listen first."


def test_another_users_run_is_not_found(learner, make_user, course):
    from courses.services import enrol

    run = services.start_run(learner, course, SCENARIO_SLUG)
    intruder = make_user("learner")
    enrol(intruder, course)
    with pytest.raises(NotFound):
        services.get_run(intruder, run.id, course)
    with pytest.raises(NotFound):
        services.choose(intruder, run.id, 0, 0, course=course)
    with pytest.raises(NotFound):
        services.save_reflection(intruder, run.id, "mine now", course=course)
    assert db.session.get(RoleplayRun, run.id).step == 0


def test_not_enrolled_cannot_start(make_user, course):
    with pytest.raises(NotFound):
        services.start_run(make_user("learner"), course, SCENARIO_SLUG)


def test_unknown_scenario_is_not_found(learner, course):
    with pytest.raises(NotFound):
        services.start_run(learner, course, "no-such-scenario")


def test_debrief_lists_feedback_and_better_choices(learner, course):
    run = play(learner, course, services.start_run(learner, course, SCENARIO_SLUG), [0, 1])
    debrief = services.debrief(run, course.roleplay(SCENARIO_SLUG))
    assert debrief.ending.outcome == "partial"
    assert [s.choice.text for s in debrief.steps] == [
        "Listen calmly and reformulate",
        "Leave without a follow-up",
    ]
    assert debrief.steps[0].better is None
    assert debrief.steps[1].better.text == "Propose to meet the neighbour tomorrow"
    assert [(c.competency, c.points, c.best) for c in debrief.score.competencies] == [
        ("listening", 2, 3),
        ("safety", 1, 1),
    ]
    assert debrief.percent == 75.0 and not debrief.content_changed


def test_a_write_between_read_and_update_is_caught_by_the_conditional_update(learner, course):
    """The race made deterministic: this session still holds the run at step 0 while another
    connection has already moved it; the UPDATE … WHERE step = 0 matches nothing."""
    from sqlalchemy import update

    run = services.start_run(learner, course, SCENARIO_SLUG)
    assert db.session.get(RoleplayRun, run.id).step == 0  # now cached in this session
    with db.engine.begin() as other:
        other.execute(
            update(RoleplayRun)
            .where(RoleplayRun.id == run.id)
            .values(step=1, path=[["door", 1]], current_node="fight")
        )
    result = services.choose(learner, run.id, 0, 0, course=course)
    assert not result.accepted and result.reason == "stale"
    assert (result.run.step, result.run.path) == (1, [["door", 1]])


def test_a_double_click_on_start_leaves_one_empty_run(learner, course):
    first = services.start_run(learner, course, SCENARIO_SLUG)
    assert services.start_run(learner, course, SCENARIO_SLUG).id == first.id
    assert len(services.runs_for(learner.id, COURSE_SLUG, SCENARIO_SLUG)) == 1
