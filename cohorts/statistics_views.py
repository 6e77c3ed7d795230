"""Quiz statistics pages for trainers (issue 17): one cohort's learners, or every learner of
the course (``?scope=course``). Routes of the cohorts blueprint, same access rule."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from cohorts.views import _cohort_or_404, _course_or_404, bp
from quizzes.statistics import quiz_statistics
from training.access import trainer_required
from training.models import CohortMember


def _scope(cohort_id: int):  # noqa: ANN202 - (scope word, user ids or None)
    if request.args.get("scope") == "course":
        return "course", None
    return "cohort", select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)


@bp.get("/cohorts/<int:cohort_id>/quiz-statistics")
@trainer_required
def quiz_statistics_index(cohort_id: int) -> str:
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    scope, members = _scope(cohort.id)
    stats = [
        quiz_statistics(course, module.stem, members)
        for module in course.modules
        if course.quiz(module.stem) is not None
    ]
    return render_template(
        "cohorts/quiz_statistics_index.html", cohort=cohort, course=course, stats=stats,
        scope=scope,
    )  # fmt: skip


@bp.get("/cohorts/<int:cohort_id>/quiz-statistics/<stem>")
@trainer_required
def quiz_statistics_page(cohort_id: int, stem: str) -> str:
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    scope, members = _scope(cohort.id)
    stats = quiz_statistics(course, stem, members)
    if stats is None:
        abort(404)
    return render_template(
        "cohorts/quiz_statistics.html", cohort=cohort, course=course, stats=stats, scope=scope
    )
