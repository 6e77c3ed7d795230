"""Reading course folders into the catalogue, validated and rendered once per content version.

A course folder (see docs/content-format.md) is read by ``load_course``, which returns the Course
or, when anything is wrong, ``None`` and every problem found (``path:line: message``), so the
checker can print them all and the app can leave just that course out. Problems whose message
starts with ``"warning:"`` are warnings: they are reported but do not stop the course loading.

``get_catalogue`` caches what it built per content version (a hash of the file names, sizes and
modification times under ``COURSES_DIR``); with ``CONTENT_AUTO_RELOAD`` it looks for changes at
most once per second, and only a course whose own files changed is read and rendered again.
No Markdown is ever rendered while serving a request from the cache.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import posixpath
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from flask import current_app

from courses.catalogue import CertificateInfo, CompletionRules, Course, Module
from courses.roleplay import Scenario, load_scenario_file
from quizzes.formats import load_quiz_file
from quizzes.model import Quiz
from training import markdown
from training.content_blocks import (
    Block,
    BlockUse,
    check_block_usage,
    parse_block_refs,
    parse_course_blocks,
)
from training.content_source import (
    ContentError,
    LineDict,
    LineList,
    Problem,
    kind_of,
    line_of,
    load_yaml_file,
    split_front_matter,
)

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("en", "fr")
COURSE_REQUIRED = ("title", "summary", "language", "hours", "modules", "certificate")
COURSE_OPTIONAL = ("open", "objectives", "roleplays", "completion", "blocks")
COMPLETION_KEYS = ("pass_mark", "modules", "quizzes", "roleplays", "roleplay_min_score")
CERTIFICATE_KEYS = ("title", "signatory", "issuer")
MODULE_REQUIRED = ("title", "summary", "minutes", "objectives")
MODULE_OPTIONAL = ("blocks",)
QUIZ_SUFFIXES = (".quiz.yaml", ".quiz.gift")
KEPT_SCHEMES = ("http", "https", "mailto", "tel")
DEFAULT_PASS_MARK = 70.0
DEFAULT_ROLEPLAY_MIN_SCORE = 60.0
RECHECK_SECONDS = 1.0

stats = {"modules_rendered": 0}
"""How many module bodies were rendered since start (lets tests see the cache at work)."""


def is_warning(problem: Problem) -> bool:
    return problem.message.startswith("warning:")


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if not is_warning(p)]


# --------------------------------------------------------------------------------------------
# Small validation helpers


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _own_line(value: Any, default: int = 1) -> int:
    return value.line if isinstance(value, (LineDict, LineList)) else default


class _Problems:
    """Collects problems for one course, with paths shown as ``<display>/<relative path>``."""

    def __init__(self, display: str) -> None:
        self.display = display.rstrip("/") or "."
        self.items: list[Problem] = []

    def path(self, relative: str) -> str:
        return f"{self.display}/{relative}"

    def add(self, relative: str, line: int, message: str) -> None:
        self.items.append(Problem(self.path(relative), line, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def check_keys(
        self,
        relative: str,
        mapping: dict,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        where: str = "",
    ) -> None:
        allowed = ", ".join((*required, *optional))
        for key in mapping:
            if key not in required and key not in optional:
                self.add(
                    relative,
                    line_of(mapping, key, _own_line(mapping)),
                    f"unknown key {key!r}{where} (allowed: {allowed})",
                )
        for key in required:
            if key not in mapping:
                self.add(relative, _own_line(mapping), f"missing {key!r}{where}")

    def text(self, relative: str, mapping: dict, key: str, where: str = "") -> str:
        if key not in mapping:
            return ""
        value = mapping[key]
        if _is_text(value):
            return value.strip()
        hint = ""
        if isinstance(value, (bool, int, float)):
            hint = " (put it in quotes: YAML reads yes, no, on, off and numbers as values)"
        self.add(
            relative,
            line_of(mapping, key, _own_line(mapping)),
            f"{key!r}{where} must be non-empty text, not {kind_of(value)}{hint}",
        )
        return ""

    def text_list(self, relative: str, mapping: dict, key: str, required: bool) -> list[str]:
        if key not in mapping:
            return []
        value = mapping[key]
        line = line_of(mapping, key, _own_line(mapping))
        if not isinstance(value, list) or (required and not value):
            empty = isinstance(value, list)
            self.add(
                relative,
                line,
                f"{key!r} must be a non-empty list of text, "
                + ("it is empty" if empty else f"not {kind_of(value)}"),
            )
            return []
        items: list[str] = []
        for index, item in enumerate(value):
            if _is_text(item):
                items.append(item.strip())
            else:
                self.add(
                    relative,
                    line_of(value, index, line),
                    f"each item of {key!r} must be text, not {kind_of(item)}",
                )
        return items


def _percent(problems: _Problems, mapping: dict, key: str, default: float, where: str) -> float:
    if key not in mapping:
        return default
    value = mapping[key]
    if _is_number(value) and 0 <= value <= 100:
        return float(value)
    problems.add(
        "course.yaml",
        line_of(mapping, key, _own_line(mapping)),
        f"{key!r}{where} must be a percentage from 0 to 100, not {value!r}",
    )
    return default


# --------------------------------------------------------------------------------------------
# One course


@dataclass
class _Listed:
    """A list of stems or slugs from course.yaml, with the line of each."""

    names: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)


def folder_version(folder: Path) -> str:
    """A hash of the names, sizes and modification times of every file under ``folder``."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            try:
                info = os.stat(full)
            except OSError:
                continue
            relative = os.path.relpath(full, folder)
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def load_course(path: Path, display: str | None = None) -> tuple[Course | None, list[Problem]]:
    """Validate and load one course folder: ``(course, warnings)`` or ``(None, problems)``.

    ``display`` is how the folder is named in problems (default: ``path`` as given).
    """
    return _CourseLoader(Path(path), display if display is not None else str(path)).load()


