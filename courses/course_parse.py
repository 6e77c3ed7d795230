"""Reading ``course.yaml`` and assembling a Course from its modules, quizzes and role-plays.

``CourseReader(folder, display).read()`` returns the Course or ``None``, with every problem
found (``path:line: message``): an author fixes a folder in one pass. ``course.yaml``'s
structure is defined by ``docs/schemas/course.schema.json``; the code here checks what a schema
cannot (listed files exist and are listed once, completion names the course's own modules and
role-plays, blocks are declared and used) and reads on past a broken key, leaving it out, so the
modules' and role-plays' problems come in the same pass. The modules are read by
``courses.module_parse``, the role-plays by ``courses.scenario_parse``; the checker's lints are
added afterwards by ``courses.course_lints``.
"""

from __future__ import annotations

import re
from pathlib import Path

from courses.catalogue import CertificateInfo, CompletionRules, Course, Module
from courses.editions import parse_edition_of
from courses.extras_parse import PLACEMENT_STEM, read_placement, read_survey
from courses.glossary import read_glossary, with_links
from courses.module_parse import QUIZ_SUFFIXES, Listed, ModuleReader
from courses.problems import CourseProblems, errors_in
from courses.scenario import DEFAULT_PASSING_OUTCOMES, Scenario
from courses.scenario_parse import load_scenario_file
from training import content_schema, markdown
from training.content_blocks import Block, BlockUse, check_block_usage, parse_course_blocks
from training.content_source import ContentError, LineDict, Problem, line_of, load_yaml_file

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_PASS_MARK = 70.0
DEFAULT_REMINDER_DAYS = 7
DEFAULT_ROLEPLAY_MIN_SCORE = 60.0


def locate(data: object, path: tuple) -> tuple[str, str, str]:
    """Name a place in course.yaml: ``'pass_mark' in 'completion'``, ``'id' in block 2``."""
    if len(path) >= 2 and path[0] == "blocks" and isinstance(path[1], int):
        block = f"block {path[1] + 1}"
        return ("", block, "") if len(path) == 2 else ("", repr(path[2]), f" in {block}")
    return content_schema.describe(data, path, "course.yaml")


