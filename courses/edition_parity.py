"""Parity of two editions of one course: the same structure, only the words differ.

``compare_editions(reference, edition)`` returns one Problem per difference, reported on the
edition's file and line and naming the reference's file and line, so that a fix made in one
edition and missing in the other is caught by ``flask courses check``. What must be the same:
the module stems (in order) and which module has a quiz, the role-play slugs, the completion
rules, the hours, the competency blocks (declared and served); in each quiz its settings, its
question ids (in order), types, points and the keys of every answer that is not text (the
correct choices, true/false, numbers, how many pairs and items); in each role-play its
competencies, start, node ids, and per node its choices (count, order, targets, points,
critical flags) or its ending (outcome, cap). Text (titles, prompts, short-answer keys,
feedback, debriefs) is the translator's and is not compared. Editions must differ in language.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from courses.catalogue import Course, Module
from courses.glossary import GLOSSARY_FILE, sort_key
from courses.problems import WARNING
from courses.scenario import Node, Scenario
from quizzes.model import Question, Quiz
from training.content_source import ContentError, Problem, line_of, load_yaml_file

PREFIX = "edition differs from"


@dataclass(frozen=True)
class Side:
    """One edition as the checker names it: the course and the folder as printed."""

    course: Course
    display: str

    def path(self, relative: str) -> str:
        return f"{self.display.rstrip('/')}/{relative}"

    def course_lines(self) -> Any:
        try:
            return load_yaml_file(self.course.path / "course.yaml")
        except (ContentError, OSError):
            return {}


class Parity:
    def __init__(self, reference: Side, edition: Side) -> None:
        self.ref = reference
        self.ed = edition
        self.problems: list[Problem] = []
        self.ref_yaml = reference.course_lines()
        self.ed_yaml = edition.course_lines()

    # -- reporting ----------------------------------------------------------------------------

    def differ(self, here: tuple[str, int], there: tuple[str, int], message: str) -> None:
        warning = message.startswith(WARNING)
        if warning:
            message = message[len(WARNING) :].lstrip()
        text = f"{PREFIX} {there[0]}:{there[1]}: {message}"
        self.problems.append(Problem(here[0], here[1], f"{WARNING} {text}" if warning else text))

    def course_key(self, key: str, sub: str | None = None) -> tuple[tuple, tuple]:
        """Where ``key`` (or ``key.sub``) is written in each course.yaml."""

        def where(side: Side, data: Any) -> tuple[str, int]:
            line = line_of(data, key) if isinstance(data, dict) else 1
            inner = data.get(key) if isinstance(data, dict) else None
            if sub is not None and isinstance(inner, dict):
                line = line_of(inner, sub, line)
            return side.path("course.yaml"), line

        return where(self.ed, self.ed_yaml), where(self.ref, self.ref_yaml)

    # -- the course ---------------------------------------------------------------------------

    def run(self) -> list[Problem]:
        ref, ed = self.ref.course, self.ed.course
        if ref.language == ed.language:
            self.differ(
                *self.course_key("language"),
                f"both editions are in {ed.language!r}: each edition has its own language",
            )
        if ref.hours != ed.hours:
            self.differ(
                *self.course_key("hours"), f"'hours' is {ed.hours:g} here, {ref.hours:g} there"
            )
        self.names("modules", [m.stem for m in ed.modules], [m.stem for m in ref.modules])
        self.names("roleplays", [r.slug for r in ed.roleplays], [r.slug for r in ref.roleplays])
        names = {m.stem for m in ed.modules} | {r.slug for r in ed.roleplays}
        names &= {m.stem for m in ref.modules} | {r.slug for r in ref.roleplays}
        names -= {m.stem for m in ed.modules if (m.quiz is None) != (ref.quiz(m.stem) is None)}
        for rule in fields(ed.completion):
            mine, theirs = getattr(ed.completion, rule.name), getattr(ref.completion, rule.name)
            if rule.name in ("modules", "quizzes", "roleplays"):  # a missing name is reported
                mine = sorted(n for n in mine if n in names)
                theirs = sorted(n for n in theirs if n in names)
            if mine != theirs:
                self.differ(
                    *self.course_key("completion", rule.name),
                    f"completion rule {rule.name!r} is {_show(mine)} here, {_show(theirs)} there",
                )
        ed_blocks, ref_blocks = [b.id for b in ed.blocks], [b.id for b in ref.blocks]
        if ed_blocks != ref_blocks:
            self.differ(
                *self.course_key("blocks"),
                f"the blocks are {_show(ed_blocks)} here, {_show(ref_blocks)} there",
            )
        for module in ed.modules:
            other = ref.module(module.stem)
            if other is not None:
                self.module(module, other)
        for scenario in ed.roleplays:
            other = ref.roleplay(scenario.slug)
            if other is not None:
                self.roleplay(scenario, other)
        self.glossary()
        return self.problems

    def glossary(self) -> None:
        """Each term's ``equivalent`` is a term (or a form of one) of the other glossary."""
        mine, theirs = self.ed.course.glossary, self.ref.course.glossary
        for terms, others, side, other_side in (
            (mine, theirs, self.ed, self.ref),
            (theirs, mine, self.ref, self.ed),
        ):
            if not terms or not others:
                continue
            known = {sort_key(w) for t in others for w in (t.term, *t.forms)}
            for term in terms:
                if not term.equivalent:
                    message = f"warning: the glossary term {term.term!r} has no 'equivalent'"
                elif sort_key(term.equivalent) not in known:
                    message = (
                        f"warning: the equivalent {term.equivalent!r} of {term.term!r} is not "
                        "a term of the other edition's glossary"
                    )
                else:
                    continue
                self.differ(
                    (side.path(GLOSSARY_FILE), term.line),
                    (other_side.path(GLOSSARY_FILE), 1),
                    message,
                )

    def names(self, key: str, mine: list[str], theirs: list[str]) -> None:
        here, there = self.course_key(key)
        item = {"modules": "module", "roleplays": "role-play"}[key]
        for name in theirs:
            if name not in mine:
                self.differ(here, there, f"{item} {name!r} is missing here")
        for name in mine:
            if name not in theirs:
                self.differ(here, there, f"{item} {name!r} is not in the other edition")
        common_mine = [n for n in mine if n in theirs]
        common_theirs = [n for n in theirs if n in mine]
        if common_mine != common_theirs:
            self.differ(
                here, there, f"the {key} are in another order: {_show(common_mine)} here, "
                f"{_show(common_theirs)} there",
            )  # fmt: skip

    # -- modules and quizzes ------------------------------------------------------------------

    def module(self, mine: Module, theirs: Module) -> None:
        here = (self.ed.path(f"modules/{mine.stem}.md"), 1)
        there = (self.ref.path(f"modules/{theirs.stem}.md"), 1)
        if mine.blocks != theirs.blocks:
            served = f"{_show(mine.blocks)} here, {_show(theirs.blocks)} there"
            self.differ(here, there, f"module {mine.stem!r} serves {served}")
        if (mine.quiz is None) != (theirs.quiz is None):
            has = "has" if mine.quiz is not None else "has no"
            self.differ(here, there, f"module {mine.stem!r} {has} quiz here, unlike there")
        elif mine.quiz is not None and theirs.quiz is not None:
            self.quiz(mine.quiz, theirs.quiz)

    def quiz(self, mine: Quiz, theirs: Quiz) -> None:
        def at(quiz: Quiz, line: int) -> tuple[str, int]:
            return quiz.source_path, line

        for setting in fields(mine.settings):
            a, b = getattr(mine.settings, setting.name), getattr(theirs.settings, setting.name)
            if a != b:
                self.differ(
                    at(mine, mine.setting_lines.get(setting.name, 1)),
                    at(theirs, theirs.setting_lines.get(setting.name, 1)),
                    f"quiz setting {setting.name!r} is {_show(a)} here, {_show(b)} there",
                )
        if mine.blocks != theirs.blocks:
            self.differ(
                at(mine, mine.setting_lines.get("blocks", 1)),
                at(theirs, theirs.setting_lines.get("blocks", 1)),
                f"the quiz serves {_show(mine.blocks)} here, {_show(theirs.blocks)} there",
            )
        mine_list = (mine.source_path, _key_line(self.ed.course, mine, "questions"))
        theirs_list = (theirs.source_path, _key_line(self.ref.course, theirs, "questions"))
        mine_ids = [q.id for q in mine.questions]
        theirs_ids = [q.id for q in theirs.questions]
        for question in theirs.questions:
            if mine.question(question.id) is None:
                self.differ(
                    mine_list,
                    at(theirs, question.line),
                    f"question {question.id!r} is missing here",
                )
        for question in mine.questions:
            other = theirs.question(question.id)
            if other is None:
                self.differ(
                    at(mine, question.line),
                    theirs_list,
                    f"question {question.id!r} is not in the other edition",
                )
            else:
                for message in question_differences(question, other):
                    self.differ(at(mine, question.line), at(theirs, other.line), message)
        common_mine = [i for i in mine_ids if i in theirs_ids]
        common_theirs = [i for i in theirs_ids if i in mine_ids]
        if common_mine != common_theirs:
            first = next(a for a, b in zip(common_mine, common_theirs, strict=True) if a != b)
            self.differ(
                at(mine, mine.question(first).line),  # type: ignore[union-attr]
                at(theirs, theirs.question(first).line),  # type: ignore[union-attr]
                f"the questions are in another order (from {first!r} on)",
            )

    # -- role-plays ---------------------------------------------------------------------------

    def roleplay(self, mine: Scenario, theirs: Scenario) -> None:
        here, there = (mine.source_path, 1), (theirs.source_path, 1)
        if mine.competencies != theirs.competencies:
            self.differ(
                here, there, f"the competencies are {_show(mine.competencies)} here, "
                f"{_show(theirs.competencies)} there",
            )  # fmt: skip
        if mine.start != theirs.start:
            self.differ(here, there, f"'start' is {mine.start!r} here, {theirs.start!r} there")
        if mine.blocks != theirs.blocks:
            self.differ(
                here, there,
                f"the role-play serves {_show(mine.blocks)} here, {_show(theirs.blocks)} there",
            )  # fmt: skip
        for node_id, node in theirs.nodes.items():
            if node_id not in mine.nodes:
                self.differ(here, (there[0], node.line), f"node {node_id!r} is missing here")
        for node_id, node in mine.nodes.items():
            other = theirs.nodes.get(node_id)
            if other is None:
                self.differ(
                    (here[0], node.line), there, f"node {node_id!r} is not in the other edition"
                )
                continue
            for line, other_line, message in node_differences(node, other):
                self.differ((here[0], line), (there[0], other_line), message)


