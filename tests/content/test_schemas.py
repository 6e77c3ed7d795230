"""The JSON Schemas in docs/schemas/ are the formats: valid schemas, every bundled file passes
them, the checker uses those very files, and a broken file is reported on its file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from courses.loader import load_course
from quizzes.formats import load_quiz_file, parse_quiz
from training import content_schema
from training.content_source import load_yaml_file, load_yaml_text, split_front_matter

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
COURSES = sorted(p for p in (ROOT / "content").iterdir() if (p / "course.yaml").is_file())


def bundled_files() -> list[tuple[str, Path]]:
    """(format, file) for every file of the bundled courses that a schema defines."""
    found: list[tuple[str, Path]] = []
    for course in COURSES:
        found.append(("course", course / "course.yaml"))
        found += [("module", f) for f in sorted(course.glob("modules/*.md"))]
        found += [("quiz", f) for f in sorted(course.glob("modules/*.quiz.yaml"))]
        found += [("quiz", f) for f in sorted(course.glob("*.quiz.yaml"))]
        found += [("roleplay", f) for f in sorted(course.glob("roleplays/*.yaml"))]
    return found


def read(kind: str, file: Path) -> object:
    if kind == "module":
        meta, _, _ = split_front_matter(file.read_text(encoding="utf-8"), str(file))
        return meta
    return load_yaml_file(file)


def raw_validator(kind: str) -> Draft202012Validator:
    """A validator built straight from the files, as an editor would, without the checker."""
    resources = [
        (f.name, Resource.from_contents(json.loads(f.read_text(encoding="utf-8"))))
        for f in SCHEMAS.glob("*.schema.json")
    ]
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=Registry().with_resources(resources))


@pytest.mark.parametrize("file", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda f: f.name)
def test_each_schema_is_valid_draft_2020_12(file: Path) -> None:
    schema = json.loads(file.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_checker_reads_docs_schemas() -> None:
    assert content_schema.SCHEMA_DIR == SCHEMAS
    for kind in content_schema.FORMATS:
        assert content_schema.schema_file(kind).is_file()
    # Compiled once per process, not per file.
    assert content_schema.validator("quiz") is content_schema.validator("quiz")


def test_bundled_files_cover_every_format() -> None:
    kinds = [kind for kind, _ in bundled_files()]
    assert {k: kinds.count(k) for k in content_schema.FORMATS} == {
        "course": 2,
        "module": 22,
        "quiz": 24,
        "roleplay": 20,
    }


@pytest.mark.parametrize(
    ("kind", "file"), bundled_files(), ids=lambda v: v if isinstance(v, str) else v.name
)
def test_every_bundled_file_passes_its_schema(kind: str, file: Path) -> None:
    data = read(kind, file)
    assert content_schema.check(kind, data, str(file), kind).problems == []
    assert list(raw_validator(kind).iter_errors(data)) == []


BROKEN = [
    ("quiz", "questions:\n  - id: a\n    type: true_false\n    prompt: p\n    points: two\n"),
    ("quiz", "questions:\n  - id: a\n    type: single\n    prompt: p\n    choices: [{text: x}]\n"),
    ("quiz", "questions:\n  - {id: a, type: numeric, prompt: p, min: 1, max: 2, tolerance: 1}\n"),
    ("quiz", "shuffle: 3\nquestions: [{id: a, type: essay, prompt: p}]\n"),
    ("roleplay", "title: t\nnodes: {a: {text: x, choices: [], ending: {outcome: won}}}\n"),
    ("roleplay", "title: t\nnodes: {1: {text: x}}\nstart: []\n"),
    ("course", "title: ''\nhours: -1\ncompletion: {modules: some, pass_mark: 101}\n"),
    ("module", "title: t\nminutes: 1.5\nobjectives: []\nblocks: [E P1]\n"),
]


@pytest.mark.parametrize(("kind", "text"), BROKEN)
def test_the_compiled_schema_judges_as_the_files_do(kind: str, text: str) -> None:
    """The checker resolves the ``$ref``s once; it must break exactly the rules the files do."""
    data = load_yaml_text(text, "x.yaml")
    ours = content_schema.validator(kind).iter_errors(data)
    theirs = raw_validator(kind).iter_errors(data)

    def rules(errors) -> set[tuple]:
        return {(tuple(e.absolute_path), e.validator, repr(e.instance)) for e in errors}

    assert rules(ours) == rules(theirs) != set()


def test_a_changed_schema_changes_what_the_checker_reports(tmp_path, monkeypatch) -> None:
    """The checker's rules are the files' rules: change a file, and the checker follows."""
    copy = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copy)
    quiz = json.loads((copy / "quiz.schema.json").read_text(encoding="utf-8"))
    quiz["required"] = ["questions", "title"]
    (copy / "quiz.schema.json").write_text(json.dumps(quiz), encoding="utf-8")
    data = load_yaml_text("questions: [{id: a, type: true_false, prompt: p, answer: true}]\n", "q")
    assert parse_quiz(data, "q.yaml")[1] == []
    monkeypatch.setattr(content_schema, "SCHEMA_DIR", copy)
    for cached in (content_schema._registry, content_schema.validator, content_schema.inline_refs):
        cached.cache_clear()
    try:
        assert [str(p) for p in parse_quiz(data, "q.yaml")[1]] == ["q.yaml:1: missing 'title'"]
    finally:
        monkeypatch.undo()
        for cached in (
            content_schema._registry,
            content_schema.validator,
            content_schema.inline_refs,
        ):
            cached.cache_clear()


def test_a_broken_bundled_quiz_is_reported_on_its_file_and_line(tmp_path, runner) -> None:
    course = tmp_path / "content" / "cap-apm"
    shutil.copytree(ROOT / "content" / "cap-apm", course)
    quiz = course / "modules" / "03-communication-basics.quiz.yaml"
    lines = quiz.read_text(encoding="utf-8").splitlines(keepends=True)
    # The third question's first line, then a bad 'points' right under it.
    starts = [n for n, line in enumerate(lines) if line.startswith("  - id: ")]
    third = starts[2]
    qid = lines[third].split("id:", 1)[1].strip()
    lines.insert(third + 1, "    points: lots\n")
    quiz.write_text("".join(lines), encoding="utf-8")

    result = runner.invoke(args=["courses", "check", str(tmp_path / "content")])
    assert result.exit_code == 1
    expected = (
        f"{tmp_path}/content/cap-apm/modules/03-communication-basics.quiz.yaml:{third + 2}: "
        f"question '{qid}': 'points' must be a number of 0 or more, not text"
    )
    assert expected in result.output.splitlines(), result.output


def test_a_broken_roleplay_and_course_yaml_are_reported_together(tmp_path) -> None:
    """Structure errors in course.yaml do not hide those of the files it lists."""
    course = tmp_path / "cap-apm"
    shutil.copytree(ROOT / "content" / "cap-apm", course)
    course_yaml = course / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text(encoding="utf-8").replace("hours: 12", "hours: twelve"),
        encoding="utf-8",
    )
    roleplay = course / "roleplays" / "noise-dispute.yaml"
    text = roleplay.read_text(encoding="utf-8")
    assert "outcome: escalated" in text
    roleplay.write_text(text.replace("outcome: escalated", "outcome: lost", 1), encoding="utf-8")
    hours_line = next(
        n for n, line in enumerate(course_yaml.read_text().splitlines(), 1) if "hours:" in line
    )
    outcome_line = next(
        n for n, line in enumerate(roleplay.read_text().splitlines(), 1) if "outcome: lost" in line
    )
    loaded, problems = load_course(course, "c")
    assert loaded is None
    shown = [str(p) for p in problems]
    assert f"c/course.yaml:{hours_line}: 'hours' must be a positive number, not text" in shown
    assert any(
        p.startswith(f"c/roleplays/noise-dispute.yaml:{outcome_line}: 'outcome' in the ending of")
        and p.endswith("must be one of resolved, partial, escalated, not 'lost'")
        for p in shown
    ), shown


def test_a_gift_quiz_is_checked_against_the_same_schema(tmp_path) -> None:
    """GIFT becomes the YAML structure first; a rule only the schema holds still applies."""
    gift = tmp_path / "q.quiz.gift"
    gift.write_text("::Sky::The sky is blue.{T}\n\n::Sum::1 + 1 = ?{#2:0}\n", encoding="utf-8")
    quiz, problems = load_quiz_file(gift, "q.quiz.gift")
    assert quiz is not None and problems == []
    gift.write_text("::Pick::Pick one.{~a ~b}\n", encoding="utf-8")
    quiz, problems = load_quiz_file(gift, "q.quiz.gift")
    assert quiz is None
    assert any(
        p.line == 1 and "correct choice" in p.message and p.path == "q.quiz.gift" for p in problems
    ), problems


@pytest.mark.parametrize(
    ("kind", "file"),
    [kf for kf in bundled_files() if kf[0] != "module"],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_bundled_yaml_names_its_schema_for_editors(kind: str, file: Path) -> None:
    """The first line tells VS Code's YAML extension which schema to complete with."""
    first = file.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    target = (file.parent / first[len(prefix) :]).resolve()
    assert target == SCHEMAS / f"{kind}.schema.json"
