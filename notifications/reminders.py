"""Reminders that bring learners back (issue 17), run once a day by the task queue.

- **Inactivity**: a learner enrolled in a course, not finished, with no activity for the
  course's ``reminder_days`` (default 7; counted from enrolment when nothing was done yet)
  gets one mail naming the next step. One per stretch of inactivity: the idempotency key holds
  the date of the last activity, so a new reminder needs new activity, then a new silence.
- **Deadline**: a cohort member with requirements left gets one mail when the cohort's end
  date is ``DEADLINE_NOTICE_DAYS`` (default 7) days away or less.

:func:`daily` is the periodic task (07:00 UTC, once per day across workers); the two
functions below are plain and take the clock, for tests and the CLI.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from certificates.progress import Item, Progress
from certificates.progress_data import progress_of_users
from courses.loader import get_catalogue
from courses.models import Enrolment
from notifications import preferences
from notifications.notices import notify
from training import queue
from training.extensions import db
from training.links import external_url
from training.models import Cohort, CohortMember, User
from training.timeutil import utcnow


def next_step(progress: Progress) -> Item | None:
    """The first requirement not met that the learner can still do something about."""
    for item in progress.requirements:
        if not item.met and not item.out_of_attempts:
            return item
    return None


def step_url(course_slug: str, item: Item) -> str:
    if item.kind == "module":
        return external_url("courses.module", slug=course_slug, stem=item.key)
    if item.kind == "quiz":
        return external_url("quizzes.start", course_slug=course_slug, stem=item.key)
    return external_url("roleplays.intro", course_slug=course_slug, slug=item.key)


def _step_words(item: Item) -> str:
    if item.kind == "module":
        return _("read the module “%(title)s”", title=item.title)
    if item.kind == "quiz":
        return _("take the quiz “%(title)s”", title=item.title)
    return _("play the role-play “%(title)s”", title=item.title)


def _last_activity(slug: str, user_ids: list[int]) -> dict[int, datetime]:
    # The dashboard's one aggregate query over every kind of activity.
    from cohorts.standings import last_activity_of as latest

    return latest(slug, select(Enrolment.user_id).where(Enrolment.user_id.in_(user_ids)))


def send_inactivity(now: datetime | None = None) -> int:
    """Queue the inactivity reminders due at ``now``; returns how many were queued."""
    now = now or utcnow()
    queued = 0
    for course in get_catalogue().courses.values():
        enrolments = db.session.execute(
            select(Enrolment, User)
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.course_slug == course.slug, User.email_verified_at.is_not(None))
        ).all()
        if not enrolments:
            continue
        ids = [user.id for _e, user in enrolments]
        latest = _last_activity(course.slug, ids)
        threshold = timedelta(days=course.reminder_days)
        due = {
            user.id: (user, latest.get(user.id) or enrolment.enrolled_at)
            for enrolment, user in enrolments
            if now - (latest.get(user.id) or enrolment.enrolled_at) >= threshold
        }
        if not due:
            continue
        standings = progress_of_users(course, list(due))
        for user_id, (user, since) in due.items():
            progress = standings.get(user_id)
            step = next_step(progress) if progress is not None else None
            if step is None:
                continue  # finished, or waiting for a trainer's second chance
            if _remind(user, course, step, since, now):
                queued += 1
    return queued


def _remind(user: User, course: Any, step: Item, since: datetime, now: datetime) -> bool:
    url = step_url(course.slug, step)
    days = (now - since).days

    def build() -> tuple[str, str]:
        return _("Your next step in %(course)s", course=course.title), ngettext(
            "Hello %(name)s,\n\nIt has been %(num)d day since you last worked on "
            "“%(course)s”. A few minutes are enough to keep going: your next step is to "
            "%(step)s.\n\n%(url)s",
            "Hello %(name)s,\n\nIt has been %(num)d days since you last worked on "
            "“%(course)s”. A few minutes are enough to keep going: your next step is to "
            "%(step)s.\n\n%(url)s",
            days,
            name=user.display_name,
            course=course.title,
            step=_step_words(step),
            url=url,
        )

    key = f"inactivity:{user.id}:{course.slug}:{since:%Y-%m-%dT%H:%M}"
    return notify(user, preferences.INACTIVITY, key, build) is not None


def send_deadlines(today: date | None = None) -> int:
    """Queue the end-date reminders due ``today``; returns how many were queued."""
    from training.dates import format_date

    today = today or utcnow().date()
    horizon = today + timedelta(days=current_app.config["DEADLINE_NOTICE_DAYS"])
    catalogue = get_catalogue().courses
    queued = 0
    cohorts = db.session.execute(
        select(Cohort).where(
            Cohort.archived_at.is_(None), Cohort.ends_on >= today, Cohort.ends_on <= horizon
        )
    ).scalars()
    for cohort in cohorts:
        course = catalogue.get(cohort.course_slug)
        if course is None:
            continue
        members = list(
            db.session.execute(
                select(User)
                .join(CohortMember, CohortMember.user_id == User.id)
                .where(CohortMember.cohort_id == cohort.id)
            ).scalars()
        )
        standings = progress_of_users(course, [u.id for u in members])
        for user in members:
            progress = standings.get(user.id)
            if progress is None or progress.complete:
                continue
            left = progress.tally().missing
            step = next_step(progress)

            def build(
                user=user, left=left, step=step, cohort=cohort, course=course
            ) -> tuple[str, str]:  # noqa: ANN001
                text = ngettext(
                    "Hello %(name)s,\n\nYour group “%(cohort)s” ends on %(date)s and "
                    "%(num)d requirement of “%(course)s” is still open.",
                    "Hello %(name)s,\n\nYour group “%(cohort)s” ends on %(date)s and "
                    "%(num)d requirements of “%(course)s” are still open.",
                    len(left),
                    name=user.display_name,
                    cohort=cohort.name,
                    date=format_date(cohort.ends_on),
                    course=course.title,
                )
                if step is not None:
                    text += "\n\n" + _(
                        "Your next step is to %(step)s:\n%(url)s",
                        step=_step_words(step),
                        url=step_url(course.slug, step),
                    )
                return _("%(cohort)s ends on %(date)s", cohort=cohort.name,
                         date=format_date(cohort.ends_on)), text  # fmt: skip

            key = f"deadline:{user.id}:{cohort.id}:{cohort.ends_on.isoformat()}"
            if notify(user, preferences.DEADLINE, key, build) is not None:
                queued += 1
    return queued


@queue.periodic("reminders.daily", minute="0", hour="7")
def daily(now: datetime | None = None) -> dict[str, int]:
    """The day's reminders, once per day whatever the number of workers."""
    now = now or utcnow()
    if not queue.claim_period("reminders.daily", now.date().isoformat()):
        return {}
    return {"inactivity": send_inactivity(now), "deadline": send_deadlines(now.date())}
