"""The French edition of the bundled course (issue 14), ``content/cap-apm-fr``, is the English
course translated, never restructured, and it is written in French.

Checked for every module that ``content/cap-apm-fr/course.yaml`` lists (the translators of the
other modules add theirs there, and these tests then cover them):

- the folder loads as a course without a problem or a warning; its manifest keeps the English
  hours, completion rules and blocks, lists modules the English course has, in the same order,
  and its certificate says it is a preparation course, not the diploma;
- each module keeps its English stem, blocks, minutes, sections, callouts, figures and
  "checked on" dates, and links to a module exactly where the English one does, once that module
  is part of the French edition (until then the French text names it without a link);
- each quiz keeps every non-text key of its English twin: settings, blocks, question ids, types
  and points in the same order, which choices are right, true/false answers, numbers and
  tolerances, the number of matching pairs and ordering items. This is a simple structural
  comparison until the editions' parity checker exists;
- each quiz is keyed to 100 % on the pool and on any draw, and its short answers accept what a
  French learner really types (listed below, graded for real, with a near miss that stays wrong);
- the issue-13 quiz rules hold in French too: situational prompts speak to the learner with
  "vous", the right choice is not given away by its length, no prompt is repeated;
- the French figures are the English drawings with French text, as safe and legible;
- each role-play the French ``course.yaml`` lists (in the English order) keeps every non-text
  key of its English twin: blocks, competencies, start, content note or not, node ids in order,
  the number of dialogue lines, each choice's target, points and critical flag in the same order,
  each ending's outcome and cap; its text is French (no English left, people's names as in the
  English, the agent says "vous" to adults);
- French typography: no ordinary space before ``: ; ! ?`` or inside « », where a phone would
  break the line (docs/design-notes.md, "French edition vocabulary", says how to type them).
"""

from __future__ import annotations

import math
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from courses.loader import load_course
from courses.scenario import Scenario
from courses.scenario_parse import load_scenario_file
from quizzes.formats import load_quiz_file
from quizzes.grading import grade, normalise_text
from quizzes.model import Question, Quiz
from tests.content.test_bundled_course import key_answer
from tests.content.test_module_rules import SVG, check_svg
from training.content_source import load_yaml_file, split_front_matter

CONTENT = Path(__file__).resolve().parents[2] / "content"
EN, FR = CONTENT / "cap-apm", CONTENT / "cap-apm-fr"
EN_MANIFEST = load_yaml_file(EN / "course.yaml")
FR_MANIFEST = load_yaml_file(FR / "course.yaml")
FR_MODULES = list(FR_MANIFEST["modules"])
FR_ROLEPLAYS = list(FR_MANIFEST.get("roleplays", []))
FIGURES = [
    "hall-distance-zones.svg",
    "glasl-staircase.svg",
    "glasl-interventions.svg",
    "mediation-steps.svg",
]
WORDS_PER_MINUTE = 150
ACTIVITY = re.compile(r'^!!! example "Exercice \((\d+)\s+minutes?\)"', re.MULTILINE)
ANSWER = '!!! tip "Une réponse possible"'
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
MODULE_LINK = re.compile(r"\]\((\d\d-[a-z0-9-]+)\.md(?:#[^)]*)?\)")
SKELETON = re.compile(r"^(#{1,3}) |^!!! (\w+)", re.MULTILINE)

