"""`make bench`: run every benchmark and print ratios against baselines from the same run."""

from __future__ import annotations

import importlib
import os
import sys

from bench.http_load import CLIENT_THREADS, DURATION, WORKERS

SUITES = [
    "bench.pages",
    "bench.certificates",
    "bench.cohort_pages",
    "bench.exports",
    "bench.startup",
    "bench.scaleout",
    "bench.registration",
]


def main() -> int:
    print(
        f"Passerelle benchmarks — gunicorn {WORKERS} workers, {CLIENT_THREADS} client threads, "
        f"{DURATION:g}s per target, {os.cpu_count()} CPUs. Ratios compare targets measured "
        "in this same run."
    )
    failed = False
    for name in SUITES:
        print(f"\n== {name}")
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            print(f"   not available yet ({exc})")
            continue
        try:
            results = module.run()
        except Exception as exc:  # noqa: BLE001 - report and go on with the other suites
            print(f"   FAILED: {exc!r}")
            failed = True
            continue
        lines = module.report(results) if hasattr(module, "report") else [
            f"{key:<40} {value:.3f}" if isinstance(value, float) else f"{key:<40} {value}"
            for key, value in results.items()
        ]  # fmt: skip
        print("\n".join(f"   {line}" for line in lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