def question_differences(mine: Question, theirs: Question) -> list[str]:
    """What differs in the structure and the non-text keys of two questions of one id."""
    name = f"question {mine.id!r}"
    if mine.type != theirs.type:
        return [f"{name} is {mine.type!r} here, {theirs.type!r} there"]
    found = []
    if mine.points != theirs.points:
        found.append(f"{name} is worth {mine.points:g} points here, {theirs.points:g} there")
    if mine.type in ("single", "multiple"):
        a = [c.correct for c in mine.choices]
        b = [c.correct for c in theirs.choices]
        if len(a) != len(b):
            found.append(f"{name} has {len(a)} choices here, {len(b)} there")
        elif a != b:
            right_a = [i + 1 for i, c in enumerate(a) if c]
            right_b = [i + 1 for i, c in enumerate(b) if c]
            found.append(
                f"{name}: the correct choices are {_show(right_a)} here, {_show(right_b)} there"
            )
    elif mine.type in ("true_false", "numeric"):
        for key in ("answer", "tolerance", "min", "max"):
            a, b = getattr(mine, key), getattr(theirs, key)
            if a != b:
                found.append(f"{name}: {key!r} is {_show(a)} here, {_show(b)} there")
    elif mine.type == "matching" and len(mine.pairs) != len(theirs.pairs):
        found.append(f"{name} has {len(mine.pairs)} pairs here, {len(theirs.pairs)} there")
    elif mine.type == "ordering" and len(mine.items) != len(theirs.items):
        found.append(f"{name} has {len(mine.items)} items here, {len(theirs.items)} there")
    return found


