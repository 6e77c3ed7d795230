"""Quick starts: a worker's start against a hello-world process's, and loading 100 modules
against loading the bundled course, measured in the same run.

Budgets (issue 19, item 4):

- **a worker's start ≤ 6 × a hello-world process's.** Each start is a fresh Python process
  (what a gunicorn worker without ``--preload`` is): interpreter, imports, the app built, and its
  first response to a page that needs the course catalogue (``/courses``), so the content is
  read, validated and rendered too. The hello-world process imports ``bench/hello_app.py`` and
  answers its first request the same way (Flask's test client). Runs alternate between the two;
  the median of ``BENCH_START_ROUNDS`` (default 5) is reported with the spread of the ratios.
- **100 modules ≤ 1.5 × the bundled course.** ``courses.loader.load_course`` in-process on
  (a) the bundled course (9 modules and their quizzes, 8 role-plays), (b) a generated course of
  100 small modules, each with a five-question quiz (the shape the cohort benchmarks use; the
  issue's reading: its *total* time against the bundled course's), and (c) 100 modules copied
  from the bundled ones, quizzes included, with the same role-plays (the *per-module* reading:
  its time per module against the bundled course's). Loads alternate; medians.

Prints only; never asserts. Run alone: ``.venv/bin/python -m bench.startup``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "content" / "cap-apm"
ROUNDS = int(os.environ.get("BENCH_START_ROUNDS", "5"))
LOAD_ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "3"))
MODULES = 100

#: Run in a fresh interpreter; prints JSON timings (seconds since the process began).
PASSERELLE_START = """
import json, time
t0 = time.perf_counter()
from app import app
t_import = time.perf_counter()
client = app.test_client()
response = client.get("/courses")
t_first = time.perf_counter()
assert response.status_code == 200, response.status_code
assert b"/courses/cap-apm" in response.data, "the bundled course is not listed"
print(json.dumps({"import": t_import - t0, "first": t_first - t_import}))
"""

HELLO_START = """
import json, time
t0 = time.perf_counter()
from bench.hello_app import app
t_import = time.perf_counter()
response = app.test_client().get("/")
t_first = time.perf_counter()
assert response.status_code == 200
print(json.dumps({"import": t_import - t0, "first": t_first - t_import}))
"""


def _start(script: str, env: dict[str, str]) -> dict[str, float]:
    """Wall time of one fresh process, with its own import / first-request split, and the CPU
    time it used (user + system, from the kernel's accounting of waited-for children): on a
    shared machine the wall time includes waiting for a core, the CPU time does not."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    total = time.perf_counter() - began
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if result.returncode != 0:
        raise RuntimeError(f"start failed: {result.stderr[-1500:]}")
    parts = json.loads(result.stdout.strip().splitlines()[-1])
    return {"total": total, "cpu": cpu, **parts}


def measure_starts(tmp: Path) -> dict[str, list[dict[str, float]]]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'start.sqlite3'}",
        "SECRET_KEY": "bench-secret",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "COURSES_DIR": str(ROOT / "content"),
        # Bytecode as a deployed worker has it (compiled once, then read): a
        # PYTHONDONTWRITEBYTECODE inherited from the shell would make every start compile the
        # app's ~200 modules from source (a hello-world has one), so it is dropped, and the
        # .pyc files go to this run's folder rather than the working tree.
        "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    script = PASSERELLE_START
    # One untimed start of each fills the OS page cache and Python's bytecode caches.
    _start(HELLO_START, env)
    _start(script, env)
    runs: dict[str, list[dict[str, float]]] = {"hello": [], "worker": []}
    for _ in range(ROUNDS):
        runs["hello"].append(_start(HELLO_START, env))
        runs["worker"].append(_start(script, env))
    return runs


# Content loading ------------------------------------------------------------------------------

QUESTIONS = [
    {
        "id": f"q{i}",
        "type": "single",
        "prompt": f"Question {i}?",
        "choices": [
            {"text": "Right", "correct": True, "feedback": "Yes."},
            {"text": "Wrong", "correct": False, "feedback": "No."},
        ],
        "explanation": "Because.",
    }
    for i in range(1, 6)
]


def write_small_course(folder: Path) -> None:
    """100 short modules, each with a five-question quiz; no role-play."""
    (folder / "modules").mkdir(parents=True)
    stems = [f"{i:03d}-module" for i in range(1, MODULES + 1)]
    course = {
        "title": "Hundred modules",
        "summary": "Generated for the benchmark.",
        "language": "en",
        "hours": 100,
        "modules": stems,
        "completion": {"pass_mark": 70},
        "certificate": {"title": "Certificate", "signatory": "A. Person", "issuer": "Bench"},
    }
    (folder / "course.yaml").write_text(yaml.safe_dump(course), encoding="utf-8")
    for stem in stems:
        (folder / "modules" / f"{stem}.md").write_text(
            f"---\ntitle: Module {stem}\nsummary: About {stem}.\nminutes: 10\n"
            f"objectives:\n  - Know {stem}\n---\n# {stem}\n\nSome *text* with a "
            f"[link](https://example.org) and a list:\n\n- one\n- two\n",
            encoding="utf-8",
        )
        quiz = {"title": f"Quiz {stem}", "max_attempts": 3, "questions": QUESTIONS}
        (folder / "modules" / f"{stem}.quiz.yaml").write_text(yaml.safe_dump(quiz), "utf-8")


