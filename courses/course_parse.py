"""Reading ``course.yaml`` and assembling a Course from its modules, quizzes and role-plays.

``CourseReader(folder, display).read()`` returns the Course or ``None``, with every problem
found (``path:line: message``): an author fixes a folder in one pass. The modules are read by
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
from courses.problems import CourseProblems, errors_in, is_number, own_line, percent_setting
from courses.scenario import DEFAULT_PASSING_OUTCOMES, OUTCOMES, Scenario
from courses.scenario_parse import load_scenario_file
from training import markdown
from training.content_blocks import Block, BlockUse, check_block_usage, parse_course_blocks
from training.content_source import (
    ContentError,
    LineDict,
    Problem,
    kind_of,
    line_of,
    load_yaml_file,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("en", "fr")
COURSE_REQUIRED = ("title", "summary", "language", "hours", "modules", "certificate")
COURSE_OPTIONAL = (
    "open", "objectives", "roleplays", "completion", "blocks", "edition_of", "reminder_days",
    "placement", "survey",
)  # fmt: skip
COMPLETION_KEYS = (
    "pass_mark",
    "modules",
    "quizzes",
    "roleplays",
    "roleplay_min_score",
    "roleplay_outcomes",
    "roleplay_max_runs",
)
CERTIFICATE_KEYS = ("title", "signatory", "issuer")
DEFAULT_PASS_MARK = 70.0
DEFAULT_REMINDER_DAYS = 7
DEFAULT_ROLEPLAY_MIN_SCORE = 60.0


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
        if not isinstance(data, dict):
            self.problems.add(
                "course.yaml",
                own_line(data),
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
        self.lines["hours"] = line_of(data, "hours")
        certificate_data = data.get("certificate")
        if isinstance(certificate_data, dict):
            self.lines["certificate.title"] = line_of(
                certificate_data, "title", line_of(data, "certificate")
            )
        title = p.text("course.yaml", data, "title")
        summary = p.text("course.yaml", data, "summary")
        language = self.language(data)
        hours = self.hours(data)
        is_open = self.open_flag(data)
        reminder_days = self.reminder_days(data)
        objectives = p.text_list("course.yaml", data, "objectives", required=False)
        module_list = self.listed(data, "modules", "modules", ".md", required=True)
        roleplay_list = self.listed(data, "roleplays", "roleplays", ".yaml", required=False)
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
            edition_of=edition_of,
            glossary=glossary,
            reminder_days=reminder_days,
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
        if "hours" in data and not (is_number(value) and value > 0):
            self.problems.add(
                "course.yaml",
                line_of(data, "hours"),
                f"'hours' must be a positive number, not {kind_of(value)}",
            )
            return 0
        return value if is_number(value) else 0

    def reminder_days(self, data: dict) -> int:
        """Days without activity before a learner gets a reminder (issue 17; default 7)."""
        value = data.get("reminder_days", DEFAULT_REMINDER_DAYS)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 90:
            self.problems.add(
                "course.yaml",
                line_of(data, "reminder_days"),
                f"'reminder_days' must be a whole number of days from 1 to 90, not {value!r}",
            )
            return DEFAULT_REMINDER_DAYS
        return value

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

    def listed(self, data: dict, key: str, folder: str, suffix: str, required: bool) -> Listed:
        """Check a list of stems/slugs in course.yaml and that each names a file."""
        listed = Listed()
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
        module_list: Listed,
        modules: list[Module],
        roleplay_list: Listed,
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
        pass_mark = percent_setting(self.problems, value, "pass_mark", DEFAULT_PASS_MARK, where)
        min_score = percent_setting(
            self.problems, value, "roleplay_min_score", DEFAULT_ROLEPLAY_MIN_SCORE, where
        )
        outcomes = self.outcomes(value, where)
        max_runs = self.max_runs(value, where)
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
            roleplay_outcomes=outcomes,
            roleplay_max_runs=max_runs,
        )

    def outcomes(self, value: dict, where: str) -> tuple[str, ...]:
        """``roleplay_outcomes``: the outcomes a passing run may end on."""
        if "roleplay_outcomes" not in value:
            return DEFAULT_PASSING_OUTCOMES
        raw = value["roleplay_outcomes"]
        line = line_of(value, "roleplay_outcomes", own_line(value))
        if not isinstance(raw, list) or not raw:
            self.problems.add(
                "course.yaml",
                line,
                f"'roleplay_outcomes'{where} must be a non-empty list of "
                f"{', '.join(OUTCOMES)}, not {raw!r}",
            )
            return DEFAULT_PASSING_OUTCOMES
        chosen: list[str] = []
        for index, outcome in enumerate(raw):
            if outcome not in OUTCOMES:
                self.problems.add(
                    "course.yaml",
                    line_of(raw, index, line),
                    f"{outcome!r} in 'roleplay_outcomes' is not an outcome "
                    f"(one of {', '.join(OUTCOMES)})",
                )
            elif outcome not in chosen:
                chosen.append(outcome)
        return tuple(chosen) or DEFAULT_PASSING_OUTCOMES

    def max_runs(self, value: dict, where: str) -> int | None:
        """``roleplay_max_runs``: runs a learner may finish without passing (absent: no limit)."""
        raw = value.get("roleplay_max_runs")
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            self.problems.add(
                "course.yaml",
                line_of(value, "roleplay_max_runs", own_line(value)),
                f"'roleplay_max_runs'{where} must be a whole number of 1 or more, not {raw!r}",
            )
            return None
        return raw

    def selection(
        self, mapping: dict, key: str, all_names: list[str], known: list[str]
    ) -> list[str]:
        """Resolve ``all`` | ``none`` | [names] to an explicit list."""
        value = mapping.get(key, "all")
        line = line_of(mapping, key, own_line(mapping))
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
