"""Grading per question type, edge cases, and properties that must hold for any quiz."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import compute_grade, grade, grade_question, normalise_text
from quizzes.model import Choice, Question


def q(qtype: str, **fields: Any) -> Question:
    fields.setdefault("points", 1.0)
    return Question(id="q", type=qtype, prompt="?", prompt_html="<p>?</p>", **fields)  # type: ignore[arg-type]


def choices(*correct: bool) -> tuple[Choice, ...]:
    return tuple(
        Choice(f"c{i}", ok, f"fb{i}", f"<p>c{i}</p>", f"<p>fb{i}</p>")
        for i, ok in enumerate(correct)
    )


# --- single / true_false -------------------------------------------------------------------


def test_single_right_wrong_and_feedback() -> None:
    question = q("single", choices=choices(False, True, False), points=2)
    right = grade_question(question, 1)
    assert (right.points, right.max_points, right.status) == (2, 2, "right")
    assert right.feedback == ("<p>fb1</p>",)
    assert right.correct_answer_display == "<p>c1</p>"
    wrong = grade_question(question, 0)
    assert (wrong.points, wrong.status, wrong.feedback) == (0, "wrong", ("<p>fb0</p>",))


@pytest.mark.parametrize("answer", [3, -1, "one", 1.0, True, [1], {"1": 1}])
def test_single_malformed_answers_are_wrong(answer: Any) -> None:
    result = grade_question(q("single", choices=choices(False, True)), answer)
    assert (result.points, result.status) == (0, "wrong")


@pytest.mark.parametrize("answer", [None, "", "  ", [], {}])
def test_blank_answers_are_unanswered(answer: Any) -> None:
    result = grade_question(q("multiple", choices=choices(True, False)), answer)
    assert (result.points, result.status) == (0, "unanswered")


def test_true_false() -> None:
    question = q("true_false", answer=False)
    assert grade_question(question, False).status == "right"
    assert grade_question(question, True).status == "wrong"
    assert grade_question(question, "false").status == "wrong"  # a string is not a bool
    assert grade_question(question, 0).status == "wrong"


# --- multiple ------------------------------------------------------------------------------


def test_multiple_partial_credit_rule() -> None:
    # 2 correct (c0, c1), 2 incorrect (c2, c3): right picks +1/2, wrong picks -1/2.
    question = q("multiple", choices=choices(True, True, False, False), points=4)
    assert grade_question(question, [0, 1]).points == 4
    half = grade_question(question, [0])
    assert (half.points, half.status) == (2, "partial")
    assert grade_question(question, [0, 1, 2]).points == 2
    assert grade_question(question, [0, 2]).points == 0
    assert grade_question(question, [0, 1, 2, 3]).points == 0  # ticking everything gains nothing


def test_multiple_floor_at_zero_and_feedback_of_picks() -> None:
    question = q("multiple", choices=choices(True, False, False))
    result = grade_question(question, [2, 1])
    assert (result.points, result.status) == (0, "wrong")
    assert result.feedback == ("<p>fb1</p>", "<p>fb2</p>")  # in the quiz's order


def test_multiple_repeats_and_order_do_not_matter() -> None:
    question = q("multiple", choices=choices(True, True, False))
    assert grade_question(question, [1, 0, 1, 0]).status == "right"


def test_multiple_where_every_choice_is_correct() -> None:
    question = q("multiple", choices=choices(True, True))
    assert grade_question(question, [0]).points == 0.5


@pytest.mark.parametrize("answer", [[0, 9], [0, "x"], [True], 0, "0", {"0": True}])
def test_multiple_malformed(answer: Any) -> None:
    assert grade_question(q("multiple", choices=choices(True, False)), answer).status == "wrong"


def test_multiple_display_lists_the_correct_choices() -> None:
    display = grade_question(q("multiple", choices=choices(True, False, True)), None)
    assert display.correct_answer_display == "<ul><li><p>c0</p></li><li><p>c2</p></li></ul>"


# --- short answer --------------------------------------------------------------------------

OSBD = q("short_answer", answers=("Observation, Sentiment, Besoin, Demande",))


@pytest.mark.parametrize(
    "answer",
    [
        "Observation, Sentiment, Besoin, Demande",
        "observation sentiment besoin demande",
        "  OBSERVATION-sentiment;besoin.demande ",
        "Observatión, Séntiment, Bésoin, Démande",
    ],
)
def test_short_answer_normalises_case_accents_spaces_punctuation(answer: str) -> None:
    assert grade_question(OSBD, answer).status == "right"


def test_short_answer_wrong_and_malformed() -> None:
    assert grade_question(OSBD, "observation sentiment besoin").status == "wrong"
    assert grade_question(OSBD, "!!!").status == "wrong"  # nothing left after normalising
    assert grade_question(OSBD, 42).status == "wrong"


def test_short_answer_any_accepted_text_and_french_ligatures() -> None:
    question = q("short_answer", answers=("cœur", "écoute active"))
    assert grade_question(question, "COEUR").status == "right"
    assert grade_question(question, "Ecoute  active !").status == "right"
    assert normalise_text("Élan, vital") == "elanvital"


# --- numeric -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "status"),
    [(1.5, "right"), ("1,5", "right"), (" 1.6 ", "right"), ("1,4", "right"), (2, "wrong"),
     ("1,71", "wrong"), ("abc", "wrong"), ("1.5.2", "wrong"), ("nan", "wrong"), ("inf", "wrong"),
     (True, "wrong"), ([1.5], "wrong")],
)  # fmt: skip
def test_numeric_tolerance(answer: Any, status: str) -> None:
    assert grade_question(q("numeric", answer=1.5, tolerance=0.2), answer).status == status


def test_numeric_exact_with_float_noise_and_thousands() -> None:
    assert grade_question(q("numeric", answer=0.3), 0.1 + 0.2).status == "right"
    assert grade_question(q("numeric", answer=1000), "1 000").status == "right"
    assert grade_question(q("numeric", answer=1000.5), "1,000.5").status == "right"
    assert grade_question(q("numeric", answer=-2), "-2").status == "right"


def test_numeric_range_is_inclusive() -> None:
    question = q("numeric", min=1, max=1.5)
    assert [grade_question(question, x).status for x in ("1", "1,5", "1.2", "0.99", "1.51")] == [
        "right",
        "right",
        "right",
        "wrong",
        "wrong",
    ]
    assert grade_question(question, None).correct_answer_display == "1 – 1.5"


# --- matching / ordering -------------------------------------------------------------------

PAIRS = q("matching", pairs=(("15", "SAMU"), ("17", "Police"), ("18", "Pompiers")), points=3)


def test_matching_full_partial_and_json_keys() -> None:
    assert grade_question(PAIRS, {0: 0, 1: 1, 2: 2}).points == 3
    partial = grade_question(PAIRS, {0: 0, 1: 2, 2: 1})
    assert (partial.points, partial.status) == (1, "partial")
    assert grade_question(PAIRS, {"0": "0", "1": "1"}).points == 2  # JSON keys, one left blank
    assert grade_question(PAIRS, {0: 1, 1: 0, 2: 2}).points == 1


@pytest.mark.parametrize("answer", [{0: 5}, {"a": 0}, [0, 1, 2], {0: None}, "0,1,2"])
def test_matching_malformed(answer: Any) -> None:
    assert grade_question(PAIRS, answer).status == "wrong"


ITEMS = q("ordering", items=("Frame", "Facts", "Needs", "Options"), points=2)


def test_ordering_full_and_partial_by_position() -> None:
    assert grade_question(ITEMS, [0, 1, 2, 3]).points == 2
    swapped = grade_question(ITEMS, [1, 0, 2, 3])  # two items in place out of four
    assert (swapped.points, swapped.status) == (1, "partial")
    assert grade_question(ITEMS, [3, 2, 1, 0]).points == 0
    assert grade_question(ITEMS, None).correct_answer_display.startswith("<ol><li>Frame</li>")


@pytest.mark.parametrize("answer", [[0, 1, 2], [0, 0, 1, 2], [0, 1, 2, 4], "0123", {0: 0}])
def test_ordering_must_be_a_permutation(answer: Any) -> None:
    assert grade_question(ITEMS, answer).status == "wrong"


# --- whole quiz ----------------------------------------------------------------------------


def test_grade_totals_percent_and_missing_answers() -> None:
    questions = [
        Question(id="a", type="true_false", prompt="", prompt_html="", points=1, answer=True),
        Question(id="b", type="numeric", prompt="", prompt_html="", points=3, answer=2.0),
    ]
    result = grade(questions, {"a": True, "unknown": 1})
    assert (result.points, result.max_points, result.percent) == (1, 4, 25.0)
    assert result.result_for("b") is not None
    assert result.result_for("b").status == "unanswered"  # type: ignore[union-attr]
    assert grade([], {}).percent == 0.0


def test_compute_grade() -> None:
    assert compute_grade([40.0, 90.0, 60.0], "highest") == 90.0
    assert compute_grade([40.0, 90.0, 60.0], "last") == 60.0
    assert compute_grade([40.0, 90.0, 60.0], "first") == 40.0
    assert compute_grade([40.0, 90.0, 60.0], "average") == 63.33
    assert compute_grade([], "highest") is None
    with pytest.raises(ValueError, match="unknown grading method"):
        compute_grade([1.0], "best")


# --- properties ----------------------------------------------------------------------------

texts = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
points = st.sampled_from([0.5, 1.0, 2.0, 3.0])


@st.composite
def questions(draw: st.DrawFn) -> Question:
    qtype = draw(st.sampled_from(["single", "multiple", "true_false", "short_answer",
                                  "numeric", "matching", "ordering"]))  # fmt: skip
    pts = draw(points)
    if qtype in ("single", "multiple"):
        flags = draw(st.lists(st.booleans(), min_size=2, max_size=6))
        if qtype == "single":
            right = draw(st.integers(0, len(flags) - 1))
            flags = [i == right for i in range(len(flags))]
        elif not any(flags):
            flags[0] = True
        return q(qtype, choices=choices(*flags), points=pts)
    if qtype == "true_false":
        return q(qtype, answer=draw(st.booleans()), points=pts)
    if qtype == "short_answer":
        return q(qtype, answers=tuple(draw(st.lists(texts, min_size=1, max_size=3))), points=pts)
    if qtype == "numeric":
        value = draw(st.floats(-1e6, 1e6, allow_nan=False))
        return q(qtype, answer=value, tolerance=draw(st.floats(0, 10)), points=pts)
    unique = draw(st.lists(texts, min_size=2, max_size=6, unique=True))
    if qtype == "matching":
        return q(qtype, pairs=tuple((t, t.upper()) for t in unique), points=pts)
    return q(qtype, items=tuple(unique), points=pts)


def key(question: Question) -> Any:
    """The answer that must score full marks."""
    if question.type == "single":
        return next(i for i, c in enumerate(question.choices) if c.correct)
    if question.type == "multiple":
        return [i for i, c in enumerate(question.choices) if c.correct]
    if question.type in ("true_false", "numeric"):
        return question.answer
    if question.type == "short_answer":
        return question.answers[-1].upper()
    if question.type == "matching":
        return {i: i for i in range(len(question.pairs))}
    return list(range(len(question.items)))


any_answer = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 8),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.integers(-1, 7), max_size=8),
    st.dictionaries(st.integers(-1, 7) | st.text(max_size=2), st.integers(-1, 7), max_size=6),
)


@given(questions(), any_answer)
def test_score_is_between_zero_and_max(question: Question, answer: Any) -> None:
    result = grade_question(question, answer)
    assert 0 <= result.points <= result.max_points == question.points
    assert result.status in ("right", "wrong", "partial", "unanswered")


@given(st.lists(questions(), min_size=1, max_size=5))
def test_the_key_scores_full_marks(quiz: list[Question]) -> None:
    answers = {}
    quiz = [Question(**{**vars(item), "id": f"q{i}"}) for i, item in enumerate(quiz)]
    for item in quiz:
        answers[item.id] = key(item)
    result = grade(quiz, answers)
    assert result.points == pytest.approx(result.max_points)
    assert result.percent == 100.0
    assert all(r.status == "right" for r in result.questions)


def _summary(result: Any) -> tuple[float, str, list[str]]:
    return result.points, result.status, sorted(result.feedback)


@given(questions(), st.data())
def test_result_does_not_depend_on_display_order(question: Question, data: st.DataObject) -> None:
    """Grading the same picks on a reordered copy of the question gives the same result.

    ``shown[position]`` is the original index of what the learner saw at ``position``; the form
    maps display positions back to original indices, and the score must not depend on where a
    choice (or a pair) sat.
    """
    if question.type not in ("single", "multiple", "matching"):
        return
    size = len(question.choices or question.pairs)
    shown = data.draw(st.permutations(range(size)))
    if question.type == "matching":
        reordered = replace(question, pairs=tuple(question.pairs[i] for i in shown))
        # the learner's pairing, in display positions: left position -> right position
        picks = data.draw(st.dictionaries(st.integers(0, size - 1), st.integers(0, size - 1)))
        mapped = {shown[left]: shown[right] for left, right in picks.items()}
    else:
        reordered = replace(question, choices=tuple(question.choices[i] for i in shown))
        positions = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=size))
        picks = positions[0] if question.type == "single" else positions
        mapped = shown[picks] if isinstance(picks, int) else [shown[p] for p in picks]
    assert _summary(grade_question(reordered, picks)) == _summary(grade_question(question, mapped))