def write_copied_course(folder: Path) -> None:
    """The bundled course with its module list cycled to 100 modules (files copied)."""
    shutil.copytree(BUNDLED, folder)
    data = yaml.safe_load((BUNDLED / "course.yaml").read_text(encoding="utf-8"))
    originals = list(data["modules"])
    stems = []
    for n in range(MODULES):
        source = originals[n % len(originals)]
        if n < len(originals):
            stems.append(source)
            continue
        stem = f"{source}-copy{n}"
        for suffix in (".md", ".quiz.yaml", ".quiz.gift"):
            original = BUNDLED / "modules" / f"{source}{suffix}"
            if original.is_file():
                shutil.copy(original, folder / "modules" / f"{stem}{suffix}")
        stems.append(stem)
    data["modules"] = stems
    (folder / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def measure_loads(tmp: Path) -> dict[str, object]:
    from courses.loader import load_course
    from training import create_app

    small = tmp / "hundred-small"
    copied = tmp / "hundred-copied"
    write_small_course(small)
    write_copied_course(copied)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    targets = {"bundled": BUNDLED, "small": small, "copied": copied}
    times: dict[str, list[float]] = {name: [] for name in targets}
    counts: dict[str, int] = {}
    with app.app_context():
        for name, folder in targets.items():  # warm-up, and every course must load
            course, problems = load_course(folder)
            if course is None:
                raise RuntimeError(f"{name} course does not load: {problems[:3]}")
            counts[name] = len(course.modules)
        for _ in range(LOAD_ROUNDS):
            for name, folder in targets.items():
                start = time.perf_counter()
                load_course(folder)
                times[name].append(time.perf_counter() - start)
    return {"times": times, "modules": counts}


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        starts = measure_starts(Path(tmp))
        loads = measure_loads(Path(tmp))
    hello = [r["total"] for r in starts["hello"]]
    worker = [r["total"] for r in starts["worker"]]
    ratios = [w / h for w, h in zip(worker, hello, strict=True)]
    cpu_ratios = [
        w["cpu"] / h["cpu"] for w, h in zip(starts["worker"], starts["hello"], strict=True)
    ]
    times = loads["times"]
    modules = loads["modules"]
    median = {name: statistics.median(values) for name, values in times.items()}
    per_module = {name: median[name] / modules[name] for name in median}
    return {
        "hello_start_s": statistics.median(hello),
        "worker_start_s": statistics.median(worker),
        "worker_import_s": statistics.median(r["import"] for r in starts["worker"]),
        "worker_first_request_s": statistics.median(r["first"] for r in starts["worker"]),
        "start_ratio": statistics.median(ratios),
        "start_ratio_min": min(ratios),
        "start_ratio_max": max(ratios),
        "hello_cpu_s": statistics.median(r["cpu"] for r in starts["hello"]),
        "worker_cpu_s": statistics.median(r["cpu"] for r in starts["worker"]),
        "cpu_ratio": statistics.median(cpu_ratios),
        "cpu_ratio_min": min(cpu_ratios),
        "cpu_ratio_max": max(cpu_ratios),
        "load_average": os.getloadavg(),
        "bundled_load_s": median["bundled"],
        "bundled_modules": modules["bundled"],
        "small_load_s": median["small"],
        "small_vs_bundled": median["small"] / median["bundled"],
        "copied_load_s": median["copied"],
        "copied_modules": modules["copied"],
        "copied_per_module_vs_bundled": per_module["copied"] / per_module["bundled"],
        "small_per_module_vs_bundled": per_module["small"] / per_module["bundled"],
    }


def report(r: dict[str, object]) -> list[str]:
    def ok(value: float, budget: float) -> str:
        return "within" if value <= budget else "OVER"

    return [
        f"hello-world process start          {r['hello_start_s'] * 1000:7.0f} ms"
        f" (median of {ROUNDS})",
        f"worker start, first /courses       {r['worker_start_s'] * 1000:7.0f} ms"
        f"   = {r['start_ratio']:.1f} × hello (spread {r['start_ratio_min']:.1f}–"
        f"{r['start_ratio_max']:.1f}; budget ≤ 6: {ok(r['start_ratio'], 6)})",
        f"  CPU time (user + system)         {r['worker_cpu_s'] * 1000:7.0f} ms"
        f"   = {r['cpu_ratio']:.1f} × hello's {r['hello_cpu_s'] * 1000:.0f} ms (spread"
        f" {r['cpu_ratio_min']:.1f}–{r['cpu_ratio_max']:.1f}; the machine's load average"
        f" {' '.join(f'{v:.1f}' for v in r['load_average'])})",  # type: ignore[union-attr]
        f"  of which imports + app built     {r['worker_import_s'] * 1000:7.0f} ms,"
        f" first request (content loaded) {r['worker_first_request_s'] * 1000:.0f} ms",
        f"load bundled course ({r['bundled_modules']} modules)      "
        f"{r['bundled_load_s'] * 1000:7.0f} ms",
        f"load 100 small modules + quizzes   {r['small_load_s'] * 1000:7.0f} ms"
        f"   = {r['small_vs_bundled']:.2f} × the bundled course"
        f" (budget ≤ 1.5: {ok(r['small_vs_bundled'], 1.5)})",
        f"load 100 copied bundled modules    {r['copied_load_s'] * 1000:7.0f} ms"
        f"   per module {r['copied_per_module_vs_bundled']:.2f} × the bundled course's"
        f" (budget ≤ 1.5: {ok(r['copied_per_module_vs_bundled'], 1.5)})",
    ]  # fmt: skip


if __name__ == "__main__":
    print("\n".join(report(run())))
