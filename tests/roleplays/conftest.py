"""A tiny course with one small role-play, loaded by the real loader from a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

COURSE_SLUG = "rp-test"

COURSE_YAML = """\
title: Role-play test course
summary: A tiny course for the role-play tests.
language: en
hours: 1
modules: [01-intro]
roleplays: [shout]
completion:
  modules: none
  quizzes: none
  roleplays: all
  roleplay_min_score: 60
certificate:
  title: Certificate of completion
  signatory: Test Person, trainer
  issuer: Test centre
"""

MODULE_MD = """\
---
title: Introduction
summary: The first module.
minutes: 5
objectives:
  - Read the introduction
---
# Introduction

Hello.
"""

SCENARIO_YAML = """\
title: Shouting at the door
summary: A man shouts at the door of his flat.
content_note: Mentions shouting and a threat.
setting: |
  You are on the **evening shift** with your partner.
competencies: [listening, safety]
start: door
nodes:
  door:
    text: Mr Martin opens the door and shouts.
    dialogue:
      - speaker: Mr Martin
        line: "Go away, it's my flat!"
    choices:
      - text: Listen calmly and reformulate
        next: calmer
        feedback: Listening first lowers the tension.
        points: {listening: 2}
      - text: Shout back
        next: fight
        feedback: Shouting back escalates the conflict.
  calmer:
    text: He lowers his voice.
    dialogue:
      - speaker: Mr Martin
        line: "Fine. What do you want?"
    choices:
      - text: Propose to meet the neighbour tomorrow
        next: agreement
        feedback: A dated follow-up secures the agreement.
        points: {listening: 1, safety: 1}
      - text: Leave without a follow-up
        next: shrug
        feedback: Leaving without a follow-up loses what you gained.
        points: {safety: 1}
  agreement:
    text: He agrees to meet.
    ending:
      outcome: resolved
      debrief: You listened, then secured a follow-up.
  shrug:
    text: He closes the door.
    ending:
      outcome: partial
      debrief: The tension dropped, but nothing was agreed.
  fight:
    text: He slams the door.
    ending:
      outcome: escalated
      debrief: Shouting back turned a complaint into a fight.
"""

SCENARIO_SLUG = "shout"


def write_course(root: Path) -> Path:
    folder = root / COURSE_SLUG
    (folder / "modules").mkdir(parents=True)
    (folder / "roleplays").mkdir()
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (folder / "modules" / "01-intro.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "roleplays" / f"{SCENARIO_SLUG}.yaml").write_text(SCENARIO_YAML, encoding="utf-8")
    return folder


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write_course(root)
    return root


@pytest.fixture
def app_config(courses_dir: Path) -> dict[str, object]:
    return {"COURSES_DIR": str(courses_dir)}


@pytest.fixture
def course(app):
    from courses.loader import get_course

    loaded = get_course(COURSE_SLUG)
    assert loaded is not None, "the test course must load"
    return loaded


@pytest.fixture
def learner(make_user, course):
    """An enrolled learner."""
    from courses.services import enrol

    user = make_user("learner")
    enrol(user, course)
    return user
