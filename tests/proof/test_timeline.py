"""The rules of measured learning time on frozen timestamps (pure: proof.timeline)."""

from __future__ import annotations

from datetime import datetime, timedelta

from proof.timeline import Event, TimedSpan, measure

T0 = datetime(2026, 3, 2, 9, 0, 0)
C = "course"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def view(minutes: float, key: str = "01", activity: str = "module", action: str = "view"):
    return Event(at(minutes), C, activity, key, action)


def test_reading_counts_until_the_next_request():
    m = measure([view(0, "01"), view(7, "02"), view(9, "02", action="done")])
    assert m.seconds(C, "module", "01") == 7 * 60
    # the last event of all is followed by its cap (10 minutes) when no "now" is given
    assert m.seconds(C, "module", "02") == 2 * 60 + 10 * 60


def test_a_long_gap_is_capped_by_the_idle_limit():
    m = measure([view(0, "01"), view(45, "02")], now=at(46))
    assert m.seconds(C, "module", "01") == 10 * 60  # not 45
    assert m.seconds(C, "module", "02") == 60  # still open, counted up to now
    # the idle limit is a setting
    m = measure([view(0, "01"), view(45, "02")], idle=timedelta(minutes=20), now=at(45))
    assert m.seconds(C) == 20 * 60


def test_a_closed_laptop_counts_only_up_to_the_idle_limit_and_ends_the_session():
    events = [view(0, "01"), view(5, "01", action="done"), view(6, "02"), view(60 * 14, "02")]
    m = measure(events, now=at(60 * 14 + 3))
    assert m.seconds(C) == (6 + 10 + 3) * 60
    sessions = m.sessions(C)
    assert [(s.start, s.end, s.seconds) for s in sessions] == [
        (at(0), at(16), 16 * 60),
        (at(60 * 14), at(60 * 14 + 3), 3 * 60),
    ]


def test_two_tabs_never_count_twice():
    # Tab A opens module 01, tab B opens module 02 a minute later; the learner clicks in both.
    events = [view(0, "01"), view(1, "02"), view(4, "01"), view(6, "02"), view(8, "01")]
    m = measure(events, now=at(9))
    assert m.seconds(C) == 9 * 60  # the wall clock, not the sum of both tabs
    assert m.seconds(C, "module", "01") == (1 + 2 + 1) * 60
    assert m.seconds(C, "module", "02") == (3 + 2) * 60


def test_events_out_of_order_and_duplicates_are_tolerated():
    events = [view(5, "02"), view(0, "01"), view(0, "01")]
    m = measure(events, now=at(6))
    assert m.seconds(C) == 6 * 60


def test_a_timed_quiz_counts_from_start_to_submission_capped_by_its_limit():
    # 25 minutes without a request: longer than the idle limit, inside the 30-minute limit
    events = [view(0, "01", "quiz", "start"), view(25, "01", "quiz", "answer")]
    timed = [TimedSpan(C, "01", at(0), at(25), at(30))]
    m = measure(events, timed, now=at(25))
    assert m.seconds(C, "quiz", "01") == 25 * 60
    # submitted late (after the limit): the limit caps it
    timed = [TimedSpan(C, "01", at(0), at(50), at(30))]
    events = [view(0, "01", "quiz", "start"), view(50, "01", "quiz", "answer")]
    m = measure(events, timed, now=at(50))
    assert m.seconds(C, "quiz", "01") == 30 * 60


def test_a_timed_quiz_takes_precedence_over_a_module_opened_during_it():
    events = [view(0, "01", "quiz", "start"), view(3, "01"), view(12, "01", "quiz", "answer")]
    timed = [TimedSpan(C, "01", at(0), at(12), at(20))]
    m = measure(events, timed, now=at(12))
    assert m.seconds(C, "quiz", "01") == 12 * 60
    assert m.seconds(C, "module", "01") == 0
    assert m.seconds(C) == 12 * 60


def test_untimed_quizzes_and_roleplays_are_measured_between_requests():
    events = [
        view(0, "01", "quiz", "start"),
        view(4, "01", "quiz", "answer"),
        view(5, "noise", "roleplay", "start"),
        view(7, "noise", "roleplay", "choose"),
        view(40, "noise", "roleplay", "debrief"),
    ]
    m = measure(events, now=at(41))
    assert m.seconds(C, "quiz", "01") == 5 * 60
    assert m.seconds(C, "roleplay", "noise") == (2 + 10 + 1) * 60


def test_pings_refine_reading_and_a_hidden_page_counts_nothing():
    events = [
        view(0, "01"),
        view(1, "01", action="ping"),
        view(2, "01", action="ping"),
        view(3, "01", action="hidden"),  # laptop lid closed: the page says so
        view(50, "01", action="ping"),  # opened again
    ]
    m = measure(events, now=at(58))
    # 3 minutes, nothing while hidden, then 2 minutes (the ping cap) after the last ping
    assert m.seconds(C) == (3 + 2) * 60


def test_the_dashboard_ends_a_reading_interval():
    events = [view(0, "01"), Event(at(2), "", "nav", "", "view"), view(30, "02")]
    m = measure(events, now=at(31))
    assert m.seconds(C, "module", "01") == 2 * 60
    assert m.seconds("") == 0
    assert m.seconds(C) == 3 * 60


def test_time_goes_to_the_course_of_each_event():
    events = [view(0, "01"), Event(at(4), "other", "module", "x", "view")]
    m = measure(events, now=at(5))
    assert m.seconds(C) == 4 * 60
    assert m.seconds("other") == 60
