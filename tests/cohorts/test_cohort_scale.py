"""Cohort pages whatever the cohort's size: pages of 50 learners sorted and filtered in SQL,
a query count that does not depend on the cohort (20 vs 200 learners, cold and warm), and the
cached standings they rest on staying true when learners act."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select, update

from cohorts import services, standings
from cohorts.standing_models import LearnerStanding, bump
from tests.cohorts.conftest import SLUG, module_done, quick_learner
from training.extensions import db
from training.timeutil import utcnow

RIGHT = {"capital": 0, "round": True}
WRONG = {"capital": 1, "round": False}
BEST = [["arrival", 1], ["upstairs", 2], ["fabre_listens", 0], ["diallo_side", 2],
        ["joint_meeting", 1], ["agreement", 0]]  # fmt: skip
WORST = [["arrival", 0], ["alone_door", 0]]


def _cohort_of(trainer, size: int):
    """A cohort of ``size`` learners with activity, written through the models in one commit."""
    from courses.loader import get_course
    from courses.models import ModuleProgress
    from courses.roleplay_models import RoleplayRun
    from quizzes.grading import grade
    from quizzes.models import SUBMITTED, Attempt

    cohort = services.create_cohort(trainer, services.CohortFields(f"{size}", SLUG, None, None))
    quiz = get_course(SLUG).quiz("01-intro")
    now = utcnow()
    for i in range(size):
        user = quick_learner(f"s{size}-{i:03d}@example.test")
        services.join(user, cohort)
        if i % 4 == 3:
            continue  # a quarter has not started
        db.session.add(
            ModuleProgress(user_id=user.id, course_slug=SLUG, module_stem="01-intro",
                           first_opened_at=now, last_opened_at=now, completed_at=now)
        )  # fmt: skip
        answers = RIGHT if i % 2 else WRONG
        result = grade(quiz.questions, answers)
        db.session.add(
            Attempt(user_id=user.id, course_slug=SLUG, quiz_stem="01-intro", number=1,
                    practice=False, status=SUBMITTED, started_at=now, submitted_at=now,
                    questions=[{"id": q.id, "order": []} for q in quiz.questions],
                    answers=answers, score_points=result.points, max_points=result.max_points,
                    percent=result.percent, passed=result.percent >= 70)
        )  # fmt: skip
        path = BEST if i % 3 else WORST
        db.session.add(
            RoleplayRun(user_id=user.id, course_slug=SLUG, scenario_slug="noise-dispute",
                        started_at=now, updated_at=now, current_node="x", path=path,
                        step=len(path))
        )  # fmt: skip
    db.session.commit()
    return cohort


@pytest.fixture
def two_cohorts(trainer, course):
    return _cohort_of(trainer, 20), _cohort_of(trainer, 200)


def _queries(client, url: str) -> list[str]:
    statements: list[str] = []
    db.session.expunge_all()  # the test's session is shared with requests: start cold

    def record(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


PAGES = [
    "/cohorts/{id}",
    "/cohorts/{id}?sort=risk&show=at_risk&columns=quizzes",
    "/cohorts/{id}?sort=activity&page=2",
    "/cohorts/{id}/insight",
]


def test_query_counts_do_not_grow_with_the_cohort(client, login, trainer, two_cohorts):
    small, large = (c.id for c in two_cohorts)
    login(trainer)
    client.get("/cohorts/")  # templates and catalogues, loaded once per process
    for when in ("cold", "warm"):  # cold: every standing and answer computed on this view
        for url in PAGES:
            few = _queries(client, url.format(id=small))
            many = _queries(client, url.format(id=large))
            assert len(few) == len(many), f"{when} {url}\n" + "\n".join(few + ["---"] + many)


def _names(page: str) -> list[str]:
    matrix = page.split('class="data matrix"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row" class="sticky-col"><a [^>]*>([^<]+)</a>', matrix)


def test_pages_of_50_keep_sort_filter_and_columns(client, login, trainer, two_cohorts):
    _small, large = two_cohorts
    login(trainer)
    base = f"/cohorts/{large.id}"
    first = client.get(f"{base}?sort=name&columns=modules").get_data(as_text=True)
    names = _names(first)
    assert len(names) == 50 and names == sorted(names) and names[0] == "s200-000"
    assert "Page 1 of 4" in first and "rows 1–50 of 200" in first
    assert f'href="{base}?sort=name&amp;columns=modules&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert "Q1" not in first.split('class="data matrix"')[1].split("</thead>")[0]  # modules only
    last = client.get(f"{base}?sort=name&columns=modules&page=4").get_data(as_text=True)
    assert _names(last)[-1] == "s200-199" and 'rel="next"' not in last
    assert f'href="{base}?sort=name&amp;columns=modules&amp;page=3" rel="prev"' in last
    beyond = client.get(f"{base}?page=99").get_data(as_text=True)  # past the end: the last
    assert _names(beyond) == _names(client.get(f"{base}?page=4").get_data(as_text=True))
    assert len(_names(client.get(f"{base}?per_page=120").get_data(as_text=True))) == 120
    assert len(_names(client.get(f"{base}?per_page=5000&page=x").get_data(as_text=True))) == 50
    # a filter counts over the whole cohort, then pages: 50 of the 50 who have not started
    idle = client.get(f"{base}?show=not_started").get_data(as_text=True)
    assert len(_names(idle)) == 50 and "50 learners match of 200" in idle
    assert all(int(n.split("-")[1]) % 4 == 3 for n in _names(idle))
    # counts and charts are the cohort's, not the page's
    assert "<strong>200</strong> learners" in first and "<strong>50</strong> not started" in first


def test_standings_follow_what_learners_do(client, login, trainer, cohort, member, course):
    ada = member(full_name="Ada", email="ada@example.test")
    login(trainer)
    assert "0/5 · 0%" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    module_done(ada, "01-intro")  # through the ORM: the standing goes stale in the same commit
    row = db.session.get(LearnerStanding, (ada.id, SLUG))
    assert row.generation != row.computed_generation
    assert "1/5 · 20%" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    # an ORM-enabled bulk UPDATE marks the rows it touches too
    from courses.models import ModuleProgress

    db.session.execute(
        update(ModuleProgress).where(ModuleProgress.user_id == ada.id).values(completed_at=None)
    )
    db.session.commit()
    assert "0/5 · 0%" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert standings.refresh(cohort, course) == 0  # nothing stale left: nothing recomputed


def test_a_write_during_a_refresh_leaves_the_standing_stale(cohort, member, course, monkeypatch):
    ada = member(full_name="Ada", email="ada@example.test")
    standings.refresh(cohort, course)
    bump(db.session.connection(), {(ada.id, SLUG)})
    db.session.commit()
    figures = standings._figures

    def learner_writes_meanwhile(*args):  # noqa: ANN002
        found = figures(*args)
        bump(db.session.connection(), {(ada.id, SLUG)})  # the learner's commit lands here
        return found

    monkeypatch.setattr(standings, "_figures", learner_writes_meanwhile)
    assert standings.refresh(cohort, course) == 1
    row = db.session.execute(
        select(LearnerStanding).where(LearnerStanding.user_id == ada.id)
    ).scalar_one()
    assert row.computed_generation != row.generation  # not stored over the newer write
    monkeypatch.setattr(standings, "_figures", figures)
    assert standings.refresh(cohort, course) == 1 and standings.refresh(cohort, course) == 0


def test_the_insight_snapshot_is_reused_until_a_member_acts(client, login, trainer, cohort, member):
    from tests.cohorts.conftest import quiz_attempt

    ada = member(full_name="Ada", email="ada@example.test")
    quiz_attempt(ada, "01-intro", WRONG)
    ada_id, cohort_id = ada.id, cohort.id
    login(trainer)
    url = f"/cohorts/{cohort_id}/insight"
    assert "0/1" in client.get(url).get_data(as_text=True)
    warm = _queries(client, url)
    assert not any("insight_graded_answers" in q for q in warm)  # the snapshot, not the answers
    from training.models import User

    ada = db.session.get(User, ada_id)
    quiz_attempt(ada, "01-intro", RIGHT, number=2)  # her latest answer is now right
    page = client.get(url).get_data(as_text=True)
    assert "1/1" in page and "0/1" not in page
    bob = member(full_name="Bob", email="bob@example.test")  # joining changes it too
    quiz_attempt(bob, "01-intro", WRONG)
    assert "1/2" in client.get(url).get_data(as_text=True)


def test_one_pass_summary_agrees_with_the_standings_row_by_row(trainer, course, two_cohorts):
    """The counts and both histograms come from one aggregate query: the same figures as
    counting the standings in Python (band edges included) and as each filter's own count."""
    from cohorts.charts import bin_counts

    _small, large = two_cohorts
    standings.refresh(large, course)
    ids = [m.user_id for m in large.members]
    edges = [0.0, 19.99, 20.0, 60.0, 99.99, 100.0]  # each on or next to a band's edge
    for user_id, value in zip(ids, edges, strict=False):
        db.session.execute(
            update(LearnerStanding)
            .where(LearnerStanding.user_id == user_id, LearnerStanding.course_slug == SLUG)
            .values(percent=value, quiz_average=value)
        )
    db.session.commit()
    rows = db.session.scalars(select(LearnerStanding).where(LearnerStanding.user_id.in_(ids))).all()
    rules = standings.conditions(large, utcnow(), 14)
    found = standings.summary(large, course, rules)
    assert found.stale == 0 and found.counts["learners"] == 200
    assert found.progress_bands == bin_counts(r.percent for r in rows)
    assert found.score_bands == bin_counts(
        r.quiz_average for r in rows if r.quiz_average is not None
    )
    assert found.counts["completed"] == sum(r.complete for r in rows)
    assert found.counts["not_started"] == sum(r.last_activity is None for r in rows)
    for show in standings.FILTER_KEYS:
        _ids, counted = standings.page_of_ids(
            large, course, rules, sort="name", show=show, page=1, per_page=50
        )
        assert found.matching(show) == counted, show
    bump(db.session.connection(), {(ids[0], SLUG)})  # a learner acts: one standing is stale
    db.session.commit()
    assert standings.summary(large, course, rules).stale == 1
    assert standings.fresh_summary(large, course, rules).stale == 0


