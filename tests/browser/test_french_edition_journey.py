"""A French-speaking learner, in French, from the catalogue to a role-play's debrief in the
French edition of the bundled course: catalogue, course page, enrolment, a module and its
glossary link, the glossary, the quiz, then the noise-dispute role-play to its debrief — in
Chromium at phone width, axe-core on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.roleplay import best_choice
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

CONTENT = Path(__file__).resolve().parents[2] / "content"
FRENCH = "cap-apm-fr"
ROLEPLAY = "noise-dispute"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(CONTENT)}


@pytest.fixture
def french_page(browser, live_server: str):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 760}, locale="fr-FR"
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


def _current_node(run_id: int) -> str:
    from courses.roleplay_models import RoleplayRun
    from training.extensions import db

    db.session.expire_all()
    return db.session.get(RoleplayRun, run_id).current_node


def test_a_french_learner_goes_from_the_catalogue_to_a_debrief(
    french_page, live_server, app, make_user
):
    from courses.loader import get_course

    page = french_page
    course = get_course(FRENCH)
    assert course.language == "fr" and course.roleplay(ROLEPLAY) is not None
    learner = make_user("learner", display_name="Amina", language="fr")

    page.goto("/login")
    page.get_by_label("E-mail").fill(learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # The catalogue: the French edition's card, in French, unmarked (it is the page's language).
    page.goto("/courses")
    card = page.locator("li.card", has=page.get_by_role("link", name=course.title))
    expect(card).to_be_visible()
    expect(card.locator("h2")).not_to_have_attribute("lang", "en")
    assert_accessible(page, "fr-catalogue")
    card.get_by_role("link", name=course.title).click()

    # The course page says its language; enrol.
    expect(page.get_by_role("heading", level=1, name=course.title)).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Français")
    assert_accessible(page, "fr-course")
    page.get_by_role("button", name="M’inscrire à cette formation").click()
    expect(page.get_by_text("Vous êtes inscrit", exact=False).first).to_be_visible()

    # A module: its first use of a glossary term links to the glossary.
    first = course.modules[0]
    page.goto(f"/courses/{FRENCH}/{first.stem}")
    expect(page.get_by_role("heading", level=1, name=first.title)).to_be_visible()
    term = page.locator("a.glossary-term").first
    expect(term).to_be_visible()
    assert_accessible(page, "fr-module")
    term.click()
    expect(page.get_by_role("heading", level=1, name="Glossaire")).to_be_visible()
    assert "#term-" in page.url
    assert_accessible(page, "fr-glossary")

    # The module's quiz: mark as done, start, submit (unanswered: the result page shows it).
    page.goto(f"/courses/{FRENCH}/{first.stem}")
    page.get_by_role("button", name="Marquer comme terminé et passer le quiz").click()
    expect(page.get_by_role("button", name="Commencer le quiz")).to_be_visible()
    assert_accessible(page, "fr-quiz-start")
    page.get_by_role("button", name="Commencer le quiz").click()
    expect(page.get_by_role("button", name="Vérifier et envoyer")).to_be_visible()
    assert_accessible(page, "fr-quiz-attempt")
    page.get_by_role("button", name="Vérifier et envoyer").click()
    expect(page.get_by_role("heading", level=1, name="Vérifier avant d’envoyer")).to_be_visible()
    assert_accessible(page, "fr-quiz-review")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Non réussi").first).to_be_visible()
    assert_accessible(page, "fr-quiz-result")

    # The role-play, best choice each time, to its debrief.
    scenario = course.roleplay(ROLEPLAY)
    page.goto(f"/courses/{FRENCH}/roleplays/{ROLEPLAY}")
    expect(page.get_by_role("heading", name="La situation")).to_be_visible()
    assert_accessible(page, "fr-roleplay-intro")
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_role("heading", name="Décision 1")).to_be_visible()
    assert_accessible(page, "fr-roleplay-turn")
    run_id = int(page.url.rstrip("/").split("/")[-1])
    for _ in range(len(scenario.nodes)):
        if "/debrief" in page.url:
            break
        node = scenario.node(_current_node(run_id))
        choice = best_choice(scenario, node.id) or node.choices[0]
        page.get_by_role("button", name=choice.text, exact=True).click()
        expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("heading", name="Votre cheminement")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(scenario.title)
    assert_accessible(page, "fr-roleplay-debrief")
