"""Certificate issuing and downloading, as ratios of a bare WeasyPrint render measured in the
same run.

Budgets (design.md): issuing one certificate (snapshot, signed credential and its status-list
entry, render with the credential embedded, SHA-256, database write and audit entry) ≤ 1.5 × a
bare WeasyPrint render of the same HTML; re-downloading it (the stored bytes, through the real
view) ≥ 50 × faster than a render. Also prints the time to issue 100
certificates one after the other. Uses a temporary SQLite database and the bundled course, with
the production settings (PDF/A on). Prints only; never asserts.

Run alone: ``.venv/bin/python -m bench.certificates``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COURSE = "cap-apm"
ROUNDS = 7  # interleaved render / issue pairs; medians are reported
DOWNLOADS = 300
BULK = 100
PASSWORD = "bench password 123"


def _median_seconds(samples: list[float]) -> float:
    return statistics.median(samples)


def run() -> dict[str, float]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from weasyprint import CSS, HTML

    from certificates import pdf, services
    from credentials import keys
    from training import accounts, create_app
    from training.extensions import db
    from training.timeutil import utcnow

    with tempfile.TemporaryDirectory() as tmp:
        keys.generate(f"{tmp}/credential-keys.json")  # issuing signs and embeds a credential
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "COURSES_DIR": str(ROOT / "content"),
                "BASE_URL": "https://passerelle.example",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "OUTBOX_DIR": f"{tmp}/outbox",
                "CERTIFICATE_PDFA": True,
                "CREDENTIAL_KEY_FILE": f"{tmp}/credential-keys.json",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            from courses.loader import get_course

            course = get_course(COURSE)
            if course is None:
                raise RuntimeError(f"the bundled course {COURSE!r} does not load")
            users = [
                accounts.create_user(
                    f"learner{n}@bench.test",
                    display_name=f"Learner {n}",
                    full_name=f"Camille Learner-{n:03d}",
                    password=PASSWORD,
                    role="learner",
                    verified=True,
                )
                for n in range(ROUNDS + BULK + 1)
            ]
            pending = iter(users)

            def bare_render(user: Any) -> float:
                """WeasyPrint alone, on the HTML the service would print for this user."""
                now = utcnow().replace(microsecond=0)
                snapshot = services.snapshot_for(
                    user, course, services.new_code(), now.date(), 91.5, now
                )
                html = pdf.render_certificate_html(
                    snapshot,
                    services.verify_url(snapshot.code),
                    app.config["ORGANISATION_NAME"],
                    app.config["ORGANISATION_LOGO"],
                )
                start = time.perf_counter()
                # The stylesheet parsed as a <link> would be, at each render (the service
                # parses it once per process: certificates.pdf_engine.parsed_stylesheet).
                stylesheet = CSS(
                    url=pdf.STATIC_DIR.as_uri() + "/" + pdf.STYLESHEET,
                    url_fetcher=pdf.safe_url_fetcher,
                    font_config=pdf.FONT_CONFIG,
                )
                HTML(
                    string=html,
                    base_url=pdf.STATIC_DIR.as_uri() + "/",
                    url_fetcher=pdf.safe_url_fetcher,
                ).write_pdf(
                    stylesheets=[stylesheet],
                    font_config=pdf.FONT_CONFIG,
                    pdf_variant=pdf.PDFA_VARIANT,
                )
                return time.perf_counter() - start

            def issue_one(user: Any) -> tuple[float, Any]:
                start = time.perf_counter()
                certificate = services.issue(user, course, overall_score=91.5)
                return time.perf_counter() - start, certificate

            # Warm-up: fonts loaded into the shared FontConfiguration, templates compiled.
            bare_render(users[0])
            _, first = issue_one(next(pending))

            renders: list[float] = []
            issues: list[float] = []
            for _ in range(ROUNDS):
                renders.append(bare_render(users[0]))
                seconds, _ = issue_one(next(pending))
                issues.append(seconds)
            render_s = _median_seconds(renders)
            issue_s = _median_seconds(issues)

            client = app.test_client()
            holder = db.session.get(type(users[0]), first.user_id)
            login = client.post("/login", data={"email": holder.email, "password": PASSWORD})
            if login.status_code != 302:
                raise RuntimeError(f"login failed: HTTP {login.status_code}")
            url = f"/certificates/{first.code}.pdf"
            expected = first.pdf
            for _ in range(10):
                client.get(url)
            downloads: list[float] = []
            for _ in range(DOWNLOADS):
                start = time.perf_counter()
                response = client.get(url)
                downloads.append(time.perf_counter() - start)
                if response.status_code != 200 or response.data != expected:
                    raise RuntimeError("the download did not return the stored bytes")
            download_s = _median_seconds(downloads)

            bulk_users = list(pending)[:BULK]
            start = time.perf_counter()
            for user in bulk_users:
                services.issue(user, course, overall_score=91.5)
            bulk_s = time.perf_counter() - start
            db.session.remove()
            db.engine.dispose()

    return {
        "render_seconds": render_s,
        "issue_seconds": issue_s,
        "issue_vs_render": issue_s / render_s,
        "download_seconds": download_s,
        "render_vs_download": render_s / download_s,
        "issue_100_seconds": bulk_s,
        "pdf_bytes": float(len(expected)),
    }


def report(results: dict[str, float]) -> list[str]:
    issue_ok = "within" if results["issue_vs_render"] <= 1.5 else "OVER"
    download_ok = "within" if results["render_vs_download"] >= 50 else "UNDER"
    return [
        f"bare WeasyPrint render (PDF/A-3b)   {results['render_seconds'] * 1000:8.1f} ms",
        f"issue one certificate               {results['issue_seconds'] * 1000:8.1f} ms"
        f"   = {results['issue_vs_render']:.2f} × render (budget ≤ 1.5: {issue_ok})",
        f"re-download stored PDF (view)       {results['download_seconds'] * 1000:8.2f} ms"
        f"   = {results['render_vs_download']:.0f} × faster than a render"
        f" (budget ≥ 50: {download_ok})",
        f"issue 100 certificates              {results['issue_100_seconds']:8.1f} s"
        f"   ({results['issue_100_seconds'] * 10:.0f} ms each)",
        f"PDF size                            {results['pdf_bytes'] / 1024:8.1f} KiB",
    ]


if __name__ == "__main__":
    print("\n".join(report(run())))
