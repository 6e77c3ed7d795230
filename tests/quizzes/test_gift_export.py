"""GIFT export: what Moodle imports, and export-then-import gives back the same quiz."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quizzes.cli import quizzes_cli
from quizzes.formats import load_quiz_file, parse_quiz
from quizzes.gift import MOODLE_FRACTIONS, parse_gift
from quizzes.gift_convert import conversion_warnings, gift_to_quiz_data
from quizzes.gift_export import escape, export_warnings, quiz_to_gift
from quizzes.model import Choice, Question, Quiz, QuizSettings

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(ROOT.glob("content/*/modules/*.quiz.yaml"))


def _content(question: Question) -> dict:
    """What a question says and grades, without rendered HTML and source lines. Texts compare
    without surrounding whitespace (a YAML block scalar adds a final newline; GIFT drops it)."""
    data = dataclasses.asdict(question)
    for key in ("prompt_html", "explanation_html", "line"):
        data.pop(key)
    data["choices"] = [
        {"text": c["text"].strip(), "correct": c["correct"], "feedback": c["feedback"].strip()}
        for c in data["choices"]
    ]
    for key in ("prompt", "explanation"):
        data[key] = data[key].strip()
    return data


def round_trip(quiz: Quiz) -> tuple[Quiz, list]:
    questions, problems = parse_gift(quiz_to_gift(quiz), "export.gift")
    back, errors = parse_quiz(gift_to_quiz_data(questions), "export.gift")
    assert back is not None, errors
    return back, problems + conversion_warnings(questions, "export.gift")


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_every_bundled_quiz_comes_back_the_same(path: Path) -> None:
    quiz, problems = load_quiz_file(path, str(path))
    assert quiz is not None, problems
    back, warnings = round_trip(quiz)
    assert warnings == []
    assert [_content(q) for q in back.questions] == [_content(q) for q in quiz.questions]


def test_bundled_quizzes_exist() -> None:
    assert len(BUNDLED) >= 9


def _question(kind: str, text: str, n: int) -> Question:
    base = {"id": f"q{n}", "type": kind, "prompt": text or "?", "prompt_html": "", "points": 1.0}
    if kind == "single":
        choices = (Choice(text or "a", True, "fb " + text), Choice("b" + text, False))
        return Question(**base, choices=choices)
    if kind == "multiple":
        choices = tuple(Choice(f"{i}{text}", i % 2 == 0) for i in range(5))
        return Question(**(base | {"points": 2.0}), choices=choices)
    if kind == "true_false":
        return Question(**base, answer=bool(n % 2), explanation=text)
    if kind == "short_answer":
        return Question(**base, answers=(text or "x", "other"))
    if kind == "numeric":
        return Question(**base, answer=-2.5, tolerance=0.25)
    if kind == "matching":
        left = f"L{text}".replace(
            "->", ""
        ).strip()  # GIFT cannot hold it there: see the warning test
        return Question(**base, pairs=((left, "R1"), ("L2", f"R{text}")))
    return Question(**base, items=(f"first {text}".strip(), "second", "third"))


TEXT = st.text(
    alphabet=st.sampled_from(list("ab ~=#{}:\\%-.>[]\n*_") + ["é", "“"]), max_size=30
).filter(lambda t: t.strip() == t and "\n\n" not in t and t.strip(" \n") == t)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=7, max_size=7))
@example(["%50%a"] * 7)
@example(["[html]b"] * 7)
@example(["::n::x"] * 7)
def test_any_text_survives_the_round_trip(texts: list[str]) -> None:
    kinds = ("single", "multiple", "true_false", "short_answer", "numeric", "matching", "ordering")
    pairs = enumerate(zip(kinds, texts, strict=True))
    quiz = Quiz(
        title=None,
        settings=QuizSettings(),
        questions=tuple(_question(kind, text, n) for n, (kind, text) in pairs),
        source_path="<generated>",
    )
    back, _ = round_trip(quiz)
    assert [_content(q) for q in back.questions] == [_content(q) for q in quiz.questions]


def test_the_gift_moodle_reads() -> None:
    quiz = Quiz(
        title=None,
        settings=QuizSettings(),
        questions=(
            _question("multiple", "", 1),
            _question("ordering", "", 2),
            dataclasses.replace(_question("single", "", 3), explanation="Why: {x} = #1\nmore"),
        ),
        source_path="<test>",
        blocks=("EP2",),
    )
    text = quiz_to_gift(quiz, category="$course$/Passerelle")
    assert text.startswith("$CATEGORY: $course$/Passerelle\n\n")
    assert "// [id:q1]\n// [tag:EP2]\n// passerelle: points=2\n::q1::[markdown]" in text
    # multiple: no '=' at all, so Moodle enables multiple answers; weights are Moodle fractions
    block = text.split("\n\n")[1]
    assert "=" not in block.split("{", 1)[1]
    weights = [float(w) / 100 for w in re.findall(r"~%(-?[\d.]+)%", block)]
    assert len(weights) == 5
    # written as Moodle writes its fractions (5 decimals), each within rounding of one of them
    assert all(min(abs(w - float(f)) for f in MOODLE_FRACTIONS) < 1e-6 for w in weights)
    assert "// passerelle: type=ordering" in text and "=1 -> first" in text
    assert "####Why\\: \\{x\\} \\= \\#1\\nmore" in text
    assert escape("a\\b") == "a\\\\b"


def test_weights_moodle_cannot_hold_are_reported() -> None:
    choices = tuple(Choice(str(i), i < 11) for i in range(12))
    question = Question(id="many", type="multiple", prompt="?", prompt_html="", choices=choices)
    quiz = Quiz(title=None, settings=QuizSettings(), questions=(question,), source_path="q")
    [problem] = export_warnings(quiz, "q.yaml")
    assert "1/11 is not a Moodle grade fraction; written as %10%" in problem.message


def test_an_arrow_on_the_left_of_a_pair_is_reported() -> None:
    question = Question(
        id="arrow", type="matching", prompt="?", prompt_html="", pairs=(("a->b", "1"), ("c", "2"))
    )
    quiz = Quiz(title=None, settings=QuizSettings(), questions=(question,), source_path="q")
    [problem] = export_warnings(quiz, "q.yaml")
    assert "cannot hold '->' on the left of a pair" in problem.message
    assert "=a→b -> 1" in quiz_to_gift(quiz)


def test_cli_export_writes_a_file_and_reports(tmp_path: Path) -> None:
    from click.testing import CliRunner

    out = tmp_path / "out.gift"
    result = CliRunner().invoke(quizzes_cli, ["export-gift", str(BUNDLED[0]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "questions written to" in result.output
    questions, problems = parse_gift(out.read_text(encoding="utf-8"), str(out))
    assert problems == [] and questions

    broken = tmp_path / "broken.quiz.yaml"
    broken.write_text("questions: []\n", encoding="utf-8")
    result = CliRunner().invoke(quizzes_cli, ["export-gift", str(broken)])
    assert result.exit_code == 1
    assert "broken.quiz.yaml:1: 'questions' must be a non-empty list" in result.output
