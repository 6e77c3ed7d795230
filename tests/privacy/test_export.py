"""Download my data: asked on the account page, built by the queue, mailed through a real SMTP
server, downloaded once by its owner only; the archive read back with zipfile."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from cohorts import replies
from privacy import export, export_tasks
from privacy.export_data import KINDS
from privacy.export_models import ExportRequest
from tests.cohorts.conftest import module_done, quiz_attempt, roleplay_run
from tests.conftest import AuthActions
from tests.privacy.conftest import SLUG, export_link, received
from training.extensions import db
from training.timeutil import utcnow

SUBJECT = "Your Passerelle data is ready"


def ask(client) -> None:
    response = client.post("/account/data-export")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account#your-data")


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def two_learners(app, member, trainer, course, login, client):
    """Léa (the exporter) and Bob (another learner of the same cohort), each with activity."""
    from certificates import services as certificates

    lea = member(full_name="Léa Martin", display_name="Léa", email="lea@example.test")
    bob = member(full_name="Bob Autre", display_name="Bob", email="bob@example.test")
    for learner, answers, reflection in (
        (lea, {"capital": 0, "round": True}, "Léa: I stayed calm this time."),
        (bob, {"capital": 1, "round": False}, "Bob's secret reflection."),
    ):
        module_done(learner, "01-intro")
        quiz_attempt(learner, "01-intro", answers)
        run = roleplay_run(learner, [], reflection=reflection)
        if learner is lea:
            db.session.refresh(trainer)  # save_reply reads it after adding the row
            replies.save_reply(run, trainer, "Well done, Léa: name the rule next time.", None)
    certificates.issue(bob, course)
    certificates.issue(lea, course)
    # Recorded learning actions (proof.recording) for Léa, through real requests.
    AuthActions(client).login(lea.email)
    client.get(f"/courses/{SLUG}/01-intro")
    return lea, bob


def test_the_export_holds_every_kind_with_the_learners_data_and_nothing_of_another(
    app, client, smtp, two_learners
):
    lea, bob = two_learners
    ask(client)
    record = db.session.scalars(select(ExportRequest)).one()
    assert record.status == "ready" and record.token_hash and record.archive_size > 0
    assert record.expires_at - record.ready_at == timedelta(days=7)
    (mail,) = received(smtp, SUBJECT)
    assert mail["To"].addresses[0].addr_spec == "lea@example.test"
    link = export_link(mail)
    assert record.token_hash not in link  # only the hash is stored, the mail has the token

    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    files = read_zip(response.data)
    assert {f"{kind}.json" for kind in KINDS} | {"README.txt"} <= set(files)
    data = {kind: json.loads(files[f"{kind}.json"]) for kind in KINDS}

    account = data["profile"]["account"]
    assert (account["email"], account["full_name"]) == ("lea@example.test", "Léa Martin")
    assert account["created_at"].endswith("Z")
    assert data["profile"]["sessions"] and data["profile"]["sessions"][0]["device"] is not None
    history = {(e["action"], e["by_you"]) for e in data["profile"]["history"]}
    assert {("privacy.export_request", True), ("reflection.reply", False)} <= history
    assert ("certificate.issue", False) in history
    assert len([e for e in data["profile"]["history"] if e["action"] == "certificate.issue"]) == 1
    assert [e["course_slug"] for e in data["enrolments"]] == [SLUG]
    assert [p["module_stem"] for p in data["progress"]] == ["01-intro"]
    (attempt,) = data["attempts"]
    answers = {q["id"]: q["answer"] for q in attempt["questions"]}
    assert answers == {"capital": 0, "round": True}
    prompts = {q["id"]: q["prompt"] for q in attempt["questions"]}
    assert prompts["capital"] == "Which city is the capital of France?"
    (run,) = data["roleplays"]
    assert run["reflection"] == "Léa: I stayed calm this time."
    assert run["trainer_reply"]["body"] == "Well done, Léa: name the rule next time."
    assert [c["name"] for c in data["cohorts"]["memberships"]] == ["Spring group"]
    (certificate,) = data["certificates"]["certificates"]
    assert certificate["holder_name"] == "Léa Martin"
    assert certificate["verification_url"] == f"http://localhost/verify/{certificate['code']}"
    assert files[certificate["pdf"]].startswith(b"%PDF-")
    assert files[f"pdfs/realisation-{SLUG}.pdf"].startswith(b"%PDF-")
    assert files[f"pdfs/attestation-{SLUG}.pdf"].startswith(b"%PDF-")
    activity = data["activity_time"]
    assert any(e["key"] == "01-intro" for e in activity["events"])
    assert activity["courses"][0]["course_slug"] == SLUG

    # Nothing of Bob anywhere in the archive's text.
    text = b"".join(v for k, v in files.items() if not k.endswith(".pdf")).decode("utf-8")
    for trace in ("bob@example.test", "Bob Autre", "Bob's secret reflection"):
        assert trace not in text
    assert "Léa Martin" in files["README.txt"].decode("utf-8")


def test_the_link_works_once_and_the_bytes_are_dropped(app, client, smtp, two_learners):
    ask(client)
    link = export_link(received(smtp, SUBJECT)[0])
    assert client.get(link).status_code == 200
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used or has expired" in again.get_data(as_text=True)
    record = db.session.scalars(select(ExportRequest)).one()
    db.session.refresh(record)
    assert record.status == "downloaded" and record.downloaded_at is not None
    assert db.session.execute(select(ExportRequest.archive)).scalar_one() is None


def test_another_user_gets_404_and_anonymous_goes_to_login(app, client, smtp, two_learners):
    lea, bob = two_learners
    ask(client)
    link = export_link(received(smtp, SUBJECT)[0])
    anonymous = app.test_client()
    response = anonymous.get(link)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    intruder = app.test_client()
    AuthActions(intruder).login(bob.email)
    assert intruder.get(link).status_code == 404
    assert intruder.get("/account/data-export/not-a-token").status_code == 404
    # Neither spent the link: its owner still downloads it.
    assert client.get(link).status_code == 200


def test_the_link_expires_and_the_sweep_drops_the_archive(app, client, smtp, two_learners):
    ask(client)
    link = export_link(received(smtp, SUBJECT)[0])
    later = utcnow() + timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False):
        assert client.get(link).status_code == 410
        assert export_tasks.sweep() == 1
    record = db.session.scalars(select(ExportRequest)).one()
    db.session.refresh(record)
    assert record.status == "expired"
    assert db.session.execute(select(ExportRequest.archive)).scalar_one() is None


def test_one_export_at_a_time_and_a_daily_limit(app, client, login, member):
    learner = member()
    login(learner)
    db.session.add(ExportRequest(user_id=learner.id, status="pending", created_at=utcnow()))
    db.session.commit()
    response = client.post("/account/data-export", follow_redirects=True)
    assert "already being prepared" in response.get_data(as_text=True)
    assert db.session.query(ExportRequest).count() == 1
    db.session.query(ExportRequest).update({"status": "failed"})
    db.session.commit()
    app.config["DATA_EXPORT_DAILY_LIMIT"] = 2
    export.request_export(learner)  # the second of the day, built at once (immediate queue)
    with pytest.raises(export.ExportError, match="2 times today"):
        export.request_export(learner)


def test_a_new_request_replaces_a_ready_unused_one(app, client, smtp, two_learners):
    ask(client)
    first = export_link(received(smtp, SUBJECT)[0])
    ask(client)
    second = export_link(received(smtp, SUBJECT)[1])
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_the_readme_and_the_mail_are_in_the_learners_language(app, client, smtp, member, login):
    learner = member(language="fr")
    login(learner)
    ask(client)
    (mail,) = received(smtp, "Vos données Passerelle sont prêtes")
    files = read_zip(client.get(export_link(mail)).data)
    readme = files["README.txt"].decode("utf-8")
    assert "Vos données Passerelle" in readme
    assert "Your Passerelle data" not in readme


def test_a_failed_build_is_recorded_not_raised(app, member, monkeypatch):
    import privacy.export_archive

    learner = member()

    def broken(user, now):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(privacy.export_archive, "build", broken)
    record = export.request_export(learner)
    db.session.refresh(record)
    assert record.status == "failed" and "renderer down" in record.error


def test_the_account_page_shows_the_section_and_the_status(app, client, smtp, two_learners):
    page = client.get("/account").get_data(as_text=True)
    assert 'id="your-data"' in page and 'action="/account/data-export"' in page
    assert 'href="/privacy"' in page
    ask(client)
    page = client.get("/account").get_data(as_text=True)
    assert "Your archive is ready" in page


def test_an_admin_writes_a_learners_archive_from_the_command_line(app, runner, tmp_path, member):
    member(email="paper@example.test", full_name="Paul Papier")
    output = tmp_path / "paul.zip"
    result = runner.invoke(args=["data", "export", "paper@example.test", "-o", str(output)])
    assert result.exit_code == 0, result.output
    files = read_zip(output.read_bytes())
    assert json.loads(files["profile.json"])["account"]["full_name"] == "Paul Papier"
    assert oct(output.stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(args=["data", "export", "paper@example.test", "-o", str(output)])
    assert again.exit_code != 0 and "exists already" in again.output
    unknown = runner.invoke(args=["data", "export", "nobody@example.test", "-o", "x.zip"])
    assert unknown.exit_code != 0 and "No account" in unknown.output