def node_differences(mine: Node, theirs: Node) -> list[tuple[int, int, str]]:
    """What differs between two nodes of one id: (line here, line there, message)."""
    name = f"node {mine.id!r}"
    lines = (mine.line, theirs.line)
    if (mine.ending is None) != (theirs.ending is None):
        what = "an ending" if mine.ending is not None else "not an ending"
        return [(*lines, f"{name} is {what} here, unlike there")]
    found: list[tuple[int, int, str]] = []
    if mine.ending is not None and theirs.ending is not None:
        if mine.ending.outcome != theirs.ending.outcome:
            found.append(
                (*lines, f"{name} ends {mine.ending.outcome!r} here, "
                 f"{theirs.ending.outcome!r} there")
            )  # fmt: skip
        if mine.ending.max_score != theirs.ending.max_score:
            found.append(
                (*lines, f"{name}: 'max_score' is {_show(mine.ending.max_score)} here, "
                 f"{_show(theirs.ending.max_score)} there")
            )  # fmt: skip
        return found
    if len(mine.choices) != len(theirs.choices):
        return [
            (*lines, f"{name} has {len(mine.choices)} choices here, {len(theirs.choices)} there")
        ]
    for a, b in zip(mine.choices, theirs.choices, strict=True):
        choice = f"choice {a.index + 1} of {name}"
        where = (a.line, b.line)
        if a.next != b.next:
            found.append((*where, f"{choice} leads to {a.next!r} here, {b.next!r} there"))
        if dict(a.points) != dict(b.points):
            found.append(
                (
                    *where,
                    f"{choice} gives {_show(dict(a.points))} here, {_show(dict(b.points))} there",
                )
            )
        if a.is_critical != b.is_critical:
            state = "critical" if a.is_critical else "not critical"
            found.append((*where, f"{choice} is {state} here, unlike there"))
    return found


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def compare_editions(
    reference: Course, reference_display: str, edition: Course, edition_display: str
) -> list[Problem]:
    """Every difference of structure between ``edition`` and its ``reference`` edition."""
    return Parity(Side(reference, reference_display), Side(edition, edition_display)).run()


