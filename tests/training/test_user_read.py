"""training.user_read: the loader's User, made from a row read outside the request's
transaction, is an ordinary persistent object of the request's session."""

from __future__ import annotations

from sqlalchemy import inspect, select

from training.extensions import db
from training.models import User
from training.user_read import attach_user, read_first, user_columns


def _row_of(user_id: int):
    return read_first(select(*user_columns()).where(User.id == user_id), {})


def test_the_user_is_persistent_clean_and_its_changes_are_saved(app, make_user) -> None:
    user_id = make_user("learner", display_name="Before").id
    db.session.expunge_all()  # as at the start of a request: nothing in the session
    user = attach_user(_row_of(user_id)._mapping)
    state = inspect(user)
    assert state.persistent and not db.session.dirty and not db.session.new
    assert user.display_name == "Before" and user.id == user_id
    user.display_name = "After"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).display_name == "After"


def test_the_instance_the_session_holds_is_the_one_returned(app, make_user) -> None:
    held = make_user("learner")
    assert attach_user(_row_of(held.id)._mapping) is held


def test_a_row_read_outside_sees_only_committed_data(app, make_user) -> None:
    user = make_user("learner", display_name="Committed")
    user.display_name = "Not yet"
    db.session.flush()  # written in this transaction, not committed
    assert _row_of(user.id)._mapping["user_display_name"] == "Committed"
    db.session.rollback()
