"""One learner's progress in one course: THE progress service (pure computation).

Every page that shows how far a learner has got uses this, with the same words: the learner
dashboard, the course page, the certificate box, the trainer's matrix and the gradebook. The
headline is **requirements met / all requirements** (what the certificate needs), broken down
into modules done, quizzes passed and role-plays passed, each with its items' names.

``compute_progress(course, facts)`` is pure; ``certificates.progress_data`` loads the facts for
one learner (``progress_for``) or for a whole cohort in a bounded number of queries
(``progress_of_users``). The rules:

- a **module** is met when the learner marked it done;
- a **quiz** is met when its grade (by the quiz's grading method, over counted attempts)
  reaches its pass mark (its own, else the course's ``pass_mark``); its attempts allowed are
  ``max_attempts`` plus the extra attempts a trainer granted;
- a **role-play** is met when one of its finished runs passes (``courses.roleplay.verdict``:
  an allowed outcome, no critical choice, at least ``roleplay_min_score``); with
  ``roleplay_max_runs`` a learner may play that many runs (plus those a trainer reopened)
  without passing;
- an **excused** requirement is met, whatever its results (a trainer's decision, with a
  reason, on the record);
- the requirements are the items ``completion`` lists; a course that requires nothing counts
  its modules, so reading still shows as progress;
- ``needs_second_chance``: required, not met, not excused, and no attempt or run left — the
  rule behind "needs an extra attempt" on the trainer's dashboard (and the weekly digest).

The overall score (printed on the certificate) is the plain mean of the required quizzes'
grades and the required role-plays' scores (the best passing run, else the best run), over
those with a result.

Per competency block (issue 15): each item carries the blocks it serves (a quiz without its
own ``blocks`` serves its module's); ``progress.by_block`` gives, for each block the course
declares, the same requirements grouped by block (``BlockProgress``). A block is **attained**
when it has at least one requirement and all of them are met; its score is the mean of its
required quizzes' and role-plays' scores, like the overall score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from statistics import fmean
from typing import Any, Literal

# The facts in (what was loaded from the database) are in certificates/progress_facts.py;
# they are named here too, as the progress service's input.
from certificates.progress_facts import AttemptFact as AttemptFact
from certificates.progress_facts import GrantFact as GrantFact
from certificates.progress_facts import LearnerFacts as LearnerFacts
from certificates.progress_facts import RunFact as RunFact
from courses.roleplay import verdict
from quizzes.grading import compute_grade

ItemKind = Literal["module", "quiz", "roleplay"]
ItemState = Literal["done", "started", "not_started", "passed", "failed", "in_progress"]
KINDS: tuple[ItemKind, ...] = ("module", "quiz", "roleplay")


# --------------------------------------------------------------------------------------------
# Progress out


@dataclass(frozen=True)
class Item:
    """One module, quiz or role-play of the course, with the learner's standing in it.

    ``score``: the quiz grade or the role-play score, when there is a result. ``used`` and
    ``allowed``: counted attempts (quiz) or runs played (role-play) against the limit (None:
    no limit). ``why_not``: for a role-play played but not passed, the reason of its best run
    (``"critical"``, ``"outcome"`` or ``"score"``).
    """

    kind: ItemKind
    key: str
    title: str
    index: int  # the module's number, or the role-play's position (1-based)
    required: bool
    state: ItemState
    passed: bool  # done (module) or passed (quiz, role-play), excuses aside
    excused: GrantFact | None = None
    score: float | None = None
    used: int = 0
    allowed: int | None = None
    in_progress: bool = False
    pass_mark: float | None = None
    why_not: str | None = None
    blocks: tuple[str, ...] = ()  # competency blocks the item serves

    @property
    def met(self) -> bool:
        return self.passed or self.excused is not None

    @property
    def out_of_attempts(self) -> bool:
        """Not passed, nothing in progress, and no attempt (or run) left."""
        return (
            not self.passed
            and not self.in_progress
            and self.allowed is not None
            and self.used >= self.allowed
        )


@dataclass(frozen=True)
class Tally:
    met: tuple[Item, ...]
    missing: tuple[Item, ...]

    @property
    def count(self) -> int:
        return len(self.met)

    @property
    def total(self) -> int:
        return len(self.met) + len(self.missing)


@dataclass(frozen=True)
class BlockProgress:
    """One competency block: its requirements met and missing, its score, attained or not."""

    block: Any  # training.content_blocks.Block
    tally: Tally
    score: float | None

    @property
    def attained(self) -> bool:
        return self.tally.total > 0 and not self.tally.missing

    @property
    def percent(self) -> float:
        total = self.tally.total
        return 100.0 * self.tally.count / total if total else 0.0


@dataclass(frozen=True)
class Progress:
    course_slug: str
    items: tuple[Item, ...]
    grants: tuple[GrantFact, ...] = ()
    blocks: tuple[Any, ...] = ()  # the course's declared blocks (content_blocks.Block)

    # cached (a frozen dataclass keeps them in its __dict__): percent, met_count and complete
    # each read them, thousands of times when a cohort's standings are filled
    @cached_property
    def requirements(self) -> tuple[Item, ...]:
        required = tuple(i for i in self.items if i.required)
        return required or tuple(i for i in self.items if i.kind == "module")

    def tally(self, predicate: Callable[[Item], bool] = lambda item: True) -> Tally:
        """Requirements met and missing among those ``predicate`` selects."""
        chosen = [i for i in self.requirements if predicate(i)]
        return Tally(tuple(i for i in chosen if i.met), tuple(i for i in chosen if not i.met))

    @cached_property
    def overall(self) -> Tally:
        return self.tally()

    @property
    def modules(self) -> Tally:
        return self.tally(lambda i: i.kind == "module")

    @property
    def quizzes(self) -> Tally:
        return self.tally(lambda i: i.kind == "quiz")

    @property
    def roleplays(self) -> Tally:
        return self.tally(lambda i: i.kind == "roleplay")

    @property
    def met_count(self) -> int:
        return self.overall.count

    @property
    def total(self) -> int:
        return len(self.requirements)

    @property
    def percent(self) -> float:
        return 100.0 * self.met_count / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.met_count == self.total

    @property
    def missing(self) -> tuple[Item, ...]:
        return self.overall.missing

    def item(self, kind: str, key: str) -> Item | None:
        return next((i for i in self.items if i.kind == kind and i.key == key), None)

    @property
    def overall_score(self) -> float | None:
        return _mean_score(self.items)

    def block(self, block_id: str) -> BlockProgress | None:
        """The progress in one declared block (None: the course declares no such block)."""
        found = next((b for b in self.blocks if b.id == block_id), None)
        if found is None:
            return None
        tally = self.tally(lambda i: block_id in i.blocks)
        serving = [i for i in self.items if block_id in i.blocks]
        return BlockProgress(found, tally, _mean_score(serving))

    @property
    def by_block(self) -> tuple[BlockProgress, ...]:
        """Every declared block, in the course's order."""
        return tuple(p for b in self.blocks if (p := self.block(b.id)) is not None)

    @property
    def needs_second_chance(self) -> tuple[Item, ...]:
        return needs_second_chance(self)


