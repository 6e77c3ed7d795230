"""Completion rules: what a learner has done in a course and what is still missing.

``evaluate(user, course)`` is the certificate's view of the progress service
(``certificates.progress``): one requirement per item the course's ``completion`` lists, met or
not, with a sentence saying where the learner stands (every figure through
``training.numbers``). The rules themselves (modules done, quizzes passed, role-plays passed
without a critical choice on an allowed outcome, second chances and excuses) are in
``certificates.progress``, so the certificate, the dashboard, the course page, the trainer's
matrix and the gradebook can never disagree.

``overall_score`` is the plain mean of the grades of the required quizzes and the scores of the
required role-plays, counting only those the learner has a result for; it is ``None`` when the
course requires neither (or the learner has no result yet). Every quiz and role-play weighs the
same, whatever its length: the certificate prints one figure a reader can reason about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from flask_babel import gettext as _

from certificates.progress import Item, Progress
from certificates.progress_data import progress_for
from training.numbers import format_percent

RequirementKind = Literal["module", "quiz", "roleplay"]


@dataclass(frozen=True)
class Requirement:
    kind: RequirementKind
    key: str
    label: str
    done: bool
    detail: str
    excused: bool = False


@dataclass(frozen=True)
class CompletionStatus:
    complete: bool
    requirements: list[Requirement] = field(default_factory=list)
    missing: list[Requirement] = field(default_factory=list)
    overall_score: float | None = None
    progress: Progress | None = None

    @property
    def done_count(self) -> int:
        return len(self.requirements) - len(self.missing)


def percent(value: float) -> str:
    """A percentage as every page prints it (``training.numbers.format_percent``)."""
    return format_percent(value)


def label_of(item: Item) -> str:
    """``Introduction``, ``Quiz: Introduction``, ``Role-play: Noise at 23:00``."""
    if item.kind == "quiz":
        return _("Quiz: %(title)s", title=item.title)
    if item.kind == "roleplay":
        return _("Role-play: %(title)s", title=item.title)
    return item.title


def detail_of(item: Item) -> str:
    """Where the learner stands on one requirement, in a sentence."""
    if item.excused is not None:
        return _("Excused by your trainer: %(reason)s", reason=item.excused.reason)
    mark = percent(item.pass_mark or 0)
    if item.kind == "module":
        return _("Read and marked as done") if item.passed else _("Not marked as done yet")
    if item.kind == "quiz":
        if item.score is None:
            return _("Not taken yet — %(mark)s needed", mark=mark)
        if item.passed:
            return _("Passed with %(grade)s", grade=percent(item.score))
        return _("Grade %(grade)s — %(mark)s needed", grade=percent(item.score), mark=mark)
    if item.score is None:
        return _("Not played yet — %(mark)s needed", mark=mark)
    if item.passed:
        return _("Passed with %(best)s", best=percent(item.score))
    if item.why_not == "critical":
        return _("Best %(best)s, but with a critical choice: a run must avoid it to pass",
                 best=percent(item.score))  # fmt: skip
    if item.why_not == "outcome":
        return _("Best %(best)s, but the situation was not resolved", best=percent(item.score))
    return _("Best %(best)s — %(mark)s needed", best=percent(item.score), mark=mark)


def status_of(progress: Progress) -> CompletionStatus:
    requirements = [
        Requirement(
            item.kind, item.key, label_of(item), item.met, detail_of(item), item.excused is not None
        )
        for item in progress.items
        if item.required
    ]
    missing = [r for r in requirements if not r.done]
    return CompletionStatus(
        complete=bool(requirements) and not missing,
        requirements=requirements,
        missing=missing,
        overall_score=progress.overall_score,
        progress=progress,
    )


def evaluate(user: Any, course: Any) -> CompletionStatus:
    """The learner's completion status for ``course`` (see the module docstring)."""
    return status_of(progress_for(user.id, course))
