"""Dashboard content, risk and overdue, sorting and filtering, insight, gradebook export, and
a query count that does not grow with the cohort."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import event

from cohorts import dashboard, services
from cohorts.gradebook import neutralise
from tests.cohorts.conftest import SLUG, module_done, quick_learner, quiz_attempt, roleplay_run
from training.extensions import db
from training.timeutil import utcnow

RIGHT = {"capital": 0, "round": True}
HALF = {"capital": 1, "round": True}
WRONG = {"capital": 1, "round": False}
# Paths through the bundled noise-dispute (indices in the file): the best path, and going up
# alone then blocking the door (a critical choice, escalated, capped).
BEST = [["arrival", 1], ["upstairs", 2], ["fabre_listens", 0], ["diallo_side", 2],
        ["joint_meeting", 1], ["agreement", 0]]  # fmt: skip
WORST = [["arrival", 0], ["alone_door", 0]]


@pytest.fixture
def learners(member):
    """Four learners at different stages."""
    old = utcnow() - timedelta(days=30)
    ada = member(full_name="Ada Active", email="ada@example.test")
    module_done(ada, "01-intro")
    quiz_attempt(ada, "01-intro", RIGHT)
    roleplay_run(ada, BEST, reflection="I listened first.")
    bob = member(full_name="Bob Failer", email="bob@example.test")
    module_done(bob, "01-intro")
    quiz_attempt(bob, "01-intro", WRONG, number=1)
    quiz_attempt(bob, "01-intro", HALF, number=2)
    roleplay_run(bob, WORST)
    cleo = member(full_name="Cléo Sleeper", email="cleo@example.test")
    module_done(cleo, "01-intro", when=old, done=False)
    dan = member(full_name="Dan Newcomer", email="dan@example.test")
    return {"ada": ada, "bob": bob, "cleo": cleo, "dan": dan}


def test_matrix_statuses_scores_and_risk(cohort, course, learners):
    data = dashboard.build(cohort, course)
    rows = {r.user.email.split("@")[0]: r for r in data.rows}
    ada, bob, cleo, dan = rows["ada"], rows["bob"], rows["cleo"], rows["dan"]
    assert ada.cells[("module", "01-intro")].state == "done"
    assert ada.cells[("module", "02-practice")].state == "not_started"
    assert ada.cells[("quiz", "01-intro")] == dashboard.Cell("passed", 100.0, "1/2")
    assert ada.cells[("roleplay", "noise-dispute")].state == "passed"
    assert ada.progress == pytest.approx(100 * 3 / 5)
    assert not ada.at_risk and ada.started
    assert bob.cells[("quiz", "01-intro")] == dashboard.Cell("failed", 50.0, "2/2")
    # both attempts used, not passed: flagged for a second chance (not merely "failed")
    assert bob.second_chances == [("quiz", "01-intro")] and bob.needs_second_chance
    assert bob.at_risk and not bob.inactive and bob.failed_quizzes == []
    assert bob.cells[("roleplay", "noise-dispute")].state == "failed"
    assert cleo.cells[("module", "01-intro")].state == "started"
    assert cleo.inactive and cleo.at_risk
    assert not dan.started and not dan.at_risk  # joined today
    assert data.counts() == {
        "learners": 4, "at_risk": 2, "not_started": 1, "completed": 0, "overdue": 0,
        "second_chance": 1,
    }  # fmt: skip


def test_dashboard_page_is_readable_without_colour(client, login, trainer, cohort, learners):
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Ada Active" in page and "Cléo Sleeper" in page
    assert '<span class="visually-hidden">done</span>' in page
    assert "✗ </span>50%" in page and "not passed" in page
    assert "At risk: inactive" in page and "Needs an extra attempt: quiz 1" in page
    assert "1 needs an extra attempt" in page.replace("<strong>", "").replace("</strong>", "")
    # the same progress as the learner's pages: 3 of the 5 requirements, 60 %
    assert '<progress max="5" value="3"' in page and "3/5 · 60%" in page
    assert '<h3 id="chart-progress-title" class="chart-title">Progress distribution</h3>' in page
    assert '<th scope="col" class="count-axis">Number of learners</th>' in page
    assert learners["ada"].email in page


def test_overdue_when_the_end_date_has_passed(cohort, course, learners, client, login):
    services.update_cohort(
        cohort.trainers[0], cohort,
        services.CohortFields("Spring group", SLUG, date(2020, 1, 1), date(2020, 2, 1)),
    )  # fmt: skip
    data = dashboard.build(cohort, course)
    assert all(r.overdue for r in data.rows)
    login(learners["ada"])
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Overdue" in page and "the cohort ended on" in page


def test_deadline_shown_to_learners(cohort, course, learners, client, login):
    ends = utcnow().date() + timedelta(days=10)
    services.update_cohort(
        cohort.trainers[0], cohort, services.CohortFields("Spring group", SLUG, None, ends)
    )
    login(learners["dan"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "finish by" in page and "10 days left" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Ada Active", "Bob Failer", "Cléo Sleeper", "Dan Newcomer"]),
        ("?sort=progress", ["Ada Active", "Bob Failer", "Cléo Sleeper", "Dan Newcomer"]),
        ("?sort=activity", ["Bob Failer", "Ada Active", "Cléo Sleeper", "Dan Newcomer"]),
        ("?sort=risk", ["Cléo Sleeper", "Bob Failer", "Dan Newcomer", "Ada Active"]),
        ("?show=at_risk", ["Bob Failer", "Cléo Sleeper"]),
        ("?show=not_started", ["Dan Newcomer"]),
        ("?show=completed", []),
        ("?sort=bogus&show=bogus", ["Ada Active", "Bob Failer", "Cléo Sleeper", "Dan Newcomer"]),
    ],
)
def test_sorting_and_filtering(client, login, trainer, cohort, learners, query, expected):
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}{query}").get_data(as_text=True)
    matrix = page.split('class="data matrix"')[1]
    names = ["Ada Active", "Bob Failer", "Cléo Sleeper", "Dan Newcomer"]
    shown = sorted((matrix.index(n), n) for n in names if f">{n}</a>" in matrix)
    assert [n for _i, n in shown] == expected


def test_learner_detail_shows_answers_path_and_reflection(client, login, trainer, cohort, learners):
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/learners/{learners['bob'].id}").get_data(as_text=True)
    assert "Attempt 1" in page and "Attempt 2" in page
    assert "Lyon" in page and "Right answer:" in page and "Paris" in page
    assert "noise" in page.lower() and "Chose:" in page
    page = client.get(f"/cohorts/{cohort.id}/learners/{learners['ada'].id}").get_data(as_text=True)
    assert "I listened first." in page
    assert client.get(f"/cohorts/{cohort.id}/learners/{trainer.id}").status_code == 404


def test_group_insight_numbers(cohort, course, learners, client, login, trainer):
    from cohorts import insight

    data = insight.build(cohort, course)
    quiz = data.quizzes[0]
    capital = next(q for q in quiz.questions if q.question.id == "capital")
    round_ = next(q for q in quiz.questions if q.question.id == "round")
    # Ada right; Bob's latest attempt (HALF) is wrong on capital, right on round.
    assert (capital.right, capital.answered) == (1, 2) and capital.share_right == 50
    assert (round_.right, round_.answered) == (2, 2)
    rp = data.roleplays[0]
    assert rp.players == 2
    first = rp.nodes[0]
    assert first.node.id == "arrival" and first.reached == 2
    assert [c.learners for c in first.choices][:2] == [1, 1]
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/insight").get_data(as_text=True)
    assert "50%" in page and str(escape(first.choices[1].choice.text)) in page
    assert "Questions most often missed" in page
    assert [q.question.id for _quiz, q in data.weakest()] == ["capital"]


def test_gradebook_csv(client, login, trainer, cohort, member):
    evil = member(full_name='=HYPERLINK("http://x")', email="evil@example.test")
    zoe = member(full_name="Zoé Lefèvre", email="zoe@example.test")
    module_done(zoe, "01-intro")
    quiz_attempt(zoe, "01-intro", RIGHT)
    login(trainer)
    response = client.get(f"/cohorts/{cohort.id}/gradebook.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Email", "Progress (%)"]
    by_email = {r[1]: r for r in rows[1:]}
    assert by_email[evil.email][0] == '\'=HYPERLINK("http://x")'
    assert by_email[zoe.email][0] == "Zoé Lefèvre"
    header = rows[0]
    zoe_row = dict(zip(header, by_email[zoe.email], strict=True))
    # the progress service's figures: 2 of the 5 requirements (module 1 and its quiz)
    assert zoe_row["Progress (%)"] == "40" and zoe_row["Requirements met (of 5)"] == "2"
    assert zoe_row["Modules done (of 2)"] == "1" and zoe_row["Quizzes passed (of 2)"] == "1"
    assert zoe_row["Quiz 1 (%) 01-intro"] == "100"


def test_gradebook_streams_in_chunks_that_add_up_to_the_file(
    client, login, trainer, cohort, member, monkeypatch
):
    from cohorts import gradebook

    monkeypatch.setattr(gradebook, "ROWS_PER_CHUNK", 2)
    for n in range(5):
        member(full_name=f"Learner {n}", email=f"learner{n}@example.test")
    login(trainer)
    response = client.get(f"/cohorts/{cohort.id}/gradebook.csv")
    assert response.status_code == 200 and response.is_streamed
    chunks = list(response.response)
    assert len(chunks) == 4  # the header, then rows 1-2, 3-4 and 5
    assert chunks[0].startswith(b"\xef\xbb\xbf") and chunks[0].count(b"\r\n") == 1
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [f"Learner {n}" for n in range(5)]


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise(value):
    assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain" and neutralise(None) == ""


def _dashboard_queries(client, cohort_id: int) -> list[str]:
    statements: list[str] = []
    db.session.expunge_all()  # the test's session is shared with requests: start cold

    def record(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(f"/cohorts/{cohort_id}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def test_dashboard_query_count_does_not_grow(client, login, trainer, course):
    from cohorts.services import CohortFields, create_cohort

    login(trainer)
    ids = []
    for n in (5, 50):
        cohort = create_cohort(trainer, CohortFields(f"{n} learners", SLUG, None, None))
        for i in range(n):
            user = quick_learner(f"q{n}-{i}@example.test")
            services.join(user, cohort)
            module_done(user, "01-intro")
            quiz_attempt(user, "01-intro", RIGHT if i % 2 else WRONG)
            roleplay_run(user, BEST if i % 3 else WORST)
        ids.append(cohort.id)
    _dashboard_queries(client, ids[0])  # warm the content cache and the standings
    _dashboard_queries(client, ids[1])
    few = _dashboard_queries(client, ids[0])
    many = _dashboard_queries(client, ids[1])
    assert len(few) == len(many), "\n".join(few + ["---"] + many)
    # session, cohort, trainers; stale standings, matching count, the page's ids; the page's
    # rows (members, 4 progress queries, last activity, certificates); counts and two charts;
    # pending invitations
    assert len(many) <= 18


def test_a_certificate_shows_on_the_dashboard_export_and_learner_page(
    client, login, trainer, cohort, member, course
):
    from certificates.models import Certificate, current_key

    holder = member(full_name="Hana Holder", email="hana@example.test")
    db.session.add(
        Certificate(
            code="CERT-CODE-1234", user_id=holder.id, course_slug=SLUG,
            current_key=current_key(holder.id, SLUG), holder_name="Hana Holder",
            course_title="Cohort course", hours=3, completed_on=date(2026, 11, 1),
            score_percent=90, modules=[], competencies=[], issuer="Centre",
            signatory="A. Person", certificate_title="Certificate", issued_at=utcnow(),
            pdf=b"%PDF-1.7", pdf_sha256="0" * 64, pdf_size=8,
        )
    )  # fmt: skip
    db.session.commit()
    row = dashboard.build(cohort, course).rows[0]
    # a certificate makes the row complete; its progress stays what the service says
    assert row.complete and row.certificate is not None and not row.at_risk
    login(trainer)
    csv_text = client.get(f"/cohorts/{cohort.id}/gradebook.csv").data.decode("utf-8-sig")
    assert "CERT-CODE-1234,valid" in csv_text
    page = client.get(f"/cohorts/{cohort.id}/learners/{holder.id}").get_data(as_text=True)
    assert "CERT-CODE-1234" in page and "/verify/CERT-CODE-1234" in page
    completed = client.get(f"/cohorts/{cohort.id}?show=completed").get_data(as_text=True)
    assert ">Hana Holder</a>" in completed


def test_gradebook_batches_keep_the_dashboards_order(
    client, login, trainer, cohort, member, course, monkeypatch
):
    """Built a batch at a time, the file still lists learners as the whole dashboard does."""
    from cohorts import gradebook

    monkeypatch.setattr(gradebook, "ROWS_PER_CHUNK", 2)
    names = ["émile Roux", "Zoé Lefèvre", "alice Martin", "Bob Durand", "Émile Roux"]
    for n, name in enumerate(names):
        member(full_name=name, email=f"m{n}@example.test")
    expected = [r.user.email for r in dashboard.build(cohort, course).rows]
    login(trainer)
    body = client.get(f"/cohorts/{cohort.id}/gradebook.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[1] for r in rows[1:]] == expected
    assert len(expected) == len(names) and len({len(r) for r in rows}) == 1


def test_an_empty_cohorts_gradebook_has_the_whole_header(client, login, trainer, cohort):
    login(trainer)
    body = client.get(f"/cohorts/{cohort.id}/gradebook.csv").data.decode("utf-8-sig")
    (header,) = list(csv.reader(io.StringIO(body)))
    assert "Requirements met (of 5)" in header and "Modules done (of 2)" in header


def test_the_gradebook_never_builds_more_rows_than_a_batch(
    client, login, trainer, cohort, member, monkeypatch
):
    """Memory holds one batch of rows, not the cohort (issue 19: exports that stream)."""
    from cohorts import gradebook

    built: list[int] = []
    rows_of = dashboard.rows_of

    def counting_rows_of(cohort, course, user_ids, now):  # noqa: ANN001, ANN202
        built.append(len(user_ids))
        return rows_of(cohort, course, user_ids, now)

    monkeypatch.setattr(gradebook, "ROWS_PER_CHUNK", 3)
    monkeypatch.setattr(dashboard, "rows_of", counting_rows_of)
    for n in range(7):
        member(full_name=f"Learner {n}", email=f"learner{n}@example.test")
    login(trainer)
    rows = list(csv.reader(io.StringIO(client.get(f"/cohorts/{cohort.id}/gradebook.csv").text)))
    assert built == [3, 3, 1] and len(rows) == 1 + 7
