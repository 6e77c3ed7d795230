"""Quiz sections: on the course page, each module's quiz with the learner's grade and attempts;
on the dashboard, the quizzes left in progress (so a closed tab is one click from resuming)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courses.sections import Section, register_course_section, register_dashboard_section
from quizzes.services import QuizStanding, is_expired, open_attempts, pass_mark, quiz_standings


@dataclass(frozen=True)
class QuizRow:
    stem: str
    module_title: str
    module_index: int
    question_count: int
    pass_mark: float
    standing: QuizStanding
    required: bool


def course_quizzes(user: Any, course: Any) -> Section | None:
    """Section provider: None for a course without quizzes or an anonymous visitor."""
    pairs = course.quizzes()
    if not pairs or not getattr(user, "is_authenticated", False):
        return None
    standings = quiz_standings(user.id, course.slug, course)
    rows = [
        QuizRow(
            stem=module.stem,
            module_title=module.title,
            module_index=module.index,
            question_count=quiz.settings.draw or len(quiz.questions),
            pass_mark=pass_mark(course, quiz),
            standing=standings[module.stem],
            required=module.stem in course.completion.quizzes,
        )
        for module, quiz in pairs
    ]
    return Section(
        template="quizzes/_course_section.html",
        context={"quiz_rows": rows, "course": course},
        order=30,
    )


@dataclass(frozen=True)
class OpenQuiz:
    course_slug: str
    course_title: str
    stem: str
    module_title: str
    number: int
    deadline: Any  # naive UTC datetime or None


def dashboard_quizzes(user: Any) -> Section | None:
    """Section provider: the learner's unfinished (and not expired) quiz attempts."""
    if not getattr(user, "is_authenticated", False):
        return None
    from courses.loader import get_course

    rows = []
    for attempt in open_attempts(user.id):
        course = get_course(attempt.course_slug)
        module = course.module(attempt.quiz_stem) if course else None
        if module is None or module.quiz is None or is_expired(attempt):
            continue
        rows.append(
            OpenQuiz(
                course.slug,
                course.title,
                module.stem,
                module.title,
                attempt.number,
                attempt.deadline,
            )
        )
    if not rows:
        return None
    return Section(
        template="quizzes/_dashboard_section.html", context={"open_quizzes": rows}, order=20
    )


register_course_section(course_quizzes)
register_dashboard_section(dashboard_quizzes)
