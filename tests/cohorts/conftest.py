"""Cohort fixtures: a small course (two modules with quizzes, one role-play) and seeders that
write learner activity straight through the models."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SLUG = "cohort-course"

QUESTIONS = [
    {
        "id": "capital",
        "type": "single",
        "prompt": "Which city is the capital of France?",
        "choices": [
            {"text": "Paris", "correct": True, "feedback": "Yes."},
            {"text": "Lyon", "correct": False, "feedback": "No, Lyon is not."},
        ],
    },
    {"id": "round", "type": "true_false", "prompt": "The Earth is round.", "answer": True},
]


def write_course(root: Path) -> None:
    folder = root / SLUG
    (folder / "modules").mkdir(parents=True)
    (folder / "roleplays").mkdir()
    shutil.copy(ROOT / "content/cap-apm/roleplays/noise-dispute.yaml", folder / "roleplays")
    course = {
        "title": "Cohort course",
        "summary": "A course for the cohort tests.",
        "language": "en",
        "hours": 3,
        "open": False,
        "modules": ["01-intro", "02-practice"],
        "roleplays": ["noise-dispute"],
        # the bundled role-play names its competency blocks: the course declares them
        "blocks": [
            {"id": "EP2", "title": "Prevention and mediation"},
            {"id": "CCP2", "title": "Regulate tension and conflict through mediation"},
        ],
        "completion": {"pass_mark": 70, "roleplay_min_score": 60},
        "certificate": {"title": "Certificate", "signatory": "A. Person", "issuer": "Centre"},
    }
    (folder / "course.yaml").write_text(yaml.safe_dump(course), encoding="utf-8")
    for stem, settings in (("01-intro", {"max_attempts": 2}), ("02-practice", {})):
        (folder / "modules" / f"{stem}.md").write_text(
            f"---\ntitle: Module {stem}\nsummary: About {stem}.\nminutes: 5\n"
            f"objectives:\n  - Know {stem}\n---\n# {stem}\n\nSome text.\n",
            encoding="utf-8",
        )
        quiz = {"title": f"Quiz {stem}", **settings, "questions": QUESTIONS}
        (folder / "modules" / f"{stem}.quiz.yaml").write_text(yaml.safe_dump(quiz), "utf-8")


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    content = tmp_path / "content"
    write_course(content)
    return {"COURSES_DIR": str(content)}


@pytest.fixture
def course(app):
    from courses.loader import get_catalogue

    catalogue = get_catalogue(refresh=True)
    assert SLUG in catalogue.courses, catalogue.problems
    return catalogue.courses[SLUG]


@pytest.fixture
def trainer(make_user):
    return make_user("trainer")


@pytest.fixture
def cohort(trainer, course):
    from cohorts import services

    return services.create_cohort(
        trainer, services.CohortFields("Spring group", SLUG, None, None, "", ())
    )


@pytest.fixture
def member(cohort, make_user):
    """member(**user kwargs) → a new learner who joined ``cohort``."""
    from cohorts import services

    def factory(**kwargs: object):
        user = make_user("learner", **kwargs)
        services.join(user, cohort)
        return user

    return factory


@pytest.fixture
def login(client):
    from tests.conftest import AuthActions

    def do(user) -> None:
        assert AuthActions(client).login(user.email).status_code == 302

    return do


# Seeders: learner activity written through the models -------------------------------


def quick_learner(email: str):
    """A learner without a password (no argon2 hash: fast to make by the dozen)."""
    from training.extensions import db
    from training.models import User

    user = User(email=email, display_name=email.split("@")[0], full_name=email.split("@")[0])
    db.session.add(user)
    db.session.commit()
    return user


def module_done(user, stem: str, *, when=None, done: bool = True) -> None:
    from courses.models import ModuleProgress
    from training.extensions import db
    from training.timeutil import utcnow

    when = when or utcnow()
    db.session.add(
        ModuleProgress(
            user_id=user.id, course_slug=SLUG, module_stem=stem, first_opened_at=when,
            last_opened_at=when, completed_at=when if done else None,
        )
    )  # fmt: skip
    db.session.commit()


def quiz_attempt(user, stem: str, answers: dict, *, number: int = 1, when=None):
    """A submitted counted attempt graded with the real grading."""
    from courses.loader import get_course
    from quizzes.grading import grade
    from quizzes.models import SUBMITTED, Attempt
    from training.extensions import db
    from training.timeutil import utcnow

    quiz = get_course(SLUG).quiz(stem)
    result = grade(quiz.questions, answers)
    when = when or utcnow()
    attempt = Attempt(
        user_id=user.id, course_slug=SLUG, quiz_stem=stem, number=number, practice=False,
        status=SUBMITTED, started_at=when - timedelta(minutes=5), submitted_at=when,
        questions=[{"id": q.id, "order": []} for q in quiz.questions], answers=answers,
        score_points=result.points, max_points=result.max_points, percent=result.percent,
        passed=result.percent >= 70,
    )  # fmt: skip
    db.session.add(attempt)
    db.session.commit()
    return attempt


def roleplay_run(user, path: list, *, when=None, reflection: str | None = None):
    from courses.loader import get_course
    from courses.roleplay import score_path
    from courses.roleplay_models import RoleplayRun
    from training.extensions import db
    from training.timeutil import utcnow

    scenario = get_course(SLUG).roleplay("noise-dispute")
    score = score_path(scenario, [tuple(step) for step in path])
    node = scenario.start
    for node_id, index in path:
        node = scenario.nodes[node_id].choices[index].next
    ending = scenario.nodes[node].ending
    when = when or utcnow()
    run = RoleplayRun(
        user_id=user.id, course_slug=SLUG, scenario_slug="noise-dispute", started_at=when,
        updated_at=when, finished_at=when if ending else None, current_node=node,
        path=[list(step) for step in path], step=len(path),
        outcome=ending.outcome if ending else None,
        points_total=score.total if ending else None, percent=score.percent if ending else None,
        competency_points=dict(score.points) if ending else None, reflection=reflection,
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    return run
