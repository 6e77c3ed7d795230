"""Quiz YAML validation: one small broken quiz per kind of mistake, with the exact line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizzes.formats import load_quiz_file, parse_quiz
from quizzes.model import Quiz
from training.content_source import Problem, load_yaml_text

GOOD = """\
title: Check
pass_mark: 70
max_attempts: 0
time_limit_minutes: 20
shuffle: true
draw: 2
grading: average
show_answers: after_pass
questions:
  - id: one
    type: single
    prompt: Which *number*?
    points: 2
    explanation: Because.
    choices:
      - text: 114
        correct: true
        feedback: Right.
      - text: "115"
  - id: many
    type: multiple
    prompt: Pick
    choices: [{text: a, correct: true}, {text: b, correct: true}, {text: c}]
  - id: tf
    type: true_false
    prompt: True?
    answer: false
  - id: short
    type: short_answer
    prompt: OSBD?
    answers: ["Observation, Sentiment, Besoin, Demande"]
  - id: num
    type: numeric
    prompt: Metres?
    answer: 1
    tolerance: 0.5
  - id: range
    type: numeric
    prompt: Range?
    min: 1
    max: 1.5
  - id: match
    type: matching
    prompt: Match
    pairs:
      - {left: "15", right: SAMU}
      - {left: "17", right: Police}
  - id: order
    type: ordering
    prompt: Order
    items: [Frame, Facts, Needs]
