"""Mails on events: a certificate issued, a trainer's reply, an extra attempt or a reopened
role-play. Listeners of ``training.signals``; each one only queues a mail (the worker sends
it), and a failure is logged, never raised into the trainer's or the learner's action."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from notifications import preferences
from training.extensions import db
from training.links import external_url
from training.mail import send_mail
from training.models import User
from training.signals import certificate_issued, reflection_replied, second_chance_granted

log = logging.getLogger("passerelle.notifications")


def notify(user: User, kind: str, key: str, build: Callable[[], tuple[str, str]]) -> Any | None:
    """Queue one optional mail of ``kind`` unless the user turned it off; ``build`` returns the
    subject and body and is called in the user's language. None when not sent (or already
    queued under ``key``)."""
    if not preferences.wants(user.id, kind):
        return None
    with force_locale(user.language):
        subject, body = build()
        return send_mail(
            user,
            subject,
            body,
            kind=kind,
            key=key,
            unsubscribe_url=preferences.unsubscribe_url(user.id, kind),
            preferences_url=preferences.preferences_url(),
        )


def _course_title(slug: str) -> str:
    from courses.loader import get_course

    course = get_course(slug)
    return course.title if course is not None else slug


def on_certificate_issued(sender: Any, certificate: Any, **extra: Any) -> None:
    try:
        user = db.session.get(User, certificate.user_id)
        url = external_url("certificates.verify", code=certificate.code)
        mine = external_url("certificates.mine")

        def build() -> tuple[str, str]:
            return _("Your certificate: %(title)s", title=certificate.course_title), _(
                "Hello %(name)s,\n\nCongratulations: your certificate for “%(title)s” has "
                "been issued. Anyone (an employer, for example) can check it at this "
                "address:\n%(url)s\n\nDownload the PDF or add it to a wallet here:\n%(mine)s",
                name=user.display_name,
                title=certificate.course_title,
                url=url,
                mine=mine,
            )

        notify(user, preferences.CERTIFICATE, f"certificate:{certificate.id}", build)
    except Exception:
        db.session.rollback()
        log.exception("Could not queue the certificate mail for %s", certificate.code)


def on_second_chance(
    sender: Any, learner: User, trainer: Any, course_slug: str, kind: str, key: str,
    reason: str, **extra: Any,
) -> None:  # fmt: skip
    if kind == "excuse":
        return  # an excused requirement ends in a certificate mail when it completes the course
    try:
        from courses.loader import get_course

        course = get_course(course_slug)
        if kind == "extra_attempts":
            module = course.module(key) if course is not None else None
            what = module.title if module is not None else key
            url = external_url("quizzes.start", course_slug=course_slug, stem=key)
        else:
            scenario = course.roleplay(key) if course is not None else None
            what = scenario.title if scenario is not None else key
            url = external_url("roleplays.intro", course_slug=course_slug, slug=key)

        def build() -> tuple[str, str]:
            return _("Another try: %(what)s", what=what), _(
                "Hello %(name)s,\n\nYour trainer has given you another try at “%(what)s” "
                "(%(course)s). Their note: %(reason)s\n\nStart here:\n%(url)s",
                name=learner.display_name,
                what=what,
                course=_course_title(course_slug),
                reason=reason,
                url=url,
            )

        notify(learner, preferences.TRAINER, f"second-chance:{uuid.uuid4().hex}", build)
    except Exception:
        db.session.rollback()
        log.exception("Could not queue the second-chance mail for user %s", learner.id)


def on_reflection_replied(sender: Any, run: Any, trainer: Any, reply: Any, **extra: Any) -> None:
    try:
        learner = db.session.get(User, run.user_id)
        url = external_url(
            "roleplays.debrief", course_slug=run.course_slug, slug=run.scenario_slug, run_id=run.id
        )

        def build() -> tuple[str, str]:
            return _("Your trainer replied to your reflection"), _(
                "Hello %(name)s,\n\n%(trainer)s replied to what you wrote after a role-play "
                "in “%(course)s”. Read the reply on your debrief:\n%(url)s",
                name=learner.display_name,
                trainer=trainer.display_name if trainer is not None else _("Your trainer"),
                course=_course_title(run.course_slug),
                url=url,
            )

        key = f"reply:{reply.id}:{reply.updated_at.isoformat()}"
        notify(learner, preferences.TRAINER, key, build)
    except Exception:
        db.session.rollback()
        log.exception("Could not queue the reply mail for run %s", run.id)


def connect() -> None:
    """Hook the listeners (once per process: blinker signals are global)."""
    certificate_issued.connect(on_certificate_issued, weak=False)
    second_chance_granted.connect(on_second_chance, weak=False)
    reflection_replied.connect(on_reflection_replied, weak=False)
