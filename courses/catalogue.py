"""The loaded content model: courses, modules, completion rules (frozen, built by the loader).

Everything here is immutable and already validated and rendered: views, quizzes, role-plays and
certificates read it without touching the files. ``courses.loader`` builds it once per content
version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from courses.glossary import GlossaryTerm
from courses.scenario import DEFAULT_PASSING_OUTCOMES, Scenario
from courses.survey_model import Survey
from quizzes.model import Quiz
from training.content_blocks import Block
from training.markdown import TocEntry


@dataclass(frozen=True)
class Module:
    stem: str
    index: int  # 1-based position in the course
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    html: str  # sanitised, links to modules and media rewritten
    toc: list[TocEntry] = field(default_factory=list, compare=False)
    quiz: Quiz | None = None
    blocks: tuple[str, ...] = ()  # competency blocks the module serves
    key_points: tuple[str, ...] = ()  # optional: what to remember, shown at the top


@dataclass(frozen=True)
class CompletionRules:
    """What a learner must do for the certificate, with "all"/"none" resolved to explicit keys.

    A role-play run passes when its outcome is in ``roleplay_outcomes``, it took no critical
    choice and it reaches ``roleplay_min_score``. ``roleplay_max_runs`` (None: unlimited) is how
    many runs of a required role-play a learner may finish without passing before a trainer
    reopens it.
    """

    pass_mark: float
    modules: tuple[str, ...]
    quizzes: tuple[str, ...]
    roleplays: tuple[str, ...]
    roleplay_min_score: float
    roleplay_outcomes: tuple[str, ...] = DEFAULT_PASSING_OUTCOMES
    roleplay_max_runs: int | None = None


@dataclass(frozen=True)
class CertificateInfo:
    title: str
    signatory: str
    issuer: str


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    summary: str
    language: str
    hours: float
    open: bool
    objectives: tuple[str, ...]
    modules: tuple[Module, ...]
    roleplays: tuple[Scenario, ...]
    completion: CompletionRules
    certificate: CertificateInfo
    version: str
    path: Path
    blocks: tuple[Block, ...] = ()
    placement: Quiz | None = None  # positioning test: never counts toward completion
    survey: Survey | None = None  # end-of-course satisfaction survey
    edition_of: str | None = None  # the slug shared by the editions of one course
    glossary: tuple[GlossaryTerm, ...] = ()
    reminder_days: int = 7  # days without activity before an inactivity reminder (issue 17)

    @property
    def edition_key(self) -> str:
        """What the editions of one course share: ``edition_of``, else the course's own slug."""
        return self.edition_of or self.slug

    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    @property
    def minutes(self) -> int:
        """Estimated reading time of all modules."""
        return sum(m.minutes for m in self.modules)

    def module(self, stem: str) -> Module | None:
        return next((m for m in self.modules if m.stem == stem), None)

    def roleplay(self, slug: str) -> Scenario | None:
        return next((r for r in self.roleplays if r.slug == slug), None)

    def quiz(self, stem: str) -> Quiz | None:
        """The quiz of module ``stem`` (None when the module has none or does not exist); the
        stem ``placement`` names the placement quiz, which belongs to no module."""
        module = self.module(stem)
        if module is None and stem == "placement":
            return self.placement
        return module.quiz if module else None

    def quizzes(self) -> list[tuple[Module, Quiz]]:
        return [(m, m.quiz) for m in self.modules if m.quiz is not None]

    def next_module(self, stem: str) -> Module | None:
        module = self.module(stem)
        if module is None or module.index >= len(self.modules):
            return None
        return self.modules[module.index]

    def previous_module(self, stem: str) -> Module | None:
        module = self.module(stem)
        if module is None or module.index <= 1:
            return None
        return self.modules[module.index - 2]
