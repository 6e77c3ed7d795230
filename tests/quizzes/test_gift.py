"""GIFT import: every feature on small samples of our own, then Moodle's real files."""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from quizzes.gift import parse_gift, snap_weight
from quizzes.gift_convert import (
    conversion_warnings,
    gift_to_json,
    gift_to_quiz_yaml,
    question_ids,
    to_quiz_questions,
)
from quizzes.grading import grade_question
from tests.support.shared import GIFT_FIXTURES

FIXTURES = GIFT_FIXTURES


def one(text: str) -> dict:
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    assert len(questions) == 1
    return gift_to_json(questions)[0]


def test_multiple_choice_with_name_format_and_feedback() -> None:
    item = one(
        "// a comment line\n"
        "::Capital::[markdown]What is the **capital** of France?{\n"
        "  =Paris#Yes.\n"
        "  ~Lyon#No, that is a big city.\n"
        "  ~[plain]Nice\n"
        "  ####Paris has been the capital since 987.}\n"
    )
    assert item["type"] == "single"
    assert item["name"] == "Capital"
    assert item["prompt"] == "What is the **capital** of France?"
    assert item["format"] == "markdown"
    assert item["line"] == 2
    assert item["choices"] == [
        {"text": "Paris", "weight": 1.0, "feedback": "Yes."},
        {"text": "Lyon", "weight": 0.0, "feedback": "No, that is a big city."},
        {"text": "Nice", "weight": 0.0, "feedback": ""},
    ]
    assert item["general_feedback"] == "Paris has been the capital since 987."


def test_weights_make_multiple_when_no_answer_is_full() -> None:
    item = one("Which are primes?{~%50%2 ~%50%3 ~%-100%4 ~%-100%6}")
    assert item["type"] == "multiple"
    assert [c["weight"] for c in item["choices"]] == [0.5, 0.5, -1.0, -1.0]


def test_partial_weight_keeps_a_single_answer_question_single() -> None:
    item = one("Hard.{~wrong ~%50%half =full}")
    assert item["type"] == "single"
    assert [c["weight"] for c in item["choices"]] == [0.0, 0.5, 1.0]


def test_moodle_rule_multiple_answers_when_no_answer_is_marked_equal() -> None:
    # No '=' at all: Moodle enables multiple answers, even with one ~%100% choice.
    item = one("Pick the right ones.{~%100%a ~%-50%b ~%-50%c}")
    assert item["type"] == "multiple"
    # An '=' answer: single choice for Moodle, even with several answers at 100 %.
    assert one("Pick.{=a =b ~c}")["type"] == "single"


def test_a_single_with_several_full_answers_becomes_multiple_with_a_warning() -> None:
    questions, _ = parse_gift("::Pick::Pick.{=a =b ~c}", "t.gift")
    [converted], problems = to_quiz_questions(questions, "t.gift")
    assert converted.type == "multiple"
    assert [c.correct for c in converted.choices] == [True, True, False]
    assert [str(p) for p in conversion_warnings(questions, "t.gift")] == [
        "t.gift:1: warning: 'Pick' accepts any of several answers in Moodle: imported as multiple"
    ]


def test_weights_snap_to_moodle_grade_fractions() -> None:
    item = one("Which?{~%33.33333%a ~%33.333%b ~%33.3%c ~%-16.66667%d ~%12.49%e}")
    assert [c["weight"] for c in item["choices"]] == [1 / 3, 1 / 3, 1 / 3, -1 / 6, 1 / 8]
    assert snap_weight(0.3333333) == Fraction(1, 3)
    assert snap_weight(-1.2) == -1


def test_id_and_tags_in_comments_and_categories() -> None:
    questions, problems = parse_gift(
        "$CATEGORY: $course$/Mediation/Law\n\n"
        "// [id:law-78-2] some note\n// [tag:EP2] [tag:law]\n::Checks::Mediators check ID.{F}\n\n"
        "// [id:bad id!]\nSecond.{T}\n\n"
        "$CATEGORY: $course$/Other\n\n"
        "// [id:law-78-2]\n::Dup::Third.{T}\n",
        "t.gift",
    )
    assert problems == []  # $CATEGORY lines are not questions, nor stray text
    items = gift_to_json(questions)
    assert items[0]["idnumber"] == "law-78-2"
    assert items[0]["tags"] == ["EP2", "law"]
    assert [i["category"] for i in items] == [
        "$course$/Mediation/Law",
        "$course$/Mediation/Law",
        "$course$/Other",
    ]
    # the idnumber becomes the question id when it is a valid, unused id
    assert question_ids(questions) == ["law-78-2", "q2", "dup"]


def test_numeric_catch_all_keeps_its_feedback() -> None:
    item = one("Any?{#3:2~#Completely wrong}")
    assert len(item["answers"]) == 1
    assert item["other_feedback"] == "Completely wrong"
    questions, _ = parse_gift("Any?{#3:2~#Completely wrong}")
    [question], _ = to_quiz_questions(questions)
    assert question.explanation == "Completely wrong"


