"""Backups restore: the README's commands, run for real, give back every certificate verifiable
byte for byte.

A platform with issued certificates (one revoked, one reissued under a new name) is dumped
with the real ``pg_dump -Fc`` and restored with ``pg_restore`` into a fresh database; an app on
the restored database, with copies of the content folder and of the signing key (the two other
things the README says to back up), must serve the same bytes for every certificate: the public
verification (page and JSON), the stored PDF, the signed credential (VC-JWT) and its decoded
JSON, the issuer's keys and the status lists. Every table has the same rows. The same holds
for a SQLite database copied with ``sqlite3 … ".backup …"``.

PostgreSQL tests are skipped with a message when the server or the client programs are missing;
under ``CI=true`` that is a failure.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask_migrate import upgrade
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.certificates.conftest import SLUG, complete_everything, courses_dir  # noqa: F401
from tests.conftest import IN_CI, PASSWORD, ROOT, credential_key_file, make_app
from tests.credentials.helpers import parts, resolve_key, verify_eddsa
from tests.support.database import reset_postgres_database, xdist_worker
from training.extensions import db

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/passerelle_test"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(f"SKIPPED: the backup/restore test needs PostgreSQL: {reason}")


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else DEFAULT_SERVER


def _connection_args(url: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore options and environment for a SQLAlchemy URL."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    args = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432),
            "-U", parsed.username or "postgres"]  # fmt: skip
    return args, env


@pytest.fixture
def postgres_pair():
    """Two empty PostgreSQL databases (the live one and the one restored into), dropped after."""
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            _missing(f"{program} is not installed (apt-get install postgresql-client)")
    server = _server_url()
    parsed = make_url(server)
    try:
        psycopg.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                        user=parsed.username or "postgres", password=parsed.password or None,
                        dbname="postgres", connect_timeout=3).close()  # fmt: skip
    except psycopg.Error as error:
        _missing(f"{server} is not reachable ({error})")
    suffix = f"{xdist_worker() or 'solo'}_{os.getpid()}"
    urls = [
        parsed.set(database=f"passerelle_backup_{kind}_{suffix}").render_as_string(
            hide_password=False
        )
        for kind in ("live", "restored")
    ]
    for url in urls:
        reset_postgres_database(url)
    yield urls
    for url in urls:
        name = make_url(url).database
        with psycopg.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                             user=parsed.username or "postgres",
                             password=parsed.password or None, dbname="postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _app(url: str, folder: Path, content: Path, key: Path) -> Flask:
    return make_app(url, folder, COURSES_DIR=str(content), CREDENTIAL_KEY_FILE=str(key))


def _populate(app: Flask) -> list[str]:
    """Migrate, then issue certificates through the real services; returns the codes."""
    from certificates import services
    from courses.loader import get_course
    from training import accounts

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        course = get_course(SLUG)
        admin = accounts.create_user(
            "admin@example.test", display_name="Admin", full_name="Admin", password=PASSWORD,
            role="admin",
        )  # fmt: skip
        holders = []
        for n, name in enumerate(["Aïcha Benali-Durand", "Zoé Lefèvre", "Tom O'Brien"]):
            holder = accounts.create_user(f"holder{n}@example.test", display_name=name,
                                          full_name=name, password=PASSWORD)  # fmt: skip
            holders.append(holder)
        complete_everything(holders[0], course)  # issued on completion
        services.issue(holders[1], course, overall_score=91.0)
        third = services.issue(holders[2], course, overall_score=75.5)
        services.revoke(third, admin, "Issued by mistake")
        holders[1].full_name = "Zoé Lefèvre-Martin"
        db.session.commit()
        services.reissue_for_name_change(holders[1], holders[1])
        codes = [c.code for h in holders for c in services.certificates_of(h.id)]
        db.session.remove()
        db.engine.dispose()
    assert len(codes) == 4  # three issued, one superseded by its reissue
    return codes


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def _served(app: Flask, codes: list[str]) -> dict[str, Any]:
    """Every byte a verifier or the holder gets for each certificate, and the issuer's keys."""
    from certificates.models import Certificate

    served: dict[str, Any] = {}
    with app.app_context():
        served["_rows"] = _row_counts()  # before the requests below sign anybody in
        client = app.test_client()
        for path in ("/.well-known/did.json", "/.well-known/jwks.json", "/credentials/status/1"):
            response = client.get(path)
            assert response.status_code == 200, path
            served[path] = response.data
        client.post("/login", data={"email": "admin@example.test", "password": PASSWORD})
        anonymous = app.test_client()
        for code in codes:
            certificate = db.session.execute(
                select(Certificate).where(Certificate.code == code)
            ).scalar_one()
            page = anonymous.get(f"/verify/{code}")
            verification = anonymous.get(f"/verify/{code}.json")
            pdf = client.get(f"/certificates/{code}.pdf")
            jwt = client.get(f"/certificates/{code}/credential.jwt")
            decoded = client.get(f"/certificates/{code}/credential.json")
            for response in (page, verification, pdf, jwt, decoded):
                assert response.status_code == 200, (code, response.status_code)
            assert hashlib.sha256(pdf.data).hexdigest() == certificate.pdf_sha256
            served[code] = {
                "verification": verification.data,
                "status": verification.get_json()["status"],
                "pdf": pdf.data,
                "jwt": jwt.data,
                "credential": decoded.data,
                "snapshot": (
                    certificate.holder_name,
                    certificate.course_title,
                    certificate.hours,
                    certificate.score_percent,
                    certificate.completed_on,
                    certificate.issued_at,
                ),  # fmt: skip
            }
            assert str(escape(certificate.holder_name)).encode() in page.data
        db.session.remove()
        db.engine.dispose()
    return served


