"""Checker lints for a whole course: assessment that can be gamed, hours that are not honest,
a certificate that reads as the diploma (pure; warnings, errors under ``--strict``).

- role-plays: ``courses.scenario_lints`` (escalated endings that pass, critical choices that
  still resolve, position and length clues, decisions that assess nothing);
- quizzes: ``quizzes.lints`` (a key that can be copied and retaken);
- ``hours``: the learning time estimated from the content must be within ±20 % of it. The
  estimate is documented in docs/content-format.md: each module's ``minutes``, plus
  ``QUIZ_MINUTES_PER_QUESTION`` per question one attempt asks, plus per role-play
  ``ROLEPLAY_MINUTES_EACH`` (setting, debrief and reflection) and
  ``ROLEPLAY_MINUTES_PER_DECISION`` per choice on its longest path;
- ``certificate.title``: a course that prepares for a national qualification (a block with an
  RNCP number, or CAP / RNCP / diploma in its title) must say the certificate is for a
  preparation course, not the diploma.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from courses.catalogue import Course
from courses.problems import WARNING, CourseProblems
from courses.scenario import Scenario
from courses.scenario_graph import postorder
from courses.scenario_lints import lint_scenario
from quizzes.lints import lint_quiz
from training.content_source import Problem
from training.numbers import format_number

QUIZ_MINUTES_PER_QUESTION = 1.5
ROLEPLAY_MINUTES_EACH = 5
ROLEPLAY_MINUTES_PER_DECISION = 3
HOURS_TOLERANCE = 0.20

_QUALIFICATION = re.compile(
    r"\b(CAP|BEP|BTS|RNCP\d*|titre professionnel|dipl[oô]me|diploma)\b", re.IGNORECASE
)
_PREPARATION = re.compile(r"pr[ée]par", re.IGNORECASE)


def lint_course(
    course: Course, problems: CourseProblems, lines: Mapping[str, int] | None = None
) -> list[Problem]:
    """Every lint warning of a course that loaded. ``lines``: where course.yaml keys are."""
    lines = lines or {}
    found: list[Problem] = []
    rules = course.completion
    for scenario in course.roleplays:
        found += lint_scenario(scenario, rules.roleplay_min_score, rules.roleplay_outcomes)
    for _module, quiz in course.quizzes():
        found += lint_quiz(quiz)
    found += _hours(course, problems, lines.get("hours", 1))
    found += _certificate_title(course, problems, lines.get("certificate.title", 1))
    return found


def longest_run(scenario: Scenario) -> int:
    """The most choices one run of the scenario can take (its longest path)."""
    steps: dict[str, int] = {}
    for node_id in postorder(scenario.start, scenario.nodes):
        node = scenario.nodes[node_id]
        steps[node_id] = max((1 + steps[c.next] for c in node.choices), default=0)
    return steps[scenario.start]


def estimated_minutes(course: Course) -> tuple[float, dict[str, float]]:
    """The estimated learning time in minutes, and its parts (modules, quizzes, role-plays)."""
    parts = {
        "modules": float(sum(m.minutes for m in course.modules)),
        "quizzes": sum(q.asked for _m, q in course.quizzes()) * QUIZ_MINUTES_PER_QUESTION,
        "roleplays": float(
            sum(
                ROLEPLAY_MINUTES_EACH + ROLEPLAY_MINUTES_PER_DECISION * longest_run(s)
                for s in course.roleplays
            )
        ),
    }
    return sum(parts.values()), parts


def _hours(course: Course, problems: CourseProblems, line: int) -> list[Problem]:
    minutes, parts = estimated_minutes(course)
    if minutes <= 0 or course.hours <= 0:
        return []
    declared = course.hours * 60
    if abs(declared - minutes) <= HOURS_TOLERANCE * minutes:
        return []
    hours = format_number(minutes / 60, "en")
    detail = ", ".join(f"{name} {format_number(value, 'en')} min" for name, value in parts.items())
    return [
        Problem(
            problems.path("course.yaml"),
            line,
            f"{WARNING} 'hours' is {format_number(course.hours, 'en')} but the content is "
            f"estimated at {hours} h ({detail}): keep 'hours' within 20 % of the estimate, "
            "or say why in the course",
        )
    ]


def _certificate_title(course: Course, problems: CourseProblems, line: int) -> list[Problem]:
    title = course.certificate.title
    qualification = any(b.rncp for b in course.blocks) or any(
        _QUALIFICATION.search(text) for text in (course.title, title)
    )
    if not qualification or _PREPARATION.search(title):
        return []
    return [
        Problem(
            problems.path("course.yaml"),
            line,
            f"{WARNING} the certificate title {title!r} does not say this is a preparation "
            'course: it must not read as the diploma itself (e.g. "CAP preparation course — '
            'Prevention and mediation agent")',
        )
    ]
