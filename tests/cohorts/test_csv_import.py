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


def test_the_import_is_one_transaction_with_its_mails(app, trainer, cohort, monkeypatch):
    """One commit for the whole file, its invitation mails included; delivery is enqueued only
    after it (the tests' queue delivers at once, with commits of its own)."""
    from sqlalchemy import event

    from cohorts.csv_import import import_roster
    from training import outbox

    commits: list[str] = []
    phase = ["import"]
    deliver = outbox.deliver_committed

    def delivering() -> None:
        phase[0] = "delivery"
        deliver()

    monkeypatch.setattr(outbox, "deliver_committed", delivering)
    listener = lambda _connection: commits.append(phase[0])  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        rows = "".join(f"new{i}@example.test,New {i}\n" for i in range(20))
        summary = import_roster(cohort, parse_roster(rows.encode()), trainer=trainer)
    finally:
        event.remove(db.engine, "commit", listener)
    assert len(summary.invited) == 20
    assert commits.count("import") == 1
    sent = db.session.query(outbox.OutboxMessage).filter_by(status="sent").count()
    assert sent == 20 == len([link for link in outbox_links(app) if "/invite/" in link])


def test_a_failed_import_stores_no_mail_and_sends_none(app, trainer, cohort, monkeypatch):
    from cohorts import csv_import
    from training import outbox

    def failing_invite(cohort, user, trainer):  # noqa: ANN001, ANN202
        if user.email == "new3@example.test":
            raise RuntimeError("the database went away")
        return membership.invite(cohort, user, trainer)

    monkeypatch.setattr(csv_import, "invite", failing_invite)
    rows = "".join(f"new{i}@example.test,New {i}\n" for i in range(5))
    with pytest.raises(RuntimeError):
        csv_import.import_roster(cohort, parse_roster(rows.encode()), trainer=trainer)
    assert db.session.query(outbox.OutboxMessage).count() == 0
    assert accounts.find_user_by_email("new0@example.test") is None
    assert outbox._AFTER_COMMIT not in db.session().info
