"""Course pages, enrolment, progress, media and the run-time catalogue on small test courses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from courses import loader, services
from courses.loader import get_catalogue, get_course
from courses.models import ModuleProgress
from tests.courses.course_factory import COURSE_YAML, write_course
from training.content_source import load_yaml_file
from training.extensions import db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    write_course(root, "mini")
    write_course(root, "closed", course_yaml=COURSE_YAML.replace("open: true", "open: false"))
    write_course(root, "broken", course_yaml=COURSE_YAML.replace("hours: 2", "hours: many"))
    return root


@pytest.fixture
def app_config(courses_dir: Path) -> dict[str, object]:
    return {"COURSES_DIR": str(courses_dir)}


@pytest.fixture
def course():
    return get_course("mini")


# -- catalogue and a broken course ----------------------------------------------------------


def test_a_broken_course_is_left_out_and_the_others_serve(client, make_user, auth, caplog):
    catalogue = get_catalogue()
    assert sorted(catalogue.courses) == ["closed", "mini"]
    assert [str(p) for p in catalogue.problems["broken"]] == [
        "courses/broken/course.yaml:4: 'hours' must be a positive number, not text"
    ]
    page = client.get("/courses").get_data(as_text=True)
    assert "/courses/mini" in page and "/courses/broken" not in page
    assert client.get("/courses/mini").status_code == 200
    assert client.get("/courses/broken").status_code == 404

    admin = make_user("admin")
    auth.login(admin.email)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "broken" in page and "left out" in page


def test_course_page_shows_summary_hours_modules_and_roleplays(client):
    page = client.get("/courses/mini").get_data(as_text=True)
    for text in ("Mini course", "A tiny course for the tests.", "2 hours", "Read two modules"):
        assert text in page
    assert "First module" in page and "5 min" in page and "Second module" in page
    assert "In the corridor" in page
    assert "Log in" in page  # anonymous: no enrol button, a way in


# -- the cache ------------------------------------------------------------------------------


def test_unchanged_content_is_not_rendered_again(app, courses_dir):
    first = get_catalogue(refresh=True)
    rendered = loader.stats["modules_rendered"]
    again = get_catalogue(refresh=True)
    assert again is first
    assert loader.stats["modules_rendered"] == rendered


def test_a_changed_file_is_picked_up(app, courses_dir):
    before = get_catalogue()
    old_closed = before.courses["closed"]
    rendered = loader.stats["modules_rendered"]
    module = courses_dir / "mini" / "modules" / "02-second.md"
    module.write_text(module.read_text().replace("title: Second module", "title: Renamed"))
    after = get_catalogue(refresh=True)
    assert after.version != before.version
    assert after.courses["mini"].version != before.courses["mini"].version
    assert after.courses["mini"].module("02-second").title == "Renamed"
    assert after.courses["closed"] is old_closed  # other courses are kept as they were
    assert loader.stats["modules_rendered"] == rendered + 2  # only mini's modules


def test_a_fixed_course_comes_back(app, courses_dir):
    assert get_course("broken") is None
    (courses_dir / "broken" / "course.yaml").write_text(COURSE_YAML)
    assert get_catalogue(refresh=True).courses["broken"].title == "Mini course"


# -- enrolment ------------------------------------------------------------------------------


def test_self_enrol_in_an_open_course(client, login_as):
    user = login_as("learner")
    response = client.post("/courses/mini/enrol")
    assert response.status_code == 302 and response.location.endswith("/courses/mini")
    assert services.is_enrolled(user.id, "mini")
    client.post("/courses/mini/enrol")  # twice: still one enrolment
    assert [c.slug for c in services.enrolled_courses(user)] == ["mini"]


def test_a_closed_course_refuses_self_enrolment(client, login_as):
    user = login_as("learner")
    page = client.get("/courses/closed").get_data(as_text=True)
    assert "Enrol in this course" not in page
    response = client.post("/courses/closed/enrol", follow_redirects=True)
    assert "not open to self-enrolment" in response.get_data(as_text=True)
    assert not services.is_enrolled(user.id, "closed")


def test_enrol_needs_a_login(client):
    response = client.post("/courses/mini/enrol")
    assert response.status_code == 302 and "/login" in response.location


# -- who reads modules ----------------------------------------------------------------------


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get("/courses/mini/01-first")
    assert response.status_code == 302 and "/login" in response.location


def test_learners_not_enrolled_get_the_course_page(client, login_as):
    login_as("learner")
    response = client.get("/courses/mini/01-first")
    assert response.status_code == 302 and response.location.endswith("/courses/mini")
    response = client.post("/courses/mini/01-first/done")
    assert response.location.endswith("/courses/mini")
    assert db.session.query(ModuleProgress).count() == 0


def test_enrolled_learners_read(client, login_as, course):
    user = login_as("learner")
    services.enrol(user, course)
    response = client.get("/courses/mini/01-first")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>First module</h1>" in page
    assert "Learn the first thing" in page  # objectives
    assert "On this page" in page  # four sections: a table of contents
    assert "Mark as done" in page
    assert 'href="/courses/mini/02-second"' in page  # next
    assert 'src="media/diagram.png"' in page


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_trainers_and_admins_read_without_enrolling(client, login_as, role):
    login_as(role)
    assert client.get("/courses/mini/02-second").status_code == 200


def test_unknown_course_or_module_is_404(client, login_as, course):
    user = login_as("learner")
    services.enrol(user, course)
    assert client.get("/courses/nope/01-first").status_code == 404
    assert client.get("/courses/mini/09-nope").status_code == 404
    assert client.post("/courses/mini/09-nope/done").status_code == 404


def test_mark_as_done_leads_to_the_module_quiz(client, login_as, course):
    """A module with a quiz: "Mark as done" says it leads to the quiz, and does; once done,
    the quiz stays one click away. A module without a quiz goes on to the next module."""
    user = login_as("learner")
    services.enrol(user, course)
    page = client.get("/courses/mini/01-first").get_data(as_text=True)
    assert "Mark as done and take the quiz" in page and "Take the quiz</a>" not in page
    response = client.post("/courses/mini/01-first/done")
    assert response.location.endswith("/courses/mini/01-first/quiz")
    page = client.get("/courses/mini/01-first").get_data(as_text=True)
    assert "You marked this module as done." in page and "Take the quiz</a>" in page
    second = client.get("/courses/mini/02-second").get_data(as_text=True)
    assert "Take the quiz" not in second and "Mark as done and take" not in second


# -- progress -------------------------------------------------------------------------------


def test_opening_and_marking_done_record_progress(client, login_as, course):
    user = login_as("learner")
    services.enrol(user, course)
    client.get("/courses/mini/01-first")
    row = db.session.query(ModuleProgress).one()
    assert (row.module_stem, row.completed_at) == ("01-first", None)
    first_opened = row.first_opened_at

    response = client.post("/courses/mini/01-first/done")
    assert response.location.endswith("/courses/mini/01-first/quiz")  # its quiz comes next
    db.session.expire_all()
    row = db.session.query(ModuleProgress).one()
    completed = row.completed_at
    assert completed is not None and row.first_opened_at == first_opened

    client.post("/courses/mini/01-first/done")  # idempotent
    client.get("/courses/mini/01-first")
    db.session.expire_all()
    row = db.session.query(ModuleProgress).one()
    assert row.completed_at == completed and row.first_opened_at == first_opened
    assert services.completed_modules(user.id, "mini") == {"01-first"}
    assert services.last_activity(user.id, "mini") == row.last_opened_at

    # One progress, labelled the same on the course page, the dashboard and the catalogue:
    # the requirements (2 modules and 1 quiz), then each kind.
    headline = "1 of 3 requirements met (33.3%)"
    breakdown = "modules done: 1 of 2 · quizzes passed: 0 of 1"
    page = client.get("/courses/mini").get_data(as_text=True)
    assert headline in page and breakdown in page
    assert 'value="1"' in page
    page = client.get("/dashboard").get_data(as_text=True)
    assert headline in page and breakdown in page
    assert "Continue: Second module" in page
    page = client.get("/courses").get_data(as_text=True)
    assert headline in page and breakdown in page

    response = client.post("/courses/mini/02-second/done")
    assert response.location.endswith("/courses/mini")  # the last module: back to the course
    page = client.get("/dashboard").get_data(as_text=True)
    assert "2 of 3 requirements met (66.7%)" in page and "modules done: 2 of 2" in page


def test_resume_target(login_as, course):
    user = login_as("learner")
    services.enrol(user, course)
    assert services.resume_target(user, course).stem == "01-first"
    services.record_module_opened(user, course, "02-second")
    assert services.resume_target(user, course).stem == "02-second"  # where I left off
    services.mark_module_done(user, course, "02-second")
    assert services.resume_target(user, course).stem == "01-first"  # first not done


def test_services_refuse_readers_who_may_not_read(login_as, course):
    user = login_as("learner")
    with pytest.raises(services.NotAllowed):
        services.mark_module_done(user, course, "01-first")


def test_dashboard_without_courses_points_to_the_catalogue(client, login_as):
    login_as("learner")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "not enrolled in any course" in page and 'href="/courses"' in page


def test_home_sends_logged_in_users_to_their_dashboard(client, login_as):
    assert client.get("/").status_code == 200
    login_as("learner")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/dashboard")


def test_module_page_renders_no_markdown_and_needs_few_queries(app, client, login_as, course):
    user = login_as("learner")
    services.enrol(user, course)
    client.get("/courses/mini/01-first")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    rendered = loader.stats["modules_rendered"]
    db.session.remove()  # a fresh session, as in a real request: the user is loaded too
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/courses/mini/01-first").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert loader.stats["modules_rendered"] == rendered
    assert len(statements) <= 5, statements
    # Re-reading within a minute writes nothing (no write lock per page view).
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_a_module_re_read_is_one_query_with_the_user(app, client, login_as, course):
    """The page's reads join the user loader's query (training.prefetch): one SELECT in all."""
    user = login_as("learner")
    services.enrol(user, course)
    client.get("/courses/mini/02-second")
    services.mark_module_done(user, course, "02-second")
    client.get("/courses/mini/01-first")  # the latest learning event: a re-read repeats it
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        first = client.get("/courses/mini/01-first").get_data(as_text=True)
        one_request = list(statements)
        second = client.get("/courses/mini/02-second").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(one_request) == 1, one_request
    assert "user_sessions" in one_request[0] and "module_progress" in one_request[0]
    # Each page shows its own module's state, read with the user.
    assert "Not done yet" in first and "You marked this module as done." not in first
    assert "You marked this module as done." in second


# -- media ----------------------------------------------------------------------------------


def test_media_is_served_with_its_type(client):
    response = client.get("/courses/mini/media/diagram.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "%2e%2e%2fcourse.yaml",
        "../course.yaml",
        "%2Fetc%2Fpasswd",
        "/etc/passwd",
        "..\\course.yaml",
        "nope.png",
        ".hidden.png",
    ],
)
def test_media_serves_nothing_outside_media(client, path):
    response = client.get(f"/courses/mini/media/{path}", follow_redirects=True)
    assert response.status_code == 404
    assert b"root:" not in response.data and b"title:" not in response.data


def test_a_symlink_out_of_media_is_not_followed(client, courses_dir):
    link = courses_dir / "mini" / "media" / "escape.png"
    link.symlink_to(courses_dir / "mini" / "course.yaml")
    assert client.get("/courses/mini/media/escape.png").status_code == 404


# -- the checker ----------------------------------------------------------------------------


def test_checker_prints_each_problem_and_fails(runner, courses_dir):
    result = runner.invoke(args=["courses", "check", str(courses_dir)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{courses_dir}/broken/course.yaml:4: 'hours' must be a positive number, not text"
    ]


def test_checker_passes_a_valid_course(runner, courses_dir):
    result = runner.invoke(args=["courses", "check", str(courses_dir / "mini")])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_checker_warnings_do_not_fail(runner, courses_dir):
    module = courses_dir / "mini" / "modules" / "02-second.md"
    module.write_text(module.read_text() + "\n[away](/elsewhere)\n")
    result = runner.invoke(args=["courses", "check", "--", str(courses_dir / "mini")])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{courses_dir}/mini/modules/02-second.md:14: warning: link outside the course "
        "dropped: '/elsewhere'"
    ]


def test_checker_with_nothing_to_check(runner, tmp_path):
    result = runner.invoke(args=["courses", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}:1: no course found" in result.stdout


def test_the_bundled_course_passes_the_checker(runner):
    """Warnings allowed (the content is being rewritten to the assessment rules), no error."""
    result = runner.invoke(args=["courses", "check", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert all(": warning: " in line for line in result.stdout.splitlines()), result.stdout
    manifest = load_yaml_file(ROOT / "content" / "cap-apm" / "course.yaml")
    modules, roleplays = len(manifest["modules"]), len(manifest["roleplays"])
    counts = f"({modules} modules, {modules} quizzes, {roleplays} role-plays"
    assert f"cap-apm: ok {counts}" in result.stderr


def test_a_closed_courses_media_is_only_for_its_readers(app, client, make_user, auth):
    from courses import services
    from courses.loader import get_course

    path = "/courses/closed/media/diagram.png"
    assert client.get(path).status_code == 404  # anonymous
    outsider = make_user("learner")
    auth.login(outsider.email)
    assert client.get(path).status_code == 404  # signed in, not enrolled
    auth.logout()
    reader = make_user("learner")
    services.enrol(reader, get_course("closed"))
    auth.login(reader.email)
    response = client.get(path)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    auth.logout()
    auth.login(make_user("trainer").email)
    assert client.get(path).status_code == 200
    # An open course's media stays public.
    auth.logout()
    assert client.get("/courses/mini/media/diagram.png").status_code == 200
