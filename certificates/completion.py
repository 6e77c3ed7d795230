"""Completion rules: what a learner has done in a course and what is still missing.

``evaluate(user, course)`` reads the course's ``completion`` rules (already resolved to explicit
module stems, quiz stems and role-play slugs by the loader) and the learner's records from the
courses, quizzes and role-play services, and returns one requirement per rule.

- A module counts when the learner marked it done.
- A quiz counts when its grade (per the quiz's grading method) reaches the quiz's own pass mark,
  or the course's ``pass_mark`` when the quiz sets none.
- A role-play counts when the learner's best finished run reaches ``roleplay_min_score``.

``overall_score`` is the plain mean of the grades of the required quizzes and the best scores of
the required role-plays, counting only those the learner has a result for; it is ``None`` when
the course requires neither (or the learner has no result yet). Every quiz and role-play weighs
the same, whatever its length: the certificate prints one figure a reader can reason about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Literal

from flask_babel import gettext as _

RequirementKind = Literal["module", "quiz", "roleplay"]


@dataclass(frozen=True)
class Requirement:
    kind: RequirementKind
    key: str
    label: str
    done: bool
    detail: str


@dataclass(frozen=True)
class CompletionStatus:
    complete: bool
    requirements: list[Requirement] = field(default_factory=list)
    missing: list[Requirement] = field(default_factory=list)
    overall_score: float | None = None

    @property
    def done_count(self) -> int:
        return len(self.requirements) - len(self.missing)


def percent(value: float) -> str:
    """``45 %`` (one decimal at most), as the completion details print it."""
    return _("%(value)s %%", value=f"{round(value, 1):g}")


def evaluate(user: Any, course: Any) -> CompletionStatus:
    """The learner's completion status for ``course`` (see the module docstring)."""
    from courses.roleplay_services import best_scores
    from courses.services import completed_modules
    from quizzes.services import quiz_standings

    rules = course.completion
    requirements: list[Requirement] = []
    scores: list[float] = []

    if rules.modules:
        done_modules = completed_modules(user.id, course.slug)
        for stem in rules.modules:
            module = course.module(stem)
            title = module.title if module is not None else stem
            done = stem in done_modules
            detail = _("Read and marked as done") if done else _("Not marked as done yet")
            requirements.append(Requirement("module", stem, title, done, detail))

    if rules.quizzes:
        standings = quiz_standings(user.id, course.slug, course)
        for stem in rules.quizzes:
            module = course.module(stem)
            quiz = course.quiz(stem)
            title = module.title if module is not None else stem
            mark = _pass_mark(quiz, rules.pass_mark)
            standing = standings.get(stem)
            grade = standing.grade_percent if standing is not None else None
            if grade is not None:
                scores.append(grade)
            done = grade is not None and grade >= mark
            if grade is None:
                detail = _("Not taken yet — %(mark)s needed", mark=percent(mark))
            elif done:
                detail = _("Passed with %(grade)s", grade=percent(grade))
            else:
                detail = _(
                    "Grade %(grade)s — %(mark)s needed", grade=percent(grade), mark=percent(mark)
                )
            label = _("Quiz: %(title)s", title=title)
            requirements.append(Requirement("quiz", stem, label, done, detail))

    if rules.roleplays:
        bests = best_scores(user.id, course.slug)
        minimum = rules.roleplay_min_score
        for slug in rules.roleplays:
            scenario = course.roleplay(slug)
            title = scenario.title if scenario is not None else slug
            best = bests.get(slug)
            if best is not None:
                scores.append(best)
            done = best is not None and best >= minimum
            if best is None:
                detail = _("Not played yet — %(mark)s needed", mark=percent(minimum))
            elif done:
                detail = _("Best %(best)s", best=percent(best))
            else:
                detail = _(
                    "Best %(best)s — %(mark)s needed", best=percent(best), mark=percent(minimum)
                )
            label = _("Role-play: %(title)s", title=title)
            requirements.append(Requirement("roleplay", slug, label, done, detail))

    missing = [r for r in requirements if not r.done]
    return CompletionStatus(
        complete=not missing,
        requirements=requirements,
        missing=missing,
        overall_score=round(fmean(scores), 1) if scores else None,
    )


def _pass_mark(quiz: Any, course_pass_mark: float) -> float:
    """The quiz's own pass mark when it sets one, else the course's."""
    settings = getattr(quiz, "settings", None)
    own = getattr(settings, "pass_mark", None)
    return float(own) if own is not None else float(course_pass_mark)
