"""Issue 18 items 6 and the small things: one date style per language on pages, in the
gradebook CSV and in mails; the revoked status in words; "Welcome back" only for learners who
have done something."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from certificates.models import Certificate, current_key
from certificates.revocation import revoke
from notifications import preferences, reminders
from tests.cohorts.conftest import SLUG, module_done, quiz_attempt, roleplay_run
from training import dates
from training.extensions import db
from training.outbox import OutboxMessage

RIGHT = {"capital": 0, "round": True}
BEST = [["arrival", 1], ["upstairs", 2], ["fabre_listens", 0], ["diallo_side", 2],
        ["joint_meeting", 1], ["agreement", 0]]  # fmt: skip
# A moment late on 31 December in UTC is already 1 January in Paris.
LATE = datetime(2026, 12, 31, 23, 30)
EARLIER = datetime(2026, 11, 14, 9, 5)

# What the second style looked like: Babel's "short" ("12/1/26, 5:37 AM", "01/12/2026 05:37").
SHORT_STYLE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d\d\s?[AP]M\b")


def certificate(holder, code: str, issued_at: datetime, cohort=None) -> Certificate:
    row = Certificate(
        code=code, user_id=holder.id, course_slug=SLUG, current_key=current_key(holder.id, SLUG),
        holder_name=holder.full_name, course_title="Cohort course", hours=3,
        completed_on=issued_at.date(), score_percent=90, modules=[], competencies=[],
        issuer="Centre", signatory="A. Person", certificate_title="Certificate",
        issued_at=issued_at, pdf=b"%PDF-1.7", pdf_sha256="0" * 64, pdf_size=8,
        cohort_id=cohort.id if cohort else None,
    )  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def busy_learner(member, trainer, cohort):
    """A learner with a module, a quiz attempt, a role-play run and a revoked certificate."""
    learner = member(full_name="Lina Late", email="lina@example.test")
    module_done(learner, "01-intro", when=EARLIER)
    quiz_attempt(learner, "01-intro", RIGHT, when=LATE)
    roleplay_run(learner, BEST, when=LATE)
    revoke(certificate(learner, "REVOKED-CODE-1", EARLIER, cohort), trainer, "Issued by mistake")
    return learner


@pytest.mark.parametrize("language", ["en", "fr"])
def test_learner_page_dates_in_one_style_and_revoked_in_words(
    client, login, trainer, cohort, busy_learner, language
):
    trainer.language = language
    db.session.commit()
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/learners/{busy_learner.id}").get_data(as_text=True)
    assert not SHORT_STYLE.search(page), SHORT_STYLE.search(page)
    assert "UTC" not in page
    # the attempt and the run, submitted at 23:30 UTC on 31 December, show Paris time
    assert dates.format_datetime(LATE, language) in page
    assert {"en": "1 January 2027, 00:30", "fr": "1er janvier 2027, 00:30"}[language] in page
    assert dates.format_datetime(EARLIER, language) in page  # the module's first opening
    # the revoked certificate: its status in words, in the trainer's language
    assert {
        "en": "Earlier certificate REVOKED-CODE-1: Revoked",
        "fr": "Ancien certificat REVOKED-CODE-1\u00a0: Révoqué",
    }[language] in page
    assert ": revoked" not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_learner_pages_speak_one_date_style(client, make_user, member, course, language):
    """The learner's dashboard and certificates page: the same style, no short dates."""
    learner = member(language=language, email=f"dates-{language}@example.test")
    module_done(learner, "01-intro", when=LATE)
    certificate(learner, f"VALID-{language}", LATE)
    from tests.conftest import AuthActions

    assert AuthActions(client).login(learner.email).status_code == 302
    for path in ("/dashboard", "/certificates"):
        page = client.get(path).get_data(as_text=True)
        assert not SHORT_STYLE.search(page), (path, SHORT_STYLE.search(page))
        assert "UTC" not in page
        assert dates.format_date(LATE, language) in page, path


def test_gradebook_dates_are_iso_in_the_named_time_zone(client, login, trainer, cohort, member):
    learner = member(email="csv@example.test")
    module_done(learner, "01-intro", when=LATE)
    login(trainer)
    text = client.get(f"/cohorts/{cohort.id}/gradebook.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Last activity (Europe/Paris time)"] == "2027-01-01 00:30"
    assert "UTC" not in text


@pytest.mark.parametrize(
    ("language", "written"), [("en", "1 February 2027"), ("fr", "1er février 2027")]
)
def test_deadline_mail_writes_the_date_in_the_learners_style(
    app, member, cohort, language, written
):
    member(language=language)
    today = date(2027, 1, 27)
    cohort.ends_on = date(2027, 2, 1)
    db.session.commit()
    assert reminders.send_deadlines(today) == 1
    (message,) = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == preferences.DEADLINE)
    ).scalars()
    assert written in message.subject and written in message.text_body
    assert not SHORT_STYLE.search(message.text_body)


def test_welcome_back_only_for_a_learner_who_has_started(client, member, course):
    from tests.conftest import AuthActions

    new = member(display_name="Nadia", email="nadia@example.test")
    auth = AuthActions(client)
    assert auth.login(new.email).status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, Nadia." in page and "Welcome back" not in page
    auth.logout()
    module_done(new, "01-intro", when=LATE - timedelta(days=1))
    assert auth.login(new.email).status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome back, Nadia." in page


def test_empty_certificates_page_links_the_page_it_mentions(client, member, course):
    from tests.conftest import AuthActions

    learner = member(language="fr")
    assert AuthActions(client).login(learner.email).status_code == 302
    page = client.get("/certificates").get_data(as_text=True)
    assert "Vous n’avez pas encore de certificat." in page
    assert "«\u00a0Mon parcours\u00a0»" in page and 'href="/dashboard"' in page
