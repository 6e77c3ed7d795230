"""Measured learning time end to end: real requests under a frozen clock (time-machine), the
events they record, and the totals of proof.learning_time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from proof import learning_time
from proof.models import LearningEvent
from tests.conftest import AuthActions
from tests.proof.conftest import SLUG
from training.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield lambda minutes: traveller.move_to(T0 + timedelta(minutes=minutes))


def _events(user):
    return db.session.scalars(
        select(LearningEvent).where(LearningEvent.user_id == user.id).order_by(LearningEvent.id)
    ).all()


def test_module_pages_record_events_and_reading_is_capped_by_the_idle_limit(
    clock, client, member, login
):
    learner = member()
    login(learner)
    clock(0)
    assert client.get(f"/courses/{SLUG}/01-intro").status_code == 200
    clock(6)
    assert client.get(f"/courses/{SLUG}/02-practice").status_code == 200
    clock(51)  # 45 minutes later: the idle limit (10) caps the reading of module 2
    assert client.get(f"/courses/{SLUG}/01-intro").status_code == 200
    clock(53)
    events = _events(learner)
    assert [(e.activity, e.key, e.action) for e in events] == [
        ("module", "01-intro", "view"),
        ("module", "02-practice", "view"),
        ("module", "01-intro", "view"),
    ]
    assert events[1].at == T0 + timedelta(minutes=6)
    assert learning_time.realised_seconds(learner.id, SLUG) == (6 + 10 + 2) * 60
    detail = learning_time.learning_time(learner.id, db_course(), now=T0 + timedelta(minutes=53))
    assert detail.modules == {"01-intro": 8 * 60, "02-practice": 10 * 60}
    assert detail.blocks["EP2"] >= 8 * 60  # module 01 serves EP2
    assert detail.sessions == 2


def db_course():
    from courses.loader import get_course

    return get_course(SLUG)


def test_the_idle_limit_is_configurable(clock, app, client, member, login):
    app.config["LEARNING_IDLE_MINUTES"] = 30
    learner = member()
    login(learner)
    clock(0)
    client.get(f"/courses/{SLUG}/01-intro")
    clock(25)
    client.get(f"/courses/{SLUG}/02-practice")
    assert learning_time.realised_seconds(learner.id, SLUG) == 25 * 60


def test_two_tabs_count_the_wall_clock_once(clock, client, member, login):
    learner = member()
    login(learner)
    clock(0)
    client.get(f"/courses/{SLUG}/01-intro")  # tab A
    clock(1)
    client.get(f"/courses/{SLUG}/02-practice")  # tab B
    clock(5)
    client.get(f"/courses/{SLUG}/01-intro")  # back in tab A (a reload)
    clock(8)
    client.post(f"/courses/{SLUG}/02-practice/done")  # tab B: done
    clock(9)
    client.get("/dashboard")  # ends the interval
    assert learning_time.realised_seconds(learner.id, SLUG) == 9 * 60


def test_a_closed_laptop_counts_no_more_than_the_idle_limit(clock, client, member, login):
    learner = member()
    login(learner)
    clock(0)
    client.get(f"/courses/{SLUG}/01-intro")
    clock(3)
    client.get(f"/courses/{SLUG}/02-practice")
    # the lid closes; opened again eight hours later, the same page is reloaded
    clock(8 * 60 + 3)
    assert learning_time.realised_seconds(learner.id, SLUG) == (3 + 10) * 60
    client.get(f"/courses/{SLUG}/02-practice")
    clock(8 * 60 + 7)
    client.get("/dashboard")
    assert learning_time.realised_seconds(learner.id, SLUG) == (3 + 10 + 4) * 60
    sessions = learning_time.measure_of(learner.id).sessions(SLUG)
    assert [s.seconds for s in sessions] == [13 * 60, 4 * 60]


def test_a_timed_quiz_counts_start_to_submit_capped_by_its_limit(clock, client, member, login):
    learner = member()
    login(learner)
    clock(0)
    response = client.post(f"/courses/{SLUG}/02-practice/quiz")
    assert response.status_code == 302
    attempt_url = response.headers["Location"]
    assert client.get(attempt_url).status_code == 200
    clock(40)  # 40 minutes without a request; the limit is 30
    result_url = client.post(attempt_url, data={"action": "submit"}).headers["Location"]
    client.get(result_url)
    clock(41)
    client.get("/dashboard")
    detail = learning_time.learning_time(learner.id, db_course())
    # 30 minutes of attempt (not 40), then a minute reading the result
    assert detail.quizzes["02-practice"] == 30 * 60 + 60
    assert detail.total == 31 * 60


def test_an_untimed_quiz_is_measured_between_its_requests(clock, client, member, login):
    learner = member()
    login(learner)
    clock(0)
    attempt_url = client.post(f"/courses/{SLUG}/01-intro/quiz").headers["Location"]
    clock(4)
    client.post(attempt_url, data={"action": "save"})
    clock(7)
    client.post(attempt_url, data={"action": "submit"})
    clock(8)
    client.get("/dashboard")
    assert learning_time.learning_time(learner.id, db_course()).quizzes["01-intro"] == 8 * 60


def test_roleplay_turns_are_measured(clock, client, member, login):
    learner = member()
    login(learner)
    clock(0)
    response = client.post(f"/courses/{SLUG}/roleplays/noise-dispute/runs")
    assert response.status_code == 302
    clock(3)
    client.get(response.headers["Location"])
    clock(5)
    client.get("/dashboard")
    detail = learning_time.learning_time(learner.id, db_course())
    assert detail.roleplays["noise-dispute"] == 5 * 60


def test_trainers_and_strangers_leave_no_learning_time(clock, client, trainer, login, make_user):
    login(trainer)
    clock(0)
    assert client.get(f"/courses/{SLUG}/01-intro").status_code == 200
    client.get("/logout")
    stranger = make_user("learner")
    login(stranger)
    client.get(f"/courses/{SLUG}/01-intro")  # not enrolled: redirected, nothing recorded
    assert _events(trainer) == []
    assert [e.activity for e in _events(stranger)] == []


def test_a_cohort_in_one_go(clock, app, member, login, cohort):
    first, second, idle = member(), member(), member()
    for minutes, learner in ((0, first), (20, second)):
        client = app.test_client()
        clock(minutes)
        AuthActions(client).login(learner.email)
        client.get(f"/courses/{SLUG}/01-intro")
        clock(minutes + 4)
        client.get("/dashboard")
    totals = learning_time.realised_seconds_of_users(SLUG, [first.id, second.id, idle.id])
    assert totals == {first.id: 240.0, second.id: 240.0, idle.id: 0.0}


def test_events_past_retention_are_purged_by_the_cli(app, runner, member):
    from proof.recording import record
    from training.timeutil import utcnow

    learner = member()
    now = utcnow()
    record(learner.id, SLUG, "module", "01-intro", at=now - timedelta(days=365 * 6 + 10))
    record(learner.id, SLUG, "module", "02-practice", at=now - timedelta(days=365 * 5))
    result = runner.invoke(args=["proof", "purge", "--dry-run"])
    assert "1 learning events past retention (none deleted)" in result.output
    assert len(_events(learner)) == 2
    result = runner.invoke(args=["proof", "purge"])
    assert "1 learning events past retention deleted" in result.output
    assert [e.key for e in _events(learner)] == ["02-practice"]
    app.config["DATA_RETENTION_EVIDENCE_DAYS"] = 4 * 365
    assert "1 learning events" in runner.invoke(args=["proof", "purge"]).output


def test_the_cli_prints_measured_beside_declared_time(app, runner, member):
    from proof.recording import record
    from training.timeutil import utcnow

    learner = member()
    start = utcnow() - timedelta(hours=1)
    record(learner.id, SLUG, "module", "01-intro", at=start)
    record(learner.id, SLUG, "module", "02-practice", at=start + timedelta(minutes=4))
    result = runner.invoke(args=["proof", "time", learner.email, SLUG])
    assert result.exit_code == 0, result.output
    assert "measured: 14 min in 1 sessions (declared duration: 3 h)" in result.output
    assert "module 01-intro: 4 min" in result.output
    assert runner.invoke(args=["proof", "time", "nobody@example.test", SLUG]).exit_code != 0


def test_visibility_pings_refine_reading_and_a_hidden_page_counts_nothing(
    clock, client, member, login
):
    learner = member()
    login(learner)
    clock(0)
    client.get(f"/courses/{SLUG}/01-intro")
    ping = f"/proof/ping/{SLUG}/01-intro"
    for minutes in (0.75, 1.5, 2.25):
        clock(minutes)
        assert client.post(ping, data={"state": "visible"}).status_code == 204
    clock(3)
    assert client.post(ping, data={"state": "hidden"}).status_code == 204  # the lid closes
    clock(9)  # six minutes later, still within the idle limit: nothing counted while hidden
    assert learning_time.realised_seconds(learner.id, SLUG) == 3 * 60
    assert client.post(ping, data={"state": "visible"}).status_code == 204
    clock(30)  # the page died without a word: the ping cap (2 minutes), not the idle limit
    assert learning_time.realised_seconds(learner.id, SLUG) == 5 * 60
    assert [e.action for e in _events(learner)] == [
        "view",
        "ping",
        "ping",
        "ping",
        "hidden",
        "ping",
    ]


def test_a_bad_ping_is_refused_and_records_nothing(client, member, login):
    learner = member()
    login(learner)
    assert client.post(f"/proof/ping/{SLUG}/01-intro", data={"state": "asleep"}).status_code == 400
    assert client.post(f"/proof/ping/{SLUG}/99-nope", data={"state": "visible"}).status_code == 404
    assert client.post("/proof/ping/nope/01-intro", data={"state": "visible"}).status_code == 404
    assert _events(learner) == []


def test_the_module_page_loads_the_ping_script(client, member, login):
    login(member())
    page = client.get(f"/courses/{SLUG}/01-intro").get_data(as_text=True)
    assert "js/learning-ping.js" in page and f'data-ping-url="/proof/ping/{SLUG}/01-intro"' in page


def test_a_reread_within_the_window_writes_nothing_and_a_page_between_counts(
    clock, client, member, login
):
    """The module page reads the repeat check in its own query (courses.reading): a re-read
    within a minute writes no event, a re-read after another page or after the window does."""
    learner = member()
    login(learner)
    page = f"/courses/{SLUG}/01-intro"
    clock(0)
    assert client.get(page).status_code == 200
    clock(0.25)
    assert client.get(page).status_code == 200  # a reload: the same latest event
    clock(0.5)
    assert client.get(f"/courses/{SLUG}").status_code == 200  # the course page between
    clock(0.75)
    assert client.get(page).status_code == 200  # no longer the latest event: written
    clock(2)
    assert client.get(page).status_code == 200  # past the window: written
    assert [(e.activity, e.key, e.at) for e in _events(learner)] == [
        ("module", "01-intro", T0),
        ("course", "", T0 + timedelta(minutes=0.5)),
        ("module", "01-intro", T0 + timedelta(minutes=0.75)),
        ("module", "01-intro", T0 + timedelta(minutes=2)),
    ]
