"""The player through the test client: intro, turns with feedback, debrief, reflection."""

from __future__ import annotations

import re

import pytest

from courses import roleplay_services as services
from courses.roleplay_models import RoleplayRun
from tests.roleplays.conftest import COURSE_SLUG, SCENARIO_SLUG
from training.extensions import db

INTRO = f"/courses/{COURSE_SLUG}/roleplays/{SCENARIO_SLUG}"


@pytest.fixture
def player(client, learner):
    response = client.post(
        "/login", data={"email": learner.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return learner


def text(response) -> str:
    return response.get_data(as_text=True)


def start(client) -> str:
    response = client.post(f"{INTRO}/runs")
    assert response.status_code == 302
    return response.headers["Location"]


def position_of(page: str, choice_text: str) -> str:
    """The value the turn page posts for the choice showing ``choice_text`` (its position in
    this run's order: the file's order is never what the page shows)."""
    buttons = re.findall(
        r'name="choice" value="(\d+)" class="choice-button">([^<]*)</button>', page
    )
    return next(value for value, shown in buttons if shown == choice_text)


def choose(client, play_url: str, step: int, choice_text: str):
    """Pick a choice by its text, as a learner does, from the page as it is now."""
    page = text(client.get(play_url))
    return client.post(play_url, data={"step": str(step), "choice": position_of(page, choice_text)})


def test_intro_shows_the_content_note_before_the_setting(client, player):
    page = text(client.get(INTRO))
    assert "Shouting at the door" in page
    note = page.index("Mentions shouting and a threat.")
    setting = page.index("<strong>evening shift</strong>")
    start_button = page.index(">Start</button>")
    assert note < setting < start_button
    assert 'method="post"' in page


def test_intro_needs_login_and_enrolment(client, make_user):
    assert client.get(INTRO).status_code == 302  # to the login page
    outsider = make_user("learner")
    client.post("/login", data={"email": outsider.email, "password": "correct horse battery"})
    assert client.get(INTRO).status_code == 404
    assert client.post(f"{INTRO}/runs").status_code == 404
    assert client.get(f"/courses/{COURSE_SLUG}/roleplays/nope").status_code == 404


def test_play_shows_dialogue_with_names_and_choices_as_buttons(client, player):
    page = text(client.get(start(client)))
    assert "Decision 1" in page
    assert '<strong class="speaker">Mr Martin:</strong>' in page
    assert "Go away, it&#39;s my flat!" in page
    assert re.search(r'<input[^>]*name="step"[^>]*value="0"', page)
    assert 'name="choice" value="0"' in page and 'name="choice" value="1"' in page
    assert position_of(page, "Listen calmly and reformulate") != position_of(page, "Shout back")
    assert "Feedback on" not in page


def test_feedback_on_the_choice_is_shown_before_the_next_turn(client, player):
    play_url = start(client)
    response = choose(client, play_url, 0, "Listen calmly and reformulate")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    feedback = page.index("Listening first lowers the tension.")
    assert page.index("Feedback on decision 1") < feedback < page.index("He lowers his voice.")
    assert "Listen calmly and reformulate" in page
    assert "Decision 2" in page


def test_a_stale_post_is_redirected_with_a_message_and_not_counted(client, player):
    play_url = start(client)
    first_page = text(client.get(play_url))
    choose(client, play_url, 0, "Listen calmly and reformulate")
    stale = {"step": "0", "choice": position_of(first_page, "Shout back")}  # the back button
    response = client.post(play_url, data=stale, follow_redirects=True)
    page = text(response)
    assert "out of date" in page
    assert "He lowers his voice." in page  # where the run really is
    run = db.session.scalars(db.select(RoleplayRun)).one()
    assert run.step == 1 and run.path == [["door", 0]]


def test_garbage_posts_change_nothing(client, player):
    play_url = start(client)
    for data in ({}, {"step": "x", "choice": "0"}, {"step": "0", "choice": "9"}):
        assert client.post(play_url, data=data).status_code == 302
    assert db.session.scalars(db.select(RoleplayRun)).one().step == 0


def test_debrief_shows_outcome_path_better_choice_bars_and_saves_reflection(client, player):
    play_url = start(client)
    choose(client, play_url, 0, "Listen calmly and reformulate")
    response = choose(client, play_url, 1, "Leave without a follow-up")
    debrief_url = response.headers["Location"]
    assert debrief_url.endswith("/debrief")
    page = text(client.get(debrief_url))
    assert "Outcome: Partly resolved" in page
    assert "The tension dropped, but nothing was agreed." in page
    assert "Leaving without a follow-up loses what you gained." in page
    assert "A better choice:" in page and "Propose to meet the neighbour tomorrow" in page
    assert re.search(r'<meter[^>]*max="3"[^>]*value="2"', page)
    assert "75%" in page and "3 of 4 points" in page and "Counts for the certificate" in page
    assert "What would you do differently on the job?" in page
    # The finished run's turn page sends to the debrief; a choice after the end is ignored.
    assert client.get(play_url).headers["Location"].endswith("/debrief")
    client.post(play_url, data={"step": "2", "choice": "0"})  # a stale page after the end
    saved = client.post(
        debrief_url.replace("/debrief", "/reflection"),
        data={"reflection": "Propose a dated meeting before leaving."},
        follow_redirects=True,
    )
    assert "Your reflection is saved" in text(saved)
    assert "Propose a dated meeting before leaving." in text(saved)
    run = db.session.scalars(db.select(RoleplayRun)).one()
    assert run.reflection == "Propose a dated meeting before leaving." and run.step == 2


def test_a_too_long_reflection_is_refused_with_an_error(client, player):
    play_url = start(client)
    debrief_url = choose(client, play_url, 0, "Shout back").headers["Location"]
    response = client.post(
        debrief_url.replace("/debrief", "/reflection"), data={"reflection": "x" * 4001}
    )
    assert response.status_code == 422
    assert "Please correct the following" in text(response)
    assert db.session.scalars(db.select(RoleplayRun)).one().reflection is None


def test_resume_and_past_runs_on_the_intro(client, player):
    play_url = start(client)
    choose(client, play_url, 0, "Shout back")  # finished, escalated, 0 %
    second = start(client)
    choose(client, second, 0, "Listen calmly and reformulate")
    page = text(client.get(INTRO))
    assert "Resume at decision 2" in page and second in page
    assert "Start again" in page
    assert "Escalated" in page and "In progress" in page


def test_someone_elses_run_is_not_found(client, player, make_user, course):
    from courses.services import enrol

    other = make_user("learner")
    enrol(other, course)
    run = services.start_run(other, course, SCENARIO_SLUG)
    url = f"{INTRO}/runs/{run.id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"step": "0", "choice": "0"}).status_code == 404
    assert client.get(f"{url}/debrief").status_code == 404
    assert client.post(f"{url}/reflection", data={"reflection": "x"}).status_code == 404
    assert db.session.get(RoleplayRun, run.id).step == 0


def test_course_section_lists_roleplays_with_best_score(app, player, course):
    from courses.sections import course_sections

    play(player, course, [0, 0])
    sections = [s for s in course_sections(player, course) if s.template.startswith("roleplays/")]
    assert len(sections) == 1
    (row,) = sections[0].context["roleplay_rows"]
    assert (row.scenario.slug, row.best, row.required, row.meets) == (
        SCENARIO_SLUG,
        100.0,
        True,
        True,
    )


def play(user, course, choices):
    run = services.start_run(user, course, SCENARIO_SLUG)
    for index in choices:
        run = services.choose(user, run.id, run.step, index, course=course).run
    return run


def test_course_page_shows_each_roleplay_with_its_best_score(client, player, course):
    play(player, course, [0, 1])  # 75 %, above the course's 60 %
    page = text(client.get(f"/courses/{COURSE_SLUG}"))
    assert f'href="{INTRO}"' in page
    assert "Passed with 75%" in page


def test_no_section_for_someone_who_cannot_play(app, make_user, course):
    from courses.roleplay_sections import course_roleplays

    assert course_roleplays(make_user("learner"), course) is None


def test_a_run_whose_scenario_changed_is_handled_gracefully(client, player, course, courses_dir):
    from courses.loader import get_catalogue
    from tests.roleplays.conftest import SCENARIO_YAML

    finished_url = start(client)
    debrief_url = choose(client, finished_url, 0, "Shout back").headers["Location"]
    unfinished_url = start(client)
    choose(client, unfinished_url, 0, "Listen calmly and reformulate")  # now at node 'calmer'
    path = courses_dir / COURSE_SLUG / "roleplays" / f"{SCENARIO_SLUG}.yaml"
    path.write_text(
        SCENARIO_YAML.replace("calmer", "quieter")
        .replace("next: fight", "next: fight_2")
        .replace("  fight:", "  fight_2:"),
        encoding="utf-8",
    )
    get_catalogue(refresh=True)
    response = client.get(unfinished_url, follow_redirects=True)
    assert "has changed since you started this run" in text(response)
    page = text(client.get(debrief_url))
    assert "Outcome: Escalated" in page
    assert "can no longer be shown" in page