def test_pages_near_the_end_are_read_backwards_and_agree(trainer, course):
    """A page nearer the end is read in the reversed order with the small OFFSET (the last page
    costs what the first does); every sort and filter, page by page from either end, gives the
    rows of one whole-cohort page in the same order, ties in name included."""
    cohort = _cohort_of(trainer, 30)
    for member in cohort.members[:6]:  # same names: only the email and the id tell them apart
        member.user.full_name = "Same Name"
    db.session.commit()
    standings.refresh(cohort, course)
    rules = standings.conditions(cohort, utcnow(), 14)
    for sort in standings.SORT_KEYS:
        for show in standings.FILTER_KEYS:
            whole, total = standings.page_of_ids(
                cohort, course, rules, sort=sort, show=show, page=1, per_page=200
            )
            assert len(whole) == total
            paged: list[int] = []
            for page in range(1, -(-total // 7) + 1):
                ids, _ = standings.page_of_ids(
                    cohort, course, rules, sort=sort, show=show, page=page, per_page=7
                )
                paged += ids
            assert paged == whole, (sort, show)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for page in (1, 5):  # of 5: the first forwards, the last backwards
            standings.page_of_ids(
                cohort, course, rules, sort="name", show="all", page=page, per_page=7
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    forwards, backwards = (s.split("ORDER BY")[1] for s in statements if "ORDER BY" in s)
    assert "lower(users.full_name) DESC" not in forwards
    assert "lower(users.full_name) DESC" in backwards
