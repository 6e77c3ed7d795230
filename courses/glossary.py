"""A course's glossary (``glossary.yaml``): the words of the job, and links to them from modules.

Each edition has its own glossary: a term, a short definition in the edition's language, its
equivalent in the other edition (``equivalent``) and, optionally, the other ``forms`` it is
written in (plural, feminine…). Learners who read French as a second language use it to learn
the job's vocabulary. ``link_first_uses`` turns the first use of each term in a module's HTML
into a link to the course's glossary page (``/courses/<slug>/glossary#term-<id>``), never inside
a heading, a link, code or a button.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape

from courses.problems import CourseProblems, own_line
from training.content_source import ContentError, kind_of, line_of, load_yaml_file

if TYPE_CHECKING:
    from courses.catalogue import Module

GLOSSARY_FILE = "glossary.yaml"
TERM_KEYS_REQUIRED = ("term", "definition")
TERM_KEYS_OPTIONAL = ("equivalent", "forms")
DEFINITION_MAX = 400  # characters: a short definition, not a lesson
PAGE = "glossary"  # the glossary page's path under the course (a module cannot be called so)


@dataclass(frozen=True)
class GlossaryTerm:
    id: str  # anchor on the glossary page: ``term-<id>``
    term: str
    definition: str
    equivalent: str = ""  # the same term in the other edition
    forms: tuple[str, ...] = ()  # other written forms that count as a use of the term
    line: int = 1

    @property
    def anchor(self) -> str:
        return f"term-{self.id}"


def term_id(text: str) -> str:
    """``relevé d’identité`` → ``releve-d-identite`` (ASCII, for anchors)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def sort_key(text: str) -> str:
    """Alphabetical order that ignores case, accents (é sorts with e) and the apostrophe's
    shape (’ or ')."""
    text = text.replace("’", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def read_glossary(
    folder: Path, problems: CourseProblems, module_lines: dict[str, int] | None = None
) -> tuple[GlossaryTerm, ...]:
    """The course's glossary (empty without ``glossary.yaml``); problems go to ``problems``.

    ``module_lines`` (stem: line in course.yaml) is checked for a module that the glossary
    page would hide (``/courses/<slug>/glossary``).
    """
    if module_lines and PAGE in module_lines:
        problems.add(
            "course.yaml",
            module_lines[PAGE],
            f"a module cannot be called {PAGE!r}: that is the address of the glossary page",
        )
    file = folder / GLOSSARY_FILE
    if not file.is_file():
        return ()
    try:
        data = load_yaml_file(file, problems.path(GLOSSARY_FILE))
    except ContentError as exc:
        problems.extend(exc.problems)
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        problems.add(
            GLOSSARY_FILE, own_line(data), "glossary.yaml must be a mapping with 'terms' (a list)"
        )
        return ()
    problems.check_keys(GLOSSARY_FILE, data, ("terms",), ())
    terms: list[GlossaryTerm] = []
    seen: dict[str, int] = {}
    raw_terms = data["terms"]
    for index, raw in enumerate(raw_terms):
        line = line_of(raw_terms, index, own_line(raw_terms))
        term = _term(raw, line, problems)
        if term is None:
            continue
        for written in (term.term, *term.forms):
            key = sort_key(written)
            if key in seen:
                problems.add(
                    GLOSSARY_FILE,
                    line,
                    f"{written!r} is already in the glossary (line {seen[key]})",
                )
                break
            seen[key] = line
        else:
            terms.append(term)
    return tuple(sorted(terms, key=lambda t: sort_key(t.term)))


def _term(raw: object, line: int, problems: CourseProblems) -> GlossaryTerm | None:
    if not isinstance(raw, dict):
        problems.add(
            GLOSSARY_FILE,
            line,
            f"each term must be a mapping with term and definition, not {kind_of(raw)}",
        )
        return None
    where = " in a glossary term"
    problems.check_keys(GLOSSARY_FILE, raw, TERM_KEYS_REQUIRED, TERM_KEYS_OPTIONAL, where)
    term = problems.text(GLOSSARY_FILE, raw, "term", where)
    definition = problems.text(GLOSSARY_FILE, raw, "definition", where)
    equivalent = problems.text(GLOSSARY_FILE, raw, "equivalent", where)
    forms = problems.text_list(GLOSSARY_FILE, raw, "forms", required=False)
    if not term or not definition:
        return None
    if not term_id(term):
        problems.add(GLOSSARY_FILE, line, f"the term {term!r} needs at least one letter or digit")
        return None
    if len(definition) > DEFINITION_MAX:
        problems.add(
            GLOSSARY_FILE,
            line_of(raw, "definition", line),
            f"warning: the definition of {term!r} has {len(definition)} characters: keep it "
            f"under {DEFINITION_MAX} (a short definition; the module teaches the rest)",
        )
    return GlossaryTerm(term_id(term), term, definition, equivalent, tuple(forms), line)


# --------------------------------------------------------------------------------------------
# Linking the first use of each term in a module

_SKIPPED = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "button", "summary"}
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*?(/?)>")
_APOSTROPHES = "['’]|&#x27;|&#39;"


