"""Validating a quiz file into the quiz model, with every problem tied to its line.

``parse_quiz`` takes the data ``training.content_source`` parsed (LineDict/LineList, which know
their lines) and collects *all* problems rather than stopping at the first, so an author fixes a
file in one pass. Plain dicts and lists work too; their problems point at ``default_line``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from training.content_blocks import parse_block_refs
from training.content_source import ContentError, Problem, line_of, load_yaml_file

from .model import GRADING_METHODS, QUESTION_TYPES, SHOW_ANSWERS, Question, Quiz, QuizSettings
from .question_fields import (
    CHOICE_KEYS,
    PAIR_KEYS,
    TYPE_KEYS,
    TYPE_PARSERS,
    Checker,
    Render,
    default_render,
)

__all__ = [
    "CHOICE_KEYS",
    "COMMON_KEYS",
    "PAIR_KEYS",
    "SETTINGS_KEYS",
    "TYPE_KEYS",
    "Render",
    "default_render",
    "load_quiz_file",
    "parse_quiz",
]

SETTINGS_KEYS = frozenset(
    {
        "title",
        "pass_mark",
        "max_attempts",
        "time_limit_minutes",
        "shuffle",
        "draw",
        "grading",
        "show_answers",
        "questions",
        "blocks",
    }
)
COMMON_KEYS = frozenset({"id", "type", "prompt", "points", "explanation"})


def parse_quiz(
    data: Any, path: str, render: Render | None = None, default_line: int = 1
) -> tuple[Quiz | None, list[Problem]]:
    """Validate parsed quiz data; return the Quiz (None when anything is wrong) and the problems."""
    check = Checker(path, render or default_render, default_line)
    if not isinstance(data, dict):
        check.problem(check.own(data), "a quiz file must be a mapping with a 'questions' list")
        return None, check.problems
    check.check_keys(data, SETTINGS_KEYS, "the quiz")
    settings = _parse_settings(check, data)
    questions = _parse_questions(check, data)
    blocks = parse_block_refs(data, check.problem)
    if settings.draw is not None and settings.draw > len(questions) and questions:
        check.problem(
            check.line(data, "draw"),
            f"'draw' is {settings.draw} but the quiz has only {len(questions)} questions",
        )
    if check.problems:
        return None, check.problems
    title = data.get("title")
    quiz = Quiz(
        title=str(title) if title is not None else None,
        settings=settings,
        questions=tuple(questions),
        source_path=path,
        blocks=blocks,
        setting_lines={key: check.line(data, key) for key in data if key != "questions"},
    )
    return quiz, []


def _parse_settings(check: Checker, data: dict) -> QuizSettings:
    what = "quiz settings"
    if "title" in data and data["title"] is not None:
        check.text(data, "title", what)
    pass_mark = check.number(data, "pass_mark", what)
    if pass_mark is not None and pass_mark > 100:
        check.problem(check.line(data, "pass_mark"), "'pass_mark' is a percent: 0 to 100")
    max_attempts = check.number(data, "max_attempts", what, integer=True)
    time_limit = check.number(data, "time_limit_minutes", what, integer=True, minimum=1)
    draw = check.number(data, "draw", what, integer=True, minimum=1)
    shuffle = data.get("shuffle", True)
    if not isinstance(shuffle, bool):
        check.problem(check.line(data, "shuffle"), "'shuffle' must be true or false")
        shuffle = True
    return QuizSettings(
        pass_mark=pass_mark,
        max_attempts=int(max_attempts) if max_attempts else None,
        time_limit_minutes=int(time_limit) if time_limit is not None else None,
        shuffle=shuffle,
        draw=int(draw) if draw is not None else None,
        grading=check.choice_value(data, "grading", GRADING_METHODS, "highest"),
        show_answers=check.choice_value(data, "show_answers", SHOW_ANSWERS, "after_submit"),
    )


def _parse_questions(check: Checker, data: dict) -> list[Question]:
    raw = data.get("questions")
    if raw is None:
        check.problem(check.own(data), "missing key 'questions'")
        return []
    if not isinstance(raw, list) or not raw:
        check.problem(check.line(data, "questions"), "'questions' must be a non-empty list")
        return []
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(raw):
        item_line = line_of(raw, index, check.own(raw))
        if not isinstance(item, dict):
            check.problem(item_line, f"question {index + 1} must be a mapping")
            continue
        question = _parse_question(check, item, index)
        if question is None:
            continue
        if question.id in first_line:
            check.problem(
                check.line(item, "id"),
                f"duplicate question id {question.id!r} (first on line {first_line[question.id]})",
            )
            continue
        first_line[question.id] = check.line(item, "id")
        questions.append(question)
    return questions


def _parse_question(check: Checker, item: dict, index: int) -> Question | None:
    before = len(check.problems)
    qid = item.get("id")
    if qid is None:
        check.problem(check.own(item), f"question {index + 1}: missing key 'id'")
    elif not isinstance(qid, str) or not qid.strip():
        check.problem(check.line(item, "id"), f"question {index + 1}: 'id' must be a text")
    what = f"question {qid!r}" if isinstance(qid, str) else f"question {index + 1}"
    qtype = item.get("type")
    if qtype is None:
        check.problem(check.own(item), f"{what}: missing key 'type'")
        return None
    if qtype not in QUESTION_TYPES:
        check.problem(
            check.line(item, "type"),
            f"{what}: unknown type {qtype!r} (expected one of {', '.join(QUESTION_TYPES)})",
        )
        return None
    check.check_keys(item, COMMON_KEYS | TYPE_KEYS[qtype], f"a {qtype} question")
    prompt = check.text(item, "prompt", what)
    explanation = check.text(item, "explanation", what, required=False) or ""
    points = check.number(item, "points", what)
    fields: dict[str, Any] = TYPE_PARSERS[qtype](check, item, what)
    if len(check.problems) > before or prompt is None or not isinstance(qid, str):
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        prompt_html=check.render(prompt),
        points=1.0 if points is None else points,
        explanation=explanation,
        explanation_html=check.render(explanation) if explanation else "",
        line=check.own(item),
        **fields,
    )


def load_quiz_file(
    path: Path, display_path: str, render: Render | None = None
) -> tuple[Quiz | None, list[Problem]]:
    """Read a ``.quiz.yaml`` or ``.quiz.gift`` file into a Quiz.

    GIFT warnings (an essay or description left out, stray text) come back as problems whose
    message starts with ``"warning:"``; they do not stop the quiz from loading, errors do.
    """
    if path.name.endswith(".gift"):
        return _load_gift(path, display_path, render)
    try:
        data = load_yaml_file(path, display_path)
    except ContentError as exc:
        return None, list(exc.problems)
    except OSError as exc:
        return None, [Problem(display_path, 1, f"cannot read the file: {exc.strerror or exc}")]
    return parse_quiz(data, display_path, render)


def _load_gift(
    path: Path, display_path: str, render: Render | None
) -> tuple[Quiz | None, list[Problem]]:
    # Imported here: gift_convert builds on this module (it converts through parse_quiz).
    from .gift import parse_gift
    from .gift_convert import conversion_warnings, gift_to_quiz_data

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display_path, 1, f"not valid UTF-8: {exc.reason}")]
    except OSError as exc:
        return None, [Problem(display_path, 1, f"cannot read the file: {exc.strerror or exc}")]
    questions, problems = parse_gift(text, display_path)
    if not questions:
        problems.append(Problem(display_path, 1, "no importable question in the GIFT file"))
        return None, problems
    quiz, errors = parse_quiz(gift_to_quiz_data(questions), display_path, render)
    return quiz, problems + conversion_warnings(questions, display_path) + errors
