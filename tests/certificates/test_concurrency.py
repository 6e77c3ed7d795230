"""Two simultaneous issues for the same learner and course give exactly one certificate.

Each thread has its own app context, hence its own database session and connection. Both
threads pass the "already issued?" check and render their PDF before either writes (a barrier
after rendering makes sure), so it is the UNIQUE ``current_key`` constraint that decides: the
loser's INSERT fails and it returns the winner's certificate.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from certificates import issuing, revocation, services
from certificates.models import Certificate
from training.audit import AuditEvent
from training.extensions import db
from training.models import User


def test_two_simultaneous_issues_give_one_certificate(app, make_user, course, monkeypatch):
    learner_id = make_user("learner", full_name="Concurrent Learner").id
    barrier = threading.Barrier(2, timeout=30)
    real_render = issuing.render_snapshot
    rendered: list[str] = []

    def render_then_wait(snapshot, language, credential=None):  # noqa: ANN001, ANN202
        pdf = real_render(snapshot, language, credential)
        rendered.append(snapshot.code)
        barrier.wait()  # both threads have checked and rendered: now race to INSERT
        return pdf

    monkeypatch.setattr(issuing, "render_snapshot", render_then_wait)
    codes: list[str] = []
    errors: list[BaseException] = []

    def issue_in_thread() -> None:
        try:
            with app.app_context():
                user = db.session.get(User, learner_id)
                codes.append(services.issue(user, course).code)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=issue_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    # Both threads got past the existence check and rendered their own certificate…
    assert len(set(rendered)) == 2
    # …yet both return the same one: the constraint refused the second row.
    assert len(codes) == 2 and codes[0] == codes[1]
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(Certificate))
    assert count == 1
    audit = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert audit == 1


def test_two_simultaneous_reissues_give_one_new_certificate(app, make_user, course, monkeypatch):
    from training import accounts

    learner = make_user("learner", full_name="Old Name")
    old = services.issue(learner, course)
    accounts.update_profile(learner, learner.display_name, "New Name")
    learner_id = learner.id
    barrier = threading.Barrier(2, timeout=30)
    real_render = revocation.render_snapshot

    def render_then_wait(snapshot, language, credential=None):  # noqa: ANN001, ANN202
        pdf = real_render(snapshot, language, credential)
        barrier.wait()
        return pdf

    monkeypatch.setattr(revocation, "render_snapshot", render_then_wait)
    results: list[int] = []
    errors: list[BaseException] = []

    def reissue_in_thread() -> None:
        try:
            with app.app_context():
                user = db.session.get(User, learner_id)
                results.append(len(services.reissue_for_name_change(user, user)))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reissue_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(results) == [0, 1]
    db.session.expire_all()
    rows = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert [(c.status, c.holder_name) for c in rows] == [
        ("superseded", "Old Name"),
        ("valid", "New Name"),
    ]
    assert rows[0].id == old.id and rows[0].superseded_by_id == rows[1].id
