"""The module page on a phone: key points at the top, a contents list whose links reach real
heading ids, and the sticky progress bar (section count without JavaScript)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courses import services
from courses.loader import get_course, load_course
from tests.courses.course_factory import FIRST_MD, write_course

ROOT = Path(__file__).resolve().parents[2]
KEYED = FIRST_MD.replace(
    "objectives:\n  - Learn the first thing\n",
    "objectives:\n  - Learn the first thing\n"
    'key_points:\n  - "Remember this: one"\n  - Remember <two>\n',
)


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    root = tmp_path / "courses"
    write_course(root, "mini", **{"modules/01-first.md": KEYED})
    return {"COURSES_DIR": str(root)}


def _problems(tmp_path: Path, front: str) -> list[str]:
    folder = write_course(
        tmp_path / "bad",
        "mini",
        **{"modules/01-first.md": FIRST_MD.replace("minutes: 5\n", f"minutes: 5\n{front}")},
    )
    _course, problems = load_course(folder)
    return [p.message for p in problems]


def test_key_points_are_optional_but_must_be_a_list_of_text(tmp_path):
    assert not any("key_points" in m for m in _problems(tmp_path, ""))
    for bad in ("key_points: []\n", "key_points: 3\n"):
        problems = _problems(tmp_path / bad[12:14], bad)
        assert any("'key_points' must be a non-empty list" in m for m in problems), problems


def test_the_module_page_has_key_points_on_top_contents_and_the_progress_bar(client, login_as):
    user = login_as("learner")
    course = get_course("mini")
    services.enrol(user, course)
    assert course.module("01-first").key_points == ("Remember this: one", "Remember <two>")
    html = client.get("/courses/mini/01-first").get_data(as_text=True)
    head = html.split('<header class="reader-head">')[1].split("</header>")[0]
    assert '<h2 id="module-key-points-title">Key points</h2>' in head  # at the top
    assert "<li>Remember this: one</li><li>Remember &lt;two&gt;</li>" in head  # escaped
    assert html.index("Key points") < html.index('class="prose"')
    # every contents link reaches a heading of the body
    anchors = re.findall(r'<a href="#([^"]+)">', html.split('id="module-contents"')[1])
    ids = set(re.findall(r'<h[23] id="([^"]+)"', html))
    assert anchors and {"part-one", "part-four"} <= ids
    assert set(anchors) - {"module-contents"} <= ids
    # the sticky bar: the section count (JavaScript names the section being read)
    bar = html.split('id="reader-progress"')[1].split("</div>")[0]
    assert "4 sections" in bar and 'href="#module-contents"' in bar
    assert 'data-template="Section __N__ of 4: __TITLE__"' in bar
    assert "js/module-progress.js" in html


def test_a_module_without_key_points_shows_none(client, login_as):
    user = login_as("learner")
    services.enrol(user, get_course("mini"))
    html = client.get("/courses/mini/02-second").get_data(as_text=True)
    assert "Key points" not in html
    assert 'id="reader-progress"' not in html  # one section: no progress bar


@pytest.mark.parametrize("slug", ["cap-apm", "cap-apm-fr"])
def test_every_bundled_module_has_key_points_in_both_editions(slug):
    course, problems = load_course(ROOT / "content" / slug)
    assert course is not None, problems
    for module in course.modules:
        assert 3 <= len(module.key_points) <= 6, module.stem
        assert all(10 < len(point) < 260 for point in module.key_points), module.stem
