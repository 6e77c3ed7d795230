"""Page throughput through gunicorn, as ratios of a bare Flask hello-world served the same way,
on SQLite and (when ``BENCH_POSTGRES_URL`` is set) PostgreSQL.

Budgets (design.md, issue 19 item 1): a logged-in module page ≥ 0.33 × the hello-world's
requests/s on SQLite and ≥ 0.25 × on PostgreSQL, with the server CPU per request printed beside
it as a multiple of the hello-world's. For scale, ``/healthz`` (one ``SELECT 1``) and the
anonymous home page are measured too.

How: the demo data (``flask demo``) on a fresh database; one gunicorn for the hello-world and
one for Passerelle, both running; then ``BENCH_ROUNDS`` (default 3) rounds, each measuring
hello-world, ``/healthz``, the home page and the module page one after the other (the order
turns each round), so slow moments of a shared machine fall on every target. Requests/s come
from the closed-loop client of ``bench/http_load.py``; server CPU is the gunicorn workers' user
+ system time over the counted window divided by the requests counted. Medians, with the spread
of the module page's ratio over the rounds. Prints only; never asserts.

Run alone: ``.venv/bin/python -m bench.pages``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import seed
from bench.http_load import ROOT, LoadResult, Server, load, login, serve
from courses.demo import DEMO_COURSE

LEARNER = "lucas@passerelle.test"
COURSE = DEMO_COURSE  # the course the demo learners are enrolled in (the French edition)
MODULE = "03-communication-basics"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BUDGETS = {"SQLite": 0.33, "PostgreSQL": 0.25}
MODULE_PATH = f"/courses/{COURSE}/{MODULE}"


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env={**env, "FLASK_APP": "app.py"},
        check=True,
        capture_output=True,
    )


def prepare(url: str, tmp: Path) -> dict[str, str]:
    """A fresh database with the demo data; the environment to serve it."""
    seed.fresh_database(url)
    env = seed.server_env(url, tmp, ROOT / "content")
    _flask(env, "db", "upgrade")
    _flask(env, "demo")
    return env


def _targets(app: Server, hello: Server, cookie: str) -> dict[str, tuple[Server, str, dict]]:
    return {
        "hello": (hello, "/", {}),
        "healthz": (app, "/healthz", {}),
        "home": (app, "/", {}),
        "module": (app, MODULE_PATH, {"Cookie": cookie}),
    }


def run_database(name: str, url: str, tmp: Path) -> dict[str, Any]:
    from training.demo import DEMO_PASSWORD

    env = prepare(url, tmp)
    samples: dict[str, list[LoadResult]] = {}
    with serve("bench.hello_app:app") as hello, serve("app:app", env) as app:
        cookie = login(app.port, LEARNER, DEMO_PASSWORD)
        targets = _targets(app, hello, cookie)
        names = list(targets)
        for round_number in range(ROUNDS):
            order = names[round_number % len(names) :] + names[: round_number % len(names)]
            for target in order:
                server, path, headers = targets[target]
                result = load([server], path, headers)
                if result.errors:
                    raise RuntimeError(f"{target}: {result.errors[0]}")
                samples.setdefault(target, []).append(result)
    ratios = [
        m.requests_per_s / h.requests_per_s
        for m, h in zip(samples["module"], samples["hello"], strict=True)
    ]
    out: dict[str, Any] = {"database": name, "module_ratio_spread": (min(ratios), max(ratios))}
    for target, results in samples.items():
        out[f"{target}_rps"] = statistics.median(r.requests_per_s for r in results)
        out[f"{target}_cpu_ms"] = statistics.median(r.cpu_ms_per_request for r in results)
    for target in ("healthz", "home", "module"):
        out[f"{target}_ratio"] = out[f"{target}_rps"] / out["hello_rps"]
        out[f"{target}_cpu_x"] = out[f"{target}_cpu_ms"] / out["hello_cpu_ms"]
    return out


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        return [
            run_database(name, url, Path(tmp))
            for name, url in seed.database_urls(Path(tmp)).items()
        ]


def report(results: list[dict[str, Any]]) -> list[str]:
    lines = []
    for r in results:
        budget = BUDGETS[r["database"]]
        ok = "within" if r["module_ratio"] >= budget else "UNDER"
        low, high = r["module_ratio_spread"]
        lines += [
            f"{r['database']} (median of {ROUNDS} alternating rounds)",
            f"  hello-world baseline     {r['hello_rps']:7.0f} req/s"
            f"   server CPU {r['hello_cpu_ms']:.2f} ms/request",
        ]
        for target, label in (
            ("healthz", "/healthz (SELECT 1)"),
            ("home", "home page (anonymous)"),
            ("module", "module page (logged in)"),
        ):
            lines.append(
                f"  {label:<24} {r[f'{target}_rps']:7.0f} req/s   ratio"
                f" {r[f'{target}_ratio']:.2f}   CPU {r[f'{target}_cpu_ms']:.2f} ms"
                f" = {r[f'{target}_cpu_x']:.1f} × hello's"
            )
        lines.append(
            f"  module page ratio spread {low:.2f}–{high:.2f} (budget ≥ {budget:.2f}: {ok})"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(report(run())))
