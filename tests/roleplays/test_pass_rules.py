"""The pass rules through the app: a critical choice is stored with the run, never passes and is
explained in the debrief; an escalated ending is capped; runs keep their own order of choices;
with a run limit, a learner out of runs is told what happens next and a trainer reopens it."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from certificates import completion
from cohorts import services as cohorts
from cohorts.second_chances import grant, learners_needing_extra_attempt
from courses import roleplay_services as services
from courses.roleplay_models import RoleplayRun
from tests.roleplays.conftest import COURSE_SLUG, COURSE_YAML, SCENARIO_SLUG, write_course
from training import audit
from training.extensions import db

INTRO = f"/courses/{COURSE_SLUG}/roleplays/{SCENARIO_SLUG}"

# The test scenario with a critical choice (threatening to call the police, which a mediator
# must not use as a threat) that still "works", and a capped escalated ending.
SCENARIO = """\
title: Shouting at the door
summary: A man shouts at the door of his flat.
setting: You are on the evening shift with your partner.
competencies: [listening, safety, law]
start: door
nodes:
  door:
    text: Mr Martin opens the door and shouts.
    choices:
      - text: Listen calmly and reformulate
        next: calmer
        feedback: Listening first lowers the tension.
        points: {listening: 2}
      - text: Threaten to have him arrested
        next: calmer
        feedback: He calms down, out of fear.
        points: {listening: 2, law: -3}
        critical:
          reason: >-
            A mediator has no power of constraint: a threat you cannot carry out
            breaks trust and the law of your role.
      - text: Shout back
        next: fight
        feedback: Shouting back escalates the conflict.
        points: {safety: -1}
  calmer:
    text: He lowers his voice.
    choices:
      - text: Propose to meet the neighbour tomorrow
        next: agreement
        feedback: A dated follow-up secures the agreement.
        points: {listening: 1, safety: 1, law: 1}
      - text: Leave without a follow-up
        next: fight
        feedback: He starts again as soon as you leave.
        points: {safety: 1, law: 1}
  agreement:
    text: He agrees to meet.
    ending:
      outcome: resolved
      debrief: You listened, then secured a follow-up.
  fight:
    text: He slams the door.
    ending:
      outcome: escalated
      max_score: 40
      debrief: The conflict escalated.
