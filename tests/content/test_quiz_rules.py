"""The bundled course's quizzes test judgement (issue 13), and its modules say what they serve.

Rules checked for every quiz rewritten under issue 13 (``JUDGEMENT_QUIZZES``; the other authors
add their stems as their rewrites land, until the set is every module of course.yaml):

- a pool of at least 15 questions, 10 drawn per attempt, shuffled, pass mark 70, answers shown
  only after a pass or after the last attempt, an explanation on every question;
- question ids prefixed by the module number (``m03-…``) so that no two quizzes of the three
  authors can collide, and unique across every quiz file of the course;
- at least 60 % of the pool is situational. A situational item carries ``-sit-`` right after its
  module prefix (``m03-sit-hall-distance``); the test also checks that such a prompt really sets a
  scene: it speaks to the learner ("you") and is long enough to describe a situation;
- the key scores 100 % on the whole pool and on any draw; a blank attempt scores 0; ticking every
  box of a multiple-choice item scores 0; the right choice of a single-choice item is not the
  longest text in more than half of the quiz's single-choice items (length must not give it away);
- no prompt is repeated, even reworded only in case or punctuation, across all quiz files;
- short-answer keys accept the variants a learner really types (listed below, graded for real).

docs/design-notes.md, "Bundled course: quiz conventions", documents the id convention.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from quizzes.formats import load_quiz_file
from quizzes.grading import grade, normalise_text
from quizzes.model import Question, Quiz
from tests.content.test_bundled_course import key_answer

COURSE = Path(__file__).resolve().parents[2] / "content" / "cap-apm"
MODULES_DIR = COURSE / "modules"
JUDGEMENT_QUIZZES = [
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
SHOW_ANSWERS_ALLOWED = {"after_pass", "after_last_attempt"}
SITUATIONAL_SHARE = 0.6

# What learners really type for each short-answer item, and a near miss that must stay wrong.
SHORT_ANSWER_VARIANTS: dict[str, tuple[list[str], str]] = {
    "m01-ccp-blocks": (
        ["ccp", "CCPs", "C.C.P", "certificats de competences professionnelles"],
        "CAP",
    ),
    "m03-sit-reflect-feeling": (
        [
            "reflecting feelings",
            "Reflecting the feeling",
            "reflection of feelings",
            "reflet des sentiments",
            "reflecting emotions",
            "reformulation of feelings",
        ],
        "reformulation",
    ),
    "m04-osbd-letters": (
        [
            "observation sentiment besoin demande",
            "Observation, Sentiments, Besoins, Demandes",
            "observation / sentiment / besoin / demande",
            "Observation, sentiment, besoin et demande",
            "OBSERVATION SENTIMENT BESOIN DEMANDE.",
        ],
        "observation sentiment besoin",
    ),
    "m05-tk-high-high": (
        ["Collaborating", "collaboration", "collaborate", "Collaborer"],
        "compromising",
    ),
    "m10-non-recours": (
        [
            "non-recours",
            "non recours",
            "le non-recours",
            "non-recours aux droits",
            "non take-up",
            "nonrecours",
        ],
        "recours",
    ),
    "m06-free-consent": (["free", "Freely given", "voluntary", "libre", "Free."], "informed"),
    "m07-pair-word": (["binôme", "binome", "en binome", "Binômes", "le binôme"], "pair"),
    "m08-crip": (
        [
            "CRIP",
            "crip",
            "C.R.I.P.",
            "la CRIP",
            "cellule de recueil des informations preoccupantes",
        ],
        "CCAS",
    ),
    "m08-sit-foreign-phone": (["112", "le 112", "the 112", "112."], "15"),
    "m09-logbook-name": (
        ["main courante", "Main-courante", "la main courante", "maincourante"],
        "fiche de liaison",
    ),
    "m11-bridge-word": (
        ["spokesperson", "a spokesperson", "spokes-person", "spokesman", "porte-parole"],
        "bridge",
    ),
}


def load(stem: str) -> Quiz:
    quiz, problems = load_quiz_file(MODULES_DIR / f"{stem}.quiz.yaml", f"modules/{stem}.quiz.yaml")
    assert quiz is not None, problems
    return quiz


def all_quiz_files() -> list[Path]:
    return sorted(MODULES_DIR.glob("*.quiz.yaml"))


def is_situational(question: Question) -> bool:
    return re.match(r"^m\d\d-sit-", question.id) is not None


@pytest.mark.parametrize("stem", JUDGEMENT_QUIZZES)
def test_pool_draw_and_settings(stem):
    quiz = load(stem)
    settings = quiz.settings
    assert len(quiz.questions) >= 15, f"{stem}: pool of {len(quiz.questions)}"
    assert settings.draw == 10
    assert settings.shuffle is True
    assert settings.pass_mark == 70
    assert settings.show_answers in SHOW_ANSWERS_ALLOWED
    for question in quiz.questions:
        assert question.explanation.strip(), question.id


@pytest.mark.parametrize("stem", JUDGEMENT_QUIZZES)
def test_ids_carry_the_module_number(stem):
    prefix = f"m{stem[:2]}-"
    quiz = load(stem)
    assert all(q.id.startswith(prefix) for q in quiz.questions), [q.id for q in quiz.questions]


@pytest.mark.parametrize("stem", JUDGEMENT_QUIZZES)
def test_most_items_put_the_learner_in_a_situation(stem):
    quiz = load(stem)
    situational = [q for q in quiz.questions if is_situational(q)]
    share = len(situational) / len(quiz.questions)
    assert share >= SITUATIONAL_SHARE, f"{stem}: {share:.0%} situational"
    for question in situational:
        words = re.findall(r"[A-Za-zÀ-ÿ']+", question.prompt)
        assert len(words) >= 18, f"{question.id}: too short to set a scene"
        assert re.search(r"\byou(r)?\b", question.prompt, re.IGNORECASE), question.id


@pytest.mark.parametrize("stem", JUDGEMENT_QUIZZES)
def test_the_key_scores_full_marks_on_any_draw_and_guessing_does_not(stem):
    quiz = load(stem)
    questions = list(quiz.questions)
    key = {q.id: key_answer(q) for q in questions}
    assert grade(questions, key).percent == pytest.approx(100.0)
    rng = random.Random(stem)
    for _ in range(20):
        drawn = rng.sample(questions, quiz.settings.draw)
        assert grade(drawn, {q.id: key[q.id] for q in drawn}).percent == pytest.approx(100.0)
    assert grade(questions, {}).percent == 0
    for question in questions:
        if question.type == "multiple":
            every_box = list(range(len(question.choices)))
            assert grade([question], {question.id: every_box}).percent == 0, question.id
        if question.type in ("single", "multiple"):
            wrong = [i for i, c in enumerate(question.choices) if not c.correct]
            picked = wrong[0] if question.type == "single" else wrong
            assert grade([question], {question.id: picked}).percent == 0, question.id
            assert all(c.feedback.strip() for c in question.choices), question.id


@pytest.mark.parametrize("stem", JUDGEMENT_QUIZZES)
def test_the_right_choice_is_not_given_away_by_its_length(stem):
    singles = [q for q in load(stem).questions if q.type == "single"]
    longest_is_right = 0
    for question in singles:
        lengths = [len(c.text) for c in question.choices]
        right = next(i for i, c in enumerate(question.choices) if c.correct)
        if lengths[right] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest_is_right += 1
    assert longest_is_right <= len(singles) / 2, f"{stem}: {longest_is_right}/{len(singles)}"


def test_no_question_is_repeated_across_quizzes():
    ids: Counter[str] = Counter()
    prompts: dict[str, str] = {}
    for file in all_quiz_files():
        quiz, problems = load_quiz_file(file, file.name)
        assert quiz is not None, problems
        for question in quiz.questions:
            ids[question.id] += 1
            key = normalise_text(question.prompt)
            where = f"{file.name}:{question.id}"
            assert key not in prompts, f"{where} repeats {prompts[key]}"
            prompts[key] = where
    repeated = [qid for qid, count in ids.items() if count > 1]
    prefixed = [qid for qid in repeated if re.match(r"^m\d\d-", qid)]
    assert prefixed == [], prefixed


@pytest.mark.parametrize("question_id", sorted(SHORT_ANSWER_VARIANTS))
def test_short_answers_accept_what_learners_type(question_id):
    stem = next(s for s in JUDGEMENT_QUIZZES if s.startswith(question_id[1:3]))
    question = load(stem).question(question_id)
    assert question is not None and question.type == "short_answer"
    variants, near_miss = SHORT_ANSWER_VARIANTS[question_id]
    for typed in variants:
        assert grade([question], {question_id: typed}).percent == 100, typed
    assert grade([question], {question_id: near_miss}).percent == 0


def test_every_short_answer_item_has_its_variants_listed():
    listed = set(SHORT_ANSWER_VARIANTS)
    for stem in JUDGEMENT_QUIZZES:
        for question in load(stem).questions:
            if question.type == "short_answer":
                assert question.id in listed, question.id
