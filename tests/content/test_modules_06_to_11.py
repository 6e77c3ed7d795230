"""Issue 13, modules 06-09 and 11 of the bundled course and its course.yaml (author content-b).

The rules shared by every module (pools, draws, situational items, the key on any draw, short
answers, honest minutes, activities, figures) are in test_quiz_rules.py and test_module_rules.py,
whose lists now hold every module of course.yaml. This file keeps what is particular to these
modules and to the manifest: the blocks, the outcomes that may pass and the certificate title;
dated figures; the facts the issue corrected or added (223-6 under 15, relevé d'identité, never
between the parties, the police municipale and litter, the agent's own protection, vulnerable
adults, personal data, interpreters) and the unconfirmed 3133 kept out; a stricter rule on the
length of the right choice; and what the mediation-steps figure must show.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from quizzes.formats import load_quiz_file
from quizzes.model import Quiz
from tests.content.test_bundled_course import COURSE, MANIFEST, MODULES
from tests.content.test_module_rules import REWRITTEN_MODULES
from tests.content.test_quiz_rules import JUDGEMENT_QUIZZES
from training.content_source import split_front_matter

STEMS = [
    "06-conducting-a-mediation",
    "07-de-escalation",
    "08-emergencies-and-law",
    "09-watch-reporting-partnership",
    "11-cultural-intermediation",
]
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
SVG = "{http://www.w3.org/2000/svg}"
BLOCK_IDS = {block["id"] for block in MANIFEST.get("blocks", [])}


def quiz_of(stem: str) -> Quiz:
    path = COURSE / "modules" / f"{stem}.quiz.yaml"
    quiz, problems = load_quiz_file(path, f"modules/{stem}.quiz.yaml")
    assert quiz is not None, problems
    return quiz


def module_of(stem: str) -> tuple[dict, str]:
    text = (COURSE / "modules" / f"{stem}.md").read_text(encoding="utf-8")
    meta, body, _ = split_front_matter(text, stem)
    return meta, body


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_manifest_lists_these_modules_in_order():
    assert [stem for stem in MODULES if stem in STEMS] == STEMS
    assert MODULES[-2:] == ["10-information-and-access-to-rights", "11-cultural-intermediation"]


# -- course.yaml --------------------------------------------------------------------------------


def test_the_certificate_says_it_is_a_preparation_course():
    title = MANIFEST["certificate"]["title"]
    assert title == "CAP preparation course — Prevention and mediation agent"
    assert "does not award" in MANIFEST["summary"]


def test_course_blocks_are_the_cap_units_and_the_amis_ccps():
    blocks = {block["id"]: block for block in MANIFEST["blocks"]}
    assert list(blocks) == ["EP1", "EP2", "EP3", "CCP1", "CCP2", "CCP3"]
    assert {blocks[b]["rncp"] for b in ("EP1", "EP2", "EP3")} == {"RNCP37240"}
    assert {blocks[b]["rncp"] for b in ("CCP1", "CCP2", "CCP3")} == {"RNCP37722"}
    assert blocks["EP1"]["title"].startswith("Accueil, information et accompagnement")
    assert blocks["EP2"]["title"].startswith("Prévention et médiation")
    assert blocks["EP3"]["title"].startswith("Communication et organisation")
    assert all(block["title"].strip() for block in blocks.values())


def test_completion_names_the_outcomes_that_may_pass_and_the_new_roleplays():
    assert MANIFEST["completion"]["roleplay_outcomes"] == ["resolved", "partial"]
    assert MANIFEST["roleplays"][-2:] == ["france-services-counter", "family-interpreter"]


# -- modules ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_module_and_quiz_name_the_blocks_they_serve(stem):
    meta, _ = module_of(stem)
    blocks = meta["blocks"]
    assert blocks and set(blocks) <= BLOCK_IDS and len(set(blocks)) == len(blocks), blocks
    assert any(b.startswith("EP") for b in blocks) and any(b.startswith("CCP") for b in blocks)
    assert quiz_of(stem).blocks == tuple(blocks)


@pytest.mark.parametrize("stem", STEMS)
def test_module_keeps_its_teaching_structure(stem):
    _, body = module_of(stem)
    for part in ("## Summary", "## Key terms", "!!! note", "!!! warning", "Worked example", "|---"):
        assert part in body, part


@pytest.mark.parametrize(
    "stem", ["07-de-escalation", "08-emergencies-and-law", "09-watch-reporting-partnership"]
)
def test_figures_that_change_carry_a_checked_on_date(stem):
    _, body = module_of(stem)
    assert re.search(r"[Cc]hecked on \d{1,2} [A-Z][a-z]+ 20\d\d", body)


def test_the_unconfirmed_3133_is_never_printed():
    for path in COURSE.rglob("*"):
        if path.is_file() and path.suffix in {".md", ".yaml"}:
            assert "3133" not in path.read_text(encoding="utf-8"), path


def test_the_duty_to_assist_gives_the_penalty_for_a_child_under_15():
    body = flat(module_of("08-emergencies-and-law")[1])
    assert "7 years in prison and a €100,000 fine" in body
    assert "law of 3 August 2018" in body
    explanation = quiz_of("08-emergencies-and-law").question("m08-risk-to-self").explanation
    assert "7 years and €100,000" in explanation


def test_vulnerable_adults_and_children_at_risk_are_covered_as_the_brief_says():
    body = flat(module_of("08-emergencies-and-law")[1])
    for fact in ("3977", "procureur de la République", "CRIP", "L272-4", "116 006"):
        assert fact in body, fact
    assert "not an emergency line" in body


def test_the_agent_s_own_protection_is_covered():
    body = flat(module_of("07-de-escalation")[1])
    for fact in (
        "122-5",
        "Necessary",
        "Simultaneous",
        "Proportionate",
        "116 006",
        "porter plainte",
    ):
        assert fact in body, fact
    assert "Your employer must protect you" in body and "The same day" in body


def test_personal_data_rules_are_in_the_reporting_module():
    body = flat(module_of("09-watch-reporting-partnership")[1])
    for rule in ("GDPR", "Facts only", "Need to know", "No longer than needed"):
        assert rule in body, rule


@pytest.mark.parametrize("stem", STEMS)
def test_sworn_agents_record_identity_they_do_not_check_it(stem):
    for text in (module_of(stem)[1], (COURSE / "modules" / f"{stem}.quiz.yaml").read_text()):
        text = flat(text)
        assert not re.search(r"identity checks are for sworn", text, re.I)
        assert not re.search(r"sworn agents? [^.]*(check|issue)[^.]* identity", text, re.I)
    body = flat(module_of("08-emergencies-and-law")[1])
    assert "*relevé d'identité*" in body and "That is not an identity check" in body


@pytest.mark.parametrize("stem", STEMS)
def test_never_advises_standing_between_the_parties(stem):
    for sentence in re.split(r"(?<=[.!?])\s+", flat(module_of(stem)[1])):
        if re.search(r"\b(stand|step)\w* (in )?between\b", sentence, re.I):
            assert re.search(r"\b(not|never)\b", sentence, re.I), sentence


def test_the_police_municipale_fine_for_litter_as_the_park_roleplay_says():
    question = quiz_of("09-watch-reporting-partnership").question("m09-sit-park-litter")
    patrol = next(c for c in question.choices if "police municipale" in c.text)
    assert not patrol.correct and "can fine for litter" in patrol.feedback
    text = (COURSE / "modules" / "09-watch-reporting-partnership.quiz.yaml").read_text()
    assert "not for the police" not in text


def test_cultural_intermediation_never_uses_a_child_as_interpreter():
    body = flat(module_of("11-cultural-intermediation")[1])
    assert "Do not let a child interpret for adults' affairs" in body
    assert "bridge, not a spokesperson" in body


def test_the_mediation_steps_figure_is_safe_described_and_legible():
    _, body = module_of("06-conducting-a-mediation")
    [(alt, src)] = IMAGE.findall(body)
    assert src == "../media/mediation-steps.svg" and len(alt.split()) >= 30
    svg = COURSE / "media" / "mediation-steps.svg"
    text = svg.read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)  # noqa: S314 - the course's own file
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text and len(root.find(f"{SVG}desc").text.split()) >= 40
    without_namespace = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for banned in ("<script", "foreignObject", "<image", "http:", "https:", "@import", "href"):
        assert banned not in without_namespace, banned
    assert not re.search(r"\son\w+=", text)
    width = float(root.get("viewBox").split()[2])
    sizes = [float(size) for size in re.findall(r"font-size: (\d+)px", text)]
    assert width <= 400 and min(sizes) >= 14  # about 13 px or more on a 360-px phone
    labels = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for step in ("Frame and consent", "Facts", "Feelings and needs", "Options", "Follow-up"):
        assert step in labels, step


# -- quizzes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_the_right_choice_is_not_given_away_by_its_length(stem):
    """A test-wise learner picks the longest answer: it must win at most a third of the time."""
    singles = [q for q in quiz_of(stem).questions if q.type == "single"]
    longest = [
        q.id
        for q in singles
        if len(next(c for c in q.choices if c.correct).text) >= max(len(c.text) for c in q.choices)
    ]
    assert len(longest) <= len(singles) / 3, longest


def test_true_false_items_are_not_all_false():
    answers = [q.answer for s in STEMS for q in quiz_of(s).questions if q.type == "true_false"]
    assert True in answers and False in answers


def test_every_module_is_under_the_shared_rules():
    assert JUDGEMENT_QUIZZES == REWRITTEN_MODULES == MODULES
