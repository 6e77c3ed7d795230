"""The course page and the dashboard show what is done, what is missing, and the certificate."""

from __future__ import annotations

from certificates import services
from tests.certificates.conftest import complete_everything, enrol, read_modules


def test_course_page_and_dashboard_show_missing_then_the_certificate(client, login_as, course):
    learner = login_as("learner")
    enrol(learner, course)
    read_modules(learner, course, ["01-intro"])
    html = client.get("/courses/mini").get_data(as_text=True)
    assert 'id="completion-title"' in html
    assert "4 requirements are still missing for the certificate." in html
    assert "1 of 5 requirements met" in html
    assert "Quiz: Next steps" in html and "Not taken yet — 80% needed" in html
    assert "Role-play: Noise at 23:00" in html
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "1 of 5 requirements met (20%)" in dashboard

    complete_everything(learner, course)
    certificate = services.find_current(learner.id, course.slug)
    assert certificate is not None
    html = client.get("/courses/mini").get_data(as_text=True)
    assert "Your certificate was issued on" in html
    assert f"/certificates/{certificate.code}.pdf" in html
    assert f"/certificates/{certificate.code}.pdf" in client.get("/dashboard").text


def test_no_section_for_visitors_who_are_not_enrolled(client, login_as, course):
    login_as("learner")
    assert 'id="completion-title"' not in client.get("/courses/mini").text
