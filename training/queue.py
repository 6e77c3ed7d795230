"""The task queue: Huey, built from the app's configuration on first use.

Tasks are plain functions registered here with :func:`task` or :func:`periodic`; tests and the
CLI call them directly. :func:`enqueue` hands one to the queue:

- ``TASK_QUEUE_IMMEDIATE`` (tests): Huey's immediate mode, the task runs in the caller;
- ``REDIS_URL`` set (production): ``RedisHuey``, shared by every worker on any machine;
- otherwise (``make run``): ``SqliteHuey`` in ``instance/tasks.sqlite3``, needing nothing else.

``flask worker`` runs a Huey consumer (threads); each task runs in its own app context, so it
has its own database session. Huey's scheduler enqueues periodic tasks in *every* consumer, so a
periodic task that must run once per period across workers calls :func:`claim_period` first.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from sqlalchemy import DateTime, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow

if TYPE_CHECKING:
    from huey.api import Huey

log = logging.getLogger("passerelle.queue")
_EXTENSION = "passerelle.huey"
_TASKS: dict[str, Callable[..., Any]] = {}
_PERIODIC: dict[str, tuple[Callable[..., Any], dict[str, str]]] = {}


class TaskRun(db.Model):
    """One row per periodic task and period: the first worker to insert it runs the period."""

    __tablename__ = "task_runs"
    __table_args__ = (UniqueConstraint("name", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` as a queue task called ``name``; the function itself is unchanged."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _TASKS[name] = func
        return func

    return register


def periodic(name: str, **schedule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a periodic task; ``schedule`` is Huey's ``crontab`` (minute, hour…)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _PERIODIC[name] = (func, schedule)
        return func

    return register


def claim_period(name: str, period: str) -> bool:
    """True for the first caller of ``(name, period)`` across all workers, False afterwards."""
    db.session.add(TaskRun(name=name, period=period, started_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("%s already ran for %s", name, period)
        return False
    return True


def _in_app(app: Flask, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context() and current_app._get_current_object() is app:
            return func(*args, **kwargs)  # immediate mode: the caller's context and session
        with app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def _build(app: Flask) -> Huey:
    # Huey is imported here, on first use, not when the app starts: its storage module imports
    # the Redis and PostgreSQL client libraries, which a web worker serving pages never needs.
    from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

    config = app.config
    name = config["TASK_QUEUE_NAME"]
    huey: Huey
    if config["TASK_QUEUE_IMMEDIATE"]:
        huey = MemoryHuey(name, immediate=True)
    elif config.get("REDIS_URL"):
        huey = RedisHuey(name, url=config["REDIS_URL"])
    else:
        huey = SqliteHuey(name, filename=config["TASK_QUEUE_FILE"])
    wrappers = {}
    for task_name, func in _TASKS.items():
        wrappers[task_name] = huey.task(name=task_name)(_in_app(app, func))
    for task_name, (func, schedule) in _PERIODIC.items():
        wrappers[task_name] = huey.periodic_task(crontab(**schedule), name=task_name)(
            _in_app(app, func)
        )
    huey.passerelle_tasks = wrappers  # type: ignore[attr-defined]
    return huey


def _load_task_modules() -> None:
    """Import the modules that register tasks, so every worker knows all of them."""
    import training.outbox  # noqa: F401


def get_huey(app: Flask | None = None) -> Huey:
    app = app or current_app._get_current_object()
    huey = app.extensions.get(_EXTENSION)
    if huey is None:
        _load_task_modules()
        huey = app.extensions[_EXTENSION] = _build(app)
    return huey


def enqueue(name: str, *args: Any, delay: float | None = None) -> None:
    """Hand task ``name`` to the queue (after ``delay`` seconds). A broker that cannot be
    reached is logged, not raised: the outbox sweep picks the work up later."""
    huey = get_huey()
    wrapper = huey.passerelle_tasks[name]  # type: ignore[attr-defined]
    try:
        if delay:
            wrapper.schedule(args, delay=delay)
        else:
            wrapper(*args)
    except Exception:  # the broker (Redis, the SQLite file) is down: the sweep retries
        log.exception("Could not enqueue %s%r", name, args)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Worker threads.")
@click.option("--no-periodic", is_flag=True, help="Do not run the periodic tasks' scheduler.")
@with_appcontext
def worker_command(threads: int, no_periodic: bool) -> None:
    """Run a task-queue worker (Huey consumer) until interrupted."""
    app = current_app._get_current_object()
    huey = get_huey(app)
    if huey.immediate:
        raise click.ClickException("TASK_QUEUE_IMMEDIATE is set: tasks already run in-process.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    where = app.config.get("REDIS_URL") or app.config["TASK_QUEUE_FILE"]
    click.echo(f"Passerelle worker: {threads} threads on {where}")
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=not no_periodic, check_worker_health=True
    )
    consumer.run()


def init_queue(app: Flask) -> None:
    _load_task_modules()  # their tables belong to the metadata from the start
    app.cli.add_command(worker_command)
