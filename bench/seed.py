"""Benchmark data: an app on a fresh database (SQLite file or PostgreSQL), and cohorts of any
size seeded in bulk.

``bench_app`` builds the app the way production does (real migrations) on a temporary SQLite
file or on the PostgreSQL database of ``BENCH_POSTGRES_URL`` (dropped and recreated: give the
benchmarks a database of their own). ``seed_cohort`` adds a cohort of N learners at every stage
of a course — module progress, quiz attempts (some failed then retaken), role-play runs and, for
those who finished, a certificate — with multi-row INSERTs (SQLAlchemy's insertmanyvalues), so
5,000 learners take seconds, not minutes. Seeded certificates carry the bytes of a real PDF
rendered once (``certificate_pdfs``), not a placeholder.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # throwaway accounts in a throwaway database
BENCH_COURSE = "bench-course"
POSTGRES_URL_ENV = "BENCH_POSTGRES_URL"

QUESTIONS = [
    {
        "id": f"q{i}",
        "type": "single",
        "prompt": f"Question {i}?",
        "choices": [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}],
    }
    for i in range(1, 6)
]


def postgres_url() -> str | None:
    """``BENCH_POSTGRES_URL`` when set and reachable, else ``None`` (the suites say they skip)."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        return None
    from tests.support.pg_ready import main as pg_ready

    return url if pg_ready(url) == 0 else None


def database_urls(tmp: Path) -> dict[str, str]:
    """``{"SQLite": url, "PostgreSQL": url}``, PostgreSQL only when configured and reachable."""
    urls = {"SQLite": f"sqlite:///{tmp / 'bench.sqlite3'}"}
    pg = postgres_url()
    if pg:
        urls["PostgreSQL"] = pg
    return urls


def fresh_database(url: str) -> None:
    """Start from nothing: a PostgreSQL database is dropped and recreated, a SQLite file deleted."""
    if url.startswith("postgresql"):
        from tests.support.database import reset_postgres_database

        reset_postgres_database(url)
    elif url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def bench_config(url: str, tmp: Path, courses_dir: Path, **extra: Any) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "COURSES_DIR": str(courses_dir),
        "CONTENT_AUTO_RELOAD": False,
        "SECRET_KEY": "bench-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "OUTBOX_DIR": str(tmp / "outbox"),
        "BASE_URL": "https://passerelle.example",
        # Cheap argon2id: the benchmarks create accounts, they do not measure hashing.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 1024,
        "ARGON2_PARALLELISM": 1,
        **extra,
    }


def bench_app(url: str, tmp: Path, courses_dir: Path, **extra: Any) -> Flask:
    """The app on a fresh, migrated database."""
    from flask_migrate import upgrade

    from training import create_app

    fresh_database(url)
    app = create_app(bench_config(url, tmp, courses_dir, **extra))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def server_env(url: str, tmp: Path, courses_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a gunicorn server on the same database as :func:`bench_app`."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "COURSES_DIR": str(courses_dir),
        "CONTENT_AUTO_RELOAD": "false",
        "SECRET_KEY": "bench-secret",
        "RATELIMIT_ENABLED": "false",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "BASE_URL": "https://passerelle.example",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_PARALLELISM": "1",
        **extra,
    }


def write_bench_course(root: Path, modules: int = 10) -> Path:
    """A generated course: ``modules`` short modules with a five-question quiz each, and two
    role-plays copied from the bundled course. Returns the courses folder (``root``)."""
    folder = root / BENCH_COURSE
    (folder / "modules").mkdir(parents=True)
    (folder / "roleplays").mkdir()
    roleplays = ["noise-dispute", "building-hall"]
    for slug in roleplays:  # without their competency blocks: this course declares none
        scenario = yaml.safe_load(
            (ROOT / "content/cap-apm/roleplays" / f"{slug}.yaml").read_text(encoding="utf-8")
        )
        scenario.pop("blocks", None)
        (folder / "roleplays" / f"{slug}.yaml").write_text(
            yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8"
        )
    stems = [f"{i:02d}-module" for i in range(1, modules + 1)]
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
    return root


def make_trainer(email: str = "trainer@bench.test") -> Any:
    from training import accounts

    return accounts.create_user(email, display_name="Trainer", password=PASSWORD, role="trainer")


def make_cohort(trainer: Any, course_slug: str, name: str) -> int:
    from cohorts import services

    cohort = services.create_cohort(trainer, services.CohortFields(name, course_slug, None, None))
    return cohort.id


@dataclass(frozen=True)
class Seeded:
    cohort_id: int
    user_ids: list[int]


def add_learners(cohort_id: int, course_slug: str, count: int, prefix: str) -> list[int]:
    """``count`` learners in the cohort (members, enrolled through it); their ids."""
    from sqlalchemy import insert

    from courses.models import Enrolment
    from training.extensions import db
    from training.models import CohortMember, User
    from training.timeutil import utcnow

    now = utcnow()
    ids = list(
        db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"{prefix}{i}@bench.test",
                    "display_name": f"L{i}",
                    "full_name": f"Learner {prefix} {i:05d}",
                    "role": "learner",
                    "language": "en",
                    "session_version": 1,
                    "created_at": now,
                    "email_verified_at": now,
                }
                for i in range(count)
            ],
        )
    )
    _insert(CohortMember, [{"cohort_id": cohort_id, "user_id": u, "joined_at": now} for u in ids])
    _insert(
        Enrolment,
        [
            {"user_id": u, "course_slug": course_slug, "cohort_id": cohort_id, "enrolled_at": now}
            for u in ids
        ],
    )
    db.session.commit()
    return ids


