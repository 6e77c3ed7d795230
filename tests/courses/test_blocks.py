"""Competency blocks: declared in course.yaml, named by modules, quizzes and role-plays."""

from __future__ import annotations

from courses.loader import load_course
from tests.courses.course_factory import (
    COURSE_YAML,
    FIRST_MD,
    QUIZ_YAML,
    ROLEPLAY_YAML,
    write_course,
)

BLOCKS = """\
blocks:
  - {id: EP1, title: "Accueil, information et accompagnement", rncp: RNCP37240}
  - id: EP2
    title: Prévention et médiation
    rncp: RNCP37240
"""


def _with_blocks(text: str, names: str, after: str) -> str:
    """Insert ``blocks: [names]`` after the line starting with ``after``."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(after))
    lines.insert(index + 1, f"blocks: [{names}]\n")
    return "".join(lines)


def load(tmp_path, **files):
    course, problems = load_course(write_course(tmp_path, **files), "mini")
    return course, [str(p) for p in problems]


def test_blocks_are_read_from_every_kind_of_file(tmp_path):
    course, problems = load(
        tmp_path,
        course_yaml=COURSE_YAML + BLOCKS,
        **{
            "modules/01-first.md": _with_blocks(FIRST_MD, "EP1, EP2", "minutes:"),
            "modules/01-first.quiz.yaml": _with_blocks(QUIZ_YAML, "EP1", "pass_mark:"),
            "roleplays/corridor.yaml": _with_blocks(ROLEPLAY_YAML, "EP2", "start:"),
        },
    )
    assert problems == []
    assert [(b.id, b.rncp) for b in course.blocks] == [("EP1", "RNCP37240"), ("EP2", "RNCP37240")]
    assert course.block("EP2").title == "Prévention et médiation"
    assert course.module("01-first").blocks == ("EP1", "EP2")
    assert course.module("02-second").blocks == ()
    assert course.quiz("01-first").blocks == ("EP1",)
    assert course.roleplay("corridor").blocks == ("EP2",)


def test_an_unknown_block_is_an_error_with_its_file_and_line(tmp_path):
    course, problems = load(
        tmp_path,
        course_yaml=COURSE_YAML + BLOCKS,
        **{
            "modules/01-first.md": _with_blocks(FIRST_MD, "EP1, EP2", "minutes:"),
            "roleplays/corridor.yaml": _with_blocks(ROLEPLAY_YAML, "EP9", "start:"),
        },
    )
    assert course is None
    assert problems == [
        "mini/roleplays/corridor.yaml:6: unknown block 'EP9' (course blocks: EP1, EP2)"
    ]


def test_a_block_nothing_serves_is_a_warning(tmp_path):
    course, problems = load(
        tmp_path,
        course_yaml=COURSE_YAML + BLOCKS,
        **{"modules/01-first.md": _with_blocks(FIRST_MD, "EP1", "minutes:")},
    )
    assert course is not None
    line = COURSE_YAML.count("\n") + 1
    assert problems == [
        f"mini/course.yaml:{line}: warning: block 'EP2' is served by no module, quiz or role-play"
    ]


def test_blocks_named_without_any_declared(tmp_path):
    course, problems = load(
        tmp_path, **{"modules/01-first.md": _with_blocks(FIRST_MD, "EP1", "minutes:")}
    )
    assert course is None
    assert problems == [
        "mini/modules/01-first.md:5: unknown block 'EP1' (course blocks: none declared in "
        "course.yaml)"
    ]


def test_malformed_block_lists(tmp_path):
    bad_course = COURSE_YAML + "blocks:\n  - {id: 'E P1', title: X}\n  - {id: EP2}\n  - EP3\n"
    course, problems = load(
        tmp_path,
        course_yaml=bad_course,
        **{"modules/01-first.md": FIRST_MD.replace("minutes: 5", "minutes: 5\nblocks: EP1")},
    )
    assert course is None
    base = COURSE_YAML.count("\n") + 1
    assert problems == [
        f"mini/course.yaml:{base + 1}: 'id' in block 1 must be a short name like EP1 or CCP2, "
        "not 'E P1'",
        f"mini/course.yaml:{base + 2}: missing 'title' in block 2",
        f"mini/course.yaml:{base + 3}: block 3 must be a mapping with id and title, not text",
        "mini/modules/01-first.md:5: 'blocks' must be a non-empty list of block ids, not text",
    ]