# What French learners really type for each short-answer item, and a near miss that stays wrong.
SHORT_ANSWER_VARIANTS: dict[str, tuple[list[str], str]] = {
    "m01-ccp-blocks": (
        ["ccp", "les CCP", "C.C.P.", "certificats de competences professionnelles", "un CCP"],
        "CAP",
    ),
    "m03-sit-reflect-feeling": (
        [
            "le reflet des sentiments",
            "reflet du sentiment",
            "Reflet des émotions",
            "refléter les sentiments",
            "refleter le sentiment",
            "reformulation des sentiments",
            "le reflet",
        ],
        "reformulation",
    ),
    "m04-osbd-letters": (
        [
            "observation sentiment besoin demande",
            "Observation, Sentiments, Besoins, Demandes",
            "observation / sentiment / besoin / demande",
            "Observation, sentiment, besoin et demande",
            "l'observation, le sentiment, le besoin et la demande",
            "OBSERVATION SENTIMENT BESOIN DEMANDE.",
        ],
        "observation sentiment besoin",
    ),
    "m05-tk-high-high": (
        [
            "Collaboration",
            "la collaboration",
            "collaborer",
            "collaboratif",
            "le mode collaboration",
        ],
        "compromis",
    ),
    "m06-free-consent": (
        [
            "libre",
            "Libre.",
            "librement",
            "un consentement libre",
            "le libre consentement",
            "volontaire",
        ],
        "obligatoire",
    ),
    "m07-pair-word": (
        ["binôme", "binome", "un binôme", "les binomes", "en binôme", "Binôme."],
        "équipe",
    ),
    "m08-crip": (
        [
            "CRIP",
            "la crip",
            "C.R.I.P.",
            "cellule de recueil des informations preoccupantes",
            "la cellule de recueil des informations préoccupantes",
        ],
        "ASE",
    ),
    "m08-sit-foreign-phone": (["112", "le 112", "Le numéro 112.", "au 112"], "115"),
    "m09-logbook-name": (
        [
            "main courante",
            "La main courante",
            "la main-courante",
            "une main courante",
            "les mains courantes",
            "le cahier de main courante",
        ],
        "fiche de liaison",
    ),
    "m10-non-recours": (
        [
            "non-recours",
            "non recours",
            "le non-recours",
            "non-recours aux droits",
            "le non recours au droit",
            "nonrecours",
        ],
        "recours",
    ),
    "m11-bridge-word": (
        [
            "porte-parole",
            "Un porte-parole",
            "porte parole",
            "un porte-parole.",
            "porte-paroles",
            "porte-voix",
        ],
        "interprète",
    ),
}


def module(folder: Path, stem: str) -> tuple[dict, str]:
    text = (folder / "modules" / f"{stem}.md").read_text(encoding="utf-8")
    meta, body, _ = split_front_matter(text, stem)
    return meta, body


def quiz(folder: Path, stem: str) -> Quiz:
    loaded, problems = load_quiz_file(folder / "modules" / f"{stem}.quiz.yaml", stem)
    assert loaded is not None and problems == [], problems
    return loaded


def flat(text: str) -> str:
    """Whitespace (line breaks, non-breaking spaces) as single spaces."""
    return re.sub(r"\s+", " ", text)


def structure(question: Question) -> tuple:
    """Everything about a question that is not text: what the parity checker will compare."""
    return (
        question.id,
        question.type,
        question.points,
        tuple(choice.correct for choice in question.choices),
        question.answer,
        question.tolerance,
        question.min,
        question.max,
        len(question.pairs),
        len(question.items),
        bool(question.answers),
    )


def test_the_french_edition_loads_without_a_problem():
    course, problems = load_course(FR)
    assert course is not None and problems == [], problems
    assert course.language == "fr"
    assert [m.stem for m in course.modules] == FR_MODULES
    assert all(m.quiz is not None for m in course.modules)
    assert [s.slug for s in course.roleplays] == FR_ROLEPLAYS


def test_the_manifest_follows_the_english_one():
    assert FR_MANIFEST["language"] == "fr" and EN_MANIFEST["language"] == "en"
    assert [stem for stem in EN_MANIFEST["modules"] if stem in FR_MODULES] == FR_MODULES
    for key in ("open", "completion"):
        assert FR_MANIFEST[key] == EN_MANIFEST[key], key
    # The same hours once the edition is complete; until then, its own honest estimate (the
    # checker's hours lint holds it to the modules it has).
    if list(EN_MANIFEST["modules"]) == FR_MODULES:
        assert FR_MANIFEST["hours"] == EN_MANIFEST["hours"]
    assert [slug for slug in EN_MANIFEST["roleplays"] if slug in FR_ROLEPLAYS] == FR_ROLEPLAYS
    en_blocks = [(b["id"], b["rncp"]) for b in EN_MANIFEST["blocks"]]
    fr_blocks = [(b["id"], b["rncp"]) for b in FR_MANIFEST["blocks"]]
    # The same blocks once the edition is complete; until then those its modules serve (a block
    # nothing serves is a checker warning), in the English order.
    assert fr_blocks == [b for b in en_blocks if b in fr_blocks]
    if list(EN_MANIFEST["modules"]) == FR_MODULES:
        assert fr_blocks == en_blocks
    titles = {b["id"]: b["title"] for b in FR_MANIFEST["blocks"]}
    assert titles["EP1"] == "Accueil, information et accompagnement"
    assert titles["EP2"] == "Prévention et médiation"
    assert titles["EP3"] == "Communication et organisation"
    certificate = FR_MANIFEST["certificate"]["title"]
    assert "préparation au CAP" in certificate and certificate.startswith("Attestation")


