"""Two real worker processes (`flask worker`) on one Redis never send a mail twice.

Each message's delivery is enqueued three times (its own task and two duplicates, as a lost
acknowledgement or a second sweep would do); the two workers race for them, and the local SMTP
server must receive every message exactly once. Skipped with a message without Redis; under
CI=true a missing Redis fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.conftest import ROOT, make_app
from tests.training.test_mail_queue import FlakyHandler, _free_port
from training import queue
from training.extensions import db
from training.mail import send_mail
from training.outbox import DELIVER, OutboxMessage

MESSAGES = 12


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true but {url} is not reachable")
        pytest.skip(f"SKIPPED: the two-worker test needs Redis; {url} is not reachable")
    return url


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen(
        [flask, "worker", "--threads", "2", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_until_started(workers: list[subprocess.Popen], tmp_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = [(tmp_path / f"worker{n}.log").read_text() for n in range(len(workers))]
        if all("consumer started" in log for log in logs):
            return
        for worker, log in zip(workers, logs, strict=True):
            assert worker.poll() is None, f"a worker exited:\n{log}"
        time.sleep(0.3)
    pytest.fail("the workers did not start within 60 s")


def test_two_workers_on_one_redis_send_each_mail_once(app, database_url, tmp_path, make_user):
    url = redis_url()
    name = f"test-{uuid.uuid4().hex[:12]}"
    port = _free_port()
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings = {
        "TASK_QUEUE_IMMEDIATE": False,
        "REDIS_URL": url,
        "TASK_QUEUE_NAME": name,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_STARTTLS": False,
    }
    env = {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        **{key: str(value).lower() if isinstance(value, bool) else str(value)
           for key, value in settings.items()},
    }  # fmt: skip
    workers = [_worker(env, tmp_path / f"worker{n}.log") for n in range(2)]
    producer = make_app(database_url, tmp_path, **settings)
    huey = queue.get_huey(producer)
    try:
        _wait_until_started(workers, tmp_path)
        users = [make_user(email=f"w{n}@example.test") for n in range(MESSAGES)]
        ids = []
        with producer.app_context():
            for user in users:
                message = send_mail(db.session.merge(user), "Hello", "Body")
                ids.append(message.id)
                queue.enqueue(DELIVER, message.id)
                queue.enqueue(DELIVER, message.id)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            db.session.expire_all()
            statuses = db.session.execute(
                select(OutboxMessage.status).where(OutboxMessage.id.in_(ids))
            ).scalars()
            if all(status == "sent" for status in statuses) and huey.pending_count() == 0:
                break
            assert all(w.poll() is None for w in workers), "a worker exited"
            time.sleep(0.5)
        time.sleep(1)  # any duplicate send would have reached the server by now
        logs = "".join((tmp_path / f"worker{n}.log").read_text() for n in range(2))
        rows = db.session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).scalars()
        rows = list(rows)
        assert {row.status for row in rows} == {"sent"}, logs
        assert {row.attempts for row in rows} == {1}
        received = Counter(rcpt for rcpts, _raw in handler.received for rcpt in rcpts)
        assert received == Counter(user.email for user in users), logs
        # Both workers took part (each claimed some), and the duplicates were skipped.
        assert len({row.claimed_by for row in rows}) == 2, logs
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        huey.flush()
        controller.stop()