def edition_pairs(
    loaded: list[tuple[Course, str]],
) -> tuple[list[tuple[Side, Side]], list[Problem]]:
    """Pair each edition with its group's reference edition (the course whose slug is the
    shared key), and report an ``edition_of`` that names no course among ``loaded``."""
    by_slug = {course.slug: Side(course, display) for course, display in loaded}
    pairs: list[tuple[Side, Side]] = []
    problems: list[Problem] = []
    for course, display in loaded:
        if course.edition_of is None:
            continue
        reference = by_slug.get(course.edition_of)
        if reference is None:
            problems.append(
                Problem(
                    f"{display}/course.yaml",
                    _edition_of_line(course.path),
                    f"'edition_of' names {course.edition_of!r}, but no course folder of that "
                    "name loads beside this one",
                )
            )
        elif reference.course.edition_of is not None:
            problems.append(
                Problem(
                    f"{display}/course.yaml",
                    _edition_of_line(course.path),
                    f"'edition_of' names {course.edition_of!r}, which is itself an edition of "
                    f"{reference.course.edition_of!r}: name the reference edition",
                )
            )
        else:
            pairs.append((reference, by_slug[course.slug]))
    return pairs, problems


def _key_line(course: Course, quiz: Quiz, key: str) -> int:
    """The line of a top-level ``key:`` in the quiz file (1 when it cannot be read)."""
    file = course.path / "modules" / Path(quiz.source_path).name
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)


def _edition_of_line(folder: Path) -> int:
    try:
        return line_of(load_yaml_file(folder / "course.yaml"), "edition_of")
    except (ContentError, OSError):
        return 1