@pytest.mark.parametrize("stem", FR_MODULES)
def test_module_keeps_the_english_structure(stem):
    en_meta, en_body = module(EN, stem)
    fr_meta, fr_body = module(FR, stem)
    assert fr_meta["blocks"] == en_meta["blocks"]
    assert fr_meta["minutes"] == en_meta["minutes"], "keep the minutes unless the rule says more"
    assert len(fr_meta["objectives"]) == len(en_meta["objectives"])
    skeleton = [m.group(1) or m.group(2) for m in SKELETON.finditer(fr_body)]
    assert skeleton == [m.group(1) or m.group(2) for m in SKELETON.finditer(en_body)]
    assert [src for _, src in IMAGE.findall(fr_body)] == [src for _, src in IMAGE.findall(en_body)]
    checked = flat(en_body).count("(checked on 1 December 2026)")
    assert flat(fr_body).count("(vérifié le 1er décembre 2026)") == checked
    assert "## Résumé" in fr_body and "## Mots clés" in fr_body


@pytest.mark.parametrize("stem", FR_MODULES)
def test_module_links_follow_the_english_once_the_module_is_translated(stem):
    _, en_body = module(EN, stem)
    _, fr_body = module(FR, stem)
    expected = {target for target in MODULE_LINK.findall(en_body) if target in FR_MODULES}
    assert set(MODULE_LINK.findall(fr_body)) == expected, (
        "link to a module where the English does, as soon as course.yaml lists it"
    )


@pytest.mark.parametrize("stem", FR_MODULES)
def test_minutes_are_honest_and_activities_have_answers(stem):
    meta, body = module(FR, stem)
    activities = [int(m) for m in ACTIVITY.findall(body)]
    _, en_body = module(EN, stem)
    assert len(activities) == len(re.findall(r'^!!! example "Try it', en_body, re.MULTILINE))
    words = len(re.findall(r"[A-Za-zÀ-ÿ0-9'’-]+", body))
    expected = math.ceil(words / WORDS_PER_MINUTE) + sum(activities) + len(IMAGE.findall(body))
    assert abs(meta["minutes"] - expected) <= 2, f"{stem}: says {meta['minutes']}, about {expected}"
    blocks = re.split(r"\n(?=!!! )", body)
    for index, block in enumerate(blocks):
        if ACTIVITY.match(block):
            assert blocks[index + 1].startswith(ANSWER), block[:60]


@pytest.mark.parametrize("stem", FR_MODULES)
def test_quiz_keeps_every_non_text_key_of_the_english_quiz(stem):
    en, fr = quiz(EN, stem), quiz(FR, stem)
    assert fr.settings == en.settings
    assert fr.blocks == en.blocks
    assert [structure(q) for q in fr.questions] == [structure(q) for q in en.questions]


@pytest.mark.parametrize("stem", FR_MODULES)
def test_quiz_is_keyed_to_full_marks_on_any_draw(stem):
    questions = list(quiz(FR, stem).questions)
    key = {q.id: key_answer(q) for q in questions}
    assert grade(questions, key).percent == pytest.approx(100.0)
    rng = random.Random(stem)
    for _ in range(20):
        drawn = rng.sample(questions, 10)
        assert grade(drawn, {q.id: key[q.id] for q in drawn}).percent == pytest.approx(100.0)
    assert grade(questions, {}).percent == 0


@pytest.mark.parametrize("stem", FR_MODULES)
def test_quiz_follows_the_judgement_rules_in_french(stem):
    questions = quiz(FR, stem).questions
    for question in questions:
        assert question.explanation.strip(), question.id
        assert all(choice.feedback.strip() for choice in question.choices), question.id
        if "-sit-" in question.id:
            words = re.findall(r"[A-Za-zÀ-ÿ'’]+", question.prompt)
            assert len(words) >= 18, f"{question.id}: too short to set a scene"
            assert re.search(r"\b(vous|votre|vos)\b", question.prompt, re.IGNORECASE), question.id
    singles = [q for q in questions if q.type == "single"]
    longest_is_right = 0
    for question in singles:
        lengths = [len(choice.text) for choice in question.choices]
        right = next(i for i, choice in enumerate(question.choices) if choice.correct)
        if lengths[right] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest_is_right += 1
    assert longest_is_right <= len(singles) / 2, f"{stem}: {longest_is_right}/{len(singles)}"