"""


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    folder = write_course(root)
    (folder / "roleplays" / f"{SCENARIO_SLUG}.yaml").write_text(SCENARIO, encoding="utf-8")
    (folder / "course.yaml").write_text(
        COURSE_YAML.replace(
            "  roleplay_min_score: 60\n", "  roleplay_min_score: 60\n  roleplay_max_runs: 2\n"
        ),
        encoding="utf-8",
    )
    return root


def play(user, course, choices: list[str], rng_seed: int = 7) -> RoleplayRun:
    """A run played by choice text (the service takes file indices; the texts say which)."""
    run = services.start_run(user, course, SCENARIO_SLUG, rng=random.Random(rng_seed))
    scenario = course.roleplay(SCENARIO_SLUG)
    for text in choices:
        node = scenario.node(run.current_node)
        index = next(c.index for c in node.choices if c.text == text)
        result = services.choose(user, run.id, run.step, index, course=course)
        assert result.accepted
        run = result.run
    return run


@pytest.fixture
def player(client, learner):
    response = client.post(
        "/login", data={"email": learner.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return learner


THREAT = "Threaten to have him arrested"
LISTEN = "Listen calmly and reformulate"
FOLLOW_UP = "Propose to meet the neighbour tomorrow"
LEAVE = "Leave without a follow-up"


def test_a_critical_run_is_stored_as_such_and_never_passes(learner, course):
    run = play(learner, course, [THREAT, FOLLOW_UP])
    assert run.critical and run.outcome == "resolved"
    # listening 3, safety 1, law max(0, -3 + 1) = 0: 4 of the best 5
    assert run.percent == 80.0 and run.points_total == 4
    assert not services.run_verdict(run, course).passed
    (missing,) = completion.evaluate(learner, course).missing
    assert missing.detail == ("Best 80%, but with a critical choice: a run must avoid it to pass")
    clean = play(learner, course, [LISTEN, FOLLOW_UP])
    assert not clean.critical and services.run_verdict(clean, course).passed
    assert completion.evaluate(learner, course).complete


def test_the_debrief_says_which_choice_why_and_the_safe_practice(client, player, course):
    run = play(player, course, [THREAT, FOLLOW_UP])
    page = client.get(f"{INTRO}/runs/{run.id}/debrief").get_data(as_text=True)
    panel = page[page.index('class="panel roleplay-critical"') :]
    panel = panel[: panel.index("</section>")]
    assert "A critical choice: this run cannot pass" in panel
    assert "Decision 1" in panel and THREAT in panel
    assert "a threat you cannot carry out breaks trust" in panel
    assert "The safe practice:" in panel and LISTEN in panel
    assert "Does not pass" in page and "Counts for the certificate" not in page


def test_an_escalated_ending_is_capped_below_the_pass_mark(client, player, course):
    run = play(player, course, [LISTEN, LEAVE])  # 4 of 5 points = 80 %, capped at 40
    assert (run.outcome, run.percent) == ("escalated", 40.0)
    page = client.get(f"{INTRO}/runs/{run.id}/debrief").get_data(as_text=True)
    assert "This ending caps the score at 40%" in page and "worth 80%" in page


def test_each_run_keeps_its_own_order_of_the_choices(client, player, course):
    first = services.start_run(player, course, SCENARIO_SLUG, rng=random.Random(1))
    orders = {tuple(first.choice_order["door"])}
    pattern = r'name="choice" value="(\d)" class="choice-button">([^<]*)<'
    shown = re.findall(pattern, client.get(f"{INTRO}/runs/{first.id}").get_data(as_text=True))
    again = re.findall(pattern, client.get(f"{INTRO}/runs/{first.id}").get_data(as_text=True))
    assert shown == again  # a reload (or a second tab) shows the same order
    door = course.roleplay(SCENARIO_SLUG).node("door")
    assert [text for _v, text in shown] == [
        door.choices[i].text for i in first.choice_order["door"]
    ]
    for seed in range(2, 12):
        db.session.delete(first)
        db.session.commit()
        first = services.start_run(player, course, SCENARIO_SLUG, rng=random.Random(seed))
        orders.add(tuple(first.choice_order["door"]))
    assert len(orders) > 1 and orders != {(0, 1, 2)}


def test_out_of_runs_the_learner_is_told_and_a_trainer_reopens(client, player, course, make_user):
    trainer = make_user("trainer")
    cohort = cohorts.create_cohort(
        trainer, cohorts.CohortFields("Evening group", COURSE_SLUG, None, None, "", ())
    )
    cohorts.join(player, cohort)
    play(player, course, ["Shout back"])
    play(player, course, [LISTEN, LEAVE])
    with pytest.raises(services.NoRunsLeft):
        services.start_run(player, course, SCENARIO_SLUG)
    page = client.get(INTRO).get_data(as_text=True)
    assert "No run left" in page and "Your trainer has been told" in page
    assert ">Start again</button>" not in page
    response = client.post(f"{INTRO}/runs", follow_redirects=True)
    assert "Your trainer has been told" in response.get_data(as_text=True)
    ((user, items),) = learners_needing_extra_attempt(cohort, course)
    assert user == player and [(i.kind, i.key) for i in items] == [("roleplay", SCENARIO_SLUG)]

    grant(trainer, cohort, course, player.id, f"reopen_roleplay:roleplay:{SCENARIO_SLUG}",
          "Debriefed the threat together; try again.")  # fmt: skip
    (event,) = audit.events(action="override.reopen_roleplay")
    assert event.detail == {"target": "roleplay", "key": SCENARIO_SLUG, "amount": 2}
    assert services.run_allowance(player.id, course, SCENARIO_SLUG).allowed == 4
    assert learners_needing_extra_attempt(cohort, course) == []
    run = play(player, course, [LISTEN, FOLLOW_UP])
    assert services.run_verdict(run, course).passed
