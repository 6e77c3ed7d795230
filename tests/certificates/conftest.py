"""A small course (two modules with quizzes, one role-play) and helpers that complete it
through the real services: modules marked done, quizzes submitted, role-plays played."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

MINI_COURSE = {
    "course.yaml": """\
        title: Mini mediation course
        summary: A tiny course for tests.
        language: en
        hours: 3.5
        modules: [01-intro, 02-next]
        roleplays: [noise]
        completion:
          pass_mark: 80
          modules: all
          quizzes: all
          roleplays: all
          roleplay_min_score: 60
        certificate:
          title: Certificate of completion
          signatory: Claire Fontaine, Training Director
          issuer: Passerelle test centre
        """,
    "modules/01-intro.md": """\
        ---
        title: Introduction to mediation
        summary: The first module.
        minutes: 5
        objectives: [Know the basics]
        ---
        # Basics

        Some text.
        """,
    "modules/01-intro.quiz.yaml": """\
        pass_mark: 50
        questions:
          - id: q1
            type: true_false
            prompt: Is listening useful?
            answer: true
          - id: q2
            type: true_false
            prompt: Should an agent fine people?
            answer: false
        """,
    "modules/02-next.md": """\
        ---
        title: Next steps
        summary: The second module.
        minutes: 5
        objectives: [Go further]
        ---
        # Next

        More text.
        """,
    "modules/02-next.quiz.yaml": """\
        questions:
          - id: q1
            type: true_false
            prompt: Call 15 for a medical emergency?
            answer: true
          - id: q2
            type: true_false
            prompt: Is neutrality optional?
            answer: false
        """,
    "roleplays/noise.yaml": """\
        title: Noise at 23:00
        summary: A neighbour dispute.
        setting: Evening shift.
        competencies: [listening, law]
        start: knock
        nodes:
          knock:
            text: The door opens.
            choices:
              - text: Introduce yourself
                next: calm
                feedback: Frames it.
                points: {listening: 1, law: 1}
              - text: Threaten
                next: slammed
                feedback: No power.
          calm:
            text: He listens.
            ending:
              outcome: resolved
              debrief: Well done.
          slammed:
            text: The door slams.
            ending:
              outcome: escalated
              debrief: A threat fails.
        """,
}

SLUG = "mini"


def write_course(root: Path, files: dict[str, str] = MINI_COURSE, slug: str = SLUG) -> Path:
    folder = root / slug
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def courses_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("courses")
    write_course(root)
    return root


@pytest.fixture
def app_config(courses_dir: Path) -> dict[str, object]:
    return {"COURSES_DIR": str(courses_dir)}


@pytest.fixture
def course(app):  # noqa: ANN001, ANN201 - the Flask app; a courses.catalogue.Course
    from courses.loader import get_course

    loaded = get_course(SLUG)
    assert loaded is not None, "the mini test course must load"
    return loaded


def enrol(user: Any, course: Any) -> None:
    from courses import services

    services.enrol(user, course)


def read_modules(user: Any, course: Any, stems: list[str] | None = None) -> None:
    from courses import services

    for stem in stems if stems is not None else [m.stem for m in course.modules]:
        services.mark_module_done(user, course, stem)


def take_quiz(user: Any, course: Any, stem: str, right: int) -> None:
    """Submit one attempt at ``stem`` with ``right`` of its two questions answered right."""
    from quizzes import services

    quiz = course.quiz(stem)
    attempt = services.start_or_resume(user, course, stem)
    answers = {}
    for n, question in enumerate(quiz.questions):
        answers[question.id] = question.answer if n < right else not question.answer
    services.submit(user, course, attempt.id, answers)


def play(user: Any, course: Any, slug: str = "noise", choice: int = 0) -> None:
    """One run of the role-play: choice 0 scores 100 %, choice 1 scores 0 %."""
    from courses import roleplay_services

    run = roleplay_services.start_run(user, course, slug)
    roleplay_services.choose(user, run.id, run.step, choice, course=course)


def complete_everything(user: Any, course: Any) -> None:
    enrol(user, course)
    read_modules(user, course)
    take_quiz(user, course, "01-intro", right=2)
    take_quiz(user, course, "02-next", right=2)
    play(user, course)