def test_no_prompt_is_repeated_across_french_quizzes():
    seen: dict[str, str] = {}
    for stem in FR_MODULES:
        for question in quiz(FR, stem).questions:
            key = normalise_text(question.prompt)
            assert key not in seen, f"{question.id} repeats {seen[key]}"
            seen[key] = question.id


@pytest.mark.parametrize("question_id", sorted(SHORT_ANSWER_VARIANTS))
def test_french_short_answers_accept_what_learners_type(question_id):
    stem = next(s for s in FR_MODULES if s.startswith(question_id[1:3]))
    question = quiz(FR, stem).question(question_id)
    assert question is not None and question.type == "short_answer"
    variants, near_miss = SHORT_ANSWER_VARIANTS[question_id]
    for typed in variants:
        assert grade([question], {question_id: typed}).percent == 100, typed
    assert grade([question], {question_id: near_miss}).percent == 0


def test_every_french_short_answer_item_has_its_variants_listed():
    for stem in FR_MODULES:
        for question in quiz(FR, stem).questions:
            if question.type == "short_answer":
                assert question.id in SHORT_ANSWER_VARIANTS, question.id


@pytest.mark.parametrize("name", FIGURES)
def test_french_figures_are_the_english_drawings_in_french(name):
    check_svg(FR / "media" / name)
    en_root = ET.parse(EN / "media" / name).getroot()  # noqa: S314 - the course's own files
    fr_root = ET.parse(FR / "media" / name).getroot()  # noqa: S314
    for shape in ("rect", "line", "path", "circle", "pattern"):
        assert len(fr_root.findall(f".//{SVG}{shape}")) == len(en_root.findall(f".//{SVG}{shape}"))
    for tag in ("title", "desc"):
        assert fr_root.find(f"{SVG}{tag}").text != en_root.find(f"{SVG}{tag}").text, tag
    texts = " ".join("".join(t.itertext()) for t in fr_root.iter(f"{SVG}text"))
    assert not re.search(r"\b(the|and|stage|your|you|to|from)\b", texts), texts


@pytest.mark.parametrize("stem", FR_MODULES)
def test_french_figures_have_french_alt_text(stem):
    _, body = module(FR, stem)
    for alt, src in IMAGE.findall(body):
        assert len(alt.split()) >= 12, f"{stem}: alt text too short for {src}"
        assert (FR / "media" / src[len("../media/") :]).is_file(), src


def scenario(folder: Path, slug: str) -> Scenario:
    loaded, problems = load_scenario_file(
        folder / "roleplays" / f"{slug}.yaml", f"roleplays/{slug}.yaml", slug
    )
    assert loaded is not None and problems == [], problems
    return loaded


def roleplay_structure(play: Scenario) -> tuple:
    """Everything about a role-play that is not text: what the parity checker will compare."""
    nodes = tuple(
        (
            node.id,
            len(node.dialogue),
            tuple((c.next, dict(c.points), c.is_critical) for c in node.choices),
            (node.ending.outcome, node.ending.max_score) if node.ending else None,
        )
        for node in play.nodes.values()
    )
    return (play.blocks, play.competencies, play.start, play.content_note is None, nodes)


def roleplay_texts(play: Scenario) -> list[str]:
    """Every text a learner reads in the role-play, with where it comes from."""
    texts = [play.title, play.summary, play.setting, play.content_note or ""]
    for node in play.nodes.values():
        texts.append(node.text)
        texts += [line.line for line in node.dialogue]
        for choice in node.choices:
            reason = choice.critical.reason if choice.critical else ""
            texts += [choice.text, choice.feedback, reason]
        if node.ending:
            texts.append(node.ending.debrief)
    return [text for text in texts if text]


GENERIC_SPEAKERS = {"Man", "Passenger", "Teenager", "Passer-by"}
# English words that do not occur in French text (names and quoted French terms aside).
ENGLISH = re.compile(r"\b(the|and|you|your|with|what|which|this|that|is|are|of|to)\b")


@pytest.mark.parametrize("slug", FR_ROLEPLAYS)
def test_roleplay_keeps_every_non_text_key_of_the_english_one(slug):
    en, fr = scenario(EN, slug), scenario(FR, slug)
    assert roleplay_structure(fr) == roleplay_structure(en)


