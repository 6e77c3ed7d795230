"""Progress per competency block: the same requirements as the certificate, grouped by block."""

from __future__ import annotations

from certificates.progress_data import progress_for, progress_of_users
from courses.overrides import Override
from tests.certificates.conftest import enrol, play, read_modules, take_quiz
from training.extensions import db


def keys(tally) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:  # noqa: ANN001
    return [(i.kind, i.key) for i in tally.met], [(i.kind, i.key) for i in tally.missing]


def test_items_carry_their_blocks_and_a_quiz_without_blocks_serves_its_module(make_user, course):
    learner = make_user()
    enrol(learner, course)
    progress = progress_for(learner.id, course)
    assert progress.item("module", "01-intro").blocks == ("B1",)
    assert progress.item("quiz", "01-intro").blocks == ("B1",)  # inherited from its module
    assert progress.item("quiz", "02-next").blocks == ("B2",)  # its own
    assert progress.item("roleplay", "noise").blocks == ("B2",)
    assert [b.block.id for b in progress.by_block] == ["B1", "B2"]
    assert progress.block("B9") is None


def test_a_block_is_attained_when_its_requirements_are_met(make_user, course):
    learner = make_user()
    enrol(learner, course)
    read_modules(learner, course, ["01-intro"])
    take_quiz(learner, course, "01-intro", right=2)
    take_quiz(learner, course, "02-next", right=2)
    progress = progress_for(learner.id, course)
    b1, b2 = progress.by_block
    assert keys(b1.tally) == ([("module", "01-intro"), ("quiz", "01-intro")], [])
    assert b1.attained and b1.percent == 100.0 and b1.score == 100.0
    assert keys(b2.tally) == (
        [("quiz", "02-next")],
        [("module", "02-next"), ("roleplay", "noise")],
    )
    assert not b2.attained
    assert round(b2.percent, 1) == 33.3
    assert not progress.complete


def test_block_score_is_the_mean_of_its_quizzes_and_roleplays(make_user, course):
    learner = make_user()
    enrol(learner, course)
    read_modules(learner, course)
    take_quiz(learner, course, "02-next", right=1)  # 50 % < 80 %: failed
    play(learner, course, choice=0)  # 100 %
    b2 = progress_for(learner.id, course).block("B2")
    assert b2.score == 75.0
    assert not b2.attained
    assert [(i.kind, i.key) for i in b2.tally.missing] == [("quiz", "02-next")]


def test_an_excused_requirement_counts_for_its_block(make_user, course):
    learner, trainer = make_user(), make_user("trainer")
    enrol(learner, course)
    read_modules(learner, course, ["01-intro"])
    db.session.add(
        Override(
            user_id=learner.id,
            course_slug=course.slug,
            kind="excuse",
            target="quiz",
            key="01-intro",
            reason="Validated in class",
            granted_by_id=trainer.id,
            granted_by_label=trainer.email,
        )
    )
    db.session.commit()
    assert progress_for(learner.id, course).block("B1").attained


def test_a_block_with_no_requirement_is_never_attained(make_user, course):
    """With nothing required in the block, "all met" would be vacuous: no attestation."""
    from dataclasses import replace

    learner = make_user()
    enrol(learner, course)
    read_modules(learner, course)
    loose = replace(
        course,
        completion=replace(course.completion, quizzes=(), roleplays=(), modules=("01-intro",)),
    )
    progress = progress_of_users(loose, [learner.id])[learner.id]
    assert progress.block("B1").attained
    b2 = progress.block("B2")
    assert b2.tally.total == 0 and not b2.attained and b2.percent == 0.0


def test_a_course_without_blocks_has_no_block_progress(app, make_user):
    from courses.loader import get_course

    course = get_course("mini")
    from dataclasses import replace

    plain = replace(course, blocks=())
    learner = make_user()
    assert progress_of_users(plain, [learner.id])[learner.id].by_block == ()
