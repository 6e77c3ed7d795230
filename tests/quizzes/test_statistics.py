"""Quiz statistics (Moodle's facility and discrimination indices, choice frequencies),
computed by hand for a small known sample."""

from __future__ import annotations

import pytest

from quizzes.model import Choice, Question, Quiz, QuizSettings
from quizzes.statistics import Response, compute, pearson


def _single(qid: str) -> Question:
    return Question(
        id=qid, type="single", prompt=qid, prompt_html=qid,
        choices=(Choice("right", True), Choice("wrong", False), Choice("other", False)),
    )  # fmt: skip


QUIZ = Quiz(
    title="Q",
    settings=QuizSettings(),
    questions=(_single("a"), _single("b"), _single("c")),
    source_path="q.yaml",
)


def _responses(rows: list[tuple[int, int, int]]) -> list[Response]:
    return [Response(("a", "b", "c"), {"a": a, "b": b, "c": c}, None) for a, b, c in rows]


def test_pearson_matches_a_hand_computation():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None  # no variation


def test_facility_discrimination_and_choices():
    # Four learners: a is answered right by the two strongest (who also get b and c right),
    # b by everyone, c right only by the weakest, who misses the rest.
    rows = [(0, 0, 1), (0, 0, 1), (1, 0, 1), (2, 0, 0)]
    stats = compute(QUIZ, "q", _responses(rows), min_sample=3)
    a, b, c = stats.questions
    assert a.facility == pytest.approx(50.0)
    assert b.facility == pytest.approx(100.0)
    assert c.facility == pytest.approx(25.0)
    # a: x = [1, 1, 0, 0], rest (b + c) = [1, 1, 1, 2] → r = -0.577…
    assert a.discrimination == pytest.approx(-57.735, abs=0.01)
    assert "negative_discrimination" in a.flags
    assert b.discrimination is None  # everyone right: nothing to correlate
    # c: x = [0, 0, 0, 1], rest (a + b) = [2, 2, 1, 1] → r = -0.577…
    assert c.discrimination == pytest.approx(-57.735, abs=0.01)
    assert [(ch.label, ch.count) for ch in a.choices] == [("right", 2), ("wrong", 1), ("other", 1)]
    assert a.choices[0].percent == pytest.approx(50.0)
    assert not stats.small_sample


def test_a_small_sample_is_flagged():
    stats = compute(QUIZ, "q", _responses([(0, 0, 0), (1, 1, 1)]), min_sample=10)
    assert stats.small_sample
    assert all("small_sample" in q.flags for q in stats.questions)
    assert stats.questions[0].discrimination == pytest.approx(100.0)
