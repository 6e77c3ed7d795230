"""The end-of-course survey: who may answer, storing answers apart from names, the aggregate.

- **Who answers**: an enrolled learner, once, when the course is complete (every requirement
  met, the progress service's word) or the cohort's end date has passed.
- **Stored apart**: one ``SurveyResponse`` (answers, course, cohort, year: no user id, no
  time, a random key) and one ``SurveyParticipation`` (the learner answered, when), in the same
  transaction; a double click fails on the participation's UNIQUE key and stores nothing twice.
- **The aggregate** of a group (a cohort, or all cohorts for admins) is shown only from
  ``SURVEY_MIN_RESPONSES`` answers (default 5): with fewer, a trainer who knows who answered
  could tell who wrote what. Comments are listed in alphabetical order, never in the order they
  came in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certificates.progress_data import progress_for
from courses.models import Enrolment
from courses.survey_model import LIKERT, SCALE, Survey
from surveys.models import SurveyParticipation, SurveyResponse
from training.extensions import db
from training.models import Cohort
from training.timeutil import utcnow

TEXT_MAX = 2000
DEFAULT_MIN_RESPONSES = 5


class SurveyError(Exception):
    """Answers that cannot be stored (the message says why)."""


def scale_labels() -> list[tuple[int, str]]:
    """The five points of the agreement scale, with their words."""
    words = (
        _("Strongly disagree"),
        _("Disagree"),
        _("Neither agree nor disagree"),
        _("Agree"),
        _("Strongly agree"),
    )
    return list(zip(SCALE, words, strict=True))


def min_responses() -> int:
    return int(current_app.config.get("SURVEY_MIN_RESPONSES", DEFAULT_MIN_RESPONSES))


def has_answered(user_id: int, course_slug: str) -> bool:
    return (
        db.session.execute(
            select(SurveyParticipation.id).where(
                SurveyParticipation.user_id == user_id,
                SurveyParticipation.course_slug == course_slug,
            )
        ).first()
        is not None
    )


def _enrolment(user_id: int, course_slug: str) -> Enrolment | None:
    return db.session.execute(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_slug == course_slug)
    ).scalar()


def may_answer(user: Any, course: Any) -> bool:
    """The course has a survey, the learner is enrolled, has not answered, and is at the end."""
    if course.survey is None or not getattr(user, "is_authenticated", False):
        return False
    enrolment = _enrolment(user.id, course.slug)
    if enrolment is None or has_answered(user.id, course.slug):
        return False
    if progress_for(user.id, course).complete:
        return True
    cohort = db.session.get(Cohort, enrolment.cohort_id) if enrolment.cohort_id else None
    return bool(cohort and cohort.ends_on and cohort.ends_on < utcnow().date())


def clean_answers(survey: Survey, form: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to store, from the submitted form; SurveyError names what is missing."""
    answers: dict[str, Any] = {}
    missing = []
    for item in survey.items:
        raw = (form.get(item.id) or "").strip()
        if item.type == LIKERT:
            if raw not in {str(v) for v in SCALE}:
                missing.append(item.prompt)
                continue
            answers[item.id] = int(raw)
        elif raw:
            if len(raw) > TEXT_MAX:
                raise SurveyError(_("Keep each comment under %(n)d characters.", n=TEXT_MAX))
            answers[item.id] = raw
    if missing:
        raise SurveyError(_("Please rate every statement: %(items)s", items=" · ".join(missing)))
    return answers


def submit(user: Any, course: Any, form: Mapping[str, Any]) -> bool:
    """Store the learner's answers apart from their name. False: they had already answered
    (a double click, two tabs): nothing is stored the second time."""
    if not may_answer(user, course):
        if has_answered(user.id, course.slug):
            return False
        raise SurveyError(_("The survey opens at the end of the course."))
    answers = clean_answers(course.survey, form)
    enrolment = _enrolment(user.id, course.slug)
    db.session.add(
        SurveyResponse(
            course_slug=course.slug,
            cohort_id=enrolment.cohort_id if enrolment else None,
            year=utcnow().year,
            answers=answers,
        )
    )
    db.session.add(SurveyParticipation(user_id=user.id, course_slug=course.slug))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


@dataclass(frozen=True)
class LikertResult:
    item_id: str
    prompt: str
    counts: tuple[int, ...]  # answers per scale value, 1..5
    mean: float | None

    @property
    def answered(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Aggregate:
    responses: int
    threshold: int
    likert: tuple[LikertResult, ...] = ()
    comments: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (prompt, sorted comments)
    satisfaction: float | None = None  # mean of every Likert answer, 1..5

    @property
    def shown(self) -> bool:
        return self.responses >= self.threshold

    @property
    def satisfied_share(self) -> float | None:
        """Percent of Likert answers that are 4 or 5."""
        total = sum(r.answered for r in self.likert)
        if not total:
            return None
        return 100.0 * sum(r.counts[3] + r.counts[4] for r in self.likert) / total


def responses_of(course_slug: str, cohort_ids: Iterable[int] | None = None) -> list[dict]:
    query = select(SurveyResponse.answers).where(SurveyResponse.course_slug == course_slug)
    if cohort_ids is not None:
        query = query.where(SurveyResponse.cohort_id.in_(list(cohort_ids)))
    return [row for (row,) in db.session.execute(query)]


def aggregate(survey: Survey, answers: list[dict], threshold: int | None = None) -> Aggregate:
    """The group's results; empty (only the count) below the threshold."""
    threshold = min_responses() if threshold is None else threshold
    if len(answers) < threshold:
        return Aggregate(len(answers), threshold)
    likert = []
    every: list[int] = []
    for item in survey.likert:
        values = [a[item.id] for a in answers if isinstance(a.get(item.id), int)]
        every += values
        counts = tuple(values.count(v) for v in SCALE)
        likert.append(
            LikertResult(item.id, item.prompt, counts, round(fmean(values), 2) if values else None)
        )
    comments = tuple(
        (
            item.prompt,
            tuple(sorted((a[item.id] for a in answers if a.get(item.id)), key=str.casefold)),
        )
        for item in survey.texts
    )
    satisfaction = round(fmean(every), 2) if every else None
    return Aggregate(len(answers), threshold, tuple(likert), comments, satisfaction)


def participation_count(course_slug: str, user_ids: Any) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SurveyParticipation)
        .where(
            SurveyParticipation.course_slug == course_slug,
            SurveyParticipation.user_id.in_(user_ids),
        )
    )
