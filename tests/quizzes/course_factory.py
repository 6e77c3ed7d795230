"""Tiny course folders for the quiz tests: one module per quiz, written under tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

QUESTIONS = [
    {
        "id": "capital",
        "type": "single",
        "prompt": "Which city is the **capital** of France?",
        "explanation": "EXPLANATION-CAPITAL: Paris has been the capital for centuries.",
        "choices": [
            {"text": "Paris", "correct": True, "feedback": "FEEDBACK-PARIS"},
            {"text": "Lyon", "correct": False, "feedback": "FEEDBACK-LYON"},
            {"text": "Marseille", "correct": False},
        ],
    },
    {
        "id": "primes",
        "type": "multiple",
        "prompt": "Which of these are prime?",
        "choices": [
            {"text": "2", "correct": True},
            {"text": "3", "correct": True},
            {"text": "4", "correct": False},
            {"text": "9", "correct": False},
        ],
    },
    {"id": "earth-round", "type": "true_false", "prompt": "The Earth is round.", "answer": True},
    {
        "id": "osbd",
        "type": "short_answer",
        "prompt": "Name the four steps of NVC.",
        "answers": ["Observation, Sentiment, Besoin, Demande"],
    },
    {
        "id": "pi",
        "type": "numeric",
        "prompt": "Pi to two decimals?",
        "answer": 3.14,
        "tolerance": 0.01,
    },
    {
        "id": "watch",
        "type": "matching",
        "prompt": "Match each situation to its watch.",
        "pairs": [
            {"left": "Broken light", "right": "Technical"},
            {"left": "Shouting man", "right": "Behavioural"},
            {"left": "Closed shutters", "right": "Social"},
        ],
    },
    {
        "id": "desc",
        "type": "ordering",
        "prompt": "Put the DESC steps in order.",
        "items": ["Describe", "Express", "Specify", "Consequences"],
    },
]


def quiz_data(**settings: object) -> dict:
    """A quiz file's data; file order unless a test asks for ``shuffle`` (the format's default
    is to shuffle, tested on its own)."""
    data: dict = {"title": "Test quiz", "shuffle": False}
    data.update(settings)
    data.setdefault("questions", QUESTIONS)
    return data


def write_course(
    root: Path, quizzes: dict[str, dict], slug: str = "test-course", pass_mark: int = 70
) -> Path:
    """A course with one module per key of ``quizzes`` (stem → quiz data, None for no quiz)."""
    folder = root / slug
    (folder / "modules").mkdir(parents=True, exist_ok=True)
    course = {
        "title": "Test course",
        "summary": "A course for tests.",
        "language": "en",
        "hours": 2,
        "open": True,
        "modules": list(quizzes),
        "completion": {
            "pass_mark": pass_mark,
            "modules": "all",
            "quizzes": "all",
            "roleplays": "none",
        },
        "certificate": {"title": "Certificate", "signatory": "A. Person", "issuer": "Test centre"},
    }
    (folder / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    for stem, data in quizzes.items():
        body = textwrap.dedent(
            f"""\
            ---
            title: Module {stem}
            summary: About {stem}.
            minutes: 5
            objectives:
              - Know {stem}
            ---
            # Module {stem}

            Some text.
            """
        )
        (folder / "modules" / f"{stem}.md").write_text(body, encoding="utf-8")
        if data is not None:
            (folder / "modules" / f"{stem}.quiz.yaml").write_text(
                yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
    return folder


# The right answers, in original indices (the grading shapes).
KEY = {
    "capital": 0,
    "primes": [0, 1],
    "earth-round": True,
    "osbd": "observation sentiment besoin demande",
    "pi": "3,14",
    "watch": {"0": 0, "1": 1, "2": 2},
    "desc": [0, 1, 2, 3],
}
WRONG = {
    "capital": 1,
    "primes": [2, 3],
    "earth-round": False,
    "osbd": "nope",
    "pi": "42",
    "watch": {"0": 1, "1": 0, "2": 1},
    "desc": [3, 2, 1, 0],
}
