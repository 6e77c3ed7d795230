"""The attempt form's mapping between display positions and original indices (pure)."""

from __future__ import annotations

import random
from types import SimpleNamespace

from werkzeug.datastructures import MultiDict

from quizzes.formats import parse_quiz
from quizzes.forms import answers_from_form, layout
from quizzes.services import draw_questions
from tests.quizzes.course_factory import KEY, WRONG, quiz_data


def make_quiz(**settings):
    quiz, problems = parse_quiz(quiz_data(**settings), "test.quiz.yaml")
    assert quiz is not None, problems
    return quiz


def posted(attempt, quiz, answers) -> MultiDict:
    """What the browser sends when the page shows ``answers`` pre-filled and nothing changes."""
    data = MultiDict()
    for view in layout(attempt, quiz, answers):
        for option in view.options:
            if option.checked:
                data.add(view.name, option.value)
        if view.value:
            data.add(view.name, view.value)
        for sub in view.subfields:
            if sub.selected:
                data.add(sub.name, sub.selected)
    return data


def test_prefilled_page_posts_back_the_same_answers_whatever_the_shuffle():
    quiz = make_quiz(shuffle=True)
    for seed in range(20):
        attempt = SimpleNamespace(questions=draw_questions(quiz, random.Random(seed)), answers={})
        for answers in (KEY, WRONG):
            assert answers_from_form(attempt, quiz, posted(attempt, quiz, answers)) == {
                qid: (value if not isinstance(value, list) or qid == "desc" else sorted(value))
                for qid, value in answers.items()
            }


def test_blank_form_clears_every_answer_and_bad_values_are_dropped():
    quiz = make_quiz()
    attempt = SimpleNamespace(questions=draw_questions(quiz, random.Random(1)), answers={})
    bad = MultiDict({"q1": "99", "q2": ["x", "7"], "q3": "maybe", "q6-0": "-1", "q7-0": "9"})
    assert answers_from_form(attempt, quiz, bad) == {
        "capital": None,
        "primes": [],
        "earth-round": None,
        "osbd": None,
        "pi": None,
        "watch": {},
        "desc": [],
    }


def test_an_incomplete_ordering_is_kept_for_the_page_but_graded_wrong():
    from quizzes.grading import grade_question

    quiz = make_quiz()
    attempt = SimpleNamespace(questions=draw_questions(quiz, random.Random(2)), answers={})
    order = attempt.questions[6]["order"]
    data = MultiDict({f"q7-{order.index(0)}": "1", f"q7-{order.index(1)}": "1"})  # both first
    answer = answers_from_form(attempt, quiz, data)["desc"]
    assert answer[0] in (0, 1) and answer[1:] == [None, None, None]  # one of them kept
    assert grade_question(quiz.question("desc"), answer).status == "wrong"
    view = layout(attempt, quiz, {"desc": answer})[6]
    selected = {s.label: s.selected for s in view.subfields}
    kept = quiz.question("desc").items[answer[0]]
    assert selected[kept] == "1" and sorted(selected.values()) == ["", "", "", "1"]


def test_a_stored_order_that_no_longer_fits_the_file_falls_back_safely():
    quiz = make_quiz()
    stale = [{"id": "capital", "order": [0, 1, 2, 3, 4]}, {"id": "desc", "order": [0, 1]}]
    attempt = SimpleNamespace(questions=stale, answers={})
    views = layout(attempt, quiz)
    assert [o.value for o in views[0].options] == ["0", "1", "2"]
    assert [s.label for s in views[1].subfields] != list(quiz.question("desc").items)
