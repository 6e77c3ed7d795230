"""Extension points for pages owned by courses but fed by higher features.

Quizzes, role-plays and certificates depend on courses, not the other way round; they add what
they know to the course page and the learner dashboard by registering a section provider:

    register_course_section(provider)   # provider(user, course) -> Section | None
    register_dashboard_section(provider)  # provider(user) -> Section | None

A Section names a template (rendered with its context) and an order key.

The learner's progress (requirements met, modules, quizzes, role-plays) is computed by the
certificates feature, which owns the completion rules; it registers the one provider:

    register_progress_provider(provider)  # provider(user, course) -> certificates Progress

and the courses pages read it with ``progress_of(user, course)`` (None without a provider).
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

ProgressProvider = Callable[[Any, Any], Any]

_course_sections: list[CourseSectionProvider] = []
_dashboard_sections: list[DashboardSectionProvider] = []
_progress_providers: list[ProgressProvider] = []


def register_progress_provider(provider: ProgressProvider) -> ProgressProvider:
    """Set THE progress provider (a second registration replaces the first)."""
    _progress_providers[:] = [provider]
    return provider


def progress_of(user: Any, course: Any) -> Any:
    """The learner's progress in ``course`` from the registered provider, or None."""
    if not _progress_providers or not getattr(user, "is_authenticated", False):
        return None
    return _progress_providers[0](user, course)


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
