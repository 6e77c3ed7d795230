"""One question at a time: steps, answered counts and the review before submitting.

Pure functions over the attempt's saved answers (shapes of ``quizzes.grading``) and the
question views of ``quizzes.forms.layout``. The attempt page always holds every question (so a
save posts them all, and nothing hidden is lost); the step only says which one a narrow screen
shows. The review lists what is still unanswered before the learner submits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizzes.model import Question

REVIEW = "review"


def is_answered(value: Any, question: Question | None = None) -> bool:
    """Whether a saved answer holds anything: a blank, an empty list or mapping, or an ordering
    with no position given is unanswered; ``False`` (true/false question) is an answer.

    Given the question, a matching question is answered only once every left item has its
    match, and an ordering once every item has its own position (one dropdown set is not an
    answer: the review must still list it)."""
    if question is not None and question.type == "matching":
        return isinstance(value, dict) and all(
            value.get(str(left)) is not None for left in range(len(question.pairs))
        )
    if question is not None and question.type == "ordering":
        return (
            isinstance(value, list)
            and len(value) == len(question.items)
            and all(item is not None for item in value)
        )
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(item is not None for item in value)
    if isinstance(value, dict):
        return bool(value)
    return True


def answered_ids(questions: Sequence[Question], answers: Mapping[str, Any] | None) -> set[str]:
    """The ids of the questions (``quizzes.model.Question``) the answers fully answer."""
    answers = answers or {}
    return {q.id for q in questions if is_answered(answers.get(q.id), q)}


def parse_step(raw: str | None, total: int) -> int:
    """The question number from ``?q=`` or a posted ``goto``/``step``: clamped to 1..total;
    anything unreadable is the first question (never an error page)."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(total, 1))


@dataclass(frozen=True)
class ReviewEntry:
    position: int
    prompt_html: str
    answered: bool


@dataclass(frozen=True)
class Review:
    entries: tuple[ReviewEntry, ...]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def answered(self) -> int:
        return sum(entry.answered for entry in self.entries)

    @property
    def unanswered(self) -> tuple[ReviewEntry, ...]:
        return tuple(entry for entry in self.entries if not entry.answered)


def review(views: Sequence[Any], answers: Mapping[str, Any] | None) -> Review:
    """Each question of the attempt (in its order) and whether the saved draft answers it."""
    answers = answers or {}
    return Review(
        tuple(
            ReviewEntry(
                position=view.position,
                prompt_html=view.question.prompt_html,
                answered=is_answered(answers.get(view.question.id), view.question),
            )
            for view in views
        )
    )
