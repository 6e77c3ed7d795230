"""The end-of-course satisfaction survey as declared in the course folder (frozen, validated).

A survey is a title, an optional introduction and items: **Likert** statements the learner
rates on a five-point agreement scale (1 strongly disagree … 5 strongly agree), and **free
text** questions (optional to answer). Answers are stored apart from identity
(``surveys.models``).
"""

from __future__ import annotations

from dataclasses import dataclass

LIKERT, TEXT = "likert", "text"
ITEM_TYPES = (LIKERT, TEXT)
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class SurveyItem:
    id: str
    type: str  # likert | text
    prompt: str


@dataclass(frozen=True)
class Survey:
    title: str
    intro: str
    items: tuple[SurveyItem, ...]

    @property
    def likert(self) -> tuple[SurveyItem, ...]:
        return tuple(i for i in self.items if i.type == LIKERT)

    @property
    def texts(self) -> tuple[SurveyItem, ...]:
        return tuple(i for i in self.items if i.type == TEXT)

    def item(self, item_id: str) -> SurveyItem | None:
        return next((i for i in self.items if i.id == item_id), None)
