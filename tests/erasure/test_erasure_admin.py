"""An admin erases an account at once, with a mandatory reason recorded in the audit log; the
command line does the same."""

from __future__ import annotations

import html

from privacy import erasure
from tests.erasure.conftest import EMAIL, FULL_NAME
from training import audit
from training.extensions import db
from training.models import User


def test_admin_erasure_needs_a_reason_and_is_logged(app, client, auth, admin, learner):
    auth.login(admin.email)
    users = client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{learner.id}/erase" in users
    assert f"/admin/users/{admin.id}/erase" not in users  # not oneself
    page = client.get(f"/admin/users/{learner.id}/erase")
    assert page.status_code == 200 and FULL_NAME in html.unescape(page.get_data(as_text=True))

    refused = client.post(f"/admin/users/{learner.id}/erase", data={"certificates": "keep"})
    assert refused.status_code == 200
    assert "This field is required." in refused.get_data(as_text=True)
    assert db.session.get(User, learner.id).email == EMAIL

    done = client.post(
        f"/admin/users/{learner.id}/erase",
        data={"certificates": "revoke", "reason": "Written request received on 28 November"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert erasure.is_erased(db.session.get(User, learner.id))
    (event,) = audit.events(action="account.erase")
    assert event.actor_id == admin.id and event.actor_label == admin.email
    assert event.subject_user_id == learner.id
    assert event.reason == "Written request received on 28 November"
    assert event.detail["keep_certificates"] is False
    log = html.unescape(client.get("/admin/audit?action=account.erase").get_data(as_text=True))
    assert "Written request received on 28 November" in log
    assert EMAIL not in log
    # Erased once: the page says so instead of erasing again.
    again = client.get(f"/admin/users/{learner.id}/erase")
    assert again.status_code == 302


def test_admin_cannot_erase_themselves_and_learners_cannot_erase(app, client, auth, admin, learner):
    auth.login(admin.email)
    assert (
        client.post(
            f"/admin/users/{admin.id}/erase", data={"certificates": "keep", "reason": "test"}
        ).status_code
        == 302
    )
    assert not erasure.is_erased(db.session.get(User, admin.id))
    auth.logout()
    auth.login(learner.email)
    assert (
        client.post(
            f"/admin/users/{admin.id}/erase", data={"certificates": "keep", "reason": "test"}
        ).status_code
        == 403
    )


def test_the_reason_names_nobody_after_the_erasure(app, admin, learner):
    erasure.erase_user(
        learner.id, actor_id=admin.id, reason=f"Asked by {FULL_NAME} ({EMAIL})",
        keep_certificates=True,
    )  # fmt: skip
    (event,) = audit.events(action="account.erase")
    assert FULL_NAME not in event.reason and EMAIL not in event.reason


def test_cli_erase(app, runner, learner):
    missing = runner.invoke(args=["data", "erase", EMAIL])
    assert missing.exit_code != 0 and "--reason" in missing.output
    result = runner.invoke(args=["data", "erase", EMAIL, "--reason", "Letter of 2 December"])
    assert result.exit_code == 0, result.output
    assert "erased" in result.output and "Certificates kept verifiable: 0" in result.output
    (event,) = audit.events(action="account.erase")
    assert event.actor_label == audit.CLI_ACTOR and event.reason == "Letter of 2 December"
    unknown = runner.invoke(args=["data", "erase", EMAIL, "--reason", "again"])
    assert unknown.exit_code != 0 and "No account has the address" in unknown.output
