"""Checker lints for quizzes: settings that let a learner copy the key (pure).

``flask courses check`` reports them as warnings (``--strict``: errors), with file and line.
"""

from __future__ import annotations

from quizzes.model import Quiz
from training.content_source import Problem


def lint_quiz(quiz: Quiz) -> list[Problem]:
    """A warning when the quiz shows the key after each attempt and lets the learner retake
    (mostly) the same questions: with the highest grade kept, the key can simply be copied.

    Retakes are "the same questions" unless each attempt draws at most half of the pool.
    """
    settings = quiz.settings
    retakes = settings.max_attempts is None or settings.max_attempts > 1
    if settings.show_answers != "after_submit" or not retakes:
        return []
    pool = len(quiz.questions)
    asked = quiz.asked
    if asked * 2 <= pool:
        return []
    if settings.max_attempts is None:
        attempts = "unlimited attempts"
    else:
        attempts = f"{settings.max_attempts} attempts"
    if asked >= pool:
        same = "the same questions"
    else:
        same = f"mostly the same questions ({asked} drawn from {pool})"
    line = quiz.setting_lines.get("show_answers", 1)
    return [
        Problem(
            quiz.source_path,
            line,
            "warning: learners see the key after each attempt (show_answers: after_submit) "
            f"and have {attempts} at {same}: they can copy the key and retake; use "
            "show_answers: after_last_attempt or after_pass, or draw fewer questions from a "
            "larger pool",
        )
    ]
