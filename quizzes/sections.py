"""The course page's "Quizzes" section: each module's quiz with the learner's grade and attempts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courses.sections import Section, register_course_section
from quizzes.services import QuizStanding, pass_mark, quiz_standings


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


register_course_section(course_quizzes)
