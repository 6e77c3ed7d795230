"""Small courses written on disk for the tests (a valid one, then break one file at a time)."""

from __future__ import annotations

from pathlib import Path

COURSE_YAML = """\
title: Mini course
summary: A tiny course for the tests.
language: en
hours: 2
open: true
objectives:
  - Read two modules
modules:
  - 01-first
  - 02-second
roleplays:
  - corridor
completion:
  pass_mark: 70
  modules: all
  quizzes: all
  roleplays: none
certificate:
  title: Certificate of completion of a preparation course
  signatory: Ann Smith, Director
  issuer: Test centre
"""

FIRST_MD = """\
---
title: First module
summary: The first one.
minutes: 5
objectives:
  - Learn the first thing
---
# First module

An introduction. Read [the second module](02-second.md#details) next.

## Part one

Some text with a picture: ![A diagram](../media/diagram.png)

## Part two

More text, and [a web page](https://example.org/page).

## Part three

!!! note "Key point"
    Indented text of the callout.

## Part four

The end.
"""

SECOND_MD = """\
---
title: Second module
summary: The second one.
minutes: 90
objectives:
  - Learn the second thing
---
# Second module

## Details

Back to [the first](01-first.md).
"""

QUIZ_YAML = """\
title: Check
pass_mark: 50
questions:
  - id: q1
    type: true_false
    prompt: Is this a test?
    answer: true
  - id: q2
    type: single
    prompt: Pick one.
    choices:
      - text: Right
        correct: true
      - text: Wrong
        correct: false
show_answers: after_pass
"""

ROLEPLAY_YAML = """\
title: In the corridor
summary: A short scene.
setting: You walk down a corridor.
competencies: [listening]
start: meet
nodes:
  meet:
    text: Someone shouts.
    choices:
      - text: Listen
        next: calm
        feedback: Good.
        points: {listening: 1}
      - text: Shout back
        next: worse
        feedback: No.
        points: {}
  calm:
    text: Things calm down.
    ending:
      outcome: resolved
      debrief: Well done.
  worse:
    text: It gets worse.
    ending:
      outcome: escalated
      debrief: Listening first helps.
"""

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def write_course(root: Path, slug: str = "mini", **replace: str | None) -> Path:
    """Write the valid mini course under ``root/slug``.

    ``replace`` maps a relative path (``course_yaml`` for course.yaml, or e.g.
    ``"modules/01-first.md"``) to new text, or None to leave the file out.
    """
    folder = root / slug
    files: dict[str, str | None] = {
        "course.yaml": COURSE_YAML,
        "modules/01-first.md": FIRST_MD,
        "modules/01-first.quiz.yaml": QUIZ_YAML,
        "modules/02-second.md": SECOND_MD,
        "roleplays/corridor.yaml": ROLEPLAY_YAML,
    }
    for key, text in replace.items():
        files["course.yaml" if key == "course_yaml" else key] = text
    for relative, text in files.items():
        if text is None:
            continue
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "media").mkdir(exist_ok=True)
    (folder / "media" / "diagram.png").write_bytes(PNG)
    return folder