def seed_activity(course: Any, user_ids: Sequence[int]) -> None:
    """Every learner at a different stage: learner i has done ``i % (modules + 1)`` modules,
    passed (or failed, then retaken) their quizzes, and played ``i % 3`` role-plays."""
    from courses.models import ModuleProgress
    from courses.roleplay import best_path, worst_path
    from courses.roleplay_models import RoleplayRun
    from quizzes.models import SUBMITTED, Attempt
    from training.extensions import db
    from training.timeutil import utcnow

    now = utcnow()
    modules = list(course.modules)
    paths = {s.slug: (best_path(s), worst_path(s)) for s in course.roleplays}
    progress: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    for i, user_id in enumerate(user_ids):
        done = i % (len(modules) + 1)
        when = now - timedelta(days=i % 30)
        for module in modules[:done]:
            progress.append(
                {
                    "user_id": user_id, "course_slug": course.slug, "module_stem": module.stem,
                    "first_opened_at": when, "last_opened_at": when, "completed_at": when,
                }
            )  # fmt: skip
            if module.quiz is None:
                continue
            ids = [q.id for q in module.quiz.questions]
            for number in (1, 2) if i % 4 == 0 else (1,):
                percent = 40.0 if number == 1 and i % 4 == 0 else 60.0 + (i % 5) * 10
                attempts.append(
                    {
                        "user_id": user_id, "course_slug": course.slug,
                        "quiz_stem": module.stem, "number": number, "practice": False,
                        "status": SUBMITTED, "started_at": when, "submitted_at": when,
                        "late": False, "questions": [{"id": q, "order": []} for q in ids],
                        "answers": {q: 0 for q in ids}, "score_points": percent / 20,
                        "max_points": 5.0, "percent": percent, "passed": percent >= 70,
                        "content_version": course.version,
                    }
                )  # fmt: skip
        for n, scenario in enumerate(course.roleplays[: i % 3]):
            best, worst = paths[scenario.slug]
            path = best if (i + n) % 2 else worst
            runs.append(
                {
                    "user_id": user_id, "course_slug": course.slug,
                    "scenario_slug": scenario.slug, "started_at": when, "updated_at": when,
                    "finished_at": when, "current_node": "end",
                    "path": [list(step) for step in path], "step": len(path),
                    "outcome": "resolved" if (i + n) % 2 else "escalated",
                    "points_total": 10 if (i + n) % 2 else 2,
                    "percent": 90.0 if (i + n) % 2 else 30.0,
                    "content_version": course.version,
                }
            )  # fmt: skip
    _insert(ModuleProgress, progress)
    _insert(Attempt, attempts)
    _insert(RoleplayRun, runs)
    db.session.commit()


def certificate_pdfs(course: Any, count: int = 3) -> list[bytes]:
    """``count`` distinct real certificate PDFs for ``course`` (rendered with WeasyPrint)."""
    from certificates import pdf, services
    from training.timeutil import utcnow

    now = utcnow().replace(microsecond=0)
    out = []
    for n in range(count):
        snapshot = services.snapshot_for(
            _Holder(f"Camille Bench-{n:02d}"), course, services.new_code(), now.date(), 88.0, now
        )
        html = pdf.render_certificate_html(
            snapshot, services.verify_url(snapshot.code), "Bench centre", "img/logo.svg"
        )
        out.append(pdf.render_pdf(html, pdfa=False))
    return out


@dataclass(frozen=True)
class _Holder:
    full_name: str
    language: str = "en"


def add_certificates(course: Any, user_ids: Sequence[int], pdfs: Sequence[bytes]) -> None:
    """A valid certificate for each learner, carrying one of ``pdfs`` (cycled)."""
    from certificates import services
    from certificates.models import Certificate, Status, current_key
    from certificates.pdf import sha256_hex
    from training.extensions import db
    from training.timeutil import utcnow

    now = utcnow().replace(microsecond=0)
    rows = []
    for n, user_id in enumerate(user_ids):
        data = pdfs[n % len(pdfs)]
        rows.append(
            {
                "code": services.new_code(), "user_id": user_id, "course_slug": course.slug,
                "status": Status.VALID.value, "current_key": current_key(user_id, course.slug),
                "holder_name": f"Holder {n:05d}", "course_title": course.title,
                "hours": float(course.hours), "completed_on": now.date(),
                "score_percent": 88.0, "modules": [m.title for m in course.modules],
                "competencies": [], "issuer": "Bench", "signatory": "A. Person",
                "certificate_title": "Certificate", "language": "en", "issued_at": now,
                "pdf": data, "pdf_sha256": sha256_hex(data), "pdf_size": len(data),
            }
        )  # fmt: skip
    _insert(Certificate, rows)
    db.session.commit()


def _insert(model: Any, rows: list[dict[str, Any]], batch: int = 2000) -> None:
    from sqlalchemy import insert

    from training.extensions import db

    for start in range(0, len(rows), batch):
        db.session.execute(insert(model), rows[start : start + batch])
