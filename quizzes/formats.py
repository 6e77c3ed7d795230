"""Reading a quiz file into the quiz model, with every problem tied to its line.

``parse_quiz`` takes the data ``training.content_source`` parsed (LineDict/LineList, which know
their lines) and validates it against ``docs/schemas/quiz.schema.json``, which defines the
format; every structural problem comes back at once, so an author fixes a file in one pass. The
code keeps what a schema cannot say: unique question ids, repeated answers, a reversed numeric
range, ``draw`` above the number of questions. A GIFT file is converted to the same data first,
so one schema checks both. Plain dicts and lists work too; their problems point at
``default_line``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from training import content_schema
from training.content_blocks import block_refs
from training.content_source import ContentError, Problem, load_yaml_file

from .model import Question, Quiz, QuizSettings
from .question_fields import TYPE_PARSERS, Checker, Render, default_render, text_of

__all__ = ["Render", "default_render", "load_quiz_file", "locate", "parse_quiz"]


def locate(data: Any, path: tuple) -> tuple[str, str, str]:
    """Name a place in a quiz file: ``question 'q1': 'points'``, ``question 3, choice 2: ...``."""
    if len(path) < 2 or path[0] != "questions" or not isinstance(path[1], int):
        return content_schema.describe(data, path, "a quiz file")
    question = data["questions"][path[1]]
    qid = question.get("id") if isinstance(question, dict) else None
    label = f"question {qid!r}" if isinstance(qid, str) and qid.strip() else ""
    label = label or f"question {path[1] + 1}"
    rest = path[2:]
    if not rest:
        return "", label, ""
    if len(rest) >= 2 and rest[0] in ("choices", "pairs") and isinstance(rest[1], int):
        part = f"{rest[0][:-1]} {rest[1] + 1}"
        if len(rest) == 2:
            return f"{label}: ", part, ""
        label, rest = f"{label}, {part}", rest[2:]
    _, name, suffix = content_schema.describe(data, rest, "")
    return f"{label}: ", name, suffix


def parse_quiz(
    data: Any, path: str, render: Render | None = None, default_line: int = 1
) -> tuple[Quiz | None, list[Problem]]:
    """Validate parsed quiz data; return the Quiz (None when anything is wrong) and the problems."""
    checked = content_schema.check("quiz", data, path, "a quiz file", locate, default_line)
    if checked.problems:
        return None, checked.problems
    check = Checker(path, render or default_render, default_line)
    questions = _parse_questions(check, data)
    draw = data.get("draw")
    if draw is not None and draw > len(questions) and questions:
        check.problem(
            check.line(data, "draw"),
            f"'draw' is {draw} but the quiz has only {len(questions)} questions",
        )
    if check.problems:
        return None, check.problems
    title = data.get("title")
    quiz = Quiz(
        title=text_of(title) or None,
        settings=_settings(data),
        questions=tuple(questions),
        source_path=path,
        blocks=block_refs(data),
        setting_lines={key: check.line(data, key) for key in data if key != "questions"},
    )
    return quiz, []


def _settings(data: dict) -> QuizSettings:
    """The settings of a valid file (absent or empty values take their defaults)."""
    pass_mark, time_limit, draw = (data.get(k) for k in ("pass_mark", "time_limit_minutes", "draw"))
    return QuizSettings(
        pass_mark=float(pass_mark) if pass_mark is not None else None,
        max_attempts=int(data["max_attempts"]) if data.get("max_attempts") else None,
        time_limit_minutes=int(time_limit) if time_limit is not None else None,
        shuffle=data.get("shuffle", True),
        draw=int(draw) if draw is not None else None,
        grading=data.get("grading") or "highest",
        show_answers=data.get("show_answers") or "after_submit",
    )


def _parse_questions(check: Checker, data: dict) -> list[Question]:
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for item in data["questions"]:
        question = _parse_question(check, item)
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


def _parse_question(check: Checker, item: dict) -> Question | None:
    before = len(check.problems)
    qid, qtype = item["id"], item["type"]
    fields: dict[str, Any] = TYPE_PARSERS[qtype](check, item, f"question {qid!r}")
    if len(check.problems) > before:
        return None
    prompt, explanation = text_of(item["prompt"]), text_of(item.get("explanation"))
    points = item.get("points")
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        prompt_html=check.render(prompt),
        points=1.0 if points is None else float(points),
        explanation=explanation,
        explanation_html=check.optional_html(explanation),
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