def _mean_score(items: Sequence[Item]) -> float | None:
    scores = [
        i.score
        for i in items
        if i.required and i.kind in ("quiz", "roleplay") and i.score is not None
    ]
    return round(fmean(scores), 1) if scores else None


def needs_second_chance(progress: Progress) -> tuple[Item, ...]:
    """The requirements a learner cannot meet without a trainer: required, not met, and no
    attempt (quiz) or run (role-play) left. What the dashboard flags as "needs an extra
    attempt" and the weekly digest lists."""
    return tuple(i for i in progress.items if i.required and not i.met and i.out_of_attempts)


# --------------------------------------------------------------------------------------------
# The computation


def compute_progress(course: Any, facts: LearnerFacts) -> Progress:
    """The learner's progress in ``course`` from the loaded facts (module docstring)."""
    rules = course.completion
    grants = facts.grants
    items: list[Item] = []
    for module in course.modules:
        done = module.stem in facts.modules_done
        opened = module.stem in facts.modules_opened
        items.append(
            Item(
                "module",
                module.stem,
                module.title,
                module.index,
                module.stem in rules.modules,
                "done" if done else "started" if opened else "not_started",
                done,
                excused=_excused(grants, "module", module.stem),
                blocks=getattr(module, "blocks", ()),
            )
        )
    for module, quiz in course.quizzes():
        items.append(_quiz_item(course, module, quiz, facts, grants))
    for position, scenario in enumerate(course.roleplays, start=1):
        items.append(_roleplay_item(course, scenario, position, facts, grants))
    return Progress(course.slug, tuple(items), tuple(grants), tuple(getattr(course, "blocks", ())))


