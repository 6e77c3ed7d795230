"""Drawing the questions of a new attempt and the order each shows its options in (pure).

``quizzes.services`` re-exports ``draw_questions`` for its callers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from quizzes.model import Question, Quiz


def draw_questions(
    quiz: Quiz,
    rng: random.Random,
    only: Sequence[str] | None = None,
    seen: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Pick and order the questions of a new attempt, with each question's display order.

    ``draw`` picks N of the pool, the questions the learner was asked least often first
    (``seen``: question id → times asked in earlier counted attempts; random among equals), so
    a retake asks other questions whenever the pool allows. ``shuffle`` (the default) shuffles
    the questions and their choices. Matching options and ordering items are ALWAYS shown
    shuffled (never in the key's order), since their order in the file is the answer.
    """
    pool = [q for q in quiz.questions if only is None or q.id in only]
    draw = quiz.settings.draw
    if only is None and draw is not None and draw < len(pool):
        counts = seen or {}
        ranked = sorted(range(len(pool)), key=lambda i: (counts.get(pool[i].id, 0), rng.random()))
        picked = set(ranked[:draw])
        pool = [q for i, q in enumerate(pool) if i in picked]
    if quiz.settings.shuffle:
        rng.shuffle(pool)
    return [{"id": q.id, "order": _display_order(q, quiz.settings.shuffle, rng)} for q in pool]


def _display_order(question: Question, shuffle: bool, rng: random.Random) -> list[int]:
    if question.type in ("single", "multiple"):
        order = list(range(len(question.choices)))
        if shuffle:
            rng.shuffle(order)
        return order
    if question.type in ("matching", "ordering"):
        size = len(question.pairs) if question.type == "matching" else len(question.items)
        order = list(range(size))
        if size > 1:
            while order == sorted(order):
                rng.shuffle(order)
        return order
    return []
