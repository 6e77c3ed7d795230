"""Every cohort route: 404 for another trainer's cohort, 403 for learners, 200 for admins."""

from __future__ import annotations

from cohorts.views import bp

ROUTES = [
    ("GET", "/cohorts/{id}"),
    ("GET", "/cohorts/{id}/edit"),
    ("POST", "/cohorts/{id}/edit"),
    ("POST", "/cohorts/{id}/archive"),
    ("POST", "/cohorts/{id}/unarchive"),
    ("POST", "/cohorts/{id}/code"),
    ("GET", "/cohorts/{id}/import"),
    ("POST", "/cohorts/{id}/import"),
    ("GET", "/cohorts/{id}/import/done"),
    ("GET", "/cohorts/{id}/learners/{learner}"),
    ("POST", "/cohorts/{id}/learners/{learner}/second-chances"),
    ("GET", "/cohorts/{id}/insight"),
    ("GET", "/cohorts/{id}/gradebook.csv"),
    ("POST", "/cohorts/{id}/learners/{learner}/runs/{run}/reply"),
    ("GET", "/cohorts/{id}/quiz-statistics"),
    ("GET", "/cohorts/{id}/quiz-statistics/{stem}"),
]


def test_every_cohort_route_is_listed(app):
    rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{bp.name}.") and "<int:cohort_id>" in rule.rule
    }
    listed = {
        path.replace("{id}", "<int:cohort_id>")
        .replace("{learner}", "<int:user_id>")
        .replace("{run}", "<int:run_id>")
        .replace("{stem}", "<stem>")
        for _m, path in ROUTES
    }
    assert rules == listed


# Other features' pages about a cohort (the bulk certificate ZIP).
OTHER_ROUTES = [("GET", "/cohorts/{id}/certificates.zip")]


def test_another_trainer_gets_404_on_every_route(client, login, make_user, cohort, member):
    learner = member()
    code = cohort.join_code
    login(make_user("trainer"))
    for method, path in ROUTES + OTHER_ROUTES:
        url = path.format(id=cohort.id, learner=learner.id, run=0, stem="01-intro")
        response = client.open(url, method=method, data={"name": "Hijacked", "course": "x"})
        assert response.status_code == 404, (method, url)
    assert cohort.name == "Spring group" and cohort.archived_at is None
    assert cohort.join_code == code


def test_learners_get_403_on_every_route_even_in_the_cohort(client, login, cohort, member):
    learner = member()
    login(learner)
    for method, path in ROUTES:
        url = path.format(id=cohort.id, learner=learner.id, run=0, stem="01-intro")
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_learners_see_no_cohort_list(client, login, member):
    login(member())
    assert client.get("/cohorts/").status_code == 403
    assert client.get("/cohorts/new").status_code == 403
    assert b'href="/cohorts/"' not in client.get("/").data


def test_anonymous_is_sent_to_log_in(client, cohort):
    response = client.get(f"/cohorts/{cohort.id}")
    assert response.status_code == 302 and "/login" in response.location


def test_admin_sees_every_cohort(client, login, make_user, cohort, member):
    learner = member()
    login(make_user("admin"))
    assert b"Spring group" in client.get("/cohorts/").data
    for method, path in ROUTES + OTHER_ROUTES:
        if method == "GET" and "import/done" not in path:
            url = path.format(id=cohort.id, learner=learner.id, run=0, stem="01-intro")
            assert client.get(url).status_code == 200, url


def test_unknown_cohort_is_404(client, login, trainer):
    login(trainer)
    assert client.get("/cohorts/999999").status_code == 404