def quiz_pass_mark(course: Any, quiz: Any) -> float:
    own = quiz.settings.pass_mark
    return float(own) if own is not None else float(course.completion.pass_mark)


def _quiz_item(
    course: Any, module: Any, quiz: Any, facts: LearnerFacts, grants: Sequence[GrantFact]
) -> Item:
    attempts = facts.attempts.get(module.stem, [])
    submitted = [a for a in attempts if a.submitted]
    grade = compute_grade([a.percent or 0.0 for a in submitted], quiz.settings.grading)
    mark = quiz_pass_mark(course, quiz)
    passed = grade is not None and grade >= mark
    in_progress = any(not a.submitted for a in attempts)
    allowed = quiz.settings.max_attempts
    if allowed is not None:
        allowed += _granted(grants, "extra_attempts", module.stem)
    if grade is not None:
        state: ItemState = "passed" if passed else "failed"
    else:
        state = "in_progress" if in_progress else "not_started"
    return Item(
        "quiz",
        module.stem,
        module.title,
        module.index,
        module.stem in course.completion.quizzes,
        state,
        passed,
        excused=_excused(grants, "quiz", module.stem),
        score=grade,
        used=len(attempts),
        allowed=allowed,
        in_progress=in_progress,
        pass_mark=mark,
        blocks=getattr(quiz, "blocks", ()) or getattr(module, "blocks", ()),
    )


def _roleplay_item(
    course: Any, scenario: Any, position: int, facts: LearnerFacts, grants: Sequence[GrantFact]
) -> Item:
    rules = course.completion
    runs = facts.runs.get(scenario.slug, [])
    finished = [r for r in runs if r.finished]
    verdicts = [
        (
            r,
            verdict(
                r.outcome, r.percent, r.critical, rules.roleplay_min_score, rules.roleplay_outcomes
            ),
        )
        for r in finished
    ]
    passing = [r.percent or 0.0 for r, v in verdicts if v.passed]
    passed = bool(passing)
    why_not = None
    if passed:
        score: float | None = max(passing)
    elif verdicts:
        best_run, best = max(verdicts, key=lambda rv: rv[0].percent or 0.0)
        score = best_run.percent
        why_not = (
            "critical" if best.took_critical else "outcome" if not best.outcome_allowed else "score"
        )
    else:
        score = None
    in_progress = any(not r.finished and r.steps > 0 for r in runs)
    allowed = rules.roleplay_max_runs
    if allowed is not None:
        allowed += _granted(grants, "reopen_roleplay", scenario.slug)
    if finished:
        state: ItemState = "passed" if passed else "failed"
    else:
        state = "in_progress" if runs else "not_started"
    return Item(
        "roleplay",
        scenario.slug,
        scenario.title,
        position,
        scenario.slug in rules.roleplays,
        state,
        passed,
        excused=_excused(grants, "roleplay", scenario.slug),
        score=score,
        used=sum(1 for r in runs if r.steps > 0),
        allowed=allowed,
        in_progress=in_progress,
        pass_mark=rules.roleplay_min_score,
        why_not=why_not,
        blocks=getattr(scenario, "blocks", ()),
    )


def _granted(grants: Sequence[GrantFact], kind: str, key: str) -> int:
    return sum(g.amount for g in grants if g.kind == kind and g.key == key)


def _excused(grants: Sequence[GrantFact], target: str, key: str) -> GrantFact | None:
    return next(
        (g for g in grants if g.kind == "excuse" and g.target == target and g.key == key), None
    )


def by_kind(progress: Progress) -> Mapping[str, Tally]:
    """The three breakdowns, in the order every page shows them."""
    return {"module": progress.modules, "quiz": progress.quizzes, "roleplay": progress.roleplays}
