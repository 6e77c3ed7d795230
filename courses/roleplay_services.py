"""Role-play use cases: start, resume, choose, reflect, and the numbers other features read.

Plain functions taking a user and arguments; they check access, write and commit. The scenario
graph and the scoring rules live in the pure ``courses.roleplay``; this module only stores runs.

Double counting is impossible by construction: a choice is applied with a conditional
``UPDATE roleplay_runs SET step = step + 1, … WHERE id = ? AND step = ? AND finished_at IS NULL``.
Two posts carrying the same expected step (a double click, two tabs) both try it; the database
lets exactly one of them match, and the other is reported as stale.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.exceptions import NotFound

from courses.catalogue import Course
from courses.overrides import granted, overrides_for
from courses.roleplay import (
    Choice,
    InvalidChoice,
    Node,
    Scenario,
    Verdict,
    advance,
    draw_choice_order,
    score_path,
    shown_choices,
    verdict,
)
from courses.roleplay_models import RoleplayRun
from training.extensions import db
from training.signals import activity_completed
from training.timeutil import utcnow


class NoRunsLeft(Exception):
    """The course limits runs (``roleplay_max_runs``) and this learner used them all without
    passing: a trainer can reopen the role-play."""


# --------------------------------------------------------------------------------------------
# Access


def _can_read(user: Any, course: Course) -> bool:
    from courses.services import can_read

    return bool(can_read(user, course))


def _course_of(slug: str) -> Course | None:
    from courses.loader import get_course

    return get_course(slug)


def scenario_for(user: Any, course: Course | None, slug: str) -> Scenario:
    """The scenario ``slug`` of ``course`` if ``user`` may play it, else 404."""
    if course is None or not _can_read(user, course):
        raise NotFound()
    scenario = course.roleplay(slug)
    if scenario is None:
        raise NotFound()
    return scenario


def get_run(user: Any, run_id: int, course: Course | None = None) -> tuple[RoleplayRun, Course]:
    """``user``'s own run and its course; anybody else's run, or one of an unreadable course,
    is a 404 (its existence is not revealed)."""
    run = db.session.get(RoleplayRun, run_id)
    if run is None or user is None or run.user_id != getattr(user, "id", None):
        raise NotFound()
    if course is None or course.slug != run.course_slug:
        course = _course_of(run.course_slug)
    if course is None or not _can_read(user, course) or course.roleplay(run.scenario_slug) is None:
        raise NotFound()
    return run, course


# --------------------------------------------------------------------------------------------
# Starting and resuming


def start_run(
    user: Any, course: Course, slug: str, *, rng: random.Random | None = None
) -> RoleplayRun:
    """A new run at the scenario's start; earlier runs are kept. The order its choices are
    shown in is drawn now (``rng``, for tests) and stored with it.

    An unfinished run with no choice made yet is reused rather than duplicated, so a double
    click on Start (or Start again on an untouched run) leaves no empty runs behind. Raises
    NoRunsLeft when the course limits runs and the learner used them all without passing.
    """
    scenario = scenario_for(user, course, slug)
    untouched = current_run(user, course, slug)
    if (
        untouched is not None
        and untouched.step == 0
        and untouched.content_version == str(course.version)[:64]
    ):
        return untouched
    allowance = run_allowance(user.id, course, slug)
    if allowance.exhausted:
        raise NoRunsLeft(slug)
    now = utcnow()
    run = RoleplayRun(
        user_id=user.id,
        course_slug=course.slug,
        scenario_slug=scenario.slug,
        started_at=now,
        updated_at=now,
        current_node=scenario.start,
        path=[],
        step=0,
        content_version=str(course.version)[:64],
        choice_order=draw_choice_order(scenario, rng or random.SystemRandom()),
        critical=False,
    )
    db.session.add(run)
    db.session.commit()
    return run


def current_run(user: Any, course: Course, slug: str) -> RoleplayRun | None:
    """The latest unfinished run of this scenario (what "Resume" opens), if any."""
    return db.session.scalars(
        select(RoleplayRun)
        .where(
            RoleplayRun.user_id == user.id,
            RoleplayRun.course_slug == course.slug,
            RoleplayRun.scenario_slug == slug,
            RoleplayRun.finished_at.is_(None),
        )
        .order_by(RoleplayRun.started_at.desc(), RoleplayRun.id.desc())
        .limit(1)
    ).first()


def runs_for(user_id: int, course_slug: str, slug: str) -> list[RoleplayRun]:
    """Every run of one scenario by one learner, newest first (finished or not)."""
    return list(
        db.session.scalars(
            select(RoleplayRun)
            .where(
                RoleplayRun.user_id == user_id,
                RoleplayRun.course_slug == course_slug,
                RoleplayRun.scenario_slug == slug,
            )
            .order_by(RoleplayRun.started_at.desc(), RoleplayRun.id.desc())
        )
    )


@dataclass(frozen=True)
class RunAllowance:
    """Runs of one role-play a learner played (with at least one choice) against the limit."""

    used: int
    allowed: int | None  # None: no limit
    passed: bool

    @property
    def exhausted(self) -> bool:
        return not self.passed and self.allowed is not None and self.used >= self.allowed


def run_verdict(run: RoleplayRun, course: Course) -> Verdict:
    """Whether a finished run passes under the course's rules (``courses.roleplay.verdict``)."""
    rules = course.completion
    return verdict(
        run.outcome, run.percent, run.critical, rules.roleplay_min_score, rules.roleplay_outcomes
    )


