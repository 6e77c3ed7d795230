"""``among``: a list of ids as integer literals (no bound parameter per id), a SELECT as is."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from training.extensions import db
from training.models import User
from training.sql_lists import among


def test_a_list_is_rendered_as_literals_and_selects_the_same_rows(app, make_user) -> None:
    learner, trainer = make_user(), make_user("trainer")
    ids = [learner.id, trainer.id]
    statement = select(User.id).where(among(User.id, ids)).order_by(User.id)
    compiled = statement.compile(db.engine)
    assert not [name for name in compiled.params if name.startswith("id_")]  # no bind per id
    assert list(db.session.scalars(statement)) == sorted(ids)
    assert list(db.session.scalars(select(User.id).where(among(User.id, [])))) == []
    members = select(User.id).where(User.id == learner.id)  # a SELECT stays a subquery
    assert list(db.session.scalars(select(User.id).where(among(User.id, members)))) == [learner.id]


def test_only_integers_become_sql(app) -> None:
    with pytest.raises(ValueError):
        among(User.id, ["1) OR (1=1"])