class _CourseLoader:
    def __init__(self, folder: Path, display: str) -> None:
        self.folder = folder
        self.slug = folder.resolve().name
        self.problems = _Problems(display)

    # -- course.yaml -----------------------------------------------------------------------

    def load(self) -> tuple[Course | None, list[Problem]]:
        version = folder_version(self.folder)
        course_file = self.folder / "course.yaml"
        if not course_file.is_file():
            self.problems.add("course.yaml", 1, "missing course.yaml: not a course folder")
            return None, self.problems.items
        try:
            data = load_yaml_file(course_file, self.problems.path("course.yaml"))
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None, self.problems.items
        if not isinstance(data, dict):
            self.problems.add(
                "course.yaml",
                _own_line(data),
                "course.yaml must be a mapping with " + ", ".join(COURSE_REQUIRED),
            )
            return None, self.problems.items
        if not SLUG_RE.match(self.slug):
            self.problems.add(
                "course.yaml",
                1,
                f"the folder name {self.slug!r} must be a slug "
                "(lowercase letters, digits and hyphens)",
            )
        p = self.problems
        p.check_keys("course.yaml", data, COURSE_REQUIRED, COURSE_OPTIONAL)
        title = p.text("course.yaml", data, "title")
        summary = p.text("course.yaml", data, "summary")
        language = self.language(data)
        hours = self.hours(data)
        is_open = self.open_flag(data)
        objectives = p.text_list("course.yaml", data, "objectives", required=False)
        module_list = self.listed(data, "modules", "modules", ".md", required=True)
        roleplay_list = self.listed(data, "roleplays", "roleplays", ".yaml", required=False)
        certificate = self.certificate(data)
        self.unlisted_files(module_list, roleplay_list)

        modules = self.modules(module_list)
        roleplays = self.roleplays(roleplay_list)
        completion = self.completion(data, module_list, modules, roleplay_list)
        blocks = parse_course_blocks(
            data, lambda line, message: p.add("course.yaml", line, message)
        )
        self.check_blocks(data, blocks, modules, roleplays)

        problems = sorted(set(p.items))
        if errors_in(problems) or completion is None or certificate is None:
            return None, problems
        course = Course(
            slug=self.slug,
            title=title,
            summary=summary,
            language=language,
            hours=hours,
            open=is_open,
            objectives=tuple(objectives),
            modules=tuple(modules),
            roleplays=tuple(roleplays),
            completion=completion,
            certificate=certificate,
            version=version,
            path=self.folder,
            blocks=blocks,
        )
        return course, problems

    def check_blocks(
        self,
        data: dict,
        blocks: tuple[Block, ...],
        modules: list[Module],
        roleplays: list[Scenario],
    ) -> None:
        """Every block a module, quiz or role-play names is declared; each declared one serves."""
        files = [(f"modules/{m.stem}.md", m.blocks) for m in modules]
        files += [
            (f"modules/{Path(m.quiz.source_path).name}", m.quiz.blocks) for m in modules if m.quiz
        ]
        files += [(f"roleplays/{r.slug}.yaml", r.blocks) for r in roleplays]
        if not blocks and not any(names for _, names in files):
            return
        uses = [
            BlockUse(relative, _line_of_key(self.folder / relative, "blocks"), names)
            for relative, names in files
        ]
        line = line_of(data, "blocks")
        for path, problem_line, message in check_block_usage(blocks, uses, "course.yaml", line):
            self.problems.add(path, problem_line, message)

    def language(self, data: dict) -> str:
        value = data.get("language")
        if "language" in data and value not in LANGUAGES:
            self.problems.add(
                "course.yaml",
                line_of(data, "language"),
                f"'language' must be one of {', '.join(LANGUAGES)}, not {value!r}",
            )
        return value if value in LANGUAGES else "en"

    def hours(self, data: dict) -> float:
        value = data.get("hours")
        if "hours" in data and not (_is_number(value) and value > 0):
            self.problems.add(
                "course.yaml",
                line_of(data, "hours"),
                f"'hours' must be a positive number, not {kind_of(value)}",
            )
            return 0
        return value if _is_number(value) else 0

    def open_flag(self, data: dict) -> bool:
        value = data.get("open", True)
        if not isinstance(value, bool):
            self.problems.add(
                "course.yaml",
                line_of(data, "open"),
                f"'open' must be true or false, not {kind_of(value)}",
            )
            return False
        return value

    def listed(self, data: dict, key: str, folder: str, suffix: str, required: bool) -> _Listed:
        """Check a list of stems/slugs in course.yaml and that each names a file."""
        listed = _Listed()
        if key not in data:
            return listed
        value = data[key]
        line = line_of(data, key)
        if not isinstance(value, list) or (required and not value):
            what = "it is empty" if isinstance(value, list) else f"not {kind_of(value)}"
            self.problems.add("course.yaml", line, f"{key!r} must be a non-empty list, {what}")
            return listed
        for index, name in enumerate(value):
            item_line = line_of(value, index, line)
            if not isinstance(name, str) or not SLUG_RE.match(name):
                self.problems.add(
                    "course.yaml",
                    item_line,
                    f"{name!r} in {key!r} must be a file name without its extension "
                    "(lowercase letters, digits and hyphens)",
                )
            elif name in listed.lines:
                self.problems.add(
                    "course.yaml",
                    item_line,
                    f"{name!r} is listed twice in {key!r} (first on line {listed.lines[name]})",
                )
            elif not (self.folder / folder / f"{name}{suffix}").is_file():
                self.problems.add(
                    "course.yaml",
                    item_line,
                    f"{name!r} is listed in {key!r} but {folder}/{name}{suffix} does not exist",
                )
            else:
                listed.names.append(name)
                listed.lines[name] = item_line
        return listed

    def unlisted_files(self, modules: _Listed, roleplays: _Listed) -> None:
        module_dir = self.folder / "modules"
        all_module_stems = (
            {f.name[:-3] for f in module_dir.glob("*.md")} if module_dir.is_dir() else set()
        )
        for file in sorted(module_dir.glob("*.md")) if module_dir.is_dir() else []:
            if file.name[:-3] not in modules.lines:
                self.problems.add(
                    f"modules/{file.name}",
                    1,
                    f"module {file.name[:-3]!r} is not listed in course.yaml 'modules'",
                )
        for suffix in QUIZ_SUFFIXES:
            for file in sorted(module_dir.glob(f"*{suffix}")) if module_dir.is_dir() else []:
                stem = file.name[: -len(suffix)]
                if stem not in all_module_stems:
                    self.problems.add(
                        f"modules/{file.name}",
                        1,
                        f"quiz for a module that does not exist: modules/{stem}.md",
                    )
        roleplay_dir = self.folder / "roleplays"
        for file in sorted(roleplay_dir.glob("*.yaml")) if roleplay_dir.is_dir() else []:
            if file.name[:-5] not in roleplays.lines:
                self.problems.add(
                    f"roleplays/{file.name}",
                    1,
                    f"role-play {file.name[:-5]!r} is not listed in course.yaml 'roleplays'",
                )

    def certificate(self, data: dict) -> CertificateInfo | None:
        if "certificate" not in data:
            return None
        value = data["certificate"]
        if not isinstance(value, dict):
            self.problems.add(
                "course.yaml",
                line_of(data, "certificate"),
                "'certificate' must be a mapping with " + ", ".join(CERTIFICATE_KEYS),
            )
            return None
        where = " in 'certificate'"
        self.problems.check_keys("course.yaml", value, CERTIFICATE_KEYS, (), where)
        fields = [self.problems.text("course.yaml", value, k, where) for k in CERTIFICATE_KEYS]
        return CertificateInfo(*fields) if all(fields) else None

    def completion(
        self,
        data: dict,
        module_list: _Listed,
        modules: list[Module],
        roleplay_list: _Listed,
    ) -> CompletionRules | None:
        value = data.get("completion", LineDict())
        where = " in 'completion'"
        if not isinstance(value, dict):
            self.problems.add(
                "course.yaml",
                line_of(data, "completion"),
                "'completion' must be a mapping with " + ", ".join(COMPLETION_KEYS),
            )
            return None
        self.problems.check_keys("course.yaml", value, (), COMPLETION_KEYS, where)
        pass_mark = _percent(self.problems, value, "pass_mark", DEFAULT_PASS_MARK, where)
        min_score = _percent(
            self.problems, value, "roleplay_min_score", DEFAULT_ROLEPLAY_MIN_SCORE, where
        )
        with_quiz = [m.stem for m in modules if m.quiz is not None]
        required_modules = self.selection(value, "modules", module_list.names, module_list.names)
        required_quizzes = self.selection(value, "quizzes", with_quiz, module_list.names)
        required_roleplays = self.selection(
            value, "roleplays", roleplay_list.names, roleplay_list.names
        )
        if "quizzes" in value and isinstance(value["quizzes"], list):
            for index, stem in enumerate(value["quizzes"]):
                if stem in module_list.lines and stem not in with_quiz and modules:
                    self.problems.add(
                        "course.yaml",
                        line_of(value["quizzes"], index, line_of(value, "quizzes")),
                        f"module {stem!r} is required in 'quizzes' but has no quiz file",
                    )
        return CompletionRules(
            pass_mark=pass_mark,
            modules=tuple(required_modules),
            quizzes=tuple(required_quizzes),
            roleplays=tuple(required_roleplays),
            roleplay_min_score=min_score,
        )

    def selection(
        self, mapping: dict, key: str, all_names: list[str], known: list[str]
    ) -> list[str]:
        """Resolve ``all`` | ``none`` | [names] to an explicit list."""
        value = mapping.get(key, "all")
        line = line_of(mapping, key, _own_line(mapping))
        if value == "all":
            return list(all_names)
        if value == "none" or value == []:
            return []
        if not isinstance(value, list):
            self.problems.add(
                "course.yaml",
                line,
                f"{key!r} in 'completion' must be all, none or a list, not {value!r}",
            )
            return []
        chosen: list[str] = []
        for index, name in enumerate(value):
            if name not in known:
                self.problems.add(
                    "course.yaml",
                    line_of(value, index, line),
                    f"{name!r} in 'completion' {key!r} is not in the course's {key!r}"
                    if key != "quizzes"
                    else f"{name!r} in 'completion' 'quizzes' is not a module of the course",
                )
            elif name not in chosen:
                chosen.append(name)
        return chosen

    # -- modules ---------------------------------------------------------------------------

    def modules(self, listed: _Listed) -> list[Module]:
        modules: list[Module] = []
        for index, stem in enumerate(listed.names, start=1):
            module = self.module(stem, index, listed)
            if module is not None:
                modules.append(module)
        return modules

    def module(self, stem: str, index: int, listed: _Listed) -> Module | None:
        relative = f"modules/{stem}.md"
        shown = self.problems.path(relative)
        file = self.folder / relative
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problems.add(relative, 1, f"not valid UTF-8: {exc.reason}")
            return None
        try:
            meta, body, body_line = split_front_matter(text, shown)
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None
        if not isinstance(meta, dict):
            self.problems.add(
                relative,
                1,
                "the front matter must be a mapping with " + ", ".join(MODULE_REQUIRED),
            )
            return None
        p = self.problems
        p.check_keys(relative, meta, MODULE_REQUIRED, MODULE_OPTIONAL)
        title = p.text(relative, meta, "title")
        summary = p.text(relative, meta, "summary")
        minutes = meta.get("minutes")
        if "minutes" in meta and not (isinstance(minutes, int) and not isinstance(minutes, bool)
                                      and minutes > 0):  # fmt: skip
            p.add(
                relative,
                line_of(meta, "minutes"),
                f"'minutes' must be a positive whole number, not {kind_of(minutes)}",
            )
            minutes = 0
        objectives = p.text_list(relative, meta, "objectives", required=True)
        blocks = parse_block_refs(meta, lambda line, message: p.add(relative, line, message))
        rendered = self.render(relative, body, body_line, listed)
        quiz = self.quiz(stem)
        stats["modules_rendered"] += 1
        return Module(
            stem=stem,
            index=index,
            title=title,
            summary=summary,
            minutes=minutes if isinstance(minutes, int) else 0,
            objectives=tuple(objectives),
            html=rendered.html,
            # Python-Markdown gives TOC titles as escaped HTML; templates escape them again.
            toc=[replace(e, title=html.unescape(e.title)) for e in rendered.toc],
            quiz=quiz,
            blocks=blocks,
        )

    def quiz(self, stem: str) -> Quiz | None:
        files = [self.folder / "modules" / f"{stem}{s}" for s in QUIZ_SUFFIXES]
        present = [f for f in files if f.is_file()]
        if not present:
            return None
        if len(present) > 1:
            self.problems.add(
                f"modules/{present[1].name}",
                1,
                f"module {stem!r} has two quizzes: keep {present[0].name} or {present[1].name}",
            )
        file = present[0]
        quiz, problems = load_quiz_file(
            file, self.problems.path(f"modules/{file.name}"), render=markdown.render_markdown
        )
        self.problems.extend(problems)
        return quiz

    def render(
        self, relative: str, body: str, body_line: int, listed: _Listed
    ) -> markdown.RenderedMarkdown:
        """Render a module body, rewriting module links and media; report bad targets."""
        lines = body.splitlines()
        # The page shows the title as its only h1: drop the body's own leading "# Title".
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and re.match(r"^#\s", lines[first]):
            text = "\n".join(lines[:first] + [""] + lines[first + 1 :])
        else:
            text = body
        found: list[tuple[str, str]] = []  # (message, raw value)

        def rewrite(tag: str, attribute: str, value: str) -> str | None:
            result, message = self.rewrite_url(tag, value, listed)
            if message:
                found.append((message, value))
            return result

        rendered = markdown.render(text, rewrite)
        rendered = replace(rendered, html=scrollable_tables(rendered.html))
        for message, value in dict.fromkeys(found):
            line = next(
                (body_line + i for i, source in enumerate(lines) if value in source), body_line
            )
            self.problems.add(relative, line, message)
        return rendered

    def rewrite_url(self, tag: str, value: str, listed: _Listed) -> tuple[str | None, str]:
        """The URL to keep (None drops it) and a problem message ('' when fine).

        Module pages live at ``/courses/<slug>/<stem>`` and media at
        ``/courses/<slug>/media/<file>``, so relative URLs reach both from any module page.
        """
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            return None, f"warning: unreadable link dropped: {value!r}"
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if parts.scheme:
            if parts.scheme.lower() in KEPT_SCHEMES:
                return value, ""
            return None, f"warning: link with a {parts.scheme!r} address dropped"
        if parts.netloc or parts.path.startswith("/") or parts.path.startswith("\\"):
            return None, f"warning: link outside the course dropped: {value!r}"
        if not parts.path:
            return (value, "") if fragment else (None, "")
        path = unquote(parts.path)
        resolved = posixpath.normpath(posixpath.join("modules", path))
        if path.endswith(".md"):
            stem = posixpath.basename(path)[:-3]
            if resolved == f"modules/{stem}.md" and stem in listed.lines:
                return f"{stem}{fragment}", ""
            return None, f"link to a missing module: {value!r}"
        if resolved.startswith("media/") and "\\" not in resolved:
            file = self.folder / resolved
            if file.is_file():
                return f"media/{quote(resolved[len('media/') :])}{fragment}", ""
            what = "missing image" if tag == "img" else "link to a missing file"
            return None, f"{what}: {value!r} (no such file in media/)"
        if tag == "img":
            return None, f"missing image: {value!r} (images must be in the course's media/)"
        return None, f"warning: link outside the course dropped: {value!r}"

    # -- role-plays ------------------------------------------------------------------------

    def roleplays(self, listed: _Listed) -> list[Scenario]:
        scenarios: list[Scenario] = []
        for slug in listed.names:
            relative = f"roleplays/{slug}.yaml"
            scenario, problems = load_scenario_file(
                self.folder / relative,
                self.problems.path(relative),
                slug,
                render=markdown.render_markdown,
            )
            self.problems.extend(problems)
            if scenario is not None:
                scenarios.append(scenario)
        return scenarios


