"""Second chances, on the record: a trainer grants a learner of their cohort extra quiz
attempts, reopens a role-play, or excuses a requirement, always with a reason.

Each grant is one ``courses.overrides.Override`` row (what the attempt limits and the completion
rule count) and one audit event (``override.extra_attempts``, ``override.reopen_roleplay``,
``override.excuse``), written in the same transaction. After the commit,
``training.signals.second_chance_granted`` tells the learner (the mail feature listens) and
``activity_completed`` lets the certificates feature issue a certificate an excuse completed.

Which second chances make sense is read from the learner's progress (``options_for``): extra
attempts for a quiz with an attempt limit that is not passed, a reopening for a role-play with a
run limit that is not passed, an excuse for a required item not met. Trainers see only their
cohorts and the members of them (the callers check the cohort; ``grant`` checks membership).

``learners_needing_extra_attempt(cohort, course)`` is the dashboard's "needs an extra attempt"
rule for a whole cohort (the weekly digest uses it too).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certificates.progress import Item, Progress, needs_second_chance
from certificates.progress_data import progress_for, progress_of_users
from cohorts.services import is_member
from courses.catalogue import Course
from courses.overrides import AUDIT_ACTIONS, Override
from training import audit
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.signals import activity_completed, second_chance_granted

MAX_EXTRA_ATTEMPTS = 5
REASON_MIN, REASON_MAX = 3, 1000


class SecondChanceError(Exception):
    """A grant that cannot be made; the message is for the trainer (translated)."""


@dataclass(frozen=True)
class Option:
    """One second chance a trainer may grant now, as the form offers it."""

    kind: str  # extra_attempts | reopen_roleplay | excuse
    target: str  # module | quiz | roleplay
    key: str
    label: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.target}:{self.key}"


def _item_name(item: Item) -> str:
    if item.kind == "quiz":
        return _("quiz %(n)d, %(title)s", n=item.index, title=item.title)
    if item.kind == "roleplay":
        return _("role-play “%(title)s”", title=item.title)
    return _("module %(n)d, %(title)s", n=item.index, title=item.title)


def options_for(course: Course, progress: Progress) -> list[Option]:
    """The second chances that make sense for this learner now (see the module docstring)."""
    options: list[Option] = []
    for item in progress.items:
        if item.met:
            continue
        name = _item_name(item)
        if item.kind == "quiz" and item.allowed is not None:
            label = _("Extra attempts at %(name)s", name=name)
            options.append(Option("extra_attempts", "quiz", item.key, label))
        if item.kind == "roleplay" and item.allowed is not None:
            options.append(
                Option("reopen_roleplay", "roleplay", item.key, _("Reopen %(name)s", name=name))
            )
    for item in progress.items:
        if item.required and not item.met:
            options.append(
                Option("excuse", item.kind, item.key, _("Excuse %(name)s", name=_item_name(item)))
            )
    return options


def grant(
    trainer: User,
    cohort: Cohort,
    course: Course,
    learner_id: int,
    option_value: str,
    reason: str,
    amount: int = 1,
) -> Override:
    """Record one second chance for a member of ``cohort`` (the caller checked that ``trainer``
    may see the cohort). Raises LookupError for someone who is not a member (the view answers
    404) and SecondChanceError for a grant that does not make sense (any more)."""
    learner = db.session.get(User, learner_id)
    if learner is None or not is_member(cohort, learner_id):
        raise LookupError(learner_id)
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise SecondChanceError(
            _("Give a reason (%(min)d to %(max)d characters).", min=REASON_MIN, max=REASON_MAX)
        )
    progress = progress_for(learner_id, course)
    option = next((o for o in options_for(course, progress) if o.value == option_value), None)
    if option is None:
        raise SecondChanceError(
            _("This is not possible (any more): the learner may have passed it in the meantime.")
        )
    if option.kind == "extra_attempts":
        if not 1 <= amount <= MAX_EXTRA_ATTEMPTS:
            raise SecondChanceError(
                _("Give from 1 to %(max)d extra attempts.", max=MAX_EXTRA_ATTEMPTS)
            )
    elif option.kind == "reopen_roleplay":
        amount = course.completion.roleplay_max_runs or 1
    else:
        amount = 0
    override = Override(
        user_id=learner.id,
        course_slug=course.slug,
        kind=option.kind,
        target=option.target,
        key=option.key,
        amount=amount,
        reason=reason,
        granted_by_id=trainer.id,
        granted_by_label=audit.actor_label_of(trainer),
        cohort_id=cohort.id,
    )
    db.session.add(override)
    audit.record(
        AUDIT_ACTIONS[option.kind],
        actor=trainer,
        subject_user_id=learner.id,
        cohort_id=cohort.id,
        course_slug=course.slug,
        reason=reason,
        target=option.target,
        key=option.key,
        amount=amount,
    )
    try:
        db.session.commit()
    except IntegrityError:  # two trainers excused the same requirement at once
        db.session.rollback()
        raise SecondChanceError(_("This requirement is already excused.")) from None
    _announce(learner, trainer, course, override)
    return override


def _announce(learner: User, trainer: User, course: Course, override: Override) -> None:
    """After the commit: tell the learner (mail feature) and let an excuse complete the course.
    A listener's failure is logged, never lost as the trainer's grant."""
    app = current_app._get_current_object()
    try:
        second_chance_granted.send(
            app,
            learner=learner,
            trainer=trainer,
            course_slug=course.slug,
            kind=override.kind,
            key=override.key,
            reason=override.reason,
        )
    except Exception:
        db.session.rollback()
        current_app.logger.exception("second_chance_granted listener failed")
    if override.kind == "excuse":
        try:
            activity_completed.send(app, user=learner, course_slug=course.slug)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("activity_completed listener failed after an excuse")


def learners_needing_extra_attempt(
    cohort: Cohort, course: Course
) -> list[tuple[User, tuple[Item, ...]]]:
    """The members of ``cohort`` with a requirement they cannot meet without a trainer (no
    attempt or run left), each with those requirements; by name. Bounded queries."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    blocked = {
        user_id: items
        for user_id, standing in progress_of_users(course, members).items()
        if (items := needs_second_chance(standing))
    }
    if not blocked:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(list(blocked))))
    found = [(user, blocked[user.id]) for user in users]
    return sorted(found, key=lambda pair: (pair[0].full_name.casefold(), pair[0].email))
