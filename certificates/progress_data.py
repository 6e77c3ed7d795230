"""Loading the facts the progress service computes from, for one learner or many.

``progress_of_users(course, user_ids)`` runs four set-based queries (module progress, counted
quiz attempts, role-play runs, second chances), whatever the number of learners: ``user_ids``
may be a list or a SELECT of ids (a cohort's membership subquery), so the cohort dashboard stays
bounded. ``progress_for(user_id, course)`` is the same for one learner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import select

from certificates.progress import (
    AttemptFact,
    GrantFact,
    LearnerFacts,
    Progress,
    RunFact,
    compute_progress,
)
from courses.models import ModuleProgress
from courses.overrides import overrides_of_users
from courses.roleplay_models import RoleplayRun
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db
from training.sql_lists import among


def load_facts(course: Any, user_ids: Any) -> dict[int, LearnerFacts]:
    """Facts per learner id (only learners with any record appear; see ``progress_of_users``)."""
    slug = course.slug
    facts: dict[int, LearnerFacts] = {}

    def of(user_id: int) -> LearnerFacts:
        found = facts.get(user_id)
        if found is None:
            found = facts[user_id] = LearnerFacts()
        return found

    for user_id, stem, done in db.session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_stem,
            ModuleProgress.completed_at.is_not(None),
        ).where(ModuleProgress.course_slug == slug, among(ModuleProgress.user_id, user_ids))
    ):
        learner = of(user_id)
        learner.modules_opened.add(stem)
        if done:
            learner.modules_done.add(stem)

    for user_id, stem, status, percent, passed in db.session.execute(
        select(Attempt.user_id, Attempt.quiz_stem, Attempt.status, Attempt.percent, Attempt.passed)
        .where(
            Attempt.course_slug == slug,
            among(Attempt.user_id, user_ids),
            Attempt.practice.is_(False),
        )
        .order_by(Attempt.user_id, Attempt.quiz_stem, Attempt.number)
    ):
        of(user_id).attempts.setdefault(stem, []).append(
            AttemptFact(percent, passed, status == SUBMITTED)
        )

    for user_id, scenario, finished, outcome, percent, critical, step in db.session.execute(
        select(
            RoleplayRun.user_id,
            RoleplayRun.scenario_slug,
            RoleplayRun.finished_at.is_not(None),
            RoleplayRun.outcome,
            RoleplayRun.percent,
            RoleplayRun.critical,
            RoleplayRun.step,
        ).where(RoleplayRun.course_slug == slug, among(RoleplayRun.user_id, user_ids))
    ):
        of(user_id).runs.setdefault(scenario, []).append(
            RunFact(bool(finished), outcome, percent, bool(critical), step)
        )

    for user_id, grants in overrides_of_users(slug, user_ids).items():
        of(user_id).grants.extend(GrantFact.of(g) for g in grants)
    return facts


def progress_of_users(course: Any, user_ids: Iterable[int] | Any) -> dict[int, Progress]:
    """Progress per learner id. With a list, every id gets an entry (an empty record too);
    with a SELECT, only learners who did something appear: use ``empty_progress`` for others."""
    ids = list(user_ids) if isinstance(user_ids, (list, tuple, set, frozenset)) else user_ids
    facts = load_facts(course, ids)
    result = {user_id: compute_progress(course, f) for user_id, f in facts.items()}
    if isinstance(ids, list):
        nothing_yet: Progress | None = None  # computed once (Progress is frozen): not per id
        for user_id in ids:
            if user_id not in result:
                if nothing_yet is None:
                    nothing_yet = compute_progress(course, LearnerFacts())
                result[user_id] = nothing_yet
    return result


def empty_progress(course: Any) -> Progress:
    """The progress of a learner who has done nothing yet."""
    return compute_progress(course, LearnerFacts())


def progress_for(user_id: int, course: Any) -> Progress:
    """One learner's progress in ``course`` (four small queries).

    Within a GET request (which changes nothing) it is computed once and reused: the course
    page shows it in its progress panel, the role-play cards and the certificate box.
    """
    if not (has_request_context() and request.method == "GET"):
        return progress_of_users(course, [user_id])[user_id]
    cache: dict[tuple[int, str, str], Progress] = g.setdefault("_progress_cache", {})
    key = (user_id, course.slug, str(course.version))
    found = cache.get(key)
    if found is None:
        found = cache[key] = progress_of_users(course, [user_id])[user_id]
    return found
