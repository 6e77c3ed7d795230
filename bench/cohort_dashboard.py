"""The cohort dashboard with 200 learners × 10 modules of seeded data: requests/s and SQL
queries per request (which must not depend on the cohort's size).

Seeds a temporary SQLite database directly through the models (a generated course of 10 modules,
each with a quiz, and two role-plays; every learner at a different stage), then measures the
dashboard with the Flask test client in-process. Prints only; never asserts.

Run alone: ``.venv/bin/python -m bench.cohort_dashboard``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-course"
LEARNERS = int(os.environ.get("BENCH_COHORT_LEARNERS", "200"))
MODULES = 10
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
PASSWORD = "bench password 123"  # noqa: S105 - a throwaway account in a temporary database

QUESTIONS = [
    {
        "id": f"q{i}",
        "type": "single",
        "prompt": f"Question {i}?",
        "choices": [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}],
    }
    for i in range(1, 6)
]


def write_course(root: Path) -> None:
    folder = root / SLUG
    (folder / "modules").mkdir(parents=True)
    (folder / "roleplays").mkdir()
    roleplays = ["noise-dispute", "building-hall"]
    for slug in roleplays:
        shutil.copy(ROOT / "content/cap-apm/roleplays" / f"{slug}.yaml", folder / "roleplays")
    stems = [f"{i:02d}-module" for i in range(1, MODULES + 1)]
    course = {
        "title": "Bench course",
        "summary": "Generated for the benchmark.",
        "language": "en",
        "hours": 20,
        "modules": stems,
        "roleplays": roleplays,
        "completion": {"pass_mark": 70, "roleplay_min_score": 60},
        "certificate": {"title": "Certificate", "signatory": "A. Person", "issuer": "Bench"},
    }
    (folder / "course.yaml").write_text(yaml.safe_dump(course), encoding="utf-8")
    for stem in stems:
        (folder / "modules" / f"{stem}.md").write_text(
            f"---\ntitle: Module {stem}\nsummary: About {stem}.\nminutes: 10\n"
            f"objectives:\n  - Know {stem}\n---\n# {stem}\n\nText.\n",
            encoding="utf-8",
        )
        quiz = {"title": f"Quiz {stem}", "max_attempts": 3, "questions": QUESTIONS}
        (folder / "modules" / f"{stem}.quiz.yaml").write_text(yaml.safe_dump(quiz), "utf-8")


def seed(course) -> int:  # noqa: ANN001 - courses.catalogue.Course
    """The trainer, a cohort and its learners with progress, attempts and runs; the cohort id."""
    from cohorts import services
    from courses.models import Enrolment, ModuleProgress
    from courses.roleplay import best_path, score_path, worst_path
    from courses.roleplay_models import RoleplayRun
    from quizzes.models import SUBMITTED, Attempt
    from training import accounts
    from training.extensions import db
    from training.models import CohortMember, User
    from training.timeutil import utcnow

    trainer = accounts.create_user(
        "trainer@bench.test", display_name="Trainer", password=PASSWORD, role="trainer"
    )
    cohort = services.create_cohort(
        trainer, services.CohortFields("Bench cohort", SLUG, None, None)
    )
    now = utcnow()
    users = [
        User(email=f"learner{i}@bench.test", display_name=f"L{i}", full_name=f"Learner {i:03d}")
        for i in range(LEARNERS)
    ]
    db.session.add_all(users)
    db.session.flush()
    rows: list[object] = []
    for i, user in enumerate(users):
        rows.append(CohortMember(cohort_id=cohort.id, user_id=user.id))
        rows.append(Enrolment(user_id=user.id, course_slug=SLUG, cohort_id=cohort.id))
        done = i % (MODULES + 1)
        when = now - timedelta(days=i % 30)
        for module in course.modules[:done]:
            rows.append(
                ModuleProgress(
                    user_id=user.id, course_slug=SLUG, module_stem=module.stem,
                    first_opened_at=when, last_opened_at=when, completed_at=when,
                )
            )  # fmt: skip
            for number in (1, 2) if i % 4 == 0 else (1,):
                percent = 40.0 if number == 1 and i % 4 == 0 else 60.0 + (i % 5) * 10
                rows.append(
                    Attempt(
                        user_id=user.id, course_slug=SLUG, quiz_stem=module.stem,
                        number=number, status=SUBMITTED, started_at=when, submitted_at=when,
                        questions=[{"id": q["id"], "order": []} for q in QUESTIONS],
                        answers={q["id"]: 0 for q in QUESTIONS}, score_points=percent / 20,
                        max_points=5, percent=percent, passed=percent >= 70,
                    )
                )  # fmt: skip
        for scenario in course.roleplays[: i % 3]:
            path = best_path(scenario) if i % 2 else worst_path(scenario)
            score = score_path(scenario, path)
            rows.append(
                RoleplayRun(
                    user_id=user.id, course_slug=SLUG, scenario_slug=scenario.slug,
                    started_at=when, updated_at=when, finished_at=when, current_node="end",
                    path=[list(s) for s in path], step=len(path), outcome="partial",
                    points_total=score.total, percent=score.percent,
                )
            )  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()
    return cohort.id


def run() -> dict[str, float]:
    from sqlalchemy import event

    from training import create_app
    from training.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_course(content)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "COURSES_DIR": str(content),
                "CONTENT_AUTO_RELOAD": False,
                "SECRET_KEY": "bench-secret",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "OUTBOX_DIR": str(Path(tmp) / "outbox"),
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            from courses.loader import get_course

            upgrade(directory=str(ROOT / "migrations"))
            cohort_id = seed(get_course(SLUG))
            db.session.remove()
            client = app.test_client()
            response = client.post(
                "/login", data={"email": "trainer@bench.test", "password": PASSWORD}
            )
            if response.status_code != 302:
                raise RuntimeError(f"login failed: HTTP {response.status_code}")
            url = f"/cohorts/{cohort_id}"
            for _ in range(3):
                assert_ok(client.get(url))

            statements: list[str] = []

            def record(*_args: object) -> None:
                statements.append("q")

            event.listen(db.engine, "before_cursor_execute", record)
            assert_ok(client.get(url))
            event.remove(db.engine, "before_cursor_execute", record)
            size = len(client.get(url).data)

            count = 0
            start = time.perf_counter()
            while time.perf_counter() - start < SECONDS:
                assert_ok(client.get(url))
                count += 1
            elapsed = time.perf_counter() - start
            db.session.remove()
            db.engine.dispose()
    return {
        "learners": float(LEARNERS),
        "modules": float(MODULES),
        "dashboard_requests_per_s": count / elapsed,
        "ms_per_request": 1000 * elapsed / count,
        "sql_queries_per_request": float(len(statements)),
        "page_kib": size / 1024,
    }


def assert_ok(response) -> None:  # noqa: ANN001 - a test-client response
    if response.status_code != 200:
        raise RuntimeError(f"dashboard answered HTTP {response.status_code}")


def report(results: dict[str, float]) -> list[str]:
    return [
        f"cohort dashboard, {results['learners']:.0f} learners × {results['modules']:.0f} "
        f"modules (Flask test client, in-process)",
        f"  {results['dashboard_requests_per_s']:.1f} requests/s "
        f"({results['ms_per_request']:.0f} ms each, {results['page_kib']:.0f} KiB)",
        f"  {results['sql_queries_per_request']:.0f} SQL queries per request "
        "(independent of the cohort's size)",
    ]


if __name__ == "__main__":
    print("\n".join(report(run())))
