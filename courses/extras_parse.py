"""Reading the placement quiz and the satisfaction survey a course.yaml may name.

- ``placement: placement.quiz.yaml``: a quiz file in the course folder (not under ``modules/``),
  taken once (``max_attempts: 1``) as a positioning test before the course. It never counts
  toward completion: it is not a module's quiz, so the progress service never sees it. Its
  attempts are stored under the stem ``placement`` (``PLACEMENT_STEM``).
- ``survey: survey.yaml``: the end-of-course survey (``courses.survey_model``):
  ``title``, optional ``intro``, and ``items`` with ``id``, ``type`` (likert or text) and
  ``prompt``; at least one Likert item, ids unique.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from courses.problems import CourseProblems, is_text
from courses.survey_model import ITEM_TYPES, LIKERT, Survey, SurveyItem
from quizzes.formats import load_quiz_file
from quizzes.model import Quiz
from training import markdown
from training.content_source import ContentError, kind_of, line_of, load_yaml_file, own_line

PLACEMENT_STEM = "placement"
ITEM_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
SURVEY_KEYS = ("title", "intro", "items")
ITEM_KEYS = ("id", "type", "prompt")


def _file_named(folder: Path, data: Mapping[str, Any], key: str, p: CourseProblems) -> Path | None:
    """The course-folder file that ``key`` names, if it exists (the course schema checked the
    name: a plain file name with the right suffix)."""
    if key not in data:
        return None
    value, line = data[key], line_of(data, key)
    path = folder / value
    if not path.is_file():
        p.add("course.yaml", line, f"{key!r} names {value}, which does not exist")
        return None
    return path


def read_placement(folder: Path, data: Mapping[str, Any], p: CourseProblems) -> Quiz | None:
    path = _file_named(folder, data, "placement", p)
    if path is None:
        return None
    quiz, problems = load_quiz_file(path, p.path(path.name), render=markdown.render_markdown)
    p.extend(problems)
    if quiz is None:
        return None
    if quiz.settings.max_attempts != 1:
        p.add(path.name, 1, "a placement quiz is taken once: set 'max_attempts: 1'")
    if not quiz.title:
        p.add(path.name, 1, "a placement quiz needs a 'title' (it belongs to no module)")
    return quiz


def read_survey(folder: Path, data: Mapping[str, Any], p: CourseProblems) -> Survey | None:
    path = _file_named(folder, data, "survey", p)
    if path is None:
        return None
    name = path.name
    try:
        raw = load_yaml_file(path, p.path(name))
    except ContentError as exc:
        p.extend(exc.problems)
        return None
    if not isinstance(raw, dict):
        p.add(name, own_line(raw), "a survey must be a mapping with title and items")
        return None
    p.check_keys(name, raw, ("title", "items"), ("intro",))
    title = p.text(name, raw, "title")
    intro = p.text(name, raw, "intro") if "intro" in raw else ""
    items = _items(raw, name, p)
    if not items:
        return None
    if not any(i.type == LIKERT for i in items):
        p.add(name, line_of(raw, "items"), "a survey needs at least one likert item")
        return None
    return Survey(title, intro, tuple(items)) if title else None


def _items(raw: Mapping[str, Any], name: str, p: CourseProblems) -> list[SurveyItem]:
    value = raw.get("items")
    line = line_of(raw, "items")
    if not isinstance(value, list) or not value:
        if "items" in raw:
            p.add(name, line, f"'items' must be a non-empty list, not {kind_of(value)}")
        return []
    items: list[SurveyItem] = []
    seen: dict[str, int] = {}
    ok = True
    for index, item in enumerate(value):
        item_line = line_of(value, index, line)
        if not isinstance(item, dict):
            p.add(
                name,
                item_line,
                f"each item must be a mapping (id, type, prompt), not {kind_of(item)}",
            )
            ok = False
            continue
        p.check_keys(name, item, ITEM_KEYS, (), " in a survey item")
        item_id, kind, prompt = item.get("id"), item.get("type"), item.get("prompt")
        if not isinstance(item_id, str) or not ITEM_ID_RE.match(item_id):
            p.add(
                name,
                line_of(item, "id", item_line),
                f"item id {item_id!r} must be a short lowercase name",
            )
            ok = False
        elif item_id in seen:
            p.add(
                name,
                item_line,
                f"item id {item_id!r} is used twice (first on line {seen[item_id]})",
            )
            ok = False
        else:
            seen[item_id] = item_line
        if kind not in ITEM_TYPES:
            p.add(
                name,
                line_of(item, "type", item_line),
                f"item type must be likert or text, not {kind!r}",
            )
            ok = False
        if not is_text(prompt):
            p.add(name, line_of(item, "prompt", item_line), "each item needs a 'prompt'")
            ok = False
        if ok:
            items.append(SurveyItem(item_id, kind, prompt.strip()))
    return items if ok else []