def test_escapes_and_newline() -> None:
    item = one(r"Which is 5\: a\{b\}?{=\= 2 + 3#ok \# sure ~\~ 4 ~a\\b ~line\none}")
    assert item["prompt"] == "Which is 5: a{b}?"
    texts = [c["text"] for c in item["choices"]]
    assert texts == ["= 2 + 3", "~ 4", "a\\b", "line\none"]
    assert item["choices"][0]["feedback"] == "ok # sure"


def test_true_false_forms_and_feedback() -> None:
    answers = [one(f"Sky is blue.{{{mark}}}")["answer"] for mark in ("T", "F", "TRUE", "FALSE")]
    assert answers == [True, False, True, False]
    item = one("Water is dry.{FALSE#It is wet.#Right!####General.}")
    assert (item["answer"], item["feedback_wrong"], item["feedback_right"]) == (
        False,
        "It is wet.",
        "Right!",
    )
    assert item["general_feedback"] == "General."


def test_short_answer_with_weights() -> None:
    item = one("Who?{=no one =nobody =%50%someone#Almost}")
    assert item["type"] == "short_answer"
    assert item["answers"] == [
        {"text": "no one", "weight": 1.0, "feedback": ""},
        {"text": "nobody", "weight": 1.0, "feedback": ""},
        {"text": "someone", "weight": 0.5, "feedback": "Almost"},
    ]


def test_missing_word() -> None:
    item = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert item["prompt"] == "Grant is _____ in Grant's tomb."
    assert one("Two plus two is {=four}.")["prompt"] == "Two plus two is _____."
    assert one("{=Paris} is the capital.")["prompt"] == "_____ is the capital."


def test_numeric_forms() -> None:
    assert one("Born?{#1822:2}")["answers"] == [
        {"value": 1822, "tolerance": 2, "weight": 1.0, "feedback": ""}
    ]
    assert one("Pi?{#3.141..3.142}")["answers"][0] | {"weight": 0} == {
        "value": 3.1415,
        "tolerance": 0.0005,
        "weight": 0,
        "feedback": "",
    }
    assert one("Range?{#1..5}")["answers"][0]["value"] == 3
    several = one("Born?{#\n =%100%1822:0#Exact\n =%50%1822:2#Close\n}")
    assert [(a["value"], a["tolerance"], a["weight"]) for a in several["answers"]] == [
        (1822, 0, 1.0),
        (1822, 2, 0.5),
    ]
    assert several["answers"][1]["feedback"] == "Close"
    other = one("Any?{#3:2~#Completely wrong}")
    assert len(other["answers"]) == 1  # the "any other answer" is feedback, not an answer
    assert one("Cold?{#-5:0.5}")["answers"][0]["value"] == -5


def test_matching_with_distractor() -> None:
    item = one("Match.{\n =Canada -> Ottawa\n =Italy->Rome\n =[html]Japan -> Tokyo\n = -> Paris\n}")
    assert item["type"] == "matching"
    assert item["pairs"] == [
        {"left": "Canada", "right": "Ottawa"},
        {"left": "Italy", "right": "Rome"},
        {"left": "Japan", "right": "Tokyo"},
    ]
    assert item["distractors"] == ["Paris"]


def test_blank_lines_separate_questions_and_comments_inside_are_ignored() -> None:
    text = "Q1?{T}\n\n\n// comment\nQ2\n// inside\ncontinues?{F}\n\nQ3?{=x}\n"
    questions, problems = parse_gift(text)
    assert problems == []
    assert [(q.line, q.prompt) for q in questions] == [
        (1, "Q1?"),
        (5, "Q2\n\ncontinues?"),
        (9, "Q3?"),
    ]


def test_essay_description_and_stray_text_are_warnings_with_lines() -> None:
    text = (
        "::E:: Tell me about yourself.{}\n"  # 1 essay
        "\n"
        "This is only a description.\n"  # 3 description
        "\n"
        '";\n'  # 5 stray text between questions
        "\n"
        "Sky?{\n"
        'T}";\n'  # 8 stray text after the answers
        "\n"
        "Ok?{T}\n"
    )
    questions, problems = parse_gift(text, "t.gift")
    assert [q.prompt for q in questions] == ["Sky?", "Ok?"]
    assert [(p.line, p.message.split(" ")[1]) for p in problems] == [
        (1, "essay"),
        (3, "description"),
        (5, "stray"),
        (8, "stray"),
    ]
    assert all(p.message.startswith("warning: ") for p in problems)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Open?{=a", "without a closing"),
        ("::name without end", "unclosed '::'"),
        ("Num?{#abc}", "bad numeric answer"),
        ("Num?{#5..1}", "minimum is above the maximum"),
        ("W?{~%150%a =b}", "outside -100%..100%"),
        ("M?{=a -> b}", "at least 2 pairs"),
        ("Two?{=a} and {=b}", "only one answer block"),
        ("Text?{before =a ~b}", "before the first answer"),
    ],
)
def test_malformed_blocks_are_errors_not_crashes(text: str, fragment: str) -> None:
    questions, problems = parse_gift(text + "\n\nOk?{T}\n", "t.gift")
    assert [q.prompt for q in questions] == ["Ok?"]
    assert len(problems) == 1
    assert fragment in problems[0].message
    assert problems[0].line == 1
    assert not problems[0].message.startswith("warning:")