"""


def parse(text: str) -> tuple[Quiz | None, list[Problem]]:
    return parse_quiz(load_yaml_text(textwrap.dedent(text), "q.yaml"), "q.yaml")


def only_problem(text: str) -> Problem:
    quiz, problems = parse(text)
    assert quiz is None
    assert len(problems) == 1, problems
    return problems[0]


def test_a_good_quiz_parses_every_type() -> None:
    quiz, problems = parse(GOOD)
    assert problems == []
    assert quiz is not None
    assert quiz.title == "Check"
    s = quiz.settings
    assert (s.pass_mark, s.max_attempts, s.time_limit_minutes) == (70, None, 20)
    assert (s.shuffle, s.draw, s.grading, s.show_answers) == (True, 2, "average", "after_pass")
    one = quiz.question("one")
    assert one is not None
    assert (one.points, one.line, one.prompt_html) == (2, 10, "<p>Which *number*?</p>")
    assert one.choices[0].text == "114" and one.choices[0].feedback_html == "<p>Right.</p>"
    assert one.explanation_html == "<p>Because.</p>"
    assert quiz.question("tf").answer is False  # type: ignore[union-attr]
    assert quiz.question("num").tolerance == 0.5  # type: ignore[union-attr]
    assert (quiz.question("range").min, quiz.question("range").max) == (1, 1.5)  # type: ignore[union-attr]
    assert quiz.question("match").pairs == (("15", "SAMU"), ("17", "Police"))  # type: ignore[union-attr]
    assert quiz.question("order").items == ("Frame", "Facts", "Needs")  # type: ignore[union-attr]
    assert quiz.question("nope") is None
    assert quiz.max_points == 9


def test_render_is_applied_once_at_parse_time() -> None:
    calls: list[str] = []

    def render(markdown: str) -> str:
        calls.append(markdown)
        return f"<em>{markdown}</em>"

    data = load_yaml_text(GOOD, "q.yaml")
    quiz, _ = parse_quiz(data, "q.yaml", render)
    assert quiz is not None
    assert quiz.questions[0].prompt_html == "<em>Which *number*?</em>"
    assert "Right." in calls and "Because." in calls


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        # unknown keys, at quiz, question and choice level
        ("colour: red\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "unknown key 'colour'"),
        ("questions:\n  - id: a\n    type: true_false\n    prompt: p\n    answer: true\n"
         "    choices: []\n", 6,
         "question 'a': unknown key 'choices' (allowed: id, type, prompt, points, explanation, "
         "answer)"),
        ("questions:\n  - id: a\n    type: single\n    prompt: p\n    choices:\n"
         "      - {text: x, correct: true}\n      - text: y\n        right: true\n",
         8, "question 'a', choice 2: unknown key 'right' (allowed: text, correct, feedback)"),
        # missing keys
        ("title: t\n", 1, "missing 'questions'"),
        ("questions:\n  - type: true_false\n    prompt: p\n    answer: true\n",
         2, "question 1: missing 'id'"),
        ("questions:\n  - id: a\n    prompt: p\n", 2, "question 'a': missing 'type'"),
        ("questions:\n  - id: a\n    type: true_false\n    answer: true\n",
         2, "question 'a': missing 'prompt'"),
        # wrong types
        ("questions: {a: 1}\n", 1, "'questions' must be a non-empty list"),
        ("questions:\n  - id: a\n    type: true_false\n    prompt: [p]\n    answer: true\n",
         4, "question 'a': 'prompt' must be non-empty text, not a list"),
        ("questions:\n  - id: a\n    type: true_false\n    prompt: p\n    points: two\n"
         "    answer: true\n", 5, "'points' must be a number"),
        ("questions:\n  - id: 7\n    type: true_false\n    prompt: p\n    answer: true\n",
         2, "question 1: 'id' must be non-empty text, not a number (put it in quotes"),
        ("questions:\n  - just text\n", 2, "question 1 must be a mapping"),
        # settings
        ("grading: best\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "'grading' must be one of highest, last, first, average"),
        ("show_answers: always\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "'show_answers' must be one of after_submit, after_pass, after_last_attempt, never"),
        ("questions: [{id: a, type: true_false, prompt: p, answer: true}]\ndraw: 2\n",
         2, "'draw' is 2 but the quiz has only 1 questions"),
        ("max_attempts: -1\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "'max_attempts' must be a whole number of 0 or more, not -1"),
        ("time_limit_minutes: 1.5\n"
         "questions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "'time_limit_minutes' must be a whole number"),
        ("pass_mark: 120\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "'pass_mark' must be a percentage from 0 to 100, not 120"),
        ("shuffle: yes please\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
         1, "'shuffle' must be true or false"),
        ("questions:\n  - id: a\n    type: true_false\n    prompt: p\n    points: -1\n"
         "    answer: true\n", 5, "question 'a': 'points' must be a number of 0 or more, not -1"),
        # duplicate ids: the second one is reported
        ("questions:\n  - id: a\n    type: true_false\n    prompt: p\n    answer: true\n"
         "  - id: a\n    type: true_false\n    prompt: q\n    answer: false\n",
         6, "duplicate question id 'a' (first on line 2)"),
        ("questions:\n  - id: a\n    type: essay\n    prompt: p\n", 3,
         "'type' must be one of single, multiple, true_false, short_answer, numeric, "
         "matching, ordering, not 'essay'"),
        # per-type rules
        ("questions:\n  - id: a\n    type: single\n    prompt: p\n    choices:\n"
         "      - {text: x, correct: true}\n      - {text: y, correct: true}\n",
         5, "'choices' must have exactly one correct choice (a single choice question)"),
        ("questions:\n  - id: a\n    type: single\n    prompt: p\n    choices:\n"
         "      - {text: x}\n      - {text: y}\n", 5,
         "'choices' must have exactly one correct choice (a single choice question)"),
        ("questions:\n  - id: a\n    type: multiple\n    prompt: p\n    choices:\n"
         "      - {text: x}\n      - {text: y, correct: false}\n",
         5, "at least one correct choice"),
        ("questions:\n  - id: a\n    type: single\n    prompt: p\n    choices:\n"
         "      - {text: x, correct: true}\n      - feedback: no text\n", 7,
         "question 'a', choice 2: missing 'text'"),
        ("questions:\n  - id: a\n    type: single\n    prompt: p\n    choices:\n"
         "      - {text: x, correct: true}\n      - {text: y, correct: maybe}\n",
         7, "'correct' must be true or false"),
        ("questions:\n  - id: a\n    type: single\n    prompt: p\n    choices: [{text: x}]\n",
         5, "'choices' must be a list of at least 2 choices, it has 1"),
        ("questions:\n  - id: a\n    type: true_false\n    prompt: p\n", 2,
         "question 'a': missing 'answer'"),
        ("questions:\n  - id: a\n    type: true_false\n    prompt: p\n    answer: 'no'\n",
         5, "'answer' must be true or false"),
        ("questions:\n  - id: a\n    type: short_answer\n    prompt: p\n",
         2, "question 'a': missing 'answers'"),
        ("questions:\n  - id: a\n    type: short_answer\n    prompt: p\n    answers: []\n",
         5, "'answers' must be a list of at least 1 answer, it is empty"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n", 2,
         "question 'a': missing 'answer'"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n    answer: lots\n",
         5, "'answer' must be a number"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n    answer: 1\n"
         "    tolerance: -0.5\n", 6, "'tolerance' must be a number of 0 or more, not -0.5"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n    min: 2\n    max: 1\n",
         6, "'min' (2) is above 'max' (1)"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n    min: 2\n",
         2, "question 'a': missing 'max'"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n    answer: 1\n    max: 2\n",
         2, "question 'a' must give either 'answer' (and 'tolerance') or 'min' and 'max'"),
        ("questions:\n  - id: a\n    type: numeric\n    prompt: p\n    min: 1\n    max: 2\n"
         "    tolerance: 1\n", 2, "question 'a' has a 'tolerance' without an 'answer'"),
        ("questions:\n  - id: a\n    type: matching\n    prompt: p\n    pairs:\n"
         "      - {left: x, right: y}\n", 5,
         "'pairs' must be a list of at least 2 pairs, it has 1"),
        ("questions:\n  - id: a\n    type: matching\n    prompt: p\n    pairs:\n"
         "      - {left: x, right: y}\n      - left: x\n        right: z\n",
         7, "duplicate left 'x'"),
        ("questions:\n  - id: a\n    type: matching\n    prompt: p\n    pairs:\n"
         "      - {left: x, right: y}\n      - left: w\n        right: y\n",
         8, "duplicate right 'y'"),
        ("questions:\n  - id: a\n    type: ordering\n    prompt: p\n    items: [one]\n",
         5, "'items' must be a list of at least 2 items, it has 1"),
        ("questions:\n  - id: a\n    type: ordering\n    prompt: p\n    items:\n      - one\n"
         "      - two\n      - one\n", 8, "duplicate entry 'one'"),
    ],
)  # fmt: skip
def test_each_mistake_is_reported_on_its_line(text: str, line: int, fragment: str) -> None:
    problem = only_problem(text)
    assert fragment in problem.message
    assert (problem.path, problem.line) == ("q.yaml", line)


def test_all_problems_are_collected_in_one_pass() -> None:
    text = (
        "grading: best\nquestions:\n  - id: a\n    type: essay\n    prompt: p\n"
        "  - id: b\n    type: true_false\n    prompt: q\n"
    )
    _, problems = parse(text)
    assert [p.line for p in problems] == [1, 4, 6]


def test_not_a_mapping() -> None:
    quiz, problems = parse_quiz(["a"], "q.yaml")
    assert quiz is None and problems[0].line == 1


def test_load_quiz_file_yaml_and_broken_yaml(tmp_path: Path) -> None:
    good = tmp_path / "01-x.quiz.yaml"
    good.write_text(GOOD, encoding="utf-8")
    quiz, problems = load_quiz_file(good, "modules/01-x.quiz.yaml")
    assert problems == [] and quiz is not None
    assert quiz.source_path == "modules/01-x.quiz.yaml"

    broken = tmp_path / "02-x.quiz.yaml"
    broken.write_text("questions:\n  - id: a\n    prompt: [unclosed\n", encoding="utf-8")
    quiz, problems = load_quiz_file(broken, "modules/02-x.quiz.yaml")
    assert quiz is None
    assert problems[0].path == "modules/02-x.quiz.yaml"
    assert problems[0].message.startswith("invalid YAML")
    assert problems[0].line >= 3

    quiz, problems = load_quiz_file(tmp_path / "missing.quiz.yaml", "missing.quiz.yaml")
    assert quiz is None and "cannot read" in problems[0].message


def test_load_quiz_file_gift_with_warnings(tmp_path: Path) -> None:
    path = tmp_path / "01-x.quiz.gift"
    path.write_text(
        "// a comment\n::tf::The sky is blue.{T}\n\n::essay::Tell me.{}\n\nWhich?{=a ~b}\n",
        encoding="utf-8",
    )
    quiz, problems = load_quiz_file(path, "m/01-x.quiz.gift")
    assert quiz is not None
    assert [q.id for q in quiz.questions] == ["tf", "q2"]
    assert quiz.questions[0].line == 2 and quiz.questions[1].line == 6
    assert [str(p) for p in problems] == [
        "m/01-x.quiz.gift:4: warning: essay 'essay' cannot be graded: not imported"
    ]


def test_load_quiz_file_gift_without_questions(tmp_path: Path) -> None:
    path = tmp_path / "01-x.quiz.gift"
    path.write_text("Just a description.\n", encoding="utf-8")
    quiz, problems = load_quiz_file(path, "01-x.quiz.gift")
    assert quiz is None
    assert [p.message.startswith("warning:") for p in problems] == [True, False]
