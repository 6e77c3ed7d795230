"""Trainer pages (cohorts, dashboard, insight, exports) and the learner's join page.

Every cohort route goes through ``_cohort_or_404``: another trainer's cohort is a 404, exactly
like a cohort that does not exist; learners get the 403 of ``trainer_required``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from cohorts import (
    charts,
    csv_import,
    deadlines,
    gradebook,
    insight,
    membership,
    services,
)
from cohorts import dashboard as dashboard_data
from cohorts import demo as _demo  # noqa: F401  (registers the demo loader)
from cohorts.cells import CellRenderer
from cohorts.codes import display_code
from cohorts.forms import CohortForm, ImportForm, InviteOneForm
from courses.catalogue import Course
from courses.loader import get_course
from courses.sections import register_course_section, register_dashboard_section
from training import pagination
from training.access import trainer_required
from training.extensions import limiter
from training.forms import EmptyForm
from training.models import Cohort
from training.pagination import Pager

bp = Blueprint("cohorts", __name__)

register_course_section(deadlines.course_section)
register_dashboard_section(deadlines.dashboard_section)

IMPORT_SUMMARY_KEY = "cohort_import_summary"
SUMMARY_SAMPLE = 10


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = services.cohort_for(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _course_or_404(cohort: Cohort) -> Course:
    course = get_course(cohort.course_slug)
    if course is None:
        abort(404)
    return course


def _fields(form: CohortForm) -> services.CohortFields:
    return services.CohortFields(
        name=form.name.data or "",
        course_slug=form.course.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        description=form.description.data or "",
        co_trainer_emails=form.co_trainer_emails(),
    )


@bp.app_template_filter("join_code")
def _join_code_filter(code: str) -> str:
    return display_code(code)


# Cohort management ---------------------------------------------------------------------


@bp.get("/cohorts/")
@trainer_required
def index() -> str:
    archived = request.args.get("archived") == "1"
    cohorts = services.visible_cohorts(current_user, archived=archived)
    counts = services.member_counts([c.id for c in cohorts])
    titles = dict(services.course_choices())
    return render_template(
        "cohorts/index.html", cohorts=cohorts, counts=counts, titles=titles, archived=archived
    )


def _course_choices() -> list[SelectChoice]:
    """The courses, after an empty first choice: a required select must not preselect one."""
    return [SelectChoice("", _("Choose a course"))] + [
        SelectChoice(slug, title) for slug, title in services.course_choices()
    ]


@bp.route("/cohorts/new", methods=["GET", "POST"])
@trainer_required
def new() -> str | Response:
    form = CohortForm()
    form.course.choices = _course_choices()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(current_user, _fields(form))
        except services.CohortError as exc:
            form.name.errors.append(str(exc))  # type: ignore[attr-defined]
        else:
            flash(_("Cohort “%(name)s” created. Share its join code with your learners.",
                    name=cohort.name), "success")  # fmt: skip
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@trainer_required
def edit(cohort_id: int) -> str | Response:
    cohort = _cohort_or_404(cohort_id)
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    form.course.choices = _course_choices()
    if request.method == "GET":
        form.course.data = cohort.course_slug
        form.co_trainers.data = ", ".join(
            t.email for t in cohort.trainers if t.id != current_user.id
        )
    if form.validate_on_submit():
        try:
            services.update_cohort(current_user, cohort, _fields(form))
        except services.CohortError as exc:
            form.name.errors.append(str(exc))  # type: ignore[attr-defined]
        else:
            flash(_("Cohort saved."), "success")
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort, action_form=EmptyForm())


def _post_action(cohort_id: int) -> Cohort:
    cohort = _cohort_or_404(cohort_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return cohort


@bp.post("/cohorts/<int:cohort_id>/archive")
@trainer_required
def archive(cohort_id: int) -> Response:
    cohort = _post_action(cohort_id)
    services.set_archived(cohort, True)
    flash(_("Cohort “%(name)s” archived: it can no longer be joined.", name=cohort.name),
          "success")  # fmt: skip
    return redirect(url_for("cohorts.index"))


@bp.post("/cohorts/<int:cohort_id>/unarchive")
@trainer_required
def unarchive(cohort_id: int) -> Response:
    cohort = _post_action(cohort_id)
    services.set_archived(cohort, False)
    flash(_("Cohort “%(name)s” is active again.", name=cohort.name), "success")
    return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/code")
@trainer_required
def regenerate_code(cohort_id: int) -> Response:
    cohort = _post_action(cohort_id)
    code = services.regenerate_code(cohort)
    flash(_("New join code: %(code)s. The old code and link no longer work.",
            code=display_code(code)), "success")  # fmt: skip
    return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@trainer_required
def import_roster(cohort_id: int) -> str | Response:
    cohort = _cohort_or_404(cohort_id)
    form = ImportForm()
    problems: list[csv_import.RowProblem] = []
    if form.validate_on_submit():
        roster = csv_import.parse_roster(form.file.data.read())
        if roster.ok:
            course = get_course(cohort.course_slug)
            summary = csv_import.import_roster(
                cohort, roster, language=course.language if course else "en", trainer=current_user
            )
            # The session is a cookie (4 KB): counts, and only the first addresses of each list.
            # Invitations are one list: nothing says which addresses already had an account.
            session[IMPORT_SUMMARY_KEY] = {
                "cohort": cohort.id,
                **{
                    key: {"count": len(emails), "sample": emails[:SUMMARY_SAMPLE]}
                    for key, emails in (
                        ("invited", summary.invited),
                        ("already", summary.already_members),
                    )
                },
            }
            return redirect(url_for("cohorts.import_done", cohort_id=cohort.id))
        problems = roster.problems
    page = render_template(
        "cohorts/import.html",
        cohort=cohort,
        form=form,
        invite_form=InviteOneForm(formdata=None),
        problems=problems,
    )
    return page, (422 if problems else 200)  # type: ignore[return-value]


@bp.get("/cohorts/<int:cohort_id>/import/done")
@trainer_required
def import_done(cohort_id: int) -> str | Response:
    cohort = _cohort_or_404(cohort_id)
    summary = session.get(IMPORT_SUMMARY_KEY)
    if not summary or summary.get("cohort") != cohort.id:
        return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/import_done.html", cohort=cohort, summary=summary)


# Dashboard, learner, insight, exports --------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>")
@trainer_required
def dashboard(cohort_id: int) -> str:
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    args = request.args
    sort = _choice(args.get("sort"), dashboard_data.SORTS)
    show = _choice(args.get("show"), dashboard_data.FILTERS)
    shown = _choice(args.get("columns"), dashboard_data.COLUMN_SETS)
    page_number, per_page = pagination.requested(args)
    result = dashboard_data.page_of(
        cohort, course, sort=sort, show=show, page=page_number, per_page=per_page
    )
    data = result.dashboard
    counts = result.counts
    kinds = {"modules": "module", "quizzes": "quiz", "roleplays": "roleplay"}
    columns = [c for c in data.columns if shown == "all" or c.kind == kinds[shown]]
    return render_template(
        "cohorts/dashboard.html",
        cohort=cohort,
        data=data,
        rows=data.rows,
        columns=columns,
        shown_columns=shown,
        sort=sort,
        show=show,
        pager=Pager.from_args(args, result.matching),
        counts=counts,
        charts=_charts(result, counts),
        action_form=EmptyForm(),
        cells=CellRenderer(),
        join_url=url_for("cohorts.join", code=cohort.join_code, _external=True),
        pending_invitations=membership.pending_count(cohort),
        zip_endpoint="certificates.cohort_zip" in current_app.view_functions,
    )


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    """A GET parameter among ``allowed`` (the first is the default for anything else)."""
    return value if value in allowed else allowed[0]


def _charts(result: dashboard_data.DashboardPage, counts: dict[str, int]) -> list[charts.Histogram]:
    graded = sum(result.score_bands)
    return [
        charts.histogram(
            "chart-progress",
            _("Progress distribution"),
            ngettext(
                "How far the %(num)d learner has got, in bands of 20%%.",
                "How far the %(num)d learners have got, in bands of 20%%.",
                counts["learners"],
            ),
            result.progress_bands,
            band_axis=_("Requirements met"),
            count_axis=_("Number of learners"),
        ),
        charts.histogram(
            "chart-scores",
            _("Quiz score distribution"),
            ngettext(
                "Average quiz grade of the %(num)d learner who has taken a quiz (untaken "
                "quizzes count as 0), in bands of 20%%.",
                "Average quiz grade of the %(num)d learners who have taken a quiz (untaken "
                "quizzes count as 0), in bands of 20%%.",
                graded,
            ),
            result.score_bands,
            band_axis=_("Average quiz grade"),
            count_axis=_("Number of learners"),
        ),
    ]


@bp.get("/cohorts/<int:cohort_id>/insight")
@trainer_required
def group_insight(cohort_id: int) -> str:
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    return render_template(
        "cohorts/insight.html", cohort=cohort, course=course, insight=insight.build(cohort, course)
    )


@bp.get("/cohorts/<int:cohort_id>/gradebook.csv")
@trainer_required
def gradebook_csv(cohort_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    chunks = gradebook.gradebook_chunks(cohort, course)
    filename = f"gradebook-{course.slug}-cohort-{cohort.id}.csv"
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


# Joining -------------------------------------------------------------------------------


def _join_limit() -> str:
    return current_app.config.get("JOIN_RATE_LIMIT", "30 per minute")


@bp.get("/join")
def join_form() -> str | Response:
    """A GET form: typing a code leads to its join page (which asks before enrolling)."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("cohorts.join", code=code))
    return render_template("cohorts/join_form.html")