_TABLE_RE = re.compile(r"<table>.*?</table>", re.S)
_HEADER_RE = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def _line_of_key(file: Path, key: str) -> int:
    """The line where a top-level ``key:`` is written in a YAML or front-matter file (else 1)."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)


def scrollable_tables(safe_html: str) -> str:
    """Wrap each table of sanitised HTML in a focusable, labelled scrolling region.

    A wide table scrolls sideways on a phone; keyboard users need to reach that region, and
    screen readers a name for it (its column headers). Empty corner headers become plain cells.
    """

    def wrap(match: re.Match[str]) -> str:
        table = match.group(0).replace("<th></th>", "<td></td>")
        headers = [_TAG_RE.sub("", h).strip() for h in _HEADER_RE.findall(table)]
        label = ", ".join(h for h in headers if h)[:200]
        # ``label`` comes from already sanitised and escaped HTML text: safe in an attribute
        # once quotes are escaped.
        label = label.replace('"', "&quot;")
        return (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'
            f"{table}</div>"
        )

    return _TABLE_RE.sub(wrap, safe_html)


# --------------------------------------------------------------------------------------------
# The catalogue and its cache


@dataclass(frozen=True)
class Catalogue:
    courses: dict[str, Course]  # only the valid ones, by slug
    problems: dict[str, list[Problem]]  # per broken course folder name
    version: str = ""


@dataclass
class _Entry:
    version: str
    course: Course | None
    problems: list[Problem]


@dataclass
class _Cache:
    version: str | None = None
    checked_at: float = 0.0
    catalogue: Catalogue | None = None
    entries: dict[str, _Entry] = field(default_factory=dict)


_lock = threading.Lock()
_caches: dict[str, _Cache] = {}


def course_folders(root: Path) -> list[Path]:
    """The folders under ``root`` that hold a course.yaml, by name."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        and (p / "course.yaml").is_file()
    )  # fmt: skip


