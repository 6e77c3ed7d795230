"""Loading and checking course folders: one broken course per kind of mistake, exact lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses import loader
from courses.loader import load_course
from tests.courses.course_factory import (
    COURSE_YAML,
    FIRST_MD,
    QUIZ_YAML,
    ROLEPLAY_YAML,
    write_course,
)

ALLOWED = (
    "title, summary, language, hours, modules, certificate, open, objectives, roleplays,"
    " completion, blocks, edition_of, reminder_days, placement, survey"
)


def problems_of(tmp_path: Path, **replace: str | None) -> list[str]:
    folder = write_course(tmp_path, **replace)
    course, problems = load_course(folder, "mini")
    errors = [p for p in problems if not p.message.startswith("warning:")]
    assert (course is None) == bool(errors)
    return [str(p) for p in problems]


def test_the_valid_course_loads_with_everything_resolved(tmp_path):
    course, problems = load_course(write_course(tmp_path), "mini")
    assert problems == []
    assert course is not None
    assert (course.slug, course.title, course.hours) == ("mini", "Mini course", 2)
    assert course.open is True
    assert [m.stem for m in course.modules] == ["01-first", "02-second"]
    assert [m.index for m in course.modules] == [1, 2]
    first = course.module("01-first")
    assert first.minutes == 5 and first.objectives == ("Learn the first thing",)
    assert [e.title for e in first.toc] == ["Part one", "Part two", "Part three", "Part four"]
    assert "<h1" not in first.html  # the page's own h1 is the title
    assert 'href="02-second#details"' in first.html
    assert 'src="media/diagram.png"' in first.html
    assert 'href="https://example.org/page"' in first.html
    assert 'class="admonition note"' in first.html
    assert course.quiz("01-first") is first.quiz and first.quiz.questions[0].id == "q1"
    assert course.quiz("02-second") is None
    assert [(m.stem, q.title) for m, q in course.quizzes()] == [("01-first", "Check")]
    assert course.roleplay("corridor").title == "In the corridor"
    assert course.next_module("01-first").stem == "02-second"
    assert course.next_module("02-second") is None
    assert course.previous_module("02-second").stem == "01-first"
    assert course.previous_module("01-first") is None
    rules = course.completion
    assert rules.modules == ("01-first", "02-second")
    assert rules.quizzes == ("01-first",)
    assert rules.roleplays == ()
    assert (rules.pass_mark, rules.roleplay_min_score) == (70.0, 60.0)
    assert course.certificate.signatory == "Ann Smith, Director"


def test_missing_key(tmp_path):
    text = COURSE_YAML.replace("summary: A tiny course for the tests.\n", "")
    assert problems_of(tmp_path, course_yaml=text) == ["mini/course.yaml:1: missing 'summary'"]


def test_unknown_key(tmp_path):
    text = COURSE_YAML + "colour: blue\n"
    assert problems_of(tmp_path, course_yaml=text) == [
        f"mini/course.yaml:22: unknown key 'colour' (allowed: {ALLOWED})"
    ]


def test_wrong_type(tmp_path):
    text = COURSE_YAML.replace("hours: 2", "hours: a lot")
    assert problems_of(tmp_path, course_yaml=text) == [
        "mini/course.yaml:4: 'hours' must be a positive number, not text"
    ]


def test_unknown_language(tmp_path):
    text = COURSE_YAML.replace("language: en", "language: de")
    assert problems_of(tmp_path, course_yaml=text) == [
        "mini/course.yaml:3: 'language' must be one of en, fr, not 'de'"
    ]


def test_invalid_yaml(tmp_path):
    text = COURSE_YAML.replace("hours: 2", "hours: [2")
    (problem,) = problems_of(tmp_path, course_yaml=text)
    assert problem.startswith("mini/course.yaml:5: invalid YAML: ")


def test_module_listed_but_absent(tmp_path):
    text = COURSE_YAML.replace("  - 02-second\n", "  - 02-second\n  - 03-third\n")
    assert problems_of(tmp_path, course_yaml=text) == [
        "mini/course.yaml:11: '03-third' is listed in 'modules' but modules/03-third.md "
        "does not exist"
    ]


def test_module_present_but_unlisted(tmp_path):
    assert problems_of(tmp_path, **{"modules/03-extra.md": FIRST_MD}) == [
        "mini/modules/03-extra.md:1: module '03-extra' is not listed in course.yaml 'modules'"
    ]


def test_module_listed_twice(tmp_path):
    text = COURSE_YAML.replace("  - 02-second\n", "  - 02-second\n  - 01-first\n")
    assert problems_of(tmp_path, course_yaml=text) == [
        "mini/course.yaml:11: '01-first' is listed twice in 'modules' (first on line 9)"
    ]


def test_roleplay_present_but_unlisted(tmp_path):
    assert problems_of(tmp_path, **{"roleplays/extra.yaml": ROLEPLAY_YAML}) == [
        "mini/roleplays/extra.yaml:1: role-play 'extra' is not listed in course.yaml 'roleplays'"
    ]


def test_quiz_without_its_module(tmp_path):
    assert problems_of(tmp_path, **{"modules/07-ghost.quiz.yaml": QUIZ_YAML}) == [
        "mini/modules/07-ghost.quiz.yaml:1: quiz for a module that does not exist: "
        "modules/07-ghost.md"
    ]


def test_missing_front_matter(tmp_path):
    text = FIRST_MD.split("---\n", 2)[2]
    assert problems_of(tmp_path, **{"modules/01-first.md": text}) == [
        "mini/modules/01-first.md:1: missing front matter: the file must start with '---'"
    ]


def test_front_matter_missing_key_and_bad_minutes(tmp_path):
    text = FIRST_MD.replace("summary: The first one.\n", "").replace("minutes: 5", "minutes: soon")
    assert problems_of(tmp_path, **{"modules/01-first.md": text}) == [
        "mini/modules/01-first.md:2: missing 'summary'",
        "mini/modules/01-first.md:3: 'minutes' must be a positive whole number, not text",
    ]


def test_front_matter_unknown_key(tmp_path):
    text = FIRST_MD.replace("minutes: 5\n", "minutes: 5\nauthor: Me\n")
    assert problems_of(tmp_path, **{"modules/01-first.md": text}) == [
        "mini/modules/01-first.md:5: unknown key 'author' (allowed: title, summary, minutes, "
        "objectives, blocks, key_points)"
    ]


def test_link_to_a_missing_module(tmp_path):
    text = FIRST_MD.replace("The end.", "See [module 9](09-nowhere.md).")
    assert problems_of(tmp_path, **{"modules/01-first.md": text}) == [
        "mini/modules/01-first.md:27: link to a missing module: '09-nowhere.md'"
    ]


def test_missing_image(tmp_path):
    text = FIRST_MD.replace("../media/diagram.png", "../media/nope.png")
    assert problems_of(tmp_path, **{"modules/01-first.md": text}) == [
        "mini/modules/01-first.md:14: missing image: '../media/nope.png' (no such file in media/)"
    ]


def test_image_outside_media(tmp_path):
    text = FIRST_MD.replace("../media/diagram.png", "../../../etc/passwd")
    assert problems_of(tmp_path, **{"modules/01-first.md": text}) == [
        "mini/modules/01-first.md:14: missing image: '../../../etc/passwd' "
        "(images must be in the course's media/)"
    ]


def test_a_link_outside_the_course_is_dropped_with_a_warning(tmp_path):
    text = FIRST_MD.replace("The end.", "[secret](/etc/passwd)")
    folder = write_course(tmp_path, **{"modules/01-first.md": text})
    course, problems = load_course(folder, "mini")
    assert [str(p) for p in problems] == [
        "mini/modules/01-first.md:27: warning: link outside the course dropped: '/etc/passwd'"
    ]
    assert course is not None
    assert "/etc/passwd" not in course.module("01-first").html


def test_quiz_with_an_inconsistent_answer_key(tmp_path):
    text = QUIZ_YAML.replace("        correct: false", "        correct: true")
    assert problems_of(tmp_path, **{"modules/01-first.quiz.yaml": text}) == [
        "mini/modules/01-first.quiz.yaml:11: question 'q2': 'choices' must have exactly one "
        "correct choice (a single choice question)"
    ]


def test_quiz_with_a_duplicate_question_id(tmp_path):
    text = QUIZ_YAML.replace("id: q2", "id: q1")
    (problem,) = problems_of(tmp_path, **{"modules/01-first.quiz.yaml": text})
    assert problem.startswith("mini/modules/01-first.quiz.yaml:8: ")
    assert "q1" in problem


def test_roleplay_with_an_invalid_graph(tmp_path):
    text = ROLEPLAY_YAML.replace("next: worse", "next: nowhere")
    problems = problems_of(tmp_path, **{"roleplays/corridor.yaml": text})
    assert problems[0] == (
        "mini/roleplays/corridor.yaml:15: 'next' in choice 2 of node 'meet' names no node: "
        "'nowhere'"
    )


def test_completion_naming_an_unknown_module(tmp_path):
    text = COURSE_YAML.replace("  modules: all", "  modules: [01-first, 05-fifth]")
    assert problems_of(tmp_path, course_yaml=text) == [
        "mini/course.yaml:15: '05-fifth' in 'completion' 'modules' is not in the course's 'modules'"
    ]


def test_missing_certificate_field(tmp_path):
    text = COURSE_YAML.replace("  issuer: Test centre\n", "")
    # On the line that names the mapping (``certificate:``), as for every missing key.
    assert problems_of(tmp_path, course_yaml=text) == [
        "mini/course.yaml:18: missing 'issuer' in 'certificate'"
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example"></iframe>',
        '<a href="#" onclick="alert(1)">click</a>',
        "[click](javascript:alert(1))",
        '<img src="../media/diagram.png" onerror="alert(1)">',
    ],
)
def test_module_html_is_sanitised(tmp_path, markdown):
    text = FIRST_MD.replace("The end.", markdown)
    course, _ = load_course(write_course(tmp_path, **{"modules/01-first.md": text}), "mini")
    html = course.module("01-first").html.lower()
    for banned in ("<script", "<iframe", "onclick", "onerror", "javascript:", "alert(1)</"):
        assert banned not in html


def test_tables_scroll_in_a_focusable_labelled_region(tmp_path):
    table = "|   | Real time | Deferred |\n|---|---|---|\n| When | now | later |\n"
    text = FIRST_MD.replace("The end.", table)
    course, _ = load_course(write_course(tmp_path, **{"modules/01-first.md": text}), "mini")
    html = course.module("01-first").html
    assert (
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Real time, Deferred">'
        "<table>"
    ) in html
    assert "<th></th>" not in html and html.count("</table></div>") == 1


def test_toc_titles_are_plain_text(tmp_path):
    text = FIRST_MD.replace("## Part four", "## Rights & duties")
    course, _ = load_course(write_course(tmp_path, **{"modules/01-first.md": text}), "mini")
    assert course.module("01-first").toc[-1].title == "Rights & duties"


def test_folder_version_changes_with_a_file(tmp_path):
    folder = write_course(tmp_path)
    before = loader.folder_version(folder)
    assert loader.folder_version(folder) == before
    (folder / "modules" / "02-second.md").write_text(
        (folder / "modules" / "02-second.md").read_text() + "\nMore.\n"
    )
    assert loader.folder_version(folder) != before


def test_completion_is_optional_and_defaults_to_everything(tmp_path):
    """A course.yaml without 'completion' requires every module, quiz and role-play at the
    documented defaults (pass mark 70 %, role-plays 60 %)."""
    start = COURSE_YAML.index("completion:")
    end = COURSE_YAML.index("certificate:")
    course, problems = load_course(
        write_course(tmp_path, course_yaml=COURSE_YAML[:start] + COURSE_YAML[end:]), "mini"
    )
    assert problems == []
    rules = course.completion
    assert rules.modules == ("01-first", "02-second")
    assert rules.quizzes == ("01-first",)
    assert rules.roleplays == ("corridor",)
    assert (rules.pass_mark, rules.roleplay_min_score) == (70.0, 60.0)
