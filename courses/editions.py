"""Language editions of one course: ``edition_of`` in course.yaml, and which edition to show.

Each edition is its own course folder (its own slug, ``language`` and files); the editions of
one course share a key: ``edition_of`` names the slug of the course they are editions of (the
reference edition may leave it out or name itself). The catalogue shows one card per key, in
the edition of the interface's language when there is one; ``flask courses check`` verifies that
the editions are parallel (``courses.edition_parity``). Pure functions: no request, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from courses.problems import CourseProblems

if TYPE_CHECKING:
    from courses.catalogue import Course


#: Names of the languages, each written in its own language (a link to an edition is read in
#: the language it leads to, as a language picker is: these are not interface strings).
LANGUAGE_NAMES = {"en": "English", "fr": "français"}
ALSO_IN = {"en": "Also in English", "fr": "Aussi en français"}

#: The order editions are listed in when no language is preferred.
LANGUAGE_ORDER = ("en", "fr")


def parse_edition_of(data: Mapping, slug: str, problems: CourseProblems) -> str | None:
    """``edition_of`` from a course.yaml that passed its schema: the slug of the course this
    folder is an edition of (None when absent or naming the folder itself)."""
    value = data.get("edition_of")
    return value if value != slug else None


def language_rank(language: str) -> int:
    return LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else len(LANGUAGE_ORDER)


def editions_of(course: Course, courses: Iterable[Course]) -> list[Course]:
    """Every edition of ``course`` among ``courses`` (itself included), in language order."""
    key = course.edition_key
    found = [c for c in courses if c.edition_key == key]
    if course not in found:
        found.append(course)
    return sorted(found, key=lambda c: (c.slug != key, language_rank(c.language), c.slug))


def pick_edition(group: list[Course], language: str, enrolled: Collection[str] = ()) -> Course:
    """The edition to show: the one the learner is enrolled in, else the one in ``language``,
    else the reference edition (the one whose slug is the key), else the first."""
    for course in group:
        if course.slug in enrolled:
            return course
    for course in group:
        if course.language == language:
            return course
    return group[0]


@dataclass(frozen=True)
class Card:
    """One course in the catalogue: the edition shown, and its other editions."""

    course: Course
    others: tuple[Course, ...] = ()


def catalogue_cards(
    courses: Iterable[Course], language: str, enrolled: Collection[str] = ()
) -> list[Card]:
    """One card per course (not per edition), sorted by the title of the edition shown."""
    groups: dict[str, list[Course]] = {}
    for course in courses:
        groups.setdefault(course.edition_key, []).append(course)
    cards = []
    for key, group in groups.items():
        group.sort(key=lambda c: (c.slug != key, language_rank(c.language), c.slug))
        shown = pick_edition(group, language, enrolled)
        cards.append(Card(shown, tuple(c for c in group if c is not shown)))
    return sorted(cards, key=lambda card: card.course.title.lower())


def enrolled_edition(course: Course, courses: Iterable[Course], enrolled: Collection[str]):
    """The other edition of ``course`` the learner is enrolled in (None when there is none)."""
    return next(
        (c for c in editions_of(course, courses) if c.slug != course.slug and c.slug in enrolled),
        None,
    )