def _check_restored(app: Flask, before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after == before  # byte for byte, every certificate and every table's row count
    statuses = sorted(v["status"] for k, v in after.items() if not k.startswith(("/", "_")))
    assert statuses == ["revoked", "superseded", "valid", "valid"]
    with app.app_context():
        client = app.test_client()
        for code, seen in after.items():
            if code.startswith(("/", "_")):
                continue
            # The signature verifies with the key the restored site publishes (did:web).
            header, _payload, _signature = parts(seen["jwt"].decode("ascii"))
            verify_eddsa(seen["jwt"].decode("ascii"), resolve_key(client, header["kid"]))
            # Uploading the PDF to the public verification finds the certificate again.
            response = client.post(
                "/verify",
                data={"pdf": (io.BytesIO(seen["pdf"]), "certificate.pdf")},
                content_type="multipart/form-data",
            )
            assert response.status_code == 200
            assert code.encode() in response.data
        db.session.remove()
        db.engine.dispose()


def _copy_backups(tmp_path: Path, content: Path, key: Path) -> tuple[Path, Path]:
    """What the README says to back up besides the database: the content folder, the key."""
    backup = tmp_path / "backup"
    shutil.copytree(content, backup / "content")
    (backup / "keys").mkdir(parents=True)
    shutil.copy2(key, backup / "keys" / key.name)
    return backup / "content", backup / "keys" / key.name


def test_a_pg_dump_restored_into_a_fresh_database_verifies_every_certificate(
    postgres_pair,
    tmp_path,
    courses_dir,  # noqa: F811
):
    live_url, restored_url = postgres_pair
    key = Path(credential_key_file())
    live = _app(live_url, tmp_path / "live", courses_dir, key)
    codes = _populate(live)

    dump = tmp_path / "passerelle.dump"
    args, env = _connection_args(live_url)
    subprocess.run(["pg_dump", "-Fc", *args, "-d", make_url(live_url).database, "-f", str(dump)],
                   check=True, env=env, capture_output=True)  # fmt: skip
    assert dump.stat().st_size > 0
    content, key_copy = _copy_backups(tmp_path, courses_dir, key)
    args, env = _connection_args(restored_url)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *args,
                    "-d", make_url(restored_url).database, str(dump)],
                   check=True, env=env, capture_output=True)  # fmt: skip

    restored = _app(restored_url, tmp_path / "restored", content, key_copy)
    _check_restored(restored, _served(live, codes), _served(restored, codes))


def test_a_sqlite_backup_copy_verifies_every_certificate(tmp_path, courses_dir):  # noqa: F811
    if shutil.which("sqlite3") is None:
        if IN_CI:
            pytest.fail("the sqlite3 program is required under CI=true")
        pytest.skip("SKIPPED: the sqlite3 program is not installed (apt-get install sqlite3)")
    source, copy = tmp_path / "live.sqlite3", tmp_path / "copy.sqlite3"
    key = Path(credential_key_file())
    live = _app(f"sqlite:///{source}", tmp_path / "live", courses_dir, key)
    codes = _populate(live)
    subprocess.run(["sqlite3", str(source), f".backup '{copy}'"], check=True, capture_output=True)
    content, key_copy = _copy_backups(tmp_path, courses_dir, key)
    restored = _app(f"sqlite:///{copy}", tmp_path / "restored", content, key_copy)
    _check_restored(restored, _served(live, codes), _served(restored, codes))
