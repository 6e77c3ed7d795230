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

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, exists, literal, select
from werkzeug.wrappers import Response

from courses.models import Enrolment
from courses.reading import READING_EXTRAS, ReadingExtra
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
REPEAT_EXTRA = "learning_event_repeat"  # read in the module page's query (courses.reading)


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
    same_ref = events.c.ref_id == bindparam("ref_id") if with_ref else events.c.ref_id.is_(None)
    repeat = _repeat_clause(
        bindparam("since"), bindparam("course_slug"), bindparam("activity"), bindparam("key"),
        bindparam("action"), same_ref,
    )  # fmt: skip
    return select(enrolled.label("enrolled"), repeat.label("repeat"))


def _repeat_clause(
    since: Any, course_slug: Any, activity: Any, key: Any, action: Any, same_ref: Any
) -> Any:
    """SQL: the learner's (``user_id`` parameter) latest event is this one, at ``since`` or
    later (each argument a parameter or a literal)."""
    events = LearningEvent.__table__
    latest = (
        select(events.c.id)
        .where(events.c.user_id == bindparam("user_id"))
        .order_by(events.c.at.desc(), events.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return exists().where(
        events.c.id == latest,
        events.c.at >= since,
        events.c.course_slug == course_slug,
        events.c.activity == activity,
        events.c.key == key,
        events.c.action == action,
        same_ref,
    )


def _module_view_repeat() -> Any:
    """The repeat check of :func:`record` for a module view, inside the module page's query
    (courses.reading: ``user_id``, ``slug``, ``stem`` bound there, ``learning_since`` here)."""
    return _repeat_clause(
        bindparam("learning_since"), bindparam("slug"), literal("module"), bindparam("stem"),
        literal("view"), LearningEvent.__table__.c.ref_id.is_(None),
    )  # fmt: skip


READING_EXTRAS.setdefault(
    REPEAT_EXTRA,
    ReadingExtra(_module_view_repeat, lambda now: {"learning_since": now - REPEAT_WINDOW}),
)


def record(
    user_id: int,
    course_slug: str,
    activity: str,
    key: str = "",
    action: str = "view",
    ref_id: int | None = None,
    at: datetime | None = None,
    repeat_window: timedelta = REPEAT_WINDOW,
    checked: tuple[bool, bool] | None = None,
) -> bool:
    """Record one event if ``user_id`` is enrolled in ``course_slug`` (any user for ``nav``).

    A repeat of the learner's latest event (same page, action and attempt or run) within
    ``repeat_window`` (default a minute) is not written again: a reload or a double click
    changes no measurement and a page view costs one read, not a write lock (as
    ``module_progress`` does). Returns whether a row was written (and committed).
    ``checked``: ``(enrolled, repeat)`` when the request read them already (the module page's
    query, courses.reading), so none is sent here.
    """
    at = at or utcnow()
    if checked is None:
        checked = _check(user_id, course_slug, activity, key, action, ref_id, at - repeat_window)
    enrolled, repeat = checked
    if not enrolled or repeat:
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


def _check(
    user_id: int,
    course_slug: str,
    activity: str,
    key: str,
    action: str,
    ref_id: int | None,
    since: datetime,
) -> tuple[bool, bool]:
    """``(enrolled, repeat)`` for :func:`record`, in one query."""
    params = {
        "user_id": user_id,
        "course_slug": course_slug,
        "since": since,
        "activity": activity,
        "key": key,
        "action": action,
        "ref_id": ref_id,
    }
    statement = _check_statement(activity == "nav", ref_id is not None)
    row = db.session.execute(statement, params).one()
    return bool(row.enrolled), bool(row.repeat)


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
        record(current_user.id, course_slug, activity, key, action, ref, checked=_read(event))
    except Exception:  # the learner's page matters more than one event
        db.session.rollback()
        current_app.logger.exception("could not record a learning event")
    return response


def _read(event: tuple[str, str, str, str, int | None]) -> tuple[bool, bool] | None:
    """``(enrolled, repeat)`` when the module page's query read them for this very event."""
    reading = g.get("module_reading")
    if reading is None or REPEAT_EXTRA not in reading.extras:
        return None
    if event != (reading.slug, "module", reading.stem, "view", None):
        return None
    if reading.user_id != current_user.id:
        return None
    return reading.enrolled, bool(reading.extras[REPEAT_EXTRA])


def init_recording(app: Flask) -> None:
    """Install the hook (idempotent)."""
    if _after_request not in app.after_request_funcs.setdefault(None, []):
        app.after_request(_after_request)
