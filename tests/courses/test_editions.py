"""Course editions in the app: one catalogue card per course in the interface's language, one
edition per learner, switching edition (what carries over), the glossary page, lang markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from courses import services
from courses.edition_switch import SwitchRefused, plan_switch, switch_edition
from courses.loader import get_course
from courses.models import Enrolment, ModuleProgress
from tests.courses.course_factory import COURSE_YAML, write_course
from training.extensions import db

FR_COURSE_YAML = (
    COURSE_YAML.replace("language: en", "language: fr\nedition_of: mini")
    .replace("title: Mini course", "title: Mini cours")
    .replace("summary: A tiny course for the tests.", "summary: Un tout petit cours.")
)
GLOSSARY_FR = """\
terms:
  - term: binôme
    definition: Deux agents qui travaillent ensemble.
    equivalent: pair
"""
FR_FIRST = """\
---
title: Premier module
summary: Le premier.
minutes: 5
objectives:
  - Apprendre la première chose
---
# Premier module

Vous travaillez en binôme. Votre binôme vous aide. Lisez [le second](02-second.md).
"""


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    write_course(root, "mini")
    write_course(
        root,
        "mini-fr",
        course_yaml=FR_COURSE_YAML,
        **{"glossary.yaml": GLOSSARY_FR, "modules/01-first.md": FR_FIRST},
    )
    write_course(root, "other", course_yaml=COURSE_YAML.replace("Mini course", "Zebra course"))
    return root


@pytest.fixture
def app_config(courses_dir: Path) -> dict[str, object]:
    return {"COURSES_DIR": str(courses_dir)}


def cards(page: str) -> list[str]:
    return re.findall(r'<li class="card">.*?</li>\s*(?=<li class="card">|</ul>)', page, re.S)


def test_the_catalogue_shows_one_card_per_course_in_the_interface_language(client):
    page = client.get("/courses", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    found = cards(page)
    assert len(found) == 2  # mini and mini-fr are one course
    mini = next(c for c in found if "Mini" in c)
    assert 'href="/courses/mini-fr"' in mini and "Mini cours" in mini
    assert "Mini course" not in mini
    assert '<a href="/courses/mini" lang="en" hreflang="en">Also in English</a>' in mini
    assert "Français" in mini  # the card says which language the course is in
    # The English-only course is marked as English on the French page.
    zebra = next(c for c in found if "Zebra" in c)
    assert '<h2 lang="en">' in zebra and '<p lang="en">A tiny course' in zebra

    page = client.get("/courses", headers={"Accept-Language": "en"}).get_data(as_text=True)
    mini = next(c for c in cards(page) if "Mini" in c)
    assert 'href="/courses/mini"' in mini and "Mini course" in mini
    assert '<a href="/courses/mini-fr" lang="fr" hreflang="fr">Aussi en français</a>' in mini
    assert '<h2 lang="en">' not in page


def test_a_learner_sees_the_edition_they_follow(client, login_as):
    learner = login_as("learner", language="en")
    services.self_enrol(learner, get_course("mini-fr"))
    page = client.get("/courses").get_data(as_text=True)
    mini = next(c for c in cards(page) if "Mini" in c)
    assert "Mini cours" in mini and '<h2 lang="fr">' in mini
    assert '<a href="/courses/mini" lang="en" hreflang="en">Also in English</a>' in mini


def test_enrolling_in_a_second_edition_asks_to_switch_and_says_what_carries_over(client, login_as):
    learner = login_as("learner", language="en")
    french, english = get_course("mini-fr"), get_course("mini")
    services.self_enrol(learner, french)
    services.mark_module_done(learner, french, "01-first")
    services.record_module_opened(learner, french, "02-second")
    with pytest.raises(services.OtherEdition):
        services.self_enrol(learner, english)

    page = client.get("/courses/mini").get_data(as_text=True)
    assert "You follow this course in another edition" in page
    assert 'href="/courses/mini/edition"' in page
    response = client.post("/courses/mini/enrol", data={})
    assert response.status_code in (302, 400)
    page = client.get("/courses/mini/edition").get_data(as_text=True)
    assert "What carries over" in page and "What does not carry over" in page
    assert "1 module marked as done" in page and "1 module opened but not done" in page
    assert "0 quiz attempts" in page

    plan = switch_edition(learner, english)
    assert plan.modules_done == ("First module",)
    slugs = db.session.execute(
        select(Enrolment.course_slug).where(Enrolment.user_id == learner.id)
    ).scalars()
    assert list(slugs) == ["mini"]
    done = services.completed_modules(learner.id, "mini")
    assert done == {"01-first"}
    # The French progress stays on record (it is back if the learner switches back).
    assert services.completed_modules(learner.id, "mini-fr") == {"01-first"}
    opened = db.session.execute(
        select(ModuleProgress.module_stem).where(
            ModuleProgress.user_id == learner.id, ModuleProgress.course_slug == "mini"
        )
    ).scalars()
    assert sorted(opened) == ["01-first", "02-second"]


def test_the_switch_page_switches_on_post(client, login_as):
    learner = login_as("learner", language="fr")
    services.self_enrol(learner, get_course("mini"))
    page = client.get("/courses/mini-fr/edition").get_data(as_text=True)
    assert "Ce qui est conservé" in page or "What carries over" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"csrf_token": token.group(1)} if token else {}
    response = client.post("/courses/mini-fr/edition", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/mini-fr")
    assert services.is_enrolled(learner.id, "mini-fr")
    assert not services.is_enrolled(learner.id, "mini")


def test_a_cohort_learner_cannot_switch_alone(app, make_user):
    learner = make_user("learner")
    english = get_course("mini")
    from training.models import Cohort

    cohort = Cohort(name="C", course_slug="mini", join_code="EDITIONS1")
    db.session.add(cohort)
    db.session.commit()
    services.enrol(learner, english, cohort_id=cohort.id)
    with pytest.raises(SwitchRefused):
        plan_switch(learner, get_course("mini-fr"))


def test_the_glossary_page_and_the_first_use_link(client, login_as):
    page = client.get("/courses/mini-fr/glossary", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<dt id="term-binome" lang="fr">binôme</dt>' in html
    assert '<span lang="en">pair</span>' in html
    assert client.get("/courses/mini/glossary").status_code == 404  # no glossary.yaml

    learner = login_as("learner", language="fr")
    services.self_enrol(learner, get_course("mini-fr"))
    html = client.get("/courses/mini-fr/01-first").get_data(as_text=True)
    assert html.count('class="glossary-term"') == 1
    assert 'en <a class="glossary-term" href="glossary#term-binome">binôme</a>.' in html
    assert 'href="/courses/mini-fr/glossary"' in html


def test_module_pages_mark_content_in_another_language(client, login_as):
    learner = login_as("learner", language="fr")
    services.self_enrol(learner, get_course("other"))
    html = client.get("/courses/other/01-first").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<h1 lang="en">First module</h1>' in html
    assert '<div class="prose" lang="en">' in html
    assert '<article class="reader">' in html  # the interface around it stays French
    assert "Terminé ?" in html or "Module 1 sur" in html

    page = client.get("/courses/other").get_data(as_text=True)
    assert '<h1 lang="en">Zebra course</h1>' in page
    assert "Anglais" in page