def run_allowance(user_id: int, course: Course, slug: str) -> RunAllowance:
    runs = runs_for(user_id, course.slug, slug)
    passed = any(run_verdict(r, course).passed for r in runs if r.is_finished)
    allowed = course.completion.roleplay_max_runs
    if allowed is not None:
        allowed += granted(overrides_for(user_id, course.slug), "reopen_roleplay", slug)
    return RunAllowance(sum(1 for r in runs if r.step > 0), allowed, passed)


def best_scores(user_id: int, course_slug: str) -> dict[str, float]:
    """Best percentage per scenario slug over the learner's finished runs of the course (the
    score alone: whether a run passes is ``run_verdict``, what the progress service counts)."""
    rows = db.session.execute(
        select(RoleplayRun.scenario_slug, func.max(RoleplayRun.percent))
        .where(
            RoleplayRun.user_id == user_id,
            RoleplayRun.course_slug == course_slug,
            RoleplayRun.finished_at.is_not(None),
        )
        .group_by(RoleplayRun.scenario_slug)
    )
    return {slug: float(best) for slug, best in rows if best is not None}


# --------------------------------------------------------------------------------------------
# Playing


@dataclass(frozen=True)
class ChoiceResult:
    """What happened to a posted choice. ``accepted`` is False for a stale or invalid post:
    nothing was written and the view sends the learner to where the run really is."""

    run: RoleplayRun
    accepted: bool
    ended: bool
    reason: str | None = None  # "stale" | "finished" | "invalid" when not accepted


def choose(
    user: Any,
    run_id: int,
    expected_step: int,
    choice_index: int,
    *,
    course: Course | None = None,
) -> ChoiceResult:
    """Play choice ``choice_index`` on the run, if the run is still at ``expected_step``.

    ``expected_step`` is the step the page was showing (a hidden field). A post from an older
    page, a second tab or a double click finds the run elsewhere and changes nothing.
    """
    run, course = get_run(user, run_id, course)
    scenario = course.roleplay(run.scenario_slug)
    assert scenario is not None  # get_run checked it
    if run.is_finished:
        return ChoiceResult(run, accepted=False, ended=True, reason="finished")
    if expected_step != run.step:
        return ChoiceResult(run, accepted=False, ended=False, reason="stale")
    try:
        step = advance(scenario, run.current_node, choice_index)
        path = [*run.steps, (step.node_id, step.choice.index)]
        score = score_path(scenario, path) if step.ended else None
    except InvalidChoice:
        return ChoiceResult(run, accepted=False, ended=False, reason="invalid")

    now = utcnow()
    values: dict[str, Any] = {
        "step": expected_step + 1,
        "path": [list(item) for item in path],
        "current_node": step.next_node_id,
        "updated_at": now,
    }
    if step.choice.is_critical:
        values["critical"] = True
    if score is not None:
        values.update(
            finished_at=now,
            outcome=step.outcome,
            points_total=score.total,
            percent=round(score.percent, 2),
            competency_points=dict(score.points),
        )
    result = db.session.execute(
        update(RoleplayRun)
        .where(
            RoleplayRun.id == run.id,
            RoleplayRun.step == expected_step,
            RoleplayRun.finished_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    won = result.rowcount == 1
    db.session.commit()
    db.session.refresh(run)
    if not won:
        return ChoiceResult(run, accepted=False, ended=run.is_finished, reason="stale")
    if score is not None:
        activity_completed.send(
            current_app._get_current_object(), user=user, course_slug=run.course_slug
        )
    return ChoiceResult(run, accepted=True, ended=score is not None)


@dataclass(frozen=True)
class Turn:
    """What the turn page shows: the node to play and the feedback on the choice just made."""

    run: RoleplayRun
    scenario: Scenario
    node: Node
    decision: int  # 1-based number of the decision on this page
    last_node: Node | None
    last_choice: Choice | None
    choices: tuple[Choice, ...] = ()  # the node's choices in this run's order


def ordered_choices(run: RoleplayRun, node: Node) -> list[Choice]:
    """The node's choices in the order this run shows them (the same on every reload)."""
    return shown_choices(node, run.choice_order, run.id)


def choice_at_position(run: RoleplayRun, scenario: Scenario, position: int) -> int:
    """The file index of the choice shown at ``position`` (0-based) on the run's current
    node; raises InvalidChoice for a position that is not shown."""
    node = scenario.node(run.current_node)
    shown = ordered_choices(run, node)
    if isinstance(position, bool) or not 0 <= position < len(shown):
        raise InvalidChoice(f"no choice at position {position!r} (there are {len(shown)})")
    return shown[position].index


def turn(run: RoleplayRun, scenario: Scenario) -> Turn:
    """The current turn of an unfinished run (raises InvalidChoice if the content changed)."""
    node = scenario.node(run.current_node)
    last_node = last_choice = None
    if run.steps:
        node_id, index = run.steps[-1]
        last_node = scenario.node(node_id)
        last_choice = advance(scenario, node_id, index).choice
    choices = tuple(ordered_choices(run, node))
    return Turn(run, scenario, node, run.step + 1, last_node, last_choice, choices)


# The debrief and the reflection are in their own module; re-exported for the callers.
from courses.roleplay_debrief import (  # noqa: E402, F401
    REFLECTION_MAX_LENGTH,
    Debrief,
    DebriefStep,
    ReflectionError,
    debrief,
    save_reflection,
)
