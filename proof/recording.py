"""Write a ``LearningEvent`` for each learner request that belongs to learning.

The views of modules, quizzes and role-plays stay untouched: one ``after_app_request`` hook
looks the endpoint up in ``ENDPOINTS`` and, when the request succeeded (status below 400), writes
the event when the user is enrolled in the course (trainers and admins who browse a course leave
no learning time) and it is not a mere repeat of the learner's latest event.
The clock is the server's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, exists, literal, select
from werkzeug.wrappers import Response

from courses.models import Enrolment
from proof.models import LearningEvent
from training.extensions import db
from training.timeutil import utcnow

#: endpoint → (activity, view argument holding the key, action on GET, action on POST)
ENDPOINTS: dict[str, tuple[str, str | None, str, str]] = {
    "courses.course": ("course", None, "view", "view"),
    "courses.module": ("module", "stem", "view", "view"),
    "courses.mark_done": ("module", "stem", "view", "done"),
    "quizzes.start": ("quiz", "stem", "view", "view"),
    "quizzes.begin": ("quiz", "stem", "view", "start"),
    "quizzes.practise": ("quiz", "stem", "view", "start"),
    "quizzes.attempt": ("quiz", "stem", "view", "view"),
    "quizzes.answer": ("quiz", "stem", "view", "answer"),
    "quizzes.result": ("quiz", "stem", "result", "result"),
    "roleplays.intro": ("roleplay", "slug", "view", "view"),
    "roleplays.start": ("roleplay", "slug", "view", "start"),
    "roleplays.play": ("roleplay", "slug", "view", "view"),
    "roleplays.choose": ("roleplay", "slug", "view", "choose"),
    "roleplays.debrief": ("roleplay", "slug", "debrief", "debrief"),
    "roleplays.reflect": ("roleplay", "slug", "view", "reflect"),
}
#: Pages outside a course that end a reading interval (the time after them counts nothing).
NAV_ENDPOINTS = ("courses.dashboard", "courses.catalogue")
REF_ARGS = ("attempt_id", "run_id")
REPEAT_WINDOW = timedelta(seconds=60)


@cache
def _check_statement(nav: bool, with_ref: bool) -> Select[Any]:
    """Whether the user is enrolled (always for ``nav``) and whether the event would repeat
    their latest one: one query, built once per shape (bound parameters; plain columns)."""
    events, enrolments = LearningEvent.__table__, Enrolment.__table__
    if nav:
        enrolled: Any = literal(True)
    else:
        enrolled = exists().where(
            and_(
                enrolments.c.user_id == bindparam("user_id"),
                enrolments.c.course_slug == bindparam("course_slug"),
            )
        )
    latest = (
        select(events.c.id)
        .where(events.c.user_id == bindparam("user_id"))
        .order_by(events.c.at.desc(), events.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    same_ref = events.c.ref_id == bindparam("ref_id") if with_ref else events.c.ref_id.is_(None)
    repeat = exists().where(
        events.c.id == latest,
        events.c.at >= bindparam("since"),
        events.c.course_slug == bindparam("course_slug"),
        events.c.activity == bindparam("activity"),
        events.c.key == bindparam("key"),
        events.c.action == bindparam("action"),
        same_ref,
    )
    return select(enrolled.label("enrolled"), repeat.label("repeat"))


def record(
    user_id: int,
    course_slug: str,
    activity: str,
    key: str = "",
    action: str = "view",
    ref_id: int | None = None,
    at: datetime | None = None,
    repeat_window: timedelta = REPEAT_WINDOW,
) -> bool:
    """Record one event if ``user_id`` is enrolled in ``course_slug`` (any user for ``nav``).

    A repeat of the learner's latest event (same page, action and attempt or run) within
    ``repeat_window`` (default a minute) is not written again: a reload or a double click
    changes no measurement and a page view costs one read, not a write lock (as
    ``module_progress`` does). Returns whether a row was written (and committed).
    """
    at = at or utcnow()
    params = {
        "user_id": user_id,
        "course_slug": course_slug,
        "since": at - repeat_window,
        "activity": activity,
        "key": key,
        "action": action,
        "ref_id": ref_id,
    }
    statement = _check_statement(activity == "nav", ref_id is not None)
    row = db.session.execute(statement, params).one()
    if not row.enrolled or row.repeat:
        return False
    db.session.add(
        LearningEvent(
            user_id=user_id,
            at=at,
            course_slug=course_slug,
            activity=activity,
            key=key,
            action=action,
            ref_id=ref_id,
        )
    )
    db.session.commit()
    return True


def _event_for_request() -> tuple[str, str, str, str, int | None] | None:
    endpoint = request.endpoint or ""
    args = request.view_args or {}
    if endpoint in NAV_ENDPOINTS:
        return ("", "nav", "", "view", None)
    spec = ENDPOINTS.get(endpoint)
    if spec is None:
        return None
    activity, key_arg, on_get, on_post = spec
    # Quiz and role-play routes name the course ``course_slug``; course routes name it ``slug``.
    course_slug = args.get("course_slug") or args.get("slug")
    if not course_slug:
        return None
    key = str(args.get(key_arg, "")) if key_arg else ""
    action = on_post if request.method == "POST" else on_get
    ref = next((args[name] for name in REF_ARGS if isinstance(args.get(name), int)), None)
    return (str(course_slug), activity, key[:120], action, ref)


def _after_request(response: Response) -> Response:
    if response.status_code >= 400 or request.method not in ("GET", "POST"):
        return response
    event = _event_for_request()  # before current_user: other pages never load the user here
    if event is None or not getattr(current_user, "is_authenticated", False):
        return response
    course_slug, activity, key, action, ref = event
    try:
        record(current_user.id, course_slug, activity, key, action, ref)
    except Exception:  # the learner's page matters more than one event
        db.session.rollback()
        current_app.logger.exception("could not record a learning event")
    return response


def init_recording(app: Flask) -> None:
    """Install the hook (idempotent)."""
    if _after_request not in app.after_request_funcs.setdefault(None, []):
        app.after_request(_after_request)