@pytest.mark.parametrize("slug", FR_ROLEPLAYS)
def test_roleplay_is_written_in_french_for_the_same_people(slug):
    en, fr = scenario(EN, slug), scenario(FR, slug)
    for text in roleplay_texts(fr):
        assert not ENGLISH.search(text), text[:80]
    en_speakers = [line.speaker for node in en.nodes.values() for line in node.dialogue]
    fr_speakers = [line.speaker for node in fr.nodes.values() for line in node.dialogue]
    for en_speaker, fr_speaker in zip(en_speakers, fr_speakers, strict=True):
        titled = re.match(r"(Mrs?|Ms) (\S+)", en_speaker)
        if titled:
            french = {"Mr": "M.", "Mrs": "Mme", "Ms": "Mme"}[titled.group(1)]
            assert flat(fr_speaker).startswith(f"{french} {titled.group(2)}"), fr_speaker
        elif " " not in en_speaker and en_speaker not in GENERIC_SPEAKERS:
            assert fr_speaker == en_speaker, "a first name stays as in the English edition"
    setting = flat(fr.setting)
    assert re.search(r"\b(vous|votre|vos)\b", setting, re.IGNORECASE), (
        "the setting speaks to the learner"
    )
    assert not re.search(r"\b(tu|toi|ton|ta|tes)\b", flat(fr.summary + " " + fr.setting))


def french_files() -> list[Path]:
    files = [
        FR / "modules" / f"{stem}{suffix}"
        for stem in FR_MODULES
        for suffix in (".md", ".quiz.yaml")
    ]
    files += [FR / "roleplays" / f"{slug}.yaml" for slug in FR_ROLEPLAYS]
    return files + [FR / "course.yaml"]


@pytest.mark.parametrize("path", french_files(), ids=lambda p: p.name)
def test_french_typography_keeps_punctuation_on_its_line(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("#") and path.suffix == ".yaml":
            continue
        assert not re.search(r"(?<=\S) [:;!?»]", line), f"{path.name}:{number}: {line.strip()}"
        assert "« " not in line and not line.rstrip().endswith("«"), f"{path.name}:{number}"
        starts = re.match(r"\s*[:;!?»]", line) and not re.match(r"\s*!(!!|\[)", line)
        assert not starts, f"{path.name}:{number}: a line starts with its punctuation"


def test_module_01_keeps_the_corrected_facts():
    _, body = module(FR, "01-the-job")
    text = flat(body)
    facts = ("3 décembre 1998", "6 juillet 2004", "3 janvier 2017", "7 février 2022", "L2241-1",
             "L2241-2", "529-4", "78-2", "relevé d’identité", "26 ans ou plus", "trois ans",
             "1999", "RNCP37240", "RNCP37722", "31 août 2027", "2 juillet 2028")  # fmt: skip
    for fact in facts:
        assert fact in text, fact
    assert not re.search(r"\d{1,2},\d\d\s?€", text), "no SMIC amount printed as current"


def test_module_02_keeps_the_full_charter_and_the_safe_advice():
    _, body = module(FR, "02-ethics-and-posture")
    principles = (
        "Neutralité et impartialité",
        "Négociation et dialogue",
        "Libre consentement",
        "Participation des habitants",
        "Expliquer son rôle et ses limites",
        "Mobilisation des institutions",
        "Protection des droits des personnes",
        "Indépendance",
        "Discrétion",
    )
    for principle in principles:
        assert f"**{principle}.**" in body, principle
    assert "Ne vous mettez pas entre eux" in body
    assert "226-13" in body and "15 000 €" in flat(body).replace("\u202f", " ")


def test_module_05_gives_glasls_interventions_as_the_brief_does():
    _, body = module(FR, "05-understanding-conflict")
    rows = {
        "Modération": "1–3",
        "Accompagnement du processus": "3–5",
        "Accompagnement socio-thérapeutique": "4–6",
        "Médiation": "5–7",
        "Arbitrage ou tribunal": "6–8",
        "Intervention de pouvoir": "7–9",
    }
    for name, stages in rows.items():
        assert re.search(rf"^- \*\*{name} \(stades {stages}\)\.\*\*", body, re.MULTILINE), name


def test_module_10_keeps_the_digital_mediation_rules():
    _, body = module(FR, "10-information-and-access-to-rights")
    text = flat(body)
    assert "France services" in text and "PIMMS" in text
    assert "taper elle-même son mot de passe" in text
    assert "Noter, photographier ou garder" in text