def test_ids_from_names_slugified_and_deduplicated() -> None:
    questions, _ = parse_gift("::Été 2024::a{T}\n\n::Été 2024::b{T}\n\nc{T}\n\n::!!::d{T}\n")
    assert question_ids(questions) == ["ete-2024", "ete-2024-2", "q3", "q4"]


SAMPLE = (
    "::Capital::Capital of France?{=Paris#Yes ~Lyon ~%50%Paris, France}\n\n"
    "::Primes::Primes?{~%50%2 ~%50%3 ~%-100%4}\n\n"
    "::Sky::Sky is blue.{T#Look up.####Rayleigh.}\n\n"
    "::Who::Who?{=no one =nobody =%50%someone}\n\n"
    "::Pi::Pi?{#3.141..3.142}\n\n"
    "::Born::Born?{#=1822:0 =%50%1822:2}\n\n"
    "::Match::Match.{=15 -> SAMU =17 -> Police =18 -> Pompiers}\n"
)


def test_yaml_export_follows_the_quiz_format_and_reloads() -> None:
    questions, _ = parse_gift(SAMPLE)
    text = gift_to_quiz_yaml(questions, title="Imported")
    data = yaml.safe_load(text)
    assert data["title"] == "Imported"
    by_id = {q["id"]: q for q in data["questions"]}
    assert list(by_id) == ["capital", "primes", "sky", "who", "pi", "born", "match"]
    assert by_id["capital"]["choices"][0] == {"text": "Paris", "correct": True, "feedback": "Yes"}
    assert [c["correct"] for c in by_id["capital"]["choices"]] == [True, False, False]
    assert [c["correct"] for c in by_id["primes"]["choices"]] == [True, True, False]
    assert by_id["sky"] == {
        "id": "sky",
        "type": "true_false",
        "prompt": "Sky is blue.",
        "answer": True,
        "explanation": "Rayleigh.\n\nLook up.",
    }
    assert by_id["who"]["answers"] == ["no one", "nobody"]
    assert (by_id["pi"]["min"], by_id["pi"]["max"]) == (3.141, 3.142)
    assert by_id["born"]["answer"] == 1822 and "tolerance" not in by_id["born"]
    assert by_id["match"]["pairs"][1] == {"left": "17", "right": "Police"}

    from quizzes.formats import parse_quiz

    quiz, problems = parse_quiz(data, "out.yaml")
    assert problems == [] and quiz is not None


def test_to_quiz_questions_grades_like_yaml() -> None:
    questions, _ = parse_gift(SAMPLE)
    converted, problems = to_quiz_questions(questions, "t.gift")
    assert problems == []
    by_id = {q.id: q for q in converted}
    assert by_id["capital"].line == 1 and by_id["match"].line == 13
    assert grade_question(by_id["pi"], "3,1418").status == "right"
    assert grade_question(by_id["primes"], [0, 1]).status == "right"
    assert grade_question(by_id["match"], {0: 0, 1: 1, 2: 2}).status == "right"


@given(st.text(alphabet="ab \n{}=~#:%-.>\\[]1/TF", max_size=60))
def test_any_text_parses_without_raising(text: str) -> None:
    questions, problems = parse_gift(text, "t.gift")
    json.dumps(gift_to_json(questions))
    assert all(p.line >= 1 for p in problems)
    to_quiz_questions(questions)


# --- the real Moodle files -----------------------------------------------------------------


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"GIFT fixture {path} is missing (required under CI=true)")
        pytest.skip(f"GIFT fixture {path} is absent: the real-file import test needs ../shared")
    return path


def test_moodle_examples_file_imports_43_questions() -> None:
    path = fixture("moodle-examples.gift.txt")
    questions, problems = parse_gift(path.read_text(encoding="utf-8"), str(path))
    assert problems == []
    assert len(questions) == 43
    items = gift_to_json(questions)
    assert {i["type"] for i in items} == {
        "single",
        "multiple",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
    }
    control = next(i for i in items if i["name"] == "GIFT Control Characters")
    assert [c["text"] for c in control["choices"]] == ["~", "=", "#", "{", "}", "\\"]
    json.dumps(items)  # plain data
    converted, errors = to_quiz_questions(questions, str(path))
    assert errors == [] and len(converted) == 43


def test_moodle_questions_file_imports_8_questions_and_one_essay_warning() -> None:
    path = fixture("moodle-questions.gift.txt")
    questions, problems = parse_gift(path.read_text(encoding="utf-8"), str(path))
    assert len(questions) == 8
    assert all(p.message.startswith("warning:") for p in problems)
    essays = [p for p in problems if "essay" in p.message]
    assert len(essays) == 1 and essays[0].line == 2
    # the two stray `";` after questions are named too
    assert sorted(p.line for p in problems if "stray" in p.message) == [31, 43]
    assert [i["type"] for i in gift_to_json(questions)] == [
        "matching",
        "single",
        "multiple",
        "numeric",
        "short_answer",
        "true_false",
        "true_false",
        "true_false",
    ]