def get_catalogue(refresh: bool = False) -> Catalogue:
    """The catalogue for the app's COURSES_DIR (from the cache unless the files changed).

    ``refresh`` looks for changes now, whatever the once-per-second throttle says.
    """
    root = Path(current_app.config["COURSES_DIR"])
    auto = current_app.config.get("CONTENT_AUTO_RELOAD", True)
    key = str(root.resolve())
    now = time.monotonic()
    cache = _caches.get(key)
    if cache is not None and cache.catalogue is not None:
        stale = refresh or (auto and now - cache.checked_at >= RECHECK_SECONDS)
        if not stale:
            return cache.catalogue
    with _lock:
        cache = _caches.setdefault(key, _Cache())
        folders = course_folders(root)
        versions = {folder.name: folder_version(folder) for folder in folders}
        version = hashlib.sha256(repr(sorted(versions.items())).encode()).hexdigest()[:16]
        cache.checked_at = now
        if cache.catalogue is not None and version == cache.version:
            return cache.catalogue
        entries: dict[str, _Entry] = {}
        for folder in folders:
            entry = cache.entries.get(folder.name)
            if entry is None or entry.version != versions[folder.name]:
                course, problems = load_course(folder, f"{root.name}/{folder.name}")
                entry = _Entry(versions[folder.name], course, problems)
                _log(folder.name, entry)
            entries[folder.name] = entry
        cache.entries = entries
        cache.version = version
        cache.catalogue = Catalogue(
            courses={e.course.slug: e.course for e in entries.values() if e.course},
            problems={name: e.problems for name, e in entries.items() if e.course is None},
            version=version,
        )
        return cache.catalogue


def _log(name: str, entry: _Entry) -> None:
    if entry.course is None:
        current_app.logger.error(
            "Course %r is left out: %d problem(s)\n%s",
            name,
            len(errors_in(entry.problems)),
            "\n".join(str(p) for p in entry.problems),
        )
    else:
        for problem in entry.problems:
            current_app.logger.warning("%s", problem)


def get_course(slug: str) -> Course | None:
    """The valid course called ``slug`` (None when unknown or broken)."""
    return get_catalogue().courses.get(slug)


def clear_cache() -> None:
    """Forget every loaded course (tests; a deploy reloads anyway)."""
    with _lock:
        _caches.clear()
