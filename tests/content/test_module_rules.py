"""The modules rewritten under issue 13 say what they serve, state honest minutes, teach with
accessible pictures, and keep the facts the issue corrected.

- ``blocks`` in the front matter names CAP units (EP1-EP3) and AMIS CCPs (CCP1-CCP3), and the
  module's quiz names the same;
- ``minutes`` is the reading time at 150 words a minute, plus the minutes each activity
  announces in its title (``!!! example "Try it (4 minutes)"``), plus one minute per figure,
  within two minutes; every activity is followed by a suggested answer;
- every figure has real alt text and is an SVG in media/ that is safe (no script, nothing
  loaded from outside) and legible on a 360-px phone (narrow viewBox, no text under 14 units);
- the corrections of issue 13 stay corrected (dates of the CAP and MSADS, relevé d'identité, no
  SMIC amount, the full charter, the safe school-gate advice, Glasl's interventions).

docs/design-notes.md, "Bundled course: quiz conventions", documents the minutes rule.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from quizzes.formats import load_quiz_file
from training.content_source import split_front_matter

COURSE = Path(__file__).resolve().parents[2] / "content" / "cap-apm"
REWRITTEN_MODULES = [
    "01-the-job",
    "02-ethics-and-posture",
    "03-communication-basics",
    "04-assertive-expression",
    "05-understanding-conflict",
    "06-conducting-a-mediation",
    "07-de-escalation",
    "08-emergencies-and-law",
    "09-watch-reporting-partnership",
    "10-information-and-access-to-rights",
    "11-cultural-intermediation",
]
BLOCK_IDS = {"EP1", "EP2", "EP3", "CCP1", "CCP2", "CCP3"}
WORDS_PER_MINUTE = 150
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
ACTIVITY = re.compile(r'^!!! example "Try it \((\d+) minutes?\)"', re.MULTILINE)
SVG = "{http://www.w3.org/2000/svg}"


def module(stem: str) -> tuple[dict, str]:
    text = (COURSE / "modules" / f"{stem}.md").read_text(encoding="utf-8")
    meta, body, _ = split_front_matter(text, stem)
    return meta, body


def words(body: str) -> int:
    return len(re.findall(r"[A-Za-zÀ-ÿ0-9'’-]+", body))


@pytest.mark.parametrize("stem", REWRITTEN_MODULES)
def test_blocks_name_cap_units_and_amis_ccps(stem):
    meta, _ = module(stem)
    blocks = meta.get("blocks")
    assert isinstance(blocks, list) and blocks, stem
    assert set(blocks) <= BLOCK_IDS, blocks
    assert len(set(blocks)) == len(blocks)
    quiz, problems = load_quiz_file(COURSE / "modules" / f"{stem}.quiz.yaml", stem)
    assert quiz is not None, problems
    assert quiz.blocks == tuple(blocks), "a module's quiz serves the same blocks"


@pytest.mark.parametrize("stem", REWRITTEN_MODULES)
def test_minutes_are_honest(stem):
    meta, body = module(stem)
    activities = [int(m) for m in ACTIVITY.findall(body)]
    figures = len(IMAGE.findall(body))
    expected = math.ceil(words(body) / WORDS_PER_MINUTE) + sum(activities) + figures
    assert abs(meta["minutes"] - expected) <= 2, f"{stem}: says {meta['minutes']}, about {expected}"
    assert len(activities) >= 2, f"{stem}: at least two activities"


@pytest.mark.parametrize("stem", REWRITTEN_MODULES)
def test_every_activity_has_a_suggested_answer(stem):
    _, body = module(stem)
    blocks = re.split(r"\n(?=!!! )", body)
    for index, block in enumerate(blocks):
        if ACTIVITY.match(block):
            following = blocks[index + 1] if index + 1 < len(blocks) else ""
            assert following.startswith('!!! tip "A possible answer"'), block[:60]


@pytest.mark.parametrize("stem", REWRITTEN_MODULES)
def test_figures_have_alt_text_and_are_accessible_svgs(stem):
    _, body = module(stem)
    for alt, src in IMAGE.findall(body):
        assert len(alt.split()) >= 12, f"{stem}: alt text too short for {src}"
        assert src.startswith("../media/") and src.endswith(".svg"), src
        check_svg(COURSE / "media" / src[len("../media/") :])


def check_svg(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # noqa: S314 - the course's own files, not untrusted input
    assert root.tag == f"{SVG}svg" and root.get("role") == "img", path.name
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    width = float(root.get("viewBox").split()[2])
    assert width <= 400, f"{path.name}: a wide viewBox shrinks the text on a phone"
    # nothing runs and nothing is fetched: the only URL allowed is the SVG namespace itself
    without_namespace = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for banned in ("<script", "foreignObject", "<image", "http:", "https:", "@import", "href"):
        assert banned not in without_namespace, f"{path.name}: {banned}"
    sizes = [float(s) for s in re.findall(r'font-size[=:]\s*"?(\d+(?:\.\d+)?)', text)]
    assert sizes and min(sizes) >= 14, f"{path.name}: text smaller than 14 units"
    for element in root.iter(f"{SVG}text"):
        content = "".join(element.itertext()).strip()
        assert content, f"{path.name}: empty text element"


def test_module_01_keeps_the_corrected_facts():
    _, body = module("01-the-job")
    for fact in ("3 December\n  1998", "6 July 2004", "3 January 2017", "7 February 2022",
                 "relevé d'identité", "L2241-1", "78-2", "26 or older", "three-year"):  # fmt: skip
        assert fact.replace("\n  ", " ") in body.replace("\n  ", " "), fact
    assert not re.search(r"€\s?\d{1,2}[.,]\d\d\b", body), "no SMIC amount printed as current"
    assert "checked on 1 December 2026" in body
    assert "95 %" not in body


def test_module_02_keeps_the_full_charter_and_the_safe_advice():
    _, body = module("02-ethics-and-posture")
    principles = ("Participation of inhabitants", "Protection of people's rights", "Free consent",
                  "Independence", "Discretion", "Mobilising institutions")  # fmt: skip
    for principle in principles:
        assert principle in body, principle
    assert "Do not put yourself between them" in body
    assert "so that you are between them" not in body


def test_module_05_gives_glasls_interventions_as_the_brief_does():
    _, body = module("05-understanding-conflict")
    rows = {
        "Moderation": "1–3",
        "Process support": "3–5",
        "Socio-therapeutic process support": "4–6",
        "Mediation": "5–7",
        "Arbitration or court": "6–8",
        "Power intervention": "7–9",
    }
    for name, stages in rows.items():
        assert re.search(rf"^- \*\*{name} \(stages {stages}\)\.\*\*", body, re.MULTILINE), name


def test_module_10_keeps_the_digital_mediation_rules():
    _, body = module("10-information-and-access-to-rights")
    assert "France services" in body and "PIMMS" in body
    assert "type their own password" in body
    assert "Write down, photograph or keep" in body
