"""A certificate records the cohort it was earned in; only that cohort's trainers (while the
holder is still in it) and admins may revoke or reissue it. Anything else is a 404."""

from __future__ import annotations

import pytest

from certificates import services
from cohorts import membership
from tests.certificates.helpers import make_cohort
from tests.conftest import AuthActions
from training import accounts
from training.extensions import db


@pytest.fixture
def world(make_user, course):
    holder = make_user("learner", full_name="Amina Diallo")
    earned_with = make_user("trainer")
    cohort = make_cohort(earned_with, [holder])
    certificate = services.issue(holder, course)
    later_trainer = make_user("trainer")
    make_cohort(later_trainer, [holder])  # the holder joins another cohort of the course later
    return holder, earned_with, cohort, certificate, later_trainer


def client_of(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    return client


def test_the_certificate_records_its_cohort(world):
    _holder, _trainer, cohort, certificate, _later = world
    assert certificate.cohort_id == cohort.id


def test_only_the_cohort_it_was_earned_in_may_revoke(app, world, make_user):
    holder, earned_with, _cohort, certificate, later = world
    path = f"/certificates/{certificate.code}/revoke"
    # A trainer who follows the holder in another cohort of the same course: 404.
    assert client_of(app, later).post(path, data={"reason": "x"}).status_code == 404
    assert "Revoke this certificate" not in client_of(app, later).get(
        f"/verify/{certificate.code}"
    ).get_data(as_text=True)
    with pytest.raises(services.NotAllowed):
        services.revoke(certificate, later, "not mine")
    # The cohort's own trainer may.
    assert client_of(app, earned_with).post(path, data={"reason": "Fraud"}).status_code == 302
    db.session.expire_all()
    assert services.get_by_code(certificate.code).status == "revoked"


def test_admins_may_revoke_any(app, world, make_user):
    certificate = world[3]
    admin = make_user("admin")
    path = f"/certificates/{certificate.code}/revoke"
    assert client_of(app, admin).post(path, data={"reason": "Checked"}).status_code == 302


def test_leaving_the_cohort_ends_its_trainers_power(app, world):
    holder, earned_with, cohort, certificate, _later = world
    membership.leave(holder, cohort.id)
    path = f"/certificates/{certificate.code}/revoke"
    assert client_of(app, earned_with).post(path, data={"reason": "x"}).status_code == 404


def test_a_certificate_earned_outside_any_cohort_is_for_admins(app, make_user, course):
    holder = make_user("learner")
    certificate = services.issue(holder, course)
    assert certificate.cohort_id is None
    trainer = make_user("trainer")
    make_cohort(trainer, [holder])
    assert not services.can_revoke(trainer, certificate)
    assert services.can_revoke(make_user("admin"), certificate)


def test_reissue_keeps_the_cohort_and_follows_the_same_rule(world):
    holder, earned_with, cohort, certificate, later = world
    accounts.update_profile(holder, holder.display_name, "Amina Diallo-Martin")
    with pytest.raises(services.NotAllowed):
        services.reissue_for_name_change(holder, later)
    [new] = services.reissue_for_name_change(holder, earned_with)
    assert new.cohort_id == cohort.id and new.holder_name == "Amina Diallo-Martin"
    db.session.refresh(certificate)
    assert certificate.status == "superseded"
