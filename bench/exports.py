"""Exports that stream: a gunicorn worker's memory growth while it sends the certificate ZIP of
500 PDFs against the ZIP of 20, and the same for the gradebook CSV.

Budget (issue 19, item 3): the worker's growth for 500 PDFs ≤ 1.2 × its growth for 20.

How: one SQLite database (and the PostgreSQL of ``BENCH_POSTGRES_URL`` when set) with the
bundled course, a trainer, and cohorts of 1, 20 and 500 learners who each hold a certificate
(the bytes of real PDFs rendered once, see ``bench/seed.py``). For each measurement a fresh
gunicorn with **one** sync worker is started, the trainer logs in, the 1-learner cohort's ZIP
is downloaded twice (imports, caches, connection pool warm), the worker's peak RSS is reset
(``/proc/<pid>/clear_refs``), then the measured ZIP is downloaded and checked (every entry's
CRC): growth = peak RSS during the download − RSS before it. Sizes alternate over
``BENCH_EXPORT_ROUNDS`` (default 2) rounds; medians. Prints only; never asserts.

Run alone: ``.venv/bin/python -m bench.exports``.
"""

from __future__ import annotations

import http.client
import io
import os
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bench import seed
from bench.http_load import login, memory_kib, reset_peak, serve
from cohorts.gradebook import ROWS_PER_CHUNK

COURSE = "cap-apm"
SIZES = (20, 500)
ROUNDS = int(os.environ.get("BENCH_EXPORT_ROUNDS", "2"))


def _prepare(url: str, tmp: Path) -> dict[str, int]:
    app = seed.bench_app(url, tmp, seed.ROOT / "content")
    with app.app_context():
        from courses.loader import get_course
        from training.extensions import db

        course = get_course(COURSE)
        if course is None:
            raise RuntimeError(f"the bundled course {COURSE!r} does not load")
        pdfs = seed.certificate_pdfs(course, count=5)
        trainer = seed.make_trainer()
        cohorts = {}
        for size in (1, *SIZES):
            cohort_id = seed.make_cohort(trainer, COURSE, f"Export {size}")
            users = seed.add_learners(cohort_id, COURSE, size, prefix=f"c{size}-")
            seed.add_certificates(course, users, pdfs)
            cohorts[size] = cohort_id
        cohorts["pdf_bytes"] = sum(len(p) for p in pdfs) // len(pdfs)
        db.session.remove()
        db.engine.dispose()
    return cohorts


def _download(port: int, path: str, cookie: str) -> tuple[bytes, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return body, elapsed


def _measure(env: dict[str, str], path: str, warm_path: str) -> dict[str, Any]:
    with serve("app:app", env, workers=1) as server:
        cookie = login(server.port, "trainer@bench.test", seed.PASSWORD)
        for _ in range(2):
            _download(server.port, warm_path, cookie)
        (pid,) = server.worker_pids()
        before = memory_kib(pid)
        exact = reset_peak(pid)
        body, elapsed = _download(server.port, path, cookie)
        after = memory_kib(pid)
    baseline = before["VmRSS"] if exact else before["VmHWM"]
    return {
        "growth_kib": max(0, after["VmHWM"] - baseline),
        "seconds": elapsed,
        "body": body,
        "exact_peak": exact,
    }


def _check_zip(body: bytes, expected: int) -> int:
    archive = zipfile.ZipFile(io.BytesIO(body))
    if archive.testzip() is not None or len(archive.namelist()) != expected:
        raise RuntimeError("the ZIP is not what was expected")
    return sum(info.file_size for info in archive.infolist())


def run_database(name: str, url: str, tmp: Path) -> dict[str, Any]:
    cohorts = _prepare(url, tmp)
    env = seed.server_env(url, tmp, seed.ROOT / "content")
    results: dict[str, Any] = {"database": name, "pdf_kib": cohorts["pdf_bytes"] / 1024}
    for kind in ("zip", "csv"):
        suffix = "certificates.zip" if kind == "zip" else "gradebook.csv"
        warm = f"/cohorts/{cohorts[1]}/{suffix}"
        samples: dict[int, list[dict[str, Any]]] = {size: [] for size in SIZES}
        for round_number in range(ROUNDS):
            order = SIZES if round_number % 2 == 0 else tuple(reversed(SIZES))
            for size in order:
                sample = _measure(env, f"/cohorts/{cohorts[size]}/{suffix}", warm)
                if kind == "zip":
                    sample["content"] = _check_zip(sample["body"], size)
                sample["bytes"] = len(sample.pop("body"))
                samples[size].append(sample)
        for size in SIZES:
            growth = statistics.median(s["growth_kib"] for s in samples[size])
            results[f"{kind}_{size}_growth_mib"] = growth / 1024
            results[f"{kind}_{size}_seconds"] = statistics.median(
                s["seconds"] for s in samples[size]
            )
            results[f"{kind}_{size}_mib"] = samples[size][0]["bytes"] / 2**20
            if kind == "zip":
                results[f"zip_{size}_overhead"] = (
                    samples[size][0]["bytes"] / samples[size][0]["content"]
                )
        small, large = SIZES
        results[f"{kind}_growth_ratio"] = results[f"{kind}_{large}_growth_mib"] / max(
            results[f"{kind}_{small}_growth_mib"], 1 / 1024
        )
        results["exact_peak"] = all(s["exact_peak"] for v in samples.values() for s in v)
    return results


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        return [
            run_database(name, url, Path(tmp))
            for name, url in seed.database_urls(Path(tmp)).items()
        ]


def report(results: list[dict[str, Any]]) -> list[str]:
    small, large = SIZES
    lines = []
    for r in results:
        ok = "within" if r["zip_growth_ratio"] <= 1.2 else "OVER"
        note = "" if r["exact_peak"] else " (peak RSS not resettable: growth over the warm-up)"
        lines.append(f"{r['database']} — one gunicorn worker, PDFs of {r['pdf_kib']:.0f} KiB{note}")
        for size in SIZES:
            lines.append(
                f"  certificate ZIP, {size:3d} PDFs: {r[f'zip_{size}_mib']:5.1f} MiB in"
                f" {r[f'zip_{size}_seconds'] * 1000:5.0f} ms, worker"
                f" +{r[f'zip_{size}_growth_mib']:.1f} MiB"
            )
        lines += [
            f"  ZIP worker growth {large} vs {small} PDFs: {r['zip_growth_ratio']:.3f} ×"
            f" (budget ≤ 1.2: {ok}); ZIP bytes / PDF bytes"
            f" {r[f'zip_{large}_overhead']:.3f} (stored, not deflated)",
            f"  gradebook CSV, {small} vs {large} learners: worker"
            f" +{r[f'csv_{small}_growth_mib']:.1f} vs +{r[f'csv_{large}_growth_mib']:.1f} MiB"
            f" ({r['csv_growth_ratio']:.1f} ×, no budget: rows built {ROWS_PER_CHUNK} at a time),"
            f" {r[f'csv_{large}_seconds'] * 1000:.0f} ms",
        ]
    return lines


if __name__ == "__main__":
    print("\n".join(report(run())))
