"""Cohort pages at 200, 1,000 and 5,000 learners: the time of one page and its SQL queries,
as ratios of the 200-learner cohort's.

Budget (issue 19, item 2; design.md): one page of the dashboard (its learner list, 50 rows a
page), the learner list sorted by risk and filtered to those at risk, and the group insight at
5,000 learners ≤ 1.5 × the time at 200, with a query count that does not grow. The gradebook
CSV is an export of every learner (streamed in chunks, never paginated): it is measured too, but
its time grows with the cohort by nature and it has no such budget.

The pages read cached standings and graded answers (``cohorts.standing_models``,
``cohorts.insight_models``) that the bulk seeding does not write: the first view of each page
computes them for the whole cohort. That first view is timed apart ("first view"); the rounds
measure the steady state, where a view recomputes only the learners who did something since.

How: one database (a SQLite file, and the PostgreSQL of ``BENCH_POSTGRES_URL`` when set)
holding the generated 10-module course and three cohorts of 200, 1,000 and 5,000 learners
seeded in bulk (``bench/seed.py``: module progress, quiz attempts, role-play runs, a
certificate with real PDF bytes for each learner who finished). All cohorts share the same
tables, so only the cohort's size differs. Each page is requested in-process with Flask's test
client as the cohort's trainer; ``BENCH_COHORT_ROUNDS`` (default 3) rounds alternate sizes and
pages, and the median time is reported. Queries are counted on one request.

Settings: ``BENCH_COHORT_SIZES`` (default ``200,1000,5000``; the first is the baseline) and
``BENCH_COHORT_PATHS`` to measure other URLs, as ``name=path`` pairs separated by commas, with
``{id}`` for the cohort (default: the dashboard's first page, its at-risk list sorted by risk,
its last page, the insight and the gradebook CSV; see ``DEFAULT_PATHS``). Prints only; never
asserts.

Run alone: ``.venv/bin/python -m bench.cohort_pages``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import seed

SIZES = [int(n) for n in os.environ.get("BENCH_COHORT_SIZES", "200,1000,5000").split(",")]
ROUNDS = int(os.environ.get("BENCH_COHORT_ROUNDS", "3"))
DEFAULT_PATHS = (
    "dashboard=/cohorts/{id},"
    "at_risk=/cohorts/{id}?sort=risk&show=at_risk&columns=quizzes,"
    "last_page=/cohorts/{id}?page=100000,"  # past the end: the last page
    "insight=/cohorts/{id}/insight,"
    "gradebook=/cohorts/{id}/gradebook.csv"
)
UNBUDGETED = {"gradebook"}  # a full export: O(cohort) by nature
PATHS = dict(
    pair.split("=", 1) for pair in os.environ.get("BENCH_COHORT_PATHS", DEFAULT_PATHS).split(",")
)


def _seed(app: Any) -> dict[int, int]:
    """The cohorts, by size: {size: cohort id}."""
    from courses.loader import get_course
    from training.extensions import db

    with app.app_context():
        course = get_course(seed.BENCH_COURSE)
        if course is None:
            raise RuntimeError("the generated course does not load")
        pdfs = seed.certificate_pdfs(course, count=3)
        trainer = seed.make_trainer()
        cohorts = {}
        for size in SIZES:
            cohort_id = seed.make_cohort(trainer, seed.BENCH_COURSE, f"Cohort of {size}")
            users = seed.add_learners(cohort_id, seed.BENCH_COURSE, size, prefix=f"s{size}-")
            seed.seed_activity(course, users)
            finished = users[len(course.modules) :: len(course.modules) + 1]
            seed.add_certificates(course, finished, pdfs)
            cohorts[size] = cohort_id
        db.session.remove()
    return cohorts


def run_database(name: str, url: str, tmp: Path) -> dict[str, Any]:
    from sqlalchemy import event

    from training.extensions import db

    courses = seed.write_bench_course(tmp / f"courses-{name}")
    app = seed.bench_app(url, tmp, courses)
    started = time.perf_counter()
    cohorts = _seed(app)
    seeded_s = time.perf_counter() - started
    times: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[float]] = {}
    queries: dict[tuple[str, int], int] = {}
    sizes_kib: dict[tuple[str, int], float] = {}
    with app.app_context():
        client = app.test_client()
        response = client.post(
            "/login", data={"email": "trainer@bench.test", "password": seed.PASSWORD}
        )
        if response.status_code != 302:
            raise RuntimeError(f"login failed: HTTP {response.status_code}")

        def get(page: str, size: int) -> Any:
            response = client.get(PATHS[page].format(id=cohorts[size]))
            if response.status_code != 200:
                raise RuntimeError(f"{page} at {size}: HTTP {response.status_code}")
            return response

        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        first_view: dict[tuple[str, int], float] = {}
        for size in SIZES:  # first view (computes the caches), query count and size of each page
            for page in PATHS:
                start = time.perf_counter()
                get(page, size)
                first_view[(page, size)] = time.perf_counter() - start
                statements.clear()
                event.listen(db.engine, "before_cursor_execute", record)
                body = get(page, size).data
                event.remove(db.engine, "before_cursor_execute", record)
                queries[(page, size)] = len(statements)
                sizes_kib[(page, size)] = len(body) / 1024
        for round_number in range(ROUNDS):
            order = SIZES if round_number % 2 == 0 else list(reversed(SIZES))
            for size in order:
                for page in PATHS:
                    start, cpu_start = time.perf_counter(), time.process_time()
                    get(page, size)
                    times.setdefault((page, size), []).append(time.perf_counter() - start)
                    cpu.setdefault((page, size), []).append(time.process_time() - cpu_start)
        db.session.remove()
        db.engine.dispose()
    return {
        "database": name,
        "seeded_s": seeded_s,
        "ms": {key: 1000 * statistics.median(values) for key, values in times.items()},
        "spread": {key: (1000 * min(v), 1000 * max(v)) for key, v in times.items()},
        "cpu_ms": {key: 1000 * statistics.median(values) for key, values in cpu.items()},
        "load_average": os.getloadavg(),
        "queries": queries,
        "kib": sizes_kib,
        "first_ms": {key: 1000 * value for key, value in first_view.items()},
    }


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        return [
            run_database(name, url, Path(tmp))
            for name, url in seed.database_urls(Path(tmp)).items()
        ]


def report(results: list[dict[str, Any]]) -> list[str]:
    base = SIZES[0]
    largest = SIZES[-1]
    lines = []
    for r in results:
        lines.append(
            f"{r['database']} — cohorts of {', '.join(f'{s:,}' for s in SIZES)} learners"
            f" (seeded in {r['seeded_s']:.0f} s), median of {ROUNDS} rounds, in-process;"
            f" load average {' '.join(f'{v:.1f}' for v in r['load_average'])}"
        )
        lines.append(
            "  (spread: the fastest and slowest round; CPU: this process's, so on SQLite it"
            " includes the database's work and on PostgreSQL it does not)"
        )
        for page in PATHS:
            for size in SIZES:
                key = (page, size)
                ratio = r["ms"][key] / r["ms"][(page, base)]
                verdict = ""
                if size == largest and size != base and page in UNBUDGETED:
                    verdict = "  (full export, streamed: no budget)"
                elif size == largest and size != base:
                    ok = ratio <= 1.5 and r["queries"][key] <= r["queries"][(page, base)]
                    verdict = (
                        f"  (budget ≤ 1.5 × and no more queries: {'within' if ok else 'OVER'})"
                    )
                low, high = r["spread"][key]
                cpu_ratio = r["cpu_ms"][key] / r["cpu_ms"][(page, base)]
                lines.append(
                    f"  {page:<10} {size:>6,} learners {r['ms'][key]:8.0f} ms"
                    f" = {ratio:5.2f} × at {base:,} (spread {low:.0f}–{high:.0f} ms;"
                    f" CPU {r['cpu_ms'][key]:.0f} ms = {cpu_ratio:.2f} ×)"
                    f"   {r['queries'][key]:3d} queries"
                    f"   {r['kib'][key]:7.0f} KiB   first view {r['first_ms'][key]:7.0f} ms"
                    f"{verdict}"
                )
    return lines


if __name__ == "__main__":
    print("\n".join(report(run())))