def _pattern(written: str) -> str:
    """A regex for one written form: any apostrophe, any run of spaces; acronyms keep case."""
    parts = []
    for char in written:
        if char in "'’":
            parts.append(f"(?:{_APOSTROPHES})")
        elif char.isspace():
            parts.append(r"[\s\xa0\u202f]+")
        else:
            parts.append(re.escape(char))
    body = "".join(parts)
    letters = [c for c in written if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return body
    return f"(?i:{body})"


def _matcher(terms: Iterable[GlossaryTerm]) -> tuple[re.Pattern[str], dict[str, GlossaryTerm]]:
    forms: list[tuple[str, GlossaryTerm]] = []
    for term in terms:
        forms += [(written, term) for written in (term.term, *term.forms)]
    forms.sort(key=lambda item: len(item[0]), reverse=True)  # the longest form wins
    groups = {f"t{i}": term for i, (_, term) in enumerate(forms)}
    alternation = "|".join(f"(?P<t{i}>{_pattern(w)})" for i, (w, _) in enumerate(forms))
    return re.compile(rf"(?<![\w&#-])(?:{alternation})(?![\w-])"), groups


def link_first_uses(html: str, terms: tuple[GlossaryTerm, ...], page: str = PAGE) -> str:
    """``html`` with the first use of each term linked to ``page#term-<id>`` (sanitised HTML
    in, the same HTML out with ``<a class="glossary-term">`` added around text only)."""
    if not terms:
        return html
    pattern, groups = _matcher(terms)
    linked: set[str] = set()
    skipped_depth = 0
    out: list[str] = []
    position = 0

    def link_text(text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            term = groups[match.lastgroup or ""]
            if term.id in linked:
                return match.group(0)
            linked.add(term.id)
            href = escape(f"{page}#{term.anchor}")
            return f'<a class="glossary-term" href="{href}">{match.group(0)}</a>'

        return pattern.sub(replace, text)

    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        out.append(text if skipped_depth else link_text(text))
        out.append(tag.group(0))
        name = tag.group(2).lower()
        if name in _SKIPPED and not tag.group(3):
            skipped_depth += -1 if tag.group(1) else 1
            skipped_depth = max(skipped_depth, 0)
        position = tag.end()
    rest = html[position:]
    out.append(rest if skipped_depth else link_text(rest))
    return "".join(out)


def with_links(modules: list[Module], terms: tuple[GlossaryTerm, ...]) -> list[Module]:
    """The modules with the first use of each glossary term linked to the glossary page."""
    if not terms:
        return modules
    return [replace(m, html=link_first_uses(m.html, terms)) for m in modules]
