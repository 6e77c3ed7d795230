"""Extension points for pages owned by courses but fed by higher features.

Quizzes, role-plays and certificates depend on courses, not the other way round; they add what
they know to the course page and the learner dashboard by registering a section provider:

    register_course_section(provider)   # provider(user, course) -> Section | None
    register_dashboard_section(provider)  # provider(user) -> Section | None

A Section names a template (rendered with its context) and an order key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


CourseSectionProvider = Callable[[Any, Any], Section | None]
DashboardSectionProvider = Callable[[Any], Section | None]

_course_sections: list[CourseSectionProvider] = []
_dashboard_sections: list[DashboardSectionProvider] = []


def register_course_section(provider: CourseSectionProvider) -> CourseSectionProvider:
    if provider not in _course_sections:
        _course_sections.append(provider)
    return provider


def register_dashboard_section(provider: DashboardSectionProvider) -> DashboardSectionProvider:
    if provider not in _dashboard_sections:
        _dashboard_sections.append(provider)
    return provider


def course_sections(user: Any, course: Any) -> list[Section]:
    sections = [s for p in _course_sections if (s := p(user, course)) is not None]
    return sorted(sections, key=lambda s: s.order)


def dashboard_sections(user: Any) -> list[Section]:
    sections = [s for p in _dashboard_sections if (s := p(user)) is not None]
    return sorted(sections, key=lambda s: s.order)
