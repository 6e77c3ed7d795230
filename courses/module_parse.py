"""Reading the modules of a course: front matter, Markdown body, links and media, and quiz.

The front matter is validated against ``docs/schemas/module.schema.json``; the body's links and
images are checked here.

Each module body is rendered once per content version (``stats`` counts renders so tests can
see the cache at work). Links to other modules and to ``media/`` are rewritten so they work
from the module pages; anything pointing outside the course is dropped with a warning.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from courses.catalogue import Module
from courses.markdown_lints import lint_markdown
from courses.problems import CourseProblems
from quizzes.formats import load_quiz_file
from quizzes.model import Quiz
from training import content_schema, markdown
from training.content_blocks import block_refs
from training.content_source import ContentError, split_front_matter

QUIZ_SUFFIXES = (".quiz.yaml", ".quiz.gift")
KEPT_SCHEMES = ("http", "https", "mailto", "tel")

stats = {"modules_rendered": 0}
"""How many module bodies were rendered since start (lets tests see the cache at work)."""


@dataclass
class Listed:
    """A list of stems or slugs from course.yaml, with the line of each."""

    names: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)


class ModuleReader:
    """Reads ``modules/<stem>.md`` (and its quiz) for one course, into its problem list."""

    def __init__(self, folder: Path, problems: CourseProblems) -> None:
        self.folder = folder
        self.problems = problems

    def modules(self, listed: Listed) -> list[Module]:
        modules: list[Module] = []
        for index, stem in enumerate(listed.names, start=1):
            module = self.module(stem, index, listed)
            if module is not None:
                modules.append(module)
        return modules

    def module(self, stem: str, index: int, listed: Listed) -> Module | None:
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
        checked = content_schema.check("module", meta, shown, "the front matter")
        self.problems.extend(checked.problems)
        if not isinstance(meta, dict):
            return None
        meta = checked.valid_part(meta)
        blocks = block_refs(meta)
        rendered = self.render(relative, body, body_line, listed)
        quiz = self.quiz(stem)
        stats["modules_rendered"] += 1
        return Module(
            stem=stem,
            index=index,
            title=meta.get("title", "").strip(),
            summary=meta.get("summary", "").strip(),
            minutes=int(meta.get("minutes", 0)),
            objectives=tuple(o.strip() for o in meta.get("objectives", ())),
            html=rendered.html,
            # Python-Markdown gives TOC titles as escaped HTML; templates escape them again.
            toc=[replace(e, title=html.unescape(e.title)) for e in rendered.toc],
            quiz=quiz,
            blocks=blocks,
            key_points=tuple(k.strip() for k in meta.get("key_points", ())),
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
        self, relative: str, body: str, body_line: int, listed: Listed
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
        self.problems.extend(lint_markdown(self.problems.path(relative), body, body_line))
        for message, value in dict.fromkeys(found):
            line = next(
                (body_line + i for i, source in enumerate(lines) if value in source), body_line
            )
            self.problems.add(relative, line, message)
        return rendered

    def rewrite_url(self, tag: str, value: str, listed: Listed) -> tuple[str | None, str]:
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


_TABLE_RE = re.compile(r"<table>.*?</table>", re.S)
_HEADER_RE = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


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
