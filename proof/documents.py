"""What the certificat de réalisation and the attestation de fin de formation state.

``proof_facts(user, course)`` gathers, for one learner and one course, everything both documents
print: the organisation (``ORGANISATION_NAME``, ``ORGANISATION_DECLARATION_NUMBER``, the
representative who signs), the learner, the action (title, nature, objectives), its dates (first
and last recorded activity), the *measured* duration (``proof.learning_time``) beside the
*declared* one (course.yaml ``hours``), the assessed work that proves assiduity in distance
learning (quizzes with their results and attempts, role-plays with their outcomes, modules
completed) and the results per competency block (the one progress service,
``certificates.progress``).

The documents are rendered on request from these live facts and dated the day they are made
("établi le"): while the action goes on, a new copy states the hours realised so far. They are
not frozen like a course certificate (which certifies a completion once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from certificates.progress_data import progress_for
from proof.learning_time import LearningTime, learning_time
from proof.models import LearningEvent
from training.extensions import db
from training.text_safety import fit_to_fonts, printable
from training.timeutil import utcnow

NATURE_FR = "Action de formation"
NATURE_EN = "Training action"


def _print(text: str | None) -> str:
    return fit_to_fonts(printable(text or ""))


@dataclass(frozen=True)
class Organisation:
    name: str
    declaration_number: str
    representative: str
    representative_title: str
    city: str

    @classmethod
    def from_config(cls) -> Organisation:
        config = current_app.config
        return cls(
            name=_print(config.get("ORGANISATION_NAME")),
            declaration_number=_print(config.get("ORGANISATION_DECLARATION_NUMBER")),
            representative=_print(config.get("ORGANISATION_REPRESENTATIVE")),
            representative_title=_print(config.get("ORGANISATION_REPRESENTATIVE_TITLE")),
            city=_print(config.get("ORGANISATION_CITY")),
        )


@dataclass(frozen=True)
class Work:
    """One assessed activity: a quiz, a role-play (``score`` in percent, ``used`` attempts or
    runs) or the count of modules completed."""

    kind: str  # quiz | roleplay
    title: str
    state: str  # passed | failed | in_progress | not_started | excused
    score: float | None
    used: int
    seconds: float


@dataclass(frozen=True)
class BlockResult:
    id: str
    title: str
    rncp: str | None
    met: int
    total: int
    score: float | None
    attained: bool
    seconds: float


@dataclass(frozen=True)
class ProofFacts:
    organisation: Organisation
    learner_name: str
    learner_email: str
    course_slug: str
    action_title: str
    language: str
    objectives: tuple[str, ...]
    start: date | None
    end: date | None
    realised_seconds: float
    declared_hours: float
    sessions: int
    modules_done: int
    modules_total: int
    requirements_met: int
    requirements_total: int
    overall_score: float | None
    work: tuple[Work, ...]
    blocks: tuple[BlockResult, ...]
    made_on: date
    made_at: datetime
    time: LearningTime = field(repr=False, compare=False)

    @property
    def bilingual(self) -> bool:
        """English labels beside the French ones (the course is in English)."""
        return self.language != "fr"

    @property
    def completed(self) -> bool:
        return self.requirements_total > 0 and self.requirements_met == self.requirements_total


def _activity_dates(user_id: int, course_slug: str) -> tuple[date | None, date | None]:
    """The days of the learner's first and last recorded activity in the course."""
    row = db.session.execute(
        select(func.min(LearningEvent.at), func.max(LearningEvent.at)).where(
            LearningEvent.user_id == user_id, LearningEvent.course_slug == course_slug
        )
    ).one()
    first, last = row[0], row[1]
    return (first.date() if first else None, last.date() if last else None)


def _state(item: Any) -> str:
    if item.excused is not None:
        return "excused"
    if item.passed:
        return "passed"
    if item.in_progress:
        return "in_progress"
    if item.used or item.score is not None:
        return "failed"
    return "not_started"


def proof_facts(user: Any, course: Any, now: datetime | None = None) -> ProofFacts:
    """Everything the two documents print for ``user`` in ``course`` (see the module)."""
    now = now or utcnow()
    time = learning_time(user.id, course, now)
    progress = progress_for(user.id, course)
    work = []
    for item in progress.items:
        if item.kind == "quiz":
            seconds = time.quizzes.get(item.key, 0.0)
        elif item.kind == "roleplay":
            seconds = time.roleplays.get(item.key, 0.0)
        else:
            continue
        title = _print(item.title)
        work.append(Work(item.kind, title, _state(item), item.score, item.used, seconds))
    modules = [i for i in progress.items if i.kind == "module"]
    blocks = tuple(
        BlockResult(
            id=b.block.id,
            title=_print(b.block.title),
            rncp=b.block.rncp,
            met=b.tally.count,
            total=b.tally.total,
            score=b.score,
            attained=b.attained,
            seconds=time.blocks.get(b.block.id, 0.0),
        )
        for b in progress.by_block
    )
    headline = progress.tally()
    start, end = _activity_dates(user.id, course.slug)
    return ProofFacts(
        organisation=Organisation.from_config(),
        learner_name=_print(user.full_name or user.display_name),
        learner_email=user.email,
        course_slug=course.slug,
        action_title=_print(course.title),
        language=course.language,
        objectives=tuple(_print(o) for o in course.objectives),
        start=start,
        end=end,
        realised_seconds=time.total,
        declared_hours=float(course.hours),
        sessions=time.sessions,
        modules_done=sum(1 for m in modules if m.passed),
        modules_total=len(modules),
        requirements_met=headline.count,
        requirements_total=headline.total,
        overall_score=progress.overall_score,
        work=tuple(work),
        blocks=blocks,
        made_on=now.date(),
        made_at=now,
        time=time,
    )
