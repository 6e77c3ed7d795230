"""The quiz model: immutable, parsed once from YAML or GIFT, shared by grading and the views.

Markdown fields are rendered to sanitised HTML at parse time (the ``*_html`` fields) so a page
never renders Markdown per request. Tuples rather than lists keep every object hashable and safe
to cache across requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QuestionType = Literal[
    "single", "multiple", "true_false", "short_answer", "numeric", "matching", "ordering"
]
QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multiple",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
)
GRADING_METHODS: tuple[str, ...] = ("highest", "last", "first", "average")
SHOW_ANSWERS: tuple[str, ...] = ("after_submit", "after_pass", "after_last_attempt", "never")
"""When a learner sees the key (the right answers). Whatever the setting, every review shows
what was right or wrong and the explanations; the key is shown ``after_submit`` (each
attempt), ``after_pass`` (once the quiz is passed), ``after_last_attempt`` (once no attempt is
left) or ``never``."""


@dataclass(frozen=True)
class Choice:
    """One choice of a single or multiple choice question."""

    text: str
    correct: bool
    feedback: str = ""
    text_html: str = ""
    feedback_html: str = ""


@dataclass(frozen=True)
class Question:
    """One question; only the fields of its ``type`` are filled.

    - single / multiple: ``choices``
    - true_false: ``answer`` (bool)
    - short_answer: ``answers`` (any of them is right)
    - numeric: ``answer`` (float) with ``tolerance``, or the range ``min``..``max``
    - matching: ``pairs`` of (left, right), in the right correspondence
    - ordering: ``items`` in the right order
    """

    id: str
    type: QuestionType
    prompt: str
    prompt_html: str
    points: float = 1.0
    explanation: str = ""
    explanation_html: str = ""
    line: int = 0
    choices: tuple[Choice, ...] = ()
    answer: bool | float | None = None
    answers: tuple[str, ...] = ()
    tolerance: float = 0.0
    min: float | None = None
    max: float | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizSettings:
    """How a quiz is taken and graded (see docs/content-format.md)."""

    pass_mark: float | None = None  # percent; None = the course's completion.pass_mark
    max_attempts: int | None = None  # None = unlimited (the YAML's 0 means the same)
    time_limit_minutes: int | None = None
    shuffle: bool = True  # shuffle questions and choices in each attempt
    draw: int | None = None  # ask N questions drawn from the pool; None = all
    grading: str = "highest"  # one of GRADING_METHODS
    show_answers: str = "after_submit"  # one of SHOW_ANSWERS


@dataclass(frozen=True)
class Quiz:
    title: str | None
    settings: QuizSettings
    questions: tuple[Question, ...]
    source_path: str
    blocks: tuple[str, ...] = ()  # competency blocks the quiz serves
    # Line of each setting written in the file (for the checker's warnings).
    setting_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None (e.g. an attempt made before the file changed)."""
        return self._by_id.get(question_id)

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def asked(self) -> int:
        """How many questions one attempt asks (``draw`` of the pool, or all of them)."""
        draw = self.settings.draw
        return min(draw, len(self.questions)) if draw else len(self.questions)
