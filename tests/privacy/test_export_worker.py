"""The export through the real queue: a `flask worker` process on the embedded SQLite queue
builds the archive and delivers the mail to a local SMTP server; the web request only queued.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from privacy import export
from privacy.export_models import ExportRequest
from tests.conftest import ROOT, make_app
from tests.privacy.conftest import export_link, received
from training import queue
from training.extensions import db


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen(
        [flask, "worker", "--threads", "1", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_worker_builds_the_export_and_mails_the_link(
    app, app_config, database_url, tmp_path, smtp, member, client, login
):
    settings = {
        "TASK_QUEUE_IMMEDIATE": False,
        "TASK_QUEUE_FILE": str(tmp_path / "tasks.sqlite3"),
        "TASK_QUEUE_NAME": f"test-{uuid.uuid4().hex[:12]}",
    }
    env = {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "BASE_URL": "http://localhost",
        "CERTIFICATE_PDFA": "false",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "COURSES_DIR": str(app_config["COURSES_DIR"]),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(app_config["SMTP_PORT"]),
        "SMTP_STARTTLS": "false",
        **{key: str(value).lower() if isinstance(value, bool) else str(value)
           for key, value in settings.items()},
    }  # fmt: skip
    env.pop("REDIS_URL", None)  # the embedded SQLite queue, like `make run`
    learner = member(email="wanda@example.test")
    producer = make_app(database_url, tmp_path, **app_config, **settings)
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    try:
        with producer.app_context():
            record = export.request_export(db.session.merge(learner))
            request_id = record.id
            assert record.status == "pending"  # queued, not built in the caller
            assert queue.get_huey(producer).pending_count() == 1
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not received(smtp, "Your Passerelle data"):
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
        messages = received(smtp, "Your Passerelle data")
        assert len(messages) == 1, log.read_text()
        db.session.expire_all()
        row = db.session.scalars(select(ExportRequest).where(ExportRequest.id == request_id))
        assert row.one().status == "ready"
        login(learner)
        response = client.get(export_link(messages[0]))
        assert response.status_code == 200 and response.data[:2] == b"PK"
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