class CourseReader:
    def __init__(self, folder: Path, display: str) -> None:
        self.folder = folder
        self.slug = folder.resolve().name
        self.problems = CourseProblems(display)
        self.lines: dict[str, int] = {}  # where some course.yaml keys are (for the lints)

    # -- course.yaml -----------------------------------------------------------------------

    def read(self, version: str) -> tuple[Course | None, list[Problem]]:
        """The Course (``version`` is its content version) or None, and every problem."""
        course_file = self.folder / "course.yaml"
        if not course_file.is_file():
            self.problems.add("course.yaml", 1, "missing course.yaml: not a course folder")
            return None, self.problems.items
        try:
            data = load_yaml_file(course_file, self.problems.path("course.yaml"))
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None, self.problems.items
        shown = self.problems.path("course.yaml")
        checked = content_schema.check("course", data, shown, "course.yaml", locate)
        self.problems.extend(checked.problems)
        if not isinstance(data, dict):
            return None, self.problems.items
        data = checked.valid_part(data)
        if not SLUG_RE.match(self.slug):
            self.problems.add(
                "course.yaml",
                1,
                f"the folder name {self.slug!r} must be a slug "
                "(lowercase letters, digits and hyphens)",
            )
        p = self.problems
        self.lines["hours"] = line_of(data, "hours")
        certificate_data = data.get("certificate")
        if isinstance(certificate_data, dict):
            self.lines["certificate.title"] = line_of(
                certificate_data, "title", line_of(data, "certificate")
            )
        title, summary = (data.get(key, "").strip() for key in ("title", "summary"))
        objectives = tuple(text.strip() for text in data.get("objectives", ()))
        module_list = self.listed(data, "modules", "modules", ".md")
        roleplay_list = self.listed(data, "roleplays", "roleplays", ".yaml")
        certificate = self.certificate(data)
        blocks = parse_course_blocks(
            data, lambda line, message: p.add("course.yaml", line, message)
        )
        self.unlisted_files(module_list, roleplay_list)
        edition_of = parse_edition_of(data, self.slug, p)
        glossary = read_glossary(self.folder, p, module_list.lines)

        modules = with_links(ModuleReader(self.folder, p).modules(module_list), glossary)
        roleplays = self.roleplays(roleplay_list)
        completion = self.completion(data, module_list, modules, roleplay_list)
        self.check_blocks(data, blocks, modules, roleplays)
        placement = read_placement(self.folder, data, p)
        if placement is not None and PLACEMENT_STEM in module_list.names:
            p.add(
                "course.yaml", line_of(data, "placement"), "a module may not be named 'placement'"
            )
        survey = read_survey(self.folder, data, p)

        problems = sorted(set(p.items))
        if errors_in(problems) or completion is None or certificate is None:
            return None, problems
        course = Course(
            slug=self.slug,
            title=title,
            summary=summary,
            language=data["language"],
            hours=data["hours"],
            open=data.get("open", True),
            objectives=objectives,
            modules=tuple(modules),
            roleplays=tuple(roleplays),
            completion=completion,
            certificate=certificate,
            version=version,
            path=self.folder,
            blocks=blocks,
            edition_of=edition_of,
            glossary=glossary,
            reminder_days=data.get("reminder_days", DEFAULT_REMINDER_DAYS),
            placement=placement,
            survey=survey,
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

    def listed(self, data: dict, key: str, folder: str, suffix: str) -> Listed:
        """The stems or slugs listed under ``key``: each once, each naming a file."""
        listed = Listed()
        value = data.get(key, [])
        line = line_of(data, key)
        for index, name in enumerate(value):
            item_line = line_of(value, index, line)
            if name in listed.lines:
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

    def unlisted_files(self, modules: Listed, roleplays: Listed) -> None:
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
        value = data.get("certificate")
        if value is None:
            return None
        return CertificateInfo(*(value[key].strip() for key in ("title", "signatory", "issuer")))

    def completion(
        self,
        data: dict,
        module_list: Listed,
        modules: list[Module],
        roleplay_list: Listed,
    ) -> CompletionRules | None:
        value = data.get("completion", LineDict())
        outcomes = tuple(dict.fromkeys(value.get("roleplay_outcomes", DEFAULT_PASSING_OUTCOMES)))
        max_runs = value.get("roleplay_max_runs")
        with_quiz = [m.stem for m in modules if m.quiz is not None]
        required_modules = self.selection(value, "modules", module_list.names, module_list.names)
        required_quizzes = self.selection(value, "quizzes", with_quiz, module_list.names)
        required_roleplays = self.selection(
            value, "roleplays", roleplay_list.names, roleplay_list.names
        )
        if isinstance(value.get("quizzes"), list):
            for index, stem in enumerate(value["quizzes"]):
                if stem in module_list.lines and stem not in with_quiz and modules:
                    self.problems.add(
                        "course.yaml",
                        line_of(value["quizzes"], index, line_of(value, "quizzes")),
                        f"module {stem!r} is required in 'quizzes' but has no quiz file",
                    )
        return CompletionRules(
            pass_mark=float(value.get("pass_mark", DEFAULT_PASS_MARK)),
            modules=tuple(required_modules),
            quizzes=tuple(required_quizzes),
            roleplays=tuple(required_roleplays),
            roleplay_min_score=float(value.get("roleplay_min_score", DEFAULT_ROLEPLAY_MIN_SCORE)),
            roleplay_outcomes=outcomes,
            roleplay_max_runs=max_runs,
        )

    def selection(
        self, mapping: dict, key: str, all_names: list[str], known: list[str]
    ) -> list[str]:
        """Resolve ``all`` | ``none`` | [names] to an explicit list."""
        value = mapping.get(key, "all")
        line = line_of(mapping, key)
        if value == "all":
            return list(all_names)
        if value == "none":
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

    # -- role-plays ------------------------------------------------------------------------

    def roleplays(self, listed: Listed) -> list[Scenario]:
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


def _line_of_key(file: Path, key: str) -> int:
    """The line where a top-level ``key:`` is written in a YAML or front-matter file (else 1)."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)
