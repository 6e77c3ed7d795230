"""CSV roster import: the whole file checked first, bad rows reported with their line, one
transaction, invitations with a working set-password link."""

from __future__ import annotations

import io

import pytest

from cohorts import membership, services
from cohorts.csv_import import parse_roster
from courses.models import Enrolment
from tests.conftest import outbox_links
from training import accounts
from training.extensions import db
from training.models import CohortInvitation, CohortMember, User


def upload(client, cohort, text: str | bytes):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return client.post(
        f"/cohorts/{cohort.id}/import",
        data={"file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )


def test_good_file_creates_accounts_and_invites_everyone(
    client, login, trainer, cohort, make_user, app
):
    existing = make_user("learner", email="lucas@example.test")
    services.join(make_user("learner", email="already@example.test"), cohort)
    login(trainer)
    response = upload(
        client,
        cohort,
        "email,name\nAmina@Example.test,Amina Haddad\nlucas@example.test,Lucas Moreau\n"
        "\nalready@example.test,Al Ready\nzoe@example.test,Zoé Lefèvre\n",
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    # One count for new and existing accounts alike: the summary is no account oracle.
    assert "3 invitations sent by email" in page
    assert "1 already in the cohort" in page
    assert "account" not in page.split("<main", 1)[-1].split("</main>")[0].lower()

    amina = accounts.find_user_by_email("amina@example.test")
    assert amina.full_name == "Amina Haddad" and amina.password_hash is None
    assert amina.email_verified_at is None
    assert accounts.find_user_by_email("zoe@example.test").full_name == "Zoé Lefèvre"
    for user in (amina, existing):  # invited, not members: nobody joins without consent
        assert not services.is_member(cohort, user.id)
        assert db.session.query(Enrolment).filter_by(user_id=user.id).count() == 0
    assert len(membership.pending_for(existing)) == 1

    invites = [link for link in outbox_links(app) if "/invite/" in link]
    assert len(invites) == 2  # set-password links for the two new accounts
    assert any("/invitations" in link for link in outbox_links(app))  # lucas is told
    client.post("/logout")
    path = invites[0].replace("http://localhost", "")
    response = client.post(
        path, data={"password": "a brand new password", "confirm": "a brand new password"}
    )
    assert response.status_code == 302
    invited = [
        accounts.authenticate(email, "a brand new password")
        for email in ("amina@example.test", "zoe@example.test")
    ]
    assert len([u for u in invited if u is not None and u.email_verified_at]) == 1


def test_bom_semicolons_and_no_header(client, login, trainer, cohort):
    login(trainer)
    data = "\ufeffnadia@example.test;Nadia Benali\r\nomar@example.test;Omar Diallo\r\n"
    response = upload(client, cohort, data.encode("utf-8"))
    assert response.status_code == 302
    assert accounts.find_user_by_email("nadia@example.test").full_name == "Nadia Benali"
    omar = accounts.find_user_by_email("omar@example.test")
    assert not services.is_member(cohort, omar.id)
    assert [i.cohort_id for i in membership.pending_for(omar)] == [cohort.id]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("email,name\nok@example.test,Ok\nnot-an-email,Bad\n", 3, "is not a valid email"),
        ("ok@example.test,Ok\nsecond@example.test,\n", 2, "The name is missing"),
        ("ok@example.test,Ok\n,No Email\n", 2, "The email address is missing"),
        ("email,name\nok@example.test,Ok\nx@example.test,X\nOK@example.test,Again\n", 4,
         "already appears on line 2"),
        ("ok@example.test,Ok,extra\n", 1, "Too many columns"),
    ],
)  # fmt: skip
def test_a_bad_row_imports_nothing(client, login, trainer, cohort, body, line, message):
    login(trainer)
    users_before = db.session.query(User).count()
    response = upload(client, cohort, body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"Line {line}:" in page and message in page
    assert "nothing was imported" in page
    assert db.session.query(User).count() == users_before
    assert db.session.query(CohortMember).count() == 0


def test_not_utf8_and_empty():
    assert "not UTF-8" in parse_roster("é@x.test,Zoé".encode("latin-1")).problems[0].message
    assert parse_roster(b"email,name\n").problems[0].message == "The file has no rows to import."
    roster = parse_roster(b"name,email\nAmina,amina@example.test\n")
    assert roster.ok and roster.rows[0].email == "amina@example.test"


def test_a_large_file_fits_the_session_cookie(client, login, trainer, cohort):
    login(trainer)
    rows = "".join(f"learner{i:04d}@example.test,Learner {i}\n" for i in range(300))
    response = upload(client, cohort, rows)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "300 invitations sent" in page and "… and 290 more" in page
    assert db.session.query(CohortInvitation).count() == 300
    assert db.session.query(CohortMember).count() == 0