@bp.route("/join/<code>", methods=["GET", "POST"])
@limiter.limit(_join_limit)
def join(code: str) -> str | Response:
    cohort = services.cohort_by_code(code)
    if cohort is None:
        return render_template("cohorts/join_unknown.html"), 404  # type: ignore[return-value]
    course = get_course(cohort.course_slug)
    form = EmptyForm()
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=url_for("cohorts.join", code=code)))
        if not form.validate_on_submit():
            abort(400)
        try:
            result = services.join(current_user, cohort)
        except services.CohortError as exc:
            flash(str(exc), "error")
            return redirect(url_for("cohorts.join", code=cohort.join_code))
        session.pop(deadlines.PENDING_JOIN_KEY, None)
        if result.already_member:
            flash(_("You are already in “%(name)s”.", name=cohort.name), "info")
        else:
            flash(_("Welcome to “%(name)s”!", name=cohort.name), "success")
        if course is not None and "courses.course" in current_app.view_functions:
            return redirect(url_for("courses.course", slug=course.slug))
        return redirect(url_for("main.index"))
    member = current_user.is_authenticated and services.is_member(cohort, current_user.id)
    if not current_user.is_authenticated and cohort.archived_at is None:
        session[deadlines.PENDING_JOIN_KEY] = cohort.join_code
    return render_template(
        "cohorts/join.html", cohort=cohort, course=course, form=form, member=member
    )


# The learner page and its second chances are in their own module, on this blueprint.
from cohorts import learner_views as _learner_views  # noqa: E402, F401
from cohorts import reply_views as _reply_views  # noqa: E402, F401
from cohorts import statistics_views as _statistics_views  # noqa: E402, F401
