"""Markdown that behaves as authors expect (issue 20): one case per surprise, each compared with
a CommonMark renderer (markdown-it-py), plus the lint for what still differs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from courses.cli import check_path
from tests.courses.course_factory import FIRST_MD, write_course
from training.markdown import render, render_markdown
from training.markdown_lists import reindent_lists

COMMONMARK = MarkdownIt("commonmark")


def normalised(html: str) -> str:
    """The HTML with the differences that do not change what a reader sees removed."""
    html = html.replace(' type="1"', "").replace("<br />", "<br>")
    html = re.sub(r' id="[^"]*"', "", html)
    html = re.sub(r'<pre class="highlight"><code>', "<pre><code>", html)
    html = re.sub(r' rel="noopener noreferrer"', "", html)
    html = re.sub(r"<p>(.*?)</p>", r"\1", html, flags=re.S)  # tight and loose items read alike
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html).strip()


SURPRISES = {
    "a list right after a paragraph": "Steps:\n- first\n- second\n",
    "a numbered list right after a paragraph": "Steps:\n1. first\n2. second\n",
    "a list nested by two spaces": "- outer\n  - inner one\n  - inner two\n- next\n",
    "an ordered list nested by three spaces": "1. outer\n   1. inner\n2. next\n",
    "1) lists": "1) one\n2) two\n",
    "fenced code inside a list item": "- item\n\n  ```\n  code line\n  ```\n- next\n",
    "fenced code right under an item": "- item\n  ```\n  code line\n  ```\n- next\n",
    "a fence right after a paragraph": "Type this:\n```\nflask courses check\n```\n",
    "a backslash line break": "first line\\\nsecond line\n",
    "a second paragraph in an item, then the next item": "- a\n\n  more on a\n- b\n",
}

STILL_THE_SAME = {
    "four-space nesting": "- outer\n    - inner\n- next\n",
    "a wrapped line that starts with a year": (
        "- It was made on 3 December\n  1998. It changed in 2004.\n"
    ),
    "a year at the start of a wrapped paragraph line": "Made on 3 December\n1998. Changed later.\n",
    "an indented code block": "Text.\n\n    code line\n",
    "a lazy continuation line": "- item\nlazy line\n- next\n",
    "a heading after a paragraph": "Text\n## Heading\n",
    "escaped punctuation": "Not \\*emphasis\\* and a \\# sign\n",
    "a hashtag": "#notaheading\n",
    "intraword underscores": "snake_case_word\n",
}


@pytest.mark.parametrize("text", SURPRISES.values(), ids=SURPRISES.keys())
def test_the_surprises_render_as_commonmark_does(text: str) -> None:
    assert normalised(render(text).html) == normalised(COMMONMARK.render(text))


@pytest.mark.parametrize("text", STILL_THE_SAME.values(), ids=STILL_THE_SAME.keys())
def test_what_already_agreed_still_agrees(text: str) -> None:
    assert normalised(render(text).html) == normalised(COMMONMARK.render(text))


def test_a_list_after_a_paragraph_is_a_list() -> None:
    html = render("Steps:\n- first\n- second\n").html
    assert "<ul>" in html and "<li>first</li>" in html and "- first" not in html


def test_two_space_nesting_makes_a_nested_list() -> None:
    html = render("- outer\n  - inner\n- next\n").html
    assert re.search(r"<li>outer\s*<ul>\s*<li>inner</li>", html)


def test_paren_lists_and_fences_in_items_and_backslash_breaks() -> None:
    assert "<ol" in render("1) one\n2) two\n").html
    fenced = render("- item\n\n  ```\n  x = 1\n  ```\n").html
    assert re.search(r"<li>.*<pre[^>]*><code>x = 1", fenced, re.S)
    assert "<br" in render("one\\\ntwo\n").html and "\\" not in render("one\\\ntwo\n").html


def test_letters_after_a_number_and_a_dot_stay_a_sentence() -> None:
    assert "<ol" not in render("A. Dupont called.\nB. Martin too.\n").html


def test_short_snippets_take_the_same_rules() -> None:
    assert "<li>" in render_markdown("Remember:\n- breathe\n- listen\n")


def test_lines_outside_lists_are_left_alone() -> None:
    lines = ["Text", "", "```", "- not a list", "  indented", "```", "", "    code"]
    assert reindent_lists(lines) == lines


def test_a_backslash_before_a_letter_is_reported_with_its_line(tmp_path: Path) -> None:
    body = FIRST_MD.replace("The end.", "The file is in C:\\Users\\trainer.\n\nThe end.")
    folder = write_course(tmp_path, **{"modules/01-first.md": body})
    problems, _summary = check_path(folder, "mini")
    found = [p for p in problems if "backslash" in p.message]
    line = body.splitlines().index("The file is in C:\\Users\\trainer.") + 1
    assert [(p.path, p.line) for p in found] == [("mini/modules/01-first.md", line)]
    assert "write \\\\U" in found[0].message and found[0].message.startswith("warning:")


def test_escapes_and_code_are_not_reported(tmp_path: Path) -> None:
    body = FIRST_MD.replace(
        "The end.", "Not \\*bold\\*, a line\\\nbreak, and `C:\\Users` in code.\n\nThe end."
    )
    folder = write_course(tmp_path, **{"modules/01-first.md": body})
    problems, _summary = check_path(folder, "mini")
    assert not [p for p in problems if "backslash" in p.message]
